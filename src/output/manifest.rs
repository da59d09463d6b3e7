//! The manifest a build leaves in its output folder, `.hindsight-output`:
//! the site folder the build came from and every file it wrote there.
//!
//! It is what makes a folder Hindsight's to replace ([`super::ownership`]).
//! It is a file of the site like any other, written with it, so it goes
//! live with the site it describes. The site folder is kept as a path
//! relative to the output folder (`..` for `<root>/public`), so the
//! published file holds no absolute path of the machine that built it, and
//! a site folder moved together with its output still owns it.
//!
//! ```text
//! hindsight-output 1
//! # ...
//! root ..
//! file index.html
//! file postmortems/2024-05-01-db-failover/index.html
//! ```
//!
//! The first line names the format and its version. Then `root` once and
//! one `file` line for each file; lines starting with `#` are comments.
//! In values, `%`, control characters and DEL are written `%XX`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

/// The manifest's file name in the output folder.
pub const NAME: &str = ".hindsight-output";
/// The word on the first line.
const MAGIC: &str = "hindsight-output";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// A manifest, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The site folder, relative to the output folder.
    pub root: PathBuf,
    /// Every file of the site, site-relative with `/`; not the manifest.
    pub files: HashSet<String>,
}

/// Why a file named like a manifest cannot be read as one.
#[derive(Debug)]
pub enum Problem {
    /// Not in a format this build reads.
    NotAManifest(String),
    /// Written by a newer Hindsight, in a format version this one lacks.
    Newer(u32),
    /// The file could not be read.
    Io(std::io::Error),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NotAManifest(why) => write!(f, "{why}"),
            Problem::Newer(v) => write!(f, "format {v} is newer than this Hindsight reads"),
            Problem::Io(e) => write!(f, "{e}"),
        }
    }
}

/// The manifest of a site built from `root` (relative to the output
/// folder) with `files`, in the order given.
pub fn render<'a>(root: &Path, files: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut text = Vec::new();
    text.extend_from_slice(
        format!(
            "{MAGIC} {VERSION}\n\
             # Written by `hindsight build`: the site folder this folder was built from, relative\n\
             # to it, and every file the build wrote here. A build replaces only a folder that\n\
             # holds this file, written from the same site folder.\n"
        )
        .as_bytes(),
    );
    text.extend_from_slice(b"root ");
    escape(&path_bytes(root), &mut text);
    text.push(b'\n');
    for file in files {
        text.extend_from_slice(b"file ");
        escape(file.as_bytes(), &mut text);
        text.push(b'\n');
    }
    text
}

/// Reads the manifest of the output folder `out`: `None` when there is no
/// file of that name.
pub fn read(out: &Path) -> Result<Option<Manifest>, Problem> {
    let path = out.join(NAME);
    match path.symlink_metadata() {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Problem::Io(e)),
        Ok(m) if !m.is_file() => {
            return Err(Problem::NotAManifest(format!("`{NAME}` is not a file")));
        }
        Ok(_) => {}
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(Problem::Io)?;
    parse(&bytes).map(Some)
}

/// Reads only the site folder a manifest names, without its list of files:
/// what a quick rebuild of a few pages needs.
pub fn read_root(out: &Path) -> Result<Option<PathBuf>, Problem> {
    let path = out.join(NAME);
    let file = match path.symlink_metadata() {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Problem::Io(e)),
        Ok(m) if !m.is_file() => {
            return Err(Problem::NotAManifest(format!("`{NAME}` is not a file")));
        }
        Ok(_) => std::fs::File::open(&path).map_err(Problem::Io)?,
    };
    let mut lines = BufReader::new(file).split(b'\n');
    let first = lines.next().transpose().map_err(Problem::Io)?;
    check_first_line(first.as_deref().unwrap_or_default())?;
    for line in lines {
        let line = line.map_err(Problem::Io)?;
        if let Some(root) = line.strip_prefix(b"root ") {
            return Ok(Some(bytes_path(unescape(root)?)));
        }
    }
    Err(no_root())
}

