//! Report pages and list rows of the built-in theme are written without
//! Tera (`src/render/written.rs`), and must be, byte for byte, what Tera
//! makes of the built-in templates. A site whose theme copy differs from
//! the built-in one by template comments alone goes through Tera; its pages
//! are compared with those of the same site built with the theme as it is.
//! A site that changes one of the templates sees its change.

use std::path::{Path, PathBuf};

use hindsight::Options;

use crate::support::{TestSite, copy_tree, sel, snapshot};

/// The templates the written pages and rows follow, and a page that shows
/// each.
const TEMPLATES: [(&str, &str); 5] = [
    ("base.html", "postmortems/2024-03-01-rich/index.html"),
    ("macros.html", "postmortems/2024-03-01-rich/index.html"),
    ("report.html", "postmortems/2024-03-01-rich/index.html"),
    ("row.html", "services/api/index.html"),
    ("brief-row.html", "postmortems/index.html"),
];

fn built_in(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    std::fs::read_to_string(path.join(name)).unwrap()
}

/// Builds the site at `root` into `out`, drafts too, with a base URL or
/// without.
fn build(root: &Path, out: &Path, base_url: Option<&str>) {
    let mut options = Options::new(root);
    options.output = Some(out.to_path_buf());
    options.drafts = true;
    options.base_url = base_url.map(str::to_string);
    if let Err(e) = hindsight::build(&options) {
        panic!("build of {} failed:\n{e}", root.display());
    }
}

/// The pages of the site at `root`, built as it is and built with a theme
/// copy whose `report.html`, `row.html` and `brief-row.html` have one more
/// comment, which Tera renders: the same paths, and the same bytes.
/// Returns how many report pages were compared.
fn compare(root: &Path, base_url: Option<&str>) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let written = tmp.path().join("written");
    build(root, &written, base_url);

    let copy = tmp.path().join("site");
    copy_tree(root, &copy);
    let theme = copy.join("themes/default/templates");
    std::fs::create_dir_all(&theme).unwrap();
    // After the blocks of `report.html`, before the one line of a row:
    // neither adds to what the template writes.
    let report = built_in("report.html") + "{# Through the templates. #}\n";
    std::fs::write(theme.join("report.html"), report).unwrap();
    for row in ["row.html", "brief-row.html"] {
        let text = format!("{{# Through the templates. #}}{}", built_in(row));
        std::fs::write(theme.join(row), text).unwrap();
    }
    let templated = tmp.path().join("templated");
    build(&copy, &templated, base_url);

    let pages = |out: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(out)
            .into_iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "html"))
            .collect()
    };
    let (a, b) = (pages(&written), pages(&templated));
    assert_eq!(
        a.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        b.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "{}: the same pages",
        root.display()
    );
    for ((path, written), (_, templated)) in a.iter().zip(&b) {
        if written != templated {
            let at = written
                .iter()
                .zip(templated)
                .position(|(x, y)| x != y)
                .unwrap_or(written.len().min(templated.len()));
            let around = |bytes: &[u8]| {
                let (from, to) = (at.saturating_sub(200), (at + 200).min(bytes.len()));
                String::from_utf8_lossy(&bytes[from..to]).into_owned()
            };
            panic!(
                "{}: {} differs at byte {at}:\nwritten:  {:?}\ntemplate: {:?}",
                root.display(),
                path.display(),
                around(written),
                around(templated),
            );
        }
    }
    let report =
        |path: &&PathBuf| path.starts_with("postmortems") && path.components().count() == 3;
    a.iter().map(|(p, _)| p).filter(report).count()
}

/// A report in front matter and body: `more` is extra front matter.
fn report(title: &str, date: &str, more: &str, body: &str) -> String {
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!("---\ntitle: \"{title}\"\ndate: {date}\nseverity: SEV2\n{more}---\n{body}")
}

/// An archive that takes every branch of the report page: each status and
/// visibility, every annotation of an action item, times with offsets,
/// links, a table of contents, similar reports beyond the few shown,
/// related reports, and markup characters in every text.
fn every_branch() -> TestSite {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        r##"title = "Ops & <Friends> \"library\" 'n' more"
default_visibility = "public"

[[severities]]
id = "SEV1"
label = "Critical & <loud>"
description = "Everything \"down\" 'now'"
color = "#b91c1c"

[[severities]]
id = "SEV2"
color = "#c2410c"

[services.api]
name = "API <v2> & co"

[tickets]
OPS = "https://jira.example.com/browse/{id}"
"##,
    );
    let rich = "detected: 2024-03-01T10:05:00+05:30\nmitigated: 2024-03-01T10:40:00+05:30\nresolved: 2024-03-01T11:00:00+05:30\nservices: [api, \"db & <cache>\"]\ntags: [\"a&b\", \"quote's\", plain]\nid: INC-1.a_b\nauthors: [\"Ann & Bob\", \"O'Neil\"]\nteams: [\"<sre>\"]\nsummary: \"A *summary* with `code` & <b>markup</b>\"\nimpact: \"50% of \\\"users\\\" & 'bots'\"\nstatus: review\nvisibility: internal\nrelated: [2024-02-01-plain]\nlinks:\n  - title: \"Chat & <room>\"\n    url: https://chat.example.com/?a=1&b=2\n  - https://grafana.example.com/d/x\naction_items:\n  - text: \"Fix <the> thing & more\"\n    owner: \"@o'hara\"\n    tickets: [OPS-1, XYZ-9]\n    type: prevent\n    priority: \"P1 <high>\"\n    due: 2020-01-01\n  - text: Done one\n    status: done\n  - text: Not this\n    status: wontfix\n    type: process\n  - \"Later @sam due:2999-01-01\"\n";
    let body = "\
## Summary & <scope>

