//! What the archive teaches in numbers: how many incidents, how long they
//! lasted, how fast they were found, and what is still to be done, for any
//! set of reports (a service, a severity, a tag, a year, the archive); and
//! the month-by-month series the charts draw.
//!
//! Definitions (also on the site's `about/metrics/` page): durations count
//! from the impact start (`date`); the median of an even count is the mean
//! of the two middle values; p90 is the nearest-rank 90th percentile; total
//! impact time adds up every resolved incident's duration, overlaps
//! counted twice.

use chrono::{Datelike, NaiveDate, TimeDelta};
use rayon::prelude::*;
use serde::Serialize;

use crate::archive::Archive;
use crate::util::duration;

/// What one report contributes to the metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Total duration in seconds (`resolved - date`).
    pub duration: Option<i64>,
    /// Time to detect in seconds (`detected - date`), when not negative.
    pub detect: Option<i64>,
    pub action_items: usize,
    pub open: usize,
    pub overdue: usize,
}

/// Every report's facts, in archive order; `today` decides what is overdue.
pub fn facts(archive: &Archive, today: NaiveDate) -> Vec<Facts> {
    archive
        .reports
        .par_iter()
        .map(|r| {
            let pm = &r.pm;
            Facts {
                duration: pm.seconds_since_start(pm.resolved),
                detect: pm.seconds_since_start(pm.detected),
                action_items: pm.action_items.len(),
                open: pm.action_items.iter().filter(|a| a.state.is_open()).count(),
                overdue: pm
                    .action_items
                    .iter()
                    .filter(|a| a.is_overdue(today))
                    .count(),
            }
        })
        .collect()
}

/// A length of time, exact and as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub seconds: i64,
    pub human: String,
}

impl Measure {
    pub fn new(seconds: i64) -> Measure {
        Measure {
            seconds,
            human: duration::human(TimeDelta::seconds(seconds)),
        }
    }
}

/// The metrics of a set of reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metrics {
    pub count: usize,
    /// How many of them have a total duration (a `resolved` time).
    pub resolved: usize,
    pub median_duration: Option<Measure>,
    pub p90_duration: Option<Measure>,
    pub median_detect: Option<Measure>,
    pub p90_detect: Option<Measure>,
    pub total_impact: Measure,
    pub action_items: usize,
    pub open_action_items: usize,
    pub overdue_action_items: usize,
}

/// The metrics of `reports` (positions into `facts`).
pub fn of(facts: &[Facts], reports: &[usize]) -> Metrics {
    let mut durations: Vec<i64> = reports.iter().filter_map(|&i| facts[i].duration).collect();
    let mut detects: Vec<i64> = reports.iter().filter_map(|&i| facts[i].detect).collect();
    durations.sort_unstable();
    detects.sort_unstable();
    let sum = |f: fn(&Facts) -> usize| reports.iter().map(|&i| f(&facts[i])).sum();
    Metrics {
        count: reports.len(),
        resolved: durations.len(),
        median_duration: median(&durations).map(Measure::new),
        p90_duration: p90(&durations).map(Measure::new),
        median_detect: median(&detects).map(Measure::new),
        p90_detect: p90(&detects).map(Measure::new),
        total_impact: Measure::new(durations.iter().sum()),
        action_items: sum(|f| f.action_items),
        open_action_items: sum(|f| f.open),
        overdue_action_items: sum(|f| f.overdue),
    }
}

/// The middle of `sorted`; for an even count, the mean of the two middle
/// values (rounded down).
pub fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2)),
    }
}

/// The nearest-rank 90th percentile of `sorted`: the smallest value that
/// at least 90% of the values do not exceed.
pub fn p90(sorted: &[i64]) -> Option<i64> {
    let rank = (sorted.len() * 9).div_ceil(10);
    rank.checked_sub(1).map(|i| sorted[i])
}

/// A month, as (year, month 1–12).
pub type Month = (i32, u32);

/// The `count` months that end with `last`, oldest first.
pub fn months_until(last: Month, count: usize) -> Vec<Month> {
    let index = |(y, m): Month| i64::from(y) * 12 + i64::from(m) - 1;
    let end = index(last);
    (0..count as i64)
        .rev()
        .map(|back| {
            let i = end - back;
            (i.div_euclid(12) as i32, i.rem_euclid(12) as u32 + 1)
        })
        .collect()
}

