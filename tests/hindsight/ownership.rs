//! Output ownership: a build replaces only a folder it wrote. A wrong
//! `--output` (a hand-made folder, a source of the site, a folder of
//! another site) is refused and leaves every byte as it was; `--force`
//! moves what is in the way aside and deletes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hindsight::output::manifest;
use hindsight::output::ownership::{Overlap, Refusal};
use hindsight::{Error, Summary};

use crate::support::TestSite;

/// One entry of a folder tree: what a user would lose.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

type Tree = BTreeMap<PathBuf, Node>;

/// Every folder, file (with its bytes) and link under `dir`, links not
/// followed; empty when `dir` is missing.
fn tree(dir: &Path) -> Tree {
    let mut tree = Tree::new();
    if dir.symlink_metadata().is_err() {
        return tree;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.unwrap();
        let path = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        let kind = entry.file_type();
        let node = if kind.is_symlink() {
            Node::Link(std::fs::read_link(entry.path()).unwrap())
        } else if kind.is_dir() {
            Node::Dir
        } else {
            Node::File(std::fs::read(entry.path()).unwrap())
        };
        tree.insert(path, node);
    }
    tree
}

/// The paths whose entry differs between two trees, for messages that
/// stay short.
fn changes(before: &Tree, after: &Tree) -> Vec<String> {
    let mut paths: Vec<&PathBuf> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| before.get(*p) != after.get(*p))
        .map(|p| {
            let how = match (before.get(p), after.get(p)) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            };
            format!("{how} {}", p.display())
        })
        .collect()
}

