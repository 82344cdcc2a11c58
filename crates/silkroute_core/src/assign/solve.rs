//! The entry point of every assignment method, its options and its result.

use super::{AllOrNothing, AssignError, AssignZoneId, Flows, Problem, frank_wolfe};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// An assignment algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// All-or-nothing at free-flow costs: one shortest-path pass, no congestion feedback.
    AllOrNothing,
    /// The method of successive averages: Frank–Wolfe directions with step `1/k`.
    Msa,
    /// Frank–Wolfe with an exact line search.
    FrankWolfe,
    /// Conjugate Frank–Wolfe (Mitradjieva & Lindberg 2013).
    ConjugateFrankWolfe,
    /// Bi-conjugate Frank–Wolfe (Mitradjieva & Lindberg 2013).
    BiconjugateFrankWolfe,
    /// Algorithm B (Dial 2006): origin-based, Newton flow shifts inside acyclic bushes;
    /// reaches relative gaps of 1e-10 and below.
    AlgorithmB,
}

impl Method {
    /// Every method, in the order the command line lists them.
    pub const ALL: &[Method] = &[
        Method::AllOrNothing,
        Method::Msa,
        Method::FrankWolfe,
        Method::ConjugateFrankWolfe,
        Method::BiconjugateFrankWolfe,
        Method::AlgorithmB,
    ];

    /// The short name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Method::AllOrNothing => "aon",
            Method::Msa => "msa",
            Method::FrankWolfe => "fw",
            Method::ConjugateFrankWolfe => "cfw",
            Method::BiconjugateFrankWolfe => "bfw",
            Method::AlgorithmB => "b",
        }
    }

    /// The method with this short name ([`Method::name`]).
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.iter().copied().find(|m| m.name() == name)
    }
}

/// When to stop and how.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignOptions {
    /// The algorithm.
    pub method: Method,
    /// Stop once the relative gap is at most this.
    pub target_gap: f64,
    /// Stop after this many iterations (not an error: the result says it did not converge).
    pub max_iterations: usize,
    /// Stop after this much time, checked between iterations.
    pub time_limit: Option<Duration>,
}

impl AssignOptions {
    /// Options for `method` with a gap target of 1e-4 and at most 1,000 iterations.
    pub fn new(method: Method) -> AssignOptions {
        AssignOptions {
            method,
            target_gap: 1e-4,
            max_iterations: 1000,
            time_limit: None,
        }
    }
}

/// The state after one iteration, as reported to the observer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IterationStats {
    /// The iteration (1-based).
    pub iteration: usize,
    /// The relative gap of the flows this iteration produced (iteration 1: the all-or-nothing
    /// flows at free-flow costs).
    pub relative_gap: f64,
    /// The objective of those flows.
    pub objective: f64,
    /// Seconds since the start of the solve.
    pub seconds: f64,
}

/// What an assignment produced. Not converging is not an error: `converged` says so.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignResult {
    /// The method used.
    pub method: Method,
    /// Link flows per class and in total.
    pub flows: Flows,
    /// The cost users see on each link at those flows (time, or marginal time for a system
    /// optimum), before class fixed costs.
    pub link_cost: Vec<f64>,
    /// Iterations done.
    pub iterations: usize,
    /// Relative gap of the returned flows, `(TSTT − SPTT) / TSTT`, computed at those flows.
    pub relative_gap: f64,
    /// The objective at the returned flows ([`Problem::objective`]).
    pub objective: f64,
    /// Whether the relative gap reached the target.
    pub converged: bool,
    /// Wall-clock seconds of the solve.
    pub seconds: f64,
    /// One row per iteration.
    pub history: Vec<IterationStats>,
}

/// What an observer of a long job returns: go on, or stop the work (a server whose client
/// went away, Ctrl-C in Python).
pub type Observer<'a> = dyn FnMut(&IterationStats) -> ControlFlow<()> + 'a;

