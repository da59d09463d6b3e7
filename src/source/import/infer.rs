//! What a report's own text says about the fields front matter would hold:
//! the title its first heading gives, when the incident started (a labelled
//! line, the timeline, a date in the prose), when it was detected and
//! resolved, its severity, services and tags, and its summary.
//!
//! Real reports are read line by line rather than as Markdown, because
//! their authors write labels as plain lines (`Issue Summary:`), indent
//! timelines into what Markdown reads as code, and put the facts in
//! `Label: value` lines. Every value found says where it came from.

use chrono::{DateTime, FixedOffset};

mod labels;
mod times;

use labels::{Label, Labelled, is_known_label, label, labelled};
use times::Times;

use crate::source::dialect::{self, Section};
use crate::source::timeline;
use crate::util::zone::Zone;

/// A value and where in the text it was found, for the reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub value: T,
    pub from: String,
}

fn found<T>(value: T, from: impl Into<String>) -> Found<T> {
    Found {
        value,
        from: from.into(),
    }
}

/// What the text says.
#[derive(Debug, Clone, Default)]
pub struct Inferred {
    pub title: Option<Found<String>>,
    /// The bytes of the body that hold the title, taken out so that the
    /// page does not show it twice.
    pub title_span: Option<std::ops::Range<usize>>,
    pub date: Option<Found<DateTime<FixedOffset>>>,
    pub detected: Option<Found<DateTime<FixedOffset>>>,
    pub mitigated: Option<Found<DateTime<FixedOffset>>>,
    pub resolved: Option<Found<DateTime<FixedOffset>>>,
    /// As written (`SEV2`, `P1`, `high`): the caller maps it onto the
    /// configured severities.
    pub severity: Option<Found<String>>,
    /// Names as written.
    pub services: Option<Found<Vec<String>>>,
    pub tags: Option<Found<Vec<String>>>,
    pub authors: Option<Found<Vec<String>>>,
    pub id: Option<Found<String>>,
    pub summary: Option<Found<String>>,
    /// The zone the text says its times are in, if it says.
    pub zone_note: Option<Found<FixedOffset>>,
    /// What a reviewer should know: times read in an assumed zone, values
    /// left out because they contradict others.
    pub notes: Vec<String>,
}

/// Where times the text writes without a zone are read, when it names
/// none: the report's `timezone` or the site's; UTC when neither is set.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub zone: Option<Zone>,
    /// When front matter already gave the start, the timeline is placed
    /// around it.
    pub start: Option<DateTime<FixedOffset>>,
}

/// Reads `body`, whose first line is line `body_line` of its file.
pub fn read(body: &str, body_line: usize, context: Context) -> Inferred {
    let lines = lines(body, body_line);
    let mut inferred = Inferred::default();
    title(&lines, &mut inferred);
    let labels = labelled(&lines);
    inferred.zone_note = lines
        .iter()
        .find_map(|l| timeline::zone_note(&l.plain).map(|z| found(z, format!("line {}", l.no))));
    let mut times = Times::new(&inferred, context);
    times.read(&lines, &labels, &mut inferred);
    facts(&lines, &labels, &mut inferred);
    inferred.summary = summary(body, &lines);
    inferred
}

/// One line of the body, with Markdown's line markers taken off.
#[derive(Debug)]
struct Line<'a> {
    /// The file line.
    no: usize,
    /// Where the line starts in the body, and where the next one does.
    start: usize,
    end: usize,
    raw: &'a str,
    /// The text without indentation, quote and list markers, heading marks
    /// or emphasis around it.
    plain: String,
    /// `#` marks of an ATX heading (0: not one).
    level: usize,
    /// Inside a fenced code block, or its fence.
    fenced: bool,
}

fn lines(body: &str, body_line: usize) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut fence: Option<&str> = None;
    for (i, chunk) in body.split_inclusive('\n').enumerate() {
        let raw = chunk.trim_end_matches(['\n', '\r']);
        let trimmed = raw.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        let fenced = match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                true
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                true
            }
            (open, _) => open.is_some(),
        };
        let level = heading_level(raw);
        out.push(Line {
            no: body_line + i,
            start: offset,
            end: offset + chunk.len(),
            raw,
            plain: plain(raw, level),
            level: if fenced { 0 } else { level },
            fenced,
        });
        offset += chunk.len();
    }
    out
}

