//! What the archive teaches, as pages show it: metrics of every service,
//! severity, tag and year, the charts, the action items across the
//! archive, similar incidents, "on this day", and `stats.json`.
//!
//! Everything here is computed once per build from the archive and the
//! build date (`SOURCE_DATE_EPOCH` when set, so builds stay reproducible).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::archive::metrics::{self, Facts, Metrics, Month};
use crate::archive::{Archive, Kind};
use crate::util::url;

/// How many months the archive's charts cover, ending with the month of
/// the newest report.
pub const CHART_MONTHS: usize = 24;

/// How many similar earlier incidents a report page names; it counts the
/// others and links to a search for them.
const SIMILAR: usize = 3;

/// The numbers of the archive, computed once.
pub struct Insights {
    pub today: NaiveDate,
    pub facts: Vec<Facts>,
    pub overall: Metrics,
    /// By kind and slug.
    terms: HashMap<(Kind, String), Metrics>,
    pub years: BTreeMap<i32, Metrics>,
    /// The months the charts cover.
    pub months: Vec<Month>,
    pub pairs: Pairs,
}

impl Insights {
    pub fn new(archive: &Archive, today: NaiveDate) -> Insights {
        let facts = metrics::facts(archive, today);
        let all: Vec<usize> = (0..archive.reports.len()).collect();
        let mut terms = HashMap::new();
        for kind in Kind::ALL {
            for term in archive.terms(kind) {
                terms.insert(
                    (kind, term.slug.clone()),
                    metrics::of(&facts, &term.reports),
                );
            }
        }
        let years = archive
            .years
            .iter()
            .map(|(y, reports)| (*y, metrics::of(&facts, reports)))
            .collect();
        let last = archive
            .reports
            .first()
            .map_or((today.year(), today.month()), |r| {
                (r.pm.date.year(), r.pm.date.month())
            });
        Insights {
            today,
            overall: metrics::of(&facts, &all),
            facts,
            terms,
            years,
            months: metrics::months_until(last, CHART_MONTHS),
            pairs: Pairs::new(archive),
        }
    }

    /// The metrics of a service, severity or tag.
    pub fn term(&self, kind: Kind, slug: &str) -> Option<&Metrics> {
        self.terms.get(&(kind, slug.to_string()))
    }

    /// `stats.json`: the metrics of the archive and of every severity,
    /// service, tag and year.
    pub fn stats_json(&self, archive: &Archive) -> String {
        let named = |kind: Kind| -> BTreeMap<String, Named> {
            archive
                .terms(kind)
                .filter_map(|t| {
                    Some((
                        t.slug.clone(),
                        Named {
                            name: t.name.clone(),
                            metrics: self.term(kind, &t.slug)?.clone(),
                        },
                    ))
                })
                .collect()
        };
        let severities: BTreeMap<String, Metrics> = archive
            .severities
            .iter()
            .filter_map(|t| {
                Some((
                    t.name.clone(),
                    self.term(Kind::Severities, &t.slug)?.clone(),
                ))
            })
            .collect();
        let stats = Stats {
            reports: archive.reports.len(),
            overall: &self.overall,
            severities,
            services: named(Kind::Services),
            tags: named(Kind::Tags),
            years: self.years.iter().map(|(y, m)| (y.to_string(), m)).collect(),
        };
        let mut json = serde_json::to_string_pretty(&stats).unwrap_or_default();
        json.push('\n');
        json
    }
}

#[derive(Serialize)]
struct Stats<'a> {
    reports: usize,
    overall: &'a Metrics,
    severities: BTreeMap<String, Metrics>,
    services: BTreeMap<String, Named>,
    tags: BTreeMap<String, Named>,
    years: BTreeMap<String, &'a Metrics>,
}

#[derive(Serialize)]
struct Named {
    name: String,
    #[serde(flatten)]
    metrics: Metrics,
}

/// For every (service, tag) pair, the reports filed under both, in archive
/// order: "this happened before" in a lookup, not a walk of the archive.
pub struct Pairs(HashMap<(String, String), Vec<usize>>);

