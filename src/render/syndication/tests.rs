use super::*;
use chrono::{NaiveDateTime, TimeZone};
use feed_rs::model::FeedType;

const FEED_AUTHOR: &str = "Example Corp incident library";

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("test date")
}

fn utc(text: &str) -> DateTime<Utc> {
    at(text).with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

fn library_feed<'a>(entries: &'a [Entry<'a>]) -> Feed<'a> {
    Feed {
        id: "https://incidents.example.com/lib/",
        title: "Incident library",
        subtitle: Some("Every postmortem at Example Corp"),
        self_url: "https://incidents.example.com/lib/feed.xml",
        html_url: "https://incidents.example.com/lib/",
        updated: at("2024-03-05T10:15:00+01:00"),
        author: FEED_AUTHOR,
        generator: "Hindsight 0.1.0",
        entries,
    }
}

fn report<'a>(slug: &'a str, authors: &'a [String]) -> Entry<'a> {
    Entry {
        id: slug,
        title: "Payments API outage",
        url: slug,
        published: at("2024-03-01T09:00:00+01:00"),
        updated: at("2024-03-05T10:15:00+01:00"),
        summary: "Card payments failed for 42 minutes.",
        categories: &[],
        authors,
        content_html: None,
    }
}

fn parse_atom(xml: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(xml.as_bytes()).expect("feed-rs parses the feed")
}

fn links(links: &[feed_rs::model::Link]) -> Vec<(Option<&str>, Option<&str>, &str)> {
    links
        .iter()
        .map(|l| (l.rel.as_deref(), l.media_type.as_deref(), l.href.as_str()))
        .collect()
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}>"))
}

fn children_named<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    node.children().filter(move |n| n.has_tag_name(name))
}

