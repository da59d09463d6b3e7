//! What the archive teaches, as pages show it: metrics of every service,
//! severity, tag and year, the charts, the action items across the
//! archive, similar incidents, "on this day", and `stats.json`.
//!
//! Everything here is computed once per build from the archive and the
//! build date (`SOURCE_DATE_EPOCH` when set, so builds stay reproducible).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::archive::metrics::{self, Facts, Metrics, Month};
use crate::archive::{Archive, Moment, Term};
use crate::config::Config;
use crate::render::charts;
use crate::render::meta::escape_into;
use crate::render::view::{Row, Rows};
use crate::source::actions::{ActionItem, State};
use crate::util::duration;
use crate::util::url;

/// How many months the archive's charts cover, ending with the month of
/// the newest report.
pub const CHART_MONTHS: usize = 24;

/// How many similar earlier incidents a report page names.
const SIMILAR: usize = 5;

/// The numbers of the archive, computed once.
pub struct Insights {
    pub today: NaiveDate,
    pub facts: Vec<Facts>,
    pub overall: Metrics,
    /// By kind (`services`, `severities`, `tags`) and slug.
    terms: HashMap<(&'static str, String), Metrics>,
    pub years: BTreeMap<i32, Metrics>,
    /// The months the charts cover.
    pub months: Vec<Month>,
    pub pairs: Pairs,
}

impl Insights {
    pub fn new(archive: &Archive, today: NaiveDate) -> Insights {
        let facts = metrics::facts(archive, today);
        let all: Vec<usize> = (0..archive.reports.len()).collect();
        let mut terms = HashMap::new();
        for (kind, list) in [
            ("services", archive.services.values().collect::<Vec<_>>()),
            ("severities", archive.severities.iter().collect()),
            ("tags", archive.tags.values().collect()),
        ] {
            for term in list {
                terms.insert(
                    (kind, term.slug.clone()),
                    metrics::of(&facts, &term.reports),
                );
            }
        }
        let years = archive
            .years
            .iter()
            .map(|(y, reports)| (*y, metrics::of(&facts, reports)))
            .collect();
        let last = archive
            .reports
            .first()
            .map_or((today.year(), today.month()), |r| {
                (r.pm.date.year(), r.pm.date.month())
            });
        Insights {
            today,
            overall: metrics::of(&facts, &all),
            facts,
            terms,
            years,
            months: metrics::months_until(last, CHART_MONTHS),
            pairs: Pairs::new(archive),
        }
    }

    /// The metrics of a service, severity or tag.
    pub fn term(&self, kind: &'static str, slug: &str) -> Option<&Metrics> {
        self.terms.get(&(kind, slug.to_string()))
    }

    /// Incidents per month over the chart months, stacked by severity.
    pub fn monthly_chart(
        &self,
        archive: &Archive,
        config: &Config,
        reports: &[usize],
        id: &str,
        whose: &str,
    ) -> String {
        let ids: Vec<&str> = config.severities.iter().map(|s| s.id.as_str()).collect();
        let counts = metrics::per_month(archive, reports, &self.months, &ids);
        let labels: Vec<String> = self
            .months
            .iter()
            .map(|m| metrics::month_label(*m))
            .collect();
        let series: Vec<charts::Series> = config
            .severities
            .iter()
            .zip(&counts)
            .map(|(s, values)| charts::Series {
                name: &s.id,
                color: &s.color,
                values,
            })
            .collect();
        let total: u32 = counts.iter().flatten().sum();
        let (first, last) = (
            labels.first().cloned().unwrap_or_default(),
            labels.last().cloned().unwrap_or_default(),
        );
        let by_severity: Vec<String> = config
            .severities
            .iter()
            .zip(&counts)
            .map(|(s, c)| format!("{} {}", s.id, c.iter().sum::<u32>()))
            .collect();
        charts::stacked_bars(&charts::BarChart {
            id,
            title: &format!("{whose} incidents per month, {first} to {last}"),
            description: &format!(
                "{total} incident{} in {} months, by severity: {}.",
                if total == 1 { "" } else { "s" },
                labels.len(),
                by_severity.join(", ")
            ),
            labels: &labels,
            series: &series,
        })
    }

