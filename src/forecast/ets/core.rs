//! The ETS recursions: one-step forecast and state update (R `forecast::ets`, C file
//! `etscalc.c`), the likelihood criterion, point forecasts and simulation.
//!
//! Seasonal states are kept in a ring indexed by phase (`t mod m`), so one step costs the same
//! for `m = 4` and `m = 168`; R shifts the whole seasonal vector each step. States are exchanged
//! with the outside in R's order `[l, b, s_1, ..., s_m]` with `s_1` the most recent season
//! ([`ring_from_r`], [`r_from_ring`]).

/// Below this magnitude a divisor is treated as zero (R's `TOL`).
const TOL: f64 = 1e-10;
/// Stand-in for a division by zero (R's `HUGEN`).
const HUGEN: f64 = 1e10;

/// Error type: additive (`A`) or multiplicative (`M`, relative errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// `y = forecast + e`.
    Additive,
    /// `y = forecast * (1 + e)`; needs strictly positive data.
    Multiplicative,
}

/// Trend type. Multiplicative trends are not offered (as in statsforecast by default): they
/// extrapolate exponentially, which is rarely what a capacity plan wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrendType {
    /// No trend (`N`).
    None,
    /// Additive (linear) trend (`A`).
    Additive,
    /// Additive damped trend (`Ad`), damping factor `phi`.
    Damped,
}

/// Season type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeasonType {
    /// No season (`N`).
    None,
    /// Additive season (`A`).
    Additive,
    /// Multiplicative season (`M`); needs strictly positive data.
    Multiplicative,
}

/// One complete model specification, e.g. `ETS(M,Ad,A)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Spec {
    /// Error type.
    pub error: ErrorType,
    /// Trend type.
    pub trend: TrendType,
    /// Season type.
    pub season: SeasonType,
}

impl Spec {
    /// `ETS(A,Ad,M)`-style name.
    pub fn name(&self) -> String {
        let e = match self.error {
            ErrorType::Additive => "A",
            ErrorType::Multiplicative => "M",
        };
        let t = match self.trend {
            TrendType::None => "N",
            TrendType::Additive => "A",
            TrendType::Damped => "Ad",
        };
        let s = match self.season {
            SeasonType::None => "N",
            SeasonType::Additive => "A",
            SeasonType::Multiplicative => "M",
        };
        format!("ETS({e},{t},{s})")
    }

    pub(crate) fn has_trend(&self) -> bool {
        self.trend != TrendType::None
    }

    pub(crate) fn has_season(&self) -> bool {
        self.season != SeasonType::None
    }
}

/// Smoothing parameters; `beta`, `gamma` are ignored without trend / season and `phi` is 1
/// for undamped trends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothing {
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
    pub(crate) gamma: f64,
    pub(crate) phi: f64,
}

/// A specification with its smoothing parameters: one step of the recursion.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub(crate) spec: Spec,
    pub(crate) par: Smoothing,
}

impl Step {
    /// The one-step forecast from level `l`, trend `b` and the season `s` for this phase.
    #[inline(always)]
    pub(crate) fn forecast(&self, l: f64, b: f64, s: f64) -> f64 {
        let q = match self.spec.trend {
            TrendType::None => l,
            TrendType::Additive => l + b,
            TrendType::Damped => l + self.par.phi * b,
        };
        match self.spec.season {
            SeasonType::None => q,
            SeasonType::Additive => q + s,
            SeasonType::Multiplicative => q * s,
        }
    }

    /// Updates `(l, b)` and returns the new season for this phase after observing `y`.
    #[inline(always)]
    pub(crate) fn update(&self, l: &mut f64, b: &mut f64, s: f64, y: f64) -> f64 {
        let Smoothing {
            alpha,
            beta,
            gamma,
            phi,
        } = self.par;
        let phib = match self.spec.trend {
            TrendType::None => 0.0,
            TrendType::Additive => *b,
            TrendType::Damped => phi * *b,
        };
        let q = *l + phib;
        let p = match self.spec.season {
            SeasonType::None => y,
            SeasonType::Additive => y - s,
            SeasonType::Multiplicative => {
                if s.abs() < TOL {
                    HUGEN
                } else {
                    y / s
                }
            }
        };
        let old_l = *l;
        *l = q + alpha * (p - q);
        if self.spec.trend != TrendType::None {
            let r = *l - old_l;
            *b = phib + (beta / alpha) * (r - phib);
        }
        match self.spec.season {
            SeasonType::None => s,
            SeasonType::Additive => s + gamma * (y - q - s),
            SeasonType::Multiplicative => {
                let t = if q.abs() < TOL { HUGEN } else { y / q };
                s + gamma * (t - s)
            }
        }
    }

