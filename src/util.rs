//! Small helpers every phase uses: URL paths and slugs, file-system calls
//! that name their path, and durations as people read them. Nothing here
//! knows about reports, pages or the site.

pub(crate) mod duration;
pub(crate) mod fs;
pub(crate) mod html;
pub(crate) mod layout;
pub mod text;
pub mod tickets;
pub mod url;
pub mod zone;

/// `x` rounded to the nearest whole number, halves away from zero, as an
/// integer: `x.round() as i64`, with `as`'s saturation and NaN as 0. On a
/// processor taken at its baseline, `f64::round` is a call into the math
/// library; this is a few instructions in line, and a build rounds a
/// million scores. Cutting `x` toward zero is exact, and so is the
/// fraction left, for the two lie within one of each other.
pub fn round_to_i64(x: f64) -> i64 {
    let whole = x as i64;
    let fraction = x - whole as f64;
    if fraction >= 0.5 {
        whole.saturating_add(1)
    } else if fraction <= -0.5 {
        whole.saturating_sub(1)
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::round_to_i64;

    #[test]
    fn rounding_in_line_is_what_round_gives() {
        let mut next = crate::util::text::seeded_numbers(13);
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -2.5,
            0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
            9.007_199_254_740_993e15,
            9.3e18,
            -9.3e18,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        for k in -2_000..2_000 {
            let half = f64::from(k) + 0.5;
            values.extend([half, half.next_up(), half.next_down()]);
        }
        for _ in 0..200_000 {
            // Any bit pattern: 31, 31 and 2 bits from the generator.
            let bits = (next(1 << 31) << 33) | (next(1 << 31) << 2) | next(4);
            values.push(f64::from_bits(bits));
            values.push(next(2_000_000) as f64 / 1_000.0 - 1_000.0);
        }
        for x in values {
            assert_eq!(round_to_i64(x), x.round() as i64, "{x:e}");
        }
    }
}
