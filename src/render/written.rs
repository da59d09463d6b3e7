//! The built-in theme's report page and list rows, written by hand.
//!
//! A report page is most of a site's pages, and interpreting its
//! templates (`report.html` in `base.html`, with the components of
//! `macros.html`) for each one took more than a tenth of a build:
//! serialising the report's view into the template's values, then walking
//! the template. Each report's list row (`row.html`, `brief-row.html`) is
//! rendered twice more. When a site uses the built-in theme's templates as
//! they are, this module writes the same pages and rows directly from the
//! views, byte for byte; a site with its own templates gets them through
//! Tera, as every other page does.
//!
//! The two must not drift apart: a test renders every page of several
//! archives both ways and requires the same bytes, so a change to one of
//! the templates above fails until this module follows it.

use std::fmt::Write;

use crate::render::pages::PageVars;
use crate::render::view::{ActionView, Link, NavLink, ReportView, Row, SeverityView, SiteView};
use crate::source::actions::State;
use crate::source::postmortem::Status;
use crate::util::html::escape_into;

/// The templates of a report page: when a site has its own version of any
/// of them, report pages go through Tera. (The rows of "This happened
/// before" are list rows, below.)
pub(in crate::render) const REPORT_TEMPLATES: [&str; 3] =
    ["base.html", "macros.html", "report.html"];

/// The templates of a list row, in its two forms.
pub(in crate::render) const ROW_TEMPLATES: [&str; 3] =
    ["macros.html", "row.html", "brief-row.html"];

