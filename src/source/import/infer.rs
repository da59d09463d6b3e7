//! What a report's own text says about the fields front matter would hold:
//! the title its first heading gives, when the incident started (a labelled
//! line, the timeline, a date in the prose), when it was detected and
//! resolved, its severity, services and tags, and its summary.
//!
//! Real reports are read line by line rather than as Markdown, because
//! their authors write labels as plain lines (`Issue Summary:`), indent
//! timelines into what Markdown reads as code, and put the facts in
//! `Label: value` lines. Every value found says where it came from.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Offset, TimeDelta, Utc};

use crate::source::dialect::{self, Section};
use crate::source::timeline::{self, CellTime, Clock};
use crate::util::duration;
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
fn words(text: &str) -> String {
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
    let Some(first) = lines.iter().position(|l| !l.plain.is_empty() && !l.fenced) else {
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

fn is_setext_underline(raw: &str) -> bool {
    let t = raw.trim();
    !t.is_empty()
        && (t.bytes().all(|b| b == b'=') || (t.len() >= 3 && t.bytes().all(|b| b == b'-')))
}

/// Whether the first line of the text, not a heading, reads as a title: one
/// short line standing alone, not a sentence, a label or a section's name.
fn is_title_line(lines: &[Line], at: usize) -> bool {
    let line = &lines[at];
    let alone = lines
        .get(at + 1)
        .is_none_or(|next| next.plain.is_empty() || next.level > 0);
    let text = line.plain.trim_end_matches(':');
    alone
        && line.raw.len() == line.raw.trim_start().len()
        && text.chars().count() <= 100
        && !text.ends_with(['.', '!', '?'])
        && !line.plain.ends_with(':')
        && !is_section_name(text)
        && !is_known_label(&line.plain)
}

/// Whether a line is `Label: value` with a label this module reads.
fn is_known_label(plain: &str) -> bool {
    label(plain).is_some_and(|(name, _)| LABELS.iter().any(|(l, _)| *l == name))
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

/// `Label: value` at the start of a line: the label in lower-case words,
/// and the value. A label is at most five words.
fn label(plain: &str) -> Option<(String, &str)> {
    let colon = plain.find(':')?;
    let name = &plain[..colon];
    let n = words(name);
    if n.is_empty() || n.split(' ').count() > 5 || name.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((n, plain[colon + 1..].trim()))
}

/// What a label says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Start,
    End,
    Detected,
    Mitigated,
    /// From start to end: two moments, or a length.
    Duration,
    ToDetect,
    ToMitigate,
    ToRecover,
    Severity,
    Services,
    Tags,
    Id,
    Authors,
}

const LABELS: &[(&str, Label)] = &[
    ("date", Label::Start),
    ("incident date", Label::Start),
    ("date of incident", Label::Start),
    ("date of the incident", Label::Start),
    ("start", Label::Start),
    ("start time", Label::Start),
    ("started", Label::Start),
    ("started at", Label::Start),
    ("began", Label::Start),
    ("impact start", Label::Start),
    ("start of impact", Label::Start),
    ("outage start", Label::Start),
    ("incident start", Label::Start),
    ("occurred", Label::Start),
    ("when", Label::Start),
    ("end", Label::End),
    ("end time", Label::End),
    ("ended", Label::End),
    ("ended at", Label::End),
    ("resolved", Label::End),
    ("resolved at", Label::End),
    ("resolution time", Label::End),
    ("recovered", Label::End),
    ("restored", Label::End),
    ("outage end", Label::End),
    ("incident end", Label::End),
    ("end of impact", Label::End),
    ("detected", Label::Detected),
    ("detected at", Label::Detected),
    ("detection", Label::Detected),
    ("detection time", Label::Detected),
    ("first alert", Label::Detected),
    ("mitigated", Label::Mitigated),
    ("mitigated at", Label::Mitigated),
    ("mitigation time", Label::Mitigated),
    ("duration", Label::Duration),
    ("total duration", Label::Duration),
    ("outage duration", Label::Duration),
    ("duration of the outage", Label::Duration),
    ("duration of outage", Label::Duration),
    ("downtime", Label::Duration),
    ("time to detection", Label::ToDetect),
    ("time to detect", Label::ToDetect),
    ("ttd", Label::ToDetect),
    ("mttd", Label::ToDetect),
    ("time to mitigate", Label::ToMitigate),
    ("time to mitigation", Label::ToMitigate),
    ("ttm", Label::ToMitigate),
    ("time to recovery", Label::ToRecover),
    ("time to recover", Label::ToRecover),
    ("time to resolve", Label::ToRecover),
    ("time to resolution", Label::ToRecover),
    ("time to restore", Label::ToRecover),
    ("time to repair", Label::ToRecover),
    ("ttr", Label::ToRecover),
    ("mttr", Label::ToRecover),
    ("severity", Label::Severity),
    ("sev", Label::Severity),
    ("severity level", Label::Severity),
    ("incident severity", Label::Severity),
    ("priority", Label::Severity),
    ("impact level", Label::Severity),
    ("category", Label::Services),
    ("categories", Label::Services),
    ("service", Label::Services),
    ("services", Label::Services),
    ("affected service", Label::Services),
    ("affected services", Label::Services),
    ("affected system", Label::Services),
    ("affected systems", Label::Services),
    ("component", Label::Services),
    ("components", Label::Services),
    ("system", Label::Services),
    ("systems", Label::Services),
    ("product", Label::Services),
    ("tags", Label::Tags),
    ("labels", Label::Tags),
    ("keywords", Label::Tags),
    ("id", Label::Id),
    ("incident id", Label::Id),
    ("incident number", Label::Id),
    ("author", Label::Authors),
    ("authors", Label::Authors),
    ("written by", Label::Authors),
    ("prepared by", Label::Authors),
];

/// A labelled line: which label, the label as written, the value, and
/// the line's number.
struct Labelled<'a> {
    label: Label,
    name: &'a str,
    value: &'a str,
    no: usize,
}

fn labelled<'a>(lines: &'a [Line]) -> Vec<Labelled<'a>> {
    lines
        .iter()
        .filter(|l| !l.fenced)
        .filter_map(|l| {
            let (name, value) = label(&l.plain)?;
            let (_, kind) = LABELS.iter().find(|(n, _)| *n == name)?;
            let written = l.plain[..l.plain.find(':')?].trim();
            (!value.is_empty()).then_some(Labelled {
                label: *kind,
                name: written,
                value,
                no: l.no,
            })
        })
        .collect()
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
        text.to_string(),
        format!(
            "first paragraph under \"{}\", line {}",
            lines[at].plain.trim_end_matches(':'),
            lines[at].no
        ),
    ))
}

