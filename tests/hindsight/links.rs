//! Links that unfurl and never break: meta tags, short links, aliases,
//! feeds, report JSON, sitemap, robots and the check for vanished reports.

use std::path::Path;

use hindsight::{Error, Options};

use crate::support::{TestSite, page, report_json, sel};

const BASE: &str = "https://incidents.example.com/lib/";

fn build_example(base: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut options = Options::new(Path::new(env!("CARGO_MANIFEST_DIR")));
    options.output = Some(out.clone());
    options.base_url = Some(base.into());
    hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"));
    (tmp, out)
}

/// The `content` of `<meta property|name=key>`.
fn meta(doc: &scraper::Html, key: &str) -> Option<String> {
    doc.select(&sel(&format!(
        "meta[property=\"{key}\"], meta[name=\"{key}\"]"
    )))
    .next()
    .and_then(|m| m.value().attr("content").map(str::to_string))
}

fn site_with(config: &str, files: &[(&str, &str)]) -> TestSite {
    let site = TestSite::empty();
    site.write("hindsight.toml", config);
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

fn report(title: &str, more: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: 2024-01-10T10:00:00Z\nresolved: 2024-01-10T11:00:00Z\nseverity: SEV2\nservices: [api]\n{more}---\nBody.\n"
    )
}

