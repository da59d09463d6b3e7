//! Action items: what a postmortem commits to doing, and whether it is done.
//!
//! Items come from two places. The body's task lists (`- [ ] text @owner
//! OPS-123 due:2023-02-01`) in sections whose heading names action items,
//! corrective measures, follow-ups or remediation; under a heading that
//! says "Action Items", plain list items count too, as open. And an
//! `action_items:` list in front matter, for teams that want type,
//! priority and status as fields. Both are read when a report is parsed:
//! the archive's pages aggregate them.

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::source::dialect::{self, Section};
use crate::source::frontmatter::{Field, Node};
use crate::util::text::fold_spaces;
use crate::util::tickets::is_reference;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Done,
    Wontfix,
}

impl State {
    pub fn is_open(self) -> bool {
        self == State::Open
    }

    /// As `action-items.json` and `.csv` write it.
    pub fn name(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Done => "done",
            State::Wontfix => "wontfix",
        }
    }

    /// `open` or `done`: what `data-action-state` says (an item that will
    /// not be done is closed as well).
    pub fn attribute(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Done | State::Wontfix => "done",
        }
    }
}

/// What an item does about the incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Prevent,
    Mitigate,
    Detect,
    Process,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Prevent => "prevent",
            Kind::Mitigate => "mitigate",
            Kind::Detect => "detect",
            Kind::Process => "process",
        }
    }
}

const KINDS: [(&str, Kind); 4] = [
    ("prevent", Kind::Prevent),
    ("mitigate", Kind::Mitigate),
    ("detect", Kind::Detect),
    ("process", Kind::Process),
];

const STATES: [(&str, State); 6] = [
    ("todo", State::Open),
    ("open", State::Open),
    ("done", State::Done),
    ("closed", State::Done),
    ("wontfix", State::Wontfix),
    ("won't fix", State::Wontfix),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItem {
    /// What is to be done, without the owner, tickets and due date.
    pub text: String,
    pub owner: Option<String>,
    pub tickets: Vec<String>,
    pub kind: Option<Kind>,
    pub priority: Option<String>,
    pub due: Option<NaiveDate>,
    pub state: State,
    /// The file line it is written on.
    pub line: usize,
    /// Written in the body, as a list item (not in front matter).
    pub in_body: bool,
}

impl ActionItem {
    /// Open with a due date before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.state.is_open() && self.due.is_some_and(|d| d < today)
    }
}

/// A section of the body that holds action items.
#[derive(Debug, PartialEq, Eq)]
struct Part {
    /// Byte range of the section's content, after its heading line.
    range: Range<usize>,
    /// Plain list items count as open items (the heading says "action items").
    plain_items: bool,
}

/// Whether `word` gives a due date (`due:2024-01-31`, any case), or tries
/// to.
pub(crate) fn is_due_word(word: &str) -> bool {
    word.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("due:"))
}

/// The ATX heading on `line`, as (level, text), ignoring up to three
/// spaces of indentation.
fn heading(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    let after = &rest[level..];
    if !(1..=6).contains(&level) || !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some((level, after.trim().trim_end_matches('#').trim_end()))
}

/// The level of a setext heading whose underline is `line` (`===` for 1,
/// `---` for 2).
fn setext(line: &str) -> Option<usize> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let rest = rest.trim_end();
    let level = match rest.as_bytes().first()? {
        b'=' => 1,
        b'-' => 2,
        _ => return None,
    };
    rest.bytes()
        .all(|b| b == rest.as_bytes()[0])
        .then_some(level)
}

/// Whether `line` could be the text of a setext heading: a line of a
/// paragraph, not a list item, quote, heading or indented code.
fn could_be_setext_title(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    line.len() - rest.len() <= 3
        && !rest.trim().is_empty()
        && !rest.starts_with(['>', '#', '|', '<'])
        && !is_list_item(line)
}

