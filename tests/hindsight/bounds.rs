//! Bounded work and output per report, and text that reaches a terminal
//! or a page: one file cannot take the machine's memory, write gigabytes,
//! or rewrite the terminal or CI log that shows its diagnostics.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use hindsight::Error;

use crate::support::{TestSite, content_errors, texts};

/// A valid report with `more` front matter lines and `body`.
fn report(more: &str, body: &str) -> String {
    format!(
        "---\ntitle: Bounded\ndate: 2024-01-10T10:00:00Z\nseverity: SEV2\nservices: [api]\n{more}---\n{body}"
    )
}

fn list(prefix: &str, n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
    format!("[{}]", items.join(", "))
}

/// Total bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

#[test]
fn a_report_with_ten_thousand_tags_is_refused_at_its_line_at_once() {
    let site = TestSite::empty();
    site.write(
        "content/many.md",
        &report(&format!("tags: {}\n", list("t", 10_000)), "Body\n"),
    );
    let started = Instant::now();
    let d = content_errors(&site);
    // A quadratic step over 10,000 entries takes minutes in a debug
    // build; the refusal reads the list once.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].code, d[0].line, d[0].column), ("too-many", 6, 7));
    assert!(d[0].message.contains("10000 entries"), "{}", d[0].message);
    assert!(d[0].message.contains("at most 100"), "{}", d[0].message);
}

#[test]
fn every_front_matter_list_is_bounded_and_the_bound_is_configurable() {
    let site = TestSite::empty();
    site.write(
        "content/lists.md",
        &format!(
            "---\ntitle: Lists\ndate: 2024-01-10T10:00:00Z\nseverity: SEV2\nservices: {}\nauthors: {}\nteams: {}\nrelated: {}\n---\nBody\n",
            list("s", 101),
            list("a", 101),
            list("t", 101),
            list("r", 101),
        ),
    );
    let d = content_errors(&site);
    let at: Vec<(&str, usize)> = d.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(
        at,
        [
            ("too-many", 5),
            ("too-many", 6),
            ("too-many", 7),
            ("too-many", 8)
        ]
    );
    assert!(d[1].message.starts_with("`authors` has 101 entries"));

    // Raised, the same lists pass the bound (and the related slugs, which
    // name no report, are what is wrong then).
    site.write("hindsight.toml", "[limits]\nentries = 101\npages = 1000\n");
    let d = content_errors(&site);
    assert!(d.iter().all(|d| d.code != "too-many"), "{d:?}");
    assert!(d.iter().any(|d| d.code == "unknown-related"), "{d:?}");
}

#[test]
fn aliases_beyond_the_limit_are_refused_before_any_page_is_made() {
    let site = TestSite::empty();
    let aliases: Vec<String> = (0..100_000).map(|i| format!("/old/{i}/")).collect();
    site.write(
        "content/aliased.md",
        &report(&format!("aliases: [{}]\n", aliases.join(", ")), "Body\n"),
    );
    let d = content_errors(&site);
    assert_eq!(d.len(), 1, "{:?}", &d[..d.len().min(3)]);
    assert_eq!((d[0].code, d[0].line), ("too-many", 6));
    assert!(
        d[0].message
            .contains("`aliases` has 100000 entries; a report may have at most 50")
    );

    // At the limit, every alias is a page.
    let fifty: Vec<String> = (0..50).map(|i| format!("/old/{i}/")).collect();
    site.write(
        "content/aliased.md",
        &report(&format!("aliases: [{}]\n", fifty.join(", ")), "Body\n"),
    );
    site.build_ok();
    assert!(site.out().join("old/49/index.html").is_file());
}

#[test]
fn the_pages_one_report_adds_are_bounded_at_the_list_that_adds_most() {
    let site = TestSite::empty();
    site.write("hindsight.toml", "[limits]\nentries = 500\naliases = 500\n");
    site.write(
        "content/pages.md",
        &report(
            &format!("id: INC-1\ntags: {}\naliases: [{}]\n", list("t", 150), {
                let a: Vec<String> = (0..60).map(|i| format!("/old/{i}/")).collect();
                a.join(", ")
            }),
            "Body\n",
        ),
    );
    let d = content_errors(&site);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].code, d[0].line), ("too-many-pages", 7));
    assert!(
        d[0].message.contains("213 pages")
            && d[0].message.contains("150 from `tags`")
            && d[0].message.contains("at most 200"),
        "{}",
        d[0].message
    );
}

/// A report whose Timeline table has `rows` rows, a minute apart.
fn timeline(rows: usize) -> String {
    let rows: String = (0..rows)
        .map(|i| format!("| 10:{i:02} | step {i} |\n"))
        .collect();
    report(
        "",
        &format!("## Timeline\n\n| Time | Event |\n|---|---|\n{rows}"),
    )
}

#[test]
fn a_timeline_longer_than_the_limit_is_an_error_at_the_first_row_past_it() {
    let site = TestSite::empty();
    site.write("hindsight.toml", "[limits]\nrows = 30\n");
    site.write("content/long.md", &timeline(40));
    let d = content_errors(&site);
    assert_eq!(d.len(), 1, "{d:?}");
    // The body starts on line 7; row 31 of the table is on line 41.
    assert_eq!((d[0].code, d[0].line), ("too-many", 41));
    assert!(d[0].message.contains("40 rows"), "{}", d[0].message);

    // Thirty rows build, every one an event.
    site.write("content/long.md", &timeline(30));
    site.build_ok();
    let page = site.page("postmortems/long/index.html");
    assert_eq!(texts(&page, "td[id] > a:first-child").len(), 30);
}

