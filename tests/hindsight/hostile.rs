//! Hostile input: every case is either rendered safely (the output parsed
//! and checked) or reported with a diagnostic that names the file, and
//! never a panic, a hang, or a file written outside the output folder.
//!
//! Cases tested elsewhere and not repeated here: slugs differing only in
//! case (`invalid::slugs_differing_only_in_case_collide`), Latin-1 and
//! UTF-16 LE files (`invalid::files_that_are_not_utf8_are_named`), missing
//! and unterminated front matter
//! (`invalid::missing_and_unterminated_front_matter_are_errors`), symbolic
//! link loops (`invalid::symbolic_link_loops_are_reported_once_and_not_followed`),
//! services and tags that climb out with `..` or are absolute
//! (`guarantees::hostile_terms_cannot_escape_the_output_folder`), aliases
//! with `..` and aliases that collide (`links::aliases_that_collide_or_escape_are_errors_at_their_line`),
//! `<script>` in a body (`build::raw_html_in_markdown_is_sanitised`),
//! markup in a title (`build::front_matter_values_are_escaped`), and
//! symbolic links that lead out of `content/` or `static/` (`boundary`).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use hindsight::Error;
use scraper::{ElementRef, Html};

use crate::support::{TestSite, at_lines, content_errors, report_json, sel, texts};

/// A script payload that tries to break out of text, of a double- and a
/// single-quoted attribute, of a `<title>` and a `<textarea>`.
fn payload(field: &str) -> String {
    format!(
        "{field} <script>pwn()</script> \"><img src=x onerror=pwn()> '><svg onload=pwn()> </title></textarea><iframe src=javascript:pwn()>"
    )
}

/// `text` as a double-quoted YAML string.
fn yaml(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\0', "\\0");
    format!("\"{escaped}\"")
}

/// A valid report: the required fields, then `more` front matter lines.
fn report(title: &str, more: &str, body: &str) -> String {
    format!(
        "---\ntitle: {}\ndate: 2024-01-10T10:00:00Z\nresolved: 2024-01-10T11:00:00Z\nseverity: SEV2\nservices: [api]\n{more}---\n{body}",
        yaml(title)
    )
}

/// Whether a URL would run code or render a document of its own, read the
/// way a browser does: case folded, whitespace and control characters
/// ignored.
fn is_dangerous_url(url: &str) -> bool {
    let url: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "livescript:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// Asserts that nothing under `root` can run script: no event handler, no
/// script but the theme's own files and a report's JSON, no frame or plugin, no script URL.
fn assert_inert(what: &str, root: ElementRef<'_>) {
    for node in root.descendants() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        assert!(
            ![
                "iframe", "frame", "frameset", "object", "embed", "applet", "base"
            ]
            .contains(&name),
            "{what}: <{name}> in the output"
        );
        if name == "script" && el.attr("src").is_none() {
            // The one inline script allowed: the report's JSON, a data
            // block no browser runs, whole (nothing in it closed it).
            assert_eq!(
                (el.attr("type"), el.attr("id")),
                (Some("application/json"), Some("hindsight-report")),
                "{what}: an inline <script> in the output"
            );
            let text: String = ElementRef::wrap(node)
                .map(|e| e.text().collect())
                .unwrap_or_default();
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{what}: the report's JSON does not parse"
            );
            continue;
        }
        if name == "script" {
            let src = el
                .attr("src")
                .unwrap_or_else(|| panic!("{what}: an inline <script> in the output"));
            assert!(
                src.ends_with(".js")
                    && src.contains("static/")
                    && (!src.contains(':') || src.starts_with("https://incidents.example.com/")),
                "{what}: <script src={src:?}>"
            );
        }
        if name == "style" {
            let css: String = ElementRef::wrap(node)
                .map(|e| e.text().collect())
                .unwrap_or_default();
            assert!(!css.contains("pwn"), "{what}: a <style> from content");
        }
        if name == "meta"
            && el
                .attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
        {
            let content = el.attr("content").unwrap_or_default();
            let target = content.split_once('=').map_or("", |(_, url)| url);
            assert!(!is_dangerous_url(target), "{what}: refresh to {content:?}");
        }
        for (attr, value) in el.attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{what}: <{name} {attr}={value:?}>"
            );
            if [
                "href",
                "src",
                "action",
                "formaction",
                "poster",
                "data",
                "background",
                "srcset",
                "xlink:href",
            ]
            .contains(&attr)
            {
                assert!(
                    !is_dangerous_url(value),
                    "{what}: <{name} {attr}={value:?}>"
                );
            }
            if attr == "style" {
                assert!(!value.contains("pwn"), "{what}: style from content");
            }
        }
    }
}

