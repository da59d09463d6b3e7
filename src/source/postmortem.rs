//! One postmortem: its front matter checked against the fields of
//! docs/writing.md ("The front matter") and the configuration, and its
//! Markdown body, not yet rendered.
//!
//! Parsing never stops at the first bad field: each problem becomes a
//! diagnostic at the value's line and column, and the report is kept only if
//! none of them is an error.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde_json::{Map, Value};

use crate::config::{Config, Visibility, Zone};
// Every key a report's fields are read from.
use crate::config::FRONT_MATTER_KEYS as KNOWN_KEYS;
use crate::diagnostics::{Diagnostic, code, did_you_mean};
use crate::source::actions::{self, ActionItem};
use crate::source::frontmatter::{self, Field, Node, Pos, Split, SplitError};
use crate::source::links::{self, Link};
use crate::util::url;

/// Publication state of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Published,
}

/// A value from front matter with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Postmortem {
    /// The file name without `.md`: the report's permanent identity.
    pub slug: String,
    /// The source file, relative to the site root.
    pub path: PathBuf,
    pub title: String,
    /// Impact start.
    pub date: DateTime<FixedOffset>,
    /// A draft written without `date` (see [`Postmortem::date`]'s place
    /// holder, the Unix epoch): it is in no build, `--drafts` or not, until
    /// it has one.
    pub undated: bool,
    /// Where times written without an offset are read: the report's
    /// `timezone`, or the site's.
    pub zone: Option<Zone>,
    pub detected: Option<DateTime<FixedOffset>>,
    pub mitigated: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
    pub severity: String,
    pub services: Vec<String>,
    pub id: Option<Spanned<String>>,
    pub status: Status,
    pub authors: Vec<String>,
    pub teams: Vec<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub impact: Option<String>,
    pub related: Vec<Spanned<String>>,
    pub aliases: Vec<Spanned<String>>,
    /// From front matter (`action_items:`) first, then the body's lists.
    pub action_items: Vec<ActionItem>,
    /// Where else the incident is written about (`links:`).
    pub links: Vec<Link>,
    /// Who may read it: the public edition holds public reports only.
    pub visibility: Visibility,
    /// Keys this tool does not know, for templates (`page.extra`).
    pub extra: Map<String, Value>,
    /// The whole file; the Markdown after the front matter starts at
    /// `body_start` (see [`Postmortem::body`]). Kept whole so that reading a
    /// report copies it once.
    pub source: String,
    pub body_start: usize,
    /// The file line on which `body` starts.
    pub body_line: usize,
}

impl Postmortem {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        self.body_in(&self.source)
    }

    /// The Markdown after the front matter in `source`, this report's
    /// text held elsewhere ([`crate::archive::Texts`]).
    pub fn body_in<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.body_start..).unwrap_or_default()
    }

    /// Seconds from the impact start to `moment`, if it is given and not
    /// before the start: time to detect, to mitigate, total duration.
    /// Detection before impact is allowed (with a warning) but measures
    /// nothing.
    pub fn seconds_since_start(&self, moment: Option<DateTime<FixedOffset>>) -> Option<i64> {
        moment
            .map(|t| (t - self.date).num_seconds())
            .filter(|s| *s >= 0)
    }
}

/// Keys other tools use for a field of ours, the field, and what it holds:
/// such a key is not read, so it is said which key to write instead.
const OTHER_TOOLS_KEYS: &[(&str, &str, &str)] = &[
    ("start_time", "date", "when impact started"),
    ("started_at", "date", "when impact started"),
    ("start", "date", "when impact started"),
    ("end_time", "resolved", "when the incident ended"),
    ("ended_at", "resolved", "when the incident ended"),
    ("end", "resolved", "when the incident ended"),
    ("categories", "tags", "tags"),
    ("keywords", "tags", "tags"),
    ("labels", "tags", "tags"),
    ("product", "services", "the services affected"),
    ("component", "services", "the services affected"),
    ("system", "services", "the services affected"),
    ("service", "services", "the services affected"),
    ("sev", "severity", "severity"),
    ("priority", "severity", "severity"),
    ("name", "title", "the title"),
];

