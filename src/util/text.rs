//! Rules about characters that every phase applies the same way.

/// Whether HTML forbids `c` in a page: the control characters but tab,
/// line feed, form feed and carriage return, and the noncharacters.
pub fn is_forbidden(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// Where the first character of `text` that [`is_forbidden`] holds
/// begins. Every file of an archive passes through this, so ASCII, most of
/// any report, is checked a byte at a time without decoding.
pub fn find_forbidden(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time, as one number: a byte below 0x20, 0x7F or
        // one with its high bit set sets a high bit of `flags` (a byte
        // after such a byte may too: those are looked at one by one).
        if let Some(block) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(block);
            let x = u64::from_ne_bytes(word);
            let flags = x.wrapping_sub(ONES * 0x20) | (x ^ (ONES * 0x7f)).wrapping_sub(ONES) | x;
            if flags & HIGH == 0 {
                i += 8;
                continue;
            }
        }
        // `i` starts a character: ASCII bytes never sit inside one.
        let c = text[i..].chars().next()?;
        if is_forbidden(c) {
            return Some(i);
        }
        i += c.len_utf8();
    }
    None
}

/// `text` with each run of white space made one space, none at either end:
/// what `split_whitespace` and a join with spaces give, without either
/// when the text is written with single spaces already, as most is.
pub fn fold_spaces(text: &str) -> String {
    let text = text.trim();
    let single = !text.contains("  ")
        && !text
            .bytes()
            .any(|b| matches!(b, b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c'))
        && (text.is_ascii() || !text.chars().any(|c| c != ' ' && c.is_whitespace()));
    if single {
        return text.to_string();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `count` texts of `length` pieces each, picked from `pieces` by a
/// seeded linear congruential generator: the same texts for the same seed.
/// For tests that feed messy input to a reader.
#[cfg(test)]
pub(crate) fn seeded_texts(pieces: &[&str], seed: u64, count: usize, length: usize) -> Vec<String> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..length {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{find_forbidden, fold_spaces, is_forbidden, seeded_texts};

    #[test]
    fn folding_makes_each_run_of_white_space_one_space() {
        let pieces = [
            "a", " ", "  ", "\t", "\n", "\r\n", "é", "\u{a0}", "\u{2003}", "—", "x y", "\u{b}",
        ];
        for text in seeded_texts(&pieces, 5, 2000, 8) {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(fold_spaces(&text), expected, "{text:?}");
        }
    }

    #[test]
    fn the_byte_scan_finds_what_the_character_rule_finds() {
        let pieces = [
            "plain ",
            "\t",
            "\n",
            "\r\n",
            "\x0c",
            "\x1b[31m",
            "\x7f",
            "\u{85}",
            "\u{9f}",
            "é",
            "日本",
            "\u{FDD0}",
            "\u{FDEF}",
            "\u{FFFE}",
            "\u{1FFFF}",
            "\u{10FFFF}",
            "\u{FFFD}",
            "🙂",
            "\u{A0}",
            "x",
        ];
        let short = seeded_texts(&pieces, 7, 400, 6);
        let long = seeded_texts(&pieces, 9, 400, 40);
        for text in short.iter().chain(&long) {
            assert_eq!(find_forbidden(text), text.find(is_forbidden), "{text:?}");
        }
        // Long runs of clean text before the first one, at every offset.
        for clean in 0..40 {
            let prefix: String = "ab cd\té\n".chars().cycle().take(clean).collect();
            for bad in ["\x1b", "\x7f", "\u{85}", "\u{FFFE}", "\x00"] {
                let text = format!("{prefix}{bad}tail");
                assert_eq!(find_forbidden(&text), Some(prefix.len()), "{text:?}");
            }
            assert_eq!(find_forbidden(&prefix), None);
        }
        assert_eq!(find_forbidden(""), None);
        assert_eq!(find_forbidden("é\u{1b}"), Some(2));
    }
}
