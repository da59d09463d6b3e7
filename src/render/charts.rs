//! Charts drawn at build time as inline SVG: stacked bars, trend lines and
//! incident timelines.
//!
//! Pages paste the markup in as it is, so a chart needs no script, works
//! offline and prints. This module owns the layout (ticks, label spacing,
//! staggering), the escaping of everything an author wrote, and the markup;
//! callers hand in counts, values and times already computed.
//!
//! Output is deterministic: coordinates are rounded to one decimal place and
//! the same input gives the same bytes. Colours come only from the input
//! (series) or from `currentColor`, so charts follow a light or dark page.
//! Every element carries presentation attributes that look fine without a
//! stylesheet; CSS on the classes below overrides them.
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
//! .marker          a timeline marker (g of line and text), with marker-{class},
//!                  e.g. marker-detected, marker-mitigated, marker-resolved
//! .event           a timeline event (a) around its dot (circle)
//! ```

use std::fmt::{self, Display, Write};

use chrono::{Datelike, NaiveDateTime, TimeDelta, Timelike};

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
    /// E.g. "12:45".
    pub clock: &'a str,
    /// The row's text, plain.
    pub text: &'a str,
    /// E.g. "#t-12-45".
    pub href: &'a str,
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
        description: &format!(
            "{total} incident{} in {} months, by severity: {}.",
            if total == 1 { "" } else { "s" },
            labels.len(),
            by_severity.join(", ")
        ),
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
fn clock(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The timeline of a report as an SVG: the impact window, the moments of
/// front matter and the events of the Timeline section.
pub fn of_report(archive: &Archive, i: usize, events: &[Moment]) -> Option<String> {
    let pm = &archive.reports[i].pm;
    if events.is_empty() && pm.resolved.is_none() {
        return None;
    }
    let offset = *pm.date.offset();
    let moments = [
        Some((pm.date, "Impact started", "start")),
        pm.detected.map(|t| (t, "Detected", "detected")),
        pm.mitigated.map(|t| (t, "Mitigated", "mitigated")),
        pm.resolved.map(|t| (t, "Resolved", "resolved")),
    ];
    let times = moments
        .iter()
        .flatten()
        .map(|(t, _, _)| *t)
        .chain(events.iter().map(|e| e.at));
    let (Some(first), Some(last)) = (times.clone().min(), times.max()) else {
        return None;
    };
    let origin = first.with_timezone(&offset).naive_local();
    let minutes =
        |t: chrono::DateTime<chrono::FixedOffset>| (t - first).num_seconds() as f64 / 60.0;
    let markers: Vec<Marker> = moments
        .iter()
        .flatten()
        .map(|(t, label, class)| Marker {
            at: minutes(*t),
            label,
            class,
        })
        .collect();
    let clocks: Vec<String> = events.iter().map(|e| clock(&e.at)).collect();
    let hrefs: Vec<String> = events.iter().map(|e| format!("#{}", e.id)).collect();
    // Tooltips name the row; the row itself, one click away, has it all.
    let tooltips: Vec<String> = events
        .iter()
        .map(|e| crate::archive::shorten(&e.text, 80))
        .collect();
    let points: Vec<Event> = events
        .iter()
        .zip(&clocks)
        .zip(&hrefs)
        .zip(&tooltips)
        .map(|(((e, clock), href), text)| Event {
            at: minutes(e.at),
            clock,
            text,
            href,
        })
        .collect();
    let end = pm.resolved.or(pm.mitigated);
    let impact = end.map(|e| (minutes(pm.date), minutes(e)));
    let mut description = format!("Impact started at {}", pm.date.format("%H:%M"));
    for (t, label, class) in moments.iter().flatten().skip(1) {
        let _ = class;
        description.push_str(&format!(
            "; {} at {} ({} after the start)",
            label.to_lowercase(),
            t.format("%H:%M"),
            duration::human(*t - pm.date)
        ));
    }
    description.push_str(&format!(
        ". {} timeline event{}.",
        events.len(),
        if events.len() == 1 { "" } else { "s" }
    ));
    Some(timeline(&TimelineChart {
        id: "timeline-chart",
        title: &format!("Timeline of {}", pm.title),
        description: &description,
        origin,
        span: minutes(last).max(1.0),
        impact,
        markers: &markers,
        events: &points,
    }))
}

const WIDTH: f64 = 720.0;
const CHAR_WIDTH: f64 = 6.2;
const NAME_CHAR_WIDTH: f64 = 7.0;
const EMPTY_HEIGHT: f64 = 24.0;
const LABEL_GAP: f64 = 6.0;
const AXIS_LABEL_CHARS: usize = 14;
const NAME_CHARS: usize = 24;
const MAX_TREND_VALUE: f64 = 1e15;
const MAX_SPAN: f64 = 480.0 * 1440.0;
const TIME_STEPS: [f64; 18] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0, 720.0, 1440.0, 2880.0, 4320.0,
    10080.0, 20160.0, 43200.0, 86400.0,
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const GRID_OPEN: &str = r#"<g class="grid" stroke="currentColor" stroke-opacity="0.15">"#;
const AXIS_OPEN: &str = r#"<g class="axis" stroke="currentColor" stroke-opacity="0.5">"#;

/// Draws bars stacked by series, e.g. incidents per month by severity, with a
/// legend, a y axis of integer ticks and as many x labels as fit. Without
/// labels the chart is a short empty strip.
pub fn stacked_bars(chart: &BarChart) -> String {
    let mut out = String::with_capacity(2048 + chart.labels.len() * chart.series.len() * 160);
    // Writing into a String cannot fail.
    let _ = draw_bars(&mut out, chart);
    out
}

/// Draws points joined by a line, e.g. the median incident duration per
/// month, with the line broken where a value is missing. Without labels the
/// chart is a short empty strip.
pub fn trend(chart: &TrendChart) -> String {
    let mut out = String::with_capacity(2048 + chart.labels.len() * 160);
    let _ = draw_trend(&mut out, chart);
    out
}

/// Draws an incident's timeline: the impact window as a band, markers for
/// start, detection, mitigation and resolution, and each event as a dot
/// linking to its row. The dots stay out of the tab order (`tabindex="-1"`):
/// the rows they link to are the way through for keyboards and screen readers.
/// The chart is a group, not an image, so that its links are links.
pub fn timeline(chart: &TimelineChart) -> String {
    let mut out = String::with_capacity(2048 + (chart.markers.len() + chart.events.len()) * 200);
    let _ = draw_timeline(&mut out, chart);
    out
}

fn draw_bars(out: &mut String, chart: &BarChart) -> fmt::Result {
    if chart.labels.is_empty() {
        return empty(out, "bars", chart.id, chart.title, chart.description);
    }
    let bars = chart.labels.len();
    let count =
        |series: &Series, bar: usize| u64::from(series.values.get(bar).copied().unwrap_or(0));
    let total = |bar: usize| chart.series.iter().map(|s| count(s, bar)).sum::<u64>();
    let max = (0..bars).map(total).max().unwrap_or(0);
    let (step, intervals) = integer_ticks(max);
    let top_value = step.saturating_mul(intervals).max(1);

    let left = (decimal_digits(top_value) as f64 * CHAR_WIDTH + 12.0).max(28.0);
    let legend_rows = legend_layout(chart.series, left, |_, _, _| Ok(()))?;
    let top = 12.0 + 16.0 * legend_rows as f64;
    let plot = Plot {
        left,
        right: WIDTH - 12.0,
        top,
        bottom: top + 166.0,
        count: bars,
    };
    open(
        out,
        "bars",
        plot.bottom + 26.0,
        chart.id,
        chart.title,
        chart.description,
    )?;

    if !chart.series.is_empty() {
        out.push_str(r#"<g class="legend">"#);
        legend_layout(chart.series, left, |series, x, y| {
            write!(
                out,
                r#"<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" fill="currentColor">{}</text>"#,
                num(x),
                num(y),
                esc(series.color),
                num(x + 14.0),
                num(y + 9.0),
                clip(series.name, NAME_CHARS),
            )
        })?;
        out.push_str("</g>");
    }

    let ticks: Vec<(f64, u64)> = if max == 0 {
        vec![(0.0, 0)]
    } else {
        (0..=intervals)
            .map(|i| (i as f64 / intervals as f64, i * step))
            .collect()
    };
    y_axis(out, &plot, &ticks)?;

    let bar_width = (plot.slot() * 0.7).min(56.0);
    let scale = (plot.bottom - plot.top) / top_value as f64;
    let edge = |stacked: u64| tenths(plot.bottom - stacked as f64 * scale);
    for (bar, label) in chart.labels.iter().enumerate() {
        if total(bar) == 0 {
            continue;
        }
        let x = Tenths(tenths(plot.center(bar) - bar_width / 2.0));
        let width = Tenths(tenths(bar_width));
        out.push_str(r#"<g class="bar">"#);
        let mut stacked = 0u64;
        for series in chart.series {
            let value = count(series, bar);
            if value == 0 {
                continue;
            }
            let (lower, upper) = (edge(stacked), edge(stacked + value));
            stacked += value;
            write!(
                out,
                r#"<rect class="segment" x="{x}" y="{}" width="{width}" height="{}" fill="{}"><title>{} — {}: {value}</title></rect>"#,
                Tenths(upper),
                Tenths(lower - upper),
                esc(series.color),
                esc(label),
                esc(series.name),
            )?;
        }
        out.push_str("</g>");
    }

    axes(out, &plot)?;
    x_labels(out, &plot, chart.labels, plot.bottom + 16.0)?;
    out.push_str("</svg>");
    Ok(())
}

/// Lays the legend out in rows that fit the width, calling `item` with each
/// series and the top-left corner of its swatch; returns the number of rows.
fn legend_layout(
    series: &[Series],
    left: f64,
    mut item: impl FnMut(&Series, f64, f64) -> fmt::Result,
) -> Result<usize, fmt::Error> {
    if series.is_empty() {
        return Ok(0);
    }
    let (mut x, mut row) = (left, 0usize);
    for s in series {
        let width = 14.0 + clipped_chars(s.name, NAME_CHARS) as f64 * NAME_CHAR_WIDTH;
        if x > left && x + width > WIDTH - 8.0 {
            x = left;
            row += 1;
        }
        item(s, x, 6.0 + 16.0 * row as f64)?;
        x += width + 16.0;
    }
    Ok(row + 1)
}

fn draw_trend(out: &mut String, chart: &TrendChart) -> fmt::Result {
    if chart.labels.is_empty() {
        return empty(out, "trend", chart.id, chart.title, chart.description);
    }
    let points = chart.labels.len();
    let value = |i: usize| {
        chart
            .values
            .get(i)
            .copied()
            .flatten()
            .filter(|v| !v.is_nan())
            .map(|v| v.clamp(0.0, MAX_TREND_VALUE))
    };
    let max = (0..points).filter_map(value).fold(0.0, f64::max);
    let (ticks, top_value): (Vec<(f64, String)>, f64) = match nice_ticks(max) {
        Some((values, top)) => (
            values
                .into_iter()
                .map(|v| (v / top, (chart.format)(v)))
                .collect(),
            top,
        ),
        None => (vec![(0.0, (chart.format)(0.0))], 1.0),
    };

    let widest = ticks
        .iter()
        .map(|(_, text)| clipped_chars(text, AXIS_LABEL_CHARS))
        .max()
        .unwrap_or(0);
    let plot = Plot {
        left: (widest as f64 * CHAR_WIDTH + 12.0).max(28.0),
        right: WIDTH - 12.0,
        top: 14.0,
        bottom: 174.0,
        count: points,
    };
    open(
        out,
        "trend",
        200.0,
        chart.id,
        chart.title,
        chart.description,
    )?;
    y_axis(out, &plot, &ticks)?;
    axes(out, &plot)?;

    let y = |v: f64| plot.y(v / top_value);
    let mut run_start = 0;
    while run_start < points {
        if value(run_start).is_none() {
            run_start += 1;
            continue;
        }
        let mut run_end = run_start + 1;
        while run_end < points && value(run_end).is_some() {
            run_end += 1;
        }
        if run_end - run_start > 1 {
            out.push_str(r#"<path class="line" d=""#);
            for i in run_start..run_end {
                let command = if i == run_start { 'M' } else { 'L' };
                let v = value(i).unwrap_or(0.0);
                write!(out, "{command}{} {}", num(plot.center(i)), num(y(v)))?;
            }
            out.push_str(
                r#"" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>"#,
            );
        }
        run_start = run_end;
    }

    for (i, label) in chart.labels.iter().enumerate() {
        if let Some(v) = value(i) {
            write!(
                out,
                r#"<circle class="point" cx="{}" cy="{}" r="3" fill="currentColor"><title>{} — {}</title></circle>"#,
                num(plot.center(i)),
                num(y(v)),
                esc(label),
                esc(&(chart.format)(v)),
            )?;
        }
    }

    x_labels(out, &plot, chart.labels, plot.bottom + 16.0)?;
    out.push_str("</svg>");
    Ok(())
}

fn draw_timeline(out: &mut String, chart: &TimelineChart) -> fmt::Result {
    const LEFT: f64 = 24.0;
    const RIGHT: f64 = WIDTH - 24.0;
    const ROW: f64 = 14.0;
    const LANE: f64 = 10.0;
    const MAX_ROWS: usize = 4;
    const MAX_LANES: usize = 3;

    let span = if chart.span > 0.0 {
        chart.span.min(MAX_SPAN)
    } else {
        1.0
    };
    let at = |minutes: f64| {
        if minutes.is_nan() {
            0.0
        } else {
            minutes.clamp(0.0, span)
        }
    };
    let x = |minutes: f64| LEFT + at(minutes) / span * (RIGHT - LEFT);
    let clock = |minutes: f64| clock_at(chart.origin, at(minutes));

    let marker_width =
        |m: &Marker| 4.0 + clipped_chars(m.label, NAME_CHARS) as f64 * NAME_CHAR_WIDTH;
    let anchor_end = |m: &Marker| x(m.at) + marker_width(m) > WIDTH - 2.0;
    let rows = stagger(
        chart.markers,
        |m| x(m.at),
        |m| {
            let start = x(m.at);
            if anchor_end(m) {
                (start - marker_width(m), start)
            } else {
                (start, start + marker_width(m))
            }
        },
        LABEL_GAP,
        MAX_ROWS,
    );
    let lanes = stagger(
        chart.events,
        |e| x(e.at),
        |e| (x(e.at) - 4.5, x(e.at) + 4.5),
        1.0,
        MAX_LANES,
    );
    let row_count = rows.iter().max().map_or(0, |r| r + 1);
    let lane_count = lanes.iter().max().map_or(0, |l| l + 1);

    let plot_top = 4.0 + ROW * row_count as f64 + 4.0;
    let band = (12.0 + LANE * lane_count as f64).max(28.0);
    let axis_y = plot_top + band;

    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|step| span / step <= 8.0)
        .unwrap_or(TIME_STEPS[TIME_STEPS.len() - 1]);
    let since_midnight = f64::from(chart.origin.num_seconds_from_midnight()) / 60.0;
    let align = step.min(1440.0);
    let first = (since_midnight / align).ceil() * align - since_midnight;
    let ticks = || {
        (0..64)
            .map(move |i| first + step * f64::from(i))
            .take_while(move |t| *t <= span + 1e-9)
    };
    let midnight = |t: f64| clock(t).is_some_and(|c| c.hour() == 0 && c.minute() == 0);
    let dates = ticks().any(midnight);
    let height = axis_y + 20.0 + if dates { 13.0 } else { 0.0 };

    open(
        out,
        "timeline",
        height,
        chart.id,
        chart.title,
        chart.description,
    )?;

    out.push_str(GRID_OPEN);
    for t in ticks() {
        write!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            num(plot_top),
            num(axis_y),
            x = num(x(t)),
        )?;
    }
    out.push_str("</g>");

    if let Some((from, to)) = chart.impact {
        let (from, to) = (at(from).min(at(to)), at(from).max(at(to)));
        write!(
            out,
            r#"<rect class="impact" x="{}" y="{}" width="{}" height="{}" fill="currentColor" fill-opacity="0.12">"#,
            num(x(from)),
            num(plot_top),
            num(x(to) - x(from)),
            num(band),
        )?;
        if let (Some(start), Some(end)) = (clock(from), clock(to)) {
            write!(out, "<title>{} – {}</title>", Clock(start), Clock(end))?;
        }
        out.push_str("</rect>");
    }

    out.push_str(AXIS_OPEN);
    write!(
        out,
        r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
        num(LEFT),
        num(RIGHT),
        y = num(axis_y),
    )?;
    for t in ticks() {
        write!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            num(axis_y),
            num(axis_y + 4.0),
            x = num(x(t)),
        )?;
    }
    out.push_str("</g>");

    out.push_str(r#"<g class="label label-x" fill="currentColor" text-anchor="middle">"#);
    for t in ticks() {
        if let Some(c) = clock(t) {
            write!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                num(within(x(t), 20.0, WIDTH - 20.0)),
                num(axis_y + 15.0),
                Clock(c),
            )?;
        }
    }
    out.push_str("</g>");
    if dates {
        out.push_str(r#"<g class="label label-date" fill="currentColor" text-anchor="middle">"#);
        for t in ticks().filter(|&t| midnight(t)) {
            if let Some(c) = clock(t) {
                write!(
                    out,
                    r#"<text x="{}" y="{}">{}</text>"#,
                    num(within(x(t), 20.0, WIDTH - 20.0)),
                    num(axis_y + 28.0),
                    Day(c),
                )?;
            }
        }
        out.push_str("</g>");
    }

    for (marker, &row) in chart.markers.iter().zip(&rows) {
        let line_x = x(marker.at);
        let baseline = 4.0 + ROW * (row + 1) as f64 - 3.0;
        out.push_str(r#"<g class="marker"#);
        if marker.class.chars().any(|c| c.is_ascii_alphanumeric()) {
            write!(out, " marker-{}", Token(marker.class))?;
        }
        out.push_str(r#"">"#);
        write!(out, "<title>{}", esc(marker.label))?;
        if let Some(c) = clock(marker.at) {
            write!(out, " — {}", Clock(c))?;
        }
        write!(
            out,
            r#"</title><line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-opacity="0.7" stroke-dasharray="3 2"/>"#,
            num(baseline + 3.0),
            num(axis_y),
            x = num(line_x),
        )?;
        let (text_x, anchor) = if anchor_end(marker) {
            (line_x - 4.0, "end")
        } else {
            (line_x + 4.0, "start")
        };
        write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" fill="currentColor">{}</text></g>"#,
            num(text_x),
            num(baseline),
            clip(marker.label, NAME_CHARS),
        )?;
    }

    let mut order: Vec<usize> = (0..chart.events.len()).collect();
    order.sort_by(|&a, &b| x(chart.events[a].at).total_cmp(&x(chart.events[b].at)));
    let lanes_top = plot_top + (band - LANE * lane_count.saturating_sub(1) as f64) / 2.0;
    for i in order {
        let event = &chart.events[i];
        write!(
            out,
            r#"<a class="event" href="{}" tabindex="-1"><circle cx="{}" cy="{}" r="4.5" fill="currentColor"><title>{}"#,
            esc(event.href),
            num(x(event.at)),
            num(lanes_top + LANE * lanes[i] as f64),
            esc(event.clock),
        )?;
        if !event.clock.is_empty() && !event.text.is_empty() {
            out.push_str(" — ");
        }
        write!(out, "{}</title></circle></a>", esc(event.text))?;
    }

    out.push_str("</svg>");
    Ok(())
}

/// Assigns each item a row so that items whose extents come closer than
/// `gap` sit on different rows, taking items from left to right; with every
/// row taken, an item goes where the row's last extent ends first.
fn stagger<T>(
    items: &[T],
    position: impl Fn(&T) -> f64,
    extent: impl Fn(&T) -> (f64, f64),
    gap: f64,
    max_rows: usize,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| position(&items[a]).total_cmp(&position(&items[b])));
    let mut rows = vec![0; items.len()];
    let mut ends: Vec<f64> = Vec::new();
    for i in order {
        let (start, end) = extent(&items[i]);
        let row = match ends.iter().position(|&e| e + gap <= start) {
            Some(row) => row,
            None if ends.len() < max_rows => {
                ends.push(f64::NEG_INFINITY);
                ends.len() - 1
            }
            None => (0..ends.len())
                .min_by(|&a, &b| ends[a].total_cmp(&ends[b]))
                .unwrap_or(0),
        };
        ends[row] = ends[row].max(end);
        rows[i] = row;
    }
    rows
}

/// The plotting area of a chart with one slot per label along x.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    count: usize,
}

impl Plot {
    fn slot(&self) -> f64 {
        (self.right - self.left) / self.count.max(1) as f64
    }

    fn center(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * self.slot()
    }

    fn y(&self, fraction: f64) -> f64 {
        self.bottom - fraction * (self.bottom - self.top)
    }
}

fn open(
    out: &mut String,
    kind: &str,
    height: f64,
    id: &str,
    title: &str,
    desc: &str,
) -> fmt::Result {
    let id = Token(id);
    // A chart is one image to assistive technology, named by its title and
    // description; a timeline's dots are links, and an image's parts cannot
    // be, so a timeline is a group of them instead.
    let role = if kind == "timeline" { "group" } else { "img" };
    write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="chart chart-{kind}" role="{role}" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, sans-serif" font-size="11">"#,
        num(WIDTH),
        num(height),
    )?;
    write!(
        out,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc),
    )
}

