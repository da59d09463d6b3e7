//! Durations in the form people read them (`1 h 15 min`, `2 min`, `3 d 4 h`), and as they
//! write them (`1 hour and 45 minutes`, `1h15m`, `about 20 min`).

use chrono::TimeDelta;

/// Formats a duration with its two largest units, rounded down to the
/// minute. Negative durations are shown as zero.
pub fn human(delta: TimeDelta) -> String {
    let minutes = delta.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    // Every report page says several durations: written here without
    // the formatting machinery.
    let mut out = String::with_capacity(16);
    let mut put = |n: i64, unit: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(itoa::Buffer::new().format(n));
        out.push(' ');
        out.push_str(unit);
    };
    match (days, hours, mins) {
        (0, 0, m) => put(m, "min"),
        (0, h, 0) => put(h, "h"),
        (0, h, m) => {
            put(h, "h");
            put(m, "min");
        }
        (d, 0, _) => put(d, "d"),
        (d, h, _) => {
            put(d, "d");
            put(h, "h");
        }
    }
    out
}

/// Reads a duration written by a person at the start of `text` (after optional whitespace), as in
/// "Time to resolve: 1 hour and 45 minutes". `None` when `text` does not start with one.
///
/// Accepted, case-insensitively: one or more amounts with a unit (`2 minutes`, `13 min`,
/// `1h 15m`, `1h15m`, `75m`, `1.5 hours`, `90 seconds`, `30 secs`, `2 days`, `1 week`), joined by
/// whitespace, `,` or `and` (`1 hour, 30 minutes`, `1 day and 4 hours`); `a` or `an` as the
/// amount of a unit written in full (`an hour`); and before it all `about`, `approximately`,
/// `approx.`, `around`, `roughly`, `nearly`, `almost` or `~`. What follows the duration is not
/// read: `2 hours of downtime` is two hours.
pub fn parse_phrase(text: &str) -> Option<TimeDelta> {
    let mut i = skip_ws(text, 0);
    if let Some(after) = qualifier(text, i) {
        i = skip_ws(text, after);
    }
    let (mut total, mut end) = amount(text, i)?;
    loop {
        let mut j = skip_ws(text, end);
        if byte(text, j) == Some(b',') {
            j = skip_ws(text, j + 1);
        }
        if let Some(after) = keyword(text, j, &["and"]) {
            j = skip_ws(text, after);
        }
        let Some((more, after)) = amount(text, j) else {
            break;
        };
        total = total.checked_add(&more)?;
        end = after;
    }
    Some(total)
}

/// A word such as `about` or `~` that makes the duration after it approximate, and its end.
fn qualifier(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    if let Some(tilde) = ['~', '≈'].into_iter().find(|&c| rest.starts_with(c)) {
        return Some(i + tilde.len_utf8());
    }
    let words = [
        "about",
        "approximately",
        "approx",
        "around",
        "roughly",
        "nearly",
        "almost",
        "circa",
        "ca",
    ];
    let end = keyword(s, i, &words)?;
    Some(if byte(s, end) == Some(b'.') {
        end + 1
    } else {
        end
    })
}

/// An amount and its unit at `i` (`1.5 hours`, `15m`, `an hour`), and where the unit ends.
fn amount(s: &str, i: usize) -> Option<(TimeDelta, usize)> {
    if let Some(after) = keyword(s, i, &["a", "an"]) {
        let unit_at = skip_ws(s, after);
        let (unit, end) = unit(s, unit_at)?;
        let singular = [
            "second", "sec", "minute", "min", "hour", "hr", "day", "week",
        ];
        let word = s.get(unit_at..end)?;
        if !singular.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            return None;
        }
        return Some((TimeDelta::try_milliseconds(unit)?, end));
    }
    let (whole, len) = digits(s, i);
    if len == 0 {
        return None;
    }
    let mut end = i + len;
    let (mut fraction, mut scale) = (0, 1);
    if byte(s, end) == Some(b'.') {
        let (digits_value, digits_len) = digits(s, end + 1);
        if (1..=9).contains(&digits_len) {
            fraction = digits_value;
            scale = 10_i64.pow(u32::try_from(digits_len).ok()?);
            end += 1 + digits_len;
        }
    }
    let (unit, after) = unit(s, skip_ws(s, end))?;
    let millis = whole
        .checked_mul(unit)?
        .checked_add(fraction.checked_mul(unit)? / scale)?;
    Some((TimeDelta::try_milliseconds(millis)?, after))
}

/// A unit of time at `i`, in milliseconds, and where its word ends. The word may run into the
/// digits of the next amount (`1h15m`), not into other letters or digits (`2 m²`).
fn unit(s: &str, i: usize) -> Option<(i64, usize)> {
    let letters = s.as_bytes().get(i..).unwrap_or_default();
    let len = letters
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let end = i + len;
    let next = s.get(end..)?.chars().next();
    if next.is_some_and(|c| c.is_alphanumeric() && !c.is_ascii_digit()) {
        return None;
    }
    let word = s.get(i..end)?.to_ascii_lowercase();
    let seconds = match word.as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "wk" | "wks" | "week" | "weeks" => 604_800,
        _ => return None,
    };
    Some((seconds * 1000, end))
}