/// Parses a report's text. `path` is the file relative to the site root and
/// names it in diagnostics. Returns the report if it has no errors; all
/// problems found go into `diagnostics`.
pub fn parse(
    path: &Path,
    source: String,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Postmortem> {
    let mut p = Parser {
        path,
        config,
        diagnostics,
        errors: 0,
        renames: Vec::new(),
        zone: config.zone(),
    };
    let slug = p.slug();
    let split = p.split(&source)?;
    let fields = p.fields(&split)?;
    let end = Pos::new(split.body_line.saturating_sub(1), 1);
    p.unknown_keys(&fields, &split);
    let front = p.front_matter(&fields, end);
    p.time_order(&front, &fields);
    let extra = fields
        .iter()
        .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
        .map(|(k, f)| (k.clone(), f.value.to_json()))
        .collect();
    if p.errors > 0 {
        return None;
    }
    let body_items = p.body_items(split.body, split.body_line)?;
    let body_start = split.body.as_ptr() as usize - source.as_ptr() as usize;
    let body_line = split.body_line;
    let mut action_items = front.action_items;
    action_items.extend(body_items);
    Some(Postmortem {
        slug,
        path: path.to_path_buf(),
        title: front.title?,
        date: if front.undated {
            DateTime::UNIX_EPOCH.fixed_offset()
        } else {
            front.date?
        },
        undated: front.undated,
        zone: front.zone,
        detected: front.detected,
        mitigated: front.mitigated,
        resolved: front.resolved,
        severity: front.severity?,
        services: front.services?,
        id: front.id,
        status: front.status?,
        authors: front.authors,
        teams: front.teams,
        tags: front.tags,
        summary: front.summary,
        impact: front.impact,
        related: front.related,
        aliases: front.aliases,
        action_items,
        links: front.links,
        visibility: front.visibility?,
        extra,
        body_start,
        body_line,
        source,
    })
}

/// The front matter's values, each checked: `None` where a required one is
/// missing or wrong (and said so), empty where a list is.
struct FrontMatter {
    visibility: Option<Visibility>,
    title: Option<String>,
    date: Option<DateTime<FixedOffset>>,
    /// A draft without `date`: its `date` is `None` and that is no error.
    undated: bool,
    zone: Option<Zone>,
    detected: Option<DateTime<FixedOffset>>,
    mitigated: Option<DateTime<FixedOffset>>,
    resolved: Option<DateTime<FixedOffset>>,
    severity: Option<String>,
    services: Option<Vec<String>>,
    id: Option<Spanned<String>>,
    status: Option<Status>,
    authors: Vec<String>,
    teams: Vec<String>,
    tags: Vec<String>,
    summary: Option<String>,
    impact: Option<String>,
    related: Vec<Spanned<String>>,
    aliases: Vec<Spanned<String>>,
    action_items: Vec<ActionItem>,
    links: Vec<Link>,
}

/// The field `key` of the front matter, if it is there.
fn field<'f>(fields: &'f [(String, Field)], key: &str) -> Option<&'f Field> {
    fields.iter().find(|(k, _)| k == key).map(|(_, f)| f)
}

/// The moments of an incident come in order: impact starts (`date`), is
/// detected and mitigated, and ends (`resolved`). Each pair here is an
/// earlier and a later moment, whether the later one coming first is an
/// error (it cannot happen) or a warning (it is odd but possible: an alert
/// before users were hit, an automatic mitigation before anyone noticed),
/// and why.
const TIME_ORDER: [(&str, &str, bool, &str); 6] = [
    (
        "date",
        "resolved",
        true,
        "the incident would end before it began",
    ),
    (
        "date",
        "mitigated",
        true,
        "impact would be mitigated before it began",
    ),
    (
        "detected",
        "resolved",
        true,
        "the incident would be detected after it ended",
    ),
    (
        "mitigated",
        "resolved",
        true,
        "impact would be mitigated after the incident ended",
    ),
    (
        "date",
        "detected",
        false,
        "detected before impact began: time to detect is left out",
    ),
    (
        "detected",
        "mitigated",
        false,
        "mitigated before it was detected",
    ),
];

