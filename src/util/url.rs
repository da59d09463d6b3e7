//! URL and path rules: which slugs are allowed, how terms become URL
//! segments, and how a page reaches the site root with relative links.
//!
//! Every output path is made of segments that passed through here, which is
//! what keeps a hostile slug or tag from writing outside the output folder.

/// Longest slug or term segment we write, in bytes. Keeps paths well under
/// file-system limits.
pub const MAX_SEGMENT: usize = 150;

/// Whether `word` is a non-empty run of ASCII letters, digits, `-` and `_`.
pub fn is_simple_word(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Whether a file stem may be used as a report slug: ASCII letters, digits,
/// `-`, `_` and `.`, starting with a letter or digit. Slugs are permanent URLs,
/// so they are kept to characters that survive every chat tool and host.
pub fn is_valid_slug(slug: &str) -> bool {
    slug.len() <= MAX_SEGMENT
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Turns a service, tag or severity name into a URL segment: lower case,
/// letters and digits kept (any script), everything else folded into single
/// dashes. Returns an empty string when nothing usable is left.
pub fn slugify(text: &str) -> String {
    if text.is_ascii() {
        return slugify_ascii(text);
    }
    slugify_each_character(text)
}

/// [`slugify`] for ASCII text, nearly every name and heading: its bytes
/// are its characters, classified without decoding them.
fn slugify_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            dash = true;
        }
    }
    out.truncate(MAX_SEGMENT);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// [`slugify`] a character at a time.
fn slugify_each_character(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            dash = true;
        }
    }
    truncate_on_char(&mut out, MAX_SEGMENT);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn truncate_on_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// The relative prefix that leads from a page at `dir` (a site-relative
/// folder such as `postmortems/slug/`) back to the site root: `../../`, or
/// `./` for a page at the root, so that `{{ root }}` alone is a valid link.
pub fn root_prefix(dir: &str) -> String {
    match dir.split('/').filter(|s| !s.is_empty()).count() {
        0 => "./".into(),
        depth => "../".repeat(depth),
    }
}

/// Percent-encodes a path for use in `href`, leaving `/` and unreserved
/// characters as they are.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~' | b'#') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not
/// UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let digit = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
            decoded.push((digit(i + 1)? * 16 + digit(i + 2)?) as u8);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// Why an alias cannot be a path in the output.
pub fn alias_problem(alias: &str) -> Option<&'static str> {
    if alias.contains("://") || alias.starts_with("//") {
        return Some("an alias is a path on this site, not a URL");
    }
    if alias.contains(|c: char| c.is_control() || "\\:*?\"<>|#".contains(c)) {
        return Some(
            "an alias may not hold `\\`, `:`, `*`, `?`, `\"`, `<`, `>`, `|`, `#` or control characters",
        );
    }
    let segments: Vec<&str> = alias.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Some("an alias must name a path below the site root");
    }
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Some("an alias may not climb out with `.` or `..`");
    }
    if segments.iter().any(|s| s.starts_with('.')) {
        return Some("an alias may not name a hidden file or folder");
    }
    if segments.iter().any(|s| s.len() > 200) || alias.len() > 1000 {
        return Some("an alias is too long");
    }
    None
}

/// The scheme of `url`, lowercased, if it has one.
pub(crate) fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// Why `url` cannot be a link a page carries (http, https or mailto), or `None` if it can.
pub fn link_problem(url: &str) -> Option<&'static str> {
    if url.is_empty() {
        return Some("is empty");
    }
    if url.chars().any(char::is_whitespace) {
        return Some("has a space in it (write it as %20)");
    }
    let Some(scheme) = scheme(url) else {
        return Some("is not an absolute URL");
    };
    let rest = &url[scheme.len() + 1..];
    match scheme.as_str() {
        "http" | "https" => {
            let host = rest.strip_prefix("//").map(authority_host);
            match host {
                Some(h) if !h.is_empty() => None,
                _ => Some("has no host"),
            }
        }
        "mailto" if !rest.is_empty() => None,
        "mailto" => Some("has no address"),
        _ => Some("is not an http(s) or mailto URL"),
    }
}

/// The host of the authority at the start of `rest` (after `//`):
/// without user, password or port.
pub(crate) fn authority_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    match host.find(']') {
        Some(end) if host.starts_with('[') => &host[..=end],
        _ => host.split(':').next().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_restricted_to_url_safe_ascii() {
        assert!(is_valid_slug("2023-01-17-icreate-deploy"));
        assert!(is_valid_slug("INC_42.v2"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug(".hidden"));
        assert!(!is_valid_slug("../etc"));
        assert!(!is_valid_slug("a b"));
        assert!(!is_valid_slug("a/b"));
        assert!(!is_valid_slug(&"a".repeat(MAX_SEGMENT + 1)));
    }

    #[test]
    fn slugify_folds_punctuation_and_case() {
        assert_eq!(slugify("Human Error"), "human-error");
        assert_eq!(slugify("  --API/Gateway--  "), "api-gateway");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("Базы данных"), "базы-данных");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn ascii_is_slugified_as_a_character_at_a_time() {
        let pieces = [
            "API", "gateway", " ", "--", "/", "9", "_", ".", "Z", "a1", "\t", "!",
        ];
        let mut texts = crate::util::text::seeded_texts(&pieces, 5, 2000, 40);
        texts.extend(["", "-", "a", "A-", "-a-"].map(String::from));
        for text in &texts {
            assert_eq!(
                slugify_ascii(text),
                slugify_each_character(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn slugify_caps_length_on_a_char_boundary() {
        let long = "é".repeat(200);
        let slug = slugify(&long);
        assert!(slug.len() <= MAX_SEGMENT);
        assert!(slug.chars().all(|c| c == 'é'));
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("tags/"), "../");
        assert_eq!(root_prefix("postmortems/a/"), "../../");
    }

    #[test]
    fn encode_path_escapes_spaces_and_unicode() {
        assert_eq!(encode_path("tags/a b/"), "tags/a%20b/");
        assert_eq!(encode_path("tags/é/"), "tags/%C3%A9/");
    }
}

/// The path of an absolute URL, from its first `/` after the host:
/// `https://h.example/incidents/` gives `/incidents/`.
pub fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..]
        .find('/')
        .map_or("/", |i| &url[after_scheme + i..])
}

#[cfg(test)]
mod path_tests {
    use super::{alias_problem, path_of};

    #[test]
    fn the_path_of_a_base_url_keeps_its_sub_folder() {
        assert_eq!(path_of("https://h.example/incidents/"), "/incidents/");
        assert_eq!(path_of("https://h.example/"), "/");
        assert_eq!(path_of("https://h.example"), "/");
    }

    #[test]
    fn aliases_stay_inside_the_site() {
        for bad in [
            "",
            "/",
            "/../etc/passwd",
            "a/../../b",
            "./x",
            "http://evil.example/x",
            "//evil.example/x",
            "C:\\Windows",
            "a\\b",
            "a\0b",
            "/.git/config",
            "/x?y",
        ] {
            assert!(alias_problem(bad).is_some(), "{bad:?} should be refused");
        }
        for good in [
            "/old/path/",
            "old",
            "/2023/outage.html",
            "/incidents/INC-1/",
        ] {
            assert_eq!(alias_problem(good), None, "{good:?}");
        }
    }
}