#[test]
fn a_report_page_carries_every_unfurl_tag_under_the_base_url() {
    let (_tmp, out) = build_example(BASE);
    let doc = page(&out, "postmortems/2023-01-17-icreate-deploy/index.html");
    let url = format!("{BASE}postmortems/2023-01-17-icreate-deploy/");
    assert_eq!(meta(&doc, "og:url").as_deref(), Some(url.as_str()));
    let canonical = doc.select(&sel("link[rel=canonical]")).next().unwrap();
    assert_eq!(canonical.value().attr("href"), Some(url.as_str()));
    assert_eq!(meta(&doc, "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta(&doc, "og:title").as_deref(),
        Some("Code deployment error takes iCreate down")
    );
    assert_eq!(
        meta(&doc, "og:site_name").as_deref(),
        Some("Techcreative incident library")
    );
    let description = meta(&doc, "og:description").unwrap();
    assert!(
        description.starts_with("A bad automated deploy crashed"),
        "{description}"
    );
    assert!(description.chars().count() <= 200);
    assert_eq!(meta(&doc, "description"), Some(description));
    assert_eq!(
        meta(&doc, "og:image"),
        Some(format!("{BASE}static/card.png"))
    );
    assert!(out.join("static/card.png").is_file());
    assert_eq!(meta(&doc, "twitter:card").as_deref(), Some("summary"));
    assert_eq!(meta(&doc, "twitter:label1").as_deref(), Some("Severity"));
    assert_eq!(
        meta(&doc, "twitter:data1").as_deref(),
        Some("SEV1 · Critical")
    );
    assert_eq!(meta(&doc, "twitter:label2").as_deref(), Some("Duration"));
    assert_eq!(meta(&doc, "twitter:data2").as_deref(), Some("1 h 15 min"));
    assert_eq!(meta(&doc, "robots").as_deref(), Some("noindex, nofollow"));
    // Every page has its own URL and title.
    let services = page(&out, "services/icreate/index.html");
    assert_eq!(
        meta(&services, "og:url"),
        Some(format!("{BASE}services/icreate/"))
    );
    assert_eq!(meta(&services, "og:type").as_deref(), Some("website"));
}

#[test]
fn the_short_link_leads_to_the_seed_report() {
    let (_tmp, out) = build_example(BASE);
    let doc = page(&out, "i/INC-2023-001/index.html");
    let refresh = doc
        .select(&sel("meta[http-equiv=refresh]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap()
        .to_string();
    let target = refresh.split("url=").nth(1).unwrap();
    assert_eq!(target, "../../postmortems/2023-01-17-icreate-deploy/");
    assert!(
        out.join("i/INC-2023-001")
            .join(target)
            .join("index.html")
            .is_file()
    );
    let link: Vec<&str> = doc
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(link, [target]);
    let canonical = doc.select(&sel("link[rel=canonical]")).next().unwrap();
    assert_eq!(
        canonical.value().attr("href"),
        Some(format!("{BASE}postmortems/2023-01-17-icreate-deploy/").as_str())
    );
}

#[test]
fn feeds_parse_and_list_every_report() {
    let (_tmp, out) = build_example(BASE);
    let all =
        feed_rs::parser::parse(std::fs::read(out.join("atom.xml")).unwrap().as_slice()).unwrap();
    let reports = std::fs::read_dir(out.join("postmortems"))
        .unwrap()
        .filter(|e| {
            let path = e.as_ref().unwrap().path();
            path.join("index.html").is_file()
                && std::fs::read_to_string(path.join("index.html"))
                    .unwrap()
                    .contains("id=\"hindsight-report\"")
        })
        .count();
    assert_eq!(all.entries.len(), reports);
    assert!(all.entries.iter().all(|e| e.id.starts_with(BASE)));
    let seed = all
        .entries
        .iter()
        .find(|e| e.id.ends_with("2023-01-17-icreate-deploy/"))
        .unwrap();
    assert_eq!(
        seed.title.as_ref().unwrap().content,
        "Code deployment error takes iCreate down"
    );
    assert_eq!(
        seed.links[0].href,
        format!("{BASE}postmortems/2023-01-17-icreate-deploy/")
    );
    let service = feed_rs::parser::parse(
        std::fs::read(out.join("services/icreate/atom.xml"))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    let listed = crate::support::texts(
        &page(&out, "services/icreate/index.html"),
        ".report-list > li",
    )
    .len();
    assert_eq!(service.entries.len(), listed);
    let sev1 = feed_rs::parser::parse(
        std::fs::read(out.join("severities/sev1/atom.xml"))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    assert!(
        sev1.entries
            .iter()
            .all(|e| e.categories.iter().any(|c| c.term == "SEV1"))
    );
    assert!(!sev1.entries.is_empty());
}

#[test]
fn a_report_page_of_the_sites_own_template_still_carries_its_json() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/report.html",
        "<!DOCTYPE html><html lang=\"en\"><HEAD><title>{{ title }}</title></HEAD>\n\
         <body><h1>{{ report.title }}</h1></body></html>\n",
    );
    site.build_ok();
    let json = report_json(
        &site.out(),
        "postmortems/2023-01-17-icreate-deploy/index.html",
    );
    assert_eq!(json["title"], "Code deployment error takes iCreate down");
    assert_eq!(json["url"], "postmortems/2023-01-17-icreate-deploy/");
    // The home page is no report: it has none.
    assert_eq!(
        site.page("index.html")
            .select(&sel("script#hindsight-report"))
            .count(),
        0
    );
}

#[test]
fn every_report_has_its_json_and_the_sitemap_lists_it() {
    let (_tmp, out) = build_example(BASE);
    let json = report_json(&out, "postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(json["title"], "Code deployment error takes iCreate down");
    assert_eq!(json["severity"], "SEV1");
    assert_eq!(json["services"][0], "iCreate");
    assert_eq!(json["date"], "2023-01-17T12:30:00+03:00");
    assert_eq!(json["duration"]["human"], "1 h 15 min");
    assert_eq!(json["time_to_detect"]["seconds"], 120);
    assert_eq!(
        json["url"],
        format!("{BASE}postmortems/2023-01-17-icreate-deploy/")
    );
    assert_eq!(json["short_url"], format!("{BASE}i/INC-2023-001/"));
    // Counts; the items are in `action-items.json`, with everyone else's.
    assert_eq!(json["action_items"], 3);
    assert!(json["open_action_items"].as_u64().unwrap() <= 3);
    // A fact the report does not give is left out, not null.
    assert!(json.as_object().unwrap().values().all(|v| !v.is_null()));
    let all: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("action-items.json")).unwrap()).unwrap();
    let reports = all["reports"].as_array().unwrap();
    let mine = reports
        .iter()
        .find(|r| r["report"] == "2023-01-17-icreate-deploy")
        .expect("the seed report's items");
    assert_eq!(
        mine["url"],
        format!("{BASE}postmortems/2023-01-17-icreate-deploy/")
    );
    assert_eq!(mine["items"].as_array().unwrap().len(), 3);
    // An item has what it says: no keys for what it does not.
    assert_eq!(
        mine["items"][0],
        serde_json::json!({
            "text": "Review and revise the deployment process",
            "owner": "deploy-team",
            "tickets": ["ICR-101"],
            // The example's `[tickets]` sends every key to its tracker.
            "ticket_urls": { "ICR-101": "https://jira.example.com/browse/ICR-101" },
            "state": "open",
        })
    );
    // Every item of the archive, and the counts agree with `stats.json`.
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("stats.json")).unwrap()).unwrap();
    let items: usize = reports
        .iter()
        .map(|r| r["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(all["action_items"], items);
    assert_eq!(all["action_items"], stats["overall"]["action_items"]);
    assert_eq!(
        all["open_action_items"],
        stats["overall"]["open_action_items"]
    );
    assert_eq!(
        all["overdue_action_items"],
        stats["overall"]["overdue_action_items"]
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&format!("{BASE}postmortems/2023-01-17-icreate-deploy/").as_str()));
    assert!(locs.contains(&BASE));
    assert!(
        !locs
            .iter()
            .any(|l| l.contains("/i/") || l.ends_with("404.html"))
    );
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Disallow: /"), "{robots}");
}

#[test]
fn a_public_library_may_be_indexed() {
    let site = site_with(
        "title = \"T\"\nbase_url = \"https://x.example/\"\npublic = true\n",
        &[("content/a.md", &report("A", ""))],
    );
    site.build_ok();
    let robots = site.read("public/robots.txt");
    assert!(
        robots.contains("Allow: /") && robots.contains("Sitemap: https://x.example/sitemap.xml"),
        "{robots}"
    );
    let doc = site.page("postmortems/a/index.html");
    assert_eq!(meta(&doc, "robots").as_deref(), Some("index, follow"));
}

#[test]
fn without_a_base_url_what_needs_one_is_left_out_and_said_once() {
    let site = site_with(
        "title = \"T\"\n",
        &[("content/a.md", &report("A", "id: X-1\n"))],
    );
    let summary = site.build_ok();
    assert_eq!(summary.notes.len(), 1);
    assert_eq!(summary.notes[0].code, "no-base-url");
    assert_eq!(summary.notes[0].file, Path::new("hindsight.toml"));
    let doc = site.page("postmortems/a/index.html");
    assert_eq!(meta(&doc, "og:url"), None);
    assert_eq!(meta(&doc, "og:image"), None);
    assert_eq!(meta(&doc, "og:title").as_deref(), Some("A"));
    assert!(!site.out().join("atom.xml").exists());
    assert!(!site.out().join("sitemap.xml").exists());
    assert!(site.out().join("i/X-1/index.html").is_file());
    let json = report_json(&site.out(), "postmortems/a/index.html");
    assert_eq!(json["url"], "postmortems/a/");
}

#[test]
fn aliases_redirect_from_old_paths() {
    let site = site_with(
        "title = \"T\"\n",
        &[(
            "content/new-name.md",
            &report(
                "Renamed",
                "aliases: [/postmortems/old-name/, /2023/outage.html]\n",
            ),
        )],
    );
    site.build_ok();
    let doc = site.page("postmortems/old-name/index.html");
    let link: Vec<&str> = doc
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(link, ["../../postmortems/new-name/"]);
    let doc = site.page("2023/outage.html");
    let link: Vec<&str> = doc
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(link, ["../postmortems/new-name/"]);
}

#[test]
fn aliases_that_collide_or_escape_are_errors_at_their_line() {
    let site = site_with(
        "title = \"T\"\n",
        &[
            (
                "content/a.md",
                &report("A", "aliases: [/services/, /shared/old/, /Tags/]\n"),
            ),
            (
                "content/b.md",
                &report(
                    "B",
                    "id: B-1\naliases: [/SHARED/old/, /i/B-1/, \"../../etc/x\"]\n",
                ),
            ),
        ],
    );
    let Err(Error::Content(d)) = site.build() else {
        panic!("expected errors")
    };
    let found = crate::support::at_lines(&d);
    assert_eq!(
        found,
        [
            "content/b.md:8: alias \"../../etc/x\" cannot be published: an alias may not climb out with `.` or `..`",
        ]
    );
    // Without the escaping one, the collisions are named.
    site.edit("content/b.md", |t| t.replace(", \"../../etc/x\"", ""));
    let Err(Error::Content(d)) = site.build() else {
        panic!("expected errors")
    };
    let found = crate::support::at_lines(&d);
    assert_eq!(
        found,
        [
            "content/a.md:7: alias \"/services/\" would be written at `services/index.html`, where a page of the site already is",
            "content/a.md:7: alias \"/Tags/\" would be written at `Tags/index.html`, where a page of the site already is",
            "content/b.md:8: alias \"/SHARED/old/\" would be written at `SHARED/old/index.html`, where the alias \"/shared/old/\" of `content/a.md` already is",
            "content/b.md:8: alias \"/i/B-1/\" would be written at `i/B-1/index.html`, where the short link of `content/b.md` already is",
        ]
    );
    assert!(!site.out().exists(), "nothing is published");
}

#[test]
fn check_warns_when_a_published_report_would_vanish() {
    let site = site_with(
        "title = \"T\"\n",
        &[
            ("content/a.md", &report("A", "")),
            ("content/b.md", &report("B", "")),
        ],
    );
    site.build_ok();
    std::fs::rename(
        site.root().join("content/b.md"),
        site.root().join("content/b2.md"),
    )
    .unwrap();
    let warnings = hindsight::check(&site.options()).unwrap();
    let vanished: Vec<(String, &str)> = warnings
        .iter()
        .filter(|d| d.code == "vanished-report")
        .map(|d| (d.file.display().to_string(), d.message.as_str()))
        .collect();
    assert_eq!(
        vanished,
        [(
            "public/postmortems/b".to_string(),
            "report `b` is published at postmortems/b/ but has no page or alias in this build: its links would break"
        )]
    );
    // An alias keeps the old URL: no warning.
    site.edit("content/b2.md", |t| {
        t.replace(
            "services: [api]\n",
            "services: [api]\naliases: [/postmortems/b/]\n",
        )
    });
    let warnings = hindsight::check(&site.options()).unwrap();
    assert!(
        warnings.iter().all(|d| d.code != "vanished-report"),
        "{warnings:?}"
    );
    let summary = site.build_ok();
    assert!(summary.warnings.iter().all(|d| d.code != "vanished-report"));
    assert!(
        site.out().join("postmortems/b/index.html").is_file(),
        "the old URL redirects"
    );
}

#[test]
fn the_tables_of_terms_unfurl_with_the_name_of_one_term() {
    let (_tmp, out) = build_example(BASE);
    for (dir, one) in [
        ("services", "service"),
        ("severities", "severity"),
        ("tags", "tag"),
    ] {
        let doc = page(&out, &format!("{dir}/index.html"));
        let description = meta(&doc, "description").unwrap_or_default();
        assert!(
            description.starts_with("Postmortems of ")
                && description.ends_with(&format!(" by {one}.")),
            "{dir}: {description}"
        );
        assert_eq!(meta(&doc, "og:description"), Some(description));
    }
}

#[test]
fn without_a_configuration_the_base_url_note_does_not_name_one() {
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", ""));
    assert!(!site.root().join("hindsight.toml").exists());
    let summary = site.build_ok();
    assert_eq!(summary.notes.len(), 1);
    let note = &summary.notes[0];
    assert_eq!(note.code, "no-base-url");
    assert_ne!(note.file, Path::new("hindsight.toml"));
    assert!(
        note.file.is_dir(),
        "the site folder: {}",
        note.file.display()
    );
    assert!(
        note.message.contains("no hindsight.toml"),
        "{}",
        note.message
    );
    assert!(note.hint.as_deref().unwrap().contains("--base-url"));
}