/// A chart with nothing along x: its title, description and a bare axis.
fn empty(out: &mut String, kind: &str, id: &str, title: &str, desc: &str) -> fmt::Result {
    open(out, kind, EMPTY_HEIGHT, id, title, desc)?;
    out.push_str(AXIS_OPEN);
    write!(
        out,
        r#"<line x1="12" y1="{y}" x2="{}" y2="{y}"/></g></svg>"#,
        num(WIDTH - 12.0),
        y = num(EMPTY_HEIGHT / 2.0),
    )
}

/// Grid lines and labels at `ticks`, each a fraction of the plot's height
/// and its label.
fn y_axis<L: Display>(out: &mut String, plot: &Plot, ticks: &[(f64, L)]) -> fmt::Result {
    out.push_str(GRID_OPEN);
    for (fraction, _) in ticks {
        write!(
            out,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
            num(plot.left),
            num(plot.right),
            y = num(plot.y(*fraction)),
        )?;
    }
    out.push_str(r#"</g><g class="label label-y" fill="currentColor" text-anchor="end">"#);
    for (fraction, label) in ticks {
        write!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            num(plot.left - 6.0),
            num(plot.y(*fraction) + 4.0),
            Clipped(label, AXIS_LABEL_CHARS),
        )?;
    }
    out.push_str("</g>");
    Ok(())
}