/// Writes the page of `report` into `out`, with `head` (the report's JSON)
/// at the end of its head.
pub(in crate::render) fn page(
    out: &mut String,
    vars: &PageVars,
    site: &SiteView,
    report: &ReportView,
    head: &str,
) {
    let root = vars.root;
    let meta = vars.meta;
    put(
        out,
        "<!DOCTYPE html>\n<html lang=\"",
        &site.language,
        "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    text(out, vars.title);
    put(out, " · ", &site.title, "</title>");
    if !meta.description.is_empty() {
        put(
            out,
            "\n<meta name=\"description\" content=\"",
            &meta.description,
            "\">",
        );
    }
    put(
        out,
        "\n<meta name=\"robots\" content=\"",
        meta.robots,
        "\">",
    );
    if let Some(url) = some(&meta.url) {
        put(
            out,
            "\n<link rel=\"canonical\" href=\"",
            url,
            "\">\n<meta property=\"og:url\" content=\"",
        );
        text(out, url);
        out.push_str("\">");
    }
    put(
        out,
        "\n<meta property=\"og:type\" content=\"",
        meta.kind,
        "\">\n<meta property=\"og:title\" content=\"",
    );
    text(out, &meta.title);
    put(
        out,
        "\">\n<meta property=\"og:site_name\" content=\"",
        &site.title,
        "\">",
    );
    if !meta.description.is_empty() {
        put(
            out,
            "\n<meta property=\"og:description\" content=\"",
            &meta.description,
            "\">",
        );
    }
    if let Some(image) = some(&meta.image) {
        put(
            out,
            "\n<meta property=\"og:image\" content=\"",
            image,
            "\">\n<meta property=\"og:image:width\" content=\"1200\">\n<meta property=\"og:image:height\" content=\"630\">",
        );
    }
    out.push_str("\n<meta name=\"twitter:card\" content=\"summary\">");
    for (n, (label, data)) in meta.labels.iter().enumerate() {
        let n = n + 1;
        let _ = write!(out, "\n<meta name=\"twitter:label{n}\" content=\"");
        text(out, label);
        let _ = write!(out, "\">\n<meta name=\"twitter:data{n}\" content=\"");
        text(out, data);
        out.push_str("\">");
    }
    if let Some(base) = some(&site.base_url)
        && meta.kind != "article"
    {
        put(
            out,
            "\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"",
            &site.title,
            ": all postmortems\" href=\"",
        );
        text(out, base);
        out.push_str("atom.xml\">");
    }
    put(
        out,
        "\n<link rel=\"stylesheet\" href=\"",
        root,
        "static/style.css\">\n<link rel=\"icon\" href=\"",
    );
    text(out, root);
    put(
        out,
        "static/favicon.svg\" type=\"image/svg+xml\">\n<script src=\"",
        root,
        "static/hindsight.js\" defer></script>\n<script src=\"",
    );
    text(out, root);
    out.push_str("static/search.js\" defer></script>\n");
    out.push_str(head);
    put(
        out,
        "</head>\n<body data-root=\"",
        root,
        "\">\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n<div class=\"wrap header-inner\">\n<a class=\"brand\" href=\"",
    );
    text(out, root);
    put(
        out,
        "\"><img src=\"",
        root,
        "static/favicon.svg\" alt=\"\" width=\"24\" height=\"24\"><span>",
    );
    text(out, &site.title);
    out.push_str("</span></a>\n<nav class=\"site-nav\" aria-label=\"Main\">");
    for (section, name) in [
        ("postmortems", "Postmortems"),
        ("services", "Services"),
        ("severities", "Severities"),
        ("tags", "Tags"),
    ] {
        out.push_str("\n<a href=\"");
        text(out, root);
        out.push_str(section);
        out.push_str("/\"");
        if vars.section == section {
            out.push_str(" aria-current=\"page\"");
        }
        out.push('>');
        out.push_str(name);
        out.push_str("</a>");
    }
    out.push_str("\n</nav>");
    if vars.section != "search" {
        put(
            out,
            "\n<form class=\"site-search\" role=\"search\" action=\"",
            root,
            "search/\" method=\"get\" data-search=\"header\">\n<label class=\"visually-hidden\" for=\"site-search-q\">Search postmortems</label>\n<input id=\"site-search-q\" type=\"search\" name=\"q\" placeholder=\"Search postmortems\" autocomplete=\"off\" spellcheck=\"false\" aria-keyshortcuts=\"/\">\n</form>",
        );
    }
    out.push_str("\n</div>\n</header>\n<main id=\"main\" class=\"wrap\">\n");
    content(out, vars, site, report);
    out.push_str("\n</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p>");
    text(out, &site.title);
    put(
        out,
        " · <a href=\"",
        root,
        "about/metrics/\">How incidents are measured</a> · built with ",
    );
    text(out, &site.generator);
    out.push_str("</p>\n</div>\n</footer>\n</body>\n</html>\n");
}

/// The `content` block of `report.html`.
fn content(out: &mut String, vars: &PageVars, site: &SiteView, r: &ReportView) {
    let root = vars.root;
    let row = r.row;
    put(
        out,
        "\n<article class=\"report\" aria-labelledby=\"report-title\">\n<header class=\"report-header\">\n<p class=\"crumbs\"><a href=\"",
        root,
        "postmortems/\">Postmortems</a> <span aria-hidden=\"true\">›</span> <a href=\"",
    );
    text(out, root);
    let _ = write!(out, "years/{}/\">{}</a>", row.year, row.year);
    if let Some(id) = some(&row.id) {
        put(
            out,
            " <span aria-hidden=\"true\">›</span> <span class=\"report-id\">",
            id,
            "</span>",
        );
    }
    put(
        out,
        "</p>\n<h1 id=\"report-title\">",
        &row.title,
        "</h1>\n<p class=\"report-badges\">\n",
    );
    severity_badge(out, &row.severity, root);
    if !row.severity.label.is_empty() {
        put(
            out,
            " <span class=\"sev-label\">",
            &row.severity.label,
            "</span>",
        );
    }
    badges(
        out,
        row,
        [
            "In review: this report is not final",
            "Draft",
            " title=\"Only in the internal library: the public edition leaves this report out\">Internal",
        ],
    );
    out.push_str("\n</p>");
    if !row.summary.is_empty() {
        out.push_str("\n<p class=\"lead\">");
        out.push_str(&row.summary_html);
        out.push_str("</p>");
    }
    if let Some(url) = some(&vars.meta.url) {
        put(out, "\n<p class=\"print-only\">", &site.title, " · ");
        text(out, url);
        out.push_str("</p>");
    }
    out.push_str("\n</header>\n\n<section class=\"facts\" aria-label=\"Key facts\">\n<dl>\n<div><dt>Services</dt><dd>");
    term_links(out, &row.services, root, "service");
    out.push_str("</dd></div>");
    if let Some(impact) = r.impact.filter(|i| !i.is_empty()) {
        put(
            out,
            "\n<div class=\"wide\"><dt>Impact</dt><dd>",
            impact,
            "</dd></div>",
        );
    }
    for d in &r.durations {
        put(
            out,
            "\n<div><dt><a class=\"defined\" href=\"",
            root,
            "about/metrics/#",
        );
        text(out, d.id);
        put(out, "\">", d.label, "</a></dt><dd class=\"big\">");
        text(out, &d.value);
        out.push_str("</dd></div>");
    }
    for t in &r.times {
        put(out, "\n<div><dt>", t.label, "</dt><dd><time datetime=\"");
        text(out, &t.time.datetime);
        out.push_str("\">");
        text(out, &t.time.date);
        out.push(' ');
        text(out, &t.time.time);
        put(
            out,
            " <span class=\"offset\">",
            &t.time.offset,
            "</span></time></dd></div>",
        );
    }
    if !r.action_items.is_empty() {
        let _ = write!(
            out,
            "\n<div><dt>Action items</dt><dd>{} open of {}</dd></div>",
            r.open_action_items,
            r.action_items.len()
        );
    }
    if !row.tags.is_empty() {
        out.push_str("\n<div><dt>Tags</dt><dd>");
        term_links(out, &row.tags, root, "chip");
        out.push_str("</dd></div>");
    }
    for (label, names) in [("Authors", r.authors), ("Teams", r.teams)] {
        if names.is_empty() {
            continue;
        }
        out.push_str("\n<div><dt>");
        out.push_str(label);
        put(out, "</dt><dd>", &names.join(", "), "</dd></div>");
    }
    if !r.links.is_empty() {
        out.push_str("\n<div class=\"fact-links\"><dt>Links</dt><dd><ul class=\"link-list\">");
        for l in r.links {
            list_link(out, &l.url, &l.title);
        }
        out.push_str("\n</ul></dd></div>");
    }
    out.push_str("\n</dl>\n</section>");
    if let Some(svg) = some(&r.timeline_svg) {
        out.push_str("\n<figure class=\"timeline-figure\">\n");
        out.push_str(svg);
        out.push_str("\n<figcaption>");
        if let Some(caption) = &r.timeline_caption {
            text(out, caption);
        }
        out.push_str("</figcaption>\n</figure>");
    }
    out.push_str("\n\n<div class=\"report-layout\">");
    if r.headings.len() > 2 {
        out.push_str("\n<nav class=\"toc\" aria-label=\"Sections\">\n<h2>On this page</h2>\n<ol>");
        for h in &r.toc {
            list_link(out, &format!("#{}", h.id), &h.text);
        }
        out.push_str("\n</ol>\n</nav>");
    }
    out.push_str("\n<div class=\"prose\">\n");
    out.push_str(&r.body);
    out.push_str("\n</div>\n</div>");
    if r.listed_action_items > 0 {
        out.push_str("\n<section class=\"report-actions\" aria-labelledby=\"follow-up\">\n<h2 id=\"follow-up\">Follow-up</h2>\n<ul class=\"action-list\">");
        for a in r.action_items.iter().filter(|a| !a.in_body) {
            out.push_str("\n<li class=\"action-row");
            if a.overdue {
                out.push_str(" is-overdue");
            }
            put(out, "\" data-action-state=\"", a.attribute, "\">");
            action_item(out, a);
            out.push_str("</li>");
        }
        out.push_str("\n</ul>\n</section>");
    }
    if !r.similar_html.is_empty() {
        out.push_str("\n<section class=\"similar\" aria-labelledby=\"similar\">\n<h2 id=\"similar\">This happened before</h2>\n<p class=\"muted\">");
        match &r.similar_search {
            Some(search) => {
                let _ = write!(
                    out,
                    "The latest {} of {} earlier postmortems on the same service with a tag in common; <a href=\"",
                    r.similar_shown, r.similar_count
                );
                text(out, root);
                text(out, &search.url);
                put(out, "\">search every one on ", &search.service, " tagged ");
                text(out, &search.tag);
                out.push_str("</a>.");
            }
            None => out.push_str("Earlier postmortems on the same service with a tag in common."),
        }
        out.push_str("</p>\n<ul class=\"report-list brief\">");
        out.push_str(&r.similar_html);
        out.push_str("</ul>\n</section>");
    }
    if !r.related.is_empty() {
        out.push_str("\n<section class=\"related\" aria-labelledby=\"related\">\n<h2 id=\"related\">Related postmortems</h2>\n<ul class=\"report-list\">");
        for related in &r.related {
            out.push('\n');
            self::row(out, related, root, false);
        }
        out.push_str("\n</ul>\n</section>");
    }
    out.push_str("\n\n<nav class=\"pager\" aria-label=\"More postmortems\">\n<h2 class=\"visually-hidden\">More postmortems</h2>\n<div>\n<span>Archive</span>");
    neighbours(out, root, r.older.as_ref(), r.newer.as_ref());
    out.push_str("\n</div>");
    for nav in &r.service_nav {
        out.push_str("\n<div>\n<span><a href=\"");
        text(out, root);
        text(out, &nav.service.url);
        put(out, "\">", &nav.service.name, "</a></span>");
        neighbours(out, root, nav.older.as_ref(), nav.newer.as_ref());
        out.push_str("\n</div>");
    }
    put(
        out,
        "\n</nav>\n\n<footer class=\"report-footer\">\n<p>Source: <code>",
        &r.source,
        "</code></p>\n</footer>\n</article>\n",
    );
}

/// A link as an item of a list, on a line of its own.
fn list_link(out: &mut String, href: &str, label: &str) {
    put(out, "\n<li><a href=\"", href, "\">");
    text(out, label);
    out.push_str("</a></li>");
}

/// The older and the newer report of a row of the pager.
fn neighbours(out: &mut String, root: &str, older: Option<&NavLink>, newer: Option<&NavLink>) {
    let sides = [
        (older, "prev", ("← ", ""), "older"),
        (newer, "next", ("", " →"), "newer"),
    ];
    for (link, rel, (before, after), which) in sides {
        match link {
            Some(link) => {
                let _ = write!(out, "<a rel=\"{rel}\" href=\"");
                text(out, root);
                text(out, link.url);
                out.push_str("\">");
                out.push_str(before);
                text(out, link.title);
                out.push_str(after);
                out.push_str("</a>");
            }
            None => {
                let _ = write!(out, "<span>No {which} report</span>");
            }
        }
    }
}

/// `severity_badge` of `macros.html`.
fn severity_badge(out: &mut String, severity: &SeverityView, root: &str) {
    put(out, "<a class=\"sev ", &severity.class, "\" href=\"");
    text(out, root);
    text(out, &severity.url);
    out.push_str("\" title=\"");
    text(out, &severity.label);
    if !severity.description.is_empty() {
        out.push_str(": ");
        text(out, &severity.description);
    }
    put(out, "\">", &severity.id, "</a>");
}

/// `report_row` of `macros.html`: a report as a list row, `brief` without
/// its services and summary. `row.html` and `brief-row.html` are this.
pub(in crate::render) fn row(out: &mut String, row: &Row, root: &str, brief: bool) {
    put(
        out,
        "<li><a class=\"sev ",
        &row.severity.class,
        "\" href=\"",
    );
    text(out, root);
    text(out, &row.severity.url);
    put(out, "\">", &row.severity.id, "</a><div><a href=\"");
    text(out, root);
    text(out, &row.url);
    put(out, "\">", &row.title, "</a><p><time>");
    text(out, &row.date.date);
    out.push_str("</time>");
    if let Some(duration) = some(&row.duration) {
        put(out, "<span class=\"dur\">", duration, "</span>");
    }
    let services = if brief { &[][..] } else { &row.services[..] };
    for (n, link) in services.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str("<a href=\"");
        text(out, root);
        text(out, &link.url);
        put(out, "\">", &link.name, "</a>");
    }
    badges(out, row, ["in review", "draft", ">internal"]);
    out.push_str("</p>");
    if !row.summary.is_empty() && !brief {
        out.push_str("<p>");
        out.push_str(&row.summary_html);
        out.push_str("</p>");
    }
    out.push_str("</div></li>");
}

