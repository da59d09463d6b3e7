//! Finding and reading the reports under `content/`, and the rule for
//! every file the site publishes: it must really lie inside its folder.
//!
//! The walk is sequential and sorted (so diagnostics and output are stable);
//! reading and parsing run in parallel. Every file that cannot be used is
//! reported, never skipped in silence.
//!
//! A symbolic link under `content/` may lead anywhere on the machine that
//! builds the site, and a build in CI can read tokens and keys. So a file is
//! read only if its real path, every link resolved, lies inside the real
//! `content/` folder and it is a regular file ([`Boundary`]); a folder link
//! that leads outside is not walked.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, code};
use crate::source::postmortem::{self, Postmortem};

pub const CONTENT_DIR: &str = crate::util::layout::CONTENT;

/// Lists the Markdown files under `root/content`, sorted. Hidden files and
/// folders (`.git`, editor swap files) are passed over, and so are folder
/// links that lead outside `content/` (with a warning). A report reached
/// twice under the same name, through a folder link that leads back into
/// `content/`, is listed once, under the path without the link.
pub fn walk(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    walk_all(root, diagnostics).reports
}

/// What a walk of `content/` finds.
#[derive(Debug, Default)]
pub struct Walked {
    /// The reports, as [`walk`] gives them.
    pub reports: Vec<PathBuf>,
    /// Every other regular file that is not hidden, by its path under
    /// `content/` with `/` between folders: files a report may link to.
    pub others: Vec<String>,
}

/// [`walk`], and the other files it passes.
pub fn walk_all(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Walked {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(CONTENT_DIR, code::NO_CONTENT, "there is no content/ folder")
                .hint("put your postmortems under content/, e.g. content/2023/2023-01-17-icreate-deploy.md"),
        );
        return Walked::default();
    }
    let boundary = match Boundary::new(&dir) {
        Ok(b) => b,
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                CONTENT_DIR,
                code::UNREADABLE,
                format!("cannot be read: {e}"),
            ));
            return Walked::default();
        }
    };
    let mut others = Vec::new();
    // Each file, with its real path when it was reached through a link.
    let mut files: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    // The depths of the folder links the walk is inside of.
    let mut links: Vec<usize> = Vec::new();
    let mut walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        // By name, as `sort_by_file_name` would: the entries of a folder
        // share its path, so their whole paths compare as their names do,
        // without finding each name again at every comparison.
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diagnostics.push(unreadable(root, &e));
                continue;
            }
        };
        while links.last().is_some_and(|&d| d >= entry.depth()) {
            links.pop();
        }
        let is_link = entry.depth() > 0 && entry.path_is_symlink();
        if entry.file_type().is_dir() {
            if is_link {
                match boundary.locate(entry.path()) {
                    Ok(_) => links.push(entry.depth()),
                    Err(refusal) => {
                        walker.skip_current_dir();
                        diagnostics.push(folder_refused(root, entry.path(), &refusal));
                    }
                }
            }
            continue;
        }
        let linked = is_link || !links.is_empty();
        if entry.path().extension().is_none_or(|e| e != "md") {
            if entry.file_type().is_file()
                && let Some(rel) = under(&dir, entry.path())
            {
                others.push(rel);
            }
            continue;
        }
        if let Some(file) = report_file(root, &boundary, &entry, linked, diagnostics) {
            files.push(file);
        }
    }
    Walked {
        reports: once_each(&dir, boundary.real(), files),
        others,
    }
}