/// Whether `line` starts a list item (`- `, `* `, `+ `, `1. `, `1) `).
fn is_list_item(line: &str) -> bool {
    let r = line.trim_start();
    // Only the line's start is read: this runs on every line of every
    // report, and prose lines are long.
    let digits = r.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if digits > 0 {
        r[digits..].starts_with(['.', ')'])
    } else {
        r.starts_with(['-', '*', '+'])
    };
    let after = digits + 1;
    marker && r.len() > after && r[after..].starts_with([' ', '\t'])
}

/// The opening fence of a code block on `line`: its character and length.
fn fence(line: &str) -> Option<(u8, usize)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = rest.len() - rest.trim_start_matches(c as char).len();
    (n >= 3).then_some((c, n))
}

/// The sections of `markdown` that hold action items, found by their
/// headings (outside code blocks). A section ends at the next heading of
/// its level or above.
fn sections(markdown: &str) -> Vec<Part> {
    let mut found = Vec::new();
    let mut open: Option<(usize, usize, bool)> = None; // level, start, plain
    let mut in_fence: Option<(u8, usize)> = None;
    // The line before, when it could be the text of a setext heading.
    let mut prose: Option<(usize, &str)> = None;
    let mut in_item = false;
    let mut at = 0;
    for line in crate::util::text::lines_inclusive(markdown) {
        let start = at;
        at += line.len();
        let text = crate::util::text::without_line_end(line);
        if let Some((c, n)) = in_fence {
            if fence(text).is_some_and(|(c2, n2)| c2 == c && n2 >= n)
                && text
                    .trim_start()
                    .trim_start_matches(c as char)
                    .trim()
                    .is_empty()
            {
                in_fence = None;
            }
            continue;
        }
        // Most lines are prose that starts with a letter: no fence,
        // heading, underline or list item does, so the rest is not asked.
        if text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            prose = (!in_item).then(|| (start, text.trim_end()));
            continue;
        }
        if let Some(f) = fence(text) {
            in_fence = Some(f);
            prose = None;
            continue;
        }
        // An ATX heading, or a setext one: the line before, underlined.
        let (level, title, heading_start) = match (heading(text), setext(text), prose) {
            (Some((level, title)), _, _) => (level, title, start),
            (None, Some(level), Some((from, title))) => (level, title, from),
            _ => {
                // A line right after a list item continues the item, and
                // an underline below it is a thematic break.
                if text.trim().is_empty() {
                    in_item = false;
                } else if is_list_item(text) {
                    in_item = true;
                }
                prose = (!in_item && could_be_setext_title(text)).then_some((start, text.trim()));
                continue;
            }
        };
        prose = None;
        if let Some((open_level, from, plain)) = open
            && level <= open_level
        {
            found.push(Part {
                range: from..heading_start,
                plain_items: plain,
            });
            open = None;
        }
        if open.is_none() {
            open = match dialect::section(title) {
                Some(Section::Actions { plain_items }) => Some((level, at, plain_items)),
                _ => None,
            };
        }
    }
    if let Some((_, from, plain)) = open {
        found.push(Part {
            range: from..markdown.len(),
            plain_items: plain,
        });
    }
    found
}