/// Walks every file of the output and checks it by kind: HTML pages
/// parsed and inert, search files free of `<`, JSON and XML well formed
/// with the HTML inside feeds inert too. Returns how many files of each
/// kind were checked.
fn assert_output_inert(out: &Path) -> [usize; 4] {
    let mut seen = [0; 4];
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !entry.file_type().is_file() || rel.starts_with("static/") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                assert_inert(&rel, Html::parse_document(&text).root_element());
                seen[0] += 1;
            }
            Some("js") => {
                assert!(!text.contains('<'), "{rel}: `<` in a search file");
                seen[1] += 1;
            }
            Some("json") => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{rel}: {e}"));
                seen[2] += 1;
            }
            Some("xml") => {
                let doc =
                    roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
                for node in doc.descendants().filter(|n| n.is_element()) {
                    if node.attribute("type") == Some("html") {
                        let html = node.text().unwrap_or_default();
                        let fragment = Html::parse_fragment(html);
                        assert_inert(
                            &format!("{rel} <{}>", node.tag_name().name()),
                            fragment.root_element(),
                        );
                    }
                }
                seen[3] += 1;
            }
            _ => {}
        }
    }
    seen
}

/// Only the site's own folders are in its root: nothing was written beside
/// the output folder but the record of what it was built from.
fn assert_nothing_beside_the_output(site: &TestSite) {
    let mut names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.retain(|n| {
        !["content", "hindsight.toml", "public", ".public.fresh"].contains(&n.as_str())
    });
    assert!(names.is_empty(), "written beside the output: {names:?}");
}

/// Runs `f` on a thread with an 8 MB stack, as the main thread has, and
/// fails if it takes longer than `limit` (a hang) or panics. Pages render
/// on the thread pool, whose threads have Rust's default 2 MB: a stack
/// overflow there aborts the whole test binary, which fails too.
pub(crate) fn bounded<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    match rx.recv_timeout(limit) {
        Ok(value) => {
            worker.join().unwrap();
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sent nothing and did not panic"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("still running after {limit:?}: a hang"),
    }
}

// Path games.

#[test]
fn aliases_that_are_absolute_urls_hold_backslashes_nul_or_run_long_are_refused_at_their_line() {
    let long = format!("/{}/", "a".repeat(300));
    let aliases = [
        "C:\\Windows\\evil",
        "..\\..\\evil",
        "/a\u{0}b/",
        "//evil.example.com/x",
        "file:///etc/passwd",
        "/.git/config",
        "/",
        long.as_str(),
    ];
    let site = one_report_each(&aliases, "a", |alias| {
        format!("aliases: [{}]\n", yaml(alias))
    });
    let d = content_errors(&site);
    let found = at_lines(&d);
    assert_eq!(found.len(), aliases.len(), "{found:#?}");
    for (i, line) in found.iter().enumerate() {
        // A NUL, which YAML's escape makes, is refused as a control
        // character before the alias is looked at.
        let refused = if aliases[i].contains('\0') {
            line.starts_with(&format!(
                "content/a{i}.md:7: the value holds the control character U+0000"
            ))
        } else {
            line.starts_with(&format!("content/a{i}.md:7: alias "))
                && line.contains("cannot be published")
        };
        assert!(refused, "{line}");
    }
    assert_nothing_beside_the_output(&site);
}

#[test]
fn an_alias_that_looks_like_a_system_path_stays_inside_the_output() {
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        &report(
            "A",
            "aliases: [/etc/passwd, \"/%2e%2e/%2e%2e/up/\"]\n",
            "Body.\n",
        ),
    );
    site.build_ok();
    assert!(site.out().join("etc/passwd/index.html").is_file());
    assert!(site.out().join("%2e%2e/%2e%2e/up/index.html").is_file());
    assert_nothing_beside_the_output(&site);
    assert_output_inert(&site.out());
}

/// Whether an alias over `target` is refused as a content error at its
/// line, after a second report has made `postmortems/b/`.
fn alias_over(target: &str) -> Result<(), String> {
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        &report("A", &format!("aliases: [{}]\n", yaml(target)), "Body.\n"),
    );
    site.write("content/b.md", &report("B", "", "Body.\n"));
    match site.build() {
        Err(Error::Content(d)) => {
            let found = at_lines(&d);
            if found.len() == 1 && found[0].starts_with("content/a.md:7: alias ") {
                Ok(())
            } else {
                Err(format!("{target}: {found:?}"))
            }
        }
        Err(e) => Err(format!("{target}: not a content error: {e}")),
        Ok(_) => Err(format!("{target}: the site built")),
    }
}

#[test]
fn aliases_over_pages_of_the_site_are_refused() {
    for target in [
        "/404.html",
        "/postmortems/b/",
        "/index.html",
        "/postmortems/",
    ] {
        assert_eq!(alias_over(target), Ok(()));
    }
}

