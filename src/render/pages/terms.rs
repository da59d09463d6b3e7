//! The table of every service, severity or tag.

use tera::Context;

use super::{At, Filled, meta, term_view};
use crate::archive::Kind;
use crate::render::Renderer;

const TEMPLATE: &str = "terms.html";

pub(super) fn fill(r: &Renderer, kind: Kind, at: &At) -> Filled<'static> {
    let terms: Vec<_> = r
        .archive
        .terms(kind)
        .map(|t| term_view(r, kind, t))
        .collect();
    let mut cx = Context::new();
    cx.insert("kind", kind.segment());
    cx.insert("terms", &terms);
    let description = format!("Postmortems of {} by {}.", r.config.title, kind.singular());
    let meta = meta(r, at, kind.title(), &description);
    Filled::new(TEMPLATE, kind.segment(), kind.title(), meta, cx)
}
