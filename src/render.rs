//! Rendering every page of the site through the theme's templates.
//!
//! Pages are described first (a cheap list of [`Page`]s), then each one
//! builds its own context and renders in parallel, so no page pays for the
//! data of the others.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::archive::insights::{self, Insights};
use crate::archive::{Archive, Kind};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::render::theme::{Theme, render_error};
use crate::util::url;
use view::{Rows, SeverityView, SiteView};

pub mod actions;
pub mod body;
pub mod charts;
pub mod markdown;
pub mod meta;
mod publish;
pub mod routes;
pub mod search;
pub mod syndication;
pub mod theme;
pub mod view;

use publish::{SITEMAP_URLS, write_sitemaps};

/// Stands for `root` in cached list rows. A character for private use:
/// it survives HTML escaping unchanged and no report is expected to hold it
/// (a row that does is rendered for each page instead).
const ROOT_MARK: &str = "\u{E000}";

/// One page to render.
#[derive(Debug, Clone)]
enum Page<'r> {
    Home,
    Report(usize),
    Terms(Kind),
    /// How durations are measured.
    Metrics,
    /// Page `n` (from 0) of every action item.
    ActionItems(usize),
    /// Full-text search; without JavaScript, the indexes to browse.
    Search,
    /// Page `n` (from 0) of a list.
    List(Arc<List<'r>>, usize),
    NotFound,
}

/// A list of reports, shown on one or more pages.
#[derive(Debug)]
struct List<'r> {
    of: ListOf,
    /// The folder of its first page, site-relative.
    dir: String,
    /// The URL of its first page: `dir`, encoded.
    url: String,
    /// Newest first, as positions in the archive.
    reports: &'r [usize],
    spans: Vec<view::YearSpan>,
    /// For a service, severity or tag: what its pages show of it.
    term: Option<view::TermView<'r>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ListOf {
    Postmortems,
    Year(i32),
    Term(Kind, String),
}

impl Page<'_> {
    /// The page's folder, site-relative (`postmortems/<slug>/`), and its file.
    fn location(&self, archive: &Archive) -> (String, &'static str) {
        let dir = match self {
            Page::Home => String::new(),
            Page::NotFound => return (String::new(), routes::NOT_FOUND_FILE),
            Page::Report(i) => routes::report(&archive.reports[*i].pm.slug),
            Page::Terms(k) => routes::terms(*k),
            Page::Metrics => routes::METRICS.into(),
            Page::ActionItems(n) => routes::page(routes::ACTIONS, *n),
            Page::Search => routes::SEARCH.into(),
            Page::List(list, n) => routes::page(&list.dir, *n),
        };
        (dir, routes::INDEX_FILE)
    }
}

/// How many action items a page of them holds.
const ACTIONS_PER_PAGE: usize = 500;

/// How many pages a list of `len` reports takes, `size` to a page (0: all
/// on one). An empty list still has its one page.
fn page_count(len: usize, size: usize) -> usize {
    if size == 0 {
        1
    } else {
        len.div_ceil(size).max(1)
    }
}

