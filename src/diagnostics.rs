//! Content problems as values.
//!
//! A build never stops at the first broken report: every phase pushes
//! [`Diagnostic`]s into a list, and the list is printed sorted, once, at the
//! end — `path:line:col: message` followed by a hint where there is an
//! obvious fix.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

/// How bad a diagnostic is. Errors fail the build; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem found in the content, pointing at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible.
    #[serde(serialize_with = "printable_path")]
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    #[serde(rename = "severity")]
    pub level: Level,
    /// A stable, short identifier of the kind of problem, one of [`CODES`]
    /// (`unknown-severity`, [`code::UNKNOWN_SEVERITY`]).
    pub code: &'static str,
    #[serde(serialize_with = "printable_text")]
    pub message: String,
    #[serde(serialize_with = "printable_hint")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            level: Level::Error,
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(file, code, message)
        }
    }

    /// Points the diagnostic at a 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    fn sort_key(&self) -> (&Path, usize, usize, Level, &str) {
        (
            &self.file,
            self.line,
            self.column,
            self.level,
            &self.message,
        )
    }
}

/// Declares the constants of [`code`] and the list [`CODES`] from one table.
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $name:ident = $code:literal,)*) => {
        /// The code of every kind of problem, one constant each: a
        /// diagnostic names its kind with one of these (`code::YAML`). The
        /// table of codes in docs/writing.md lists the same codes, which a
        /// test checks, as it checks that the source gives no other.
        pub mod code {
            $($(#[doc = $doc])+ pub const $name: &str = $code;)*
        }

        /// Every diagnostic code, once each.
        pub const CODES: &[&str] = &[$(code::$name),*];
    };
}

codes! {
    /// The file does not start with a `---` line.
    MISSING_FRONT_MATTER = "missing-front-matter",
    /// The front matter opened on line 1 is never closed.
    UNTERMINATED_FRONT_MATTER = "unterminated-front-matter",
    /// The front matter is not valid YAML.
    YAML = "yaml",
    /// A required field is missing.
    MISSING_FIELD = "missing-field",
    /// A required field is empty.
    EMPTY_FIELD = "empty-field",
    /// A field holds the wrong kind of value.
    WRONG_TYPE = "wrong-type",
    /// A time is not a date and time.
    TIME_INVALID = "time-invalid",
    /// A time has no UTC offset and none is configured.
    TIME_OFFSET = "time-offset",
    /// The moments of the incident are out of order.
    TIME_ORDER = "time-order",
    /// A severity that is not configured.
    UNKNOWN_SEVERITY = "unknown-severity",
    /// A status that is not allowed.
    UNKNOWN_STATUS = "unknown-status",
    /// A `visibility` that is neither `internal` nor `public`.
    UNKNOWN_VISIBILITY = "unknown-visibility",
    /// A service that is not configured, where services are declared.
    UNKNOWN_SERVICE = "unknown-service",
    /// A file name that cannot be a report's address.
    INVALID_SLUG = "invalid-slug",
    /// An id that cannot be an address.
    INVALID_ID = "invalid-id",
    /// A service or tag that cannot be an address.
    INVALID_TERM = "invalid-term",
    /// An alias that cannot be published.
    INVALID_ALIAS = "invalid-alias",
    /// Two reports would share an address.
    DUPLICATE_SLUG = "duplicate-slug",
    /// Two reports have the same id.
    DUPLICATE_ID = "duplicate-id",
    /// An alias would be written where a page or file already is.
    ALIAS_COLLISION = "alias-collision",
    /// A front-matter action item is malformed.
    ACTION_ITEM = "action-item",
    /// A key that is not read but looks meant as one that is.
    UNKNOWN_KEY = "unknown-key",
    /// A link that is not an http(s) or mailto URL.
    INVALID_LINK = "invalid-link",
    /// `due:` in an action item is not a date.
    DUE_DATE = "due-date",
    /// An open action item past its due date (`check --deny-overdue`).
    OVERDUE = "overdue-action-item",
    /// `related` names a report that does not exist.
    UNKNOWN_RELATED = "unknown-related",
    /// A link to a report that does not exist or is a draft.
    BROKEN_LINK = "broken-link",
    /// A file that is not UTF-8 text.
    ENCODING = "encoding",
    /// A file or folder that cannot be read.
    UNREADABLE = "unreadable",
    /// There is no `content/` folder.
    NO_CONTENT = "no-content",
    /// A report file over the size limit.
    TOO_LARGE = "too-large",
    /// A list longer than `[limits]` allows.
    TOO_MANY = "too-many",
    /// A report that would add more pages than `[limits] pages`.
    TOO_MANY_PAGES = "too-many-pages",
    /// A value or a body that holds a control character.
    CONTROL_CHARACTER = "control-character",
    /// A file under `content/` that is not a report and that no report
    /// links to.
    UNUSED_FILE = "unused-file",
    /// A symbolic link that leads outside the folder it is in.
    OUTSIDE_LINK = "outside-link",
    /// A FIFO, socket, device or folder where a file was expected.
    NOT_A_FILE = "not-a-file",
    /// `hindsight.toml` cannot be read.
    CONFIG_UNREADABLE = "config-unreadable",
    /// `hindsight.toml` is not valid TOML, or not of the expected shape.
    CONFIG_INVALID = "config-invalid",
    /// No severity is declared.
    CONFIG_SEVERITIES = "config-severities",
    /// A severity id that is not a simple word.
    CONFIG_SEVERITY_ID = "config-severity-id",
    /// A severity declared twice.
    CONFIG_SEVERITY_DUPLICATE = "config-severity-duplicate",
    /// A severity colour that is not a hex colour.
    CONFIG_COLOR = "config-color",
    /// A service id that is not a simple word.
    CONFIG_SERVICE_ID = "config-service-id",
    /// A `base_url` that is not an absolute http(s) URL.
    CONFIG_BASE_URL = "config-base-url",
    /// A `timezone` in hindsight.toml that is neither a UTC offset nor a
    /// time zone name.
    CONFIG_TIMEZONE = "config-timezone",
    /// A `theme` that is not a folder name.
    CONFIG_THEME = "config-theme",
    /// An `[import]` default or mapping that names nothing there is.
    CONFIG_IMPORT = "config-import",
    /// `[editions.public]` hides a key every report must show.
    CONFIG_EDITION = "config-edition",
    /// A `[tickets]` key or URL pattern that cannot make a ticket's link.
    CONFIG_TICKETS = "config-tickets",
    /// `base_url` is not set, so there are no feeds, sitemap or absolute
    /// addresses.
    NO_BASE_URL = "no-base-url",
    /// `related` names the report itself.
    RELATED_SELF = "related-self",
    /// `related` names a draft.
    RELATED_DRAFT = "related-draft",
    /// A draft without `date`, left out of a build with `--drafts`.
    UNDATED_DRAFT = "undated-draft",
    /// A link to a file that is not next to the report.
    MISSING_FILE = "missing-file",
    /// A timeline row earlier than the one before it.
    TIMELINE_ORDER = "timeline-order",
    /// A timeline row that looks dated but whose time cannot be read, or
    /// names a time its zone skips.
    TIMELINE_TIME = "timeline-time",
    /// A report's `timezone` that is neither a UTC offset nor a time zone
    /// name.
    TIMEZONE = "timezone",
    /// A published report would disappear without an alias.
    VANISHED_REPORT = "vanished-report",
    /// The preview could not build the site at all.
    BUILD_FAILED = "build-failed",
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(f, "{level}: {}", printable(&self.file.to_string_lossy()))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {}", printable(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = {}", printable(hint))?;
        }
        Ok(())
    }
}

