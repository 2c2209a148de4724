//! The MAP fit: Prophet's posterior mode, found exactly rather than by a generic optimizer.
//!
//! With `sigma` the noise standard deviation (scaled units), Prophet's negative log posterior
//! (Stan `optimizing`, no Jacobian) is
//!
//! ```text
//! F(theta, sigma) = N ln sigma + SSE / (2 sigma^2) + sum_j |theta_j| / tau_j
//!                 + sum_j theta_j^2 / (2 s_j^2) + 2 sigma^2
//! ```
//!
//! (Laplace priors with scale `tau_j` on rate changes, Normal priors with scale `s_j` on the
//! rest; `sigma ~ Normal(0, 0.5)`). For fixed `sigma` this is an elastic-net least-squares
//! problem in `theta`, solved here exactly by coordinate descent on the Gram matrix with
//! active-set sweeps; for fixed `theta` the optimal `sigma` is closed-form. The two steps
//! alternate until `sigma` settles (block coordinate descent on a biconvex objective).
//!
//! The logistic trend is nonlinear: each Gauss-Newton step linearizes it (central
//! differences) and solves the same penalized least-squares problem, with Levenberg-Marquardt
//! damping and a decrease check on the full objective.
//!
//! Robustness (Huber loss) is iteratively reweighted least squares on top: weights
//! `min(1, k s / |r_i|)` with `s` the residuals' MAD scale.

/// Penalties per coefficient.
#[derive(Debug, Clone)]
pub(crate) struct Priors {
    /// `1 / tau_j` of a Laplace prior (0 for none).
    pub l1: Vec<f64>,
    /// `1 / s_j^2` of a Normal prior.
    pub l2: Vec<f64>,
    /// An L1 penalty proportional to `sigma` (not `sigma^2`): the level-shift penalty, a
    /// multiple of the lasso's universal threshold `sigma ||x_j|| sqrt(2 ln n)`.
    pub l1_sigma: Vec<f64>,
    /// A cap on the `sigma`-proportional penalty, times `sigma^2` (for level shifts: half the
    /// Laplace cost of the pair of rate changes that would imitate the step).
    pub l1_sigma_cap: Vec<f64>,
}

/// The result of a fit.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub theta: Vec<f64>,
    pub sigma: f64,
    /// Robustness weights per observed row (1 = full weight).
    pub weights: Vec<f64>,
}

const SIGMA2_FLOOR: f64 = 1e-12;
const MAX_SIGMA_ROUNDS: usize = 200;
const MAX_IRLS: usize = 20;

/// The MAP `sigma^2` for a given weighted SSE over `n` rows: the positive root of
/// `4 s^4 + n s^2 - SSE = 0` (from `N ln sigma + SSE / (2 sigma^2) + 2 sigma^2`).
fn sigma2_for(sse: f64, n: f64) -> f64 {
    let s2 = (-n + (n * n + 16.0 * sse.max(0.0)).sqrt()) / 8.0;
    s2.max(SIGMA2_FLOOR)
}

/// Weighted Gram matrix `X' W X` (p x p, row-major) and `X' W y`.
pub(crate) fn gram(x: &[f64], p: usize, y: &[f64], w: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut g = vec![0.0; p * p];
    let mut c = vec![0.0; p];
    for (i, row) in x.chunks_exact(p).enumerate() {
        let wi = w[i];
        if wi == 0.0 {
            continue;
        }
        for a in 0..p {
            let wa = wi * row[a];
            if wa == 0.0 {
                continue;
            }
            c[a] += wa * y[i];
            let ga = &mut g[a * p..a * p + p];
            for b in a..p {
                ga[b] += wa * row[b];
            }
        }
    }
    for a in 0..p {
        for b in 0..a {
            g[a * p + b] = g[b * p + a];
        }
    }
    (g, c)
}