/// The action items of a report body whose first line is file line
/// `first_line`.
pub fn from_body(markdown: &str, first_line: usize) -> Vec<ActionItem> {
    let mut items = Vec::new();
    let mut lines = Lines {
        markdown: markdown.as_bytes(),
        line: first_line,
        counted: 0,
    };
    for section in sections(markdown) {
        let slice = &markdown[section.range.clone()];
        // Most corrective sections are plain lists or prose: without a task
        // box, only a section that names action items can hold any.
        if !section.plain_items && !has_task_box(slice) {
            continue;
        }
        let events: Vec<_> = Parser::new_ext(slice, dialect::options())
            .into_offset_iter()
            .collect();
        let mut i = 0;
        while i < events.len() {
            if !matches!(events[i].0, Event::Start(Tag::Item)) {
                i += 1;
                continue;
            }
            let end = element_end(&events, i);
            // An item that is not an action item may hold some.
            let Some(reading) = read_item(&events[i..end], section.plain_items) else {
                i += 1;
                continue;
            };
            let line = lines.line_of(section.range.start + events[i].1.start);
            i = end;
            let mut item = parse_text(&reading.text);
            // Sub-items add their words, and what they say of owner,
            // tickets and due date when the item does not say it.
            let mut steps = Vec::new();
            for step in &reading.steps {
                let step = parse_text(step);
                item.owner = item.owner.or(step.owner);
                item.due = item.due.or(step.due);
                item.tickets.extend(step.tickets);
                if !step.text.is_empty() {
                    steps.push(step.text);
                }
            }
            if !steps.is_empty() {
                let own = item.text.trim_end_matches(':');
                item.text = format!("{own}: {}", steps.join("; "));
            }
            if item.text.is_empty() {
                continue;
            }
            item.state = reading.state;
            item.line = line;
            item.in_body = true;
            items.push(item);
        }
    }
    items
}