#[test]

fn aliases_over_generated_files_are_refused_at_their_line() {
    for target in [
        "/search/docs.js",
        "/static/hindsight.js",
        "/static/style.css",
        "/robots.txt",
        "/stats.json",
        "/Search/Docs.js/",
    ] {
        assert_eq!(alias_over(target), Ok(()));
    }
}

#[test]
fn ids_with_paths_backslashes_nul_or_300_characters_are_refused_at_their_line() {
    let long = "I".repeat(300);
    let ids = [
        "../../etc",
        "/abs",
        "a\\b",
        "a\u{0}b",
        "a/b",
        ".hidden",
        long.as_str(),
    ];
    let site = one_report_each(&ids, "r", |id| format!("id: {}\n", yaml(id)));
    let d = content_errors(&site);
    assert_eq!(d.len(), ids.len(), "{:#?}", at_lines(&d));
    for (i, d) in d.iter().enumerate() {
        assert_eq!(
            (d.file.to_str(), d.line, d.code),
            (
                Some(format!("content/r{i}.md").as_str()),
                7,
                if ids[i].contains('\0') {
                    "control-character"
                } else {
                    "invalid-id"
                }
            )
        );
    }
}

#[test]
fn file_names_that_cannot_be_urls_are_refused_with_a_rename_hint() {
    // A file name cannot hold `/` or NUL, so a slug cannot be absolute or
    // hold NUL; what a file name can hold is tried here. 255 bytes is the
    // longest name Linux allows, past the 150 a slug may have.
    let long = "a".repeat(251);
    let names = [
        "back\\slash",
        "-starts-with-a-dash",
        "has space",
        "semi;colon",
        long.as_str(),
    ];
    let site = TestSite::empty();
    for name in names {
        site.write(&format!("content/{name}.md"), &report("R", "", "Body.\n"));
    }
    let d = content_errors(&site);
    let mut found: Vec<(String, &str)> = d
        .iter()
        .map(|d| (d.file.display().to_string(), d.code))
        .collect();
    found.sort();
    let mut expected: Vec<(String, &str)> = names
        .iter()
        .map(|n| (format!("content/{n}.md"), "invalid-slug"))
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    let hint = d
        .iter()
        .find(|d| d.file.ends_with("back\\slash.md"))
        .unwrap();
    assert_eq!(
        hint.hint.as_deref(),
        Some("rename the file to `back-slash.md`")
    );
}

#[test]
fn a_slug_with_dots_is_one_segment_and_stays_inside() {
    let site = TestSite::empty();
    site.write("content/a..b.md", &report("Dots", "", "Body.\n"));
    site.write("content/x.y.md", &report("Dot", "", "Body.\n"));
    site.build_ok();
    assert!(site.out().join("postmortems/a..b/index.html").is_file());
    assert!(site.out().join("postmortems/x.y/index.html").is_file());
    assert_nothing_beside_the_output(&site);
}

#[test]
fn services_and_tags_differing_only_in_case_share_one_page() {
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        &report("A", "tags: [Capacity]\n", "Body.\n").replace("[api]", "[API, Api Gateway]"),
    );
    site.write(
        "content/b.md",
        &report("B", "tags: [CAPACITY, capacity]\n", "Body.\n")
            .replace("[api]", "[api, api-gateway]"),
    );
    site.build_ok();
    let services: Vec<String> = std::fs::read_dir(site.out().join("services"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(services, ["api", "api-gateway"]);
    for page in [
        "services/api/index.html",
        "services/api-gateway/index.html",
        "tags/capacity/index.html",
    ] {
        assert_eq!(
            texts(&site.page(page), ".report-list > li > div > a:first-child").len(),
            2,
            "{page}"
        );
    }
}

#[test]
fn a_300_character_service_or_tag_is_cut_to_a_safe_segment() {
    let long = "s".repeat(300);
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        &report("A", &format!("tags: [{}]\n", "t".repeat(300)), "Body.\n")
            .replace("[api]", &format!("[{long}]")),
    );
    site.build_ok();
    assert!(
        site.out()
            .join(format!("services/{}/index.html", "s".repeat(150)))
            .is_file()
    );
    assert!(
        site.out()
            .join(format!("tags/{}/index.html", "t".repeat(150)))
            .is_file()
    );
}

// Script injection.

