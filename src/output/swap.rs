//! Publishing a whole site in one step.
//!
//! Beside the output folder lives a shadow folder (`.public.shadow` for
//! `public`) that, between builds, holds hard links to the published files.
//! A build that changes something makes the shadow into the new site: it
//! checks that each unchanged file is still a link to the published one,
//! moves the changed files in, and removes what the new site lacks. Then
//! one `renameat2(RENAME_EXCHANGE)` trades the two folders' names, so
//! readers see the old site or the new one, never a mix, and a build
//! killed at any point leaves one of them in place. The old site, now in
//! the shadow, loses the files that changed and becomes the links for the
//! next build.
//!
//! Hard links cost no space for the files' contents, so the shadow takes
//! only its folders' entries. Where the file system cannot do this (no
//! hard links, no exchange: not Linux, FAT), the build falls back to moving
//! each changed file into place, which keeps every file whole but not the
//! site as one.

use std::io::{self, ErrorKind};
use std::path::Path;

/// Swaps the names of two folders on one file system, atomically.
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(ErrorKind::Unsupported))
}

/// Whether an error says the file system cannot do what the shadow needs,
/// rather than that something went wrong (no space, no permission).
pub fn is_unsupported(e: &io::Error) -> bool {
    if e.kind() == ErrorKind::Unsupported {
        return true;
    }
    #[cfg(unix)]
    {
        matches!(
            e.raw_os_error(),
            // EBUSY: the output folder is a mount point; EPERM: hard links
            // refused (FAT, some network and FUSE file systems).
            Some(
                libc::EINVAL
                    | libc::ENOSYS
                    | libc::EOPNOTSUPP
                    | libc::EXDEV
                    | libc::EMLINK
                    | libc::EBUSY
                    | libc::EPERM
            )
        )
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Whether `shadow/path` is a hard link to `live/path`.
pub fn is_link(live: &Path, shadow: &Path, path: &str) -> bool {
    same_file(&live.join(path), &shadow.join(path))
}

/// Makes `shadow/path` a hard link to `live/path`.
pub fn link(live: &Path, shadow: &Path, path: &str) -> io::Result<()> {
    clear(shadow, path)?;
    std::fs::hard_link(live.join(path), shadow.join(path))
}

/// Makes room at `root/path` for a new file: removes what is there, and
/// makes its parent folders ([`make_parents`]).
pub fn clear(root: &Path, path: &str) -> io::Result<()> {
    let to = root.join(path);
    match to.symlink_metadata() {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(&to)?,
        Ok(_) => std::fs::remove_file(&to)?,
        Err(_) => {}
    }
    make_parents(root, path)
}

/// Creates the parent folders of `root/path`, removing any file that sits
/// where one of them must be.
pub fn make_parents(root: &Path, path: &str) -> io::Result<()> {
    let mut at = root.to_path_buf();
    let segments: Vec<&str> = path.split('/').collect();
    for segment in &segments[..segments.len().saturating_sub(1)] {
        at.push(segment);
        match at.symlink_metadata() {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                std::fs::remove_file(&at)?;
                std::fs::create_dir(&at)?;
            }
            Err(_) => std::fs::create_dir(&at)?,
        }
    }
    Ok(())
}

/// Removes the file `root/path`, if it is there, and then its parent
/// folders as long as they are empty, up to `root`. A folder at `path`, or
/// a file where a parent folder would be, belongs to the new site and
/// stays.
pub fn prune(root: &Path, path: &str) -> io::Result<()> {
    let target = root.join(path);
    if target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    match std::fs::remove_file(&target) {
        Ok(()) => {}
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    let mut at = target.parent();
    while let Some(dir) = at {
        if dir == root || std::fs::remove_dir(dir).is_err() {
            break;
        }
        at = dir.parent();
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a.symlink_metadata(), b.symlink_metadata()) {
        (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}
