//! The build's guarantees (README.md, "Guarantees"; docs/reliability.md):
//! atomic output, deterministic output, nothing outside the output folder.

use crate::support::{TestSite, snapshot, stamps, texts};

#[test]
fn a_failed_build_leaves_the_previous_site_byte_for_byte() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let before = snapshot(&site.out());
    assert!(before.len() > 10);

    site.write(
        "content/2024/2024-01-01-broken.md",
        "---\ntitle: \"Broken\"\ndate: 2024-01-01T00:00:00Z\nseverity: SEV9\nservices: [x]\n---\n",
    );
    assert!(site.build().is_err());
    assert_eq!(snapshot(&site.out()), before);
    assert_no_staging_left(&site);
}

fn assert_no_staging_left(site: &TestSite) {
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The record of what the output was built from stays with it.
        .filter(|n| n.starts_with('.') && n != ".public.fresh")
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_broken_link_alone_fails_the_build_and_leaves_the_previous_site() {
    // Bodies render with their pages, so this error is found while pages
    // are already being staged: the staging must go, the site must stay.
    let site = TestSite::fixture("basic");
    site.build_ok();
    let before = snapshot(&site.out());
    site.write(
        "content/2024/2024-01-01-linker.md",
        "---\ntitle: \"Linker\"\ndate: 2024-01-01T00:00:00Z\nseverity: SEV3\nservices: [x]\n---\nSee [the other one](2020-01-01-nowhere.md) and ![a graph](graph.png).\n",
    );
    let Err(hindsight::Error::Content(d)) = site.build() else {
        panic!("the build should fail on the broken link");
    };
    let found: Vec<(String, usize, &str)> = d
        .iter()
        .map(|d| (d.file.display().to_string(), d.line, d.code))
        .collect();
    assert_eq!(
        found,
        [
            (
                "content/2024/2024-01-01-linker.md".to_string(),
                7,
                "broken-link"
            ),
            (
                "content/2024/2024-01-01-linker.md".to_string(),
                7,
                "missing-file"
            ),
        ]
    );
    assert_eq!(snapshot(&site.out()), before);
    assert_no_staging_left(&site);
    // `check` finds the same problems.
    let Err(hindsight::Error::Content(checked)) = hindsight::check(&site.options()) else {
        panic!("check should fail too");
    };
    assert_eq!(checked, d);

    // Fixed, the link's warning about the missing file is still reported.
    site.edit("content/2024/2024-01-01-linker.md", |t| {
        t.replace("2020-01-01-nowhere.md", "2023-01-17-icreate-deploy.md")
    });
    let summary = site.build_ok();
    let codes: Vec<&str> = summary.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["missing-file"]);
}

#[test]
fn a_template_error_also_leaves_the_previous_site() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let before = snapshot(&site.out());
    site.write("templates/report.html", "{% extends \"base.html\" %}{% block content %}{{ report.nope.deeper }}{% endblock content %}");
    let err = site.build().unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("report.html"), "{err}");
    assert_eq!(snapshot(&site.out()), before);
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let first = snapshot(&site.out());
    let other = TestSite::fixture("basic");
    other.build_ok();
    site.build_ok();
    assert_eq!(snapshot(&site.out()), first);
    assert_eq!(
        snapshot(&other.out()),
        first,
        "output depends on where the site lives"
    );
}

#[test]
fn a_rebuild_removes_pages_of_deleted_reports() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    std::fs::remove_file(site.root().join("content/2023/2023-05-02-search-slow.md")).unwrap();
    site.build_ok();
    assert!(
        !site
            .out()
            .join("postmortems/2023-05-02-search-slow")
            .exists()
    );
    assert!(!site.out().join("tags/capacity").exists());
}

#[test]
fn hostile_terms_cannot_escape_the_output_folder() {
    let site = TestSite::empty();
    site.write(
        "content/2023/escape.md",
        "---\ntitle: \"x\"\ndate: 2023-01-01T00:00:00Z\nseverity: SEV1\nservices: [\"../../../../tmp/evil\"]\ntags: [\"..\\\\..\\\\win\", \"/etc/passwd\"]\n---\n",
    );
    site.build_ok();
    assert!(site.out().join("services/tmp-evil/index.html").is_file());
    assert!(site.out().join("tags/win/index.html").is_file());
    assert!(site.out().join("tags/etc-passwd/index.html").is_file());
    let mut outside: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    outside.sort();
    // The sources, the output, and the record of what it was built from.
    assert_eq!(outside, [".public.fresh", "content", "public"]);
}

#[test]
fn the_site_folder_itself_is_refused_as_output() {
    let site = TestSite::fixture("basic");
    let mut options = site.options();
    options.output = Some(site.root().to_path_buf());
    let err = hindsight::build(&options).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        site.root()
            .join("content/2023/2023-05-02-search-slow.md")
            .is_file()
    );
}

#[test]
fn base_url_from_the_command_line_is_validated() {
    let site = TestSite::fixture("basic");
    let mut options = site.options();
    options.base_url = Some("not a url".into());
    let err = hindsight::build(&options).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("base_url"), "{err}");
}

