use super::axes::{
    AXIS_LABEL_CHARS, CHAR_WIDTH, LABEL_GAP, MONTHS, NAME_CHAR_WIDTH, Tenths, WIDTH, clip, esc,
};
use super::timeline::TIME_STEPS;
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

/// A timeline's dots, left to right: the row each stands for, its time,
/// and where it is (from the path of round dots, `M{x} {y}h0` each).
fn dots(doc: &Document) -> Vec<(String, String, f64, f64)> {
    let Some(events) = with_class(doc, "events").into_iter().next() else {
        return Vec::new();
    };
    let split = |name: &str| -> Vec<String> {
        events
            .attribute(name)
            .unwrap_or_default()
            .split(' ')
            .map(String::from)
            .collect()
    };
    let path = events
        .children()
        .find(|c| c.tag_name().name() == "path")
        .expect("the dots' path");
    let points: Vec<(f64, f64)> = path
        .attribute("d")
        .unwrap()
        .split('M')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = p.strip_suffix("h0").expect("a dot");
            let (x, y) = p.split_once(' ').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    let (rows, times) = (split("data-rows"), split("data-times"));
    assert_eq!((rows.len(), times.len()), (points.len(), points.len()));
    rows.into_iter()
        .zip(times)
        .zip(points)
        .map(|((r, t), (x, y))| (r, t, x, y))
        .collect()
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
        row: "t-12-45",
    },
    Event {
        at: 15.0,
        clock: "12:15",
        row: "t-12-15",
    },
    Event {
        at: 30.0,
        clock: "12:30",
        row: "t-12-30",
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
    // Charts are inline in HTML pages, whose parser puts `svg` in its
    // namespace: the attribute would be bytes on every page.
    assert_eq!(root.attribute("xmlns"), None);
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
        clock: hostile,
        row: "a\"b'c&d",
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
    assert!(!svg.contains("<script") && !svg.contains("<x"));
    let doc = parse(&svg);
    let events = &with_class(&doc, "events")[0];
    assert_eq!(events.attribute("data-rows"), Some("a\"b'c&d"));
    assert_eq!(events.attribute("data-times"), Some(hostile));
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

#[test]
fn text_is_written_with_the_entities_charts_have_always_written() {
    // Byte for byte: pages embed these, and the output of a build must not
    // change with the escaper underneath.
    assert_eq!(
        esc("a'b & <c> \"d\"\t\n\r\u{1}\u{fffe}e").to_string(),
        "a&#39;b &amp; &lt;c&gt; &quot;d&quot;\t\n\re"
    );
    assert_eq!(clip("a&bcdef", 4).to_string(), "a&amp;b…");
    assert_eq!(clip("a&bc", 4).to_string(), "a&amp;bc");
    assert_eq!(clip("ab'", 1).to_string(), "…");
    assert_eq!(clip("", 0).to_string(), "");
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
fn timeline_events_are_dots_that_name_their_rows_in_time_order() {
    let svg = timeline(&incident());
    let doc = parse(&svg);
    let events = &with_class(&doc, "events")[0];
    // The table under the chart is what assistive technology reads.
    assert_eq!(events.attribute("aria-hidden"), Some("true"));
    let dots = dots(&doc);
    let rows: Vec<&str> = dots.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(rows, ["t-12-15", "t-12-30", "t-12-45"]);
    let times: Vec<&str> = dots.iter().map(|d| d.1.as_str()).collect();
    assert_eq!(times, ["12:15", "12:30", "12:45"]);
    assert!(dots.windows(2).all(|w| w[0].2 < w[1].2));
    // One path draws them all; the page's script makes them links.
    assert_eq!(
        named(&doc, "path")
            .iter()
            .filter(|p| p.parent() == Some(*events))
            .count(),
        1
    );
    assert!(named(&doc, "a").is_empty());
}

#[test]
fn events_at_the_same_time_get_their_own_lanes() {
    let events = [EVENTS[0], EVENTS[0], EVENTS[1]];
    let svg = timeline(&TimelineChart {
        events: &events,
        ..incident()
    });
    let doc = parse(&svg);
    let rows: Vec<f64> = dots(&doc).iter().map(|d| d.3).collect();
    assert_eq!(rows.len(), 3);
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
        .find(|c| c.tag_name().name() == "path")
        .expect("marker line");
    // `M{x} {top}V{bottom}`: a vertical line at x.
    let d = line.attribute("d").unwrap();
    let line_x: f64 = d[1..].split(' ').next().unwrap().parse().unwrap();
    assert!(d.contains('V') && !d.contains('H'), "{d}");
    let text = marker_text(&doc, "marker");
    assert_eq!(text.attribute("text-anchor"), Some("end"));
    assert!(number(&text, "x") < line_x);
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
            let dots = dots(&doc);
            assert_eq!(dots.len(), 3);
            for dot in dots {
                assert!((0.0..=WIDTH).contains(&dot.2), "{svg}");
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
    assert!(dots(&doc).is_empty() && with_class(&doc, "marker").is_empty());
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
    let trend_values: Vec<Option<f64>> = values.iter().map(|&v| Some(f64::from(v) / 3.0)).collect();
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
                    "x", "y", "width", "height", "cx", "cy", "x1", "x2", "y1", "y2", "d", "viewBox",
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

#[test]
fn a_timeline_speaks_of_dots_only_when_it_has_events() {
    let start = chrono::DateTime::parse_from_rfc3339("2023-05-01T10:00:00Z").unwrap();
    let resolved = start + chrono::TimeDelta::minutes(30);
    let later = [(resolved, "Resolved", "resolved")];
    assert_eq!(
        timeline_description(start, &later, 0),
        "Impact started at 10:00; resolved at 10:30 (30 min after the start). No timeline rows give a time."
    );
    assert!(timeline_description(start, &later, 1).ends_with("1 timeline event."));
    assert!(timeline_description(start, &[], 3).ends_with("3 timeline events."));
}

#[test]
fn coordinates_are_written_with_one_decimal_at_most() {
    for n in (-25_000i64..25_000).chain([i64::MIN + 1, i64::MAX, -1_000_000_001]) {
        let expected = if n % 10 == 0 {
            (n / 10).to_string()
        } else {
            let whole = (n / 10).unsigned_abs();
            let sign = if n < 0 { "-" } else { "" };
            format!("{sign}{whole}.{}", (n % 10).unsigned_abs())
        };
        let mut put = String::new();
        Tenths(n).put(&mut put);
        assert_eq!(put, expected, "{n}");
        assert_eq!(Tenths(n).to_string(), expected, "{n}");
    }
}

#[test]
fn clocks_read_as_chrono_writes_them_at_every_minute_and_offset() {
    use chrono::{TimeZone, Timelike};
    for offset in [0, 5 * 3600 + 1800, -(3 * 3600 + 1800), 14 * 3600] {
        let zone = FixedOffset::east_opt(offset).unwrap();
        let start = zone.with_ymd_and_hms(2024, 3, 9, 0, 0, 0).unwrap();
        for minute in 0..24 * 60 {
            let t = start + chrono::TimeDelta::minutes(minute);
            assert_eq!(super::clock(&t), t.format("%H:%M").to_string());
            assert_eq!(t.hour() * 60 + t.minute(), minute as u32);
        }
    }
}