#[test]
fn atom_round_trips_through_feed_rs() {
    let first_authors = vec!["Ada Lovelace".to_string(), "Grace Hopper".to_string()];
    let second_authors = vec!["Edsger Dijkstra".to_string()];
    let entries = [
        Entry {
            id: "https://incidents.example.com/lib/2024-03-01-payments-outage/",
            title: "Payments API outage",
            url: "https://incidents.example.com/lib/2024-03-01-payments-outage/",
            published: at("2024-03-01T09:00:00+01:00"),
            updated: at("2024-03-05T10:15:00+01:00"),
            summary: "Card payments failed for 42 minutes.",
            categories: &[
                ("sev1", "SEV1"),
                ("payments", "Payments"),
                ("database", "database"),
            ],
            authors: &first_authors,
            content_html: Some("<p>The primary <em>database</em> failed over.</p>"),
        },
        Entry {
            id: "https://incidents.example.com/lib/2024-02-10-dns/",
            title: "DNS resolution failures",
            url: "https://incidents.example.com/lib/2024-02-10-dns/",
            published: at("2024-02-10T22:30:00-05:00"),
            updated: at("2024-02-11T08:00:00-05:00"),
            summary: "Internal names stopped resolving.",
            categories: &[("sev2", "SEV2")],
            authors: &second_authors,
            content_html: None,
        },
    ];
    let feed = library_feed(&entries);

    let parsed = parse_atom(&atom(&feed));

    assert_eq!(parsed.feed_type, FeedType::Atom);
    assert_eq!(parsed.id, feed.id);
    assert_eq!(parsed.title.map(|t| t.content).as_deref(), Some(feed.title));
    assert_eq!(
        parsed.description.map(|t| t.content).as_deref(),
        feed.subtitle
    );
    assert_eq!(parsed.updated, Some(utc("2024-03-05T10:15:00+01:00")));
    assert_eq!(
        links(&parsed.links),
        [
            (
                Some("self"),
                Some("application/atom+xml"),
                "https://incidents.example.com/lib/feed.xml"
            ),
            (
                Some("alternate"),
                Some("text/html"),
                "https://incidents.example.com/lib/"
            ),
        ]
    );
    let feed_authors: Vec<_> = parsed.authors.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(feed_authors, [FEED_AUTHOR]);
    assert_eq!(
        parsed.generator.map(|g| g.content).as_deref(),
        Some("Hindsight 0.1.0")
    );

    assert_eq!(parsed.entries.len(), entries.len());
    for (got, want) in parsed.entries.iter().zip(&entries) {
        assert_eq!(got.id, want.id);
        assert_eq!(
            got.title.as_ref().map(|t| t.content.as_str()),
            Some(want.title)
        );
        assert_eq!(
            links(&got.links),
            [(Some("alternate"), Some("text/html"), want.url)]
        );
        assert_eq!(got.published, Some(want.published.with_timezone(&Utc)));
        assert_eq!(got.updated, Some(want.updated.with_timezone(&Utc)));

        let summary = got.summary.as_ref().expect("summary");
        assert_eq!(summary.content, want.summary);
        assert_eq!(summary.content_type.to_string(), "text/plain");

        let categories: Vec<_> = got
            .categories
            .iter()
            .map(|c| (c.term.as_str(), c.label.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(categories, want.categories);

        let authors: Vec<_> = got.authors.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(authors, want.authors);

        let content = got.content.as_ref();
        assert_eq!(content.and_then(|c| c.body.as_deref()), want.content_html);
        if let Some(content) = content {
            assert_eq!(content.content_type.to_string(), "text/html");
        }
    }
}

#[test]
fn empty_feed_is_valid_atom() {
    let feed = Feed {
        subtitle: None,
        updated: at("2000-01-01T00:00:00+00:00"),
        ..library_feed(&[])
    };
    let xml = atom(&feed);

    let parsed = parse_atom(&xml);
    assert_eq!(parsed.feed_type, FeedType::Atom);
    assert_eq!(parsed.id, feed.id);
    assert!(parsed.entries.is_empty());
    assert!(parsed.description.is_none());
    assert_eq!(parsed.updated, Some(utc("2000-01-01T00:00:00Z")));

    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name((ATOM_NS, "feed")));
    for required in ["id", "title", "updated", "author", "generator"] {
        child(root, required);
    }
    assert_eq!(children_named(root, "link").count(), 2);
}

#[test]
fn entry_without_authors_is_covered_by_feed_author() {
    let blank = vec![String::new(), " \t".to_string(), "\u{1}".to_string()];
    let entries = [
        report("https://incidents.example.com/lib/a/", &[]),
        report("https://incidents.example.com/lib/b/", &blank),
    ];
    let xml = atom(&library_feed(&entries));

    let parsed = parse_atom(&xml);
    let feed_authors: Vec<_> = parsed.authors.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(feed_authors, [FEED_AUTHOR]);
    assert!(parsed.entries.iter().all(|e| e.authors.is_empty()));

    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    for entry in children_named(doc.root_element(), "entry") {
        assert_eq!(children_named(entry, "author").count(), 0);
    }
}

#[test]
fn categories_with_blank_terms_are_skipped_and_empty_labels_left_out() {
    let mut entry = report("https://incidents.example.com/lib/a/", &[]);
    entry.categories = &[
        ("", "Nothing"),
        (" ", "Blank"),
        ("cache", ""),
        ("queue", " \t"),
        ("sev3", "SEV3"),
    ];
    let entries = [entry];

    let parsed = parse_atom(&atom(&library_feed(&entries)));

    let categories: Vec<_> = parsed.entries[0]
        .categories
        .iter()
        .map(|c| (c.term.as_str(), c.label.as_deref()))
        .collect();
    assert_eq!(
        categories,
        [("cache", None), ("queue", None), ("sev3", Some("SEV3"))]
    );
}

#[test]
fn blank_subtitle_and_content_are_left_out() {
    let mut empty = report("https://incidents.example.com/lib/a/", &[]);
    empty.content_html = Some("");
    let mut blank = report("https://incidents.example.com/lib/b/", &[]);
    blank.content_html = Some(" \n\u{1}");
    let entries = [empty, blank];
    let feed = Feed {
        subtitle: Some(" "),
        ..library_feed(&entries)
    };

    let xml = atom(&feed);

    assert!(!xml.contains("<subtitle"));
    assert!(!xml.contains("<content"));
    let parsed = parse_atom(&xml);
    assert!(parsed.description.is_none());
    assert!(parsed.entries.iter().all(|e| e.content.is_none()));
}

#[test]
fn hostile_text_round_trips_as_text() {
    let hostile = "<script>alert('pwned')</script> & \"quoted\" &amp; ]]> \u{0}\u{8}\u{b}\u{c}\u{1b}\u{7f}\u{85}\u{9f}\u{fffe}\u{ffff}tab\tline\nreturn\r\n🔥🧯 é 中文 \u{10ffff}!";
    let kept = "<script>alert('pwned')</script> & \"quoted\" &amp; ]]> tab\tline\nreturn\r\n🔥🧯 é 中文 \u{10ffff}!";
    let hostile_url = "https://incidents.example.com/lib/?a=1&b=<2>&c=\"3\"&d='4'";
    let authors = vec![hostile.to_string()];
    let categories = [(hostile, hostile)];
    let entries = [Entry {
        id: hostile_url,
        title: hostile,
        url: hostile_url,
        summary: hostile,
        categories: &categories,
        authors: &authors,
        content_html: Some(hostile),
        ..report("", &[])
    }];
    let feed = Feed {
        id: hostile_url,
        title: hostile,
        subtitle: Some(hostile),
        self_url: hostile_url,
        html_url: hostile_url,
        author: hostile,
        generator: hostile,
        ..library_feed(&entries)
    };

    let xml = atom(&feed);

    assert!(!xml.contains("<script>"));
    assert!(xml.contains("&lt;script&gt;"));

    let parsed = parse_atom(&xml);
    assert_eq!(parsed.id, hostile_url);
    assert_eq!(parsed.title.map(|t| t.content).as_deref(), Some(kept));
    assert_eq!(parsed.description.map(|t| t.content).as_deref(), Some(kept));
    assert_eq!(parsed.authors[0].name, kept);
    assert_eq!(parsed.generator.map(|g| g.content).as_deref(), Some(kept));
    let entry = &parsed.entries[0];
    assert_eq!(entry.id, hostile_url);
    assert_eq!(entry.title.as_ref().map(|t| t.content.as_str()), Some(kept));
    assert_eq!(
        entry.summary.as_ref().map(|t| t.content.as_str()),
        Some(kept)
    );
    assert_eq!(entry.authors[0].name, kept);
    assert_eq!(entry.categories[0].term, kept);
    assert_eq!(entry.categories[0].label.as_deref(), Some(kept));
    assert_eq!(
        entry.content.as_ref().and_then(|c| c.body.as_deref()),
        Some(kept)
    );

    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    for link in children_named(root, "link") {
        assert_eq!(link.attribute("href"), Some(hostile_url));
    }
    let entry = child(root, "entry");
    let category = child(entry, "category");
    assert_eq!(category.attribute("term"), Some(kept));
    assert_eq!(category.attribute("label"), Some(kept));
    assert_eq!(child(entry, "summary").text(), Some(kept));
    assert_eq!(child(entry, "link").attribute("href"), Some(hostile_url));
}

#[test]
fn every_character_is_either_kept_or_dropped() {
    let all: String = (0..=0x3000u32)
        .chain([
            0xD7FF, 0xE000, 0xFDD0, 0xFFFD, 0xFFFE, 0xFFFF, 0x1_0000, 0x10_FFFF,
        ])
        .filter_map(char::from_u32)
        .collect();
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{7e}').contains(&c)
            || ('\u{a0}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}'
    };
    let kept: String = all.chars().filter(|&c| allowed(c)).collect();
    let categories = [(all.as_str(), all.as_str())];
    let entries = [Entry {
        title: &all,
        summary: &all,
        categories: &categories,
        content_html: Some(&all),
        ..report(&all, &[])
    }];

    let xml = atom(&library_feed(&entries));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed Atom");
    let entry = child(doc.root_element(), "entry");
    for name in ["id", "title", "summary", "content"] {
        assert_eq!(child(entry, name).text(), Some(kept.as_str()), "<{name}>");
    }
    assert_eq!(child(entry, "link").attribute("href"), Some(kept.as_str()));
    assert_eq!(
        child(entry, "category").attribute("label"),
        Some(kept.as_str())
    );

    let xml = sitemap(&[SitemapUrl {
        loc: &all,
        lastmod: None,
    }]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed sitemap");
    let url = child(doc.root_element(), "url");
    assert_eq!(child(url, "loc").text(), Some(kept.as_str()));
}

#[test]
fn dates_keep_their_offset() {
    let mut east = report("https://incidents.example.com/lib/a/", &[]);
    east.published = at("2024-03-01T09:00:00.250+05:30");
    east.updated = at("2024-03-01T12:00:00Z");
    let mut west = report("https://incidents.example.com/lib/b/", &[]);
    west.published = at("2024-02-10T22:30:00-09:30");
    let entries = [east, west];

    let xml = atom(&library_feed(&entries));

    assert!(xml.contains("<updated>2024-03-05T10:15:00+01:00</updated>"));
    assert!(xml.contains("<published>2024-03-01T09:00:00.250+05:30</published>"));
    assert!(xml.contains("<updated>2024-03-01T12:00:00+00:00</updated>"));
    assert!(xml.contains("<published>2024-02-10T22:30:00-09:30</published>"));
}

#[test]
fn offsets_with_seconds_are_written_in_utc() {
    let odd = FixedOffset::east_opt(3600 + 45).expect("offset");
    let local = NaiveDateTime::parse_from_str("2024-03-01 09:00:00", "%Y-%m-%d %H:%M:%S")
        .expect("test date");
    let published = odd.from_local_datetime(&local).single().expect("test date");
    let mut entry = report("https://incidents.example.com/lib/a/", &[]);
    entry.published = published;
    let entries = [entry];

    let xml = atom(&library_feed(&entries));

    assert!(xml.contains("<published>2024-03-01T07:59:15+00:00</published>"));
    assert_eq!(
        parse_atom(&xml).entries[0].published,
        Some(published.with_timezone(&Utc))
    );
}

#[test]
fn extreme_dates_do_not_panic() {
    let far_east = FixedOffset::east_opt(14 * 3600).expect("offset");
    let far_west = FixedOffset::west_opt(14 * 3600).expect("offset");
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
        .expect("leap second");
    let mut latest = report("https://incidents.example.com/lib/a/", &[]);
    latest.published = DateTime::<Utc>::MAX_UTC.with_timezone(&far_east);
    latest.updated = DateTime::<Utc>::MAX_UTC.with_timezone(&far_west);
    let mut earliest = report("https://incidents.example.com/lib/b/", &[]);
    earliest.published = DateTime::<Utc>::MIN_UTC.with_timezone(&far_west);
    earliest.updated = DateTime::<Utc>::MIN_UTC.with_timezone(&far_east);
    let mut leaping = report("https://incidents.example.com/lib/c/", &[]);
    leaping.updated = Utc.from_utc_datetime(&leap).fixed_offset();
    let entries = [latest, earliest, leaping];

    let xml = atom(&library_feed(&entries));

    assert!(xml.contains("<updated>2016-12-31T23:59:60.500+00:00</updated>"));
    roxmltree::Document::parse(&xml).expect("well-formed XML");
}

#[test]
fn atom_output_is_deterministic_and_tidy() {
    let authors = vec!["Ada Lovelace".to_string()];
    let mut entry = report("https://incidents.example.com/lib/a/", &authors);
    entry.categories = &[("sev1", "SEV1"), ("payments", "Payments")];
    entry.content_html = Some("<p>Failed over.</p>");
    let entries = [entry, report("https://incidents.example.com/lib/b/", &[])];
    let feed = library_feed(&entries);

    let first = atom(&feed);
    let second = atom(&feed);

    assert_eq!(first, second);
    assert!(first.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "));
    assert!(first.ends_with("</feed>\n"));
    assert!(
        first
            .lines()
            .all(|line| !line.ends_with(char::is_whitespace))
    );
}

fn sitemap_entries(xml: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed sitemap");
    let root = doc.root_element();
    assert!(root.has_tag_name((SITEMAP_NS, "urlset")));
    children_named(root, "url")
        .map(|url| {
            let loc = child(url, "loc").text().unwrap_or_default().to_string();
            let lastmod = children_named(url, "lastmod")
                .next()
                .and_then(|n| n.text())
                .map(str::to_string);
            (loc, lastmod)
        })
        .collect()
}

#[test]
fn sitemap_lists_urls_in_order_with_lastmod() {
    let urls = [
        SitemapUrl {
            loc: "https://incidents.example.com/lib/",
            lastmod: Some(date(2024, 3, 5)),
        },
        SitemapUrl {
            loc: "https://incidents.example.com/lib/about/",
            lastmod: None,
        },
        SitemapUrl {
            loc: "https://incidents.example.com/lib/2024-03-01-payments-outage/",
            lastmod: Some(date(2024, 3, 1)),
        },
    ];

    let xml = sitemap(&urls);

    assert_eq!(
        sitemap_entries(&xml),
        [
            (
                "https://incidents.example.com/lib/".to_string(),
                Some("2024-03-05".to_string())
            ),
            ("https://incidents.example.com/lib/about/".to_string(), None),
            (
                "https://incidents.example.com/lib/2024-03-01-payments-outage/".to_string(),
                Some("2024-03-01".to_string())
            ),
        ]
    );
    assert_eq!(xml, sitemap(&urls));
    assert!(xml.ends_with("</urlset>\n"));
    assert!(xml.lines().all(|line| !line.ends_with(char::is_whitespace)));
}

#[test]
fn sitemap_escapes_locs() {
    let loc = "https://incidents.example.com/lib/?q=a&b=<c>&d=\"e\"&f='g'";

    let xml = sitemap(&[SitemapUrl { loc, lastmod: None }]);

    assert!(xml.contains(
        "<loc>https://incidents.example.com/lib/?q=a&amp;b=&lt;c&gt;&amp;d=&quot;e&quot;&amp;f=&apos;g&apos;</loc>"
    ));
    assert_eq!(sitemap_entries(&xml), [(loc.to_string(), None)]);
}

#[test]
fn sitemap_leaves_out_lastmod_beyond_four_digit_years() {
    let urls = [
        SitemapUrl {
            loc: "https://incidents.example.com/a/",
            lastmod: Some(date(10_000, 1, 1)),
        },
        SitemapUrl {
            loc: "https://incidents.example.com/b/",
            lastmod: Some(date(-1, 12, 31)),
        },
        SitemapUrl {
            loc: "https://incidents.example.com/c/",
            lastmod: Some(date(9, 2, 3)),
        },
    ];

    let lastmods: Vec<_> = sitemap_entries(&sitemap(&urls))
        .into_iter()
        .map(|(_, lastmod)| lastmod)
        .collect();

    assert_eq!(lastmods, [None, None, Some("0009-02-03".to_string())]);
}

#[test]
fn empty_sitemap_is_valid() {
    let xml = sitemap(&[]);

    assert!(sitemap_entries(&xml).is_empty());
}