fn axes(out: &mut String, plot: &Plot) -> fmt::Result {
    out.push_str(AXIS_OPEN);
    write!(
        out,
        r#"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}"/><line x1="{l}" y1="{t}" x2="{l}" y2="{b}"/></g>"#,
        l = num(plot.left),
        r = num(plot.right),
        t = num(plot.top),
        b = num(plot.bottom),
    )
}

/// Labels under the slots: every label if they fit, otherwise every 2nd,
/// 3rd, 4th, 6th, 12th, 24th… so that monthly labels keep to the same months.
fn x_labels(out: &mut String, plot: &Plot, labels: &[String], baseline: f64) -> fmt::Result {
    let step = label_step(plot, labels);
    out.push_str(r#"<g class="label label-x" fill="currentColor" text-anchor="middle">"#);
    for (i, label) in labels.iter().enumerate().step_by(step) {
        write!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            num(label_x(plot, i, label)),
            num(baseline),
            clip(label, AXIS_LABEL_CHARS),
        )?;
    }
    out.push_str("</g>");
    Ok(())
}

fn label_half_width(label: &str) -> f64 {
    clipped_chars(label, AXIS_LABEL_CHARS) as f64 * CHAR_WIDTH / 2.0
}

fn label_x(plot: &Plot, i: usize, label: &str) -> f64 {
    let half = label_half_width(label);
    within(plot.center(i), half + 2.0, WIDTH - half - 2.0)
}

