//! Markdown rendering with link rewriting and sanitizing: whatever a body
//! says, the page gets no script, no event handler and no `javascript:`
//! link unless raw HTML is allowed.
#![no_main]

use hindsight::render::markdown::{self, RenderContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let resolve = |slug: &str| {
        (slug == "2022-11-02-known").then(|| "postmortems/2022-11-02-known/".to_string())
    };
    let asset = |_: &str| None;
    let rendered = markdown::render(
        text,
        &RenderContext {
            resolve: &resolve,
            asset: &asset,
            root: "../../",
            allow_raw_html: false,
            first_line: 7,
            year: 2023,
        },
    );
    let html = rendered.html.to_ascii_lowercase();
    assert!(!html.contains("<script"), "a script in {html}");
    assert!(
        !html.contains("javascript:"),
        "a javascript: link in {html}"
    );
    assert!(
        !html.contains(" onerror=") && !html.contains(" onclick="),
        "a handler in {html}"
    );
    for link in &rendered.broken_links {
        assert!(link.line >= 7);
    }
});