/// The index after the end of the element that starts at `events[start]`.
fn element_end<T>(events: &[(Event<'_>, T)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    events.len()
}

/// What a list item of an action-item section says, if it is an action
/// item: its text, with its sub-items', and whether it is done.
#[derive(Debug, PartialEq, Eq)]
pub struct ItemReading {
    /// The item's own text, without a mark that says it is done.
    pub text: String,
    /// The text of each sub-item, with theirs.
    pub steps: Vec<String>,
    pub state: State,
}

/// Reads the list item `events` (from its start to its end) of a section
/// that holds action items, with `plain_items` if plain items count.
///
/// An item with a task box is an action item, and so is any item under a
/// heading that names action items. Its sub-items are part of it, not
/// items of their own. It is done when its box is ticked, when its own
/// text is struck through (`~~text~~`) or ends with "(done)", "[done]" or
/// "— done" (see [`without_done_mark`]); with no box and no mark, it is
/// done when it has sub-items with boxes and all of them are ticked.
/// Items that are not action items may hold some: the caller reads those
/// too.
pub fn read_item<T>(events: &[(Event<'_>, T)], plain_items: bool) -> Option<ItemReading> {
    let mut own = String::new();
    let mut steps: Vec<String> = Vec::new();
    let mut task = None;
    let mut sub_tasks: Vec<bool> = Vec::new();
    // Lists deep, items deep (this one is 1), strikethrough deep.
    let (mut lists, mut items, mut struck) = (0usize, 0usize, 0usize);
    // Whether the own text has words outside a strikethrough, and in one.
    let (mut plain_words, mut struck_words) = (false, false);
    for (e, _) in events {
        match e {
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            Event::Start(Tag::Item) => {
                items += 1;
                if items == 2 {
                    steps.push(String::new());
                }
            }
            Event::End(TagEnd::Item) => items = items.saturating_sub(1),
            Event::Start(Tag::Strikethrough) => struck += 1,
            Event::End(TagEnd::Strikethrough) => struck = struck.saturating_sub(1),
            Event::TaskListMarker(done) if lists == 0 => task = Some(*done),
            Event::TaskListMarker(done) => sub_tasks.push(*done),
            Event::Text(t) | Event::Code(t) => {
                if lists == 0 {
                    own.push_str(t);
                    if !t.trim().is_empty() {
                        if struck > 0 {
                            struck_words = true;
                        } else {
                            plain_words = true;
                        }
                    }
                } else if let Some(step) = steps.last_mut() {
                    step.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                if lists == 0 {
                    own.push(' ');
                } else if let Some(step) = steps.last_mut() {
                    step.push(' ');
                }
            }
            _ => {}
        }
    }
    if task.is_none() && !plain_items {
        return None;
    }
    let mut text = fold_spaces(&own);
    let mut marked = struck_words && !plain_words;
    if let Some(rest) = without_done_mark(&text) {
        text = rest.to_string();
        marked = true;
    }
    let steps: Vec<String> = steps
        .iter()
        .map(|s| fold_spaces(s))
        .filter(|s| !s.is_empty())
        .collect();
    let done = match task {
        Some(done) => done || marked,
        None => marked || (!sub_tasks.is_empty() && sub_tasks.iter().all(|&d| d)),
    };
    Some(ItemReading {
        text,
        steps,
        state: if done { State::Done } else { State::Open },
    })
}

/// `text` without the mark at its end that says it is done: "(done)",
/// "[done]", or "done" after a dash (`—`, `–` or `-`), in any case, a full
/// stop after it allowed. `None` when there is no such mark. Owners,
/// tickets and a due date may follow the mark.
pub fn without_done_mark(text: &str) -> Option<String> {
    // Most items have no mark: those are let go before any allocation.
    let bytes = text.as_bytes();
    if !memchr::memchr2_iter(b'd', b'D', bytes).any(|at| {
        bytes
            .get(at..at + 4)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"done"))
    }) {
        return None;
    }
    // Annotations after the mark are set aside, and put back after it.
    let words: Vec<&str> = text.split_whitespace().collect();
    let kept = words
        .iter()
        .rposition(|w| !is_annotation(w))
        .map_or(0, |i| i + 1);
    let (body, tail) = words.split_at(kept);
    let body = body.join(" ");
    let t = body.trim_end_matches('.');
    // ASCII case only, so that offsets into `lower` are offsets into `t`.
    let lower = t.to_ascii_lowercase();
    let rest = if lower.ends_with("(done)") || lower.ends_with("[done]") {
        &t[..t.len() - 6]
    } else if let Some(before) = lower.strip_suffix("done") {
        let before = before.trim_end();
        if !before.ends_with(['—', '–', '-']) {
            return None;
        }
        let dash = before.chars().last().map_or(0, char::len_utf8);
        &t[..before.len() - dash]
    } else {
        return None;
    };
    let rest = rest.trim_end_matches([' ', ',', ';', ':', '-', '–', '—']);
    if rest.is_empty() {
        return None;
    }
    let mut out = rest.to_string();
    for w in tail {
        out.push(' ');
        out.push_str(w);
    }
    Some(out)
}

/// Whether `word` is an owner, ticket or due date annotation.
fn is_annotation(word: &str) -> bool {
    let core = word.trim_matches(is_wrapping);
    core.starts_with('@') || is_due_word(core) || is_reference(core)
}

/// File lines of offsets into a body. Items end in document order but
/// start out of it: an item that holds a list ends after its sub-items, and
/// starts before them. So lines are counted forwards or back from the
/// offset asked for before.
struct Lines<'a> {
    markdown: &'a [u8],
    /// The line of `counted`.
    line: usize,
    counted: usize,
}

impl Lines<'_> {
    fn line_of(&mut self, offset: usize) -> usize {
        let newlines = |range: std::ops::Range<usize>| {
            memchr::memchr_iter(b'\n', &self.markdown[range]).count()
        };
        if offset >= self.counted {
            self.line += newlines(self.counted..offset);
        } else {
            self.line -= newlines(offset..self.counted);
        }
        self.counted = offset;
        self.line
    }
}

/// Whether `text` has something that could be a task box: `[ ]`, `[x]`.
fn has_task_box(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'[' && w[2] == b']' && matches!(w[1], b' ' | b'x' | b'X'))
}

