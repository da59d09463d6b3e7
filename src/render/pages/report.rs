//! A report's page, with the report as JSON in its head.

use anyhow::Result;
use tera::Context;

use super::{At, Content, Filled, meta};
use crate::output::Output;
use crate::render::meta::{PageMeta, ReportJson, report_script};
use crate::render::view::{self, Row};
use crate::render::{Rendered, Renderer, RowForm, body, routes};
use crate::util::url;

const TEMPLATE: &str = "report.html";

/// Renders the body of report `i` for its page and adds its words to the
/// search index.
pub(super) fn fill<'r>(r: &'r Renderer, i: usize, at: &At, output: &Output) -> Result<Filled<'r>> {
    let row = &r.rows.rows[i];
    let pm = &r.archive.reports[i].pm;
    // The report's text, taken when the archive gave the texts up: it is
    // freed with this page.
    let taken = r.texts.map(|texts| texts.take(i));
    // Each report's page renders once: a text taken twice would render
    // as an empty body.
    debug_assert!(
        taken.as_ref().is_none_or(Option::is_some),
        "the text of `{}` was taken twice",
        pm.slug
    );
    let taken = taken.flatten();
    let text = pm.body_in(taken.as_deref().unwrap_or(&pm.source));
    let mut body = body::render(r.archive, r.config, i, text);
    drop(taken);
    if let Some(search) = &r.search {
        search.add(i, std::mem::take(&mut body.rendered.text), output)?;
    }
    let revealed = Rendered {
        pages: 0,
        diagnostics: std::mem::take(&mut body.diagnostics),
        assets: std::mem::take(&mut body.assets).into_iter().collect(),
    };
    let json = ReportJson::new(
        &r.archive.reports[i],
        row,
        &r.insights.facts[i],
        r.site.base_url.as_deref(),
    );
    let head = report_script(&json)?;
    let mut view = view::report(r.archive, r.rows, i, body, &r.insights, r.config.tickets());
    let similar = r.insights.pairs.similar(r.archive, i);
    for &j in &similar.shown {
        r.paste_row(j, RowForm::Brief, at.root, &mut view.similar_html)?;
    }
    view.similar_count = similar.earlier;
    view.similar_shown = similar.shown.len();
    if similar.earlier > similar.shown.len() {
        view.similar_search = similar.pair.map(|(service, tag)| view::SimilarSearch {
            url: format!(
                "{}?service={}&tag={}",
                routes::SEARCH,
                url::slugify(&service),
                url::slugify(&tag)
            ),
            service,
            tag,
        });
    }
    let content = if r.written_reports {
        Content::Report(Box::new(view))
    } else {
        let mut cx = Context::new();
        cx.insert("report", &view);
        Content::Context(cx)
    };
    let mut filled = Filled::new(
        TEMPLATE,
        "postmortems",
        &row.title,
        page_meta(r, at, row),
        content,
    );
    filled.revealed = revealed;
    filled.head = head;
    Ok(filled)
}

/// A report's unfurl: an article, with its severity and duration as
/// fields.
fn page_meta(r: &Renderer, at: &At, row: &Row) -> PageMeta {
    let mut m = meta(r, at, &row.title, &row.summary);
    m.kind = "article";
    let severity = if row.severity.label.is_empty() {
        row.severity.id.clone()
    } else {
        format!("{} · {}", row.severity.id, row.severity.label)
    };
    m.labels.push(("Severity".into(), severity));
    if let Some(d) = &row.duration {
        m.labels.push(("Duration".into(), d.clone()));
    }
    m
}
