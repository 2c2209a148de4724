//! STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning 1990,
//! *Journal of Official Statistics* 6(1)).
//!
//! A line-for-line port of the reference Fortran `stl.f` as statsmodels runs it
//! (`statsmodels.tsa.seasonal.STL`), with the same defaults, so that [`super::mstl`]
//! reproduces statsforecast's `MSTL` decomposition to rounding error:
//!
//! | parameter | default | range |
//! |---|---|---|
//! | `period` | required | >= 2 |
//! | `seasonal` (seasonal smoother span) | 7 | odd, >= 3 |
//! | `trend` span | smallest odd >= `1.5 * period / (1 - 1.5 / seasonal)` | odd, > `period` |
//! | `low_pass` span | smallest odd > `period` | odd, > `period` |
//! | `seasonal_deg`, `trend_deg`, `low_pass_deg` | 1 | 0 or 1 |
//! | `robust` | false | |
//! | inner / outer iterations | 5 / 0 (2 / 15 when robust) | >= 1 / >= 0 |
//!
//! Why not the `stlrs` crate (0.4.0, checked): it ports the same Fortran but with R `stl`'s
//! defaults (smoother jumps of `ceil(span / 10)`, interpolating between fitted points; spans
//! computed in `f32`), so it does not reproduce statsmodels/statsforecast, and it recomputes
//! every loess weight on every pass. Owning the ~400 lines keeps us exact and fast.
//!
//! Speed: without robustness weights the loess weights depend only on positions, so each
//! (length, span, degree) gets a plan computed once (`LoessCache`, shared by the inner
//! passes and by MSTL's iterations): away from the ends every window is symmetric and uses
//! one kernel (the local linear term vanishes), near the ends each point keeps its own
//! weights. A smoothing pass is then a set of dot products. Results equal the point-by-point
//! Fortran to about 1e-12.

// The port keeps the Fortran's index loops so it can be checked against it line by line.
#![allow(clippy::needless_range_loop)]

use crate::error::{Error, Result};

/// Parameters of an STL decomposition (see the module table for defaults and ranges).
#[derive(Debug, Clone, PartialEq)]
pub struct StlParams {
    period: usize,
    seasonal: usize,
    trend: Option<usize>,
    low_pass: Option<usize>,
    seasonal_deg: u8,
    trend_deg: u8,
    low_pass_deg: u8,
    robust: bool,
    inner_iter: Option<usize>,
    outer_iter: Option<usize>,
}

/// The result of a decomposition: `y = trend + seasonal + remainder`.
#[derive(Debug, Clone, PartialEq)]
pub struct StlDecomposition {
    /// The trend component.
    pub trend: Vec<f64>,
    /// The seasonal component.
    pub seasonal: Vec<f64>,
    /// The remainder `y - trend - seasonal`.
    pub remainder: Vec<f64>,
    /// Robustness weights (all 1 without `robust`).
    pub weights: Vec<f64>,
}

impl StlParams {
    /// STL with seasonal period `period` (steps per cycle) and the defaults of the module table.
    pub fn new(period: usize) -> Self {
        StlParams {
            period,
            seasonal: 7,
            trend: None,
            low_pass: None,
            seasonal_deg: 1,
            trend_deg: 1,
            low_pass_deg: 1,
            robust: false,
            inner_iter: None,
            outer_iter: None,
        }
    }
    /// Span of the seasonal (cycle-subseries) smoother, in cycles: odd, at least 3.
    pub fn seasonal(mut self, span: usize) -> Self {
        self.seasonal = span;
        self
    }
    /// Span of the trend smoother in steps: odd and larger than the period.
    pub fn trend(mut self, span: usize) -> Self {
        self.trend = Some(span);
        self
    }
    /// Span of the low-pass filter's loess in steps: odd and larger than the period.
    pub fn low_pass(mut self, span: usize) -> Self {
        self.low_pass = Some(span);
        self
    }
    /// Local polynomial degree (0 or 1) of the seasonal smoother.
    pub fn seasonal_deg(mut self, deg: u8) -> Self {
        self.seasonal_deg = deg;
        self
    }
    /// Local polynomial degree (0 or 1) of the trend smoother.
    pub fn trend_deg(mut self, deg: u8) -> Self {
        self.trend_deg = deg;
        self
    }
    /// Local polynomial degree (0 or 1) of the low-pass smoother.
    pub fn low_pass_deg(mut self, deg: u8) -> Self {
        self.low_pass_deg = deg;
        self
    }
    /// Robust fitting: outer iterations down-weight outliers (bisquare of 6 MAD).
    pub fn robust(mut self, robust: bool) -> Self {
        self.robust = robust;
        self
    }
    /// Number of inner loop passes (default 5, or 2 when robust).
    pub fn inner_iter(mut self, n: usize) -> Self {
        self.inner_iter = Some(n);
        self
    }
    /// Number of robustness (outer) iterations (default 0, or 15 when robust).
    pub fn outer_iter(mut self, n: usize) -> Self {
        self.outer_iter = Some(n);
        self
    }