const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn month_label((year, month): Month) -> String {
    format!("{} {year}", SHORT_MONTHS[(month as usize).clamp(1, 12) - 1])
}

/// Incidents per month over `months`, one row per severity (in `severities`
/// order): `counts[s][m]`.
pub fn per_month(
    archive: &Archive,
    reports: &[usize],
    months: &[Month],
    severities: &[&str],
) -> Vec<Vec<u32>> {
    let mut counts = vec![vec![0u32; months.len()]; severities.len()];
    let Some(&first) = months.first() else {
        return counts;
    };
    let index = |(y, m): Month| i64::from(y) * 12 + i64::from(m);
    for &i in reports {
        let pm = &archive.reports[i].pm;
        let at = index((pm.date.year(), pm.date.month())) - index(first);
        let (Ok(m), Some(s)) = (
            usize::try_from(at),
            severities.iter().position(|s| *s == pm.severity),
        ) else {
            continue;
        };
        if let Some(c) = counts[s].get_mut(m) {
            *c += 1;
        }
    }
    counts
}

/// The median total duration (seconds) of the incidents of each quarter
/// of `months` (taken three at a time, oldest first), with the quarters'
/// labels (`Q1 2024`).
pub fn quarterly_median_duration(
    archive: &Archive,
    facts: &[Facts],
    reports: &[usize],
    months: &[Month],
) -> (Vec<String>, Vec<Option<i64>>) {
    let quarters: Vec<Month> = months
        .iter()
        .copied()
        .filter(|(_, m)| (m - 1) % 3 == 0)
        .collect();
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); quarters.len()];
    for &i in reports {
        let Some(d) = facts[i].duration else { continue };
        let date = archive.reports[i].pm.date;
        let quarter = (date.year(), (date.month() - 1) / 3 * 3 + 1);
        if let Some(q) = quarters.iter().position(|q| *q == quarter) {
            values[q].push(d);
        }
    }
    let labels = quarters
        .iter()
        .map(|(y, m)| format!("Q{} {y}", (m - 1) / 3 + 1))
        .collect();
    let medians = values
        .into_iter()
        .map(|mut v| {
            v.sort_unstable();
            median(&v)
        })
        .collect();
    (labels, medians)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_follow_their_definitions() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[1, 3, 10]), Some(3));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2));
        assert_eq!(median(&[60, 90]), Some(75));
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[7]), Some(7));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(p90(&ten), Some(9));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(p90(&eleven), Some(10));
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(p90(&hundred), Some(90));
    }

    #[test]
    fn aggregates_add_up_the_reports_given() {
        let facts = [
            Facts {
                duration: Some(4500),
                detect: Some(120),
                action_items: 3,
                open: 2,
                overdue: 1,
            },
            Facts {
                duration: Some(600),
                detect: None,
                action_items: 1,
                open: 0,
                overdue: 0,
            },
            Facts::default(),
        ];
        let m = of(&facts, &[0, 1, 2]);
        assert_eq!((m.count, m.resolved), (3, 2));
        assert_eq!(m.median_duration, Some(Measure::new(2550)));
        assert_eq!(m.p90_duration.unwrap().human, "1 h 15 min");
        assert_eq!(m.median_detect.unwrap().human, "2 min");
        assert_eq!(m.total_impact, Measure::new(5100));
        assert_eq!(
            (m.action_items, m.open_action_items, m.overdue_action_items),
            (4, 2, 1)
        );
        let none = of(&facts, &[]);
        assert_eq!(
            (none.count, none.median_duration, none.total_impact.seconds),
            (0, None, 0)
        );
    }

    #[test]
    fn months_run_back_across_years() {
        assert_eq!(
            months_until((2024, 2), 4),
            [(2023, 11), (2023, 12), (2024, 1), (2024, 2)]
        );
        assert_eq!(months_until((2024, 2), 24).len(), 24);
        assert_eq!(month_label((2023, 12)), "Dec 2023");
    }
}