/// A report with a payload in every field a page shows, and a body with
/// every way of smuggling script through Markdown.
pub(crate) fn injected_site() -> TestSite {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        "title = \"T\"\nbase_url = \"https://incidents.example.com/\"\n",
    );
    let matter = format!(
        "summary: {}\nimpact: {}\ntags: [{}]\nauthors: [{}]\nteams: [{}]\nid: INC-1\nnote_for_templates: {}\naction_items:\n  - text: {}\n    owner: {}\n",
        yaml(&payload("summary")),
        yaml(&payload("impact")),
        yaml(&payload("tag")),
        yaml(&payload("author")),
        yaml(&payload("team")),
        yaml(&payload("extra")),
        yaml(&payload("item")),
        yaml(&payload("owner")),
    );
    let body = "\
## Timeline

| Time | Event |
| --- | --- |
| 10:00 | <script>pwn()</script> begins <img src=x onerror=pwn()> |
| 10:30 | \"><svg onload=pwn()> ends |

## Links

[a](javascript:pwn())
[b](JaVaScRiPt:pwn())
[c](<  javascript:pwn()>)
[d](&#106;avascript:pwn())
[e](&#x6A;&#x61;vascript&#58;pwn())
[f](java&#x09;script:pwn())
[g](vbscript:pwn())
[h](VBScript:pwn())
[i](data:text/html;base64,PHNjcmlwdD5wd24oKTwvc2NyaXB0Pg==)
[j](<DATA:text/html,<script>pwn()</script>>)
![k](javascript:pwn())
![l](data:text/html,pwn)
![m](<  data:image/svg+xml,<svg onload=pwn()>>)
<javascript:pwn()>
[n][ref]

[ref]: javascript:pwn()

## Raw HTML

<script>pwn()</script>
<img src=x onerror=pwn()>
<iframe src=\"javascript:pwn()\"></iframe>
<svg onload=pwn()><circle r=\"1\"/></svg>
<style>body { background: url(javascript:pwn()) }</style>
<svg><script>pwn()</script><a xlink:href=\"javascript:pwn()\"><text>x</text></a></svg>
<math><mtext><table><mglyph><style><img src=x onerror=pwn()></style></mglyph></table></mtext></math>
<noscript><p title=\"</noscript><img src=x onerror=pwn()>\"></p></noscript>
<a href=\" &#x6A;avascript:pwn()\">entity</a>
<form action=\"javascript:pwn()\"><button formaction=\"javascript:pwn()\">go</button></form>
<object data=\"javascript:pwn()\"></object><embed src=\"javascript:pwn()\">
<div style=\"background:url(javascript:pwn())\">styled</div>
<meta http-equiv=\"refresh\" content=\"0;url=javascript:pwn()\">
<base href=\"javascript:pwn()//\">

## Action Items

- [ ] <script>pwn()</script> in an item @<img src=x onerror=pwn()>
- [ ] [click](javascript:pwn()) @owner
";
    site.write(
        "content/2024/hostile.md",
        &report(&payload("title"), &matter, body).replace(
            "services: [api]",
            &format!("services: [api, {}]", yaml(&payload("service"))),
        ),
    );
    site.write(
        "content/2024/plain.md",
        &report("Plain", "related: [hostile]\n", "Body.\n"),
    );
    site
}

#[test]
fn script_in_any_field_or_body_is_inert_on_every_page_feed_and_file() {
    let site = injected_site();
    site.build_ok();
    let [html, js, json, xml] = assert_output_inert(&site.out());
    assert!(
        html > 15 && js >= 3 && json >= 2 && xml >= 3,
        "{:?}",
        [html, js, json, xml]
    );
    assert_nothing_beside_the_output(&site);
}

#[test]
fn injected_values_are_shown_as_text_where_they_appear() {
    let site = injected_site();
    site.build_ok();
    let title = payload("title");
    let report_page = site.page("postmortems/hostile/index.html");
    assert_eq!(texts(&report_page, "h1"), std::slice::from_ref(&title));
    let lead = texts(&report_page, ".report-header .lead");
    assert_eq!(lead, [payload("summary")]);
    let og: Vec<&str> = report_page
        .select(&sel("meta[property=\"og:title\"]"))
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(og, [title.as_str()]);
    for list in [
        "index.html",
        "postmortems/index.html",
        "services/api/index.html",
        "years/2024/index.html",
    ] {
        let rows = texts(&site.page(list), ".report-list > li > div > a:first-child");
        assert!(rows.contains(&title), "{list}: {rows:?}");
    }
    let items = std::fs::read_to_string(site.out().join("action-items/index.html")).unwrap();
    assert!(
        items.contains("item &lt;script&gt;pwn()&lt;/script&gt;"),
        "the item's text is escaped"
    );
    let json = report_json(&site.out(), "postmortems/hostile/index.html");
    assert_eq!(json["title"], title.as_str());
    let feed = site.read("public/atom.xml");
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&title.as_str()), "{titles:?}");
}