/// Minimises `0.5 theta' G theta - c' theta + sum lam1_j |theta_j| + 0.5 sum lam2_j theta_j^2`
/// by cyclic coordinate descent with active-set sweeps, starting from `theta`. `scale` is the
/// total weight (the convergence test is on the root-mean-square change of fitted values).
pub(crate) fn coordinate_descent(
    g: &[f64],
    c: &[f64],
    lam1: &[f64],
    lam2: &[f64],
    theta: &mut [f64],
    scale: f64,
) {
    let p = c.len();
    let mut q = vec![0.0; p];
    for a in 0..p {
        q[a] = (0..p).map(|b| g[a * p + b] * theta[b]).sum();
    }
    let tol = 1e-16 * scale.max(1.0);
    let update = |j: usize, theta: &mut [f64], q: &mut [f64]| -> f64 {
        let gjj = g[j * p + j];
        let denom = gjj + lam2[j];
        if denom <= 0.0 {
            return 0.0;
        }
        let z = gjj * theta[j] - (q[j] - c[j]);
        let new = if lam1[j] > 0.0 {
            (z.abs() - lam1[j]).max(0.0).copysign(z) / denom
        } else {
            z / denom
        };
        let diff = new - theta[j];
        if diff == 0.0 {
            return 0.0;
        }
        theta[j] = new;
        let col = &g[j * p..j * p + p];
        for (qa, ga) in q.iter_mut().zip(col) {
            *qa += diff * ga;
        }
        diff * diff * gjj
    };
    for _round in 0..200 {
        // A full sweep, a few sweeps over the active coefficients, then the exact solution
        // on the active set if it satisfies the optimality conditions.
        let mut full = 0.0f64;
        for j in 0..p {
            full = full.max(update(j, theta, &mut q));
        }
        if full <= tol {
            return;
        }
        let active: Vec<usize> = (0..p)
            .filter(|&j| theta[j] != 0.0 || lam1[j] == 0.0)
            .collect();
        for _ in 0..30 {
            let mut change = 0.0f64;
            for &j in &active {
                change = change.max(update(j, theta, &mut q));
            }
            if change <= tol {
                break;
            }
        }
        if active_set_solve(g, c, lam1, lam2, theta) {
            return;
        }
        for a in 0..p {
            q[a] = (0..p).map(|b| g[a * p + b] * theta[b]).sum();
        }
    }
}

