//! Front matter and its validation: any text, as a report file, must give
//! a report or diagnostics, never a panic; and every diagnostic names the
//! file with a line inside it.
#![no_main]

use std::path::Path;

use hindsight::config::Config;
use hindsight::source::postmortem;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/2023/2023-01-17-fuzz.md");
    let mut diagnostics = Vec::new();
    let report = postmortem::parse(path, text.to_string(), &Config::default(), &mut diagnostics);
    // Lines as editors count them: a line ends at \n, \r\n or a lone \r
    // (as YAML counts them too).
    let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() + 2;
    for d in &diagnostics {
        assert_eq!(d.file, path);
        assert!(d.line <= lines, "line {} of {lines}: {d}", d.line);
    }
    if report.is_some() {
        assert!(!diagnostics.iter().any(|d| d.is_error()));
    }
});
