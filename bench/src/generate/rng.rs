//! A small deterministic PRNG, written here rather than taken from a crate
//! so that generated archives never change when a dependency is upgraded:
//! the bytes of an archive are a function of the seed and of this file only.

/// SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit word of state, a
/// Weyl sequence passed through a strong finaliser. Plenty for synthetic
/// text, and trivially reproducible on every platform.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a bijection on `u64` that scatters nearby
/// inputs far apart.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: mix(seed) }
    }

    /// The stream of report `index` in the archive of `seed`. Each report
    /// gets its own stream so that report `i` depends only on `(seed, i)`:
    /// reports can be generated in any order, in parallel, and an archive
    /// of `K` reports is a prefix of the archive of `N > K`.
    pub fn for_report(seed: u64, index: usize) -> Rng {
        let a = mix(seed ^ 0x6869_6E64_7369_6768); // "hindsigh"
        let b = mix((index as u64).wrapping_add(1).wrapping_mul(GOLDEN_GAMMA));
        Rng { state: mix(a ^ b) }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A uniform integer in `0..n` (`n > 0`), by multiply-shift. The bias
    /// is below 2^-50 for the small ranges used here.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen item (by value: the pools are `&str`s and
    /// numbers).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index into `weights`, chosen with probability proportional to
    /// its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// `k` distinct indices of `0..n` in random order (partial
    /// Fisher-Yates); fewer when `k > n`.
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }

    /// `k` distinct values of `lo..=hi`, sorted (Floyd's algorithm, so the
    /// cost does not depend on the width of the range).
    pub fn sorted_distinct(&mut self, lo: usize, hi: usize, k: usize) -> Vec<usize> {
        let n = hi - lo + 1;
        let k = k.min(n);
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        for j in n - k..n {
            let t = self.below(j + 1);
            if chosen.contains(&t) {
                chosen.push(j);
            } else {
                chosen.push(t);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|v| v + lo).collect()
    }

    /// A draw from the triangular distribution on `[low, high]` with its
    /// peak at `mode` (inverse CDF; `sqrt` is exactly rounded in IEEE 754,
    /// so the result is the same on every machine).
    pub fn triangular(&mut self, low: f64, high: f64, mode: f64) -> f64 {
        let u = self.unit();
        let c = (mode - low) / (high - low);
        if u < c {
            low + (u * (high - low) * (mode - low)).sqrt()
        } else {
            high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::for_report(42, 7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_report(42, 7).next_u64(),
            Rng::for_report(42, 8).next_u64()
        );
        assert_ne!(
            Rng::for_report(42, 7).next_u64(),
            Rng::for_report(43, 7).next_u64()
        );
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            let x = r.range(3, 5);
            assert!((3..=5).contains(&x));
            let t = r.triangular(600.0, 8800.0, 3900.0);
            assert!((600.0..=8800.0).contains(&t));
            assert!(r.weighted(&[5, 0, 20]) != 1);
        }
        let s = r.sorted_distinct(0, 4, 5);
        assert_eq!(s, vec![0, 1, 2, 3, 4]);
        let s = r.sorted_distinct(10, 1000, 8);
        assert!(s.windows(2).all(|w| w[0] < w[1]) && s.len() == 8);
        let mut p = r.sample(10, 10);
        p.sort_unstable();
        assert_eq!(p, (0..10).collect::<Vec<_>>());
    }
}
