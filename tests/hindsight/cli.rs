//! The `hindsight` binary: exit codes and what it prints.

use std::process::{Command, Output};

use crate::support::{TestSite, fixtures};

fn hindsight(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(args)
        .output()
        .expect("run hindsight")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn build_succeeds_with_a_one_line_summary() {
    let site = TestSite::fixture("basic");
    let root = site.root().to_str().unwrap();
    let o = hindsight(&["build", "--root", root]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("built 3 postmortems, "), "{stdout}");
}

#[test]
fn build_with_drafts_and_a_custom_output() {
    let site = TestSite::fixture("basic");
    let out = site.root().join("elsewhere");
    let o = hindsight(&[
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--drafts",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        out.join("postmortems/2023-06-01-draft-report/index.html")
            .is_file()
    );
}

#[test]
fn content_errors_exit_1_with_path_line_and_hint() {
    let root = fixtures().join("invalid/unknown-severity");
    let o = hindsight(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some("error: content/2023/2023-01-17-icreate-deploy.md:5:11: unknown severity \"SEV9\"")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("  = did you mean SEV1? expected one of SEV1, SEV2, SEV3, SEV4")
    );
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("basic");
    let o = hindsight(&["check", "--root", site.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!site.out().exists());
}

#[test]
fn check_json_prints_machine_readable_diagnostics() {
    let root = fixtures().join("invalid/broken-references");
    let o = hindsight(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let first = &json[0];
    assert_eq!(first["file"], "content/2023/refs.md");
    assert_eq!(first["line"], 6);
    assert_eq!(first["column"], 11);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-related");
    assert_eq!(json.as_array().unwrap().len(), 2);
}

#[test]
fn configuration_errors_exit_2() {
    let root = fixtures().join("invalid/bad-config");
    let o = hindsight(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: hindsight.toml:2:1: unknown field `base_urll`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        hindsight(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(hindsight(&["frobnicate"]).status.code(), Some(2));
    let missing = hindsight(&["build", "--root", "/nonexistent/site"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("/nonexistent/site"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn check_github_prints_one_annotation_a_diagnostic() {
    let root = fixtures().join("invalid/unknown-severity");
    let o = hindsight(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].starts_with(
            "::error file=content/2023/2023-01-17-icreate-deploy.md,line=5,col=11,title=unknown-severity::unknown severity \"SEV9\"%0Adid you mean SEV1?"
        ),
        "{}",
        lines[0]
    );
}

#[test]
fn deny_warnings_fails_a_check_with_warnings() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/2024/warned.md",
        "---\ntitle: W\ndate: 2024-01-10T10:00:00Z\ndetected: 2024-01-10T09:00:00Z\nseverity: SEV3\nservices: [api]\n---\nBody.\n",
    );
    let root = site.root().to_str().unwrap();
    let plain = hindsight(&["check", "--root", root]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let denied = hindsight(&[
        "check",
        "--root",
        root,
        "--deny-warnings",
        "--format",
        "github",
    ]);
    assert_eq!(denied.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&denied.stdout);
    assert!(
        stdout.lines().any(|l| l
            .starts_with("::warning file=content/2024/warned.md,line=4,col=11,title=time-order::")),
        "{stdout}"
    );
}

#[test]
fn check_counts_its_warnings_in_words_that_agree() {
    let site = crate::support::TestSite::fixture("basic");
    let root = site.root().to_str().unwrap();
    let clean = hindsight(&["check", "--root", root]);
    assert!(
        stderr(&clean).ends_with("ok: no errors, 0 warnings\n"),
        "{}",
        stderr(&clean)
    );
    // One report detected before its impact began: one warning.
    site.write(
        "content/2023/2023-09-09-early.md",
        "---\ntitle: \"Early\"\ndate: 2023-09-09T10:00:00Z\ndetected: 2023-09-09T09:00:00Z\nseverity: SEV2\nservices: [x]\n---\nBody.\n",
    );
    let one = hindsight(&["check", "--root", root]);
    assert!(
        stderr(&one).ends_with("ok: no errors, 1 warning\n"),
        "{}",
        stderr(&one)
    );
}
