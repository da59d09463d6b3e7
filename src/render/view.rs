//! What templates see: serialisable views that borrow from the archive.
//!
//! Templates never touch the model types, so the model can change without
//! breaking a site's templates. All URLs in views are site-relative
//! (`postmortems/<slug>/`); templates prefix them with `root`, the relative
//! path from the page back to the site root, which is what makes the output
//! work at a domain root, under a sub-path and from disk alike.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeStruct;
use serde_json::{Map, Value};

use crate::archive::{Archive, Kind, Report, Term};
use crate::config::Config;
use crate::render::markdown::Heading;
use crate::render::routes;
use crate::source::actions::{ActionItem, State};
use crate::source::postmortem::Status;
use crate::util::duration;
use crate::util::text::push_padded;
use crate::util::tickets::Tickets;
use crate::util::url;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A named link, with a site-relative URL.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: Option<String>,
    pub severities: Vec<SeverityView>,
    pub report_count: usize,
    pub generator: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityView {
    pub id: String,
    pub label: String,
    pub description: String,
    pub color: String,
    /// The badge's class, `s-<slug>` (`s-sev1`), which the stylesheet
    /// colours ([`severity_css`]): badges are on every row of every list,
    /// and a class is shorter than the colour in a `style`.
    pub class: String,
    pub url: String,
    pub count: usize,
}

/// The rules that colour the severities' badges by their class, which the
/// build adds to the end of `static/style.css`.
pub fn severity_css(severities: &[SeverityView]) -> String {
    let mut css = String::from(
        "\n/* The severities of hindsight.toml: each badge's colour, by its class. */\n",
    );
    for s in severities {
        css.push_str(&format!(".sev.{}{{--sev:{}}}\n", s.class, s.color));
    }
    css
}

/// A point in time as a report gives it, with its own offset.
#[derive(Debug, Clone, Serialize)]
pub struct TimeView {
    /// RFC 3339, for `<time datetime>`.
    pub datetime: String,
    /// `2023-01-17`
    pub date: String,
    /// `12:30`
    pub time: String,
    /// `+03:00`, or `UTC`
    pub offset: String,
    /// `17 Jan 2023`
    pub short: String,
}

impl TimeView {
    /// Every report's times are shown on several pages: a time of a
    /// common year, in whole seconds, with an offset of whole minutes (all
    /// but none) is written digit by digit; any other through chrono's
    /// formats ([`TimeView::formatted`]), which give the same text.
    pub fn new(t: &DateTime<FixedOffset>) -> Self {
        let zone = t.offset().local_minus_utc();
        if !(0..=9999).contains(&t.year()) || t.nanosecond() != 0 || zone % 60 != 0 {
            return TimeView::formatted(t);
        }
        let mut date = String::with_capacity(10);
        push_padded(&mut date, t.year() as u32, 4);
        date.push('-');
        push_padded(&mut date, t.month(), 2);
        date.push('-');
        push_padded(&mut date, t.day(), 2);
        let mut time = String::with_capacity(5);
        push_padded(&mut time, t.hour(), 2);
        time.push(':');
        push_padded(&mut time, t.minute(), 2);
        let mut offset = String::with_capacity(6);
        offset.push(if zone < 0 { '-' } else { '+' });
        let minutes = zone.unsigned_abs() / 60;
        push_padded(&mut offset, minutes / 60, 2);
        offset.push(':');
        push_padded(&mut offset, minutes % 60, 2);
        let mut datetime = String::with_capacity(25);
        datetime.push_str(&date);
        datetime.push('T');
        datetime.push_str(&time);
        datetime.push(':');
        push_padded(&mut datetime, t.second(), 2);
        datetime.push_str(&offset);
        let mut short = String::with_capacity(11);
        short.push_str(itoa::Buffer::new().format(t.day()));
        short.push(' ');
        short.push_str(&MONTHS[t.month0() as usize][..3]);
        short.push(' ');
        push_padded(&mut short, t.year() as u32, 4);
        TimeView {
            datetime,
            date,
            time,
            offset: if zone == 0 { "UTC".to_string() } else { offset },
            short,
        }
    }

