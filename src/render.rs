//! Rendering every page of the site through the theme's templates.
//!
//! In: the archive, its insights, the configuration and the theme. Out:
//! every file of the site (pages, feeds, sitemaps, the search index,
//! redirects, `stats.json`, the theme's static files and the files reports
//! link to), handed to [`Output`] as it is made, and the diagnostics that
//! report bodies gave while rendering. This is the only layer that writes
//! HTML, SVG, XML or JavaScript.
//!
//! Pages are described first (a cheap list, [`pages::all`]), then each one
//! builds its own context and renders in parallel, so no page pays for the
//! data of the others. What every page receives is [`pages::PageVars`];
//! what each kind of page adds, its module under [`pages`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::archive::Archive;
use crate::archive::insights::Insights;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::render::theme::{Theme, render_error};
use view::{Rows, SeverityView, SiteView};

pub(crate) mod actions;
pub mod body;
pub(crate) mod charts;
pub mod markdown;
pub(crate) mod meta;
mod pages;
mod publish;
pub(crate) mod routes;
pub mod search;
pub(crate) mod syndication;
pub mod theme;
pub mod view;
mod written;

use pages::{Content, Page, PageVars};
use publish::{SITEMAP_URLS, write_sitemaps};

/// Stands for `root` in cached list rows. A character for private use:
/// it survives HTML escaping unchanged and no report is expected to hold it
/// (a row that does is rendered for each page instead).
const ROOT_MARK: &str = "\u{E000}";

/// Everything the pages share, computed once.
pub struct Renderer<'a> {
    config: &'a Config,
    archive: &'a Archive,
    tera: Tera,
    site: SiteView,
    severities: Vec<SeverityView>,
    rows: &'a Rows,
    /// Every report, in archive order: the list of `/postmortems/`.
    all: Vec<usize>,
    /// Each report's row in each [`RowForm`], rendered once with
    /// [`ROOT_MARK`] for `root`: a report shows in half a dozen lists at
    /// several depths, and each list pastes the cached row with its own
    /// `root`.
    row_cache: Vec<[OnceLock<CachedRow>; 2]>,
    insights: Insights,
    /// Every action item, open first, and their owners.
    actions: Vec<actions::ActionRow<'a>>,
    owners: Vec<actions::Owner>,
    /// The search index, filled as report pages render; none when only the
    /// pages around a report are rendered, since the index is the whole
    /// archive's.
    search: Option<crate::render::search::Builder<'a>>,
    /// Where the theme's static files go, which aliases must not take.
    statics: Vec<String>,
    /// Whether report pages are written by [`written::page`]: the theme's
    /// templates for them are the built-in ones.
    written_reports: bool,
    /// Whether list rows are written by [`written::row`], for the same
    /// reason.
    written_rows: bool,
    /// See [`Setup::texts`].
    texts: Option<&'a crate::archive::Texts>,
}

/// The two ways a list shows a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowForm {
    /// `row.html`: with its services and summary.
    Full,
    /// `brief-row.html`: badge, title, date and duration, for the
    /// archive's index and a report's earlier ones.
    Brief,
}

impl RowForm {
    fn template(self) -> &'static str {
        match self {
            RowForm::Full => "row.html",
            RowForm::Brief => "brief-row.html",
        }
    }
}

/// A report's list row, rendered once.
enum CachedRow {
    /// The row's HTML cut where `root` goes.
    Pieces(Box<[Box<str>]>),
    /// The row's own text holds [`ROOT_MARK`], which would be ambiguous:
    /// the row is rendered for each page instead.
    PerPage,
}

/// What rendering gave besides its files: how many it wrote, and what
/// the reports revealed as their pages rendered. Each page returns its
/// own; the parallel loop merges them.
#[derive(Debug, Default)]
pub struct Rendered {
    /// How many pages and other files (feeds, sitemaps, redirects…) were
    /// written.
    pub pages: usize,
    /// Problems with the bodies' links and with aliases.
    pub diagnostics: Vec<Diagnostic>,
    /// The files next to reports that pages use: URL → source path.
    pub assets: BTreeMap<String, PathBuf>,
}