/// The path of `path` under `dir`, with `/` between folders; `None` if it
/// is not valid Unicode.
fn under(dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The Markdown file the walk came to, with its real path if it was reached
/// through a link (`linked`); `None` for a file of another kind, and for one
/// that may not or cannot be read, said in `diagnostics`.
fn report_file(
    root: &Path,
    boundary: &Boundary,
    entry: &walkdir::DirEntry,
    linked: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(PathBuf, Option<PathBuf>)> {
    let path = entry.path();
    if path.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let real = if linked {
        match boundary.locate(path) {
            Ok(real) => Some(real),
            Err(refusal) => {
                diagnostics.push(refused(&relative(root, path), &refusal, "report"));
                return None;
            }
        }
    } else {
        None
    };
    if entry.file_type().is_file() {
        return Some((path.to_path_buf(), real));
    }
    // Opening a FIFO would wait for a writer forever.
    diagnostics.push(
        Diagnostic::warning(
            relative(root, path),
            code::NOT_A_FILE,
            "is not a regular file (a FIFO, socket or device); passed over",
        )
        .hint("reports are plain files; remove it or give it another name"),
    );
    None
}

/// A file or folder the walk could not read, or a folder link leading back
/// to a folder it is in.
fn unreadable(root: &Path, e: &walkdir::Error) -> Diagnostic {
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
    Diagnostic::error(path, code::UNREADABLE, message)
}

/// The files of a walk, each real file once per name: a report that a
/// folder link inside `content/` leads to a second time keeps the path
/// that goes through no link (or the first in order). The same file under
/// two names stays two reports, as two copies would be.
fn once_each(dir: &Path, real_dir: &Path, files: Vec<(PathBuf, Option<PathBuf>)>) -> Vec<PathBuf> {
    if files.iter().all(|(_, real)| real.is_none()) {
        return files.into_iter().map(|(path, _)| path).collect();
    }
    let mut kept: Vec<PathBuf> = Vec::with_capacity(files.len());
    // (Real path, name) → (position in `kept`, reached through no link).
    let mut seen: HashMap<(PathBuf, std::ffi::OsString), (usize, bool)> = HashMap::new();
    for (path, real) in files {
        let direct = real.is_none();
        let real = real.unwrap_or_else(|| real_dir.join(path.strip_prefix(dir).unwrap_or(&path)));
        let key = (real, path.file_name().unwrap_or_default().to_owned());
        match seen.get(&key).copied() {
            Some((at, was_direct)) => {
                if direct && !was_direct {
                    kept[at] = path;
                    seen.insert(key, (at, true));
                }
            }
            None => {
                seen.insert(key, (kept.len(), direct));
                kept.push(path);
            }
        }
    }
    kept
}

/// The warning for a folder link that is not walked.
fn folder_refused(root: &Path, path: &Path, refusal: &Refusal) -> Diagnostic {
    match refusal {
        Refusal::Outside(real) => Diagnostic::warning(
            relative(root, path),
            code::OUTSIDE_LINK,
            format!(
                "is a link to the folder `{}`, outside {}/; it was not read",
                real.display(),
                folder_of(root, path)
            ),
        )
        .hint("only what lies inside the folder is published: move or copy the files in"),
        other => Diagnostic::error(
            relative(root, path),
            code::UNREADABLE,
            format!("cannot be read: {}", other.reason()),
        ),
    }
}

/// The top folder of the site that `path` is under (`content`, `static`,
/// `themes/<name>/static`…), for messages.
fn folder_of(root: &Path, path: &Path) -> String {
    let rel = relative(root, path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.first().map(String::as_str) {
        Some("themes") if parts.len() > 3 => parts[..3].join("/"),
        Some(first) => first.to_string(),
        None => CONTENT_DIR.to_string(),
    }
}

/// The problem with a file of the site (`what`: "report", "static file",
/// "template") that is not read.
pub fn refused(rel: &Path, refusal: &Refusal, what: &str) -> Diagnostic {
    match refusal {
        Refusal::Outside(real) => Diagnostic::error(
            rel,
            code::OUTSIDE_LINK,
            format!(
                "is a link to `{}`, outside {}/; the {what} is not read",
                real.display(),
                folder_of(Path::new(""), rel)
            ),
        )
        .hint("nothing outside the site's folders is published: copy the file in instead of linking to it"),
        Refusal::NotAFile(kind) => Diagnostic::warning(
            rel,
            code::NOT_A_FILE,
            format!("is {kind}, not a regular file; passed over"),
        )
        .hint(format!("a {what} is a plain file; remove it or give it another name")),
        Refusal::Missing(e) | Refusal::Unreadable(e) => {
            Diagnostic::error(rel, code::UNREADABLE, format!("cannot be read: {e}"))
        }
    }
}

/// A folder that files are read from for the site, by its real path.
///
/// A file is read only if its real path (every symbolic link on the way
/// resolved) lies inside the folder and it is a regular file: never a
/// device, FIFO, socket or anything under `/proc`. It is checked before it
/// is opened, and opened with care: without following a link swapped in
/// for it, without waiting on a FIFO swapped in (`O_NONBLOCK`), and only if
/// what opened is still the file that was checked (same device and inode).
#[derive(Debug, Clone)]
pub struct Boundary {
    real: PathBuf,
}

/// Why a file is not read.
#[derive(Debug)]
pub enum Refusal {
    /// Nothing is there, or a link to nothing.
    Missing(io::Error),
    /// Its real path, outside the folder.
    Outside(PathBuf),
    /// What it is instead of a regular file: "a FIFO", "a folder"…
    NotAFile(&'static str),
    /// The file system would not say (permissions, I/O).
    Unreadable(io::Error),
}

impl Refusal {
    fn from_io(e: io::Error) -> Refusal {
        match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Refusal::Missing(e),
            _ => Refusal::Unreadable(e),
        }
    }

    /// What is wrong, in a few words.
    pub fn reason(&self) -> String {
        match self {
            Refusal::Missing(e) | Refusal::Unreadable(e) => e.to_string(),
            Refusal::Outside(real) => format!("its real path `{}` is outside", real.display()),
            Refusal::NotAFile(kind) => format!("it is {kind}, not a regular file"),
        }
    }
}

/// A regular file inside a [`Boundary`], checked and not yet opened.
#[derive(Debug)]
pub struct Checked {
    /// The real path: no link in it.
    pub real: PathBuf,
    id: FileId,
}

impl Boundary {
    /// The boundary of `dir`, which must exist.
    pub fn new(dir: &Path) -> io::Result<Boundary> {
        Ok(Boundary {
            real: dir.canonicalize()?,
        })
    }

    /// The folder's real path.
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// The real path of `path`, if it lies inside the folder.
    pub fn locate(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let real = path.canonicalize().map_err(Refusal::from_io)?;
        if real.starts_with(&self.real) {
            Ok(real)
        } else {
            Err(Refusal::Outside(real))
        }
    }

    /// Checks, without opening it, that `path` is a regular file inside
    /// the folder.
    pub fn check(&self, path: &Path) -> Result<Checked, Refusal> {
        let real = self.locate(path)?;
        // `real` ends in no link: this is the file itself.
        let meta = std::fs::symlink_metadata(&real).map_err(Refusal::from_io)?;
        if !meta.is_file() {
            return Err(Refusal::NotAFile(kind_of(&meta.file_type())));
        }
        Ok(Checked {
            id: FileId::of(&meta),
            real,
        })
    }

    /// [`Boundary::check`] for a file whose folder's real path is known
    /// (`folder`, from [`Path::canonicalize`]): one `lstat` instead of
    /// resolving every part of the path again.
    pub fn check_in(&self, folder: &Path, path: &Path) -> Result<Checked, Refusal> {
        let Some(name) = path.file_name() else {
            return self.check(path);
        };
        let real = folder.join(name);
        let meta = std::fs::symlink_metadata(&real).map_err(Refusal::from_io)?;
        if meta.file_type().is_symlink() {
            return self.check(path);
        }
        // A real folder and a name that is no link: `real` is the real path.
        if !real.starts_with(&self.real) {
            return Err(Refusal::Outside(real));
        }
        if !meta.is_file() {
            return Err(Refusal::NotAFile(kind_of(&meta.file_type())));
        }
        Ok(Checked {
            id: FileId::of(&meta),
            real,
        })
    }

    /// Opens `path`, a file whose folder's real path is known (`folder`),
    /// with its size, as [`Boundary::check_in`] and [`Checked::open`] do
    /// together, but without a look-up first: the name is opened as it is,
    /// which fails for a link. Any failure goes the long way, so that it
    /// is refused as `check_in` refuses it. Every report is read this way,
    /// and a build reads tens of thousands.
    pub fn open_in(&self, folder: &Path, path: &Path) -> Result<(File, u64), Refusal> {
        #[cfg(unix)]
        if let Some(name) = path.file_name() {
            let real = folder.join(name);
            if real.starts_with(&self.real)
                && let Ok(file) = open_no_follow(&real)
                && let Ok(meta) = file.metadata()
                && meta.is_file()
            {
                return Ok((file, meta.len()));
            }
        }
        self.check_in(folder, path)?
            .open_sized()
            .map_err(Refusal::Unreadable)
    }

    /// Checks `path` and opens it.
    pub fn open(&self, path: &Path) -> Result<File, Refusal> {
        self.check(path)?.open().map_err(Refusal::Unreadable)
    }
}

impl Checked {
    /// Opens the file checked, failing if something else took its place.
    pub fn open(&self) -> io::Result<File> {
        self.open_sized().map(|(file, _)| file)
    }

    /// [`Checked::open`], with the file's size when opened.
    fn open_sized(&self) -> io::Result<(File, u64)> {
        let file = open_no_follow(&self.real)?;
        let meta = file.metadata()?;
        if !meta.is_file() || FileId::of(&meta) != self.id {
            return Err(io::Error::other(
                "it changed while it was read: another file took its place",
            ));
        }
        Ok((file, meta.len()))
    }
}

/// Opens `path` for reading, unless its last part is a link.
fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Regular files ignore O_NONBLOCK; a FIFO opens without waiting.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

/// What a file system entry is, for messages.
pub fn kind_of(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "something other than a file"
    }
}

/// Which file an open file is: device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(meta: &std::fs::Metadata) -> FileId {
        FileId(meta.len(), 0)
    }
}

