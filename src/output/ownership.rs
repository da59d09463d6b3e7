//! Which folders a build may replace.
//!
//! A build replaces its output folder wholesale, so a wrong `--output`
//! could destroy anything. Two rules keep it to folders it wrote:
//!
//! - The output is never the site folder or a folder holding it, and never
//!   is, holds or lies inside one of the site's sources: `content/`,
//!   `templates/`, `static/`, `themes/` and `hindsight.toml`, whether they
//!   exist yet or not. Paths are compared after resolving symbolic links
//!   and `..` as far as they exist.
//! - A folder is replaced only when it is missing, empty, or holds the
//!   manifest of a build of the same site ([`super::manifest`]) and
//!   nothing the manifest does not list. Anything else is refused, or with
//!   `--force` moved aside to a fresh name beside it (`public.old`,
//!   `public.old.1`, …), never deleted.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use super::manifest::{self, Manifest, Problem};

/// The site's sources, relative to the site folder, that an output may
/// not overlap. `themes/` holds the configured theme and any other.
pub use crate::util::layout::SOURCES;

/// How many unlisted files a refusal names before it counts the rest.
const NAMED: usize = 5;

/// Why a build will not write an output folder. `output` is the folder as
/// it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The output is the site folder or holds it.
    HoldsTheSite { output: PathBuf },
    /// The output is, holds or lies inside a source of the site.
    Source {
        output: PathBuf,
        source: &'static str,
        overlap: Overlap,
    },
    /// A file, or a link to nothing, is where the folder would be.
    NotAFolder { output: PathBuf, aside: PathBuf },
    /// A non-empty folder without a manifest.
    NoManifest { output: PathBuf, aside: PathBuf },
    /// A manifest this build cannot read.
    BadManifest {
        output: PathBuf,
        why: String,
        aside: PathBuf,
    },
    /// The manifest of a build of another site folder.
    OtherSite {
        output: PathBuf,
        /// The site folder it names, resolved from the output folder.
        root: PathBuf,
        aside: PathBuf,
    },
    /// Files or folders in a managed folder that no build wrote.
    Unlisted {
        output: PathBuf,
        /// Site-relative; folders end in `/`.
        files: Vec<String>,
        aside: PathBuf,
    },
}

/// How an output overlaps a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    Is,
    Inside,
    Holds,
}

impl Refusal {
    /// The output folder refused, as given.
    pub fn output(&self) -> &Path {
        match self {
            Refusal::HoldsTheSite { output }
            | Refusal::Source { output, .. }
            | Refusal::NotAFolder { output, .. }
            | Refusal::NoManifest { output, .. }
            | Refusal::BadManifest { output, .. }
            | Refusal::OtherSite { output, .. }
            | Refusal::Unlisted { output, .. } => output,
        }
    }

    /// Whether `--force` would move the folder aside and build. Never for
    /// the site folder or its sources.
    pub fn can_force(&self) -> bool {
        !matches!(self, Refusal::HoldsTheSite { .. } | Refusal::Source { .. })
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let out = self.output().display();
        let force = |aside: &Path| {
            format!(
                "or pass --force, which first moves the folder aside to `{}` and deletes nothing",
                aside.display()
            )
        };
        match self {
            Refusal::HoldsTheSite { .. } => write!(
                f,
                "output folder `{out}` is or contains the site folder: a build would replace the site's sources\n  \
                 = choose a folder of its own for the site, e.g. `--output public`"
            ),
            Refusal::Source {
                source, overlap, ..
            } => {
                let how = match overlap {
                    Overlap::Is => "is",
                    Overlap::Inside => "is inside",
                    Overlap::Holds => "contains",
                };
                write!(
                    f,
                    "output folder `{out}` {how} the site's `{source}`: a build would replace the site's own files\n  \
                     = choose a folder of its own for the site, outside content/, templates/, static/ and themes/, e.g. `--output public`"
                )
            }
            Refusal::NotAFolder { aside, .. } => write!(
                f,
                "output path `{out}` exists and is not a folder: refusing to replace it\n  \
                 = choose another folder with --output, {}",
                force(aside)
            ),
            Refusal::NoManifest { aside, .. } => write!(
                f,
                "output folder `{out}` is not empty and was not built by Hindsight (it has no `{}`): refusing to replace it\n  \
                 = a build replaces only a folder it wrote; choose an empty or new folder with --output. \
                 Built by an older Hindsight? delete it, {}",
                manifest::NAME,
                force(aside)
            ),
            Refusal::BadManifest { why, aside, .. } => write!(
                f,
                "output folder `{out}` has a `{}` that this Hindsight cannot read ({why}): refusing to replace it\n  \
                 = choose another folder with --output, {}",
                manifest::NAME,
                force(aside)
            ),
            Refusal::OtherSite { root, aside, .. } => write!(
                f,
                "output folder `{out}` was built from another site folder, `{}`: refusing to replace it\n  \
                 = build that site into it, choose another folder with --output, {}",
                root.display(),
                force(aside)
            ),
            Refusal::Unlisted { files, aside, .. } => {
                let mut named: Vec<String> =
                    files.iter().take(NAMED).map(|f| format!("`{f}`")).collect();
                if files.len() > NAMED {
                    named.push(format!("and {} more", files.len() - NAMED));
                }
                write!(
                    f,
                    "output folder `{out}` holds {} that no build wrote, which a build would delete: {}\n  \
                     = to publish a file with the site, put it in the site's `static/` (it is copied to `static/` of every build); \
                     move other files out of the output folder, {}",
                    if files.len() == 1 { "a file" } else { "files" },
                    named.join(", "),
                    force(aside)
                )
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// `path` made absolute, its symbolic links and `..` resolved as far as it
/// exists; the rest, which does not exist yet, is resolved by name.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let parts: Vec<Component<'_>> = absolute.components().collect();
    for end in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..end].iter().collect();
        let Ok(mut resolved) = prefix.canonicalize() else {
            continue;
        };
        for part in &parts[end..] {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::Normal(name) => resolved.push(name),
                _ => {}
            }
        }
        return Ok(resolved);
    }
    // Not even the file-system root could be resolved.
    Ok(absolute)
}

