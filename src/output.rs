//! Writing the site: only what changed, and nothing before the build has
//! succeeded.
//!
//! Pages reach an [`Output`] as they are rendered, from many threads. A page
//! whose bytes equal the file already published is dropped; any other is
//! written to a staging folder beside the output folder. Only when every page
//! has rendered does [`Output::commit`] move the staged files into place, one
//! rename each, and delete what the new site no longer has. So a failed build
//! leaves the published site as it was, a rebuild that changes nothing writes
//! nothing, unchanged files keep their modification times (`rsync` and
//! `aws s3 sync` upload only what changed), and a reader never sees a
//! half-written file.
//!
//! Where the file system allows, the new site goes live in one step, so a
//! reader sees the old site or the new one and never a mix, even when the
//! build is killed half-way through its commit ([`swap`]). One build at a
//! time may write an output folder ([`lock`]).
//!
//! A build replaces only a folder it wrote: each leaves a manifest of its
//! files in the output folder ([`manifest`]), and a folder without one,
//! with one of another site, or holding files it does not list, is refused
//! or, when forced, moved aside ([`ownership`]). The output may never
//! overlap the site's sources.

mod lock;
pub mod manifest;
pub mod ownership;
mod swap;

use std::collections::HashSet;
use std::io::{ErrorKind, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

pub use ownership::Refusal;

use crate::util::fs;
use ownership::Found;

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

/// Who a build writes for: the site folder it comes from, which its
/// manifest names, and whether an output folder the site did not write
/// may be moved aside ([`ownership`]).
#[derive(Debug, Clone)]
pub struct Owner {
    pub root: PathBuf,
    pub force: bool,
}

/// Where a build's files go. See the module documentation.
pub struct Output {
    /// The output folder, absolute.
    out: PathBuf,
    /// The output folder as it was given, for messages.
    shown: PathBuf,
    /// The site folder, relative to `out`, for the manifest.
    root: PathBuf,
    /// Beside `out`, on the same file system, so renames are atomic.
    staging: PathBuf,
    mode: Mode,
    /// Every path put so far, and whether its bytes changed.
    files: Mutex<Vec<(String, bool)>>,
    /// Folders of the staging folder made so far (relative paths), so that
    /// a file in a new folder is written after the folder is made, not
    /// tried first and then again: most pages have a folder of their own.
    folders: Mutex<HashSet<String>>,
    committed: bool,
    /// Held until the output is dropped; `None` for a dry run.
    _lock: Option<lock::Lock>,
    /// Publish file by file, as where the shadow cannot work.
    #[cfg(test)]
    in_place: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing is published yet: every file is new, nothing to compare.
    Fresh,
    /// Compare each file with the published one.
    Update,
    /// Render only (`hindsight check`): write nothing.
    DryRun,
    /// Some pages of a published site anew (the preview's quick rebuild):
    /// compare and write like `Update`, remove nothing.
    Patch,
    /// Something the site did not write is at the output (`--force`): it
    /// is moved aside at the commit, then the new site is published as
    /// `Fresh`.
    Replace,
}

/// What a commit did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files of the previous site that the new one does not have.
    pub removed: usize,
}

/// What a commit did, and where a folder forced out of the way went.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Committed {
    pub changes: Changes,
    /// Where what was at the output went, named as the output was given
    /// (`public.old`); only with `--force`.
    pub moved_aside: Option<PathBuf>,
}

impl Output {
    /// Starts a build into `out` of the site in the folder that holds
    /// `out` (the usual `<root>/public`). Nothing is touched yet.
    pub fn begin(out: &Path) -> Result<Output> {
        let resolved = ownership::resolve(out)?;
        let root = resolved
            .parent()
            .context("the output folder has no parent")?
            .to_path_buf();
        Output::begin_for(out, &Owner { root, force: false })
    }

    /// Starts a build into `out` for `owner`. Refuses an output that is not
    /// the site's to replace ([`Refusal`]), unless forced; nothing is
    /// touched before the commit but the lock and missing parent folders.
    pub fn begin_for(out: &Path, owner: &Owner) -> Result<Output> {
        Output::start(out, owner, "staging", None)
    }

