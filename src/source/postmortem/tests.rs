use super::*;

#[test]
fn a_time_with_a_letter_of_two_bytes_where_the_seconds_go_is_invalid() {
    // Found by the front-matter fuzz target: the seconds were inserted
    // inside the `н`, which panicked.
    assert_eq!(
        parse_time("2025-10-21T09:4\u{43d}00-05:00", None),
        Err(TimeError::Invalid)
    );
    assert_eq!(
        parse_time("2025-10-21 09:4\u{43d}", None),
        Err(TimeError::Invalid)
    );
}

fn parse_report(source: &str) -> (Option<Postmortem>, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let path = Path::new("content/2023/a-report.md");
    let p = parse(path, source.to_string(), &Config::default(), &mut d);
    (p, d)
}

fn parse_ok(source: &str) -> Postmortem {
    let (p, d) = parse_report(source);
    assert!(d.is_empty(), "{d:#?}");
    p.unwrap()
}

fn parse_err(source: &str) -> Vec<Diagnostic> {
    let (p, d) = parse_report(source);
    assert!(p.is_none());
    d
}

const MINIMAL: &str = "---\ntitle: \"T\"\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\nservices: icreate\n---\nBody\n";

#[test]
fn minimal_report_parses_with_defaults() {
    let p = parse_ok(MINIMAL);
    assert_eq!(p.slug, "a-report");
    assert_eq!(p.services, ["icreate"]);
    assert_eq!(p.status, Status::Published);
    assert_eq!(p.date.offset().local_minus_utc(), 3 * 3600);
    assert_eq!(p.body(), "Body\n");
    assert_eq!(p.body_line, 7);
}

#[test]
fn unknown_keys_go_to_extra() {
    let p = parse_ok(&MINIMAL.replace("---\nBody", "customer_tickets: 42\n---\nBody"));
    assert_eq!(p.extra["customer_tickets"], serde_json::json!(42));
}

#[test]
fn unknown_severity_points_at_the_value_with_a_suggestion() {
    let d = parse_err(&MINIMAL.replace("SEV1", "SEV9"));
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].line, d[0].column), (4, 11));
    assert_eq!(d[0].message, "unknown severity \"SEV9\"");
    assert!(
        d[0].hint
            .as_deref()
            .unwrap()
            .contains("SEV1, SEV2, SEV3, SEV4")
    );
}

#[test]
fn every_problem_of_a_file_is_reported() {
    let d = parse_err("---\ndate: yesterday\nseverity: SEV7\nservices: []\n---\n");
    let codes: Vec<_> = d.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "missing-field",
            "time-invalid",
            "unknown-severity",
            "empty-field"
        ]
    );
}

#[test]
fn missing_offset_is_an_error_unless_configured() {
    let source = MINIMAL.replace("12:30:00+03:00", "12:30:00");
    let d = parse_err(&source);
    assert_eq!(d[0].code, "time-offset");
    let config = Config {
        timezone: Some("+02:00".into()),
        ..Config::default()
    };
    let mut d = Vec::new();
    let p = parse(Path::new("a.md"), source, &config, &mut d).unwrap();
    assert_eq!(p.date.to_rfc3339(), "2023-01-17T12:30:00+02:00");
}

#[test]
fn resolved_before_start_is_an_error() {
    let d = parse_err(&MINIMAL.replace(
        "---\nBody",
        "resolved: 2023-01-17T11:00:00+03:00\n---\nBody",
    ));
    assert_eq!(d[0].code, "time-order");
    assert_eq!(d[0].line, 6);
}

#[test]
fn the_moments_of_an_incident_must_come_in_order() {
    let with = |times: &str| {
        let source = MINIMAL.replace("---\nBody", &format!("{times}---\nBody"));
        parse_report(&source)
    };
    // detected after resolved, mitigated after resolved: errors at the
    // later key's line.
    let (p, d) = with(
        "detected: 2023-01-17T14:00:00+03:00\nmitigated: 2023-01-17T14:10:00+03:00\nresolved: 2023-01-17T13:45:00+03:00\n",
    );
    assert!(p.is_none());
    let found: Vec<(usize, &str, bool)> =
        d.iter().map(|d| (d.line, d.code, d.is_error())).collect();
    assert_eq!(found, [(8, "time-order", true), (8, "time-order", true)]);
    assert!(
        d[0].message.contains("`resolved` is before `detected`"),
        "{}",
        d[0].message
    );
    assert!(
        d[1].message.contains("`resolved` is before `mitigated`"),
        "{}",
        d[1].message
    );
    // mitigated before the impact start is an error.
    let (p, d) = with("mitigated: 2023-01-17T12:00:00+03:00\n");
    assert!(p.is_none());
    assert_eq!((d[0].line, d[0].is_error()), (6, true));
    // Detected before impact, mitigated before detected: warnings.
    let (p, d) =
        with("detected: 2023-01-17T12:20:00+03:00\nmitigated: 2023-01-17T12:40:00+03:00\n");
    assert!(p.is_some());
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].line, d[0].is_error()), (6, false));
    let (p, d) =
        with("detected: 2023-01-17T12:50:00+03:00\nmitigated: 2023-01-17T12:40:00+03:00\n");
    assert!(p.is_some());
    assert_eq!((d[0].line, d[0].is_error()), (7, false));
    // In order: nothing to say.
    let (_, d) = with(
        "detected: 2023-01-17T12:32:00+03:00\nmitigated: 2023-01-17T13:30:00+03:00\nresolved: 2023-01-17T13:45:00+03:00\n",
    );
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn missing_and_unterminated_front_matter_are_named() {
    assert_eq!(parse_err("# Hello\n")[0].code, "missing-front-matter");
    assert_eq!(
        parse_err("---\ntitle: x\n")[0].code,
        "unterminated-front-matter"
    );
}

