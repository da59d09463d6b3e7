//! Finding and reading the reports under `content/`.
//!
//! The walk is sequential and sorted (so diagnostics and output are stable);
//! reading and parsing run in parallel. Every file that cannot be used is
//! reported, never skipped in silence.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::postmortem::{self, Postmortem};

pub const CONTENT_DIR: &str = "content";

/// Lists the Markdown files under `root/content`, sorted. Hidden files and
/// folders (`.git`, editor swap files) are passed over.
pub fn walk(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(CONTENT_DIR, "no-content", "there is no content/ folder")
                .hint("put your postmortems under content/, e.g. content/2023/2023-01-17-icreate-deploy.md"),
        );
        return Vec::new();
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let kind = entry.file_type();
                if path.extension().is_none_or(|e| e != "md") || kind.is_dir() {
                    continue;
                }
                if kind.is_file() {
                    files.push(path.to_path_buf());
                } else {
                    // Opening a FIFO would wait for a writer forever.
                    diagnostics.push(
                        Diagnostic::warning(
                            relative(root, path),
                            "not-a-file",
                            "is not a regular file (a FIFO, socket or device); passed over",
                        )
                        .hint("reports are plain files; remove it or give it another name"),
                    );
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                let message = if e.loop_ancestor().is_some() {
                    "symbolic link loop; the folder was not read".to_string()
                } else {
                    format!(
                        "cannot be read: {}",
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string())
                    )
                };
                diagnostics.push(Diagnostic::error(path, "unreadable", message));
            }
        }
    }
    files
}

/// Reads and parses every file; returns the reports that have no errors.
pub fn load(
    root: &Path,
    files: &[PathBuf],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Postmortem> {
    let results: Vec<(Option<Postmortem>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let mut found = Vec::new();
            let rel = relative(root, file);
            let report = read_text(file, &rel, &mut found)
                .and_then(|text| postmortem::parse(&rel, text, config, &mut found));
            (report, found)
        })
        .collect();
    let mut reports = Vec::with_capacity(results.len());
    for (report, found) in results {
        diagnostics.extend(found);
        reports.extend(report);
    }
    reports
}

/// The largest report file read. The biggest real postmortems are tens of
/// kilobytes; this bounds the memory and time one file can take.
pub const MAX_REPORT_BYTES: u64 = 16 << 20;

/// The file's bytes, or `None` when it holds more than
/// [`MAX_REPORT_BYTES`]. Reads at most one byte past the limit, so a file
/// that grows while it is read is bounded too.
fn read_bounded(file: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(file)?
        .take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_REPORT_BYTES).then_some(bytes))
}

/// Reads a file as UTF-8 text, or explains why it is not.
fn read_text(file: &Path, rel: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let bytes = match read_bounded(file) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            diagnostics.push(
                Diagnostic::error(
                    rel,
                    "too-large",
                    format!(
                        "is larger than {} MB, the most a report may be",
                        MAX_REPORT_BYTES >> 20
                    ),
                )
                .hint("link logs and dumps from the report instead of pasting them in"),
            );
            return None;
        }
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                rel,
                "unreadable",
                format!("cannot be read: {e}"),
            ));
            return None;
        }
    };
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        diagnostics.push(
            Diagnostic::error(rel, "encoding", "the file is UTF-16; reports must be UTF-8")
                .at(1, 1)
                .hint("re-save the file as UTF-8"),
        );
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) if text.contains('\0') => {
            let (line, column) = crate::config::line_col(&text, text.find('\0').unwrap_or(0));
            diagnostics.push(
                Diagnostic::error(
                    rel,
                    "encoding",
                    "the file contains a NUL byte; it does not look like text",
                )
                .at(line, column),
            );
            None
        }
        Ok(text) => Some(shown_controls(text, rel, diagnostics)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = crate::config::line_col(&before, before.len());
            diagnostics.push(
                Diagnostic::error(rel, "encoding", "the file is not valid UTF-8")
                    .at(line, column)
                    .hint("re-save the file as UTF-8"),
            );
            None
        }
    }
}

/// `path` relative to `root`, for naming files in diagnostics.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Replaces the characters that HTML forbids (terminal colour codes pasted
/// with a log, say) with U+FFFD, and warns at the first.
fn shown_controls(text: String, rel: &Path, diagnostics: &mut Vec<Diagnostic>) -> String {
    let Some(at) = text.find(crate::frontmatter::is_forbidden) else {
        return text;
    };
    let c = text[at..].chars().next().unwrap_or_default();
    let (line, column) = crate::config::line_col(&text, at);
    diagnostics.push(
        Diagnostic::warning(
            rel,
            "control-character",
            format!(
                "the file holds control characters (U+{:04X} first), shown as \u{FFFD}",
                c as u32
            ),
        )
        .at(line, column)
        .hint("remove them; a log pasted from a terminal may carry its colour codes"),
    );
    text.replace(crate::frontmatter::is_forbidden, "\u{FFFD}")
}
