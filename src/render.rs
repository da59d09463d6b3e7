//! Rendering every page of the site through the theme's templates.
//!
//! Pages are described first (a cheap list of [`Page`]s), then each one
//! builds its own context and renders in parallel, so no page pays for the
//! data of the others.

use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::archive::Archive;
use crate::config::Config;
use crate::output::Output;
use crate::theme::{Theme, render_error};
use crate::url;
use crate::view::{self, Rows, SeverityView, SiteView};

/// Stands for `root` in cached list rows. A character for private use:
/// it survives HTML escaping unchanged and no report is expected to hold it
/// (a row that does is rendered for each page instead).
const ROOT_MARK: &str = "\u{E000}";

/// One page to render.
#[derive(Debug, Clone)]
enum Page {
    Home,
    Postmortems,
    Report(usize),
    Year(i32),
    Terms(Kind),
    Term(Kind, String),
    NotFound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Services,
    Severities,
    Tags,
}

impl Kind {
    fn segment(self) -> &'static str {
        match self {
            Kind::Services => "services",
            Kind::Severities => "severities",
            Kind::Tags => "tags",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Services => "Services",
            Kind::Severities => "Severities",
            Kind::Tags => "Tags",
        }
    }
}

impl Page {
    /// The page's folder, site-relative (`postmortems/<slug>/`), and its file.
    fn location(&self, archive: &Archive) -> (String, &'static str) {
        let dir = match self {
            Page::Home => String::new(),
            Page::NotFound => return (String::new(), "404.html"),
            Page::Postmortems => "postmortems/".into(),
            Page::Report(i) => archive.reports[*i].url(),
            Page::Year(y) => format!("years/{y}/"),
            Page::Terms(k) => format!("{}/", k.segment()),
            Page::Term(k, slug) => format!("{}/{slug}/", k.segment()),
        };
        (dir, "index.html")
    }
}

