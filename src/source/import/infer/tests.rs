use super::*;

fn utc() -> Context {
    Context {
        zone: None,
        start: None,
    }
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn value<T: Clone>(f: &Option<Found<T>>) -> T {
    f.as_ref().expect("found").value.clone()
}

#[test]
fn a_timeline_table_under_a_zone_note_gives_the_start_and_the_moments() {
    let body = "# PM2023-001 - Total node failure\n\n## Summary\n\nNodes failed.\n\n\
                ## Timeline\n\nAll times in CET.\n\n| Time | Event |\n|---|---|\n\
                | 2023-06-13 07:30 | Upgrade starts |\n| 2023-06-13 07:40 | Alert fired |\n\
                | 2023-06-13 08:17 | Mitigated by rolling back |\n| 2023-06-13 09:10 | Service fully recovered |\n";
    let found = read(body, 1, utc());
    assert_eq!(value(&found.title), "PM2023-001 - Total node failure");
    assert_eq!(found.title_span, Some(0..34));
    assert_eq!(value(&found.date), at("2023-06-13T07:30:00+01:00"));
    assert_eq!(value(&found.detected), at("2023-06-13T07:40:00+01:00"));
    assert_eq!(value(&found.mitigated), at("2023-06-13T08:17:00+01:00"));
    assert_eq!(value(&found.resolved), at("2023-06-13T09:10:00+01:00"));
    assert_eq!(value(&found.summary), "Nodes failed.");
    assert!(found.date.unwrap().from.contains("line 13"));
    assert!(found.notes.is_empty(), "{:?}", found.notes);
}

#[test]
fn stats_lines_give_the_lengths_and_the_facts() {
    let body = "# Outage\n\n## Timeline\n\n| Time (UTC+03:00) | Event |\n|---|---|\n\
                | 2021-09-22 15:48 | Errors start |\n\n## Stats\n\n\
                Category: Payments, Checkout\nPriority: P1\nTime to detection: 4 minutes\n\
                Time to recovery: 1 hour 45 minutes\nTags: pci, gateway\n";
    let found = read(body, 1, utc());
    assert_eq!(value(&found.date), at("2021-09-22T15:48:00+03:00"));
    assert_eq!(value(&found.detected), at("2021-09-22T15:52:00+03:00"));
    assert_eq!(value(&found.resolved), at("2021-09-22T17:33:00+03:00"));
    assert_eq!(value(&found.severity), "P1");
    assert_eq!(value(&found.services), ["Payments", "Checkout"]);
    assert_eq!(value(&found.tags), ["pci", "gateway"]);
    assert!(found.resolved.unwrap().from.contains("Time to recovery"));

    let more = "Incident ID: INC-77\nAffected service(s): api, web\nAuthor(s): Ana\nTTR: 45 min\n\
                Start: 2024-05-01 10:00 UTC\n";
    let found = read(more, 1, utc());
    assert_eq!(value(&found.id), "INC-77");
    assert_eq!(value(&found.services), ["api", "web"]);
    assert_eq!(value(&found.authors), ["Ana"]);
    assert_eq!(value(&found.resolved), at("2024-05-01T10:45:00Z"));
}

#[test]
fn prose_dates_and_labelled_lines_of_real_reports_are_read() {
    let body = "Postmortem: Web Stack Outage on December 18, 2023\n\nIssue Summary:\n\n    \
                Duration:\n        Start Time: December 18, 2023, 10:45 AM (UTC)\n        \
                End Time: December 18, 2023, 1:30 PM (UTC)\n";
    let found = read(body, 1, utc());
    assert_eq!(
        value(&found.title),
        "Postmortem: Web Stack Outage on December 18, 2023"
    );
    assert_eq!(value(&found.date), at("2023-12-18T10:45:00Z"));
    assert_eq!(value(&found.resolved), at("2023-12-18T13:30:00Z"));

    let range = "Issue Summary:\nDuration: May 15, 2023, 2:00 PM to May 15, 2023, 3:30 PM (UTC)\n";
    let found = read(range, 1, utc());
    assert_eq!(value(&found.date), at("2023-05-15T14:00:00Z"));
    assert_eq!(value(&found.resolved), at("2023-05-15T15:30:00Z"));
    assert_eq!(found.title, None, "a section's name is no title");

    let prose = "# Postmortem\n\nOn March 3, 2017 at 09:12 PST, mail stopped.\n";
    let found = read(prose, 1, utc());
    assert_eq!(value(&found.date), at("2017-03-03T09:12:00-08:00"));
    assert!(found.title.unwrap().from.contains("give it a better title"));
}

#[test]
fn times_without_a_zone_are_read_in_the_given_zone_or_said_to_be_utc() {
    let body = "## Timeline\n\n- 2024-03-31 01:30: deploy\n- 2024-03-31 03:10: recovered\n";
    let found = read(body, 1, utc());
    assert_eq!(value(&found.date), at("2024-03-31T01:30:00Z"));
    assert!(found.notes.iter().any(|n| n.contains("UTC")));

    let zone = Zone::parse("Europe/Copenhagen");
    let found = read(body, 1, Context { zone, start: None });
    assert_eq!(value(&found.date), at("2024-03-31T01:30:00+01:00"));
    assert_eq!(value(&found.resolved), at("2024-03-31T03:10:00+02:00"));
    assert!(found.notes.is_empty());
}

#[test]
fn a_generic_first_heading_gives_way_to_the_next_one() {
    let body = "# 0x19. Postmortem\n\nSome words.\n\n# Puppet Manifest Error - WordPress\n\n## Incident Summary:\n\nA typo.\n";
    let found = read(body, 1, utc());
    assert_eq!(value(&found.title), "Puppet Manifest Error - WordPress");
    assert_eq!(value(&found.summary), "A typo.");
    let span = found.title_span.unwrap();
    assert_eq!(&body[span], "# Puppet Manifest Error - WordPress\n");
}

#[test]
fn severity_mentions_are_found_and_other_words_are_not() {
    assert_eq!(
        severity_mention("we declared it Sev 2 at once").as_deref(),
        Some("Sev 2")
    );
    assert_eq!(
        severity_mention("a SEV-1 incident").as_deref(),
        Some("SEV-1")
    );
    assert_eq!(severity_mention("paged as P1").as_deref(), Some("P1"));
    assert_eq!(severity_mention("PM2023-001 and P2P traffic"), None);
    assert_eq!(severity_mention("several P9 things"), None);
    assert_eq!(severity_mention("sever the link"), None);
}

#[test]
fn a_text_without_a_date_gives_none_and_no_time_in_code_counts() {
    let body = "# Cache stampede notes\n\n```\n2023-01-01 10:00 not a date of ours\n```\n\n- T+0 restart\n";
    let found = read(body, 1, utc());
    assert_eq!(found.date, None);
    assert_eq!(found.resolved, None);
}

/// Reading never panics on text: a seeded stream of fragments real reports
/// are made of, cut at every character.
#[test]
fn reading_messy_text_never_panics() {
    const PARTS: &[&str] = &[
        "# ",
        "## Timeline\n",
        "Timeline:\n",
        "| ",
        " |",
        "2023-02-13 07:30",
        "12:26-12:??",
        "All times in CET.",
        "Time to recovery: ",
        "13 minutes",
        "Duration: ",
        " to ",
        "Sev 1",
        "P2",
        "Ünïcødé ",
        "é",
        "\n",
        "    ",
        "```\n",
        ":",
        "December 18, 2023, 10:45 AM (UTC)",
        "Severity:",
        "Category: ",
        "Issue Summary:\n",
        "- ",
        "**",
        "[x](a.md)",
        "\r\n",
        "🙂",
    ];
    for text in crate::util::text::seeded_texts(PARTS, 42, 300, 30) {
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for cut in cuts {
            let _ = read(&text[..cut], 1, utc());
        }
    }
}

#[test]
fn a_summary_is_the_paragraphs_first_sentences() {
    let long = "An automatic node image upgrade on 13 February 2023 left every node in the \
                general-b pool unable to start kubelet after reboot. The upgrade does not stop \
                when nodes fail. Their pods were rescheduled.";
    assert_eq!(
        lede(long),
        "An automatic node image upgrade on 13 February 2023 left every node in the general-b \
         pool unable to start kubelet after reboot."
    );
    assert_eq!(lede("Short. Two. Three."), "Short. Two. Three.");
    assert_eq!(lede("No stop at all"), "No stop at all");
    let run_on = "word ".repeat(100);
    let cut = lede(run_on.trim());
    assert!(cut.ends_with("word…") && cut.len() <= 304, "{cut}");
    assert_eq!(
        lede("Version 1.2 is out. Then more."),
        "Version 1.2 is out. Then more."
    );
}

#[test]
fn a_title_line_may_stand_over_a_section_label_and_under_banner_images() {
    let body = "Web Stack Outage on the fellowship site\nIssue Summary\nDuration of the Outage:\n";
    assert_eq!(
        value(&read(body, 1, utc()).title),
        "Web Stack Outage on the fellowship site"
    );
    let body = "![Sql1]\n![1] \n### POSTMORTEM: UNAUTHORIZED ACCESS TO CUSTOMER DATABASE\n### Incident Description:\n";
    assert_eq!(
        value(&read(body, 1, utc()).title),
        "POSTMORTEM: UNAUTHORIZED ACCESS TO CUSTOMER DATABASE"
    );
    // A first line that runs on into the next is prose, not a title.
    let body = "Upon the release of the project, an outage\noccurred on the web server.\n";
    assert_eq!(read(body, 1, utc()).title, None);
}
