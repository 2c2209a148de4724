//! Loess smoothing as the Fortran `stl.f` does it (`est`, `ess`), and the cached plans that
//! turn a pass without robustness weights into dot products.

// The port keeps the Fortran's index loops so it can be checked against it line by line.
#![allow(clippy::needless_range_loop)]

/// Tricube weight of distance `r` for half-width `h` (the Fortran thresholds included).
#[inline]
pub(super) fn tricube(r: f64, h: f64) -> f64 {
    if r <= 0.001 * h {
        1.0
    } else if r <= 0.999 * h {
        (1.0 - (r / h).powi(3)).powi(3)
    } else {
        0.0
    }
}

/// Local fit at position `xs` (1-based) using the points `nleft..=nright` (1-based);
/// `NaN` when all weights vanish.
#[allow(clippy::too_many_arguments)]
pub(super) fn est(
    y: &[f64],
    len: usize,
    ideg: u8,
    xs: i64,
    nleft: usize,
    nright: usize,
    w: &mut [f64],
    rw: Option<&[f64]>,
) -> f64 {
    if !est_weights(y.len(), len, ideg, xs, nleft, nright, w, rw) {
        return f64::NAN;
    }
    let mut ys = 0.0;
    for j in nleft - 1..nright {
        ys += w[j] * y[j];
    }
    ys
}

/// The weights of the local fit at `xs` into `w[nleft - 1..nright]`; false when they all
/// vanish.
#[allow(clippy::too_many_arguments)]
fn est_weights(
    n: usize,
    len: usize,
    ideg: u8,
    xs: i64,
    nleft: usize,
    nright: usize,
    w: &mut [f64],
    rw: Option<&[f64]>,
) -> bool {
    let range = n as f64 - 1.0;
    let mut h = (xs - nleft as i64).max(nright as i64 - xs) as f64;
    if len > n {
        h += ((len - n) / 2) as f64;
    }
    let mut a = 0.0;
    for j in nleft - 1..nright {
        let r = (j as i64 + 1 - xs).abs() as f64;
        let mut wj = tricube(r, h);
        if let Some(rw) = rw {
            wj *= rw[j];
        }
        w[j] = wj;
        a += wj;
    }
    if a <= 0.0 {
        return false;
    }
    for wj in &mut w[nleft - 1..nright] {
        *wj /= a;
    }
    if h > 0.0 && ideg > 0 {
        let mut a = 0.0;
        for j in nleft - 1..nright {
            a += w[j] * (j + 1) as f64;
        }
        let mut b = xs as f64 - a;
        let mut c = 0.0;
        for j in nleft - 1..nright {
            c += w[j] * ((j + 1) as f64 - a).powi(2);
        }
        if c.sqrt() > 0.001 * range {
            b /= c;
            for j in nleft - 1..nright {
                w[j] *= b * ((j + 1) as f64 - a) + 1.0;
            }
        }
    }
    true
}

/// The loess window `(nleft, nright)` (1-based) that `ess` uses at `i` (0-based).
fn window(n: usize, len: usize, i: usize) -> (usize, usize) {
    if len >= n {
        return (1, n);
    }
    let nsh = (len + 2) / 2;
    // The Fortran slides the window by one once past nsh, until it reaches the end.
    let shift = (i + 1).saturating_sub(nsh).min(n - len);
    (1 + shift, len + shift)
}

/// How one output of a loess smoother is formed from its input.
#[derive(Debug, Clone, Copy)]
enum Row {
    /// The shared symmetric kernel over `y[start..start + len]`.
    Kernel(usize),
    /// Own weights `weights[offset..offset + count]` over `y[start..start + count]`.
    Weights {
        start: usize,
        offset: usize,
        count: usize,
    },
    /// No weight: keep the input value (the Fortran's fallback).
    Copy,
}

/// Precomputed loess weights for one (length, span, degree) without robustness weights:
/// they depend only on positions, so the inner loop becomes dot products.
#[derive(Debug, Clone)]
struct LoessPlan {
    n: usize,
    len: usize,
    ideg: u8,
    kernel: Vec<f64>,
    weights: Vec<f64>,
    rows: Vec<Row>,
}