#[test]
fn action_items_in_the_body_and_the_front_matter_are_bounded() {
    let site = TestSite::empty();
    site.write("hindsight.toml", "[limits]\nrows = 5\nentries = 3\n");
    let items: String = (0..8).map(|i| format!("- [ ] fix {i} @ops\n")).collect();
    site.write(
        "content/body.md",
        &report("", &format!("## Action Items\n\n{items}")),
    );
    site.write(
        "content/matter.md",
        &report(
            "action_items:\n  - text: a\n  - text: b\n  - text: c\n  - text: d\n",
            "Body\n",
        ),
    );
    let d = content_errors(&site);
    let at: Vec<(String, &str, usize)> = d
        .iter()
        .map(|d| (d.file.display().to_string(), d.code, d.line))
        .collect();
    assert_eq!(
        at,
        [
            ("content/body.md".to_string(), "too-many", 14),
            // The list's first entry: a block list starts on its own line.
            ("content/matter.md".to_string(), "too-many", 7),
        ]
    );
}

#[test]
fn output_grows_linearly_with_reports_of_fifty_tags() {
    // Each report has 50 tags of its own and 50 shared ones: every tag
    // page and the tag index grow with the reports, never with their
    // square.
    let size = |reports: usize| {
        let site = TestSite::empty();
        site.write("hindsight.toml", "page_size = 0\n");
        for r in 0..reports {
            let tags: Vec<String> = (0..50)
                .map(|t| {
                    if t % 2 == 0 {
                        format!("own-{r}-{t}")
                    } else {
                        format!("shared-{t}")
                    }
                })
                .collect();
            site.write(
                &format!("content/r{r}.md"),
                &format!(
                    "---\ntitle: Report {r}\ndate: 2024-01-{:02}T10:00:00Z\nseverity: SEV2\nservices: [api]\ntags: [{}]\n---\nBody {r}\n",
                    1 + r % 28,
                    tags.join(", ")
                ),
            );
        }
        site.build_ok();
        bytes_under(&site.out())
    };
    let (small, large) = (size(40), size(80));
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 2.3,
        "twice the reports made {ratio:.2} times the output ({small} -> {large} bytes)"
    );
}

#[test]
fn control_characters_in_the_configuration_are_errors_naming_the_key() {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        "title = \"Lib\\u001b]0;owned\\u0007\"\n\n[[severities]]\nid = \"SEV1\"\nlabel = \"Crit\\u0000ical\"\n\n[services.api]\nname = \"API\"\ndescription = \"fine\\ttab\"\nowner = \"\\u009bteam\"\n",
    );
    site.write("content/a.md", &report("", "Body\n"));
    let d = match site.build() {
        Err(Error::Config(d)) => d,
        other => panic!("expected configuration errors, got {:?}", other.err()),
    };
    let mut found: Vec<(usize, String)> = d
        .iter()
        .filter(|d| d.code == "control-character")
        .map(|d| (d.line, d.message.clone()))
        .collect();
    found.sort();
    let keys: Vec<(usize, &str)> = found
        .iter()
        .map(|(line, m)| (*line, m.split('`').nth(1).unwrap_or_default()))
        .collect();
    assert_eq!(
        keys,
        [
            (1, "title"),
            (5, "severities[0].label"),
            (10, "services.api.owner")
        ]
    );
    assert!(!site.out().exists());
}

/// Runs the binary's `check` on `root` in `format`, with stdout and
/// stderr together.
fn check_output(root: &Path, format: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args([
            "check",
            "--root",
            root.to_str().unwrap(),
            "--format",
            format,
        ])
        .output()
        .expect("run hindsight");
    assert_eq!(o.status.code(), Some(1));
    let mut text = String::from_utf8(o.stdout).unwrap();
    text.push_str(&String::from_utf8(o.stderr).unwrap());
    text
}

#[test]
fn crafted_file_names_reach_no_terminal_or_log_raw_in_any_format() {
    let site = TestSite::empty();
    // An escape that would retitle the terminal, one that clears it, a
    // line feed that would forge a CI log line, and a right-to-left
    // override.
    let name = "content/x\u{1b}]0;owned\u{7}\u{1b}[2J\n::error ::forged\u{202e}dm.md";
    site.write(name, "---\ntitle: [unclosed\n---\n");
    for format in ["human", "json", "github"] {
        let text = check_output(site.root(), format);
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
            .collect();
        assert!(raw.is_empty(), "{format}: raw {raw:?} in {text:?}");
        // The forged line stays inside the diagnostic's own line.
        assert!(
            text.lines().all(|l| !l.starts_with("::error ::forged")),
            "{format}: {text}"
        );
        let shown = match format {
            "json" => {
                let json: serde_json::Value = serde_json::from_str(&text).unwrap();
                json[0]["file"].as_str().unwrap().to_string()
            }
            // Workflow commands escape `:` and `,` in properties.
            "github" => text.replace("%3A", ":").replace("%2C", ","),
            _ => text.clone(),
        };
        assert!(
            shown.contains("x\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{a}::error ::forged\\u{202e}dm.md"),
            "{format}: {shown}"
        );
    }
}