    /// [`TimeView::new`] through chrono's formats.
    fn formatted(t: &DateTime<FixedOffset>) -> Self {
        let offset = if t.offset().local_minus_utc() == 0 {
            "UTC".to_string()
        } else {
            t.format("%:z").to_string()
        };
        let (date, short) = if (0..=9999).contains(&t.year()) {
            let (y, m, d) = (t.year(), t.month(), t.day());
            let month = &MONTHS[t.month0() as usize][..3];
            (
                format!("{y:04}-{m:02}-{d:02}"),
                format!("{d} {month} {y:04}"),
            )
        } else {
            (
                t.format("%Y-%m-%d").to_string(),
                t.format("%-d %b %Y").to_string(),
            )
        };
        TimeView {
            datetime: t.to_rfc3339(),
            date,
            time: format!("{:02}:{:02}", t.hour(), t.minute()),
            offset,
            short,
        }
    }
}

/// One report as it appears in lists.
#[derive(Debug, Clone)]
pub struct Row {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub id: Option<String>,
    pub date: TimeView,
    pub year: i32,
    pub severity: SeverityView,
    pub services: Vec<Link>,
    pub tags: Vec<Link>,
    /// The summary as plain text.
    pub summary: String,
    /// The summary as inline HTML: a front matter summary's Markdown
    /// rendered, or the start of the body as text.
    pub summary_html: String,
    pub status: Status,
    /// Total duration (`resolved - date`), human form.
    pub duration: Option<String>,
    /// Kept to the internal library (`visibility: internal`) in an archive
    /// that has public reports: marked so that authors see what the public
    /// edition leaves out.
    pub internal: bool,
}

impl Row {
    /// How many fields [`Row::serialize_fields`] writes.
    const FIELDS: usize = 14;

    /// Writes the row's fields into `s`: as a row of its own, or as the
    /// first fields of a report's view, which has every field of its row.
    /// Written out rather than with `#[serde(flatten)]`, which makes
    /// serde go through a map, key by key: the report view is made for
    /// every report page.
    fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        s.serialize_field("slug", &self.slug)?;
        s.serialize_field("url", &self.url)?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("date", &self.date)?;
        s.serialize_field("year", &self.year)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("services", &self.services)?;
        s.serialize_field("tags", &self.tags)?;
        s.serialize_field("summary", &self.summary)?;
        s.serialize_field("summary_html", &self.summary_html)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("duration", &self.duration)?;
        s.serialize_field("internal", &self.internal)
    }
}

impl Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Row", Row::FIELDS)?;
        self.serialize_fields(&mut s)?;
        s.end()
    }
}

/// Every report's list row, in archive order. Rows are plain data; a
/// template sees one when it is serialised into a page's context, and
/// lists paste each row's HTML, rendered once, instead.
pub struct Rows {
    pub rows: Vec<Row>,
}

impl Rows {
    pub fn new(archive: &Archive, severities: &[SeverityView]) -> Rows {
        let rows: Vec<Row> = archive
            .reports
            .par_iter()
            .map(|r| row(r, archive, severities))
            .collect();
        Rows { rows }
    }