#[test]
fn times_parse_in_rfc3339_variants() {
    let utc = FixedOffset::east_opt(0).map(Zone::Fixed);
    assert!(parse_time("2023-01-17T12:30:00+03:00", None).is_ok());
    assert!(parse_time("2023-01-17 12:30:00+03:00", None).is_ok());
    assert!(parse_time("2023-01-17T12:30+03:00", None).is_ok());
    assert!(parse_time("2023-01-17T12:30:00Z", None).is_ok());
    assert_eq!(
        parse_time("2023-01-17T12:30", None),
        Err(TimeError::NoOffset)
    );
    assert!(parse_time("2023-01-17T12:30", utc).is_ok());
    assert_eq!(parse_time("2023-01-17", utc), Err(TimeError::Invalid));
    assert_eq!(parse_time("soon", utc), Err(TimeError::Invalid));
}

fn warnings(d: &[Diagnostic]) -> Vec<(usize, &str, &str)> {
    d.iter()
        .filter(|d| !d.is_error())
        .map(|d| (d.line, d.message.as_str(), d.hint.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn a_misspelt_key_is_a_warning_at_its_line_with_the_key_meant() {
    let source = MINIMAL.replace(
        "---\nBody",
        "resovled: 2023-01-17T14:00:00+03:00\nserivces:\n  - api\n---\nBody",
    );
    let (p, d) = parse_report(&source);
    let p = p.expect("warnings keep the report");
    assert_eq!(
        warnings(&d),
        [
            (
                6,
                "unknown key `resovled` is not read",
                "did you mean `resolved`?"
            ),
            (
                7,
                "unknown key `serivces` is not read",
                "did you mean `services`?"
            ),
        ]
    );
    assert_eq!(d[0].column, 1);
    assert!(p.extra.contains_key("resovled") && p.extra.contains_key("serivces"));
}

#[test]
fn a_short_key_of_its_own_is_no_misspelling() {
    for key in [
        "os", "ttl", "tz", "kind", "note", "owner", "region", "cause",
    ] {
        assert_eq!(misspelt(key), None, "{key}");
    }
    for (key, ours) in [
        ("tag", "tags"),
        ("ids", "id"),
        ("severty", "severity"),
        ("tittle", "title"),
    ] {
        assert_eq!(misspelt(key), Some(ours), "{key}");
    }
}

#[test]
fn another_tools_key_names_ours_and_the_missing_field_hint_names_theirs() {
    let source = MINIMAL.replace(
        "date: 2023-01-17T12:30:00+03:00",
        "start_time: 2023-01-17T12:30:00+03:00",
    );
    let d = parse_err(&source);
    assert_eq!(
        warnings(&d),
        [(
            3,
            "`start_time` is not read; Hindsight's key for when impact started is `date`",
            "rename it to `date`"
        )]
    );
    let missing = d
        .iter()
        .find(|d| d.code == "missing-field")
        .expect("date is missing");
    assert_eq!(missing.message, "missing required field `date`");
    assert_eq!(
        missing.hint.as_deref(),
        Some("this report has `start_time`: rename it to `date`")
    );
}

#[test]
fn another_tools_key_beside_ours_is_just_more_data() {
    let p = parse_ok(&MINIMAL.replace(
        "---\nBody",
        "name: checkout outage\ncomponent: db\n---\nBody",
    ));
    assert_eq!(p.extra["name"], serde_json::json!("checkout outage"));
}

#[test]
fn links_are_urls_or_titled_urls() {
    let p = parse_ok(&MINIMAL.replace(
        "---\nBody",
        "links:\n  - https://tickets.example.com/INC-12/\n  - title: War room\n    url: https://chat.example.com/c/inc-12\n  - mailto:sre@example.com\n---\nBody",
    ));
    let got: Vec<(&str, &str)> = p
        .links
        .iter()
        .map(|l| (l.title.as_str(), l.url.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "tickets.example.com/INC-12",
                "https://tickets.example.com/INC-12/"
            ),
            ("War room", "https://chat.example.com/c/inc-12"),
            ("sre@example.com", "mailto:sre@example.com"),
        ]
    );
    let one = parse_ok(&MINIMAL.replace("---\nBody", "links: https://example.com/doc\n---\nBody"));
    assert_eq!(one.links.len(), 1);
}

#[test]
fn a_script_link_is_refused_at_its_line() {
    let d = parse_err(&MINIMAL.replace(
        "---\nBody",
        "links:\n  - https://example.com\n  - url: javascript:alert(1)\n  - 12\n  - title: no url\n---\nBody",
    ));
    let got: Vec<(&str, usize, usize)> = d.iter().map(|d| (d.code, d.line, d.column)).collect();
    assert_eq!(
        got,
        [
            ("invalid-link", 8, 10),
            ("invalid-link", 9, 5),
            ("invalid-link", 10, 5)
        ]
    );
    assert!(
        d[0].message.contains("javascript:alert(1)"),
        "{}",
        d[0].message
    );
}

fn in_copenhagen(front: &str) -> String {
    format!(
        "---\ntitle: \"T\"\ntimezone: Europe/Copenhagen\n{front}severity: SEV1\nservices: icreate\n---\nBody\n"
    )
}

#[test]
fn the_report_zone_reads_times_on_either_side_of_daylight_saving() {
    let p = parse_ok(&in_copenhagen(
        "date: 2023-03-26 01:30\nresolved: 2023-03-26T03:30\n",
    ));
    assert_eq!(p.date.to_rfc3339(), "2023-03-26T01:30:00+01:00");
    assert_eq!(
        p.resolved.map(|t| t.to_rfc3339()).as_deref(),
        Some("2023-03-26T03:30:00+02:00")
    );
    assert_eq!(p.seconds_since_start(p.resolved), Some(3600));
    assert_eq!(p.zone, Some(Zone::Named(chrono_tz::Tz::Europe__Copenhagen)));
}

#[test]
fn a_time_the_report_zone_skips_is_an_error_at_its_line() {
    let d = parse_err(&in_copenhagen("date: 2024-03-31T02:30\n"));
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "time-invalid");
    assert_eq!(d[0].line, 4);
    assert!(
        d[0].message.contains("2024-03-31T02:30"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("Europe/Copenhagen"),
        "{}",
        d[0].message
    );
}

#[test]
fn links_are_bounded_by_the_entries_limit() {
    let list: String = (0..101)
        .map(|i| format!("  - https://example.com/{i}\n"))
        .collect();
    let d = parse_err(&MINIMAL.replace("---\nBody", &format!("links:\n{list}---\nBody")));
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].code, d[0].line), ("too-many", 7));
}

