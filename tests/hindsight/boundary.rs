//! The archive is the boundary: nothing outside the site's folders is ever
//! published. Each case links to a secret that lives in a temporary folder
//! of its own, outside the site, holding a marker no page could contain by
//! chance; then the build is checked for the diagnostic (file, line,
//! column, code) and every file under the site folder (output, staging,
//! shadow) for the marker.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use hindsight::diagnostics::Level;
use hindsight::{Diagnostic, Error};
use tempfile::TempDir;

use crate::hostile::bounded;
use crate::support::{TestSite, at_lines, copy_tree, texts};

/// A valid report of 2024-01-10 with `body` after its front matter, which
/// takes lines 1 to 7: the body starts at line 8.
fn report(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2024-01-10T10:00:00Z\nresolved: 2024-01-10T11:00:00Z\nseverity: SEV2\nservices: [api]\n---\n{body}"
    )
}

/// A folder outside the site with `secret.txt` in it, and the marker that
/// file holds.
fn outside() -> (TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let marker = format!("HINDSIGHT-SECRET-{}-{nanos}", std::process::id());
    std::fs::write(dir.path().join("secret.txt"), format!("token={marker}\n")).unwrap();
    (dir, marker)
}

fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// Every regular file under the site folder that holds `marker` (links are
/// not followed: they are the site's input, not its output).
fn holding(site: &TestSite, marker: &str) -> Vec<String> {
    walkdir::WalkDir::new(site.root())
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
        })
        .map(|e| {
            e.path()
                .strip_prefix(site.root())
                .unwrap()
                .display()
                .to_string()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn assert_not_published(site: &TestSite, marker: &str) {
    assert!(site.root().join("content").is_dir());
    let found = holding(site, marker);
    assert!(found.is_empty(), "the secret was published in {found:?}");
}

/// The diagnostics of a build that must fail, after checking that it wrote
/// no output.
fn failed(site: &TestSite) -> Vec<Diagnostic> {
    match site.build() {
        Err(Error::Content(d)) => {
            assert!(!site.out().exists(), "a failed build wrote output");
            d
        }
        Err(e) => panic!("expected content errors, got: {e}"),
        Ok(_) => panic!("expected content errors, the site built"),
    }
}

/// (file, line, column, level, code) of each diagnostic.
fn places(d: &[Diagnostic]) -> Vec<(String, usize, usize, Level, &'static str)> {
    d.iter()
        .map(|d| {
            (
                d.file.display().to_string(),
                d.line,
                d.column,
                d.level,
                d.code,
            )
        })
        .collect()
}

fn place(
    file: &str,
    line: usize,
    column: usize,
    level: Level,
    code: &'static str,
) -> (String, usize, usize, Level, &'static str) {
    (file.to_string(), line, column, level, code)
}

#[test]
fn files_linked_from_a_report_that_lead_outside_content_are_errors_at_the_link() {
    let (secret, marker) = outside();
    let secret_file = secret.path().join("secret.txt");
    let site = TestSite::empty();
    site.write(
        "content/2024/a.md",
        &report(
            "A",
            "![diagram](diagram.png)\n\nSee [the log](../shared/secret.txt) and [passwd](passwd.txt).\n",
        ),
    );
    let content = site.root().join("content");
    link(&secret_file, &content.join("2024/diagram.png"));
    link(Path::new("/etc/passwd"), &content.join("2024/passwd.txt"));
    link(secret.path(), &content.join("shared"));
    let d = failed(&site);
    assert_eq!(
        places(&d),
        [
            place("content/2024/a.md", 8, 1, Level::Error, "outside-link"),
            place("content/2024/a.md", 10, 5, Level::Error, "outside-link"),
            place("content/2024/a.md", 10, 41, Level::Error, "outside-link"),
            place("content/shared", 0, 0, Level::Warning, "outside-link"),
        ],
        "{:?}",
        at_lines(&d)
    );
    // Each names the link as written and where it really leads.
    let real = secret_file.canonicalize().unwrap();
    for (d, target, leads) in [
        (&d[0], "diagram.png", real.clone()),
        (&d[1], "../shared/secret.txt", real),
        (
            &d[2],
            "passwd.txt",
            Path::new("/etc/passwd").canonicalize().unwrap(),
        ),
    ] {
        assert!(
            d.message.contains(&format!("`{target}`"))
                && d.message.contains(&format!("`{}`", leads.display())),
            "{}",
            d.message
        );
        assert!(d.hint.as_deref().is_some_and(|h| h.contains("copy")));
    }
    assert_not_published(&site, &marker);

    // A copy inside content/, even behind a link, is published: the check
    // is on the real path, not on the link.
    std::fs::copy(&secret_file, content.join("images.png")).unwrap();
    std::fs::remove_file(content.join("2024/diagram.png")).unwrap();
    link(
        Path::new("../images.png"),
        &content.join("2024/diagram.png"),
    );
    std::fs::remove_file(content.join("2024/passwd.txt")).unwrap();
    std::fs::remove_file(content.join("shared")).unwrap();
    site.edit("content/2024/a.md", |t| {
        t.replace(
            " [the log](../shared/secret.txt) and [passwd](passwd.txt)",
            "",
        )
    });
    site.build_ok();
    assert_eq!(
        holding(&site, &marker),
        ["content/images.png", "public/files/2024/diagram.png"]
    );
}

#[test]
fn the_build_environment_is_never_published_through_a_link_to_proc() {
    if !Path::new("/proc/self/environ").exists() {
        eprintln!("note: there is no /proc/self/environ here; the case was not run");
        return;
    }
    let (_secret, marker) = outside();
    let site = TestSite::empty();
    site.write(
        "content/2024/a.md",
        &report("A", "Environment: [env](env.txt).\n"),
    );
    let content = site.root().join("content");
    link(
        Path::new("/proc/self/environ"),
        &content.join("2024/env.txt"),
    );
    link(
        Path::new("/proc/self/environ"),
        &content.join("2024/environ.md"),
    );
    let run = |command: &str, more: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hindsight"))
            .args([command, "--root", site.root().to_str().unwrap()])
            .args(more)
            .env("HINDSIGHT_TEST_CI_TOKEN", &marker)
            .output()
            .unwrap()
    };
    let built = run("build", &[]);
    assert_eq!(
        built.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(!site.out().exists(), "a failed build wrote output");
    assert_not_published(&site, &marker);
    let said = [&built.stdout, &built.stderr].map(|b| String::from_utf8_lossy(b).into_owned());
    assert!(
        said.iter().all(|s| !s.contains(&marker)),
        "the environment was printed: {said:?}"
    );

    let checked = run("check", &["--format", "json"]);
    assert_eq!(checked.status.code(), Some(1));
    let d: Vec<serde_json::Value> = serde_json::from_slice(&checked.stdout).unwrap();
    let got: Vec<(&str, u64, u64, &str, &str)> = d
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("content/2024/a.md", 8, 14, "error", "outside-link"),
            ("content/2024/environ.md", 0, 0, "error", "outside-link"),
        ]
    );
    assert!(
        d[0]["message"].as_str().unwrap().contains("`/proc/"),
        "{}",
        d[0]["message"]
    );
}

