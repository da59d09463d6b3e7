//! Rules about characters that every phase applies the same way.

/// Whether HTML forbids `c` in a page: the control characters but tab,
/// line feed, form feed and carriage return, and the noncharacters.
pub fn is_forbidden(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
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
