//! Parameter estimation: a bounded Nelder–Mead (the variant statsforecast uses for ETS:
//! adaptive coefficients, 5 % initial simplex, stop when the standard deviation of the simplex
//! values falls below `1e-4`) minimising R's likelihood criterion under the "usual" bounds.

use super::core::{criterion, ring_from_r, SeasonType, Smoothing, Spec, Step, TrendType};
use super::init::Init;

/// Lower bounds of alpha, beta, gamma, phi (R / statsforecast defaults).
pub(crate) const LOWER: [f64; 4] = [1e-4, 1e-4, 1e-4, 0.8];
/// Upper bounds of alpha, beta, gamma, phi.
pub(crate) const UPPER: [f64; 4] = [0.9999, 0.9999, 0.9999, 0.98];

/// A bounded Nelder–Mead minimiser that can be paused and resumed (AutoETS screens every
/// candidate for a few iterations and resumes only the promising ones; a paused and resumed
/// run follows exactly the path of an uninterrupted one).
///
/// It is the variant of statsforecast's `nelder_mead_ets`: adaptive coefficients (Gao & Han
/// 2012), initial simplex `x0_i * 1.05` (or `1e-4` where `x0_i = 0`), every point clamped
/// into `[lower, upper]`, stop when the population standard deviation of the simplex values
/// falls below `tol`.
pub(crate) struct NelderMead {
    simplex: Vec<Vec<f64>>,
    values: Vec<f64>,
    order: Vec<usize>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    tol: f64,
    coef: (f64, f64, f64, f64),
    scratch: [Vec<f64>; 4],
    /// Iterations run so far.
    pub(crate) iterations: usize,
    /// Whether the stopping rule was met.
    pub(crate) converged: bool,
}

fn clamp_into(x: &mut [f64], lower: &[f64], upper: &[f64]) {
    for ((v, lo), hi) in x.iter_mut().zip(lower).zip(upper) {
        *v = v.max(*lo).min(*hi);
    }
}

impl NelderMead {
    /// Builds the initial simplex around `x0` and evaluates it.
    pub(crate) fn new<F: FnMut(&[f64]) -> f64>(
        f: &mut F,
        x0: &[f64],
        lower: &[f64],
        upper: &[f64],
        tol: f64,
    ) -> NelderMead {
        let n = x0.len();
        let mut start = x0.to_vec();
        clamp_into(&mut start, lower, upper);
        let mut simplex = vec![start; n + 1];
        for j in 0..n {
            let row = &mut simplex[j + 1];
            row[j] = if row[j] == 0.0 { 1e-4 } else { row[j] * 1.05 };
            clamp_into(row, lower, upper);
        }
        let values: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
        let nf = (n as f64).max(1.0);
        NelderMead {
            simplex,
            values,
            order: (0..=n).collect(),
            lower: lower.to_vec(),
            upper: upper.to_vec(),
            tol,
            coef: (1.0, 1.0 + 2.0 / nf, 0.75 - 1.0 / (2.0 * nf), 1.0 - 1.0 / nf),
            scratch: [vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]],
            iterations: 0,
            converged: n == 0,
        }
    }

    /// The best point so far and its value.
    pub(crate) fn best(&self) -> (&[f64], f64) {
        let best = (0..self.values.len())
            .min_by(|&a, &b| self.values[a].total_cmp(&self.values[b]))
            .unwrap_or(0);
        (&self.simplex[best], self.values[best])
    }

    /// Runs up to `iterations` more iterations (stops early on convergence).
    pub(crate) fn run<F: FnMut(&[f64]) -> f64>(&mut self, f: &mut F, iterations: usize) {
        let n = self.simplex.len() - 1;
        let nf = n as f64;
        let (alpha, gamma, rho, sigma) = self.coef;
        let [centroid, xr, xe, xc] = &mut self.scratch;
        let (lower, upper) = (&self.lower, &self.upper);
        let (simplex, values, order) = (&mut self.simplex, &mut self.values, &mut self.order);
        for _ in 0..iterations {
            if self.converged {
                return;
            }
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
            let (best, worst, second) = (order[0], order[n], order[n - 1]);
            let mean = values.iter().sum::<f64>() / (nf + 1.0);
            let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (nf + 1.0);
            if var.sqrt() < self.tol {
                self.converged = true;
                return;
            }
            self.iterations += 1;
            centroid.iter_mut().for_each(|c| *c = 0.0);
            for &i in &order[..n] {
                for (c, v) in centroid.iter_mut().zip(&simplex[i]) {
                    *c += v / nf;
                }
            }
            let towards = |out: &mut [f64], from: &[f64], coef: f64, target: &[f64]| {
                for ((o, c), t) in out.iter_mut().zip(from).zip(target) {
                    *o = c + coef * (t - c);
                }
                clamp_into(out, lower, upper);
            };
            // Reflection.
            towards(xr, centroid, -alpha, &simplex[worst]);
            let fr = f(xr);
            if values[best] <= fr && fr < values[second] {
                simplex[worst].copy_from_slice(xr);
                values[worst] = fr;
                continue;
            }
            // Expansion.
            if fr < values[best] {
                towards(xe, centroid, gamma, xr);
                let fe = f(xe);
                let (point, value) = if fe < fr { (&*xe, fe) } else { (&*xr, fr) };
                simplex[worst].copy_from_slice(point);
                values[worst] = value;
                continue;
            }
            // Contraction, outside or inside.
            if values[second] <= fr && fr < values[worst] {
                towards(xc, centroid, rho, xr);
                let fc = f(xc);
                if fc <= fr {
                    simplex[worst].copy_from_slice(xc);
                    values[worst] = fc;
                    continue;
                }
            } else {
                towards(xc, centroid, -rho, xr);
                let fc = f(xc);
                if fc < values[worst] {
                    simplex[worst].copy_from_slice(xc);
                    values[worst] = fc;
                    continue;
                }
            }
            // Shrink towards the best point.
            let best_point = simplex[best].clone();
            for &i in &order[1..] {
                for (v, b) in simplex[i].iter_mut().zip(&best_point) {
                    *v = b + sigma * (*v - b);
                }
                clamp_into(&mut simplex[i], lower, upper);
                values[i] = f(&simplex[i]);
            }
        }
    }
}

