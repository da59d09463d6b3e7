use super::*;

#[test]
fn only_plain_relative_paths_are_contained() {
    assert!(is_contained("index.html"));
    assert!(is_contained("postmortems/a/index.html"));
    assert!(!is_contained(""));
    assert!(!is_contained("../x"));
    assert!(!is_contained("a/../../x"));
    assert!(!is_contained("/etc/passwd"));
    assert!(!is_contained("a\\..\\x"));
    assert!(!is_contained("./a"));
}

fn build(out: &Path, files: &[(&str, &str)]) -> Result<Changes> {
    let output = Output::begin(out)?;
    for (path, text) in files {
        output.put(path, text.as_bytes())?;
    }
    output.commit()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_commit_leaves_exactly_the_new_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = build(&out, &[("a/index.html", "one"), ("keep.css", "k")]).unwrap();
    assert_eq!((first.written, first.unchanged, first.removed), (2, 0, 0));
    let second = build(&out, &[("b.html", "two"), ("keep.css", "k")]).unwrap();
    assert_eq!(
        (second.written, second.unchanged, second.removed),
        (1, 1, 1)
    );
    assert!(!out.join("a").exists(), "stale folder left behind");
    assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"two");
    let mut beside = leftovers(dir.path());
    beside.sort();
    assert_eq!(beside, [".public.shadow", "public"]);
    // The shadow keeps links to the files that stayed, and nothing of
    // the old site.
    let mut shadow = leftovers(&dir.path().join(".public.shadow"));
    shadow.sort();
    assert_eq!(shadow, [".gitignore", "keep.css"]);
    assert_eq!(
        inode(&out.join("keep.css")),
        inode(&dir.path().join(".public.shadow/keep.css"))
    );
}

fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn a_damaged_shadow_is_mended_before_it_goes_live() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let site = [("a/index.html", "a"), ("b/index.html", "b"), ("c.css", "c")];
    build(&out, &site).unwrap();
    build(
        &out,
        &[
            ("a/index.html", "a2"),
            ("b/index.html", "b"),
            ("c.css", "c"),
        ],
    )
    .unwrap();
    let shadow = dir.path().join(".public.shadow");
    // A build killed while filling the shadow leaves it unmarked, with
    // files of its own and links replaced.
    std::fs::remove_file(shadow.join(".gitignore")).unwrap();
    std::fs::write(shadow.join("junk.html"), "junk").unwrap();
    std::fs::remove_file(shadow.join("c.css")).unwrap();
    std::fs::write(shadow.join("c.css"), "tampered").unwrap();
    std::fs::remove_dir_all(shadow.join("b")).unwrap();
    std::fs::write(shadow.join("b"), "a file where a folder was").unwrap();
    build(
        &out,
        &[
            ("a/index.html", "a3"),
            ("b/index.html", "b"),
            ("c.css", "c"),
        ],
    )
    .unwrap();
    let mut files: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        [manifest::NAME, "a/index.html", "b/index.html", "c.css"]
    );
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"a3");
    assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"b");
    assert_eq!(std::fs::read(out.join("c.css")).unwrap(), b"c");
}

#[test]
fn staging_folders_of_killed_builds_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, &[("index.html", "one")]).unwrap();
    let dead = dir.path().join(".public.staging-4000000-0");
    std::fs::create_dir_all(dead.join("x")).unwrap();
    let other = dir.path().join(".elsewhere.staging-4000000-0");
    std::fs::create_dir_all(&other).unwrap();
    build(&out, &[("index.html", "two")]).unwrap();
    assert!(!dead.exists());
    assert!(other.exists(), "another output's folder was touched");
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, &[("same.html", "same"), ("edit.html", "old")]).unwrap();
    let inode = |p: &str| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(out.join(p)).unwrap().ino()
    };
    let (same, edit) = (inode("same.html"), inode("edit.html"));
    let changes = build(&out, &[("same.html", "same"), ("edit.html", "new")]).unwrap();
    assert_eq!((changes.written, changes.unchanged), (1, 1));
    assert_eq!(inode("same.html"), same, "an unchanged file was replaced");
    assert_ne!(
        inode("edit.html"),
        edit,
        "a changed file was written in place"
    );
    assert_eq!(std::fs::read(out.join("edit.html")).unwrap(), b"new");
    let noop = build(&out, &[("same.html", "same"), ("edit.html", "new")]).unwrap();
    assert_eq!((noop.written, noop.removed), (0, 0));
}

#[test]
fn files_and_folders_may_trade_places() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let one = [("x", "file"), ("y/index.html", "folder"), ("z", "z")];
    let two = [("x/index.html", "folder"), ("y", "file"), ("z", "z")];
    // Twice, so that the second trade goes through a shadow that holds
    // the first site's links.
    for _ in 0..2 {
        build(&out, &one).unwrap();
        build(&out, &two).unwrap();
        assert_eq!(std::fs::read(out.join("x/index.html")).unwrap(), b"folder");
        assert_eq!(std::fs::read(out.join("y")).unwrap(), b"file");
    }
    build(&out, &one).unwrap();
    assert_eq!(std::fs::read(out.join("x")).unwrap(), b"file");
    assert_eq!(std::fs::read(out.join("y/index.html")).unwrap(), b"folder");
    let shadow = dir.path().join(".public.shadow");
    assert!(
        shadow.join(".gitignore").is_file(),
        "the shadow was left unclean"
    );
}

