//! Stacked bars: counts per label, one coloured segment per series, under a
//! legend of the series.

use std::fmt::{self, Write};

use super::axes::{
    CHAR_WIDTH, NAME_CHAR_WIDTH, NAME_CHARS, Plot, Tenths, WIDTH, axis_lines, clip, clipped_chars,
    decimal_digits, empty, esc, integer_ticks, num, open, tenths, x_labels, y_axis,
};
use super::{BarChart, Series};

pub(super) fn draw(out: &mut String, chart: &BarChart) -> fmt::Result {
    if chart.labels.is_empty() {
        return empty(out, "bars", chart.id, chart.title, chart.description);
    }
    let bars = chart.labels.len();
    let max = (0..bars).map(|bar| total(chart, bar)).max().unwrap_or(0);
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
    legend(out, chart.series, left)?;

    let ticks: Vec<(f64, u64)> = if max == 0 {
        vec![(0.0, 0)]
    } else {
        (0..=intervals)
            .map(|i| (i as f64 / intervals as f64, i * step))
            .collect()
    };
    y_axis(out, &plot, &ticks)?;
    stacks(out, chart, &plot, top_value)?;
    axis_lines(out, &plot)?;
    x_labels(out, &plot, chart.labels, plot.bottom + 16.0)?;
    out.push_str("</svg>");
    Ok(())
}

/// The count of `series` in bar `bar`; a missing count is zero.
fn count(series: &Series, bar: usize) -> u64 {
    u64::from(series.values.get(bar).copied().unwrap_or(0))
}

/// The height of bar `bar`: the counts of every series in it.
fn total(chart: &BarChart, bar: usize) -> u64 {
    chart.series.iter().map(|s| count(s, bar)).sum::<u64>()
}

/// A swatch and the name of each series, in rows that fit the width.
fn legend(out: &mut String, series: &[Series], left: f64) -> fmt::Result {
    if series.is_empty() {
        return Ok(());
    }
    out.push_str(r#"<g class="legend">"#);
    legend_layout(series, left, |series, x, y| {
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
    Ok(())
}

/// Each bar but an empty one, as a segment per series with a count, the
/// first at the bottom; `top_value` is the count at the top of the plot.
fn stacks(out: &mut String, chart: &BarChart, plot: &Plot, top_value: u64) -> fmt::Result {
    let bar_width = (plot.slot() * 0.7).min(56.0);
    let scale = (plot.bottom - plot.top) / top_value as f64;
    let edge = |stacked: u64| tenths(plot.bottom - stacked as f64 * scale);
    for (bar, label) in chart.labels.iter().enumerate() {
        if total(chart, bar) == 0 {
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