/// A timeline entry as written.
struct Row {
    cell: CellTime,
    text: String,
    no: usize,
    /// The zone of its table or section, if a note names one.
    note: Option<FixedOffset>,
}

/// The entries of the body's timeline sections: table rows and lines that
/// start with a time.
fn rows(lines: &[Line], year_hint: i32) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut part = Part::Other;
    let mut note = None;
    for line in lines {
        if let Some(p) = opens(line) {
            part = p;
            note = timeline::zone_note(&line.plain);
            continue;
        }
        if part != Part::Timeline || line.plain.is_empty() {
            continue;
        }
        if let Some(zone) = timeline::zone_note(&line.plain) {
            note = Some(zone);
        }
        let trimmed = line.raw.trim();
        let (first, rest) = if trimmed.starts_with('|') {
            let cells: Vec<&str> = trimmed.trim_matches('|').split('|').collect();
            let first = cells.first().copied().unwrap_or_default();
            (
                first.to_string(),
                cells.get(1..).unwrap_or_default().join(" "),
            )
        } else {
            (line.plain.clone(), String::new())
        };
        let Some((cell, used)) = timeline::parse_time(&first, year_hint) else {
            continue;
        };
        if cell
            .date
            .is_some_and(|d| chrono::Datelike::year(&d) == NO_YEAR)
        {
            continue;
        }
        let text = if rest.is_empty() {
            first
                .get(used..)
                .unwrap_or_default()
                .trim_start_matches([':', '-', ' ', '–', '—', ')'])
                .to_string()
        } else {
            rest
        };
        rows.push(Row {
            cell,
            text: text.trim().to_string(),
            no: line.no,
            note,
        });
    }
    rows
}

/// The year given to a date written without one when the text names no
/// year at all: such a row is passed over.
const NO_YEAR: i32 = 1;

/// Words of a timeline entry that say the incident was detected, mitigated
/// or over.
const DETECTED_WORDS: &[&str] = &[
    "detect",
    "alert",
    "paged",
    "noticed",
    "first report",
    "reported by",
];
const MITIGATED_WORDS: &[&str] = &[
    "mitigat",
    "rolled back",
    "rollback",
    "roll back",
    "workaround",
    "failed over",
    "failover",
];
const RESOLVED_WORDS: &[&str] = &[
    "resolved",
    "recovered",
    "recovery",
    "restored",
    "back to normal",
    "fully operational",
    "all clear",
    "incident closed",
];