impl Rendered {
    /// `pages` files written, which revealed nothing.
    fn files(pages: usize) -> Rendered {
        Rendered {
            pages,
            ..Rendered::default()
        }
    }

    /// Adds what `other` rendered and revealed.
    fn merge(&mut self, mut other: Rendered) {
        self.pages += other.pages;
        self.diagnostics.append(&mut other.diagnostics);
        self.assets.append(&mut other.assets);
    }
}

/// Which pages a renderer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole site: [`Renderer::render_all`].
    Site,
    /// Only the pages around one report ([`Renderer::render_around`]):
    /// the archive's action items and the search index, which only pages
    /// of the whole archive show, are left out.
    Around,
}

/// What a renderer renders: the site's configuration, archive, list rows
/// and theme, and the two facts of the build that pages show.
pub struct Setup<'a> {
    pub config: &'a Config,
    pub archive: &'a Archive,
    pub rows: &'a Rows,
    pub theme: &'a Theme,
    /// Where the site is published, ending in `/`: absolute URLs, feeds and
    /// the sitemap need it.
    pub base_url: Option<String>,
    /// The build date, against which action items are overdue.
    pub today: chrono::NaiveDate,
    /// The reports' texts, when the archive's reports have given them up
    /// ([`Archive::take_texts`]): each report's page takes its own.
    pub texts: Option<&'a crate::archive::Texts>,
}