#[test]
fn template_syntax_in_content_is_shown_literally() {
    let site = TestSite::empty();
    site.write(
        "content/t.md",
        &report(
            "{{ config }} and {{ __tera_context }}",
            "summary: \"{% for x in [1, 2, 3] %}loop{% endfor %}\"\n",
            "Body {{ __tera_context }} and {% for x in [1, 2] %}again{% endfor %} {# gone? #}\n",
        ),
    );
    site.build_ok();
    let doc = site.page("postmortems/t/index.html");
    assert_eq!(texts(&doc, "h1"), ["{{ config }} and {{ __tera_context }}"]);
    assert_eq!(
        texts(&doc, ".report-header .lead"),
        ["{% for x in [1, 2, 3] %}loop{% endfor %}"]
    );
    let body = texts(&doc, ".prose p").join(" ");
    assert!(
        body.contains(
            "Body {{ __tera_context }} and {% for x in [1, 2] %}again{% endfor %} {# gone? #}"
        ),
        "{body}"
    );
    let home = texts(
        &site.page("index.html"),
        ".report-list > li > div > a:first-child",
    );
    assert_eq!(home, ["{{ config }} and {{ __tera_context }}"]);
}

// Encodings.

#[test]
fn utf16_with_either_byte_order_mark_is_named_at_its_first_line() {
    let site = TestSite::empty();
    let text = report("R", "", "Body.\n");
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    site.write("content/le.md", "");
    site.write("content/be.md", "");
    std::fs::write(site.root().join("content/le.md"), le).unwrap();
    std::fs::write(site.root().join("content/be.md"), be).unwrap();
    assert_eq!(
        at_lines(&content_errors(&site)),
        [
            "content/be.md:1: the file is UTF-16; reports must be UTF-8",
            "content/le.md:1: the file is UTF-16; reports must be UTF-8",
        ]
    );
}

#[test]
fn bytes_that_are_not_utf8_or_nul_are_named_at_their_line() {
    let site = TestSite::empty();
    let mut latin1 = report("R", "", "Line one.\n\nCaf").into_bytes();
    latin1.extend(b"\xe9 au lait.\n");
    site.write("content/latin1.md", "");
    std::fs::write(site.root().join("content/latin1.md"), latin1).unwrap();
    site.write(
        "content/nul.md",
        &report("R", "", "Line one.\n\nA NUL \0 here.\n"),
    );
    site.write(
        "content/nul-title.md",
        &report("R", "", "Body.\n").replace("title: \"R\"", "title: \"Nul \0 title\""),
    );
    let d = content_errors(&site);
    assert_eq!(
        d.iter()
            .map(|d| format!("{}:{}:{}: {}", d.file.display(), d.line, d.column, d.code))
            .collect::<Vec<_>>(),
        [
            "content/latin1.md:10:4: encoding",
            "content/nul-title.md:2:13: encoding",
            "content/nul.md:10:7: encoding",
        ]
    );
}

#[test]
fn control_characters_written_as_yaml_escapes_are_refused_at_their_line() {
    // YAML's `\0` and `\e` escapes give a NUL and an ESC that the check of
    // the file's bytes cannot see. HTML forbids them, XML 1.0 even more so.
    for escape in ["\\0", "\\e", "\\x7f", "\\u0085", "\\uFFFE"] {
        let site = TestSite::empty();
        site.write(
            "content/nul.md",
            &report("R", &format!("tags: [\"a{escape}b\"]\n"), "Body.\n")
                .replace("title: \"R\"", &format!("title: \"Nul {escape}\"")),
        );
        let found = at_lines(&content_errors(&site));
        assert_eq!(found.len(), 1, "{escape}: {found:?}");
        assert!(
            found[0].starts_with("content/nul.md:2: the value holds the control character U+"),
            "{escape}: {found:?}"
        );
    }
}

#[test]
fn raw_control_characters_are_shown_as_replacement_characters_with_a_warning() {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        "title = \"T\"\nbase_url = \"https://incidents.example.com/\"\n",
    );
    site.write(
        "content/esc.md",
        &report(
            "Colour \u{1b}[31mred\u{1b}[0m",
            "",
            "```\n\u{1b}[1mERROR\u{1b}[0m disk \u{7}full\n```\n\nAnd \u{8}\u{b} in text.\n",
        ),
    );
    let summary = site.build_ok();
    let warned: Vec<String> = summary
        .warnings
        .iter()
        .filter(|d| d.code == "control-character")
        .map(|d| format!("{}:{}", d.file.display(), d.line))
        .collect();
    assert_eq!(warned, ["content/esc.md:2"]);
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        let text_file = entry
            .path()
            .extension()
            .is_some_and(|e| ["html", "js", "json", "xml", "txt"].contains(&e.to_str().unwrap()));
        if text_file {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                !text.contains(|c: char| hindsight::util::text::is_forbidden(c)),
                "{}",
                entry.path().display()
            );
        }
    }
    let page = site.page("postmortems/esc/index.html");
    assert_eq!(texts(&page, "h1"), ["Colour \u{FFFD}[31mred\u{FFFD}[0m"]);
    let feed = site.read("public/atom.xml");
    roxmltree::Document::parse(&feed).expect("the feed is XML");
}

