//! `Label: value` lines, the facts real reports write outside any front
//! matter (`Start Time:`, `Time to recovery:`, `Category:`), and what each
//! label means.

use super::{Line, words};

/// `Label: value` at the start of a line: the label in lower-case words,
/// and the value. A label is at most five words.
pub(super) fn label(plain: &str) -> Option<(String, &str)> {
    let colon = plain.find(':')?;
    let name = &plain[..colon];
    // `Affected service(s)` is `affected services`.
    let n = words(&name.replace("(s)", "s").replace("(S)", "S"));
    if n.is_empty() || n.split(' ').count() > 5 || name.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((n, plain[colon + 1..].trim()))
}

/// What a label says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
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

pub(super) const LABELS: &[(&str, Label)] = &[
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
pub(super) struct Labelled<'a> {
    pub(super) label: Label,
    pub(super) name: &'a str,
    pub(super) value: &'a str,
    pub(super) no: usize,
}

impl Labelled<'_> {
    /// Where the value came from, for the reviewer: `"Start Time:" line 6`.
    pub(super) fn source(&self) -> String {
        format!("\"{}:\" line {}", self.name, self.no)
    }
}

pub(super) fn labelled<'a>(lines: &'a [Line]) -> Vec<Labelled<'a>> {
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

/// Whether a line is `Label: value` with a label this module reads.
pub(super) fn is_known_label(plain: &str) -> bool {
    label(plain).is_some_and(|(name, _)| LABELS.iter().any(|(l, _)| *l == name))
}
