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
        ("postmortems/index.html", "p.report-row-summary"),
        ("services/api/index.html", "p.report-row-summary"),
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