/// The items of page `n` of a list of `size` items a page (0: all on one).
fn page_of<T>(items: &[T], size: usize, n: usize) -> &[T] {
    if size == 0 {
        return items;
    }
    let start = (n * size).min(items.len());
    let end = (start + size).min(items.len());
    &items[start..end]
}

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
    /// Each report's `row.html`, rendered once with [`ROOT_MARK`] for
    /// `root`: a report shows in half a dozen lists at several depths, and
    /// each list pastes the cached row with its own `root`.
    row_cache: Vec<OnceLock<CachedRow>>,
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
        } = setup;
        let whole = scope == Scope::Site;
        let mut tera = theme.tera()?;
        let severities = view::severities(config, archive);
        let insights = Insights::new(archive, today);
        let actions = if whole {
            actions::rows(archive, rows, today)
        } else {
            Vec::new()
        };
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
        })
    }

    fn pages(&self) -> Vec<Page<'_>> {
        let a = self.archive;
        let mut lists = vec![self.list(ListOf::Postmortems, &self.all, None)];
        lists.extend(
            a.years
                .iter()
                .map(|(&y, reports)| self.list(ListOf::Year(y), reports, None)),
        );
        let mut pages = vec![Page::Home, Page::NotFound, Page::Metrics, Page::Search];
        let action_pages = page_count(self.actions.len(), ACTIONS_PER_PAGE);
        pages.extend((0..action_pages).map(Page::ActionItems));
        pages.extend((0..a.reports.len()).map(Page::Report));
        for kind in Kind::ALL {
            pages.push(Page::Terms(kind));
            lists.extend(
                a.terms(kind)
                    .map(|t| self.list(ListOf::Term(kind, t.slug.clone()), &t.reports, Some(t))),
            );
        }
        for list in lists {
            let list = Arc::new(list);
            let count = page_count(list.reports.len(), self.config.page_size);
            pages.extend((0..count).map(|n| Page::List(Arc::clone(&list), n)));
        }
        pages
    }

    /// A list of `reports`; `term` is the service, severity or tag it is
    /// the list of, if any.
    fn list<'r>(
        &'r self,
        of: ListOf,
        reports: &'r [usize],
        term: Option<&crate::archive::Term>,
    ) -> List<'r> {
        let (dir, url) = match &of {
            ListOf::Postmortems => (
                routes::POSTMORTEMS.to_string(),
                routes::POSTMORTEMS.to_string(),
            ),
            ListOf::Year(y) => (routes::year(*y), routes::year(*y)),
            ListOf::Term(kind, slug) => (routes::term_dir(*kind, slug), routes::term(*kind, slug)),
        };
        let term = match (&of, term) {
            (ListOf::Term(kind, _), Some(t)) => Some(self.term_view(*kind, t)),
            _ => None,
        };
        List {
            of,
            dir,
            url,
            reports,
            spans: view::year_spans(self.rows, reports),
            term,
        }
    }

    /// Renders the pages that show report `i` into `output`: its own page,
    /// the pages of the reports next to it (in the archive and in each of
    /// its services) and related to it, and the page of each list it is
    /// on. Pages of the whole archive (the home page, metrics, action
    /// items, feeds, the search index) are left as they are.
    pub fn render_around(&self, i: usize, output: &Output) -> Result<Rendered> {
        let a = self.archive;
        let mut reports = vec![i];
        let (older, newer) = Archive::neighbours(&self.all, i);
        reports.extend(older.into_iter().chain(newer));
        for service in &a.reports[i].pm.services {
            if let Some(term) = a.services.get(&url::slugify(service)) {
                let (older, newer) = Archive::neighbours(&term.reports, i);
                reports.extend(older.into_iter().chain(newer));
            }
        }
        reports.extend(a.related.get(i).into_iter().flatten().copied());
        // The page of a list that report `i` is on (all are on the one
        // page of an unpaginated list).
        let size = self.config.page_size;
        let on_page = |at: usize, n: usize| at.checked_div(size).unwrap_or(0) == n;
        let pages: Vec<Page<'_>> = self
            .pages()
            .into_iter()
            .filter(|page| match page {
                Page::Report(j) => reports.contains(j),
                Page::List(list, n) => list
                    .reports
                    .binary_search(&i)
                    .is_ok_and(|at| on_page(at, *n)),
                _ => false,
            })
            .collect();
        self.render_pages(&pages, output)
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
        let pages = self.pages();
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
        rendered.merge(Rendered::files(count));
        // Last, so that an alias can be checked against every file of the
        // site: those written so far, the theme's, the reports' images.
        // Compared without case: some hosts ignore it.
        let mut taken = output.paths_lowercase();
        taken.extend(self.statics.iter().map(|p| p.to_lowercase()));
        taken.insert(routes::STATS_FILE.to_string());
        taken.extend(rendered.assets.keys().map(|url| url.to_lowercase()));
        rendered.merge(self.redirects(&taken, output)?);
        Ok(rendered)
    }

    /// Renders `page` into `output`.
    fn render(&self, page: &Page, output: &Output) -> Result<Rendered> {
        let mut rendered = Rendered::files(1);
        let (dir, file) = page.location(self.archive);
        let root = url::root_prefix(&dir);
        let mut cx = Context::new();
        cx.insert("root", &root);
        cx.insert("path", &dir);
        let template = match page {
            Page::Home => self.home(&mut cx, &root)?,
            Page::Report(i) => {
                cx.insert("section", "postmortems");
                cx.insert("title", &self.rows.rows[*i].title);
                let mut body = body::render(self.archive, self.config, *i);
                if let Some(search) = &self.search {
                    search.add(*i, std::mem::take(&mut body.rendered.text), output)?;
                }
                rendered.diagnostics.append(&mut body.diagnostics);
                rendered.assets.extend(std::mem::take(&mut body.assets));
                let json = crate::render::meta::ReportJson::new(
                    &self.archive.reports[*i],
                    &self.rows.rows[*i],
                    self.site.base_url.as_deref(),
                );
                let json = serde_json::to_vec_pretty(&json)?;
                output.put(&format!("{dir}{}", routes::REPORT_JSON_FILE), &json)?;
                let mut view = view::report(self.archive, self.rows, *i, body, &self.insights);
                for j in self.insights.pairs.similar(self.archive, *i) {
                    self.paste_row(j, &root, &mut view.similar_html)?;
                }
                cx.insert("report", &view);
                "report.html"
            }
            Page::Terms(kind) => {
                let terms: Vec<_> = self
                    .archive
                    .terms(*kind)
                    .map(|t| self.term_view(*kind, t))
                    .collect();
                cx.insert("section", kind.segment());
                cx.insert("kind", kind.segment());
                cx.insert("title", kind.title());
                cx.insert("terms", &terms);
                "terms.html"
            }
            Page::List(list, n) => {
                self.list_page(&mut cx, list, *n, &root)?;
                "list.html"
            }
            Page::Search => {
                let terms: Vec<(&str, Vec<_>)> = [Kind::Severities, Kind::Services, Kind::Tags]
                    .into_iter()
                    .map(|kind| {
                        let views = self
                            .archive
                            .terms(kind)
                            .filter(|t| !t.reports.is_empty())
                            .map(|t| self.term_view(kind, t))
                            .collect();
                        (kind.segment(), views)
                    })
                    .collect();
                cx.insert("section", "search");
                cx.insert("title", "Search");
                cx.insert("browse", &terms);
                "search.html"
            }
            Page::Metrics => {
                cx.insert("section", "");
                cx.insert("title", "How incidents are measured");
                "metrics.html"
            }
            Page::ActionItems(n) => {
                self.action_page(&mut cx, *n, &root);
                "action-items.html"
            }
            Page::NotFound => {
                // The 404 page is served at any depth: with a base URL its
                // links start from the base's path, so they work on any
                // host that serves the site there (a preview as well as
                // production); without one they assume the root.
                if let Some(base) = &self.site.base_url {
                    cx.insert("root", url::path_of(base));
                }
                cx.insert("section", "");
                cx.insert("title", "Page not found");
                "404.html"
            }
        };
        cx.insert("meta", &self.page_meta(page, &dir));
        thread_local! {
            /// Each thread renders its pages into one buffer, reused.
            static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        PAGE.with_borrow_mut(|html| {
            html.clear();
            self.tera
                .render_to(template, &cx, &mut *html)
                .map_err(|e| {
                    anyhow!(
                        "rendering `{dir}{file}` with `{template}`: {}",
                        render_error(&e)
                    )
                })?;
            output.put(&format!("{dir}{file}"), html)
        })?;
        Ok(rendered)
    }

    /// Fills the context of page `n` of `list`, a page whose relative
    /// root is `root`.
    fn list_page(&self, cx: &mut Context, list: &List<'_>, n: usize, root: &str) -> Result<()> {
        let size = self.config.page_size;
        let total = page_count(list.reports.len(), size);
        match &list.of {
            ListOf::Postmortems => {
                cx.insert("section", "postmortems");
                cx.insert("title", "All postmortems");
                cx.insert(
                    "description",
                    &format!("{} reports, newest first.", list.reports.len()),
                );
                cx.insert("metrics", &self.insights.overall);
            }
            ListOf::Year(y) => {
                cx.insert("section", "postmortems");
                cx.insert("title", &format!("Postmortems of {y}"));
                cx.insert("description", &count_text(list.reports.len()));
                cx.insert("years", &self.year_links());
                cx.insert("metrics", &self.insights.years.get(y));
            }
            ListOf::Term(kind, slug) => {
                let tv = list
                    .term
                    .as_ref()
                    .ok_or_else(|| anyhow!("no {} `{slug}`", kind.segment()))?;
                cx.insert("section", kind.segment());
                cx.insert("kind", kind.segment());
                cx.insert("title", &term_title(*kind, tv));
                cx.insert("description", &tv.description);
                cx.insert("term", tv);
                if *kind == Kind::Services && n == 0 {
                    let chart = charts::monthly(
                        &self.insights,
                        self.archive,
                        self.config,
                        list.reports,
                        "service-chart",
                        &tv.name,
                    );
                    cx.insert("chart", &chart);
                }
            }
        }
        let by_month = !matches!(list.of, ListOf::Term(..));
        let page = page_of(list.reports, size, n);
        let start = n * size;
        let sections = view::by_year(self.rows, page, start, &list.spans, by_month, |i, out| {
            self.paste_row(i, root, out)
        })?;
        cx.insert("sections", &sections);
        let jump: Vec<YearJump> = list
            .spans
            .iter()
            .map(|span| {
                let on = span.first.checked_div(size).unwrap_or(0);
                YearJump {
                    title: span.year.to_string(),
                    id: format!("y{}", span.year),
                    count: span.count,
                    url: routes::page(&list.url, on),
                    here: on == n,
                }
            })
            .collect();
        cx.insert("jump", &jump);
        cx.insert("pager", &Pager::new(&list.url, n, total));
        Ok(())
    }

    /// Appends report `i` as a list row on a page at `root` to `out`.
    fn paste_row(&self, i: usize, root: &str, out: &mut String) -> Result<()> {
        let cached = match self.row_cache[i].get() {
            Some(cached) => cached,
            None => {
                let cached = if self.rows.rows[i].contains(ROOT_MARK) {
                    CachedRow::PerPage
                } else {
                    let html = self.render_row(i, ROOT_MARK)?;
                    CachedRow::Pieces(html.split(ROOT_MARK).map(Box::from).collect())
                };
                self.row_cache[i].get_or_init(|| cached)
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
            CachedRow::PerPage => out.push_str(&self.render_row(i, root)?),
        }
        Ok(())
    }

    fn render_row(&self, i: usize, root: &str) -> Result<String> {
        let mut cx = Context::new();
        cx.insert("row", &self.rows.rows[i]);
        cx.insert("root", root);
        let html = self
            .tera
            .render("row.html", &cx)
            .map_err(|e| anyhow!("rendering a list row with `row.html`: {}", render_error(&e)))?;
        Ok(html)
    }

    fn home(&self, cx: &mut Context, root: &str) -> Result<&'static str> {
        let count = self.config.home_latest.min(self.rows.len());
        let latest: Vec<&view::Row> = self.rows.rows[..count].iter().collect();
        let mut latest_html = String::new();
        for i in 0..count {
            self.paste_row(i, root, &mut latest_html)?;
        }
        let mut services: Vec<_> = self
            .archive
            .services
            .values()
            .map(|t| self.term_view(Kind::Services, t))
            .collect();
        let all = &self.all;
        cx.insert(
            "monthly_chart",
            &charts::monthly(
                &self.insights,
                self.archive,
                self.config,
                all,
                "monthly-chart",
                "All",
            ),
        );
        cx.insert(
            "duration_chart",
            &charts::duration(&self.insights, self.archive, all, "duration-chart"),
        );
        cx.insert("metrics", &self.insights.overall);
        let on_this_day: Vec<&view::Row> = insights::on_this_day(self.archive, self.insights.today)
            .into_iter()
            .map(|i| &self.rows.rows[i])
            .collect();
        cx.insert("on_this_day", &on_this_day);
        cx.insert("today", &self.insights.today.format("%-d %B").to_string());
        let open: Vec<&actions::ActionRow> = self
            .actions
            .iter()
            .take_while(|a| a.item.open)
            .take(5)
            .collect();
        cx.insert("open_actions", &open);
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

    fn term_view(&self, kind: Kind, term: &crate::archive::Term) -> view::TermView<'_> {
        let metrics = self.insights.term(kind, &term.slug);
        view::term(kind, term, self.rows, self.config, metrics)
    }

    /// Fills the context of page `n` of the action items.
    fn action_page(&self, cx: &mut Context, n: usize, root: &str) {
        let total = page_count(self.actions.len(), ACTIONS_PER_PAGE);
        let items = page_of(&self.actions, ACTIONS_PER_PAGE, n);
        cx.insert("section", "action-items");
        cx.insert("title", "Action items");
        cx.insert("items_html", &actions::action_rows_html(items, root));
        cx.insert("items_count", &items.len());
        cx.insert("metrics", &self.insights.overall);
        cx.insert("owners", &self.owners);
        cx.insert("pager", &Pager::new(routes::ACTIONS, n, total));
        cx.insert("today", &self.insights.today.format("%Y-%m-%d").to_string());
        let mut services: Vec<&view::Link> = items.iter().flat_map(|a| a.report.services).collect();
        services.sort_by(|a, b| a.name.cmp(&b.name));
        services.dedup_by(|a, b| a.url == b.url);
        cx.insert("services", &services);
    }

    /// `stats.json`, for dashboards.
    pub fn stats_json(&self) -> String {
        self.insights.stats_json(self.archive)
    }

    fn year_links(&self) -> Vec<YearLink> {
        self.archive
            .years
            .iter()
            .rev()
            .map(|(y, r)| YearLink {
                year: *y,
                url: routes::year(*y),
                count: r.len(),
            })
            .collect()
    }
}

