use std::collections::HashMap;

use super::fields::{rfc3339, severity_of, when};
use super::names::{id_in_name, slug_of, stem, title_from_name};
use super::*;

fn config() -> Config {
    Config::parse(crate::source::init::CONFIG).unwrap()
}

fn entry(name: &str, text: &str) -> Entry {
    read_entry(Path::new(name), text.as_bytes(), &config()).unwrap()
}

fn field(e: &Entry, key: &str) -> Value {
    e.fields
        .get(key)
        .map(|f| f.value.clone())
        .unwrap_or(Value::Null)
}

/// The report as written, read back by the build's own parser.
fn parsed(
    e: &mut Entry,
) -> (
    crate::source::postmortem::Postmortem,
    Vec<crate::Diagnostic>,
) {
    place(std::slice::from_mut(e), &HashMap::new());
    let text = write::report(e);
    let mut diagnostics = Vec::new();
    let pm = crate::source::postmortem::parse(&e.dest, text, &config(), &mut diagnostics);
    (pm.expect("the written report parses"), diagnostics)
}

#[test]
fn severities_are_read_by_id_label_number_and_word() {
    let c = config();
    for (written, id) in [
        ("SEV2", "SEV2"),
        ("sev2", "SEV2"),
        ("Sev 1", "SEV1"),
        ("SEV-3", "SEV3"),
        ("P1", "SEV1"),
        ("priority 4", "SEV4"),
        ("Critical", "SEV1"),
        ("high", "SEV2"),
        ("low", "SEV4"),
        ("P0", "SEV1"),
        ("9", "SEV4"),
    ] {
        assert_eq!(severity_of(written, &c).as_deref(), Some(id), "{written}");
    }
    assert_eq!(severity_of("purple", &c), None);
}

#[test]
fn ids_titles_and_slugs_come_from_file_names() {
    assert_eq!(
        id_in_name("PM2023-001 - Total node failure").as_deref(),
        Some("PM2023-001")
    );
    assert_eq!(
        id_in_name("INC-1234-db-outage").as_deref(),
        Some("INC-1234")
    );
    assert_eq!(id_in_name("2023-01-17-icreate"), None);
    assert_eq!(id_in_name("acme-cdn-2018-outage"), None);
    assert_eq!(id_in_name("PM-draft - notes"), None);
    assert_eq!(
        title_from_name("PM2023-001 - Total node failure"),
        "Total node failure"
    );
    assert_eq!(title_from_name("acme-cdn_outage"), "Acme cdn outage");
    assert_eq!(
        slug_of("PM2024-003 - Zürich datacenter power loss"),
        "pm2024-003-zurich-datacenter-power-loss"
    );
    assert_eq!(slug_of("Volta Rail ticketing"), "volta-rail-ticketing");
    assert_eq!(slug_of("???"), "report");
    assert_eq!(
        stem(Path::new("a/PM2020-006 - Certificate expiry")),
        "PM2020-006 - Certificate expiry"
    );
    assert_eq!(stem(Path::new("a/b.markdown")), "b");
}

#[test]
fn other_tools_times_are_read_with_what_was_assumed() {
    let utc = |t: &str| when(t, None).unwrap();
    let r = utc("2018-07-19 14:05:00");
    assert_eq!(rfc3339(r.at), "2018-07-19T14:05:00Z");
    assert!(r.utc_assumed && !r.day_only);
    let r = utc("2016-10-12");
    assert!(r.day_only);
    assert_eq!(r.said().as_deref(), Some("a day only: 00:00 UTC assumed"));
    let r = utc("2020-11-27T09:40:00+02:00");
    assert_eq!(r.said(), None);
    let r = utc("March 3, 2017 09:12 PST");
    assert_eq!(rfc3339(r.at), "2017-03-03T09:12:00-08:00");
    let cph = Zone::parse("Europe/Copenhagen");
    assert_eq!(
        rfc3339(when("2023-07-01 12:00", cph).unwrap().at),
        "2023-07-01T12:00:00+02:00"
    );
    assert!(when("soon", None).is_none());
}

