//! The Frank–Wolfe family of link-based equilibrium methods: the method of successive averages
//! (MSA), Frank–Wolfe (FW), conjugate Frank–Wolfe (CFW) and bi-conjugate Frank–Wolfe (BFW).
//!
//! Iteration 1 loads every class all-or-nothing at free-flow costs. Every later iteration `k`
//! loads each class all-or-nothing on its shortest paths at the costs of the current flows
//! `x` (the same pass gives the relative gap of `x`), builds a target point `s̄` per class
//! from those flows `y`, and moves all classes by one common step `λ`:
//! `x ← (1 − λ) x + λ s̄`.
//!
//! - MSA: `s̄ = y`, `λ = 1/k`.
//! - FW: `s̄ = y`; `λ` minimizes the objective on the segment (exact line search).
//! - CFW: `s̄_k = α s̄_{k−1} + (1 − α) y`, with `α` making the direction `s̄_k − x`
//!   conjugate to the previous one under the objective's Hessian `H` (diagonal: the slope of
//!   each link's cost at the current total volume): `α = N / D`,
//!   `N = (s̄_{k−1} − x)ᵀH(y − x)`, `D = (s̄_{k−1} − x)ᵀH(y − s̄_{k−1})`, clamped to
//!   `[0, 1 − 1e-5]` (0 when `D = 0`).
//! - BFW: `s̄_k = β₀ y + β₁ s̄_{k−1} + β₂ s̄_{k−2}`, conjugate to the last two directions:
//!   with `τ` the previous step, `x̄ = τ s̄_{k−1} + (1 − τ) s̄_{k−2} − x`,
//!   `μ = −x̄ᵀH(y − x) / x̄ᵀH(s̄_{k−2} − s̄_{k−1})`,
//!   `ν = −(s̄_{k−1} − x)ᵀH(y − x) / (s̄_{k−1} − x)ᵀH(s̄_{k−1} − x) + μτ/(1 − τ)`, both
//!   floored at 0 (0 when a denominator is 0), `β₀ = 1/(1 + μ + ν)`, `β₁ = νβ₀`, `β₂ = μβ₀`.
//!
//! The Hessian products run over total (pce-weighted) volumes, so with several classes each
//! class gets its own target from its own all-or-nothing flows while `α`, `β` and `λ` are
//! common. The line search solves `Σ_a c_a(V + λD)·D_a + Σ_k pce_k Σ_a f_ka d_ka = 0`
//! (the derivative of the objective along the direction; `c` is the time, or the marginal time
//! `t + v·t'` for a system optimum, whose Hessian uses `2t' + v·t''`) by Newton's method kept
//! inside a shrinking bracket, to machine precision.
//!
//! The sequence of directions follows AequilibraE's `LinearApproximation`: iteration 2 and
//! every iteration after a full step (`λ = 1`, when the previous targets coincide with `x`)
//! take the FW direction, the next one a CFW direction, later ones BFW (CFW for `cfw`). A
//! conjugate direction along which the objective does not decrease is replaced by the FW
//! direction for that iteration, and the sequence restarts from there. It differs from
//! AequilibraE 1.x in three places, all towards the paper (Mitradjieva & Lindberg, "The stiff
//! is moving — conjugate direction Frank–Wolfe methods with applications to traffic
//! assignment", Transportation Science 47(2), 2013):
//! - CFW weights the previous target by `α` (AequilibraE weights the all-or-nothing flows by
//!   it, which is not the conjugate combination: its own BFW formula with `μ = 0` gives the
//!   paper's);
//! - the first BFW step after a CFW step uses the target of two iterations back as `s̄_{k−2}`
//!   (AequilibraE keeps a stale copy there, zero flows on the first one);
//! - when the objective still decreases at `λ = 1` the step is 1 (AequilibraE falls back to a
//!   tiny step, or to the FW direction).
//!
//! When even the FW direction is not a descent direction, the flows are an equilibrium to
//! machine precision and the iterations stop (unconverged if the target gap is below what
//! floating point can resolve).
//!
//! Buffers are allocated once before the iterations; the link-level sums run in link order on
//! one thread and the all-or-nothing loads add up in a fixed order, so results are bitwise the
//! same for any thread count.

