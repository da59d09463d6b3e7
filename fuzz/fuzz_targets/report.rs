//! A whole report, bytes in, pages out: read, checked, placed in an
//! archive beside a known report, and every page rendered (to nowhere).
//! No input may panic; a report that passes must render.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hindsight::archive::Archive;
use hindsight::config::Config;
use hindsight::output::Output;
use hindsight::render::theme::Theme;
use hindsight::render::view::{self, Rows};
use hindsight::render::{Renderer, Scope, Setup};
use hindsight::source::postmortem;
use libfuzzer_sys::fuzz_target;

const KNOWN: &str = "---\ntitle: Known\ndate: 2022-11-02T09:00:00Z\nseverity: SEV2\nservices: [icreate]\n---\n\nA known report.\n";

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hindsight-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("content")).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = Config::default();
    let mut diagnostics = Vec::new();
    let mut reports = Vec::new();
    reports.extend(postmortem::parse(
        Path::new("content/2022/2022-11-02-known.md"),
        KNOWN.to_string(),
        &config,
        &mut diagnostics,
    ));
    assert_eq!(reports.len(), 1, "{diagnostics:?}");
    reports.extend(postmortem::parse(
        Path::new("content/2023/2023-01-17-fuzz.md"),
        text.to_string(),
        &config,
        &mut diagnostics,
    ));
    let archive = Archive::assemble(root(), reports, &config, true, &mut diagnostics);
    if diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let theme = Theme::load(root(), &config).unwrap();
    let severities = view::severities(&config, &archive);
    let rows = Rows::new(&archive, &severities);
    let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let renderer = Renderer::new(
        Scope::Site,
        Setup {
            config: &config,
            archive: &archive,
            rows: &rows,
            theme: &theme,
            base_url: Some("https://example.com/".into()),
            today,
        },
    )
    .unwrap();
    let output = Output::dry_run();
    renderer.render_all(&output).unwrap();
});
