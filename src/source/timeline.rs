//! Times written in a postmortem's timeline, and where they fall on the
//! report's calendar.
//!
//! Authors write timeline times in many shapes (`09:05`, `9:05 p.m. PST`,
//! `Jan 17, 12:30 PM`, `2023-01-17T12:30:00+03:00`), often with no date,
//! leaving the day to be inferred from the row order and from when the impact
//! started. This module owns both halves: [`parse_time`] reads one time at the
//! start of a cell or list item, and [`Clock`] places a timeline's times, in
//! order, as instants in the report's offset.
//!
//! Parsing works on the text in place, without allocating, since it runs on
//! every timeline row of every report.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Offset, TimeDelta, Utc};

use crate::util::zone::Zone;

/// When a timeline entry says it happened, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellTime {
    /// The day, when the text names one. A date written without a year takes `year_hint`.
    pub date: Option<NaiveDate>,
    pub time: NaiveTime,
    /// The offset the text names (`UTC`, `PST`, `+03:00`, `UTC+3`, `(UTC)`); `None`: the report's own.
    pub offset: Option<FixedOffset>,
}

/// Parses a time at the start of `text` (leading whitespace allowed). Returns it and the number of
/// bytes of `text` the time expression used (including a time zone and date that follow it), so the
/// caller can tell a cell that is only a time from a list item like "10:00 AM PST: alerts fired".
/// `None` when `text` does not start with a time.
///
/// The count runs from the start of `text` (leading whitespace and a skipped `~` or `at`
/// included), so `&text[used..]` is what follows the time. Separators after the time (`:`, `-`,
/// `–`, `—`, `,`) and trailing whitespace are never counted.
///
/// Accepted shapes, case-insensitively:
/// - 24-hour `9:05`, `09:05:30`, `15.25`; 12-hour `12:30 PM`, `1:05 p.m.`, `9am`.
/// - A zone after the time, optionally in parentheses: `UTC`, `GMT`, `Z`, `UTC+3`,
///   `GMT-05:30`, `+03:00`, `-0500`, or a common abbreviation (`PST`, `CEST`, `IST`, ...).
/// - A date before the time (`2023-01-17 12:30`, `2023-01-17T12:30:00Z`, `Jan 17, 12:30 PM`,
///   `Tue 17 Jan 2023 at 12:30`) or after it (`12:30 PM, Jan 17`, `12:30 on 2023-01-17`).
pub fn parse_time(text: &str, year_hint: i32) -> Option<(CellTime, usize)> {
    let start = skip_prefix(text);
    let dated = date(text, start, year_hint).and_then(|(date, end, iso)| {
        let at = date_time_separator(text, end, iso)?;
        // Only `2023-01-17T12:30-05:00` has an offset touching the time; after a
        // space, `2023-01-17 12:26-12:30` is a range.
        let strict = iso && matches!(byte(text, end), Some(b'T' | b't'));
        Some((date, time_and_zone(text, at, strict)?))
    });
    if let Some((date, t)) = dated {
        let cell = CellTime {
            date: Some(date),
            time: t.time,
            offset: t.offset,
        };
        return Some((cell, t.end));
    }
    let t = time_and_zone(text, skip_weekday(text, start), false)?;
    let (date, end) = match date_after(text, t.end, year_hint) {
        Some((date, end)) => (Some(date), end),
        None => (None, t.end),
    };
    let cell = CellTime {
        date,
        time: t.time,
        offset: t.offset,
    };
    Some((cell, end))
}

/// The zone a note about a timeline's times names: a Timeline heading such as
/// `Timeline (all times UTC)`, a first paragraph such as `All times in CET.`, or a table
/// header `Time (UTC+03:00)`. The note must speak of times (say "time"), and the zone is an
/// abbreviation in capitals (`UTC`, `CEST`, `PST`) or `UTC`/`GMT` with an offset; the first
/// one counts.
pub fn zone_note(text: &str) -> Option<FixedOffset> {
    if !text
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"time"))
    {
        return None;
    }
    let mut word_before = false;
    for (i, c) in text.char_indices() {
        if c.is_ascii_uppercase() && !word_before {
            let capitals = Name::at(text, i).is_some_and(|name| name.capitals && name.len > 1);
            if let Some((offset, _)) = zone_name(text, i, false).filter(|_| capitals) {
                return Some(offset);
            }
        }
        word_before = c.is_alphanumeric();
    }
    None
}