    /// The error term of `y` against the one-step forecast `f`.
    #[inline(always)]
    pub(crate) fn error(&self, y: f64, f: f64) -> f64 {
        match self.spec.error {
            ErrorType::Additive => y - f,
            ErrorType::Multiplicative => (y - f) / f,
        }
    }
}

/// Converts seasonal states in R order (`s_1` most recent) into a ring where `ring[k]` is the
/// season of the `k`-th next observation (mod `m`).
pub(crate) fn ring_from_r(r: &[f64], ring: &mut [f64]) {
    let m = r.len();
    for k in 0..m {
        ring[k] = r[m - 1 - k];
    }
}

/// Converts a ring after `n` observations back into R order.
pub(crate) fn r_from_ring(ring: &[f64], n: usize) -> Vec<f64> {
    let m = ring.len();
    (0..m).map(|j| ring[(n % m + m - 1 - j) % m]).collect()
}

/// The R ets likelihood criterion (-2 log-likelihood up to constants):
/// `n log(SSE)` for additive errors, `n log(sum e^2) + 2 sum log|yhat|` for multiplicative
/// ones. `ring` holds the initial seasons (as from [`ring_from_r`]) and is overwritten.
/// Returns `f64::INFINITY` when the recursion breaks down and `-1e10` for perfect fits.
///
/// This is the hot loop of estimation: it is compiled once per model form (the components
/// become constants) and allocates nothing.
pub(crate) fn criterion(step: &Step, y: &[f64], l0: f64, b0: f64, ring: &mut [f64]) -> f64 {
    use ErrorType as E;
    use SeasonType as S;
    use TrendType as T;
    macro_rules! dispatch {
        ($($e:ident $t:ident $s:ident => $me:literal $tt:literal $ss:literal;)*) => {
            match (step.spec.error, step.spec.trend, step.spec.season) {
                $((E::$e, T::$t, S::$s) => criterion_for::<$me, $tt, $ss>(&step.par, y, l0, b0, ring),)*
            }
        };
    }
    dispatch! {
        Additive None None => false 0 0; Additive None Additive => false 0 1;
        Additive None Multiplicative => false 0 2; Additive Additive None => false 1 0;
        Additive Additive Additive => false 1 1; Additive Additive Multiplicative => false 1 2;
        Additive Damped None => false 2 0; Additive Damped Additive => false 2 1;
        Additive Damped Multiplicative => false 2 2;
        Multiplicative None None => true 0 0; Multiplicative None Additive => true 0 1;
        Multiplicative None Multiplicative => true 0 2; Multiplicative Additive None => true 1 0;
        Multiplicative Additive Additive => true 1 1;
        Multiplicative Additive Multiplicative => true 1 2;
        Multiplicative Damped None => true 2 0; Multiplicative Damped Additive => true 2 1;
        Multiplicative Damped Multiplicative => true 2 2;
    }
}

/// [`criterion`] for one model form: `MULT` error, `TREND` 0 none / 1 additive / 2 damped,
/// `SEASON` 0 none / 1 additive / 2 multiplicative.
#[inline(never)]
fn criterion_for<const MULT: bool, const TREND: u8, const SEASON: u8>(
    par: &Smoothing,
    y: &[f64],
    l0: f64,
    b0: f64,
    ring: &mut [f64],
) -> f64 {
    let Smoothing {
        alpha,
        beta,
        gamma,
        phi,
    } = *par;
    let (mut l, mut b) = (l0, b0);
    let m = ring.len();
    let (mut sse, mut logf, mut prod) = (0.0, 0.0, 1.0f64);
    let mut k = 0;
    for &yt in y {
        let s = if SEASON > 0 { ring[k] } else { 0.0 };
        let phib = match TREND {
            0 => 0.0,
            1 => b,
            _ => phi * b,
        };
        let q = l + phib;
        let f = match SEASON {
            0 => q,
            1 => q + s,
            _ => q * s,
        };
        let e = if MULT { (yt - f) / f } else { yt - f };
        sse += e * e;
        if MULT {
            // Sum of logs as the log of a product, flushed before it can overflow.
            prod *= f.abs();
            if !(1e-150..=1e150).contains(&prod) {
                logf += prod.ln();
                prod = 1.0;
            }
        }
        let p = match SEASON {
            0 => yt,
            1 => yt - s,
            _ => {
                if s.abs() < TOL {
                    HUGEN
                } else {
                    yt / s
                }
            }
        };
        // R: b = phib + beta / alpha * (new_l - l - phib) and s + gamma * (y - q - s); both
        // differences equal `p - q` (times alpha), which keeps the dependency chain short.
        let innovation = p - q;
        let new_l = q + alpha * innovation;
        if TREND > 0 {
            b = phib + beta * innovation;
        }
        if SEASON > 0 {
            ring[k] = match SEASON {
                1 => s + gamma * innovation,
                _ => {
                    let t = if q.abs() < TOL { HUGEN } else { yt / q };
                    s + gamma * (t - s)
                }
            };
            k += 1;
            if k == m {
                k = 0;
            }
        }
        l = new_l;
    }
    if MULT {
        logf += prod.ln();
    }
    let lik = y.len() as f64 * sse.ln() + 2.0 * logf;
    if lik.is_nan() {
        f64::INFINITY
    } else if lik < -1e10 {
        -1e10
    } else {
        lik
    }
}

