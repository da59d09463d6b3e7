//! Ticket references (`OPS-123`, `#42`) and the links `[tickets]` in
//! `hindsight.toml` makes of them.
//!
//! A reference is a tracker's key and a number (`OPS-123`, `PAY-4`), or
//! `#` and a number (`#42`). `[tickets]` maps a key, `#`, or `*` (any key
//! without a mapping of its own) to a URL pattern in which `{id}` stands
//! for the reference without its `#` and `{n}` for its number.

use std::collections::BTreeMap;
use std::ops::Range;

/// A ticket reference as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference<'a> {
    /// `OPS`, or empty for `#42`.
    pub key: &'a str,
    /// `123`.
    pub number: &'a str,
    /// `OPS-123`, or `42` for `#42`.
    pub id: &'a str,
}

/// Names of standards, zones and severities that read as ticket keys:
/// `HTTP-2`, `UTC-05` and `SEV-1` are not tickets.
const NOT_KEYS: [&str; 14] = [
    "HTTP", "TLS", "SSL", "UTF", "SHA", "IPV", "AES", "RSA", "UTC", "GMT", "ISO", "RFC", "SEV",
    "COVID",
];

/// `word` as a ticket reference, if it is one.
pub fn parse(word: &str) -> Option<Reference<'_>> {
    if let Some(n) = word.strip_prefix('#') {
        return is_number(n).then_some(Reference {
            key: "",
            number: n,
            id: n,
        });
    }
    let (key, number) = word.split_once('-')?;
    (is_key(key) && !NOT_KEYS.contains(&key) && is_number(number)).then_some(Reference {
        key,
        number,
        id: word,
    })
}

/// `OPS-123`, `PAY-4`, `#42`: a ticket reference.
pub fn is_reference(word: &str) -> bool {
    parse(word).is_some()
}

/// A tracker's key: an upper-case letter, then upper-case letters, digits
/// and `_` (`OPS`, `PAY2`, `SRE_OPS`).
pub fn is_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The URL patterns of `[tickets]`, by key.
#[derive(Debug, Clone, Copy)]
pub struct Tickets<'a> {
    patterns: &'a BTreeMap<String, String>,
}

impl<'a> Tickets<'a> {
    pub fn new(patterns: &'a BTreeMap<String, String>) -> Self {
        Tickets { patterns }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The page of ticket `word`, if it is a reference whose key (or `#`)
    /// has a pattern.
    pub fn url(&self, word: &str) -> Option<String> {
        if self.patterns.is_empty() {
            return None;
        }
        let reference = parse(word)?;
        let pattern = if reference.key.is_empty() {
            self.patterns.get("#")
        } else {
            self.patterns
                .get(reference.key)
                .or_else(|| self.patterns.get("*"))
        }?;
        Some(expand(pattern, &reference))
    }

    /// The references in `text` that have a page, with their URLs: each a
    /// word of its own, punctuation around it left out (`(OPS-1),`).
    pub fn find(&self, text: &str) -> Vec<(Range<usize>, String)> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        words(text)
            .filter(|(_, core)| core.len() >= 2 && core.ends_with(|c: char| c.is_ascii_digit()))
            .filter_map(|(range, core)| Some((range, self.url(core)?)))
            .collect()
    }
}

/// The words of `text` (split at white space) without the punctuation
/// around them (`(OPS-1),` is `OPS-1`, `@dana:` is `@dana`), each with
/// its byte range in `text`: where owners and tickets are looked for.
pub fn words(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut at = 0;
    text.split_inclusive(char::is_whitespace).map(move |word| {
        let start = at;
        at += word.len();
        let bare = word.trim_end_matches(char::is_whitespace);
        let core = bare.trim_matches(is_wrapping);
        let lead = bare.len() - bare.trim_start_matches(is_wrapping).len();
        (start + lead..start + lead + core.len(), core)
    })
}

/// Punctuation that may wrap an owner or a reference in prose: `(OPS-1)`,
/// `#42,`.
fn is_wrapping(c: char) -> bool {
    "()[]{},;.:!?\"'*_`".contains(c)
}

fn expand(pattern: &str, reference: &Reference) -> String {
    pattern
        .replace("{id}", reference.id)
        .replace("{n}", reference.number)
}

