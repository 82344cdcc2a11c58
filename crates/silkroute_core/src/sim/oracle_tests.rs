//! The engine against closed forms: each model's mean wait, after a warm-up, inside a 99%
//! batch-means interval (20 batches) that is itself narrow (half-width under 10% of the
//! mean, so a wrong model cannot pass on a wide interval); the ferry's backlog growth by least
//! squares; Little's law on each run's path; the same seed, the same bytes.

use super::models::{self, Service, ferry_headway, queue_waits};
use super::*;

/// Customers (or units) dropped from the start of a run before batch means.
const WARM_UP: usize = 5_000;

/// Asserts that the 99% batch-means interval of `waits` after the warm-up holds `expected`
/// and is narrower than 10% of its mean.
fn assert_within(what: &str, waits: &[f64], expected: f64) {
    let interval = batch_means(&waits[WARM_UP..], DEFAULT_BATCHES, 0.99).unwrap();
    assert!(
        interval.contains(expected),
        "{what}: {interval:?} does not hold {expected}"
    );
    assert!(
        interval.relative_half_width() < 0.1,
        "{what}: {interval:?} is too wide to tell"
    );
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load `a`
/// (λ/μ) on `c` servers.
fn erlang_c(a: f64, c: usize) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / k as f64;
        sum += term;
    }
    let last = term * a / c as f64 * (c as f64 / (c as f64 - a));
    last / (sum + last)
}

#[test]
fn erlang_c_matches_hand_values() {
    // c = 1: C = ρ. c = 3, a = 2.4: 11.52 / (6.28 + 11.52).
    assert!((erlang_c(0.8, 1) - 0.8).abs() < 1e-12);
    assert!((erlang_c(2.4, 3) - 11.52 / 17.8).abs() < 1e-12);
}

#[test]
fn mm1_at_rho_half_waits_rho_over_mu_minus_lambda() {
    // λ = 0.5, μ = 1: Wq = ρ / (μ − λ) = 1.
    let run = queue_waits(0.5, Service::Exponential(1.0), 1, 200_000, 21).unwrap();
    assert_eq!(run.waits.len(), 200_000);
    assert_within("M/M/1 ρ 0.5", &run.waits, 0.5 / (1.0 - 0.5));
}

#[test]
fn mm1_at_rho_0_8_waits_rho_over_mu_minus_lambda() {
    // λ = 0.8, μ = 1: Wq = 4, the slow-mixing case (batches of 20,000 customers). Over the
    // seeds 1000 to 1039 the interval held 4 in 39 runs, their means averaging 3.996.
    let run = queue_waits(0.8, Service::Exponential(1.0), 1, 405_000, 1000).unwrap();
    assert_within("M/M/1 ρ 0.8", &run.waits, 0.8 / (1.0 - 0.8));
}

#[test]
fn mm3_waits_erlang_c_over_c_mu_minus_lambda() {
    // λ = 2.4, μ = 1, c = 3 (ρ = 0.8): Wq = C(3, 2.4) / (3μ − λ) ≈ 1.0787.
    let run = queue_waits(2.4, Service::Exponential(1.0), 3, 205_000, 23).unwrap();
    assert_within("M/M/3", &run.waits, erlang_c(2.4, 3) / (3.0 - 2.4));
}

#[test]
fn md1_waits_pollaczek_khinchine() {
    // λ = 0.7, service 1 (μ = 1): Wq = ρ / (2μ(1 − ρ)) = 7/6.
    let run = queue_waits(0.7, Service::Fixed(1.0), 1, 205_000, 24).unwrap();
    assert_within("M/D/1", &run.waits, 0.7 / (2.0 * (1.0 - 0.7)));
}

#[test]
fn unlimited_ferry_waits_half_its_headway() {
    // λ = 2 an hour, a ship every 6 hours taking all: a unit waits H/2 = 3 hours on average.
    let run = ferry_headway(2.0, 6.0, None, 17_000, 25).unwrap();
    assert!((0.0..6.0).contains(&run.phase_h));
    assert_eq!(run.departures.len(), 17_000);
    for (k, departure) in run.departures.iter().enumerate() {
        let at_h = run.phase_h + k as f64 * 6.0;
        assert!((departure.at_h - at_h).abs() < 1e-9, "{k}: {departure:?}");
        assert_eq!(departure.backlog, 0);
    }
    let loaded: u64 = run.departures.iter().map(|d| d.loaded).sum();
    assert_eq!(run.waits_h.len() as u64, loaded);
    assert!(run.waits_h.iter().all(|&w| (0.0..=6.0).contains(&w)));
    assert_within("ferry H 6 h", &run.waits_h, 6.0 / 2.0);
}

/// The least-squares slope of `y` on `x`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.0 - mean_x)).sum();
    sxy / sxx
}

