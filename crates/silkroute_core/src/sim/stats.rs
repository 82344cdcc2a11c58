//! Statistics of simulation output: confidence intervals for a steady-state mean by the method
//! of batch means, Student's t quantiles for them, quantiles of weighted samples, and the time
//! average of a piecewise-constant level (a queue's length, a quay's stock) for Little's law.
//!
//! Everything here is a pure function of its input: no clock, no random source, sorting by
//! `f64::total_cmp` with a stable sort.

/// Batches of [`batch_means`] when the caller has no reason to choose otherwise: Schmeiser
/// (1982) found 10 to 30 batches enough for a valid interval and not too wide.
pub const DEFAULT_BATCHES: usize = 20;

/// Why a statistic cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// Fewer than two batches, or fewer samples than batches.
    #[error("{samples} samples cannot make {batches} batches (at least 2, each not empty)")]
    BadBatches {
        /// The samples given.
        samples: usize,
        /// The batches asked for.
        batches: usize,
    },
    /// A confidence level outside (0, 1).
    #[error("confidence {0} must be in (0, 1)")]
    BadConfidence(f64),
    /// A sample that is infinite or not a number.
    #[error("sample {index} is {value}, not a finite number")]
    NotFinite {
        /// Its position.
        index: usize,
        /// Its value.
        value: f64,
    },
}

/// A confidence interval for a mean: `mean ± half_width`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The point estimate (the mean of the batch means).
    pub mean: f64,
    /// Half the width of the interval.
    pub half_width: f64,
    /// The batches the interval rests on (its degrees of freedom are one fewer).
    pub batches: usize,
    /// Samples in each batch.
    pub batch_size: usize,
}

impl Interval {
    /// The lower end.
    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    /// The upper end.
    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }

    /// Whether `x` lies in the closed interval (`false` for a value that is not a number).
    pub fn contains(&self, x: f64) -> bool {
        self.low() <= x && x <= self.high()
    }

    /// The half-width as a share of the mean's magnitude (infinite for a zero mean).
    pub fn relative_half_width(&self) -> f64 {
        self.half_width / self.mean.abs()
    }
}

/// A confidence interval at level `confidence` (say 0.99) for the steady-state mean of the
/// correlated sequence `samples` by the method of batch means (Law, *Simulation Modeling and
/// Analysis*, §9.5.3): the sequence is cut into `batches` consecutive batches of equal size,
/// the mean of their means is the estimate, and the half-width is `t(batches − 1, 1 − α/2) ×
/// s / √batches` with `s` the standard deviation of the batch means. Batches long enough to
/// be nearly independent make the interval valid; the warm-up is the caller's to drop. When
/// the samples do not split evenly, the first `len % batches` (the oldest) are left out.
///
/// # Errors
/// [`StatsError::BadConfidence`] for a level outside (0, 1), [`StatsError::BadBatches`] for
/// fewer than 2 batches or fewer samples than batches, [`StatsError::NotFinite`] for a sample
/// that is not a finite number.
pub fn batch_means(
    samples: &[f64],
    batches: usize,
    confidence: f64,
) -> Result<Interval, StatsError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(StatsError::BadConfidence(confidence));
    }
    if batches < 2 || samples.len() < batches {
        return Err(StatsError::BadBatches {
            samples: samples.len(),
            batches,
        });
    }
    if let Some((index, &value)) = samples.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(StatsError::NotFinite { index, value });
    }
    let batch_size = samples.len() / batches;
    let skip = samples.len() - batch_size * batches;
    let means: Vec<f64> = samples[skip..]
        .chunks_exact(batch_size)
        .map(|batch| batch.iter().sum::<f64>() / batch_size as f64)
        .collect();
    let count = batches as f64;
    let mean = means.iter().sum::<f64>() / count;
    let variance = means.iter().map(|m| (m - mean) * (m - mean)).sum::<f64>() / (count - 1.0);
    let t = t_two_sided(confidence, batches - 1);
    Ok(Interval {
        mean,
        half_width: t * (variance / count).sqrt(),
        batches,
        batch_size,
    })
}

/// The `p`-quantile of Student's t distribution with `df` degrees of freedom (`None` when
/// `df` is 0 or `p` is not in (0, 1)). Up to 1,000 degrees of freedom it inverts the exact
/// distribution function (Abramowitz & Stegun 26.7.3–4) by bisection, to a few units in the
/// last place for the usual levels; above, it takes the Cornish–Fisher expansion (A&S 26.7.5)
/// around the normal quantile (Acklam's approximation), within about 1e-9 relative.
pub fn student_t_quantile(p: f64, df: usize) -> Option<f64> {
    if df == 0 || !(p > 0.0 && p < 1.0) {
        return None;
    }
    let t = t_two_sided((2.0 * p - 1.0).abs(), df);
    Some(if p < 0.5 { -t } else { t })
}

