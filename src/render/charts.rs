//! Charts drawn at build time as inline SVG: stacked bars, trend lines and
//! incident timelines.
//!
//! Pages paste the markup in as it is, so a chart needs no script, works
//! offline and prints. This module owns the layout (ticks, label spacing,
//! staggering), the escaping of everything an author wrote, and the markup;
//! callers hand in counts, values and times already computed.
//!
//! In: a [`BarChart`], [`TrendChart`] or [`TimelineChart`] (labels, values,
//! times as minutes after an origin, and the title and description a screen
//! reader announces). Out: one `<svg>` element as a `String`, from
//! [`stacked_bars`], [`trend`] or [`timeline`]. The site's own charts are
//! [`monthly`] (incidents per month by severity), [`duration`] (the median
//! duration per quarter) and [`of_report`] (one incident's timeline), built
//! from the archive. Each kind is drawn by a module of its own (`bars`,
//! `trend`, `timeline`) on the frame of `axes`: the plot area, axes, ticks,
//! labels and the writing of numbers, times and text.
//!
//! Output is deterministic: coordinates are rounded to one decimal place and
//! the same input gives the same bytes. Colours come only from the input
//! (series) or from `currentColor`, so charts follow a light or dark page.
//! The bar and trend charts carry presentation attributes that look fine
//! without a stylesheet, and CSS on the classes below overrides them. The
//! timeline, drawn on every report page, keeps them only where it would
//! mislead without one (the impact band, the dots): its lines and labels
//! are drawn by the stylesheet alone (`svg.chart` in `style.css`), which
//! saves 9 MB of a 50,000-report site.
//!
//! ```text
//! svg.chart        every chart, with chart-bars, chart-trend or chart-timeline
//! .axis            axis lines and tick marks (g of line)
//! .grid            grid lines (g of line)
//! .label           axis text (g of text), with label-x, label-y or label-date
//! .legend          series swatches (rect) and names (text) of a bar chart (g)
//! .bar             one stacked bar (g) of .segment, one series' count (rect)
//! .line            trend line, one per run of values without a gap (path)
//! .point           one trend value (circle)
//! .impact          the impact window of a timeline (rect)
//! .marker          a timeline marker (g of path and text), with marker-{class},
//!                  e.g. marker-detected, marker-mitigated, marker-resolved
//! .events          a timeline's events (g): one path of round dots, with
//!                  the anchors of their rows (data-rows) and their times
//!                  (data-times)
//! ```

mod axes;
mod bars;
mod timeline;
mod trend;

#[cfg(test)]
mod tests;

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use crate::archive::insights::Insights;
use crate::archive::metrics;
use crate::archive::{Archive, Moment};
use crate::config::Config;
use crate::util::duration;

/// One coloured series of a stacked bar chart.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub name: &'a str,
    /// A CSS colour, e.g. `#b91c1c`.
    pub color: &'a str,
    /// One count per bar; missing counts are zero.
    pub values: &'a [u32],
}

/// Counts per bar, stacked by series.
#[derive(Debug, Clone, Copy)]
pub struct BarChart<'a> {
    /// Unique within the page: prefixes the ids of `<title>` and `<desc>`.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// One per bar, e.g. "Jan 2024"; `series[k].values[i]` is the count of bar i.
    pub labels: &'a [String],
    /// The first series is drawn at the bottom of each bar.
    pub series: &'a [Series<'a>],
}

/// Values per label joined by a line.
pub struct TrendChart<'a> {
    /// Unique within the page: prefixes the ids of `<title>` and `<desc>`.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub labels: &'a [String],
    /// One per label; `None` where there is no data (a gap, not zero).
    pub values: &'a [Option<f64>],
    /// Formats a y value for axis labels and tooltips, e.g. minutes -> "1 h 15 min".
    pub format: &'a dyn Fn(f64) -> String,
}

/// An incident's timeline on a time axis measured in minutes.
#[derive(Debug, Clone, Copy)]
pub struct TimelineChart<'a> {
    /// Unique within the page: prefixes the ids of `<title>` and `<desc>`.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// Local date-time of the left end of the axis; every position below is
    /// minutes after it.
    pub origin: NaiveDateTime,
    /// Axis length in minutes; values that are not positive count as 1.
    pub span: f64,
    /// The impact window, from the start to resolution (or mitigation).
    pub impact: Option<(f64, f64)>,
    pub markers: &'a [Marker<'a>],
    pub events: &'a [Event<'a>],
}

