//! What templates see: serialisable views that borrow from the archive.
//!
//! Templates never touch the model types, so the model can change without
//! breaking a site's templates. All URLs in views are site-relative
//! (`postmortems/<slug>/`); templates prefix them with `root`, the relative
//! path from the page back to the site root, which is what makes the output
//! work at a domain root, under a sub-path and from disk alike.

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::archive::{Archive, Report, Term};
use crate::config::Config;
use crate::duration;
use crate::markdown::Heading;
use crate::postmortem::Status;
use crate::url;

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
    pub url: String,
    pub count: usize,
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
    pub fn new(t: &DateTime<FixedOffset>) -> Self {
        let offset = if t.offset().local_minus_utc() == 0 {
            "UTC".to_string()
        } else {
            t.format("%:z").to_string()
        };
        TimeView {
            datetime: t.to_rfc3339(),
            date: t.format("%Y-%m-%d").to_string(),
            time: t.format("%H:%M").to_string(),
            offset,
            short: t.format("%-d %b %Y").to_string(),
        }
    }
}

/// One report as it appears in lists.
#[derive(Debug, Clone, Serialize)]
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
    pub summary: String,
    pub status: Status,
    /// Total duration (`resolved - date`), human form.
    pub duration: Option<String>,
}

/// Builds the list row of every report, in archive order.
pub fn rows(archive: &Archive, severities: &[SeverityView]) -> Vec<Row> {
    archive
        .reports
        .iter()
        .map(|r| row(r, archive, severities))
        .collect()
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
            url: String::new(),
            count: 0,
        });
    let term_link = |map: &std::collections::BTreeMap<String, Term>, kind: &str, name: &str| {
        let slug = url::slugify(name);
        Link {
            name: map
                .get(&slug)
                .map_or_else(|| name.to_string(), |t| t.name.clone()),
            url: format!("{kind}/{}/", url::encode_path(&slug)),
        }
    };
    Row {
        slug: pm.slug.clone(),
        url: report.url(),
        title: pm.title.clone(),
        id: pm.id.as_ref().map(|i| i.value.clone()),
        date: TimeView::new(&pm.date),
        year: pm.date.year(),
        severity,
        services: pm
            .services
            .iter()
            .map(|s| term_link(&archive.services, "services", s))
            .collect(),
        tags: pm
            .tags
            .iter()
            .map(|t| term_link(&archive.tags, "tags", t))
            .collect(),
        summary: report.summary.clone(),
        status: pm.status,
        duration: pm.resolved.map(|r| duration::human(r - pm.date)),
    }
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
            url: format!("severities/{}/", term.slug),
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
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct ServiceNav<'a> {
    pub service: Link,
    pub older: Option<&'a Row>,
    pub newer: Option<&'a Row>,
}

/// Everything a report page shows.
#[derive(Debug, Serialize)]
pub struct ReportView<'a> {
    #[serde(flatten)]
    pub row: &'a Row,
    pub body: &'a str,
    pub headings: &'a [Heading],
    pub impact: Option<&'a str>,
    pub authors: &'a [String],
    pub teams: &'a [String],
    pub times: Vec<LabelledTime>,
    pub durations: Vec<LabelledValue>,
    pub related: Vec<&'a Row>,
    pub older: Option<&'a Row>,
    pub newer: Option<&'a Row>,
    pub service_nav: Vec<ServiceNav<'a>>,
    pub extra: &'a Map<String, Value>,
    pub source: String,
}