/// The `t ≥ 0` with `P(|T| ≤ t) = central` for `df ≥ 1` degrees of freedom and `central` in
/// [0, 1).
fn t_two_sided(central: f64, df: usize) -> f64 {
    if central <= 0.0 {
        return 0.0;
    }
    if df > 1000 {
        return cornish_fisher(normal_quantile(0.5 + central / 2.0), df as f64);
    }
    let mut high = 1.0;
    for _ in 0..64 {
        if t_central(high, df) >= central {
            break;
        }
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if t_central(mid, df) < central {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}

/// `P(|T| ≤ t)` for Student's t with `df ≥ 1` degrees of freedom and `t ≥ 0`: Abramowitz &
/// Stegun 26.7.3 (odd `df`) and 26.7.4 (even), finite sums in θ = atan(t / √df).
fn t_central(t: f64, df: usize) -> f64 {
    let nu = df as f64;
    let theta = t.atan2(nu.sqrt());
    let (sin, cos) = theta.sin_cos();
    let cos2 = cos * cos;
    if df % 2 == 1 {
        // (2/π)(θ + sin θ (cos θ + (2/3) cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^(ν−2) θ)).
        let mut sum = 0.0;
        if df > 1 {
            let mut term = cos;
            sum = term;
            for k in 1..df.div_ceil(2) - 1 {
                term *= (2 * k) as f64 / (2 * k + 1) as f64 * cos2;
                sum += term;
            }
        }
        std::f64::consts::FRAC_2_PI * (theta + sin * sum)
    } else {
        // sin θ (1 + (1/2) cos²θ + (1·3)/(2·4) cos⁴θ + … + (1·3…(ν−3))/(2·4…(ν−2)) cos^(ν−2) θ).
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..df / 2 {
            term *= (2 * k - 1) as f64 / (2 * k) as f64 * cos2;
            sum += term;
        }
        sin * sum
    }
}

/// The t quantile with `nu` degrees of freedom from the normal one `z` (A&S 26.7.5, four
/// terms: the error is of order ν⁻⁵).
fn cornish_fisher(z: f64, nu: f64) -> f64 {
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
}

/// The standard normal `p`-quantile for `p` in (0, 1), by Acklam's rational approximation
/// (relative error below 1.15e-9).
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The `q`-quantile of weighted values `(value, weight)`: the smallest value whose cumulative
/// weight, in order of value, reaches the share `q` of the total (the inverse of the weighted
/// distribution function; values of zero weight are never returned). Sorts `values` by value
/// (`total_cmp`, stable). `None` when `values` is empty, `q` is not in [0, 1], a value is not
/// a number, a weight is negative or not finite, or the weights sum to 0.
pub fn weighted_quantile(values: &mut [(f64, f64)], q: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&q)
        || values
            .iter()
            .any(|&(v, w)| v.is_nan() || !w.is_finite() || w < 0.0)
    {
        return None;
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = values.iter().map(|&(_, w)| w).sum();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    // Summed in the same order as `total`, the last cumulative weight equals it exactly.
    let mut cumulative = 0.0;
    for &(value, weight) in values.iter() {
        if weight == 0.0 {
            continue;
        }
        cumulative += weight;
        if cumulative / total >= q {
            return Some(value);
        }
    }
    values
        .iter()
        .rev()
        .find(|&&(_, w)| w > 0.0)
        .map(|&(v, _)| v)
}

/// The `q`-quantile of `values`: the smallest value `x` with a share of at least `q` of the
/// values at or below it (`values[⌈q·n⌉ − 1]` in order, the first for `q = 0`). Sorts
/// `values` (`total_cmp`). `None` when `values` is empty, `q` is not in [0, 1] or a value is
/// not a number.
pub fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&q) || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    // The smallest count k ≥ 1 with k / n ≥ q, compared as the division so that q = k / n
    // written as a literal finds k.
    let mut k = ((q * n as f64).ceil() as usize).clamp(1, n);
    while k > 1 && (k - 1) as f64 / n as f64 >= q {
        k -= 1;
    }
    while k < n && (k as f64 / n as f64) < q {
        k += 1;
    }
    Some(values[k - 1])
}

