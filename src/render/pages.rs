//! The site's pages: which there are, where each one lives, and what its
//! template receives.
//!
//! Every page's template gets [`PageVars`], and `site`, the same on every
//! page. Each kind of page fills in the rest in a module of its own, one
//! per template: docs/theming.md lists their variables template by
//! template, and a test holds that list and these modules to each other.

mod action_items;
mod home;
mod list;
mod metrics;
mod not_found;
mod report;
mod search;
mod terms;
mod years;

use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;
use tera::Context;

use crate::archive::{Archive, Kind, Term};
use crate::output::Output;
use crate::render::meta::PageMeta;
use crate::render::routes;
use crate::render::view::{self, TermView, YearSpan};
use crate::render::{Rendered, Renderer};
use crate::util::url;

/// How many action items a page of them holds.
const ACTIONS_PER_PAGE: usize = 500;

/// One page to render.
#[derive(Debug, Clone)]
pub(super) enum Page<'r> {
    Home,
    Report(usize),
    Terms(Kind),
    /// Every year, with its count.
    Years,
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
pub(super) struct List<'r> {
    of: ListOf,
    /// The folder of its first page, site-relative.
    dir: String,
    /// The URL of its first page: `dir`, encoded.
    url: String,
    /// Newest first, as positions in the archive.
    pub(super) reports: &'r [usize],
    spans: Vec<YearSpan>,
    /// For a service, severity or tag: what its pages show of it.
    term: Option<TermView<'r>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ListOf {
    Postmortems,
    Year(i32),
    Term(Kind, String),
}

impl Page<'_> {
    /// The page's folder, site-relative (`postmortems/<slug>/`), and its file.
    pub(super) fn location(&self, archive: &Archive) -> (String, &'static str) {
        let dir = match self {
            Page::Home => String::new(),
            Page::NotFound => return (String::new(), routes::NOT_FOUND_FILE),
            Page::Report(i) => routes::report(&archive.reports[*i].pm.slug),
            Page::Terms(k) => routes::terms(*k),
            Page::Years => routes::YEARS.into(),
            Page::Metrics => routes::METRICS.into(),
            Page::ActionItems(n) => routes::page(routes::ACTIONS, *n),
            Page::Search => routes::SEARCH.into(),
            Page::List(list, n) => routes::page(&list.dir, *n),
        };
        (dir, routes::INDEX_FILE)
    }

    /// The page's `root`: the relative path from its folder, `dir`, back to
    /// the site root.
    pub(super) fn root(&self, dir: &str, base_url: Option<&str>) -> String {
        match (self, base_url) {
            // The 404 page is served at any depth: with a base URL its
            // links start from the base's path, so they work on any host
            // that serves the site there (a preview as well as
            // production); without one they assume the root.
            (Page::NotFound, Some(base)) => url::path_of(base).to_string(),
            _ => url::root_prefix(dir),
        }
    }
}

/// What every page's template receives besides `site`: the table "Every
/// page" of docs/theming.md.
#[derive(Serialize)]
pub struct PageVars<'p> {
    pub root: &'p str,
    pub path: &'p str,
    pub section: &'static str,
    pub title: &'p str,
    pub meta: &'p PageMeta,
}

/// Where a page is: its folder, site-relative, and its `root`.
pub(super) struct At<'p> {
    pub(super) dir: &'p str,
    pub(super) root: &'p str,
}

/// What the module of a kind of page gives for one page: its template, its
/// share of [`PageVars`], and its own variables.
pub(super) struct Filled<'r> {
    pub(super) template: &'static str,
    pub(super) section: &'static str,
    pub(super) title: String,
    pub(super) meta: PageMeta,
    pub(super) content: Content<'r>,
    /// What rendering the page revealed (report bodies do).
    pub(super) revealed: Rendered,
    /// Markup for the end of the page's head, whatever its template (a
    /// report's JSON).
    pub(super) head: Vec<u8>,
}

/// What a page is made of.
pub(super) enum Content<'r> {
    /// The variables of the page's own table in docs/theming.md, for its
    /// template.
    Context(Context),
    /// A report page of the built-in theme, which
    /// [`crate::render::written`] writes without Tera.
    Report(Box<view::ReportView<'r>>),
}

impl From<Context> for Content<'_> {
    fn from(cx: Context) -> Self {
        Content::Context(cx)
    }
}

impl<'r> Filled<'r> {
    fn new(
        template: &'static str,
        section: &'static str,
        title: impl Into<String>,
        meta: PageMeta,
        content: impl Into<Content<'r>>,
    ) -> Filled<'r> {
        Filled {
            template,
            section,
            title: title.into(),
            meta,
            content: content.into(),
            revealed: Rendered::default(),
            head: Vec::new(),
        }
    }
}

/// Fills in `page`, at `at`. A report page also adds its words to the
/// search index.
pub(super) fn fill<'r>(
    r: &'r Renderer,
    page: &Page,
    at: &At,
    output: &Output,
) -> Result<Filled<'r>> {
    Ok(match page {
        Page::Home => home::fill(r, at)?,
        Page::Report(i) => report::fill(r, *i, at, output)?,
        Page::Terms(kind) => terms::fill(r, *kind, at),
        Page::Years => years::fill(r, at),
        Page::List(list, n) => list::fill(r, list, *n, at)?,
        Page::Search => search::fill(r, at),
        Page::Metrics => metrics::fill(r, at),
        Page::ActionItems(n) => action_items::fill(r, *n, at),
        Page::NotFound => not_found::fill(r, at),
    })
}

