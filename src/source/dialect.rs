//! The conventions of a postmortem body that both the reader of action
//! items and the renderer rely on: how Markdown is parsed, and which
//! headings open a Timeline or an Action Items section. One place, so the
//! action items the archive lists are the ones the page marks.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The Markdown extensions every body is parsed with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The text of the first paragraph of `markdown` that has words, whitespace
/// folded: what the renderer gives as `first_paragraph`, without rendering
/// anything. A paragraph of images alone (a banner, a meme) has none.
pub fn first_paragraph(markdown: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    let mut words = false;
    let mut images = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if inside => {
                if words {
                    break;
                }
                text.clear();
                inside = false;
            }
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if inside => {
                words |= images == 0 && !t.trim().is_empty();
                text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    crate::util::text::fold_spaces(&text)
}

/// The destinations of the links and images of `markdown`, as written.
pub fn link_targets(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => Some(
                dest_url
                    .split(['#', '?'])
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
            _ => None,
        })
        .collect()
}

/// The words of `markdown`, written inline (a summary), as plain text:
/// markup dropped, the text of links, code and images kept, line breaks
/// and blocks as spaces. Raw HTML is not markup in a summary: it is text as written,
/// as on the pages. What meta tags, feeds and search give.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::Html(t) => text.push_str(t.trim_end_matches(['\n', '\r'])),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(_) if !text.ends_with(' ') => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// A section of the body whose content is data as well as prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Rows and items that start with a time are timeline events.
    Timeline,
    /// Task items are action items; with `plain_items` (the heading says
    /// "action items"), so are plain list items without sub-items.
    Actions { plain_items: bool },
}

/// The section a heading with `text` opens, if it is one with meaning. A
/// heading that names the timeline opens the timeline, even if it also
/// says "follow-up".
pub fn section(text: &str) -> Option<Section> {
    // One pass over the heading: a name is looked for only where a byte
    // could start it, rather than each name along the whole heading.
    let bytes = text.as_bytes();
    let at = |i: usize, name: &[u8]| {
        bytes
            .get(i..i + name.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(name))
    };
    let (mut named, mut related) = (false, false);
    for (i, byte) in bytes.iter().enumerate() {
        match byte.to_ascii_lowercase() {
            b't' if at(i, b"timeline") => return Some(Section::Timeline),
            b'a' if at(i, b"action item") || at(i, b"action-item") => named = true,
            b'c' if at(i, b"corrective") => related = true,
            b'f' if at(i, b"follow-up") || at(i, b"follow up") || at(i, b"followup") => {
                related = true;
            }
            b'r' if at(i, b"remediation") => related = true,
            _ => {}
        }
    }
    (named || related).then_some(Section::Actions { plain_items: named })
}

/// Whether a paragraph's source is a bold or emphasised label that names
/// the timeline, such as `**Timeline:**`: it opens a timeline up to the
/// next heading.
pub fn is_timeline_label(source: &str) -> bool {
    let text = source.trim();
    text.len() <= 40
        && (text.starts_with('*') || text.starts_with('_'))
        && text
            .trim_matches(|c: char| "*_:;. \t".contains(c))
            .eq_ignore_ascii_case("timeline")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as it reads: each name looked for along the heading.
    fn section_by_names(text: &str) -> Option<Section> {
        let has = |name: &str| text.to_ascii_lowercase().contains(name);
        if has("timeline") {
            return Some(Section::Timeline);
        }
        let named = has("action item") || has("action-item");
        let related = [
            "corrective",
            "follow-up",
            "follow up",
            "followup",
            "remediation",
        ]
        .iter()
        .any(|name| has(name));
        (named || related).then_some(Section::Actions { plain_items: named })
    }

    #[test]
    fn a_heading_names_its_section_as_the_rule_reads() {
        let pieces = [
            "Time",
            "line",
            "TIMELINE",
            "action",
            " ",
            "-",
            "item",
            "Items",
            "Corrective",
            "follow",
            "up",
            "Follow-Up",
            "remediation",
            "REMEDI",
            "é",
            "Ⅻ",
            "ti",
            "a",
            "f",
        ];
        for text in crate::util::text::seeded_texts(&pieces, 3, 5_000, 6) {
            assert_eq!(section(&text), section_by_names(&text), "{text:?}");
        }
    }

    #[test]
    fn headings_name_their_sections() {
        assert_eq!(section("Timeline (all times UTC)"), Some(Section::Timeline));
        assert_eq!(
            section("Action Items"),
            Some(Section::Actions { plain_items: true })
        );
        assert_eq!(
            section("Corrective and Preventative Measures"),
            Some(Section::Actions { plain_items: false })
        );
        assert_eq!(section("Follow-up timeline"), Some(Section::Timeline));
        assert_eq!(section("Root Cause"), None);
    }

    #[test]
    fn a_summary_as_plain_text_keeps_the_words_only() {
        assert_eq!(
            plain_text(
                "The **cache** was\nemptied by `flush_all`, see [the log](https://x.test/) <b>now</b>"
            ),
            "The cache was emptied by flush_all, see the log <b>now</b>"
        );
        assert_eq!(
            plain_text("# Not a heading\n\n- nor a list"),
            "Not a heading nor a list"
        );
    }

    #[test]
    fn only_a_short_bold_label_names_the_timeline() {
        assert!(is_timeline_label("**Timeline:**"));
        assert!(is_timeline_label("***TIMELINE***;"));
        assert!(!is_timeline_label(
            "**Timeline of the migration work we did in 2023**"
        ));
        assert!(!is_timeline_label("Timeline"));
    }
}
