//! A small fixture site, built and read back as HTML.

use crate::support::{TestSite, broken_links, hrefs, sel, texts};

fn built() -> TestSite {
    let site = TestSite::fixture("basic");
    site.build_ok();
    site
}

#[test]
fn every_page_kind_is_written() {
    let site = built();
    for page in [
        "index.html",
        "404.html",
        "postmortems/index.html",
        "postmortems/2023-01-17-icreate-deploy/index.html",
        "postmortems/2022-11-02-icreate-config-push/index.html",
        "years/2022/index.html",
        "years/2023/index.html",
        "services/index.html",
        "services/icreate/index.html",
        "services/cdn/index.html",
        "severities/index.html",
        "severities/sev1/index.html",
        "severities/sev3/index.html",
        "tags/index.html",
        "tags/deployment/index.html",
        "static/style.css",
    ] {
        assert!(site.out().join(page).is_file(), "missing {page}");
    }
}

#[test]
fn every_link_resolves_and_none_is_root_relative() {
    let site = built();
    assert_eq!(broken_links(&site.out()), Vec::<String>::new());
}

#[test]
fn report_page_shows_its_facts() {
    let site = built();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(
        texts(&doc, "h1"),
        ["Code deployment error takes iCreate down"]
    );
    assert_eq!(texts(&doc, ".report-badges .sev"), ["SEV1"]);
    assert_eq!(
        hrefs(&doc, ".report-badges .sev"),
        ["../../severities/sev1/"]
    );
    assert_eq!(texts(&doc, ".facts .service"), ["iCreate"]);
    let facts = texts(&doc, ".facts dl > div");
    for expected in [
        "Impact 100% of web traffic failed",
        "Time to detect 2 min",
        "Time to mitigate 1 h",
        "Total duration 1 h 15 min",
        "Impact started 2023-01-17 12:30 +03:00",
        "Resolved 2023-01-17 13:45 +03:00",
        "Authors iCreate team",
    ] {
        assert!(
            facts.iter().any(|f| f == expected),
            "{expected:?} not in {facts:?}"
        );
    }
    assert_eq!(
        texts(&doc, ".report-header .lead"),
        ["A bad automated deploy crashed a critical component."]
    );
    let tags = hrefs(&doc, ".facts a.chip");
    assert_eq!(tags, ["../../tags/deployment/", "../../tags/rollback/"]);
}

#[test]
fn headings_have_anchors_and_a_table_of_contents() {
    let site = built();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    let ids: Vec<_> = doc
        .select(&sel(".prose h2"))
        .map(|h| h.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        ["issue-summary", "timeline", "root-cause", "action-items"]
    );
    assert_eq!(hrefs(&doc, ".prose h2 > a.self")[2], "#root-cause");
    assert_eq!(
        hrefs(&doc, ".toc a"),
        [
            "#issue-summary",
            "#timeline",
            "#root-cause",
            "#action-items"
        ]
    );
}

#[test]
fn markdown_links_to_reports_are_rewritten_to_their_pages() {
    let site = built();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert!(
        hrefs(&doc, ".prose a")
            .contains(&"../2022-11-02-icreate-config-push/#root-cause".to_string())
    );
}

#[test]
fn related_reports_link_both_ways() {
    let site = built();
    let new = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(
        hrefs(&new, ".related .report-list > li > div > a:first-child"),
        ["../2022-11-02-icreate-config-push/"]
    );
    let old = site.page("postmortems/2022-11-02-icreate-config-push/index.html");
    assert_eq!(
        hrefs(&old, ".related .report-list > li > div > a:first-child"),
        ["../2023-01-17-icreate-deploy/"]
    );
}