/// An observer that never stops the run: `assign(&problem, &options, &mut keep_going)`.
pub fn keep_going(_: &IterationStats) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Solves `problem` with `options`, calling `observer` after each iteration (for progress
/// bars and convergence logs); the observer can stop the run by returning
/// `ControlFlow::Break`.
///
/// # Errors
/// Demand between zones no path connects ([`AssignError::Disconnected`]);
/// [`AssignError::Cancelled`] when the observer stopped the run.
pub fn assign(
    problem: &Problem,
    options: &AssignOptions,
    observer: &mut Observer<'_>,
) -> Result<AssignResult, AssignError> {
    let start = Instant::now();
    let mut gap = GapEvaluator::new(problem);
    let mut flows = problem.zero_flows();
    // The first all-or-nothing at free-flow costs is the starting point of every method and
    // finds disconnected demand before any work.
    gap.all_or_nothing(problem, &flows.total)?;
    for (x, y) in flows.class.iter_mut().zip(&gap.aon_flows) {
        x.copy_from_slice(y);
    }
    problem.update_total(&mut flows);
    let outcome = match options.method {
        Method::AllOrNothing => {
            let (relative_gap, objective) = gap.evaluate(problem, &flows)?;
            let stats = IterationStats {
                iteration: 1,
                relative_gap,
                objective,
                seconds: start.elapsed().as_secs_f64(),
            };
            if observer(&stats).is_break() {
                return Err(AssignError::Cancelled);
            }
            Outcome {
                iterations: 1,
                relative_gap,
                objective,
                history: vec![stats],
            }
        }
        Method::AlgorithmB => {
            let outcome = super::bush::solve(
                problem,
                options.target_gap,
                options.max_iterations,
                options.time_limit,
                start,
                observer,
            )?;
            flows = outcome.flows;
            problem.link_costs(&flows.total, &mut gap.link_cost);
            Outcome {
                iterations: outcome.iterations,
                relative_gap: outcome.relative_gap,
                objective: problem.objective(&flows),
                history: outcome.history,
            }
        }
        Method::Msa
        | Method::FrankWolfe
        | Method::ConjugateFrankWolfe
        | Method::BiconjugateFrankWolfe => {
            frank_wolfe::solve(problem, options, start, &mut gap, &mut flows, observer)?
        }
    };
    let Outcome {
        iterations,
        relative_gap,
        objective,
        history,
    } = outcome;
    // Every method ends with an all-or-nothing pass at the returned flows, so the evaluator
    // holds their costs.
    let link_cost = gap.link_cost.clone();
    Ok(AssignResult {
        method: options.method,
        flows,
        link_cost,
        iterations,
        relative_gap,
        objective,
        converged: relative_gap <= options.target_gap,
        seconds: start.elapsed().as_secs_f64(),
        history,
    })
}

/// How a method's iterations ended: the count, the state of the returned flows and the log.
pub(super) struct Outcome {
    /// Iterations done.
    pub iterations: usize,
    /// Relative gap of the returned flows.
    pub relative_gap: f64,
    /// Objective of the returned flows.
    pub objective: f64,
    /// One row per iteration.
    pub history: Vec<IterationStats>,
}

/// Computes relative gaps: all-or-nothing loaders per class and cost buffers, allocated once.
#[derive(Debug, Clone)]
pub struct GapEvaluator {
    aon: Vec<AllOrNothing>,
    /// Link cost at the last evaluated flows (before class fixed costs).
    pub link_cost: Vec<f64>,
    class_cost: Vec<f64>,
    /// All-or-nothing flows of each class at the last evaluated costs.
    pub aon_flows: Vec<Vec<f64>>,
    unreached: Vec<(AssignZoneId, AssignZoneId, f64)>,
}

impl GapEvaluator {
    /// Buffers for `problem`.
    pub fn new(problem: &Problem) -> GapEvaluator {
        let net = problem.network();
        let links = net.link_count();
        GapEvaluator {
            aon: problem
                .classes()
                .iter()
                .map(|c| AllOrNothing::new(net, &c.demand))
                .collect(),
            link_cost: vec![0.0; links],
            class_cost: vec![0.0; links],
            aon_flows: vec![vec![0.0; links]; problem.classes().len()],
            unreached: Vec::new(),
        }
    }

    /// Link costs at total volumes `volume` into `link_cost`, all-or-nothing flows of every
    /// class into `aon_flows`, and the shortest-path total `SPTT = Σ_k pce_k Σ_od D_od SP_od`.
    ///
    /// # Errors
    /// Demand that no path connects.
    pub fn all_or_nothing(
        &mut self,
        problem: &Problem,
        volume: &[f64],
    ) -> Result<f64, AssignError> {
        problem.link_costs(volume, &mut self.link_cost);
        let net = problem.network();
        let mut sptt = 0.0;
        for (k, class) in problem.classes().iter().enumerate() {
            for ((c, t), f) in self
                .class_cost
                .iter_mut()
                .zip(&self.link_cost)
                .zip(&class.fixed_cost)
            {
                *c = t + f;
            }
            self.unreached.clear();
            let s = self.aon[k].assign(
                net,
                &self.class_cost,
                &mut self.aon_flows[k],
                &mut self.unreached,
            );
            if let Some(&(o, d, v)) = self.unreached.first() {
                return Err(AssignError::Disconnected {
                    class: class.name.clone(),
                    origin: o,
                    destination: d,
                    demand: v,
                });
            }
            sptt += class.pce * s;
        }
        Ok(sptt)
    }

    /// Total cost `TSTT = Σ_k pce_k Σ_a x_ka (c_a + f_ka)` at `flows` with the costs of the
    /// last [`GapEvaluator::all_or_nothing`] call.
    pub fn tstt(&self, problem: &Problem, flows: &Flows) -> f64 {
        problem
            .classes()
            .iter()
            .zip(&flows.class)
            .map(|(class, x)| {
                class.pce
                    * x.iter()
                        .zip(&self.link_cost)
                        .zip(&class.fixed_cost)
                        .map(|((v, c), f)| v * (c + f))
                        .sum::<f64>()
            })
            .sum()
    }

    /// The relative gap and objective of `flows` (one all-or-nothing pass).
    ///
    /// # Errors
    /// Demand that no path connects.
    pub fn evaluate(
        &mut self,
        problem: &Problem,
        flows: &Flows,
    ) -> Result<(f64, f64), AssignError> {
        let sptt = self.all_or_nothing(problem, &flows.total)?;
        let tstt = self.tstt(problem, flows);
        Ok((relative_gap(tstt, sptt), problem.objective(flows)))
    }
}

/// `(TSTT − SPTT) / TSTT`, 0 when both are 0.
pub fn relative_gap(tstt: f64, sptt: f64) -> f64 {
    if tstt > 0.0 {
        ((tstt - sptt) / tstt).max(0.0)
    } else {
        0.0
    }
}
