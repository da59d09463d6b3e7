//! What the archive teaches: durations, timelines, action items, metrics,
//! charts, similar incidents and `stats.json`.

use std::path::Path;

use chrono::NaiveDate;
use hindsight::{Error, Options};
use serde_json::Value;

use crate::support::{TestSite, broken_links, hrefs, page, sel, texts};

fn build_example() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut options = Options::new(Path::new(env!("CARGO_MANIFEST_DIR")));
    options.output = Some(out.clone());
    options.today = NaiveDate::from_ymd_opt(2026, 1, 27);
    hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"));
    (tmp, out)
}

/// A report with the given extra front matter and body.
fn report(title: &str, date: &str, more: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nseverity: SEV2\nservices: [api]\n{more}---\n{body}"
    )
}

fn site_with(files: &[(&str, String)]) -> TestSite {
    let site = TestSite::empty();
    site.write("hindsight.toml", "title = \"Test\"\n");
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

fn build_on(site: &TestSite, today: (i32, u32, u32)) -> hindsight::Summary {
    let mut options = site.options();
    options.today = NaiveDate::from_ymd_opt(today.0, today.1, today.2);
    hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"))
}

fn attr_count(doc: &scraper::Html, css: &str) -> usize {
    doc.select(&sel(css)).count()
}

#[test]
fn the_seed_report_shows_its_durations_and_an_accessible_svg_timeline() {
    let (_tmp, out) = build_example();
    let doc = page(&out, "postmortems/2023-01-17-icreate-deploy/index.html");
    let facts = texts(&doc, ".facts dl > div");
    assert!(
        facts.contains(&"Total duration 1 h 15 min".into()),
        "{facts:?}"
    );
    assert!(facts.contains(&"Time to detect 2 min".into()), "{facts:?}");
    assert!(facts.contains(&"Time to mitigate 1 h".into()), "{facts:?}");

    let svg = doc
        .select(&sel("figure.timeline-figure svg"))
        .next()
        .expect("a timeline SVG");
    // A group, not an image: its dots are links to the timeline's rows.
    assert_eq!(svg.value().attr("role"), Some("group"));
    let labelled: Vec<&str> = svg
        .value()
        .attr("aria-labelledby")
        .unwrap()
        .split(' ')
        .collect();
    assert_eq!(labelled.len(), 2);
    // Named for what it is; the page it is on says whose.
    assert_eq!(
        texts(&doc, &format!("svg title#{}", labelled[0])),
        ["Incident timeline"]
    );
    let desc = &texts(&doc, &format!("svg desc#{}", labelled[1]))[0];
    assert!(
        desc.contains("detected at 12:32 (2 min after the start)"),
        "{desc}"
    );
    assert!(
        desc.contains("resolved at 13:45 (1 h 15 min after the start)"),
        "{desc}"
    );
    assert!(desc.contains("7 timeline events"), "{desc}");

    // Each row of the Timeline table has an anchor, and each dot of the
    // chart links to its row.
    let anchors: Vec<String> = doc
        .select(&sel(".prose td[id]"))
        .map(|td| td.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(
        anchors,
        [
            "t-12-20-pm",
            "t-12-30-pm",
            "t-12-32-pm",
            "t-12-45-pm",
            "t-1-10-pm",
            "t-1-30-pm",
            "t-1-45-pm"
        ]
    );
    let dots: Vec<String> = doc
        .select(&sel("svg .events"))
        .next()
        .and_then(|g| g.value().attr("data-rows"))
        .unwrap_or_default()
        .split(' ')
        .map(String::from)
        .collect();
    assert_eq!(dots, anchors);
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

#[test]
fn action_items_lists_every_item_of_the_example_archive() {
    let (_tmp, out) = build_example();
    // Counted from the sources: task items (all of the example's are under
    // Action Items headings) and `action_items:` entries.
    let (mut open, mut done) = (0, 0);
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if text.contains("\nstatus: draft") {
            continue;
        }
        open += text.matches("\n- [ ] ").count();
        done += text.matches("\n- [x] ").count();
        if let Some(front) = text
            .split("\n---\n")
            .next()
            .and_then(|f| f.split("action_items:").nth(1))
        {
            let entries = front.matches("\n  - text:").count();
            let closed =
                front.matches("status: done").count() + front.matches("status: wontfix").count();
            open += entries - closed;
            done += closed;
        }
    }
    assert!(open > 10 && done > 10, "{open} open, {done} done");
    let doc = page(&out, "action-items/index.html");
    assert_eq!(
        attr_count(&doc, ".action-group > ul > li[data-action-state=open]"),
        open
    );
    assert_eq!(
        attr_count(&doc, ".action-group > ul > li[data-action-state=done]"),
        done
    );
    // A group per report: the reports with overdue items first, then
    // those with open ones, then the rest; in a group, open items first.
    let groups: Vec<Vec<(String, bool)>> = doc
        .select(&sel(".action-group"))
        .map(|g| {
            g.select(&sel(":scope > ul > li"))
                .map(|li| {
                    let v = li.value();
                    (
                        v.attr("data-action-state").unwrap().to_string(),
                        v.attr("data-overdue") == Some("true"),
                    )
                })
                .collect()
        })
        .collect();
    let reports: Vec<String> = doc
        .select(&sel(".action-group > p > a:not(.sev)"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let mut unique = reports.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), reports.len(), "one group per report");
    for items in &groups {
        let states: Vec<&str> = items.iter().map(|(s, _)| s.as_str()).collect();
        assert!(
            states
                .windows(2)
                .all(|w| !(w[0] == "done" && w[1] == "open")),
            "{states:?}"
        );
        let overdue: Vec<bool> = items.iter().map(|(_, o)| *o).collect();
        assert!(overdue.windows(2).all(|w| w[0] || !w[1]), "{overdue:?}");
    }
    let rank = |items: &Vec<(String, bool)>| match &items[0] {
        (_, true) => 0,
        (s, false) if s == "open" => 1,
        _ => 2,
    };
    let ranks: Vec<u8> = groups.iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert!(ranks.iter().filter(|&&r| r == 0).count() >= 1, "{ranks:?}");
    assert!(ranks.contains(&1), "{ranks:?}");
    // Front-matter items show with their fields, the won't-fix one closed.
    let wontfix: Vec<String> = texts(&doc, ".action-group > ul > li[data-action-state=done] > b")
        .into_iter()
        .filter(|s| s != "Done")
        .collect();
    assert_eq!(wontfix, ["Won't fix"]);
    let owners = texts(&doc, ".owner-list li");
    assert!(owners.iter().any(|o| o.starts_with("@priya")), "{owners:?}");
}

#[test]
fn charts_are_drawn_on_the_home_page_and_service_pages() {
    let (_tmp, out) = build_example();
    let home = page(&out, "index.html");
    let bars = home
        .select(&sel("svg.chart-bars"))
        .next()
        .expect("monthly chart");
    let segments = bars.select(&sel(".segment")).count();
    assert!(segments > 5, "{segments} bar segments");
    assert_eq!(home.select(&sel("svg.chart-trend")).count(), 1);
    let service = page(&out, "services/icreate/index.html");
    let chart = service
        .select(&sel("svg.chart-bars"))
        .next()
        .expect("service chart");
    // One segment titled per month with incidents of the service; the
    // service's reports in the last 24 months of the archive.
    let titles: Vec<String> = chart
        .select(&sel(".segment title"))
        .map(|t| t.text().collect())
        .collect();
    assert!(!titles.is_empty());
    assert!(titles.iter().all(|t| t.contains("SEV")), "{titles:?}");
}

#[test]
fn stats_json_agrees_with_the_content() {
    let (_tmp, out) = build_example();
    let stats: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stats.json")).unwrap()).unwrap();
    let reports = stats["reports"].as_u64().unwrap();
    let home = page(&out, "index.html");
    let count: u64 = texts(&home, ".stats .stat-value")[0].parse().unwrap();
    assert_eq!(reports, count);
    let by_severity: u64 = stats["severities"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_severity, reports);
    let by_year: u64 = stats["years"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_year, reports);
    let actions = page(&out, "action-items/index.html");
    assert_eq!(
        stats["overall"]["action_items"].as_u64().unwrap() as usize,
        attr_count(&actions, ".action-group > ul > li")
    );
    assert_eq!(stats["services"]["icreate"]["name"], "iCreate");
    assert_eq!(
        stats["services"]["icreate"]["count"].as_u64().unwrap() as usize,
        texts(
            &page(&out, "services/icreate/index.html"),
            ".report-list > li"
        )
        .len()
    );
}

#[test]
fn metrics_follow_their_definitions() {
    let site = site_with(&[
        (
            "content/a.md",
            report(
                "A",
                "2024-01-10T10:00:00Z",
                "detected: 2024-01-10T10:02:00Z\nresolved: 2024-01-10T10:30:00Z\ntags: [db]\n",
                "",
            ),
        ),
        (
            "content/b.md",
            report(
                "B",
                "2024-02-10T10:00:00Z",
                "detected: 2024-02-10T10:10:00Z\nresolved: 2024-02-10T11:00:00Z\ntags: [db]\n",
                "",
            ),
        ),
        (
            "content/c.md",
            report(
                "C",
                "2024-03-10T10:00:00Z",
                "resolved: 2024-03-10T13:00:00Z\n",
                "## Action Items\n\n- [ ] Fix it @sam due:2024-03-01\n- [x] Done one\n",
            ),
        ),
        (
            "content/d.md",
            report("D", "2023-12-10T10:00:00+02:00", "", ""),
        ),
    ]);
    build_on(&site, (2024, 6, 1));
    let stats: Value = serde_json::from_str(&site.read("public/stats.json")).unwrap();
    let all = &stats["overall"];
    assert_eq!(all["count"], 4);
    assert_eq!(all["resolved"], 3);
    assert_eq!(all["median_duration"]["seconds"], 3600);
    assert_eq!(all["median_duration"]["human"], "1 h");
    assert_eq!(all["p90_duration"]["seconds"], 3 * 3600);
    assert_eq!(
        all["median_detect"]["seconds"],
        6 * 60,
        "the mean of 2 and 10 minutes"
    );
    assert_eq!(all["total_impact"]["seconds"], (30 + 60 + 180) * 60);
    assert_eq!(
        (
            all["action_items"].as_u64(),
            all["open_action_items"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(all["overdue_action_items"], 1);
    assert_eq!(stats["tags"]["db"]["count"], 2);
    assert_eq!(stats["tags"]["db"]["median_duration"]["human"], "45 min");
    assert_eq!(stats["years"]["2023"]["count"], 1);
    assert_eq!(stats["years"]["2023"]["median_duration"], Value::Null);
    // The same figures on the pages.
    let tags = site.page("tags/index.html");
    let row = texts(&tags, "table.terms tbody tr");
    assert!(
        row[0].starts_with("db 2 45 min 1 h 6 min 1 h 30 min 0"),
        "{row:?}"
    );
    let year = site.page("years/2024/index.html");
    let facts = texts(&year, ".metric-facts > div");
    assert!(facts.contains(&"Median duration 1 h".into()), "{facts:?}");
    assert!(
        facts.contains(&"Open action items 1 (1 overdue)".into()),
        "{facts:?}"
    );
    // Sortable service list: every metric column carries its sort value.
    let services = site.page("services/index.html");
    assert!(services.select(&sel("table.sortable")).next().is_some());
    let values: Vec<&str> = services
        .select(&sel("tbody td[data-value]"))
        .map(|td| td.value().attr("data-value").unwrap())
        .collect();
    assert_eq!(values, ["4", "3600", "10800", "360", "16200", "1"]);
}

#[test]
fn overdue_is_measured_against_the_build_date() {
    let site = site_with(&[(
        "content/a.md",
        report(
            "A",
            "2024-01-10T10:00:00Z",
            "action_items:\n  - text: Rotate keys\n    due: 2024-03-01\n",
            "## Follow-ups\n\n- [ ] Add alert @ana OPS-1 due:2024-02-01\n- [x] Old one due:2020-01-01\n",
        ),
    )]);
    build_on(&site, (2024, 2, 15));
    let doc = site.page("action-items/index.html");
    let overdue = item_texts(&doc, "[data-overdue=true]");
    assert_eq!(overdue, ["Add alert"]);
    build_on(&site, (2024, 3, 2));
    let doc = site.page("action-items/index.html");
    assert_eq!(
        item_texts(&doc, "[data-overdue=true]"),
        ["Add alert", "Rotate keys"]
    );
    // The export says the same, and against which date.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out().join("action-items.json")).unwrap())
            .unwrap();
    assert_eq!(json["date"], "2024-03-02");
    assert_eq!(json["overdue_action_items"], 2);
    let overdue: Vec<&str> = json["reports"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["overdue"] == true)
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["Rotate keys", "Add alert"]);
    // The report shows its front-matter items; the body's are marked in place.
    let report = site.page("postmortems/a/index.html");
    assert_eq!(
        texts(&report, ".report-actions .action-text"),
        ["Rotate keys"]
    );
    assert_eq!(attr_count(&report, ".prose li[data-action-state=open]"), 1);
    assert_eq!(attr_count(&report, ".prose li[data-action-state=done]"), 1);
    assert_eq!(
        texts(&report, ".prose li[data-action-state] .action-text").len(),
        0
    );
}

#[test]
fn action_item_text_is_escaped_everywhere() {
    let site = site_with(&[(
        "content/a.md",
        report(
            "A",
            "2024-01-10T10:00:00Z",
            "action_items:\n  - text: \"<img src=x onerror=alert(1)> fix\"\n    owner: \"<b>o</b>\"\n    priority: \"\\\"><script>x</script>\"\n",
            "## Action Items\n\n- [ ] `<script>alert(1)</script>` & co @\"x\n",
        ),
    )]);
    build_on(&site, (2024, 2, 1));
    for page in [
        "action-items/index.html",
        "postmortems/a/index.html",
        "index.html",
    ] {
        let doc = site.page(page);
        assert_eq!(
            doc.select(&sel("main script, main img")).count(),
            0,
            "{page}"
        );
        // The only bold is the pages' own: the states of the list's items.
        let bold = texts(&doc, "main b");
        assert!(
            bold.iter()
                .all(|b| ["Open", "Done", "Overdue", "Won't fix"].contains(&b.as_str())),
            "{page}: {bold:?}"
        );
    }
    let doc = site.page("action-items/index.html");
    let texts = item_texts(&doc, "");
    assert!(
        texts.contains(&"<img src=x onerror=alert(1)> fix".to_string()),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"<script>alert(1)</script> & co".to_string()),
        "{texts:?}"
    );
    let owners = crate::support::texts(&doc, ".action-group > ul > li > .action-owner");
    assert!(owners.contains(&"@\"x".to_string()), "{owners:?}");
    assert!(owners.contains(&"@<b>o</b>".to_string()), "{owners:?}");
}

#[test]
fn source_date_epoch_sets_the_build_date_of_the_binary() {
    let site = site_with(&[(
        "content/a.md",
        report(
            "A",
            "2024-01-10T10:00:00Z",
            "",
            "## Action Items\n\n- [ ] Add alert due:2024-02-01\n",
        ),
    )]);
    let build = |epoch: &str| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
            .args(["build", "--root"])
            .arg(site.root())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let doc = site.page("action-items/index.html");
        attr_count(&doc, ".action-group > ul > li[data-overdue=true]")
    };
    assert_eq!(build("1704067200"), 0, "2024-01-01");
    assert_eq!(build("1717200000"), 1, "2024-06-01");
}

#[test]
fn out_of_order_timeline_rows_are_warnings_at_their_line() {
    let body = "\n## Timeline\n\n| Time | Event |\n|---|---|\n| 23:50 | Deploy |\n| 00:10 | Outage begins |\n| 00:05 | Paged |\n| 00:30 | Fixed |\n";
    let site = site_with(&[(
        "content/a.md",
        report(
            "A",
            "2024-01-11T00:10:00+01:00",
            "resolved: 2024-01-11T00:30:00+01:00\n",
            body,
        ),
    )]);
    let summary = build_on(&site, (2024, 6, 1));
    let warnings = crate::support::at_lines(&summary.warnings);
    assert_eq!(
        warnings,
        ["content/a.md:15: timeline row `00:05` is earlier than the row before it (`00:10`)"]
    );
    // The row before midnight is the day before; the chart spans it.
    let doc = site.page("postmortems/a/index.html");
    let desc = texts(&doc, "svg.chart-timeline desc")[0].clone();
    assert!(desc.contains("4 timeline events"), "{desc}");
    let labels = texts(&doc, "svg.chart-timeline .label text").join(" ");
    assert!(
        labels.contains("23:50") || labels.contains("00:00"),
        "{labels}"
    );
}

#[test]
fn bad_action_items_in_front_matter_are_errors_naming_file_and_line() {
    let site = site_with(&[(
        "content/a.md",
        report(
            "A",
            "2024-01-10T10:00:00Z",
            "action_items:\n  - text: Fix\n    type: prevnet\n    due: soon\n",
            "",
        ),
    )]);
    let Err(Error::Content(d)) = site.build() else {
        panic!("expected content errors")
    };
    let found = crate::support::at_lines(&d);
    assert_eq!(
        found,
        [
            "content/a.md:8: unknown action item type \"prevnet\"",
            "content/a.md:9: `due` of an action item is not a date: \"soon\"",
        ]
    );
}

#[test]
fn similar_incidents_share_a_service_and_a_tag() {
    let site = site_with(&[
        (
            "content/old.md",
            report("Old", "2023-01-10T10:00:00Z", "tags: [dns, deploy]\n", ""),
        ),
        (
            "content/other-tag.md",
            report("Other tag", "2023-06-10T10:00:00Z", "tags: [disk]\n", ""),
        ),
        (
            "content/new.md",
            report("New", "2024-01-10T10:00:00Z", "tags: [dns]\n", ""),
        ),
        (
            "content/newest.md",
            report("Newest", "2024-05-10T10:00:00Z", "tags: [dns]\n", ""),
        ),
    ]);
    build_on(&site, (2024, 6, 1));
    let newest = site.page("postmortems/newest/index.html");
    assert_eq!(
        hrefs(&newest, ".similar .report-list > li > div > a:first-child"),
        ["../new/", "../old/"]
    );
    // With all shown, no count and no search.
    assert!(texts(&newest, ".similar p.muted")[0].starts_with("Earlier postmortems"));
    assert!(hrefs(&newest, ".similar p.muted a").is_empty());
    let old = site.page("postmortems/old/index.html");
    assert!(
        old.select(&sel(".similar")).next().is_none(),
        "nothing came before"
    );
}

/// Past three, "This happened before" shows the newest three, says how
/// many there are, and links to a search for the service and tag most of
/// them share.
#[test]
fn many_similar_incidents_are_counted_and_searched() {
    let mut files: Vec<(String, String)> = (1..=6)
        .map(|d| {
            (
                format!("content/dns-{d}.md"),
                report(
                    &format!("DNS {d}"),
                    &format!("2024-0{d}-10T10:00:00Z"),
                    // The first is in both of the latest's pairs:
                    // counted once.
                    if d == 1 {
                        "tags: [DNS Drift, deploy]\n"
                    } else {
                        "tags: [DNS Drift]\n"
                    },
                    "",
                ),
            )
        })
        .collect();
    files.push((
        "content/deploy.md".into(),
        report("Deploy", "2024-01-20T10:00:00Z", "tags: [deploy]\n", ""),
    ));
    files.push((
        "content/latest.md".into(),
        report(
            "Latest",
            "2024-08-10T10:00:00Z",
            "tags: [DNS Drift, deploy]\n",
            "",
        ),
    ));
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let site = site_with(&files);
    build_on(&site, (2024, 9, 1));
    let latest = site.page("postmortems/latest/index.html");
    assert_eq!(
        texts(&latest, ".similar .report-list > li > div > a:first-child"),
        ["DNS 6", "DNS 5", "DNS 4"]
    );
    let lead = texts(&latest, ".similar p.muted")[0].clone();
    assert!(
        lead.starts_with("The latest 3 of 7 earlier postmortems"),
        "{lead}"
    );
    assert!(
        lead.contains("search every one on api tagged DNS Drift"),
        "{lead}"
    );
    assert_eq!(
        hrefs(&latest, ".similar p.muted a"),
        ["../../search/?service=api&tag=dns-drift"]
    );
}

/// "This happened before", the archive (every report, each year) and a
/// severity's pages list reports briefly (badge, title, date, duration); a
/// service's and a tag's first page shows each one's services and summary
/// too, and their older pages list briefly.
#[test]
fn short_lists_show_reports_briefly_and_the_others_in_full() {
    let with = |title: &str, day: &str| {
        let more = format!("tags: [dns]\nresolved: {day}T11:15:00Z\nsummary: \"DNS failed.\"\n");
        report(title, &format!("{day}T10:00:00Z"), &more, "")
    };
    let site = site_with(&[
        ("content/new.md", with("New", "2024-01-10")),
        ("content/newest.md", with("Newest", "2024-05-10")),
    ]);
    build_on(&site, (2024, 6, 1));
    // The last row of a list in `within`, parsed on its own, and whether
    // its list is a brief one.
    let row = |page: &str, within: &str| {
        let doc = site.page(page);
        let list = doc
            .select(&sel(&format!("{within} ul.report-list")))
            .next_back()
            .unwrap_or_else(|| panic!("{page}: no list in {within}"));
        let brief = list.value().classes().any(|c| c == "brief");
        let row = list
            .select(&sel(":scope > li"))
            .last()
            .unwrap_or_else(|| panic!("{page}: no row in {within}"))
            .html();
        (scraper::Html::parse_fragment(&row), brief)
    };
    for (page, list) in [
        ("postmortems/newest/index.html", ".similar"),
        ("postmortems/index.html", "main"),
        ("years/2024/index.html", "main"),
        ("severities/sev2/index.html", "main"),
    ] {
        let (brief, is_brief) = row(page, list);
        assert!(is_brief, "{page}");
        assert_eq!(texts(&brief, "li > div > a:first-child"), ["New"], "{page}");
        assert_eq!(texts(&brief, "time"), ["2024-01-10"], "{page}");
        assert_eq!(texts(&brief, ".dur"), ["1 h 15 min"], "{page}");
        // No summary, no services: the title and one line of facts.
        assert!(texts(&brief, "li > div > p + p").is_empty(), "{page}");
        assert!(texts(&brief, "li > div > a + p > a").is_empty(), "{page}");
    }
    for page in ["services/api/index.html", "tags/dns/index.html"] {
        let (full, is_brief) = row(page, "main");
        assert!(!is_brief, "{page}");
        assert_eq!(texts(&full, "li > div > p + p"), ["DNS failed."], "{page}");
        assert_eq!(texts(&full, "li > div > a + p > a"), ["api"], "{page}");
    }

    // A report a page: the newest on the first, in full; the older one on
    // the second page, briefly.
    site.write("hindsight.toml", "title = \"Test\"\npage_size = 1\n");
    build_on(&site, (2024, 6, 1));
    for list in ["services/api", "tags/dns"] {
        let (first, is_brief) = row(&format!("{list}/index.html"), "main");
        assert!(!is_brief, "{list}");
        assert_eq!(texts(&first, "li > div > a:first-child"), ["Newest"]);
        assert_eq!(texts(&first, "li > div > p + p"), ["DNS failed."]);
        let (older, is_brief) = row(&format!("{list}/page/2/index.html"), "main");
        assert!(is_brief, "{list}");
        assert_eq!(texts(&older, "li > div > a:first-child"), ["New"]);
        assert!(texts(&older, "li > div > p + p").is_empty(), "{list}");
    }
}

#[test]
fn on_this_day_lists_earlier_years_incidents_of_the_build_date() {
    let site = site_with(&[
        (
            "content/a.md",
            report("Two years ago", "2022-03-09T23:30:00-05:00", "", ""),
        ),
        (
            "content/b.md",
            report("Another day", "2023-03-10T10:00:00Z", "", ""),
        ),
        (
            "content/c.md",
            report("This year", "2024-03-09T08:00:00Z", "", ""),
        ),
    ]);
    build_on(&site, (2024, 3, 9));
    let home = site.page("index.html");
    let items = texts(&home, "#on-this-day + ul li a");
    assert_eq!(items, ["Two years ago"], "in the report's own offset");
}

#[test]
fn a_body_due_that_is_not_a_date_warns_at_its_item() {
    let site = TestSite::empty();
    site.write("hindsight.toml", "title = \"T\"\n");
    site.write(
        "content/r.md",
        "---\ntitle: \"R\"\ndate: 2024-01-10T10:00:00Z\nseverity: SEV2\nservices: [api]\n---\n## Action Items\n\n- [ ] Add an alert due:2024-02-01\n- [ ] Rotate the keys due:soon @ops\n",
    );
    let summary = site.build_ok();
    let warned: Vec<String> = summary
        .warnings
        .iter()
        .filter(|d| d.code == "due-date")
        .map(|d| format!("{}:{}: {}", d.file.display(), d.line, d.message))
        .collect();
    assert_eq!(
        warned,
        ["content/r.md:10: `due:soon` is not a due date, so the action item has none"]
    );
}

/// The texts of the items on an action-item page that match `filter` (an
/// attribute selector, or nothing): each item's own words, without its
/// state, owner and tickets.
fn item_texts(doc: &scraper::Html, filter: &str) -> Vec<String> {
    doc.select(&sel(&format!(".action-group > ul > li{filter}")))
        .map(|li| {
            li.children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}
