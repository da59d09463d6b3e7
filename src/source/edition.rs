//! Editions: one archive, two sites. The internal edition is every report
//! as written. The public edition holds the reports marked `visibility:
//! public`, each without what stays inside: the sections whose heading
//! carries `{.internal}`, the front-matter keys `[editions.public] hide`
//! names, and action items' owners and tickets.
//!
//! In: the reports as read, and the configuration. Out: the reports of the
//! edition, and the names (slugs and ids) of the ones it leaves out, so
//! that a link to one is said to be one. This runs before the archive is
//! assembled: nothing after it (the archive, pages, search, feeds, stats,
//! terms, files) ever holds an internal report or part, so nothing of one
//! can reach a page of the public site.

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

pub use crate::config::Edition;
use crate::config::{Config, PublicEdition, Visibility};
use crate::source::actions;
use crate::source::dialect;
use crate::source::postmortem::Postmortem;

/// The class that marks a heading's section internal: `## Details {.internal}`.
pub const INTERNAL_CLASS: &str = "internal";

/// The reports of `edition`, and the names of those it leaves out.
pub fn apply(
    reports: Vec<Postmortem>,
    config: &Config,
    edition: Edition,
) -> (Vec<Postmortem>, BTreeSet<String>) {
    if edition == Edition::Internal {
        return (reports, BTreeSet::new());
    }
    let (public, internal): (Vec<Postmortem>, Vec<Postmortem>) = reports
        .into_iter()
        .partition(|pm| pm.visibility == Visibility::Public);
    let withheld: BTreeSet<String> = internal
        .iter()
        .flat_map(|pm| {
            std::iter::once(pm.slug.clone()).chain(pm.id.as_ref().map(|id| id.value.clone()))
        })
        .collect();
    let settings = &config.editions.public;
    let reports = public
        .into_iter()
        .map(|pm| redact(pm, settings, &withheld))
        .collect();
    (reports, withheld)
}

/// One report read again (by the preview), for an archive whose left-out
/// reports are `withheld`: as the edition shows it, or `None` when the
/// edition leaves it out.
pub fn one(
    pm: Postmortem,
    config: &Config,
    edition: Edition,
    withheld: &BTreeSet<String>,
) -> Option<Postmortem> {
    match edition {
        Edition::Internal => Some(pm),
        Edition::Public if pm.visibility != Visibility::Public => None,
        Edition::Public => Some(redact(pm, &config.editions.public, withheld)),
    }
}

/// A public report as the public edition shows it.
fn redact(mut pm: Postmortem, settings: &PublicEdition, withheld: &BTreeSet<String>) -> Postmortem {
    let mut body = pm.body().to_string();
    let internal = internal_sections(&body);
    blank(&mut body, internal);
    let mut words = actions::annotations(
        &body,
        !settings.action_item_owners,
        !settings.action_item_tickets,
    );
    words.sort_by_key(|r| std::cmp::Reverse(r.start));
    let mut lines = BTreeSet::new();
    for range in words {
        lines.insert(body[..range.start].matches('\n').count());
        body.replace_range(range, "");
    }
    if !lines.is_empty() {
        body = body
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, line)| {
                if lines.contains(&i) {
                    tidy(line)
                } else {
                    line.to_string()
                }
            })
            .collect();
    }
    let front_items: Vec<_> = pm.action_items.into_iter().filter(|a| !a.in_body).collect();
    pm.action_items = front_items;
    pm.action_items
        .extend(actions::from_body(&body, pm.body_line));
    for item in &mut pm.action_items {
        if !settings.action_item_owners {
            item.owner = None;
        }
        if !settings.action_item_tickets {
            item.tickets.clear();
        }
    }
    pm.related.retain(|r| !withheld.contains(&r.value));
    for key in &settings.hide {
        hide(&mut pm, key);
    }
    // The front matter as written goes too (its lines kept as empty ones):
    // what was hidden is in no field now, and must be in no text either.
    let front = "\n".repeat(pm.source[..pm.body_start].matches('\n').count());
    pm.body_start = front.len();
    pm.source = front + &body;
    pm
}

/// A line that lost its owners and tickets, without what held them: `(, )`
/// and `[]` left behind, doubled spaces, a comma before the end.
fn tidy(line: &str) -> String {
    let (text, end) = match line.strip_suffix('\n') {
        Some(text) => (text, "\n"),
        None => (line, ""),
    };
    let mut out = text.to_string();
    loop {
        let before = out.len();
        for (open, close) in [('(', ')'), ('[', ']')] {
            let mut from = 0;
            while let Some(at) = out[from..].find(open).map(|i| from + i) {
                let inner_end = out[at + 1..]
                    .find(|c: char| !(c.is_whitespace() || ",;".contains(c)))
                    .map(|i| at + 1 + i);
                // `[ ]` is a task list's box, not what held a ticket.
                let task_box = open == '[' && out[at..].starts_with("[ ]");
                match inner_end {
                    Some(end) if out[end..].starts_with(close) && !task_box => {
                        out.replace_range(at..end + 1, "");
                    }
                    _ => from = at + 1,
                }
            }
        }
        while out.contains("  ") {
            out = out.replace("  ", " ");
        }
        if out.len() == before {
            break;
        }
    }
    let indent = text.len() - text.trim_start().len();
    let body = out.trim_start().trim_end_matches([' ', ',', ';']);
    format!("{}{body}{end}", &text[..indent.min(text.len())])
}

