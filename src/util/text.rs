//! Rules about characters that every phase applies the same way.

/// Whether HTML forbids `c` in a page: the control characters but tab,
/// line feed, form feed and carriage return, and the noncharacters.
pub fn is_forbidden(c: char) -> bool {
    let n = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&n)
        || n & 0xFFFE == 0xFFFE
}