/// `d` as a terminal shows it, the way rustc shows its errors: the
/// message and code, then the file's line with the column marked (from
/// `source`, the file's text, when it could be read and has that line),
/// then the hint. ANSI colours when `color`; lines fit `width` columns.
pub fn render_snippet(d: &Diagnostic, source: Option<&str>, color: bool, width: usize) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level as Kind, Origin, Renderer, Snippet};
    let kind = match d.level {
        Level::Error => Kind::ERROR,
        Level::Warning => Kind::WARNING,
    };
    let path = printable(&d.file.to_string_lossy()).into_owned();
    let message = printable(&d.message).into_owned();
    let title = kind.primary_title(message).id(d.code);
    let line = (d.line > 0)
        .then(|| source.and_then(|text| text.lines().nth(d.line - 1)))
        .flatten()
        .map(|line| printable(line).into_owned());
    let mut group: Group = match &line {
        Some(text) => {
            let span = marked_span(text, d.column);
            Group::with_title(title).element(
                Snippet::source(text.as_str())
                    .line_start(d.line)
                    .path(path.as_str())
                    .fold(false)
                    .annotation(AnnotationKind::Primary.span(span)),
            )
        }
        None => {
            let mut origin = Origin::path(path.as_str());
            if d.line > 0 {
                origin = origin.line(d.line);
                if d.column > 0 {
                    origin = origin.char_column(d.column);
                }
            }
            Group::with_title(title).element(origin)
        }
    };
    let hint = d.hint.as_deref().map(|h| printable(h).into_owned());
    if let Some(hint) = &hint {
        group = group.element(Kind::HELP.message(hint.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.term_width(width).render(&[group])
}

/// The bytes of `line` to mark for a problem at 1-based character
/// `column`: the word that starts there (at least one character); the
/// whole line, but its indentation, when the column is unknown or past
/// the line's end.
fn marked_span(line: &str, column: usize) -> std::ops::Range<usize> {
    let start = (column > 0)
        .then(|| line.char_indices().nth(column - 1).map(|(i, _)| i))
        .flatten();
    let Some(start) = start else {
        let from = line.len() - line.trim_start().len();
        let to = line.trim_end().len().max(from);
        return from..to;
    };
    let rest = &line[start..];
    let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let first = rest.chars().next().map_or(0, char::len_utf8);
    start..start + word.max(first)
}

/// `text` as it may be printed to a terminal, a CI log or an editor: each
/// control character and each bidirectional-text control is written as an
/// escape (`\u{1b}`), so that a crafted file name or value can neither
/// move the cursor, retitle a window, start a log line of its own nor
/// reorder what a reader sees. Diagnostics go through it in every format.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn printable_path<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&printable(&path.to_string_lossy()))
}

fn printable_text<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&printable(text))
}

