use super::*;

fn body(items: &[ActionItem]) -> Vec<(String, State, usize)> {
    items
        .iter()
        .map(|i| (i.text.clone(), i.state, i.line))
        .collect()
}

#[test]
fn task_items_under_action_sections_are_items_with_their_lines() {
    let md = "Intro\n\n- [ ] not in a section\n\n## Action Items\n\n- [ ] Add a canary @priya PAY-301\n- [x] Fix the alert @sam (OPS-12)\n\n## Root cause\n\n- [ ] not either\n";
    let items = from_body(md, 10);
    assert_eq!(
        body(&items),
        [
            ("Add a canary".into(), State::Open, 16),
            ("Fix the alert".into(), State::Done, 17),
        ]
    );
    assert_eq!(items[0].owner.as_deref(), Some("priya"));
    assert_eq!(items[0].tickets, ["PAY-301"]);
    assert_eq!(items[1].tickets, ["OPS-12"]);
    assert!(items.iter().all(|i| i.in_body));
}

#[test]
fn an_item_that_holds_a_list_keeps_its_line_and_its_sub_items() {
    // The outer item ends after its sub-items, but starts before them;
    // this once panicked (found by fuzzing). Its sub-items are part of it.
    let md =
        "## Action Items\n\n- [ ] Outer\n  - [ ] First inner\n  - [x] Second inner\n- [ ] Last\n";
    assert_eq!(
        body(&from_body(md, 1)),
        [
            ("Outer: First inner; Second inner".into(), State::Open, 3),
            ("Last".into(), State::Open, 6),
        ]
    );
}

#[test]
fn sub_items_are_collected_with_their_item_at_any_depth() {
    let md = "## Follow-ups\n\n- Group without a box\n  - [ ] Boxed inside @ops\n    - detail one\n    - detail two\n  - [x] Another\n\n## Action Items\n\n- Rework the deploy:\n  - split steps\n  - add a dry run due:2024-01-02\n- Alerts\n  - [x] on errors\n  - [x] on latency\n";
    let items = from_body(md, 1);
    assert_eq!(
        body(&items),
        [
            // Under a corrective heading a plain item is no item: the boxed
            // ones inside it are.
            (
                "Boxed inside: detail one; detail two".into(),
                State::Open,
                4
            ),
            ("Another".into(), State::Done, 7),
            (
                "Rework the deploy: split steps; add a dry run".into(),
                State::Open,
                11
            ),
            // Without a box of its own, it is done when every box in it is.
            ("Alerts: on errors; on latency".into(), State::Done, 14),
        ]
    );
    assert_eq!(items[0].owner.as_deref(), Some("ops"));
    assert_eq!(items[2].due, NaiveDate::from_ymd_opt(2024, 1, 2));
}

#[test]
fn a_mark_at_the_end_or_a_strikethrough_says_an_item_is_done() {
    let md = "## Action Items\n\n- Add a guard (done)\n- [ ] Add a gate [Done] @ops PAY-1\n- Move the cron — done.\n- ~~Drop the old cache~~\n- ~~Half~~ struck\n- Keep it undone\n- Not done yet\n- (done)\n";
    let items = from_body(md, 1);
    assert_eq!(
        body(&items),
        [
            ("Add a guard".into(), State::Done, 3),
            ("Add a gate".into(), State::Done, 4),
            ("Move the cron".into(), State::Done, 5),
            ("Drop the old cache".into(), State::Done, 6),
            ("Half struck".into(), State::Open, 7),
            ("Keep it undone".into(), State::Open, 8),
            ("Not done yet".into(), State::Open, 9),
            ("(done)".into(), State::Open, 10),
        ]
    );
    assert_eq!(items[1].owner.as_deref(), Some("ops"));
    assert_eq!(items[1].tickets, ["PAY-1"]);
}

#[test]
fn plain_items_count_only_under_a_heading_that_names_action_items() {
    let md = "## Corrective and Preventative Measures\n\n- Review deploys\n- [ ] Add a gate\n\n## Action items\n\n- Page the owner\n- Improvements:\n  - Faster rollback\n";
    assert_eq!(
        body(&from_body(md, 1)),
        [
            ("Add a gate".into(), State::Open, 4),
            ("Page the owner".into(), State::Open, 8),
            ("Improvements: Faster rollback".into(), State::Open, 9),
        ]
    );
}

#[test]
fn setext_headings_open_and_close_sections() {
    let md = "Action Items\n---\n\n- [ ] under a setext heading\n- x\n\nNext\n====\n\n- [ ] outside\n\n## Follow-ups\n\n- [ ] two\nstill the item\n---\n- [ ] after a break\n";
    let found = sections(md);
    let texts: Vec<&str> = found.iter().map(|s| md[s.range.clone()].trim()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].starts_with("- [ ] under a setext heading") && texts[0].ends_with("- x"));
    assert!(texts[1].starts_with("- [ ] two") && texts[1].ends_with("after a break"));
}