/// Why `key` cannot be a key of `[tickets]`, if it cannot.
pub fn key_problem(key: &str) -> Option<String> {
    if key == "#" || key == "*" || is_key(key) {
        return None;
    }
    let upper = key.to_ascii_uppercase();
    Some(if is_key(&upper) {
        format!("ticket key {key:?} must be written in capitals, as reports write it: {upper:?}")
    } else {
        format!("ticket key {key:?} is not a tracker's key (such as \"OPS\"), \"#\" or \"*\"")
    })
}

/// Why `pattern` cannot be a ticket URL pattern, if it cannot.
pub fn pattern_problem(pattern: &str) -> Option<String> {
    let mut rest = pattern;
    let mut placeholders = 0;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Some(format!(
                "ticket pattern {pattern:?} has a `{{` that is not closed"
            ));
        };
        let name = &after[..close];
        if name != "id" && name != "n" {
            return Some(format!(
                "ticket pattern {pattern:?} has `{{{name}}}`, which stands for nothing: write `{{id}}` or `{{n}}`"
            ));
        }
        placeholders += 1;
        rest = &after[close + 1..];
    }
    if placeholders == 0 {
        return Some(format!(
            "ticket pattern {pattern:?} has neither `{{id}}` nor `{{n}}`: every ticket would link to the same page"
        ));
    }
    let sample = expand(
        pattern,
        &Reference {
            key: "OPS",
            number: "1",
            id: "OPS-1",
        },
    );
    let web = sample.starts_with("https://") || sample.starts_with("http://");
    match crate::util::url::link_problem(&sample) {
        Some(why) => Some(format!("ticket pattern {pattern:?} {why}")),
        None if !web => Some(format!("ticket pattern {pattern:?} is not an http(s) URL")),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns() -> BTreeMap<String, String> {
        [
            ("OPS", "https://jira.example.com/browse/{id}"),
            ("#", "https://github.com/acme/infra/issues/{n}"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into()
    }

    #[test]
    fn references_are_keys_and_numbers() {
        for yes in ["OPS-123", "PAY2-4", "SRE_OPS-1", "#42"] {
            assert!(is_reference(yes), "{yes}");
        }
        for no in [
            "ops-1",
            "OPS-",
            "OPS-12a",
            "#",
            "#4x",
            "HTTP-2",
            "UTC-05",
            "SEV-1",
            "-1",
            "OPS",
            "INC-2023-017",
        ] {
            assert!(!is_reference(no), "{no}");
        }
    }

    #[test]
    fn a_pattern_makes_the_url_of_its_key() {
        let map = patterns();
        let t = Tickets::new(&map);
        assert_eq!(
            t.url("OPS-7").as_deref(),
            Some("https://jira.example.com/browse/OPS-7")
        );
        assert_eq!(
            t.url("#42").as_deref(),
            Some("https://github.com/acme/infra/issues/42")
        );
        assert_eq!(t.url("PAY-1"), None);
        let mut any = map.clone();
        any.insert("*".into(), "https://t.example.com/{id}?n={n}".into());
        let t = Tickets::new(&any);
        assert_eq!(
            t.url("PAY-1").as_deref(),
            Some("https://t.example.com/PAY-1?n=1")
        );
        assert_eq!(
            t.url("OPS-2").as_deref(),
            Some("https://jira.example.com/browse/OPS-2"),
            "a key's own pattern comes before `*`"
        );
    }

    #[test]
    fn references_are_found_among_words_and_punctuation() {
        let map = patterns();
        let t = Tickets::new(&map);
        let text = "Fix it (OPS-12), see #3; not PAY-1 or OPS-1x";
        let found: Vec<&str> = t.find(text).iter().map(|(r, _)| &text[r.clone()]).collect();
        assert_eq!(found, ["OPS-12", "#3"]);
    }

    #[test]
    fn bad_keys_and_patterns_are_named() {
        assert!(key_problem("OPS").is_none());
        assert!(key_problem("#").is_none());
        assert!(key_problem("ops").unwrap().contains("\"OPS\""));
        assert!(key_problem("my tracker").is_some());
        assert!(pattern_problem("https://x.example/{id}").is_none());
        assert!(
            pattern_problem("https://x.example/")
                .unwrap()
                .contains("neither")
        );
        assert!(
            pattern_problem("https://x.example/{ticket}")
                .unwrap()
                .contains("{ticket}")
        );
        assert!(pattern_problem("javascript:alert('{id}')").is_some());
        assert!(pattern_problem("mailto:{id}@example.com").is_some());
        assert!(pattern_problem("https://x.example/{id").is_some());
    }
}
