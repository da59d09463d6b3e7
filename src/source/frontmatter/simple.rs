//! The common form of front matter, read without the YAML parser.
//!
//! Nearly every report's front matter is a few lines of `key: value`,
//! the values plain words, quoted text or a list in brackets. Reading
//! them through the YAML parser's scanner and events cost more than the
//! rest of reading a report. Here such lines are read directly, with the
//! same values and positions the parser gives; anything else (a comment,
//! an empty line or value, an indented block, an escape, a character that
//! YAML reads in its own way) gives `None`, and the parser reads the whole
//! front matter as before. A test holds the two readers to the same answer.

use std::borrow::Cow;

use saphyr_parser::ScalarStyle;

use super::{Field, Node, Pos, scalar};

/// The top-level keys of `matter` in file order, or `None` when it is not
/// in the common form. `first_line` is the file line on which it starts.
pub(super) fn parse(matter: &str, first_line: usize) -> Option<Vec<(String, Field)>> {
    let mut entries: Vec<(String, Field)> = Vec::new();
    for (n, line) in matter.lines().enumerate() {
        if !plain_line(line) {
            return None;
        }
        let line_no = first_line + n;
        let (key, rest) = line.split_once(": ")?;
        let key = simple_key(key)?;
        if entries.iter().any(|(k, _)| *k == key) {
            return None;
        }
        let value = rest.trim_matches(' ');
        let at = line.len() - rest.trim_start_matches(' ').len();
        let node = match value.as_bytes().first()? {
            b'[' => list(line, at, value.len(), line_no)?,
            b'"' | b'\'' => Node::String(quoted(value)?.to_string()),
            _ => plain(value, false)?,
        };
        // An empty value points at its key, as the parser's reader does.
        let pos = if node == Node::Null {
            Pos::new(line_no, 1)
        } else {
            Pos::new(line_no, at + 1)
        };
        entries.push((key, Field { pos, value: node }));
    }
    Some(entries)
}

/// Whether `line` holds only characters that YAML reads as text: no
/// control character (tabs and carriage returns included), nothing YAML
/// or a page treats in its own way, no byte-order mark.
fn plain_line(line: &str) -> bool {
    line.bytes().all(|b| b >= 0x20 && b != 0x7f)
        && (line.is_ascii()
            || !line.chars().any(|c| {
                crate::util::text::is_forbidden(c)
                    || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
            }))
}

/// A key of letters, digits, `_` and `-` that starts with a letter and
/// that YAML reads as text (not `true` or `null`).
fn simple_key(key: &str) -> Option<String> {
    let bytes = key.as_bytes();
    let ok = bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !ok {
        return None;
    }
    match plain(key, false)? {
        Node::String(text) if text == key => Some(text),
        _ => None,
    }
}

/// A plain value (`SEV1`, `12`, `2024-01-31T10:00:00Z`, `Disk full, then
/// a failover`), as YAML's core schema reads it. `in_list`: an item of a
/// list in brackets, where commas end it.
fn plain(value: &str, in_list: bool) -> Option<Node> {
    let bytes = value.as_bytes();
    let first = *bytes.first()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first)
        || value.ends_with(':')
        || !plain_bytes(bytes, in_list)
    {
        return None;
    }
    scalar(Cow::Borrowed(value), ScalarStyle::Plain, None)
}

/// Whether a plain value's bytes leave it plain: no `: ` or ` #`, no
/// bracket or brace, and in a list no comma, colon, `#` or quote. One
/// pass, for every value of every report's front matter.
fn plain_bytes(bytes: &[u8], in_list: bool) -> bool {
    let mut before = 0u8;
    for (k, &b) in bytes.iter().enumerate() {
        let ends = match b {
            b'[' | b']' | b'{' | b'}' => true,
            b',' | b'"' | b'\'' => in_list,
            b':' => in_list || bytes.get(k + 1) == Some(&b' '),
            b'#' => in_list || before == b' ',
            _ => false,
        };
        if ends {
            return false;
        }
        before = b;
    }
    true
}

/// The text of a quoted value (`"..."` or `'...'`) with no escape in it
/// and nothing after it.
fn quoted(value: &str) -> Option<&str> {
    let quote = value.chars().next()?;
    let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
    if inner.contains([quote, '\\']) {
        return None;
    }
    Some(inner)
}

/// A list in brackets, `[a, b, "c d"]`, starting at byte `at` of `line`
/// (line `line_no`) and `len` bytes long, each item plain or quoted.
fn list(line: &str, at: usize, len: usize, line_no: usize) -> Option<Node> {
    let inner = line.get(at + 1..at + len)?.strip_suffix(']')?;
    let start = at + 1;
    let mut items = Vec::new();
    if inner.trim_matches(' ').is_empty() {
        return Some(Node::List(items));
    }
    let column = |byte: usize| line[..byte].chars().count() + 1;
    let mut rest = inner;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        let item_at = start + (inner.len() - trimmed.len());
        let (text, after) = match trimmed.as_bytes().first()? {
            quote @ (b'"' | b'\'') => {
                let close = trimmed[1..].find(*quote as char)? + 1;
                (&trimmed[..=close], &trimmed[close + 1..])
            }
            _ => match trimmed.find(',') {
                Some(comma) => (&trimmed[..comma], &trimmed[comma..]),
                None => (trimmed, ""),
            },
        };
        let text = text.trim_end_matches(' ');
        let node = match text.as_bytes().first()? {
            b'"' | b'\'' => Node::String(quoted(text)?.to_string()),
            _ => plain(text, true)?,
        };
        items.push(Field {
            pos: Pos::new(line_no, column(item_at)),
            value: node,
        });
        let after = after.trim_start_matches(' ');
        if after.is_empty() {
            return Some(Node::List(items));
        }
        // Another item must follow the comma: `[a, ]` goes to the parser.
        rest = after.strip_prefix(',')?;
        if rest.trim_matches(' ').is_empty() {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plain_bytes;

    #[test]
    fn the_byte_pass_ends_plain_values_where_the_substring_rules_do() {
        let pieces = [
            "a", " ", ":", ": ", "#", " #", ",", "[", "]", "{", "}", "\"", "'", "é", "x:y", "-",
        ];
        for text in crate::util::text::seeded_texts(&pieces, 5, 3000, 6) {
            for in_list in [false, true] {
                let by_substrings = !(text.contains(": ")
                    || text.contains(" #")
                    || text.contains(['[', ']', '{', '}'])
                    || (in_list && text.contains([',', ':', '#', '"', '\''])));
                assert_eq!(
                    plain_bytes(text.as_bytes(), in_list),
                    by_substrings,
                    "{text:?} in a list: {in_list}"
                );
            }
        }
    }
}