#[test]
fn another_tools_keys_are_mapped_merged_and_kept() {
    let mut e = entry(
        "cdn.md",
        "---\nuuid: 1f67c22a\nurl: https://status.example/1\ntitle: CDN down\n\
         start_time: 2018-07-19 14:05:00\nend_time: 2018-07-19T16:40:00Z\n\
         categories: [cdn, Edge]\nkeywords: [edge, rollout]\nproduct: Edge Delivery\n\
         severity_level: high\ncompany: Acme\nstatus: wip\nid: has space\n---\nWords.\n",
    );
    assert_eq!(field(&e, "title"), "CDN down");
    assert_eq!(field(&e, "date"), "2018-07-19T14:05:00Z");
    assert_eq!(e.fields["date"].from, "YAML front matter `start_time`");
    assert_eq!(field(&e, "resolved"), "2018-07-19T16:40:00Z");
    assert_eq!(
        field(&e, "tags"),
        serde_json::json!(["cdn", "Edge", "rollout"])
    );
    assert_eq!(field(&e, "services"), serde_json::json!(["Edge Delivery"]));
    assert_eq!(field(&e, "severity"), "SEV2");
    assert_eq!(
        field(&e, "links"),
        serde_json::json!(["https://status.example/1"])
    );
    assert_eq!(e.extra["uuid"], "1f67c22a");
    assert_eq!(e.extra["company"], "Acme");
    // Our own keys whose values cannot be ours are kept under other names.
    assert_eq!(e.extra["original_status"], "wip");
    assert_eq!(e.extra["original_id"], "has space");
    assert_eq!(e.notes.len(), 2, "{:?}", e.notes);

    let (pm, diagnostics) = parsed(&mut e);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(pm.tags, ["cdn", "Edge", "rollout"]);
    assert_eq!(pm.links[0].url, "https://status.example/1");
    assert_eq!(pm.extra["original_status"], "wip");
}

#[test]
fn a_time_without_a_zone_in_a_library_without_one_is_said_to_be_utc() {
    let e = read_entry(
        Path::new("x.md"),
        b"---\nstart_time: 2018-07-19 14:05:00\n---\n",
        &Config::default(),
    )
    .unwrap();
    assert_eq!(field(&e, "date"), "2018-07-19T14:05:00Z");
    assert!(
        e.fields["date"].from.contains("read as UTC"),
        "{}",
        e.fields["date"].from
    );
}

#[test]
fn a_site_mapping_reads_its_own_keys() {
    let mut c = config();
    c.import.fields.insert("opened".into(), "date".into());
    c.import.fields.insert("owner_team".into(), "teams".into());
    c.import.default_severity = Some("SEV2".into());
    c.import.default_service = Some("platform".into());
    let e = read_entry(
        Path::new("x.md"),
        b"---\ntitle: T\nopened: 2024-01-02T03:04:05Z\nowner_team: sre\n---\nText\n",
        &c,
    )
    .unwrap();
    assert_eq!(field(&e, "date"), "2024-01-02T03:04:05Z");
    assert_eq!(field(&e, "teams"), serde_json::json!(["sre"]));
    assert_eq!(field(&e, "severity"), "SEV2");
    assert_eq!(field(&e, "services"), serde_json::json!(["platform"]));
    assert!(e.fields["services"].from.contains("default_service"));
}

#[test]
fn a_report_without_front_matter_is_read_from_its_text_and_parses() {
    let mut e = entry(
        "PM2023-001 - Total node failure.md",
        "# PM2023-001 - Total node failure\r\n\r\n## Timeline\r\n\r\nAll times in UTC.\r\n\r\n\
         | Time | Event |\r\n|---|---|\r\n| 2023-02-13 07:30 | Upgrade starts |\r\n\
         | 2023-02-13 09:10 | Service fully recovered |\r\n\r\n## Stats\r\n\r\nSeverity: SEV2\r\n\
         Category: Kubernetes\r\nTime to detection: 2 minutes\r\n",
    );
    assert_eq!(field(&e, "title"), "Total node failure");
    assert_eq!(field(&e, "id"), "PM2023-001");
    assert_eq!(field(&e, "date"), "2023-02-13T07:30:00Z");
    assert_eq!(field(&e, "detected"), "2023-02-13T07:32:00Z");
    assert_eq!(field(&e, "resolved"), "2023-02-13T09:10:00Z");
    assert!(
        e.body.starts_with("## Timeline\n"),
        "the title is taken out: {}",
        e.body
    );
    assert!(!e.body.contains('\r'));
    let (pm, diagnostics) = parsed(&mut e);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(pm.slug, "pm2023-001-total-node-failure");
    assert_eq!(
        e.dest,
        Path::new("content/2023/pm2023-001-total-node-failure.md")
    );
    assert_eq!(pm.services, ["Kubernetes"]);
}