impl LoessPlan {
    fn new(n: usize, len: usize, ideg: u8) -> LoessPlan {
        let half = (len - 1) / 2;
        let mut kernel = Vec::new();
        if len < n && len % 2 == 1 {
            let h = half as f64;
            kernel.extend((0..len).map(|k| tricube((k as f64 - h).abs(), h)));
            let total: f64 = kernel.iter().sum();
            kernel.iter_mut().for_each(|w| *w /= total);
        }
        let mut weights = Vec::new();
        let mut scratch = vec![0.0; n];
        let rows = (0..n)
            .map(|i| {
                let (nleft, nright) = window(n, len, i);
                let xs = i + 1;
                if !kernel.is_empty() && xs - nleft == half && nright - xs == half {
                    return Row::Kernel(nleft - 1);
                }
                if !est_weights(n, len, ideg, xs as i64, nleft, nright, &mut scratch, None) {
                    return Row::Copy;
                }
                let offset = weights.len();
                weights.extend_from_slice(&scratch[nleft - 1..nright]);
                Row::Weights {
                    start: nleft - 1,
                    offset,
                    count: nright - nleft + 1,
                }
            })
            .collect();
        LoessPlan {
            n,
            len,
            ideg,
            kernel,
            weights,
            rows,
        }
    }

    fn apply(&self, y: &[f64], ys: &mut [f64]) {
        for (i, row) in self.rows.iter().enumerate() {
            ys[i] = match *row {
                Row::Kernel(start) => symmetric_dot(&self.kernel, &y[start..start + self.len]),
                Row::Weights {
                    start,
                    offset,
                    count,
                } => dot(
                    &self.weights[offset..offset + count],
                    &y[start..start + count],
                ),
                Row::Copy => y[i],
            };
        }
    }
}

/// Loess plans by (length, span, degree), reused across STL passes and MSTL iterations.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoessCache {
    plans: Vec<LoessPlan>,
}

impl LoessCache {
    fn plan(&mut self, n: usize, len: usize, ideg: u8) -> &LoessPlan {
        let found = self
            .plans
            .iter()
            .position(|p| p.n == n && p.len == len && p.ideg == ideg);
        let k = match found {
            Some(k) => k,
            None => {
                self.plans.push(LoessPlan::new(n, len, ideg));
                self.plans.len() - 1
            }
        };
        &self.plans[k]
    }
}

/// Loess smoothing of `y` with span `len` at every point (jump 1), into `ys`.
/// `res` is scratch space; without robustness weights the plan in `cache` is used.
pub(super) fn ess(
    y: &[f64],
    len: usize,
    ideg: u8,
    rw: Option<&[f64]>,
    ys: &mut [f64],
    res: &mut [f64],
    cache: &mut LoessCache,
) {
    let n = y.len();
    if n < 2 {
        ys[0] = y[0];
        return;
    }
    if rw.is_none() {
        cache.plan(n, len, ideg).apply(y, &mut ys[..n]);
        return;
    }
    for i in 0..n {
        let (nleft, nright) = window(n, len, i);
        let v = est(y, len, ideg, i as i64 + 1, nleft, nright, res, rw);
        ys[i] = if v.is_nan() { y[i] } else { v };
    }
}

/// `dot(kernel, y)` for a symmetric kernel of odd length: pairs `y[j] + y[len - 1 - j]`
/// first, halving the multiplications.
#[inline]
fn symmetric_dot(kernel: &[f64], y: &[f64]) -> f64 {
    let half = kernel.len() / 2;
    let mut acc = [0.0f64; 4];
    let (left, right) = (&y[..half], &y[half + 1..]);
    let (kc, lc) = (kernel[..half].chunks_exact(4), left.chunks_exact(4));
    let rc = right.rchunks_exact(4);
    let (kr, lr, rr) = (kc.remainder(), lc.remainder(), rc.remainder());
    for ((k, l), r) in kc.zip(lc).zip(rc) {
        for m in 0..4 {
            acc[m] += k[m] * (l[m] + r[3 - m]);
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (m, (k, l)) in kr.iter().zip(lr).enumerate() {
        s += k * (l + rr[rr.len() - 1 - m]);
    }
    s + kernel[half] * y[half]
}

/// A dot product with eight accumulators over exact chunks (lets the compiler vectorise).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}
