//! The search page: the search box, and without JavaScript, the indexes
//! to browse.

use tera::Context;

use super::{At, Filled, meta, term_view};
use crate::archive::Kind;
use crate::render::Renderer;

const TEMPLATE: &str = "search.html";
const TITLE: &str = "Search";

pub(super) fn fill(r: &Renderer, at: &At) -> Filled<'static> {
    let browse: Vec<(&str, Vec<_>)> = [Kind::Severities, Kind::Services, Kind::Tags]
        .into_iter()
        .map(|kind| {
            let views = r
                .archive
                .terms(kind)
                .filter(|t| !t.reports.is_empty())
                .map(|t| term_view(r, kind, t))
                .collect();
            (kind.segment(), views)
        })
        .collect();
    let mut cx = Context::new();
    cx.insert("browse", &browse);
    let description = format!(
        "Search the postmortems of {} by words, service, severity, tag and year.",
        r.config.title
    );
    let meta = meta(r, at, TITLE, &description);
    Filled::new(TEMPLATE, "search", TITLE, meta, cx)
}