/// A labelled vertical line on a timeline.
#[derive(Debug, Clone, Copy)]
pub struct Marker<'a> {
    pub at: f64,
    /// E.g. "Detected".
    pub label: &'a str,
    /// E.g. "detected", "mitigated", "resolved" or "start"; becomes `marker-{class}`.
    pub class: &'a str,
}

/// A timeline row, drawn as a dot linking to it.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub at: f64,
    /// E.g. "12:45", its tooltip; the page's script adds the row's text.
    pub clock: &'a str,
    /// The anchor of its row, e.g. "t-12-45".
    pub row: &'a str,
}

/// Draws bars stacked by series, e.g. incidents per month by severity, with a
/// legend, a y axis of integer ticks and as many x labels as fit. Without
/// labels the chart is a short empty strip.
pub fn stacked_bars(chart: &BarChart) -> String {
    let mut out = String::with_capacity(2048 + chart.labels.len() * chart.series.len() * 160);
    // Writing into a String cannot fail.
    let _ = bars::draw(&mut out, chart);
    out
}

/// Draws points joined by a line, e.g. the median incident duration per
/// month, with the line broken where a value is missing. Without labels the
/// chart is a short empty strip.
pub fn trend(chart: &TrendChart) -> String {
    let mut out = String::with_capacity(2048 + chart.labels.len() * 160);
    let _ = trend::draw(&mut out, chart);
    out
}

/// Draws an incident's timeline: the impact window as a band, markers for
/// start, detection, mitigation and resolution, and each event as a dot
/// linking to its row. The dots stay out of the tab order (`tabindex="-1"`):
/// the rows they link to are the way through for keyboards and screen readers.
/// The chart is a group, not an image, so that its links are links.
pub fn timeline(chart: &TimelineChart) -> String {
    let mut out = String::with_capacity(2048 + (chart.markers.len() + chart.events.len()) * 200);
    let _ = timeline::draw(&mut out, chart);
    out
}

/// Incidents per month over the chart months, stacked by severity.
pub fn monthly(
    insights: &Insights,
    archive: &Archive,
    config: &Config,
    reports: &[usize],
    id: &str,
    whose: &str,
) -> String {
    let ids: Vec<&str> = config.severities.iter().map(|s| s.id.as_str()).collect();
    let counts = metrics::per_month(archive, reports, &insights.months, &ids);
    let labels: Vec<String> = insights
        .months
        .iter()
        .map(|m| metrics::month_label(*m))
        .collect();
    let series: Vec<Series> = config
        .severities
        .iter()
        .zip(&counts)
        .map(|(s, values)| Series {
            name: &s.id,
            color: &s.color,
            values,
        })
        .collect();
    let total: u32 = counts.iter().flatten().sum();
    let (first, last) = (
        labels.first().cloned().unwrap_or_default(),
        labels.last().cloned().unwrap_or_default(),
    );
    let by_severity: Vec<String> = config
        .severities
        .iter()
        .zip(&counts)
        .map(|(s, c)| format!("{} {}", s.id, c.iter().sum::<u32>()))
        .collect();
    stacked_bars(&BarChart {
        id,
        title: &format!("{whose} incidents per month, {first} to {last}"),
        description: &if total == 0 {
            format!("No incidents in these {} months.", labels.len())
        } else {
            format!(
                "{total} incident{} in {} months, by severity: {}.",
                if total == 1 { "" } else { "s" },
                labels.len(),
                by_severity.join(", ")
            )
        },
        labels: &labels,
        series: &series,
    })
}

/// The median total duration per quarter over the chart months.
pub fn duration(insights: &Insights, archive: &Archive, reports: &[usize], id: &str) -> String {
    let (labels, medians) =
        metrics::quarterly_median_duration(archive, &insights.facts, reports, &insights.months);
    let values: Vec<Option<f64>> = medians.iter().map(|m| m.map(|s| s as f64 / 60.0)).collect();
    let shown: Vec<String> = labels
        .iter()
        .zip(&medians)
        .filter_map(|(l, m)| m.map(|s| format!("{l}: {}", metrics::Measure::new(s).human)))
        .collect();
    let format =
        |minutes: f64| duration::human(chrono::TimeDelta::seconds((minutes * 60.0) as i64));
    trend(&TrendChart {
        id,
        title: "Median incident duration per quarter",
        description: &if shown.is_empty() {
            "No resolved incidents in these quarters.".to_string()
        } else {
            format!("{}.", shown.join("; "))
        },
        labels: &labels,
        values: &values,
        format: &format,
    })
}

