//! Named time zones: front-matter times and timeline rows without an
//! offset read in the report's zone across a daylight-saving change, the
//! zone a timeline's notes name, ranges read as their start, and the
//! diagnostics for zones and times that cannot be.

use hindsight::Error;
use scraper::Html;

use crate::support::{TestSite, content_errors, sel};

const SLUG: &str = "2023-03-26-clocks-change";
const PATH: &str = "content/2023/2023-03-26-clocks-change.md";

/// The basic fixture with `timezone` set in hindsight.toml.
fn site_in(zone: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.edit("hindsight.toml", |t| format!("timezone = \"{zone}\"\n{t}"));
    site
}

fn report(front: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"Clocks change\"\n{front}severity: SEV2\nservices: icreate\n---\n\n{body}"
    )
}

fn report_page(site: &TestSite) -> Html {
    site.page(&format!("postmortems/{SLUG}/index.html"))
}

/// The `datetime` of each `<time>` of the report's facts, in order.
fn fact_times(page: &Html) -> Vec<String> {
    page.select(&sel("dd time[datetime]"))
        .filter_map(|t| t.value().attr("datetime").map(str::to_string))
        .collect()
}

/// Each event of the timeline chart: the anchor of its row (`#t-…`), its
/// time on the chart's clock and where it is on the axis, from the path of
/// dots and the rows and times beside it.
fn events(page: &Html) -> Vec<(String, String, f64)> {
    let Some(g) = page.select(&sel("svg .events")).next() else {
        return Vec::new();
    };
    let words = |name: &str| -> Vec<String> {
        g.value()
            .attr(name)
            .unwrap_or_default()
            .split(' ')
            .map(String::from)
            .collect()
    };
    let d = g
        .select(&sel("path"))
        .next()
        .and_then(|p| p.value().attr("d"))
        .expect("the dots' path")
        .to_string();
    let xs: Vec<f64> = d
        .split('M')
        .filter(|p| !p.is_empty())
        .map(|p| p.split(' ').next().unwrap().parse().unwrap())
        .collect();
    let (rows, times) = (words("data-rows"), words("data-times"));
    assert_eq!((rows.len(), times.len()), (xs.len(), xs.len()), "{d}");
    rows.into_iter()
        .zip(times)
        .zip(xs)
        .map(|((row, time), x)| (format!("#{row}"), time, x))
        .collect()
}

#[test]
fn a_report_across_the_change_to_summer_time_has_each_time_in_its_own_offset() {
    let site = site_in("Europe/Copenhagen");
    let body = "## Timeline\n\n| Time | Event |\n|---|---|\n| 2023-03-26 01:45 | Alerts fired |\n| 2023-03-26 03:30 | Failover done |\n| 2023-03-26 12:30 UTC | Review call |\n";
    site.write(
        PATH,
        &report("date: 2023-03-26 01:30\nresolved: 2023-03-26T04:00\n", body),
    );
    site.build_ok();
    let page = report_page(&site);
    let times = fact_times(&page);
    assert!(
        times.contains(&"2023-03-26T01:30:00+01:00".to_string()),
        "{times:?}"
    );
    assert!(
        times.contains(&"2023-03-26T04:00:00+02:00".to_string()),
        "{times:?}"
    );
    let events = events(&page);
    let clocks: Vec<&str> = events.iter().map(|(_, c, _)| c.as_str()).collect();
    assert_eq!(clocks, ["01:45", "03:30", "14:30"]);
    // Every dot links to a row of the table that carries its anchor.
    for (href, _, _) in &events {
        let id = href.strip_prefix('#').expect("a fragment");
        assert!(
            page.select(&sel(&format!("td[id=\"{id}\"] > a:first-child")))
                .next()
                .is_some(),
            "no row {id}"
        );
    }
    // 01:45+01:00 to 03:30+02:00 is 45 minutes; to 12:30 UTC, 705.
    let (a, b, c) = (events[0].2, events[1].2, events[2].2);
    let ratio = (b - a) / (c - a);
    assert!((ratio - 45.0 / 705.0).abs() < 0.01, "{ratio}");
}

