//! The files of the folder being imported, each sorted into a report, a
//! file a report may link to, or a file left out and why. Nothing is passed
//! over without a word: every file left out is listed.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

/// A report file larger than this is left out: no postmortem is this long.
const MAX_REPORT_BYTES: u64 = 16 * 1024 * 1024;

/// What the folder holds.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Report files, relative to the folder, sorted, with their text.
    pub reports: Vec<(PathBuf, Vec<u8>)>,
    /// Other files (images, attachments), relative to the folder: copied
    /// when a report links to them.
    pub others: Vec<PathBuf>,
    /// Files and folders left out, and why.
    pub left_out: Vec<(PathBuf, String)>,
}

/// The `--exclude` patterns, matched against a path relative to the
/// folder (`drafts/**`) and against a file's name (`*.bak`).
pub fn patterns(globs: &[String]) -> Result<GlobSet> {
    let mut set = GlobSetBuilder::new();
    for glob in globs {
        set.add(Glob::new(glob).with_context(|| format!("--exclude {glob:?} is not a pattern"))?);
    }
    set.build().context("the --exclude patterns cannot be used")
}

/// Walks `src`. Symbolic links are not followed, so nothing outside it
/// is read.
pub fn scan(src: &Path, exclude: &GlobSet) -> Result<Scanned> {
    let mut scanned = Scanned::default();
    let mut walk = walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(src);
                let rel = path.strip_prefix(src).unwrap_or(path).to_path_buf();
                scanned.left_out.push((rel, format!("cannot be read: {e}")));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(src)
            .unwrap_or(entry.path())
            .to_path_buf();
        let name = entry.file_name().to_string_lossy();
        let kind = entry.file_type();
        let why = if exclude.is_match(&rel) || exclude.is_match(name.as_ref()) {
            Some("matches --exclude".to_string())
        } else if name.starts_with('.') {
            Some("hidden".to_string())
        } else if kind.is_symlink() {
            Some("a symbolic link: not followed".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            if kind.is_dir() {
                walk.skip_current_dir();
            }
            scanned.left_out.push((rel, why));
            continue;
        }
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            scanned.left_out.push((rel, "not a regular file".into()));
            continue;
        }
        classify(src, rel, &name, &mut scanned)?;
    }
    Ok(scanned)
}

fn classify(src: &Path, rel: PathBuf, name: &str, scanned: &mut Scanned) -> Result<()> {
    if let Some(why) = not_a_report(name) {
        scanned.left_out.push((rel, why.into()));
        return Ok(());
    }
    let extension = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let markdown = matches!(
        extension.as_deref(),
        Some("md" | "markdown" | "mdown" | "mkd")
    );
    let maybe = markdown || matches!(extension.as_deref(), None | Some("txt"));
    if !maybe {
        scanned.others.push(rel);
        return Ok(());
    }
    let path = src.join(&rel);
    let size = std::fs::metadata(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?
        .len();
    if size > MAX_REPORT_BYTES {
        scanned
            .left_out
            .push((rel, "larger than 16 MB: not a report".into()));
        return Ok(());
    }
    let bytes =
        std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if markdown || reads_as_a_report(&bytes) {
        scanned.reports.push((rel, bytes));
    } else {
        scanned.others.push(rel);
    }
    Ok(())
}

/// Why a file is not a report, by its name alone: a README and its kind,
/// or a template.
fn not_a_report(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or_default();
    if matches!(
        stem,
        "readme"
            | "changelog"
            | "contributing"
            | "license"
            | "licence"
            | "code_of_conduct"
            | "security"
            | "summary"
            | "index"
            | "_index"
    ) && (lower.ends_with(".md") || !lower.contains('.'))
    {
        return Some("not a report: the folder's own documentation");
    }
    if lower.contains("template") {
        return Some("a template, not a report");
    }
    None
}

/// Whether a file without the `.md` extension is a Markdown report: text
/// that opens front matter, or has a heading.
fn reads_as_a_report(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default().trim_end();
    first == "---"
        || first == "+++"
        || text.lines().any(|line| {
            let marks = line.bytes().take_while(|b| *b == b'#').count();
            (1..=3).contains(&marks) && line[marks..].starts_with(' ') && line.len() > marks + 1
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readmes_and_templates_are_left_out_by_name() {
        assert!(not_a_report("README.md").is_some());
        assert!(not_a_report("readme").is_some());
        assert!(not_a_report("Postmortem template.md").is_some());
        assert!(not_a_report("_TEMPLATE.md").is_some());
        assert!(not_a_report("PM2023-001 - Total node failure.md").is_none());
        assert!(not_a_report("index-rebuild-outage.md").is_none());
    }

    #[test]
    fn markdown_without_its_extension_is_known_by_a_heading() {
        assert!(reads_as_a_report(b"# DNS cache poisoned\n\nText"));
        assert!(reads_as_a_report(b"---\ntitle: x\n---\n"));
        assert!(!reads_as_a_report(b"a,b,c\n1,2,3\n"));
        assert!(!reads_as_a_report(b"#!/bin/sh\necho hi\n"));
        assert!(!reads_as_a_report(&[0xff, 0xfe, 0x00]));
    }
}