impl<'a> Renderer<'a> {
    pub fn new(scope: Scope, setup: Setup<'a>) -> Result<Self> {
        let Setup {
            config,
            archive,
            rows,
            theme,
            base_url,
            today,
            texts,
        } = setup;
        let whole = scope == Scope::Site;
        // The archive's insights on one core while the action items are
        // listed and the templates parsed on the other.
        let (insights, (tera, actions)) = rayon::join(
            || Insights::new(archive, today),
            || {
                rayon::join(
                    || theme.tera(),
                    || {
                        if whole {
                            actions::rows(archive, rows, today)
                        } else {
                            Vec::new()
                        }
                    },
                )
            },
        );
        let mut tera = tera?;
        let severities = view::severities(config, archive);
        let owners = actions::owners(&actions);
        let site = SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            language: config.language.clone(),
            base_url,
            severities: severities.clone(),
            report_count: archive.reports.len(),
            generator: format!("Hindsight {}", env!("CARGO_PKG_VERSION")),
        };
        // Every page sees the same `site`: serialised once, for all.
        tera.global_context().insert("site", &site);
        let row_cache = (0..rows.len()).map(|_| Default::default()).collect();
        Ok(Renderer {
            config,
            archive,
            tera,
            site,
            severities,
            all: (0..rows.len()).collect(),
            rows,
            row_cache,
            statics: theme
                .statics
                .keys()
                .map(|p| routes::static_file(p))
                .collect(),
            insights,
            actions,
            owners,
            search: whole.then(|| crate::render::search::Builder::new(archive)),
            written_reports: written::REPORT_TEMPLATES
                .iter()
                .all(|name| theme.is_built_in(name)),
            written_rows: written::ROW_TEMPLATES
                .iter()
                .all(|name| theme.is_built_in(name)),
            texts,
        })
    }

    /// Renders the pages that show report `i` into `output`: its own page,
    /// the pages of the reports next to it (in the archive and in each of
    /// its services) and related to it, and the page of each list it is
    /// on. Pages of the whole archive (the home page, metrics, action
    /// items, feeds, the search index) are left as they are.
    pub fn render_around(&self, i: usize, output: &Output) -> Result<Rendered> {
        self.render_pages(&pages::around(self, i), output)
    }

    /// Renders `pages` in parallel and merges what each gave. Template
    /// errors are collected, not fatal at the first one.
    fn render_pages(&self, pages: &[Page<'_>], output: &Output) -> Result<Rendered> {
        type Done = (Rendered, Vec<String>);
        let (rendered, mut errors) = pages
            .par_iter()
            .map(|p| self.render(p, output))
            .fold(Done::default, |(mut done, mut errors), page| {
                match page {
                    Ok(page) => done.merge(page),
                    Err(e) => errors.push(format!("{e:#}")),
                }
                (done, errors)
            })
            .reduce(
                Done::default,
                |(mut done, mut errors), (more, more_errors)| {
                    done.merge(more);
                    errors.extend(more_errors);
                    (done, errors)
                },
            );
        if errors.is_empty() {
            return Ok(rendered);
        }
        errors.sort();
        errors.dedup();
        Err(anyhow!("{}", errors.join("\n")))
    }

    /// Renders every page into `output`, and the files that go with them:
    /// the search index, feeds, sitemaps, `robots.txt`, redirects.
    pub fn render_all(&self, output: &Output) -> Result<Rendered> {
        let pages = pages::all(self);
        let mut rendered = self.render_pages(&pages, output)?;
        let open: Vec<usize> = self.insights.facts.iter().map(|f| f.open).collect();
        let mut count = 0;
        if let Some(search) = &self.search {
            count += search.finish(&self.severities, &open, output)?;
        }
        if let Some(base) = &self.site.base_url {
            count += self.feeds(base, output)?;
            let mut locs: Vec<String> = pages
                .iter()
                .filter(|p| !matches!(p, Page::NotFound))
                .map(|p| format!("{base}{}", routes::url_of(&p.location(self.archive).0)))
                .collect();
            locs.sort();
            count += write_sitemaps(base, &locs, SITEMAP_URLS, output)?;
        }
        count += self.finish(output)?;
        for (dir, target) in pages::folders_without_pages(self, &pages) {
            let page = meta::folder_redirect(target);
            output.put(&format!("{dir}{}", routes::INDEX_FILE), page.as_bytes())?;
            count += 1;
        }
        rendered.merge(Rendered::files(count));
        // Last, so that an alias can be checked against every file of the
        // site: those written so far, the theme's, the reports' images.
        // Compared without case: some hosts ignore it.
        let mut taken = output.paths_lowercase();
        taken.extend(self.statics.iter().map(|p| p.to_lowercase()));
        taken.insert(routes::STATS_FILE.to_string());
        taken.insert(routes::ACTION_ITEMS_FILE.to_string());
        taken.insert(routes::ACTION_ITEMS_CSV_FILE.to_string());
        taken.extend(rendered.assets.keys().map(|url| url.to_lowercase()));
        rendered.merge(self.redirects(&taken, output)?);
        Ok(rendered)
    }

    /// Renders `page` into `output`.
    fn render(&self, page: &Page, output: &Output) -> Result<Rendered> {
        let (dir, file) = page.location(self.archive);
        let root = page.root(&dir, self.site.base_url.as_deref());
        let at = pages::At {
            dir: &dir,
            root: &root,
        };
        let filled = pages::fill(self, page, &at, output)?;
        let template = filled.template;
        let vars = PageVars {
            root: &root,
            path: &dir,
            section: filled.section,
            title: &filled.title,
            meta: &filled.meta,
        };
        thread_local! {
            /// Each thread renders its pages into one buffer, reused.
            static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let head = filled.head;
        PAGE.with_borrow_mut(|html| {
            html.clear();
            match filled.content {
                Content::Context(mut cx) => {
                    let every_page = Context::from_serialize(&vars)
                        .map_err(|e| anyhow!("rendering `{dir}{file}`: {}", render_error(&e)))?;
                    cx.extend(every_page);
                    self.tera
                        .render_to(template, &cx, &mut *html)
                        .map_err(|e| {
                            anyhow!(
                                "rendering `{dir}{file}` with `{template}`: {}",
                                render_error(&e)
                            )
                        })?;
                    if !head.is_empty() {
                        insert_in_head(html, &head);
                    }
                }
                Content::Report(view) => {
                    // The buffer is empty: taking it as a `String` checks
                    // nothing, and hands its memory back after.
                    let mut page = String::from_utf8(std::mem::take(html)).unwrap_or_default();
                    // JSON written by serde: UTF-8, checked at its speed.
                    let head = match std::str::from_utf8(&head) {
                        Ok(head) => std::borrow::Cow::Borrowed(head),
                        Err(_) => String::from_utf8_lossy(&head),
                    };
                    written::page(&mut page, &vars, &self.site, &view, &head);
                    *html = page.into_bytes();
                }
            }
            shorten_links(html, &root, &dir);
            output.put(&format!("{dir}{file}"), html)
        })?;
        let mut rendered = filled.revealed;
        rendered.pages += 1;
        Ok(rendered)
    }

    /// Appends report `i` as a list row on a page at `root` to `out`.
    fn paste_row(&self, i: usize, form: RowForm, root: &str, out: &mut String) -> Result<()> {
        let cache = &self.row_cache[i][form as usize];
        let cached = match cache.get() {
            Some(cached) => cached,
            None => {
                let cached = if self.rows.rows[i].contains(ROOT_MARK) {
                    CachedRow::PerPage
                } else {
                    let html = self.render_row(i, form, ROOT_MARK)?;
                    CachedRow::Pieces(html.split(ROOT_MARK).map(Box::from).collect())
                };
                cache.get_or_init(|| cached)
            }
        };
        match cached {
            CachedRow::Pieces(pieces) => {
                for (n, piece) in pieces.iter().enumerate() {
                    if n > 0 {
                        out.push_str(root);
                    }
                    out.push_str(piece);
                }
            }
            CachedRow::PerPage => out.push_str(&self.render_row(i, form, root)?),
        }
        Ok(())
    }

    fn render_row(&self, i: usize, form: RowForm, root: &str) -> Result<String> {
        if self.written_rows {
            let mut html = String::new();
            written::row(&mut html, &self.rows.rows[i], root, form == RowForm::Brief);
            // The line break that ends the templates' one line.
            html.push('\n');
            return Ok(html);
        }
        let mut cx = Context::new();
        cx.insert("row", &self.rows.rows[i]);
        cx.insert("root", root);
        let template = form.template();
        let html = self.tera.render(template, &cx).map_err(|e| {
            anyhow!(
                "rendering a list row with `{template}`: {}",
                render_error(&e)
            )
        })?;
        Ok(html)
    }

    /// `stats.json`, for dashboards.
    pub fn stats_json(&self) -> String {
        self.insights.stats_json(self.archive)
    }

    /// Every action item, by report: written as `action-items.json`
    /// (compact: a large archive has 100,000 of them) and, a line each, as
    /// `action-items.csv`.
    pub(crate) fn action_items(&self) -> meta::ActionItemsJson<'_> {
        meta::ActionItemsJson::new(
            self.archive,
            self.rows,
            &self.insights.overall,
            self.site.base_url.as_deref(),
            self.insights.today,
            self.config.tickets(),
        )
    }
}