#[test]
fn a_rebuild_of_unchanged_input_writes_nothing() {
    let site = TestSite::fixture("basic");
    let first = site.build_ok();
    assert_eq!(first.changes.written, first.files);
    let before = stamps(&site.out());
    let again = site.build_ok();
    assert_eq!(
        (again.changes.written, again.changes.removed),
        (0, 0),
        "{:?}",
        again.changes
    );
    assert_eq!(again.changes.unchanged, again.files);
    assert_eq!(stamps(&site.out()), before, "files were rewritten");
}

#[test]
fn an_edit_rewrites_only_the_pages_it_changes() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let before = stamps(&site.out());
    site.edit("content/2023/2023-05-02-search-slow.md", |text| {
        text.replace("## Root Cause", "One more sentence.\n\n## Root Cause")
    });
    let summary = site.build_ok();
    let after = stamps(&site.out());
    // The manifest lists the files: it changes when the search index
    // gains a shard, and is not counted among the site's files.
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path)
        .filter(|path| *path != hindsight::output::manifest::NAME)
        .collect();
    let (search, pages): (Vec<&String>, Vec<&String>) =
        rewritten.iter().partition(|p| p.starts_with("search/"));
    assert_eq!(
        pages,
        ["postmortems/2023-05-02-search-slow/index.html"],
        "only the edited report's page should change, besides the search index"
    );
    // The report's words and quoted text are in the index: its text chunk
    // and the shards of the new words change, not the whole index.
    assert!(search.contains(&&"search/t/0.js".to_string()), "{search:?}");
    let shards = after.keys().filter(|p| p.starts_with("search/i/")).count();
    assert!(search.len() < shards, "{search:?}");
    assert_eq!(summary.changes.written, rewritten.len());
    // Nothing went; new words may have made a new shard.
    assert!(before.keys().all(|p| after.contains_key(p)));
    assert!(
        after
            .keys()
            .all(|p| before.contains_key(p) || p.starts_with("search/i/"))
    );
}

/// A report of `service` at `date`, tagged `tag`.
fn plain_report(title: &str, date: &str, service: &str, tag: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nresolved: {date}\nseverity: SEV2\nservices: [{service}]\ntags: [{tag}]\n---\n\n## Summary\n\nWhat happened to {service}.\n"
    )
}

#[test]
fn a_new_report_leaves_the_pages_of_unrelated_reports_as_they_were() {
    // Adding a report changes its neighbours, the lists and the charts
    // that end with the archive's last month, the home page and the
    // index; a report far from it in time, of another service and tag,
    // has nothing on its page that the new one changes, and keeps its
    // file (and modification time), so that syncing the site uploads
    // what changed and no more.
    let site = TestSite::empty();
    let reports = [
        ("2021-01-05", "alpha", "disk"),
        ("2021-06-05", "beta", "dns"),
        ("2022-01-05", "alpha", "disk"),
        ("2022-06-05", "beta", "dns"),
        ("2023-01-05", "alpha", "disk"),
    ];
    for (day, service, tag) in reports {
        site.write(
            &format!("content/{day}-{service}.md"),
            &plain_report(
                &format!("{service} on {day}"),
                &format!("{day}T10:00:00Z"),
                service,
                tag,
            ),
        );
    }
    site.build_ok();
    let before = stamps(&site.out());
    site.write(
        "content/2023-06-05-gamma.md",
        &plain_report(
            "gamma on 2023-06-05",
            "2023-06-05T10:00:00Z",
            "gamma",
            "queue",
        ),
    );
    let summary = site.build_ok();
    let after = stamps(&site.out());
    for kept in [
        "postmortems/2021-01-05-alpha/index.html",
        "postmortems/2021-06-05-beta/index.html",
        "postmortems/2022-01-05-alpha/index.html",
        "postmortems/2022-06-05-beta/index.html",
    ] {
        assert_eq!(before.get(kept), after.get(kept), "{kept} was rewritten");
    }
    // Of the report pages there were, only the newest, which gains a
    // newer neighbour, changed.
    let rewritten: Vec<&String> = before
        .keys()
        .filter(|p| p.starts_with("postmortems/20") && before[*p] != after[*p])
        .collect();
    assert_eq!(rewritten, ["postmortems/2023-01-05-alpha/index.html"]);
    assert!(summary.changes.written < summary.files);
}

#[test]
fn a_new_title_rewrites_the_lists_that_show_it_and_leaves_the_rest() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let before = stamps(&site.out());
    site.edit("content/2023/2023-05-02-search-slow.md", |text| {
        text.replacen("title: \"", "title: \"Renamed: ", 1)
    });
    site.build_ok();
    let after = stamps(&site.out());
    let changed = |p: &str| before[p] != after[p];
    assert!(changed("postmortems/2023-05-02-search-slow/index.html"));
    assert!(changed("postmortems/index.html"));
    assert!(changed("years/2023/index.html"));
    assert!(!changed("static/style.css"));
    assert!(
        !changed("years/2022/index.html"),
        "a year the report is not in was rewritten"
    );
    let doc = site.page("years/2023/index.html");
    assert!(
        texts(&doc, ".report-list > li > div > a:first-child")
            .iter()
            .any(|t| t.starts_with("Renamed: "))
    );
}