fn says(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// The moments of the incident, and the zone they are read in.
struct Times {
    context: Context,
    /// The zone the text names for its times, if any.
    note: Option<FixedOffset>,
    assumed_utc: bool,
}

impl Times {
    fn new(inferred: &Inferred, context: Context) -> Times {
        Times {
            context,
            note: inferred.zone_note.as_ref().map(|z| z.value),
            assumed_utc: false,
        }
    }

    /// The zone of a time written without one.
    fn zone(&mut self, own: Option<FixedOffset>, note: Option<FixedOffset>) -> Zone {
        if let Some(z) = own.or(note).or(self.note) {
            return Zone::Fixed(z);
        }
        self.context.zone.unwrap_or_else(|| {
            self.assumed_utc = true;
            Zone::Fixed(Utc.fix())
        })
    }

    fn at(
        &mut self,
        date: NaiveDate,
        time: NaiveTime,
        own: Option<FixedOffset>,
    ) -> Option<DateTime<FixedOffset>> {
        let zone = self.zone(own, None);
        zone.local_or_after(date.and_time(time)).map(|(t, _)| t)
    }

    fn read(&mut self, lines: &[Line], labels: &[Labelled], inferred: &mut Inferred) {
        let prose: Vec<(timeline::Moment, usize)> = lines
            .iter()
            .filter(|l| !l.fenced)
            .flat_map(|l| timeline::moments(l.raw).into_iter().map(move |m| (m, l.no)))
            .collect();
        let year_hint = prose
            .first()
            .map_or(NO_YEAR, |(m, _)| chrono::Datelike::year(&m.date));
        let rows = rows(lines, year_hint);

        let start = self.context.start.map(|t| found(t, "front matter"));
        let start = start
            .or_else(|| self.labelled_start(labels))
            .or_else(|| self.timeline_start(&rows, &prose))
            .or_else(|| self.prose_start(&prose));
        let Some(start) = start else {
            return;
        };
        let placed = self.place(&rows, start.value);
        if self.context.start.is_none() {
            inferred.date = Some(start.clone());
        }
        let date = start.value;
        let later = |t: &DateTime<FixedOffset>| *t >= date;
        inferred.detected = self
            .labelled_moment(labels, Label::Detected, date)
            .or_else(|| self.elapsed(labels, Label::ToDetect, date))
            .or_else(|| first_saying(&placed, DETECTED_WORDS))
            .filter(|f| later(&f.value));
        inferred.resolved = self
            .labelled_moment(labels, Label::End, date)
            .or_else(|| self.range_end(labels, date))
            .or_else(|| self.elapsed(labels, Label::ToRecover, date))
            .or_else(|| self.elapsed(labels, Label::Duration, date))
            .or_else(|| last_saying(&placed, RESOLVED_WORDS))
            .filter(|f| f.value > date);
        let before_end =
            |t: &DateTime<FixedOffset>| inferred.resolved.as_ref().is_none_or(|r| *t <= r.value);
        inferred.mitigated = self
            .labelled_moment(labels, Label::Mitigated, date)
            .or_else(|| self.elapsed(labels, Label::ToMitigate, date))
            .or_else(|| first_saying(&placed, MITIGATED_WORDS))
            .filter(|f| later(&f.value) && before_end(&f.value));
        if inferred
            .detected
            .as_ref()
            .is_some_and(|d| !before_end(&d.value))
        {
            inferred
                .notes
                .push("a detection time after the end was left out".into());
            inferred.detected = None;
        }
        if self.assumed_utc {
            inferred.notes.push(
                "the text names no time zone and none is set: its times were read as UTC".into(),
            );
        }
    }

    /// A `Start:` or `Date:` line, or the first moment of a `Duration: …
    /// to …` line.
    fn labelled_start(&mut self, labels: &[Labelled]) -> Option<Found<DateTime<FixedOffset>>> {
        labels
            .iter()
            .filter(|l| matches!(l.label, Label::Start | Label::Duration))
            .find_map(|l| {
                let moments = timeline::moments(l.value);
                let first = moments.first()?;
                let zone = first
                    .offset
                    .or_else(|| moments.iter().find_map(|m| m.offset));
                let time = first.time.unwrap_or(NaiveTime::MIN);
                let at = self.at(first.date, time, zone)?;
                let mut from = format!("\"{}:\" line {}", l.name, l.no);
                if first.time.is_none() {
                    from.push_str(" (a day only: 00:00 assumed)");
                }
                Some(found(at, from))
            })
    }

    /// The earliest timeline entry, placed on the day its row or the prose
    /// names.
    fn timeline_start(
        &mut self,
        rows: &[Row],
        prose: &[(timeline::Moment, usize)],
    ) -> Option<Found<DateTime<FixedOffset>>> {
        let first = rows.first()?;
        let anchor = match first
            .cell
            .date
            .or_else(|| rows.iter().find_map(|r| r.cell.date))
        {
            Some(day) => day,
            None => prose.first()?.0.date,
        };
        let zone = self.zone(first.cell.offset, first.note);
        let start = zone.local_or_after(anchor.and_time(first.cell.time))?.0;
        let placed = self.place(rows, start);
        let (earliest, row) = placed.iter().min_by_key(|(t, _)| *t)?;
        let mut from = format!("timeline, line {}", row.no);
        if row.cell.date.is_none() {
            from.push_str(" (the day from the text)");
        }
        Some(found(*earliest, from))
    }

    fn prose_start(
        &mut self,
        prose: &[(timeline::Moment, usize)],
    ) -> Option<Found<DateTime<FixedOffset>>> {
        let (m, no) = prose.first()?;
        let at = self.at(m.date, m.time.unwrap_or(NaiveTime::MIN), m.offset)?;
        let mut from = format!("a date in the text, line {no}");
        if m.time.is_none() {
            from.push_str(" (a day only: 00:00 assumed)");
        }
        Some(found(at, from))
    }

    /// Every timeline entry as an instant, in the order written.
    fn place<'r>(
        &mut self,
        rows: &'r [Row],
        start: DateTime<FixedOffset>,
    ) -> Vec<(DateTime<FixedOffset>, &'r Row)> {
        let Some(first) = rows.first() else {
            return Vec::new();
        };
        let zone = self.zone(None, first.note);
        let mut clock = Clock::in_zone(start, zone);
        rows.iter()
            .map(|row| {
                let mut cell = row.cell;
                if cell.offset.is_none() {
                    cell.offset = row.note.or(self.note);
                }
                (clock.place(cell).at, row)
            })
            .collect()
    }

    fn labelled_moment(
        &mut self,
        labels: &[Labelled],
        kind: Label,
        date: DateTime<FixedOffset>,
    ) -> Option<Found<DateTime<FixedOffset>>> {
        labels.iter().filter(|l| l.label == kind).find_map(|l| {
            let from = format!("\"{}:\" line {}", l.name, l.no);
            if let Some(m) = timeline::moments(l.value).first() {
                let time = m.time?;
                return Some(found(self.at(m.date, time, m.offset)?, from));
            }
            // A time alone is on the day of the start, or the day after.
            let (cell, _) = timeline::parse_time(l.value, chrono::Datelike::year(&date))?;
            let mut clock = Clock::in_zone(date, self.zone(cell.offset, None));
            let at = clock.place(CellTime { date: None, ..cell }).at;
            Some(found(at, from))
        })
    }

    /// The second moment of a `Duration: … to …` line.
    fn range_end(
        &mut self,
        labels: &[Labelled],
        date: DateTime<FixedOffset>,
    ) -> Option<Found<DateTime<FixedOffset>>> {
        labels
            .iter()
            .filter(|l| matches!(l.label, Label::Duration | Label::Start))
            .find_map(|l| {
                let moments = timeline::moments(l.value);
                let end = moments.get(1)?;
                let time = end.time?;
                let zone = end.offset.or_else(|| moments.iter().find_map(|m| m.offset));
                let at = self.at(end.date, time, zone)?;
                (at > date).then(|| found(at, format!("\"{}:\" line {}", l.name, l.no)))
            })
    }

    /// The start plus a length a line states (`Time to recovery: 13 minutes`).
    fn elapsed(
        &mut self,
        labels: &[Labelled],
        kind: Label,
        date: DateTime<FixedOffset>,
    ) -> Option<Found<DateTime<FixedOffset>>> {
        labels.iter().filter(|l| l.label == kind).find_map(|l| {
            let length = duration::parse_phrase(l.value)?;
            (length > TimeDelta::zero()).then(|| {
                found(
                    date + length,
                    format!("\"{}:\" line {}, after the start", l.name, l.no),
                )
            })
        })
    }
}

fn first_saying(
    placed: &[(DateTime<FixedOffset>, &Row)],
    words: &[&str],
) -> Option<Found<DateTime<FixedOffset>>> {
    placed
        .iter()
        .find(|(_, r)| says(&r.text, words))
        .map(|(t, r)| found(*t, format!("timeline, line {}", r.no)))
}

fn last_saying(
    placed: &[(DateTime<FixedOffset>, &Row)],
    words: &[&str],
) -> Option<Found<DateTime<FixedOffset>>> {
    placed
        .iter()
        .rev()
        .find(|(_, r)| says(&r.text, words))
        .map(|(t, r)| found(*t, format!("timeline, line {}", r.no)))
}

/// Severity, services, tags, authors and id from labelled lines, and a
/// severity from a mention in the text.
fn facts(lines: &[Line], labels: &[Labelled], inferred: &mut Inferred) {
    let from = |l: &Labelled| format!("\"{}:\" line {}", l.name, l.no);
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
        .map(|item| inline_text(item.trim()))
        .filter(|item| {
            !item.is_empty() && item.chars().count() <= 40 && item.split_whitespace().count() <= 4
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
