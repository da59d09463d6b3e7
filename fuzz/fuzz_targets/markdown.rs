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
    // Text is escaped (`&lt;`), so every `<` left opens a tag: what a
    // browser would run is in the tags, and the same words in text are
    // harmless.
    for tag in tags(&html) {
        assert!(!tag.starts_with("<script"), "a script in {html}");
        assert!(!tag.contains("javascript:"), "a javascript: link in {html}");
        assert!(
            !tag.contains(" onerror=") && !tag.contains(" onclick="),
            "a handler in {html}"
        );
    }
    for link in &rendered.broken_links {
        assert!(link.line >= 7);
    }
});

/// The tags of `html`, each from its `<` to its `>`.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices('<').map(move |(at, _)| {
        let end = html[at..].find('>').map_or(html.len(), |n| at + n + 1);
        &html[at..end]
    })
}
