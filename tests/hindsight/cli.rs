//! The `hindsight` binary: exit codes and what it prints.

use std::process::{Command, Output};

use crate::support::{TestSite, fixtures};

fn hindsight(args: &[&str]) -> Output {
    hindsight_in(std::path::Path::new("."), args, &[])
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
    let err = stderr(&o);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some("error: hindsight.toml:2:1: unknown key `base_urll`")
    );
    // The closest key, not the whole list.
    assert_eq!(lines.next(), Some("  = did you mean `base_url`?"));
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

/// Runs the binary in `dir` with `env` set and the colour variables of
/// the test's own environment removed.
fn hindsight_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run hindsight")
}

/// `text` without its ANSI escape sequences.
fn without_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

const UNKNOWN_SEVERITY_SNIPPET: &str = "\
error[unknown-severity]: unknown severity \"SEV9\"
 --> content/2023/2023-01-17-icreate-deploy.md:5:11
  |
5 | severity: SEV9
  |           ^^^^
  |
  = help: did you mean SEV1? expected one of SEV1, SEV2, SEV3, SEV4 (hindsight.toml [[severities]])
1 error and 0 warnings; nothing was written
";

#[test]
fn forced_colour_shows_the_source_line_with_the_column_marked() {
    let root = fixtures().join("invalid/unknown-severity");
    for (args, env) in [
        (vec!["check", "--color", "always"], vec![("COLUMNS", "120")]),
        (
            vec!["check"],
            vec![("CLICOLOR_FORCE", "1"), ("COLUMNS", "120")],
        ),
        (vec!["build", "--color", "always"], vec![("NO_COLOR", "1")]),
    ] {
        let o = hindsight_in(&root, &args, &env);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("\u{1b}["), "{args:?} {env:?}: coloured: {err}");
        assert_eq!(
            without_ansi(&err),
            UNKNOWN_SEVERITY_SNIPPET,
            "{args:?} {env:?}"
        );
    }
}

#[test]
fn piped_or_short_diagnostics_stay_one_line_each() {
    let root = fixtures().join("invalid/unknown-severity");
    let one_line =
        "error: content/2023/2023-01-17-icreate-deploy.md:5:11: unknown severity \"SEV9\"";
    for (args, env) in [
        (vec!["check"], vec![]),
        (vec!["check", "--color", "never"], vec![]),
        (vec!["check"], vec![("NO_COLOR", "1")]),
        (
            vec!["check", "--format", "short", "--color", "always"],
            vec![],
        ),
        (
            vec!["build", "--format", "short"],
            vec![("CLICOLOR_FORCE", "1")],
        ),
    ] {
        let o = hindsight_in(&root, &args, &env);
        let err = stderr(&o);
        assert!(
            !err.contains('\u{1b}'),
            "{args:?} {env:?}: no colour: {err}"
        );
        assert_eq!(err.lines().next(), Some(one_line), "{args:?} {env:?}");
    }
}