use super::solve::Outcome;
use super::{
    AssignError, AssignOptions, CostModel, Flows, GapEvaluator, IterationStats, LinkVdf, Method,
    Problem, relative_gap,
};
use std::time::Instant;

/// The largest weight CFW gives the previous target: at 1 the direction would stop changing.
const CONJUGATE_MAX: f64 = 1.0 - 1e-5;

/// Bracketed Newton iterations of one line search at most (bisection alone needs about 60 to
/// reach machine precision on `[0, 1]`; Newton usually finishes in under 10).
const LINE_SEARCH_ITERATIONS: usize = 200;

/// History rows reserved before the iterations (more are added as needed).
const HISTORY_RESERVE: usize = 4096;

/// The kind of target point an iteration builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    FrankWolfe,
    Conjugate,
    Biconjugate,
}

/// The buffers of the iterations, allocated once.
struct Workspace {
    /// `s̄_k` per class (class units).
    target: Vec<Vec<f64>>,
    /// `s̄_{k−1}` per class, for BFW.
    previous: Vec<Vec<f64>>,
    /// Σ pce · target.
    target_total: Vec<f64>,
    /// Σ pce · previous.
    previous_total: Vec<f64>,
    /// Σ pce · all-or-nothing flows.
    aon_total: Vec<f64>,
    /// The Hessian's diagonal at the current total volumes.
    hessian: Vec<f64>,
    /// `target_total − x.total`.
    direction: Vec<f64>,
    /// Links whose total volume the direction changes.
    moving: Vec<u32>,
}

impl Workspace {
    /// Buffers for `classes` classes on `links` links; those of the conjugate directions
    /// only when `conjugate`.
    fn new(classes: usize, links: usize, conjugate: bool) -> Workspace {
        let conjugate_links = if conjugate { links } else { 0 };
        Workspace {
            target: vec![vec![0.0; links]; classes],
            previous: vec![vec![0.0; conjugate_links]; classes],
            target_total: vec![0.0; links],
            previous_total: vec![0.0; conjugate_links],
            aon_total: vec![0.0; links],
            hessian: vec![0.0; conjugate_links],
            direction: vec![0.0; links],
            moving: Vec::with_capacity(links),
        }
    }
}