/// Solves the optimality conditions exactly on the current active set (nonzero or
/// unpenalized coefficients, signs fixed) by Cholesky. Returns true, with `theta` set to the
/// solution, if the signs hold and every inactive coefficient satisfies
/// `|c_j - (G theta)_j| <= lam1_j`. Otherwise moves `theta` toward the solution as far as the
/// signs stay fixed (the objective is a convex quadratic along that segment, so it decreases;
/// a coefficient reaching zero leaves the active set) and returns false.
fn active_set_solve(g: &[f64], c: &[f64], lam1: &[f64], lam2: &[f64], theta: &mut [f64]) -> bool {
    let p = c.len();
    let active: Vec<usize> = (0..p)
        .filter(|&j| theta[j] != 0.0 || lam1[j] == 0.0)
        .collect();
    let na = active.len();
    let mut a = vec![0.0; na * na];
    let mut b = vec![0.0; na];
    for (r, &i) in active.iter().enumerate() {
        for (s, &j) in active.iter().enumerate() {
            a[r * na + s] = g[i * p + j];
        }
        a[r * na + r] += lam2[i];
        b[r] = c[i] - lam1[i] * sign(theta[i]);
    }
    if !cholesky_solve(&mut a, &mut b, na) {
        return false;
    }
    // The largest step toward the solution that keeps every penalized sign.
    let mut step = 1.0f64;
    let mut crossing = None;
    for (r, &i) in active.iter().enumerate() {
        if lam1[i] > 0.0 && sign(b[r]) != sign(theta[i]) {
            let alpha = theta[i] / (theta[i] - b[r]);
            if alpha < step {
                step = alpha;
                crossing = Some(i);
            }
        }
    }
    for (r, &i) in active.iter().enumerate() {
        theta[i] += step * (b[r] - theta[i]);
    }
    if let Some(i) = crossing {
        theta[i] = 0.0;
        return false;
    }
    for j in 0..p {
        if theta[j] != 0.0 || lam1[j] == 0.0 {
            continue;
        }
        let grad = c[j] - (0..p).map(|k| g[j * p + k] * theta[k]).sum::<f64>();
        if grad.abs() > lam1[j] * (1.0 + 1e-9) + 1e-14 {
            return false;
        }
    }
    true
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Solves `A x = b` in place for symmetric positive definite `A` (`n x n`, row-major); false
/// if `A` is not numerically positive definite.
pub(crate) fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    let scale = (0..n).map(|i| a[i * n + i].abs()).fold(0.0, f64::max);
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d.is_nan() || d <= 1e-13 * scale {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= a[k * n + i] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    true
}

/// `0.5 theta' G theta - c' theta + 0.5 y'Wy` = half the weighted SSE.
fn half_sse(g: &[f64], c: &[f64], yy: f64, theta: &[f64]) -> f64 {
    let p = c.len();
    let mut quad = 0.0;
    for a in 0..p {
        if theta[a] == 0.0 {
            continue;
        }
        let row: f64 = (0..p).map(|b| g[a * p + b] * theta[b]).sum();
        quad += theta[a] * row;
    }
    let lin: f64 = c.iter().zip(theta).map(|(c, t)| c * t).sum();
    (0.5 * quad - lin + 0.5 * yy).max(0.0)
}

fn penalties(priors: &Priors, sigma2: f64) -> (Vec<f64>, Vec<f64>) {
    let sigma = sigma2.sqrt();
    let lam1 = (0..priors.l1.len())
        .map(|j| {
            sigma2 * priors.l1[j]
                + (sigma * priors.l1_sigma[j]).min(sigma2 * priors.l1_sigma_cap[j])
        })
        .collect();
    let lam2 = priors.l2.iter().map(|a| sigma2 * a).collect();
    (lam1, lam2)
}

/// Huber weights from residuals: `min(1, k s / |r|)` with `s = 1.4826 MAD`.
fn huber_weights(residuals: &[f64], k: f64) -> Vec<f64> {
    let mut abs: Vec<f64> = residuals.iter().map(|r| r.abs()).collect();
    let mid = abs.len() / 2;
    abs.select_nth_unstable_by(mid, f64::total_cmp);
    let s = 1.4826 * abs[mid];
    if s <= 0.0 {
        return vec![1.0; residuals.len()];
    }
    residuals
        .iter()
        .map(|r| {
            let a = r.abs();
            if a <= k * s {
                1.0
            } else {
                k * s / a
            }
        })
        .collect()
}

fn residuals(x: &[f64], p: usize, y: &[f64], theta: &[f64]) -> Vec<f64> {
    x.chunks_exact(p)
        .zip(y)
        .map(|(row, yi)| yi - row.iter().zip(theta).map(|(a, b)| a * b).sum::<f64>())
        .collect()
}

/// The MAP fit of a model linear in its coefficients (`x` is `n x p`, row-major).
pub(crate) fn fit_linear(
    x: &[f64],
    p: usize,
    y: &[f64],
    priors: &Priors,
    huber: Option<f64>,
) -> Solution {
    let n = y.len();
    let mut w = vec![1.0; n];
    let mut theta = vec![0.0; p];
    let mut sigma2 = 1.0;
    let (mut g, mut c) = gram(x, p, y, &w);
    for _irls in 0..MAX_IRLS {
        let yy: f64 = y.iter().zip(&w).map(|(v, wi)| wi * v * v).sum();
        let total: f64 = w.iter().sum();
        for _ in 0..MAX_SIGMA_ROUNDS {
            let (lam1, lam2) = penalties(priors, sigma2);
            coordinate_descent(&g, &c, &lam1, &lam2, &mut theta, total);
            let new = sigma2_for(2.0 * half_sse(&g, &c, yy, &theta), n as f64);
            let settled = (new - sigma2).abs() <= 1e-7 * sigma2;
            sigma2 = new;
            if settled {
                break;
            }
        }
        let Some(k) = huber else { break };
        let new_w = huber_weights(&residuals(x, p, y, &theta), k);
        let change = new_w
            .iter()
            .zip(&w)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        if change < 1e-4 {
            break;
        }
        // Only the rows whose weight changed (usually a few outliers) update the Gram matrix.
        let dw: Vec<f64> = new_w.iter().zip(&w).map(|(a, b)| a - b).collect();
        let (dg, dc) = gram(x, p, y, &dw);
        g.iter_mut().zip(&dg).for_each(|(a, b)| *a += b);
        c.iter_mut().zip(&dc).for_each(|(a, b)| *a += b);
        w = new_w;
    }
    Solution {
        theta,
        sigma: sigma2.sqrt(),
        weights: w,
    }
}

/// A model whose first `n_trend` coefficients enter nonlinearly through `trend`, the rest
/// linearly through `x_lin` (`n x (p - n_trend)`).
pub(crate) struct Nonlinear<'a> {
    pub n_trend: usize,
    pub x_lin: &'a [f64],
    pub trend: &'a dyn Fn(&[f64], &mut [f64]),
}