    /// Starts rewriting some files of the site from `root` published at
    /// `out`; a commit replaces those that changed and leaves every other
    /// file.
    pub fn begin_patch(out: &Path, root: &Path) -> Result<Output> {
        let owner = Owner {
            root: root.to_path_buf(),
            force: false,
        };
        Output::start(out, &owner, "patch", Some(Mode::Patch))
    }

    fn start(out: &Path, owner: &Owner, kind: &str, mode: Option<Mode>) -> Result<Output> {
        let root = owner
            .root
            .canonicalize()
            .with_context(|| format!("cannot open site folder `{}`", owner.root.display()))?;
        let shown = out.to_path_buf();
        let out = ownership::resolve(out)
            .with_context(|| format!("cannot find output folder `{}`", out.display()))?;
        ownership::check_sources(&root, &out, &shown)?;
        let parent = out.parent().context("the output folder has no parent")?;
        let name = out
            .file_name()
            .context("the output folder has no name")?
            .to_string_lossy();
        fs::create_dir_all(parent)?;
        // One staging folder per output, even when a process runs several
        // builds at once (the preview's catch-up beside a quick rebuild).
        static OUTPUTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = OUTPUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let lock = lock::Lock::acquire(&out)?;
        let quick = mode == Some(Mode::Patch);
        let mode = match ownership::inspect(&out, &shown, &root, quick) {
            Ok(Found::Missing) => Mode::Fresh,
            Ok(Found::Empty | Found::Ours(_)) => mode.unwrap_or(Mode::Update),
            Err(refusal) if owner.force && !quick && refusal.can_force() => Mode::Replace,
            Err(refusal) => return Err(refusal.into()),
        };
        remove_leftovers(parent, &name)?;
        let staging = beside(&out, &format!("{kind}-{}-{n}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        Ok(Output {
            root: ownership::relative(&out, &root),
            out,
            shown,
            staging,
            mode,
            files: Mutex::new(Vec::new()),
            folders: Mutex::new(HashSet::new()),
            committed: false,
            _lock: Some(lock),
            #[cfg(test)]
            in_place: false,
        })
    }

    /// An output that only checks paths and writes nothing.
    pub fn dry_run() -> Output {
        Output {
            out: PathBuf::new(),
            shown: PathBuf::new(),
            root: PathBuf::new(),
            staging: PathBuf::new(),
            mode: Mode::DryRun,
            files: Mutex::new(Vec::new()),
            folders: Mutex::new(HashSet::new()),
            committed: false,
            _lock: None,
            #[cfg(test)]
            in_place: false,
        }
    }

