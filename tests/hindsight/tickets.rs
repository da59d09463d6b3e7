//! Ticket links: `[tickets]` in `hindsight.toml` maps a tracker's key (or
//! `#`, or `*`) to a URL pattern, and every page and export that shows an
//! action item's ticket, and a report's `links:`, links to the ticket.

use crate::support::{TestSite, hindsight, page, sel};

const CONFIG: &str = "title = \"Acme incidents\"\n\n\
    [tickets]\n\
    OPS = \"https://jira.example.com/browse/{id}\"\n\
    \"#\" = \"https://github.com/acme/infra/issues/{n}\"\n";

/// A library whose report writes tickets in its body's action items, in
/// front matter and in `links:`, mapped and not.
fn library(config: &str) -> TestSite {
    let site = TestSite::empty();
    site.write("hindsight.toml", config);
    site.write(
        "content/2024/queue-stall.md",
        "---\n\
         title: Queue stall\n\
         date: 2024-05-01T10:00:00Z\n\
         severity: SEV2\n\
         services: [queue]\n\
         links:\n\
         \x20 - OPS-9\n\
         \x20 - \"#10\"\n\
         \x20 - url: OPS-11\n\
         \x20   title: The incident ticket\n\
         \x20 - https://status.example.com/incidents/4\n\
         action_items:\n\
         \x20 - text: Alert on queue depth\n\
         \x20   ticket: OPS-30\n\
         \x20 - text: Write the runbook\n\
         \x20   ticket: PAY-31\n\
         ---\n\
         The queue stalled, as OPS-1 reported.\n\n\
         ## Action Items\n\n\
         - [ ] Add a gate @dana (OPS-12), see #4\n\
         - [x] Drain the queue PAY-5\n",
    );
    site
}

fn build(site: &TestSite) -> std::process::Output {
    hindsight(&[
        "build",
        "-q",
        "-r",
        site.root().to_str().unwrap(),
        "-u",
        "https://incidents.example.com/",
    ])
}