/// `12:30`: a time of day as timelines write it.
fn clock(t: &DateTime<FixedOffset>) -> String {
    use crate::util::text::push_padded;
    use chrono::Timelike;
    let mut clock = String::with_capacity(5);
    push_padded(&mut clock, t.hour(), 2);
    clock.push(':');
    push_padded(&mut clock, t.minute(), 2);
    clock
}

/// A report's timeline chart and the caption that tells how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTimeline {
    pub svg: String,
    /// Speaks of the impact window and of dots only where they are drawn.
    pub caption: String,
}

/// The timeline of a report as an SVG: the impact window, the moments of
/// front matter and the events of the Timeline section.
pub fn of_report(archive: &Archive, i: usize, events: &[Moment]) -> Option<ReportTimeline> {
    let pm = &archive.reports[i].pm;
    if events.is_empty() && pm.resolved.is_none() {
        return None;
    }
    let offset = *pm.date.offset();
    let moments: Vec<(DateTime<FixedOffset>, &str, &str)> = [
        Some((pm.date, "Impact started", "start")),
        pm.detected.map(|t| (t, "Detected", "detected")),
        pm.mitigated.map(|t| (t, "Mitigated", "mitigated")),
        pm.resolved.map(|t| (t, "Resolved", "resolved")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let times = moments
        .iter()
        .map(|(t, _, _)| *t)
        .chain(events.iter().map(|e| e.at));
    let (Some(first), Some(last)) = (times.clone().min(), times.max()) else {
        return None;
    };
    let origin = first.with_timezone(&offset).naive_local();
    let minutes = |t: DateTime<FixedOffset>| (t - first).num_seconds() as f64 / 60.0;
    let markers: Vec<Marker> = moments
        .iter()
        .map(|(t, label, class)| Marker {
            at: minutes(*t),
            label,
            class,
        })
        .collect();
    let clocks: Vec<String> = events.iter().map(|e| clock(&e.at)).collect();
    let points: Vec<Event> = events
        .iter()
        .zip(&clocks)
        .map(|(e, clock)| Event {
            at: minutes(e.at),
            clock,
            row: &e.id,
        })
        .collect();
    let end = pm.resolved.or(pm.mitigated);
    let impact = end.map(|e| (minutes(pm.date), minutes(e)));
    let caption = match (impact.is_some(), points.is_empty()) {
        (true, false) => {
            "Impact window shaded; each dot is a row of the timeline below and links to it."
        }
        (true, true) => "Impact window shaded, from the impact start to its end.",
        (false, false) => "Each dot is a row of the timeline below and links to it.",
        (false, true) => "The moments the report gives, on a time axis.",
    };
    let svg = timeline(&TimelineChart {
        id: "tl",
        // The page's own title says whose: this is read out where it is.
        title: "Incident timeline",
        description: &timeline_description(pm.date, &moments[1..], events.len()),
        origin,
        span: minutes(last).max(1.0),
        impact,
        markers: &markers,
        events: &points,
    });
    Some(ReportTimeline {
        svg,
        caption: caption.to_string(),
    })
}

/// A report's timeline in words: the start, each later moment and how long
/// after the start it came, and the number of events.
fn timeline_description(
    start: DateTime<FixedOffset>,
    later: &[(DateTime<FixedOffset>, &str, &str)],
    events: usize,
) -> String {
    let mut description = String::with_capacity(64 + 48 * later.len());
    description.push_str("Impact started at ");
    description.push_str(&clock(&start));
    for (t, label, _) in later {
        description.push_str("; ");
        description.push_str(&label.to_lowercase());
        description.push_str(" at ");
        description.push_str(&clock(t));
        description.push_str(" (");
        description.push_str(&duration::human(*t - start));
        description.push_str(" after the start)");
    }
    match events {
        0 => description.push_str(". No timeline rows give a time."),
        1 => description.push_str(". 1 timeline event."),
        n => {
            description.push_str(". ");
            description.push_str(itoa::Buffer::new().format(n));
            description.push_str(" timeline events.");
        }
    }
    description
}