impl Nonlinear<'_> {
    fn predict(&self, theta: &[f64], out: &mut [f64]) {
        (self.trend)(&theta[..self.n_trend], out);
        let pl = theta.len() - self.n_trend;
        if pl == 0 {
            return;
        }
        for (o, row) in out.iter_mut().zip(self.x_lin.chunks_exact(pl)) {
            *o += row
                .iter()
                .zip(&theta[self.n_trend..])
                .map(|(a, b)| a * b)
                .sum::<f64>();
        }
    }

    /// The Jacobian (`n x p`, row-major): central differences for the trend coefficients.
    fn jacobian(&self, theta: &[f64], n: usize) -> Vec<f64> {
        let p = theta.len();
        let pl = p - self.n_trend;
        let mut jac = vec![0.0; n * p];
        let mut plus = vec![0.0; n];
        let mut minus = vec![0.0; n];
        let mut th = theta[..self.n_trend].to_vec();
        for j in 0..self.n_trend {
            let h = 1e-6 * theta[j].abs().max(1.0);
            th[j] = theta[j] + h;
            (self.trend)(&th, &mut plus);
            th[j] = theta[j] - h;
            (self.trend)(&th, &mut minus);
            th[j] = theta[j];
            for i in 0..n {
                jac[i * p + j] = (plus[i] - minus[i]) / (2.0 * h);
            }
        }
        if pl > 0 {
            for (i, row) in self.x_lin.chunks_exact(pl).enumerate() {
                jac[i * p + self.n_trend..(i + 1) * p].copy_from_slice(row);
            }
        }
        jac
    }
}

fn objective(r: &[f64], w: &[f64], theta: &[f64], lam1: &[f64], lam2: &[f64]) -> f64 {
    let sse: f64 = r.iter().zip(w).map(|(r, w)| w * r * r).sum();
    let pen: f64 = theta
        .iter()
        .zip(lam1.iter().zip(lam2))
        .map(|(t, (a, b))| a * t.abs() + 0.5 * b * t * t)
        .sum();
    0.5 * sse + pen
}

