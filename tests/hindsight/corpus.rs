//! Postmortems written by people (`../shared/corpus/real/`), wrapped with
//! generated front matter: every one must build into a page whose links
//! work. Skipped with a notice where the corpus is absent, except in CI.

use std::path::PathBuf;

use crate::support::{TestSite, broken_links, sel, texts};

fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true but the real corpus is missing at {}",
        dir.display()
    );
    eprintln!(
        "notice: {} is absent; skipping the real-corpus test",
        dir.display()
    );
    None
}

/// Wraps a raw report with front matter derived from its position.
fn wrap(i: usize, stem: &str, body: &str) -> (String, String) {
    let slug = format!("{:02}-{}", i, hindsight::util::url::slugify(stem));
    let title = body
        .lines()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix('#')
                .map(|t| t.trim_start_matches('#').trim())
        })
        .filter(|t| !t.is_empty())
        .unwrap_or(stem)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let month = i % 12 + 1;
    let front = format!(
        "---\ntitle: \"{title}\"\ndate: 2023-{month:02}-{day:02}T10:00:00+03:00\nresolved: 2023-{month:02}-{day:02}T11:30:00+03:00\n\
         severity: SEV{sev}\nservices: [service-{svc}]\ntags: [real, batch-{batch}]\nauthors: [\"{stem}\"]\n---\n\n",
        day = i % 28 + 1,
        sev = i % 4 + 1,
        svc = i % 5,
        batch = i % 3,
    );
    (slug, front + body)
}

#[test]
fn every_real_postmortem_gets_a_page_with_working_links() {
    let Some(dir) = corpus_dir() else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "expected the 30 real postmortems, found {}",
        files.len()
    );

    let site = TestSite::empty();
    let mut slugs = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let body = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        let stem = file.file_stem().unwrap().to_str().unwrap();
        let (slug, text) = wrap(i, stem, &body);
        site.write(&format!("content/2023/{slug}.md"), &text);
        slugs.push(slug);
    }
    let summary = site.build_ok();
    assert_eq!(summary.reports, files.len());

    for slug in &slugs {
        let doc = site.page(&format!("postmortems/{slug}/index.html"));
        assert_eq!(texts(&doc, "h1#report-title").len(), 1, "{slug}: a title");
        // The body's own `# Title` is not shown a second time.
        let title = &texts(&doc, "h1#report-title")[0];
        let headings = texts(&doc, ".prose h1, .prose h2, .prose h3, .prose h4");
        assert!(
            headings.first().is_none_or(|h| {
                !hindsight::render::markdown::same_words(h.trim_end_matches('#'), title)
            }),
            "{slug}: the title twice"
        );
        assert!(
            doc.select(&sel(".prose"))
                .next()
                .is_some_and(|p| p.text().any(|t| !t.trim().is_empty())),
            "{slug}: empty body"
        );
        assert_eq!(
            doc.select(&sel(".prose script, .prose iframe")).count(),
            0,
            "{slug}: unsanitised HTML"
        );
    }
    let all = site.page("postmortems/index.html");
    assert_eq!(doc_count(&all), files.len());

    // Real timelines are mostly lists ("**10:00 AM PST:** alerts fired"):
    // their times are read, and each such report gets its timeline chart.
    let with_timeline: Vec<&String> = slugs
        .iter()
        .filter(|slug| {
            let doc = site.page(&format!("postmortems/{slug}/index.html"));
            doc.select(&sel(".prose .timeline-entry, .prose td[id^=t-]"))
                .count()
                >= 3
                && doc
                    .select(&sel("svg.chart-timeline .events"))
                    .next()
                    .and_then(|g| g.value().attr("data-rows"))
                    .is_some_and(|rows| rows.split(' ').count() >= 3)
        })
        .collect();
    assert!(
        with_timeline.len() >= TIMELINES_READ,
        "{} of the real reports have a timeline read: {with_timeline:?}",
        with_timeline.len()
    );

    // Authors link to images they never committed. Those are the only
    // broken links: each is the author's own, written in the source, and
    // the Markdown ones were reported as warnings.
    let sources: String = files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned())
        .collect();
    let warned: Vec<_> = summary
        .warnings
        .iter()
        .filter(|w| w.code == "missing-file")
        .collect();
    assert!(!warned.is_empty(), "the corpus has links to missing images");
    for link in broken_links(&site.out()) {
        let target = link.split(": ").nth(1).unwrap_or_default();
        assert!(
            sources.contains(target),
            "a link the tool wrote is broken: {link}"
        );
        let in_markdown = sources.contains(&format!("]({target})"));
        assert!(
            !in_markdown
                || warned
                    .iter()
                    .any(|w| w.message.contains(&format!("`{target}`"))),
            "broken Markdown link without a warning: {link}"
        );
    }
}

/// How many of the real reports have a timeline to read: lists under a
/// Timeline heading or a bold "Timeline:" line whose entries start with a
/// time (counted in the sources; a twelfth writes `13:20PM`, no time).
const TIMELINES_READ: usize = 11;

fn doc_count(doc: &scraper::Html) -> usize {
    doc.select(&sel(".report-list > li")).count()
}