    /// The trend span used: the one set, or the statsmodels default.
    pub fn trend_span(&self) -> usize {
        self.trend.unwrap_or_else(|| {
            let p = self.period as f64;
            let t = (1.5 * p / (1.0 - 1.5 / self.seasonal as f64)).ceil() as usize;
            t + usize::from(t % 2 == 0)
        })
    }

    /// The low-pass span used: the one set, or the smallest odd number above the period.
    pub fn low_pass_span(&self) -> usize {
        self.low_pass
            .unwrap_or(self.period + 1 + usize::from((self.period + 1) % 2 == 0))
    }

    fn check(&self, n: usize) -> Result<()> {
        if self.period < 2 {
            return Err(Error::parameter("period", "must be at least 2"));
        }
        if self.seasonal < 3 || self.seasonal % 2 == 0 {
            return Err(Error::parameter(
                "seasonal",
                format!("must be an odd number >= 3, got {}", self.seasonal),
            ));
        }
        for (name, span) in [
            ("trend", self.trend_span()),
            ("low_pass", self.low_pass_span()),
        ] {
            if span < 3 || span % 2 == 0 || span <= self.period {
                return Err(Error::parameter(
                    name,
                    format!(
                        "must be an odd number >= 3 above the period {}, got {span}",
                        self.period
                    ),
                ));
            }
        }
        for (name, deg) in [
            ("seasonal_deg", self.seasonal_deg),
            ("trend_deg", self.trend_deg),
            ("low_pass_deg", self.low_pass_deg),
        ] {
            if deg > 1 {
                return Err(Error::parameter(name, format!("must be 0 or 1, got {deg}")));
            }
        }
        if self.inner_iter == Some(0) {
            return Err(Error::parameter("inner_iter", "must be at least 1"));
        }
        if n < 2 * self.period {
            return Err(Error::parameter(
                "y",
                format!(
                    "stl with period {} needs at least {} values (two cycles), the series has {n}",
                    self.period,
                    2 * self.period
                ),
            ));
        }
        Ok(())
    }

    /// Decomposes `y` into trend, seasonal and remainder.
    ///
    /// # Errors
    /// [`Error::Parameter`] for invalid spans or degrees, a series shorter than two periods,
    /// or a value that is not finite.
    pub fn decompose(&self, y: &[f64]) -> Result<StlDecomposition> {
        self.decompose_with(y, &mut LoessCache::default())
    }

    /// [`StlParams::decompose`] reusing the loess weights in `cache` (MSTL decomposes
    /// series of the same length with the same spans several times).
    pub(crate) fn decompose_with(
        &self,
        y: &[f64],
        cache: &mut LoessCache,
    ) -> Result<StlDecomposition> {
        let n = y.len();
        self.check(n)?;
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(Error::parameter(
                "y",
                format!("stl needs finite values, value {i} is {}", y[i]),
            ));
        }
        let mut stl = Stl::new(self, n);
        stl.cache = std::mem::take(cache);
        let inner = self.inner_iter.unwrap_or(if self.robust { 2 } else { 5 });
        let outer = self.outer_iter.unwrap_or(if self.robust { 15 } else { 0 });
        let mut k = 0;
        loop {
            stl.onestp(y, inner);
            k += 1;
            if k > outer {
                break;
            }
            for i in 0..n {
                stl.work[0][i] = stl.trend[i] + stl.season[i];
            }
            stl.rwts(y);
            stl.use_rw = true;
        }
        let remainder = (0..n)
            .map(|i| y[i] - stl.season[i] - stl.trend[i])
            .collect();
        Ok(StlDecomposition {
            trend: stl.trend,
            seasonal: stl.season,
            remainder,
            weights: stl.rw,
        })
    }
}