/// Puts `markup` at the end of `html`'s head, before `</head>` (in any
/// case), so that it is there whatever the template; a page without one
/// gets it before `<body`, or at its end.
fn insert_in_head(html: &mut Vec<u8>, markup: &[u8]) {
    let find = |needle: &[u8]| {
        memchr::memmem::find(html, needle).or_else(|| {
            html.windows(needle.len())
                .position(|w| w.eq_ignore_ascii_case(needle))
        })
    };
    let at = find(b"</head")
        .or_else(|| find(b"<body"))
        .unwrap_or(html.len());
    html.splice(at..at, markup.iter().copied());
}

/// Shortens the links of a page at `dir` to pages of its own section:
/// on `postmortems/<slug>/`, `href="../../postmortems/x/"` becomes
/// `href="../x/"`. The same page, with fewer bytes: a report page links
/// to half a dozen others (pager, similar reports, the list), and there
/// are as many of those pages as reports.
fn shorten_links(html: &mut Vec<u8>, root: &str, dir: &str) {
    let depth = dir.matches('/').count();
    let Some((section, _)) = dir.split_once('/') else {
        return;
    };
    if depth < 2 || root.len() != depth * 3 || root.bytes().any(|b| b != b'.' && b != b'/') {
        return;
    }
    let long = format!("href=\"{root}{section}/");
    let short = &long.as_bytes()[..6 + root.len() - 3];
    let finder = memchr::memmem::Finder::new(long.as_bytes());
    let (mut read, mut write) = (0, 0);
    while let Some(found) = finder.find(&html[read..]) {
        let at = read + found;
        html.copy_within(read..at, write);
        write += at - read;
        html[write..write + short.len()].copy_from_slice(short);
        write += short.len();
        read = at + long.len();
    }
    if read > 0 {
        let end = html.len();
        html.copy_within(read..end, write);
        html.truncate(write + end - read);
    }
}