    /// Adds one file of the new site. `path` is site-relative, with `/`.
    /// Safe to call from many threads at once.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if !is_contained(path) {
            bail!("refusing to write `{path}`: outside the output folder");
        }
        if path.split('/').next() == Some(manifest::NAME) {
            bail!("refusing to write `{path}`: the build keeps its manifest there");
        }
        let changed = match self.mode {
            Mode::DryRun => false,
            Mode::Fresh | Mode::Replace => true,
            Mode::Update | Mode::Patch => !same_bytes(&self.out.join(path), bytes),
        };
        if changed {
            self.make_folder_of(path)?;
            fs::write(&self.staging.join(path), bytes)?;
        }
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), changed));
        Ok(())
    }

    /// Makes the staging folder's folder of file `path`, unless made
    /// already.
    fn make_folder_of(&self, path: &str) -> Result<()> {
        let Some((folder, _)) = path.rsplit_once('/') else {
            return Ok(());
        };
        let lock = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(folder) {
            return Ok(());
        }
        fs::create_dir_all(&self.staging.join(folder))?;
        lock().insert(folder.to_string());
        Ok(())
    }

    /// Every path put so far, lower-cased.
    pub fn paths_lowercase(&self) -> HashSet<String> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.iter().map(|(p, _)| p.to_lowercase()).collect()
    }

    /// How many files have been put.
    pub fn len(&self) -> usize {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes the new site the published one: moves every changed file into
    /// place and removes the files the new site does not have.
    pub fn commit(self) -> Result<Changes> {
        self.finish().map(|done| done.changes)
    }

    /// [`Output::commit`], telling also where a folder in the way went.
    pub fn finish(mut self) -> Result<Committed> {
        let mut files = std::mem::take(self.files.get_mut().unwrap_or_else(|e| e.into_inner()));
        files.sort_unstable();
        if let Some(w) = files.windows(2).find(|w| w[0].0 == w[1].0) {
            bail!("two files of the site would be written to `{}`", w[0].0);
        }
        let written = files.iter().filter(|(_, changed)| *changed).count();
        let mut done = Committed {
            changes: Changes {
                written,
                unchanged: files.len() - written,
                removed: 0,
            },
            moved_aside: None,
        };
        // The manifest is a file of the new site like the others, its last:
        // it goes live with the files it lists.
        let mut wrote_manifest = false;
        if matches!(self.mode, Mode::Fresh | Mode::Replace | Mode::Update) {
            let bytes = manifest::render(&self.root, files.iter().map(|(p, _)| p.as_str()));
            wrote_manifest =
                self.mode != Mode::Update || !same_bytes(&self.out.join(manifest::NAME), &bytes);
            if wrote_manifest {
                fs::write(&self.staging.join(manifest::NAME), &bytes)?;
            }
            files.push((manifest::NAME.to_string(), wrote_manifest));
        }
        match self.mode {
            Mode::DryRun => done.changes.written = 0,
            Mode::Fresh | Mode::Replace => {
                if self.mode == Mode::Replace {
                    let aside = ownership::aside(&self.out);
                    fs::rename(&self.out, &aside)
                        .with_context(|| format!("cannot move `{}` aside", self.shown.display()))?;
                    done.moved_aside = Some(ownership::as_shown(&self.shown, &aside));
                }
                fs::rename(&self.staging, &self.out)?;
                // Links to a site that is no longer there.
                let shadow = beside(&self.out, "shadow");
                if shadow.exists() {
                    fs::remove_dir_all(&shadow)?;
                }
            }
            Mode::Update => {
                let keep: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
                let stale = stale_files(&self.out, &keep)?;
                self.check_listed(&stale)?;
                done.changes.removed = stale.len();
                if written > 0 || wrote_manifest || !stale.is_empty() {
                    self.publish(&files, &keep, &stale)?;
                }
            }
            Mode::Patch => {
                let changed: Vec<&str> = files
                    .iter()
                    .filter(|(_, changed)| *changed)
                    .map(|(p, _)| p.as_str())
                    .collect();
                // A file new to the site is listed before it is there.
                if changed.iter().any(|p| !self.out.join(p).is_file()) {
                    self.widen_manifest(&changed)?;
                }
                for path in changed {
                    move_into_place(&self.staging, &self.out, path)?;
                }
            }
        }
        if self.mode != Mode::DryRun && self.staging.exists() {
            fs::remove_dir_all(&self.staging)?;
        }
        self.committed = true;
        Ok(done)
    }

    /// Refuses to remove files that the published manifest does not list:
    /// put into the output folder while this build ran.
    fn check_listed(&self, stale: &[String]) -> Result<()> {
        if stale.is_empty() {
            return Ok(());
        }
        let listed = manifest::read(&self.out)
            .ok()
            .flatten()
            .map(|m| m.files)
            .unwrap_or_default();
        let files: Vec<String> = stale
            .iter()
            .filter(|p| !listed.contains(*p))
            .cloned()
            .collect();
        if files.is_empty() {
            return Ok(());
        }
        Err(Refusal::Unlisted {
            output: self.shown.clone(),
            files,
            aside: ownership::shown_aside(&self.out, &self.shown),
        }
        .into())
    }

    /// Lists `more` in the published manifest too, in one rename: before
    /// files are moved in one by one, so that a build stopped half-way
    /// leaves every file it wrote listed.
    fn widen_manifest(&self, more: &[&str]) -> Result<()> {
        let mut files = match manifest::read(&self.out) {
            Ok(Some(m)) => m.files,
            _ => HashSet::new(),
        };
        files.extend(
            more.iter()
                .filter(|p| **p != manifest::NAME)
                .map(|p| p.to_string()),
        );
        let mut files: Vec<&str> = files.iter().map(String::as_str).collect();
        files.sort_unstable();
        let wide = self.staging.join(".hindsight-output.wide");
        fs::write(&wide, &manifest::render(&self.root, files.into_iter()))?;
        fs::rename(&wide, &self.out.join(manifest::NAME))
    }

    /// Publishes the new site in one step through the shadow folder
    /// ([`swap`]), or file by file where the file system cannot.
    fn publish(
        &self,
        files: &[(String, bool)],
        keep: &HashSet<&str>,
        stale: &[String],
    ) -> Result<()> {
        #[cfg(test)]
        if self.in_place {
            return self.publish_in_place(&self.staging, files, keep);
        }
        let shadow = beside(&self.out, "shadow");
        if let Err(e) = self.fill_shadow(&shadow, files, keep, stale) {
            if !unsupported(&e) {
                return Err(e);
            }
            let _ = std::fs::remove_dir_all(&shadow);
            return self.publish_in_place(&self.staging, files, keep);
        }
        if let Ok(m) = std::fs::metadata(&self.out) {
            let _ = std::fs::set_permissions(&shadow, m.permissions());
        }
        if let Err(e) = swap::exchange(&shadow, &self.out) {
            if !swap::is_unsupported(&e) {
                return Err(e).with_context(|| {
                    format!(
                        "failed to publish `{}` in place of `{}`",
                        shadow.display(),
                        self.out.display()
                    )
                });
            }
            self.publish_in_place(&shadow, files, keep)?;
            return fs::remove_dir_all(&shadow);
        }
        // The shadow now holds the previous site: drop what is not a link
        // to the new one, so it costs no space until the next build.
        let changed = files.iter().filter(|(_, changed)| *changed).map(|(p, _)| p);
        let trimmed = changed
            .chain(stale)
            .all(|path| swap::prune(&shadow, path).is_ok());
        if trimmed && !keep.contains(SHADOW_MARK) {
            let _ = std::fs::write(shadow.join(SHADOW_MARK), "*\n");
        }
        Ok(())
    }

    /// Makes the shadow folder exactly the new site: links to the unchanged
    /// published files, the changed files moved in from staging, nothing
    /// else.
    fn fill_shadow(
        &self,
        shadow: &Path,
        files: &[(String, bool)],
        keep: &HashSet<&str>,
        stale: &[String],
    ) -> Result<()> {
        use rayon::prelude::*;
        fs::create_dir_all(shadow)?;
        // The mark is written after a build trimmed the shadow to links of
        // the published files; it is taken away before the shadow changes,
        // so a build killed meanwhile leaves it unmarked.
        let mark = shadow.join(SHADOW_MARK);
        let clean = !keep.contains(SHADOW_MARK) && std::fs::remove_file(&mark).is_ok();
        let unlinked: Vec<&str> = files
            .par_iter()
            .filter(|(path, changed)| !*changed && !swap::is_link(&self.out, shadow, path))
            .map(|(path, _)| path.as_str())
            .collect();
        for path in unlinked {
            swap::link(&self.out, shadow, path).with_context(|| {
                format!("failed to link `{}` into `{}`", path, shadow.display())
            })?;
        }
        for (path, _) in files.iter().filter(|(_, changed)| *changed) {
            swap::clear(shadow, path).with_context(|| {
                format!("failed to make room for `{path}` in `{}`", shadow.display())
            })?;
            fs::rename(&self.staging.join(path), &shadow.join(path))?;
        }
        if clean {
            // A clean shadow holds only links to published files, so what
            // the new site lacks there is what it lacks in the output.
            for path in stale {
                swap::prune(shadow, path).with_context(|| {
                    format!("failed to remove `{path}` from `{}`", shadow.display())
                })?;
            }
        } else {
            remove_stale(shadow, keep)?;
        }
        Ok(())
    }

    /// Moves each changed file from `from` into place and removes the
    /// published files the new site lacks. The manifest first lists both
    /// sites' files and, once the rest is in place, the new site's alone.
    fn publish_in_place(
        &self,
        from: &Path,
        files: &[(String, bool)],
        keep: &HashSet<&str>,
    ) -> Result<()> {
        let changed: Vec<&str> = files
            .iter()
            .filter(|(path, changed)| *changed && path != manifest::NAME)
            .map(|(p, _)| p.as_str())
            .collect();
        let listing = files.iter().any(|(p, c)| *c && p == manifest::NAME);
        if listing {
            self.widen_manifest(&changed)?;
        }
        for path in changed {
            move_into_place(from, &self.out, path)?;
        }
        remove_stale(&self.out, keep)?;
        if listing {
            move_into_place(from, &self.out, manifest::NAME)?;
        }
        Ok(())
    }
}