/// Splits an item's text into what is to be done and the annotations
/// written in it: the first `@owner`, ticket references (`OPS-123`,
/// `#42`) and `due:YYYY-MM-DD`.
pub fn parse_text(raw: &str) -> ActionItem {
    let mut item = ActionItem {
        text: String::new(),
        owner: None,
        tickets: Vec::new(),
        kind: None,
        priority: None,
        due: None,
        state: State::Open,
        line: 0,
        in_body: false,
    };
    let mut text = String::with_capacity(raw.len());
    let mut each = |word: &str| {
        // Most words are plain: one that starts with a lower-case letter
        // other than `d` is no owner (`@`), due date (`due:`) or ticket
        // (`#42`, `OPS-1`), and no bracket left of one.
        if word
            .as_bytes()
            .first()
            .is_some_and(|&b| b.is_ascii_lowercase() && b != b'd')
        {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
            return;
        }
        let core = word.trim_matches(is_wrapping);
        if let Some(owner) = core.strip_prefix('@')
            && item.owner.is_none()
            && !owner.is_empty()
        {
            item.owner = Some(owner.to_string());
            return;
        }
        if let Some(date) = is_due_word(core)
            .then(|| NaiveDate::parse_from_str(&core[4..], "%Y-%m-%d").ok())
            .flatten()
        {
            item.due = Some(date);
            return;
        }
        if is_reference(core) {
            item.tickets.push(core.to_string());
            return;
        }
        // What is left of brackets around a taken annotation goes too.
        if matches!(word, "()" | "[]" | "(" | ")") {
            return;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    };
    // Split as `split_whitespace` splits. In ASCII the two rules differ
    // only on the vertical tab, which is white space to Unicode alone: text
    // without one (nearly all) is split a byte at a time.
    if raw.is_ascii() && !raw.as_bytes().contains(&0x0B) {
        raw.split_ascii_whitespace().for_each(&mut each);
    } else {
        raw.split_whitespace().for_each(&mut each);
    }
    let end = text
        .trim_end_matches([' ', ',', ';', ':', '-', '–', '—'])
        .len();
    text.truncate(end);
    item.text = text;
    item
}

/// Where the owners (`@name`) and ticket references (`OPS-123`, `#42`)
/// written in the body's action-item sections are, as byte ranges of
/// `markdown`: what the public edition takes out when it does not show
/// them. Only the words themselves, so no line moves.
pub fn annotations(markdown: &str, owners: bool, tickets: bool) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    for part in sections(markdown) {
        let start = part.range.start;
        for (range, core) in crate::util::tickets::words(&markdown[part.range]) {
            let owner = owners && core.starts_with('@') && core.len() > 1;
            let ticket = tickets && is_reference(core);
            if owner || ticket {
                // The word's core only: brackets and punctuation stay.
                found.push(start + range.start..start + range.end);
            }
        }
    }
    found
}

/// Punctuation around an annotation: `(OPS-1)`, `@dana,`.
fn is_wrapping(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | '.' | ':' | '!' | '?' | '"' | '\''
    )
}

const ITEM_KEYS: [&str; 8] = [
    "text", "owner", "ticket", "tickets", "type", "priority", "due", "status",
];

/// The `action_items:` list of front matter. Each entry is a mapping
/// (`text`, `owner`, `ticket`/`tickets`, `type`, `priority`, `due`,
/// `status`) or just the text. Problems are returned as diagnostics for
/// `path`.
pub fn from_front_matter(field: &Field, path: &Path) -> (Vec<ActionItem>, Vec<Diagnostic>) {
    let mut problems = Problems {
        path,
        found: Vec::new(),
    };
    let entries: Vec<&Field> = match &field.value {
        Node::List(entries) => entries.iter().collect(),
        Node::Null => Vec::new(),
        other => {
            problems.found.push(
                Diagnostic::error(
                    path,
                    "wrong-type",
                    format!("`action_items` must be a list, found {}", other.kind()),
                )
                .at(field.pos.line, field.pos.column)
                .hint("write one `- text: ...` entry per item"),
            );
            Vec::new()
        }
    };
    let items = entries
        .into_iter()
        .filter_map(|entry| front_matter_item(entry, &mut problems))
        .collect();
    (items, problems.found)
}

