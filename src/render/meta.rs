//! Links that unfurl in chat and never break: what each page says about
//! itself to chat tools and search engines, the short link of every report
//! with an id, redirect pages at old paths (`aliases`), each report as
//! JSON for bots, and `robots.txt`.
//!
//! Absolute URLs come only from `base_url`: without it, what needs one
//! (`og:url`, `og:image`, canonical links, feeds, the sitemap) is left out
//! and the build says so once.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::render::routes;
use crate::util::html::escape;

/// How long an unfurl's description may be.
const DESCRIPTION_CHARS: usize = 200;

/// What a page tells chat tools and search engines about itself.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// The page's absolute URL, when the site has a `base_url`.
    pub url: Option<String>,
    /// `article` for reports, `website` for the rest.
    pub kind: &'static str,
    pub title: String,
    /// At most 200 characters, cut on a word.
    pub description: String,
    /// The card image's absolute URL.
    pub image: Option<String>,
    /// `noindex, nofollow` unless the library is public.
    pub robots: &'static str,
    /// Label and value pairs that Slack shows as fields (`twitter:label1`).
    pub labels: Vec<(String, String)>,
}

impl PageMeta {
    /// The metadata of the page at `dir` (site-relative), for a site at
    /// `base` (absolute, ending in `/`).
    pub fn new(
        base: Option<&str>,
        dir: &str,
        title: &str,
        description: &str,
        public: bool,
    ) -> PageMeta {
        PageMeta {
            url: base.map(|b| format!("{b}{}", routes::url_of(dir))),
            kind: "website",
            title: title.to_string(),
            description: crate::archive::shorten(description, DESCRIPTION_CHARS),
            image: base.map(|b| format!("{b}{}", routes::CARD_IMAGE)),
            robots: if public {
                "index, follow"
            } else {
                "noindex, nofollow"
            },
            labels: Vec::new(),
        }
    }
}

/// A report for chat bots and unfurl apps, with the same facts as its
/// page, in the page's head ([`report_script`]): a bot that fetched the
/// link it was given has it, without a second request. A
/// fact the report does not give is left out rather than written as
/// `null`: there is one of these per report.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    pub title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// Absolute with a `base_url`, else site-relative.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_url: Option<String>,
    pub severity: &'a str,
    pub severity_label: &'a str,
    pub status: crate::source::postmortem::Status,
    pub services: Vec<&'a str>,
    pub tags: &'a [String],
    pub authors: &'a [String],
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_detect: Option<crate::archive::metrics::Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_mitigate: Option<crate::archive::metrics::Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<crate::archive::metrics::Measure>,
    pub summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<&'a str>,
    /// How many; the items themselves are in `action-items.json`, with
    /// every other report's.
    pub action_items: usize,
    pub open_action_items: usize,
    pub overdue_action_items: usize,
    /// Left out when there are none, as the report page leaves them out.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub links: &'a [crate::source::links::Link],
}

/// `path` (site-relative) under `base`, the base URL, when there is one.
fn absolute(base: Option<&str>, path: &str) -> String {
    match base {
        Some(b) => format!("{b}{path}"),
        None => path.to_string(),
    }
}

/// `action-items.json`: every action item of the archive, for the
/// follow-up work (a scheduled job that nags owners, a tracker's import),
/// grouped by report in the archive's order, newest first.
#[derive(Debug, Serialize)]
pub struct ActionItemsJson<'a> {
    /// The build date, which `overdue` is measured against.
    pub date: String,
    pub action_items: usize,
    pub open_action_items: usize,
    pub overdue_action_items: usize,
    pub reports: Vec<ReportActionsJson<'a>>,
}

/// A report's action items, in the order it gives them.
#[derive(Debug, Serialize)]
pub struct ReportActionsJson<'a> {
    /// The report's slug, as in `postmortems/<slug>/`.
    pub report: &'a str,
    /// Absolute with a `base_url`, else site-relative.
    pub url: String,
    pub items: Vec<ActionJson<'a>>,
}

