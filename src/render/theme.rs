//! Themes: Tera templates and static files, with a site's own files
//! overriding the theme's file by file.
//!
//! The default theme is compiled into the binary, so `hindsight` works on
//! any folder of reports; a site that has `themes/<name>/` on disk uses that
//! copy instead (this repository does, so edits to the theme show at once).
//! A file the copy lacks comes from the built-in theme: a copy made by an
//! older version, before a page kind was added, still builds.
//!
//! A file of a `templates/` or `static/` folder is read only if its real
//! path lies inside that folder (see [`crate::source::Boundary`]): a link
//! out of it is an error, a folder link out of it is not walked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, code};
use crate::source::{Boundary, Refusal, refused};

/// The default theme's files, relative to `themes/default/`.
const DEFAULT_THEME: &[(&str, &[u8])] = &[
    (
        "templates/base.html",
        include_bytes!("../../themes/default/templates/base.html"),
    ),
    (
        "templates/macros.html",
        include_bytes!("../../themes/default/templates/macros.html"),
    ),
    (
        "templates/index.html",
        include_bytes!("../../themes/default/templates/index.html"),
    ),
    (
        "templates/report.html",
        include_bytes!("../../themes/default/templates/report.html"),
    ),
    (
        "templates/action-items.html",
        include_bytes!("../../themes/default/templates/action-items.html"),
    ),
    (
        "templates/new.md",
        include_bytes!("../../themes/default/templates/new.md"),
    ),
    (
        "templates/metrics.html",
        include_bytes!("../../themes/default/templates/metrics.html"),
    ),
    (
        "templates/years.html",
        include_bytes!("../../themes/default/templates/years.html"),
    ),
    (
        "templates/row.html",
        include_bytes!("../../themes/default/templates/row.html"),
    ),
    (
        "templates/brief-row.html",
        include_bytes!("../../themes/default/templates/brief-row.html"),
    ),
    (
        "templates/list.html",
        include_bytes!("../../themes/default/templates/list.html"),
    ),
    (
        "templates/terms.html",
        include_bytes!("../../themes/default/templates/terms.html"),
    ),
    (
        "templates/search.html",
        include_bytes!("../../themes/default/templates/search.html"),
    ),
    (
        "templates/404.html",
        include_bytes!("../../themes/default/templates/404.html"),
    ),
    (
        "static/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "static/hindsight.js",
        include_bytes!("../../themes/default/static/hindsight.js"),
    ),
    (
        "static/search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "static/favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
    (
        "static/card.png",
        include_bytes!("../../themes/default/static/card.png"),
    ),
];

/// A theme with a site's overrides applied.
pub struct Theme {
    /// Template name (`report.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Path under `static/` → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Files of the theme or the site that were not read: links that lead
    /// out of their folder, FIFOs and the like.
    pub diagnostics: Vec<Diagnostic>,
}

impl Theme {
    /// Loads the configured theme and the site's `templates/` and `static/`
    /// overrides.
    pub fn load(root: &Path, config: &Config) -> Result<Theme> {
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut diagnostics = Vec::new();
        let dir = root.join("themes").join(&config.theme);
        if dir.is_dir() || config.theme == "default" {
            for sub in ["templates", "static"] {
                let theme_dir = dir.join(sub);
                if theme_dir.is_dir() {
                    read_tree(root, &theme_dir, sub, &mut files, &mut diagnostics)?;
                }
            }
            for (path, bytes) in DEFAULT_THEME {
                files
                    .entry(path.to_string())
                    .or_insert_with(|| bytes.to_vec());
            }
        } else {
            bail!(
                "theme `{}` not found: there is no folder `{}`",
                config.theme,
                dir.display()
            );
        }
        // The theme's templates are indented to be read; the pages they
        // make need not be. A site's own templates are left as written.
        for (path, bytes) in files.iter_mut() {
            if path.starts_with("templates/") && path.ends_with(".html") {
                *bytes = unindent(bytes);
            }
        }
        for sub in ["templates", "static"] {
            let site_dir = root.join(sub);
            if site_dir.is_dir() {
                read_tree(root, &site_dir, sub, &mut files, &mut diagnostics)?;
            }
        }
        let mut theme = Theme {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
            diagnostics,
        };
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes)
                    .with_context(|| format!("template `{path}` is not valid UTF-8"))?;
                theme.templates.insert(name.to_string(), text);
            } else if let Some(name) = path.strip_prefix("static/") {
                theme.statics.insert(name.to_string(), bytes);
            }
        }
        Ok(theme)
    }

    /// Whether template `name` is the built-in theme's, as it is.
    pub fn is_built_in(&self, name: &str) -> bool {
        let path = format!("templates/{name}");
        let built_in = DEFAULT_THEME.iter().find(|(p, _)| *p == path);
        match (self.templates.get(name), built_in) {
            (Some(text), Some((_, bytes))) => text.as_bytes() == unindent(bytes),
            _ => false,
        }
    }

    /// Compiles the templates. Autoescaping is on for `.html` and `.xml`.
    pub fn tera(&self) -> Result<tera::Tera> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.add_raw_templates(
            self.templates
                .iter()
                .filter(|(name, _)| !name.ends_with(".md")),
        )
        .map_err(|e| anyhow::anyhow!("{}", render_error(&e)))
        .context("the theme's templates do not compile")?;
        Ok(tera)
    }
}