/// The time average of a piecewise-constant level: a queue's length, a quay's stock, servers
/// busy. It keeps the integral of the level since its start, so the mean over any run is one
/// division (Little's law: the time-average number waiting is the arrival rate times the
/// mean wait). Times are those of the model's clock; a time before the last change (or not a
/// finite number) counts as the time of the last change, as a [`super::Sim`]'s clock never
/// goes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAverage {
    start: f64,
    since: f64,
    level: f64,
    area: f64,
    max: f64,
}

impl Default for TimeAverage {
    fn default() -> TimeAverage {
        TimeAverage::new(0.0, 0.0)
    }
}

impl TimeAverage {
    /// A level of `level` from time `start` (each taken as 0 if not finite).
    pub fn new(start: f64, level: f64) -> TimeAverage {
        let start = if start.is_finite() { start } else { 0.0 };
        let level = if level.is_finite() { level } else { 0.0 };
        TimeAverage {
            start,
            since: start,
            level,
            area: 0.0,
            max: level,
        }
    }

    /// Adds the area up to `now`; the time it counts from.
    fn advance(&mut self, now: f64) {
        if now.is_finite() && now > self.since {
            self.area += self.level * (now - self.since);
            self.since = now;
        }
    }

    /// The level becomes `level` at `now` (a level that is not finite is ignored).
    pub fn set(&mut self, now: f64, level: f64) {
        if !level.is_finite() {
            return;
        }
        self.advance(now);
        self.level = level;
        self.max = self.max.max(level);
    }

    /// The level changes by `delta` at `now` (a change that is not finite is ignored).
    pub fn add(&mut self, now: f64, delta: f64) {
        self.set(now, self.level + delta);
    }

    /// Forgets the past up to `now` (the end of a warm-up): the integral restarts from 0 and
    /// the maximum from the current level.
    pub fn restart(&mut self, now: f64) {
        self.advance(now);
        self.start = self.since;
        self.area = 0.0;
        self.max = self.level;
    }

    /// The current level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The highest level since the start.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The start of the integral.
    pub fn start(&self) -> f64 {
        self.start
    }

    /// The integral of the level from the start to `now` (level × time).
    pub fn integral(&self, now: f64) -> f64 {
        let mut at = *self;
        at.advance(now);
        at.area
    }

    /// The time-average level from the start to `now` (the current level when no time has
    /// passed).
    pub fn mean(&self, now: f64) -> f64 {
        let mut at = *self;
        at.advance(now);
        if at.since > at.start {
            at.area / (at.since - at.start)
        } else {
            at.level
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95% and 99% points (Abramowitz & Stegun table 26.10, to 3 decimals).
        let table = [
            (1, 0.975, 12.706),
            (1, 0.995, 63.657),
            (2, 0.975, 4.303),
            (2, 0.995, 9.925),
            (4, 0.975, 2.776),
            (4, 0.995, 4.604),
            (9, 0.975, 2.262),
            (9, 0.995, 3.250),
            (19, 0.975, 2.093),
            (19, 0.995, 2.861),
            (29, 0.975, 2.045),
            (29, 0.995, 2.756),
            (60, 0.975, 2.000),
            (60, 0.995, 2.660),
            (120, 0.975, 1.980),
            (120, 0.995, 2.617),
        ];
        for (df, p, expected) in table {
            let t = student_t_quantile(p, df).unwrap();
            assert!(
                (t - expected).abs() < 6e-4,
                "t({df}, {p}) = {t}, not {expected}"
            );
            assert_eq!(student_t_quantile(1.0 - p, df), Some(-t));
        }
        // Closed forms: df 1 is Cauchy, df 2 has t = (2p − 1) √(2 / (1 − (2p − 1)²)).
        let cauchy = (std::f64::consts::PI * (0.995 - 0.5)).tan();
        assert!((student_t_quantile(0.995, 1).unwrap() - cauchy).abs() < 1e-9 * cauchy);
        let a: f64 = 0.99;
        let two = a * (2.0 / (1.0 - a * a)).sqrt();
        assert!((student_t_quantile(0.995, 2).unwrap() - two).abs() < 1e-12 * two);
        assert_eq!(student_t_quantile(0.5, 7), Some(0.0));
    }

    #[test]
    fn t_quantiles_tend_to_the_normal_and_join_at_1000_degrees() {
        // The exact sum at 1,000 degrees and the expansion just above agree.
        for p in [0.9, 0.975, 0.995, 0.9995] {
            let exact = t_two_sided(2.0 * p - 1.0, 1000);
            let expanded = cornish_fisher(normal_quantile(p), 1000.0);
            assert!(
                (exact - expanded).abs() < 1e-8,
                "{p}: {exact} vs {expanded}"
            );
        }
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 5e-9);
        assert!((normal_quantile(0.995) - 2.575_829_303_548_901).abs() < 5e-9);
        assert!((normal_quantile(0.005) + 2.575_829_303_548_901).abs() < 5e-9);
        let far = student_t_quantile(0.975, 1_000_000).unwrap();
        assert!((far - 1.959_963_984_540_054).abs() < 1e-5, "{far}");
        // Decreasing in the degrees of freedom.
        let mut last = f64::INFINITY;
        for df in [1, 2, 3, 5, 10, 30, 100, 1000, 1001, 10_000] {
            let t = student_t_quantile(0.995, df).unwrap();
            assert!(t < last, "df {df}: {t} ≥ {last}");
            last = t;
        }
    }

