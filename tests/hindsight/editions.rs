//! Editions: the public incident history leaks nothing of the internal
//! library. The fixture `editions` puts a canary word (`zqcanary…`) in
//! every internal report, internal section, hidden key, internal-only
//! tag, service and catalogue entry, action-item owner and ticket, alias,
//! id and internal-only file; the public build's every file, its names
//! and the words of its search index, must hold none, and its links must
//! all resolve. The internal build holds them all, so the search for them
//! is shown to find what is there.

use std::path::{Path, PathBuf};

use hindsight::Options;
use hindsight::config::Edition;

use crate::support::{TestSite, broken_links, page, script_call, sel, texts};

const CANARY: &str = "zqcanary";

fn build(site: &TestSite, edition: Edition) -> PathBuf {
    let out = site.root().join(match edition {
        Edition::Internal => "internal",
        Edition::Public => "public-edition",
    });
    let options = Options {
        output: Some(out.clone()),
        edition,
        ..site.options()
    };
    if let Err(e) = hindsight::build(&options) {
        panic!("build failed:\n{e}");
    }
    out
}

/// Every place under `out` where a canary word stands: in a file's path,
/// or its bytes read as text, ignoring case; each as `file: word`.
fn canaries(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .to_lowercase();
        if rel.contains(CANARY) {
            found.push(format!("{rel}: (its name)"));
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).to_lowercase();
        for (at, _) in text.match_indices(CANARY) {
            let word: String = text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '.'))
                .collect();
            found.push(format!("{rel}: {word}"));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The words of the search index, decoded from its shards.
fn index_words(out: &Path) -> Vec<String> {
    let mut words = Vec::new();
    for entry in std::fs::read_dir(out.join("search/i")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (kind, _, shard): (String, String, serde_json::Map<String, serde_json::Value>) =
            script_call(&text, &path.display().to_string());
        assert_eq!(kind, "shard");
        words.extend(shard.keys().cloned());
    }
    words
}

#[test]
fn the_public_edition_holds_no_trace_of_anything_internal() {
    let site = TestSite::fixture("editions");
    let out = build(&site, Edition::Public);
    assert_eq!(canaries(&out), Vec::<String>::new());
    let words = index_words(&out);
    assert!(
        words.iter().any(|w| w == "gateway"),
        "the index has the public words"
    );
    assert!(!words.iter().any(|w| w.contains(CANARY)));
    // The 404 page's links start from the base URL's path, /history/.
    let broken: Vec<String> = broken_links(&out)
        .into_iter()
        .filter(|b| !b.starts_with("404.html: history/"))
        .collect();
    assert_eq!(broken, Vec::<String>::new());

    // Only the public reports, and the terms and years they have.
    let list = page(&out, "postmortems/index.html");
    assert_eq!(list.select(&sel(".report-list > li")).count(), 2);
    for gone in [
        "years/2021",
        "services/zqcanaryservice",
        "tags/zqcanarytag",
        "i/ZQCANARYID-7",
    ] {
        assert!(!out.join(gone).exists(), "{gone} is published");
    }
    let report = page(&out, "postmortems/2023-03-01-checkout-outage/index.html");
    let headings = texts(&report, "article h2");
    assert!(
        headings.iter().any(|h| h.starts_with("What we learned")),
        "{headings:?}"
    );
    assert!(
        !headings.iter().any(|h| h.starts_with("Root cause")),
        "{headings:?}"
    );
    assert_eq!(report.select(&sel(".internal-badge")).count(), 0);
    // The action items are there, without owners and tickets.
    let items = texts(&report, "article li");
    assert!(
        items
            .iter()
            .any(|i| i == "Validate gateway configuration before rollout"),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|i| i == "Page the payments team on card errors"),
        "what held the owner and ticket goes with them: {items:?}"
    );
    // The edition's own title and address.
    assert!(
        texts(&report, "title")
            .concat()
            .contains("Acme status history")
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://status.acme.test/history/postmortems/"));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Allow: /"),
        "the public edition may be indexed: {robots}"
    );
}

#[test]
fn the_internal_edition_holds_everything_and_marks_what_is_internal() {
    let site = TestSite::fixture("editions");
    let out = build(&site, Edition::Internal);
    let found = canaries(&out).join("\n");
    for word in [
        "zqcanarytitle",
        "zqcanarysection",
        "zqcanarysubsection",
        "zqcanaryauthor",
        "zqcanaryteam",
        "zqcanarylink",
        "zqcanaryowner",
        "zqcanary-123",
        "zqcanarytag",
        "zqcanaryservicename",
        "zqcanarycheckoutowner",
        "zqcanarycatalogue",
        "zqcanaryalias",
        "zqcanaryimage.png",
        "zqcanarypngbytes",
    ] {
        assert!(
            found.contains(word),
            "{word} not found in the internal edition:\n{found}"
        );
    }
    assert!(index_words(&out).iter().any(|w| w.contains(CANARY)));

    let internal = page(&out, "postmortems/2021-06-01-database-failover/index.html");
    assert_eq!(
        texts(&internal, ".report-badges .internal-badge"),
        ["Internal"]
    );
    let public = page(&out, "postmortems/2023-03-01-checkout-outage/index.html");
    assert_eq!(
        public
            .select(&sel(".report-badges .internal-badge"))
            .count(),
        0
    );
    let marked: Vec<String> = public
        .select(&sel("article h2"))
        .filter(|h| h.select(&sel(".internal-badge")).next().is_some())
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(marked.len(), 1);
    assert!(marked[0].starts_with("Root cause details"), "{marked:?}");
    let list = page(&out, "postmortems/index.html");
    assert_eq!(
        texts(&list, ".report-list > li .internal-badge"),
        ["internal"]
    );
}

