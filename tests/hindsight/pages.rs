//! Long lists are cut into pages: every report on exactly one page of each
//! list, in order, with a pager and year links that reach across pages.

use std::path::Path;

use crate::support::{TestSite, broken_links, hrefs, resolve, sel, texts};

/// Seven reports of one service: three in 2023, four in 2022.
fn seven_reports(page_size: usize) -> TestSite {
    let site = TestSite::empty();
    site.write("hindsight.toml", &format!("page_size = {page_size}\n"));
    let dates = [
        "2023-09-01",
        "2023-06-01",
        "2023-01-10",
        "2022-12-01",
        "2022-08-01",
        "2022-05-01",
        "2022-02-01",
    ];
    for (n, date) in dates.iter().enumerate() {
        site.write(
            &format!("content/{date}-outage-{n}.md"),
            &format!(
                "---\ntitle: Outage {n}\ndate: {date}T10:00:00Z\nseverity: SEV2\nservices: [api]\n---\nBody.\n"
            ),
        );
    }
    site.build_ok();
    site
}

/// The file a link on `page` (site-relative) leads to, site-relative,
/// with its fragment.
fn target(site: &TestSite, page: &str, href: &str) -> String {
    let out = site.out();
    let (file, fragment) = resolve(&out, &out.join(page), href);
    let file = file.strip_prefix(&out).unwrap_or(Path::new("?"));
    let file = file.to_string_lossy().replace('\\', "/");
    match fragment {
        Some(f) => format!("{file}#{f}"),
        None => file,
    }
}

#[test]
fn every_report_is_on_exactly_one_page_in_order() {
    let site = seven_reports(2);
    let mut seen = Vec::new();
    for page in [
        "postmortems/index.html",
        "postmortems/page/2/index.html",
        "postmortems/page/3/index.html",
        "postmortems/page/4/index.html",
    ] {
        let titles = texts(&site.page(page), ".report-list > li > div > a:first-child");
        assert!(
            !titles.is_empty() && titles.len() <= 2,
            "{page}: {titles:?}"
        );
        seen.extend(titles);
    }
    let expected: Vec<String> = (0..7).map(|n| format!("Outage {n}")).collect();
    assert_eq!(seen, expected);
    assert!(!site.out().join("postmortems/page/5").exists());
    assert!(!site.out().join("postmortems/page/1").exists());
    // Term and year lists are paged the same way.
    assert!(site.out().join("services/api/page/4/index.html").is_file());
    assert!(site.out().join("years/2022/page/2/index.html").is_file());
    assert!(!site.out().join("years/2022/page/3").exists());
    assert_eq!(broken_links(&site.out()), Vec::<String>::new());
}

#[test]
fn the_pager_links_neighbours_and_marks_the_current_page() {
    let site = seven_reports(2);
    let page = "postmortems/page/2/index.html";
    let doc = site.page(page);
    let title = texts(&doc, "title");
    assert!(title[0].contains("page 2 of 4"), "{title:?}");
    let pager = sel("nav.list-pager");
    assert_eq!(doc.select(&pager).count(), 2, "a pager above and below");
    assert_eq!(
        texts(&doc, "nav.list-pager [aria-current=page]"),
        ["2", "2"]
    );
    let newer = hrefs(&doc, "nav.list-pager a[rel=prev]");
    let older = hrefs(&doc, "nav.list-pager a[rel=next]");
    assert_eq!(target(&site, page, &newer[0]), "postmortems/index.html");
    assert_eq!(
        target(&site, page, &older[0]),
        "postmortems/page/3/index.html"
    );
    assert_eq!(
        target(&site, page, &hrefs(&doc, "link[rel=next]")[0]),
        "postmortems/page/3/index.html"
    );
    let numbers = texts(&doc, "nav.list-pager li a");
    assert_eq!(numbers[..4], ["1", "2", "3", "4"]);

    // The first page has no newer page, the last no older one.
    let first = site.page("postmortems/index.html");
    assert!(hrefs(&first, "nav.list-pager a[rel=prev]").is_empty());
    let last = site.page("postmortems/page/4/index.html");
    assert!(hrefs(&last, "nav.list-pager a[rel=next]").is_empty());
}

#[test]
fn year_links_lead_to_the_page_where_each_year_starts() {
    let site = seven_reports(2);
    // 2023 holds reports 0-2 (pages 1-2), 2022 reports 3-6 (pages 2-4).
    let page = "postmortems/page/3/index.html";
    let doc = site.page(page);
    let jumps: Vec<String> = hrefs(&doc, "nav.jump a")
        .iter()
        .map(|h| target(&site, page, h))
        .collect();
    assert_eq!(
        jumps,
        [
            "postmortems/index.html#y2023",
            "postmortems/page/2/index.html#y2022"
        ]
    );
    assert_eq!(texts(&doc, "nav.jump a"), ["2023 3", "2022 4"]);
    // A year's heading counts its reports in the whole list, and says when
    // the year began on an earlier page.
    assert_eq!(texts(&doc, "section.year h2"), ["2022 4 continued"]);
    let second = site.page("postmortems/page/2/index.html");
    assert_eq!(
        texts(&second, "section.year h2"),
        ["2023 3 continued", "2022 4"]
    );
}