/// The digits at `i`: their value (`None` past `i64`) and how many there are.
fn digits(s: &str, i: usize) -> (i64, usize) {
    let bytes = s.as_bytes().get(i..).unwrap_or_default();
    let len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let value = bytes.iter().take(len).fold(0_i64, |v, b| {
        v.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    (value, len)
}

/// The whole word at `i` when it is one of `words` (ignoring case), and where it ends.
fn keyword(s: &str, i: usize, words: &[&str]) -> Option<usize> {
    let letters = s.as_bytes().get(i..).unwrap_or_default();
    let len = letters
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let end = i + len;
    let word = s.get(i..end)?;
    let whole = !s
        .get(end..)?
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    (whole && words.iter().any(|w| w.eq_ignore_ascii_case(word))).then_some(end)
}

fn byte(s: &str, i: usize) -> Option<u8> {
    s.as_bytes().get(i).copied()
}

fn skip_ws(s: &str, i: usize) -> usize {
    let rest = s.get(i..).unwrap_or_default();
    i + (rest.len() - rest.trim_start().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(text: &str) -> i64 {
        parse_phrase(text)
            .unwrap_or_else(|| panic!("{text:?} is not a duration"))
            .num_minutes()
    }

    fn seconds(text: &str) -> i64 {
        parse_phrase(text)
            .unwrap_or_else(|| panic!("{text:?} is not a duration"))
            .num_seconds()
    }

    #[test]
    fn minutes_in_words_and_abbreviations() {
        assert_eq!(minutes("2 minutes"), 2);
        assert_eq!(minutes("13 min"), 13);
        assert_eq!(minutes("45 mins"), 45);
        assert_eq!(minutes("75m"), 75);
        assert_eq!(minutes("1 minute"), 1);
        assert_eq!(minutes("20 MIN"), 20);
    }

    #[test]
    fn hours_and_minutes_together() {
        assert_eq!(minutes("1 hour 5 minutes"), 65);
        assert_eq!(minutes("1 hour and 45 minutes"), 105);
        assert_eq!(minutes("2 hours, 30 minutes"), 150);
        assert_eq!(minutes("2 hours, and 30 minutes"), 150);
        assert_eq!(minutes("2 hours"), 120);
        assert_eq!(minutes("1h 15m"), 75);
        assert_eq!(minutes("1h15m"), 75);
        assert_eq!(minutes("1 Hr 15 Mins"), 75);
    }

    #[test]
    fn fractional_amounts() {
        assert_eq!(minutes("1.5 hours"), 90);
        assert_eq!(minutes("7.5 hours"), 450);
        assert_eq!(seconds("1.5m"), 90);
        assert_eq!(seconds("0.25 hours"), 900);
        // A full stop after a whole amount ends a sentence.
        assert_eq!(parse_phrase("2. hours"), None);
    }

    #[test]
    fn seconds_days_and_weeks() {
        assert_eq!(seconds("90 seconds"), 90);
        assert_eq!(seconds("30 secs"), 30);
        assert_eq!(seconds("45s"), 45);
        assert_eq!(minutes("2 days"), 2 * 1440);
        assert_eq!(minutes("1 day 4 hours"), 1440 + 240);
        assert_eq!(minutes("1d4h"), 1440 + 240);
        assert_eq!(minutes("1 week"), 7 * 1440);
    }

    #[test]
    fn approximate_durations() {
        assert_eq!(minutes("about 20 minutes"), 20);
        assert_eq!(minutes("~20 min"), 20);
        assert_eq!(minutes("~ 20 min"), 20);
        assert_eq!(minutes("approximately 2 hours"), 120);
        assert_eq!(minutes("Approx. 2 hours"), 120);
        assert_eq!(minutes("roughly an hour"), 60);
        assert_eq!(minutes("a day and 2 hours"), 1440 + 120);
    }

    #[test]
    fn only_the_start_of_the_text_is_read() {
        assert_eq!(minutes("  2 hours of downtime"), 120);
        assert_eq!(minutes("45 minutes (partial outage)"), 45);
        assert_eq!(minutes("1 hour and then some"), 60);
        assert_eq!(minutes("2 hours 30"), 120);
        assert_eq!(minutes("2 hours, 3 engineers"), 120);
    }

    #[test]
    fn text_that_does_not_start_with_a_duration() {
        for text in [
            "",
            "   ",
            "soon",
            "2023",
            "minutes",
            "2",
            "2 engineers",
            "2minutesx",
            "2 m²",
            "about",
            "~",
            "a m",
            "an",
            "for 2 hours",
            "1,5 hours",
            "-2 hours",
            "2 mo",
            "a minutes-long outage",
        ] {
            assert_eq!(parse_phrase(text), None, "{text:?}");
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "99999999999999999999999 hours",
            "9999999999999 weeks 9999999999999 weeks",
            "1.99999999999999999999 hours",
            "1.5🔥 hours",
            "é 2 min",
            "2 mé",
            "~",
            "≈ 3 min",
            "2\u{301} min",
        ] {
            let _ = parse_phrase(text);
        }
        assert_eq!(minutes("≈ 3 min"), 3);
    }

    #[test]
    fn human_uses_the_two_largest_units() {
        assert_eq!(human(TimeDelta::minutes(2)), "2 min");
        assert_eq!(human(TimeDelta::minutes(75)), "1 h 15 min");
        assert_eq!(human(TimeDelta::minutes(120)), "2 h");
        assert_eq!(human(TimeDelta::minutes(24 * 60 + 125)), "1 d 2 h");
        assert_eq!(human(TimeDelta::minutes(48 * 60)), "2 d");
        assert_eq!(human(TimeDelta::seconds(59)), "0 min");
        assert_eq!(human(TimeDelta::minutes(-5)), "0 min");
    }
}
