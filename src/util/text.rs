//! Rules about characters that every phase applies the same way.

/// Whether HTML forbids `c` in a page: the control characters but tab,
/// line feed, form feed and carriage return, and the noncharacters.
pub fn is_forbidden(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}

/// Bytes that may begin a character [`is_forbidden`] holds: the ASCII
/// controls but tab, line feed, form feed and carriage return; `0xC2`,
/// which begins U+0080–U+009F; `0xEF`, which begins U+FDD0–U+FDEF, U+FFFE
/// and U+FFFF; and the first bytes of four-byte characters, among which
/// are the noncharacters of the other planes. Every other byte begins a
/// character that is allowed, or does not begin one.
static SUSPECT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'\t' | b'\n' | 0x0c | b'\r' => false,
            0x00..=0x1f | 0x7f | 0xc2 | 0xef | 0xf0..=0xff => true,
            _ => false,
        };
        b += 1;
    }
    table
};

/// A table of the bytes a scanner stops at: the ASCII controls (below
/// 0x20) and each of `bytes`. Scanners that copy runs of plain bytes
/// whole (HTML and XML escaping, JSON strings) build theirs with it.
pub const fn stop_bytes(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
}

/// Where the first character of `text` that [`is_forbidden`] holds
/// begins. Every file of an archive passes through this, so it looks at
/// eight bytes at a time, and only at the characters a suspect byte
/// ([`SUSPECT`]) begins.
pub fn find_forbidden(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // The first forbidden character among the bytes of `range`, each
    // looked up in the table; a suspect byte begins a character (it is
    // ASCII or a first byte), which is decoded.
    let look_at = |range: std::ops::Range<usize>| {
        range.into_iter().find(|&k| {
            SUSPECT[usize::from(bytes[k])] && text[k..].chars().next().is_some_and(is_forbidden)
        })
    };
    let mut i = 0;
    while let Some(block) = bytes.get(i..i + 8) {
        // The eight bytes as one number: a byte below 0x20, 0x7F or one
        // with its high bit set sets a high bit of `flags` (a byte after
        // such a byte may too). Such a block, one in a line or so for its
        // line feed, has its bytes looked up one by one.
        let mut word = [0u8; 8];
        word.copy_from_slice(block);
        let x = u64::from_ne_bytes(word);
        let flags = x.wrapping_sub(ONES * 0x20) | (x ^ (ONES * 0x7f)).wrapping_sub(ONES) | x;
        if flags & HIGH != 0
            && let Some(found) = look_at(i..i + 8)
        {
            return Some(found);
        }
        i += 8;
    }
    look_at(i..bytes.len())
}

/// `line` without the line feeds and carriage returns at its end, as
/// `trim_end_matches(['\n', '\r'])` gives it, looking at bytes rather
/// than at characters through a pattern: for every line of every body.
pub fn without_line_end(line: &str) -> &str {
    let kept = line
        .bytes()
        .rposition(|b| b != b'\n' && b != b'\r')
        .map_or(0, |last| last + 1);
    &line[..kept]
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

/// Appends the last `width` decimal digits of `n`, zeros in front: the
/// `2023`, `01` and `09` of dates and clock times, written without a
/// format string.
pub fn push_padded(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
    }
}

/// The lines of `text` with their `\n`, as `str::split_inclusive('\n')`
/// gives them. Every report's body is read line by line more than once;
/// the memchr crate finds the ends with vector instructions, where the
/// standard library's search goes a byte or a word at a time.
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |at| at + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

/// The lines of `text` without their ends (`\n` or `\r\n`), as
/// `str::lines` gives them.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_inclusive(text).map(|line| match line.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => line,
    })
}

/// `count` texts of `length` pieces each, picked from `pieces` by a
/// seeded linear congruential generator: the same texts for the same seed.
/// For tests that feed messy input to a reader.
#[cfg(test)]
pub(crate) fn seeded_texts(pieces: &[&str], seed: u64, count: usize, length: usize) -> Vec<String> {
    let mut next = seeded_numbers(seed);
    (0..count)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..length {
                text.push_str(pieces[next(pieces.len() as u64) as usize]);
            }
            text
        })
        .collect()
}

/// Numbers below the bound asked for, from a seeded linear congruential
/// generator: the same numbers for the same seed. For tests.
#[cfg(test)]
pub(crate) fn seeded_numbers(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |below| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % below
    }
}

#[cfg(test)]
mod tests {
    use super::{
        find_forbidden, fold_spaces, is_forbidden, lines, lines_inclusive, seeded_texts,
        without_line_end,
    };

    #[test]
    fn a_line_loses_its_end_as_trim_end_matches_says() {
        let pieces = ["a", "\n", "\r", " ", "é", "\r\n"];
        for line in seeded_texts(&pieces, 9, 2_000, 6) {
            assert_eq!(without_line_end(&line), line.trim_end_matches(['\n', '\r']));
        }
    }

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
    fn lines_are_what_the_standard_library_makes_of_them() {
        let pieces = ["a", "b c", "\n", "\r\n", "\r", "é", "\n\n", " "];
        let mut texts = seeded_texts(&pieces, 11, 2000, 7);
        texts.extend(["", "\n", "\r", "\r\n", "x", "x\r"].map(String::from));
        for text in texts {
            let ours: Vec<&str> = lines_inclusive(&text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(ours, std, "{text:?}");
            let ours: Vec<&str> = lines(&text).collect();
            let std: Vec<&str> = text.lines().collect();
            assert_eq!(ours, std, "{text:?}");
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
            "\u{80}",
            "\u{A0}\u{BF}",
            "\u{FDCF}",
            "\u{FDF0}",
            "\u{FFEF}",
            "\u{FFFC}",
            "\u{E000}",
            "\u{1FFFD}",
            "\u{2FFFE}",
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