/// The level of an ATX heading (`## Timeline`), or 0.
fn heading_level(raw: &str) -> usize {
    let indent = raw.len() - raw.trim_start_matches(' ').len();
    if indent > 3 {
        return 0;
    }
    let rest = &raw[indent..];
    let marks = rest.bytes().take_while(|b| *b == b'#').count();
    let after = rest[marks..].chars().next();
    if (1..=6).contains(&marks) && after.is_none_or(char::is_whitespace) {
        marks
    } else {
        0
    }
}

fn plain(raw: &str, level: usize) -> String {
    let mut text = raw.trim();
    if level > 0 {
        text = text.trim_start_matches('#').trim();
        text = text.trim_end_matches('#').trim_end();
    }
    loop {
        let before = text;
        text = text.trim_start_matches('>').trim_start();
        for bullet in ["- ", "* ", "+ ", "• "] {
            if let Some(rest) = text.strip_prefix(bullet) {
                text = rest.trim_start();
            }
        }
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=3).contains(&digits) && text[digits..].starts_with(". ") {
            text = text[digits + 2..].trim_start();
        }
        for task in ["[ ] ", "[x] ", "[X] "] {
            if let Some(rest) = text.strip_prefix(task) {
                text = rest.trim_start();
            }
        }
        if text == before {
            break;
        }
    }
    text.replace("**", "")
        .replace("__", "")
        .trim_matches(['*', '_', ' '])
        .to_string()
}

/// Words that name a section rather than an incident.
const SECTION_WORDS: &[&str] = &[
    "summary",
    "overview",
    "timeline",
    "impact",
    "root cause",
    "duration",
    "description",
    "resolution",
    "background",
    "introduction",
    "incident description",
    "what happened",
];

/// Titles that say only what kind of document it is.
const GENERIC_TITLES: &[&str] = &[
    "postmortem",
    "post mortem",
    "post-mortem",
    "postmortem report",
    "incident report",
    "incident postmortem",
    "outage report",
    "incident",
    "report",
    "untitled",
];