/// The full in-sample pass: errors, one-step forecasts and the final state
/// (`[l, b, s_1..s_m]` in R order; `b` is 0 without trend, no seasons without season).
pub(crate) struct Pass {
    pub(crate) errors: Vec<f64>,
    pub(crate) fitted: Vec<f64>,
    pub(crate) level: f64,
    pub(crate) trend: f64,
    pub(crate) seasons: Vec<f64>,
}

pub(crate) fn full_pass(step: &Step, y: &[f64], l0: f64, b0: f64, seasons_r: &[f64]) -> Pass {
    let m = seasons_r.len();
    let mut ring = vec![0.0; m];
    ring_from_r(seasons_r, &mut ring);
    let (mut l, mut b) = (l0, b0);
    let mut errors = Vec::with_capacity(y.len());
    let mut fitted = Vec::with_capacity(y.len());
    for (t, &yt) in y.iter().enumerate() {
        let s = if m > 0 { ring[t % m] } else { 0.0 };
        let f = step.forecast(l, b, s);
        errors.push(step.error(yt, f));
        fitted.push(f);
        let new_s = step.update(&mut l, &mut b, s, yt);
        if m > 0 {
            ring[t % m] = new_s;
        }
    }
    let seasons = if m > 0 {
        r_from_ring(&ring, y.len())
    } else {
        Vec::new()
    };
    Pass {
        errors,
        fitted,
        level: l,
        trend: b,
        seasons,
    }
}

/// Point forecasts for `horizon` steps from a final state (R order).
pub(crate) fn point_forecast(
    step: &Step,
    l: f64,
    b: f64,
    seasons_r: &[f64],
    horizon: usize,
) -> Vec<f64> {
    let m = seasons_r.len();
    let phi = step.par.phi;
    let mut phistar = match step.spec.trend {
        TrendType::Damped => phi,
        _ => 1.0,
    };
    let mut out = Vec::with_capacity(horizon);
    for i in 0..horizon {
        let q = match step.spec.trend {
            TrendType::None => l,
            _ => l + phistar * b,
        };
        let f = match step.spec.season {
            SeasonType::None => q,
            SeasonType::Additive => q + seasons_r[m - 1 - i % m],
            SeasonType::Multiplicative => q * seasons_r[m - 1 - i % m],
        };
        out.push(f);
        match step.spec.trend {
            TrendType::Damped => phistar += phi.powi(i as i32 + 2),
            _ => phistar += 1.0,
        }
    }
    out
}

/// Simulates one future path with the given errors (`e[i]` absolute for additive errors,
/// relative for multiplicative ones). `ring` is scratch of length `m`, filled here.
pub(crate) fn simulate(
    step: &Step,
    state: (f64, f64, &[f64]),
    errors: &[f64],
    ring: &mut [f64],
    out: &mut [f64],
) {
    let (mut l, mut b, seasons_r) = state;
    ring_from_r(seasons_r, ring);
    let m = ring.len();
    for (i, (&e, o)) in errors.iter().zip(out.iter_mut()).enumerate() {
        let s = if m > 0 { ring[i % m] } else { 0.0 };
        let f = step.forecast(l, b, s);
        let y = match step.spec.error {
            ErrorType::Additive => f + e,
            ErrorType::Multiplicative => f * (1.0 + e),
        };
        *o = y;
        let new_s = step.update(&mut l, &mut b, s, y);
        if m > 0 {
            ring[i % m] = new_s;
        }
    }
}