/// Working state of one decomposition (the Fortran arrays).
struct Stl {
    np: usize,
    ns: usize,
    nt: usize,
    nl: usize,
    isdeg: u8,
    itdeg: u8,
    ildeg: u8,
    use_rw: bool,
    rw: Vec<f64>,
    season: Vec<f64>,
    trend: Vec<f64>,
    work: [Vec<f64>; 5],
    cache: LoessCache,
}

impl Stl {
    fn new(p: &StlParams, n: usize) -> Stl {
        let len = n + 2 * p.period;
        Stl {
            np: p.period,
            ns: p.seasonal,
            nt: p.trend_span(),
            nl: p.low_pass_span(),
            isdeg: p.seasonal_deg,
            itdeg: p.trend_deg,
            ildeg: p.low_pass_deg,
            use_rw: false,
            rw: vec![1.0; n],
            season: vec![0.0; n],
            trend: vec![0.0; n],
            work: std::array::from_fn(|_| vec![0.0; len]),
            cache: LoessCache::default(),
        }
    }

    fn onestp(&mut self, y: &[f64], inner: usize) {
        let n = y.len();
        let np = self.np;
        for _ in 0..inner {
            for i in 0..n {
                self.work[0][i] = y[i] - self.trend[i];
            }
            self.ss(n);
            self.fts(n);
            {
                let [w0, _, w2, _, w4] = &mut self.work;
                ess(&w2[..n], self.nl, self.ildeg, None, w0, w4, &mut self.cache);
            }
            for i in 0..n {
                self.season[i] = self.work[1][np + i] - self.work[0][i];
                self.work[0][i] = y[i] - self.season[i];
            }
            let rw = if self.use_rw {
                Some(&self.rw[..])
            } else {
                None
            };
            let [w0, _, w2, _, _] = &mut self.work;
            ess(
                &w0[..n],
                self.nt,
                self.itdeg,
                rw,
                &mut self.trend,
                w2,
                &mut self.cache,
            );
        }
    }

    /// Cycle-subseries smoothing, extended by one cycle at each end.
    fn ss(&mut self, n: usize) {
        let np = self.np;
        let [y, season, work1, work2, work3] = &mut self.work;
        let work4 = &mut self.season;
        for j in 0..np {
            let k = (n - (j + 1)) / np + 1;
            for i in 0..k {
                work1[i] = y[i * np + j];
            }
            if self.use_rw {
                for i in 0..k {
                    work3[i] = self.rw[i * np + j];
                }
            }
            let rw = if self.use_rw { Some(&work3[..k]) } else { None };
            ess(
                &work1[..k],
                self.ns,
                self.isdeg,
                rw,
                &mut work2[1..],
                work4,
                &mut self.cache,
            );
            let nright = self.ns.min(k);
            let first = est(&work1[..k], self.ns, self.isdeg, 0, 1, nright, work4, rw);
            work2[0] = if first.is_nan() { work2[1] } else { first };
            let nleft = if k + 1 > self.ns { k + 1 - self.ns } else { 1 };
            let last = est(
                &work1[..k],
                self.ns,
                self.isdeg,
                k as i64 + 1,
                nleft,
                k,
                work4,
                rw,
            );
            work2[k + 1] = if last.is_nan() { work2[k] } else { last };
            for m in 0..k + 2 {
                season[m * np + j] = work2[m];
            }
        }
    }

    /// Low-pass filter of the extended seasonal: moving averages of `np`, `np` and 3.
    fn fts(&mut self, n: usize) {
        let np = self.np;
        let [w0, w1, w2, _, _] = &mut self.work;
        moving_average(&w1[..n + 2 * np], np, w2);
        moving_average(&w2[..n + np + 1], np, w0);
        moving_average(&w0[..n + 2], 3, w2);
    }