/// The file that marks a clean shadow folder. A `.gitignore` that ignores
/// everything, so that `git status` of a repository holding the site passes
/// over the shadow as it does over an ignored `public`.
const SHADOW_MARK: &str = ".gitignore";

/// A hidden file or folder beside the output folder `out`, named after it:
/// `.public.shadow`, `.public.lock`, `.public.staging-<pid>-<n>`.
pub(crate) fn beside(out: &Path, kind: &str) -> PathBuf {
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    out.with_file_name(format!("{}{kind}", hidden_prefix(&name)))
}

/// How the names begin of what a build keeps beside the output folder
/// `name` while it runs (its staging folders, the shadow it swaps in, its
/// lock): `.public.` for `public`. What to leave out of version control.
pub fn hidden_prefix(name: &str) -> String {
    format!(".{name}.")
}

/// Whether an error, or what caused it, says the file system cannot hold
/// a shadow.
fn unsupported(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(swap::is_unsupported)
}

/// Moves `from/path` to `out/path`, replacing a file or folder there.
fn move_into_place(from: &Path, out: &Path, path: &str) -> Result<()> {
    let source = from.join(path);
    let to = out.join(path);
    if let Some(parent) = to.parent()
        && std::fs::create_dir_all(parent).is_err()
    {
        // A file of the old site sits where the new one needs a folder.
        swap::make_parents(out, path)
            .with_context(|| format!("failed to make folders for `{}`", to.display()))?;
    }
    if to.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        // And a folder of the old site where the new one has a file.
        fs::remove_dir_all(&to)?;
    }
    fs::rename(&source, &to)
}

