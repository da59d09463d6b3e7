//! Atom 1.0 feeds (RFC 4287) and `sitemap.xml` (sitemaps.org 0.9), written
//! as strings.
//!
//! Feeds let a chat channel or feed reader subscribe to new postmortems, for
//! the whole library or one service; the sitemap lets search engines find
//! every page. This module only serializes: which reports go into a feed, in
//! which order, and every absolute URL (built from the site's `base_url`) are
//! decided by the caller.
//!
//! All text is escaped for XML, and characters XML 1.0 cannot carry are
//! dropped, so any front matter yields a well-formed document. Output depends
//! only on the input, byte for byte.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

use crate::util::html::{Mode, escape_for, is_xml_char};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// One Atom feed: a page of the library and the reports it lists.
#[derive(Debug, Clone, Copy)]
pub struct Feed<'a> {
    /// The feed's permanent id: the absolute URL of the page it lists (e.g. https://incidents.example.com/lib/services/payments/).
    pub id: &'a str,
    /// Plain text.
    pub title: &'a str,
    /// Plain text; left out when absent or blank.
    pub subtitle: Option<&'a str>,
    /// Absolute URL of the feed itself (rel="self").
    pub self_url: &'a str,
    /// Absolute URL of the HTML page the feed mirrors (rel="alternate").
    pub html_url: &'a str,
    /// Newest entry's `updated`, or a fixed date for an empty feed.
    pub updated: DateTime<FixedOffset>,
    /// The library's name, as the feed author (Atom requires an author at feed or entry level).
    pub author: &'a str,
    /// e.g. "Hindsight 0.1.0"
    pub generator: &'a str,
    /// Written in the given order.
    pub entries: &'a [Entry<'a>],
}

/// One report in a feed.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Absolute URL of the report's page (stable: the slug never changes).
    pub id: &'a str,
    /// Plain text.
    pub title: &'a str,
    /// Absolute URL of the report's page (rel="alternate").
    pub url: &'a str,
    /// When the report was first published.
    pub published: DateTime<FixedOffset>,
    /// When the report last changed.
    pub updated: DateTime<FixedOffset>,
    /// Plain text summary.
    pub summary: &'a str,
    /// (term, label): severity, services, tags. Written as `<category term=".." label=".."/>`;
    /// a category with a blank term is skipped, and a blank label is left out.
    pub categories: &'a [(&'a str, &'a str)],
    /// Blank names are skipped; with none left, the feed-level author covers the entry.
    pub authors: &'a [String],
    /// Optional HTML content (already rendered, trusted HTML from the site); written as
    /// `<content type="html">` with escaping. Left out when blank.
    pub content_html: Option<&'a str>,
}

/// The feed as an Atom 1.0 document (UTF-8, with the XML declaration).
///
/// Dates keep the offset they carry. An offset with a seconds part, which
/// RFC 3339 cannot express, is written as the same instant in UTC. Years
/// outside 0000–9999 have no RFC 3339 form either; they come out with a sign
/// (`+10000-01-01T…`), so callers should keep dates within that range.
pub fn atom(feed: &Feed) -> String {
    let content_len: usize = feed
        .entries
        .iter()
        .filter_map(|e| e.content_html)
        .map(str::len)
        .sum();
    let mut out = String::with_capacity(1024 + feed.entries.len() * 1024 + content_len);

    out.push_str(XML_DECLARATION);
    out.push_str("<feed xmlns=\"");
    out.push_str(ATOM_NS);
    out.push_str("\">\n");

    text_element(&mut out, 1, "id", &[], feed.id);
    text_element(&mut out, 1, "title", &[], feed.title);
    if let Some(subtitle) = feed.subtitle.filter(|s| !is_blank(s)) {
        text_element(&mut out, 1, "subtitle", &[], subtitle);
    }
    date_element(&mut out, 1, "updated", &feed.updated);
    empty_element(
        &mut out,
        1,
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", feed.self_url),
        ],
    );
    empty_element(
        &mut out,
        1,
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", feed.html_url),
        ],
    );
    author_element(&mut out, 1, feed.author);
    text_element(&mut out, 1, "generator", &[], feed.generator);

    for entry in feed.entries {
        push_entry(&mut out, entry);
    }

    out.push_str("</feed>\n");
    out
}

