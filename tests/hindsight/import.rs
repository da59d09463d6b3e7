//! `hindsight import`: archives as teams have them (a company's own
//! repository of bare Markdown, a collection with another tool's front
//! matter, the real postmortems of `../shared/corpus/real/`) become
//! libraries that check without errors and build into pages whose links
//! work; the imported folder is never changed, and a second import writes
//! the same files.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{
    TestSite, broken_links, copy_tree, describe, fixtures, hrefs, page, snapshot, texts,
};

use crate::support::hindsight;

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", describe(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of a source fixture in a temporary folder, and a library folder
/// beside it (not yet made).
struct Import {
    _dir: tempfile::TempDir,
    src: PathBuf,
    into: PathBuf,
}

impl Import {
    fn of(src: &Path) -> Import {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("source");
        copy_tree(src, &copy);
        Import {
            src: copy,
            into: dir.path().join("library"),
            _dir: dir,
        }
    }

    fn fixture(name: &str) -> Import {
        Import::of(&fixtures().join("import").join(name))
    }

    fn run(&self, more: &[&str]) -> Output {
        let mut args = vec![
            "import",
            self.src.to_str().unwrap(),
            "--into",
            self.into.to_str().unwrap(),
        ];
        args.extend_from_slice(more);
        hindsight(&args)
    }