/// The words of a heading, in lower case, punctuation folded to spaces.
pub(super) fn words(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_section_name(text: &str) -> bool {
    let w = words(text);
    dialect::section(text).is_some()
        || SECTION_WORDS
            .iter()
            .any(|s| w == *s || w.ends_with(&format!(" {s}")))
}

fn is_generic(text: &str) -> bool {
    let w = words(text);
    // `0x19. Postmortem`, `Postmortem Project`, `POSTMORTERM :clipboard:`.
    let meaningful: Vec<&str> = w
        .split(' ')
        .filter(|x| !x.starts_with("0x") && !x.chars().all(|c| c.is_ascii_digit()))
        .filter(|x| !matches!(*x, "project" | "my" | "first" | "the" | "clipboard"))
        .collect();
    let w = meaningful.join(" ");
    w.is_empty() || w == "postmorterm" || GENERIC_TITLES.contains(&w.as_str())
}

/// The title: the opening heading, or a short opening line; past an
/// opening heading that only says "Postmortem", the next heading of its
/// level that is not a section's name.
fn title(lines: &[Line], inferred: &mut Inferred) {
    // Banner images and link definitions before the title are not it.
    let Some(first) = lines
        .iter()
        .position(|l| !l.plain.is_empty() && !l.fenced && !is_decoration(&l.plain))
    else {
        return;
    };
    let line = &lines[first];
    let setext = lines
        .get(first + 1)
        .is_some_and(|next| is_setext_underline(next.raw));
    let candidate = (line.level > 0 || setext || is_title_line(lines, first)).then_some(first);
    let Some(at) = candidate else {
        return;
    };
    let chosen = if is_generic(&lines[at].plain) {
        let level = lines[at].level.max(1);
        let better = lines[at + 1..]
            .iter()
            .position(|l| l.level > 0 && l.level <= level)
            .map(|i| at + 1 + i)
            .filter(|&i| !is_section_name(&lines[i].plain) && !is_generic(&lines[i].plain));
        better.unwrap_or(at)
    } else {
        at
    };
    let line = &lines[chosen];
    if is_section_name(&line.plain) {
        return;
    }
    let text = inline_text(&line.plain);
    if text.is_empty() {
        return;
    }
    let kind = if line.level > 0 {
        "heading"
    } else {
        "first line"
    };
    let mut from = format!("{kind}, line {}", line.no);
    if is_generic(&text) {
        from.push_str(" (says only what the document is: give it a better title)");
    }
    let underline = chosen == first && setext;
    let end = if underline {
        lines[chosen + 1].end
    } else {
        line.end
    };
    inferred.title_span = Some(line.start..end);
    inferred.title = Some(found(text, from));
}

/// A line of images (`![graph]`, `![1]: x.png`) or link definitions only:
/// decoration before the title, not text.
fn is_decoration(plain: &str) -> bool {
    let t = plain.trim();
    (t.starts_with("![") || (t.starts_with('[') && t.contains("]:")))
        && !t.split_whitespace().any(|w| {
            !(w.starts_with("![")
                || w.starts_with('[')
                || w.starts_with('(')
                || w.ends_with(')')
                || w.ends_with(']'))
        })
}

fn is_setext_underline(raw: &str) -> bool {
    let t = raw.trim();
    !t.is_empty()
        && (t.bytes().all(|b| b == b'=') || (t.len() >= 3 && t.bytes().all(|b| b == b'-')))
}

/// Whether the first line of the text, not a heading, reads as a title: one
/// short line standing alone, not a sentence, a label or a section's name.
fn is_title_line(lines: &[Line], at: usize) -> bool {
    let line = &lines[at];
    // Followed by a blank line, a heading, or a line that names a section
    // (`Issue Summary`), as a title is.
    let alone = lines
        .get(at + 1)
        .is_none_or(|next| next.plain.is_empty() || next.level > 0 || opens(next).is_some());
    let text = line.plain.trim_end_matches(':');
    alone
        && line.raw.len() == line.raw.trim_start().len()
        && text.chars().count() <= 100
        && !text.ends_with(['.', '!', '?'])
        && !line.plain.ends_with(':')
        && !is_section_name(text)
        && !is_known_label(&line.plain)
}

/// Markdown that a title does not need: links keep their text, code its
/// words, emoji shortcodes go.
fn inline_text(text: &str) -> String {
    let plain = dialect::plain_text(text);
    let mut out: Vec<&str> = Vec::new();
    for word in plain.split_whitespace() {
        let shortcode = word.len() > 2
            && word.starts_with(':')
            && word.trim_end_matches(['.', ',']).ends_with(':');
        if !shortcode {
            out.push(word);
        }
    }
    out.join(" ")
        .trim_end_matches([':', '.'])
        .trim()
        .to_string()
}

/// The section a line is in, as far as inference cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Summary,
    Timeline,
    Other,
}

/// The part a heading, or a line standing as one (`Issue Summary:`,
/// `**Timeline**`), opens; `None` for a line that is no heading.
fn opens(line: &Line) -> Option<Part> {
    let text = line.plain.trim_end_matches(':').trim();
    let as_heading = line.level > 0
        || (!line.fenced
            && !text.is_empty()
            && text.split_whitespace().count() <= 6
            && label(&line.plain).is_none_or(|(_, v)| v.is_empty())
            && (is_section_name(text) || dialect::is_timeline_label(line.raw)));
    if !as_heading {
        return None;
    }
    let w = words(text);
    Some(match dialect::section(text) {
        Some(Section::Timeline) => Part::Timeline,
        _ if dialect::is_timeline_label(line.raw) => Part::Timeline,
        Some(Section::Actions { .. }) => Part::Other,
        None if w.contains("summary") || w.contains("overview") => Part::Summary,
        None => Part::Other,
    })
}

/// The first paragraph of a Summary section.
fn summary(body: &str, lines: &[Line]) -> Option<Found<String>> {
    let at = lines.iter().position(|l| opens(l) == Some(Part::Summary))?;
    let end = lines[at + 1..]
        .iter()
        .position(|l| opens(l).is_some())
        .map_or(lines.len(), |i| at + 1 + i);
    let from = lines[at].end;
    let to = lines.get(end).map_or(body.len(), |l| l.start);
    let section = body.get(from..to)?;
    let text = dialect::first_paragraph(section);
    let text = text.trim();
    if text.is_empty() || is_known_label(text) {
        return None;
    }
    Some(found(
        lede(text),
        format!(
            "first paragraph under \"{}\", line {}",
            lines[at].plain.trim_end_matches(':'),
            lines[at].no
        ),
    ))
}

