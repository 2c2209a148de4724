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

mod loess;
#[cfg(test)]
mod tests;

pub(crate) use self::loess::LoessCache;
use self::loess::{ess, est};
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