impl<'a> ActionItemsJson<'a> {
    /// `overall`: the archive's metrics, whose counts it repeats.
    pub fn new(
        archive: &'a crate::archive::Archive,
        rows: &'a crate::render::view::Rows,
        overall: &crate::archive::metrics::Metrics,
        base: Option<&str>,
        today: chrono::NaiveDate,
        tickets: crate::util::tickets::Tickets,
    ) -> ActionItemsJson<'a> {
        let reports: Vec<ReportActionsJson> = archive
            .reports
            .iter()
            .zip(&rows.rows)
            .filter(|(r, _)| !r.pm.action_items.is_empty())
            .map(|(r, row)| ReportActionsJson {
                report: &r.pm.slug,
                url: absolute(base, &row.url),
                items: r
                    .pm
                    .action_items
                    .iter()
                    .map(|item| ActionJson::new(item, today, tickets))
                    .collect(),
            })
            .collect();
        ActionItemsJson {
            date: today.format("%Y-%m-%d").to_string(),
            action_items: overall.action_items,
            open_action_items: overall.open_action_items,
            overdue_action_items: overall.overdue_action_items,
            reports,
        }
    }
}

/// The columns of `action-items.csv`, its first line.
pub const ACTION_ITEMS_CSV_HEADER: &str =
    "report,text,owner,state,due,overdue,tickets,ticket_urls,kind,priority\n";

/// Bytes set aside for each action item (and each report's group) of
/// `action-items.json` and `action-items.csv`: more than the 160 and 130
/// an item of a generated archive takes, so that neither grows once
/// written into. Room never written to costs no memory.
const ROOM_PER_ITEM: usize = 192;

impl ActionItemsJson<'_> {
    /// The file's JSON, written into room for all of it: grown from
    /// nothing, it was moved some twenty-five times on its way to the
    /// 33 MB of a 50,000-report archive, each time into memory the
    /// process had not used yet, about as many bytes again.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let room = (self.action_items + self.reports.len()) * ROOM_PER_ITEM + 1024;
        let mut out = Vec::with_capacity(room);
        serde_json::to_writer(&mut out, self)?;
        Ok(out)
    }

    /// The same items as CSV (RFC 4180, CRLF-free: `\n` ends a record),
    /// one a line under [`ACTION_ITEMS_CSV_HEADER`], for a spreadsheet or
    /// a tracker's import. Several tickets are one field, separated by
    /// spaces. The report is its slug: its URL, once a report in the JSON,
    /// would be the largest field of every line (44 MB instead of 28 at
    /// 50,000 reports).
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(self.action_items * ROOM_PER_ITEM + 64);
        out.push_str(ACTION_ITEMS_CSV_HEADER);
        // The fields made of several parts, put together here: one buffer
        // for every item rather than a string joined for each.
        let mut joined = String::new();
        for report in &self.reports {
            for item in &report.items {
                let due = item.due.map(|d| d.format("%Y-%m-%d").to_string());
                for field in [
                    report.report,
                    item.text,
                    item.owner.unwrap_or_default(),
                    item.state.name(),
                    due.as_deref().unwrap_or_default(),
                    if item.overdue { "true" } else { "false" },
                ] {
                    push_csv_field(&mut out, field);
                    out.push(',');
                }
                join_into(&mut joined, item.tickets.iter().map(|t| t.as_str()));
                push_csv_field(&mut out, &joined);
                out.push(',');
                let urls = item
                    .tickets
                    .iter()
                    .filter_map(|t| item.ticket_urls.get(t.as_str()))
                    .map(String::as_str);
                join_into(&mut joined, urls);
                push_csv_field(&mut out, &joined);
                out.push(',');
                push_csv_field(&mut out, item.kind.map(|k| k.name()).unwrap_or_default());
                out.push(',');
                push_csv_field(&mut out, item.priority.unwrap_or_default());
                out.push('\n');
            }
        }
        out
    }
}

