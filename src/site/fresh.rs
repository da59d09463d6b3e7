//! A rebuild of what did not change: nothing to do.
//!
//! What a build makes depends on the site's files (`hindsight.toml`,
//! `content/`, `templates/`, `static/`, `themes/`), the build's options
//! (edition, drafts, base URL, build date) and the program itself. A build
//! leaves beside its output a record of them: a hash of all of them (each
//! file's path, size and time of last change, as make and cargo know a
//! changed file), its counts and its warnings (`.public.fresh` for
//! `public`).
//! A build that finds the same hash for an output that is whole (its own,
//! every file its manifest lists still there) leaves it as it is and says
//! so, with the warnings of the build that made it, like cargo's "Fresh".
//! Anything else (a file written, added or removed, another option, a new
//! program, a missing output file, no record) is a full build, which
//! writes only the files whose bytes changed.
//!
//! The record stays out of the output: it would make the output depend on
//! where the site lives and on the program's file, and warnings can name
//! what a public edition leaves out. A build forgets it just before it
//! changes the output, and so does the preview's quick rebuild.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Options, Summary};
use crate::diagnostics::{CODES, Diagnostic, Level};
use crate::output::{self, Changes};

/// Bumped when the record's form changes.
const VERSION: u32 = 1;

/// The inputs of a build, hashed.
pub(super) struct Fresh {
    fingerprint: String,
}

/// What a build leaves beside its output.
#[derive(Serialize, Deserialize)]
struct Record {
    version: u32,
    fingerprint: String,
    reports: usize,
    pages: usize,
    files: usize,
    warnings: Vec<Stored>,
    notes: Vec<Stored>,
}

/// A diagnostic as the record keeps it.
#[derive(Serialize, Deserialize)]
struct Stored {
    file: PathBuf,
    line: usize,
    column: usize,
    error: bool,
    code: String,
    message: String,
    hint: Option<String>,
}

impl Fresh {
    /// The inputs of a build with `options`, or `None` when they cannot
    /// all be read (a full build then says why).
    pub(super) fn of(options: &Options) -> Option<Fresh> {
        if options.force {
            return None;
        }
        let root = options.root.canonicalize().ok()?;
        let mut hash = std::hash::DefaultHasher::new();
        hash.write(env!("CARGO_PKG_VERSION").as_bytes());
        let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
        hash.write_u64(exe.len());
        hash.write_u128(since_epoch(&exe)?);
        hash.write(root.as_os_str().as_encoded_bytes());
        let settings = format!(
            "{:?} {} {:?} {}",
            options.edition,
            options.drafts,
            options.base_url,
            options.build_date()
        );
        hash.write(settings.as_bytes());
        for (path, digest) in inputs(&root)? {
            hash.write(path.as_os_str().as_encoded_bytes());
            hash.write_u64(digest);
        }
        Some(Fresh {
            fingerprint: format!("{:016x}", hash.finish()),
        })
    }

    /// What the build that made the output `out` said, when it was built
    /// from the same inputs and is whole. The caller has taken the output
    /// as a full build does: locked, and checked to be the site's.
    pub(super) fn unchanged(&self, out: &Path, started: Instant) -> Option<Summary> {
        let bytes = std::fs::read(record_of(out)).ok()?;
        let record: Record = serde_json::from_slice(&bytes).ok()?;
        if record.version != VERSION || record.fingerprint != self.fingerprint {
            return None;
        }
        let manifest = output::manifest::read(out).ok()??;
        let whole = manifest.files.len() == record.files
            && manifest.files.par_iter().all(|f| out.join(f).is_file());
        if !whole {
            return None;
        }
        let diagnostics = |stored: Vec<Stored>| -> Option<Vec<Diagnostic>> {
            stored.into_iter().map(Stored::diagnostic).collect()
        };
        let warnings = diagnostics(record.warnings)?;
        let notes = diagnostics(record.notes)?;
        Some(Summary {
            reports: record.reports,
            pages: record.pages,
            files: record.files,
            changes: Changes {
                written: 0,
                unchanged: record.files,
                removed: 0,
            },
            elapsed: started.elapsed(),
            warnings,
            notes,
            moved_aside: None,
        })
    }

    /// Records, beside the output `out`, that a build of these inputs
    /// made `summary`. Failing to is no failure: the next build is a full
    /// one.
    pub(super) fn remember(&self, out: &Path, summary: &Summary) {
        let record = Record {
            version: VERSION,
            fingerprint: self.fingerprint.clone(),
            reports: summary.reports,
            pages: summary.pages,
            files: summary.files,
            warnings: summary.warnings.iter().map(Stored::of).collect(),
            notes: summary.notes.iter().map(Stored::of).collect(),
        };
        if let Ok(json) = serde_json::to_vec(&record) {
            let _ = crate::util::fs::write(&record_of(out), &json);
        }
    }
}

/// Forgets what the output `out` was built from: it is about to change.
pub(super) fn forget(out: &Path) {
    let _ = std::fs::remove_file(record_of(out));
}

/// Where the record of the output `out` is kept.
fn record_of(out: &Path) -> PathBuf {
    output::beside(out, "fresh")
}

/// When `meta`'s file last changed, in nanoseconds since 1970.
fn since_epoch(meta: &std::fs::Metadata) -> Option<u128> {
    let changed = meta.modified().ok()?;
    Some(
        changed
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos(),
    )
}

impl Stored {
    fn of(d: &Diagnostic) -> Stored {
        Stored {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            error: d.level == Level::Error,
            code: d.code.to_string(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }

    /// `None` for a code this program does not know.
    fn diagnostic(self) -> Option<Diagnostic> {
        let code = CODES.iter().find(|c| **c == self.code)?;
        Some(Diagnostic {
            file: self.file,
            line: self.line,
            column: self.column,
            level: if self.error {
                Level::Error
            } else {
                Level::Warning
            },
            code,
            message: self.message,
            hint: self.hint,
        })
    }
}

/// Every file a build may read, site-relative and sorted, with a hash of
/// its size and time of last change, as make and cargo know a changed
/// file (reading every byte would cost a tenth of a build); `None` when one
/// cannot be looked at.
fn inputs(root: &Path) -> Option<Vec<(PathBuf, u64)>> {
    use crate::util::layout;
    let mut paths: Vec<PathBuf> = vec![PathBuf::from(layout::CONFIG)];
    for dir in [
        layout::CONTENT,
        layout::TEMPLATES,
        layout::STATIC,
        layout::THEMES,
    ] {
        let walk = walkdir::WalkDir::new(root.join(dir)).follow_links(true);
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e)
                    if e.io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
                {
                    continue;
                }
                Err(_) => return None,
            };
            if !entry.file_type().is_dir() {
                paths.push(entry.path().strip_prefix(root).ok()?.to_path_buf());
            }
        }
    }
    paths.sort_unstable_by(|a, b| crate::util::fs::path_order(a, b));
    // A look at each file, on every core.
    paths
        .into_par_iter()
        .filter_map(|rel| match std::fs::metadata(root.join(&rel)) {
            Ok(meta) => {
                let mut hash = std::hash::DefaultHasher::new();
                hash.write_u64(meta.len());
                hash.write_u128(since_epoch(&meta).unwrap_or_default());
                Some(Some((rel, hash.finish())))
            }
            // `hindsight.toml` may be missing; the build says so.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => Some(None),
        })
        .collect()
}