#[test]
fn a_utf8_byte_order_mark_is_passed_over() {
    let site = TestSite::empty();
    site.write(
        "content/bom.md",
        &format!(
            "\u{feff}{}",
            report("With a BOM", "", "## Root Cause\n\nText.\n")
        ),
    );
    site.build_ok();
    let doc = site.page("postmortems/bom/index.html");
    assert_eq!(texts(&doc, "h1"), ["With a BOM"]);
    assert!(
        texts(&doc, ".prose h2")
            .iter()
            .any(|h| h.contains("Root Cause"))
    );
}

#[test]
fn crlf_line_endings_work_in_front_matter_and_body() {
    let site = TestSite::empty();
    let text = report(
        "Windows",
        "summary: \"Saved on Windows.\"\ntags: [crlf]\n",
        "## Timeline\n\n| Time | Event |\n| --- | --- |\n| 10:00 | Starts |\n| 10:45 | Ends |\n\n## Root Cause\n\nA line\nand another.\n\n## Action Items\n\n- [ ] Fix it @sre\n- [x] Done @ops\n",
    )
    .replace('\n', "\r\n");
    site.write("content/crlf.md", &text);
    let summary = site.build_ok();
    assert!(
        summary.warnings.is_empty(),
        "{:?}",
        at_lines(&summary.warnings)
    );
    let doc = site.page("postmortems/crlf/index.html");
    assert_eq!(texts(&doc, "h1"), ["Windows"]);
    assert_eq!(texts(&doc, ".report-header .lead"), ["Saved on Windows."]);
    let headings = texts(&doc, ".prose h2");
    assert!(
        headings.iter().any(|h| h.contains("Root Cause")),
        "{headings:?}"
    );
    assert_eq!(doc.select(&sel(".prose input[type=checkbox]")).count(), 2);
    assert!(site.out().join("tags/crlf/index.html").is_file());
    let raw = std::fs::read_to_string(site.out().join("postmortems/crlf/index.html")).unwrap();
    assert!(
        !raw.contains("Windows\r"),
        "a carriage return stuck to a value"
    );
}

#[test]
fn bidi_and_zero_width_characters_in_a_title_are_kept_as_text() {
    let title = "Outage in \u{202e}gnp.exe\u{202c} with a zero\u{200d}width joiner\u{200b}";
    let site = TestSite::empty();
    site.write("content/bidi.md", &report(title, "", "Body.\n"));
    site.build_ok();
    assert_eq!(
        texts(&site.page("postmortems/bidi/index.html"), "h1"),
        [title]
    );
    assert_eq!(
        texts(
            &site.page("index.html"),
            ".report-list > li > div > a:first-child"
        ),
        [title]
    );
    assert_output_inert(&site.out());
}

#[test]
fn bidi_and_zero_width_characters_in_a_file_name_are_refused() {
    let site = TestSite::empty();
    site.write("content/a\u{202e}b.md", &report("R", "", "Body.\n"));
    site.write("content/c\u{200d}d.md", &report("R", "", "Body.\n"));
    let d = content_errors(&site);
    let codes: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d.file.to_str().unwrap(), d.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("content/a\u{202e}b.md", "invalid-slug"),
            ("content/c\u{200d}d.md", "invalid-slug")
        ]
    );
}

#[test]
fn bidi_and_zero_width_characters_in_services_fold_into_dashes() {
    let site = TestSite::empty();
    site.write(
        "content/a.md",
        &report("A", "tags: [\"x\u{200b}y\"]\n", "Body.\n")
            .replace("[api]", "[\"db\u{202e}main\u{200d}x\"]"),
    );
    site.build_ok();
    assert!(site.out().join("services/db-main-x/index.html").is_file());
    assert!(site.out().join("tags/x-y/index.html").is_file());
}

// Shape.

#[test]
fn an_empty_file_and_a_lone_fence_are_errors_at_line_1() {
    let site = TestSite::empty();
    site.write("content/empty.md", "");
    site.write("content/fence.md", "---");
    site.write("content/fence-nl.md", "---\n");
    let found = at_lines(&content_errors(&site));
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("content/empty.md:1: "), "{found:#?}");
    assert!(
        found[1].starts_with("content/fence-nl.md:1: "),
        "{found:#?}"
    );
    assert!(found[2].starts_with("content/fence.md:1: "), "{found:#?}");
}