/// Whether `text` starts like a dated time (`2023-03-26 …`, `2023/03/26 …`) or a clock time
/// (`12:30`, `9:05`): a timeline row that does, but that [`parse_time`] cannot read, is worth
/// a warning rather than silence.
pub fn looks_like_a_time(text: &str) -> bool {
    let i = skip_prefix(text);
    let (_, len) = number(text, i);
    match len {
        4 => matches!(byte(text, i + 4), Some(b'-' | b'/')) && is_digit_at(text, i + 5),
        1 | 2 => byte(text, i + len) == Some(b':') && is_digit_at(text, i + len + 1),
        _ => false,
    }
}

/// A date written in prose, with its year, and the time and zone written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    /// The zone written with the time (`UTC`, `PST`, `(UTC)`, `+03:00`, `EAT`), if any.
    pub offset: Option<FixedOffset>,
    /// Byte range of the whole expression (date, time and zone) in `text`.
    pub span: std::ops::Range<usize>,
}

/// Every full date written in the prose `text` with its year (1970 to 2100), in order, with the
/// time of day and zone written right after it (`Thursday, May 9, 2024, 17:30 PST`,
/// `2023-01-17T12:30:00+03:00`) or right before it (`10:15 AM UTC on August 19, 2024`).
///
/// Dates are read in the shapes [`parse_time`] reads (`2023-01-17`, `Jan 17, 2023`,
/// `29 april 2022`, after an optional weekday), and also as `13/10/2023` or `10/13/2023` (or
/// with `.` or `-`) when only one of the day-first and month-first readings is a date, or both
/// are the same. A time may also be written `2100hrs`, `2100 hrs` or `21:00hrs`.
///
/// Only expressions that start a word count: not `PM2023-001`, not a date in a URL's path or
/// query (`/2023/01/17/`, `?d=2023-01-17`) or after `INC-`. A month without a day or a year
/// (`May 9`, `may 2 times`), a lone year and a time with no date are not moments.
pub fn moments(text: &str) -> Vec<Moment> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        if c.is_alphanumeric() && starts_word(text, i) {
            match moment_at(text, i) {
                Ok(moment) => {
                    i = moment.span.end;
                    found.push(moment);
                    continue;
                }
                Err(next) if next > i => {
                    i = next;
                    continue;
                }
                Err(_) => {}
            }
        }
        i += c.len_utf8();
    }
    found
}

/// Places the entries of one timeline, in the order written, on the calendar of a report whose
/// impact started at `start`.
///
/// An entry without a date is put on the day of the entry before it (as seen in the entry's own
/// zone), or on the next day when that would put it more than 12 hours before the entry before
/// it. The first entry without a date goes on whichever of the three days around `start` puts it
/// nearest to `start`.
///
/// An entry without its own offset is read in the clock's zone: in a named zone, a row after the
/// change to summer time takes the summer offset. A clock time the zone skips is read with the
/// offset from before the change (and said to be skipped); one it shows twice is the earlier.
#[derive(Debug, Clone)]
pub struct Clock {
    start: DateTime<FixedOffset>,
    zone: Zone,
    last: Option<DateTime<FixedOffset>>,
}

/// Where an entry landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// In the clock's zone, with the offset it has at that instant.
    pub at: DateTime<FixedOffset>,
    /// The entry is earlier than the one before it (and was not taken as a new day): out of order.
    pub backwards: bool,
    /// The entry was moved to the next day because its clock time went back past midnight.
    pub rolled_over: bool,
    /// The zone's clocks skip the entry's time (spring forward); it was read with the offset from
    /// before the change.
    pub skipped: bool,
}

impl Clock {
    /// A clock for a report whose impact started at `start`, in the offset of `start`.
    pub fn new(start: DateTime<FixedOffset>) -> Clock {
        Clock::in_zone(start, Zone::Fixed(*start.offset()))
    }

    /// A clock for a report whose impact started at `start`, reading times in `zone`.
    pub fn in_zone(start: DateTime<FixedOffset>, zone: Zone) -> Clock {
        Clock {
            start,
            zone,
            last: None,
        }
    }

