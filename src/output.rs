//! Writing the site: all or nothing.
//!
//! The whole site is first written to a staging folder next to the output
//! folder, then swapped in with two renames. A build that fails before the
//! swap leaves the previous site exactly as it was.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::fs;

/// One output file: a site-relative path with `/` separators, and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Whether a site-relative path stays inside the output folder: relative,
/// made only of plain names, no `..`, no drive or root.
pub fn is_contained(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\0')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Refuses output folders that would destroy something: the site root
/// itself or a folder that contains it, or a non-empty folder that does not
/// look like a site this tool wrote.
pub fn check_target(root: &Path, out: &Path) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open site folder `{}`", root.display()))?;
    let out_abs = absolute(out)?;
    if root.starts_with(&out_abs) {
        bail!(
            "output folder `{}` contains the site's sources; choose another, e.g. `public`",
            out.display()
        );
    }
    if out_abs.is_dir() {
        let mut entries = std::fs::read_dir(&out_abs)
            .with_context(|| format!("cannot read output folder `{}`", out.display()))?;
        let non_empty = entries.next().is_some();
        if non_empty && !out_abs.join("index.html").is_file() && !out_abs.join("404.html").is_file()
        {
            bail!(
                "output folder `{}` is not empty and does not look like a built site; \
                 refusing to replace it",
                out.display()
            );
        }
    } else if out_abs.exists() {
        bail!("output path `{}` exists and is not a folder", out.display());
    }
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf> {
    // The output folder may not exist yet: resolve its parent instead.
    if let Ok(p) = path.canonicalize() {
        return Ok(p);
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().context("the output folder has no name")?;
    fs::create_dir_all(parent)?;
    Ok(parent
        .canonicalize()
        .with_context(|| format!("cannot open `{}`", parent.display()))?
        .join(name))
}

/// Writes `files` as the new content of `out`, replacing what was there.
pub fn write_atomic(out: &Path, files: &[OutputFile]) -> Result<()> {
    for f in files {
        if !is_contained(&f.path) {
            bail!("refusing to write `{}`: outside the output folder", f.path);
        }
    }
    let out = absolute(out)?;
    let parent = out.parent().context("the output folder has no parent")?;
    let name = out
        .file_name()
        .context("the output folder has no name")?
        .to_string_lossy();
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.new-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }

    let result = write_tree(&staging, files).and_then(|()| swap(&staging, &out, &old));
    if result.is_err() && staging.exists() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> Result<()> {
    let dirs: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    fs::create_dir_all(dir)?;
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        std::fs::write(&path, &f.bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))
    })
}

fn swap(staging: &Path, out: &Path, old: &Path) -> Result<()> {
    if out.exists() {
        fs::rename(out, old)?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the previous site back before giving up.
            let _ = std::fs::rename(old, out);
            return Err(e);
        }
        fs::remove_dir_all(old)?;
    } else {
        fs::rename(staging, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn atomic_write_replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(
            &out,
            &[OutputFile {
                path: "a/index.html".into(),
                bytes: b"one".to_vec(),
            }],
        )
        .unwrap();
        write_atomic(
            &out,
            &[OutputFile {
                path: "b.html".into(),
                bytes: b"two".to_vec(),
            }],
        )
        .unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
    }

    #[test]
    fn escaping_paths_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let err = write_atomic(
            &out,
            &[OutputFile {
                path: "../evil".into(),
                bytes: vec![],
            }],
        )
        .unwrap_err();
        assert!(err.to_string().contains("outside"));
        assert!(!out.exists());
        assert!(!dir.path().join("evil").exists());
    }

    #[test]
    fn the_site_root_and_foreign_folders_are_not_output_targets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_target(&root, &root).is_err());
        assert!(check_target(&root, dir.path()).is_err());
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join("thesis.tex"), "x").unwrap();
        assert!(check_target(&root, &docs).is_err());
        assert!(check_target(&root, &root.join("public")).is_ok());
    }
}