/// Runs MSA, FW, CFW or BFW from the all-or-nothing flows in `flows` (iteration 1) until the
/// relative gap reaches the target, the iteration or time limit is hit, or no descent
/// direction is left. `flows` holds the returned flows and `gap` their costs.
pub(super) fn solve(
    problem: &Problem,
    options: &AssignOptions,
    start: Instant,
    gap: &mut GapEvaluator,
    flows: &mut Flows,
    observer: &mut super::Observer<'_>,
) -> Result<Outcome, AssignError> {
    let method = options.method;
    let links = problem.network().link_count();
    let conjugate = matches!(
        method,
        Method::ConjugateFrankWolfe | Method::BiconjugateFrankWolfe
    );
    let mut ws = Workspace::new(problem.classes().len(), links, conjugate);
    let mut history = Vec::with_capacity(options.max_iterations.clamp(1, HISTORY_RESERVE));
    let mut iteration = 1;
    // Iteration 1 is a full step onto the all-or-nothing flows.
    let mut last_step = 1.0;
    let mut next = Direction::FrankWolfe;
    loop {
        let sptt = gap.all_or_nothing(problem, &flows.total)?;
        let tstt = gap.tstt(problem, flows);
        let stats = IterationStats {
            iteration,
            relative_gap: relative_gap(tstt, sptt),
            objective: problem.objective(flows),
            seconds: start.elapsed().as_secs_f64(),
        };
        if observer(&stats).is_break() {
            return Err(AssignError::Cancelled);
        }
        history.push(stats);
        let out_of_time = options
            .time_limit
            .is_some_and(|limit| start.elapsed() >= limit);
        if stats.relative_gap <= options.target_gap
            || iteration >= options.max_iterations
            || out_of_time
        {
            break;
        }
        pce_total(problem, &gap.aon_flows, &mut ws.aon_total);

        let mut kind = match method {
            Method::Msa | Method::FrankWolfe => Direction::FrankWolfe,
            // After a full step the previous targets are the flows themselves: start afresh.
            _ if last_step == 1.0 => Direction::FrankWolfe,
            _ => next,
        };
        match kind {
            Direction::FrankWolfe => frank_wolfe_target(&mut ws, &gap.aon_flows),
            Direction::Conjugate => conjugate_target(problem, &mut ws, flows, &gap.aon_flows),
            Direction::Biconjugate => {
                biconjugate_target(problem, &mut ws, flows, &gap.aon_flows, last_step);
            }
        }

        let step = if method == Method::Msa {
            Some(1.0 / (iteration + 1) as f64)
        } else {
            let mut step = line_search(problem, &mut ws, flows);
            if step.is_none() && kind != Direction::FrankWolfe {
                // The conjugate direction goes uphill: take the FW direction this time.
                kind = Direction::FrankWolfe;
                frank_wolfe_target(&mut ws, &gap.aon_flows);
                step = line_search(problem, &mut ws, flows);
            }
            step
        };
        let Some(step) = step else {
            // Not even the FW direction descends: the flows are optimal to machine
            // precision, and the gap computed at them is final.
            break;
        };
        for (x, s) in flows.class.iter_mut().zip(&ws.target) {
            for (x, &s) in x.iter_mut().zip(s) {
                *x = (1.0 - step) * *x + step * s;
            }
        }
        problem.update_total(flows);
        iteration += 1;
        last_step = step;
        next = match (kind, method) {
            (Direction::FrankWolfe, _) => Direction::Conjugate,
            (_, Method::BiconjugateFrankWolfe) => Direction::Biconjugate,
            _ => Direction::Conjugate,
        };
    }
    let last = history
        .last()
        .copied()
        .expect("iteration 1 is always recorded");
    Ok(Outcome {
        iterations: iteration,
        relative_gap: last.relative_gap,
        objective: last.objective,
        history,
    })
}

/// `total = Σ_k pce_k · per_class[k]`.
fn pce_total(problem: &Problem, per_class: &[Vec<f64>], total: &mut [f64]) {
    total.fill(0.0);
    for (class, x) in problem.classes().iter().zip(per_class) {
        for (t, v) in total.iter_mut().zip(x) {
            *t += class.pce * v;
        }
    }
}

/// The FW target: the all-or-nothing flows.
fn frank_wolfe_target(ws: &mut Workspace, aon: &[Vec<f64>]) {
    for (s, y) in ws.target.iter_mut().zip(aon) {
        s.copy_from_slice(y);
    }
    ws.target_total.copy_from_slice(&ws.aon_total);
}