    fn root(&self) -> &str {
        self.into.to_str().unwrap()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.into.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// `hindsight check`, which must find no error; returns its warnings.
    fn check_clean(&self, more: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["check", "--root", self.root(), "--format", "json"];
        args.extend_from_slice(more);
        let o = hindsight(&args);
        assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
        let found: Vec<serde_json::Value> =
            serde_json::from_slice(&o.stdout).expect("json diagnostics");
        assert!(found.iter().all(|d| d["severity"] != "error"), "{found:#?}");
        found
    }

    fn build(&self) -> PathBuf {
        ok(&hindsight(&["build", "--root", self.root()]));
        self.into.join("public")
    }
}

/// The front matter of an imported report, as YAML values by key.
fn front(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let split = hindsight::source::frontmatter::split(text).expect("front matter");
    hindsight::source::frontmatter::parse(split.matter, split.matter_line)
        .expect("YAML")
        .into_iter()
        .map(|(k, f)| (k, f.value.to_json()))
        .collect()
}

#[test]
fn a_company_repository_of_bare_markdown_imports_checks_and_builds() {
    let import = Import::fixture("company");
    let before = snapshot(&import.src);
    let stdout = ok(&import.run(&[]));
    assert_eq!(snapshot(&import.src), before, "the imported folder changed");

    // Every report, those without `.md` too, under its year, in ASCII.
    for rel in [
        "content/2019/pm2019-009-kubernetes-network-partition.md",
        "content/2020/pm2020-006-certificate-expiry.md",
        "content/2022/pm2022-002-dns-cache-poisoned.md",
        "content/2023/pm2023-001-total-node-failure.md",
        "content/2024/pm2024-003-zurich-datacenter-power-loss.md",
        "content/undated/pm-draft-cache-stampede-notes.md",
        "content/2023/images/etcd-latency.png",
        "hindsight.toml",
        ".gitignore",
        "import-report.md",
    ] {
        assert!(import.into.join(rel).is_file(), "no {rel}\n{stdout}");
    }
    let report = import.read("content/2023/pm2023-001-total-node-failure.md");
    let fm = front(&report);
    assert_eq!(fm["title"], "Total node failure");
    assert_eq!(fm["id"], "PM2023-001");
    assert_eq!(fm["date"], "2023-02-13T07:30:00Z");
    assert_eq!(fm["severity"], "SEV2");
    assert_eq!(fm["services"], serde_json::json!(["Kubernetes"]));
    assert!(fm.contains_key("resolved") && fm.contains_key("detected"));
    // "All times in CET." in July is read as CET, as the build reads it.
    let dns = front(&import.read("content/2022/pm2022-002-dns-cache-poisoned.md"));
    assert_eq!(dns["date"], "2022-07-19T09:14:00+01:00");
    assert_eq!(dns["severity"], "SEV2", "Priority: P2");
    let draft = front(&import.read("content/undated/pm-draft-cache-stampede-notes.md"));
    assert_eq!(draft["status"], "draft");
    assert!(!draft.contains_key("date"));

    // The guesses are listed, on the terminal and beside the config.
    let ledger = import.read("import-report.md");
    assert!(stdout.contains(&ledger), "the ledger is printed");
    for said in [
        "| date | 2023-02-13T07:30:00Z | timeline, line",
        "| `README.md` | not a report",
        "| `Postmortem template.md` | a template",
        "| `export.csv` | not a report, and no report links to it |",
        "no date found",
    ] {
        assert!(ledger.contains(said), "{said:?} not in\n{ledger}");
    }

    let warnings = import.check_clean(&[]);
    let codes: Vec<&str> = warnings.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(
        codes,
        ["timeline-time"],
        "only the row `1?:??`: {warnings:#?}"
    );

    let out = import.build();
    assert_eq!(broken_links(&out), Vec::<String>::new());
    let doc = page(&out, "postmortems/pm2023-001-total-node-failure/index.html");
    assert_eq!(texts(&doc, "h1"), ["Total node failure"], "the title once");
    let body_links = hrefs(&doc, ".report-body a, article a");
    assert!(
        body_links
            .iter()
            .any(|h| h.contains("pm2019-009-kubernetes-network-partition/#timeline")),
        "the percent-encoded link with a fragment follows the new name: {body_links:?}"
    );
    assert!(
        body_links
            .iter()
            .any(|h| h.contains("pm2021-004-billing-export-stuck/")),
        "the link in angle brackets too: {body_links:?}"
    );
    // The link to the undated draft is its text alone.
    let search = page(
        &out,
        "postmortems/pm2023-007-search-index-corruption/index.html",
    );
    assert!(
        !hrefs(&search, "a")
            .iter()
            .any(|h| h.contains("cache-stampede"))
    );
    assert!(
        texts(&search, "main")
            .concat()
            .contains("the cache stampede notes")
    );
}

#[test]
fn a_second_import_writes_the_same_files_and_keeps_a_persons_edits() {
    let import = Import::fixture("company");
    ok(&import.run(&[]));
    let first = snapshot(&import.into);
    let stdout = ok(&import.run(&[]));
    assert_eq!(snapshot(&import.into), first);
    assert!(stdout.contains("0 files written"), "{stdout}");

    let rel = "content/2019/pm2019-009-kubernetes-network-partition.md";
    let edited = import.read(rel).replace("severity: SEV1", "severity: SEV2");
    std::fs::write(import.into.join(rel), &edited).unwrap();
    let o = import.run(&[]);
    ok(&o);
    assert_eq!(
        import.read(rel),
        edited,
        "an edited report is left as it is"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("left as it is"),
        "{}",
        describe(&o)
    );
}

#[test]
fn a_collection_with_other_tools_front_matter_imports_and_checks() {
    let import = Import::fixture("collection");
    ok(&import.run(&[]));
    let acme = front(&import.read("content/2018/acme-cdn-2018-outage.md"));
    assert_eq!(acme["date"], "2018-07-19T14:05:00Z");
    assert_eq!(acme["resolved"], "2018-07-19T16:40:00Z");
    assert_eq!(
        acme["links"],
        serde_json::json!(["https://engineering.acmecdn.example/2018/07/edge-config-rollout"])
    );
    assert!(
        acme.contains_key("uuid") && acme.contains_key("company"),
        "kept: {acme:?}"
    );
    // A date only in the prose, in its zone.
    let kelpie = front(&import.read("content/2017/kelpie-mail-queue.md"));
    assert_eq!(kelpie["date"], "2017-03-03T09:12:00-08:00");
    // No title: the body's heading, taken out of the body.
    let marrow = import.read("content/2018/marrow-db-failover.md");
    assert_eq!(
        front(&marrow)["title"],
        "Marrow primary database failover went sideways"
    );
    assert!(!marrow.contains("\n# Marrow primary"));
    // TOML and JSON front matter.
    let toml = front(&import.read("content/2019/wrenfield-video-transcoding.md"));
    assert_eq!(toml["date"], "2019-02-11T16:45:00Z");
    let json = front(&import.read("content/2021/bluefin-feature-flags.md"));
    assert_eq!(json["date"], "2021-08-03T10:30:00-07:00");
    let corvid = front(&import.read("content/2022/corvid-cache-eviction.md"));
    assert_eq!(corvid["severity"], "SEV2", "severity_level: high");
    let undated: Vec<_> = std::fs::read_dir(import.into.join("content/undated"))
        .unwrap()
        .collect();
    assert_eq!(undated.len(), 4);

    assert_eq!(import.check_clean(&[]), Vec::<serde_json::Value>::new());
    // With --drafts the drafts without a date are said to wait for one.
    let with_drafts = import.check_clean(&["--drafts"]);
    assert_eq!(
        with_drafts
            .iter()
            .filter(|d| d["code"] == "undated-draft")
            .count(),
        4,
        "{with_drafts:#?}"
    );
    let out = import.build();
    assert_eq!(broken_links(&out), Vec::<String>::new());
    let doc = page(&out, "postmortems/acme-cdn-2018-outage/index.html");
    assert!(
        hrefs(&doc, "a")
            .iter()
            .any(|h| h == "https://engineering.acmecdn.example/2018/07/edge-config-rollout"),
        "the original write-up is linked"
    );
}

#[test]
fn the_real_postmortems_import_check_and_build() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if !dir.is_dir() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but the real corpus is missing at {}",
            dir.display()
        );
        eprintln!(
            "notice: {} is absent; skipping the real-corpus import",
            dir.display()
        );
        return;
    }
    let import = Import::of(&dir);
    let stdout = ok(&import.run(&[]));
    let reports = walkdir::WalkDir::new(import.into.join("content"))
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "md")
        })
        .count();
    assert_eq!(reports, 30, "{stdout}");
    assert!(
        import.into.join("content/2023/0793rebecca.md").is_file(),
        "{stdout}"
    );
    let rebecca = front(&import.read("content/2023/0793rebecca.md"));
    assert_eq!(
        rebecca["title"],
        "Postmortem: Web Stack Outage on December 18, 2023"
    );
    assert_eq!(rebecca["date"], "2023-12-18T10:45:00Z");
    assert_eq!(rebecca["resolved"], "2023-12-18T13:30:00Z");
    let warnings = import.check_clean(&[]);
    let out = import.build();
    // The only broken links are images the authors never committed, as
    // written; each Markdown one is warned of (raw HTML is not read).
    let sources: String = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    for link in broken_links(&out) {
        let target = link.split(": ").nth(1).unwrap_or_default();
        let markdown = sources.contains(&format!("]({target}"));
        let html = sources.contains(&format!("src=\"{target}\""));
        assert!(markdown || html, "a link import wrote is broken: {link}");
        assert!(
            html || warnings.iter().any(|w| w["code"] == "missing-file"
                && w["message"].as_str().is_some_and(|m| m.contains(target))),
            "{link} is not warned of: {warnings:#?}"
        );
    }
}