/// Removes what builds of `name` that were killed left beside it: their
/// staging folders. Only called with the output's lock held, so no other
/// process is using them.
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let ours = format!("-{}-", std::process::id());
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&hidden_prefix(name)))
        else {
            continue;
        };
        let Some(tail) = rest
            .strip_prefix("staging")
            .or_else(|| rest.strip_prefix("patch"))
        else {
            continue;
        };
        if tail.starts_with('-') && !tail.starts_with(&ours) && entry.path().is_dir() {
            fs::remove_dir_all(&entry.path())?;
        }
    }
    Ok(())
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed && self.mode != Mode::DryRun && self.staging.exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut old = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old).is_ok() && old == bytes
}

/// The files under `out` that are not in `keep`, site-relative.
fn stale_files(out: &Path, keep: &HashSet<&str>) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry =
            entry.with_context(|| format!("cannot read output folder `{}`", out.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let site_path = relative.to_string_lossy().replace('\\', "/");
        if !keep.contains(site_path.as_str()) {
            stale.push(site_path);
        }
    }
    Ok(stale)
}

/// Removes every file under `out` that is not in `keep`, then the folders
/// left empty. Returns how many files went.
fn remove_stale(out: &Path, keep: &HashSet<&str>) -> Result<usize> {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(out).min_depth(1).contents_first(true) {
        let entry =
            entry.with_context(|| format!("cannot read output folder `{}`", out.display()))?;
        let path = entry.path();
        let relative = path.strip_prefix(out).unwrap_or(path);
        if entry.file_type().is_dir() {
            match std::fs::remove_dir(path) {
                Err(e) if e.kind() != ErrorKind::DirectoryNotEmpty => {
                    return Err(e)
                        .with_context(|| format!("failed to remove `{}`", path.display()));
                }
                _ => {}
            }
        } else {
            let site_path = relative.to_str().map(|p| p.replace('\\', "/"));
            if site_path.is_none_or(|p| !keep.contains(p.as_str())) {
                fs::remove_file(path)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests;