    /// Robustness weights from the residuals `y - work[0]`.
    fn rwts(&mut self, y: &[f64]) {
        let n = y.len();
        for i in 0..n {
            self.rw[i] = (y[i] - self.work[0][i]).abs();
        }
        let mut sorted = self.rw.clone();
        sorted.sort_by(f64::total_cmp);
        let cmad = 3.0 * (sorted[n / 2] + sorted[n - n / 2 - 1]);
        if cmad == 0.0 {
            self.rw.iter_mut().for_each(|w| *w = 1.0);
            return;
        }
        let (c9, c1) = (0.999 * cmad, 0.001 * cmad);
        for w in &mut self.rw {
            *w = if *w <= c1 {
                1.0
            } else if *w <= c9 {
                (1.0 - (*w / cmad).powi(2)).powi(2)
            } else {
                0.0
            };
        }
    }
}

fn moving_average(x: &[f64], len: usize, ave: &mut [f64]) {
    let newn = x.len() - len + 1;
    let flen = len as f64;
    let mut v: f64 = x[..len].iter().sum();
    ave[0] = v / flen;
    for j in 1..newn {
        v += x[len + j - 1] - x[j - 1];
        ave[j] = v / flen;
    }
}

/// Tricube weight of distance `r` for half-width `h` (the Fortran thresholds included).
#[inline]
fn tricube(r: f64, h: f64) -> f64 {
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
fn est(
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
fn ess(
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

/// Deterministic synthetic hourly series shared by the golden tests (generated identically
/// in Python for the references): trend + daily + weekly sines + LCG noise in [-2, 2).
#[cfg(test)]
pub(crate) fn synthetic_hourly(n: usize) -> Vec<f64> {
    use std::f64::consts::PI;
    let mut x: u64 = 42;
    (0..n)
        .map(|t| {
            x = (1_664_525 * x + 1_013_904_223) % (1 << 32);
            let noise = (x as f64 / 4_294_967_296.0 - 0.5) * 4.0;
            let t = t as f64;
            100.0
                + 0.02 * t
                + 10.0 * (2.0 * PI * t / 24.0).sin()
                + 5.0 * (2.0 * PI * t / 168.0).sin()
                + 3.0 * (4.0 * PI * t / 168.0).cos()
                + noise
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDX: [usize; 7] = [0, 1, 100, 700, 1200, 1438, 1439];

    fn assert_close(got: &[f64], idx: &[usize], want: &[f64], tol: f64) {
        for (&i, &w) in idx.iter().zip(want) {
            assert!((got[i] - w).abs() < tol, "at {i}: got {}, want {w}", got[i]);
        }
    }

    #[test]
    fn golden_statsmodels_stl() {
        // Reference: statsmodels 0.15.0 `STL(y, **kw).fit()` on `synthetic_hourly(1440)`;
        // tolerance 1e-9 (the port differs only by summation order).
        let y = synthetic_hourly(1440);
        assert!((y[2] - 108.689_267_739_533_53).abs() < 1e-12);
        let d = StlParams::new(24)
            .seasonal(11)
            .seasonal_deg(0)
            .decompose(&y)
            .unwrap();
        assert_close(
            &d.trend,
            &IDX,
            &[
                103.453766942581,
                103.50014731321667,
                100.1466486370646,
                116.87971654664995,
                127.0741994667275,
                130.45449041755867,
                130.36104138265222,
            ],
            1e-9,
        );
        assert_close(
            &d.seasonal,
            &IDX,
            &[
                0.2814932164318476,
                2.4792507886722834,
                8.368939498317973,
                8.719082633955912,
                -0.04123205372512098,
                -4.650480008236947,
                -1.8862655925125151,
            ],
            1e-9,
        );
        let d = StlParams::new(168)
            .seasonal(15)
            .seasonal_deg(0)
            .decompose(&y)
            .unwrap();
        assert_close(
            &d.trend,
            &IDX,
            &[
                100.02849190774741,
                100.04886477725059,
                102.06764085538103,
                114.01055862134064,
                123.98949875673797,
                128.8098403977401,
                128.82964692734393,
            ],
            1e-9,
        );
        assert_close(
            &d.seasonal,
            &IDX,
            &[
                3.347505190139349,
                5.08645181233955,
                7.525768651952925,
                11.703958996354219,
                3.1806579450912924,
                -5.0146098042070335,
                -1.5951058089194865,
            ],
            1e-9,
        );
        let d = StlParams::new(24).robust(true).decompose(&y).unwrap();
        assert_close(
            &d.trend,
            &IDX,
            &[
                104.1885638548922,
                104.17661951576157,
                100.09223348722642,
                116.81627558374574,
                127.07705323510471,
                130.835783657408,
                130.77460867451765,
            ],
            1e-9,
        );
        assert_close(
            &d.seasonal,
            &IDX,
            &[
                -1.0291400339997099,
                0.4518190089971838,
                8.56043778072561,
                8.704339489087824,
                0.463923209349358,
                -5.062951923370634,
                -2.3873266695618214,
            ],
            1e-9,
        );
    }

    #[test]
    fn default_spans_match_statsmodels() {
        // statsmodels STL(period=24, seasonal=11).config: trend 43, low_pass 25;
        // STL(period=168, seasonal=15): trend 281, low_pass 169.
        let p = StlParams::new(24).seasonal(11);
        assert_eq!((p.trend_span(), p.low_pass_span()), (43, 25));
        let p = StlParams::new(168).seasonal(15);
        assert_eq!((p.trend_span(), p.low_pass_span()), (281, 169));
        let p = StlParams::new(12);
        assert_eq!((p.trend_span(), p.low_pass_span()), (23, 13));
    }

    #[test]
    fn invalid_parameters_are_refused() {
        let y = vec![1.0; 48];
        assert!(StlParams::new(1).decompose(&y).is_err());
        assert!(StlParams::new(12).seasonal(8).decompose(&y).is_err());
        assert!(StlParams::new(12).trend(11).decompose(&y).is_err());
        assert!(StlParams::new(12).seasonal_deg(2).decompose(&y).is_err());
        assert!(StlParams::new(30).decompose(&y).is_err());
        let mut bad = y.clone();
        bad[3] = f64::NAN;
        assert!(StlParams::new(12).decompose(&bad).is_err());
    }

    #[test]
    fn constant_series_has_flat_trend_and_zero_season() {
        let d = StlParams::new(12).decompose(&[5.0; 60]).unwrap();
        assert!(d.trend.iter().all(|t| (t - 5.0).abs() < 1e-9));
        assert!(d.seasonal.iter().all(|s| s.abs() < 1e-9));
    }

    #[test]
    fn components_add_up_and_pure_season_is_recovered() {
        let y: Vec<f64> = (0..120)
            .map(|t| 10.0 + 0.1 * t as f64 + (t % 12) as f64)
            .collect();
        let d = StlParams::new(12).robust(true).decompose(&y).unwrap();
        for i in 0..y.len() {
            assert!((d.trend[i] + d.seasonal[i] + d.remainder[i] - y[i]).abs() < 1e-9);
        }
        // Mid-series the remainder of a noiseless trend + season is tiny.
        assert!(d.remainder[30..90].iter().all(|r| r.abs() < 0.05));
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    #[test]
    #[ignore]
    fn timing_stl_cold_and_warm() {
        let y = synthetic_hourly(1440);
        for (period, window) in [(24, 11), (168, 15)] {
            let p = StlParams::new(period).seasonal(window).seasonal_deg(0);
            let reps = 100;
            let t = std::time::Instant::now();
            for _ in 0..reps {
                std::hint::black_box(p.decompose(&y).unwrap());
            }
            let cold = t.elapsed() / reps;
            let mut cache = LoessCache::default();
            let t = std::time::Instant::now();
            for _ in 0..reps {
                std::hint::black_box(p.decompose_with(&y, &mut cache).unwrap());
            }
            println!(
                "period {period}: cold {cold:?}, warm {:?}",
                t.elapsed() / reps
            );
        }
    }
}
