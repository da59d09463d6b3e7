//! A file as another team wrote it, through `hindsight import`: no input
//! may panic, and whatever import writes is a report the build reads with
//! no error.
#![no_main]

use std::path::Path;

use hindsight::config::Config;
use hindsight::source::{import, postmortem};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = Config::default();
    let Ok((dest, text)) = import::one(Path::new("PM2023-001 - Fuzz.md"), data, &config) else {
        return;
    };
    let mut diagnostics = Vec::new();
    let parsed = postmortem::parse(&dest, text.clone(), &config, &mut diagnostics);
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        parsed.is_some() && errors.is_empty(),
        "{errors:#?}\n--- written:\n{text}"
    );
});
