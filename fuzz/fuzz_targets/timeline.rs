//! The time at the start of a timeline row: any text either gives a time
//! and how much of the text it used, within the text, or nothing.
#![no_main]

use hindsight::source::timeline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((_, used)) = timeline::parse_time(text, 2023) {
        assert!(used <= text.len() && text.is_char_boundary(used));
    }
});
