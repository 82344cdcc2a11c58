//! `silkroute assign`: static traffic assignment (user equilibrium or system optimum), of the
//! freight demand on the corridor network (default) or of a TNTP network's demand (`--tntp`),
//! with all-or-nothing, the Frank–Wolfe family or Algorithm B.

use super::thousands;
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use silkroute_core::assign::{
    AssignError, AssignOptions, AssignResult, CostModel, IterationStats, Method, Problem, assign,
};
use silkroute_core::io::{TntpProblem, load_tntp};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Arguments of `silkroute assign`.
#[derive(Debug, clap::Args)]
pub struct AssignArgs {
    /// A TNTP network: DIR/NAME reads DIR/NAME_net.tntp, DIR/NAME_trips.tntp (and
    /// DIR/NAME_flow.tntp when present); a folder holding a single *_net.tntp works too.
    #[arg(long, value_name = "DIR/NAME")]
    pub tntp: Option<PathBuf>,
    /// Freight demand (the format of data/default/demand.csv) replacing the network's own.
    #[arg(long, value_name = "FILE", conflicts_with = "tntp")]
    pub demand: Option<PathBuf>,
    /// Freight: the network of this year (links and handling open in it).
    #[arg(long, conflicts_with = "tntp")]
    pub year: Option<i32>,
    /// Freight: close countries, places, links, modes or corridors (as for `route`).
    #[arg(long, value_name = "LIST", conflicts_with = "tntp")]
    pub avoid: Vec<String>,
    /// Freight: multiply every demand by this (growth scenarios).
    #[arg(long, default_value_t = 1.0, value_name = "F", conflicts_with = "tntp")]
    pub demand_factor: f64,
    /// The algorithm: all-or-nothing, successive averages, Frank–Wolfe, conjugate or
    /// bi-conjugate Frank–Wolfe, or Algorithm B (bush-based, to gaps of 1e-10).
    #[arg(long, default_value = "b", value_parser = method_parser())]
    pub method: Method,
    /// Stop once the relative gap (TSTT − SPTT) / TSTT is at most this [default: 1e-4 with
    /// --tntp; 1e-6 for freight, whose TSTT also counts tariffs and handling charges (over
    /// the value of time), so a given gap is looser there].
    #[arg(long, value_name = "G")]
    pub gap: Option<f64>,
    /// Stop after this many iterations.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_iter: usize,
    /// Stop after the iteration that passes this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Minimize total travel time (users see marginal costs) instead of the user equilibrium.
    #[arg(long)]
    pub system_optimum: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AssignFormat::Table)]
    pub format: AssignFormat,
}

/// Output formats of `silkroute assign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AssignFormat {
    /// A summary and the most congested links.
    Table,
    /// The summary and every link's flow and cost (layout in docs/formats.md).
    Json,
    /// One row per link: from, to, flow, cost.
    Csv,
    /// Freight only: link flows along the corridor lines, facilities as points.
    Geojson,
}

/// `--method` accepts the names of `Method::ALL`.
fn method_parser() -> impl TypedValueParser<Value = Method> {
    PossibleValuesParser::new(Method::ALL.iter().map(|m| m.name()))
        .map(|name| Method::from_name(&name).expect("only listed names pass the parser"))
}

/// One link of the JSON report. Node ids are the file's (1-based).
#[derive(Serialize)]
struct LinkRecord {
    from: u32,
    to: u32,
    flow: f64,
    cost: f64,
}

/// The JSON report.
#[derive(Serialize)]
struct AssignReport<'a> {
    network: &'a str,
    method: &'a str,
    iterations: usize,
    relative_gap: f64,
    objective: f64,
    converged: bool,
    seconds: f64,
    links: Vec<LinkRecord>,
}

/// Default `--gap` for TNTP networks (the usual benchmark target).
pub const TNTP_GAP: f64 = 1e-4;

/// Default `--gap` for the freight assignment. Its total cost counts tariffs and handling
/// charges (converted to hours by each class's value of time) besides time, about 90% of it
/// and independent of the flows, so the same gap leaves a flow pattern farther from
/// equilibrium than on a road network: on the default network the all-or-nothing load and one
/// Algorithm B pass already give 5.2e-5 (below 1e-4), with 2,100 TEU a year (0.4%) still to move
/// through the Dostyk gauge change and its delay 0.4 h short; at 1e-6 (one more pass, a few
/// milliseconds) facility flows are within 0.01% of those at 1.5e-7.
pub const FREIGHT_GAP: f64 = 1e-6;