    #[test]
    fn bad_t_arguments_give_none() {
        assert_eq!(student_t_quantile(0.975, 0), None);
        assert_eq!(student_t_quantile(0.0, 5), None);
        assert_eq!(student_t_quantile(1.0, 5), None);
        assert_eq!(student_t_quantile(f64::NAN, 5), None);
    }

    #[test]
    fn batch_means_of_a_known_sequence() {
        // Four batches of two: means 1.5, 3.5, 5.5, 7.5; their s = √(20/3); t(3, 0.975) = 3.182.
        let samples: Vec<f64> = (1..=8).map(f64::from).collect();
        let interval = batch_means(&samples, 4, 0.95).unwrap();
        assert_eq!(interval.mean, 4.5);
        assert_eq!((interval.batches, interval.batch_size), (4, 2));
        let expected = 3.182_446_305 * (20.0_f64 / 3.0).sqrt() / 2.0;
        assert!(
            (interval.half_width - expected).abs() < 1e-8,
            "{interval:?}"
        );
        assert!(
            interval.contains(4.5 + expected * 0.99) && !interval.contains(4.5 + expected * 1.01)
        );
        assert!(!interval.contains(f64::NAN));
        // Nine samples in four batches leave out the first.
        let mut nine = vec![100.0];
        nine.extend(&samples);
        assert_eq!(batch_means(&nine, 4, 0.95), Ok(interval));
        // Constant samples: a zero-width interval at the constant.
        let flat = batch_means(&[2.5; 40], 20, 0.99).unwrap();
        assert_eq!((flat.mean, flat.half_width), (2.5, 0.0));
        assert!(flat.contains(2.5));
    }

    #[test]
    fn batch_means_cover_the_mean_of_independent_draws_at_their_rate() {
        // Exponential draws of mean 1 are independent: a 95% interval covers 1 in about 95 of
        // 100 streams (binomial sd ≈ 2.2), a 99% one in about 99.
        let mut covered_95 = 0;
        let mut covered_99 = 0;
        for stream in 0..100 {
            let mut rng = super::super::Rng::new(2024, stream);
            let draws: Vec<f64> = (0..2000).map(|_| rng.exponential(1.0)).collect();
            covered_95 += usize::from(batch_means(&draws, 20, 0.95).unwrap().contains(1.0));
            covered_99 += usize::from(batch_means(&draws, 20, 0.99).unwrap().contains(1.0));
        }
        assert!((88..=100).contains(&covered_95), "95%: {covered_95} of 100");
        assert!((95..=100).contains(&covered_99), "99%: {covered_99} of 100");
        assert!(covered_99 >= covered_95);
    }

    #[test]
    fn bad_batch_means_arguments_are_refused() {
        let samples = [1.0, 2.0, 3.0];
        assert_eq!(
            batch_means(&samples, 1, 0.95),
            Err(StatsError::BadBatches {
                samples: 3,
                batches: 1
            })
        );
        assert!(matches!(
            batch_means(&samples, 4, 0.95),
            Err(StatsError::BadBatches { .. })
        ));
        assert_eq!(
            batch_means(&samples, 2, 1.0),
            Err(StatsError::BadConfidence(1.0))
        );
        assert!(batch_means(&samples, 2, f64::NAN).is_err());
        assert_eq!(
            batch_means(&[1.0, f64::INFINITY], 2, 0.95),
            Err(StatsError::NotFinite {
                index: 1,
                value: f64::INFINITY
            })
        );
    }

