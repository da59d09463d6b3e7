//! The frame every chart shares: the SVG's opening and its empty form, the
//! plot area, axes, grid and labels, tick steps, and the writing of numbers,
//! times, names and text into the markup.

use std::fmt::{self, Display, Write};

use chrono::{Datelike, NaiveDateTime, TimeDelta, Timelike};

pub(super) use crate::util::html::clipped_chars;
use crate::util::html::{self, Escaped, Mode};
use crate::util::text::push_padded;

pub(super) const WIDTH: f64 = 720.0;
pub(super) const CHAR_WIDTH: f64 = 6.2;
pub(super) const NAME_CHAR_WIDTH: f64 = 7.0;
const EMPTY_HEIGHT: f64 = 24.0;
pub(super) const LABEL_GAP: f64 = 6.0;
pub(super) const AXIS_LABEL_CHARS: usize = 14;
pub(super) const NAME_CHARS: usize = 24;
pub(super) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) const GRID_OPEN: &str =
    r#"<g class="grid" stroke="currentColor" stroke-opacity="0.15">"#;
pub(super) const AXIS_OPEN: &str = r#"<g class="axis" stroke="currentColor" stroke-opacity="0.5">"#;

/// The plotting area of a chart with one slot per label along x.
pub(super) struct Plot {
    pub(super) left: f64,
    pub(super) right: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
    pub(super) count: usize,
}

impl Plot {
    pub(super) fn slot(&self) -> f64 {
        (self.right - self.left) / self.count.max(1) as f64
    }

    pub(super) fn center(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * self.slot()
    }

    pub(super) fn y(&self, fraction: f64) -> f64 {
        self.bottom - fraction * (self.bottom - self.top)
    }
}

pub(super) fn open(
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
    out.push_str(r#"<svg viewBox="0 0 "#);
    num(WIDTH).put(out);
    out.push(' ');
    num(height).put(out);
    out.push_str(r#"" class="chart chart-"#);
    out.push_str(kind);
    out.push_str(r#"" role=""#);
    out.push_str(role);
    out.push_str(r#"" aria-labelledby=""#);
    id.put(out);
    out.push_str("-title ");
    id.put(out);
    out.push_str(r#"-desc"><title id=""#);
    id.put(out);
    out.push_str(r#"-title">"#);
    esc(title).put(out);
    out.push_str(r#"</title><desc id=""#);
    id.put(out);
    out.push_str(r#"-desc">"#);
    esc(desc).put(out);
    out.push_str("</desc>");
    Ok(())
}

/// A chart with nothing along x: its title, description and a bare axis.
pub(super) fn empty(
    out: &mut String,
    kind: &str,
    id: &str,
    title: &str,
    desc: &str,
) -> fmt::Result {
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
pub(super) fn y_axis<L: Display>(out: &mut String, plot: &Plot, ticks: &[(f64, L)]) -> fmt::Result {
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

pub(super) fn axis_lines(out: &mut String, plot: &Plot) -> fmt::Result {
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
pub(super) fn x_labels(
    out: &mut String,
    plot: &Plot,
    labels: &[String],
    baseline: f64,
) -> fmt::Result {
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
pub(super) fn integer_ticks(max: u64) -> (u64, u64) {
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
pub(super) fn nice_ticks(max: f64) -> Option<(Vec<f64>, f64)> {
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

pub(super) fn decimal_digits(mut n: u64) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

pub(super) fn clock_at(origin: NaiveDateTime, minutes: f64) -> Option<NaiveDateTime> {
    origin.checked_add_signed(TimeDelta::try_seconds((minutes * 60.0).round() as i64)?)
}

pub(super) fn within(x: f64, low: f64, high: f64) -> f64 {
    if low > high {
        (low + high) / 2.0
    } else {
        x.max(low).min(high)
    }
}

pub(super) fn tenths(x: f64) -> i64 {
    if x.is_finite() {
        crate::util::round_to_i64(x * 10.0)
    } else {
        0
    }
}

pub(super) fn num(x: f64) -> Tenths {
    Tenths(tenths(x))
}

/// A coordinate in tenths, written with at most one decimal place.
#[derive(Clone, Copy)]
pub(super) struct Tenths(pub(super) i64);

impl Tenths {
    /// Appends the number to `out`, as [`Display`] writes it, without the
    /// formatting machinery: a chart writes hundreds a page.
    pub(super) fn put(self, out: &mut String) {
        if self.0 < 0 {
            out.push('-');
        }
        let abs = self.0.unsigned_abs();
        out.push_str(itoa::Buffer::new().format(abs / 10));
        let tenth = (abs % 10) as u8;
        if tenth != 0 {
            out.push('.');
            out.push(char::from(b'0' + tenth));
        }
    }
}

impl Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut text = String::with_capacity(24);
        self.put(&mut text);
        f.write_str(&text)
    }
}

/// `HH:MM`.
pub(super) struct Clock(pub(super) NaiveDateTime);

impl Clock {
    /// Appends `HH:MM` to `out`.
    pub(super) fn put(&self, out: &mut String) {
        push_padded(out, self.0.hour(), 2);
        out.push(':');
        push_padded(out, self.0.minute(), 2);
    }
}

impl Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut text = String::with_capacity(5);
        self.put(&mut text);
        f.write_str(&text)
    }
}

/// `17 Jan`.
pub(super) struct Day(pub(super) NaiveDateTime);

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
pub(super) struct Token<'a>(pub(super) &'a str);

impl Token<'_> {
    /// Appends what [`Display`] writes, without the formatting machinery.
    pub(super) fn put(&self, out: &mut String) {
        // Writing into a string cannot fail.
        let _ = self.write_to(out);
    }

    fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        if self.0.is_empty() {
            return out.write_str("chart");
        }
        for c in self.0.chars() {
            let c = if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            };
            out.write_char(c)?;
        }
        Ok(())
    }
}

impl Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.write_to(f)
    }
}

/// Text escaped for SVG, as content or a quoted attribute: the one
/// escaper of `util::html`, which leaves out what XML cannot carry.
pub(super) fn esc(text: &str) -> Escaped<'_> {
    html::escaped(text, Mode::Svg)
}

/// [`esc`], cut to `max` characters with an ellipsis.
pub(super) fn clip(text: &str, max: usize) -> Escaped<'_> {
    esc(text).clipped(max)
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
