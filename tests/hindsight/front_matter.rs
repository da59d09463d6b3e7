//! Front matter as people write it: keys that look meant as ours are
//! warned of, and `links:` reach the report page and its JSON.

use crate::support::{TestSite, content_errors, report_json, sel, texts};

const HEAD: &str =
    "---\ntitle: Checkout down\ndate: 2023-03-01T10:00:00Z\nseverity: SEV2\nservices: [api]\n";

fn one_report(front: &str) -> TestSite {
    let site = TestSite::empty();
    site.write(
        "content/2023-03-01-checkout.md",
        &format!("{HEAD}{front}---\nBody.\n"),
    );
    site
}

#[test]
fn misspelt_and_foreign_keys_are_warnings_at_their_line_naming_our_key() {
    let site = one_report("severty: SEV1\nend_time: 2023-03-01T11:00:00Z\ncustomer_tier: gold\n");
    let summary = site.build_ok();
    let got: Vec<(usize, &str, Option<&str>)> = summary
        .warnings
        .iter()
        .filter(|d| d.code == "unknown-key")
        .map(|d| (d.line, d.message.as_str(), d.hint.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                6,
                "unknown key `severty` is not read",
                Some("did you mean `severity`?")
            ),
            (
                7,
                "`end_time` is not read; Hindsight's key for when the incident ended is `resolved`",
                Some("rename it to `resolved`")
            ),
        ]
    );
    // `end_time` is not taken for `resolved`.
    let json = report_json(&site.out(), "postmortems/2023-03-01-checkout/index.html");
    assert_eq!(json["resolved"], serde_json::Value::Null);
}

#[test]
fn a_missing_date_names_the_key_the_report_has_instead() {
    let site = TestSite::empty();
    site.write(
        "content/2023-03-01-checkout.md",
        "---\ntitle: Checkout down\nstart_time: 2023-03-01T10:00:00Z\nseverity: SEV2\nservices: [api]\n---\nBody.\n",
    );
    let errors = content_errors(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "missing-field");
    assert_eq!(errors[0].message, "missing required field `date`");
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("this report has `start_time`: rename it to `date`")
    );
}

#[test]
fn links_are_listed_on_the_report_page_escaped_and_in_its_json() {
    let site = one_report(concat!(
        "links:\n",
        "  - https://tickets.example.com/INC-12/?view=full\n",
        "  - title: \"<b>War room</b> & co\"\n",
        "    url: \"https://chat.example.com/c?a=1&b=\\\"2\\\"\"\n",
        "  - mailto:sre@example.com\n",
    ));
    site.build_ok();
    let page = site.page("postmortems/2023-03-01-checkout/index.html");
    let anchors: Vec<(String, String)> = page
        .select(&sel(".facts .link-list li a"))
        .map(|a| {
            (
                a.value().attr("href").unwrap_or_default().to_string(),
                a.text().collect::<String>(),
            )
        })
        .collect();
    assert_eq!(
        anchors,
        [
            (
                "https://tickets.example.com/INC-12/?view=full".to_string(),
                "tickets.example.com/INC-12".to_string()
            ),
            (
                "https://chat.example.com/c?a=1&b=\"2\"".to_string(),
                "<b>War room</b> & co".to_string()
            ),
            (
                "mailto:sre@example.com".to_string(),
                "sre@example.com".to_string()
            ),
        ]
    );
    assert!(
        page.select(&sel(".link-list b")).next().is_none(),
        "a title is text"
    );
    assert_eq!(texts(&page, ".fact-links dt"), ["Links"]);

    let json = report_json(&site.out(), "postmortems/2023-03-01-checkout/index.html");
    assert_eq!(
        json["links"],
        serde_json::json!([
            { "title": "tickets.example.com/INC-12", "url": "https://tickets.example.com/INC-12/?view=full" },
            { "title": "<b>War room</b> & co", "url": "https://chat.example.com/c?a=1&b=\"2\"" },
            { "title": "sre@example.com", "url": "mailto:sre@example.com" },
        ])
    );
}

#[test]
fn a_report_without_links_shows_no_links() {
    let site = one_report("");
    site.build_ok();
    let page = site.page("postmortems/2023-03-01-checkout/index.html");
    assert!(page.select(&sel(".fact-links")).next().is_none());
    let json = report_json(&site.out(), "postmortems/2023-03-01-checkout/index.html");
    assert!(json.get("links").is_none());
}

#[test]
fn a_script_link_is_refused_at_its_line() {
    let site = one_report(
        "links:\n  - https://example.com\n  - title: Run me\n    url: JavaScript:alert(1)\n",
    );
    let errors = content_errors(&site);
    let got: Vec<(&str, usize, usize)> =
        errors.iter().map(|d| (d.code, d.line, d.column)).collect();
    assert_eq!(got, [("invalid-link", 9, 10)]);
    assert_eq!(
        errors[0].message,
        "link \"JavaScript:alert(1)\" is not an http(s) or mailto URL"
    );
}

#[test]
fn a_name_typed_composed_or_decomposed_is_one_service_and_one_tag() {
    let site = TestSite::empty();
    let composed = "Caf\u{e9}";
    let decomposed = "Cafe\u{301}";
    for (slug, name) in [("a", composed), ("b", decomposed)] {
        site.write(
            &format!("content/{slug}.md"),
            &format!(
                "---\ntitle: \"{slug}\"\ndate: 2023-03-0{}T10:00:00Z\nseverity: SEV2\n\
                 services: [\"{name}\"]\ntags: [\"{name} cr\u{e8}me\", \"{}\"]\n---\nBody.\n",
                if slug == "a" { 1 } else { 2 },
                if slug == "a" {
                    "cr\u{e8}me"
                } else {
                    "cre\u{300}me"
                },
            ),
        );
    }
    site.build_ok();
    let services: Vec<String> = std::fs::read_dir(site.out().join("services"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    // One page for both spellings, at the composed name.
    assert_eq!(services, ["caf\u{e9}"]);
    let page = site.page("services/caf\u{e9}/index.html");
    assert_eq!(texts(&page, "h1"), [format!("Service: {composed}")]);
    assert_eq!(page.select(&sel(".report-list > li")).count(), 2);
    let tags = site.page("tags/cr\u{e8}me/index.html");
    assert_eq!(tags.select(&sel(".report-list > li")).count(), 2);
}
