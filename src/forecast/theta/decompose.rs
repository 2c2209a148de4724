//! The seasonality test and classical decomposition used before fitting Theta, as
//! statsforecast `auto_theta` (and R `forecast::thetaf`) do them.

/// statsmodels `acf(y, nlags = m, fft = False)` at lags `1..=m`.
pub(super) fn acf(y: &[f64], m: usize) -> Vec<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let d: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let c0: f64 = d.iter().map(|v| v * v).sum();
    (1..=m)
        .map(|k| {
            let ck: f64 = (0..n.saturating_sub(k)).map(|t| d[t] * d[t + k]).sum();
            ck / c0
        })
        .collect()
}

/// The 90 % seasonality test at lag `m`: `|r_m| / sqrt((1 + 2 sum_{k<m} r_k^2) / n) >
/// qnorm(0.95)`, applied when `m >= 4` and the series holds two seasons.
pub(super) fn is_seasonal(y: &[f64], m: usize) -> bool {
    if m < 4 || y.len() < 2 * m {
        return false;
    }
    let r = acf(y, m);
    if r.iter().any(|v| !v.is_finite()) {
        return false; // a constant series
    }
    let stat =
        ((1.0 + 2.0 * r[..m - 1].iter().map(|v| v * v).sum::<f64>()) / y.len() as f64).sqrt();
    r[m - 1].abs() / stat > 1.644_853_626_951_472_2
}

/// How the seasonal index combines with the adjusted series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decomposition {
    /// `y = adjusted * index` (needs positive values; statsforecast's and R's default).
    Multiplicative,
    /// `y = adjusted + index`.
    Additive,
}

/// statsmodels `seasonal_decompose(y, model, period = m).seasonal`: the seasonal index over
/// the history (centred moving average trend, per-position means, normalised).
pub(super) fn classical_seasonal(y: &[f64], m: usize, kind: Decomposition) -> Vec<f64> {
    let n = y.len();
    let half = m / 2;
    let filter: Vec<f64> = if m % 2 == 0 {
        let mut f = vec![1.0 / m as f64; m + 1];
        f[0] = 0.5 / m as f64;
        f[m] = 0.5 / m as f64;
        f
    } else {
        vec![1.0 / m as f64; m]
    };
    let width = filter.len();
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for t in half..n.saturating_sub(width - 1 - half) {
        let trend: f64 = filter
            .iter()
            .enumerate()
            .map(|(k, w)| w * y[t + k - half])
            .sum();
        let detrended = match kind {
            Decomposition::Multiplicative => y[t] / trend,
            Decomposition::Additive => y[t] - trend,
        };
        sums[t % m] += detrended;
        counts[t % m] += 1;
    }
    let mut index: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
        .collect();
    let mean = index.iter().sum::<f64>() / m as f64;
    for v in &mut index {
        match kind {
            Decomposition::Multiplicative => *v /= mean,
            Decomposition::Additive => *v -= mean,
        }
    }
    (0..n).map(|t| index[t % m]).collect()
}
