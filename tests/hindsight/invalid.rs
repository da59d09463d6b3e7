//! Invalid sites under `tests/fixtures/invalid/`: each must fail with
//! exactly the diagnostics listed, and write nothing.

use hindsight::{Diagnostic, Error};

use crate::support::TestSite;

/// Builds the fixture and returns its diagnostics as
/// `file:line:col: message` lines, asserting the exit code.
fn diagnostics(case: &str, exit_code: u8) -> Vec<Diagnostic> {
    let site = TestSite::fixture(&format!("invalid/{case}"));
    let err = site.build().expect_err("an invalid site must not build");
    assert_eq!(err.exit_code(), exit_code, "{err}");
    assert!(!site.out().exists(), "a failed build wrote output");
    match err {
        Error::Content(d) | Error::Config(d) => d,
        Error::Setup(e) => panic!("unexpected setup error: {e:#}"),
    }
}

fn lines(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}",
                d.file.display(),
                d.line,
                d.column,
                d.message
            )
        })
        .collect()
}

#[test]
fn unknown_severity_is_reported_at_its_value_with_the_choices() {
    let d = diagnostics("unknown-severity", 1);
    assert_eq!(
        lines(&d),
        ["content/2023/2023-01-17-icreate-deploy.md:5:11: unknown severity \"SEV9\""]
    );
    assert!(
        d[0].hint
            .as_deref()
            .unwrap()
            .ends_with("expected one of SEV1, SEV2, SEV3, SEV4 (hindsight.toml [[severities]])")
    );
    assert_eq!(
        d[0].to_string().lines().next().unwrap(),
        "error: content/2023/2023-01-17-icreate-deploy.md:5:11: unknown severity \"SEV9\""
    );
}

#[test]
fn missing_required_fields_are_all_named() {
    assert_eq!(
        lines(&diagnostics("missing-fields", 1)),
        [
            "content/2023/no-title.md:4:1: missing required field `date`",
            "content/2023/no-title.md:4:1: missing required field `title`",
        ]
    );
}

#[test]
fn bad_times_are_reported_across_files() {
    assert_eq!(
        lines(&diagnostics("bad-dates", 1)),
        [
            "content/2023/backwards.md:4:11: `resolved` is before `date`: the incident would end before it began",
            "content/2023/bad-dates.md:3:7: `date` has no UTC offset: \"2023-01-17 12:30\"",
            "content/2023/bad-dates.md:6:11: `detected` is not a date and time: \"2023-01-17T25:00:00+03:00\"",
            "content/2023/late-detection.md:5:11: `resolved` is before `detected`: the incident would be detected after it ended",
        ]
    );
}

#[test]
fn yaml_syntax_errors_point_into_the_file() {
    let d = diagnostics("yaml-syntax", 1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].file.to_str(), Some("content/2023/broken-yaml.md"));
    assert_eq!(d[0].line, 6);
    assert!(
        d[0].message.starts_with("front matter is not valid YAML"),
        "{}",
        d[0].message
    );
}

#[test]
fn missing_and_unterminated_front_matter_are_errors() {
    assert_eq!(
        lines(&diagnostics("no-front-matter", 1)),
        [
            "content/2023/plain.md:1:1: no front matter: the file must start with a `---` line",
            "content/2023/unterminated.md:1:1: the front matter opened on line 1 is never closed",
        ]
    );
}

#[test]
fn duplicate_slug_and_id_are_reported_with_both_paths() {
    assert_eq!(
        lines(&diagnostics("duplicates", 1)),
        [
            "content/2023/other.md:6:5: duplicate id `INC-1`: `content/2022/outage.md` uses it too",
            "content/2023/outage.md:0:0: duplicate slug `outage`: `content/2022/outage.md` has the same file name",
        ]
    );
}

#[test]
fn slugs_differing_only_in_case_collide() {
    let site = TestSite::fixture("basic");
    let text = site.read("content/2023/2023-05-02-search-slow.md");
    site.write("content/2024/2023-05-02-Search-Slow.md", &text);
    let Err(Error::Content(d)) = site.build() else {
        panic!("expected content errors")
    };
    assert_eq!(d.iter().filter(|d| d.code == "duplicate-slug").count(), 1);
    assert!(
        d[0].message.contains("differs only in case"),
        "{}",
        d[0].message
    );
}

#[test]
fn unknown_related_reports_and_broken_links_are_errors_with_suggestions() {
    let d = diagnostics("broken-references", 1);
    assert_eq!(
        lines(&d),
        [
            "content/2023/refs.md:6:11: related report `2023-01-17-icreate-deplyo` does not exist",
            "content/2023/refs.md:11:9: link to `2022-11-02-missing.md#root-cause`, but there is no report `2022-11-02-missing`",
        ]
    );
    assert_eq!(
        d[0].hint.as_deref(),
        Some("did you mean `2023-01-17-icreate-deploy`?")
    );
}

#[test]
fn files_that_are_not_utf8_are_named() {
    assert_eq!(
        lines(&diagnostics("encoding", 1)),
        [
            "content/2023/latin1.md:2:12: the file is not valid UTF-8",
            "content/2023/utf16.md:1:1: the file is UTF-16; reports must be UTF-8",
        ]
    );
}

#[test]
fn a_typo_in_the_configuration_names_the_key_and_exits_2() {
    let d = diagnostics("bad-config", 2);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].file.to_str(), d[0].line), (Some("hindsight.toml"), 2));
    assert_eq!(d[0].message, "unknown key `base_urll`");
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `base_url`?"));
}

#[test]
fn a_key_like_none_of_its_tables_lists_them() {
    let site = TestSite::empty();
    site.write("hindsight.toml", "[editions.public]\nzzzzzz = []\n");
    let d = match site.build() {
        Err(hindsight::Error::Config(d)) => d,
        other => panic!(
            "expected a configuration error, got {:?}",
            other.map(|s| s.reports)
        ),
    };
    assert_eq!(d[0].message, "unknown key `zzzzzz`");
    let hint = d[0].hint.as_deref().unwrap();
    assert!(
        hint.starts_with("the keys here are title, description, base_url, hide"),
        "{hint}"
    );
}

#[test]
fn problems_in_many_files_are_reported_in_one_run() {
    let site = TestSite::empty();
    for case in [
        "unknown-severity",
        "bad-dates",
        "duplicates",
        "no-front-matter",
        "broken-references",
    ] {
        crate::support::copy_tree(
            &crate::support::fixtures().join("invalid").join(case),
            site.root(),
        );
    }
    let Err(Error::Content(d)) = site.build() else {
        panic!("expected content errors")
    };
    let files: std::collections::BTreeSet<_> = d.iter().map(|d| d.file.clone()).collect();
    assert_eq!(files.len(), 8, "{files:?}");
    let sorted = {
        let mut s = d.clone();
        hindsight::diagnostics::sort(&mut s);
        s
    };
    assert_eq!(d, sorted, "diagnostics come sorted");
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_reported_once_and_not_followed() {
    let site = TestSite::fixture("basic");
    let content = site.root().join("content");
    // One link back to content/ from a year folder, one to its own folder.
    std::os::unix::fs::symlink("..", content.join("2023/back")).unwrap();
    std::os::unix::fs::symlink(".", content.join("2022/here")).unwrap();
    let err = site.build().expect_err("loops are errors");
    let Error::Content(d) = err else {
        panic!("{err}")
    };
    assert_eq!(
        lines(&d),
        [
            "content/2022/here:0:0: symbolic link loop; the folder was not read",
            "content/2023/back:0:0: symbolic link loop; the folder was not read",
        ]
    );
}