#[test]
fn a_report_without_a_date_is_a_draft_the_build_accepts() {
    let mut e = entry("notes.md", "# Cache stampede notes\n\nNo times here.\n");
    assert!(e.undated);
    assert_eq!(field(&e, "status"), "draft");
    assert_eq!(field(&e, "severity"), "SEV4");
    assert_eq!(field(&e, "services"), serde_json::json!(["unknown"]));
    let (pm, diagnostics) = parsed(&mut e);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(pm.undated);
    assert_eq!(e.dest, Path::new("content/undated/notes.md"));
    assert!(write::report(&e).contains("# Imported without a date"));
}

#[test]
fn values_with_quotes_colons_and_control_characters_survive_the_round_trip() {
    let mut e = entry(
        "q.md",
        "---\ntitle: \"Root cause: a \\\"temporary\\\" cap # not a comment\"\n\
         date: 2020-11-27T09:40:00+02:00\nsummary: \"line\\u0007 one\\nline two\"\n\
         \"odd key\": {nested: [1, two]}\n---\nBody\n",
    );
    let (pm, diagnostics) = parsed(&mut e);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(pm.title, "Root cause: a \"temporary\" cap # not a comment");
    assert_eq!(pm.summary.as_deref(), Some("line one\nline two"));
    assert_eq!(
        pm.extra["odd key"],
        serde_json::json!({"nested": [1, "two"]})
    );
}

#[test]
fn broken_front_matter_and_other_encodings_are_not_imported() {
    let c = config();
    let e = read_entry(Path::new("x.md"), b"---\ntitle: T\ntags: [open\n---\n", &c).unwrap_err();
    assert!(e.message.contains("YAML"), "{e:?}");
    assert_eq!(e.line, 4, "at the file's line: {e:?}");
    let e = read_entry(Path::new("x.md"), b"# Title\n\nCaf\xe9 latin-1\n", &c).unwrap_err();
    assert!(e.message.contains("UTF-8"), "{e:?}");
    assert_eq!((e.line, e.column), (3, 4), "{e:?}");
}

#[test]
fn two_reports_never_share_a_slug_or_an_id() {
    let mut entries = vec![
        entry("a/INC-1 Outage.md", "# A\n\nOn May 1, 2023 it broke.\n"),
        entry("b/inc-1-outage.md", "# B\n\nOn May 2, 2023 it broke.\n"),
        entry("c/INC-2 Disk.md", "# C\n\nOn May 3, 2023 it broke.\n"),
        entry("d/INC-3 Disk.md", "# D\n\nOn May 4, 2023 it broke.\n"),
    ];
    let mut taken = HashMap::new();
    taken.insert(
        "inc-1-outage".to_string(),
        PathBuf::from("content/2023/inc-1-outage.md"),
    );
    place(&mut entries, &taken);
    let mut ids = HashMap::new();
    ids.insert("inc-2".to_string(), PathBuf::from("content/2020/other.md"));
    // A report written by an earlier import of the same file keeps its id.
    ids.insert(
        "inc-3".to_string(),
        PathBuf::from("content/2023/inc-3-disk.md"),
    );
    distinct_ids(&mut entries, &ids);
    assert_eq!(
        field(&entries[2], "id"),
        Value::Null,
        "the library has INC-2"
    );
    assert_eq!(field(&entries[3], "id"), "INC-3");
    assert_eq!(entries[0].slug, "inc-1-outage");
    assert_eq!(entries[1].slug, "inc-1-outage-2");
    assert_eq!(field(&entries[0], "id"), "INC-1");
    assert_eq!(field(&entries[1], "id"), Value::Null);
    assert!(
        entries[1]
            .notes
            .iter()
            .any(|n| n.contains("another report"))
    );
}

#[test]
fn lists_past_the_limits_are_cut_and_the_build_accepts_the_report() {
    let tags: Vec<String> = (0..150).map(|i| format!("t{i}")).collect();
    let services: Vec<String> = (0..120).map(|i| format!("s{i}")).collect();
    let text = format!(
        "---\ntitle: T\ndate: 2024-01-01T00:00:00Z\nid: X-1\ntags: [{}]\nservices: [{}]\n\
         related: [missing, t.md]\n---\nBody\n",
        tags.join(", "),
        services.join(", ")
    );
    let mut e = entry("t.md", &text);
    assert!(
        e.notes.iter().any(|n| n.contains("`tags` had 150 entries")),
        "{:?}",
        e.notes
    );
    let (pm, diagnostics) = parsed(&mut e);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(pm.services.len(), 100);
    assert_eq!(
        pm.services.len() + pm.tags.len() + 2,
        200,
        "pages within [limits]"
    );
}

