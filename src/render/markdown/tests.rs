use super::*;
use crate::source::dialect::first_paragraph;

fn render_with(md: &str, allow_raw_html: bool) -> Rendered {
    render_full(md, allow_raw_html, &std::collections::BTreeMap::new())
}

fn render_full(
    md: &str,
    allow_raw_html: bool,
    tickets: &std::collections::BTreeMap<String, String>,
) -> Rendered {
    let resolve = |slug: &str| (slug == "known").then(|| format!("postmortems/{slug}/"));
    let asset = |path: &str| (path == "diagram.png").then(|| "files/2023/diagram.png".to_string());
    let cx = RenderContext {
        resolve: &resolve,
        asset: &asset,
        root: "../../",
        allow_raw_html,
        first_line: 10,
        year: 2023,
        title: "The Title",
        tickets: crate::util::tickets::Tickets::new(tickets),
    };
    render(md, &cx)
}

fn render_md(md: &str) -> Rendered {
    render_with(md, false)
}

#[test]
fn the_page_marks_exactly_the_action_items_the_archive_lists() {
    // Headings of every kind the dialect knows, and some it does not:
    // the renderer and the reader of action items must agree on each.
    for heading in [
        "## Action Items",
        "## Corrective and Preventative Measures",
        "## Follow-up timeline",
        "## Remediation",
        "Action items\n------------",
        "## Root Cause",
        "## Timeline",
    ] {
        let md = format!(
            "{heading}\n\n- [ ] Add a gate @ops\n- [x] Fix the alert\n- Plain one\n- Plain (done)\n- ~~Struck~~\n- [ ] Boxed — done\n- Group\n  - [x] leaf\n  - [x] other\n    - deeper\n- [ ] Parent\n  - [ ] child\n- Loose\n  - [ ] boxed child\n\n## Notes\n\n- [ ] not an item\n"
        );
        let listed: Vec<&str> = crate::source::actions::from_body(&md, 1)
            .iter()
            .map(|a| a.state.attribute())
            .collect();
        let html = render_md(&md).html;
        let doc = scraper::Html::parse_fragment(&html);
        let marked: Vec<&str> = doc
            .select(&scraper::Selector::parse("li[data-action-state]").unwrap())
            .filter_map(|li| li.value().attr("data-action-state"))
            .collect();
        assert_eq!(listed, marked, "under {heading:?}");
    }
}

#[test]
fn lines_that_could_make_a_top_heading_are_found() {
    for md in [
        "# Title",
        "#",
        "  # Title",
        "Title\n=====",
        "> # Quoted",
        "- # In a list",
        "1. > # Deep",
        "```\n# a comment in code\n```",
    ] {
        assert!(may_have_h1(md), "{md:?}");
    }
    for md in [
        "## Two",
        "#hashtag",
        "text with # inside",
        "a == b",
        "- item",
        "",
    ] {
        assert!(!may_have_h1(md), "{md:?}");
    }
}

#[test]
fn top_headings_anywhere_demote_every_heading() {
    for md in [
        "> # Quoted\n\n## Next",
        "- # Listed\n\n## Next",
        "Title\n===\n\n## Next",
    ] {
        let out = render_md(md);
        let levels: Vec<u8> = out.headings.iter().map(|h| h.level).collect();
        assert_eq!(levels, [2, 3], "{md:?}");
    }
    let plain = render_md("## Only\n\n```\n# code\n```\n");
    assert_eq!(plain.headings[0].level, 2);
}

#[test]
fn the_first_paragraph_is_the_same_with_or_without_rendering() {
    for md in [
        "# Title\n\nFirst *para*\ngraph with `code`.\n\nSecond.",
        "## Summary\n\n- a list\n- first\n\n> quoted\n> text\n\nafter",
        "No [link text](other.md) here  \nbroken line, ![alt](x.png).",
        "| table |\n|---|\n| cell |\n",
        "![banner](b.png)\n\n![a](a.png) ![b](b.png)\n\nThe words.\n\nMore.",
        "[![badge](b.svg)](https://x.test/)\n\nAfter the badge.",
        "![only](x.png)",
        "",
    ] {
        assert_eq!(first_paragraph(md), render_md(md).first_paragraph, "{md:?}");
    }
    assert_eq!(
        first_paragraph("# T\n\nFirst *para*\ngraph.\n\nSecond."),
        "First para graph."
    );
    // Paragraphs of images alone are skipped; an image among words stays.
    assert_eq!(
        first_paragraph(
            "![banner](b.png)\n\n![a](a.png)  \n![b](b.png)\n\nThe ![x](x.png) words.\n\nMore."
        ),
        "The x words."
    );
    assert_eq!(first_paragraph("![only](x.png)"), "");
}