struct Parser<'a> {
    path: &'a Path,
    config: &'a Config,
    diagnostics: &'a mut Vec<Diagnostic>,
    errors: usize,
    /// Keys written for one of ours, theirs first: `(start_time, date)`.
    renames: Vec<(String, &'static str)>,
    /// Where times without an offset are read: the site's zone, then the
    /// report's once its `timezone` is read.
    zone: Option<Zone>,
}

impl Parser<'_> {
    /// The file name without `.md`, said to be unusable if it cannot be a URL.
    fn slug(&mut self) -> String {
        let slug = self
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !url::is_valid_slug(&slug) {
            let suggestion = url::slugify(&slug);
            let mut d = Diagnostic::error(
                self.path,
                "invalid-slug",
                format!(
                    "file name {slug:?} cannot be a report URL: use ASCII letters, digits, `-`, `_` and `.`"
                ),
            );
            if !suggestion.is_empty() {
                d = d.hint(format!("rename the file to `{suggestion}.md`"));
            }
            self.push(d);
        }
        slug
    }

    /// The file cut into its front matter and body.
    fn split<'s>(&mut self, source: &'s str) -> Option<Split<'s>> {
        let d = match frontmatter::split(source) {
            Ok(split) => return Some(split),
            Err(SplitError::Missing) => Diagnostic::error(
                self.path,
                "missing-front-matter",
                "no front matter: the file must start with a `---` line",
            )
            .hint("begin the file with ---, then title, date, severity and services, then ---"),
            Err(SplitError::Unterminated) => Diagnostic::error(
                self.path,
                "unterminated-front-matter",
                "the front matter opened on line 1 is never closed",
            )
            .hint("add a line with --- after the last front-matter key"),
        };
        self.push(d.at(1, 1));
        None
    }

    /// The front matter read as YAML: its keys and values, in order.
    fn fields(&mut self, split: &Split) -> Option<Vec<(String, Field)>> {
        match frontmatter::parse(split.matter, split.matter_line) {
            Ok(fields) => Some(fields),
            Err(e) if e.code == "yaml" => {
                self.push(
                    Diagnostic::error(
                        self.path,
                        "yaml",
                        format!("front matter is not valid YAML: {}", e.message),
                    )
                    .at(e.pos.line, e.pos.column)
                    .hint("check this line and the ones above it: close every [ and quote, and quote values that contain `: ` or ` #`"),
                );
                None
            }
            Err(e) => {
                self.push(
                    Diagnostic::error(self.path, e.code, e.message)
                        .at(e.pos.line, e.pos.column)
                        .hint("remove the escape that makes it (`\\0`, `\\e`, `\\x..`, `\\u....`)"),
                );
                None
            }
        }
    }

    /// Every known field checked, then what the fields mean together: the
    /// pages they add to the site, the aliases, and the action items.
    /// `end` is where a missing field is said to be missing.
    fn front_matter(&mut self, fields: &[(String, Field)], end: Pos) -> FrontMatter {
        let get = |key: &str| field(fields, key);
        let title = self.required_text(get("title"), "title", end);
        if let Some(f) = get("timezone") {
            self.zone = self.read_zone(f);
        }
        let zone = self.zone;
        let status = get("status").map_or(Some(Status::Published), |f| self.status(f));
        // A draft may wait for its date (an imported report whose text
        // named none); it is left out of every build until it has one.
        let undated = status == Some(Status::Draft) && get("date").is_none();
        let date = if undated {
            None
        } else {
            self.required_time(get("date"), "date", end)
        };
        let detected = get("detected").and_then(|f| self.time(f, "detected"));
        let mitigated = get("mitigated").and_then(|f| self.time(f, "mitigated"));
        let resolved = get("resolved").and_then(|f| self.time(f, "resolved"));
        let severity = self.severity(get("severity"), end);
        let services = self.services(get("services"), end);
        let id = get("id").and_then(|f| self.id(f));
        let authors = self.list(get("authors"), "authors");
        let teams = self.list(get("teams"), "teams");
        let tags = self.terms(get("tags"), "tags");
        let summary = get("summary").and_then(|f| self.text(f, "summary"));
        let impact = get("impact").and_then(|f| self.text(f, "impact"));
        let related = self.spanned_list(get("related"), "related");
        let aliases = self.spanned_list(get("aliases"), "aliases");
        self.too_many_pages(&[
            ("id", get("id"), usize::from(id.is_some())),
            ("aliases", get("aliases"), aliases.len()),
            (
                "services",
                get("services"),
                services.as_ref().map_or(0, Vec::len),
            ),
            ("tags", get("tags"), tags.len()),
        ]);
        self.alias_problems(&aliases);
        let action_items = self.action_items(get("action_items"));
        let links = self.links(get("links"));
        let visibility =
            get("visibility").map_or(Some(self.config.default_visibility), |f| self.visibility(f));
        FrontMatter {
            visibility,
            title,
            date,
            undated,
            zone,
            detected,
            mitigated,
            resolved,
            severity,
            services,
            id,
            status,
            authors,
            teams,
            tags,
            summary,
            impact,
            related,
            aliases,
            action_items,
            links,
        }
    }

    /// Warns of each key that is not ours but looks meant as one: a
    /// misspelling of a key, or the key another tool uses for one of ours
    /// (unless ours is there too, when theirs is just more data). Both are
    /// kept for templates; the ones that stand in for a missing field of
    /// ours are remembered, for the hint that it is missing.
    fn unknown_keys(&mut self, fields: &[(String, Field)], split: &Split) {
        for (key, value) in fields {
            if KNOWN_KEYS.contains(&key.as_str()) {
                continue;
            }
            let pos = key_pos(split, key).unwrap_or(value.pos);
            let other = OTHER_TOOLS_KEYS.iter().find(|(k, _, _)| k == key);
            let (ours, message) = match other {
                Some((_, ours, _)) if field(fields, ours).is_some() => continue,
                Some((_, ours, what)) => (
                    *ours,
                    format!("`{key}` is not read; Hindsight's key for {what} is `{ours}`"),
                ),
                None => match misspelt(key) {
                    Some(ours) => (ours, format!("unknown key `{key}` is not read")),
                    None => continue,
                },
            };
            let hint = if other.is_some() {
                format!("rename it to `{ours}`")
            } else {
                format!("did you mean `{ours}`?")
            };
            self.push(
                Diagnostic::warning(self.path, "unknown-key", message)
                    .at(pos.line, pos.column)
                    .hint(hint),
            );
            self.renames.push((key.clone(), ours));
        }
    }

    /// The entries of `links:`, unless there are more than the limit.
    fn links(&mut self, field: Option<&Field>) -> Vec<Link> {
        let Some(field) = field else {
            return Vec::new();
        };
        let entries: Vec<&Field> = match &field.value {
            Node::List(items) => items.iter().collect(),
            Node::Null => Vec::new(),
            _ => vec![field],
        };
        if self.too_many(field, "links", entries.len()) {
            return Vec::new();
        }
        let (found, problems) = links::read(&entries, self.path, self.config.tickets());
        for d in problems {
            self.push(d);
        }
        found
    }

    /// Says which aliases cannot be published.
    fn alias_problems(&mut self, aliases: &[Spanned<String>]) {
        for alias in aliases {
            if let Some(why) = url::alias_problem(&alias.value) {
                self.error_at(
                    alias.pos,
                    "invalid-alias",
                    format!("alias {:?} cannot be published: {why}", alias.value),
                    Some("write the old path on this site, e.g. /old/path/to/this/".into()),
                );
            }
        }
    }

    /// The items of `action_items:`, unless there are more than the limit.
    fn action_items(&mut self, field: Option<&Field>) -> Vec<ActionItem> {
        let Some(field) = field else {
            return Vec::new();
        };
        if matches!(&field.value, Node::List(l) if self.too_many(field, "action_items", l.len())) {
            return Vec::new();
        }
        let (items, problems) = actions::from_front_matter(field, self.path);
        for d in problems {
            self.push(d);
        }
        items
    }

    /// Says where a later moment of the incident comes before an earlier
    /// one (see [`TIME_ORDER`]), at the later one.
    fn time_order(&mut self, front: &FrontMatter, fields: &[(String, Field)]) {
        let at = |key: &str| match key {
            "date" => front.date,
            "detected" => front.detected,
            "mitigated" => front.mitigated,
            "resolved" => front.resolved,
            _ => None,
        };
        for (earlier, later, error, why) in TIME_ORDER {
            let (Some(first), Some(then), Some(field)) =
                (at(earlier), at(later), field(fields, later))
            else {
                continue;
            };
            if then < first {
                let message = format!("`{later}` is before `{earlier}`: {why}");
                let d = if error {
                    Diagnostic::error(self.path, "time-order", message)
                } else {
                    Diagnostic::warning(self.path, "time-order", message)
                };
                self.push(d.at(field.pos.line, field.pos.column));
            }
        }
    }

    /// The action items of the body's lists, unless there are more than
    /// `[limits] rows`; a word that looks like a due date but is not one is
    /// a warning.
    fn body_items(&mut self, body: &str, body_line: usize) -> Option<Vec<ActionItem>> {
        let items = actions::from_body(body, body_line);
        let limit = self.config.limits.rows;
        if let Some(first) = items.get(limit) {
            let count = items.len();
            self.push(
                Diagnostic::error(
                    self.path,
                    "too-many",
                    format!("the body has {count} action items; a report may have at most {limit}"),
                )
                .at(first.line, 1)
                .hint("track them in your ticket system and link it, or raise `rows` under [limits] in hindsight.toml"),
            );
            return None;
        }
        for item in &items {
            // The item keeps the text, as a reader wrote it; the date it meant
            // is lost, which a front-matter item would make an error.
            let bad_due = item
                .text
                .split_whitespace()
                .find(|w| actions::is_due_word(w));
            if let Some(word) = bad_due {
                self.push(
                    Diagnostic::warning(
                        self.path,
                        "due-date",
                        format!("`{word}` is not a due date, so the action item has none"),
                    )
                    .at(item.line, 1)
                    .hint("write the date as due:YYYY-MM-DD"),
                );
            }
        }
        Some(items)
    }

    fn push(&mut self, d: Diagnostic) {
        if d.is_error() {
            self.errors += 1;
        }
        self.diagnostics.push(d);
    }

    fn error_at(&mut self, pos: Pos, code: &'static str, message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(self.path, code, message).at(pos.line, pos.column);
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        self.push(d);
    }

    fn missing(&mut self, key: &str, end: Pos, example: &str) {
        let hint = match self.renames.iter().find(|(_, ours)| *ours == key) {
            Some((theirs, _)) => format!("this report has `{theirs}`: rename it to `{key}`"),
            None => format!("add `{key}: {example}` to the front matter"),
        };
        self.error_at(
            end,
            "missing-field",
            format!("missing required field `{key}`"),
            Some(hint),
        );
    }

    fn text(&mut self, field: &Field, key: &str) -> Option<String> {
        match field.value.as_text() {
            Some(text) => Some(text.trim().to_string()),
            None if field.value == Node::Null => None,
            None => {
                self.error_at(
                    field.pos,
                    "wrong-type",
                    format!("`{key}` must be text, found {}", field.value.kind()),
                    None,
                );
                None
            }
        }
    }

    fn required_text(&mut self, field: Option<&Field>, key: &str, end: Pos) -> Option<String> {
        match field {
            None => {
                self.missing(key, end, "\"...\"");
                None
            }
            Some(f) => {
                let text = self.text(f, key);
                match text {
                    Some(t) if !t.is_empty() => Some(t),
                    _ => {
                        if f.value.as_text().is_some() || f.value == Node::Null {
                            self.error_at(f.pos, "empty-field", format!("`{key}` is empty"), None);
                        }
                        None
                    }
                }
            }
        }
    }

    /// The report's `timezone`: an offset or an IANA name. A bad one is
    /// an error, and the site's zone stands in so that the times after it
    /// are still checked.
    fn read_zone(&mut self, field: &Field) -> Option<Zone> {
        let text = self.text(field, "timezone")?;
        if let Some(zone) = Zone::parse(&text) {
            return Some(zone);
        }
        let hint = match did_you_mean(&text, Zone::names()) {
            Some(name) => format!("did you mean `{name}`?"),
            None => {
                "write an IANA name such as Europe/Copenhagen, or an offset such as +03:00 or Z"
                    .into()
            }
        };
        self.error_at(
            field.pos,
            code::TIMEZONE,
            format!("`timezone` {text:?} is neither a UTC offset nor a time zone name"),
            Some(hint),
        );
        self.config.zone()
    }

    /// A front-matter time; one without an offset is read in `zone`.
    fn time(&mut self, field: &Field, key: &str) -> Option<DateTime<FixedOffset>> {
        let text = self.text(field, key)?;
        match parse_time(&text, self.zone) {
            Ok(t) => Some(t),
            Err(TimeError::NoOffset) => {
                self.error_at(
                    field.pos,
                    "time-offset",
                    format!("`{key}` has no UTC offset: {text:?}"),
                    Some(format!(
                        "write the offset, e.g. {text}+03:00, or set `timezone` in the front matter or in hindsight.toml"
                    )),
                );
                None
            }
            Err(TimeError::Skipped(zone)) => {
                self.error_at(
                    field.pos,
                    "time-invalid",
                    format!(
                        "`{key}` is {text:?}, a time that does not exist in {zone}: the clocks skip it when daylight saving time starts"
                    ),
                    Some("write the time with its offset, or the time the clocks showed (an hour later)".into()),
                );
                None
            }
            Err(TimeError::Invalid) => {
                self.error_at(
                    field.pos,
                    "time-invalid",
                    format!("`{key}` is not a date and time: {text:?}"),
                    Some("expected RFC 3339 with an offset, e.g. 2023-01-17T12:30:00+03:00".into()),
                );
                None
            }
        }
    }

    fn required_time(
        &mut self,
        field: Option<&Field>,
        key: &str,
        end: Pos,
    ) -> Option<DateTime<FixedOffset>> {
        match field {
            None => {
                self.missing(key, end, "2023-01-17T12:30:00+03:00");
                None
            }
            Some(f) => self.time(f, key),
        }
    }

    fn severity(&mut self, field: Option<&Field>, end: Pos) -> Option<String> {
        let Some(field) = field else {
            let first = self
                .config
                .severities
                .first()
                .map_or("SEV1", |s| s.id.as_str())
                .to_string();
            self.missing("severity", end, &first);
            return None;
        };
        let text = self.text(field, "severity")?;
        let ids = self.config.severities.iter().map(|s| s.id.as_str());
        if let Some(known) = self.config.severity(&text) {
            return Some(known.id.clone());
        }
        let list = ids.clone().collect::<Vec<_>>().join(", ");
        let hint = match did_you_mean(&text, ids) {
            Some(s) => {
                format!("did you mean {s}? expected one of {list} (hindsight.toml [[severities]])")
            }
            None => format!("expected one of {list} (hindsight.toml [[severities]])"),
        };
        self.error_at(
            field.pos,
            "unknown-severity",
            format!("unknown severity {text:?}"),
            Some(hint),
        );
        None
    }

    /// A list of strings; a single string is a list of one.
    fn spanned_list(&mut self, field: Option<&Field>, key: &str) -> Vec<Spanned<String>> {
        let Some(field) = field else {
            return Vec::new();
        };
        let items: Vec<&Field> = match &field.value {
            Node::List(items) => items.iter().collect(),
            Node::Null => Vec::new(),
            _ => vec![field],
        };
        if self.too_many(field, key, items.len()) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in items {
            match item.value.as_text() {
                Some(t) if !t.trim().is_empty() => out.push(Spanned {
                    value: t.trim().to_string(),
                    pos: item.pos,
                }),
                Some(_) => {}
                None => self.error_at(
                    item.pos,
                    "wrong-type",
                    format!(
                        "`{key}` must be a list of text, found {}",
                        item.value.kind()
                    ),
                    None,
                ),
            }
        }
        out
    }

    /// Whether the list `key` has more entries than `[limits]` allows; if
    /// so, says so at the key. Checked before any entry is looked at, so
    /// a list of a million entries costs no more than reading it.
    fn too_many(&mut self, field: &Field, key: &str, len: usize) -> bool {
        let (limit, name) = if key == "aliases" {
            (self.config.limits.aliases, "aliases")
        } else {
            (self.config.limits.entries, "entries")
        };
        if len <= limit {
            return false;
        }
        self.error_at(
            field.pos,
            "too-many",
            format!("`{key}` has {len} entries; a report may have at most {limit}"),
            Some(format!(
                "keep the ones a reader needs, or raise `{name}` under [limits] in hindsight.toml"
            )),
        );
        true
    }

    /// Pages the report adds to the site: its own, its short link, one per
    /// alias, and at most one per service and tag. Said at the list that
    /// adds most when there are more than `[limits] pages`.
    fn too_many_pages(&mut self, fields: &[(&str, Option<&Field>, usize)]) {
        let pages = 1 + fields.iter().map(|(_, _, n)| n).sum::<usize>();
        let limit = self.config.limits.pages;
        if pages <= limit {
            return;
        }
        let Some((key, Some(field), _)) = fields
            .iter()
            .filter(|(_, f, _)| f.is_some())
            .max_by_key(|(_, _, n)| *n)
        else {
            return;
        };
        let parts: Vec<String> = fields
            .iter()
            .filter(|(_, _, n)| *n > 0)
            .map(|(k, _, n)| format!("{n} from `{k}`"))
            .collect();
        self.error_at(
            field.pos,
            "too-many-pages",
            format!(
                "the report would add {pages} pages to the site (its own, {}); at most {limit} are allowed",
                parts.join(", ")
            ),
            Some(format!(
                "shorten `{key}`, or raise `pages` under [limits] in hindsight.toml"
            )),
        );
    }

    fn list(&mut self, field: Option<&Field>, key: &str) -> Vec<String> {
        let mut seen = rustc_hash::FxHashSet::default();
        self.spanned_list(field, key)
            .into_iter()
            .map(|s| s.value)
            .filter(|v| seen.insert(v.clone()))
            .collect()
    }

    /// Services and tags: each must give a usable URL segment. Names are
    /// Unicode-normalised (NFC) first: the same name typed on two systems
    /// (`Café` as one character or as `e` and an accent) is one term.
    fn terms(&mut self, field: Option<&Field>, key: &str) -> Vec<String> {
        use unicode_normalization::UnicodeNormalization;
        let mut out: Vec<String> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for mut item in self.spanned_list(field, key) {
            if !unicode_normalization::is_nfc_quick(item.value.chars())
                .eq(&unicode_normalization::IsNormalized::Yes)
            {
                item.value = item.value.nfc().collect();
            }
            let slug = url::slugify(&item.value);
            if slug.is_empty() {
                self.error_at(
                    item.pos,
                    "invalid-term",
                    format!("{key} entry {:?} has no letters or digits", item.value),
                    None,
                );
            } else if seen.insert(slug) {
                out.push(item.value);
            }
        }
        out
    }

    fn services(&mut self, field: Option<&Field>, end: Pos) -> Option<Vec<String>> {
        let Some(field) = field else {
            self.missing("services", end, "[service-name]");
            return None;
        };
        let before = self.errors;
        let services = self.terms(Some(field), "services");
        if services.is_empty() && self.errors > before {
            return None;
        }
        if services.is_empty() {
            self.error_at(
                field.pos,
                "empty-field",
                "`services` is empty: name at least one affected service".into(),
                None,
            );
            return None;
        }
        if self.config.strict_services {
            for service in &services {
                if !self.config.services.contains_key(service) {
                    let known = self.config.services.keys().map(String::as_str);
                    let hint = did_you_mean(service, known)
                        .map(|s| format!("did you mean {s}?"))
                        .unwrap_or_else(|| "declare it under [services] in hindsight.toml".into());
                    self.error_at(
                        field.pos,
                        "unknown-service",
                        format!(
                            "service {service:?} is not in the catalogue (strict_services = true)"
                        ),
                        Some(hint),
                    );
                }
            }
        }
        Some(services)
    }

    fn id(&mut self, field: &Field) -> Option<Spanned<String>> {
        let text = self.text(field, "id")?;
        if !url::is_valid_slug(&text) {
            self.error_at(
                field.pos,
                "invalid-id",
                format!("id {text:?} cannot be a short link: use ASCII letters, digits, `-`, `_` and `.`"),
                Some("e.g. id: INC-2023-001".into()),
            );
            return None;
        }
        Some(Spanned {
            value: text,
            pos: field.pos,
        })
    }

    fn visibility(&mut self, field: &Field) -> Option<Visibility> {
        let text = self.text(field, "visibility")?;
        match text.as_str() {
            "internal" => Some(Visibility::Internal),
            "public" => Some(Visibility::Public),
            _ => {
                let hint = match did_you_mean(&text, ["internal", "public"]) {
                    Some(s) => format!("did you mean {s}? expected internal or public"),
                    None => "expected internal or public".into(),
                };
                self.error_at(
                    field.pos,
                    "unknown-visibility",
                    format!("unknown visibility {text:?}"),
                    Some(hint),
                );
                None
            }
        }
    }

    fn status(&mut self, field: &Field) -> Option<Status> {
        let text = self.text(field, "status")?;
        match text.as_str() {
            "draft" => Some(Status::Draft),
            "review" => Some(Status::Review),
            "published" => Some(Status::Published),
            _ => {
                let hint = match did_you_mean(&text, ["draft", "review", "published"]) {
                    Some(s) => format!("did you mean {s}? expected draft, review or published"),
                    None => "expected draft, review or published".into(),
                };
                self.error_at(
                    field.pos,
                    "unknown-status",
                    format!("unknown status {text:?}"),
                    Some(hint),
                );
                None
            }
        }
    }
}