fn parse(bytes: &[u8]) -> Result<Manifest, Problem> {
    let mut lines = bytes.split(|&b| b == b'\n');
    check_first_line(lines.next().unwrap_or_default())?;
    let mut root = None;
    let mut files = HashSet::new();
    for line in lines {
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        if let Some(value) = line.strip_prefix(b"file ") {
            let file = String::from_utf8(unescape(value)?)
                .map_err(|_| Problem::NotAManifest("a file name is not UTF-8".into()))?;
            files.insert(file);
        } else if let Some(value) = line.strip_prefix(b"root ") {
            if root.is_some() {
                return Err(Problem::NotAManifest("it names two site folders".into()));
            }
            root = Some(bytes_path(unescape(value)?));
        } else {
            return Err(Problem::NotAManifest(format!(
                "a line reads `{}`",
                String::from_utf8_lossy(line)
            )));
        }
    }
    let root = root.ok_or_else(no_root)?;
    Ok(Manifest { root, files })
}

fn no_root() -> Problem {
    Problem::NotAManifest("it names no site folder".into())
}

fn check_first_line(line: &[u8]) -> Result<(), Problem> {
    let line = String::from_utf8_lossy(line);
    let version = line
        .strip_prefix(MAGIC)
        .and_then(|rest| rest.strip_prefix(' '))
        .and_then(|v| v.trim_end_matches('\r').parse::<u32>().ok());
    match version {
        Some(VERSION) => Ok(()),
        Some(v) if v > VERSION => Err(Problem::Newer(v)),
        _ => Err(Problem::NotAManifest(format!(
            "its first line is not `{MAGIC} {VERSION}`"
        ))),
    }
}

fn escape(bytes: &[u8], to: &mut Vec<u8>) {
    for &b in bytes {
        if b == b'%' || b < 0x20 || b == 0x7f {
            to.extend_from_slice(format!("%{b:02X}").as_bytes());
        } else {
            to.push(b);
        }
    }
}

fn unescape(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = bytes
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or_else(|| Problem::NotAManifest("a `%` escape is broken".into()))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().replace('\\', "/").into_bytes()
}

#[cfg(unix)]
fn bytes_path(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn bytes_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written() {
        let files = ["index.html", "a b/100%.html", "odd\nname", "#hash"];
        let bytes = render(Path::new("../site"), files.iter().copied());
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("hindsight-output 1\n"), "{text}");
        assert!(text.contains("file a b/100%25.html\n"), "{text}");
        assert!(text.contains("file odd%0Aname\n"), "{text}");
        let manifest = parse(&bytes).unwrap();
        assert_eq!(manifest.root, Path::new("../site"));
        assert_eq!(
            manifest.files,
            files.iter().map(|f| f.to_string()).collect::<HashSet<_>>()
        );
    }

    #[test]
    fn other_files_and_newer_formats_are_not_read_as_manifests() {
        assert!(matches!(
            parse(b"<!doctype html>\n"),
            Err(Problem::NotAManifest(_))
        ));
        assert!(matches!(
            parse(b"hindsight-output 7\nroot ..\n"),
            Err(Problem::Newer(7))
        ));
        assert!(matches!(
            parse(b"hindsight-output 1\nfile a\n"),
            Err(Problem::NotAManifest(_))
        ));
        assert!(matches!(
            parse(b"hindsight-output 1\nroot ..\nfile %zz\n"),
            Err(Problem::NotAManifest(_))
        ));
        assert!(matches!(
            parse(b"hindsight-output 1\nroot ..\nrm -rf\n"),
            Err(Problem::NotAManifest(_))
        ));
    }

    #[test]
    fn the_root_alone_is_read_from_the_head() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = render(Path::new(".."), ["a.html"].into_iter());
        std::fs::write(dir.path().join(NAME), bytes).unwrap();
        assert_eq!(read_root(dir.path()).unwrap(), Some(PathBuf::from("..")));
        assert!(read_root(&dir.path().join("missing")).unwrap().is_none());
    }
}