/// Leaves out what front-matter `key` gave.
fn hide(pm: &mut Postmortem, key: &str) {
    match key {
        "authors" => pm.authors.clear(),
        "teams" => pm.teams.clear(),
        "tags" => pm.tags.clear(),
        "links" => pm.links.clear(),
        "summary" => pm.summary = None,
        "impact" => pm.impact = None,
        "id" => pm.id = None,
        "aliases" => pm.aliases.clear(),
        "related" => pm.related.clear(),
        "detected" => pm.detected = None,
        "mitigated" => pm.mitigated = None,
        "resolved" => pm.resolved = None,
        "action_items" => pm.action_items.clear(),
        other => {
            pm.extra.remove(other);
        }
    }
}

/// The sections of `body` whose heading carries the class `internal`: each
/// from its heading to the next heading of the same or a higher level, or
/// the end.
pub fn internal_sections(body: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut open: Option<(pulldown_cmark::HeadingLevel, usize)> = None;
    for (event, range) in Parser::new_ext(body, dialect::options()).into_offset_iter() {
        let Event::Start(Tag::Heading { level, classes, .. }) = event else {
            continue;
        };
        if let Some((at, start)) = open
            && level <= at
        {
            found.push(start..range.start);
            open = None;
        }
        if open.is_none() && classes.iter().any(|c| c.as_ref() == INTERNAL_CLASS) {
            open = Some((level, range.start));
        }
    }
    if let Some((_, start)) = open {
        found.push(start..body.len());
    }
    found
}

/// Empties `ranges` of `text`, keeping their line breaks so that every
/// line after them keeps its number.
fn blank(text: &mut String, mut ranges: Vec<Range<usize>>) {
    ranges.sort_by_key(|r| std::cmp::Reverse(r.start));
    for range in ranges {
        let Some(part) = text.get(range.clone()) else {
            continue;
        };
        let lines = "\n".repeat(part.matches('\n').count());
        text.replace_range(range, &lines);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_section_runs_to_the_next_heading_of_its_level() {
        let body =
            "# A\n\n## Cause {.internal}\n\nsecret\n\n### Deeper\n\nmore\n\n## Fix\n\nshown\n";
        let sections = internal_sections(body);
        assert_eq!(sections.len(), 1);
        let inside = &body[sections[0].clone()];
        assert!(
            inside.starts_with("## Cause") && inside.ends_with("more\n\n"),
            "{inside:?}"
        );
        let mut text = body.to_string();
        blank(&mut text, sections);
        assert_eq!(text.lines().count(), body.lines().count());
        assert!(!text.contains("secret") && !text.contains("Deeper") && text.contains("shown"));
    }

    #[test]
    fn a_line_without_its_owners_loses_the_brackets_that_held_them() {
        assert_eq!(
            tidy("- [x] Page the team on errors (, )\n"),
            "- [x] Page the team on errors\n"
        );
        assert_eq!(tidy("  - Fix it  [] now ,"), "  - Fix it now");
        assert_eq!(tidy("- Keep (this one)\n"), "- Keep (this one)\n");
        assert_eq!(tidy("- [ ] Validate  \n"), "- [ ] Validate\n");
    }

    /// Redacting never panics and never moves a line, whatever the body:
    /// a seeded stream of the fragments the public edition cuts.
    #[test]
    fn redacting_messy_bodies_keeps_every_line_and_never_panics() {
        const PARTS: &[&str] = &[
            "## Action items\n",
            "## Notes {.internal}\n",
            "### Deep\n",
            "# Top\n",
            "- [ ] ",
            "- [x] ",
            "@ana ",
            "OPS-12 ",
            "#42",
            "(",
            ")",
            "[",
            "]",
            ", ",
            "é",
            "🙂",
            "\n",
            "Setext {.internal}\n---\n",
            "```\n",
            "text ",
            "  ",
            "(@bo, OPS-3)",
            "\r\n",
        ];
        let config = Config::default();
        for body in crate::util::text::seeded_texts(PARTS, 7, 400, 40) {
            let source = format!(
                "---\ntitle: T\ndate: 2024-01-01T00:00:00Z\nseverity: SEV1\nservices: [a]\nvisibility: public\n---\n{body}"
            );
            let mut found = Vec::new();
            let path = std::path::Path::new("content/2024/t.md");
            let Some(pm) = crate::source::postmortem::parse(path, source, &config, &mut found)
            else {
                continue;
            };
            let lines = pm.source.matches('\n').count();
            let (kept, _) = apply(vec![pm], &config, Edition::Public);
            assert_eq!(kept[0].source.matches('\n').count(), lines, "{body:?}");
            assert!(
                kept[0]
                    .action_items
                    .iter()
                    .all(|a| a.owner.is_none() && a.tickets.is_empty()),
                "{body:?}"
            );
        }
    }

    #[test]
    fn an_internal_section_at_the_end_and_setext_headings_are_found() {
        let body = "Intro\n\nNotes {.internal}\n-----\n\nsecret\n";
        let sections = internal_sections(body);
        assert_eq!(sections, vec![7..body.len()]);
    }
}