/// Everything the pages share, computed once.
pub struct Renderer<'a> {
    config: &'a Config,
    archive: &'a Archive,
    tera: Tera,
    site: SiteView,
    severities: Vec<SeverityView>,
    rows: Rows,
    /// Each report's `row.html`, rendered once with [`ROOT_MARK`] for
    /// `root`: a report shows in half a dozen lists at several depths, and
    /// each list pastes the cached row with its own `root`.
    row_cache: Vec<OnceLock<Arc<str>>>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        config: &'a Config,
        archive: &'a Archive,
        theme: &Theme,
        base_url: Option<String>,
    ) -> Result<Self> {
        let tera = theme.tera()?;
        let severities = view::severities(config, archive);
        let rows = Rows::new(archive, &severities);
        let site = SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            language: config.language.clone(),
            base_url,
            severities: severities.clone(),
            report_count: archive.reports.len(),
            generator: format!("Hindsight {}", env!("CARGO_PKG_VERSION")),
        };
        let row_cache = (0..rows.len()).map(|_| Default::default()).collect();
        Ok(Renderer {
            config,
            archive,
            tera,
            site,
            severities,
            rows,
            row_cache,
        })
    }

    fn pages(&self) -> Vec<Page> {
        let a = self.archive;
        let mut pages = vec![Page::Home, Page::Postmortems, Page::NotFound];
        pages.extend((0..a.reports.len()).map(Page::Report));
        pages.extend(a.years.keys().map(|&y| Page::Year(y)));
        for kind in [Kind::Services, Kind::Severities, Kind::Tags] {
            pages.push(Page::Terms(kind));
        }
        pages.extend(
            a.services
                .keys()
                .map(|s| Page::Term(Kind::Services, s.clone())),
        );
        pages.extend(
            a.severities
                .iter()
                .map(|s| Page::Term(Kind::Severities, s.slug.clone())),
        );
        pages.extend(a.tags.keys().map(|s| Page::Term(Kind::Tags, s.clone())));
        pages
    }

    /// Renders every page into `output` and returns how many there were.
    /// Template errors are collected, not fatal at the first one.
    pub fn render_all(&self, output: &Output) -> Result<usize> {
        let pages = self.pages();
        let mut errors: Vec<String> = pages
            .par_iter()
            .filter_map(|p| self.render(p, output).err())
            .map(|e| format!("{e:#}"))
            .collect();
        if !errors.is_empty() {
            errors.sort();
            errors.dedup();
            return Err(anyhow!("{}", errors.join("\n")));
        }
        Ok(pages.len())
    }

    fn render(&self, page: &Page, output: &Output) -> Result<()> {
        let (dir, file) = page.location(self.archive);
        let root = url::root_prefix(&dir);
        let mut cx = Context::new();
        cx.insert("site", &self.site);
        cx.insert("root", &root);
        cx.insert("path", &dir);
        let template = match page {
            Page::Home => self.home(&mut cx, &root)?,
            Page::Postmortems => {
                let all: Vec<usize> = (0..self.rows.len()).collect();
                cx.insert("section", "postmortems");
                cx.insert("title", "All postmortems");
                cx.insert(
                    "description",
                    &format!("{} reports, newest first.", all.len()),
                );
                cx.insert("sections", &self.sections(&all, true, &root)?);
                "list.html"
            }
            Page::Report(i) => {
                cx.insert("section", "postmortems");
                cx.insert("title", &self.rows.rows[*i].title);
                cx.insert("report", &view::report(self.archive, &self.rows, *i));
                "report.html"
            }
            Page::Year(y) => {
                let reports = &self.archive.years[y];
                cx.insert("section", "postmortems");
                cx.insert("title", &format!("Postmortems of {y}"));
                cx.insert("description", &count_text(reports.len()));
                cx.insert("sections", &self.sections(reports, true, &root)?);
                cx.insert("years", &self.year_links());
                "list.html"
            }
            Page::Terms(kind) => {
                let terms: Vec<_> = self
                    .terms(*kind)
                    .map(|t| view::term(kind.segment(), t, &self.rows, self.config))
                    .collect();
                cx.insert("section", kind.segment());
                cx.insert("kind", kind.segment());
                cx.insert("title", kind.title());
                cx.insert("terms", &terms);
                "terms.html"
            }
            Page::Term(kind, slug) => {
                let term = self
                    .terms(*kind)
                    .find(|t| &t.slug == slug)
                    .expect("page made from the archive");
                let tv = view::term(kind.segment(), term, &self.rows, self.config);
                cx.insert("section", kind.segment());
                cx.insert("kind", kind.segment());
                cx.insert("title", &term_title(*kind, &tv));
                cx.insert("description", &tv.description);
                cx.insert("term", &tv);
                cx.insert("sections", &self.sections(&term.reports, false, &root)?);
                "list.html"
            }
            Page::NotFound => {
                // The 404 page is served at any depth: with a base URL its
                // links can be absolute; without one they assume the root.
                if let Some(base) = &self.site.base_url {
                    cx.insert("root", base);
                }
                cx.insert("section", "");
                cx.insert("title", "Page not found");
                "404.html"
            }
        };
        let html = self.tera.render(template, &cx).map_err(|e| {
            anyhow!(
                "rendering `{dir}{file}` with `{template}`: {}",
                render_error(&e)
            )
        })?;
        output.put(&format!("{dir}{file}"), html.as_bytes())
    }

    /// The list sections of a page whose relative root is `root`.
    fn sections(
        &self,
        reports: &[usize],
        by_month: bool,
        root: &str,
    ) -> Result<Vec<view::Section<'_>>> {
        view::by_year(&self.rows, reports, by_month, |i, out| {
            self.paste_row(i, root, out)
        })
    }

    /// Appends report `i` as a list row on a page at `root` to `out`.
    fn paste_row(&self, i: usize, root: &str, out: &mut String) -> Result<()> {
        let row = &self.rows.rows[i];
        if row.contains(ROOT_MARK) {
            // The mark would be ambiguous: render this row for this page.
            out.push_str(&self.render_row(i, root)?);
            return Ok(());
        }
        let html = match self.row_cache[i].get() {
            Some(html) => html,
            None => {
                let html = self.render_row(i, ROOT_MARK)?;
                self.row_cache[i].get_or_init(|| html)
            }
        };
        for (n, piece) in html.split(ROOT_MARK).enumerate() {
            if n > 0 {
                out.push_str(root);
            }
            out.push_str(piece);
        }
        Ok(())
    }

    fn render_row(&self, i: usize, root: &str) -> Result<Arc<str>> {
        let mut cx = Context::new();
        cx.insert("row", &self.rows.values[i]);
        cx.insert("root", root);
        let html = self
            .tera
            .render("row.html", &cx)
            .map_err(|e| anyhow!("rendering a list row with `row.html`: {}", render_error(&e)))?;
        Ok(Arc::from(html))
    }

    fn home(&self, cx: &mut Context, root: &str) -> Result<&'static str> {
        let count = self.config.home_latest.min(self.rows.len());
        let latest: Vec<&tera::Value> = self.rows.values[..count].iter().collect();
        let mut latest_html = String::new();
        for i in 0..count {
            self.paste_row(i, root, &mut latest_html)?;
        }
        let mut services: Vec<_> = self
            .archive
            .services
            .values()
            .map(|t| view::term("services", t, &self.rows, self.config))
            .collect();
        services.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        cx.insert("section", "home");
        cx.insert("title", &self.config.title);
        cx.insert("latest", &latest);
        cx.insert("latest_html", &latest_html);
        cx.insert("severities", &self.severities);
        cx.insert("services", &services);
        cx.insert("years", &self.year_links());
        Ok("index.html")
    }

    fn terms(&self, kind: Kind) -> Box<dyn Iterator<Item = &crate::archive::Term> + '_> {
        match kind {
            Kind::Services => Box::new(self.archive.services.values()),
            Kind::Severities => Box::new(self.archive.severities.iter()),
            Kind::Tags => Box::new(self.archive.tags.values()),
        }
    }

    fn year_links(&self) -> Vec<YearLink> {
        self.archive
            .years
            .iter()
            .rev()
            .map(|(y, r)| YearLink {
                year: *y,
                url: format!("years/{y}/"),
                count: r.len(),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct YearLink {
    year: i32,
    url: String,
    count: usize,
}

fn count_text(n: usize) -> String {
    if n == 1 {
        "1 report.".into()
    } else {
        format!("{n} reports.")
    }
}

fn term_title(kind: Kind, term: &view::TermView<'_>) -> String {
    match kind {
        Kind::Services => format!("Service: {}", term.name),
        Kind::Severities if !term.label.is_empty() => format!("{} · {}", term.name, term.label),
        Kind::Severities => term.name.clone(),
        Kind::Tags => format!("Tag: {}", term.name),
    }
}
