//! How durations and the other figures are defined. The page is the
//! template's text: it receives only what every page does.

use tera::Context;

use super::{At, Filled, meta};
use crate::render::Renderer;

const TEMPLATE: &str = "metrics.html";
const TITLE: &str = "How incidents are measured";

pub(super) fn fill(r: &Renderer, at: &At) -> Filled<'static> {
    let meta = meta(
        r,
        at,
        TITLE,
        "Time to detect, time to mitigate, total duration, medians, p90 and action items, as this library defines them.",
    );
    Filled::new(TEMPLATE, "", TITLE, meta, Context::new())
}
