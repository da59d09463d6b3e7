//! SPEC §7: atomic output, deterministic output, nothing outside the
//! output folder.

use crate::support::{TestSite, snapshot};

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
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
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
    let outside: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside.len(), 2, "only content/ and public/: {outside:?}");
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