/// Refuses an output (`out`, resolved; `shown` as given) that is the site
/// folder `root` (canonical) or holds it, or overlaps one of its sources.
pub fn check_sources(root: &Path, out: &Path, shown: &Path) -> Result<(), Refusal> {
    if root.starts_with(out) {
        return Err(Refusal::HoldsTheSite {
            output: shown.to_path_buf(),
        });
    }
    for source in SOURCES {
        // A source may be a link elsewhere; resolved, it is compared where
        // it really is.
        let at = resolve(&root.join(source)).unwrap_or_else(|_| root.join(source));
        let overlap = if out == at {
            Overlap::Is
        } else if out.starts_with(&at) {
            Overlap::Inside
        } else if at.starts_with(out) {
            Overlap::Holds
        } else {
            continue;
        };
        return Err(Refusal::Source {
            output: shown.to_path_buf(),
            source,
            overlap,
        });
    }
    Ok(())
}

/// What is at an output folder.
#[derive(Debug)]
pub enum Found {
    /// Nothing yet.
    Missing,
    /// An empty folder.
    Empty,
    /// A folder a build of this site wrote, holding only files its
    /// manifest lists.
    Ours(Manifest),
}

/// Looks at the output folder `out` (absolute; `shown` as given) for a
/// build of the site folder `root` (canonical). `quick`: a rebuild of a
/// few pages, which checks only that the manifest names this site and
/// does not walk the folder.
pub fn inspect(out: &Path, shown: &Path, root: &Path, quick: bool) -> Result<Found, Refusal> {
    let aside = || shown_aside(out, shown);
    let meta = match out.symlink_metadata() {
        Ok(meta) => meta,
        Err(_) => return Ok(Found::Missing),
    };
    if !meta.is_dir() {
        return Err(Refusal::NotAFolder {
            output: shown.to_path_buf(),
            aside: aside(),
        });
    }
    let bad = |problem: Problem| Refusal::BadManifest {
        output: shown.to_path_buf(),
        why: problem.to_string(),
        aside: aside(),
    };
    let read = if quick {
        manifest::read_root(out).map(|root| {
            root.map(|root| Manifest {
                root,
                files: HashSet::new(),
            })
        })
    } else {
        manifest::read(out)
    };
    let Some(manifest) = read.map_err(bad)? else {
        let empty = std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_none());
        if empty {
            return Ok(Found::Empty);
        }
        return Err(Refusal::NoManifest {
            output: shown.to_path_buf(),
            aside: aside(),
        });
    };
    let named = out.join(&manifest.root);
    if named.canonicalize().ok().as_deref() != Some(root) {
        return Err(Refusal::OtherSite {
            output: shown.to_path_buf(),
            root: resolve(&named).unwrap_or(named),
            aside: aside(),
        });
    }
    if !quick {
        let mut files = unlisted(out, &manifest.files);
        if !files.is_empty() {
            // Another build of this process (the preview's) may have
            // published while the folder was walked: what its manifest
            // lists is the site's too.
            if let Ok(Some(now)) = manifest::read(out)
                && now.root == manifest.root
                && now.files != manifest.files
            {
                let both: HashSet<String> = manifest.files.union(&now.files).cloned().collect();
                files = unlisted(out, &both);
            }
        }
        if !files.is_empty() {
            return Err(Refusal::Unlisted {
                output: shown.to_path_buf(),
                files,
                aside: aside(),
            });
        }
    }
    Ok(Found::Ours(manifest))
}

