//! Time zones: a fixed UTC offset (`+03:00`, `Z`) or a named zone of the
//! IANA database (`Europe/Copenhagen`), and what a wall-clock time written
//! without an offset means in one. The database is compiled into the
//! binary, so a build reads the same times on every machine.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::Tz;

/// Where wall-clock times are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The same offset all year.
    Fixed(FixedOffset),
    /// An IANA zone, with its daylight-saving changes.
    Named(Tz),
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Zone::Fixed(offset) => write!(f, "{offset}"),
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

/// A wall-clock time that does not happen in a zone: the clocks jumped
/// over it (spring forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skipped;

impl Zone {
    /// `+03:00`, `-0500`, `Z`, `UTC` or an IANA name such as
    /// `Europe/Copenhagen` (spelt as the database spells it).
    pub fn parse(text: &str) -> Option<Zone> {
        if let Some(offset) = parse_offset(text) {
            return Some(Zone::Fixed(offset));
        }
        text.trim().parse::<Tz>().ok().map(Zone::Named)
    }

    /// The IANA names, for a did-you-mean hint.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// Whether the zone is a name rather than an offset.
    pub fn is_named(self) -> bool {
        matches!(self, Zone::Named(_))
    }

    /// The offset the zone has at the instant `utc`.
    pub fn offset_at(self, utc: NaiveDateTime) -> FixedOffset {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&utc).fix(),
        }
    }

    /// The instant `utc` as the zone's clocks show it.
    pub fn show<T: TimeZone>(self, at: DateTime<T>) -> DateTime<FixedOffset> {
        let utc = at.naive_utc();
        DateTime::from_naive_utc_and_offset(utc, self.offset_at(utc))
    }

    /// The instant a wall clock in the zone shows as `local`. A time the
    /// clocks show twice (fall back) is the earlier of the two; a time
    /// they jump over is [`Skipped`].
    pub fn local(self, local: NaiveDateTime) -> Result<DateTime<FixedOffset>, Skipped> {
        match self {
            Zone::Fixed(offset) => offset.from_local_datetime(&local).earliest().ok_or(Skipped),
            Zone::Named(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.fixed_offset())
                .ok_or(Skipped),
        }
    }

    /// Like [`Zone::local`], but a skipped time is read with the offset in
    /// force just before the jump (so `02:30` on the night clocks go from
    /// 02:00 to 03:00 is 03:30), and says it was. `None` only at the ends
    /// of the calendar.
    pub fn local_or_after(self, local: NaiveDateTime) -> Option<(DateTime<FixedOffset>, bool)> {
        if let Ok(at) = self.local(local) {
            return Some((at, false));
        }
        let before = self.offset_at(local.checked_sub_signed(TimeDelta::days(1))?);
        let utc = local.checked_sub_offset(before)?;
        Some((
            self.show(DateTime::<chrono::Utc>::from_naive_utc_and_offset(
                utc,
                chrono::Utc,
            )),
            true,
        ))
    }
}

/// Parses `+03:00`, `-0500`, `Z` or `UTC`.
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn copenhagen() -> Zone {
        Zone::parse("Europe/Copenhagen").unwrap()
    }

    #[test]
    fn offsets_and_names_both_parse() {
        assert_eq!(
            Zone::parse("+03:00"),
            Some(Zone::Fixed(FixedOffset::east_opt(3 * 3600).unwrap()))
        );
        assert_eq!(
            Zone::parse("UTC"),
            Some(Zone::Fixed(FixedOffset::east_opt(0).unwrap()))
        );
        assert_eq!(
            Zone::parse(" Europe/Copenhagen "),
            Some(Zone::Named(Tz::Europe__Copenhagen))
        );
        assert_eq!(
            Zone::parse("America/Los_Angeles"),
            Some(Zone::Named(Tz::America__Los_Angeles))
        );
        assert_eq!(Zone::parse("Europe/Copenhagn"), None);
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        assert!(Zone::names().any(|n| n == "Europe/Copenhagen"));
    }

    #[test]
    fn a_named_zone_changes_offset_with_daylight_saving() {
        let zone = copenhagen();
        let before = zone.local(local("2023-03-26 01:30")).unwrap();
        let after = zone.local(local("2023-03-26 03:30")).unwrap();
        assert_eq!(before.to_rfc3339(), "2023-03-26T01:30:00+01:00");
        assert_eq!(after.to_rfc3339(), "2023-03-26T03:30:00+02:00");
        assert_eq!(after - before, TimeDelta::hours(1));
        let winter = zone.local(local("2023-12-01 12:00")).unwrap();
        assert_eq!(winter.offset().local_minus_utc(), 3600);
    }

    #[test]
    fn a_time_the_clocks_jump_over_does_not_exist() {
        let zone = copenhagen();
        assert_eq!(zone.local(local("2024-03-31 02:30")), Err(Skipped));
        let (at, skipped) = zone.local_or_after(local("2024-03-31 02:30")).unwrap();
        assert!(skipped);
        assert_eq!(at.to_rfc3339(), "2024-03-31T03:30:00+02:00");
    }

    #[test]
    fn a_time_the_clocks_show_twice_is_the_earlier() {
        let zone = copenhagen();
        let at = zone.local(local("2023-10-29 02:30")).unwrap();
        assert_eq!(at.to_rfc3339(), "2023-10-29T02:30:00+02:00");
        let later = zone.local(local("2023-10-29 03:30")).unwrap();
        assert_eq!(later - at, TimeDelta::hours(2));
    }

    #[test]
    fn an_instant_is_shown_in_the_offset_of_its_day() {
        let zone = copenhagen();
        let noon = NaiveDate::from_ymd_opt(2023, 7, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let summer = chrono::Utc.from_utc_datetime(&noon);
        assert_eq!(zone.show(summer).to_rfc3339(), "2023-07-01T14:00:00+02:00");
    }
}