/// `parts` into `out` (emptied first), a space between each two.
fn join_into<'p>(out: &mut String, parts: impl Iterator<Item = &'p str>) {
    out.clear();
    for (k, part) in parts.enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(part);
    }
}

/// Appends `field` to a CSV record: quoted when it holds a comma, a quote
/// or a line break (quotes doubled), and with a `'` before a first `=`,
/// `+`, `-`, `@`, tab or carriage return, which a spreadsheet would run as
/// a formula.
fn push_csv_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula
        || field
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !quoted {
        out.push_str(field);
        return;
    }
    out.push('"');
    if formula {
        out.push('\'');
    }
    let mut rest = field;
    while let Some(at) = rest.find('"') {
        // The quote, and another before it.
        out.push_str(&rest[..=at]);
        out.push('"');
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// An action item in `action-items.json`: its owner, kind, priority and
/// due date only when it has them, and `overdue` only when it is.
#[derive(Debug, Serialize)]
pub struct ActionJson<'a> {
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<&'a str>,
    pub tickets: &'a [String],
    /// The page of each ticket that `[tickets]` gives one, by ticket.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ticket_urls: BTreeMap<&'a str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::source::actions::Kind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<chrono::NaiveDate>,
    pub state: crate::source::actions::State,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
}

impl<'a> ActionJson<'a> {
    fn new(
        item: &'a crate::source::actions::ActionItem,
        today: chrono::NaiveDate,
        tickets: crate::util::tickets::Tickets,
    ) -> ActionJson<'a> {
        ActionJson {
            text: &item.text,
            owner: item.owner.as_deref(),
            tickets: &item.tickets,
            ticket_urls: item
                .tickets
                .iter()
                .filter_map(|t| Some((t.as_str(), tickets.url(t)?)))
                .collect(),
            kind: item.kind,
            priority: item.priority.as_deref(),
            due: item.due,
            state: item.state,
            overdue: item.is_overdue(today),
        }
    }
}

impl<'a> ReportJson<'a> {
    pub fn new(
        report: &'a crate::archive::Report,
        row: &'a crate::render::view::Row,
        facts: &crate::archive::metrics::Facts,
        base: Option<&str>,
    ) -> ReportJson<'a> {
        let pm = &report.pm;
        let absolute = |path: &str| absolute(base, path);
        let since = |t| {
            pm.seconds_since_start(t)
                .map(crate::archive::metrics::Measure::new)
        };
        ReportJson {
            title: &pm.title,
            id: pm.id.as_ref().map(|i| i.value.as_str()),
            url: absolute(&row.url),
            short_url: pm
                .id
                .as_ref()
                .and_then(|i| routes::short_link(&i.value))
                .map(|short| absolute(&short)),
            severity: &pm.severity,
            severity_label: &row.severity.label,
            status: pm.status,
            services: row.services.iter().map(|l| l.name.as_str()).collect(),
            tags: &pm.tags,
            authors: &pm.authors,
            date: pm.date.to_rfc3339(),
            detected: pm.detected.map(|t| t.to_rfc3339()),
            mitigated: pm.mitigated.map(|t| t.to_rfc3339()),
            resolved: pm.resolved.map(|t| t.to_rfc3339()),
            time_to_detect: since(pm.detected),
            time_to_mitigate: since(pm.mitigated),
            duration: since(pm.resolved),
            summary: &report.summary,
            impact: pm.impact.as_deref(),
            action_items: facts.action_items,
            open_action_items: facts.open,
            overdue_action_items: facts.overdue,
            links: &pm.links,
        }
    }
}