fn label_step(plot: &Plot, labels: &[String]) -> usize {
    let fits = |step: usize| {
        let mut previous_end = f64::NEG_INFINITY;
        labels.iter().enumerate().step_by(step).all(|(i, label)| {
            let (x, half) = (label_x(plot, i, label), label_half_width(label));
            let fits = x - half >= previous_end + LABEL_GAP;
            previous_end = x + half;
            fits
        })
    };
    let mut step = 1;
    while step < labels.len() && !fits(step) {
        step = match step {
            1 => 2,
            2 => 3,
            3 => 4,
            4 => 6,
            6 => 12,
            _ => step * 2,
        };
    }
    step
}

/// An integer tick step of 1, 2 or 5 times a power of ten giving at most five
/// intervals up to `max`, and the number of intervals.
fn integer_ticks(max: u64) -> (u64, u64) {
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = power.saturating_mul(factor);
            let intervals = max.div_ceil(step);
            if intervals <= 5 {
                return (step, intervals.max(1));
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Tick values of 1, 2 or 5 times a power of ten from zero to the first at or
/// above `max`, at most six, and that top value; `None` when `max` is zero.
fn nice_ticks(max: f64) -> Option<(Vec<f64>, f64)> {
    if max.is_nan() || max < 1e-9 {
        return None;
    }
    let exponent = (max / 5.0).log10().floor() as i32;
    for power in exponent..=exponent + 1 {
        for factor in [1u32, 2, 5] {
            let tick = |i: u32| {
                let units = f64::from(i * factor);
                if power >= 0 {
                    units * 10f64.powi(power)
                } else {
                    units / 10f64.powi(-power)
                }
            };
            let intervals = (max / tick(1) - 1e-9).ceil().max(1.0);
            if intervals <= 5.0 {
                let intervals = intervals as u32;
                return Some(((0..=intervals).map(tick).collect(), tick(intervals)));
            }
        }
    }
    None
}

fn decimal_digits(mut n: u64) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

fn clock_at(origin: NaiveDateTime, minutes: f64) -> Option<NaiveDateTime> {
    origin.checked_add_signed(TimeDelta::try_seconds((minutes * 60.0).round() as i64)?)
}

fn within(x: f64, low: f64, high: f64) -> f64 {
    if low > high {
        (low + high) / 2.0
    } else {
        x.max(low).min(high)
    }
}

fn tenths(x: f64) -> i64 {
    if x.is_finite() {
        (x * 10.0).round() as i64
    } else {
        0
    }
}

fn num(x: f64) -> Tenths {
    Tenths(tenths(x))
}

/// A coordinate in tenths, written with at most one decimal place.
#[derive(Clone, Copy)]
struct Tenths(i64);

impl Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // Charts write hundreds of these a page: digits by hand, one
        // `write_str`, no formatting machinery.
        let mut buf = [0u8; 24];
        let mut at = buf.len();
        let abs = self.0.unsigned_abs();
        let mut push = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        if !abs.is_multiple_of(10) {
            push(b'0' + (abs % 10) as u8);
            push(b'.');
        }
        let mut whole = abs / 10;
        loop {
            push(b'0' + (whole % 10) as u8);
            whole /= 10;
            if whole == 0 {
                break;
            }
        }
        if self.0 < 0 {
            push(b'-');
        }
        f.write_str(std::str::from_utf8(&buf[at..]).unwrap_or("0"))
    }
}

/// `HH:MM`.
struct Clock(NaiveDateTime);

impl Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

/// `17 Jan`.
struct Day(NaiveDateTime);

impl Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.0.day(),
            MONTHS[self.0.month0() as usize % 12]
        )
    }
}

/// An id or class name: ASCII letters, digits, `-` and `_` kept, anything
/// else written as `-`; an empty one becomes `chart`.
struct Token<'a>(&'a str);

impl Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("chart");
        }
        for c in self.0.chars() {
            let c = if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            };
            f.write_char(c)?;
        }
        Ok(())
    }
}

/// Text escaped for XML content and attributes, cut to `max` characters
/// with an ellipsis, characters XML cannot carry left out.
struct Escaped<'a> {
    text: &'a str,
    max: usize,
}

fn esc(text: &str) -> Escaped<'_> {
    Escaped {
        text,
        max: usize::MAX,
    }
}

fn clip(text: &str, max: usize) -> Escaped<'_> {
    Escaped { text, max }
}

fn clipped_chars(text: &str, max: usize) -> usize {
    text.chars().take(max.saturating_add(1)).count().min(max)
}

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let cut = if self.text.chars().nth(self.max).is_some() {
            self.max.saturating_sub(1)
        } else {
            usize::MAX
        };
        let mut written = 0;
        for (n, (i, c)) in self.text.char_indices().enumerate() {
            if n == cut {
                f.write_str(&self.text[written..i])?;
                return f.write_char('…');
            }
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' | '\r' => continue,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => "",
                _ => continue,
            };
            f.write_str(&self.text[written..i])?;
            f.write_str(entity)?;
            written = i + c.len_utf8();
        }
        f.write_str(&self.text[written..])
    }
}

/// Any displayable text, escaped and cut like [`Escaped`].
struct Clipped<'a, T>(&'a T, usize);