#[test]
fn an_abandoned_build_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, &[("index.html", "published")]).unwrap();
    {
        let output = Output::begin(&out).unwrap();
        output.put("index.html", b"half-built").unwrap();
        output.put("new.html", b"half-built").unwrap();
    }
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"published");
    assert_eq!(leftovers(dir.path()), ["public"]);
    let mut files = leftovers(&out);
    files.sort();
    assert_eq!(files, [manifest::NAME, "index.html"]);
}

#[test]
fn two_files_at_one_path_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let err = build(&out, &[("a.html", "1"), ("a.html", "2")]).unwrap_err();
    assert!(err.to_string().contains("a.html"), "{err}");
    assert!(!out.exists());
}

#[test]
fn escaping_paths_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let err = build(&out, &[("../evil", "")]).unwrap_err();
    assert!(err.to_string().contains("outside"));
    assert!(!out.exists());
    assert!(!dir.path().join("evil").exists());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn the_site_root_and_its_sources_are_not_output_targets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    let owner = Owner {
        root: root.clone(),
        force: true,
    };
    for out in [
        root.clone(),
        dir.path().to_path_buf(),
        root.join("content"),
        root.join("templates/new"),
    ] {
        let err = Output::begin_for(&out, &owner).err().unwrap();
        assert!(err.downcast_ref::<Refusal>().is_some(), "{err:#}");
    }
    assert!(!root.join("templates").exists(), "a folder was made");
    assert!(Output::begin_for(&root.join("public"), &owner).is_ok());
}

fn start(out: &Path, root: &Path, force: bool) -> Result<Output> {
    let owner = Owner {
        root: root.to_path_buf(),
        force,
    };
    Output::begin_for(out, &owner)
}

#[test]
fn a_folder_without_a_manifest_is_refused_and_forced_aside() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("thesis.tex"), "x").unwrap();
    let err = start(&docs, dir.path(), false).err().unwrap();
    assert!(
        matches!(err.downcast_ref(), Some(Refusal::NoManifest { .. })),
        "{err:#}"
    );
    let output = start(&docs, dir.path(), true).unwrap();
    output.put("index.html", b"site").unwrap();
    let done = output.finish().unwrap();
    assert_eq!(done.moved_aside, Some(dir.path().join("docs.old")));
    assert_eq!(
        std::fs::read(dir.path().join("docs.old/thesis.tex")).unwrap(),
        b"x"
    );
    assert_eq!(std::fs::read(docs.join("index.html")).unwrap(), b"site");
    // Now the site's own: a rebuild needs no force.
    build(&docs, &[("index.html", "again")]).unwrap();
}

#[test]
fn a_file_new_to_the_site_in_a_quick_rebuild_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, &[("a.html", "a")]).unwrap();
    let patch = Output::begin_patch(&out, dir.path()).unwrap();
    patch.put("a.html", b"a2").unwrap();
    patch.put("new/b.html", b"b").unwrap();
    patch.commit().unwrap();
    let listed = manifest::read(&out).unwrap().unwrap().files;
    assert!(listed.contains("a.html") && listed.contains("new/b.html"));
    // So the next full build may remove it.
    let changes = build(&out, &[("a.html", "a3")]).unwrap();
    assert_eq!(changes.removed, 1);
    assert!(!out.join("new").exists());
}

#[test]
fn a_file_by_file_publish_stopped_half_way_leaves_every_file_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, &[("a.html", "a"), ("old.html", "o")]).unwrap();
    let mut output = Output::begin(&out).unwrap();
    output.in_place = true;
    for path in ["a.html", "b.html", "z.html"] {
        output.put(path, b"new").unwrap();
    }
    // Moving `z.html` fails after `a.html` and `b.html` are in place.
    std::fs::remove_file(output.staging.join("z.html")).unwrap();
    assert!(output.commit().is_err());
    assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"new");
    let listed = manifest::read(&out).unwrap().unwrap().files;
    assert!(listed.contains("b.html") && listed.contains("old.html"));
    // The next build owns the folder and finishes the job.
    let mut output = Output::begin(&out).unwrap();
    output.in_place = true;
    output.put("a.html", b"new").unwrap();
    let changes = output.commit().unwrap();
    assert_eq!(changes.removed, 2);
    let mut files = leftovers(&out);
    files.sort();
    assert_eq!(files, [manifest::NAME, "a.html"]);
    let listed = manifest::read(&out).unwrap().unwrap().files;
    assert_eq!(listed, HashSet::from(["a.html".to_string()]));
}

#[test]
fn a_file_put_into_the_output_during_a_build_is_not_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&out, &[("a.html", "a")]).unwrap();
    let output = Output::begin(&out).unwrap();
    output.put("a.html", b"a2").unwrap();
    std::fs::write(out.join("CNAME"), "example.com").unwrap();
    let err = output.commit().unwrap_err();
    assert!(
        matches!(err.downcast_ref(), Some(Refusal::Unlisted { files, .. }) if files == &["CNAME"]),
        "{err:#}"
    );
    assert_eq!(std::fs::read(out.join("CNAME")).unwrap(), b"example.com");
    assert_eq!(std::fs::read(out.join("a.html")).unwrap(), b"a");
}

#[test]
fn the_manifest_name_is_not_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let output = Output::begin(&dir.path().join("public")).unwrap();
    assert!(output.put(manifest::NAME, b"x").is_err());
}