/// Reads and parses every file; returns the reports that have no errors.
pub fn load(
    root: &Path,
    files: &[PathBuf],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Postmortem> {
    let boundary = Boundary::new(&root.join(CONTENT_DIR));
    // The real path of each folder, resolved once: reports share a few.
    let mut folders: HashMap<&Path, Option<PathBuf>> = HashMap::new();
    for file in files {
        if let Some(parent) = file.parent() {
            folders
                .entry(parent)
                .or_insert_with(|| parent.canonicalize().ok());
        }
    }
    let results: Vec<(Option<Postmortem>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let mut found = Vec::new();
            let rel = relative(root, file);
            let report = match &boundary {
                Ok(boundary) => {
                    let folder = file
                        .parent()
                        .and_then(|p| folders.get(p))
                        .and_then(Option::as_deref);
                    read_text(boundary, folder, file, &rel, &mut found)
                }
                Err(e) => {
                    found.push(Diagnostic::error(
                        &rel,
                        code::UNREADABLE,
                        format!("cannot be read: {e}"),
                    ));
                    None
                }
            }
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
fn read_bounded(file: File, size: u64) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    // Room for the whole file and one byte more: one read takes it all,
    // the next finds its end (a file that grew since is read on).
    let mut bytes = Vec::with_capacity(size.min(MAX_REPORT_BYTES) as usize + 1);
    file.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_REPORT_BYTES).then_some(bytes))
}

