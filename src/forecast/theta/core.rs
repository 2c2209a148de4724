//! The Theta state-space recursions (Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler
//! 2016, *Models for optimising the theta method and their relationship to state space
//! models*, IJF 32(4)), as statsforecast's `theta.cpp` runs them, and the bounded
//! Nelder-Mead that statsforecast uses to fit them.
//!
//! The state is `(level, mean of y so far, A, B, one-step forecast mu)`. `A + B t` is the
//! linear trend (theta line 0) fitted by least squares; the forecast is
//! `level + (1 - 1/theta) * (A (1 - alpha)^t + B (1 - (1 - alpha)^(t + 1)) / alpha)`, which for
//! `theta = 2` is Hyndman & Billah's (2003) SES with drift equal to half the trend slope.
//! Dynamic models (DSTM, DOTM) update `A` and `B` as each value arrives.

use super::ThetaModel;

/// Lower and upper bounds on (initial level, alpha, theta), as statsforecast.
pub(super) const LOWER: [f64; 3] = [-1e10, 0.1, 1.0];
pub(super) const UPPER: [f64; 3] = [1e10, 0.99, 1e10];

/// One row of the state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct State {
    pub level: f64,
    pub mean_y: f64,
    pub a: f64,
    pub b: f64,
    pub mu: f64,
}

/// The initial state before the first value (statsforecast `init_state`).
pub(super) fn init_state(
    y: &[f64],
    model: ThetaModel,
    initial_smoothed: f64,
    alpha: f64,
    theta: f64,
) -> State {
    let (a, b, mu) = if model.is_dynamic() {
        (y[0], 0.0, y[0])
    } else {
        let (a, b) = linear_trend(y);
        (a, b, initial_smoothed + (1.0 - 1.0 / theta) * (a + b))
    };
    State {
        level: alpha * y[0] + (1.0 - alpha) * initial_smoothed,
        mean_y: y[0],
        a,
        b,
        mu,
    }
}

/// Least-squares intercept and slope of `y` against `t = 1..n`.
pub(super) fn linear_trend(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let weighted = y
        .iter()
        .enumerate()
        .map(|(i, v)| v * (i + 1) as f64)
        .sum::<f64>()
        / n;
    if n < 2.0 {
        return (mean, 0.0);
    }
    let b = 6.0 * (2.0 * weighted - (n + 1.0) * mean) / (n * n - 1.0);
    (mean - (n + 1.0) * b / 2.0, b)
}

/// One transition at time index `i` (1-based count of values seen); `y = None` feeds the
/// state its own forecast (used to forecast several steps ahead). `decay` is
/// `(1 - alpha)^i`, kept by the caller (see [`Decay`]).
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn step(
    prev: &State,
    i: usize,
    decay: f64,
    model: ThetaModel,
    alpha: f64,
    theta: f64,
    y: Option<f64>,
) -> State {
    let fi = i as f64;
    let mu = prev.level
        + (1.0 - 1.0 / theta) * (prev.a * decay + prev.b * (1.0 - decay * (1.0 - alpha)) / alpha);
    let y = y.unwrap_or(mu);
    let level = alpha * y + (1.0 - alpha) * prev.level;
    let mean_y = (fi * prev.mean_y + y) / (fi + 1.0);
    let (a, b) = if model.is_dynamic() {
        let b = ((fi - 1.0) * prev.b + 6.0 * (y - prev.mean_y) / (fi + 1.0)) / (fi + 2.0);
        (mean_y - b * (fi + 2.0) / 2.0, b)
    } else {
        (prev.a, prev.b)
    };
    State {
        level,
        mean_y,
        a,
        b,
        mu,
    }
}

/// `(1 - alpha)^i` for consecutive `i`, by repeated multiplication (a `powf` per step
/// dominated the fitting time); relative drift stays below `i * 1e-16`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Decay {
    value: f64,
    factor: f64,
}

impl Decay {
    /// Starts at `(1 - alpha)^i`.
    pub(super) fn at(alpha: f64, i: usize) -> Decay {
        let factor = 1.0 - alpha;
        Decay {
            value: factor.powf(i as f64),
            factor,
        }
    }
    /// The current power, then advances to the next.
    #[inline]
    pub(super) fn next(&mut self) -> f64 {
        let v = self.value;
        self.value *= self.factor;
        v
    }
}

/// The point forecasts `1..=h` steps after `state`, the state after `i` values.
pub(super) fn forecast(
    state: &State,
    i: usize,
    model: ThetaModel,
    alpha: f64,
    theta: f64,
    out: &mut [f64],
) {
    let mut s = *state;
    let mut decay = Decay::at(alpha, i);
    for (j, o) in out.iter_mut().enumerate() {
        s = step(&s, i + j, decay.next(), model, alpha, theta, None);
        *o = s.mu;
    }
}