#[cfg(test)]
mod tests {
    use super::{insert_in_head, shorten_links};

    fn shortened(html: &str, root: &str, dir: &str) -> String {
        let mut bytes = html.as_bytes().to_vec();
        shorten_links(&mut bytes, root, dir);
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn links_within_a_section_lose_the_way_through_the_root() {
        let page = r#"<a href="../../postmortems/">All</a> <a href="../../postmortems/b/#t-1">B</a> <a href="../../tags/x/">x</a> <a href="../../postmortems/c/">"#;
        assert_eq!(
            shortened(page, "../../", "postmortems/a/"),
            r#"<a href="../">All</a> <a href="../b/#t-1">B</a> <a href="../../tags/x/">x</a> <a href="../c/">"#
        );
        assert_eq!(
            shortened(
                r#"<a href="../../../postmortems/b/">"#,
                "../../../",
                "postmortems/page/2/"
            ),
            r#"<a href="../../b/">"#
        );
        // The home page and a page at the top of a section: nothing shorter.
        for (root, dir) in [("", ""), ("../", "postmortems/")] {
            let page = format!(r#"<a href="{root}postmortems/b/">"#);
            assert_eq!(shortened(&page, root, dir), page);
        }
        // The section's name elsewhere, without the link before it, stays.
        let page = r#"postmortems/ <p>postmortems/a and ../../postmortems/b/</p> x="../../postmortems/c/" href="../../postmortems/d/""#;
        assert_eq!(
            shortened(page, "../../", "postmortems/a/"),
            r#"postmortems/ <p>postmortems/a and ../../postmortems/b/</p> x="../../postmortems/c/" href="../d/""#
        );
        // An absolute root (the 404 page's, with a base URL) is left alone.
        let page = r#"<a href="/docs/postmortems/b/">"#;
        assert_eq!(shortened(page, "/docs/", "postmortems/a/"), page);
    }

    fn inserted(html: &str) -> String {
        let mut bytes = html.as_bytes().to_vec();
        insert_in_head(&mut bytes, b"<x>");
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn markup_goes_at_the_end_of_the_head_whatever_the_template() {
        assert_eq!(
            inserted("<head><title>t</title></head><body></body>"),
            "<head><title>t</title><x></head><body></body>"
        );
        assert_eq!(inserted("<HEAD></HEAD><BODY>"), "<HEAD><x></HEAD><BODY>");
        assert_eq!(inserted("<p>no head<body>b"), "<p>no head<x><body>b");
        assert_eq!(inserted("<p>neither"), "<p>neither<x>");
    }
}
