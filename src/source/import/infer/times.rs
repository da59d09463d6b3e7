//! When the incident began, was detected, mitigated and resolved: from
//! labelled lines, the timeline's rows and the dates of the prose.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Offset, TimeDelta, Utc};

use super::labels::{Label, Labelled};
use super::{Context, Found, Inferred, Line, Part, found, opens};
use crate::source::timeline::{self, CellTime, Clock};
use crate::util::duration;
use crate::util::zone::Zone;

/// A timeline entry as written.
struct Row {
    pub(super) cell: CellTime,
    pub(super) text: String,
    pub(super) no: usize,
    /// The zone of its table or section, if a note names one.
    pub(super) note: Option<FixedOffset>,
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
pub(super) const NO_YEAR: i32 = 1;

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
pub(super) struct Times {
    context: Context,
    /// The zone the text names for its times, if any.
    note: Option<FixedOffset>,
    assumed_utc: bool,
}

impl Times {
    pub(super) fn new(inferred: &Inferred, context: Context) -> Times {
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

    pub(super) fn read(&mut self, lines: &[Line], labels: &[Labelled], inferred: &mut Inferred) {
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
        // A time written down beats one worked out: a labelled moment, then
        // the timeline's row, then a length after the start.
        let after = |f: &Found<DateTime<FixedOffset>>| f.value > date;
        inferred.detected = self
            .labelled_moment(labels, Label::Detected, date)
            .filter(|f| later(&f.value))
            .or_else(|| first_saying(&placed, DETECTED_WORDS).filter(|f| later(&f.value)))
            .or_else(|| self.elapsed(labels, Label::ToDetect, date));
        inferred.resolved = self
            .labelled_moment(labels, Label::End, date)
            .filter(after)
            .or_else(|| self.range_end(labels, date))
            .or_else(|| last_saying(&placed, RESOLVED_WORDS).filter(after))
            .or_else(|| self.elapsed(labels, Label::ToRecover, date))
            .or_else(|| self.elapsed(labels, Label::Duration, date));
        let before_end =
            |t: &DateTime<FixedOffset>| inferred.resolved.as_ref().is_none_or(|r| *t <= r.value);
        let fits = |f: &Found<DateTime<FixedOffset>>| later(&f.value) && before_end(&f.value);
        inferred.mitigated = self
            .labelled_moment(labels, Label::Mitigated, date)
            .filter(fits)
            .or_else(|| first_saying(&placed, MITIGATED_WORDS).filter(fits))
            .or_else(|| self.elapsed(labels, Label::ToMitigate, date).filter(fits));
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
                let mut from = l.source();
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
            let from = l.source();
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
                (at > date).then(|| found(at, l.source()))
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
            (length > TimeDelta::zero())
                .then(|| found(date + length, format!("{}, after the start", l.source())))
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
