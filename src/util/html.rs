//! Escaping text for HTML and XML, in text and in attribute values: the one
//! place where the characters that mean markup become references, and where
//! the characters XML cannot hold are left out.
//!
//! Every mode writes `&`, `<`, `>`, `"` and `'` as references, so one escaped
//! string is safe in text and in a quoted attribute value alike. The modes
//! differ in what else they do, which depends on the document the text goes
//! into: see [`Mode`].

use std::fmt::{self, Display, Write};

/// What escaped text goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// HTML text or attribute value. `'` is written `&#39;`, as the
    /// templates write it; every other character is kept, since HTML can
    /// hold them all (form feed is even its whitespace).
    Html,
    /// SVG drawn into HTML pages, which must also be well-formed XML:
    /// HTML's references, and the characters [`is_xml_char`] refuses left
    /// out.
    Svg,
    /// Text content of an XML document (feeds, sitemaps): XML's `&apos;`,
    /// the characters [`is_xml_char`] refuses left out, and carriage returns
    /// as references so that a parser's line-end normalization keeps them.
    XmlText,
    /// An attribute value in an XML document: as [`Mode::XmlText`], and
    /// tabs and line feeds as references too, which attribute-value
    /// normalization would otherwise turn into spaces.
    XmlAttribute,
}

/// `text` escaped for HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped for HTML text and attributes.
pub fn escape_into(out: &mut String, text: &str) {
    escape_for(out, text, Mode::Html);
}

/// Appends `text` to `out`, escaped for `mode`.
pub fn escape_for(out: &mut String, text: &str, mode: Mode) {
    out.reserve(text.len());
    if mode == Mode::Html {
        escape_html(out, text);
        return;
    }
    // Writing to a String cannot fail.
    let _ = write_escaped(out, text, mode);
}

/// [`Mode::Html`], the escaping of every text of every page: Tera's own
/// (the same five references), which looks for them sixteen bytes at a
/// time.
fn escape_html(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

/// `texts`, escaped for `mode`, with `sep` between them.
pub fn escape_joined<'t>(
    out: &mut String,
    texts: impl Iterator<Item = &'t str>,
    sep: &str,
    mode: Mode,
) {
    for (n, text) in texts.enumerate() {
        if n > 0 {
            out.push_str(sep);
        }
        escape_for(out, text, mode);
    }
}

/// Whether an XML document may hold `c`. Besides what XML 1.0 forbids (the
/// control characters but tab, line feed and carriage return, and U+FFFE
/// and U+FFFF), DEL and the C1 controls are refused: XML 1.0 discourages
/// them and XML 1.1 only allows them as references.
pub fn is_xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}

/// Text that displays escaped for a [`Mode`], optionally cut short: what a
/// writer that formats markup (`write!(out, "<title>{}</title>", ..)`)
/// puts in place of the text.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a> {
    text: &'a str,
    mode: Mode,
    max: usize,
}

/// `text`, displayed escaped for `mode`.
pub fn escaped(text: &str, mode: Mode) -> Escaped<'_> {
    Escaped {
        text,
        mode,
        max: usize::MAX,
    }
}

impl Escaped<'_> {
    /// Displays at most `max` characters: a longer text is cut to `max - 1`
    /// and ends in `…`. Characters left out by the mode still count, so the
    /// cut does not depend on the mode.
    pub fn clipped(self, max: usize) -> Self {
        Escaped { max, ..self }
    }
}

/// How many characters `text` takes once clipped to `max` (see
/// [`Escaped::clipped`]), without counting all of a long text.
pub fn clipped_chars(text: &str, max: usize) -> usize {
    text.chars().take(max.saturating_add(1)).count().min(max)
}

impl Escaped<'_> {
    /// Appends what [`Display`] writes, without the formatting machinery.
    pub fn put(&self, out: &mut String) {
        // Writing into a string cannot fail.
        let _ = self.write_to(out);
    }

    fn write_to(&self, out: &mut impl Write) -> fmt::Result {
        if self.text.chars().nth(self.max).is_none() {
            return write_escaped(out, self.text, self.mode);
        }
        let kept = self
            .text
            .char_indices()
            .nth(self.max.saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| i);
        write_escaped(out, &self.text[..kept], self.mode)?;
        out.write_char('…')
    }
}

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.write_to(f)
    }
}

/// The bytes that can begin a character some [`Mode`] replaces or leaves
/// out: the ASCII controls, DEL and the markup characters, 0xC2 (which
/// begins the C1 controls) and 0xEF (U+FFFE and U+FFFF). Any other byte
/// is copied as it is, without decoding its character.
const LOOK: [bool; 256] =
    crate::util::text::stop_bytes(&[0x7F, b'&', b'<', b'>', b'"', b'\'', 0xC2, 0xEF]);

