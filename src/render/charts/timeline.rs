//! Incident timelines: a time axis in minutes after an origin, the impact
//! window as a band, labelled markers staggered into rows above it and
//! events as dots in lanes within it.

use std::fmt::{self, Write};

use chrono::{NaiveDateTime, Timelike};

use super::axes::{
    Clock, Day, LABEL_GAP, NAME_CHAR_WIDTH, NAME_CHARS, Token, WIDTH, clip, clipped_chars,
    clock_at, esc, num, open, within,
};
use super::{Event, Marker, TimelineChart};
use crate::util::html::{Mode, escape_joined};

/// The longest axis drawn, in minutes (480 days); a longer span is cut to it.
const MAX_SPAN: f64 = 480.0 * 1440.0;
/// Tick steps in minutes: the first giving at most eight intervals is used.
pub(super) const TIME_STEPS: [f64; 18] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0, 720.0, 1440.0, 2880.0, 4320.0,
    10080.0, 20160.0, 43200.0, 86400.0,
];
const LEFT: f64 = 24.0;
const RIGHT: f64 = WIDTH - 24.0;
/// The height of a row of marker labels.
const ROW: f64 = 14.0;
/// The distance between lanes of events.
const LANE: f64 = 10.0;
const MAX_ROWS: usize = 4;
const MAX_LANES: usize = 3;

pub(super) fn draw(out: &mut String, chart: &TimelineChart) -> fmt::Result {
    let layout = Layout::of(chart);
    open(
        out,
        "timeline",
        layout.height(),
        chart.id,
        chart.title,
        chart.description,
    )?;
    grid(out, &layout)?;
    if let Some(window) = chart.impact {
        impact(out, &layout, window)?;
    }
    time_axis(out, &layout)?;
    markers(out, &layout, chart.markers)?;
    events(out, &layout, chart.events)?;
    out.push_str("</svg>");
    Ok(())
}

/// The time axis: minutes after the origin, placed along x.
#[derive(Clone, Copy)]
struct Scale {
    origin: NaiveDateTime,
    /// Minutes from the left end of the axis to the right.
    span: f64,
}

impl Scale {
    fn of(chart: &TimelineChart) -> Scale {
        let span = if chart.span > 0.0 {
            chart.span.min(MAX_SPAN)
        } else {
            1.0
        };
        Scale {
            origin: chart.origin,
            span,
        }
    }

    /// `minutes` kept on the axis; not a number is its start.
    fn at(self, minutes: f64) -> f64 {
        if minutes.is_nan() {
            0.0
        } else {
            minutes.clamp(0.0, self.span)
        }
    }

    fn x(self, minutes: f64) -> f64 {
        LEFT + self.at(minutes) / self.span * (RIGHT - LEFT)
    }

    /// The local date-time at `minutes` on the axis.
    fn clock(self, minutes: f64) -> Option<NaiveDateTime> {
        clock_at(self.origin, self.at(minutes))
    }

    /// Whether a marker's label runs left of its line, for want of room on
    /// the right.
    fn anchor_end(self, marker: &Marker) -> bool {
        self.x(marker.at) + marker_width(marker) > WIDTH - 2.0
    }
}

fn marker_width(marker: &Marker) -> f64 {
    4.0 + clipped_chars(marker.label, NAME_CHARS) as f64 * NAME_CHAR_WIDTH
}

/// Where everything of a timeline goes: the marker rows above the band, the
/// event lanes within it, the axis under it and its ticks.
struct Layout {
    scale: Scale,
    /// The row of each marker's label, top first.
    rows: Vec<usize>,
    /// The lane of each event, top first.
    lanes: Vec<usize>,
    lane_count: usize,
    /// The top of the band of events and the impact window.
    plot_top: f64,
    band: f64,
    axis_y: f64,
    /// Minutes between ticks, and the first tick's.
    step: f64,
    first: f64,
    /// Whether a tick falls on midnight, so that the axis has a row of dates.
    dates: bool,
}