#[test]
fn a_fifo_linked_from_a_report_is_an_error_and_is_never_opened() {
    let site = TestSite::empty();
    site.write(
        "content/2024/a.md",
        &report("A", "Capture: ![p](pipe.png)\n"),
    );
    site.write("static/extra.css", "body {}\n");
    for fifo in ["content/2024/pipe.png", "static/pipe.css"] {
        match Command::new("mkfifo").arg(site.root().join(fifo)).status() {
            Ok(status) if status.success() => {}
            _ => {
                eprintln!("note: mkfifo is not available; the FIFO case was not run");
                return;
            }
        }
    }
    let (site, result) = bounded(Duration::from_secs(30), move || {
        let result = site.build();
        (site, result)
    });
    let Err(Error::Content(d)) = result else {
        panic!("a FIFO linked from a report must fail the build")
    };
    assert_eq!(
        places(&d),
        [
            place("content/2024/a.md", 8, 10, Level::Error, "not-a-file"),
            place("static/pipe.css", 0, 0, Level::Warning, "not-a-file"),
        ],
        "{:?}",
        at_lines(&d)
    );
    assert!(d[0].message.contains("FIFO"), "{}", d[0].message);
    assert!(!site.out().exists());

    // Without the link, the FIFO in static/ is passed over with its warning.
    site.edit("content/2024/a.md", |t| t.replace("![p](pipe.png)", ""));
    let (site, summary) = bounded(Duration::from_secs(30), move || {
        let summary = site.build_ok();
        (site, summary)
    });
    assert_eq!(
        places(&summary.warnings)
            .into_iter()
            .filter(|p| p.4 != "no-base-url")
            .collect::<Vec<_>>(),
        [place("static/pipe.css", 0, 0, Level::Warning, "not-a-file")]
    );
    assert!(site.out().join("static/extra.css").is_file());
    assert!(!site.out().join("static/pipe.css").exists());
}

