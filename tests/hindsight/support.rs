//! Helpers: copy a fixture into a temporary folder, build it, read pages as
//! parsed HTML, and check every link of a built site.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hindsight::diagnostics::Level;
use hindsight::{Diagnostic, Error, Options, Summary};
use scraper::{Html, Selector};
use tempfile::TempDir;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture site copied into a temporary folder, so tests can change it
/// and build it without touching the repository.
pub struct TestSite {
    pub dir: TempDir,
}

impl TestSite {
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_tree(&fixtures().join(name), site.root());
        site
    }

    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Rewrites a file of the site with `change`.
    pub fn edit(&self, rel: &str, change: impl FnOnce(&str) -> String) {
        let text = self.read(rel);
        self.write(rel, &change(&text));
    }

    pub fn options(&self) -> Options {
        Options::new(self.root())
    }

    pub fn build(&self) -> Result<Summary, Error> {
        hindsight::build(&self.options())
    }

    pub fn build_ok(&self) -> Summary {
        match self.build() {
            Ok(s) => s,
            Err(e) => panic!("build failed:\n{e}"),
        }
    }

    pub fn page(&self, rel: &str) -> Html {
        page(&self.out(), rel)
    }
}

/// The errors of a build that must fail on its content, after checking
/// that it published nothing.
pub fn content_errors(site: &TestSite) -> Vec<Diagnostic> {
    match site.build() {
        Err(Error::Content(d)) => {
            assert!(!site.out().exists(), "a failed build wrote output");
            d.into_iter().filter(|d| d.level == Level::Error).collect()
        }
        Err(e) => panic!("expected content errors, got: {e}"),
        Ok(_) => panic!("expected content errors, the site built"),
    }
}

pub fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

/// The JSON a report page at `rel` (under `out`) carries for bots: the
/// one `script#hindsight-report` of its head, parsed.
pub fn report_json(out: &Path, rel: &str) -> serde_json::Value {
    let doc = page(out, rel);
    let scripts: Vec<String> = doc
        .select(&sel(
            "head > script#hindsight-report[type='application/json']",
        ))
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(scripts.len(), 1, "{rel}: one report script in the head");
    serde_json::from_str(&scripts[0]).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// Texts of the elements matching `css`, whitespace folded.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `href`s of the links matching `css`.
pub fn hrefs(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// Resolves a relative URL found in `page` (a path under `out`) to the file
/// it names, the way a static host does (`dir/` means `dir/index.html`).
pub fn resolve(out: &Path, page: &Path, href: &str) -> (PathBuf, Option<String>) {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let base = page.parent().unwrap();
    let mut target = if path.is_empty() {
        page.to_path_buf()
    } else {
        base.join(percent_decode(path))
    };
    if path.ends_with('/') || (!path.is_empty() && target.is_dir()) {
        target = target.join("index.html");
    }
    let mut parts: Vec<std::ffi::OsString> = Vec::new();
    for c in target.strip_prefix(out).unwrap_or(&target).components() {
        match c {
            std::path::Component::ParentDir => {
                assert!(
                    parts.pop().is_some(),
                    "{href} in {} leaves the site",
                    page.display()
                );
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_owned()),
        }
    }
    (
        parts.iter().fold(out.to_path_buf(), |p, c| p.join(c)),
        fragment,
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `href` and `src` in every HTML file under `out` that is relative
/// must name an existing file, and a `#fragment` an existing id. Returns the
/// broken ones, as `page: href`. Also fails on root-relative links.
pub fn broken_links(out: &Path) -> Vec<String> {
    let mut ids: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut docs = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let doc = Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
            let page_ids = doc
                .select(&sel("[id]"))
                .filter_map(|e| e.value().attr("id").map(str::to_string))
                .collect();
            ids.insert(entry.path().to_path_buf(), page_ids);
            docs.push((entry.path().to_path_buf(), doc));
        }
    }
    let mut broken = Vec::new();
    let links = sel("a[href], link[href], img[src], script[src]");
    for (page, doc) in &docs {
        for el in doc.select(&links) {
            let url = el
                .value()
                .attr("href")
                .or_else(|| el.value().attr("src"))
                .unwrap();
            let rel = page.strip_prefix(out).unwrap().display().to_string();
            // The 404 page is served from any depth: its links start from
            // the base URL's path, `/` in these sites.
            let url = match url.strip_prefix('/') {
                Some(from_root) if rel == "404.html" => from_root,
                Some(_) => {
                    broken.push(format!("{rel}: {url} (root-relative)"));
                    continue;
                }
                None => url,
            };
            if url.contains(':')
                && !url.starts_with('#')
                && url.split(':').next().is_some_and(|s| !s.contains('/'))
            {
                continue; // absolute URL with a scheme
            }
            let from = if rel == "404.html" {
                out.join("index.html")
            } else {
                page.clone()
            };
            let (target, fragment) = resolve(out, &from, url);
            if !target.is_file() {
                broken.push(format!("{rel}: {url}"));
            } else if let Some(f) = fragment.filter(|f| !f.is_empty())
                && target.extension().is_some_and(|e| e == "html")
                && !ids.get(&target).is_some_and(|ids| ids.contains(&f))
            {
                broken.push(format!("{rel}: {url} (no #{f})"));
            }
        }
    }
    broken.sort();
    broken
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Diagnostics as `file:line: message`, for comparing with expectations.
pub fn at_lines(diagnostics: &[hindsight::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{}:{}: {}", d.file.display(), d.line, d.message))
        .collect()
}

/// Every file of `dir` with its inode and modification time: a file that
/// was rewritten (always by rename) has a new inode.
pub fn stamps(dir: &Path) -> std::collections::BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let path = e.path().strip_prefix(dir).unwrap();
            (
                path.to_string_lossy().into_owned(),
                (m.ino(), m.mtime(), m.mtime_nsec()),
            )
        })
        .collect()
}

/// The arguments of the one `hindsightSearch(kind, key, data);` call that
/// a search index file is, parsed as JSON into `T` (a tuple of all three,
/// so a missing or extra argument fails too). Anything else in the text,
/// or arguments that are not JSON, fail the test naming `name`.
pub fn script_call<T: serde::de::DeserializeOwned>(text: &str, name: &str) -> T {
    let args = text
        .strip_prefix("hindsightSearch(")
        .and_then(|rest| rest.trim_end().strip_suffix(");"))
        .unwrap_or_else(|| {
            let start: String = text.chars().take(60).collect();
            panic!("{name}: not one `hindsightSearch(...);` call: {start:?}")
        });
    serde_json::from_str(&format!("[{args}]"))
        .unwrap_or_else(|e| panic!("{name}: bad arguments: {e}"))
}

/// A finished command's exit code and output, for an assertion's message.
pub fn describe(o: &std::process::Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs the `hindsight` binary with `args`, from the test's folder.
pub fn hindsight(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(args)
        .output()
        .expect("run hindsight")
}
