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

/// Orders two paths as [`Path`]'s own order does, folder by folder, for
/// paths written without `.`, doubled or trailing separators (as a walk
/// of a folder gives them). It compares their bytes with the separator
/// below every other byte, rather than splitting both into parts: a
/// walk of an archive sorts tens of thousands of paths.
pub fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let rank = |byte: Option<&u8>| match byte {
        None => None,
        Some(b'/') => Some(0u16),
        Some(&other) => Some(u16::from(other) + 1),
    };
    rank(a.get(same)).cmp(&rank(b.get(same)))
}

#[cfg(test)]
mod tests {
    use super::path_order;
    use std::path::PathBuf;

    /// Seeded paths of a few characters around `/` in byte order (`-`, `.`,
    /// `0`, a space, `a`), compared both ways.
    #[test]
    fn paths_order_as_their_parts_do() {
        let parts = [
            "a", "a-b", "a.b", "ab", "a b", "-", "0", "b", "aa", "a0", ".x",
        ];
        let mut numbers = crate::util::text::seeded_numbers(7);
        let mut next = |n: usize| numbers(n as u64) as usize;
        let paths: Vec<PathBuf> = (0..400)
            .map(|_| {
                let depth = 1 + next(4);
                let mut path = PathBuf::new();
                for _ in 0..depth {
                    path.push(parts[next(parts.len())]);
                }
                path
            })
            .collect();
        for a in &paths {
            for b in &paths {
                assert_eq!(path_order(a, b), a.cmp(b), "{a:?} against {b:?}");
            }
        }
        let absolute = |p: &str| PathBuf::from(p);
        assert_eq!(
            path_order(
                &absolute("/site/content/a/b.md"),
                &absolute("/site/content/a-b.md")
            ),
            std::cmp::Ordering::Less
        );
    }
}