    /// The median total duration per quarter over the chart months.
    pub fn duration_chart(&self, archive: &Archive, reports: &[usize], id: &str) -> String {
        let (labels, medians) =
            metrics::quarterly_median_duration(archive, &self.facts, reports, &self.months);
        let values: Vec<Option<f64>> = medians.iter().map(|m| m.map(|s| s as f64 / 60.0)).collect();
        let shown: Vec<String> = labels
            .iter()
            .zip(&medians)
            .filter_map(|(l, m)| m.map(|s| format!("{l}: {}", metrics::Measure::new(s).human)))
            .collect();
        let format =
            |minutes: f64| duration::human(chrono::TimeDelta::seconds((minutes * 60.0) as i64));
        charts::trend(&charts::TrendChart {
            id,
            title: "Median incident duration per quarter",
            description: &if shown.is_empty() {
                "No resolved incidents in these quarters.".to_string()
            } else {
                format!("{}.", shown.join("; "))
            },
            labels: &labels,
            values: &values,
            format: &format,
        })
    }

    /// Every action item of the archive, open first: overdue ones, then by
    /// due date, then the newest reports' first.
    pub fn action_items<'a>(&self, archive: &'a Archive, rows: &'a Rows) -> Vec<ActionRow<'a>> {
        let mut items: Vec<ActionRow> = archive
            .reports
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.pm.action_items.iter().map(move |item| (i, item)))
            .map(|(i, item)| ActionRow {
                item: ActionView::new(item, self.today),
                report: ReportRef::new(&rows.rows[i]),
                position: i,
            })
            .collect();
        items.sort_by(|a, b| {
            let key = |r: &ActionRow| {
                (
                    !r.item.open,
                    !r.item.overdue,
                    r.item.due.is_none(),
                    r.item.due.clone(),
                    r.position,
                )
            };
            key(a).cmp(&key(b))
        });
        items
    }

    /// `stats.json`: the metrics of the archive and of every severity,
    /// service, tag and year.
    pub fn stats_json(&self, archive: &Archive) -> String {
        let named = |kind: &'static str, terms: Vec<&Term>| -> BTreeMap<String, Named> {
            terms
                .into_iter()
                .filter_map(|t| {
                    Some((
                        t.slug.clone(),
                        Named {
                            name: t.name.clone(),
                            metrics: self.term(kind, &t.slug)?.clone(),
                        },
                    ))
                })
                .collect()
        };
        let severities: BTreeMap<String, Metrics> = archive
            .severities
            .iter()
            .filter_map(|t| Some((t.name.clone(), self.term("severities", &t.slug)?.clone())))
            .collect();
        let stats = Stats {
            reports: archive.reports.len(),
            overall: &self.overall,
            severities,
            services: named("services", archive.services.values().collect()),
            tags: named("tags", archive.tags.values().collect()),
            years: self.years.iter().map(|(y, m)| (y.to_string(), m)).collect(),
        };
        let mut json = serde_json::to_string_pretty(&stats).unwrap_or_default();
        json.push('\n');
        json
    }
}

#[derive(Serialize)]
struct Stats<'a> {
    reports: usize,
    overall: &'a Metrics,
    severities: BTreeMap<String, Metrics>,
    services: BTreeMap<String, Named>,
    tags: BTreeMap<String, Named>,
    years: BTreeMap<String, &'a Metrics>,
}

#[derive(Serialize)]
struct Named {
    name: String,
    #[serde(flatten)]
    metrics: Metrics,
}

/// An action item as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub text: String,
    pub owner: Option<String>,
    pub tickets: Vec<String>,
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

