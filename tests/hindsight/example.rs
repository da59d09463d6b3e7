//! The example archive in `content/` (the site `./build.sh` publishes).

use std::path::Path;

use hindsight::Options;

use crate::support::{broken_links, hrefs, page, texts};

fn build_example() -> (tempfile::TempDir, std::path::PathBuf, hindsight::Summary) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut options = Options::new(Path::new(env!("CARGO_MANIFEST_DIR")));
    options.output = Some(out.clone());
    let summary = hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"));
    (tmp, out, summary)
}

#[test]
fn the_example_archive_builds_cleanly_with_working_links() {
    let (_tmp, out, summary) = build_example();
    assert!(summary.reports >= 15, "{} reports", summary.reports);
    assert_eq!(
        summary.warnings,
        Vec::new(),
        "the example archive should have no warnings"
    );
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

#[test]
fn the_seed_report_is_the_icreate_deploy_outage() {
    let (_tmp, out, _) = build_example();
    let doc = page(&out, "postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(texts(&doc, ".report-badges .sev"), ["SEV1"]);
    assert_eq!(texts(&doc, ".report-id"), ["INC-2023-001"]);
    let facts = texts(&doc, ".facts dl > div");
    assert!(
        facts.contains(&"Total duration 1 h 15 min".to_string()),
        "{facts:?}"
    );
    assert!(
        facts.contains(&"Time to detect 2 min".to_string()),
        "{facts:?}"
    );
    assert!(
        facts.contains(&"Impact started 2023-01-17 12:30 +03:00".to_string()),
        "{facts:?}"
    );
    assert!(
        !hrefs(&doc, ".related .report-list > li > div > a:first-child").is_empty(),
        "the seed report has related reports"
    );
}

#[test]
fn the_example_archive_covers_what_the_tool_shows() {
    let (_tmp, out, _) = build_example();
    let services = page(&out, "services/index.html");
    assert!(texts(&services, "table.terms tbody tr").len() >= 6);
    for sev in ["sev1", "sev2", "sev3", "sev4"] {
        let doc = page(&out, &format!("severities/{sev}/index.html"));
        assert!(
            !hrefs(&doc, ".report-list > li > div > a:first-child").is_empty(),
            "no {sev} report"
        );
    }
    let years = std::fs::read_dir(out.join("years")).unwrap().count();
    assert!(years >= 3, "{years} years");
}
