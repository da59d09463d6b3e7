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
            title: "Title",
        },
    );
    let html = rendered.html.to_ascii_lowercase();
    // Text is escaped (`&lt;`), so every `<` left opens a tag. What a
    // browser would run is a tag's name or attributes: the same words in
    // text, or inside a quoted attribute value, are harmless.
    for (name, attributes) in tags(&html) {
        assert!(name != "script", "a script in {html}");
        for (attribute, value) in attributes {
            assert!(!attribute.starts_with("on"), "a handler `{attribute}` in {html}");
            let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(!value.starts_with("javascript:"), "a javascript: link in {html}");
        }
    }
    for link in &rendered.broken_links {
        assert!(link.line >= 7);
    }
});

/// The start tags of `html`, each as its name and its attributes, read
/// as a browser reads them: a quoted value runs to its closing quote.
fn tags(html: &str) -> Vec<(&str, Vec<(&str, &str)>)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == start {
            continue;
        }
        let name = &html[start..i];
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let from = i;
            while i < bytes.len() && !b" \t\n\r=>/".contains(&bytes[i]) {
                i += 1;
            }
            let attribute = &html[from..i];
            let mut value = "";
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let quote = bytes[i] as char;
                    let end = html[i + 1..].find(quote).map_or(html.len(), |n| i + 1 + n);
                    value = &html[i + 1..end];
                    i = (end + 1).min(html.len());
                } else {
                    let end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |n| i + n);
                    value = &html[i..end];
                    i = end;
                }
            }
            if attribute.is_empty() {
                i += 1;
                continue;
            }
            attributes.push((attribute, value));
        }
        found.push((name, attributes));
    }
    found
}