#[test]
fn headings_get_unique_anchors() {
    let r = render_md("## Root Cause\n\n## Root cause\n\n## Timeline {#when}\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["root-cause", "root-cause-1", "when"]);
    assert!(r.html.contains(
        "<h2 id=\"root-cause\"><a class=\"self\" href=\"#root-cause\">Root Cause</a></h2>"
    ));
    // A heading with a link of its own cannot be a link: a `#` follows it.
    let r = render_md("## See [the runbook](https://example.com/r)\n");
    assert!(r.html.contains(
        "<a href=\"https://example.com/r\">the runbook</a> <a class=\"anchor\" href=\"#see-the-runbook\""
    ), "{}", r.html);
}

#[test]
fn a_body_h1_is_demoted_so_the_page_keeps_one() {
    let r = render_md("# Title\n\n## Part\n");
    assert_eq!(r.headings[0].level, 2);
    assert_eq!(r.headings[1].level, 3);
}

#[test]
fn links_to_report_files_are_rewritten() {
    let r = render_md("See [it](../2022/known.md#root-cause) and [x](known.md).\n");
    assert!(
        r.html
            .contains("href=\"../../postmortems/known/#root-cause\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"../../postmortems/known/\""));
    assert!(r.broken_links.is_empty());
    assert_eq!(r.links_to, ["known", "known"]);
}

#[test]
fn links_to_missing_reports_are_reported_with_line() {
    let r = render_md("Intro\n\nSee [gone](missing.md).\n");
    assert_eq!(
        r.broken_links,
        [BrokenLink {
            line: 12,
            column: 5,
            target: "missing.md".into()
        }]
    );
}

#[test]
fn absolute_links_and_fragments_are_left_alone() {
    let r = render_md("[a](https://example.com/x.md) [c](#root) [m](mailto:a@b.c)\n");
    assert!(r.html.contains("href=\"https://example.com/x.md\""));
    assert!(r.html.contains("href=\"#root\""));
    assert!(r.broken_links.is_empty() && r.missing_files.is_empty());
}

#[test]
fn files_next_to_the_report_are_published_and_missing_ones_noted() {
    let r = render_md("![d](diagram.png)\n\n[log](missing.txt)\n");
    assert!(
        r.html.contains("src=\"../../files/2023/diagram.png\""),
        "{}",
        r.html
    );
    assert_eq!(r.assets, ["files/2023/diagram.png"]);
    assert_eq!(
        r.missing_files,
        [BrokenLink {
            line: 12,
            column: 1,
            target: "missing.txt".into()
        }]
    );
}

#[test]
fn script_urls_are_dropped() {
    let r = render_md(
        "[x](javascript:alert(1)) ![y](data:image/svg+xml;base64,AAA) [z]( JaVaScRiPt:alert(1))\n",
    );
    assert!(!r.html.to_lowercase().contains("javascript"), "{}", r.html);
    assert!(!r.html.contains("data:"), "{}", r.html);
}

#[test]
fn raw_html_is_sanitised_unless_allowed() {
    let md = "<script>alert(1)</script>\n\n<b onclick=\"x()\">bold</b> text\n";
    let clean = render_md(md);
    assert!(!clean.html.contains("<script"), "{}", clean.html);
    assert!(!clean.html.contains("onclick"), "{}", clean.html);
    assert!(clean.html.contains("<b>bold</b>"));
    let raw = render_with(md, true);
    assert!(raw.html.contains("<script>"));
}

#[test]
fn sanitising_keeps_our_own_markup() {
    let md = "<i>x</i>\n\n## Action Items\n\n- [x] done\n\n| a |\n|:-:|\n| b |\n";
    let r = render_md(md);
    assert!(r.html.contains("id=\"action-items\""), "{}", r.html);
    assert!(r.html.contains("type=\"checkbox\""), "{}", r.html);
    assert!(r.html.contains("aria-label=\"Done\""), "{}", r.html);
    assert!(r.html.contains("text-align"), "{}", r.html);
}

#[test]
fn task_boxes_are_named_and_only_show_their_state() {
    let r = render_md("## Action Items\n\n- [x] Rotate the key\n- [ ] Add an alert\n");
    assert!(
        r.html
            .contains(r#"<input type="checkbox" disabled checked aria-label="Done">"#),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains(r#"<input type="checkbox" disabled aria-label="Done">"#),
        "{}",
        r.html
    );
    // The box is not text: the item reads as what was written.
    assert!(r.text.contains("Rotate the key"), "{}", r.text);
    assert!(!r.text.contains("Done"), "{}", r.text);
}

#[test]
fn the_first_paragraph_is_collected_as_plain_text() {
    let r = render_md("## Summary\n\nThe *API* failed\nfor `10` minutes.\n\nSecond.\n");
    assert_eq!(r.first_paragraph, "The API failed for 10 minutes.");
}

#[test]
fn timeline_rows_become_entries_with_anchors() {
    let md = "## Timeline\n\n| Time | Event |\n|:-|-|\n| 12:20 | Deploy *starts* |\n| soon | no time |\n| 12:45 | Cause found |\n\n## Other\n\n| 13:00 | not a timeline |\n|-|-|\n| 13:05 | x |\n";
    let r = render_md(md);
    let entries: Vec<(&str, &str, &str)> = r
        .timeline
        .iter()
        .map(|e| (e.written.as_str(), e.text.as_str(), e.id.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("12:20", "Deploy starts", "t-12-20"),
            ("12:45", "Cause found", "t-12-45")
        ]
    );
    assert!(
        r.html.contains(
            "<tr><td id=\"t-12-20\" style=\"text-align: left\"><a href=\"#t-12-20\">12:20</a></td>"
        ),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<tr><td style=\"text-align: left\">soon</td>")
    );
    assert_eq!(&md[r.timeline[1].offset..][..9], "| 12:45 |");
}

#[test]
fn timeline_list_items_become_entries() {
    let md = "### Timeline\n\n- **10:00:** Alerts fired\n  - 10:01 nested, not an entry\n- 10:05 - Paged\n- Later that day\n";
    let r = render_md(md);
    let entries: Vec<(&str, &str)> = r
        .timeline
        .iter()
        .map(|e| (e.id.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(entries, [("t-10-00", "Alerts fired"), ("t-10-05", "Paged")]);
    assert!(
        r.html
            .contains("<li class=\"timeline-entry\" id=\"t-10-00\"><strong>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li>Later that day</li>"), "{}", r.html);
}

#[test]
fn a_bold_timeline_label_opens_a_timeline_until_the_next_heading() {
    let md = "**Timeline:**\n\n- **10:30 AM:** Detected\n- **10:40 AM:** Investigated\n\n*Timeline*\n\n- 11:00 again\n\n## Root cause\n\n- 12:00 not an event\n";
    let r = render_md(md);
    let ids: Vec<&str> = r.timeline.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["t-10-30-am", "t-10-40-am", "t-11-00"]);
}

#[test]
fn action_items_carry_their_state() {
    let md = "## Action Items\n\n- [ ] Add a gate\n- [x] Fix alert\n- Plain one\n- Group:\n  - Leaf\n\n## Notes\n\n- [ ] not an item\n";
    let r = render_md(md);
    let doc = r.html.as_str();
    assert_eq!(
        doc.matches("data-action-state=\"open\"").count(),
        3,
        "{doc}"
    );
    assert_eq!(
        doc.matches("data-action-state=\"done\"").count(),
        1,
        "{doc}"
    );
    // A group's sub-items are part of it: it is marked, they are not.
    assert!(
        doc.contains("<li data-action-state=\"open\">Group:"),
        "{doc}"
    );
    assert!(doc.contains("<li>Leaf"), "{doc}");
    // The same items as the archive counts, and sanitising keeps the state.
    assert_eq!(crate::source::actions::from_body(md, 1).len(), 4);
    let raw = render_md(&format!("<b>x</b>\n\n{md}"));
    assert_eq!(
        raw.html.matches("data-action-state").count(),
        4,
        "{}",
        raw.html
    );
}

#[test]
fn url_safety() {
    assert!(is_safe_url("https://x"));
    assert!(is_safe_url("../a/b.png"));
    assert!(is_safe_url("page?x=a:b"));
    assert!(!is_safe_url("javascript:x"));
    assert!(!is_safe_url("java\tscript:x"));
    assert!(!is_safe_url("vbscript:x"));
    assert!(!is_safe_url("data:text/html,x"));
}

#[test]
fn a_first_heading_that_repeats_the_title_is_left_out() {
    for md in [
        "# The Title\n\n## Part\n\n## Other\n",
        "# the title!\n\n## Part\n\n## Other\n",
        "#  THE   TITLE:\n\n## Part\n\n## Other\n",
        "The Title\n=========\n\n## Part\n\n## Other\n",
    ] {
        let r = render_md(md);
        let headings: Vec<(u8, &str)> = r
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(headings, [(2, "Part"), (2, "Other")], "{md:?}");
        assert!(
            !r.html.contains("<h1") && !r.html.contains("itle"),
            "{md:?}: {}",
            r.html
        );
    }
    // Another top heading still demotes the rest.
    let r = render_md("# The Title\n\n# Cause\n\n## Detail\n");
    let levels: Vec<(u8, &str)> = r
        .headings
        .iter()
        .map(|h| (h.level, h.text.as_str()))
        .collect();
    assert_eq!(levels, [(2, "Cause"), (3, "Detail")]);
    // A leading heading of another level that repeats it goes too.
    let r = render_md("### The Title\n\n#### Part\n");
    assert_eq!(r.headings.len(), 1);
    assert_eq!(r.headings[0].text, "Part");
    // Only the first heading, and only when it says the same.
    let r = render_md("# Titles\n\n## The Title\n");
    assert_eq!(r.headings.len(), 2);
    assert_eq!(r.headings[0].level, 2);
}

#[test]
fn headings_say_the_same_ignoring_case_blanks_and_punctuation() {
    assert!(same_words(
        "Postmortem: The Case of the Phantom \"p\"",
        "postmortem - the case of the phantom p"
    ));
    assert!(!same_words("Postmortem", "Postmortem 2"));
    assert!(!same_words("!!", "??"));
}

#[test]
fn a_summary_renders_inline_and_safe() {
    assert_eq!(
        inline("The **cache** was *emptied* by `flush_all`; see [the log](https://x.test/log)."),
        "The <strong>cache</strong> was <em>emptied</em> by <code>flush_all</code>; see <a href=\"https://x.test/log\">the log</a>."
    );
    // Blocks run together as text; images give their text.
    assert_eq!(
        inline("# Big\n\n- one\n- two ![a chart](c.png)"),
        "Big one two a chart"
    );
    // Raw HTML and script links are text.
    let html =
        inline("See <script>alert(1)</script> [bad](javascript:alert(1)) [rel](../x.md) <b>b</b>");
    assert_eq!(
        html,
        "See &lt;script&gt;alert(1)&lt;/script&gt; bad rel &lt;b&gt;b&lt;/b&gt;"
    );
    // A line that opens with a tag is an HTML block: all text.
    assert_eq!(
        inline("<script>alert(1)</script> [bad](javascript:x)"),
        "&lt;script&gt;alert(1)&lt;/script&gt; [bad](javascript:x)"
    );
}

#[test]
fn an_item_done_by_a_mark_shows_a_ticked_box() {
    let html = render_md(
        "## Action Items\n\n- [ ] Add a guard (done)\n  - [ ] a step\n- [ ] Still open\n",
    )
    .html;
    let doc = scraper::Html::parse_fragment(&html);
    let boxes: Vec<bool> = doc
        .select(&scraper::Selector::parse("input[type=checkbox]").unwrap())
        .map(|b| b.value().attr("checked").is_some())
        .collect();
    // The item's box is ticked; its step's and the open item's are not.
    assert_eq!(boxes, [true, false, false]);
}

#[test]
fn tickets_in_action_items_link_to_their_tracker() {
    let tickets = [
        ("OPS", "https://jira.example.com/browse/{id}"),
        ("#", "https://github.com/acme/infra/issues/{n}"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .into();
    let md = "## Timeline\n\nOPS-1 was filed.\n\n## Action Items\n\n\
        - [ ] Add a gate @ops (OPS-12), see #4 & PAY-3\n\
        - [x] Already [linked OPS-13](https://x.example/13)\n\
        - [ ] `OPS-14` in code\n\n\
        ```\nOPS-15\n```\n\n## Notes\n\nSome <b>raw</b> HTML, which the sanitiser cleans.\n";
    // Sanitised or kept as written, the links stay.
    for raw in [false, true] {
        let html = render_full(md, raw, &tickets).html;
        let doc = scraper::Html::parse_fragment(&html);
        let a = scraper::Selector::parse("a.ticket").unwrap();
        let links: Vec<(String, String)> = doc
            .select(&a)
            .map(|e| {
                let href = e.value().attr("href").unwrap_or_default().to_string();
                (e.text().collect(), href)
            })
            .collect();
        assert_eq!(
            links,
            [
                (
                    "OPS-12".to_string(),
                    "https://jira.example.com/browse/OPS-12".to_string()
                ),
                (
                    "#4".to_string(),
                    "https://github.com/acme/infra/issues/4".to_string()
                ),
            ],
            "{html}"
        );
        assert!(
            html.contains("see <a") && html.contains("&amp; PAY-3"),
            "{html}"
        );
    }
    // Without [tickets], nothing changes.
    let plain = render_md(md).html;
    assert!(!plain.contains("class=\"ticket\""), "{plain}");
}