impl Pairs {
    pub fn new(archive: &Archive) -> Pairs {
        let mut pairs: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, r) in archive.reports.iter().enumerate() {
            let tags: Vec<String> = r.pm.tags.iter().map(|t| url::slugify(t)).collect();
            for service in &r.pm.services {
                let service = url::slugify(service);
                for tag in &tags {
                    pairs
                        .entry((service.clone(), tag.clone()))
                        .or_default()
                        .push(i);
                }
            }
        }
        Pairs(pairs)
    }

    /// Earlier reports than `i` that share one of its services and one of
    /// its tags: the newest few, how many there are, and the pair that most
    /// of them share.
    pub fn similar(&self, archive: &Archive, i: usize) -> Similar {
        let pm = &archive.reports[i].pm;
        // Each pair's earlier reports, in archive order (newest first).
        let mut lists: Vec<&[usize]> = Vec::new();
        let mut pair: Option<(usize, &str, &str)> = None;
        for service in &pm.services {
            let service_slug = url::slugify(service);
            for tag in &pm.tags {
                let Some(list) = self.0.get(&(service_slug.clone(), url::slugify(tag))) else {
                    continue;
                };
                let earlier = &list[list.partition_point(|&p| p <= i)..];
                if earlier.is_empty() {
                    continue;
                }
                if pair.is_none_or(|(n, _, _)| earlier.len() > n) {
                    pair = Some((earlier.len(), service, tag));
                }
                lists.push(earlier);
            }
        }
        let earlier = union_len(&lists, archive.reports.len());
        // The newest few, merged from the sorted lists, each report once.
        let mut shown = Vec::with_capacity(SIMILAR);
        while shown.len() < SIMILAR
            && let Some(next) = lists.iter().filter_map(|l| l.first()).min().copied()
        {
            shown.push(next);
            for list in &mut lists {
                if list.first() == Some(&next) {
                    *list = &list[1..];
                }
            }
        }
        Similar {
            shown,
            earlier,
            pair: pair.map(|(_, s, t)| (s.to_string(), t.to_string())),
        }
    }
}

/// How many reports (below `n`) the `lists` hold, each counted once. A
/// large archive's lists are long and every report asks: each report is
/// marked as it is counted, in an array kept by the thread, with a mark
/// of its own for each call, so the array is cleared only when the marks
/// run out.
fn union_len(lists: &[&[usize]], n: usize) -> usize {
    match lists {
        [] => return 0,
        [only] => return only.len(),
        _ => {}
    }
    thread_local! {
        static MARKS: std::cell::RefCell<(u32, Vec<u32>)> =
            const { std::cell::RefCell::new((0, Vec::new())) };
    }
    MARKS.with_borrow_mut(|(mark, seen)| {
        if *mark == u32::MAX || seen.len() < n {
            seen.clear();
            seen.resize(n, 0);
            *mark = 0;
        }
        *mark += 1;
        let mut count = 0;
        for &i in lists.iter().copied().flatten() {
            if let Some(seen) = seen.get_mut(i)
                && *seen != *mark
            {
                *seen = *mark;
                count += 1;
            }
        }
        count
    })
}

/// The earlier incidents like a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Similar {
    /// The newest few, newest first.
    pub shown: Vec<usize>,
    /// How many there are in all.
    pub earlier: usize,
    /// The service and tag (as the report writes them) that the most of
    /// them share.
    pub pair: Option<(String, String)>,
}

/// Reports that began on today's day and month in an earlier year, newest
/// first.
pub fn on_this_day(archive: &Archive, today: NaiveDate) -> Vec<usize> {
    archive
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let d = r.pm.date;
            d.month() == today.month() && d.day() == today.day() && d.year() < today.year()
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::union_len;
    use std::collections::BTreeSet;

    #[test]
    fn the_union_counts_each_report_once_call_after_call() {
        let mut next = crate::util::text::seeded_numbers(5);
        for _ in 0..200 {
            let n = 1 + next(60) as usize;
            let lists: Vec<Vec<usize>> = (0..next(5))
                .map(|_| {
                    let set: BTreeSet<usize> =
                        (0..next(30)).map(|_| next(n as u64) as usize).collect();
                    set.into_iter().collect()
                })
                .collect();
            let slices: Vec<&[usize]> = lists.iter().map(Vec::as_slice).collect();
            let union: BTreeSet<usize> = lists.iter().flatten().copied().collect();
            assert_eq!(union_len(&slices, n), union.len(), "{lists:?}");
            // The same lists again, on the same thread: the same count.
            assert_eq!(union_len(&slices, n), union.len());
        }
    }
}