#[test]
fn previous_and_next_follow_the_archive_and_each_service() {
    let site = built();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    let rows: Vec<_> = doc.select(&sel(".pager > div")).collect();
    assert_eq!(rows.len(), 2, "archive row and one for icreate");
    let archive = rows[0]
        .select(&sel("a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect::<Vec<_>>();
    assert_eq!(
        archive,
        [
            "../2022-11-02-icreate-config-push/",
            "../2023-05-02-search-slow/"
        ]
    );
    let service = rows[1]
        .select(&sel("a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect::<Vec<_>>();
    // Within iCreate there is no newer published report (the newer one is a draft).
    assert_eq!(
        service,
        [
            "../../services/icreate/",
            "../2022-11-02-icreate-config-push/"
        ]
    );
    let rels: Vec<&str> = rows[1]
        .select(&sel(":scope > a"))
        .map(|a| a.value().attr("rel").unwrap_or_default())
        .collect();
    assert_eq!(rels, ["prev"]);
    assert_eq!(
        rows[1]
            .select(&sel(":scope > span:last-child"))
            .next()
            .map(|s| s.text().collect::<String>()),
        Some("No newer report".to_string())
    );
}

#[test]
fn index_pages_list_their_reports_and_reports_link_back() {
    let site = built();
    let all = site.page("postmortems/index.html");
    assert_eq!(
        hrefs(&all, ".report-list > li > div > a:first-child"),
        [
            "../postmortems/2023-05-02-search-slow/",
            "../postmortems/2023-01-17-icreate-deploy/",
            "../postmortems/2022-11-02-icreate-config-push/",
        ]
    );
    assert_eq!(
        texts(&all, "h3.month"),
        ["May 2023", "January 2023", "November 2022"]
    );
    let icreate = site.page("services/icreate/index.html");
    assert_eq!(
        hrefs(&icreate, ".report-list > li > div > a:first-child").len(),
        2
    );
    let tag = site.page("tags/config/index.html");
    assert_eq!(
        hrefs(&tag, ".report-list > li > div > a:first-child"),
        ["../../postmortems/2022-11-02-icreate-config-push/"]
    );
    let year = site.page("years/2022/index.html");
    assert_eq!(
        hrefs(&year, ".report-list > li > div > a:first-child"),
        ["../../postmortems/2022-11-02-icreate-config-push/"]
    );

    let report = site.page("postmortems/2022-11-02-icreate-config-push/index.html");
    let links = hrefs(&report, "main a");
    for back in [
        "../../years/2022/",
        "../../services/icreate/",
        "../../services/cdn/",
        "../../severities/sev2/",
        "../../tags/config/",
        "../",
    ] {
        assert!(
            links.contains(&back.to_string()),
            "report does not link back to {back}"
        );
    }
}

#[test]
fn service_catalogue_names_and_describes_services() {
    let site = built();
    let services = site.page("services/index.html");
    let names = texts(&services, "table.terms tbody th a");
    assert_eq!(names, ["cdn", "iCreate", "search"]);
    assert!(texts(&services, ".term-desc").contains(&"The web application".to_string()));
    let icreate = site.page("services/icreate/index.html");
    assert_eq!(texts(&icreate, "h1"), ["Service: iCreate"]);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = built();
    assert!(
        !site
            .out()
            .join("postmortems/2023-06-01-draft-report")
            .exists()
    );
    let mut options = site.options();
    options.drafts = true;
    hindsight::build(&options).unwrap();
    assert!(
        site.out()
            .join("postmortems/2023-06-01-draft-report/index.html")
            .is_file()
    );
}

#[test]
fn reports_in_review_are_published_with_a_badge() {
    let site = built();
    let doc = site.page("postmortems/2023-05-02-search-slow/index.html");
    assert_eq!(
        texts(&doc, ".report-badges .status-badge"),
        ["In review: this report is not final"]
    );
    // Without a summary, the first paragraph stands in.
    assert_eq!(
        texts(&doc, ".report-header .lead"),
        ["Search latency rose to 4 s for most queries while an index was rebuilt."]
    );
}

#[test]
fn front_matter_values_are_escaped() {
    let site = built();
    let raw = std::fs::read_to_string(
        site.out()
            .join("postmortems/2022-11-02-icreate-config-push/index.html"),
    )
    .unwrap();
    assert!(raw.contains("Config push breaks &lt;iCreate&gt; &amp; friends"));
    assert!(!raw.contains("<iCreate>"));
}

#[test]
fn raw_html_in_markdown_is_sanitised() {
    let site = built();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(doc.select(&sel(".prose script")).count(), 0);
    let scripts: Vec<&str> = doc
        .select(&sel("script:not([type='application/json'])"))
        .map(|s| s.value().attr("src").unwrap_or("inline"))
        .collect();
    assert_eq!(
        scripts,
        ["../../static/hindsight.js", "../../static/search.js"],
        "only the theme's own scripts, and the report's JSON"
    );
    assert_eq!(
        doc.select(&sel("script[type='application/json']")).count(),
        1
    );
    // Task lists survive sanitising.
    assert_eq!(doc.select(&sel(".prose input[type=checkbox]")).count(), 2);
    assert_eq!(doc.select(&sel(".prose input[checked]")).count(), 1);
}

#[test]
fn raw_html_is_kept_when_the_site_allows_it() {
    let site = TestSite::fixture("basic");
    site.edit("hindsight.toml", |config| {
        format!("allow_raw_html = true\n{config}")
    });
    site.build_ok();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(doc.select(&sel(".prose script")).count(), 1);
}

#[test]
fn the_home_page_lists_the_latest_reports_and_counts() {
    let site = built();
    let home = site.page("index.html");
    assert_eq!(
        hrefs(&home, ".report-list > li > div > a:first-child").len(),
        3
    );
    let stats = texts(&home, ".stat");
    assert_eq!(stats[0], "3 postmortems");
    assert!(
        stats.contains(&"1 SEV1 · Critical".to_string()),
        "{stats:?}"
    );
    assert_eq!(hrefs(&home, ".brand"), ["./"]);
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Custom lost page</h1>{% endblock content %}",
    );
    site.write("static/style.css", "body { color: red; }");
    site.build_ok();
    assert_eq!(texts(&site.page("404.html"), "h1"), ["Custom lost page"]);
    // The site's stylesheet, and after it the rules that colour the
    // severities' badges by their class.
    let css = std::fs::read_to_string(site.out().join("static/style.css")).unwrap();
    let (own, added) = css.split_once('\n').unwrap();
    assert_eq!(own, "body { color: red; }");
    assert!(added.contains(".sev.s-sev1{--sev:#b91c1c}"), "{added}");
    // Files the site does not override still come from the theme.
    assert!(site.out().join("static/hindsight.js").is_file());
}

#[test]
fn unknown_front_matter_keys_reach_templates_as_extra() {
    let site = TestSite::fixture("basic");
    site.write(
        "templates/report.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"tickets\">{{ report.extra.customer_tickets | default(value=\"none\") }}</p>{% endblock content %}",
    );
    site.build_ok();
    let doc = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(texts(&doc, "#tickets"), ["42"]);
}

#[test]
fn an_empty_archive_still_builds_a_usable_site() {
    let site = TestSite::empty();
    site.write("content/.keep", "");
    let summary = site.build_ok();
    assert_eq!(summary.reports, 0);
    assert_eq!(texts(&site.page("index.html"), ".empty").len(), 1);
    assert_eq!(broken_links(&site.out()), Vec::<String>::new());
}

#[test]
fn list_rows_are_right_at_every_depth_whatever_the_title_holds() {
    // Rows are rendered once and pasted into lists at several depths; a
    // private-use character in a title must not confuse that.
    let site = TestSite::fixture("basic");
    site.write(
        "content/2024/2024-02-02-odd-title.md",
        "---\ntitle: \"Odd \u{E000} title\"\ndate: 2024-02-02T10:00:00Z\nseverity: SEV2\nservices: [icreate]\nsummary: \"Odd.\"\n---\nBody.\n",
    );
    site.build_ok();
    for page in [
        "index.html",
        "postmortems/index.html",
        "years/2024/index.html",
        "services/icreate/index.html",
    ] {
        let doc = site.page(page);
        assert!(
            texts(&doc, ".report-list > li > div > a:first-child")
                .contains(&"Odd \u{E000} title".to_string()),
            "{page}: {:?}",
            texts(&doc, ".report-list > li > div > a:first-child")
        );
    }
    assert_eq!(broken_links(&site.out()), Vec::<String>::new());
}