/// What the page at `at` says about itself to chat tools and search
/// engines.
fn meta(r: &Renderer, at: &At, title: &str, description: &str) -> PageMeta {
    let base = r.site.base_url.as_deref();
    PageMeta::new(base, at.dir, title, description, r.config.public)
}

/// Every page of the site.
pub(super) fn all<'r>(r: &'r Renderer) -> Vec<Page<'r>> {
    let a = r.archive;
    let mut lists = vec![list_of(r, ListOf::Postmortems, &r.all, None)];
    lists.extend(
        a.years
            .iter()
            .map(|(&y, reports)| list_of(r, ListOf::Year(y), reports, None)),
    );
    let mut pages = vec![
        Page::Home,
        Page::NotFound,
        Page::Metrics,
        Page::Search,
        Page::Years,
    ];
    let action_pages = page_count(r.actions.len(), ACTIONS_PER_PAGE);
    pages.extend((0..action_pages).map(Page::ActionItems));
    pages.extend((0..a.reports.len()).map(Page::Report));
    for kind in Kind::ALL {
        pages.push(Page::Terms(kind));
        lists.extend(a.terms(kind).map(|t| {
            let of = ListOf::Term(kind, t.slug.clone());
            list_of(r, of, &t.reports, Some(t))
        }));
    }
    for list in lists {
        let list = Arc::new(list);
        let count = page_count(list.reports.len(), r.config.page_size);
        pages.extend((0..count).map(|n| Page::List(Arc::clone(&list), n)));
    }
    pages
}

/// The folders a reader reaches by trimming the URL of one of `pages`
/// that have no page of their own, each with where its redirect leads
/// (relative to it): `about/` to the metrics page, `i/` (the short links)
/// to every postmortem, and the `page/` folder of each list of several
/// pages to its first page.
pub(super) fn folders_without_pages(r: &Renderer, pages: &[Page]) -> Vec<(String, &'static str)> {
    let mut folders = Vec::new();
    if let Some((about, _)) = routes::METRICS.trim_end_matches('/').rsplit_once('/') {
        folders.push((format!("{about}/"), "metrics/"));
    }
    let short_links = r.archive.reports.iter().any(|report| {
        report
            .pm
            .id
            .as_ref()
            .is_some_and(|id| routes::short_link(&id.value).is_some())
    });
    if short_links {
        folders.push((routes::SHORT_PREFIX.to_string(), "../postmortems/"));
    }
    for page in pages {
        match page {
            Page::List(list, 1) => folders.push((format!("{}page/", list.dir), "../")),
            Page::ActionItems(1) => folders.push((format!("{}page/", routes::ACTIONS), "../")),
            _ => {}
        }
    }
    folders
}

/// The pages that show report `i`: its own page, the pages of the reports
/// next to it (in the archive and in each of its services) and related to
/// it, and the page of each list it is on.
pub(super) fn around<'r>(r: &'r Renderer, i: usize) -> Vec<Page<'r>> {
    let a = r.archive;
    let mut reports = vec![i];
    let (older, newer) = Archive::neighbours(&r.all, i);
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
    let size = r.config.page_size;
    let on_page = |at: usize, n: usize| at.checked_div(size).unwrap_or(0) == n;
    all(r)
        .into_iter()
        .filter(|page| match page {
            Page::Report(j) => reports.contains(j),
            Page::List(list, n) => list
                .reports
                .binary_search(&i)
                .is_ok_and(|at| on_page(at, *n)),
            _ => false,
        })
        .collect()
}

/// A list of `reports`; `term` is the service, severity or tag it is the
/// list of, if any.
fn list_of<'r>(r: &'r Renderer, of: ListOf, reports: &'r [usize], term: Option<&Term>) -> List<'r> {
    let (dir, url) = match &of {
        ListOf::Postmortems => (routes::POSTMORTEMS.into(), routes::POSTMORTEMS.into()),
        ListOf::Year(y) => (routes::year(*y), routes::year(*y)),
        ListOf::Term(kind, slug) => (routes::term_dir(*kind, slug), routes::term(*kind, slug)),
    };
    let term = match (&of, term) {
        (ListOf::Term(kind, _), Some(t)) => Some(term_view(r, *kind, t)),
        _ => None,
    };
    List {
        of,
        dir,
        url,
        reports,
        spans: view::year_spans(r.rows, reports),
        term,
    }
}

/// A service, severity or tag as its lists and tables show it.
fn term_view<'r>(r: &'r Renderer, kind: Kind, term: &Term) -> TermView<'r> {
    let metrics = r.insights.term(kind, &term.slug);
    view::term(kind, term, r.rows, r.config, metrics)
}

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
    /// The pager of page `n` (from 0) of `total` pages of the list at the
    /// URL `base`.
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

/// Every year with reports, newest first.
fn year_links(archive: &Archive) -> Vec<YearLink> {
    archive
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