    /// Report `i`'s row again, after its report changed.
    pub fn update(&mut self, i: usize, archive: &Archive, severities: &[SeverityView]) {
        self.rows[i] = row(&archive.reports[i], archive, severities);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

fn row(report: &Report, archive: &Archive, severities: &[SeverityView]) -> Row {
    let pm = &report.pm;
    let severity = severities
        .iter()
        .find(|s| s.id == pm.severity)
        .cloned()
        .unwrap_or_else(|| SeverityView {
            id: pm.severity.clone(),
            label: String::new(),
            description: String::new(),
            color: "#6b7280".into(),
            class: String::new(),
            url: String::new(),
            count: 0,
        });
    let term_link = |map: &std::collections::BTreeMap<String, Term>, kind: Kind, name: &str| {
        let slug = url::slugify(name);
        Link {
            name: map
                .get(&slug)
                .map_or_else(|| name.to_string(), |t| t.name.clone()),
            url: routes::term(kind, &slug),
        }
    };
    Row {
        slug: pm.slug.clone(),
        url: routes::report(&pm.slug),
        title: pm.title.clone(),
        id: pm.id.as_ref().map(|i| i.value.clone()),
        date: TimeView::new(&pm.date),
        year: pm.date.year(),
        severity,
        services: pm
            .services
            .iter()
            .map(|s| term_link(&archive.services, Kind::Services, s))
            .collect(),
        tags: pm
            .tags
            .iter()
            .map(|t| term_link(&archive.tags, Kind::Tags, t))
            .collect(),
        summary: report.summary.clone(),
        summary_html: match &pm.summary {
            Some(s) if !s.is_empty() => crate::render::markdown::inline(s),
            _ => crate::util::html::escape(&report.summary),
        },
        status: pm.status,
        duration: pm.resolved.map(|r| duration::human(r - pm.date)),
        internal: archive.has_public && pm.visibility == crate::config::Visibility::Internal,
    }
}

impl Row {
    /// Whether any text of the row holds `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        let links = self.services.iter().chain(&self.tags);
        let severity = &self.severity;
        [&self.slug, &self.title, &self.summary, &severity.id]
            .into_iter()
            .chain([&severity.url, &severity.color, &severity.label])
            .chain(self.id.as_ref())
            .chain(self.duration.as_ref())
            .chain(links.flat_map(|l| [&l.name, &l.url]))
            .any(|text| holds(text, needle))
    }
}

/// Whether `text` holds `needle`: its first byte found with memchr, the
/// rest compared there. Cheaper than `str::contains` for the short texts
/// and rare needles it is asked about, which sets up a searcher each time.
fn holds(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    let mut at = 0;
    while let Some(found) = memchr::memchr(first, &text[at..]) {
        if text[at + found..].starts_with(needle) {
            return true;
        }
        at += found + 1;
    }
    false
}

pub fn severities(config: &Config, archive: &Archive) -> Vec<SeverityView> {
    config
        .severities
        .iter()
        .zip(&archive.severities)
        .map(|(s, term)| SeverityView {
            id: s.id.clone(),
            label: s.label.clone(),
            description: s.description.clone(),
            color: s.color.clone(),
            class: format!("s-{}", term.slug),
            url: routes::term(Kind::Severities, &term.slug),
            count: term.reports.len(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct LabelledTime {
    pub label: &'static str,
    pub key: &'static str,
    pub time: TimeView,
}

#[derive(Debug, Serialize)]
pub struct LabelledValue {
    pub label: &'static str,
    /// The anchor of its definition on `about/metrics/`.
    pub id: &'static str,
    pub value: String,
}

/// A report named by its title, for "older" and "newer" links.
#[derive(Debug, Serialize)]
pub struct NavLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// `17 Jan 2023`
    pub date: &'a str,
}

impl<'a> NavLink<'a> {
    fn new(row: &'a Row) -> Self {
        NavLink {
            title: &row.title,
            url: &row.url,
            date: &row.date.short,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ServiceNav<'a> {
    pub service: Link,
    pub older: Option<NavLink<'a>>,
    pub newer: Option<NavLink<'a>>,
}

/// An action item as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub text: String,
    pub owner: Option<String>,
    pub tickets: Vec<String>,
    /// The tickets with the pages `[tickets]` gives them.
    pub ticket_links: Vec<TicketLink>,
    pub kind: Option<crate::source::actions::Kind>,
    pub priority: Option<String>,
    /// `2023-02-01`
    pub due: Option<String>,
    pub state: State,
    /// `open` or `done`, for `data-action-state`.
    pub attribute: &'static str,
    pub open: bool,
    pub overdue: bool,
    pub in_body: bool,
}

/// A ticket of an action item, and its page if `[tickets]` gives one.
#[derive(Debug, Clone, Serialize)]
pub struct TicketLink {
    pub id: String,
    pub url: Option<String>,
}

impl ActionView {
    pub fn new(item: &ActionItem, today: NaiveDate, tickets: Tickets) -> ActionView {
        ActionView {
            text: item.text.clone(),
            owner: item.owner.clone(),
            tickets: item.tickets.clone(),
            ticket_links: item
                .tickets
                .iter()
                .map(|t| TicketLink {
                    id: t.clone(),
                    url: tickets.url(t),
                })
                .collect(),
            kind: item.kind,
            priority: item.priority.clone(),
            due: item.due.map(|d| d.format("%Y-%m-%d").to_string()),
            state: item.state,
            attribute: item.state.attribute(),
            open: item.state.is_open(),
            overdue: item.is_overdue(today),
            in_body: item.in_body,
        }
    }
}

/// Everything a report page shows: every field of its row, and these.
#[derive(Debug)]
pub struct ReportView<'a> {
    pub row: &'a Row,
    pub body: String,
    pub headings: Vec<Heading>,
    /// The body's sections for "On this page": its headings of the top
    /// level it uses.
    pub toc: Vec<Heading>,
    pub impact: Option<&'a str>,
    pub authors: &'a [String],
    pub teams: &'a [String],
    pub times: Vec<LabelledTime>,
    pub durations: Vec<LabelledValue>,
    pub related: Vec<&'a Row>,
    pub older: Option<NavLink<'a>>,
    pub newer: Option<NavLink<'a>>,
    pub service_nav: Vec<ServiceNav<'a>>,
    /// Where else the incident is written about, from `links:`.
    pub links: &'a [crate::source::links::Link],
    pub extra: &'a Map<String, Value>,
    pub source: String,
    /// The timeline as an inline SVG, when there is one to draw.
    pub timeline_svg: Option<String>,
    /// How to read the timeline: what it draws.
    pub timeline_caption: Option<String>,
    /// Action items from front matter and the body, front matter first.
    pub action_items: Vec<ActionView>,
    pub open_action_items: usize,
    /// How many action items come from front matter: the page lists them,
    /// while the body shows its own.
    pub listed_action_items: usize,
    /// Earlier reports sharing a service and a tag, the newest few, as
    /// list rows (`brief-row.html`), filled in by the renderer.
    pub similar_html: String,
    /// How many earlier reports share a service and a tag, and how many
    /// of them are rows: fewer when some are left out.
    pub similar_count: usize,
    pub similar_shown: usize,
    /// A search for every report on the service and with the tag that most
    /// of them share, when rows are left out.
    pub similar_search: Option<SimilarSearch>,
}

impl Serialize for ReportView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ReportView", Row::FIELDS + 24)?;
        self.row.serialize_fields(&mut s)?;
        s.serialize_field("body", &self.body)?;
        s.serialize_field("headings", &self.headings)?;
        s.serialize_field("toc", &self.toc)?;
        s.serialize_field("impact", &self.impact)?;
        s.serialize_field("authors", &self.authors)?;
        s.serialize_field("teams", &self.teams)?;
        s.serialize_field("times", &self.times)?;
        s.serialize_field("durations", &self.durations)?;
        s.serialize_field("related", &self.related)?;
        s.serialize_field("older", &self.older)?;
        s.serialize_field("newer", &self.newer)?;
        s.serialize_field("service_nav", &self.service_nav)?;
        s.serialize_field("links", &self.links)?;
        s.serialize_field("extra", &self.extra)?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("timeline_svg", &self.timeline_svg)?;
        s.serialize_field("timeline_caption", &self.timeline_caption)?;
        s.serialize_field("action_items", &self.action_items)?;
        s.serialize_field("open_action_items", &self.open_action_items)?;
        s.serialize_field("listed_action_items", &self.listed_action_items)?;
        s.serialize_field("similar_html", &self.similar_html)?;
        s.serialize_field("similar_count", &self.similar_count)?;
        s.serialize_field("similar_shown", &self.similar_shown)?;
        s.serialize_field("similar_search", &self.similar_search)?;
        s.end()
    }
}

/// A search for the reports on one service with one tag.
#[derive(Debug, Serialize)]
pub struct SimilarSearch {
    /// `search/?service=<slug>&tag=<slug>`, site-relative.
    pub url: String,
    pub service: String,
    pub tag: String,
}

/// The view of report `i`, with its body rendered (`body`, from
/// [`crate::render::body::render`]).
pub fn report<'a>(
    archive: &'a Archive,
    rows: &'a Rows,
    i: usize,
    body: crate::render::body::Body,
    insights: &crate::archive::insights::Insights,
    tickets: Tickets,
) -> ReportView<'a> {
    let today = insights.today;
    let report = &archive.reports[i];
    let pm = &report.pm;
    let row = &rows.rows[i];
    let (times, durations) = times(pm);
    let older = (i + 1 < archive.reports.len()).then_some(i + 1);
    let newer = i.checked_sub(1);
    let action_items: Vec<ActionView> = pm
        .action_items
        .iter()
        .map(|a| ActionView::new(a, today, tickets))
        .collect();
    let chart = crate::render::charts::of_report(archive, i, &body.timeline);
    let (timeline_svg, timeline_caption) = chart.map(|c| (c.svg, c.caption)).unzip();
    ReportView {
        row,
        timeline_svg,
        timeline_caption,
        open_action_items: action_items.iter().filter(|a| a.open).count(),
        listed_action_items: action_items.iter().filter(|a| !a.in_body).count(),
        action_items,
        similar_html: String::new(),
        similar_count: 0,
        similar_shown: 0,
        similar_search: None,
        body: body.rendered.html,
        toc: sections(&body.rendered.headings),
        headings: body.rendered.headings,
        impact: pm.impact.as_deref(),
        authors: &pm.authors,
        teams: &pm.teams,
        times,
        durations,
        related: archive.related[i].iter().map(|&j| &rows.rows[j]).collect(),
        older: older.map(|j| NavLink::new(&rows.rows[j])),
        newer: newer.map(|j| NavLink::new(&rows.rows[j])),
        service_nav: service_nav(archive, rows, i),
        links: &pm.links,
        extra: &pm.extra,
        source: pm.path.to_string_lossy().replace('\\', "/"),
    }
}