#[test]
fn a_folder_link_outside_content_is_not_walked_and_is_warned_about() {
    let (secret, marker) = outside();
    std::fs::write(
        secret.path().join("2024-02-01-b.md"),
        report("B", &format!("The token is {marker}.\n")),
    )
    .unwrap();
    std::fs::write(
        secret.path().join("broken.md"),
        report("C", "Body.\n").replace("SEV2", "SEV9"),
    )
    .unwrap();
    let site = TestSite::empty();
    site.write("content/2024/a.md", &report("A", "Body.\n"));
    link(secret.path(), &site.root().join("content/shared"));
    let summary = site.build_ok();
    let warned: Vec<&Diagnostic> = summary
        .warnings
        .iter()
        .filter(|d| d.code != "no-base-url")
        .collect();
    assert_eq!(
        places(&warned.iter().map(|d| (*d).clone()).collect::<Vec<_>>()),
        [place(
            "content/shared",
            0,
            0,
            Level::Warning,
            "outside-link"
        )]
    );
    let real = secret.path().canonicalize().unwrap();
    assert!(
        warned[0].message.contains(&format!("`{}`", real.display())),
        "{}",
        warned[0].message
    );
    // Neither report of the folder was read: the broken one gave no error,
    // the other no page.
    assert_eq!(summary.reports, 1);
    assert!(!site.out().join("postmortems/2024-02-01-b").exists());
    assert_not_published(&site, &marker);
    assert_eq!(
        std::fs::read_dir(secret.path()).unwrap().count(),
        3,
        "the outside folder was written to"
    );
}

#[test]
fn a_folder_link_inside_content_still_works_and_gives_no_duplicates() {
    let site = TestSite::empty();
    // A hidden folder, walked only through the link.
    site.write(
        "content/.library/2024-01-10-a.md",
        &report("A", "![d](diagram.png)\n"),
    );
    site.write("content/.library/diagram.png", "png bytes");
    link(Path::new(".library"), &site.root().join("content/2024"));
    // A second way to every report of 2025: the same file, the same name.
    site.write(
        "content/2025/2025-03-01-b.md",
        &report("B", "Body.\n").replace("2024-01-10", "2025-03-01"),
    );
    link(Path::new("2025"), &site.root().join("content/current"));
    let summary = site.build_ok();
    assert_eq!(summary.reports, 2);
    assert_eq!(
        summary
            .warnings
            .iter()
            .filter(|d| d.code != "no-base-url")
            .count(),
        0,
        "{:?}",
        at_lines(&summary.warnings)
    );
    assert_eq!(
        texts(&site.page("postmortems/2024-01-10-a/index.html"), "h1"),
        ["A"]
    );
    assert_eq!(
        texts(&site.page("postmortems/2025-03-01-b/index.html"), "h1"),
        ["B"]
    );
    assert_eq!(
        std::fs::read_to_string(site.out().join("files/2024/diagram.png")).unwrap(),
        "png bytes"
    );
    // Named by the path without the link.
    site.edit("content/2025/2025-03-01-b.md", |t| {
        t.replace("SEV2", "SEV9")
    });
    let Err(Error::Content(d)) = site.build() else {
        panic!("an unknown severity must fail the build")
    };
    assert_eq!(
        places(&d),
        [place(
            "content/2025/2025-03-01-b.md",
            5,
            11,
            Level::Error,
            "unknown-severity"
        )]
    );
}