impl<T: Display> Display for Clipped<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut buffer = String::new();
        write!(buffer, "{}", self.0)?;
        write!(f, "{}", clip(&buffer, self.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use roxmltree::{Document, Node};

    const RED: &str = "#b91c1c";
    const AMBER: &str = "#d97706";

    fn parse(svg: &str) -> Document<'_> {
        Document::parse(svg).unwrap_or_else(|e| panic!("invalid SVG ({e}):\n{svg}"))
    }

    fn has_class(node: &Node, class: &str) -> bool {
        node.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }

    fn with_class<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
        doc.descendants().filter(|n| has_class(n, class)).collect()
    }

    fn named<'a, 'i>(doc: &'a Document<'i>, tag: &str) -> Vec<Node<'a, 'i>> {
        doc.descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == tag)
            .collect()
    }

    fn number(node: &Node, name: &str) -> f64 {
        let value = node
            .attribute(name)
            .unwrap_or_else(|| panic!("no {name} on {node:?}"));
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number"))
    }

    fn title(node: &Node) -> String {
        node.children()
            .find(|c| c.tag_name().name() == "title")
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_string()
    }

    /// The `text` elements under the group of class `class`.
    fn texts<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
        with_class(doc, class)
            .into_iter()
            .flat_map(|g| g.children().filter(|c| c.tag_name().name() == "text"))
            .collect()
    }

    fn text_of(node: &Node) -> String {
        node.text().unwrap_or_default().to_string()
    }

    fn months(count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("{} {}", MONTHS[i % 12], 2024 + i / 12))
            .collect()
    }

    fn bars(labels: &[String], series: &[Series]) -> String {
        stacked_bars(&BarChart {
            id: "bars",
            title: "Incidents per month",
            description: "Counts by severity",
            labels,
            series,
        })
    }

    fn minutes(v: f64) -> String {
        format!("{v} min")
    }

    fn trend_of(labels: &[String], values: &[Option<f64>]) -> String {
        trend(&TrendChart {
            id: "trend",
            title: "Median duration",
            description: "Per month",
            labels,
            values,
            format: &minutes,
        })
    }

    fn at(date: (i32, u32, u32), hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .expect("valid date-time")
    }

    const MARKERS: [Marker; 4] = [
        Marker {
            at: 10.0,
            label: "Impact started",
            class: "start",
        },
        Marker {
            at: 12.0,
            label: "Detected",
            class: "detected",
        },
        Marker {
            at: 60.0,
            label: "Mitigated",
            class: "mitigated",
        },
        Marker {
            at: 80.0,
            label: "Resolved",
            class: "resolved",
        },
    ];

    const EVENTS: [Event; 3] = [
        Event {
            at: 45.0,
            clock: "12:45",
            text: "Root cause identified",
            href: "#t-12-45",
        },
        Event {
            at: 15.0,
            clock: "12:15",
            text: "Alert fired",
            href: "#t-12-15",
        },
        Event {
            at: 30.0,
            clock: "12:30",
            text: "Rollback started",
            href: "#t-12-30",
        },
    ];

    fn incident() -> TimelineChart<'static> {
        TimelineChart {
            id: "timeline",
            title: "Timeline",
            description: "From impact to resolution",
            origin: at((2024, 1, 17), 12, 0),
            span: 90.0,
            impact: Some((10.0, 80.0)),
            markers: &MARKERS,
            events: &EVENTS,
        }
    }

    fn assert_accessible_root(svg: &str, id: &str, kind: &str) {
        let doc = parse(svg);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let role = if kind == "timeline" { "group" } else { "img" };
        assert_eq!(root.attribute("role"), Some(role));
        assert_eq!(
            root.attribute("class"),
            Some(&*format!("chart chart-{kind}"))
        );
        assert!(root.attribute("width").is_none() && root.attribute("height").is_none());
        let view_box: Vec<f64> = root
            .attribute("viewBox")
            .expect("viewBox")
            .split(' ')
            .map(|n| n.parse().expect("number"))
            .collect();
        assert_eq!(view_box[..3], [0.0, 0.0, 720.0]);
        assert!(view_box[3] > 0.0);

        let labelled_by: Vec<&str> = root
            .attribute("aria-labelledby")
            .expect("aria-labelledby")
            .split(' ')
            .collect();
        assert_eq!(labelled_by, [format!("{id}-title"), format!("{id}-desc")]);
        let first: Vec<Node> = root.children().filter(|n| n.is_element()).take(2).collect();
        assert_eq!(first[0].tag_name().name(), "title");
        assert_eq!(first[0].attribute("id"), Some(labelled_by[0]));
        assert_eq!(first[1].tag_name().name(), "desc");
        assert_eq!(first[1].attribute("id"), Some(labelled_by[1]));
    }

    #[test]
    fn every_chart_is_an_img_labelled_by_its_title_and_desc() {
        let labels = months(3);
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[1, 2, 3],
        }];
        assert_accessible_root(&bars(&labels, &series), "bars", "bars");
        assert_accessible_root(
            &trend_of(&labels, &[Some(1.0), None, Some(3.0)]),
            "trend",
            "trend",
        );
        assert_accessible_root(&timeline(&incident()), "timeline", "timeline");
    }

    #[test]
    fn ids_are_made_safe_for_id_references() {
        let svg = stacked_bars(&BarChart {
            id: "by month \"all\"",
            title: "t",
            description: "d",
            labels: &[],
            series: &[],
        });
        assert_accessible_root(&svg, "by-month--all-", "bars");
    }

    #[test]
    fn bars_draw_one_segment_per_non_zero_count() {
        let labels = months(4);
        let series = [
            Series {
                name: "SEV1",
                color: RED,
                values: &[2, 0, 1, 4],
            },
            Series {
                name: "SEV2",
                color: AMBER,
                values: &[1, 0, 0, 2],
            },
        ];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        assert_eq!(with_class(&doc, "segment").len(), 5);
        assert_eq!(with_class(&doc, "bar").len(), 3);
        let tooltips: Vec<String> = with_class(&doc, "segment").iter().map(title).collect();
        assert_eq!(
            tooltips,
            [
                "Jan 2024 — SEV1: 2",
                "Jan 2024 — SEV2: 1",
                "Mar 2024 — SEV1: 1",
                "Apr 2024 — SEV1: 4",
                "Apr 2024 — SEV2: 2",
            ]
        );
    }

    #[test]
    fn bar_heights_are_proportional_to_counts() {
        let labels = months(3);
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[2, 4, 3],
        }];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        let heights: Vec<f64> = with_class(&doc, "segment")
            .iter()
            .map(|s| number(s, "height"))
            .collect();
        assert!((heights[1] - 2.0 * heights[0]).abs() <= 0.2, "{heights:?}");
        assert!((heights[2] - 1.5 * heights[0]).abs() <= 0.2, "{heights:?}");
    }

    #[test]
    fn segments_stack_in_series_order_from_the_axis_and_touch() {
        let labels = months(3);
        let series = [
            Series {
                name: "SEV1",
                color: RED,
                values: &[3, 1, 0],
            },
            Series {
                name: "SEV2",
                color: AMBER,
                values: &[2, 0, 7],
            },
            Series {
                name: "SEV3",
                color: "green",
                values: &[5, 1, 1],
            },
        ];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        let axis = with_class(&doc, "axis")[0]
            .children()
            .find(|c| c.is_element())
            .expect("x axis line");
        let baseline = number(&axis, "y1");
        let expected = [
            vec![RED, AMBER, "green"],
            vec![RED, "green"],
            vec![AMBER, "green"],
        ];
        for (bar, colors) in with_class(&doc, "bar").iter().zip(expected) {
            let segments: Vec<Node> = bar.children().filter(|c| has_class(c, "segment")).collect();
            let fills: Vec<&str> = segments
                .iter()
                .filter_map(|s| s.attribute("fill"))
                .collect();
            assert_eq!(fills, colors);
            let mut bottom = baseline;
            for segment in &segments {
                let (y, height) = (number(segment, "y"), number(segment, "height"));
                assert!(
                    (y + height - bottom).abs() < 1e-9,
                    "a gap under {segment:?}"
                );
                assert!(height > 0.0);
                assert_eq!(segment.attribute("x"), segments[0].attribute("x"));
                bottom = y;
            }
        }
    }

    #[test]
    fn legend_names_every_series_with_its_colour() {
        let labels = months(1);
        let series = [
            Series {
                name: "SEV1",
                color: RED,
                values: &[1],
            },
            Series {
                name: "SEV2",
                color: AMBER,
                values: &[],
            },
        ];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        let legend = &with_class(&doc, "legend")[0];
        let swatches: Vec<&str> = legend
            .children()
            .filter(|c| c.tag_name().name() == "rect")
            .filter_map(|r| r.attribute("fill"))
            .collect();
        assert_eq!(swatches, [RED, AMBER]);
        assert_eq!(
            texts(&doc, "legend")
                .iter()
                .map(text_of)
                .collect::<Vec<_>>(),
            ["SEV1", "SEV2"]
        );
    }

    #[test]
    fn text_from_input_is_escaped() {
        let hostile = "<script>alert('x')</script> & \"co\"";
        let labels = vec![hostile.to_string()];
        let series = [Series {
            name: hostile,
            color: "\"><script>",
            values: &[1],
        }];
        let svg = stacked_bars(&BarChart {
            id: "x",
            title: hostile,
            description: hostile,
            labels: &labels,
            series: &series,
        });
        assert!(!svg.contains("<script"));
        let doc = parse(&svg);
        assert_eq!(title(&doc.root_element()), hostile);
        assert_eq!(
            title(&with_class(&doc, "segment")[0]),
            format!("{hostile} — {hostile}: 1")
        );
        assert_eq!(
            with_class(&doc, "segment")[0].attribute("fill"),
            Some("\"><script>")
        );

        let events = [Event {
            at: 1.0,
            clock: "<b>",
            text: hostile,
            href: "#a\"b'c&d",
        }];
        let markers = [Marker {
            at: 1.0,
            label: hostile,
            class: "\"><x",
        }];
        let svg = timeline(&TimelineChart {
            events: &events,
            markers: &markers,
            ..incident()
        });
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<x"));
        let doc = parse(&svg);
        let link = &with_class(&doc, "event")[0];
        assert_eq!(link.attribute("href"), Some("#a\"b'c&d"));
        let dot = link.children().find(|c| c.is_element()).expect("dot");
        assert_eq!(title(&dot), format!("<b> — {hostile}"));
        assert_eq!(
            with_class(&doc, "marker")[0].attribute("class"),
            Some("marker marker----x")
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_left_out() {
        let svg = trend(&TrendChart {
            id: "t",
            title: "a\u{0}b\u{1b}[31mc\u{fffe}",
            description: "tab\tand\nnewline",
            labels: &[],
            values: &[],
            format: &minutes,
        });
        let doc = parse(&svg);
        assert_eq!(title(&doc.root_element()), "ab[31mc");
    }

    fn y_ticks(svg: &str) -> Vec<String> {
        let doc = parse(svg);
        texts(&doc, "label-y").iter().map(text_of).collect()
    }

    fn assert_nice_step(step: f64) {
        let power = 10f64.powf(step.log10().floor());
        let factor = step / power;
        assert!(
            [1.0, 2.0, 5.0].iter().any(|f| (factor - f).abs() < 1e-9),
            "step {step} is not 1, 2 or 5 times a power of ten"
        );
    }

    #[test]
    fn bar_ticks_are_nice_integers_reaching_the_tallest_bar() {
        let labels = months(2);
        for max in [
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            9,
            10,
            11,
            23,
            99,
            101,
            1234,
            999_999,
            u32::MAX,
        ] {
            let series = [Series {
                name: "all",
                color: RED,
                values: &[max / 2, max],
            }];
            let ticks: Vec<u64> = y_ticks(&bars(&labels, &series))
                .iter()
                .map(|t| t.parse().expect("integer tick"))
                .collect();
            assert_eq!(ticks[0], 0);
            assert!((2..=6).contains(&ticks.len()), "{max}: {ticks:?}");
            let step = ticks[1] - ticks[0];
            assert!(ticks.windows(2).all(|w| w[1] - w[0] == step), "{ticks:?}");
            assert_nice_step(step as f64);
            let top = *ticks.last().expect("ticks");
            assert!(
                top >= u64::from(max) && top - step < u64::from(max),
                "{max}: {ticks:?}"
            );
        }
    }

    #[test]
    fn bars_whose_counts_overflow_u32_still_scale() {
        let labels = months(1);
        let series = [
            Series {
                name: "a",
                color: RED,
                values: &[u32::MAX],
            },
            Series {
                name: "b",
                color: AMBER,
                values: &[u32::MAX],
            },
        ];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        let heights: Vec<f64> = with_class(&doc, "segment")
            .iter()
            .map(|s| number(s, "height"))
            .collect();
        assert!(
            (heights[0] - heights[1]).abs() <= 0.1 && heights[0] > 50.0,
            "{heights:?}"
        );
        assert_eq!(
            y_ticks(&svg).last().map(String::as_str),
            Some("10000000000")
        );
    }

    #[test]
    fn zero_counts_draw_an_empty_chart_with_a_zero_tick() {
        let labels = months(3);
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[0, 0, 0],
        }];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        assert!(with_class(&doc, "segment").is_empty());
        assert_eq!(y_ticks(&svg), ["0"]);
        assert_eq!(texts(&doc, "label-x").len(), 3);
    }

    #[test]
    fn charts_without_labels_or_series_are_valid() {
        for svg in [
            bars(&[], &[]),
            bars(&months(2), &[]),
            bars(
                &[],
                &[Series {
                    name: "SEV1",
                    color: RED,
                    values: &[3, 4],
                }],
            ),
            trend_of(&[], &[]),
            trend_of(&months(3), &[None, None, None]),
            trend_of(&months(3), &[]),
        ] {
            let doc = parse(&svg);
            assert!(with_class(&doc, "segment").is_empty());
            assert!(with_class(&doc, "point").is_empty());
            assert!(svg.len() < 2000, "{svg}");
        }
    }

    #[test]
    fn charts_without_labels_are_a_short_strip() {
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[3],
        }];
        for (kind, svg) in [
            ("bars", bars(&[], &series)),
            ("trend", trend_of(&[], &[Some(1.0)])),
        ] {
            assert_accessible_root(&svg, kind, kind);
            let doc = parse(&svg);
            assert_eq!(doc.root_element().attribute("viewBox"), Some("0 0 720 24"));
            assert!(texts(&doc, "label-x").is_empty());
        }
    }

    /// The estimated extents of the x labels, left to right.
    fn x_label_extents(svg: &str) -> Vec<(String, f64, f64)> {
        let doc = parse(svg);
        texts(&doc, "label-x")
            .iter()
            .map(|t| {
                let text = text_of(t);
                let half = text.chars().count() as f64 * CHAR_WIDTH / 2.0;
                let x = number(t, "x");
                (text, x - half, x + half)
            })
            .collect()
    }

    #[test]
    fn all_x_labels_are_shown_when_they_fit() {
        let labels = months(12);
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[1; 12],
        }];
        let shown: Vec<String> = x_label_extents(&bars(&labels, &series))
            .into_iter()
            .map(|(text, ..)| text)
            .collect();
        assert_eq!(shown, labels);
    }

    #[test]
    fn x_labels_of_many_bars_are_thinned_evenly_and_do_not_collide() {
        for count in [24, 36, 60, 120, 500] {
            let labels = months(count);
            let values = vec![1; count];
            let series = [Series {
                name: "SEV1",
                color: RED,
                values: &values,
            }];
            for svg in [
                bars(&labels, &series),
                trend_of(&labels, &vec![Some(1.0); count]),
            ] {
                let extents = x_label_extents(&svg);
                let shown: Vec<&String> = extents.iter().map(|(text, ..)| text).collect();
                let step = labels
                    .iter()
                    .position(|l| l == shown[1])
                    .expect("a second label");
                assert!(
                    [2, 3, 4, 6, 12].contains(&step) || step % 12 == 0,
                    "{count} bars, every {step}th label"
                );
                let expected: Vec<&String> = labels.iter().step_by(step).collect();
                assert_eq!(shown, expected);
                for pair in extents.windows(2) {
                    assert!(pair[0].2 + LABEL_GAP <= pair[1].1, "{pair:?} collide");
                }
                assert!(
                    extents
                        .iter()
                        .all(|(_, start, end)| *start >= 0.0 && *end <= WIDTH)
                );
            }
        }
    }

    #[test]
    fn long_x_labels_are_cut_with_an_ellipsis_and_kept_whole_in_tooltips() {
        let labels = vec!["A label far too long for an axis".to_string()];
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[1],
        }];
        let svg = bars(&labels, &series);
        let doc = parse(&svg);
        let shown = text_of(&texts(&doc, "label-x")[0]);
        assert_eq!(shown, "A label far t…");
        assert_eq!(shown.chars().count(), AXIS_LABEL_CHARS);
        assert!(title(&with_class(&doc, "segment")[0]).starts_with(labels[0].as_str()));
    }

    #[test]
    fn trend_breaks_the_line_where_values_are_missing() {
        let labels = months(7);
        let values = [
            Some(10.0),
            Some(20.0),
            None,
            Some(30.0),
            Some(40.0),
            Some(50.0),
            None,
        ];
        let svg = trend_of(&labels, &values);
        let doc = parse(&svg);
        let lines: Vec<usize> = with_class(&doc, "line")
            .iter()
            .map(|p| p.attribute("d").expect("d").matches(['M', 'L']).count())
            .collect();
        assert_eq!(lines, [2, 3]);

        let svg = trend_of(&months(4), &[Some(5.0), None, Some(6.0), Some(7.0)]);
        let doc = parse(&svg);
        assert_eq!(with_class(&doc, "line").len(), 1);
        assert_eq!(with_class(&doc, "point").len(), 3);
    }

    #[test]
    fn trend_draws_a_dot_per_value_with_its_formatted_value() {
        let labels = months(3);
        let svg = trend_of(&labels, &[Some(10.0), None, Some(20.0)]);
        let doc = parse(&svg);
        let points = with_class(&doc, "point");
        let tooltips: Vec<String> = points.iter().map(title).collect();
        assert_eq!(tooltips, ["Jan 2024 — 10 min", "Mar 2024 — 20 min"]);
        let axis = with_class(&doc, "axis")[0]
            .children()
            .find(|c| c.is_element())
            .expect("x axis line");
        let baseline = number(&axis, "y1");
        let rise = |p: &Node| baseline - number(p, "cy");
        assert!((rise(&points[1]) - 2.0 * rise(&points[0])).abs() <= 0.2);
        assert!(number(&points[0], "cx") < number(&points[1], "cx"));
    }

    #[test]
    fn trend_ticks_are_nice_values_written_by_the_formatter() {
        let labels = months(2);
        let cases: [(f64, &[&str]); 4] = [
            (
                47.0,
                &["0 min", "10 min", "20 min", "30 min", "40 min", "50 min"],
            ),
            (0.37, &["0 min", "0.1 min", "0.2 min", "0.3 min", "0.4 min"]),
            (180.0, &["0 min", "50 min", "100 min", "150 min", "200 min"]),
            (
                1.0,
                &["0 min", "0.2 min", "0.4 min", "0.6 min", "0.8 min", "1 min"],
            ),
        ];
        for (max, expected) in cases {
            assert_eq!(
                y_ticks(&trend_of(&labels, &[Some(max / 3.0), Some(max)])),
                expected
            );
        }
        assert_eq!(y_ticks(&trend_of(&labels, &[Some(0.0), None])), ["0 min"]);
        assert_eq!(y_ticks(&trend_of(&labels, &[None, None])), ["0 min"]);
    }

    #[test]
    fn trend_clamps_values_it_cannot_draw() {
        let labels = months(5);
        let values = [
            Some(f64::NAN),
            Some(-5.0),
            Some(f64::INFINITY),
            Some(1e300),
            Some(f64::NEG_INFINITY),
        ];
        let svg = trend_of(&labels, &values);
        let doc = parse(&svg);
        let points = with_class(&doc, "point");
        assert_eq!(points.len(), 4);
        let top = number(
            &with_class(&doc, "axis")[0]
                .children()
                .nth(1)
                .expect("y axis"),
            "y1",
        );
        assert!(points.iter().all(|p| number(p, "cy") >= top));
    }

    #[test]
    fn timeline_events_are_links_to_their_rows_in_time_order() {
        let svg = timeline(&incident());
        let doc = parse(&svg);
        let links = with_class(&doc, "event");
        let hrefs: Vec<&str> = links.iter().filter_map(|a| a.attribute("href")).collect();
        assert_eq!(hrefs, ["#t-12-15", "#t-12-30", "#t-12-45"]);
        let dots: Vec<Node> = links
            .iter()
            .map(|a| {
                a.children()
                    .find(|c| c.tag_name().name() == "circle")
                    .expect("dot")
            })
            .collect();
        assert!(
            dots.windows(2)
                .all(|w| number(&w[0], "cx") < number(&w[1], "cx"))
        );
        assert_eq!(title(&dots[0]), "12:15 — Alert fired");
        assert!(links.iter().all(|a| a.tag_name().name() == "a"));
    }

    #[test]
    fn events_at_the_same_time_get_their_own_lanes() {
        let events = [EVENTS[0], EVENTS[0], EVENTS[1]];
        let svg = timeline(&TimelineChart {
            events: &events,
            ..incident()
        });
        let doc = parse(&svg);
        let rows: Vec<f64> = named(&doc, "circle")
            .iter()
            .map(|c| number(c, "cy"))
            .collect();
        assert_eq!(rows[0], rows[1]);
        assert_ne!(rows[1], rows[2]);
    }

    fn tick_labels(svg: &str) -> Vec<String> {
        let doc = parse(svg);
        texts(&doc, "label-x").iter().map(text_of).collect()
    }

    #[test]
    fn timeline_ticks_fall_on_round_clock_times() {
        assert_eq!(
            tick_labels(&timeline(&incident())),
            [
                "12:00", "12:15", "12:30", "12:45", "13:00", "13:15", "13:30"
            ]
        );
        for span in [
            10.0, 20.0, 45.0, 61.0, 100.0, 240.0, 600.0, 1000.0, 1440.0, 4000.0, 20000.0,
        ] {
            let svg = timeline(&TimelineChart {
                origin: at((2024, 3, 9), 13, 7),
                span,
                ..incident()
            });
            let minutes: Vec<u32> = tick_labels(&svg)
                .iter()
                .map(|t| {
                    let (h, m) = t.split_once(':').expect("HH:MM");
                    assert_eq!((h.len(), m.len()), (2, 2), "{t}");
                    h.parse::<u32>().expect("hour") * 60 + m.parse::<u32>().expect("minute")
                })
                .collect();
            assert!((4..=9).contains(&minutes.len()), "span {span}: {minutes:?}");
            let step = TIME_STEPS
                .iter()
                .map(|&s| s as u32)
                .find(|s| span / f64::from(*s) <= 8.0)
                .expect("step");
            assert!(
                minutes.iter().all(|m| m % step.min(1440) == 0),
                "span {span}: {minutes:?}"
            );
        }
    }

    #[test]
    fn timeline_ticks_are_spaced_evenly_along_the_axis() {
        let doc_svg = timeline(&incident());
        let doc = parse(&doc_svg);
        let xs: Vec<f64> = texts(&doc, "label-x")
            .iter()
            .map(|t| number(t, "x"))
            .collect();
        let gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            gaps[1..gaps.len() - 1]
                .iter()
                .all(|g| (g - gaps[1]).abs() <= 0.2),
            "{xs:?}"
        );
    }

    #[test]
    fn midnight_ticks_show_the_date() {
        let svg = timeline(&TimelineChart {
            origin: at((2024, 1, 16), 22, 30),
            span: 180.0,
            ..incident()
        });
        let doc = parse(&svg);
        let dates = texts(&doc, "label-date");
        assert_eq!(dates.iter().map(text_of).collect::<Vec<_>>(), ["17 Jan"]);
        let midnight = texts(&doc, "label-x")
            .into_iter()
            .find(|t| text_of(t) == "00:00")
            .expect("a 00:00 tick");
        assert_eq!(midnight.attribute("x"), dates[0].attribute("x"));

        assert!(texts(&parse(&timeline(&incident())), "label-date").is_empty());
    }

    fn marker_text<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Node<'a, 'i> {
        with_class(doc, class)[0]
            .children()
            .find(|c| c.tag_name().name() == "text")
            .expect("marker label")
    }

    #[test]
    fn labels_of_nearby_markers_go_on_different_rows() {
        let svg = timeline(&incident());
        let doc = parse(&svg);
        let row = |class| number(&marker_text(&doc, class), "y");
        assert_ne!(row("marker-start"), row("marker-detected"));
        assert_eq!(row("marker-start"), row("marker-mitigated"));
        assert_eq!(row("marker-start"), row("marker-resolved"));
        assert_eq!(with_class(&doc, "marker").len(), 4);
        assert_eq!(
            title(&with_class(&doc, "marker-detected")[0]),
            "Detected — 12:12"
        );
    }

    #[test]
    fn a_marker_near_the_right_end_puts_its_label_to_the_left() {
        let markers = [Marker {
            at: 90.0,
            label: "Resolved",
            class: "resolved",
        }];
        let svg = timeline(&TimelineChart {
            markers: &markers,
            ..incident()
        });
        let doc = parse(&svg);
        let marker = &with_class(&doc, "marker")[0];
        let line = marker
            .children()
            .find(|c| c.tag_name().name() == "line")
            .expect("marker line");
        let text = marker_text(&doc, "marker");
        assert_eq!(text.attribute("text-anchor"), Some("end"));
        assert!(number(&text, "x") < number(&line, "x1"));
    }

    #[test]
    fn marker_labels_stay_inside_the_chart() {
        let markers: Vec<Marker> = (0..=18)
            .map(|i| Marker {
                at: f64::from(i) * 5.0,
                label: "Customer impact resolved",
                class: "resolved",
            })
            .collect();
        let svg = timeline(&TimelineChart {
            markers: &markers,
            ..incident()
        });
        let doc = parse(&svg);
        for marker in with_class(&doc, "marker") {
            let text = marker
                .children()
                .find(|c| c.tag_name().name() == "text")
                .expect("marker label");
            let width = text_of(&text).chars().count() as f64 * NAME_CHAR_WIDTH;
            let x = number(&text, "x");
            let (start, end) = match text.attribute("text-anchor") {
                Some("end") => (x - width, x),
                _ => (x, x + width),
            };
            assert!(start >= 0.0 && end <= WIDTH, "{start}..{end}");
        }
    }

    #[test]
    fn impact_band_covers_the_window_faintly() {
        let svg = timeline(&incident());
        let doc = parse(&svg);
        let band = &with_class(&doc, "impact")[0];
        let x = |minutes: f64| 24.0 + minutes / 90.0 * 672.0;
        assert!((number(band, "x") - x(10.0)).abs() <= 0.1);
        assert!((number(band, "width") - (x(80.0) - x(10.0))).abs() <= 0.1);
        assert!(number(band, "fill-opacity") < 0.3);
        assert_eq!(title(band), "12:10 – 13:20");
    }

    #[test]
    fn degenerate_timelines_are_valid_and_stay_on_the_axis() {
        let events = [
            Event {
                at: f64::NAN,
                ..EVENTS[0]
            },
            Event {
                at: -30.0,
                ..EVENTS[1]
            },
            Event {
                at: f64::INFINITY,
                ..EVENTS[2]
            },
        ];
        let markers = [Marker {
            at: 1e300,
            ..MARKERS[0]
        }];
        for span in [0.0, -5.0, f64::NAN, f64::INFINITY, 1e-12, 1e300] {
            for origin in [incident().origin, NaiveDateTime::MAX, NaiveDateTime::MIN] {
                let svg = timeline(&TimelineChart {
                    origin,
                    span,
                    impact: Some((f64::NAN, f64::NEG_INFINITY)),
                    markers: &markers,
                    events: &events,
                    ..incident()
                });
                let doc = parse(&svg);
                for dot in named(&doc, "circle") {
                    assert!((0.0..=WIDTH).contains(&number(&dot, "cx")), "{svg}");
                }
                assert!(with_class(&doc, "impact")[0].attribute("width").is_some());
            }
        }
        let empty = timeline(&TimelineChart {
            impact: None,
            markers: &[],
            events: &[],
            ..incident()
        });
        let doc = parse(&empty);
        assert!(named(&doc, "circle").is_empty() && with_class(&doc, "marker").is_empty());
        assert!(empty.len() < 3000, "{empty}");
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let labels = months(30);
        let values: Vec<u32> = (0..30).map(|i| i * 7 % 5).collect();
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &values,
        }];
        assert_eq!(bars(&labels, &series), bars(&labels, &series));
        let trend_values: Vec<Option<f64>> = (0..30)
            .map(|i| (i % 4 != 0).then_some(f64::from(i) / 3.0))
            .collect();
        assert_eq!(
            trend_of(&labels, &trend_values),
            trend_of(&labels, &trend_values)
        );
        assert_eq!(timeline(&incident()), timeline(&incident()));
    }

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        let labels = months(7);
        let values = [3, 1, 4, 1, 5, 9, 2];
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &values,
        }];
        let trend_values: Vec<Option<f64>> =
            values.iter().map(|&v| Some(f64::from(v) / 3.0)).collect();
        let charts = [
            bars(&labels, &series),
            trend_of(&labels, &trend_values),
            timeline(&TimelineChart {
                span: 97.3,
                origin: at((2024, 1, 1), 3, 3),
                ..incident()
            }),
        ];
        for svg in &charts {
            let doc = parse(svg);
            for node in doc.descendants() {
                for attribute in node.attributes() {
                    if ![
                        "x", "y", "width", "height", "cx", "cy", "x1", "x2", "y1", "y2", "d",
                        "viewBox",
                    ]
                    .contains(&attribute.name())
                    {
                        continue;
                    }
                    for n in attribute
                        .value()
                        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    {
                        assert!(
                            n.split_once('.')
                                .is_none_or(|(_, decimals)| decimals.len() == 1),
                            "{}={:?}",
                            attribute.name(),
                            attribute.value()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn no_colour_is_hard_coded() {
        let labels = months(2);
        let series = [Series {
            name: "SEV1",
            color: RED,
            values: &[1, 2],
        }];
        for svg in [
            bars(&labels, &series),
            trend_of(&labels, &[Some(1.0), Some(2.0)]),
            timeline(&incident()),
        ] {
            let doc = parse(&svg);
            for node in doc.descendants() {
                for name in ["fill", "stroke"] {
                    if let Some(value) = node.attribute(name) {
                        assert!(
                            ["currentColor", "none", RED].contains(&value),
                            "{name}={value}"
                        );
                    }
                }
            }
        }
    }
}
