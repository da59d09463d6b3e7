//! Writing postmortems: `hindsight new` and `hindsight schema`.

use std::path::Path;

use crate::support::TestSite;

use crate::support::hindsight;

#[test]
fn new_writes_a_report_that_passes_check_and_refuses_to_overwrite() {
    let site = TestSite::fixture("basic");
    let root = site.root().to_str().unwrap();
    let args = [
        "new",
        "2024-05-01-db-failover",
        "--title",
        "DB failover: replicas lagged",
        "--severity",
        "SEV2",
        "--service",
        "payments",
        "--service",
        "db",
        "--root",
        root,
    ];
    let o = hindsight(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let year = chrono::Utc::now().format("%Y").to_string();
    let rel = format!("content/{year}/2024-05-01-db-failover.md");
    assert!(stdout.contains(&rel), "{stdout}");
    let text = site.read(&rel);
    assert!(
        text.contains("title: \"DB failover: replicas lagged\""),
        "{text}"
    );
    for check in [
        vec!["check", "--root", root],
        vec!["check", "--root", root, "--drafts"],
    ] {
        let o = hindsight(&check);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let again = hindsight(&args);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    assert_eq!(site.read(&rel), text, "the first file is untouched");
}

#[test]
fn the_schema_validates_the_example_archive_and_catches_mistakes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = hindsight(&["schema", "--root", repo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let front = as_json(&text);
        let errors: Vec<String> = validator
            .iter_errors(&front)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
        checked += 1;
    }
    assert!(checked >= 15);
    let links = as_json(
        "---\ntitle: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\nservices: [a]\nlinks:\n  - HTTPS://tickets.example.com/INC-1\n  - title: Channel\n    url: mailto:sre@example.com\n---\n",
    );
    assert!(validator.is_valid(&links), "links in both forms are valid");
    let undated_draft =
        as_json("---\ntitle: T\nstatus: draft\nseverity: SEV1\nservices: [a]\n---\n");
    assert!(
        validator.is_valid(&undated_draft),
        "a draft may wait for its date"
    );
    for bad in [
        "title: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV9\nservices: [a]\n",
        "title: T\ndate: yesterday\nseverity: SEV1\nservices: [a]\n",
        "title: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\n",
        "title: T\nseverity: SEV1\nservices: [a]\n",
        "title: T\nstatus: review\nseverity: SEV1\nservices: [a]\n",
        "title: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\nservices: [a]\nvisibility: secret\n",
        "title: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\nservices: [a]\naction_items:\n  - text: x\n    type: prevnet\n",
        "title: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\nservices: [a]\nlinks:\n  - url: javascript:alert(1)\n",
        "title: T\ndate: 2023-01-17T12:30:00+03:00\nseverity: SEV1\nservices: [a]\nlinks: /relative\n",
    ] {
        let front = as_json(&format!("---\n{bad}---\n"));
        assert!(!validator.is_valid(&front), "should fail: {bad}");
    }
}

/// A report's front matter as JSON, as an editor's YAML plugin sees it.
fn as_json(text: &str) -> serde_json::Value {
    let split = hindsight::source::frontmatter::split(text).unwrap();
    let fields = hindsight::source::frontmatter::parse(split.matter, split.matter_line).unwrap();
    serde_json::Value::Object(
        fields
            .into_iter()
            .map(|(k, f)| (k, f.value.to_json()))
            .collect(),
    )
}

/// `hindsight new SLUG --title TITLE`, a SEV2 of `api`, in `site`.
fn new_sev2_on_api(site: &TestSite, slug: &str, title: &str) -> std::process::Output {
    let root = site.root().to_str().unwrap();
    hindsight(&[
        "new",
        slug,
        "--title",
        title,
        "--severity",
        "SEV2",
        "--service",
        "api",
        "--root",
        root,
    ])
}

#[test]
fn new_takes_the_template_of_the_configured_theme() {
    let site = TestSite::fixture("basic");
    let config = site.read("hindsight.toml");
    site.write("hindsight.toml", &format!("theme = \"acme\"\n{config}"));
    site.write(
        "themes/acme/templates/new.md",
        "---\ntitle: {{ title }}\ndate: {{ date }}\nseverity: {{ severity }}\nservices: {{ services }}\n---\n## What Acme asks first\n",
    );
    let o = new_sev2_on_api(&site, "acme-one", "One");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let written: Vec<_> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.ends_with("acme-one.md"))
        .collect();
    assert_eq!(written.len(), 1);
    let text = std::fs::read_to_string(&written[0]).unwrap();
    assert!(text.contains("## What Acme asks first"), "{text}");
    assert!(
        text.contains("title: \"One\"") || text.contains("title: One"),
        "{text}"
    );
}

#[test]
fn new_refuses_a_slug_that_another_years_report_has() {
    let site = TestSite::fixture("basic");
    let taken = walkdir::WalkDir::new(site.root().join("content/2022"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .expect("a 2022 report in the fixture");
    let slug = taken.file_stem().unwrap().to_str().unwrap().to_uppercase();
    let o = new_sev2_on_api(&site, &slug, "Again");
    assert!(!o.status.success());
    let message = String::from_utf8_lossy(&o.stderr);
    assert!(
        message.contains(&format!("has the slug `{slug}` already")),
        "{message}"
    );
    let written = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_name() == format!("{slug}.md").as_str())
        .count();
    assert_eq!(written, 0, "a file was written");
}