#[test]
fn page_size_zero_keeps_every_list_on_one_page() {
    let site = seven_reports(0);
    let doc = site.page("postmortems/index.html");
    assert_eq!(
        texts(&doc, ".report-list > li > div > a:first-child").len(),
        7
    );
    assert!(doc.select(&sel("nav.list-pager")).next().is_none());
    assert!(!site.out().join("postmortems/page").exists());
    let jumps = hrefs(&doc, "nav.jump a");
    assert_eq!(jumps, ["#y2023", "#y2022"]);
}

#[test]
fn the_pages_of_a_tag_named_in_any_script_link_each_other_encoded() {
    let site = TestSite::empty();
    site.write("hindsight.toml", "page_size = 2\n");
    for (n, date) in ["2023-06-01", "2023-01-10", "2022-08-01", "2022-02-01"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("content/{date}-outage-{n}.md"),
            &format!(
                "---\ntitle: Outage {n}\ndate: {date}T10:00:00Z\nseverity: SEV2\nservices: [api]\ntags: [Базы данных]\n---\nBody.\n"
            ),
        );
    }
    site.build_ok();
    let dir = "tags/базы-данных/";
    let pages = [
        format!("{dir}index.html"),
        format!("{dir}page/2/index.html"),
    ];
    for (n, page) in pages.iter().enumerate() {
        let doc = site.page(page);
        let links: Vec<String> = [
            "nav.list-pager a",
            "link[rel=prev]",
            "link[rel=next]",
            "nav.jump a",
        ]
        .iter()
        .flat_map(|css| hrefs(&doc, css))
        .collect();
        assert!(links.len() >= 4, "{page}: {links:?}");
        for href in &links {
            // An href is a URL: a folder named in Cyrillic is percent-encoded.
            assert!(href.is_ascii(), "{page}: {href} is not encoded");
        }
        let other = &pages[1 - n];
        let step = if n == 0 { "next" } else { "prev" };
        let stepped = hrefs(&doc, &format!("nav.list-pager a[rel={step}]"));
        assert_eq!(target(&site, page, &stepped[0]), *other, "{page}");
        let jumps: Vec<String> = hrefs(&doc, "nav.jump a")
            .iter()
            .map(|h| target(&site, page, h))
            .collect();
        assert_eq!(
            jumps,
            [format!("{}#y2023", pages[0]), format!("{}#y2022", pages[1])],
            "{page}"
        );
    }
    assert_eq!(broken_links(&site.out()), Vec::<String>::new());
}

#[test]
fn the_years_page_lists_every_year_newest_first_with_its_count() {
    let site = seven_reports(2);
    let page = site.page("years/index.html");
    assert_eq!(texts(&page, "h1"), ["Postmortems by year"]);
    assert_eq!(
        texts(&page, "ul.years > li"),
        ["2023 3 postmortems", "2022 4 postmortems"]
    );
    let links = hrefs(&page, "ul.years > li > a");
    let targets: Vec<String> = links
        .iter()
        .map(|h| target(&site, "years/index.html", h))
        .collect();
    assert_eq!(targets, ["years/2023/index.html", "years/2022/index.html"]);
}

#[test]
fn every_folder_above_a_page_answers() {
    let site = seven_reports(2);
    site.edit("content/2023-09-01-outage-0.md", |t| {
        t.replacen("title:", "id: INC-7\ntitle:", 1)
    });
    site.build_ok();
    let out = site.out();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_name() != "index.html" {
            continue;
        }
        for folder in entry.path().parent().unwrap().ancestors() {
            if !folder.starts_with(&out) {
                break;
            }
            assert!(
                folder.join("index.html").is_file(),
                "{} has no page",
                folder.strip_prefix(&out).unwrap().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
    // Each folder without a page of its own sends the reader on, to a
    // page that exists.
    for (folder, lands) in [
        ("about/", "about/metrics/index.html"),
        ("i/", "postmortems/index.html"),
        ("postmortems/page/", "postmortems/index.html"),
        ("years/2022/page/", "years/2022/index.html"),
        ("services/api/page/", "services/api/index.html"),
    ] {
        let rel = format!("{folder}index.html");
        let page = site.page(&rel);
        let refresh = page
            .select(&sel("meta[http-equiv=refresh]"))
            .next()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_else(|| panic!("{rel}: no refresh"));
        let url = refresh.split_once("url=").unwrap().1;
        assert_eq!(target(&site, &rel, url), lands, "{rel}");
    }
}