    #[test]
    fn quantiles_of_1_to_100() {
        let mut values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        for (q, expected) in [
            (0.0, 1.0),
            (0.01, 1.0),
            (0.07, 7.0),
            (0.5, 50.0),
            (0.505, 51.0),
            (0.9, 90.0),
            (0.95, 95.0),
            (0.99, 99.0),
            (0.991, 100.0),
            (1.0, 100.0),
        ] {
            assert_eq!(quantile(&mut values, q), Some(expected), "q {q}");
        }
        assert_eq!(quantile(&mut [], 0.5), None);
        assert_eq!(quantile(&mut values, 1.5), None);
        assert_eq!(quantile(&mut [1.0, f64::NAN], 0.5), None);
        assert_eq!(quantile(&mut [3.0], 0.0), Some(3.0));
    }

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        // Equal weights: as the unweighted quantile.
        let mut equal: Vec<(f64, f64)> = (1..=100).rev().map(|v| (f64::from(v), 2.0)).collect();
        for q in [0.0, 0.07, 0.5, 0.95, 1.0] {
            let mut plain: Vec<f64> = (1..=100).map(f64::from).collect();
            assert_eq!(weighted_quantile(&mut equal, q), quantile(&mut plain, q));
        }
        // Weight v on value v: the cumulative weight to k is k(k+1)/2 of 5050; the median is
        // the first k with k(k+1) ≥ 5050, 71 (70·71 = 4970).
        let mut linear: Vec<(f64, f64)> = (1..=100).map(|v| (f64::from(v), f64::from(v))).collect();
        assert_eq!(weighted_quantile(&mut linear, 0.5), Some(71.0));
        assert_eq!(weighted_quantile(&mut linear, 0.0), Some(1.0));
        assert_eq!(weighted_quantile(&mut linear, 1.0), Some(100.0));
        // A heavy value takes the quantiles its weight covers; zero weights are never chosen.
        let mut heavy = [(5.0, 0.0), (1.0, 1.0), (3.0, 8.0), (2.0, 1.0), (9.0, 0.0)];
        assert_eq!(weighted_quantile(&mut heavy, 0.0), Some(1.0));
        assert_eq!(weighted_quantile(&mut heavy, 0.1), Some(1.0));
        assert_eq!(weighted_quantile(&mut heavy, 0.15), Some(2.0));
        assert_eq!(weighted_quantile(&mut heavy, 0.5), Some(3.0));
        assert_eq!(weighted_quantile(&mut heavy, 1.0), Some(3.0));
        // Refused.
        assert_eq!(weighted_quantile(&mut [], 0.5), None);
        assert_eq!(weighted_quantile(&mut [(1.0, 0.0), (2.0, 0.0)], 0.5), None);
        assert_eq!(weighted_quantile(&mut [(1.0, -1.0), (2.0, 2.0)], 0.5), None);
        assert_eq!(weighted_quantile(&mut [(f64::NAN, 1.0)], 0.5), None);
        assert_eq!(weighted_quantile(&mut [(1.0, f64::INFINITY)], 0.5), None);
        assert_eq!(weighted_quantile(&mut [(1.0, 1.0)], -0.1), None);
    }

    #[test]
    fn time_average_integrates_a_step_level() {
        // 0 on [0, 2), 3 on [2, 5), 1 on [5, 10): integral 9 + 5 = 14 at 10.
        let mut level = TimeAverage::new(0.0, 0.0);
        level.set(2.0, 3.0);
        level.add(5.0, -2.0);
        assert_eq!(level.level(), 1.0);
        assert_eq!(level.integral(5.0), 9.0);
        assert_eq!(level.integral(10.0), 14.0);
        assert_eq!(level.mean(10.0), 1.4);
        assert_eq!(level.max(), 3.0);
        // Reading does not change it; a time before the last change counts as that change.
        assert_eq!(level.integral(4.0), 9.0);
        assert_eq!(level.integral(f64::NAN), 9.0);
        level.set(4.0, 2.0);
        assert_eq!(level.integral(10.0), 9.0 + 2.0 * 5.0);
        // Not finite: ignored.
        level.set(6.0, f64::NAN);
        level.add(6.0, f64::INFINITY);
        assert_eq!(level.level(), 2.0);
        // No time passed: the mean is the level.
        assert_eq!(TimeAverage::new(3.0, 4.0).mean(3.0), 4.0);
        assert_eq!(TimeAverage::default().mean(1.0), 0.0);
    }

    #[test]
    fn time_average_restarts_after_a_warm_up() {
        let mut level = TimeAverage::new(0.0, 10.0);
        level.set(1.0, 2.0);
        level.restart(4.0);
        assert_eq!(level.start(), 4.0);
        assert_eq!(level.max(), 2.0);
        level.set(6.0, 4.0);
        // 2 on [4, 6), 4 on [6, 8).
        assert_eq!(level.integral(8.0), 12.0);
        assert_eq!(level.mean(8.0), 3.0);
        assert_eq!(level.max(), 4.0);
    }
}
