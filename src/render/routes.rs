//! Where the site puts what it publishes: every page, feed, redirect and
//! file whose path the renderer builds is named here, so that a page and
//! the links to it cannot disagree.
//!
//! Paths come in two forms, both site-relative and without a leading `/`.
//! A *folder* or a *file* is where something is written in the output, as
//! the file system spells it (`tags/базы-данных/`); a *URL* is the same
//! path percent-encoded for an `href` or a feed (`tags/%D0%B1…/`). Report
//! slugs, short-link ids and severity ids are ASCII letters, digits and
//! `-`, `_`, `.` (see [`url::is_valid_slug`] and the configuration's
//! checks), so their folder is their URL; a service or tag may be named
//! in any script, so its folder and its URL differ.

use crate::archive::Kind;
use crate::util::url;

/// Every report, newest first; each report's page is below it.
pub const POSTMORTEMS: &str = "postmortems/";
/// Where the definitions of durations are published.
pub const METRICS: &str = "about/metrics/";
/// Where the search page is published.
pub const SEARCH: &str = "search/";
/// The page of every year.
pub const YEARS: &str = "years/";
/// Where every action item is listed.
pub const ACTIONS: &str = "action-items/";
/// The archive's figures as JSON, for scripts and dashboards.
pub const STATS_FILE: &str = "stats.json";
pub const ACTION_ITEMS_FILE: &str = "action-items.json";
/// The same items, a line each.
pub const ACTION_ITEMS_CSV_FILE: &str = "action-items.csv";
/// The page a host shows for a missing address, at the site root.
pub const NOT_FOUND_FILE: &str = "404.html";
/// The file of a page, in its folder.
pub const INDEX_FILE: &str = "index.html";
/// An Atom feed, in the folder of the page it follows.
pub const FEED_FILE: &str = "atom.xml";
/// The sitemap, or the index of the sitemaps of a large site.
pub const SITEMAP_FILE: &str = "sitemap.xml";
pub const ROBOTS_FILE: &str = "robots.txt";
/// Where short links live: `i/<id>/`.
pub const SHORT_PREFIX: &str = "i/";
/// The site's card image, shown by chat tools when a link unfurls.
pub const CARD_IMAGE: &str = "static/card.png";

// Routes are made for every link of every page: joined as they are
// (`concat` measures first and allocates once), not through `format!`.

/// The folder, and URL, of a report's page: `postmortems/<slug>/`.
pub fn report(slug: &str) -> String {
    [POSTMORTEMS, slug, "/"].concat()
}

/// The folder, and URL, of the list of every term of `kind`: `services/`.
pub fn terms(kind: Kind) -> String {
    [kind.segment(), "/"].concat()
}

/// The folder of a term's list: `services/<slug>/`, as written.
pub fn term_dir(kind: Kind, slug: &str) -> String {
    [kind.segment(), "/", slug, "/"].concat()
}

/// The URL of a term's list: [`term_dir`], encoded.
pub fn term(kind: Kind, slug: &str) -> String {
    [kind.segment(), "/", &url::encode_path(slug), "/"].concat()
}

/// The slug of a term's list from its URL, as written there (`cart` of
/// `services/cart/`): the inverse of [`term`].
pub fn term_slug(kind: Kind, url: &str) -> &str {
    url.strip_prefix(kind.segment())
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(url)
        .trim_end_matches('/')
}

/// The folder, and URL, of a year's list: `years/2023/`.
pub fn year(year: i32) -> String {
    [YEARS, itoa::Buffer::new().format(year), "/"].concat()
}

/// The URL of a folder: its path, percent-encoded.
pub fn url_of(dir: &str) -> String {
    url::encode_path(dir)
}

/// Page `n` (from 0) of the list at `base` (a folder, or a URL): the first
/// page is the list's own, the others `<base>page/<n + 1>/`.
pub fn page(base: &str, n: usize) -> String {
    if n == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", n + 1)
    }
}

/// The feed of the page at `dir` (a folder, or a URL): `<dir>atom.xml`.
pub fn feed(dir: &str) -> String {
    [dir, FEED_FILE].concat()
}

/// Part `n` (from 1) of the sitemap of a large site.
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// Where a theme's or site's static file (`path` under `static/`) is
/// published.
pub fn static_file(path: &str) -> String {
    ["static/", path].concat()
}

/// The folder, and URL, of the short link of a report with id `id`:
/// `i/<id>/`.
pub fn short(id: &str) -> String {
    [SHORT_PREFIX, id, "/"].concat()
}

/// The short link of a report with id `id`, if it has one: an id that
/// cannot be a URL segment (`INC 12`, `ÅR-1`) has none.
pub fn short_link(id: &str) -> Option<String> {
    url::is_valid_slug(id).then(|| short(id))
}

/// The file an alias is written to, relative to the output folder:
/// `/old/path/` and `/old/path` become `old/path/index.html`; a path that
/// names an HTML file (`/2023/outage.html`) is that file.
pub fn alias_file(alias: &str) -> String {
    let path = alias.trim_matches('/');
    if path.ends_with(".html") || path.ends_with(".htm") {
        path.to_string()
    } else {
        [path, "/", INDEX_FILE].concat()
    }
}

/// The relative prefix from the folder of `file` (output-relative) to the
/// site root.
pub fn root_of_file(file: &str) -> String {
    "../".repeat(file.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_files_in_the_output() {
        assert_eq!(alias_file("/old/path/"), "old/path/index.html");
        assert_eq!(alias_file("old/path"), "old/path/index.html");
        assert_eq!(alias_file("/2023/outage.html"), "2023/outage.html");
        assert_eq!(root_of_file("old/path/index.html"), "../../");
        assert_eq!(root_of_file("outage.html"), "");
    }

    #[test]
    fn a_term_is_written_as_named_and_linked_encoded() {
        assert_eq!(term_dir(Kind::Tags, "базы"), "tags/базы/");
        assert_eq!(term(Kind::Tags, "базы"), "tags/%D0%B1%D0%B0%D0%B7%D1%8B/");
        assert_eq!(term(Kind::Services, "icreate"), "services/icreate/");
        assert_eq!(terms(Kind::Severities), "severities/");
        assert_eq!(report("2023-01-17-a"), "postmortems/2023-01-17-a/");
        assert_eq!(short("INC-42"), "i/INC-42/");
        assert_eq!(
            feed(&term_dir(Kind::Services, "db")),
            "services/db/atom.xml"
        );
    }

    #[test]
    fn lists_have_one_url_per_page() {
        assert_eq!(page("postmortems/", 0), "postmortems/");
        assert_eq!(page("postmortems/", 1), "postmortems/page/2/");
        assert_eq!(page(&year(2023), 2), "years/2023/page/3/");
    }
}