#[test]
fn a_dry_run_writes_nothing_and_says_what_it_would_do() {
    let import = Import::fixture("collection");
    let stdout = ok(&import.run(&["--dry-run"]));
    assert!(!import.into.exists());
    assert!(
        stdout.contains("# Import report") && stdout.contains("nothing was written"),
        "{stdout}"
    );
}

#[test]
fn excluded_files_are_left_out_and_links_to_them_become_text() {
    let import = Import::fixture("company");
    ok(&import.run(&["--exclude", "PM2019*", "--exclude", "images/**"]));
    assert!(!import.into.join("content/2019").exists());
    let ledger = import.read("import-report.md");
    assert!(
        ledger.contains("| `PM2019-009 - Kubernetes network partition.md` | matches --exclude |"),
        "{ledger}"
    );
    import.check_clean(&[]);
}

#[test]
fn a_library_inside_the_imported_folder_is_refused() {
    let import = Import::fixture("company");
    let inside = import.src.join("site");
    let o = hindsight(&[
        "import",
        import.src.to_str().unwrap(),
        "--into",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("outside it"),
        "{}",
        describe(&o)
    );
    assert!(!inside.exists());
}

#[test]
fn import_settings_are_read_from_the_library_and_checked() {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        "[import]\ndefault_severity = \"SEV9\"\n\n[import.fields]\nopened = \"dates\"\n",
    );
    let import = Import::fixture("collection");
    let o = hindsight(&[
        "import",
        import.src.to_str().unwrap(),
        "--into",
        site.root().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("default_severity \"SEV9\""), "{stderr}");
    assert!(stderr.contains("did you mean \"date\"?"), "{stderr}");

    site.write(
        "hindsight.toml",
        "[import]\ndefault_severity = \"SEV2\"\ndefault_service = \"storefront\"\n",
    );
    ok(&hindsight(&[
        "import",
        import.src.to_str().unwrap(),
        "--into",
        site.root().to_str().unwrap(),
    ]));
    let kestrel = front(&site.read("content/2022/kestrel-sms-gateway.md"));
    assert_eq!(kestrel["severity"], "SEV2");
    let glimmer = front(&site.read("content/undated/glimmer-auth-token-leak.md"));
    assert_eq!(glimmer["services"], serde_json::json!(["Glimmer Accounts"]));
}

#[test]
fn a_file_that_cannot_be_read_is_named_at_its_line_and_the_others_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("old");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("ok.md"), "# Fine\n\nOn May 1, 2023 it broke.\n").unwrap();
    std::fs::write(
        src.join("broken.md"),
        "---\ntitle: T\ntags: [open\n---\nText\n",
    )
    .unwrap();
    std::fs::write(src.join("latin1.md"), b"# Caf\xe9\n").unwrap();
    let into = dir.path().join("library");
    let o = hindsight(&[
        "import",
        src.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let broken = format!(
        "error: {}:4:1: its YAML front matter does not parse",
        src.join("broken.md").display()
    );
    assert!(stderr.contains(&broken), "{stderr}");
    let latin = format!(
        "error: {}:1:6: not UTF-8 text",
        src.join("latin1.md").display()
    );
    assert!(stderr.contains(&latin), "{stderr}");
    assert!(into.join("content/2023/ok.md").is_file());
    let ledger = std::fs::read_to_string(into.join("import-report.md")).unwrap();
    assert!(
        ledger.contains("- `broken.md` (line 4): **not imported**"),
        "{ledger}"
    );
}
