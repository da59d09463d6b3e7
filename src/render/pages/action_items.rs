//! A page of every action item of the archive, open first, with their
//! owners and services to filter by.

use tera::Context;

use super::{ACTIONS_PER_PAGE, At, Filled, Pager, meta, page_count, page_of};
use crate::archive::Kind;
use crate::render::view::Link;
use crate::render::{Renderer, actions, routes};

const TEMPLATE: &str = "action-items.html";
const TITLE: &str = "Action items";

/// A service of the service filter: its name, and its slug, which the
/// items' groups list and the filter's URL carries (`?service=cart`).
#[derive(serde::Serialize)]
struct ServiceOption<'a> {
    name: &'a str,
    slug: &'a str,
}

/// Page `n` (from 0) of the action items.
pub(super) fn fill(r: &Renderer, n: usize, at: &At) -> Filled<'static> {
    let total = page_count(r.actions.len(), ACTIONS_PER_PAGE);
    let items = page_of(&r.actions, ACTIONS_PER_PAGE, n);
    let mut services: Vec<&Link> = items.iter().flat_map(|a| &a.report.services).collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    services.dedup_by(|a, b| a.url == b.url);
    let services: Vec<ServiceOption> = services
        .into_iter()
        .map(|l| ServiceOption {
            name: &l.name,
            slug: routes::term_slug(Kind::Services, &l.url),
        })
        .collect();
    let overall = &r.insights.overall;
    let mut cx = Context::new();
    cx.insert(
        "items_html",
        &actions::action_rows_html(items, at.root, r.config.tickets()),
    );
    cx.insert("items_count", &items.len());
    cx.insert("metrics", overall);
    cx.insert("owners", &r.owners);
    cx.insert("services", &services);
    cx.insert("pager", &Pager::new(routes::ACTIONS, n, total));
    cx.insert("today", &r.insights.today.format("%Y-%m-%d").to_string());
    let description = format!(
        "{} open action items of {}, from every postmortem of {}.",
        overall.open_action_items, overall.action_items, r.config.title
    );
    Filled::new(
        TEMPLATE,
        "action-items",
        TITLE,
        meta(r, at, TITLE, &description),
        cx,
    )
}