/// The headings of the highest level among `headings`: the body's
/// sections, whatever level its author started at.
fn sections(headings: &[Heading]) -> Vec<Heading> {
    let top = headings.iter().map(|h| h.level).min();
    headings
        .iter()
        .filter(|h| Some(h.level) == top)
        .cloned()
        .collect()
}

/// The moments report `pm` gives, impact start first, and the durations
/// measured to them.
fn times(pm: &crate::source::postmortem::Postmortem) -> (Vec<LabelledTime>, Vec<LabelledValue>) {
    let mut times = vec![LabelledTime {
        label: "Impact started",
        key: "date",
        time: TimeView::new(&pm.date),
    }];
    let mut durations = Vec::new();
    for (label, key, time, (measure, id)) in [
        (
            "Detected",
            "detected",
            pm.detected,
            ("Time to detect", "time-to-detect"),
        ),
        (
            "Mitigated",
            "mitigated",
            pm.mitigated,
            ("Time to mitigate", "time-to-mitigate"),
        ),
        (
            "Resolved",
            "resolved",
            pm.resolved,
            ("Total duration", "total-duration"),
        ),
    ] {
        if let Some(t) = time {
            times.push(LabelledTime {
                label,
                key,
                time: TimeView::new(&t),
            });
            if let Some(seconds) = pm.seconds_since_start(Some(t)) {
                durations.push(LabelledValue {
                    label: measure,
                    id,
                    value: duration::human(chrono::TimeDelta::seconds(seconds)),
                });
            }
        }
    }
    (times, durations)
}

