//! The action items of the whole archive as its pages show them: one line
//! per item with its report, open and overdue first, and their owners.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::archive::{Archive, Kind};
use crate::render::routes;
use crate::render::view::{ActionView, Row, Rows};
use crate::source::actions::{ActionItem, State};
use crate::util::html::{Mode, escape_into, escape_joined};
use crate::util::tickets::Tickets;
use crate::util::url;

/// Every action item of the archive, by report: reports with overdue
/// items first, then those with open items, by their earliest due date,
/// then the newest; within a report, open items first, overdue ones at the
/// top. A report's items stay together, so that its line is written once.
pub fn rows<'a>(archive: &'a Archive, rows: &'a Rows, today: NaiveDate) -> Vec<ActionRow<'a>> {
    // Each item with its urgency, worked out once: it is compared again
    // and again as the items are sorted. An archive of 50,000 reports has
    // over 100,000 items: each is three words here, and borrows the rest.
    let mut items: Vec<(Urgency, ActionRow)> = archive
        .reports
        .par_iter()
        .zip(&rows.rows)
        .enumerate()
        .flat_map_iter(|(i, (r, row))| {
            r.pm.action_items.iter().map(move |item| {
                let row = ActionRow {
                    item,
                    report: row,
                    position: i as u32,
                    overdue: item.is_overdue(today),
                };
                (row.urgency(), row)
            })
        })
        .collect();
    // A report's rank is that of its most urgent item.
    let mut first: Vec<Option<Urgency>> = vec![None; archive.reports.len()];
    for (u, item) in &items {
        let slot = &mut first[item.position as usize];
        if slot.is_none_or(|f| *u < f) {
            *slot = Some(*u);
        }
    }
    items.sort_by(|(ua, a), (ub, b)| {
        (first[a.position as usize], a.position, ua).cmp(&(
            first[b.position as usize],
            b.position,
            ub,
        ))
    });
    items.into_iter().map(|(_, row)| row).collect()
}

/// How urgent an item is, most urgent least: open before closed, overdue
/// first, then by due date, those without one last.
pub type Urgency = (bool, bool, bool, Option<NaiveDate>);

/// An action item of the archive, with the report it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ActionRow<'a> {
    pub item: &'a ActionItem,
    /// The report's list row.
    pub report: &'a Row,
    /// The report's place in the archive.
    position: u32,
    pub overdue: bool,
}

impl<'a> ActionRow<'a> {
    pub fn urgency(&self) -> Urgency {
        let due = self.item.due;
        (
            !self.item.state.is_open(),
            !self.overdue,
            due.is_none(),
            due,
        )
    }

    /// The item as templates see it, with its report.
    pub fn view(&self, today: NaiveDate, tickets: Tickets) -> ActionLine<'a> {
        ActionLine {
            item: ActionView::new(self.item, today, tickets),
            report: ReportRef::new(self.report),
        }
    }
}

/// An action item as templates see it, with its report: what the home
/// page's `open_actions` holds.
#[derive(Debug, Serialize)]
pub struct ActionLine<'a> {
    #[serde(flatten)]
    pub item: ActionView,
    pub report: ReportRef<'a>,
}

/// What an action item's line says of its report: a list row without its
/// summary and tags, since every item of a report repeats it.
#[derive(Debug, Serialize)]
pub struct ReportRef<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// `17 Jan 2023`, and `2023-01-17`, which the list shows.
    pub date: &'a str,
    pub datetime: &'a str,
    pub severity: &'a str,
    pub severity_url: &'a str,
    pub severity_class: &'a str,
    pub services: &'a [crate::render::view::Link],
}

impl<'a> ReportRef<'a> {
    fn new(row: &'a Row) -> Self {
        ReportRef {
            title: &row.title,
            url: &row.url,
            date: &row.date.short,
            datetime: &row.date.date,
            severity: &row.severity.id,
            severity_url: &row.severity.url,
            severity_class: &row.severity.class,
            services: &row.services,
        }
    }
}

/// The HTML of `items` as rows of the action-item list, on a page whose
/// relative root is `root`. Written here rather than by a template: an
/// archive of 50,000 reports has over 100,000 items, each shown once, and
/// a template costs ten times as much per row.
///
/// A report's items (the list keeps them together) share one group, which
/// names the report once and carries what the severity and service filters
/// read; each item's own line carries its state and owner.
pub fn action_rows_html(items: &[ActionRow], root: &str, tickets: Tickets) -> String {
    let mut out = String::with_capacity(items.len() * 500);
    for group in items.chunk_by(|a, b| a.position == b.position) {
        let report = &ReportRef::new(group[0].report);
        group_open(&mut out, report);
        report_line(&mut out, report, root);
        out.push_str("<ul>\n");
        for a in group {
            row_open(&mut out, a);
            item_line(&mut out, a, tickets);
            out.push_str("</li>\n");
        }
        out.push_str("</ul></li>\n");
    }
    out
}