/// Which quantities are fixed (given) and which are estimated.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Fixed {
    pub(crate) alpha: Option<f64>,
    pub(crate) beta: Option<f64>,
    pub(crate) gamma: Option<f64>,
    pub(crate) phi: Option<f64>,
    pub(crate) level: Option<f64>,
    pub(crate) trend: Option<f64>,
}

/// A fitted specification.
#[derive(Debug, Clone)]
pub(crate) struct Estimate {
    pub(crate) par: Smoothing,
    pub(crate) init: Init,
    /// The likelihood criterion (-2 log-likelihood up to constants).
    pub(crate) lik: f64,
    /// Number of estimated quantities, the error variance included (for AIC / AICc).
    pub(crate) n_params: usize,
    /// Nelder–Mead iterations used (restarts included).
    pub(crate) iterations: usize,
}

/// Estimation settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) fixed: Fixed,
    /// Optimise the `m - 1` free seasonal initial states (else they stay at the heuristic).
    pub(crate) optimize_seasons: bool,
    pub(crate) max_iter: usize,
    /// Nelder–Mead restarts from the optimum while they improve it.
    pub(crate) restarts: usize,
}

/// Layout of the optimisation vector: `[alpha?, beta?, gamma?, phi?, l0?, b0?, s_1..s_{m-1}?]`.
struct Layout {
    alpha: Option<usize>,
    beta: Option<usize>,
    gamma: Option<usize>,
    phi: Option<usize>,
    level: Option<usize>,
    trend: Option<usize>,
    seasons: Option<usize>,
}

/// The objective of one candidate: decodes an optimisation vector into parameters and
/// states and evaluates the likelihood criterion without allocating.
struct Objective<'a> {
    y: &'a [f64],
    spec: Spec,
    m: usize,
    layout: Layout,
    base: Smoothing,
    base_init: Init,
    seasons_r: Vec<f64>,
    ring: Vec<f64>,
}

impl Objective<'_> {
    /// Parameters, initial level and trend of `x`; the seasons go to `self.seasons_r`.
    fn decode(&mut self, x: &[f64]) -> (Smoothing, f64, f64) {
        let layout = &self.layout;
        let get = |slot: Option<usize>, default: f64| slot.map_or(default, |i| x[i]);
        let par = Smoothing {
            alpha: get(layout.alpha, self.base.alpha),
            beta: get(layout.beta, self.base.beta),
            gamma: get(layout.gamma, self.base.gamma),
            phi: get(layout.phi, self.base.phi),
        };
        if let Some(start) = layout.seasons {
            let m = self.m;
            let free = &x[start..start + m - 1];
            self.seasons_r[..m - 1].copy_from_slice(free);
            let total: f64 = free.iter().sum();
            let closing = if self.spec.season == SeasonType::Multiplicative {
                m as f64
            } else {
                0.0
            };
            self.seasons_r[m - 1] = closing - total;
        }
        (
            par,
            get(layout.level, self.base_init.level),
            get(layout.trend, self.base_init.trend),
        )
    }

    fn eval(&mut self, x: &[f64]) -> f64 {
        let (par, l0, b0) = self.decode(x);
        let spec = self.spec;
        if !usual_bounds(
            &par,
            spec.has_trend(),
            spec.has_season(),
            spec.trend == TrendType::Damped,
        ) {
            return f64::INFINITY;
        }
        if spec.season == SeasonType::Multiplicative && self.seasons_r.iter().any(|&s| s < 0.0) {
            return f64::INFINITY;
        }
        ring_from_r(&self.seasons_r, &mut self.ring);
        criterion(&Step { spec, par }, self.y, l0, b0, &mut self.ring)
    }
}