    /// Places the next entry of the timeline.
    pub fn place(&mut self, cell: CellTime) -> Placed {
        let (at, rolled_over, skipped) =
            self.locate(cell)
                .unwrap_or((self.last.unwrap_or(self.start), false, false));
        let at = self.zone.show(at);
        let backwards = self.last.is_some_and(|last| at < last);
        self.last = Some(at);
        Placed {
            at,
            backwards,
            rolled_over,
            skipped,
        }
    }

    /// The instant of `cell`, whether it rolled over and whether its zone skips it; `None` only at
    /// the ends of the calendar.
    fn locate(&self, cell: CellTime) -> Option<(DateTime<FixedOffset>, bool, bool)> {
        let zone = cell.offset.map_or(self.zone, Zone::Fixed);
        if let Some(date) = cell.date {
            let (at, skipped) = instant(date, cell.time, zone)?;
            return Some((at, false, skipped));
        }
        let Some(last) = self.last else {
            let date = self.nearest_start_day(cell.time, zone)?;
            let (at, skipped) = instant(date, cell.time, zone)?;
            return Some((at, false, skipped));
        };
        let day = local_day(last, zone)?;
        let (same_day, skipped) = instant(day, cell.time, zone)?;
        if last - same_day > TimeDelta::hours(12) {
            // The next day's clock time, in the offset of the next day.
            let (at, skipped) = instant(day.succ_opt()?, cell.time, zone)?;
            Some((at, true, skipped))
        } else {
            Some((same_day, false, skipped))
        }
    }

    /// Of the day `start` falls on in `zone` and the days either side, the one that puts `time`
    /// nearest to `start` (the day of `start` on a tie).
    fn nearest_start_day(&self, time: NaiveTime, zone: Zone) -> Option<NaiveDate> {
        let day = local_day(self.start, zone)?;
        [Some(day), day.pred_opt(), day.succ_opt()]
            .into_iter()
            .flatten()
            .filter_map(|d| Some((d, instant(d, time, zone)?.0)))
            .min_by_key(|&(_, t)| (t - self.start).abs())
            .map(|(d, _)| d)
    }
}

/// The calendar day of `at` as seen in `zone`.
fn local_day(at: DateTime<FixedOffset>, zone: Zone) -> Option<NaiveDate> {
    let utc = at.naive_utc();
    Some(utc.checked_add_offset(zone.offset_at(utc))?.date())
}

/// `time` on `date` in `zone`, when it is far enough inside chrono's calendar to be shown in any
/// offset and moved by a day; and whether the zone skips that clock time.
fn instant(date: NaiveDate, time: NaiveTime, zone: Zone) -> Option<(DateTime<FixedOffset>, bool)> {
    let local = date.and_time(time);
    let margin = TimeDelta::days(2);
    local.checked_add_signed(margin)?;
    local.checked_sub_signed(margin)?;
    let (at, skipped) = zone.local_or_after(local)?;
    let utc = at.naive_utc();
    utc.checked_add_signed(margin)?;
    utc.checked_sub_signed(margin)?;
    Some((at, skipped))
}

/// A time of day with the zone written after it, and where the text after them starts.
struct Timed {
    time: NaiveTime,
    offset: Option<FixedOffset>,
    end: usize,
}

fn byte(s: &str, i: usize) -> Option<u8> {
    s.as_bytes().get(i).copied()
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|rest| rest.chars().next())
}

fn is_digit_at(s: &str, i: usize) -> bool {
    byte(s, i).is_some_and(|b| b.is_ascii_digit())
}

/// Whether a letter or digit (of any script) starts at `i`: the word written there goes on.
fn word_goes_on(s: &str, i: usize) -> bool {
    char_at(s, i).is_some_and(char::is_alphanumeric)
}

