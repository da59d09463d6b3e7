//! A page of a list of reports: every postmortem, a year's, or a
//! service's, severity's or tag's, by year (and by month except on term
//! lists), `page_size` reports to a page.

use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::Context;

use super::{At, Filled, List, ListOf, Pager, meta, page_count, page_of, year_links};
use crate::archive::Kind;
use crate::render::meta::PageMeta;
use crate::render::view::{self, TermView};
use crate::render::{Renderer, RowForm, charts, routes};

const TEMPLATE: &str = "list.html";

/// A year of a list, for the jump links above it: `url` is the list page
/// that holds the year's first report, `here` whether that is this page.
#[derive(Serialize)]
struct YearJump {
    title: String,
    id: String,
    count: usize,
    url: String,
    here: bool,
}

/// Page `n` (from 0) of `list`.
pub(super) fn fill(r: &Renderer, list: &List, n: usize, at: &At) -> Result<Filled<'static>> {
    let size = r.config.page_size;
    let mut cx = Context::new();
    let (section, title, meta) = heading(r, list, n, at, &mut cx)?;
    let by_month = !matches!(list.of, ListOf::Term(..));
    // The archive (every report, and each year of it) lists reports
    // briefly, by month, and so does a severity's page, whose rows would
    // all show the same badge. The first page of a service's or a tag's
    // list, its latest reports, shows what each was about and what else it
    // hit; its older pages are an archive too, and list briefly: in a large
    // archive they are most of its rows, a dozen times each report's.
    let form = match list.of {
        ListOf::Postmortems | ListOf::Year(_) | ListOf::Term(Kind::Severities, _) => RowForm::Brief,
        ListOf::Term(..) if n > 0 => RowForm::Brief,
        ListOf::Term(..) => RowForm::Full,
    };
    cx.insert("brief", &matches!(form, RowForm::Brief));
    let page = page_of(list.reports, size, n);
    let sections = view::by_year(r.rows, page, n * size, &list.spans, by_month, |i, out| {
        r.paste_row(i, form, at.root, out)
    })?;
    let jump: Vec<YearJump> = list
        .spans
        .iter()
        .map(|span| {
            let on = span.first.checked_div(size).unwrap_or(0);
            YearJump {
                title: span.year.to_string(),
                id: format!("y{}", span.year),
                count: span.count,
                url: routes::page(&list.url, on),
                here: on == n,
            }
        })
        .collect();
    let total = page_count(list.reports.len(), size);
    cx.insert("sections", &sections);
    cx.insert("jump", &jump);
    cx.insert("pager", &Pager::new(&list.url, n, total));
    Ok(Filled::new(TEMPLATE, section, title, meta, cx))
}

/// What heads page `n` of `list`: its section, title and unfurl, and the
/// variables of its kind of list, put into `cx`.
fn heading(
    r: &Renderer,
    list: &List,
    n: usize,
    at: &At,
    cx: &mut Context,
) -> Result<(&'static str, String, PageMeta)> {
    let site = &r.config.title;
    let count = list.reports.len();
    Ok(match &list.of {
        ListOf::Postmortems => {
            cx.insert("description", &format!("{count} reports, newest first."));
            cx.insert("metrics", &r.insights.overall);
            let title = "All postmortems";
            let about = format!("{count} postmortems of {site}, newest first.");
            ("postmortems", title.into(), meta(r, at, title, &about))
        }
        ListOf::Year(y) => {
            cx.insert("description", &count_text(count));
            cx.insert("years", &year_links(r.archive));
            cx.insert("metrics", &r.insights.years.get(y));
            let title = format!("Postmortems of {y}");
            let about = format!("{count} postmortems of {site} in {y}.");
            let meta = meta(r, at, &title, &about);
            ("postmortems", title, meta)
        }
        ListOf::Term(kind, slug) => {
            let tv = list
                .term
                .as_ref()
                .ok_or_else(|| anyhow!("no {} `{slug}`", kind.segment()))?;
            cx.insert("kind", kind.segment());
            cx.insert("description", &tv.description);
            cx.insert("term", tv);
            if *kind == Kind::Services && n == 0 {
                let chart = charts::monthly(
                    &r.insights,
                    r.archive,
                    r.config,
                    list.reports,
                    "service-chart",
                    &tv.name,
                );
                cx.insert("chart", &chart);
            }
            let title = term_title(*kind, tv);
            let plural = if tv.count == 1 { "" } else { "s" };
            let about = format!("{} postmortem{plural}. {}", tv.count, tv.description);
            let meta = meta(r, at, &title, &about);
            (kind.segment(), title, meta)
        }
    })
}

fn count_text(n: usize) -> String {
    if n == 1 {
        "1 report.".into()
    } else {
        format!("{n} reports.")
    }
}

fn term_title(kind: Kind, term: &TermView<'_>) -> String {
    match kind {
        Kind::Services => format!("Service: {}", term.name),
        Kind::Severities if !term.label.is_empty() => format!("{} · {}", term.name, term.label),
        Kind::Severities => term.name.clone(),
        Kind::Tags => format!("Tag: {}", term.name),
    }
}