/// One specification being estimated: its objective and a paused Nelder–Mead.
pub(crate) struct Candidate<'a> {
    objective: Objective<'a>,
    nm: NelderMead,
    bounds: (Vec<f64>, Vec<f64>),
    /// Number of estimated quantities, the error variance included (for AIC / AICc).
    pub(crate) n_params: usize,
    settings: Settings,
}

impl<'a> Candidate<'a> {
    /// Sets up the estimation of `spec` from the heuristic initial states `init` (R
    /// `initparam` starting values) and evaluates the initial simplex.
    pub(crate) fn new(y: &'a [f64], m: usize, spec: Spec, init: Init, settings: &Settings) -> Self {
        let fixed = settings.fixed;
        // R starts alpha at 0.2 / m. With long seasons whose states stay fixed that start is
        // tiny (0.008 for m = 24) and the 5 % simplex crawls from it, often into a poorer
        // optimum; there alpha starts at 0.2 as for non-seasonal models.
        let alpha_divisor = if spec.has_season() && settings.optimize_seasons {
            m
        } else {
            1
        };
        let trend = spec.has_trend();
        let damped = spec.trend == TrendType::Damped;
        let season = spec.has_season();
        let alpha0 = fixed
            .alpha
            .unwrap_or(LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]) / alpha_divisor as f64);
        let beta0 = fixed
            .beta
            .unwrap_or(LOWER[1] + 0.1 * (UPPER[1].min(alpha0) - LOWER[1]));
        let gamma0 = fixed
            .gamma
            .unwrap_or(LOWER[2] + 0.05 * (UPPER[2].min(1.0 - alpha0) - LOWER[2]));
        let phi0 = fixed.phi.unwrap_or(LOWER[3] + 0.99 * (UPPER[3] - LOWER[3]));

        let mut x0 = Vec::new();
        let (mut lower, mut upper) = (Vec::new(), Vec::new());
        let mut push = |value: f64, lo: f64, hi: f64| {
            x0.push(value);
            lower.push(lo);
            upper.push(hi);
            Some(x0.len() - 1)
        };
        let inf = f64::INFINITY;
        let free = |on: bool, given: Option<f64>| on && given.is_none();
        let layout = Layout {
            alpha: free(true, fixed.alpha)
                .then(|| push(alpha0, LOWER[0], UPPER[0]))
                .flatten(),
            beta: free(trend, fixed.beta)
                .then(|| push(beta0, LOWER[1], UPPER[1]))
                .flatten(),
            gamma: free(season, fixed.gamma)
                .then(|| push(gamma0, LOWER[2], UPPER[2]))
                .flatten(),
            phi: free(damped, fixed.phi)
                .then(|| push(phi0, LOWER[3], UPPER[3]))
                .flatten(),
            level: free(true, fixed.level)
                .then(|| push(init.level, -inf, inf))
                .flatten(),
            trend: free(trend, fixed.trend)
                .then(|| push(init.trend, -inf, inf))
                .flatten(),
            seasons: if season && settings.optimize_seasons && m > 1 {
                let mut start = None;
                for &s in &init.seasons[..m - 1] {
                    start = start.or(push(s, -inf, inf));
                }
                start
            } else {
                None
            },
        };
        // Estimated: free smoothing parameters and all initial states (the seasonal ones count
        // even when kept at the heuristic: they were estimated from the data), plus sigma.
        let n_smoothing = [layout.alpha, layout.beta, layout.gamma, layout.phi]
            .iter()
            .filter(|s| s.is_some())
            .count();
        let n_states = usize::from(layout.level.is_some())
            + usize::from(layout.trend.is_some())
            + if season { m - 1 } else { 0 };
        let mut objective = Objective {
            y,
            spec,
            m,
            layout,
            base: Smoothing {
                alpha: alpha0,
                beta: if trend { beta0 } else { 0.0 },
                gamma: if season { gamma0 } else { 0.0 },
                phi: if damped { phi0 } else { 1.0 },
            },
            base_init: Init {
                level: fixed.level.unwrap_or(init.level),
                trend: if trend {
                    fixed.trend.unwrap_or(init.trend)
                } else {
                    0.0
                },
                seasons: init.seasons.clone(),
            },
            ring: vec![0.0; init.seasons.len()],
            seasons_r: init.seasons,
        };
        let nm = NelderMead::new(
            &mut |x: &[f64]| objective.eval(x),
            &x0,
            &lower,
            &upper,
            1e-4,
        );
        Candidate {
            objective,
            nm,
            bounds: (lower, upper),
            n_params: n_smoothing + n_states + 1,
            settings: *settings,
        }
    }

    /// Number of optimised quantities.
    pub(crate) fn dimension(&self) -> usize {
        self.bounds.0.len()
    }

    /// The best criterion value so far.
    pub(crate) fn value(&self) -> f64 {
        self.nm.best().1
    }

    /// Runs at most `iterations` more Nelder–Mead iterations, capped by `max_iter` in all.
    pub(crate) fn advance(&mut self, iterations: usize) {
        let left = self.settings.max_iter.saturating_sub(self.nm.iterations);
        let objective = &mut self.objective;
        self.nm
            .run(&mut |x: &[f64]| objective.eval(x), iterations.min(left));
    }

    /// Runs to convergence (and the restarts), then decodes the estimate.
    pub(crate) fn finish(mut self) -> Estimate {
        self.advance(usize::MAX);
        // Restarting from the optimum rebuilds a fresh simplex: Nelder–Mead often stops early
        // on these ridges (many initial states), and a restart can find a far better optimum.
        for _ in 0..self.settings.restarts {
            let (x, value) = self.nm.best();
            let x = x.to_vec();
            let objective = &mut self.objective;
            let mut f = |x: &[f64]| objective.eval(x);
            let mut again = NelderMead::new(&mut f, &x, &self.bounds.0, &self.bounds.1, 1e-4);
            again.run(&mut f, self.settings.max_iter);
            if again.best().1 < value {
                self.nm = again;
            } else {
                break;
            }
        }
        let iterations = self.nm.iterations;
        let (x, lik) = self.nm.best();
        let x = x.to_vec();
        let (par, level, trend) = self.objective.decode(&x);
        Estimate {
            par,
            init: Init {
                level,
                trend,
                seasons: self.objective.seasons_r,
            },
            lik,
            n_params: self.n_params,
            iterations,
        }
    }
}