/// A year of a list, for the jump links above it: `url` is the list page
/// that holds the year's first report, `here` whether that is this page.
#[derive(Serialize)]
struct YearJump {
    title: String,
    id: String,
    count: usize,
    url: String,
    here: bool,
}

/// Where a page of a list stands among the list's pages. Page numbers
/// count from 1 here, as readers do.
#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    newer: Option<String>,
    older: Option<String>,
    /// The first and last pages and those around the current one;
    /// `gap_before` marks a jump over pages not shown.
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    gap_before: bool,
}

impl Pager {
    /// The pager of page `n` (from 0) of `total` pages of the list at `base`.
    fn new(base: &str, n: usize, total: usize) -> Pager {
        const AROUND: usize = 2;
        let mut pages: Vec<PageLink> = Vec::new();
        for i in 0..total {
            let near = i.abs_diff(n) <= AROUND;
            if i == 0 || i + 1 == total || near {
                let gap_before = pages.last().is_some_and(|p| p.number != i);
                pages.push(PageLink {
                    number: i + 1,
                    url: routes::page(base, i),
                    current: i == n,
                    gap_before,
                });
            }
        }
        Pager {
            current: n + 1,
            total,
            newer: n.checked_sub(1).map(|p| routes::page(base, p)),
            older: (n + 1 < total).then(|| routes::page(base, n + 1)),
            pages,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(pager: &Pager) -> String {
        pager
            .pages
            .iter()
            .map(|p| {
                let gap = if p.gap_before { "… " } else { "" };
                let mark = if p.current { "*" } else { "" };
                format!("{gap}{}{mark}", p.number)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_pager_shows_the_ends_and_the_pages_around_the_current_one() {
        assert_eq!(shown(&Pager::new("x/", 0, 1)), "1*");
        assert_eq!(shown(&Pager::new("x/", 2, 5)), "1 2 3* 4 5");
        assert_eq!(shown(&Pager::new("x/", 0, 20)), "1* 2 3 … 20");
        assert_eq!(shown(&Pager::new("x/", 9, 20)), "1 … 8 9 10* 11 12 … 20");
        assert_eq!(shown(&Pager::new("x/", 19, 20)), "1 … 18 19 20*");
        let p = Pager::new("tags/db/", 1, 3);
        assert_eq!(p.newer.as_deref(), Some("tags/db/"));
        assert_eq!(p.older.as_deref(), Some("tags/db/page/3/"));
        assert_eq!(p.pages[1].url, "tags/db/page/2/");
    }

    #[test]
    fn lists_are_cut_into_pages_of_the_configured_size() {
        let reports: Vec<usize> = (0..7).collect();
        assert_eq!(page_count(7, 2), 4);
        assert_eq!(page_count(0, 2), 1);
        assert_eq!(page_count(7, 0), 1);
        assert_eq!(page_of(&reports, 2, 3), [6]);
        assert_eq!(page_of(&reports, 0, 0), &reports[..]);
    }
}
