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
    /// A stable, short identifier of the kind of problem (`unknown-severity`).
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