/// The MAP fit of a nonlinear model by damped, proximal Gauss-Newton from `theta`.
pub(crate) fn fit_nonlinear(
    model: &Nonlinear<'_>,
    y: &[f64],
    priors: &Priors,
    huber: Option<f64>,
    mut theta: Vec<f64>,
) -> Solution {
    let n = y.len();
    let p = theta.len();
    let mut w = vec![1.0; n];
    let mut sigma2 = 1.0;
    let mut yhat = vec![0.0; n];
    let resid = |theta: &[f64], yhat: &mut Vec<f64>| -> Vec<f64> {
        model.predict(theta, yhat);
        y.iter().zip(yhat.iter()).map(|(a, b)| a - b).collect()
    };
    for _irls in 0..MAX_IRLS {
        let total: f64 = w.iter().sum();
        let mut mu = 1e-3 * total;
        let mut r = resid(&theta, &mut yhat);
        for _iter in 0..300 {
            let (lam1, lam2) = penalties(priors, sigma2);
            let f0 = objective(&r, &w, &theta, &lam1, &lam2);
            let jac = model.jacobian(&theta, n);
            // Working response z = r + J theta: the linearized problem in absolute theta.
            let z: Vec<f64> = jac
                .chunks_exact(p)
                .zip(&r)
                .map(|(row, ri)| ri + row.iter().zip(&theta).map(|(a, b)| a * b).sum::<f64>())
                .collect();
            let (g, c) = gram(&jac, p, &z, &w);
            let mut accepted = false;
            let mut f1 = f0;
            for _try in 0..30 {
                // Levenberg-Marquardt: a proximal term mu/2 |theta - theta0|^2.
                let lam2_mu: Vec<f64> = lam2.iter().map(|l| l + mu).collect();
                let c_mu: Vec<f64> = c.iter().zip(&theta).map(|(c, t)| c + mu * t).collect();
                let mut cand = theta.clone();
                coordinate_descent(&g, &c_mu, &lam1, &lam2_mu, &mut cand, total);
                let r_c = resid(&cand, &mut yhat);
                let f_c = objective(&r_c, &w, &cand, &lam1, &lam2);
                if f_c.is_finite() && f_c <= f0 {
                    theta = cand;
                    r = r_c;
                    f1 = f_c;
                    mu = (mu / 3.0).max(1e-12);
                    accepted = true;
                    break;
                }
                mu *= 4.0;
            }
            let sse: f64 = r.iter().zip(&w).map(|(r, w)| w * r * r).sum();
            let new = sigma2_for(sse, n as f64);
            let sigma_settled = (new - sigma2).abs() <= 1e-9 * sigma2;
            sigma2 = new;
            if !accepted || ((f0 - f1) <= 1e-9 * f0.abs().max(1e-300) && sigma_settled) {
                break;
            }
        }
        let Some(k) = huber else { break };
        let new_w = huber_weights(&r, k);
        let change = new_w
            .iter()
            .zip(&w)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        w = new_w;
        if change < 1e-4 {
            break;
        }
    }
    Solution {
        theta,
        sigma: sigma2.sqrt(),
        weights: w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinate_descent_solves_lasso_and_ridge() {
        // One column x = (1, 1, 1, 1), y = (1, 2, 3, 4): least squares 2.5; lasso with
        // lam1 = 2 shrinks by 2 / 4 to 2.0; ridge with lam2 = 4 gives 10 / 8 = 1.25.
        let x = vec![1.0; 4];
        let y = vec![1.0, 2.0, 3.0, 4.0];
        let (g, c) = gram(&x, 1, &y, &[1.0; 4]);
        let mut th = vec![0.0];
        coordinate_descent(&g, &c, &[2.0], &[0.0], &mut th, 4.0);
        assert!((th[0] - 2.0).abs() < 1e-12);
        coordinate_descent(&g, &c, &[0.0], &[4.0], &mut th, 4.0);
        assert!((th[0] - 1.25).abs() < 1e-12);
        // sigma^2 root: 4 s^4 + n s^2 = SSE.
        let s2 = sigma2_for(10.0, 4.0);
        assert!((4.0 * s2 * s2 + 4.0 * s2 - 10.0).abs() < 1e-12);
    }

    #[test]
    fn huber_downweights_only_outliers() {
        let r = [0.1, -0.2, 0.15, -0.1, 0.05, 10.0];
        let w = huber_weights(&r, 3.0);
        assert_eq!(&w[..5], &[1.0; 5]);
        assert!(w[5] < 0.1);
    }
}