#[test]
fn a_full_ferry_leaves_a_backlog_growing_at_lambda_minus_k_over_h() {
    // λ = 2 an hour, 6 units a ship every 6 hours: the quay gains λ − K/H = 1 unit an hour.
    // The least-squares slope of a Poisson count over T hours has a standard deviation of
    // about √(1.2 λ / T) ≈ 0.0045 an hour at T = 120,000: 2% is over 4 of them.
    let run = ferry_headway(2.0, 6.0, Some(6), 20_000, 26).unwrap();
    let points: Vec<(f64, f64)> = run
        .departures
        .iter()
        .map(|d| (d.at_h, d.backlog as f64))
        .collect();
    let growth_per_h = slope(&points);
    assert!((growth_per_h - 1.0).abs() < 0.02, "{growth_per_h} units/h");
    // Past the first few ships every ship leaves full, first in first out.
    assert!(run.departures[100..].iter().all(|d| d.loaded == 6));
    let loaded: u64 = run.departures.iter().map(|d| d.loaded).sum();
    assert_eq!(run.waits_h.len() as u64, loaded);
    let last = run.departures.last().unwrap();
    assert_eq!(run.quay.level(), last.backlog as f64);
    // The waits grow with the backlog: the last unit to leave waited far longer than the
    // first hundred did on average.
    let early = run.waits_h[..100].iter().sum::<f64>() / 100.0;
    let late = *run.waits_h.last().unwrap();
    assert!(late > 100.0 * early.max(1.0), "{early} h then {late} h");
}

#[test]
fn littles_law_holds_on_the_path_of_each_run() {
    // Empty at the start and at the end, the area under the number waiting is the sum of the
    // waits (to rounding); its time average is then λ̂ × mean wait, near λ Wq.
    let run = queue_waits(0.5, Service::Exponential(1.0), 1, 200_000, 27).unwrap();
    let total: f64 = run.waits.iter().sum();
    let area = run.waiting.integral(run.end);
    assert!((area - total).abs() < 1e-9 * total, "{area} vs {total}");
    assert_eq!(run.waiting.level(), 0.0);
    let queue_length = run.waiting.mean(run.end);
    assert!((queue_length - 0.5).abs() < 0.05 * 0.5, "Lq {queue_length}");
    // M/M/3: Lq = λ Wq.
    let run = queue_waits(2.4, Service::Exponential(1.0), 3, 50_000, 28).unwrap();
    let total: f64 = run.waits.iter().sum();
    assert!((run.waiting.integral(run.end) - total).abs() < 1e-9 * total);
    // The unlimited ferry: the quay is empty after each ship, so the area under its stock
    // to the last departure is the sum of the waits; on average λ H / 2 = 6 units wait.
    let run = ferry_headway(2.0, 6.0, None, 5_000, 29).unwrap();
    let end = run.departures.last().unwrap().at_h;
    let total: f64 = run.waits_h.iter().sum();
    let area = run.quay.integral(end);
    assert!((area - total).abs() < 1e-9 * total, "{area} vs {total}");
    let stock = run.quay.mean(end);
    assert!((stock - 6.0).abs() < 0.05 * 6.0, "quay {stock}");
    assert!(run.quay.max() > 12.0);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let bits = |waits: &[f64]| waits.iter().map(|w| w.to_bits()).collect::<Vec<u64>>();
    let run = |seed| queue_waits(0.8, Service::Exponential(1.0), 2, 20_000, seed).unwrap();
    let (a, b, c) = (run(5), run(5), run(6));
    assert_eq!(bits(&a.waits), bits(&b.waits));
    assert_eq!((a.events, a.end.to_bits()), (b.events, b.end.to_bits()));
    assert_eq!(a.waiting, b.waiting);
    assert_ne!(bits(&a.waits), bits(&c.waits));
    let ferry = |seed| ferry_headway(3.0, 4.0, Some(10), 2_000, seed).unwrap();
    let (a, b, c) = (ferry(5), ferry(5), ferry(6));
    assert_eq!(bits(&a.waits_h), bits(&b.waits_h));
    assert_eq!(a, b);
    assert_ne!(bits(&a.waits_h), bits(&c.waits_h));
    assert_ne!(a.phase_h, c.phase_h);
}

#[test]
fn queue_waits_runs_the_benchmark_queue_draw_for_draw() {
    // The benchmark's queue keeps only the mean; the oracle's, every wait: same events, same
    // waits, so the same mean to the bit.
    for (service, servers) in [
        (Service::Exponential(1.0), 1),
        (Service::Exponential(1.0), 3),
        (Service::Fixed(1.0), 1),
    ] {
        let run = queue_waits(0.7, service, servers, 10_000, 30).unwrap();
        let (events, mean) = models::queue(0.7, service, servers, 10_000, 30);
        assert_eq!(run.events, events);
        let sum: f64 = run.waits.iter().fold(0.0, |sum, w| sum + w);
        assert_eq!(sum / run.waits.len() as f64, mean);
    }
}

#[test]
fn bad_model_parameters_are_refused() {
    fn bad<T>(name: &'static str, value: f64) -> Result<T, SimError> {
        Err(SimError::BadParameter { name, value })
    }
    assert_eq!(
        queue_waits(0.0, Service::Exponential(1.0), 1, 10, 1),
        bad("lambda", 0.0)
    );
    assert_eq!(
        queue_waits(1.0, Service::Exponential(f64::INFINITY), 1, 10, 1),
        bad("service rate", f64::INFINITY)
    );
    assert_eq!(
        queue_waits(1.0, Service::Fixed(-1.0), 1, 10, 1),
        bad("service time", -1.0)
    );
    assert!(queue_waits(1.0, Service::Fixed(0.0), 1, 10, 1).is_ok());
    assert_eq!(
        ferry_headway(-2.0, 6.0, None, 10, 1),
        bad("lambda_per_h", -2.0)
    );
    assert_eq!(ferry_headway(2.0, 0.0, None, 10, 1), bad("headway_h", 0.0));
    assert!(ferry_headway(2.0, f64::NAN, None, 10, 1).is_err());
    // No departure: an empty run.
    let run = ferry_headway(2.0, 6.0, None, 0, 1).unwrap();
    assert!(run.departures.is_empty() && run.waits_h.is_empty());
}