/// For each service of report `i`, its older and newer reports.
fn service_nav<'a>(archive: &Archive, rows: &'a Rows, i: usize) -> Vec<ServiceNav<'a>> {
    archive.reports[i]
        .pm
        .services
        .iter()
        .filter_map(|s| archive.services.get(&url::slugify(s)))
        .map(|term| {
            let (older, newer) = Archive::neighbours(&term.reports, i);
            ServiceNav {
                service: Link {
                    name: term.name.clone(),
                    url: routes::term(Kind::Services, &term.slug),
                },
                older: older.map(|j| NavLink::new(&rows.rows[j])),
                newer: newer.map(|j| NavLink::new(&rows.rows[j])),
            }
        })
        .collect()
}

/// A titled run of reports in a list page.
#[derive(Debug, Serialize)]
pub struct Group {
    pub title: String,
    pub id: String,
    /// How many reports the group holds on this page.
    pub count: usize,
    /// The rows as `row.html` renders them, one after the other.
    pub html: String,
}

/// A year of a list page, holding groups.
#[derive(Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub id: String,
    pub url: Option<String>,
    /// How many reports of the whole list (all its pages) fall in the year.
    pub count: usize,
    /// Whether the year began on an earlier page of the list.
    pub continued: bool,
    pub groups: Vec<Group>,
}