/// The CFW target `α s̄_{k−1} + (1 − α) y`; the old target becomes `s̄_{k−2}` for BFW.
///
/// `α = ν / (1 + ν)` with `ν = −(s̄_{k−1} − x)ᵀH(y − x) / (s̄_{k−1} − x)ᵀH(s̄_{k−1} − x)` floored
/// at 0: BFW's formula with `μ = 0`. Where `ν ≥ 0` this is the paper's `N/D`; where the
/// all-or-nothing flows and the previous target pull the same way (`N > 0`) `N/D` is negative
/// or above 1 and the conjugate point lies outside the segment. The paper then clamps `α` to
/// `[0, 1 − δ]`, which above 1 keeps the previous direction, along which the last line search
/// already found the minimum: steps of 1e-5 for ever (seen on small random networks). `ν = 0`
/// takes the FW direction instead.
fn conjugate_target(problem: &Problem, ws: &mut Workspace, flows: &Flows, aon: &[Vec<f64>]) {
    cost_slopes(problem, &flows.total, &mut ws.hessian);
    let (mut numerator, mut denominator) = (0.0, 0.0);
    for a in 0..flows.total.len() {
        let (x, s, y, h) = (
            flows.total[a],
            ws.target_total[a],
            ws.aon_total[a],
            ws.hessian[a],
        );
        numerator += h * (s - x) * (y - x);
        denominator += h * (s - x) * (s - x);
    }
    let nu = if denominator == 0.0 {
        0.0
    } else {
        // NaN (from overflowing slopes) maps to 0 through `max`.
        (-numerator / denominator).max(0.0)
    };
    let alpha = (nu / (1.0 + nu)).min(CONJUGATE_MAX);
    for ((s, p), y) in ws.target.iter_mut().zip(&mut ws.previous).zip(aon) {
        p.copy_from_slice(s);
        for (s, &y) in s.iter_mut().zip(y) {
            *s = alpha * *s + (1.0 - alpha) * y;
        }
    }
    ws.previous_total.copy_from_slice(&ws.target_total);
    pce_total(problem, &ws.target, &mut ws.target_total);
}

/// The BFW target `β₀ y + β₁ s̄_{k−1} + β₂ s̄_{k−2}`; `tau` is the previous step (< 1).
fn biconjugate_target(
    problem: &Problem,
    ws: &mut Workspace,
    flows: &Flows,
    aon: &[Vec<f64>],
    tau: f64,
) {
    cost_slopes(problem, &flows.total, &mut ws.hessian);
    let (mut mu_num, mut mu_den, mut nu_num, mut nu_den) = (0.0, 0.0, 0.0, 0.0);
    for a in 0..flows.total.len() {
        let (x, s, p, y, h) = (
            flows.total[a],
            ws.target_total[a],
            ws.previous_total[a],
            ws.aon_total[a],
            ws.hessian[a],
        );
        let xbar = tau * s + (1.0 - tau) * p - x;
        mu_num += h * xbar * (y - x);
        mu_den += h * xbar * (p - s);
        nu_num += h * (s - x) * (y - x);
        nu_den += h * (s - x) * (s - x);
    }
    let mu = if mu_den == 0.0 {
        0.0
    } else {
        (-mu_num / mu_den).max(0.0)
    };
    let nu = if nu_den == 0.0 {
        0.0
    } else {
        (-nu_num / nu_den + mu * tau / (1.0 - tau)).max(0.0)
    };
    let b0 = 1.0 / (1.0 + mu + nu);
    let (b1, b2) = (nu * b0, mu * b0);
    for ((s, p), y) in ws.target.iter_mut().zip(&mut ws.previous).zip(aon) {
        for ((s, p), &y) in s.iter_mut().zip(p.iter_mut()).zip(y) {
            let old = *s;
            *s = b0 * y + b1 * old + b2 * *p;
            *p = old;
        }
    }
    ws.previous_total.copy_from_slice(&ws.target_total);
    pce_total(problem, &ws.target, &mut ws.target_total);
}

/// The slope of every link's cost at total volumes `volume`: the objective's Hessian diagonal.
fn cost_slopes(problem: &Problem, volume: &[f64], out: &mut [f64]) {
    let model = problem.model();
    for ((o, f), &v) in out.iter_mut().zip(problem.network().vdfs()).zip(volume) {
        *o = model.slope(f, v);
    }
}