/// The result of running the model through the history.
pub(super) struct Run {
    /// `sum(e[3..]^2) / mean(|y|)`: statsforecast's objective and "mse".
    pub objective: f64,
    /// One-step errors (e[0] against the initial state's forecast).
    pub errors: Vec<f64>,
    /// One-step forecasts.
    pub fitted: Vec<f64>,
    /// The state after the last value.
    pub last: State,
}

/// Runs the model through `y` (statsforecast `calc`; its multi-step `amse` is not needed).
pub(super) fn run(
    y: &[f64],
    model: ThetaModel,
    initial_smoothed: f64,
    alpha: f64,
    theta: f64,
) -> Run {
    let n = y.len();
    let mut state = init_state(y, model, initial_smoothed, alpha, theta);
    let mut errors = Vec::with_capacity(n);
    let mut fitted = Vec::with_capacity(n);
    fitted.push(state.mu);
    errors.push(y[0] - state.mu);
    let mut decay = Decay::at(alpha, 1);
    for (i, &yi) in y.iter().enumerate().skip(1) {
        let next = step(&state, i, decay.next(), model, alpha, theta, Some(yi));
        fitted.push(next.mu);
        errors.push(yi - next.mu);
        state = next;
    }
    let scale = (y.iter().map(|v| v.abs()).sum::<f64>() / n as f64).max(1e-10);
    let sse: f64 = errors.iter().skip(3).map(|e| e * e).sum();
    let objective = if sse.is_finite() {
        sse / scale
    } else {
        f64::INFINITY
    };
    Run {
        objective,
        errors,
        fitted,
        last: state,
    }
}

/// Bounded Nelder-Mead as statsforecast's `nelder_mead.h` (adaptive coefficients, initial
/// step 5 %, stop when the standard deviation of the simplex values is below `tol_std`).
pub(super) fn nelder_mead<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
    max_iter: usize,
    tol_std: f64,
) -> Vec<f64> {
    let n = x0.len();
    let clamp = |x: &mut [f64]| {
        for k in 0..x.len() {
            x[k] = x[k].max(lower[k]).min(upper[k]);
        }
    };
    let (init_step, zero_pert, alpha) = (0.05, 1e-4, 1.0);
    let nf = n as f64;
    let gamma = 1.0 + 2.0 / nf;
    let rho = 0.75 - 1.0 / (2.0 * nf);
    let sigma = 1.0 - 1.0 / nf;
    let mut start = x0.to_vec();
    clamp(&mut start);
    let mut simplex: Vec<Vec<f64>> = vec![start; n + 1];
    for i in 0..n {
        let v = simplex[i][i];
        let v = if v == 0.0 {
            zero_pert
        } else {
            v * (1.0 + init_step)
        };
        simplex[i][i] = v.max(lower[i]).min(upper[i]);
    }
    let mut values: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
    let mut order: Vec<usize> = (0..=n).collect();
    for _ in 0..max_iter {
        let mean = values.iter().sum::<f64>() / (n + 1) as f64;
        let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n + 1) as f64).sqrt();
        if sd < tol_std {
            break;
        }
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        let best = order[0];
        let worst = order[n];
        let second = order[n - 1];
        let centroid: Vec<f64> = (0..n)
            .map(|k| (simplex.iter().map(|x| x[k]).sum::<f64>() - simplex[worst][k]) / nf)
            .collect();
        let towards = |t: f64, from: &[f64]| -> Vec<f64> {
            let mut x: Vec<f64> = (0..n)
                .map(|k| centroid[k] + t * (from[k] - centroid[k]))
                .collect();
            clamp(&mut x);
            x
        };
        // Reflection.
        let xr = towards(-alpha, &simplex[worst]);
        let fr = f(&xr);
        if values[best] <= fr && fr < values[second] {
            simplex[worst] = xr;
            values[worst] = fr;
            continue;
        }
        // Expansion.
        if fr < values[best] {
            let xe = towards(gamma, &xr);
            let fe = f(&xe);
            if fe < fr {
                simplex[worst] = xe;
                values[worst] = fe;
            } else {
                simplex[worst] = xr;
                values[worst] = fr;
            }
            continue;
        }
        // Contraction (outside, then inside).
        if values[second] <= fr && fr < values[worst] {
            let xc = towards(rho, &xr);
            let fc = f(&xc);
            if fc <= fr {
                simplex[worst] = xc;
                values[worst] = fc;
                continue;
            }
        } else {
            let xc = towards(-rho, &xr);
            let fc = f(&xc);
            if fc < values[worst] {
                simplex[worst] = xc;
                values[worst] = fc;
                continue;
            }
        }
        // Shrink towards the best point (statsforecast shrinks rows 1..=n).
        for j in 1..=n {
            let mut x: Vec<f64> = (0..n)
                .map(|k| simplex[best][k] + sigma * (simplex[j][k] - simplex[best][k]))
                .collect();
            clamp(&mut x);
            values[j] = f(&x);
            simplex[j] = x;
        }
    }
    // The best vertex of the final simplex (statsforecast 2.1.1 returns this one).
    let best = (0..=n)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    simplex[best].clone()
}