pub fn report<'a>(archive: &'a Archive, rows: &'a [Row], i: usize) -> ReportView<'a> {
    let report = &archive.reports[i];
    let pm = &report.pm;
    let row = &rows[i];
    let mut times = vec![LabelledTime {
        label: "Impact started",
        key: "date",
        time: TimeView::new(&pm.date),
    }];
    let mut durations = Vec::new();
    for (label, key, time, measure) in [
        ("Detected", "detected", pm.detected, "Time to detect"),
        ("Mitigated", "mitigated", pm.mitigated, "Time to mitigate"),
        ("Resolved", "resolved", pm.resolved, "Total duration"),
    ] {
        if let Some(t) = time {
            times.push(LabelledTime {
                label,
                key,
                time: TimeView::new(&t),
            });
            durations.push(LabelledValue {
                label: measure,
                value: duration::human(t - pm.date),
            });
        }
    }
    let all: Vec<usize> = (0..archive.reports.len()).collect();
    let (older, newer) = Archive::neighbours(&all, i);
    let service_nav = pm
        .services
        .iter()
        .filter_map(|s| archive.services.get(&url::slugify(s)))
        .map(|term| {
            let (older, newer) = Archive::neighbours(&term.reports, i);
            ServiceNav {
                service: Link {
                    name: term.name.clone(),
                    url: format!("services/{}/", url::encode_path(&term.slug)),
                },
                older: older.map(|j| &rows[j]),
                newer: newer.map(|j| &rows[j]),
            }
        })
        .collect();
    ReportView {
        row,
        body: &report.body.html,
        headings: &report.body.headings,
        impact: pm.impact.as_deref(),
        authors: &pm.authors,
        teams: &pm.teams,
        times,
        durations,
        related: archive.related[i].iter().map(|&j| &rows[j]).collect(),
        older: older.map(|j| &rows[j]),
        newer: newer.map(|j| &rows[j]),
        service_nav,
        extra: &pm.extra,
        source: pm.path.to_string_lossy().replace('\\', "/"),
    }
}

/// A titled run of reports in a list page.
#[derive(Debug, Serialize)]
pub struct Group<'a> {
    pub title: String,
    pub id: String,
    pub rows: Vec<&'a Row>,
}

/// A year (or other) section holding groups.
#[derive(Debug, Serialize)]
pub struct Section<'a> {
    pub title: String,
    pub id: String,
    pub url: Option<String>,
    pub count: usize,
    pub groups: Vec<Group<'a>>,
}

/// Splits `reports` (newest first) into year sections; with `by_month`,
/// each year holds one group per month, otherwise a single group.
pub fn by_year<'a>(rows: &'a [Row], reports: &[usize], by_month: bool) -> Vec<Section<'a>> {
    let mut sections: Vec<Section<'a>> = Vec::new();
    for &i in reports {
        let row = &rows[i];
        if sections
            .last()
            .is_none_or(|s| s.title != row.year.to_string())
        {
            sections.push(Section {
                title: row.year.to_string(),
                id: format!("y{}", row.year),
                url: Some(format!("years/{}/", row.year)),
                count: 0,
                groups: Vec::new(),
            });
        }
        let section = sections.last_mut().expect("pushed above");
        section.count += 1;
        let month = month_of(&row.date);
        let (title, id) = if by_month {
            (
                format!("{} {}", MONTHS[month - 1], row.year),
                format!("m{}-{month:02}", row.year),
            )
        } else {
            (String::new(), section.id.clone())
        };
        if section.groups.last().is_none_or(|g| g.id != id) {
            section.groups.push(Group {
                title,
                id,
                rows: Vec::new(),
            });
        }
        section
            .groups
            .last_mut()
            .expect("pushed above")
            .rows
            .push(row);
    }
    sections
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
}

pub fn term<'a>(kind: &str, term: &Term, rows: &'a [Row], config: &Config) -> TermView<'a> {
    let service = (kind == "services")
        .then(|| {
            config
                .services
                .iter()
                .find(|(k, _)| url::slugify(k) == term.slug)
                .map(|(_, s)| s)
        })
        .flatten();
    let severity = (kind == "severities")
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
                    .filter(|&&i| rows[i].severity.id == s.id)
                    .count(),
            )
        })
        .collect();
    severities.retain(|(_, n)| *n > 0);
    TermView {
        name: term.name.clone(),
        slug: term.slug.clone(),
        url: format!("{kind}/{}/", url::encode_path(&term.slug)),
        count: term.reports.len(),
        latest: term.reports.first().map(|&i| &rows[i]),
        description: service
            .map(|s| s.description.clone())
            .or_else(|| severity.map(|s| s.description.clone()))
            .unwrap_or_default(),
        owner: service.map(|s| s.owner.clone()).unwrap_or_default(),
        color: severity.map(|s| s.color.clone()),
        label: severity.map(|s| s.label.clone()).unwrap_or_default(),
        severities,
    }
}