/// The files and folders under `out` that are neither a listed file, a
/// folder holding one, nor the manifest; site-relative, folders ending in
/// `/`. A folder that could not be read counts as unlisted.
pub fn unlisted(out: &Path, files: &HashSet<String>) -> Vec<String> {
    let mut folders: HashSet<&str> = HashSet::new();
    for file in files {
        let mut at = file.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            if !folders.insert(parent) {
                break;
            }
            at = parent;
        }
    }
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(out).min_depth(1).into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // Gone while walked: replaced by a build publishing.
            Err(e)
                if e.io_error()
                    .is_some_and(|e| e.kind() == ErrorKind::NotFound) =>
            {
                continue;
            }
            Err(e) => {
                let at = e.path().and_then(|p| p.strip_prefix(out).ok());
                found.push(match at {
                    Some(at) => format!("{} (cannot be read)", at.display()),
                    None => "a folder that cannot be read".to_string(),
                });
                continue;
            }
        };
        let relative = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let path = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            if !folders.contains(path.as_str()) {
                found.push(format!("{path}/"));
                walk.skip_current_dir();
            }
        } else if !files.contains(&path) && path != manifest::NAME {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// A fresh name beside `out` to move it aside to: `public.old`, else
/// `public.old.1`, `public.old.2`, …
pub fn aside(out: &Path) -> PathBuf {
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let mut n = 0;
    loop {
        let candidate = match n {
            0 => out.with_file_name(format!("{name}.old")),
            n => out.with_file_name(format!("{name}.old.{n}")),
        };
        if candidate.symlink_metadata().is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// [`aside`] as the output was given, for messages.
pub fn shown_aside(out: &Path, shown: &Path) -> PathBuf {
    as_shown(shown, &aside(out))
}

/// `path`, a sibling of the output, named like the output was given
/// (`public.old` for `public`) where that spelling leads to it, else as it
/// is.
pub fn as_shown(shown: &Path, path: &Path) -> PathBuf {
    let (Some(_), Some(name)) = (shown.file_name(), path.file_name()) else {
        return path.to_path_buf();
    };
    let parent = shown.parent().unwrap_or(Path::new(""));
    // Through a folder that does not exist, `..` leads nowhere.
    if parent.as_os_str().is_empty() || parent.is_dir() {
        shown.with_file_name(name)
    } else {
        path.to_path_buf()
    }
}

/// The path from the folder `from` to `to`, both absolute and resolved.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part);
    }
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_through_links_and_dots_as_far_as_they_exist() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("site/content")).unwrap();
        std::os::unix::fs::symlink(base.join("site"), base.join("link")).unwrap();
        assert_eq!(
            resolve(&base.join("link/content/x")).unwrap(),
            base.join("site/content/x")
        );
        assert_eq!(
            resolve(&base.join("site/missing/../content")).unwrap(),
            base.join("site/content")
        );
        assert_eq!(
            resolve(&base.join("site/public/./a/../b")).unwrap(),
            base.join("site/public/b")
        );
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        assert_eq!(
            relative(Path::new("/a/b/public"), Path::new("/a/b")),
            Path::new("..")
        );
        assert_eq!(
            relative(Path::new("/srv/www"), Path::new("/home/me/site")),
            Path::new("../../home/me/site")
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a")), Path::new("."));
    }

    #[test]
    fn sources_and_the_site_folder_are_never_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let refused = |out: PathBuf| check_sources(&root, &out, &out).unwrap_err();
        assert!(matches!(
            refused(root.clone()),
            Refusal::HoldsTheSite { .. }
        ));
        assert!(matches!(
            refused(root.parent().unwrap().to_path_buf()),
            Refusal::HoldsTheSite { .. }
        ));
        for (out, source, overlap) in [
            ("content", "content", Overlap::Is),
            ("content/2024/out", "content", Overlap::Inside),
            ("templates", "templates", Overlap::Is),
            ("static/x", "static", Overlap::Inside),
            ("themes/default", "themes", Overlap::Inside),
            ("hindsight.toml", "hindsight.toml", Overlap::Is),
        ] {
            assert_eq!(
                refused(root.join(out)),
                Refusal::Source {
                    output: root.join(out),
                    source,
                    overlap
                },
                "{out}"
            );
        }
        assert!(check_sources(&root, &root.join("public"), Path::new("public")).is_ok());
        assert!(check_sources(&root, &root.join("docs"), Path::new("docs")).is_ok());
    }

    #[test]
    fn fresh_aside_names_count_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("www");
        assert_eq!(aside(&out), dir.path().join("www.old"));
        std::fs::create_dir(dir.path().join("www.old")).unwrap();
        std::fs::write(dir.path().join("www.old.1"), "").unwrap();
        assert_eq!(aside(&out), dir.path().join("www.old.2"));
    }
}