#[test]
fn a_long_line_is_cut_to_the_terminal_width() {
    let site = TestSite::fixture("basic");
    let rel = "content/2023/2023-01-17-icreate-deploy.md";
    let long = format!("severity: SEV9 {}", "and more words ".repeat(20));
    site.edit(rel, |text| {
        let line = text.lines().find(|l| l.starts_with("severity:")).unwrap();
        text.replace(line, long.trim_end())
    });
    let o = hindsight_in(
        site.root(),
        &["check", "--color", "always"],
        &[("COLUMNS", "60")],
    );
    let err = without_ansi(&stderr(&o));
    let source = err
        .lines()
        .find(|l| l.contains("severity: SEV9"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(source.chars().count() <= 60, "{source:?}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = hindsight(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = String::from_utf8(o.stdout).unwrap();
        for word in ["hindsight", "build", "serve", "base-url", "interface"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    // Bash reads the script without a syntax error.
    let o = hindsight(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hindsight.bash");
    std::fs::write(&file, &o.stdout).unwrap();
    let bash = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(bash.status.success(), "{}", stderr(&bash));
}

#[test]
fn the_man_page_names_every_command() {
    let o = hindsight(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{}",
        &page[..80]
    );
    assert!(page.contains(".TH hindsight 1"), "a section 1 page");
    for command in [
        "build",
        "check",
        "init",
        "import",
        "new",
        "schema",
        "serve",
        "completions",
    ] {
        assert!(page.contains(command), "{command}");
    }
}

#[test]
fn a_site_is_found_from_any_folder_inside_it() {
    let site = TestSite::fixture("basic");
    let inside = site.root().join("content/2023");
    let o = hindsight_in(&inside, &["build", "-q"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "quiet: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        site.out()
            .join("postmortems/2023-01-17-icreate-deploy/index.html")
            .is_file()
    );
    assert!(!inside.join("public").exists(), "not built where it ran");
    // A folder with no site above it is taken as the site, as before.
    let elsewhere = tempfile::tempdir().unwrap();
    let o = hindsight_in(elsewhere.path(), &["check"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds no hindsight.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn short_flags_set_the_root_output_and_base_url() {
    let site = TestSite::fixture("basic");
    let out = site.root().join("elsewhere");
    let o = hindsight(&[
        "build",
        "-r",
        site.root().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-u",
        "https://incidents.example.com/",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = crate::support::page(&out, "postmortems/2023-01-17-icreate-deploy/index.html");
    let canonical: Vec<&str> = doc
        .select(&crate::support::sel("link[rel=canonical]"))
        .filter_map(|l| l.value().attr("href"))
        .collect();
    assert_eq!(
        canonical,
        ["https://incidents.example.com/postmortems/2023-01-17-icreate-deploy/"]
    );
}

#[test]
fn verbose_prints_each_phase_and_quiet_only_problems() {
    let site = TestSite::fixture("basic");
    let root = site.root().to_str().unwrap();
    let o = hindsight(&["build", "-v", "-r", root]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    for phase in ["content took", "pages took", "commit took"] {
        assert!(err.contains(phase), "{phase}: {err}");
    }
    let o = hindsight(&["check", "-q", "-r", root]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", stderr(&o));
    let o = hindsight(&["build", "-q", "-v", "-r", root]);
    assert_eq!(o.status.code(), Some(2), "quiet and verbose conflict");
}

#[test]
fn new_takes_a_date_and_an_id_and_its_scaffold_passes_a_strict_check() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("library");
    let site_arg = site.to_str().unwrap();
    let o = hindsight(&["init", "-q", site_arg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = hindsight_in(
        &site,
        &[
            "new",
            "2022-03-04-db-failover",
            "--title",
            "DB failover",
            "--severity",
            "SEV2",
            "--service",
            "db",
            "--date",
            "2022-03-04T09:40",
            "--id",
            "INC-2022-009",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Under the incident's year, not this one's.
    let file = site.join("content/2022/2022-03-04-db-failover.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let front: Vec<&str> = text.lines().take_while(|l| !l.starts_with("## ")).collect();
    assert!(front.contains(&"id: INC-2022-009"), "{text}");
    assert!(
        front
            .iter()
            .any(|l| l.starts_with("date: 2022-03-04T09:40:00+00:00")),
        "{text}"
    );
    for drafts in [&[][..], &["--drafts"][..]] {
        let mut args = vec!["check", "--deny-warnings", "-r", site_arg];
        args.extend_from_slice(drafts);
        let o = hindsight(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    // A bad date or id is refused, and nothing is written.
    for (flag, value, says) in [
        ("--date", "last tuesday", "is not a date"),
        ("--id", "INC 9", "cannot be an id"),
    ] {
        let o = hindsight_in(
            &site,
            &[
                "new",
                "x-y",
                "--title",
                "T",
                "--severity",
                "SEV2",
                "--service",
                "db",
                flag,
                value,
            ],
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    assert_eq!(
        walkdir::WalkDir::new(site.join("content"))
            .into_iter()
            .filter(|e| e.as_ref().unwrap().path().ends_with("x-y.md"))
            .count(),
        0
    );
}

/// A library of two reports whose action items are late, done, on time
/// and awkward to quote.
fn library_with_follow_ups() -> TestSite {
    let site = TestSite::empty();
    site.write(
        "content/late.md",
        "---\ntitle: Late\ndate: 2023-03-01T10:00:00Z\nseverity: SEV2\nservices: [api]\n---\n\
         ## Action Items\n\n\
         - [ ] Rotate the keys, \"all\" of them @dana OPS-1 OPS-2 due:2020-01-01\n\
         - [x] Page the on-call @lee due:2020-01-01\n\
         - [ ] =HYPERLINK(\"x\") @kim due:2999-01-01\n",
    );
    site.write(
        "content/calm.md",
        "---\ntitle: Calm\ndate: 2023-04-01T10:00:00Z\nseverity: SEV3\nservices: [db]\n---\n\
         ## Action Items\n\n- [ ] Add an index @sam\n",
    );
    site
}

#[test]
fn the_exports_list_every_item_as_json_and_csv() {
    let site = library_with_follow_ups();
    let root = site.root().to_str().unwrap();
    let o = hindsight(&[
        "build",
        "-q",
        "-r",
        root,
        "-u",
        "https://incidents.example.com/",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out().join("action-items.json")).unwrap())
            .unwrap();
    assert_eq!(json["action_items"], 4);
    assert_eq!(json["overdue_action_items"], 1);
    let mut reader = csv::Reader::from_path(site.out().join("action-items.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "report",
            "text",
            "owner",
            "state",
            "due",
            "overdue",
            "tickets",
            "ticket_urls",
            "kind",
            "priority"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let pick = |r: &Vec<String>| [0, 1, 2, 3, 4, 5, 6].map(|k| r[k].clone()).to_vec();
    assert_eq!(
        rows.iter().map(pick).collect::<Vec<_>>(),
        [
            ["calm", "Add an index", "sam", "open", "", "false", ""],
            [
                "late",
                "Rotate the keys, \"all\" of them",
                "dana",
                "open",
                "2020-01-01",
                "true",
                "OPS-1 OPS-2"
            ],
            [
                "late",
                "Page the on-call",
                "lee",
                "done",
                "2020-01-01",
                "false",
                ""
            ],
            // A spreadsheet would run it: it is text.
            [
                "late",
                "'=HYPERLINK(\"x\")",
                "kim",
                "open",
                "2999-01-01",
                "false",
                ""
            ],
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 10));
}

#[test]
fn deny_overdue_fails_a_check_while_follow_up_work_is_late() {
    let site = library_with_follow_ups();
    let root = site.root().to_str().unwrap();
    let o = hindsight(&["check", "-r", root]);
    assert_eq!(o.status.code(), Some(0), "overdue is no problem by default");
    let o = hindsight(&["check", "--deny-overdue", "-r", root, "--format", "short"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with("error: content/late.md:9: action item \"Rotate the keys, \\\"all\\\" of them\" was due 2020-01-01"),
        "{first}"
    );
    assert!(first.ends_with("owned by @dana"), "{first}");
    assert!(
        err.contains("1 action item past due and --deny-overdue: failing"),
        "{err}"
    );
    // In JSON, for a job that files reminders.
    let o = hindsight(&["check", "--deny-overdue", "-r", root, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["overdue-action-item"]);
    // Done late, it passes.
    site.edit("content/late.md", |t| {
        t.replace("- [ ] Rotate", "- [x] Rotate")
    });
    let o = hindsight(&["check", "--deny-overdue", "-r", root]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
