//! Starting a library: `hindsight init`, and what a folder without one
//! says to do.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{TestSite, broken_links, describe, page, sel, snapshot, texts};

use crate::support::hindsight;

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", describe(o));
}

/// The sample report `init` wrote, relative to the site folder.
fn sample(root: &Path) -> String {
    let content = root.join("content");
    let found: Vec<String> = walkdir::WalkDir::new(&content)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(found.len(), 1, "one sample report: {found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn init_in_an_empty_folder_gives_a_library_that_checks_clean_and_builds() {
    let site = TestSite::empty();
    let root = site.root().to_str().unwrap();
    let o = hindsight(&["init", root]);
    ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let rel = sample(site.root());
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        rel.starts_with(&format!("content/{year}/")) && rel.ends_with("-welcome.md"),
        "{rel}"
    );
    for written in ["hindsight.toml", ".gitignore", rel.as_str()] {
        assert!(site.root().join(written).is_file(), "no {written}");
        assert!(stdout.contains(written), "{written} not named:\n{stdout}");
    }
    assert!(!site.root().join(".github").exists());
    assert!(!site.root().join(".gitlab-ci.yml").exists());

    ok(&hindsight(&["check", "--root", root, "--deny-warnings"]));
    ok(&hindsight(&["build", "--root", root]));
    let out = site.out();
    assert_eq!(broken_links(&out), Vec::<String>::new());
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let rel = entry.path().strip_prefix(&out).unwrap();
            let doc = page(&out, rel.to_str().unwrap());
            assert!(doc.errors.is_empty(), "{}: {:?}", rel.display(), doc.errors);
            assert_eq!(doc.select(&sel("h1")).count(), 1, "{}", rel.display());
        }
    }
    let slug = Path::new(&rel).file_stem().unwrap().to_str().unwrap();
    let report = page(&out, &format!("postmortems/{slug}/index.html"));
    assert_eq!(
        texts(&report, "h1"),
        ["Welcome: a sample postmortem to start from"]
    );
    let home = page(&out, "index.html");
    assert!(
        home.select(&sel(&format!("a[href*='{slug}']"))).count() > 0,
        "the home page lists the sample"
    );

    // The next step it names works in the new library.
    ok(&hindsight(&[
        "new",
        "2024-05-01-first",
        "--title",
        "The first one",
        "--severity",
        "SEV3",
        "--service",
        "web",
        "--root",
        root,
    ]));
    ok(&hindsight(&["check", "--root", root, "--drafts"]));
}

#[test]
fn the_gitignore_leaves_out_everything_a_build_writes() {
    let site = TestSite::empty();
    let root = site.root().to_str().unwrap();
    ok(&hindsight(&["init", root]));
    let gitignore = site.read(".gitignore");
    let rules: Vec<&str> = gitignore
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    // A folder in the way of a forced build is moved aside, and the lock
    // file lives while a build runs: both beside the output.
    std::fs::create_dir(site.root().join("public")).unwrap();
    std::fs::write(site.root().join("public/mine.txt"), "").unwrap();
    let options = hindsight::Options {
        force: true,
        ..site.options()
    };
    let prepared = hindsight::site::prepare(&options).unwrap();
    let during: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    prepared.commit().0.unwrap();
    let after: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let sources = ["hindsight.toml", "content", ".gitignore"];
    let mut built: Vec<&String> = during
        .iter()
        .chain(&after)
        .filter(|n| !sources.contains(&n.as_str()))
        .collect();
    built.sort();
    built.dedup();
    assert!(built.iter().any(|n| n.starts_with(".public.")), "{built:?}");
    assert!(built.iter().any(|n| *n == "public.old"), "{built:?}");
    for name in built {
        // The rules are of three forms: `/name/`, `/prefix*` and `/prefix*/`.
        let ignored = rules.iter().any(|rule| {
            let rule = rule.trim_start_matches('/').trim_end_matches('/');
            match rule.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == rule,
            }
        });
        assert!(ignored, "{name} is not in .gitignore:\n{gitignore}");
    }
}

#[test]
fn init_refuses_a_library_or_a_file_it_would_overwrite_and_changes_nothing() {
    let site = TestSite::empty();
    let root = site.root().to_str().unwrap();
    ok(&hindsight(&["init", root]));
    let before = snapshot(site.root());
    for args in [
        vec!["init", root],
        vec!["init", root, "--ci", "github"],
        vec!["init", root, "--ci", "gitlab"],
    ] {
        let o = hindsight(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        for named in ["`hindsight.toml`", "`content/`", "`.gitignore`"] {
            assert!(stderr.contains(named), "{named} not named:\n{stderr}");
        }
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(snapshot(site.root()), before, "{args:?} changed a file");
    }

    // A folder of other things is fine, but not one of the files it writes.
    let other = TestSite::empty();
    other.write("README.md", "mine\n");
    other.write(".gitlab-ci.yml", "mine\n");
    let root = other.root().to_str().unwrap();
    let o = hindsight(&["init", root, "--ci", "gitlab"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("`.gitlab-ci.yml`"), "{stderr}");
    assert!(!stderr.contains("`hindsight.toml`"), "{stderr}");
    assert_eq!(
        snapshot(other.root()),
        [
            (".gitlab-ci.yml".into(), b"mine\n".to_vec()),
            ("README.md".into(), b"mine\n".to_vec())
        ]
    );
    ok(&hindsight(&["init", root]));
    assert_eq!(other.read("README.md"), "mine\n");
    assert_eq!(other.read(".gitlab-ci.yml"), "mine\n");
}

#[test]
fn init_creates_a_missing_folder_and_writes_the_ci_setup_asked_for() {
    let parent = TestSite::empty();
    let github = parent.root().join("new/library");
    ok(&hindsight(&[
        "init",
        github.to_str().unwrap(),
        "--ci",
        "github",
    ]));
    for file in [
        "hindsight.toml",
        ".github/workflows/hindsight.yml",
        ".github/workflows/hindsight-check.yml",
    ] {
        assert!(github.join(file).is_file(), "no {file}");
    }
    assert!(!github.join(".gitlab-ci.yml").exists());

    let gitlab = parent.root().join("gitlab");
    ok(&hindsight(&[
        "init",
        gitlab.to_str().unwrap(),
        "--ci",
        "gitlab",
    ]));
    assert!(gitlab.join(".gitlab-ci.yml").is_file());
    assert!(!gitlab.join(".github").exists());

    // Without a folder, the current one.
    let here = parent.root().join("here");
    std::fs::create_dir(&here).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .arg("init")
        .current_dir(&here)
        .output()
        .unwrap();
    ok(&o);
    assert!(here.join("hindsight.toml").is_file());
}

#[test]
fn a_folder_without_a_library_says_to_run_init() {
    let site = TestSite::empty();
    let root = site.root().to_str().unwrap();
    for args in [vec!["build", "--root", root], vec!["check", "--root", root]] {
        let o = hindsight(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("`hindsight init`"), "{stderr}");
        assert!(!stderr.contains("no-content"), "{stderr}");
    }
    assert_eq!(snapshot(site.root()), Vec::new(), "something was written");

    // With a configuration, the missing content/ is the site's problem.
    site.write("hindsight.toml", "title = \"Ours\"\n");
    match site.build() {
        Err(hindsight::Error::Content(d)) => {
            let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
            assert_eq!(codes, ["no-content"]);
        }
        other => panic!("expected a content error, got {other:?}"),
    }
    let o = hindsight(&["build", "--root", root]);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
}