#[test]
fn related_reports_follow_their_new_names_and_unknown_ones_are_left_out() {
    let mut entries = vec![
        entry(
            "PM-1 A.md",
            "---\ntitle: A\ndate: 2023-01-01T00:00:00Z\nrelated: [PM-2 B.md, nowhere, PM-1]\n---\n",
        ),
        entry(
            "PM-2 B.md",
            "---\ntitle: B\ndate: 2023-01-02T00:00:00Z\nrelated: [pm-1]\n---\n",
        ),
    ];
    place(&mut entries, &HashMap::new());
    relate(&mut entries, &HashMap::new());
    assert_eq!(field(&entries[0], "related"), serde_json::json!(["pm-2-b"]));
    assert!(entries[0].notes.iter().any(|n| n.contains("\"nowhere\"")));
    assert_eq!(field(&entries[1], "related"), serde_json::json!(["pm-1-a"]));
}

#[test]
fn one_file_alone_is_written_where_its_year_says() {
    let (dest, text) = one(
        Path::new("INC-9 Disk full.md"),
        b"# Disk full\n\nOn 3 May 2022 at 10:00 UTC the disk filled.\n",
        &config(),
    )
    .unwrap();
    assert_eq!(dest, Path::new("content/2022/inc-9-disk-full.md"));
    assert!(
        text.starts_with("---\ntitle: \"Disk full\"\ndate: 2022-05-03T10:00:00Z\n"),
        "{text}"
    );
}

#[test]
fn control_characters_in_the_text_do_not_reach_the_front_matter() {
    // Found by the `import` fuzz target: NULs in a summary's paragraph.
    let mut e = entry(
        "x\u{1b}.md",
        "# Disk\u{7} full\n\n## Issue Summary\n\nOn 29 april 2022 users could not\0\0 log in.\n",
    );
    assert_eq!(
        field(&e, "summary"),
        "On 29 april 2022 users could not log in."
    );
    assert_eq!(field(&e, "title"), "Disk full");
    // A noncharacter is refused by the build as a control character is.
    let mut nonchar = entry("n.md", "---\ntitle: \"Disk\\uFFFF full\"\n---\n");
    assert_eq!(field(&nonchar, "title"), "Disk full");
    let (_, diagnostics) = parsed(&mut nonchar);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    // Found by it too: a control character in a link of the front matter.
    let links = entry(
        "y.md",
        "---\nurl: \"https://x.test/a\\u0004\"\nlink: https://x.test/b\n---\n",
    );
    assert_eq!(
        field(&links, "links"),
        serde_json::json!(["https://x.test/b"])
    );
    // And a link with no host.
    let hostless = entry("h.md", "---\nurl: \"https://\"\n---\n");
    assert_eq!(field(&hostless, "links"), Value::Null);
    // And in a key kept as it was.
    let mut key = entry("z.md", "---\n\"uuid\\u0017\": 1\ntitle: Z\n---\n");
    assert_eq!(key.extra["uuid"], 1);
    let (_, diagnostics) = parsed(&mut key);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let (_, diagnostics) = parsed(&mut e);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
}

#[test]
fn a_labelled_line_of_punctuation_gives_no_names() {
    // Found by the import fuzz target: JSON that did not parse, read as text.
    let mut e = entry(
        "x.md",
        "# Flags\n\n\"services\": [\"flag,\", \"web\"]\n\"tags\": [\"\", \"(\"]\n",
    );
    let (_, diagnostics) = parsed(&mut e);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
}

#[test]
fn a_visibility_is_read_and_one_that_is_not_ours_is_kept_aside() {
    // Found by the import fuzz target once `visibility` became a key of ours.
    let mut e = entry(
        "v.md",
        "---\ntitle: V\ndate: 2024-01-01T00:00:00Z\nvisibility: \"202n\"\n---\n",
    );
    assert_eq!(e.extra["original_visibility"], "202n");
    let (_, diagnostics) = parsed(&mut e);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let e = entry("w.md", "---\ntitle: W\nvisibility: Public\n---\n");
    assert_eq!(field(&e, "visibility"), "public");
}