#[test]
fn a_timeline_note_names_the_zone_of_its_rows() {
    let site = site_in("Europe/Copenhagen");
    let body = "## Timeline\n\nAll times in UTC.\n\n- 09:00 Alerts fired\n- 09:30 Rolled back\n\n## Later\n\n### Timeline of the repair\n\n| Time (UTC+03:00) | Event |\n|---|---|\n| 10:00 | Repaired |\n";
    site.write(PATH, &report("date: 2023-07-01T10:55:00+02:00\n", body));
    site.build_ok();
    let clocks: Vec<String> = events(&report_page(&site))
        .into_iter()
        .map(|(_, c, _)| c)
        .collect();
    // The chart orders its dots by time: 10:00+03:00 is 09:00 in Copenhagen.
    assert_eq!(clocks, ["09:00", "11:00", "11:30"]);
}

#[test]
fn the_report_zone_wins_over_the_site_zone() {
    let site = site_in("+05:00");
    let body = "## Timeline\n\n- 2023-10-29 02:30 First alert\n- 04:00 Resolved\n";
    site.write(
        PATH,
        &report(
            "timezone: Europe/Copenhagen\ndate: 2023-10-29 02:15\n",
            body,
        ),
    );
    site.build_ok();
    let page = report_page(&site);
    // 02:15 happens twice that night: the earlier, in summer time.
    assert_eq!(fact_times(&page)[0], "2023-10-29T02:15:00+02:00");
    let clocks: Vec<String> = events(&page).into_iter().map(|(_, c, _)| c).collect();
    assert_eq!(clocks, ["02:30", "04:00"]);
}

#[test]
fn a_range_in_a_time_cell_is_read_as_its_start() {
    let site = site_in("UTC");
    let body = "## Timeline\n\n| Time | Event |\n|---|---|\n| 2023-07-01 12:26-12:30 | Errors |\n| 2023-07-01 12:40–12:45 | Recovered |\n| 12:50-12:?? | Watching |\n";
    site.write(PATH, &report("date: 2023-07-01T12:00:00Z\n", body));
    let summary = site.build_ok();
    let clocks: Vec<String> = events(&report_page(&site))
        .into_iter()
        .map(|(_, c, _)| c)
        .collect();
    assert_eq!(clocks, ["12:26", "12:40", "12:50"]);
    assert!(
        summary.warnings.iter().all(|w| w.code != "timeline-order"),
        "{:#?}",
        summary.warnings
    );
}

#[test]
fn rows_that_cannot_be_read_or_do_not_exist_are_warnings_at_their_line() {
    let site = site_in("Europe/Copenhagen");
    let body = "## Timeline\n\n| Time | Event |\n|---|---|\n| 2024-03-31 01:50 | Alerts |\n| 2024-03-31 02:30 | Page |\n| 2024-03-31 25:10 | Typo |\n";
    site.write(PATH, &report("date: 2024-03-31T01:45:00+01:00\n", body));
    let summary = site.build_ok();
    let mut found: Vec<(usize, bool)> = summary
        .warnings
        .iter()
        .filter(|w| w.code == "timeline-time")
        .map(|w| (w.line, w.message.contains("does not exist")))
        .collect();
    found.sort();
    // The table's rows are lines 12 to 14.
    assert_eq!(found, [(13, true), (14, false)]);
    let clocks: Vec<String> = events(&report_page(&site))
        .into_iter()
        .map(|(_, c, _)| c)
        .collect();
    assert_eq!(clocks, ["01:50", "03:30"]);
}

#[test]
fn a_front_matter_time_the_clocks_skip_is_an_error_at_its_line() {
    let site = site_in("Europe/Copenhagen");
    site.write(PATH, &report("date: 2024-03-31T02:30\n", "Body\n"));
    let errors = content_errors(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "time-invalid");
    assert_eq!(errors[0].line, 3);
    assert!(errors[0].message.contains("2024-03-31T02:30"));
}

#[test]
fn an_unknown_zone_name_is_an_error_with_the_closest_name() {
    let site = site_in("Europe/Copenhagn");
    let d = match site.build() {
        Err(Error::Config(d)) => d,
        other => panic!("expected configuration errors, got {:?}", other.err()),
    };
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "config-timezone");
    assert_eq!(d[0].line, 1);
    assert_eq!(
        d[0].hint.as_deref(),
        Some("did you mean \"Europe/Copenhagen\"?")
    );

    let site = site_in("UTC");
    site.write(
        PATH,
        &report(
            "timezone: america/new_york\ndate: 2023-07-01 12:00\n",
            "Body\n",
        ),
    );
    let errors = content_errors(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "timezone");
    assert_eq!(errors[0].line, 3);
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("did you mean `America/New_York`?")
    );
}
