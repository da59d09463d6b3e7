//! Real postmortems read right: a body's own title is not shown twice and
//! its sections make the table of contents, Markdown in a summary renders
//! inline on pages and as plain text elsewhere, measures without data say
//! so, and files nobody links to are reported.

use crate::support::{TestSite, sel, texts};

fn report(site: &TestSite, slug: &str, front: &str, body: &str) {
    site.write(
        &format!("content/2023/{slug}.md"),
        &format!(
            "---\ntitle: \"Postmortem: The Case of the Phantom p\"\ndate: 2023-05-01T10:00:00Z\nseverity: SEV2\nservices: [api]\n{front}---\n\n{body}"
        ),
    );
}

#[test]
fn a_body_that_repeats_its_title_shows_it_once_and_lists_its_sections() {
    let site = TestSite::empty();
    report(
        &site,
        "2023-05-01-phantom",
        "",
        "# Postmortem: the case of the phantom \"p\"\n\n## Incident Overview\n\nIt broke.\n\n## Root Cause\n\nA typo.\n\n### Detail\n\nIn a file.\n\n## Resolution\n\nFixed.\n",
    );
    // An author who starts at `###` gets the same contents.
    report(
        &site,
        "2023-05-02-deep",
        "",
        "### Postmortem: The Case of the Phantom p\n\n#### Issue Summary\n\nIt broke.\n\n#### Timeline\n\nThen.\n\n#### Root Cause\n\nA typo.\n",
    );
    site.build_ok();
    let doc = site.page("postmortems/2023-05-01-phantom/index.html");
    assert_eq!(doc.select(&sel("h1")).count(), 1);
    assert_eq!(
        texts(&doc, ".prose h2")
            .iter()
            .map(|t| t.trim_end_matches('#').trim().to_string())
            .collect::<Vec<_>>(),
        ["Incident Overview", "Root Cause", "Resolution"]
    );
    assert_eq!(
        texts(&doc, "nav.toc li a"),
        ["Incident Overview", "Root Cause", "Resolution"]
    );
    let deep = site.page("postmortems/2023-05-02-deep/index.html");
    assert_eq!(
        texts(&deep, "nav.toc li a"),
        ["Issue Summary", "Timeline", "Root Cause"]
    );
    assert!(
        texts(&deep, ".prose h3, .prose h4")
            .iter()
            .all(|t| !t.contains("Phantom")),
        "the title twice"
    );
}

