//! The page a host shows for a missing address. It receives only what
//! every page does; its `root` is the base URL's path (see
//! [`super::Page::root`]).

use tera::Context;

use super::{At, Filled, meta};
use crate::render::Renderer;

const TEMPLATE: &str = "404.html";
const TITLE: &str = "Page not found";

pub(super) fn fill(r: &Renderer, at: &At) -> Filled<'static> {
    Filled::new(TEMPLATE, "", TITLE, meta(r, at, TITLE, ""), Context::new())
}
