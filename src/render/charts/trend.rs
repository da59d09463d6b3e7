//! Trend lines: one value per label, joined by a line that breaks where a
//! value is missing.

use std::fmt::{self, Write};

use super::TrendChart;
use super::axes::{
    AXIS_LABEL_CHARS, CHAR_WIDTH, Plot, WIDTH, axis_lines, clipped_chars, empty, esc, nice_ticks,
    num, open, x_labels, y_axis,
};

/// Values above this are drawn at it.
const MAX_TREND_VALUE: f64 = 1e15;

pub(super) fn draw(out: &mut String, chart: &TrendChart) -> fmt::Result {
    if chart.labels.is_empty() {
        return empty(out, "trend", chart.id, chart.title, chart.description);
    }
    let points = chart.labels.len();
    let max = (0..points)
        .filter_map(|i| value(chart, i))
        .fold(0.0, f64::max);
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
    axis_lines(out, &plot)?;
    lines(out, chart, &plot, top_value)?;
    dots(out, chart, &plot, top_value)?;
    x_labels(out, &plot, chart.labels, plot.bottom + 16.0)?;
    out.push_str("</svg>");
    Ok(())
}

/// The value at label `i`, kept to what can be drawn; `None` for a gap.
fn value(chart: &TrendChart, i: usize) -> Option<f64> {
    chart
        .values
        .get(i)
        .copied()
        .flatten()
        .filter(|v| !v.is_nan())
        .map(|v| v.clamp(0.0, MAX_TREND_VALUE))
}

/// A line through each run of two or more values without a gap;
/// `top_value` is the value at the top of the plot.
fn lines(out: &mut String, chart: &TrendChart, plot: &Plot, top_value: f64) -> fmt::Result {
    let points = chart.labels.len();
    let value = |i: usize| value(chart, i);
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
                let y = plot.y(v / top_value);
                write!(out, "{command}{} {}", num(plot.center(i)), num(y))?;
            }
            out.push_str(
                r#"" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>"#,
            );
        }
        run_start = run_end;
    }
    Ok(())
}

/// A dot at each value, titled with its label and the formatted value.
fn dots(out: &mut String, chart: &TrendChart, plot: &Plot, top_value: f64) -> fmt::Result {
    for (i, label) in chart.labels.iter().enumerate() {
        if let Some(v) = value(chart, i) {
            write!(
                out,
                r#"<circle class="point" cx="{}" cy="{}" r="3" fill="currentColor"><title>{} — {}</title></circle>"#,
                num(plot.center(i)),
                num(plot.y(v / top_value)),
                esc(label),
                esc(&(chart.format)(v)),
            )?;
        }
    }
    Ok(())
}
