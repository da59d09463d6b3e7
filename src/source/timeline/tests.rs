use super::*;

fn hms(h: u32, m: u32, s: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, s).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn east(hours: i32, minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(hours * 3600 + hours.signum() * minutes * 60).unwrap()
}

fn utc() -> FixedOffset {
    east(0, 0)
}

/// Parses `text`, which must be a time and nothing else.
fn whole(text: &str) -> CellTime {
    let (cell, used) = parse_time(text, 2023).unwrap_or_else(|| panic!("{text:?} is not a time"));
    assert_eq!(used, text.len(), "{text:?} was only used up to {used}");
    cell
}

fn time_of(text: &str) -> NaiveTime {
    whole(text).time
}

fn offset_of(text: &str) -> Option<FixedOffset> {
    whole(text).offset
}

/// The part of `text` that the time expression used.
fn consumed(text: &str) -> &str {
    let (_, used) = parse_time(text, 2023).unwrap_or_else(|| panic!("{text:?}"));
    &text[..used]
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn place_all(start: &str, rows: &[&str]) -> Vec<Placed> {
    let mut clock = Clock::new(at(start));
    rows.iter().map(|row| clock.place(whole(row))).collect()
}

fn instants(placed: &[Placed]) -> Vec<DateTime<FixedOffset>> {
    placed.iter().map(|p| p.at).collect()
}

#[test]
fn twenty_four_hour_times() {
    assert_eq!(time_of("12:30"), hms(12, 30, 0));
    assert_eq!(time_of("9:05"), hms(9, 5, 0));
    assert_eq!(time_of("09:05"), hms(9, 5, 0));
    assert_eq!(time_of("12:30:15"), hms(12, 30, 15));
    assert_eq!(time_of("00:01"), hms(0, 1, 0));
    assert_eq!(time_of("23:59:59"), hms(23, 59, 59));
    let cell = whole("12:30");
    assert_eq!((cell.date, cell.offset), (None, None));
}

#[test]
fn dot_separated_times_need_two_digit_minutes() {
    assert_eq!(time_of("15.25"), hms(15, 25, 0));
    assert_eq!(time_of("9.05 am"), hms(9, 5, 0));
    assert_eq!(consumed("15.25 rollback started"), "15.25");
    for text in ["3.5 GB", "1.2.3", "15.25.30", "12.5", "15.255", "12.50%"] {
        assert_eq!(parse_time(text, 2023), None, "{text:?}");
    }
}

#[test]
fn twelve_hour_times_with_and_without_dots() {
    assert_eq!(time_of("12:30 PM"), hms(12, 30, 0));
    assert_eq!(time_of("12:30pm"), hms(12, 30, 0));
    assert_eq!(time_of("1:05 p.m."), hms(13, 5, 0));
    assert_eq!(time_of("1:05 P.M."), hms(13, 5, 0));
    assert_eq!(time_of("1:05 a.m"), hms(1, 5, 0));
    assert_eq!(time_of("11:59:30 PM"), hms(23, 59, 30));
    assert_eq!(time_of("9 AM"), hms(9, 0, 0));
    assert_eq!(time_of("9am"), hms(9, 0, 0));
    assert_eq!(time_of("9 pm"), hms(21, 0, 0));
    assert_eq!(time_of("12 AM"), hms(0, 0, 0));
    assert_eq!(time_of("12:15 am"), hms(0, 15, 0));
    assert_eq!(time_of("12 PM"), hms(12, 0, 0));
    assert_eq!(time_of("10:00\u{202f}PM"), hms(22, 0, 0));
}

#[test]
fn text_that_is_not_a_time_is_rejected() {
    for text in [
        "",
        "   ",
        "9",
        "09",
        "25:00",
        "24:00",
        "12:61",
        "13:00 PM",
        "0 AM",
        "0:30 am",
        "123:00",
        "12:3",
        "12:305",
        "12:30:5",
        "12:30:60",
        "3.5 GB",
        "v1.2.3",
        "1.2.3",
        "🔥",
        "🔥 10:00",
        "é10:00",
        "alerts fired",
        "9 amps",
        "2023-01-17",
        "Jan 17",
        "Jan 17, 2023",
        "at",
        "~",
        ":30",
        "-10:00",
    ] {
        assert_eq!(parse_time(text, 2023), None, "{text:?}");
    }
}

#[test]
fn leading_whitespace_tilde_and_at_are_skipped() {
    assert_eq!(consumed("  09:05 rollback"), "  09:05");
    assert_eq!(consumed("~10:00 started"), "~10:00");
    assert_eq!(consumed("~ 10:00"), "~ 10:00");
    assert_eq!(consumed("at 10:00 PM: paged"), "at 10:00 PM");
    assert_eq!(consumed("At 9am"), "At 9am");
    assert_eq!(parse_time("attic 10:00", 2023), None);
}

#[test]
fn list_items_use_only_the_time_expression() {
    assert_eq!(consumed("10:00 AM PST: Monitoring alerts"), "10:00 AM PST");
    assert_eq!(consumed("12:30 - deploy started"), "12:30");
    assert_eq!(consumed("12:30 – deploy started"), "12:30");
    assert_eq!(consumed("12:30 — deploy started"), "12:30");
    assert_eq!(consumed("12:30: deploy started"), "12:30");
    assert_eq!(consumed("12:30, alerts fired"), "12:30");
    assert_eq!(consumed("12:30 on call engineer paged"), "12:30");
    assert_eq!(consumed("12:30 PM, Jan 17: alerts"), "12:30 PM, Jan 17");
    assert_eq!(
        consumed("2023-01-17 12:30 UTC - paged"),
        "2023-01-17 12:30 UTC"
    );
    assert_eq!(consumed("10:00 (approx.) alerts"), "10:00");
    assert_eq!(consumed("10:00 (UTC alerts"), "10:00");
    assert_eq!(consumed("10:00 3 servers down"), "10:00");
    assert_eq!(consumed("10:00 🔥 pager"), "10:00");
    assert_eq!(consumed("10:00 pm. Rollback"), "10:00 pm");
}

#[test]
fn utc_and_numeric_zones_after_the_time() {
    assert_eq!(offset_of("12:30 UTC"), Some(utc()));
    assert_eq!(offset_of("12:30 utc"), Some(utc()));
    assert_eq!(offset_of("12:30 GMT"), Some(utc()));
    assert_eq!(offset_of("12:30 Z"), Some(utc()));
    assert_eq!(offset_of("12:30Z"), Some(utc()));
    assert_eq!(offset_of("12:30 UTC+3"), Some(east(3, 0)));
    assert_eq!(offset_of("12:30 UTC+03:00"), Some(east(3, 0)));
    assert_eq!(offset_of("12:30 UTC+5:30"), Some(east(5, 30)));
    assert_eq!(offset_of("12:30 GMT-5"), Some(east(-5, 0)));
    assert_eq!(offset_of("12:30 UTC-0530"), Some(east(-5, 30)));
    assert_eq!(offset_of("12:30 +03:00"), Some(east(3, 0)));
    assert_eq!(offset_of("12:30 +0300"), Some(east(3, 0)));
    assert_eq!(offset_of("12:30 -05"), Some(east(-5, 0)));
    assert_eq!(offset_of("9:05 PM -05:00"), Some(east(-5, 0)));
    assert_eq!(offset_of("12:30 (UTC)"), Some(utc()));
    assert_eq!(offset_of("12:30 ( PST )"), Some(east(-8, 0)));
    assert_eq!(offset_of("12:30 (UTC+3)"), Some(east(3, 0)));
    assert_eq!(consumed("18:02 UTC+1: alerts"), "18:02 UTC+1");
    assert_eq!(consumed("18:02 +01:00: alerts"), "18:02 +01:00");
    assert_eq!(offset_of("12:30 (+03:00)"), Some(east(3, 0)));
    assert_eq!(offset_of("12:30 PM (GMT)"), Some(utc()));
}

#[test]
fn malformed_numeric_zones_are_not_consumed() {
    assert_eq!(consumed("12:30 UTC+ later"), "12:30 UTC");
    assert_eq!(consumed("12:30 UTC+123"), "12:30 UTC");
    assert_eq!(consumed("12:30 +3 retries"), "12:30");
    assert_eq!(consumed("12:30 +03:61"), "12:30");
    assert_eq!(consumed("12:30 UTC+99"), "12:30 UTC");
}

#[test]
fn zone_abbreviations_have_fixed_offsets() {
    let expected = [
        ("PST", -8, 0),
        ("PDT", -7, 0),
        ("MST", -7, 0),
        ("MDT", -6, 0),
        ("CST", -6, 0),
        ("CDT", -5, 0),
        ("EST", -5, 0),
        ("EDT", -4, 0),
        ("AKST", -9, 0),
        ("AKDT", -8, 0),
        ("HST", -10, 0),
        ("BST", 1, 0),
        ("IST", 5, 30),
        ("CET", 1, 0),
        ("CEST", 2, 0),
        ("EET", 2, 0),
        ("EEST", 3, 0),
        ("WET", 0, 0),
        ("WEST", 1, 0),
        ("MSK", 3, 0),
        ("EAT", 3, 0),
        ("WAT", 1, 0),
        ("CAT", 2, 0),
        ("SAST", 2, 0),
        ("GST", 4, 0),
        ("PKT", 5, 0),
        ("ICT", 7, 0),
        ("WIB", 7, 0),
        ("SGT", 8, 0),
        ("HKT", 8, 0),
        ("AWST", 8, 0),
        ("JST", 9, 0),
        ("KST", 9, 0),
        ("AEST", 10, 0),
        ("AEDT", 11, 0),
        ("NZST", 12, 0),
        ("NZDT", 13, 0),
        ("BRT", -3, 0),
        ("ART", -3, 0),
    ];
    for (name, hours, minutes) in expected {
        let text = format!("13:15 {name}");
        assert_eq!(offset_of(&text), Some(east(hours, minutes)), "{text}");
    }
    assert_eq!(offset_of("13:15 pst"), Some(east(-8, 0)));
    assert_eq!(offset_of("1:15 pm Cest"), Some(east(2, 0)));
}

#[test]
fn unknown_words_after_the_time_are_not_consumed() {
    assert_eq!(consumed("10:00 FOO"), "10:00");
    assert_eq!(consumed("10:00 PSTX deploy"), "10:00");
    assert_eq!(consumed("10:00 Zabbix fired"), "10:00");
    assert_eq!(whole("10:00").offset, None);
    let (cell, used) = parse_time("10:00 Zabbix fired", 2023).unwrap();
    assert_eq!((cell.time, cell.offset, used), (hms(10, 0, 0), None, 5));
}

#[test]
fn zone_names_that_are_english_words_need_capitals() {
    let (cell, used) = parse_time("14:00 west-1 failed over", 2023).unwrap();
    assert_eq!((cell.offset, used), (None, 5));
    assert_eq!(parse_time("12:30 eat lunch", 2023).unwrap().1, 5);
    assert_eq!(parse_time("12:30 cat /var/log/syslog", 2023).unwrap().1, 5);
    assert_eq!(offset_of("14:00 WEST"), Some(east(1, 0)));
    assert_eq!(offset_of("14:00 EAT"), Some(east(3, 0)));
}

#[test]
fn a_sign_touching_a_bare_time_is_a_range_not_an_offset() {
    let (cell, used) = parse_time("10:00-10:30 degraded", 2023).unwrap();
    assert_eq!((cell.time, cell.offset, used), (hms(10, 0, 0), None, 5));
    assert_eq!(offset_of("10:00:00-05:00"), Some(east(-5, 0)));
    assert_eq!(consumed("10:00+05:30"), "10:00");
    assert_eq!(consumed("10:00:00-10:30:00 degraded"), "10:00:00");
}

#[test]
fn iso_dates_before_the_time() {
    let cell = whole("2023-01-17 12:30");
    assert_eq!(
        (cell.date, cell.time),
        (Some(ymd(2023, 1, 17)), hms(12, 30, 0))
    );
    assert_eq!(whole("2023-01-17T12:30").date, Some(ymd(2023, 1, 17)));
    assert_eq!(whole("2023/01/17 12:30").date, Some(ymd(2023, 1, 17)));
    assert_eq!(whole("2023-1-7 9:05").date, Some(ymd(2023, 1, 7)));
    assert_eq!(whole("2023-01-17, 12:30 PM").time, hms(12, 30, 0));
    assert_eq!(whole("2023-01-17 - 12:30").time, hms(12, 30, 0));
    assert_eq!(whole("2023-01-17 at 12:30").time, hms(12, 30, 0));
    assert_eq!(parse_time("2023-01/17 12:30", 2023), None);
    assert_eq!(parse_time("2023-13-01 12:30", 2023), None);
}

#[test]
fn full_rfc_3339_times() {
    let cell = whole("2023-01-17T12:30:00+03:00");
    assert_eq!(cell.date, Some(ymd(2023, 1, 17)));
    assert_eq!(cell.time, hms(12, 30, 0));
    assert_eq!(cell.offset, Some(east(3, 0)));
    let cell = whole("2023-01-17t12:30:00.250Z");
    assert_eq!(
        cell.time,
        NaiveTime::from_hms_milli_opt(12, 30, 0, 250).unwrap()
    );
    assert_eq!(cell.offset, Some(utc()));
    assert_eq!(whole("2023-01-17T12:30-05:00").offset, Some(east(-5, 0)));
    assert_eq!(whole("2023-01-17 12:30:00 UTC").offset, Some(utc()));
}

#[test]
fn dates_with_month_names_before_the_time() {
    let jan_17 = Some(ymd(2023, 1, 17));
    assert_eq!(whole("Jan 17 12:30").date, jan_17);
    assert_eq!(whole("jan 17 12:30").date, jan_17);
    assert_eq!(whole("Jan. 17 12:30").date, jan_17);
    assert_eq!(whole("Jan 17th 12:30").date, jan_17);
    assert_eq!(whole("Jan 17, 12:30 PM").time, hms(12, 30, 0));
    assert_eq!(whole("January 17, 2023 12:30").date, jan_17);
    assert_eq!(whole("January 17 2023, 12:30").date, jan_17);
    assert_eq!(whole("17 Jan 2023 12:30").date, jan_17);
    assert_eq!(whole("17 January, 2023 12:30").date, jan_17);
    assert_eq!(whole("17th of January 12:30").date, jan_17);
    assert_eq!(whole("Tue 17 Jan 12:30").date, jan_17);
    assert_eq!(whole("Tue Jan 17 12:30").date, jan_17);
    assert_eq!(whole("Tue 12:30").date, None);
    assert_eq!(whole("Tue, 12:30 PM").time, hms(12, 30, 0));
    assert_eq!(whole("Tue, 17 Jan 2023 12:30 UTC").offset, Some(utc()));
    assert_eq!(whole("Tuesday, January 17, 2023 at 12:30 PM").date, jan_17);
    assert_eq!(whole("Sept. 3 9:00").date, Some(ymd(2023, 9, 3)));
    assert_eq!(whole("May 5 - 9:00 PM").date, Some(ymd(2023, 5, 5)));
    assert_eq!(whole("17 Jan 2023 – 12:30").date, jan_17);
}

#[test]
fn dates_without_a_year_take_the_hint() {
    let (cell, _) = parse_time("Jan 17 12:30", 2019).unwrap();
    assert_eq!(cell.date, Some(ymd(2019, 1, 17)));
    let (cell, _) = parse_time("12:30, 17 Jan", 2031).unwrap();
    assert_eq!(cell.date, Some(ymd(2031, 1, 17)));
    let (cell, _) = parse_time("January 17, 2023 12:30", 2019).unwrap();
    assert_eq!(cell.date, Some(ymd(2023, 1, 17)));
    assert_eq!(parse_time("Feb 29 12:00", 2023), None);
    let (cell, _) = parse_time("Feb 29 12:00", 2024).unwrap();
    assert_eq!(cell.date, Some(ymd(2024, 2, 29)));
}

#[test]
fn dates_after_the_time() {
    let cell = whole("13:15 PST 29 april 2022");
    assert_eq!(cell.date, Some(ymd(2022, 4, 29)));
    assert_eq!(cell.time, hms(13, 15, 0));
    assert_eq!(cell.offset, Some(east(-8, 0)));
    assert_eq!(
        consumed("13:15 PST 29 april 2022: rollback"),
        "13:15 PST 29 april 2022"
    );
    let cell = whole("12:30 PM, Jan 17");
    assert_eq!(
        (cell.date, cell.time),
        (Some(ymd(2023, 1, 17)), hms(12, 30, 0))
    );
    assert_eq!(whole("12:30 on 2023-01-17").date, Some(ymd(2023, 1, 17)));
    assert_eq!(
        whole("12:30 (UTC) on Tue Jan 17").date,
        Some(ymd(2023, 1, 17))
    );
    assert_eq!(
        whole("09:00 UTC, 17th of March 2023").date,
        Some(ymd(2023, 3, 17))
    );
}

#[test]
fn impossible_dates_are_not_dates() {
    assert_eq!(parse_time("Feb 30 12:00", 2023), None);
    assert_eq!(parse_time("2023-02-30 12:00", 2023), None);
    let (cell, used) = parse_time("12:00 Feb 30", 2023).unwrap();
    assert_eq!((cell.date, used), (None, 5));
    assert_eq!(parse_time("12:00 may cause errors", 2023).unwrap().1, 5);
    assert_eq!(parse_time("12:00 Marketing paged", 2023).unwrap().1, 5);
}

#[test]
fn never_panics_and_reports_lengths_on_char_boundaries() {
    let pieces = [
        "1", "12", ":", "30", ".", "5", " ", "\u{a0}", "\u{202f}", "PM", "p.m.", "a", "UTC", "+",
        "-", "03", ":00", "(", ")", "Z", "T", "2023", "/", "Jan", "17th", ",", "at", "on", "~",
        "é", "🔥", "–", "—", "ß", "\u{301}", "Tue", "of",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut text = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let count = (seed % 9) as usize;
        let mut pick = seed;
        for _ in 0..count {
            pick = pick.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push_str(pieces[(pick >> 33) as usize % pieces.len()]);
        }
        if let Some((_, used)) = parse_time(&text, 2023) {
            assert!(
                used <= text.len() && text.is_char_boundary(used),
                "{text:?}"
            );
            assert!(used > 0, "{text:?}");
        }
    }
    let sample = "Tuesday, January 17, 2023 at 12:30:15.5 p.m. (UTC+05:30) 🔥 ok";
    for (i, _) in sample.char_indices() {
        let _ = parse_time(&sample[..i], 2023);
        let _ = parse_time(&sample[i..], 2023);
    }
    let _ = parse_time("Jan 17 12:00", i32::MAX);
    let _ = parse_time("9999999999999999999:00", 2023);
    let _ = parse_time("12:30:00.99999999999999999999", 2023);
}

#[test]
fn dates_at_the_ends_of_the_calendar_do_not_panic() {
    let start = at("2023-01-17T10:00:00+14:00");
    let mut clock = Clock::new(start);
    let edge = |date: NaiveDate, offset: i32| CellTime {
        date: Some(date),
        time: hms(23, 59, 59),
        offset: Some(east(offset, 0)),
    };
    let far = clock.place(edge(NaiveDate::MAX, -12));
    assert_eq!(far.at, start);
    let near = clock.place(edge(ymd(2023, 1, 17), 14));
    assert_eq!(near.at, at("2023-01-17T23:59:59+14:00"));
    clock.place(edge(NaiveDate::MIN, 14));
    for row in ["23:00", "01:00 UTC-12", "13:00"] {
        clock.place(whole(row));
    }
    let mut clock = Clock::new(DateTime::<Utc>::MAX_UTC.fixed_offset());
    clock.place(whole("12:00 UTC+14"));
    clock.place(whole("23:00 -12:00"));
    let mut clock = Clock::new(DateTime::<Utc>::MIN_UTC.fixed_offset());
    clock.place(whole("12:00 UTC-12"));
    clock.place(whole("01:00 +14:00"));
    let _ = parse_time("Dec 31 23:59", 262_143);
}

#[test]
fn times_with_their_own_offset_are_converted_to_the_report_offset() {
    let placed = place_all(
        "2023-01-17T15:00:00+03:00",
        &["13:05 UTC", "16:10", "05:15 PST"],
    );
    assert_eq!(
        instants(&placed),
        [
            at("2023-01-17T16:05:00+03:00"),
            at("2023-01-17T16:10:00+03:00"),
            at("2023-01-17T16:15:00+03:00"),
        ]
    );
    assert!(placed.iter().all(|p| !p.backwards && !p.rolled_over));
    assert_eq!(*placed[0].at.offset(), east(3, 0));
}

#[test]
fn dated_rows_with_their_own_offset_are_converted() {
    let placed = place_all(
        "2023-01-17T23:00:00+03:00",
        &["2023-01-17T21:30:00Z", "22:00 UTC", "01:15"],
    );
    assert_eq!(
        instants(&placed),
        [
            at("2023-01-18T00:30:00+03:00"),
            at("2023-01-18T01:00:00+03:00"),
            at("2023-01-18T01:15:00+03:00"),
        ]
    );
    assert!(placed.iter().all(|p| !p.backwards && !p.rolled_over));
}

#[test]
fn first_row_without_a_date_takes_the_day_nearest_the_start() {
    let first = |start: &str, row: &str| place_all(start, &[row])[0].at;
    assert_eq!(
        first("2023-01-18T00:10:00Z", "23:50"),
        at("2023-01-17T23:50:00Z")
    );
    assert_eq!(
        first("2023-01-17T23:50:00Z", "00:20"),
        at("2023-01-18T00:20:00Z")
    );
    assert_eq!(
        first("2023-01-17T14:00:00Z", "09:00"),
        at("2023-01-17T09:00:00Z")
    );
    assert_eq!(
        first("2023-01-17T12:00:00Z", "00:00"),
        at("2023-01-17T00:00:00Z")
    );
    assert_eq!(
        first("2023-01-18T01:00:00+02:00", "23:30 UTC"),
        at("2023-01-18T01:30:00+02:00")
    );
}

#[test]
fn rows_past_midnight_roll_over_to_the_next_day() {
    let placed = place_all("2023-01-17T23:40:00Z", &["23:50", "00:10", "00:30"]);
    assert_eq!(
        instants(&placed),
        [
            at("2023-01-17T23:50:00Z"),
            at("2023-01-18T00:10:00Z"),
            at("2023-01-18T00:30:00Z"),
        ]
    );
    let rolled: Vec<bool> = placed.iter().map(|p| p.rolled_over).collect();
    assert_eq!(rolled, [false, true, false]);
    assert!(placed.iter().all(|p| !p.backwards));
}

#[test]
fn several_roll_overs_in_a_row() {
    let rows = [
        "20:00", "04:00", "11:00", "19:00", "02:00", "09:00", "18:00", "01:00",
    ];
    let placed = place_all("2023-01-17T20:00:00Z", &rows);
    assert_eq!(
        instants(&placed),
        [
            at("2023-01-17T20:00:00Z"),
            at("2023-01-18T04:00:00Z"),
            at("2023-01-18T11:00:00Z"),
            at("2023-01-18T19:00:00Z"),
            at("2023-01-19T02:00:00Z"),
            at("2023-01-19T09:00:00Z"),
            at("2023-01-19T18:00:00Z"),
            at("2023-01-20T01:00:00Z"),
        ]
    );
    let rolled: Vec<bool> = placed.iter().map(|p| p.rolled_over).collect();
    assert_eq!(
        rolled,
        [false, true, false, false, true, false, false, true]
    );
    assert!(placed.iter().all(|p| !p.backwards));
}

#[test]
fn an_earlier_row_within_twelve_hours_is_backwards() {
    let placed = place_all("2023-01-17T13:00:00Z", &["13:10", "12:45", "13:00"]);
    assert_eq!(placed[1].at, at("2023-01-17T12:45:00Z"));
    assert!(placed[1].backwards);
    assert!(!placed[1].rolled_over);
    assert!(!placed[2].backwards);

    let placed = place_all("2023-01-17T20:00:00Z", &["20:00", "08:00"]);
    assert_eq!(placed[1].at, at("2023-01-17T08:00:00Z"));
    assert!(placed[1].backwards && !placed[1].rolled_over);
}

#[test]
fn equal_times_are_in_order() {
    let placed = place_all("2023-01-17T10:00:00Z", &["10:00", "10:00", "10:00:00"]);
    assert!(placed.iter().all(|p| !p.backwards && !p.rolled_over));
    assert!(placed.iter().all(|p| p.at == at("2023-01-17T10:00:00Z")));
}

#[test]
fn dated_rows_set_the_day_for_the_rows_after_them() {
    let placed = place_all(
        "2023-01-17T10:00:00Z",
        &[
            "10:00",
            "Jan 19 08:00",
            "09:30",
            "2023-01-18 07:00",
            "07:30",
        ],
    );
    assert_eq!(
        instants(&placed),
        [
            at("2023-01-17T10:00:00Z"),
            at("2023-01-19T08:00:00Z"),
            at("2023-01-19T09:30:00Z"),
            at("2023-01-18T07:00:00Z"),
            at("2023-01-18T07:30:00Z"),
        ]
    );
    let backwards: Vec<bool> = placed.iter().map(|p| p.backwards).collect();
    assert_eq!(backwards, [false, false, false, true, false]);
    assert!(placed.iter().all(|p| !p.rolled_over));
}

#[test]
fn evening_to_morning_timeline_rolls_over_once() {
    let rows = ["09:30 PM", "10:00 PM", "08:45 AM", "10:00 AM", "12:00 PM"];
    let placed = place_all("2023-01-17T21:30:00-05:00", &rows);
    assert_eq!(
        instants(&placed),
        [
            at("2023-01-17T21:30:00-05:00"),
            at("2023-01-17T22:00:00-05:00"),
            at("2023-01-18T08:45:00-05:00"),
            at("2023-01-18T10:00:00-05:00"),
            at("2023-01-18T12:00:00-05:00"),
        ]
    );
    let rolled: Vec<bool> = placed.iter().map(|p| p.rolled_over).collect();
    assert_eq!(rolled, [false, false, true, false, false]);
    assert!(placed.iter().all(|p| !p.backwards));
}

#[test]
fn a_date_and_a_range_after_a_space_is_read_as_its_start() {
    for text in [
        "2023-03-26 12:26-12:30",
        "2023-03-26 12:26–12:30",
        "2023-03-26 12:26-12:??",
        "12:26-12:30",
        "12:26 - 12:30",
    ] {
        let (cell, _) = parse_time(text, 2023).unwrap();
        assert_eq!((cell.time, cell.offset), (hms(12, 26, 0), None), "{text}");
    }
    assert_eq!(
        consumed("2023-03-26 12:26-12:30 degraded"),
        "2023-03-26 12:26"
    );
    // With `T` it is RFC 3339, and the sign starts an offset.
    assert_eq!(whole("2023-03-26T12:26-05:00").offset, Some(east(-5, 0)));
}

#[test]
fn notes_about_a_timeline_name_its_zone() {
    assert_eq!(zone_note("Timeline (all times UTC)"), Some(utc()));
    assert_eq!(zone_note("All times in CET."), Some(east(1, 0)));
    assert_eq!(zone_note("Times are CEST (UTC+2)"), Some(east(2, 0)));
    assert_eq!(zone_note("Timeline (UTC+03:00)"), Some(east(3, 0)));
    assert_eq!(zone_note("Time (PDT)"), Some(east(-7, 0)));
    assert_eq!(zone_note("All times in est"), None);
    assert_eq!(zone_note("Timeline"), None);
    assert_eq!(zone_note("The EAT team paged us"), None);
    assert_eq!(zone_note("TIMELINE"), None);
}

#[test]
fn rows_that_start_like_a_time_are_told_apart() {
    assert!(looks_like_a_time("2023-03-26 25:00"));
    assert!(looks_like_a_time("2023/13/45 12:00"));
    assert!(looks_like_a_time("~ 12:7"));
    assert!(!looks_like_a_time("2023 was a year"));
    assert!(!looks_like_a_time("Later that day"));
    assert!(!looks_like_a_time("3 pods"));
}

fn copenhagen() -> crate::util::zone::Zone {
    crate::util::zone::Zone::parse("Europe/Copenhagen").unwrap()
}

#[test]
fn rows_in_a_named_zone_take_the_offset_of_their_day() {
    let start = at("2023-03-26T01:00:00+01:00");
    let mut clock = Clock::in_zone(start, copenhagen());
    let rows = ["01:30", "03:30", "2023-03-27 09:00", "12:30 UTC"];
    let placed: Vec<_> = rows.iter().map(|r| clock.place(whole(r))).collect();
    let shown: Vec<_> = placed.iter().map(|p| p.at.to_rfc3339()).collect();
    assert_eq!(
        shown,
        [
            "2023-03-26T01:30:00+01:00",
            "2023-03-26T03:30:00+02:00",
            "2023-03-27T09:00:00+02:00",
            "2023-03-27T14:30:00+02:00",
        ]
    );
    assert!(placed.iter().all(|p| !p.backwards && !p.skipped));
}

#[test]
fn a_row_at_a_time_the_zone_skips_is_read_after_the_change() {
    let start = at("2024-03-31T01:00:00+01:00");
    let mut clock = Clock::in_zone(start, copenhagen());
    let placed = clock.place(whole("02:30"));
    assert!(placed.skipped);
    assert_eq!(placed.at.to_rfc3339(), "2024-03-31T03:30:00+02:00");
}

#[test]
fn a_row_the_zone_shows_twice_is_the_earlier_and_a_roll_over_keeps_the_clock_time() {
    let start = at("2023-10-28T23:00:00+02:00");
    let mut clock = Clock::in_zone(start, copenhagen());
    let first = clock.place(whole("23:30"));
    let twice = clock.place(whole("02:30"));
    assert!(twice.rolled_over);
    assert_eq!(first.at.to_rfc3339(), "2023-10-28T23:30:00+02:00");
    assert_eq!(twice.at.to_rfc3339(), "2023-10-29T02:30:00+02:00");
    let winter = clock.place(whole("04:00"));
    assert_eq!(winter.at.to_rfc3339(), "2023-10-29T04:00:00+01:00");
}

/// The moments of `text`, as (date, time, offset, the text of the span).
fn moments_of(text: &str) -> Vec<(NaiveDate, Option<NaiveTime>, Option<FixedOffset>, &str)> {
    moments(text)
        .into_iter()
        .map(|m| (m.date, m.time, m.offset, &text[m.span]))
        .collect()
}

#[test]
fn moments_with_a_time_and_a_zone_in_parentheses() {
    let text = "The outage began on December 18, 2023, 10:45 AM (UTC) and lasted an hour.";
    assert_eq!(
        moments_of(text),
        [(
            ymd(2023, 12, 18),
            Some(hms(10, 45, 0)),
            Some(utc()),
            "December 18, 2023, 10:45 AM (UTC)"
        )]
    );
}

#[test]
fn moments_without_a_time() {
    assert_eq!(
        moments_of("On August 19, 2024. We were paged."),
        [(ymd(2024, 8, 19), None, None, "August 19, 2024")]
    );
}

#[test]
fn moments_with_at_dotted_meridiem_and_a_capital_zone() {
    assert_eq!(
        moments_of("On April 13, 2022 at 12:00 p.m. EAT, the API failed."),
        [(
            ymd(2022, 4, 13),
            Some(hms(12, 0, 0)),
            Some(east(3, 0)),
            "April 13, 2022 at 12:00 p.m. EAT"
        )]
    );
}

#[test]
fn moments_day_first_with_a_lower_case_month() {
    assert_eq!(
        moments_of("On 29 april 2022 - 30 April 2022 a misspelled config"),
        [
            (ymd(2022, 4, 29), None, None, "29 april 2022"),
            (ymd(2022, 4, 30), None, None, "30 April 2022"),
        ]
    );
}

#[test]
fn moments_after_weekdays_in_a_range() {
    let text = "Thursday, May 9, 2024, 17:30 PST - Friday, May 10, 2024, 01:00 PST";
    let pst = Some(east(-8, 0));
    assert_eq!(
        moments_of(text),
        [
            (
                ymd(2024, 5, 9),
                Some(hms(17, 30, 0)),
                pst,
                "Thursday, May 9, 2024, 17:30 PST"
            ),
            (
                ymd(2024, 5, 10),
                Some(hms(1, 0, 0)),
                pst,
                "Friday, May 10, 2024, 01:00 PST"
            ),
        ]
    );
}

#[test]
fn moments_with_iso_dates() {
    assert_eq!(
        moments_of("Started 2023-02-13 07:30, resolved 2023-01-17T12:30:00+03:00."),
        [
            (
                ymd(2023, 2, 13),
                Some(hms(7, 30, 0)),
                None,
                "2023-02-13 07:30"
            ),
            (
                ymd(2023, 1, 17),
                Some(hms(12, 30, 0)),
                Some(east(3, 0)),
                "2023-01-17T12:30:00+03:00"
            ),
        ]
    );
    assert_eq!(
        moments_of("2023/03/26: a day."),
        [(ymd(2023, 3, 26), None, None, "2023/03/26")]
    );
}

#[test]
fn a_time_right_before_a_date_belongs_to_it() {
    let text = "starting at 08:30 AM and ending at 10:15 AM UTC on August 19, 2024";
    assert_eq!(
        moments_of(text),
        [(
            ymd(2024, 8, 19),
            Some(hms(10, 15, 0)),
            Some(utc()),
            "10:15 AM UTC on August 19, 2024"
        )]
    );
    assert_eq!(
        moments_of("At 9pm, Tuesday, 17 January 2023, the disk filled."),
        [(
            ymd(2023, 1, 17),
            Some(hms(21, 0, 0)),
            None,
            "9pm, Tuesday, 17 January 2023"
        )]
    );
}

#[test]
fn moments_on_both_sides_of_to() {
    let text = "Duration: May 15, 2023, 2:00 PM to May 15, 2023, 3:30 PM (UTC)";
    assert_eq!(
        moments_of(text),
        [
            (
                ymd(2023, 5, 15),
                Some(hms(14, 0, 0)),
                None,
                "May 15, 2023, 2:00 PM"
            ),
            (
                ymd(2023, 5, 15),
                Some(hms(15, 30, 0)),
                Some(utc()),
                "May 15, 2023, 3:30 PM (UTC)"
            ),
        ]
    );
}

#[test]
fn numeric_moments_only_when_unambiguous() {
    let wat = Some(east(1, 0));
    assert_eq!(
        moments_of("On 13/10/2023 at 2100hrs WAT the link dropped"),
        [(
            ymd(2023, 10, 13),
            Some(hms(21, 0, 0)),
            wat,
            "13/10/2023 at 2100hrs WAT"
        )]
    );
    assert_eq!(
        moments_of("10/13/2023 2100 hrs"),
        [(
            ymd(2023, 10, 13),
            Some(hms(21, 0, 0)),
            None,
            "10/13/2023 2100 hrs"
        )]
    );
    assert_eq!(
        moments_of("13.10.2023, 21:00hrs WAT"),
        [(
            ymd(2023, 10, 13),
            Some(hms(21, 0, 0)),
            wat,
            "13.10.2023, 21:00hrs WAT"
        )]
    );
    assert_eq!(
        moments_of("at 21:00 hrs on 13/10/2023"),
        [(
            ymd(2023, 10, 13),
            Some(hms(21, 0, 0)),
            None,
            "21:00 hrs on 13/10/2023"
        )]
    );
    assert_eq!(
        moments_of("04/04/2023"),
        [(ymd(2023, 4, 4), None, None, "04/04/2023")]
    );
    for text in [
        "03/04/2023",
        "1.2.2023",
        "13/13/2023",
        "31/02/2023",
        "13/10/23",
    ] {
        assert_eq!(moments_of(text), [], "{text:?}");
    }
}

#[test]
fn text_without_a_full_date_has_no_moments() {
    for text in [
        "On May 9 we deployed.",
        "In 2023 we grew.",
        "Ubuntu 14.04 was upgraded.",
        "We may 2 times retry it.",
        "We may 2 times in 2023 retry it.",
        "Postmortem PM2023-001 and abc2023-01-17 and x_2023-01-17.",
        "See https://example.com/2023/01/17/outage and /blog/2023-01-17-outage.",
        "Query ?from=2023-01-17 and #2023-01-17 and INC-2023-01-17.",
        "Files 2023-01-17.md, 2023-01-17abc, 2023-01-17_x.",
        "At 10:00 UTC, then 11:30 PM, and 2100hrs.",
        "May 9, 1969 and May 9, 2101 and 1800-01-01.",
        "version 1.2.2023 and Feb 30, 2023",
        "",
    ] {
        assert_eq!(moments_of(text), [], "{text:?}");
    }
}

#[test]
fn moments_at_the_ends_of_text_and_after_punctuation() {
    assert_eq!(
        moments_of("(2023-01-17)"),
        [(ymd(2023, 1, 17), None, None, "2023-01-17")]
    );
    assert_eq!(
        moments_of("«17 Jan 2023»"),
        [(ymd(2023, 1, 17), None, None, "17 Jan 2023")]
    );
    assert_eq!(
        moments_of("10:00-11:00 UTC on Jan 17th, 2023"),
        [(
            ymd(2023, 1, 17),
            Some(hms(11, 0, 0)),
            Some(utc()),
            "11:00 UTC on Jan 17th, 2023"
        )]
    );
    assert_eq!(
        moments_of("Jan 17, 2023 10:00-11:00"),
        [(
            ymd(2023, 1, 17),
            Some(hms(10, 0, 0)),
            None,
            "Jan 17, 2023 10:00"
        )]
    );
}

#[test]
fn a_version_before_a_date_is_not_its_time() {
    assert_eq!(
        moments_of("Upgraded to Ubuntu 14.04 on May 9, 2024."),
        [(ymd(2024, 5, 9), None, None, "May 9, 2024")]
    );
    assert_eq!(
        moments_of("Python 3.10 on 2023-01-17"),
        [(ymd(2023, 1, 17), None, None, "2023-01-17")]
    );
    assert_eq!(
        moments_of("At 10.15 pm on 9 May 2024"),
        [(
            ymd(2024, 5, 9),
            Some(hms(22, 15, 0)),
            None,
            "10.15 pm on 9 May 2024"
        )]
    );
    assert_eq!(
        moments_of("9 May 2024 at 10.15"),
        [(
            ymd(2024, 5, 9),
            Some(hms(10, 15, 0)),
            None,
            "9 May 2024 at 10.15"
        )]
    );
}

#[test]
fn a_time_and_a_date_in_different_paragraphs_are_apart() {
    assert_eq!(
        moments_of("Until 10:00 UTC.\n\nMay 9, 2024\n\n11:00 alerts fired"),
        [(ymd(2024, 5, 9), None, None, "May 9, 2024")]
    );
    assert_eq!(
        moments_of("ending at 10:15 AM UTC\non August 19, 2024,\n11:00"),
        [(
            ymd(2024, 8, 19),
            Some(hms(10, 15, 0)),
            Some(utc()),
            "10:15 AM UTC\non August 19, 2024"
        )]
    );
}

#[test]
fn moments_never_panic_and_spans_are_on_char_boundaries() {
    let pieces = [
        "1", "12", "13", ":", "30", ".", "/", "-", " ", "\u{a0}", "PM", "p.m.", "UTC", "+03:00",
        "(", ")", "T", "2023", "1969", "Jan", "may", "17th", ",", "at", "on", "hrs", "2100", "é",
        "🔥", "–", "ß", "\u{301}", "Tue", "of", "_", "=",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..20_000 {
        let mut text = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let count = (seed % 12) as usize;
        let mut pick = seed;
        for _ in 0..count {
            pick = pick.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push_str(pieces[(pick >> 33) as usize % pieces.len()]);
        }
        let mut last = 0;
        for m in moments(&text) {
            assert!(
                last <= m.span.start && m.span.start < m.span.end,
                "{text:?}"
            );
            assert!(m.span.end <= text.len(), "{text:?}");
            assert!(text.is_char_boundary(m.span.start), "{text:?}");
            assert!(text.is_char_boundary(m.span.end), "{text:?}");
            assert!(MOMENT_YEARS.contains(&m.date.year()), "{text:?}");
            last = m.span.end;
        }
    }
    let sample = "Tuesday, 17 January 2023 at 12:30:15.5 p.m. (UTC+05:30) 🔥 13/10/2023 2100hrs";
    for (i, _) in sample.char_indices() {
        let _ = moments(&sample[..i]);
        let _ = moments(&sample[i..]);
    }
    let _ = moments("99999999999999999999/9999999999/99999999999 9999999999999:99");
}

#[test]
fn moments_scan_long_text_in_linear_time() {
    let text = "On 17 January 2023 at 10:00 UTC, may 2 12:30 ~ ".repeat(20_000);
    let started = std::time::Instant::now();
    assert_eq!(moments(&text).len(), 20_000);
    let spaces = format!("1{}", " ".repeat(200_000));
    assert_eq!(moments(&spaces), []);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