#[test]
fn a_time_the_report_zone_shows_twice_is_the_earlier() {
    let p = parse_ok(&in_copenhagen("date: 2023-10-29T02:30\n"));
    assert_eq!(p.date.to_rfc3339(), "2023-10-29T02:30:00+02:00");
}

#[test]
fn the_report_zone_wins_over_the_site_zone_and_an_offset_over_both() {
    let config = Config {
        timezone: Some("+05:00".into()),
        ..Config::default()
    };
    let source = in_copenhagen("date: 2023-07-01 12:00\nresolved: 2023-07-01T13:00:00Z\n");
    let mut d = Vec::new();
    let p = parse(Path::new("a.md"), source, &config, &mut d).unwrap();
    assert_eq!(p.date.to_rfc3339(), "2023-07-01T12:00:00+02:00");
    assert_eq!(
        p.resolved.map(|t| t.to_rfc3339()).as_deref(),
        Some("2023-07-01T13:00:00+00:00")
    );
}

#[test]
fn an_unknown_report_zone_is_an_error_with_the_closest_name() {
    let source = MINIMAL.replace("severity:", "timezone: Europe/Copenhagn\nseverity:");
    let d = parse_err(&source);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "timezone");
    assert_eq!(d[0].line, 4);
    assert_eq!(
        d[0].hint.as_deref(),
        Some("did you mean `Europe/Copenhagen`?")
    );
}

#[test]
fn only_a_draft_may_wait_for_its_date() {
    let undated = MINIMAL.replace("date: 2023-01-17T12:30:00+03:00\n", "status: draft\n");
    let p = parse_ok(&undated);
    assert!(p.undated);
    assert_eq!(p.status, Status::Draft);
    assert!(!parse_ok(MINIMAL).undated);
    for status in ["review", "published"] {
        let d = parse_err(&undated.replace("draft", status));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].code, "missing-field");
    }
}