/// One year of a list: how many reports it has and the position, in the
/// list, of the first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearSpan {
    pub year: i32,
    pub count: usize,
    pub first: usize,
}

/// The years of a list of reports, newest first.
pub fn year_spans(rows: &Rows, reports: &[usize]) -> Vec<YearSpan> {
    use std::cmp::Reverse;
    use std::collections::BTreeMap;

    let mut years: BTreeMap<Reverse<i32>, YearSpan> = BTreeMap::new();
    for (position, &i) in reports.iter().enumerate() {
        let year = rows.rows[i].year;
        years
            .entry(Reverse(year))
            .or_insert(YearSpan {
                year,
                count: 0,
                first: position,
            })
            .count += 1;
    }
    years.into_values().collect()
}

/// Splits `reports` (one page of a list, newest first, starting at position
/// `start` of the list) into year sections; with `by_month`, each year holds
/// one group per month, otherwise a single group. `spans` are the years of
/// the whole list, for the counts, and `row_html` appends the HTML of one
/// row on this page.
///
/// Years and months are those of each report's own offset, while the order
/// is that of the instants: a report that started at 00:30 on New Year's Day
/// in Tokyo belongs to the new year although, in UTC, it came before reports
/// of the old year's last evening elsewhere. So sections and groups are
/// keyed, not just cut where the year changes.
pub fn by_year<E>(
    rows: &Rows,
    reports: &[usize],
    start: usize,
    spans: &[YearSpan],
    by_month: bool,
    row_html: impl Fn(usize, &mut String) -> Result<(), E>,
) -> Result<Vec<Section>, E> {
    use std::cmp::Reverse;
    use std::collections::BTreeMap;

    let mut years: BTreeMap<Reverse<i32>, BTreeMap<Reverse<usize>, Vec<usize>>> = BTreeMap::new();
    for &i in reports {
        let row = &rows.rows[i];
        let month = if by_month { month_of(&row.date) } else { 0 };
        years
            .entry(Reverse(row.year))
            .or_default()
            .entry(Reverse(month))
            .or_default()
            .push(i);
    }
    let mut sections = Vec::with_capacity(years.len());
    for (Reverse(year), months) in years {
        let id = format!("y{year}");
        let span = spans.iter().find(|s| s.year == year);
        let mut section = Section {
            title: year.to_string(),
            id: id.clone(),
            url: Some(routes::year(year)),
            count: span.map_or(0, |s| s.count),
            continued: span.is_some_and(|s| s.first < start),
            groups: Vec::with_capacity(months.len()),
        };
        for (Reverse(month), members) in months {
            let (title, id) = match month {
                0 => (String::new(), id.clone()),
                m => (
                    format!("{} {year}", MONTHS[m - 1]),
                    format!("m{year}-{m:02}"),
                ),
            };
            let mut html = String::new();
            for &i in &members {
                row_html(i, &mut html)?;
            }
            section.groups.push(Group {
                title,
                id,
                count: members.len(),
                html,
            });
        }
        sections.push(section);
    }
    Ok(sections)
}

fn month_of(t: &TimeView) -> usize {
    t.date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1)
}

/// A service, tag or severity in a term list.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
    pub latest: Option<&'a Row>,
    pub description: String,
    pub owner: String,
    pub color: Option<String>,
    pub label: String,
    pub severities: Vec<(String, usize)>,
    pub metrics: Option<crate::archive::metrics::Metrics>,
}