fn skip_ws(s: &str, mut i: usize) -> usize {
    while let Some(c) = char_at(s, i) {
        if !c.is_whitespace() {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// The digits at `i`: their value (saturating) and how many there are.
fn number(s: &str, i: usize) -> (u32, usize) {
    let digits = s.as_bytes().get(i..).unwrap_or_default();
    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    let value = digits[..len].iter().fold(0u32, |v, b| {
        v.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    });
    (value, len)
}

/// The ASCII word at `i`, and where it ends. Empty when no letter is there.
fn word(s: &str, i: usize) -> (&str, usize) {
    let letters = s.as_bytes().get(i..).unwrap_or_default();
    let len = letters
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    (s.get(i..i + len).unwrap_or_default(), i + len)
}

/// The whole word at `i` when it is `expected` (ignoring case), and where it ends.
fn keyword(s: &str, i: usize, expected: &str) -> Option<usize> {
    let (w, end) = word(s, i);
    (w.eq_ignore_ascii_case(expected) && !word_goes_on(s, end)).then_some(end)
}

/// Skips leading whitespace, a `~` and a leading `at`.
fn skip_prefix(s: &str) -> usize {
    let mut i = skip_ws(s, 0);
    if byte(s, i) == Some(b'~') {
        i = skip_ws(s, i + 1);
    }
    if let Some(end) = keyword(s, i, "at") {
        let after = skip_ws(s, end);
        if after > end {
            i = after;
        }
    }
    i
}

/// A time of day at `i` and the zone written after it, if any.
fn time_and_zone(s: &str, i: usize, after_iso_date: bool) -> Option<Timed> {
    let (time, end, seconds) = time_of_day(s, i)?;
    // A sign right after a bare `10:00` is more often a range (`10:00-10:30`) than an offset.
    let attached_offset = after_iso_date || seconds;
    let (offset, end) = match zone(s, end, attached_offset) {
        Some((offset, after)) => (Some(offset), after),
        None => (None, end),
    };
    Some(Timed { time, offset, end })
}

/// A 24-hour or 12-hour time at `i`: the time, where it ends, and whether it has seconds.
fn time_of_day(s: &str, i: usize) -> Option<(NaiveTime, usize, bool)> {
    let (hour, len) = number(s, i);
    if !(1..=2).contains(&len) {
        return None;
    }
    let mut end = i + len;
    let mut minutes = None;
    let mut seconds = 0;
    let mut nanos = 0;
    let mut has_seconds = false;
    match byte(s, end) {
        Some(b':') => {
            let (m, len) = number(s, end + 1);
            if len != 2 {
                return None;
            }
            minutes = Some(m);
            end += 3;
            if byte(s, end) == Some(b':') && is_digit_at(s, end + 1) {
                let (sec, len) = number(s, end + 1);
                if len != 2 {
                    return None;
                }
                seconds = sec;
                has_seconds = true;
                end += 3;
                if byte(s, end) == Some(b'.') && is_digit_at(s, end + 1) {
                    let (n, len) = fraction(s, end + 1);
                    nanos = n;
                    end += 1 + len;
                }
            }
        }
        Some(b'.') => {
            let (m, len) = number(s, end + 1);
            let next = byte(s, end + 1 + len);
            if len == 2 && !matches!(next, Some(b'.' | b'%')) {
                minutes = Some(m);
                end += 3;
            }
        }
        _ => {}
    }
    let minute = minutes.unwrap_or(0);
    let hour = match meridiem(s, end) {
        Some((pm, after)) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            end = after;
            hour % 12 + if pm { 12 } else { 0 }
        }
        None if minutes.is_some() => hour,
        None => return None,
    };
    if hour > 23 || minute > 59 || seconds > 59 {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, seconds, nanos)?;
    Some((time, end, has_seconds))
}

/// Fractional seconds at `i`, in nanoseconds, and how many digits were read.
fn fraction(s: &str, i: usize) -> (u32, usize) {
    let digits = s.as_bytes().get(i..).unwrap_or_default();
    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    let nanos = (0..9).fold(0u32, |v, k| {
        let d = if k < len { digits[k] - b'0' } else { 0 };
        v * 10 + u32::from(d)
    });
    (nanos, len)
}

/// `am`, `pm`, `a.m.`, `p.m.` at `i` (after optional whitespace): whether it is pm, and its end.
fn meridiem(s: &str, i: usize) -> Option<(bool, usize)> {
    let mut j = skip_ws(s, i);
    let pm = match byte(s, j)?.to_ascii_lowercase() {
        b'a' => false,
        b'p' => true,
        _ => return None,
    };
    j += 1;
    let dotted = byte(s, j) == Some(b'.');
    if dotted {
        j += 1;
    }
    if !byte(s, j).is_some_and(|b| b.eq_ignore_ascii_case(&b'm')) {
        return None;
    }
    j += 1;
    if dotted && byte(s, j) == Some(b'.') {
        j += 1;
    } else if word_goes_on(s, j) {
        return None;
    }
    Some((pm, j))
}

/// A zone after a time, optionally after whitespace and in parentheses. A numeric offset
/// (`+03:00`) touching the time counts only when `attached_offset`.
fn zone(s: &str, i: usize, attached_offset: bool) -> Option<(FixedOffset, usize)> {
    let j = skip_ws(s, i);
    if byte(s, j) == Some(b'(') {
        let (offset, end) = zone_name(s, skip_ws(s, j + 1), true)?;
        let close = skip_ws(s, end);
        return (byte(s, close) == Some(b')')).then_some((offset, close + 1));
    }
    zone_name(s, j, j > i || attached_offset)
}

/// A zone name or, when `numeric`, a numeric offset at `i`, and where it ends.
fn zone_name(s: &str, i: usize, numeric: bool) -> Option<(FixedOffset, usize)> {
    if matches!(byte(s, i), Some(b'+' | b'-')) {
        return if numeric {
            numeric_offset(s, i, true)
        } else {
            None
        };
    }
    let name = Name::at(s, i)?;
    let end = name.end;
    let (minutes, capitals) = match name.lower() {
        b"utc" | b"gmt" => {
            return numeric_offset(s, end, false).or(Some((Utc.fix(), end)));
        }
        b"z" => return Some((Utc.fix(), end)),
        b"pst" => (-8 * 60, false),
        b"pdt" | b"mst" => (-7 * 60, false),
        b"mdt" | b"cst" => (-6 * 60, false),
        b"cdt" | b"est" => (-5 * 60, false),
        b"edt" => (-4 * 60, false),
        b"akst" => (-9 * 60, false),
        b"akdt" => (-8 * 60, false),
        b"hst" => (-10 * 60, false),
        b"bst" | b"cet" => (60, false),
        b"ist" => (5 * 60 + 30, false),
        b"cest" | b"eet" | b"sast" => (2 * 60, false),
        b"eest" | b"msk" => (3 * 60, false),
        b"gst" => (4 * 60, false),
        b"pkt" => (5 * 60, false),
        b"ict" | b"wib" => (7 * 60, false),
        b"sgt" | b"hkt" | b"awst" => (8 * 60, false),
        b"jst" | b"kst" => (9 * 60, false),
        b"aest" => (10 * 60, false),
        b"aedt" => (11 * 60, false),
        b"nzst" => (12 * 60, false),
        b"nzdt" => (13 * 60, false),
        b"brt" => (-3 * 60, false),
        // Also English words (`west region`, `eat`, `cat`): only in capitals.
        b"wet" => (0, true),
        b"west" | b"wat" => (60, true),
        b"cat" => (2 * 60, true),
        b"eat" => (3 * 60, true),
        b"art" => (-3 * 60, true),
        _ => return None,
    };
    if capitals && !name.capitals {
        return None;
    }
    Some((FixedOffset::east_opt(minutes * 60)?, end))
}

/// `+03:00`, `+0300`, `-05` at `i`; after `UTC`/`GMT` (not `two_digit_hours`) also `+3`, `-5:30`.
fn numeric_offset(s: &str, i: usize, two_digit_hours: bool) -> Option<(FixedOffset, usize)> {
    let sign = match byte(s, i)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (value, len) = number(s, i + 1);
    let mut end = i + 1 + len;
    let (hours, minutes) = match len {
        4 => (value / 100, value % 100),
        1 if two_digit_hours => return None,
        1 | 2 => {
            let (m, mlen) = number(s, end + 1);
            if byte(s, end) == Some(b':') && mlen == 2 {
                end += 3;
                (value, m)
            } else {
                (value, 0)
            }
        }
        _ => return None,
    };
    let more_time = byte(s, end) == Some(b':') && is_digit_at(s, end + 1);
    if minutes > 59 || is_digit_at(s, end) || more_time {
        return None;
    }
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    Some((FixedOffset::east_opt(sign * seconds)?, end))
}

/// What may stand between a date and the time after it: `T` after an ISO date, or whitespace,
/// `,`, `-`, `–`, `—`, `@` or `at`. Returns where the time starts.
fn date_time_separator(s: &str, end: usize, iso: bool) -> Option<usize> {
    if iso && matches!(byte(s, end), Some(b'T' | b't')) {
        return Some(end + 1);
    }
    let mut i = skip_ws(s, end);
    if byte(s, i) == Some(b',') {
        i = skip_ws(s, i + 1);
    }
    let dash = ['-', '–', '—', '@']
        .into_iter()
        .find(|&c| char_at(s, i) == Some(c));
    if let Some(c) = dash {
        i = skip_ws(s, i + c.len_utf8());
    } else if let Some(after) = keyword(s, i, "at") {
        i = skip_ws(s, after);
    }
    (i > end).then_some(i)
}

/// A date after a time, after whitespace, `,` or `on`.
fn date_after(s: &str, end: usize, year_hint: i32) -> Option<(NaiveDate, usize)> {
    let i = date_start_after(s, end)?;
    date(s, i, year_hint).map(|(date, end, _)| (date, end))
}

/// Where a date after a time that ends at `end` would start: after whitespace, `,` or `on`.
fn date_start_after(s: &str, end: usize) -> Option<usize> {
    let mut i = skip_ws(s, end);
    if byte(s, i) == Some(b',') {
        i = skip_ws(s, i + 1);
    } else if let Some(after) = keyword(s, i, "on") {
        i = skip_ws(s, after);
    }
    (i > end).then_some(i)
}

/// The year [`moments`] passes as a hint to the date readers: a date read with it had no year
/// written, and falls outside [`MOMENT_YEARS`].
const NO_YEAR: i32 = 0;

/// The years a date in prose may have.
const MOMENT_YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

/// The moment written at `i`, which starts a word; or, when there is none, where to look next.
fn moment_at(s: &str, i: usize) -> Result<Moment, usize> {
    if let Some((date, end, iso)) = written_date(s, i) {
        let timed = date_time_separator(s, end, iso).and_then(|at| {
            if !one_paragraph(s, end, at) {
                return None;
            }
            let strict = iso && matches!(byte(s, end), Some(b'T' | b't'));
            clock(s, at, strict)
        });
        if let Some(t) = timed.filter(|t| !word_goes_on(s, t.end)) {
            return Ok(Moment {
                date,
                time: Some(t.time),
                offset: t.offset,
                span: i..t.end,
            });
        }
        if ends_word(s, end) {
            return Ok(Moment {
                date,
                time: None,
                offset: None,
                span: i..end,
            });
        }
        return Err(i);
    }
    let Some(t) = clock(s, i, false) else {
        return Err(i);
    };
    // Before a date, `3.10` or `14.04` is more often a version than a time (`10.15 pm` is one).
    let (_, hour_len) = number(s, i);
    let letters = s.as_bytes().get(i..t.end).unwrap_or_default();
    if byte(s, i + hour_len) == Some(b'.') && !letters.iter().any(u8::is_ascii_alphabetic) {
        return Err(t.end);
    }
    let dated = date_start_after(s, t.end)
        .filter(|&at| !word_goes_on(s, t.end) && one_paragraph(s, t.end, at))
        .and_then(|at| written_date(s, at))
        .filter(|&(_, end, _)| ends_word(s, end));
    match dated {
        Some((date, end, _)) => Ok(Moment {
            date,
            time: Some(t.time),
            offset: t.offset,
            span: i..end,
        }),
        None => Err(t.end),
    }
}

/// A date at `i` with its year written, in [`MOMENT_YEARS`]: as [`date`] reads it, or
/// numeric (`13/10/2023`) when that is unambiguous.
fn written_date(s: &str, i: usize) -> Option<(NaiveDate, usize, bool)> {
    let found = date(s, i, NO_YEAR).or_else(|| {
        let (date, end) = numeric_date(s, skip_weekday(s, i))?;
        Some((date, end, false))
    })?;
    MOMENT_YEARS.contains(&found.0.year()).then_some(found)
}

/// `13/10/2023` (day first) or `10/13/2023` (month first), also with `.` or `-`, when only one
/// reading is a date or both read the same.
fn numeric_date(s: &str, i: usize) -> Option<(NaiveDate, usize)> {
    let (first, len) = number(s, i);
    if !(1..=2).contains(&len) {
        return None;
    }
    let separator = byte(s, i + len).filter(|b| matches!(b, b'/' | b'.' | b'-'))?;
    let second_at = i + len + 1;
    let (second, len) = number(s, second_at);
    let year_at = second_at + len + 1;
    if !(1..=2).contains(&len) || byte(s, year_at - 1) != Some(separator) {
        return None;
    }
    let (year, len) = number(s, year_at);
    if len != 4 {
        return None;
    }
    let (month, day) = match (first > 12, second > 12) {
        (true, false) => (second, first),
        (false, true) => (first, second),
        (false, false) if first == second => (first, second),
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, year_at + 4))
}

/// A time of day at `i` and the zone written after it, as [`time_and_zone`] reads them, or
/// written as hours: `2100hrs`, `2100 hrs`, `21:00hrs`.
fn clock(s: &str, i: usize, after_iso_date: bool) -> Option<Timed> {
    let (value, len) = number(s, i);
    if len == 4 {
        let end = hours_word(s, i + 4)?;
        let time = NaiveTime::from_hms_opt(value / 100, value % 100, 0)?;
        return Some(zone_after(s, time, end));
    }
    let t = time_and_zone(s, i, after_iso_date)?;
    match hours_word(s, t.end) {
        Some(end) if t.offset.is_none() => Some(zone_after(s, t.time, end)),
        _ => Some(t),
    }
}

/// `hrs` or `hr` after a time that ends at `i` (after optional whitespace), and where it ends.
fn hours_word(s: &str, i: usize) -> Option<usize> {
    let j = skip_ws(s, i);
    keyword(s, j, "hrs").or_else(|| keyword(s, j, "hr"))
}

/// `time`, and the zone written after `end`, if any.
fn zone_after(s: &str, time: NaiveTime, end: usize) -> Timed {
    let (offset, end) = zone(s, end, false).map_or((None, end), |(o, e)| (Some(o), e));
    Timed { time, offset, end }
}

/// Whether the gap between a date and its time, `from..to`, holds no blank line.
fn one_paragraph(s: &str, from: usize, to: usize) -> bool {
    let gap = s.as_bytes().get(from..to).unwrap_or_default();
    gap.iter().filter(|&&b| b == b'\n').count() < 2
}

/// Whether a moment may start at `i`: not inside a word, and not in a URL, path or identifier
/// (after `/`, `_`, `=`, `#`, ..., or after `-` or `.` that follows a letter: `INC-2023-01-17`).
fn starts_word(s: &str, i: usize) -> bool {
    let mut before = s.get(..i).unwrap_or_default().chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || "/\\_=@#&?%+$".contains(c) => false,
        Some('.' | '-') => !before.next().is_some_and(char::is_alphabetic),
        Some(_) => true,
    }
}