/// A report's group of items, with what the severity and service filters
/// read.
fn group_open(out: &mut String, r: &ReportRef) {
    out.push_str("<li class=\"action-group\" data-severity=\"");
    escape_into(out, r.severity);
    out.push_str("\" data-services=\"");
    let slugs = r
        .services
        .iter()
        .map(|l| routes::term_slug(Kind::Services, &l.url));
    escape_joined(out, slugs, " ", Mode::Html);
    out.push_str("\">");
}

/// An item's `<li>`, with what the state filter reads (the owner filter
/// reads the owner's `@name`). Its parts
/// are styled by their place in a group, not by classes of their own: the
/// list has 100,000 items at 50,000 reports.
fn row_open(out: &mut String, row: &ActionRow) {
    out.push_str("<li data-action-state=\"");
    out.push_str(row.item.state.attribute());
    if row.overdue {
        out.push_str("\" data-overdue=\"true");
    }
    out.push_str("\">");
}

/// The item's state, text, owner, tickets, kind, priority and due date.
fn item_line(out: &mut String, row: &ActionRow, tickets: Tickets) {
    let item = row.item;
    let label = match (item.state, row.overdue) {
        (State::Done, _) => "Done",
        (State::Wontfix, _) => "Won't fix",
        (State::Open, true) => "Overdue",
        (State::Open, false) => "Open",
    };
    out.push_str("<b>");
    out.push_str(label);
    out.push_str("</b> ");
    escape_into(out, &item.text);
    if let Some(owner) = &item.owner {
        tag(out, "action-owner", "@", owner);
    }
    for t in &item.tickets {
        ticket(out, t, tickets.url(t).as_deref());
    }
    if let Some(kind) = item.kind {
        tag(out, "action-kind", "", kind.name());
    }
    if let Some(p) = &item.priority {
        tag(out, "action-priority", "", p);
    }
    if let Some(due) = item.due {
        let due = due.format("%Y-%m-%d");
        let _ = write!(
            out,
            " <span class=\"action-due\">due <time datetime=\"{due}\">{due}</time></span>"
        );
    }
}

/// One of an item's annotations.
fn tag(out: &mut String, class: &str, prefix: &str, text: &str) {
    out.push_str(" <span class=\"");
    out.push_str(class);
    out.push_str("\">");
    out.push_str(prefix);
    escape_into(out, text);
    out.push_str("</span>");
}

/// A ticket, linked to its page when `[tickets]` gives it one.
fn ticket(out: &mut String, id: &str, href: Option<&str>) {
    out.push(' ');
    if let Some(href) = href {
        out.push_str("<a href=\"");
        escape_into(out, href);
        out.push_str("\">");
    }
    out.push_str("<code>");
    escape_into(out, id);
    out.push_str("</code>");
    if href.is_some() {
        out.push_str("</a>");
    }
}

/// The line that names the item's report: severity, title, date, services.
/// The services are text: the list's filter reaches them, and a link each
/// on every one of 100,000 items would weigh more than the item.
fn report_line(out: &mut String, r: &ReportRef, root: &str) {
    out.push_str("<p><a class=\"sev ");
    escape_into(out, r.severity_class);
    out.push_str("\" href=\"");
    out.push_str(root);
    escape_into(out, r.severity_url);
    out.push_str("\">");
    escape_into(out, r.severity);
    out.push_str("</a> <a href=\"");
    out.push_str(root);
    escape_into(out, r.url);
    out.push_str("\">");
    escape_into(out, r.title);
    out.push_str("</a> <span class=\"muted\"><time>");
    escape_into(out, r.datetime);
    out.push_str("</time> · ");
    escape_joined(
        out,
        r.services.iter().map(|l| l.name.as_str()),
        ", ",
        Mode::Html,
    );
    out.push_str("</span></p>");
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
        if row.item.state.is_open() {
            owner.open += 1;
        } else {
            owner.done += 1;
        }
        owner.overdue += usize::from(row.overdue);
    }
    let mut owners: Vec<Owner> = by.into_values().collect();
    owners.sort_by(|a, b| {
        (b.open, b.overdue)
            .cmp(&(a.open, a.overdue))
            .then_with(|| a.name.cmp(&b.name))
    });
    owners
}