#[test]
fn sections_end_at_a_heading_of_their_level_and_skip_code() {
    let md = "### Follow-ups\n\n```\n## not a heading\n- [ ] in code\n```\n\n#### Detail\n\n- [ ] nested section item\n\n## Next\n\n- [ ] outside\n";
    assert_eq!(
        body(&from_body(md, 1)),
        [("nested section item".into(), State::Open, 10)]
    );
}

#[test]
fn annotations_are_taken_out_of_the_text() {
    let item = parse_text("Rotate the keys @ops-team due:2023-02-01 (SEC-7, #42).");
    assert_eq!(item.text, "Rotate the keys");
    assert_eq!(item.owner.as_deref(), Some("ops-team"));
    assert_eq!(item.due, NaiveDate::from_ymd_opt(2023, 2, 1));
    assert_eq!(item.tickets, ["SEC-7", "#42"]);
    // Words that only look like annotations stay.
    let item = parse_text("Upgrade to HTTP-2 and TLS-1 due:soon @");
    assert_eq!(item.text, "Upgrade to HTTP-2 and TLS-1 due:soon @");
    assert!(item.tickets.is_empty() && item.owner.is_none() && item.due.is_none());
}

#[test]
fn overdue_means_open_and_due_before_today() {
    let today = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
    let mut item = parse_text("x due:2024-01-09");
    assert!(item.is_overdue(today));
    item.due = Some(today);
    assert!(!item.is_overdue(today));
    item.due = NaiveDate::from_ymd_opt(2020, 1, 1);
    item.state = State::Done;
    assert!(!item.is_overdue(today));
}

fn front(yaml: &str) -> (Vec<ActionItem>, Vec<Diagnostic>) {
    let fields = crate::source::frontmatter::parse(yaml, 2).unwrap();
    let field = &fields.iter().find(|(k, _)| k == "action_items").unwrap().1;
    from_front_matter(field, Path::new("content/a.md"))
}

#[test]
fn front_matter_items_carry_their_fields() {
    let (items, problems) = front(
        "action_items:\n  - text: Add a canary stage\n    owner: '@priya'\n    ticket: PAY-301\n    type: prevent\n    priority: P1\n    due: 2023-02-01\n    status: done\n  - Write the runbook @sam\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(items.len(), 2);
    let a = &items[0];
    assert_eq!(
        (a.text.as_str(), a.owner.as_deref(), a.kind, a.state, a.line),
        (
            "Add a canary stage",
            Some("priya"),
            Some(Kind::Prevent),
            State::Done,
            3
        )
    );
    assert_eq!(a.tickets, ["PAY-301"]);
    assert_eq!(a.priority.as_deref(), Some("P1"));
    assert_eq!(a.due, NaiveDate::from_ymd_opt(2023, 2, 1));
    assert_eq!(
        (items[1].text.as_str(), items[1].owner.as_deref()),
        ("Write the runbook", Some("sam"))
    );
    assert!(!a.in_body);
}

#[test]
fn bad_front_matter_items_are_named_at_their_lines() {
    let (items, problems) = front(
        "action_items:\n  - text: A\n    type: prevnet\n    status: finished\n    due: next week\n  - owner: sam\n  - text: B\n    colour: red\n",
    );
    assert_eq!(
        items.len(),
        2,
        "entries with text are kept; the errors fail the report"
    );
    let found: Vec<(usize, &str)> = problems
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (4, "unknown action item type \"prevnet\""),
            (5, "unknown action item status \"finished\""),
            (6, "`due` of an action item is not a date: \"next week\""),
            (7, "an action item needs a `text`"),
            (9, "unknown action item key `colour`"),
        ]
    );
    assert!(
        problems[0]
            .hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean prevent?")
    );
}

#[test]
fn list_items_are_told_by_their_marker_and_the_space_after_it() {
    for item in [
        "- a", "* a", "+ a", "  - a", "1. a", "12) a", "3.\ta", "-\ta",
    ] {
        assert!(is_list_item(item), "{item:?}");
    }
    for not in [
        "-",
        "-a",
        "1.",
        "1.a",
        "a. b",
        "1a. b",
        "text. More text",
        "(1) a",
        "",
        "é. a",
        "-1. a",
    ] {
        assert!(!is_list_item(not), "{not:?}");
    }
}

#[test]
fn an_item_is_split_into_words_at_any_white_space() {
    let pieces = [
        "a", "b", "é", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\u{a0}", "\u{2003}",
    ];
    for raw in crate::util::text::seeded_texts(&pieces, 11, 3_000, 24) {
        let expected = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(parse_text(&raw).text, expected, "{raw:?}");
    }
}