/// Whether a date that ends at `end` is not part of a longer word, file name or path
/// (`2023-01-17abc`, `2023-01-17_x`, `2023-01-17.md`, `2023/01/17/post`).
fn ends_word(s: &str, end: usize) -> bool {
    let mut after = s.get(end..).unwrap_or_default().chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => false,
        Some('.' | '/' | '\\') => !after.next().is_some_and(char::is_alphanumeric),
        _ => true,
    }
}

/// A date at `i`, optionally after a weekday: the date, where it ends, and whether it was
/// written as `2023-01-17` or `2023/01/17`.
fn date(s: &str, i: usize, year_hint: i32) -> Option<(NaiveDate, usize, bool)> {
    let i = skip_weekday(s, i);
    if let Some((date, end)) = iso_date(s, i) {
        return Some((date, end, true));
    }
    month_first(s, i, year_hint)
        .or_else(|| day_first(s, i, year_hint))
        .map(|(date, end)| (date, end, false))
}

/// Skips a weekday name at `i` (`Tue`, `Tuesday,`) and the space after it; the weekday itself
/// is not checked against the date.
fn skip_weekday(s: &str, i: usize) -> usize {
    let Some(name) = Name::at(s, i) else {
        return i;
    };
    let weekday = matches!(
        name.lower(),
        b"mon"
            | b"monday"
            | b"tue"
            | b"tues"
            | b"tuesday"
            | b"wed"
            | b"weds"
            | b"wednesday"
            | b"thu"
            | b"thur"
            | b"thurs"
            | b"thursday"
            | b"fri"
            | b"friday"
            | b"sat"
            | b"saturday"
            | b"sun"
            | b"sunday"
    );
    if !weekday {
        return i;
    }
    let mut end = name.end;
    if byte(s, end) == Some(b'.') {
        end += 1;
    }
    let comma = byte(s, end) == Some(b',');
    if comma {
        end += 1;
    }
    let after = skip_ws(s, end);
    if after > end || comma { after } else { i }
}