/// The first sentences of a paragraph, up to about two lines of a page:
/// what a summary under the title and in a link's preview can hold. A
/// first sentence longer than that is cut at a word, with `…`.
fn lede(paragraph: &str) -> String {
    const ENOUGH: usize = 120;
    const MOST: usize = 300;
    let mut end = 0;
    for (i, c) in paragraph.char_indices() {
        let next = i + c.len_utf8();
        let closes = matches!(c, '.' | '!' | '?')
            && paragraph[next..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
        if closes {
            if next > MOST && end > 0 {
                break;
            }
            end = next;
            if end >= ENOUGH {
                break;
            }
        }
    }
    if end == 0 || end > MOST {
        if paragraph.len() <= MOST {
            return paragraph.to_string();
        }
        let mut cut = MOST;
        while !paragraph.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = paragraph[..cut].rfind(' ').unwrap_or(cut);
        return format!("{}…", paragraph[..cut].trim_end_matches([',', ';', ':']));
    }
    paragraph[..end].to_string()
}

/// Severity, services, tags, authors and id from labelled lines, and a
/// severity from a mention in the text.
fn facts(lines: &[Line], labels: &[Labelled], inferred: &mut Inferred) {
    let from = |l: &Labelled| l.source();
    for l in labels {
        match l.label {
            Label::Severity if inferred.severity.is_none() => {
                inferred.severity = Some(found(l.value.trim().to_string(), from(l)));
            }
            Label::Services if inferred.services.is_none() => {
                let names = short_items(l.value);
                if !names.is_empty() {
                    inferred.services = Some(found(names, from(l)));
                }
            }
            Label::Tags if inferred.tags.is_none() => {
                let names = short_items(l.value);
                if !names.is_empty() {
                    inferred.tags = Some(found(names, from(l)));
                }
            }
            Label::Authors if inferred.authors.is_none() => {
                let names = short_items(l.value);
                if !names.is_empty() {
                    inferred.authors = Some(found(names, from(l)));
                }
            }
            Label::Id if inferred.id.is_none() => {
                let id = l.value.trim().trim_start_matches('#');
                if crate::util::url::is_valid_slug(id) {
                    inferred.id = Some(found(id.to_string(), from(l)));
                }
            }
            _ => {}
        }
    }
    if inferred.severity.is_none() {
        inferred.severity = lines.iter().filter(|l| !l.fenced).find_map(|l| {
            severity_mention(&l.plain).map(|s| found(s, format!("mentioned on line {}", l.no)))
        });
    }
}

/// The items of a short list written on one line (`Kubernetes, etcd`);
/// a value that reads as a sentence gives none.
fn short_items(value: &str) -> Vec<String> {
    value
        .split([',', ';'])
        .map(|item| {
            inline_text(item.trim())
                .trim_matches(|c: char| "\"'[](){}`".contains(c))
                .trim()
                .to_string()
        })
        .filter(|item| {
            !crate::util::url::slugify(item).is_empty()
                && item.chars().count() <= 40
                && item.split_whitespace().count() <= 4
        })
        .collect()
}

/// `SEV1`, `Sev 2`, `SEV-0`, `Severity 3` or a standalone `P1` in a line.
fn severity_mention(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (i, _) in text.char_indices() {
        if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &text[i..];
        let lower = rest
            .get(..rest.len().min(9))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let after = if lower.starts_with("severity") {
            8
        } else if lower.starts_with("sev") {
            3
        } else if rest.starts_with('P') {
            1
        } else {
            continue;
        };
        let tail = &rest[after..];
        let gap = if after == 1 {
            0
        } else {
            tail.len() - tail.trim_start_matches([' ', '-']).len()
        };
        let digits = &tail[gap..];
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        let ends = !digits
            .as_bytes()
            .get(n)
            .is_some_and(u8::is_ascii_alphanumeric);
        if n == 1 && ends && (after != 1 || digits.as_bytes()[0] <= b'4') {
            return Some(rest[..after + gap + n].to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests;
