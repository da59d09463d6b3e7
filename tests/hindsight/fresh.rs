//! A rebuild of inputs that did not change leaves the output as it is, as
//! a full build would have made it; any change to what a build reads is a
//! full build.

use crate::support::{TestSite, snapshot, texts};

const REPORT: &str = "content/2023/2023-01-17-icreate-deploy.md";

/// The output without its manifest, whose site folder is relative to the
/// output's place.
fn pages(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p != std::path::Path::new(".hindsight-output"))
        .collect()
}

/// The record beside the output: its file (a full build writes a new one)
/// and its bytes.
fn recorded(site: &TestSite) -> (u64, Vec<u8>) {
    use std::os::unix::fs::MetadataExt;
    let path = site.root().join(".public.fresh");
    (
        std::fs::metadata(&path).expect("a record").ino(),
        std::fs::read(&path).unwrap(),
    )
}

#[test]
fn an_unchanged_rebuild_writes_nothing_says_what_the_build_said_and_equals_a_full_build() {
    let site = TestSite::fixture("basic");
    // A warning (a timeline row out of order) and a note (no base_url).
    site.edit(REPORT, |t| {
        format!("{t}\n## Timeline\n\n| Time | Event |\n|---|---|\n| 13:00 | Later |\n| 12:40 | Earlier |\n")
    });
    let first = site.build_ok();
    assert!(!first.warnings.is_empty() && !first.notes.is_empty());
    let record = recorded(&site);
    let before = snapshot(&site.out());

    let again = site.build_ok();
    // Nothing was built: the record was not even written again.
    assert_eq!(recorded(&site), record);
    assert_eq!(again.changes.written, 0);
    assert_eq!(again.changes.removed, 0);
    assert_eq!(again.changes.unchanged, first.files);
    assert_eq!(
        (again.reports, again.pages, again.files),
        (first.reports, first.pages, first.files)
    );
    assert_eq!(again.warnings, first.warnings);
    assert_eq!(again.notes, first.notes);
    assert_eq!(snapshot(&site.out()), before);

    // What it left is what a full build of the same inputs writes.
    let mut options = site.options();
    options.output = Some(site.root().join("elsewhere"));
    hindsight::build(&options).unwrap();
    assert_eq!(pages(&site.out()), pages(&site.root().join("elsewhere")));
}

#[test]
fn any_change_to_what_a_build_reads_is_a_full_build() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let title = |site: &TestSite| {
        texts(
            &site.page("postmortems/2023-01-17-icreate-deploy/index.html"),
            "h1",
        )
    };

    // A report's bytes.
    let record = recorded(&site);
    site.edit(REPORT, |t| t.replacen("title: ", "title: Renamed ", 1));
    let summary = site.build_ok();
    assert!(summary.changes.written > 0);
    assert_ne!(recorded(&site), record);
    assert!(title(&site)[0].starts_with("Renamed"), "{:?}", title(&site));

    // The configuration.
    site.edit("hindsight.toml", |t| format!("page_size = 1\n{t}"));
    assert!(site.build_ok().changes.written > 0);
    assert!(site.out().join("postmortems/page/2/index.html").is_file());

    // A template of the site.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Gone</h1>{% endblock content %}",
    );
    assert!(site.build_ok().changes.written > 0);
    assert_eq!(texts(&site.page("404.html"), "h1"), ["Gone"]);

    // The options: another build date, a base URL.
    let mut options = site.options();
    options.today = chrono::NaiveDate::from_ymd_opt(2031, 1, 1);
    assert!(hindsight::build(&options).unwrap().changes.written > 0);
    options.base_url = Some("https://incidents.example.com/".into());
    assert!(hindsight::build(&options).unwrap().changes.written > 0);
    assert!(site.out().join("sitemap.xml").is_file());
    // The same options again: nothing to do.
    assert_eq!(hindsight::build(&options).unwrap().changes.written, 0);

    // A file of the output gone: the build puts it back.
    std::fs::remove_file(site.out().join("404.html")).unwrap();
    assert_eq!(hindsight::build(&options).unwrap().changes.written, 1);
    assert_eq!(texts(&site.page("404.html"), "h1"), ["Gone"]);

    // A file added to the output is refused, as by any build.
    std::fs::write(site.out().join("notes.txt"), "mine").unwrap();
    let refused = hindsight::build(&options).unwrap_err().to_string();
    assert!(refused.contains("notes.txt"), "{refused}");
}

#[test]
fn a_failed_build_keeps_the_record_of_the_site_it_left() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let before = snapshot(&site.out());
    site.edit(REPORT, |t| {
        t.replacen("severity: SEV1", "severity: SEV9", 1)
    });
    assert!(site.build().is_err());
    // Put back, the inputs are those of the published site again.
    site.edit(REPORT, |t| {
        t.replacen("severity: SEV9", "severity: SEV1", 1)
    });
    assert_eq!(site.build_ok().changes.written, 0);
    assert_eq!(snapshot(&site.out()), before);
}