pub fn term<'a>(
    kind: Kind,
    term: &Term,
    rows: &'a Rows,
    config: &Config,
    metrics: Option<&crate::archive::metrics::Metrics>,
) -> TermView<'a> {
    let service = (kind == Kind::Services)
        .then(|| {
            config
                .services
                .iter()
                .find(|(k, _)| url::slugify(k) == term.slug)
                .map(|(_, s)| s)
        })
        .flatten();
    let severity = (kind == Kind::Severities)
        .then(|| config.severity(&term.name))
        .flatten();
    let mut severities: Vec<(String, usize)> = config
        .severities
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                term.reports
                    .iter()
                    .filter(|&&i| rows.rows[i].severity.id == s.id)
                    .count(),
            )
        })
        .collect();
    severities.retain(|(_, n)| *n > 0);
    TermView {
        name: term.name.clone(),
        slug: term.slug.clone(),
        url: routes::term(kind, &term.slug),
        count: term.reports.len(),
        latest: term.reports.first().map(|&i| &rows.rows[i]),
        description: service
            .map(|s| s.description.clone())
            .or_else(|| severity.map(|s| s.description.clone()))
            .unwrap_or_default(),
        owner: service.map(|s| s.owner.clone()).unwrap_or_default(),
        color: severity.map(|s| s.color.clone()),
        label: severity.map(|s| s.label.clone()).unwrap_or_default(),
        severities,
        metrics: metrics.cloned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_written_by_hand_read_as_chrono_writes_them() {
        use super::TimeView;
        use chrono::{FixedOffset, NaiveDate, TimeZone};
        let mut next = crate::util::text::seeded_numbers(17);
        let years = [0, 1, 9, 99, 999, 1970, 2023, 2024, 9999, -1, 10000];
        let zones = [
            0, 60, -60, 3600, -3600, 19800, -34200, 45900, 50400, -43200, 37, -5,
        ];
        for _ in 0..5000 {
            let year = years[next(years.len() as u64) as usize];
            let zone = zones[next(zones.len() as u64) as usize];
            let nanos = [0, 0, 0, 500_000_000, 1_000][next(5) as usize];
            let Some(day) = NaiveDate::from_ymd_opt(year, 1 + next(12) as u32, 1 + next(28) as u32)
            else {
                continue;
            };
            let local = day
                .and_hms_nano_opt(next(24) as u32, next(60) as u32, next(60) as u32, nanos)
                .unwrap();
            let offset = FixedOffset::east_opt(zone).unwrap();
            let t = offset.from_local_datetime(&local).unwrap();
            let (ours, theirs) = (TimeView::new(&t), TimeView::formatted(&t));
            assert_eq!(
                serde_json::to_value(&ours).unwrap(),
                serde_json::to_value(&theirs).unwrap(),
                "{t:?}"
            );
        }
    }

    /// The `pub` fields of `pub struct NAME` in this file's source.
    fn fields(name: &str) -> Vec<String> {
        let source = include_str!("view.rs");
        let start = source
            .find(&format!("pub struct {name} "))
            .or_else(|| source.find(&format!("pub struct {name}<")))
            .unwrap();
        let body = &source[start..start + source[start..].find("\n}").unwrap()];
        body.lines()
            .filter_map(|l| l.trim().strip_prefix("pub "))
            .filter_map(|l| l.split_once(':').map(|(f, _)| f.trim().to_string()))
            .filter(|f| !f.starts_with("struct"))
            .collect()
    }

    #[test]
    fn the_written_out_serialisers_give_every_field() {
        let source = include_str!("view.rs");
        let row = fields("Row");
        assert_eq!(row.len(), super::Row::FIELDS);
        let own: Vec<String> = fields("ReportView")
            .into_iter()
            .filter(|f| f != "row")
            .collect();
        assert!(source.contains(&format!("Row::FIELDS + {})", own.len())));
        for field in row.iter().chain(&own) {
            let line = format!("s.serialize_field(\"{field}\", &self.{field})");
            assert!(source.contains(&line), "`{field}` is not serialised");
        }
    }
}