#[test]
fn front_matter_without_a_body_renders() {
    let site = TestSite::empty();
    site.write(
        "content/bare.md",
        report("Bare", "", "").trim_end_matches('\n'),
    );
    site.build_ok();
    assert_eq!(
        texts(&site.page("postmortems/bare/index.html"), "h1"),
        ["Bare"]
    );
}

#[test]
fn a_10_mb_report_builds() {
    let paragraph = "The queue grew while the consumers restarted, one after another. ".repeat(16);
    let body = format!("{paragraph}\n\n").repeat(10 << 20 >> 10);
    assert!(body.len() >= 10 << 20);
    let site = TestSite::empty();
    site.write("content/big.md", &report("Big", "", &body));
    let site = bounded(Duration::from_secs(60), move || {
        site.build_ok();
        site
    });
    assert_eq!(
        texts(&site.page("postmortems/big/index.html"), "h1"),
        ["Big"]
    );
}

#[test]
fn a_report_over_16_mb_is_refused_by_name_without_reading_it_all() {
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", "", "Body.\n"));
    // A sparse 4 GB file: reading it whole would take the memory.
    let huge = std::fs::File::create(site.root().join("content/dump.md")).unwrap();
    huge.set_len(4 << 30).unwrap();
    let site = bounded(Duration::from_secs(30), move || {
        let found = at_lines(&content_errors(&site));
        assert_eq!(
            found,
            ["content/dump.md:0: is larger than 16 MB, the most a report may be"]
        );
        site
    });
    std::fs::write(
        site.root().join("content/dump.md"),
        report("D", "", "Small now.\n"),
    )
    .unwrap();
    assert_eq!(site.build_ok().reports, 2);
}

/// A table of `rows` rows whose first column is a time, under `heading`.
fn timed_table(heading: &str, rows: usize) -> String {
    let mut body = format!("## {heading}\n\n| Time | Event |\n| --- | --- |\n");
    for i in 0..rows {
        body.push_str(&format!("| 10:{:02} | Event {i} |\n", i * 60 / rows));
    }
    body
}

/// Builds a report whose body is a 100,000-row table under `heading`
/// within a minute, and checks its last row is on the page.
fn a_100000_row_table_builds(heading: &str) {
    let site = TestSite::empty();
    // A timeline that long is past the default `[limits] rows`
    // (`bounds::a_timeline_longer_than_the_limit_is_an_error_at_the_first_row_past_it`);
    // raised, it still builds in bounded time.
    site.write("hindsight.toml", "[limits]\nrows = 100000\n");
    site.write(
        "content/long.md",
        &report("Long", "", &timed_table(heading, 100_000)),
    );
    let site = bounded(Duration::from_secs(60), move || {
        site.build_ok();
        site
    });
    let raw = std::fs::read_to_string(site.out().join("postmortems/long/index.html")).unwrap();
    assert!(raw.contains("Event 99999"));
}

#[test]
fn a_100000_row_table_outside_the_timeline_builds() {
    a_100000_row_table_builds("Notes");
}

#[test]
fn a_100000_row_timeline_builds() {
    a_100000_row_table_builds("Timeline");
}

#[test]
fn deeply_nested_lists_and_quotes_do_not_overflow_the_stack() {
    let depth = 10_000;
    let site = TestSite::empty();
    site.write(
        "content/lists.md",
        &report("Lists", "", &format!("{}deep\n", "- ".repeat(depth))),
    );
    site.write(
        "content/quotes.md",
        &report("Quotes", "", &format!("{}deep\n", "> ".repeat(depth))),
    );
    site.write(
        "content/mixed.md",
        &report(
            "Mixed",
            "",
            &format!(
                "{}deep\n\n{}x{}\n",
                "> - 1. ".repeat(depth / 3),
                "[".repeat(depth),
                "]".repeat(depth)
            ),
        ),
    );
    let site = bounded(Duration::from_secs(60), move || {
        site.build_ok();
        site
    });
    for slug in ["lists", "quotes", "mixed"] {
        assert!(
            site.out()
                .join(format!("postmortems/{slug}/index.html"))
                .is_file()
        );
    }
}

#[test]
fn deeply_nested_html_does_not_overflow_the_stack() {
    let depth = 10_000;
    let site = TestSite::empty();
    site.write(
        "content/divs.md",
        &report(
            "Divs",
            "",
            &format!("{}deep{}\n", "<div>".repeat(depth), "</div>".repeat(depth)),
        ),
    );
    let site = bounded(Duration::from_secs(60), move || {
        site.build_ok();
        site
    });
    assert!(site.out().join("postmortems/divs/index.html").is_file());
}

