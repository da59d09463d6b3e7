//! One build at a time per output folder.
//!
//! Two builds writing the same folder would each move their files into
//! place and delete the other's, leaving a site neither of them built. So a
//! build holds an exclusive lock on a small file beside the output folder
//! (`.public.lock` for `public`), which names its process. The operating
//! system drops the lock when the process ends, however it ends, so a build
//! that was killed never blocks the next one. The file is removed when the
//! build is done.
//!
//! Within one process the lock is shared: the preview renders a quick
//! rebuild while a full one is still being prepared, and it orders their
//! commits itself.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

/// The locks this process holds: the lock file's path, the open file that
/// holds the lock, and how many outputs use it.
static HELD: Mutex<Vec<(PathBuf, File, usize)>> = Mutex::new(Vec::new());

/// Held while an output may be written; see the module documentation.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Locks the output folder `out` (absolute), or says which process
    /// already has it.
    pub fn acquire(out: &Path) -> Result<Lock> {
        let path = super::beside(out, "lock");
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = held.iter_mut().find(|(p, _, _)| *p == path) {
            entry.2 += 1;
            return Ok(Lock { path });
        }
        let file = lock_file(&path, out)?;
        held.push((path.clone(), file, 1));
        Ok(Lock { path })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = held.iter().position(|(p, _, _)| *p == self.path) {
            held[i].2 -= 1;
            if held[i].2 == 0 {
                // Removed while still locked: whoever opened it meanwhile
                // finds it gone after locking and tries again.
                let _ = std::fs::remove_file(&self.path);
                held.swap_remove(i);
            }
        }
    }
}

fn lock_file(path: &Path, out: &Path) -> Result<File> {
    let cannot = || format!("cannot lock output folder `{}`", out.display());
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("cannot create lock file `{}`", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut owner = String::new();
                let _ = file.read_to_string(&mut owner);
                let owner = match owner.trim() {
                    "" => String::new(),
                    pid => format!(" (process {pid})"),
                };
                bail!(
                    "another build{owner} is writing output folder `{}`; wait for it to \
                     finish, or build into another folder with --output",
                    out.display()
                );
            }
            Err(TryLockError::Error(e)) => return Err(e).with_context(cannot),
        }
        if !still_named(&file, path) {
            // The previous holder removed the file between our open and our
            // lock: the lock is on a file nobody else will see.
            continue;
        }
        file.set_len(0).with_context(cannot)?;
        file.rewind().with_context(cannot)?;
        write!(file, "{}", std::process::id()).with_context(cannot)?;
        return Ok(file);
    }
}

/// Whether `path` still names the open `file`.
fn still_named(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_in_one_process_shares_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Lock::acquire(&out).unwrap();
        let second = Lock::acquire(&out).unwrap();
        drop(first);
        assert!(dir.path().join(".public.lock").exists());
        drop(second);
        assert!(!dir.path().join(".public.lock").exists());
    }

    #[test]
    fn another_open_file_cannot_take_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let _held = Lock::acquire(&out).unwrap();
        // A second open file description conflicts exactly as another
        // process would.
        let err = lock_file(&dir.path().join(".public.lock"), &out).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("another build"), "{message}");
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
    }
}
