//! Stable sorting that costs the wasm one copy of the sort, not one per call site.
//!
//! `slice::sort_by` is generic over the element and the comparison closure, so every call
//! site gets its own copy of the standard library's sort (about 4 KB of wasm each): fifty
//! of them were a tenth of the page's code (issue 7, BENCHMARKS.md "Bundle"). Here the
//! standard sort runs once, over indices, with the comparison behind a `dyn` call; each
//! call site only adds the small closure and the permutation below.
//!
//! The result is exactly that of `slice::sort_by`: a stable sort orders elements that
//! compare equal as they were, and sorting indices `0..n` stably does the same.

use std::cmp::Ordering;

/// `sort`, `sort_by` and `sort_by_key` for slices, with one shared sort underneath.
pub trait StableSort<T> {
    /// Like `slice::sort_by`: stable.
    fn sort_stable_by<F: FnMut(&T, &T) -> Ordering>(&mut self, cmp: F);

    /// Like `slice::sort_by_key`: stable, and the key is computed per comparison.
    fn sort_stable_by_key<K: Ord, F: FnMut(&T) -> K>(&mut self, mut key: F) {
        self.sort_stable_by(|a, b| key(a).cmp(&key(b)))
    }

    /// Like `slice::sort`: stable.
    fn sort_stable(&mut self)
    where
        T: Ord,
    {
        self.sort_stable_by(T::cmp)
    }
}

impl<T> StableSort<T> for [T] {
    fn sort_stable_by<F: FnMut(&T, &T) -> Ordering>(&mut self, mut cmp: F) {
        if self.len() < 2 {
            return;
        }
        let v: &[T] = self;
        let order = sorted_indices(v.len(), &mut |i, j| cmp(&v[i], &v[j]));
        permute(self, order);
    }
}

/// The indices `0..n` in the order `cmp` (which compares the elements at two indices)
/// sorts them, stably. Not generic: one copy in the whole program.
#[inline(never)]
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| cmp(i, j));
    order
}

/// Rearranges `v` so that `v[k]` becomes the old `v[order[k]]`, by following each cycle of
/// the permutation with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StableSort;
    use crate::rng::Rng;

    #[test]
    fn sorts_like_the_standard_library_and_stays_stable() {
        let mut rng = Rng::new(7);
        for n in [0usize, 1, 2, 3, 5, 17, 100, 1000] {
            let v: Vec<(u64, usize)> = (0..n).map(|i| (rng.below(8), i)).collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            ours.sort_stable_by(|a, b| a.0.cmp(&b.0));
            std.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, std, "n = {n}");
            let mut ours = v.clone();
            let mut std = v;
            ours.sort_stable_by_key(|p| std::cmp::Reverse(p.0));
            std.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(ours, std, "n = {n}");
        }
        let mut words = vec!["b", "a", "c", "a"];
        words.sort_stable();
        assert_eq!(words, ["a", "a", "b", "c"]);
    }
}