/// The badges of a report in review, of a draft, and of an internal report
/// in a public archive: `words` are those of the first two and the end of
/// the third's start tag with its text.
fn badges(out: &mut String, row: &Row, [review, draft, internal]: [&str; 3]) {
    let status = match row.status {
        Status::Review => review,
        Status::Draft => draft,
        Status::Published => "",
    };
    if !status.is_empty() {
        out.push_str(" <span class=\"status-badge\">");
        out.push_str(status);
        out.push_str("</span>");
    }
    if row.internal {
        out.push_str(" <span class=\"internal-badge\"");
        out.push_str(internal);
        out.push_str("</span>");
    }
}

/// `term_links` of `macros.html`.
fn term_links(out: &mut String, links: &[Link], root: &str, class: &str) {
    for (n, link) in links.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str("<a class=\"");
        out.push_str(class);
        out.push_str("\" href=\"");
        text(out, root);
        text(out, &link.url);
        put(out, "\">", &link.name, "</a>");
    }
}

/// `action_item` of `macros.html`.
fn action_item(out: &mut String, item: &ActionView) {
    let (state, label) = match item.state {
        State::Done => ("done", "Done"),
        State::Wontfix => ("wontfix", "Won't fix"),
        State::Open if item.overdue => ("open", "Overdue"),
        State::Open => ("open", "Open"),
    };
    let _ = write!(
        out,
        "<span class=\"action-state action-{state}\">{label}</span>\n<span class=\"action-text\">"
    );
    text(out, &item.text);
    out.push_str("</span>");
    if let Some(owner) = some(&item.owner) {
        put(out, " <span class=\"action-owner\">@", owner, "</span>");
    }
    for t in &item.ticket_links {
        match some(&t.url) {
            Some(url) => {
                put(out, " <a class=\"action-ticket\" href=\"", url, "\">");
                text(out, &t.id);
                out.push_str("</a>");
            }
            None => {
                put(out, " <span class=\"action-ticket\">", &t.id, "</span>");
            }
        }
    }
    if let Some(kind) = item.kind {
        out.push_str(" <span class=\"action-kind\">");
        out.push_str(kind.name());
        out.push_str("</span>");
    }
    if let Some(priority) = some(&item.priority) {
        put(
            out,
            " <span class=\"action-priority\">",
            priority,
            "</span>",
        );
    }
    if let Some(due) = some(&item.due) {
        put(
            out,
            " <span class=\"action-due\">due <time datetime=\"",
            due,
            "\">",
        );
        text(out, due);
        out.push_str("</time></span>");
    }
}

/// `before`, `value` escaped, and `after`.
fn put(out: &mut String, before: &str, value: &str, after: &str) {
    out.push_str(before);
    text(out, value);
    out.push_str(after);
}

/// Text, escaped as Tera escapes it.
fn text(out: &mut String, s: &str) {
    escape_into(out, s);
}

/// An optional text as a template tests it: there, and not empty.
fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}