impl Layout {
    fn of(chart: &TimelineChart) -> Layout {
        let scale = Scale::of(chart);
        let x = |minutes: f64| scale.x(minutes);
        let rows = stagger(
            chart.markers,
            |m| x(m.at),
            |m| {
                let start = x(m.at);
                if scale.anchor_end(m) {
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

        let step = TIME_STEPS
            .iter()
            .copied()
            .find(|step| scale.span / step <= 8.0)
            .unwrap_or(TIME_STEPS[TIME_STEPS.len() - 1]);
        let since_midnight = f64::from(chart.origin.num_seconds_from_midnight()) / 60.0;
        let align = step.min(1440.0);
        let first = (since_midnight / align).ceil() * align - since_midnight;

        let mut layout = Layout {
            scale,
            rows,
            lanes,
            lane_count,
            plot_top,
            band,
            axis_y: plot_top + band,
            step,
            first,
            dates: false,
        };
        layout.dates = layout.ticks().any(|t| layout.midnight(t));
        layout
    }

    fn height(&self) -> f64 {
        self.axis_y + 20.0 + if self.dates { 13.0 } else { 0.0 }
    }

    /// The ticks, in minutes on the axis: `step` apart, at clock times that
    /// are whole multiples of the step (of a day, for longer steps), at most 64.
    fn ticks(&self) -> impl Iterator<Item = f64> + use<> {
        let (first, step, span) = (self.first, self.step, self.scale.span);
        (0..64)
            .map(move |i| first + step * f64::from(i))
            .take_while(move |t| *t <= span + 1e-9)
    }

    fn midnight(&self, t: f64) -> bool {
        self.scale
            .clock(t)
            .is_some_and(|c| c.hour() == 0 && c.minute() == 0)
    }
}

/// A vertical grid line at each tick, across the band: one path.
fn grid(out: &mut String, layout: &Layout) -> fmt::Result {
    out.push_str(r#"<g class="grid">"#);
    out.push_str(r#"<path d=""#);
    for t in layout.ticks() {
        out.push('M');
        num(layout.scale.x(t)).put(out);
        out.push(' ');
        num(layout.plot_top).put(out);
        out.push('V');
        num(layout.axis_y).put(out);
    }
    out.push_str(r#""/></g>"#);
    Ok(())
}

/// The impact window, `(from, to)` in minutes, as a band titled with its
/// times.
fn impact(out: &mut String, layout: &Layout, (from, to): (f64, f64)) -> fmt::Result {
    let scale = layout.scale;
    let (from, to) = (
        scale.at(from).min(scale.at(to)),
        scale.at(from).max(scale.at(to)),
    );
    out.push_str(r#"<rect class="impact" x=""#);
    num(scale.x(from)).put(out);
    out.push_str(r#"" y=""#);
    num(layout.plot_top).put(out);
    out.push_str(r#"" width=""#);
    num(scale.x(to) - scale.x(from)).put(out);
    out.push_str(r#"" height=""#);
    num(layout.band).put(out);
    out.push_str(r#"" fill="currentColor" fill-opacity="0.12">"#);
    if let (Some(start), Some(end)) = (scale.clock(from), scale.clock(to)) {
        out.push_str("<title>");
        Clock(start).put(out);
        out.push_str(" – ");
        Clock(end).put(out);
        out.push_str("</title>");
    }
    out.push_str("</rect>");
    Ok(())
}

/// The axis line with a mark at each tick, the tick's time under it and,
/// under a tick on midnight, its date.
fn time_axis(out: &mut String, layout: &Layout) -> fmt::Result {
    let (scale, axis_y) = (layout.scale, layout.axis_y);
    out.push_str(r#"<g class="axis">"#);
    out.push_str(r#"<path d="M"#);
    num(LEFT).put(out);
    out.push(' ');
    num(axis_y).put(out);
    out.push('H');
    num(RIGHT).put(out);
    for t in layout.ticks() {
        out.push('M');
        num(scale.x(t)).put(out);
        out.push(' ');
        num(axis_y).put(out);
        out.push_str("v4");
    }
    out.push_str(r#""/></g>"#);

    out.push_str(r#"<g class="label label-x" text-anchor="middle">"#);
    for t in layout.ticks() {
        if let Some(c) = scale.clock(t) {
            out.push_str(r#"<text x=""#);
            num(within(scale.x(t), 20.0, WIDTH - 20.0)).put(out);
            out.push_str(r#"" y=""#);
            num(axis_y + 15.0).put(out);
            out.push_str(r#"">"#);
            Clock(c).put(out);
            out.push_str("</text>");
        }
    }
    out.push_str("</g>");
    if layout.dates {
        out.push_str(r#"<g class="label label-date" text-anchor="middle">"#);
        for t in layout.ticks().filter(|&t| layout.midnight(t)) {
            if let Some(c) = scale.clock(t) {
                write!(
                    out,
                    r#"<text x="{}" y="{}">{}</text>"#,
                    num(within(scale.x(t), 20.0, WIDTH - 20.0)),
                    num(axis_y + 28.0),
                    Day(c),
                )?;
            }
        }
        out.push_str("</g>");
    }
    Ok(())
}

/// Each marker as a dashed line down to the axis, under its label in its
/// row; the stylesheet colours both.
fn markers(out: &mut String, layout: &Layout, markers: &[Marker]) -> fmt::Result {
    let scale = layout.scale;
    for (marker, &row) in markers.iter().zip(&layout.rows) {
        let line_x = scale.x(marker.at);
        let baseline = 4.0 + ROW * (row + 1) as f64 - 3.0;
        out.push_str(r#"<g class="marker"#);
        if marker.class.chars().any(|c| c.is_ascii_alphanumeric()) {
            out.push_str(" marker-");
            Token(marker.class).put(out);
        }
        out.push_str(r#""><title>"#);
        esc(marker.label).put(out);
        if let Some(c) = scale.clock(marker.at) {
            out.push_str(" — ");
            Clock(c).put(out);
        }
        out.push_str(r#"</title><path d="M"#);
        num(line_x).put(out);
        out.push(' ');
        num(baseline + 3.0).put(out);
        out.push('V');
        num(layout.axis_y).put(out);
        out.push_str(r#""/>"#);
        // Labels start at their line unless they have no room on its right.
        let (text_x, anchor) = if scale.anchor_end(marker) {
            (line_x - 4.0, r#" text-anchor="end""#)
        } else {
            (line_x + 4.0, "")
        };
        out.push_str(r#"<text x=""#);
        num(text_x).put(out);
        out.push_str(r#"" y=""#);
        num(baseline).put(out);
        out.push('"');
        out.push_str(anchor);
        out.push('>');
        clip(marker.label, NAME_CHARS).put(out);
        out.push_str("</text></g>");
    }
    Ok(())
}

/// The events as dots in their lanes, from left to right: one path of
/// round dots, with the rows they stand for (`data-rows`, each row's
/// anchor) and their times on the chart's clock (`data-times`). A report
/// has dozens; an element each, with a link and a tooltip, was a quarter
/// of the chart. The page's script lays a link over each dot, to its row,
/// with the time and the row's text as its tooltip. The dots repeat the
/// timeline table, which is what assistive technology reads.
fn events(out: &mut String, layout: &Layout, events: &[Event]) -> fmt::Result {
    let x = |minutes: f64| layout.scale.x(minutes);
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| x(events[a].at).total_cmp(&x(events[b].at)));
    let lanes_top =
        layout.plot_top + (layout.band - LANE * layout.lane_count.saturating_sub(1) as f64) / 2.0;
    if events.is_empty() {
        return Ok(());
    }
    out.push_str(r#"<g class="events" aria-hidden="true" data-rows=""#);
    escape_joined(out, order.iter().map(|&i| events[i].row), " ", Mode::Svg);
    out.push_str(r#"" data-times=""#);
    escape_joined(out, order.iter().map(|&i| events[i].clock), " ", Mode::Svg);
    out.push_str(r#""><path stroke="currentColor" stroke-width="9" stroke-linecap="round" d=""#);
    for &i in &order {
        out.push('M');
        num(x(events[i].at)).put(out);
        out.push(' ');
        num(lanes_top + LANE * layout.lanes[i] as f64).put(out);
        out.push_str("h0");
    }
    out.push_str(r#""/></g>"#);
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