/// The key of ours that `key` looks like a misspelling of. Misspellings
/// keep the first letter, and a short key is only taken for a longer or
/// shorter form of one of ours (`tag`, `ids`): otherwise a key of a few
/// letters (`os`, `ttl`, `tz`) would be near some key of ours by chance.
fn misspelt(key: &str) -> Option<&'static str> {
    let first = key.chars().next()?.to_ascii_lowercase();
    let ours = did_you_mean(
        key,
        KNOWN_KEYS.iter().copied().filter(|k| k.starts_with(first)),
    )?;
    let lower = key.to_ascii_lowercase();
    (key.chars().count() >= 4 || ours.starts_with(&lower) || lower.starts_with(ours))
        .then_some(ours)
}

/// Where the top-level `key` is written: the start of its line in a block
/// mapping (a value may start on a later line), if it can be found.
fn key_pos(split: &Split, key: &str) -> Option<Pos> {
    split.matter.lines().enumerate().find_map(|(i, line)| {
        let rest = [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
            .into_iter()
            .find_map(|k| line.strip_prefix(k.as_str()).map(str::to_string))?;
        rest.trim_start()
            .starts_with(':')
            .then(|| Pos::new(split.matter_line + i, 1))
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum TimeError {
    NoOffset,
    Invalid,
    /// The time does not exist in the named zone (spring forward).
    Skipped(&'static str),
}

/// Parses an RFC 3339 time (`T` or a space between date and time, seconds
/// optional). A time without an offset is read in `zone` if there is one
/// (a time a named zone shows twice is the earlier; one it skips is an
/// error); otherwise it is an error.
pub fn parse_time(text: &str, zone: Option<Zone>) -> Result<DateTime<FixedOffset>, TimeError> {
    let text = text.trim();
    // Accept a missing `:SS` by adding it, then let chrono read RFC 3339
    // (which allows a space for `T`).
    let mut full = text.to_string();
    let bytes = text.as_bytes();
    // Byte 16 must start a character: `09:4н00` is no time, and cutting
    // inside the `н` would panic.
    if bytes.len() >= 16
        && bytes[13] == b':'
        && bytes.get(16) != Some(&b':')
        && text.is_char_boundary(16)
    {
        full.insert_str(16, ":00");
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&full) {
        return Ok(t);
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok());
    match (naive, zone) {
        (Some(naive), Some(zone)) => zone.local(naive).map_err(|_| match zone {
            Zone::Named(tz) => TimeError::Skipped(tz.name()),
            Zone::Fixed(_) => TimeError::Invalid,
        }),
        (Some(_), None) => Err(TimeError::NoOffset),
        (None, _) => Err(TimeError::Invalid),
    }
}

#[cfg(test)]
mod tests;