/// The "usual" region: `0 < beta < alpha`, `0 < gamma < 1 - alpha`, `phi` in `[0.8, 0.98]`.
fn usual_bounds(par: &Smoothing, trend: bool, season: bool, damped: bool) -> bool {
    if !(LOWER[0]..=UPPER[0]).contains(&par.alpha) {
        return false;
    }
    if trend && (par.beta < LOWER[1] || par.beta > UPPER[1] || par.beta > par.alpha) {
        return false;
    }
    if season && (par.gamma < LOWER[2] || par.gamma > UPPER[2] || par.gamma > 1.0 - par.alpha) {
        return false;
    }
    if damped && !(LOWER[3]..=UPPER[3]).contains(&par.phi) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nelder_mead_finds_a_quadratic_minimum() {
        let mut f = |x: &[f64]| (x[0] - 0.3).powi(2) + 10.0 * (x[1] + 2.0).powi(2) + 5.0;
        let mut nm = NelderMead::new(&mut f, &[1.0, 1.0], &[-5.0, -5.0], &[5.0, 5.0], 1e-14);
        nm.run(&mut f, 5000);
        let (x, value) = nm.best();
        assert!((x[0] - 0.3).abs() < 1e-4 && (x[1] + 2.0).abs() < 1e-4 && (value - 5.0) < 1e-8);
        // Bounds are respected.
        let mut nm = NelderMead::new(&mut f, &[1.0, 1.0], &[0.5, -1.0], &[5.0, 5.0], 1e-14);
        nm.run(&mut f, 5000);
        let x = nm.best().0;
        assert!((x[0] - 0.5).abs() < 1e-6 && (x[1] + 1.0).abs() < 1e-6);
        // Pausing and resuming follows the uninterrupted path exactly.
        let mut once = NelderMead::new(&mut f, &[1.0, 1.0], &[-5.0, -5.0], &[5.0, 5.0], 1e-10);
        once.run(&mut f, 200);
        let mut twice = NelderMead::new(&mut f, &[1.0, 1.0], &[-5.0, -5.0], &[5.0, 5.0], 1e-10);
        twice.run(&mut f, 7);
        twice.run(&mut f, 193);
        assert_eq!(once.best().0, twice.best().0);
    }
}