Text with a [link](2024-02-01-plain.md) and an [outside one](https://example.com/?q=<x>).

## Timeline

| Time | Event |
| --- | --- |
| 10:00 | It starts & <spreads> |
| 10:05 | Detected |
| 10:40 | Mitigated |
| 11:00 | Resolved |

## \"Quoted\" 'heading'

### A sub-heading

- [ ] A body item @kim OPS-2 due:2020-02-02
- [x] A done body item
";
    site.write(
        "content/2024/2024-03-01-rich.md",
        &report(
            "\"Rich\" & <odd> 'title'",
            "2024-03-01T10:00:00+05:30",
            rich,
            body,
        )
        .replace("severity: SEV2", "severity: SEV1"),
    );
    site.write(
        "content/2024/2024-02-01-plain.md",
        &report(
            "Plain",
            "2024-02-01T09:00:00Z",
            "services: [api]\n",
            "Just text.\n",
        ),
    );
    site.write(
        "content/2024/2024-04-01-after.md",
        &report(
            "After",
            "2024-04-01T09:00:00Z",
            "services: [api]\n",
            "Text.\n",
        ),
    );
    site.write(
        "content/2024/2024-02-02-draft.md",
        &report(
            "Draft",
            "2024-02-02T09:00:00Z",
            "services: [api]\nstatus: draft\nsummary: \"\"\n",
            "# One\n\n# Two\n\n# Three\n",
        ),
    );
    // Many reports on one service with one tag: a later one lists the
    // newest few and offers a search for the rest.
    for n in 1..=7 {
        site.write(
            &format!("content/2023/2023-0{n}-10-same-{n}.md"),
            &report(
                &format!("Same {n}"),
                &format!("2023-0{n}-10T08:00:00-07:00"),
                "services: [\"db & <cache>\"]\ntags: [\"a&b\"]\nresolved: 2023-12-31T00:00:00Z\n",
                "Text.\n",
            ),
        );
    }
    site
}

#[test]
fn written_report_pages_are_what_the_templates_make() {
    let site = every_branch();
    for base_url in [None, Some("https://incidents.example.com/a&b/")] {
        assert_eq!(compare(site.root(), base_url), 11);
    }
    let basic = crate::support::fixtures().join("basic");
    assert!(compare(&basic, None) >= 3);
    let editions = crate::support::fixtures().join("editions");
    assert!(compare(&editions, None) >= 2);
    let hostile = crate::hostile::injected_site();
    assert_eq!(compare(hostile.root(), None), 2);
}

#[test]
fn the_example_archive_is_written_as_its_templates_make_it() {
    // The repository's own site, with its copy of the theme on disk.
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["content", "themes"] {
        copy_tree(&repo.join(part), &tmp.path().join(part));
    }
    std::fs::copy(
        repo.join("hindsight.toml"),
        tmp.path().join("hindsight.toml"),
    )
    .unwrap();
    assert!(compare(tmp.path(), None) >= 15);
}

#[test]
fn a_site_that_changes_a_template_of_report_pages_or_rows_sees_its_change() {
    let site = every_branch();
    for (name, page) in TEMPLATES {
        let _ = std::fs::remove_dir_all(site.root().join("templates"));
        let _ = std::fs::remove_dir_all(site.out());
        // A template of the site's own is used as it is written.
        let marked = match name {
            "macros.html" => built_in(name).replace(
                "<span class=\"action-text\">",
                "<span class=\"action-text\" data-marked>",
            ),
            "row.html" | "brief-row.html" => {
                format!("<i data-marked></i>{}", built_in(name))
            }
            _ => built_in(name).replace("</footer>", "<i data-marked></i></footer>"),
        };
        assert_ne!(marked, built_in(name), "{name} has the marked text");
        site.write(&format!("templates/{name}"), &marked);
        site.build_ok();
        let doc = site.page(page);
        assert!(
            doc.select(&sel("[data-marked]")).next().is_some(),
            "a site's own {name} shows on {page}"
        );
    }
}

/// The archive above shows every part of a report page, so that the
/// comparison covers each.
#[test]
fn the_archive_of_every_branch_takes_every_branch() {
    let site = every_branch();
    let mut options = site.options();
    options.drafts = true;
    options.base_url = Some("https://incidents.example.com/".into());
    hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"));
    let rich = site.page("postmortems/2024-03-01-rich/index.html");
    for part in [
        ".report-id",
        ".sev-label",
        ".report-badges .status-badge",
        ".report-badges .internal-badge",
        ".lead",
        ".print-only",
        ".facts .wide",
        ".facts .big",
        ".facts time .offset",
        ".fact-links li",
        ".timeline-figure svg",
        "nav.toc li",
        ".report-actions .is-overdue",
        ".report-actions a.action-ticket",
        ".report-actions span.action-ticket",
        ".report-actions .action-owner",
        ".report-actions .action-kind",
        ".report-actions .action-priority",
        ".report-actions .action-due",
        ".report-actions .action-done",
        ".report-actions .action-wontfix",
        ".similar .muted a",
        ".similar li",
        ".related li",
        ".pager a[rel=prev]",
        ".pager a[rel=next]",
    ] {
        assert!(
            rich.select(&sel(part)).next().is_some(),
            "the rich report has {part}"
        );
    }
    let draft = site.page("postmortems/2024-02-02-draft/index.html");
    assert!(
        draft
            .select(&sel(".report-badges .status-badge"))
            .next()
            .is_some()
    );
    assert!(draft.select(&sel("nav.toc")).next().is_some());
}