/// `2023-01-17` or `2023/01/17`.
fn iso_date(s: &str, i: usize) -> Option<(NaiveDate, usize)> {
    let (year, len) = number(s, i);
    if len != 4 {
        return None;
    }
    let separator = byte(s, i + 4).filter(|b| matches!(b, b'-' | b'/'))?;
    let (month, mlen) = number(s, i + 5);
    let day_at = i + 5 + mlen + 1;
    if !(1..=2).contains(&mlen) || byte(s, day_at - 1) != Some(separator) {
        return None;
    }
    let (day, dlen) = number(s, day_at);
    if !(1..=2).contains(&dlen) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some((date, day_at + dlen))
}

/// `Jan 17`, `January 17th, 2023`, `Sept. 3 2023`.
fn month_first(s: &str, i: usize, year_hint: i32) -> Option<(NaiveDate, usize)> {
    let (month, end) = month(s, i)?;
    let day_at = skip_ws(s, end);
    let (day, end) = day_of_month(s, day_at)?;
    let (year, end) = year(s, end).unwrap_or((year_hint, end));
    Some((NaiveDate::from_ymd_opt(year, month, day)?, end))
}

/// `17 Jan`, `17th of January, 2023`, `3 Sept 2023`.
fn day_first(s: &str, i: usize, year_hint: i32) -> Option<(NaiveDate, usize)> {
    let (day, end) = day_of_month(s, i)?;
    let mut month_at = skip_ws(s, end);
    if let Some(after) = keyword(s, month_at, "of") {
        month_at = skip_ws(s, after);
    }
    let (month, end) = month(s, month_at)?;
    let (year, end) = year(s, end).unwrap_or((year_hint, end));
    Some((NaiveDate::from_ymd_opt(year, month, day)?, end))
}