#[test]
fn markdown_in_a_summary_is_inline_on_pages_and_plain_text_elsewhere() {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        "base_url = \"https://incidents.example.com/\"\n",
    );
    report(
        &site,
        "2023-05-01-cache",
        "summary: \"The **cache** was emptied by `flush_all` in [the deploy](https://example.com/d); see <script>alert(1)</script> and [this](javascript:alert(1)).\"\n",
        "## What happened\n\nIt broke.\n",
    );
    site.build_ok();
    for (page, css) in [
        ("postmortems/2023-05-01-cache/index.html", "p.lead"),
        ("services/api/index.html", ".report-list > li > div > p + p"),
        ("index.html", ".report-list > li > div > p + p"),
    ] {
        let doc = site.page(page);
        let inner = |tag: &str| format!("{css} {tag}");
        assert_eq!(texts(&doc, &inner("strong")), ["cache"], "{page}");
        assert_eq!(texts(&doc, &inner("code")), ["flush_all"], "{page}");
        let links: Vec<_> = doc
            .select(&sel(&inner("a")))
            .map(|a| a.value().attr("href").unwrap_or_default().to_string())
            .collect();
        assert_eq!(links, ["https://example.com/d"], "{page}");
        assert_eq!(
            doc.select(&sel(&inner("*"))).count(),
            3,
            "{page}: only the strong, code and link elements"
        );
        // The script is text that says so.
        let text: Vec<String> = doc.select(&sel(css)).map(|e| e.text().collect()).collect();
        assert_eq!(
            text,
            [
                "The cache was emptied by flush_all in the deploy; see <script>alert(1)</script> and this."
            ],
            "{page}"
        );
    }
    let plain =
        "The cache was emptied by flush_all in the deploy; see <script>alert(1)</script> and this.";
    let doc = site.page("postmortems/2023-05-01-cache/index.html");
    let description = doc
        .select(&sel("meta[name=description]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap_or_default()
        .to_string();
    assert_eq!(description, plain);
    let feed = scraper::Html::parse_fragment(&site.read("public/atom.xml"));
    assert_eq!(texts(&feed, "entry summary"), [plain]);
    // Search quotes the summary from the files of its index.
    let mut index = String::new();
    for entry in walkdir(&site.out().join("search")) {
        index.push_str(&std::fs::read_to_string(entry).unwrap_or_default());
    }
    let quoted = plain.replace('<', "\\u003c").replace('>', "\\u003e");
    assert!(index.contains(&quoted), "search quotes the plain summary");
    assert!(!index.contains("**cache**"));
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn measures_without_data_show_a_dash_and_charts_say_what_they_draw() {
    let site = TestSite::empty();
    // Unresolved, with a timeline: no durations, dots but no impact window.
    site.write(
        "content/2023/2023-05-01-open.md",
        "---\ntitle: Still open\ndate: 2023-05-01T10:00:00Z\nseverity: SEV2\nservices: [web]\n---\n\n## Timeline\n\n- 10:05 alert fired\n- 10:20 rolled back\n",
    );
    // Resolved, without a timeline: an impact window and no dots.
    site.write(
        "content/2023/2023-04-01-done.md",
        "---\ntitle: Resolved\ndate: 2023-04-01T10:00:00Z\nresolved: 2023-04-01T11:00:00Z\nseverity: SEV2\nservices: [api]\n---\n\nBody.\n",
    );
    // Years before the newest: outside the months the charts draw.
    site.write(
        "content/2020/2020-01-01-old.md",
        "---\ntitle: Old\ndate: 2020-01-01T10:00:00Z\nseverity: SEV2\nservices: [legacy]\n---\n\nBody.\n",
    );
    site.build_ok();
    let descs = texts(&site.page("services/legacy/index.html"), "svg desc");
    assert!(
        descs
            .iter()
            .any(|d| d == "No incidents in these 24 months."),
        "{descs:?}"
    );
    let facts = |page: &str| -> Vec<(String, String)> {
        let doc = site.page(page);
        doc.select(&sel(".metric-facts > div"))
            .map(|d| {
                let text = |css: &str| {
                    d.select(&sel(css))
                        .next()
                        .map(|e| e.text().collect::<String>().trim().to_string())
                        .unwrap_or_default()
                };
                (text("dt"), text("dd"))
            })
            .collect()
    };
    let web = facts("services/web/index.html");
    for measure in [
        "Median duration",
        "p90 duration",
        "Median time to detect",
        "Total impact",
    ] {
        assert!(
            web.contains(&(measure.to_string(), "–".to_string())),
            "{measure}: {web:?}"
        );
    }
    let api = facts("services/api/index.html");
    assert!(
        api.contains(&("Total impact".to_string(), "1 h".to_string())),
        "{api:?}"
    );
    // The table of services: the web row's total impact is a dash, sorted last.
    let doc = site.page("services/index.html");
    let row = doc
        .select(&sel("tbody tr"))
        .find(|r| r.text().any(|t| t.trim() == "web"))
        .expect("a row for web");
    let cells: Vec<(String, String)> = row
        .select(&sel("td.num"))
        .map(|c| {
            (
                c.text().collect::<String>().trim().to_string(),
                c.value().attr("data-value").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(cells[4], ("–".to_string(), "-1".to_string()), "{cells:?}");

    let caption = |slug: &str| {
        let doc = site.page(&format!("postmortems/{slug}/index.html"));
        let text = texts(&doc, ".timeline-figure figcaption");
        let desc = texts(&doc, ".timeline-figure svg desc");
        (text.join(" "), desc.join(" "))
    };
    let (open, open_desc) = caption("2023-05-01-open");
    assert!(
        open.contains("dot") && !open.contains("Impact window"),
        "{open}"
    );
    assert!(open_desc.contains("2 timeline events"), "{open_desc}");
    let (done, done_desc) = caption("2023-04-01-done");
    assert!(
        done.contains("Impact window") && !done.contains("dot"),
        "{done}"
    );
    assert!(
        done_desc.contains("No timeline rows give a time"),
        "{done_desc}"
    );
}

#[test]
fn without_a_summary_the_first_paragraph_with_words_is_used() {
    let site = TestSite::empty();
    report(
        &site,
        "2023-05-01-meme",
        "",
        "![meme](https://i.example.com/meme.jpg)\n\n![a](https://i.example.com/a.png) ![b](https://i.example.com/b.png)\n\nThe web server went down for an hour.\n\nMore.\n",
    );
    site.build_ok();
    let doc = site.page("services/api/index.html");
    assert_eq!(
        texts(&doc, ".report-list > li > div > p + p"),
        ["The web server went down for an hour."]
    );
    let page = site.page("postmortems/2023-05-01-meme/index.html");
    assert_eq!(
        texts(&page, "p.lead"),
        ["The web server went down for an hour."]
    );
}

#[test]
fn a_file_in_content_that_no_report_links_to_is_reported() {
    let site = TestSite::empty();
    report(
        &site,
        "2023-05-01-linked",
        "",
        "![the graph](graph.png) and [the log](logs/app.log#L3).\n",
    );
    site.write(
        "content/2023/2023-06-01-draft.md",
        "---\ntitle: Draft\ndate: 2023-06-01T10:00:00Z\nseverity: SEV2\nservices: [api]\nstatus: draft\n---\n\n![waiting](waiting.png)\n",
    );
    for (file, text) in [
        ("content/2023/graph.png", "png"),
        ("content/2023/logs/app.log", "log"),
        ("content/2023/waiting.png", "png"),
        ("content/notes.txt", "notes"),
        ("content/2023/old.docx", "docx"),
        ("content/.notes.swp", "hidden"),
        ("content/.git/config", "hidden"),
    ] {
        site.write(file, text);
    }
    let summary = site.build_ok();
    let mut unused: Vec<String> = summary
        .warnings
        .iter()
        .filter(|w| w.code == "unused-file")
        .map(|w| w.file.to_string_lossy().replace('\\', "/"))
        .collect();
    unused.sort();
    assert_eq!(unused, ["content/2023/old.docx", "content/notes.txt"]);
    // What reports link to is published as before.
    assert!(site.out().join("files/2023/graph.png").is_file());
    assert!(site.out().join("files/2023/logs/app.log").is_file());
    assert!(!site.out().join("files/notes.txt").exists());
}
