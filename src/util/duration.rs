//! Durations in the form people read them: `1 h 15 min`, `2 min`, `3 d 4 h`.

use chrono::TimeDelta;

/// Formats a duration with its two largest units, rounded down to the
/// minute. Negative durations are shown as zero.
pub fn human(delta: TimeDelta) -> String {
    let minutes = delta.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