/// The step in `(0, 1]` minimizing the objective from `flows` towards the target, or `None`
/// when the objective does not decrease along the direction.
fn line_search(problem: &Problem, ws: &mut Workspace, flows: &Flows) -> Option<f64> {
    ws.moving.clear();
    for (a, ((d, &s), &x)) in ws
        .direction
        .iter_mut()
        .zip(&ws.target_total)
        .zip(&flows.total)
        .enumerate()
    {
        *d = s - x;
        if *d != 0.0 {
            ws.moving.push(a as u32);
        }
    }
    // The fixed costs' part of the derivative does not depend on the step.
    let fixed: f64 = problem
        .classes()
        .iter()
        .zip(&ws.target)
        .zip(&flows.class)
        .map(|((class, s), x)| {
            class.pce
                * class
                    .fixed_cost
                    .iter()
                    .zip(s)
                    .zip(x)
                    .map(|((f, s), x)| f * (s - x))
                    .sum::<f64>()
        })
        .sum();
    let segment = Segment {
        model: problem.model(),
        vdfs: problem.network().vdfs(),
        volume: &flows.total,
        direction: &ws.direction,
        moving: &ws.moving,
        fixed,
    };
    segment.minimum()
}

/// The objective along `volume + λ·direction`, through its derivative (also Algorithm B's
/// sweep extension).
pub(super) struct Segment<'a> {
    pub(super) model: CostModel,
    pub(super) vdfs: &'a [LinkVdf],
    /// Total volumes at λ = 0.
    pub(super) volume: &'a [f64],
    /// Change of the total volumes at λ = 1.
    pub(super) direction: &'a [f64],
    /// The links whose direction is not zero.
    pub(super) moving: &'a [u32],
    /// The derivative of the fixed-cost part (constant along the segment).
    pub(super) fixed: f64,
}

impl Segment<'_> {
    /// The derivative of the objective at step `lambda`.
    fn slope(&self, lambda: f64) -> f64 {
        let mut g = self.fixed;
        for &a in self.moving {
            let a = a as usize;
            let d = self.direction[a];
            g += self.model.cost(&self.vdfs[a], self.volume[a] + lambda * d) * d;
        }
        g
    }

    /// The derivative and second derivative of the objective at step `lambda`.
    fn slope_and_curvature(&self, lambda: f64) -> (f64, f64) {
        let (mut g, mut h) = (self.fixed, 0.0);
        for &a in self.moving {
            let a = a as usize;
            let d = self.direction[a];
            let v = self.volume[a] + lambda * d;
            g += self.model.cost(&self.vdfs[a], v) * d;
            h += self.model.slope(&self.vdfs[a], v) * d * d;
        }
        (g, h)
    }

    /// The minimizing step: `None` if the derivative at 0 is not negative, 1 if it is still
    /// ≤ 0 at 1, else the root of the derivative by Newton steps inside the bracket (bisection
    /// where Newton would leave it).
    pub(super) fn minimum(&self) -> Option<f64> {
        let g0 = self.slope(0.0);
        if g0.is_nan() || g0 >= 0.0 {
            return None;
        }
        let g1 = self.slope(1.0);
        if g1 <= 0.0 {
            return Some(1.0);
        }
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        // The secant through the bracket's ends is exact for linear costs.
        let mut lambda = g0 / (g0 - g1);
        if !(lambda > 0.0 && lambda < 1.0) {
            lambda = 0.5;
        }
        for _ in 0..LINE_SEARCH_ITERATIONS {
            let (g, h) = self.slope_and_curvature(lambda);
            if g == 0.0 {
                return Some(lambda);
            }
            if g < 0.0 {
                lo = lambda;
            } else {
                hi = lambda;
            }
            let newton = lambda - g / h;
            let next = if h > 0.0 && newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            };
            if (next - lambda).abs() <= 4.0 * f64::EPSILON * next
                || hi - lo <= 4.0 * f64::EPSILON * hi
            {
                return Some(next);
            }
            lambda = next;
        }
        Some(lambda)
    }
}
