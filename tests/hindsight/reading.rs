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