fn printable_hint<S: Serializer>(hint: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match hint {
        Some(hint) => s.serialize_some(&printable(hint)),
        None => s.serialize_none(),
    }
}

/// Sorts diagnostics by file, line and column and removes exact repeats, so
/// that output is stable whatever order the parallel phases found them in.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Counts errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Suggests the closest candidate to a misspelled value, if one is close
/// enough to be a plausible typo.
pub fn did_you_mean<'a>(
    value: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let value = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&value, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_path_line_column_and_hint() {
        let d = Diagnostic::error(
            "content/a.md",
            "unknown-severity",
            "unknown severity \"SEV9\"",
        )
        .at(5, 11)
        .hint("expected one of SEV1, SEV2");
        assert_eq!(
            d.to_string(),
            "error: content/a.md:5:11: unknown severity \"SEV9\"\n  = expected one of SEV1, SEV2"
        );
    }

    #[test]
    fn control_characters_are_printed_as_escapes_in_every_field() {
        let d = Diagnostic::error(
            "content/\u{1b}]0;owned\u{7}\n.md",
            "x",
            "title \"\u{1b}[2J\u{202e}cod.exe\"",
        )
        .at(1, 1)
        .hint("tab\there");
        assert_eq!(
            d.to_string(),
            "error: content/\\u{1b}]0;owned\\u{7}\\u{a}.md:1:1: title \"\\u{1b}[2J\\u{202e}cod.exe\"\n  = tab\\u{9}here"
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["file"], "content/\\u{1b}]0;owned\\u{7}\\u{a}.md");
        assert_eq!(json["message"], "title \"\\u{1b}[2J\\u{202e}cod.exe\"");
        assert_eq!(json["hint"], "tab\\u{9}here");
        assert_eq!(printable("plain é text"), "plain é text");
    }

    #[test]
    fn whole_file_diagnostics_have_no_position() {
        let d = Diagnostic::warning("content/a.md", "x", "odd");
        assert_eq!(d.to_string(), "warning: content/a.md: odd");
    }

    #[test]
    fn sorting_orders_by_file_then_line() {
        let mut v = vec![
            Diagnostic::error("b.md", "x", "m").at(1, 1),
            Diagnostic::error("a.md", "x", "m").at(9, 1),
            Diagnostic::error("a.md", "x", "m").at(2, 1),
            Diagnostic::error("a.md", "x", "m").at(2, 1),
        ];
        sort(&mut v);
        let lines: Vec<_> = v.iter().map(|d| (d.file.clone(), d.line)).collect();
        assert_eq!(
            lines,
            vec![("a.md".into(), 2), ("a.md".into(), 9), ("b.md".into(), 1)]
        );
    }

    #[test]
    fn suggestions_catch_typos_only() {
        let severities = ["SEV1", "SEV2", "SEV3", "SEV4"];
        assert_eq!(did_you_mean("sev1", severities), Some("SEV1"));
        assert_eq!(did_you_mean("SEV", severities), Some("SEV1"));
        assert_eq!(did_you_mean("critical-outage", severities), None);
    }
}
