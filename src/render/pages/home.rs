//! The home page: counts by severity, metrics, charts, the latest reports,
//! open action items, on this day, services and years.

use anyhow::Result;
use tera::Context;

use super::{At, Filled, meta, term_view, year_links};
use crate::archive::{Kind, insights};
use crate::render::actions::ActionRow;
use crate::render::charts;
use crate::render::view::Row;
use crate::render::{Renderer, RowForm};

const TEMPLATE: &str = "index.html";

/// How many open action items the home page names.
const OPEN_ACTIONS: usize = 5;

pub(super) fn fill(r: &Renderer, at: &At) -> Result<Filled<'static>> {
    let count = r.config.home_latest.min(r.rows.len());
    let latest: Vec<&Row> = r.rows.rows[..count].iter().collect();
    let mut latest_html = String::new();
    for i in 0..count {
        r.paste_row(i, RowForm::Full, at.root, &mut latest_html)?;
    }
    let mut services: Vec<_> = r
        .archive
        .services
        .values()
        .map(|t| term_view(r, Kind::Services, t))
        .collect();
    services.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    let on_this_day: Vec<&Row> = insights::on_this_day(r.archive, r.insights.today)
        .into_iter()
        .map(|i| &r.rows.rows[i])
        .collect();
    // The most urgent open items: overdue first, then by due date.
    let mut open: Vec<&ActionRow> = r
        .actions
        .iter()
        .filter(|a| a.item.state.is_open())
        .collect();
    open.sort_by_key(|a| a.urgency());
    open.truncate(OPEN_ACTIONS);
    let tickets = r.config.tickets();
    let open: Vec<_> = open
        .into_iter()
        .map(|a| a.view(r.insights.today, tickets))
        .collect();
    let monthly = charts::monthly(
        &r.insights,
        r.archive,
        r.config,
        &r.all,
        "monthly-chart",
        "All",
    );
    let duration = charts::duration(&r.insights, r.archive, &r.all, "duration-chart");
    let mut cx = Context::new();
    cx.insert("latest", &latest);
    cx.insert("latest_html", &latest_html);
    cx.insert("severities", &r.severities);
    cx.insert("services", &services);
    cx.insert("years", &year_links(r.archive));
    cx.insert("metrics", &r.insights.overall);
    cx.insert("monthly_chart", &monthly);
    cx.insert("duration_chart", &duration);
    cx.insert("open_actions", &open);
    cx.insert("on_this_day", &on_this_day);
    cx.insert("today", &r.insights.today.format("%-d %B").to_string());
    let title = &r.config.title;
    let meta = meta(r, at, title, &r.config.description);
    Ok(Filled::new(TEMPLATE, "home", title, meta, cx))
}