fn push_entry(out: &mut String, entry: &Entry) {
    open_tag(out, 1, "entry");
    text_element(out, 2, "id", &[], entry.id);
    text_element(out, 2, "title", &[], entry.title);
    empty_element(
        out,
        2,
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", entry.url),
        ],
    );
    date_element(out, 2, "published", &entry.published);
    date_element(out, 2, "updated", &entry.updated);
    for name in entry.authors.iter().filter(|name| !is_blank(name)) {
        author_element(out, 2, name);
    }
    for &(term, label) in entry.categories {
        if is_blank(term) {
            continue;
        }
        if !is_blank(label) {
            empty_element(out, 2, "category", &[("term", term), ("label", label)]);
        } else {
            empty_element(out, 2, "category", &[("term", term)]);
        }
    }
    text_element(out, 2, "summary", &[("type", "text")], entry.summary);
    if let Some(html) = entry.content_html.filter(|s| !is_blank(s)) {
        text_element(out, 2, "content", &[("type", "html")], html);
    }
    close_tag(out, 1, "entry");
}

fn author_element(out: &mut String, depth: usize, name: &str) {
    open_tag(out, depth, "author");
    text_element(out, depth + 1, "name", &[], name);
    close_tag(out, depth, "author");
}

fn date_element(out: &mut String, depth: usize, name: &str, at: &DateTime<FixedOffset>) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&rfc3339(at));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// RFC 3339 with the given offset, or in UTC when the offset has a seconds
/// part (RFC 3339 offsets stop at minutes; rounding would move the instant).
fn rfc3339(at: &DateTime<FixedOffset>) -> String {
    if at.offset().local_minus_utc() % 60 == 0 {
        at.to_rfc3339()
    } else {
        at.with_timezone(&Utc).to_rfc3339()
    }
}

/// One URL of a sitemap: absolute location and optional last modification date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapUrl<'a> {
    /// Absolute URL of the page.
    pub loc: &'a str,
    /// Left out of the sitemap when its year needs more than four digits
    /// (outside 0000–9999), which the W3C date format cannot write.
    pub lastmod: Option<NaiveDate>,
}

/// sitemap.xml for `urls` (in the given order).
///
/// sitemaps.org caps one file at 50,000 URLs and 50 MB; splitting a larger
/// site into several sitemaps is up to the caller.
pub fn sitemap(urls: &[SitemapUrl]) -> String {
    let mut out = String::with_capacity(128 + urls.len() * 96);
    out.push_str(XML_DECLARATION);
    out.push_str("<urlset xmlns=\"");
    out.push_str(SITEMAP_NS);
    out.push_str("\">\n");
    for url in urls {
        open_tag(&mut out, 1, "url");
        text_element(&mut out, 2, "loc", &[], url.loc);
        if let Some(date) = url.lastmod.and_then(w3c_date) {
            text_element(&mut out, 2, "lastmod", &[], &date);
        }
        close_tag(&mut out, 1, "url");
    }
    out.push_str("</urlset>\n");
    out
}

fn w3c_date(date: NaiveDate) -> Option<String> {
    (0..=9999)
        .contains(&date.year())
        .then(|| format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()))
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn open_tag(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    out.push_str(">\n");
}

fn close_tag(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn push_attributes(out: &mut String, attributes: &[(&str, &str)]) {
    for (name, value) in attributes {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_for(out, value, Mode::XmlAttribute);
        out.push('"');
    }
}

fn empty_element(out: &mut String, depth: usize, name: &str, attributes: &[(&str, &str)]) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    push_attributes(out, attributes);
    out.push_str("/>\n");
}

fn text_element(
    out: &mut String,
    depth: usize,
    name: &str,
    attributes: &[(&str, &str)],
    text: &str,
) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    push_attributes(out, attributes);
    out.push('>');
    escape_for(out, text, Mode::XmlText);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn is_blank(text: &str) -> bool {
    !text.chars().any(|c| is_xml_char(c) && !c.is_whitespace())
}

#[cfg(test)]
mod tests;
