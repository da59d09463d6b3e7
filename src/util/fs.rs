//! File-system helpers that name the path in every error.
//!
//! The generator's writes go through here, so that a failure always says
//! which file it was about; reads of reports and linked files go through
//! the archive's boundary (`source::Boundary`) instead.

use std::path::Path;

use anyhow::{Context, Result};

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("failed to create folder `{}`", path.display()))
}

/// Writes a file, creating its parent folders when they are missing. A
/// build writes tens of thousands of files, most into folders that exist
/// by then: it tries the file first, and makes folders only when that
/// says they are missing, rather than asking for them before every file.
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    let written = match std::fs::write(path, contents) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match path.parent() {
            Some(parent) => {
                create_dir_all(parent)?;
                std::fs::write(path, contents)
            }
            None => Err(e),
        },
        other => other,
    };
    written.with_context(|| format!("failed to write `{}`", path.display()))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("failed to move `{}` to `{}`", from.display(), to.display()))
}

pub fn remove_dir_all(path: &Path) -> Result<()> {
    std::fs::remove_dir_all(path).with_context(|| format!("failed to remove `{}`", path.display()))
}

pub fn remove_file(path: &Path) -> Result<()> {
    std::fs::remove_file(path).with_context(|| format!("failed to remove `{}`", path.display()))
}