/// Reads a file as UTF-8 text, or explains why it is not.
/// `folder` is the real path of the file's folder, when known.
fn read_text(
    boundary: &Boundary,
    folder: Option<&Path>,
    file: &Path,
    rel: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let bytes = read_bytes(boundary, folder, file, rel, diagnostics)?;
    decode(bytes, rel, diagnostics)
}

/// The bytes of a file inside the boundary and within the size limit.
fn read_bytes(
    boundary: &Boundary,
    folder: Option<&Path>,
    file: &Path,
    rel: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    let opened = match folder {
        Some(folder) => boundary.open_in(folder, file),
        None => boundary
            .check(file)
            .and_then(|c| c.open_sized().map_err(Refusal::Unreadable)),
    };
    let (opened, size) = match opened {
        Ok(opened) => opened,
        Err(refusal) => {
            diagnostics.push(refused(rel, &refusal, "report"));
            return None;
        }
    };
    let bytes = match read_bounded(opened, size) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            diagnostics.push(
                Diagnostic::error(
                    rel,
                    code::TOO_LARGE,
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
                code::UNREADABLE,
                format!("cannot be read: {e}"),
            ));
            return None;
        }
    };
    Some(bytes)
}

/// The bytes as text: UTF-8 without a NUL, the characters HTML forbids
/// replaced by U+FFFD.
fn decode(bytes: Vec<u8>, rel: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        diagnostics.push(
            Diagnostic::error(
                rel,
                code::ENCODING,
                "the file is UTF-16; reports must be UTF-8",
            )
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
                    code::ENCODING,
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
                Diagnostic::error(rel, code::ENCODING, "the file is not valid UTF-8")
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
    let Some(at) = crate::util::text::find_forbidden(&text) else {
        return text;
    };
    let c = text[at..].chars().next().unwrap_or_default();
    let (line, column) = crate::config::line_col(&text, at);
    diagnostics.push(
        Diagnostic::warning(
            rel,
            code::CONTROL_CHARACTER,
            format!(
                "the file holds control characters (U+{:04X} first), shown as \u{FFFD}",
                c as u32
            ),
        )
        .at(line, column)
        .hint("remove them; a log pasted from a terminal may carry its colour codes"),
    );
    text.replace(crate::util::text::is_forbidden, "\u{FFFD}")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_whose_real_path_is_inside_pass() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("content");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.png"), "a").unwrap();
        std::os::unix::fs::symlink("sub/a.png", dir.join("inside.png")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.join("out.png")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("out")).unwrap();
        let fifo =
            std::ffi::CString::new(dir.join("pipe").into_os_string().into_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let boundary = Boundary::new(&dir).unwrap();
        assert!(boundary.check(&dir.join("inside.png")).is_ok());
        assert!(matches!(
            boundary.check(&dir.join("../content/sub/a.png")),
            Ok(Checked { .. })
        ));
        let real_secret = outside.path().join("secret").canonicalize().unwrap();
        for path in ["out.png", "out/secret", "../content/out/secret"] {
            match boundary.check(&dir.join(path)) {
                Err(Refusal::Outside(real)) => assert_eq!(real, real_secret, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
        assert!(matches!(
            boundary.check(&dir.join("sub")),
            Err(Refusal::NotAFile("a folder"))
        ));
        assert!(matches!(
            boundary.check(&dir.join("pipe")),
            Err(Refusal::NotAFile("a FIFO"))
        ));
        assert!(matches!(
            boundary.check(&dir.join("gone.png")),
            Err(Refusal::Missing(_))
        ));
        assert!(matches!(
            boundary.check(&dir.join("sub/a.png/x")),
            Err(Refusal::Missing(_))
        ));
        // The same answers with the folder's real path known.
        let real_dir = dir.canonicalize().unwrap();
        assert_eq!(
            boundary
                .check_in(&real_dir, &dir.join("inside.png"))
                .unwrap()
                .real,
            real_dir.join("sub/a.png")
        );
        assert!(matches!(
            boundary.check_in(&real_dir, &dir.join("out.png")),
            Err(Refusal::Outside(real)) if real == real_secret
        ));
        assert!(matches!(
            boundary.check_in(&real_dir, &dir.join("pipe")),
            Err(Refusal::NotAFile("a FIFO"))
        ));
        let outside_dir = outside.path().canonicalize().unwrap();
        assert!(matches!(
            boundary.check_in(&outside_dir, &dir.join("out/secret")),
            Err(Refusal::Outside(real)) if real == real_secret
        ));
        // And the same when opening at once.
        let (mut file, size) = boundary
            .open_in(&real_dir, &dir.join("inside.png"))
            .unwrap();
        let mut read = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut read).unwrap();
        assert_eq!(size, read.len() as u64);
        assert_eq!(read, std::fs::read(dir.join("sub/a.png")).unwrap());
        assert!(matches!(
            boundary.open_in(&real_dir, &dir.join("out.png")),
            Err(Refusal::Outside(real)) if real == real_secret
        ));
        assert!(matches!(
            boundary.open_in(&real_dir, &dir.join("pipe")),
            Err(Refusal::NotAFile("a FIFO"))
        ));
        assert!(matches!(
            boundary.open_in(&real_dir, &dir.join("gone.png")),
            Err(Refusal::Missing(_))
        ));
        assert!(matches!(
            boundary.open_in(&outside_dir, &dir.join("out/secret")),
            Err(Refusal::Outside(real)) if real == real_secret
        ));
    }

    #[test]
    fn a_file_that_changed_between_check_and_open_is_refused() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path();
        std::fs::write(dir.join("a.png"), "checked").unwrap();
        let boundary = Boundary::new(dir).unwrap();
        let checked = boundary.check(&dir.join("a.png")).unwrap();
        // Another file moved in under the same name.
        std::fs::write(dir.join("b.png"), "other").unwrap();
        std::fs::rename(dir.join("b.png"), dir.join("a.png")).unwrap();
        let e = checked.open().unwrap_err();
        assert!(e.to_string().contains("changed"), "{e}");
        // A link swapped in is not followed.
        std::fs::remove_file(dir.join("a.png")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("a.png")).unwrap();
        assert!(checked.open().is_err());
        // The file itself opens.
        std::fs::remove_file(dir.join("a.png")).unwrap();
        std::fs::write(dir.join("a.png"), "new").unwrap();
        let checked = boundary.check(&dir.join("a.png")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut checked.open().unwrap(), &mut text).unwrap();
        assert_eq!(text, "new");
    }
}
