//! A report's `links:`: where else the incident is written about (the
//! original write-up, the ticket, the chat channel, a dashboard).
//!
//! Each entry is a URL, or a mapping with `url` and an optional `title`.
//! A ticket reference (`OPS-123`, `"#42"`) stands for the URL `[tickets]`
//! in `hindsight.toml` gives it.
//! Only `http`, `https` and `mailto` URLs are kept: a page must never carry
//! a `javascript:` or `data:` link that a report's author slipped in.

use std::path::Path;

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::frontmatter::{Field, Node};
use crate::util::tickets::Tickets;
use crate::util::url::{authority_host, link_problem, scheme};

/// One link of a report, as its page and `index.json` show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    /// What the link says: the title written, else the URL's host and path.
    pub title: String,
    pub url: String,
}

/// The links of `entries` (already counted against `[limits] entries`),
/// and a diagnostic for each entry that cannot be one.
pub fn read(entries: &[&Field], path: &Path, tickets: Tickets) -> (Vec<Link>, Vec<Diagnostic>) {
    let mut links = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        if let Some(link) = entry_link(entry, path, tickets, &mut problems) {
            links.push(link);
        }
    }
    (links, problems)
}

fn entry_link(
    entry: &Field,
    path: &Path,
    tickets: Tickets,
    problems: &mut Vec<Diagnostic>,
) -> Option<Link> {
    let error = |pos: crate::source::frontmatter::Pos, code: &'static str, message: String| {
        Diagnostic::error(path, code, message).at(pos.line, pos.column)
    };
    let (url_field, title) = match &entry.value {
        Node::Map(keys) => {
            let mut url = None;
            let mut title = None;
            for (key, value) in keys {
                match key.as_str() {
                    "url" => url = Some(value),
                    "title" => match value.value.as_text() {
                        Some(t) => title = Some(t.trim().to_string()).filter(|t| !t.is_empty()),
                        None if value.value == Node::Null => {}
                        None => problems.push(error(
                            value.pos,
                            "wrong-type",
                            format!(
                                "a link's `title` must be text, found {}",
                                value.value.kind()
                            ),
                        )),
                    },
                    other => {
                        let hint = match did_you_mean(other, ["url", "title"]) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "a link has `url` and, if you like, `title`".into(),
                        };
                        problems.push(
                            Diagnostic::warning(
                                path,
                                "unknown-key",
                                format!("a link's `{other}` is not read"),
                            )
                            .at(value.pos.line, value.pos.column)
                            .hint(hint),
                        );
                    }
                }
            }
            let Some(url) = url else {
                problems.push(
                    error(entry.pos, "invalid-link", "this link has no `url`".into())
                        .hint("write `- url: https://...` (and `title: ...` if you like)"),
                );
                return None;
            };
            (url, title)
        }
        _ => (entry, None),
    };
    let Some(text) = url_field.value.as_text() else {
        problems.push(error(
            url_field.pos,
            "wrong-type",
            format!(
                "a link must be a URL or a `url`/`title` mapping, found {}",
                url_field.value.kind()
            ),
        ));
        return None;
    };
    let url = text.trim();
    if let Some(reference) = crate::util::tickets::parse(url) {
        let Some(ticket) = tickets.url(url) else {
            let key = if reference.key.is_empty() {
                "\"#\""
            } else {
                reference.key
            };
            problems.push(
                error(
                    url_field.pos,
                    "invalid-link",
                    format!("link {url:?} is a ticket, but [tickets] in hindsight.toml has no page for {key}"),
                )
                .hint(format!("map it to your tracker, e.g. [tickets] {key} = \"https://tracker.example.com/browse/{{id}}\", or write the ticket's URL")),
            );
            return None;
        };
        return Some(Link {
            title: title.unwrap_or_else(|| url.to_string()),
            url: ticket,
        });
    }
    if let Some(why) = link_problem(url) {
        problems.push(
            error(url_field.pos, "invalid-link", format!("link {url:?} {why}"))
                .hint("links may be http://, https:// or mailto: URLs, e.g. https://tickets.example.com/INC-12"),
        );
        return None;
    }
    Some(Link {
        title: title.unwrap_or_else(|| default_title(url)),
        url: url.to_string(),
    })
}

/// What a link without a title says: its host and path, or its address.
fn default_title(url: &str) -> String {
    let scheme = scheme(url).unwrap_or_default();
    let rest = &url[scheme.len() + 1..];
    if scheme == "mailto" {
        return rest.split('?').next().unwrap_or(rest).to_string();
    }
    let rest = rest.trim_start_matches('/');
    let without_query = rest.split(['?', '#']).next().unwrap_or(rest);
    let (authority, path) = without_query
        .split_once('/')
        .map_or((without_query, ""), |(a, p)| (a, p));
    let host = authority_host(authority);
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        host.to_string()
    } else {
        format!("{host}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_urls_are_links() {
        for ok in [
            "https://example.com",
            "HTTP://example.com/a?b#c",
            "https://user@example.com:8443/x",
            "mailto:oncall@example.com",
        ] {
            assert_eq!(link_problem(ok), None, "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<b>",
            "//example.com/x",
            "/relative/path",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "mailto:",
            "",
        ] {
            assert!(link_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_link_without_a_title_says_its_host_and_path() {
        assert_eq!(
            default_title("https://github.com/acme/api/issues/12/?tab=1#top"),
            "github.com/acme/api/issues/12"
        );
        assert_eq!(
            default_title("https://grafana.example.com/"),
            "grafana.example.com"
        );
        assert_eq!(
            default_title("https://bob:pw@example.com:8080/d"),
            "example.com/d"
        );
        assert_eq!(
            default_title("mailto:sre@example.com?subject=x"),
            "sre@example.com"
        );
    }
}