/// A day of the month, with an optional `st`/`nd`/`rd`/`th`.
fn day_of_month(s: &str, i: usize) -> Option<(u32, usize)> {
    let (day, len) = number(s, i);
    if !(1..=2).contains(&len) {
        return None;
    }
    let end = i + len;
    let (suffix, after) = word(s, end);
    if ["st", "nd", "rd", "th"]
        .iter()
        .any(|x| suffix.eq_ignore_ascii_case(x))
        && !word_goes_on(s, after)
    {
        return Some((day, after));
    }
    (!word_goes_on(s, end)).then_some((day, end))
}

/// A four-digit year after a day and month, after optional `,` and whitespace.
fn year(s: &str, end: usize) -> Option<(i32, usize)> {
    let mut i = end;
    if byte(s, i) == Some(b',') {
        i += 1;
    }
    i = skip_ws(s, i);
    let (year, len) = number(s, i);
    if i == end || len != 4 {
        return None;
    }
    Some((i32::try_from(year).ok()?, i + 4))
}

/// A month name or its abbreviation (`Jan`, `Jan.`, `Sept`), and where it ends.
fn month(s: &str, i: usize) -> Option<(u32, usize)> {
    let name = Name::at(s, i)?;
    let number = match name.lower() {
        b"jan" | b"january" => 1,
        b"feb" | b"february" => 2,
        b"mar" | b"march" => 3,
        b"apr" | b"april" => 4,
        b"may" => 5,
        b"jun" | b"june" => 6,
        b"jul" | b"july" => 7,
        b"aug" | b"august" => 8,
        b"sep" | b"sept" | b"september" => 9,
        b"oct" | b"october" => 10,
        b"nov" | b"november" => 11,
        b"dec" | b"december" => 12,
        _ => return None,
    };
    let mut end = name.end;
    if byte(s, end) == Some(b'.') && name.len < 5 {
        end += 1;
    }
    Some((number, end))
}

/// A whole ASCII word short enough to be a month, weekday or zone name, lowercased for matching.
struct Name {
    lower: [u8; 9],
    len: usize,
    capitals: bool,
    end: usize,
}

impl Name {
    fn at(s: &str, i: usize) -> Option<Name> {
        let (text, end) = word(s, i);
        if text.is_empty() || text.len() > 9 || word_goes_on(s, end) {
            return None;
        }
        let mut lower = [0; 9];
        for (to, from) in lower.iter_mut().zip(text.bytes()) {
            *to = from.to_ascii_lowercase();
        }
        Some(Name {
            lower,
            len: text.len(),
            capitals: text.bytes().all(|b| b.is_ascii_uppercase()),
            end,
        })
    }

    fn lower(&self) -> &[u8] {
        &self.lower[..self.len]
    }
}

#[cfg(test)]
mod tests;
