//! Every year of the archive, newest first, with how many postmortems it
//! has: the page a reader reaches by trimming `years/2023/`.

use serde::Serialize;
use tera::Context;

use super::{At, Filled, meta};
use crate::render::{Renderer, routes};

const TEMPLATE: &str = "years.html";
const TITLE: &str = "Postmortems by year";

/// A year as the page lists it.
#[derive(Serialize)]
struct YearView {
    year: i32,
    /// Site-relative, encoded.
    url: String,
    count: usize,
}

pub(super) fn fill(r: &Renderer, at: &At) -> Filled<'static> {
    let years: Vec<YearView> = r
        .archive
        .years
        .iter()
        .rev()
        .map(|(&year, reports)| YearView {
            year,
            url: routes::url_of(&routes::year(year)),
            count: reports.len(),
        })
        .collect();
    let mut cx = Context::new();
    cx.insert("years", &years);
    let description = format!("Postmortems of {} by year.", r.config.title);
    let meta = meta(r, at, TITLE, &description);
    Filled::new(TEMPLATE, "postmortems", TITLE, meta, cx)
}