fn write_escaped(out: &mut impl Write, text: &str, mode: Mode) -> fmt::Result {
    let xml = matches!(mode, Mode::XmlText | Mode::XmlAttribute);
    let attribute = mode == Mode::XmlAttribute;
    let filtered = mode != Mode::Html;
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| LOOK[b as usize]) {
        // A byte of [`LOOK`] is never inside a character: it begins one.
        i += at;
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' if xml => "&apos;",
            '\'' => "&#39;",
            '\r' if xml => "&#xD;",
            '\t' if attribute => "&#x9;",
            '\n' if attribute => "&#xA;",
            c if filtered && !is_xml_char(c) => "",
            _ => {
                i += c.len_utf8();
                continue;
            }
        };
        out.write_str(&text[start..i])?;
        out.write_str(replacement)?;
        i += c.len_utf8();
        start = i;
    }
    out.write_str(&text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODES: [Mode; 4] = [Mode::Html, Mode::Svg, Mode::XmlText, Mode::XmlAttribute];

    fn escaped_as(text: &str, mode: Mode) -> String {
        let mut out = String::new();
        escape_for(&mut out, text, mode);
        out
    }

    /// Every character up to U+3000 and the edges of the planes above.
    fn every_kind_of_character() -> String {
        (0..=0x3000u32)
            .chain([
                0xD7FF, 0xE000, 0xFDD0, 0xFDEF, 0xFFFD, 0xFFFE, 0xFFFF, 0x1_0000, 0x1_FFFE,
                0x10_FFFF,
            ])
            .filter_map(char::from_u32)
            .collect()
    }

    /// What XML 1.0 calls a character (`Char`), less DEL and the C1 controls.
    fn xml_allows(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{7e}').contains(&c)
            || ('\u{a0}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}'
    }

    #[test]
    fn markup_characters_become_references_in_every_mode() {
        let text = "a & b < c > d \"e\" 'f'";
        assert_eq!(
            escape(text),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;"
        );
        assert_eq!(escaped_as(text, Mode::Svg), escape(text));
        let xml = "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;";
        assert_eq!(escaped_as(text, Mode::XmlText), xml);
        assert_eq!(escaped_as(text, Mode::XmlAttribute), xml);
        for mode in MODES {
            assert_eq!(escaped(text, mode).to_string(), escaped_as(text, mode));
        }
    }

    #[test]
    fn html_keeps_every_character_html_can_hold() {
        let all = every_kind_of_character();
        let markup = ['&', '<', '>', '"', '\''];
        let kept: String = all.chars().filter(|c| !markup.contains(c)).collect();
        assert_eq!(escape(&kept), kept);
        // `escape` (pulldown-cmark-escape's search) and the character
        // loop of `escaped` agree on every character, markup included.
        assert_eq!(escape(&all), escaped(&all, Mode::Html).to_string());
        assert_eq!(
            escape("form\u{c}feed, tab\tline\nreturn\r"),
            "form\u{c}feed, tab\tline\nreturn\r"
        );
    }

    #[test]
    fn xml_modes_drop_what_xml_cannot_hold_and_keep_the_rest() {
        let all = every_kind_of_character();
        let kept: String = all.chars().filter(|&c| xml_allows(c)).collect();
        assert!(!kept.contains('\u{c}') && kept.contains('\u{FFFD}'));
        for mode in [Mode::Svg, Mode::XmlText, Mode::XmlAttribute] {
            let xml = format!(
                "<t a=\"{}\">{}</t>",
                escaped_as(&all, mode),
                escaped_as(&all, mode)
            );
            let doc = roxmltree::Document::parse(&xml)
                .unwrap_or_else(|e| panic!("{mode:?}: not well-formed: {e}"));
            let root = doc.root_element();
            let text = root.text().unwrap_or_default();
            // Outside XML documents, line ends and attribute whitespace are
            // left to the page: only the characters are compared.
            let normal = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
            assert_eq!(normal(text), normal(&kept), "{mode:?} text");
            if mode != Mode::Svg {
                assert_eq!(text, kept, "{mode:?} text");
            }
            if mode == Mode::XmlAttribute {
                assert_eq!(root.attribute("a"), Some(kept.as_str()));
            }
        }
        assert_eq!(
            escaped_as("form\u{c}feed\u{7f}\u{85}\u{FFFE}!", Mode::XmlText),
            "formfeed!"
        );
    }

    #[test]
    fn xml_line_ends_and_attribute_whitespace_survive_a_parser() {
        let text = "tab\tline\nreturn\r\nend";
        assert_eq!(
            escaped_as(text, Mode::XmlText),
            "tab\tline\nreturn&#xD;\nend"
        );
        assert_eq!(
            escaped_as(text, Mode::XmlAttribute),
            "tab&#x9;line&#xA;return&#xD;&#xA;end"
        );
        assert_eq!(escaped_as(text, Mode::Svg), text);
        assert_eq!(escape(text), text);
    }

    #[test]
    fn clipping_cuts_long_text_to_its_maximum_with_an_ellipsis() {
        let clip = |text: &str, max: usize| escaped(text, Mode::Svg).clipped(max).to_string();
        assert_eq!(clip("abcdef", 6), "abcdef");
        assert_eq!(clip("abcdefg", 6), "abcde…");
        assert_eq!(clip("a<b>cdefg", 4), "a&lt;b…");
        assert_eq!(clip("日本語のテキスト", 3), "日本…");
        assert_eq!(clip("ab", 1), "…");
        assert_eq!(clip("ab", 0), "…");
        assert_eq!(clip("", 0), "");
        // A character the mode leaves out still counts.
        assert_eq!(clip("a\u{1}bcd", 3), "a…");
        assert_eq!(clipped_chars("abcdefg", 6), 6);
        assert_eq!(clipped_chars("abc", 6), 3);
        assert_eq!(clipped_chars("日本語のテキスト", 3), 3);
        for (text, max) in [
            ("abcdefg", 6),
            ("abc", 6),
            ("ab", 1),
            ("日本語のテキスト", 3),
        ] {
            assert_eq!(clip(text, max).chars().count(), clipped_chars(text, max));
        }
    }
}