/// `hindsight check`'s exit code and its diagnostics, a line each.
fn check(site: &TestSite) -> (Option<i32>, String) {
    let root = site.root().to_str().unwrap();
    let o = hindsight(&["check", "-r", root, "--format", "short"]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `(text, href)` of each element `css` selects.
fn anchors(doc: &scraper::Html, css: &str) -> Vec<(String, String)> {
    doc.select(&sel(css))
        .map(|e| {
            let text: String = e.text().collect();
            let href = e.value().attr("href").unwrap_or_default().to_string();
            (text.trim().to_string(), href)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn every_page_that_shows_a_ticket_links_it() {
    let site = library(CONFIG);
    let o = build(&site);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = site.out();
    let report = page(&out, "postmortems/queue-stall/index.html");

    // The body's action items: tickets with a pattern are links, others
    // text; prose outside the section is left as written.
    assert_eq!(
        anchors(&report, ".prose a.ticket"),
        pairs(&[
            ("OPS-12", "https://jira.example.com/browse/OPS-12"),
            ("#4", "https://github.com/acme/infra/issues/4"),
        ])
    );
    let prose: String = report
        .select(&sel(".prose"))
        .flat_map(|e| e.text())
        .collect();
    assert!(prose.contains("as OPS-1 reported") && prose.contains("PAY-5"));

    // Front matter's items, listed under the body.
    assert_eq!(
        anchors(&report, ".report-actions a.action-ticket"),
        pairs(&[("OPS-30", "https://jira.example.com/browse/OPS-30")])
    );
    assert_eq!(
        anchors(&report, ".report-actions span.action-ticket"),
        pairs(&[("PAY-31", "")])
    );

    // `links:`: a ticket stands for its page, titled by itself unless given
    // a title.
    assert_eq!(
        anchors(&report, ".fact-links a"),
        pairs(&[
            ("OPS-9", "https://jira.example.com/browse/OPS-9"),
            ("#10", "https://github.com/acme/infra/issues/10"),
            (
                "The incident ticket",
                "https://jira.example.com/browse/OPS-11"
            ),
            (
                "status.example.com/incidents/4",
                "https://status.example.com/incidents/4"
            ),
        ])
    );

    // The archive's list of action items.
    let list = page(&out, "action-items/index.html");
    // Each item's tickets are `<code>`, in a link when they have a page.
    assert_eq!(
        anchors(&list, ".action-group li > a:has(> code)"),
        pairs(&[
            ("OPS-30", "https://jira.example.com/browse/OPS-30"),
            ("OPS-12", "https://jira.example.com/browse/OPS-12"),
            ("#4", "https://github.com/acme/infra/issues/4"),
        ])
    );
    assert_eq!(
        anchors(&list, ".action-group li > code").len(),
        2,
        "PAY-31, PAY-5"
    );
}

#[test]
fn the_exports_give_each_ticket_its_url() {
    let site = library(CONFIG);
    assert_eq!(build(&site).status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out().join("action-items.json")).unwrap())
            .unwrap();
    let items = json["reports"][0]["items"].as_array().unwrap();
    let urls: Vec<&serde_json::Value> = items.iter().map(|i| &i["ticket_urls"]).collect();
    assert_eq!(
        urls,
        [
            &serde_json::json!({ "OPS-30": "https://jira.example.com/browse/OPS-30" }),
            &serde_json::Value::Null,
            &serde_json::json!({
                "OPS-12": "https://jira.example.com/browse/OPS-12",
                "#4": "https://github.com/acme/infra/issues/4",
            }),
            &serde_json::Value::Null,
        ],
        "{items:?}"
    );

    let mut reader = csv::Reader::from_path(site.out().join("action-items.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let (t, u) = (
        headers.iter().position(|h| h == "tickets").unwrap(),
        headers.iter().position(|h| h == "ticket_urls").unwrap(),
    );
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[t].to_string(), r[u].to_string())
        })
        .collect();
    assert_eq!(
        rows,
        pairs(&[
            ("OPS-30", "https://jira.example.com/browse/OPS-30"),
            ("PAY-31", ""),
            (
                "OPS-12 #4",
                "https://jira.example.com/browse/OPS-12 https://github.com/acme/infra/issues/4"
            ),
            ("PAY-5", ""),
        ])
    );
}

#[test]
fn a_star_maps_every_key_without_a_pattern_of_its_own() {
    let site = library(&format!(
        "{CONFIG}\"*\" = \"https://tracker.example.com/{{id}}\"\n"
    ));
    assert_eq!(build(&site).status.code(), Some(0));
    let report = page(&site.out(), "postmortems/queue-stall/index.html");
    assert_eq!(
        anchors(&report, ".report-actions a.action-ticket"),
        pairs(&[
            ("OPS-30", "https://jira.example.com/browse/OPS-30"),
            ("PAY-31", "https://tracker.example.com/PAY-31"),
        ])
    );
}

#[test]
fn a_ticket_in_links_without_a_pattern_is_an_error_at_its_line() {
    let site = library("title = \"Acme incidents\"\n");
    let (code, err) = check(&site);
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("is a ticket")).collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("queue-stall.md:7:5"), "{err}");
    assert!(lines[0].contains("no page for OPS"), "{err}");
    assert!(
        lines[1].contains(":8:5") && lines[1].contains("no page for \"#\""),
        "{err}"
    );
}

#[test]
fn a_tickets_table_that_cannot_make_links_is_an_error_naming_its_line() {
    let site = library(
        "title = \"Acme incidents: ops\"\n\n[tickets]\nops = \"https://jira.example.com/browse/{id}\"\n\
         PAY = \"https://pay.example.com/\"\nSEC = \"javascript:alert('{id}')\"\n",
    );
    let (code, err) = check(&site);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("[tickets]")).collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("hindsight.toml:4:1") && l.contains("\"OPS\"")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":5:") && l.contains("neither")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(":6:") && l.contains("http")),
        "{err}"
    );
}

#[test]
fn the_schema_takes_a_ticket_as_a_link_once_tickets_have_pages() {
    for (config, valid) in [(CONFIG, true), ("title = \"Acme incidents\"\n", false)] {
        let site = library(config);
        let o = hindsight(&["schema", "-r", site.root().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0));
        let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let front = serde_json::json!({
            "title": "T", "date": "2024-05-01T10:00:00Z", "severity": "SEV1", "services": ["a"],
            "links": ["OPS-9", "#10", { "url": "OPS-11", "title": "Ticket" }],
        });
        assert_eq!(validator.is_valid(&front), valid, "{config}");
        let url = serde_json::json!({
            "title": "T", "date": "2024-05-01T10:00:00Z", "severity": "SEV1", "services": ["a"],
            "links": ["https://x.example/1"],
        });
        assert!(validator.is_valid(&url));
    }
}