#[test]
fn thousands_of_reports_in_one_service_build() {
    const REPORTS: usize = 2500;
    let site = TestSite::empty();
    for i in 0..REPORTS {
        let day = i % 28 + 1;
        let month = i / 28 % 12 + 1;
        let year = 2000 + i / 336;
        site.write(
            &format!("content/r{i:04}.md"),
            &format!(
                "---\ntitle: \"Report {i}\"\ndate: {year}-{month:02}-{day:02}T10:00:00Z\nseverity: SEV3\nservices: [api]\n---\nBody {i}.\n"
            ),
        );
    }
    let site = bounded(Duration::from_secs(120), move || {
        let summary = site.build_ok();
        assert_eq!(summary.reports, REPORTS);
        site
    });
    // The list is paginated: every report is on one of its pages.
    let rows: usize = walkdir::WalkDir::new(site.out().join("services/api"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let rel = e.path().strip_prefix(site.out()).unwrap();
            texts(
                &site.page(rel.to_str().unwrap()),
                ".report-list > li > div > a:first-child",
            )
            .len()
        })
        .sum();
    assert_eq!(rows, REPORTS);
}

// File system.

fn is_root() -> bool {
    // Permissions are not enforced for root: probe with a file.
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "x").unwrap();
    set_mode(&probe, 0o000);
    let readable = std::fs::read(&probe).is_ok();
    set_mode(&probe, 0o644);
    readable
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_dangling_link_is_named_like_a_file_that_vanished() {
    // A file deleted between listing its folder and reading it cannot be
    // arranged deterministically without a hook in the walk; a link whose
    // target is gone fails at the same step (stat after readdir) and
    // stands in for it.
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", "", "Body.\n"));
    std::os::unix::fs::symlink(
        "/nonexistent/hindsight/gone.md",
        site.root().join("content/gone.md"),
    )
    .unwrap();
    let d = content_errors(&site);
    assert_eq!(d.len(), 1, "{:?}", at_lines(&d));
    assert_eq!(
        (d[0].file.to_str(), d[0].code),
        (Some("content/gone.md"), "unreadable")
    );
    assert!(
        d[0].message.starts_with("cannot be read: "),
        "{}",
        d[0].message
    );
}

#[test]
fn a_fifo_named_like_a_report_is_passed_over_with_a_warning() {
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", "", "Body.\n"));
    let fifo = site.root().join("content/pipe.md");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {}
        _ => {
            eprintln!("note: mkfifo is not available; the FIFO case was not run");
            return;
        }
    }
    let (site, result) = bounded(Duration::from_secs(30), move || {
        let result = site.build().map(|s| {
            let warned: Vec<String> = s
                .warnings
                .iter()
                .filter(|d| d.code == "not-a-file")
                .map(|d| d.file.display().to_string())
                .collect();
            (s.reports, warned)
        });
        (site, result)
    });
    // A FIFO is not a regular file: it is passed over with a warning, never
    // opened.
    assert_eq!(result.unwrap(), (1, vec!["content/pipe.md".to_string()]));
    assert!(site.out().join("postmortems/a/index.html").is_file());
}

#[test]
fn an_unreadable_file_and_folder_are_named() {
    if is_root() {
        eprintln!(
            "note: running as root, where permissions are not enforced; the unreadable case was not run"
        );
        return;
    }
    let site = TestSite::empty();
    site.write("content/a.md", &report("A", "", "Body.\n"));
    site.write("content/locked.md", &report("L", "", "Body.\n"));
    site.write("content/closed/c.md", &report("C", "", "Body.\n"));
    set_mode(&site.root().join("content/locked.md"), 0o000);
    set_mode(&site.root().join("content/closed"), 0o000);
    let result = site.build();
    set_mode(&site.root().join("content/locked.md"), 0o644);
    set_mode(&site.root().join("content/closed"), 0o755);
    let Err(Error::Content(d)) = result else {
        panic!("unreadable input must fail the build")
    };
    assert_eq!(
        d.iter()
            .map(|d| (d.file.to_str().unwrap(), d.code))
            .collect::<Vec<_>>(),
        [
            ("content/closed", "unreadable"),
            ("content/locked.md", "unreadable")
        ]
    );
    assert!(
        d.iter().all(|d| d.message.contains("ermission denied")),
        "{:?}",
        at_lines(&d)
    );
}

/// A site with one report per value, `content/<prefix><i>.md`, whose front
/// matter adds `field(value)`.
fn one_report_each(values: &[&str], prefix: &str, field: impl Fn(&str) -> String) -> TestSite {
    let site = TestSite::empty();
    for (i, value) in values.iter().enumerate() {
        site.write(
            &format!("content/{prefix}{i}.md"),
            &report(&prefix.to_uppercase(), &field(value), "Body.\n"),
        );
    }
    site
}