impl ActionView {
    pub fn new(item: &ActionItem, today: NaiveDate) -> ActionView {
        ActionView {
            text: item.text.clone(),
            owner: item.owner.clone(),
            tickets: item.tickets.clone(),
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

/// An action item with the report it belongs to.
#[derive(Debug, Serialize)]
pub struct ActionRow<'a> {
    #[serde(flatten)]
    pub item: ActionView,
    pub report: ReportRef<'a>,
    #[serde(skip)]
    position: usize,
}

/// What an action item's line says of its report: a list row without its
/// summary and tags, since every item of a report repeats it.
#[derive(Debug, Serialize)]
pub struct ReportRef<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// `17 Jan 2023`, and RFC 3339 for `<time datetime>`.
    pub date: &'a str,
    pub datetime: &'a str,
    pub severity: &'a str,
    pub severity_url: &'a str,
    pub severity_color: &'a str,
    pub services: &'a [crate::render::view::Link],
}

impl<'a> ReportRef<'a> {
    fn new(row: &'a Row) -> Self {
        ReportRef {
            title: &row.title,
            url: &row.url,
            date: &row.date.short,
            datetime: &row.date.datetime,
            severity: &row.severity.id,
            severity_url: &row.severity.url,
            severity_color: &row.severity.color,
            services: &row.services,
        }
    }
}

/// The HTML of `items` as rows of the action-item list, on a page whose
/// relative root is `root`. Written here rather than by a template: an
/// archive of 50,000 reports has over 100,000 items, each shown once, and
/// a template costs ten times as much per row.
pub fn action_rows_html(items: &[ActionRow], root: &str) -> String {
    let mut out = String::with_capacity(items.len() * 900);
    for a in items {
        let item = &a.item;
        let r = &a.report;
        out.push_str("<li class=\"action-row");
        if item.overdue {
            out.push_str(" is-overdue");
        }
        out.push_str("\" data-action-state=\"");
        out.push_str(item.attribute);
        out.push_str(if item.overdue {
            "\" data-overdue=\"true"
        } else {
            "\" data-overdue=\"false"
        });
        out.push_str("\" data-owner=\"");
        escape_into(&mut out, item.owner.as_deref().unwrap_or(""));
        out.push_str("\" data-severity=\"");
        escape_into(&mut out, r.severity);
        out.push_str("\" data-services=\"");
        for l in r.services {
            escape_into(&mut out, &l.url);
            out.push(' ');
        }
        out.push_str("\">\n<div class=\"action-main\">");
        let (class, label) = match (item.state, item.overdue) {
            (State::Done, _) => ("done", "Done"),
            (State::Wontfix, _) => ("wontfix", "Won't fix"),
            (State::Open, true) => ("open", "Overdue"),
            (State::Open, false) => ("open", "Open"),
        };
        out.push_str("<span class=\"action-state action-");
        out.push_str(class);
        out.push_str("\">");
        out.push_str(label);
        out.push_str("</span> <span class=\"action-text\">");
        escape_into(&mut out, &item.text);
        out.push_str("</span>");
        let mut tag = |class: &str, prefix: &str, text: &str| {
            out.push_str(" <span class=\"");
            out.push_str(class);
            out.push_str("\">");
            out.push_str(prefix);
            escape_into(&mut out, text);
            out.push_str("</span>");
        };
        if let Some(owner) = &item.owner {
            tag("action-owner", "@", owner);
        }
        for t in &item.tickets {
            tag("action-ticket", "", t);
        }
        if let Some(kind) = item.kind {
            tag("action-kind", "", kind.name());
        }
        if let Some(p) = &item.priority {
            tag("action-priority", "", p);
        }
        if let Some(due) = &item.due {
            out.push_str(" <span class=\"action-due\">due <time datetime=\"");
            out.push_str(due);
            out.push_str("\">");
            out.push_str(due);
            out.push_str("</time></span>");
        }
        out.push_str("</div>\n<div class=\"action-report\"><a class=\"sev\" href=\"");
        out.push_str(root);
        escape_into(&mut out, r.severity_url);
        out.push_str("\" style=\"--sev: ");
        escape_into(&mut out, r.severity_color);
        out.push_str("\">");
        escape_into(&mut out, r.severity);
        out.push_str("</a> <a href=\"");
        out.push_str(root);
        escape_into(&mut out, r.url);
        out.push_str("\">");
        escape_into(&mut out, r.title);
        out.push_str("</a> <span class=\"muted\"><time datetime=\"");
        escape_into(&mut out, r.datetime);
        out.push_str("\">");
        escape_into(&mut out, r.date);
        out.push_str("</time> ·");
        for l in r.services {
            out.push_str(" <a class=\"service\" href=\"");
            out.push_str(root);
            escape_into(&mut out, &l.url);
            out.push_str("\">");
            escape_into(&mut out, &l.name);
            out.push_str("</a>");
        }
        out.push_str("</span></div>\n</li>\n");
    }
    out
}

/// An owner's items, for the summary above the list.
#[derive(Debug, Serialize)]
pub struct Owner {
    pub name: String,
    /// The query that filters the list to this owner's items.
    pub filter: String,
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
}

/// The owners of `items`, most open items first.
pub fn owners(items: &[ActionRow]) -> Vec<Owner> {
    let mut by: BTreeMap<&str, Owner> = BTreeMap::new();
    for row in items {
        let name = row.item.owner.as_deref().unwrap_or("");
        let owner = by.entry(name).or_insert_with(|| Owner {
            name: name.to_string(),
            filter: format!("?owner={}", url::encode_path(name).replace('#', "%23")),
            open: 0,
            overdue: 0,
            done: 0,
        });
        if row.item.open {
            owner.open += 1;
        } else {
            owner.done += 1;
        }
        owner.overdue += usize::from(row.item.overdue);
    }
    let mut owners: Vec<Owner> = by.into_values().collect();
    owners.sort_by(|a, b| {
        (b.open, b.overdue)
            .cmp(&(a.open, a.overdue))
            .then_with(|| a.name.cmp(&b.name))
    });
    owners
}

/// For every (service, tag) pair, the reports filed under both, in archive
/// order: "this happened before" in a lookup, not a walk of the archive.
pub struct Pairs(HashMap<(String, String), Vec<usize>>);

impl Pairs {
    pub fn new(archive: &Archive) -> Pairs {
        let mut pairs: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, r) in archive.reports.iter().enumerate() {
            let tags: Vec<String> = r.pm.tags.iter().map(|t| url::slugify(t)).collect();
            for service in &r.pm.services {
                let service = url::slugify(service);
                for tag in &tags {
                    pairs
                        .entry((service.clone(), tag.clone()))
                        .or_default()
                        .push(i);
                }
            }
        }
        Pairs(pairs)
    }