/// Asserts that nothing differs between two trees.
#[track_caller]
fn assert_same(before: &Tree, after: &Tree, what: &str) {
    assert_eq!(changes(before, after), Vec::<String>::new(), "{what}");
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn build_into(site: &TestSite, out: &Path, force: bool) -> Result<Summary, Error> {
    let mut options = site.options();
    options.output = Some(out.to_path_buf());
    options.force = force;
    hindsight::build(&options)
}

/// The refusal a build failed with.
fn refusal(result: Result<Summary, Error>) -> Refusal {
    match result {
        Err(Error::Setup(e)) => match e.downcast_ref::<Refusal>() {
            Some(refusal) => refusal.clone(),
            None => panic!("failed, but not refused: {e:#}"),
        },
        Err(e) => panic!("failed, but not refused: {e}"),
        Ok(_) => panic!("the build was not refused"),
    }
}

/// Builds `site` with the binary, in its folder, into `out` as given.
fn hindsight(site: &TestSite, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .current_dir(site.root())
        .arg("build")
        .args(args)
        .output()
        .expect("run hindsight")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts that the binary refuses `--output out` with exit 2 and a
/// message naming the folder, and leaves the whole site folder as it was.
fn refused_by_the_binary(site: &TestSite, out: &str) -> String {
    let before = tree(site.root());
    let o = hindsight(site, &["--output", out]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let message = stderr(&o);
    assert!(message.contains(&format!("`{out}`")), "{message}");
    assert_same(
        &before,
        &tree(site.root()),
        &format!("--output {out} changed files"),
    );
    message
}

#[test]
fn content_with_an_index_html_in_a_report_folder_is_not_an_output() {
    let site = TestSite::fixture("basic");
    site.write("content/2023/index.html", "<h1>Notes on 2023</h1>");
    let message = refused_by_the_binary(&site, "content");
    assert!(message.contains("--output public"), "{message}");
    assert!(
        site.root()
            .join("content/2023/2023-05-02-search-slow.md")
            .is_file()
    );
    let out = site.root().join("content");
    assert_eq!(
        refusal(build_into(&site, &out, true)),
        Refusal::Source {
            output: out,
            source: "content",
            overlap: Overlap::Is
        },
        "--force must not override the sources"
    );
}

#[test]
fn a_hand_made_www_with_notes_is_refused() {
    let site = TestSite::fixture("basic");
    site.write("www/index.html", "<h1>My page</h1>");
    site.write("www/notes.txt", "do not lose me");
    let message = refused_by_the_binary(&site, "www");
    assert!(message.contains("--force"), "{message}");
    assert!(matches!(
        refusal(build_into(&site, &site.root().join("www"), false)),
        Refusal::NoManifest { .. }
    ));
    assert_eq!(site.read("www/notes.txt"), "do not lose me");
}

#[test]
fn a_docs_folder_kept_for_pages_is_refused() {
    let site = TestSite::fixture("basic");
    site.write("docs/index.html", "<h1>Project</h1>");
    site.write("docs/404.html", "<h1>Lost</h1>");
    site.write("docs/_config.yml", "theme: minima\n");
    write(
        &site.root().join("docs/img/logo.png"),
        &[0x89, b'P', 0, 255],
    );
    refused_by_the_binary(&site, "docs");
    assert!(matches!(
        refusal(build_into(&site, &site.root().join("docs"), false)),
        Refusal::NoManifest { .. }
    ));
}

#[test]
fn templates_with_overrides_are_not_an_output() {
    let site = TestSite::fixture("basic");
    site.write("templates/index.html", "{% extends \"base.html\" %}");
    site.write("templates/report.html", "{% extends \"base.html\" %}");
    refused_by_the_binary(&site, "templates");
    let out = site.root().join("templates");
    assert!(matches!(
        refusal(build_into(&site, &out, true)),
        Refusal::Source {
            source: "templates",
            ..
        }
    ));
}

#[test]
fn static_empty_or_not_is_not_an_output_and_never_nests() {
    let site = TestSite::fixture("basic");
    std::fs::create_dir(site.root().join("static")).unwrap();
    for _ in 0..2 {
        refused_by_the_binary(&site, "static");
    }
    assert_eq!(tree(&site.root().join("static")), Tree::new());
    site.write("static/brand.css", "body { color: teal }");
    refused_by_the_binary(&site, "static");
    assert!(!site.root().join("static/static").exists());
    // Nor a folder inside it, nor one holding it.
    refused_by_the_binary(&site, "static/site");
    assert!(!site.root().join("static/site").exists());
}

#[test]
fn a_folder_inside_content_is_not_an_output_even_before_it_exists() {
    let site = TestSite::fixture("basic");
    refused_by_the_binary(&site, "content/out");
    assert!(!site.root().join("content/out").exists());
    // Spelled with `..` through a folder that does not exist, the same.
    refused_by_the_binary(&site, "nowhere/../content/out");
    assert!(!site.root().join("nowhere").exists());
    // Reached through a link, the same.
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("link")).unwrap();
    refused_by_the_binary(&site, "link/out");
    let out = site.root().join("link/out");
    assert!(matches!(
        refusal(build_into(&site, &out, false)),
        Refusal::Source {
            source: "content",
            overlap: Overlap::Inside,
            ..
        }
    ));
}

#[test]
fn themes_and_a_theme_not_made_yet_are_not_outputs() {
    let site = TestSite::fixture("basic");
    refused_by_the_binary(&site, "themes/default");
    refused_by_the_binary(&site, "themes");
    assert!(!site.root().join("themes").exists());
}

#[test]
fn hindsight_toml_is_not_an_output() {
    let site = TestSite::fixture("basic");
    refused_by_the_binary(&site, "hindsight.toml");
    refused_by_the_binary(&site, "hindsight.toml/public");
    let out = site.root().join("hindsight.toml");
    assert!(matches!(
        refusal(build_into(&site, &out, true)),
        Refusal::Source {
            source: "hindsight.toml",
            ..
        }
    ));
}

#[test]
fn the_site_folder_and_its_parents_are_not_outputs() {
    let site = TestSite::fixture("basic");
    refused_by_the_binary(&site, ".");
    refused_by_the_binary(&site, "..");
    let out = site.root().join("public/..");
    assert!(matches!(
        refusal(build_into(&site, &out, true)),
        Refusal::HoldsTheSite { .. }
    ));
}

#[test]
fn force_moves_a_foreign_folder_aside_and_keeps_every_byte() {
    let site = TestSite::fixture("basic");
    site.write("www/index.html", "<h1>My page</h1>");
    site.write("www/notes.txt", "do not lose me");
    write(&site.root().join("www/deep/data.bin"), &[0, 1, 2, 255]);
    std::fs::create_dir_all(site.root().join("www/empty")).unwrap();
    std::os::unix::fs::symlink("notes.txt", site.root().join("www/link")).unwrap();
    let mine = tree(&site.root().join("www"));

    let o = hindsight(&site, &["--output", "www", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("www.old"), "{stdout}");
    assert_same(&mine, &tree(&site.root().join("www.old")), "www.old");
    assert!(site.root().join("www/postmortems/index.html").is_file());

    // The built folder is the site's now: no force needed, nothing moved.
    let again = build_into(&site, &site.root().join("www"), false).unwrap();
    assert_eq!(again.moved_aside, None);
    assert_eq!(again.changes.written, 0);

    // Foreign again: the next fresh name, the first folder untouched.
    site.write("www/CNAME", "incidents.example.com");
    let built = tree(&site.root().join("www"));
    let forced = build_into(&site, &site.root().join("www"), true).unwrap();
    assert_eq!(forced.moved_aside, Some(site.root().join("www.old.1")));
    assert_same(&built, &tree(&site.root().join("www.old.1")), "www.old.1");
    assert_same(&mine, &tree(&site.root().join("www.old")), "www.old");
}

#[test]
fn force_on_a_failing_build_moves_nothing() {
    let site = TestSite::fixture("basic");
    site.write("www/notes.txt", "do not lose me");
    site.write("content/2023/broken.md", "---\ntitle: x\n---\n");
    let before = tree(site.root());
    assert!(matches!(
        build_into(&site, &site.root().join("www"), true),
        Err(Error::Content(_))
    ));
    assert_same(&before, &tree(site.root()), "a failed build changed files");
}

#[test]
fn a_rebuild_of_a_managed_folder_removes_stale_files() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    let page = "postmortems/2023-05-02-search-slow/index.html";
    assert!(site.out().join(page).is_file());
    let listed = manifest::read(&site.out()).unwrap().unwrap();
    assert!(listed.files.contains(page));
    assert_eq!(listed.root, Path::new(".."));

    std::fs::remove_file(site.root().join("content/2023/2023-05-02-search-slow.md")).unwrap();
    let summary = site.build_ok();
    assert!(summary.changes.removed > 0);
    assert!(!site.out().join(page).exists());
    let listed = manifest::read(&site.out()).unwrap().unwrap();
    assert!(!listed.files.contains(page));
    // Every file of the folder is listed, and every listed file is there.
    let mut on_disk: Vec<String> = tree(&site.out())
        .into_iter()
        .filter(|(_, node)| matches!(node, Node::File(_)))
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .filter(|path| path != manifest::NAME)
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = listed.files.into_iter().collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn the_manifest_names_the_site_folder_relatively() {
    let site = TestSite::fixture("basic");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("www");
    build_into(&site, &out, false).unwrap();
    let text = std::fs::read_to_string(out.join(manifest::NAME)).unwrap();
    assert!(text.starts_with("hindsight-output 1\n"), "{text}");
    let root = site.root().canonicalize().unwrap();
    assert!(
        !text.contains(&root.display().to_string()),
        "an absolute path was published: {text}"
    );
    let named = manifest::read(&out).unwrap().unwrap().root;
    assert!(named.is_relative());
    assert_eq!(out.join(named).canonicalize().unwrap(), root);
}

#[test]
fn a_site_moved_with_its_output_still_owns_it() {
    let parent = tempfile::tempdir().unwrap();
    let site = TestSite::fixture("basic");
    let from = parent.path().join("a");
    crate::support::copy_tree(site.root(), &from);
    let mut options = hindsight::Options::new(&from);
    hindsight::build(&options).unwrap();
    let to = parent.path().join("b");
    std::fs::rename(&from, &to).unwrap();
    options.root = to;
    let summary = hindsight::build(&options).unwrap();
    assert_eq!(summary.changes.written, 0);
}

#[test]
fn an_unlisted_file_in_a_managed_folder_is_refused() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    site.write("public/CNAME", "incidents.example.com");
    std::fs::create_dir(site.root().join("public/drafts")).unwrap();
    site.write("content/2023/2023-07-01-new.md", &new_report());
    let message = refused_by_the_binary(&site, "public");
    assert!(message.contains("static/"), "{message}");
    assert_eq!(
        refusal(site.build()),
        Refusal::Unlisted {
            output: site.out(),
            files: vec!["CNAME".into(), "drafts/".into()],
            aside: site.root().join("public.old"),
        }
    );
    assert_eq!(site.read("public/CNAME"), "incidents.example.com");
}

fn new_report() -> String {
    "---\ntitle: \"New\"\ndate: 2023-07-01T10:00:00Z\nresolved: 2023-07-01T11:00:00Z\nseverity: SEV2\nservices: [search]\n---\n## Summary\n\nNew.\n".into()
}

#[test]
fn a_folder_built_from_another_site_is_refused_naming_that_site() {
    let one = TestSite::fixture("basic");
    let two = TestSite::fixture("basic");
    let shared = tempfile::tempdir().unwrap();
    let out = shared.path().join("www");
    build_into(&one, &out, false).unwrap();
    let before = tree(shared.path());
    let refused = refusal(build_into(&two, &out, false));
    let Refusal::OtherSite { root, .. } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(root, &one.root().canonicalize().unwrap());
    assert!(refused.to_string().contains(&root.display().to_string()));
    assert_same(
        &before,
        &tree(shared.path()),
        "a refused build changed files",
    );
    // Forced, the other site's folder is moved aside whole.
    let forced = build_into(&two, &out, true).unwrap();
    assert_eq!(forced.moved_aside, Some(shared.path().join("www.old")));
    let was: Tree = before
        .iter()
        .filter_map(|(p, n)| Some((p.strip_prefix("www").ok()?.to_path_buf(), n.clone())))
        .filter(|(p, _)| !p.as_os_str().is_empty())
        .collect();
    assert_same(&was, &tree(&shared.path().join("www.old")), "www.old");
}

#[test]
fn a_site_built_by_an_older_hindsight_is_refused_with_a_hint() {
    let site = TestSite::fixture("basic");
    site.build_ok();
    // What an older version left: the site, without a manifest.
    std::fs::remove_file(site.out().join(manifest::NAME)).unwrap();
    let message = refused_by_the_binary(&site, "public");
    assert!(message.contains("older Hindsight"), "{message}");
    // A manifest of a newer format is not read either.
    site.write(
        &format!("public/{}", manifest::NAME),
        "hindsight-output 9\n",
    );
    assert!(matches!(refusal(site.build()), Refusal::BadManifest { .. }));
}

#[test]
fn build_sh_works_on_a_fresh_clone_and_twice_in_a_row() {
    // What build.sh runs after compiling: `build --root . --output public`.
    let site = TestSite::fixture("basic");
    for _ in 0..2 {
        let o = hindsight(&site, &["--root", ".", "--output", "public"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

/// A small, seeded random number generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a generated output location held before the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Missing,
    Empty,
    /// A user's files.
    User,
    /// Built by this site, untouched since.
    Built,
    /// Built by this site, then a file or folder added by hand.
    Touched,
    /// Built by another site.
    Other,
    /// A manifest this build cannot read.
    Garbled,
    /// A file where the folder would be.
    File,
}

/// Random files and folders under `dir`, the kind a user keeps.
fn user_files(rng: &mut Rng, dir: &Path) {
    let names = [
        "index.html",
        "404.html",
        "notes.txt",
        "CNAME",
        ".nojekyll",
        "a/b/c.txt",
        "postmortems/x/index.html",
        "static/style.css",
        manifest::NAME,
    ];
    write(&dir.join("notes.txt"), b"mine");
    for _ in 0..rng.below(4) {
        let name = *rng.pick(&names);
        if name == manifest::NAME && !rng.chance(3) {
            continue;
        }
        let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next() as u8).collect();
        write(&dir.join(name), &bytes);
    }
    if rng.chance(3) {
        std::fs::create_dir_all(dir.join("empty")).unwrap();
    }
}

fn small_site(dir: &Path, title: &str) {
    write(
        &dir.join("content/2024/2024-01-02-outage.md"),
        format!("---\ntitle: \"{title}\"\ndate: 2024-01-02T10:00:00Z\nresolved: 2024-01-02T11:00:00Z\nseverity: SEV2\nservices: [api]\n---\n## Summary\n\nIt broke.\n").as_bytes(),
    );
}

/// Whether a build may replace a folder in `state`, by the rule.
fn replaceable(state: State, force: bool) -> bool {
    matches!(state, State::Missing | State::Empty | State::Built) || force
}

#[test]
fn random_trees_and_outputs_never_lose_a_users_file() {
    let seed: u64 = std::env::var("OWNERSHIP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0051_7e00);
    let cases = 48;
    let mut outcomes = BTreeMap::new();
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case * 0x1000_0001));
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let root = base.join("site");
        small_site(&root, "ours");
        let other = base.join("other");
        small_site(&other, "theirs");
        if rng.chance(2) {
            write(
                &root.join("templates/index.html"),
                b"{% extends \"base.html\" %}",
            );
        }
        if rng.chance(2) {
            std::fs::create_dir_all(root.join("static")).unwrap();
            if rng.chance(2) {
                write(&root.join("static/brand.css"), b"a{}");
            }
        }
        if rng.chance(3) {
            write(&root.join("hindsight.toml"), b"title = \"Ours\"\n");
        }

        // Folders a build may own, and the sources, which it never may.
        let free = [
            base.join("www"),
            base.join("nest/docs"),
            root.join("public"),
            root.join("out"),
            root.join("sub/site"),
        ];
        let sources = [
            root.clone(),
            base.clone(),
            root.join("content"),
            root.join("content/2024"),
            root.join("content/new"),
            root.join("templates"),
            root.join("static"),
            root.join("static/deep"),
            root.join("themes/default"),
            root.join("hindsight.toml"),
        ];
        let mut states = Vec::new();
        for place in &free {
            let state = *rng.pick(&[
                State::Missing,
                State::Empty,
                State::User,
                State::Built,
                State::Touched,
                State::Other,
                State::Garbled,
                State::File,
            ]);
            let built = |from: &Path| {
                let mut options = hindsight::Options::new(from);
                options.output = Some(place.clone());
                hindsight::build(&options).unwrap();
            };
            match state {
                State::Missing => {}
                State::Empty => std::fs::create_dir_all(place).unwrap(),
                State::User => user_files(&mut rng, place),
                State::Built => built(&root),
                State::Touched => {
                    built(&root);
                    if rng.chance(2) {
                        write(&place.join(rng.pick(&["CNAME", "x/y.txt"])), b"mine");
                    } else {
                        std::fs::create_dir_all(place.join("postmortems/mine")).unwrap();
                    }
                }
                State::Other => built(&other),
                State::Garbled => {
                    built(&root);
                    write(&place.join(manifest::NAME), b"hindsight-output one\n");
                }
                State::File => write(place, b"a file"),
            }
            states.push(state);
        }

        // The output: a free place or a source, spelled directly, through
        // `..`, or through a link.
        let to_source = rng.chance(3);
        let (target, state) = if to_source {
            (rng.pick(&sources).clone(), None)
        } else {
            let i = rng.below(free.len());
            (free[i].clone(), Some(states[i]))
        };
        let spelled = match rng.below(3) {
            0 => target.clone(),
            1 => root
                .join("content/../missing/..")
                .join(pathdiff(&target, &root)),
            _ => {
                let link = base.join("link");
                match target.parent() {
                    Some(parent) if parent.is_dir() => {
                        std::os::unix::fs::symlink(parent, &link).unwrap();
                        link.join(target.file_name().unwrap())
                    }
                    _ => target.clone(),
                }
            }
        };
        let force = rng.chance(3);
        let before = tree(&base);
        let own_before = tree(&target);

        let mut options = hindsight::Options::new(&root);
        options.output = Some(spelled.clone());
        options.force = force;
        let result = hindsight::build(&options);
        let what = format!(
            "case {case} (OWNERSHIP_SEED={seed}): --output {} (a {}) {state:?}, force {force}: {}",
            spelled.display(),
            if to_source { "source" } else { "free place" },
            match &result {
                Ok(_) => "built".to_string(),
                Err(e) => format!("{e}"),
            }
        );
        let Ok(summary) = result else {
            assert_eq!(
                changes(&before, &tree(&base)),
                Vec::<String>::new(),
                "{what}: refused, but files changed"
            );
            let allowed = state.is_some_and(|s| replaceable(s, force));
            assert!(!allowed, "{what}: refused a folder the build may replace");
            *outcomes.entry("refused").or_insert(0) += 1;
            continue;
        };
        let state = state.unwrap_or_else(|| panic!("{what}: built into a source"));
        assert!(
            replaceable(state, force),
            "{what}: replaced a folder not its own"
        );
        // What was there is kept, whole, where the build says.
        let aside = summary.moved_aside.clone();
        if matches!(state, State::Missing | State::Empty | State::Built) {
            assert_eq!(aside, None, "{what}");
        } else {
            let aside = aside.unwrap_or_else(|| panic!("{what}: nothing moved aside"));
            if state == State::File {
                assert_eq!(std::fs::read(&aside).unwrap(), b"a file", "{what}");
            } else {
                assert_same(
                    &own_before,
                    &tree(&aside),
                    &format!("{what}: the folder moved aside is not what was there"),
                );
            }
        }
        // Nothing else changed: the sources, the other places, the other
        // site. Only the output, what was moved aside, the folders made to
        // hold the output and the output's hidden companions may differ.
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        let rel = pathdiff(&target, &base);
        let mine = |p: &Path| {
            let companion = rel
                .parent()
                .and_then(|parent| p.strip_prefix(parent).ok())
                .and_then(|rest| rest.components().next())
                .is_some_and(|first| {
                    let n = first.as_os_str().to_string_lossy();
                    n.starts_with(&format!("{name}.old")) || n.starts_with(&format!(".{name}."))
                });
            p.starts_with(&rel) || rel.starts_with(p) || companion
        };
        let outside = |t: &Tree| -> Tree {
            t.iter()
                .filter(|(p, _)| !mine(p))
                .map(|(p, n)| (p.clone(), n.clone()))
                .collect()
        };
        assert_eq!(
            changes(&outside(&before), &outside(&tree(&base))),
            Vec::<String>::new(),
            "{what}"
        );
        *outcomes.entry("built").or_insert(0) += 1;
    }
    println!("{cases} random cases: {outcomes:?}");
    assert!(
        outcomes.get("built").copied().unwrap_or(0) >= cases / 8,
        "{outcomes:?}"
    );
    assert!(
        outcomes.get("refused").copied().unwrap_or(0) >= cases / 8,
        "{outcomes:?}"
    );
}

/// `path` relative to `base`, which holds it.
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}