#[test]
fn a_report_linked_to_a_file_outside_content_is_an_error_naming_it() {
    let (secret, marker) = outside();
    let elsewhere = secret.path().join("elsewhere.md");
    std::fs::write(&elsewhere, report("Linked", &format!("Token {marker}.\n"))).unwrap();
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", "Body.\n"));
    site.write("content/.drafts/kept.md", &report("Kept", "Body.\n"));
    link(&elsewhere, &site.root().join("content/linked.md"));
    // A link to a report inside content/ is read under the link's name.
    link(
        Path::new(".drafts/kept.md"),
        &site.root().join("content/inside.md"),
    );
    let d = failed(&site);
    assert_eq!(
        places(&d),
        [place(
            "content/linked.md",
            0,
            0,
            Level::Error,
            "outside-link"
        )]
    );
    let real = elsewhere.canonicalize().unwrap();
    assert!(
        d[0].message.contains(&format!("`{}`", real.display())),
        "{}",
        d[0].message
    );
    assert_not_published(&site, &marker);
    std::fs::remove_file(site.root().join("content/linked.md")).unwrap();
    site.build_ok();
    assert_eq!(
        texts(&site.page("postmortems/inside/index.html"), "h1"),
        ["Kept"]
    );
    assert_eq!(std::fs::read_dir(secret.path()).unwrap().count(), 2);
}

#[test]
fn static_files_and_templates_linked_outside_their_folder_are_not_published() {
    let (secret, marker) = outside();
    let secret_file = secret.path().join("secret.txt");
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", "Body.\n"));
    // The theme on disk, so that its own static/ can hold a link too.
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.root().join("themes/default"),
    );
    site.write("static/brand.css", "body { color: teal }\n");
    let root = site.root();
    link(&secret_file, &root.join("static/logo.svg"));
    link(secret.path(), &root.join("static/vendor"));
    link(&secret_file, &root.join("templates/leak.html"));
    link(&secret_file, &root.join("themes/default/static/leak.txt"));
    // Inside its folder a link is published like the file.
    link(Path::new("brand.css"), &root.join("static/alias.css"));
    let d = failed(&site);
    assert_eq!(
        places(&d),
        [
            place("static/logo.svg", 0, 0, Level::Error, "outside-link"),
            place("static/vendor", 0, 0, Level::Warning, "outside-link"),
            place("templates/leak.html", 0, 0, Level::Error, "outside-link"),
            place(
                "themes/default/static/leak.txt",
                0,
                0,
                Level::Error,
                "outside-link"
            ),
        ],
        "{:?}",
        at_lines(&d)
    );
    assert!(d[0].message.contains("outside static/"), "{}", d[0].message);
    assert!(
        d[3].message.contains("outside themes/default/static/"),
        "{}",
        d[3].message
    );
    assert_not_published(&site, &marker);
    for file in [
        "static/logo.svg",
        "templates/leak.html",
        "themes/default/static/leak.txt",
    ] {
        std::fs::remove_file(root.join(file)).unwrap();
    }
    let summary = site.build_ok();
    assert_eq!(
        places(&summary.warnings)
            .into_iter()
            .filter(|p| p.4 != "no-base-url")
            .collect::<Vec<_>>(),
        [place("static/vendor", 0, 0, Level::Warning, "outside-link")]
    );
    assert_eq!(
        std::fs::read_to_string(site.out().join("static/alias.css")).unwrap(),
        "body { color: teal }\n"
    );
    assert!(!site.out().join("static/vendor").exists());
    assert_not_published(&site, &marker);
}