/// Runs `silkroute assign`.
pub fn run(data: Option<&std::path::Path>, args: &AssignArgs, out: &mut dyn Write) -> Result<()> {
    let gap = args.gap.unwrap_or(if args.tntp.is_some() {
        TNTP_GAP
    } else {
        FREIGHT_GAP
    });
    if !(gap.is_finite() && gap >= 0.0) {
        bail!("--gap {gap}: expected a relative gap ≥ 0");
    }
    if args.max_iter == 0 {
        bail!("--max-iter 0: expected at least 1 iteration");
    }
    let time_limit = match args.time_limit {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(Duration::from_secs_f64(seconds))
        }
        Some(seconds) => bail!("--time-limit {seconds}: expected a positive number of seconds"),
        None => None,
    };
    let Some(spec) = &args.tntp else {
        let format = match args.format {
            AssignFormat::Table => super::Format::Table,
            AssignFormat::Json => super::Format::Json,
            AssignFormat::Csv => super::Format::Csv,
            AssignFormat::Geojson => super::Format::Geojson,
        };
        let run = super::freight::FreightRun {
            data,
            demand: args.demand.as_deref(),
            year: args.year,
            avoid: &args.avoid,
            demand_factor: args.demand_factor,
            options: AssignOptions {
                method: args.method,
                target_gap: gap,
                max_iterations: args.max_iter,
                time_limit,
            },
            system_optimum: args.system_optimum,
            format,
        };
        return super::freight::run(&run, out);
    };
    if args.format == AssignFormat::Geojson {
        bail!("--format geojson: only for the corridor network (TNTP networks have no geometry)");
    }
    let tntp = load_tntp(spec)
        .with_context(|| format!("cannot load the TNTP network {}", spec.display()))?;
    for warning in &tntp.warnings {
        eprintln!("warning: {warning}");
    }
    let (toll_factor, distance_factor) = tntp.cost_weights();
    let model = if args.system_optimum {
        CostModel::SystemOptimum
    } else {
        CostModel::UserEquilibrium
    };
    let problem = Problem::from_tntp(&tntp, toll_factor, distance_factor, model)
        .with_context(|| format!("{}: not a valid assignment network", tntp.name))?;
    let options = AssignOptions {
        method: args.method,
        target_gap: gap,
        max_iterations: args.max_iter,
        time_limit,
    };
    let mut progress = Progress::new(gap);
    let result = assign(&problem, &options, &mut |stats| progress.update(stats));
    progress.finish();
    let result = result.map_err(|error| match error {
        // The library counts zones from 0; the file from 1.
        AssignError::Disconnected {
            origin,
            destination,
            demand,
            ..
        } => anyhow::anyhow!(
            "{}: no path from zone {} to zone {} carries their demand of {demand}",
            tntp.name,
            origin + 1,
            destination + 1
        ),
        other => anyhow::Error::new(other).context(format!("{}: assignment failed", tntp.name)),
    })?;
    let costs = generalized_costs(&problem, &result);
    match args.format {
        AssignFormat::Json => {
            let report = AssignReport {
                network: &tntp.name,
                method: args.method.name(),
                iterations: result.iterations,
                relative_gap: significant3(result.relative_gap),
                objective: round3(result.objective),
                converged: result.converged,
                seconds: (result.seconds * 1e6).round() / 1e6,
                links: link_rows(&problem, &result, &costs)
                    .map(|(from, to, flow, cost)| LinkRecord {
                        from,
                        to,
                        flow: round3(flow),
                        cost: round3(cost),
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        AssignFormat::Csv | AssignFormat::Geojson => {
            writeln!(out, "from,to,flow,cost")?;
            for (from, to, flow, cost) in link_rows(&problem, &result, &costs) {
                writeln!(out, "{from},{to},{},{}", round3(flow), round3(cost))?;
            }
        }
        AssignFormat::Table => write_table(&tntp, &problem, &result, &costs, args, out)?,
    }
    Ok(())
}

/// What users choosing routes see on each link: the time (marginal time for a system
/// optimum) plus the toll and distance terms, like the Cost column of a TNTP flow file.
fn generalized_costs(problem: &Problem, result: &AssignResult) -> Vec<f64> {
    let fixed = &problem.classes()[0].fixed_cost;
    result
        .link_cost
        .iter()
        .zip(fixed)
        .map(|(c, f)| c + f)
        .collect()
}

/// (from, to, flow, cost) per link, in file order, with the file's node ids.
fn link_rows<'a>(
    problem: &'a Problem,
    result: &'a AssignResult,
    costs: &'a [f64],
) -> impl Iterator<Item = (u32, u32, f64, f64)> + 'a {
    let net = problem.network();
    (0..net.link_count()).map(move |a| {
        (
            net.from(a) + 1,
            net.to(a) + 1,
            result.flows.total[a],
            costs[a],
        )
    })
}

fn write_table(
    tntp: &TntpProblem,
    problem: &Problem,
    result: &AssignResult,
    costs: &[f64],
    args: &AssignArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let model = match problem.model() {
        CostModel::UserEquilibrium => "user equilibrium",
        CostModel::SystemOptimum => "system optimum",
    };
    let net = problem.network();
    writeln!(
        out,
        "{}: {} zones, {} nodes, {} links; demand {} ({} intrazonal, not assigned)",
        tntp.name,
        net.zone_count(),
        net.node_count(),
        net.link_count(),
        thousands(problem.total_demand()),
        thousands(tntp.demand.intrazonal()),
    )?;
    writeln!(
        out,
        "{} by {} in {} iterations, {:.3} s: relative gap {:.2e} ({} the target {:.0e})",
        model,
        args.method.name(),
        result.iterations,
        result.seconds,
        result.relative_gap,
        if result.converged {
            "reached"
        } else {
            "did not reach"
        },
        args.gap.unwrap_or(TNTP_GAP),
    )?;
    writeln!(
        out,
        "objective {:.3}; total cost {:.3}",
        result.objective,
        problem.total_cost(&result.flows)
    )?;
    // The most congested links by volume over capacity; links whose cost ignores volume
    // have no meaningful capacity.
    let vdfs = net.vdfs();
    let mut congested: Vec<(usize, f64)> = (0..net.link_count())
        .filter(|&a| !vdfs[a].is_constant() && vdfs[a].capacity > 0.0)
        .map(|a| (a, result.flows.total[a] / vdfs[a].capacity))
        .collect();
    congested.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    congested.truncate(20);
    if congested.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Most congested links (volume / capacity):")?;
    let mut table = new_table(
        &["from", "to", "flow", "capacity", "v/c", "time", "cost"],
        &[0, 1, 2, 3, 4, 5, 6],
    );
    for (a, ratio) in congested {
        table.add_row(vec![
            (net.from(a) + 1).to_string(),
            (net.to(a) + 1).to_string(),
            format!("{:.1}", result.flows.total[a]),
            format!("{:.1}", vdfs[a].capacity),
            format!("{ratio:.3}"),
            format!("{:.3}", vdfs[a].time(result.flows.total[a])),
            format!("{:.3}", costs[a]),
        ]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0 + 0.0
}

/// Three significant digits, for gaps.
fn significant3(value: f64) -> f64 {
    format!("{value:.2e}").parse().unwrap_or(value)
}

/// A progress bar on stderr for long runs: hidden for the first second, drawn only when
/// stderr is a terminal (indicatif draws nothing otherwise), filled by the gap's way to the
/// target on a log scale.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: bool,
    first_gap: Option<f64>,
    target: f64,
}

const PROGRESS_STEPS: u64 = 1000;

impl Progress {
    fn new(target: f64) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(PROGRESS_STEPS), ProgressDrawTarget::hidden())
            .with_style(
                ProgressStyle::with_template("{msg:<34} [{bar:30}] {elapsed_precise}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
            first_gap: None,
            target,
        }
    }

    fn update(&mut self, stats: &IterationStats) {
        let first = *self.first_gap.get_or_insert(stats.relative_gap);
        if !self.shown && self.started.elapsed() >= Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        let done = if stats.relative_gap <= self.target {
            1.0
        } else if first > self.target && self.target > 0.0 && stats.relative_gap > 0.0 {
            ((first / stats.relative_gap).ln() / (first / self.target).ln()).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.bar.set_position((done * PROGRESS_STEPS as f64) as u64);
        self.bar.set_message(format!(
            "iteration {}  gap {:.2e}",
            stats.iteration, stats.relative_gap
        ));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