    /// Earlier reports than `i` that share one of its services and one of
    /// its tags, newest first.
    pub fn similar(&self, archive: &Archive, i: usize) -> Vec<usize> {
        let pm = &archive.reports[i].pm;
        let mut found: Vec<usize> = Vec::new();
        for service in &pm.services {
            let service = url::slugify(service);
            for tag in &pm.tags {
                let Some(list) = self.0.get(&(service.clone(), url::slugify(tag))) else {
                    continue;
                };
                let from = list.partition_point(|&p| p <= i);
                found.extend(list[from..].iter().take(SIMILAR));
            }
        }
        found.sort_unstable();
        found.dedup();
        found.truncate(SIMILAR);
        found
    }
}

/// Reports that began on today's day and month in an earlier year, newest
/// first.
pub fn on_this_day(archive: &Archive, today: NaiveDate) -> Vec<usize> {
    archive
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let d = r.pm.date;
            d.month() == today.month() && d.day() == today.day() && d.year() < today.year()
        })
        .map(|(i, _)| i)
        .collect()
}

/// `12:30`: a time of day as timelines write it.
fn clock(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The timeline of a report as an SVG: the impact window, the moments of
/// front matter and the events of the Timeline section.
pub fn timeline_svg(archive: &Archive, i: usize, events: &[Moment]) -> Option<String> {
    let pm = &archive.reports[i].pm;
    if events.is_empty() && pm.resolved.is_none() {
        return None;
    }
    let offset = *pm.date.offset();
    let moments = [
        Some((pm.date, "Impact started", "start")),
        pm.detected.map(|t| (t, "Detected", "detected")),
        pm.mitigated.map(|t| (t, "Mitigated", "mitigated")),
        pm.resolved.map(|t| (t, "Resolved", "resolved")),
    ];
    let times = moments
        .iter()
        .flatten()
        .map(|(t, _, _)| *t)
        .chain(events.iter().map(|e| e.at));
    let (Some(first), Some(last)) = (times.clone().min(), times.max()) else {
        return None;
    };
    let origin = first.with_timezone(&offset).naive_local();
    let minutes =
        |t: chrono::DateTime<chrono::FixedOffset>| (t - first).num_seconds() as f64 / 60.0;
    let markers: Vec<charts::Marker> = moments
        .iter()
        .flatten()
        .map(|(t, label, class)| charts::Marker {
            at: minutes(*t),
            label,
            class,
        })
        .collect();
    let clocks: Vec<String> = events.iter().map(|e| clock(&e.at)).collect();
    let hrefs: Vec<String> = events.iter().map(|e| format!("#{}", e.id)).collect();
    // Tooltips name the row; the row itself, one click away, has it all.
    let tooltips: Vec<String> = events
        .iter()
        .map(|e| crate::archive::shorten(&e.text, 80))
        .collect();
    let points: Vec<charts::Event> = events
        .iter()
        .zip(&clocks)
        .zip(&hrefs)
        .zip(&tooltips)
        .map(|(((e, clock), href), text)| charts::Event {
            at: minutes(e.at),
            clock,
            text,
            href,
        })
        .collect();
    let end = pm.resolved.or(pm.mitigated);
    let impact = end.map(|e| (minutes(pm.date), minutes(e)));
    let mut description = format!("Impact started at {}", pm.date.format("%H:%M"));
    for (t, label, class) in moments.iter().flatten().skip(1) {
        let _ = class;
        description.push_str(&format!(
            "; {} at {} ({} after the start)",
            label.to_lowercase(),
            t.format("%H:%M"),
            duration::human(*t - pm.date)
        ));
    }
    description.push_str(&format!(
        ". {} timeline event{}.",
        events.len(),
        if events.len() == 1 { "" } else { "s" }
    ));
    Some(charts::timeline(&charts::TimelineChart {
        id: "timeline-chart",
        title: &format!("Timeline of {}", pm.title),
        description: &description,
        origin,
        span: minutes(last).max(1.0),
        impact,
        markers: &markers,
        events: &points,
    }))
}
