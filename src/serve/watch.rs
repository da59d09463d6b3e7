//! Watching the site's sources: `content/`, `templates/`, `static/`, the
//! theme's folder under `themes/` and `hindsight.toml`. Events reach the
//! main thread as [`Message`]s, and a burst of them (an editor's save is a
//! temporary file, a rename and a change of attributes) is waited out so
//! that it gives one rebuild.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::config::{self, Config};
use crate::source::CONTENT_DIR;

/// How long the sources must stay quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(60);
/// The longest a rebuild waits for quiet, should the writes never stop.
const MOST: Duration = Duration::from_millis(500);

/// What the main thread is told.
pub(super) enum Message {
    /// These sources changed (absolute paths).
    Changed(Vec<PathBuf>),
    /// Ctrl-C or SIGTERM.
    Stop,
}

/// The folders at the root that hold sources, besides the theme's.
const FOLDERS: [&str; 3] = [CONTENT_DIR, "templates", "static"];

pub(super) struct Watch {
    watcher: RecommendedWatcher,
    root: PathBuf,
    /// The theme of the last readable configuration.
    theme: String,
    /// The folders watched, recursively.
    folders: BTreeSet<PathBuf>,
}

impl Watch {
    /// Starts watching the site at `root` (absolute), sending changes to
    /// `send`.
    pub(super) fn start(root: &Path, send: Sender<Message>) -> Result<Watch> {
        let filter = root.to_path_buf();
        let watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            let changed = match event {
                // Events were lost: anything may have changed.
                Ok(event) if event.need_rescan() => vec![filter.clone()],
                Ok(event) if is_change(&event.kind) => event
                    .paths
                    .into_iter()
                    .filter(|p| is_source(&filter, p))
                    .collect(),
                Ok(_) => return,
                Err(e) => {
                    eprintln!("warning: watching the site: {e}");
                    return;
                }
            };
            if !changed.is_empty() {
                let _ = send.send(Message::Changed(changed));
            }
        })
        .context("cannot watch the site's files")?;
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            theme: Config::default().theme,
            folders: BTreeSet::new(),
        };
        // The root itself, for hindsight.toml and folders that appear.
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch `{}`", root.display()))?;
        watch.sync(&[]);
        Ok(watch)
    }

    /// Watches the source folders that exist now: those that appeared, and
    /// those created, removed or replaced since (named in `changed`) anew.
    pub(super) fn sync(&mut self, changed: &[PathBuf]) {
        if let Ok(config) = Config::load(&self.root) {
            self.theme = config.theme;
        }
        let theme = self.root.join("themes").join(&self.theme);
        let wanted: BTreeSet<PathBuf> = FOLDERS
            .iter()
            .map(|name| self.root.join(name))
            .chain([theme])
            .filter(|folder| folder.is_dir())
            .collect();
        for gone in self.folders.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        let mut watched = BTreeSet::new();
        for folder in wanted {
            let known = self.folders.contains(&folder);
            if known && !changed.contains(&folder) {
                watched.insert(folder);
                continue;
            }
            if known {
                let _ = self.watcher.unwatch(&folder);
            }
            match self.watcher.watch(&folder, RecursiveMode::Recursive) {
                Ok(()) => {
                    watched.insert(folder);
                }
                Err(e) => eprintln!("warning: cannot watch `{}`: {e}", folder.display()),
            }
        }
        self.folders = watched;
    }
}

/// Waits for changes, then for the sources to be quiet, and returns every
/// path that changed; `None` when the server is to stop.
pub(super) fn next_burst(messages: &Receiver<Message>) -> Option<Vec<PathBuf>> {
    let Ok(Message::Changed(mut changed)) = messages.recv() else {
        return None;
    };
    let started = Instant::now();
    loop {
        let left = MOST.saturating_sub(started.elapsed());
        if left.is_zero() {
            break;
        }
        match messages.recv_timeout(QUIET.min(left)) {
            Ok(Message::Changed(more)) => changed.extend(more),
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => break,
        }
    }
    changed.sort();
    changed.dedup();
    Some(changed)
}

/// Whether an event can mean new content. Opening and reading files, as
/// every build does, cannot.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether `path` is one of the site's sources: under a source folder or
/// the configuration, and not an editor's scratch file.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut names = relative.iter();
    let source = match names.next().and_then(OsStr::to_str) {
        Some(config::FILE_NAME) => names.next().is_none(),
        Some(top) => top == "themes" || FOLDERS.contains(&top),
        None => false,
    };
    source && !relative.iter().any(is_scratch)
}

/// Hidden files (which builds pass over), and the backup, swap and
/// autosave files of common editors.
fn is_scratch(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with("___jb_tmp___")
        // Vim checks that it may write a folder with this file.
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_content_theme_and_configuration() {
        let root = Path::new("/site");
        for path in [
            "/site/content/2023/a.md",
            "/site/content",
            "/site/templates/base.html",
            "/site/static/style.css",
            "/site/themes/default/templates/report.html",
            "/site/hindsight.toml",
        ] {
            assert!(is_source(root, Path::new(path)), "{path}");
        }
        for path in [
            "/site",
            "/site/public/index.html",
            "/site/README.md",
            "/site/hindsight.toml.bak/x",
            "/site/content/2023/.a.md.swp",
            "/site/content/2023/a.md~",
            "/site/content/2023/#a.md#",
            "/site/content/.git/index",
            "/site/content/4913",
            "/elsewhere/content/a.md",
        ] {
            assert!(!is_source(root, Path::new(path)), "{path}");
        }
    }

    #[test]
    fn reading_is_not_a_change() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(
            notify::event::ModifyKind::Any
        )));
    }

    #[test]
    fn a_burst_gives_one_rebuild() {
        let (send, messages) = std::sync::mpsc::channel();
        let a = PathBuf::from("/site/content/a.md");
        let b = PathBuf::from("/site/content/b.md");
        for path in [&b, &a, &b] {
            send.send(Message::Changed(vec![path.clone()])).unwrap();
        }
        assert_eq!(next_burst(&messages), Some(vec![a, b]));
        send.send(Message::Stop).unwrap();
        assert_eq!(next_burst(&messages), None);
    }
}