/// A page that sends the reader to `target` (a URL relative to the page):
/// a meta refresh, a canonical link, and a visible link for readers and
/// tools that follow neither.
pub fn redirect_page(target: &str, canonical: Option<&str>, title: &str) -> String {
    let target = escape(target);
    let title = escape(title);
    let canonical = escape(canonical.unwrap_or(&target));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p>This postmortem is at <a href=\"{target}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}

/// The page of a folder that has none of its own (`years/2023/page/`,
/// `i/`): it sends the reader on to `target`, relative to it.
pub fn folder_redirect(target: &str) -> String {
    let target = escape(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>This folder has no page of its own</title>\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<h1>This folder has no page of its own</h1>\n<p><a href=\"{target}\">Go on to the page it leads to</a>.</p>\n</body>\n</html>\n"
    )
}

/// `robots.txt`: an internal library asks not to be crawled; a public one
/// points at its sitemap.
pub fn robots_txt(public: bool, sitemap: Option<&str>) -> String {
    if !public {
        return "# An internal incident library: please do not crawl.\nUser-agent: *\nDisallow: /\n".into();
    }
    let mut text = "User-agent: *\nAllow: /\n".to_string();
    if let Some(sitemap) = sitemap {
        text.push_str(&format!("Sitemap: {sitemap}\n"));
    }
    text
}

/// The id of the script element that holds a report's JSON in its page.
pub const REPORT_SCRIPT_ID: &str = "hindsight-report";

/// `json` as a script element for a page's head. Every `<` is written as
/// `\u003c`, the same string to a JSON reader, so that no value can close
/// the script or open a comment.
pub fn report_script(json: &ReportJson) -> Result<Vec<u8>, serde_json::Error> {
    let raw = serde_json::to_vec(json)?;
    let mut out = Vec::with_capacity(raw.len() + 64);
    out.extend_from_slice(b"<script type=\"application/json\" id=\"");
    out.extend_from_slice(REPORT_SCRIPT_ID.as_bytes());
    out.extend_from_slice(b"\">");
    push_script_json(&mut out, &raw);
    out.extend_from_slice(b"</script>\n");
    Ok(out)
}

/// Appends JSON text `raw` to `out` with every `<` written `\u003c`.
fn push_script_json(out: &mut Vec<u8>, raw: &[u8]) {
    let mut from = 0;
    for at in memchr::memchr_iter(b'<', raw) {
        out.extend_from_slice(&raw[from..at]);
        out.extend_from_slice(br"\u003c");
        from = at + 1;
    }
    out.extend_from_slice(&raw[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_page_refreshes_links_and_escapes() {
        let page = redirect_page("../postmortems/a/", None, "A <b> & \"c\"");
        assert!(page.contains("content=\"0; url=../postmortems/a/\""));
        assert!(page.contains("<a href=\"../postmortems/a/\">A &lt;b&gt; &amp; &quot;c&quot;</a>"));
    }

    #[test]
    fn descriptions_are_cut_on_a_word() {
        let long = "word ".repeat(100);
        let meta = PageMeta::new(
            Some("https://x.example/lib/"),
            "postmortems/a/",
            "T",
            &long,
            false,
        );
        assert!(
            meta.description.chars().count() <= 201,
            "{}",
            meta.description
        );
        assert!(meta.description.ends_with("word…"));
        assert_eq!(
            meta.url.as_deref(),
            Some("https://x.example/lib/postmortems/a/")
        );
        assert_eq!(
            meta.image.as_deref(),
            Some("https://x.example/lib/static/card.png")
        );
        assert_eq!(meta.robots, "noindex, nofollow");
        assert_eq!(PageMeta::new(None, "", "T", "", true).url, None);
    }

    #[test]
    fn no_value_can_end_the_reports_script() {
        let value = serde_json::json!({ "title": "a </script><!-- <b>" });
        let mut out = Vec::new();
        push_script_json(&mut out, &serde_json::to_vec(&value).unwrap());
        assert!(!out.contains(&b'<'));
        let back: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn csv_fields_are_quoted_when_they_must_be_and_formulas_are_defused() {
        let mut out = String::new();
        for field in [
            "plain",
            "a, b",
            "say \"hi\"",
            "two\nlines",
            "=SUM(A1)",
            "@dana",
            "",
        ] {
            push_csv_field(&mut out, field);
            out.push('|');
        }
        assert_eq!(
            out,
            "plain|\"a, b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"'=SUM(A1)\"|\"'@dana\"||"
        );
    }
}