#[test]
fn checking_the_public_edition_says_nothing_of_internal_related_reports() {
    let site = TestSite::fixture("editions");
    let mut options = site.options();
    options.edition = Edition::Public;
    let warnings = hindsight::check(&options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        warnings,
        Vec::new(),
        "related internal reports are left out silently"
    );
}

#[test]
fn a_public_reports_link_to_an_internal_one_is_an_error_at_its_line() {
    let site = TestSite::fixture("editions");
    let rel = "content/2023/2023-01-05-dns-resolution.md";
    site.edit(rel, |text| {
        format!("{text}\nSee also [the failover](../2021/2021-06-01-database-failover.md).\n")
    });
    let mut options = site.options();
    assert!(
        hindsight::check(&options).is_ok(),
        "the internal edition has it"
    );
    options.edition = Edition::Public;
    let Err(hindsight::Error::Content(found)) = hindsight::check(&options) else {
        panic!("the public edition must refuse the link");
    };
    let errors: Vec<_> = found.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors[0];
    assert_eq!(d.file, Path::new(rel));
    assert_eq!(d.code, "broken-link");
    assert_eq!(d.line, 15);
    assert!(d.message.contains("an internal report"), "{}", d.message);
    assert!(!d.message.to_lowercase().contains("zqcanarytitle"));
}

#[test]
fn a_visibility_that_is_neither_is_an_error_and_hide_keeps_what_every_report_needs() {
    let site = TestSite::fixture("editions");
    site.edit("content/2023/2023-01-05-dns-resolution.md", |t| {
        t.replace("visibility: public", "visibility: pubic")
    });
    let Err(hindsight::Error::Content(found)) = hindsight::check(&site.options()) else {
        panic!("an unknown visibility must be an error");
    };
    assert!(
        found.iter().any(|d| d.code == "unknown-visibility"
            && d.line == 7
            && d.hint
                .as_deref()
                .is_some_and(|h| h.contains("did you mean public?"))),
        "{found:#?}"
    );

    let site = TestSite::fixture("editions");
    site.edit("hindsight.toml", |t| {
        t.replace("hide = [\"authors\"", "hide = [\"title\", \"authors\"")
    });
    let Err(hindsight::Error::Config(found)) = hindsight::check(&site.options()) else {
        panic!("hiding the title must be refused");
    };
    assert_eq!(found[0].code, "config-edition");
    assert_eq!(found[0].line, 8);
}

#[test]
fn the_previews_quick_rebuild_of_a_public_report_leaves_its_internal_parts_out() {
    let site = TestSite::fixture("editions");
    let mut options = site.options();
    options.edition = Edition::Public;
    let (summary, kept) = hindsight::site::prepare(&options).unwrap().commit();
    summary.unwrap();
    let mut kept = kept.unwrap();
    let rel = "content/2023/2023-03-01-checkout-outage.md";
    site.edit(rel, |t| {
        t.replace(
            "stale zqcanarysection setting",
            "stale zqcanaryedited setting",
        )
        .replace("through the same checks", "through the very same checks")
    });
    kept.patch(&site.root().join(rel))
        .expect("a quick rebuild")
        .unwrap_or_else(|e| panic!("{e}"));
    let report = page(
        &site.out(),
        "postmortems/2023-03-01-checkout-outage/index.html",
    );
    assert!(
        texts(&report, "article")
            .concat()
            .contains("the very same checks")
    );
    assert_eq!(canaries(&site.out()), Vec::<String>::new());

    // A report made internal leaves the site: that takes a full build.
    site.edit(rel, |t| {
        t.replace("visibility: public", "visibility: internal")
    });
    assert!(kept.patch(&site.root().join(rel)).is_none());
}

#[test]
fn an_archive_without_public_reports_marks_only_internal_sections() {
    let site = TestSite::fixture("editions");
    for rel in [
        "content/2023/2023-03-01-checkout-outage.md",
        "content/2023/2023-01-05-dns-resolution.md",
    ] {
        site.edit(rel, |t| t.replace("visibility: public\n", ""));
    }
    let out = build(&site, Edition::Internal);
    let list = page(&out, "postmortems/index.html");
    assert_eq!(list.select(&sel(".internal-badge")).count(), 0);
    let report = page(&out, "postmortems/2023-03-01-checkout-outage/index.html");
    assert_eq!(
        report
            .select(&sel(".report-badges .internal-badge"))
            .count(),
        0
    );
    assert_eq!(report.select(&sel("article h2 .internal-badge")).count(), 1);
}