/// `template` without the spaces and tabs that start its lines, which
/// would otherwise be written into every page: indentation is a sixtieth
/// of a report page. Line breaks stay, so a line number in a template
/// error still points at the right line, and inline elements on two lines
/// keep the space between them. A template with a `<pre>` or a
/// `<textarea>`, whose spaces are shown, is returned as it is.
fn unindent(template: &[u8]) -> Vec<u8> {
    let shown = |tag: &[u8]| template.windows(tag.len()).any(|w| w == tag);
    if shown(b"<pre") || shown(b"<textarea") {
        return template.to_vec();
    }
    let mut out = Vec::with_capacity(template.len());
    for line in template.split_inclusive(|&b| b == b'\n') {
        let start = line
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(line.len());
        out.extend_from_slice(&line[start..]);
    }
    out
}

/// A Tera error with its causes, which hold the useful part.
pub fn render_error(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    message
}

/// Reads every file under `dir` (`templates/` or `static/` of the site or
/// the theme) into `files`, keyed by `prefix/` and its path under `dir`
/// with `/` separators. Hidden files are passed over, and so is what does
/// not lie inside `dir`, with a diagnostic: a link to a file outside is an
/// error, a link to a folder outside a warning (it is not walked).
fn read_tree(
    root: &Path,
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<()> {
    use std::io::Read;
    let boundary =
        Boundary::new(dir).with_context(|| format!("cannot read folder `{}`", dir.display()))?;
    let what = if prefix == "templates" {
        "template"
    } else {
        "static file"
    };
    let shown = |path: &Path| crate::source::relative(root, path);
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry =
            entry.with_context(|| format!("cannot read theme folder `{}`", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            if entry.depth() > 0
                && entry.path_is_symlink()
                && let Err(refusal) = boundary.locate(path)
            {
                walker.skip_current_dir();
                match refusal {
                    Refusal::Outside(real) => diagnostics.push(
                        Diagnostic::warning(
                            shown(path),
                            code::OUTSIDE_LINK,
                            format!(
                                "is a link to the folder `{}`, outside {}/; it was not read",
                                real.display(),
                                shown(dir).display()
                            ),
                        )
                        .hint("only what lies inside the folder is published: move or copy the files in"),
                    ),
                    other => diagnostics.push(refused(&shown(path), &other, what)),
                }
            }
            continue;
        }
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if !entry.file_type().is_file() {
            // Never opened: a FIFO would wait for a writer forever.
            diagnostics.push(refused(
                &shown(path),
                &Refusal::NotAFile(crate::source::kind_of(&entry.file_type())),
                what,
            ));
            continue;
        }
        let mut file = match boundary.open(path) {
            Ok(file) => file,
            Err(refusal) => {
                diagnostics.push(refused(&shown(path), &refusal, what));
                continue;
            }
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        let rel: PathBuf = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
        let key = std::iter::once(prefix.into())
            .chain(rel.components().map(|c| c.as_os_str().to_string_lossy()))
            .collect::<Vec<_>>()
            .join("/");
        files.insert(key, bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_default_theme_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk = BTreeMap::new();
        let mut problems = Vec::new();
        for sub in ["templates", "static"] {
            read_tree(&dir, &dir.join(sub), sub, &mut on_disk, &mut problems).unwrap();
        }
        assert!(problems.is_empty(), "{problems:?}");
        let embedded: Vec<&str> = DEFAULT_THEME.iter().map(|(p, _)| *p).collect();
        let mut embedded_sorted = embedded.clone();
        embedded_sorted.sort();
        assert_eq!(
            on_disk.keys().map(String::as_str).collect::<Vec<_>>(),
            embedded_sorted
        );
    }

    #[test]
    fn templates_lose_their_indentation_but_not_their_lines_or_pre() {
        let template = b"<ul>\n  <li>a</li>\n\t\t{%- if x %}\n\n    <li>b\n    c</li>\n</ul>";
        assert_eq!(
            String::from_utf8(unindent(template)).unwrap(),
            "<ul>\n<li>a</li>\n{%- if x %}\n\n<li>b\nc</li>\n</ul>"
        );
        let pre = b"<pre>\n  kept\n</pre>";
        assert_eq!(unindent(pre), pre.to_vec());
    }

    #[test]
    fn embedded_theme_compiles() {
        let config = Config::default();
        let theme = Theme::load(Path::new("/nonexistent-site"), &config).unwrap();
        theme.tera().unwrap();
    }
}