/// The problems of the action items of one file.
struct Problems<'a> {
    path: &'a Path,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn error(&mut self, at: &Field, message: String, hint: Option<String>) {
        let mut d =
            Diagnostic::error(self.path, "action-item", message).at(at.pos.line, at.pos.column);
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        self.found.push(d);
    }
}

/// One entry of `action_items:`, or `None` if it has no text or is neither
/// a mapping nor text.
fn front_matter_item(entry: &Field, problems: &mut Problems) -> Option<ActionItem> {
    let mut item = parse_text("");
    item.line = entry.pos.line;
    let keys: Vec<(String, Field)> = match &entry.value {
        Node::Map(keys) => keys.clone(),
        scalar if scalar.as_text().is_some() => vec![("text".into(), entry.clone())],
        other => {
            problems.error(
                entry,
                format!(
                    "an action item must be a mapping or text, found {}",
                    other.kind()
                ),
                None,
            );
            return None;
        }
    };
    for (key, value) in &keys {
        if let Some(text) = value.value.as_text() {
            set_key(&mut item, key, text.trim().to_string(), value, problems);
        } else if let (Node::List(list), "tickets") = (&value.value, key.as_str()) {
            item.tickets
                .extend(list.iter().filter_map(|t| t.value.as_text()));
        } else if value.value != Node::Null {
            problems.error(
                value,
                format!(
                    "`{key}` of an action item must be text, found {}",
                    value.value.kind()
                ),
                None,
            );
        }
    }
    // Only `text` writes the text: without one, or with an empty one, the
    // item has none.
    if item.text.is_empty() {
        problems.error(
            entry,
            "an action item needs a `text`".into(),
            Some("e.g. `- text: \"Add a canary stage\"`".into()),
        );
        return None;
    }
    item.tickets.dedup();
    Some(item)
}

/// Sets what `key: text` of an action item says; `value` is where it was
/// written.
fn set_key(item: &mut ActionItem, key: &str, text: String, value: &Field, problems: &mut Problems) {
    match key {
        "text" => {
            // Annotations written in the text count as well.
            let parsed = parse_text(&text);
            item.text = parsed.text;
            item.owner = item.owner.take().or(parsed.owner);
            item.tickets.extend(parsed.tickets);
            item.due = item.due.or(parsed.due);
        }
        "owner" => item.owner = Some(text.trim_start_matches('@').to_string()),
        "ticket" | "tickets" => item.tickets.push(text),
        "priority" => item.priority = Some(text),
        "type" => match lookup(&KINDS, &text) {
            Some(kind) => item.kind = Some(kind),
            None => problems.error(
                value,
                format!("unknown action item type {text:?}"),
                Some(expected(&text, KINDS.iter().map(|(n, _)| *n))),
            ),
        },
        "status" => match lookup(&STATES, &text) {
            Some(state) => item.state = state,
            None => problems.error(
                value,
                format!("unknown action item status {text:?}"),
                Some(expected(&text, ["todo", "done", "wontfix"].into_iter())),
            ),
        },
        "due" => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(date) => item.due = Some(date),
            Err(_) => problems.error(
                value,
                format!("`due` of an action item is not a date: {text:?}"),
                Some("write the date as YYYY-MM-DD, e.g. 2023-02-01".into()),
            ),
        },
        _ => problems.error(
            value,
            format!("unknown action item key `{key}`"),
            Some(expected(key, ITEM_KEYS.into_iter())),
        ),
    }
}

fn lookup<T: Copy>(table: &[(&str, T)], text: &str) -> Option<T> {
    let text = text.to_lowercase();
    table
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, v)| *v)
}

fn expected<'a>(text: &str, names: impl Iterator<Item = &'a str> + Clone) -> String {
    let list = names.clone().collect::<Vec<_>>().join(", ");
    match did_you_mean(text, names) {
        Some(s) => format!("did you mean {s}? expected one of {list}"),
        None => format!("expected one of {list}"),
    }
}

#[cfg(test)]
mod tests;
