//! The preview's quick rebuild: after a save of one report, only the pages
//! that show it are rendered again, from the site kept in memory, and they
//! come out as a full build would write them.

use std::collections::BTreeMap;

use hindsight::Error;
use hindsight::site::{Kept, prepare};

use crate::support::{TestSite, texts};

const REPORT: &str = "content/2023/2023-05-02-search-slow.md";
const PAGE: &str = "postmortems/2023-05-02-search-slow/index.html";

/// A built site and its kept state.
fn kept(site: &TestSite) -> Kept {
    let (summary, kept) = prepare(&site.options()).unwrap().commit();
    summary.unwrap();
    kept.expect("a good build keeps its site")
}

/// Every file of the output with its bytes.
fn files(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    crate::support::snapshot(&site.out())
        .into_iter()
        .map(|(path, bytes)| (path.to_string_lossy().into_owned(), bytes))
        .collect()
}

fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .chain(before.keys().filter(|p| !after.contains_key(*p)).cloned())
        .collect()
}

#[test]
fn a_quick_rebuild_writes_the_pages_that_show_the_report_as_a_full_build_would() {
    let site = TestSite::fixture("basic");
    let mut kept = kept(&site);
    let before = files(&site);
    site.edit(REPORT, |text| {
        text.replace(
            "Search slow for an afternoon",
            "Search slow for a whole afternoon",
        )
        .replace(
            "## Root Cause",
            "A sentence added in the preview.\n\n## Root Cause",
        )
    });

    let summary = kept
        .patch(&site.root().join(REPORT))
        .expect("a new title and text keep the report in place")
        .unwrap();
    let quick = files(&site);
    let written = changed(&before, &quick);
    assert_eq!(summary.changes.written, written.len());
    assert!(written.contains(&PAGE.to_string()), "{written:?}");
    let page = site.page(PAGE);
    assert_eq!(texts(&page, "h1"), ["Search slow for a whole afternoon"]);
    assert!(texts(&page, ".prose p").contains(&"A sentence added in the preview.".to_string()));
    // The lists it is on show the new title; the report it links to names
    // it among its related reports.
    for list in [
        "postmortems/index.html",
        "years/2023/index.html",
        "services/search/index.html",
    ] {
        assert!(
            written.contains(&list.to_string()),
            "{list} not rewritten: {written:?}"
        );
        let titles = texts(&site.page(list), ".report-list > li > div > a:first-child");
        assert!(
            titles.contains(&"Search slow for a whole afternoon".to_string()),
            "{list}: {titles:?}"
        );
    }
    // Nothing of the whole archive yet: that is the catch-up's work.
    assert!(
        !written.iter().any(|p| p.starts_with("search/")),
        "{written:?}"
    );

    // The full build that follows agrees with every page the quick one
    // wrote, and adds only what shows the whole archive.
    site.build_ok();
    let full = files(&site);
    for path in &written {
        let text =
            |files: &BTreeMap<String, Vec<u8>>| String::from_utf8_lossy(&files[path]).into_owned();
        assert_eq!(
            text(&full),
            text(&quick),
            "{path} differs from a full build"
        );
    }
    let rest = changed(&quick, &full);
    assert!(!rest.is_empty(), "the search index must catch up");
    for path in &rest {
        assert!(
            path.starts_with("search/")
                // The list of files, when the search index gained a shard.
                || path == hindsight::output::manifest::NAME
                || path.ends_with(".xml")
                || path == "stats.json"
                || path == "index.html"
                || path.starts_with("tags/")
                || path.starts_with("severities/")
                || path.starts_with("services/index")
                || path.starts_with("postmortems/2023-01-17-icreate-deploy/"),
            "a full build changed {path}, which shows the report and should have been rebuilt"
        );
    }
}

#[test]
fn a_report_that_moves_or_breaks_needs_a_full_build() {
    let site = TestSite::fixture("basic");
    let mut kept = kept(&site);
    let before = files(&site);
    let file = site.root().join(REPORT);
    for (what, from, to) in [
        (
            "a new date",
            "date: 2023-05-02T14:00",
            "date: 2023-05-03T14:00",
        ),
        (
            "a new service",
            "services: search",
            "services: [search, icreate]",
        ),
        ("a new tag", "tags: [capacity]", "tags: [capacity, search]"),
        ("a new status", "status: review", "status: published"),
        ("an error", "severity: SEV3", "severity: SEV9"),
    ] {
        let original = site.read(REPORT);
        site.write(REPORT, &original.replace(from, to));
        assert!(kept.patch(&file).is_none(), "{what} was rebuilt quickly");
        site.write(REPORT, &original);
    }
    assert!(kept.patch(&site.root().join("hindsight.toml")).is_none());
    assert!(
        kept.patch(&site.root().join("content/2023/new.md"))
            .is_none()
    );
    assert_eq!(changed(&before, &files(&site)), Vec::<String>::new());
}

#[test]
fn a_broken_link_fails_the_quick_rebuild_and_writes_nothing() {
    let site = TestSite::fixture("basic");
    let mut kept = kept(&site);
    let before = files(&site);
    site.edit(REPORT, |text| {
        text.replace(
            "## Root Cause",
            "See [this](2023-01-01-missing.md).\n\n## Root Cause",
        )
    });
    let Some(Err(Error::Content(diagnostics))) = kept.patch(&site.root().join(REPORT)) else {
        panic!("a broken link must fail the rebuild");
    };
    assert_eq!(
        crate::support::at_lines(&diagnostics),
        [format!(
            "{REPORT}:12: link to `2023-01-01-missing.md`, but there is no report `2023-01-01-missing`"
        )]
    );
    assert_eq!(changed(&before, &files(&site)), Vec::<String>::new());

    // Fixed, the next quick rebuild works from the last good state.
    site.edit(REPORT, |text| {
        text.replace("See [this](2023-01-01-missing.md).", "Fixed.")
    });
    kept.patch(&site.root().join(REPORT)).unwrap().unwrap();
    assert!(texts(&site.page(PAGE), ".prose p").contains(&"Fixed.".to_string()));
}

/// A build run once lets each report's text go with its page; a build
/// kept for quick rebuilds keeps the texts. Both write the same site.
#[test]
fn a_build_that_lets_the_texts_go_writes_what_a_kept_build_writes() {
    let once = TestSite::fixture("basic");
    once.build().unwrap();
    let kept_site = TestSite::fixture("basic");
    let _kept = kept(&kept_site);
    let (once, kept) = (files(&once), files(&kept_site));
    assert!(
        once.keys().any(|p| p.starts_with("postmortems/")),
        "report pages written"
    );
    assert_eq!(
        once.keys().collect::<Vec<_>>(),
        kept.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &once {
        assert!(kept[path] == *bytes, "{path} differs");
    }
}
