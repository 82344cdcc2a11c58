//! `silkroute assign`: static traffic assignment (user equilibrium or system optimum), of the
//! freight demand on the corridor network (default) or of a TNTP or GMNS network's demand,
//! with all-or-nothing, the Frank–Wolfe family or Algorithm B
//! (`silkroute_core::assign::Study`, `silkroute_core::freight::assign_freight`).

use super::thousands;
use crate::table::new_table;
use anyhow::{Result, bail};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use silkroute_core::assign::{
    AssignRequest, AssignResult, CostModel, IterationStats, Method, Study, StudyError,
    StudyOptions, TNTP_GAP,
};
use silkroute_core::freight::FREIGHT_GAP;
use silkroute_core::report::{AssignReport, assign_geojson};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Arguments of `silkroute assign`.
#[derive(Debug, clap::Args)]
pub struct AssignArgs {
    /// A TNTP network: DIR/NAME reads DIR/NAME_net.tntp, DIR/NAME_trips.tntp (and
    /// DIR/NAME_flow.tntp when present); a folder holding a single *_net.tntp works too.
    #[arg(long, value_name = "DIR/NAME")]
    pub tntp: Option<PathBuf>,
    /// A GMNS folder: node.csv, link.csv (capacity, lanes, vdf_fftt or length and
    /// free_speed, vdf_alpha, vdf_beta, ...), demand.csv (o_zone_id,d_zone_id,volume) and
    /// optionally config.csv; docs/formats.md lists the columns.
    #[arg(long, value_name = "DIR", conflicts_with = "tntp")]
    pub gmns: Option<PathBuf>,
    /// Demand replacing the network's own: freight demand (the format of
    /// data/default/demand.csv), or with --gmns a GMNS demand.csv.
    #[arg(long, value_name = "FILE", conflicts_with = "tntp")]
    pub demand: Option<PathBuf>,
    /// Freight: the network of this year (links and handling open in it).
    #[arg(long, allow_negative_numbers = true, conflicts_with_all = ["tntp", "gmns"])]
    pub year: Option<i32>,
    /// Freight: close countries, places, links, modes or corridors (as for `route`).
    #[arg(long, value_name = "LIST", conflicts_with_all = ["tntp", "gmns"])]
    pub avoid: Vec<String>,
    /// Freight: multiply every demand by this (growth scenarios).
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0, value_name = "F", conflicts_with_all = ["tntp", "gmns"])]
    pub demand_factor: f64,
    /// Freight: multiply the demand of a segment, `ZONE[|ZONE...][/CLASS]=FACTOR` (the rows
    /// from or to one of the zones, of the class when given) or `*/CLASS=FACTOR` (every row of
    /// the class), repeated; a row takes the factor of every segment it is in
    /// (`--demand-scale eu_poland=2 --demand-scale '*/express=0.5'`).
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["tntp", "gmns"])]
    pub demand_scale: Vec<String>,
    /// Freight: multiply the tonnage layer's flows of a commodity, `COMMODITY=FACTOR`
    /// (tonnage.csv; `kz_export=1.5`), repeated.
    #[arg(long, value_name = "COMMODITY=FACTOR", conflicts_with_all = ["tntp", "gmns"])]
    pub tonnage_scale: Vec<String>,
    /// Freight: the demand of a scenario of demand_years.csv (its projections or targets
    /// for years after the observed ones; the default network has `titr_targets`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["tntp", "gmns"])]
    pub demand_scenario: Option<String>,
    /// Freight: sea rates at this level of the tariff year's (2021's spike: about 3; default:
    /// the network's level for the year, prices.csv).
    #[arg(long, allow_negative_numbers = true, value_name = "LEVEL")]
    pub sea_rate: Option<f64>,
    /// Freight: a risk premium for entering a country, `CC=USD` or `CC=USD:DAYS` per FEU,
    /// repeated (`--risk RU=1500:3`), replacing the network's for that country.
    #[arg(long, value_name = "CC=USD[:DAYS]")]
    pub risk: Vec<String>,
    /// Freight: a carbon price, USD per tonne CO2e (0–10,000), charged on every link's
    /// emissions: the costs the assignment sees and reports include it (default: none).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0, value_name = "USD_PER_T", conflicts_with_all = ["tntp", "gmns"])]
    pub carbon_price: f64,
    /// Freight: simulated hours of handling rows and links (`silkroute simulate
    /// --reliability FILE`), used at their mean in place of the network's hours.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["tntp", "gmns"])]
    pub reliability: Option<std::path::PathBuf>,
    /// Freight: value of reliability, USD per FEU per day of p95 − p50 of the elements a path
    /// uses (0–100,000; needs --reliability), charged in its cost (default: none).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0, value_name = "USD", conflicts_with_all = ["tntp", "gmns"])]
    pub value_of_reliability: f64,
    /// Freight: let capacities be exceeded, delayed only by the volume-delay functions
    /// (default: capacities bind within 2% and the excess queues or moves elsewhere).
    #[arg(long)]
    pub no_binding: bool,
    /// Freight: assign every demand row as given (it may sail), without the markets'
    /// rail-versus-sea choice (markets.csv), which by default sets the rail demand of their rows.
    #[arg(long)]
    pub no_choice: bool,
    /// TNTP/GMNS: time units added per unit of toll (default: the TNTP file's
    /// `<TOLL FACTOR>` or its README's value; 0 for GMNS).
    #[arg(long, allow_negative_numbers = true, value_name = "F")]
    pub toll_factor: Option<f64>,
    /// TNTP/GMNS: time units added per unit of length (default as for --toll-factor).
    #[arg(long, allow_negative_numbers = true, value_name = "F")]
    pub distance_factor: Option<f64>,
    /// The algorithm: all-or-nothing, successive averages, Frank–Wolfe, conjugate or
    /// bi-conjugate Frank–Wolfe, or Algorithm B (bush-based, to gaps of 1e-10).
    #[arg(long, default_value = "b", value_parser = method_parser())]
    pub method: Method,
    /// With --tntp or --gmns: the Network Robustness Index of every link (each closed in
    /// turn, the demand re-assigned: the change of total cost), ranked.
    #[arg(long)]
    pub robustness: bool,
    /// Stop once the relative gap (TSTT − SPTT) / TSTT is at most this [default: 1e-4 with
    /// --tntp and --gmns; 1e-6 for freight, whose TSTT also counts tariffs and handling charges (over
    /// the value of time), so a given gap is looser there].
    #[arg(long, allow_negative_numbers = true, value_name = "G")]
    pub gap: Option<f64>,
    /// Stop after this many iterations.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 1000,
        value_name = "N"
    )]
    pub max_iter: usize,
    /// Stop after the iteration that passes this many seconds.
    #[arg(long, allow_negative_numbers = true, value_name = "SECONDS")]
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
    /// Link flows as lines: the corridor network's link shapes (and facilities as points),
    /// GMNS geometry or node coordinates, TNTP node coordinates in degrees.
    Geojson,
}

/// `--method` accepts the names of `Method::ALL`.
fn method_parser() -> impl TypedValueParser<Value = Method> {
    PossibleValuesParser::new(Method::ALL.iter().map(|m| m.name()))
        .map(|name| Method::from_name(&name).expect("only listed names pass the parser"))
}

impl AssignArgs {
    /// The solver request of these arguments.
    fn request(&self) -> AssignRequest {
        AssignRequest {
            method: self.method,
            gap: self.gap,
            max_iterations: self.max_iter,
            time_limit_s: self.time_limit,
        }
    }
}

/// An assignment error in the command line's terms: request fields become options.
pub(crate) fn study_error(error: StudyError) -> anyhow::Error {
    match &error {
        StudyError::InvalidParameter {
            field,
            value,
            expected,
        } => anyhow::anyhow!("{} {value}: {expected}", super::flag(field)),
        _ => anyhow::Error::new(error),
    }
}

/// Runs `silkroute assign`.
pub fn run(data: Option<&std::path::Path>, args: &AssignArgs, out: &mut dyn Write) -> Result<()> {
    let research = args.tntp.is_some() || args.gmns.is_some();
    let options = args
        .request()
        .options(if research { TNTP_GAP } else { FREIGHT_GAP })
        .map_err(study_error)?;
    if !research {
        if args.robustness {
            bail!(
                "--robustness applies to --tntp and --gmns networks; `silkroute criticality` \
                 scans the corridor network"
            );
        }
        if args.toll_factor.is_some() || args.distance_factor.is_some() {
            bail!(
                "--toll-factor and --distance-factor apply to --tntp and --gmns networks; the \
                 freight costs come from the dataset's tariffs and values of time"
            );
        }
        let format = match args.format {
            AssignFormat::Table => super::Format::Table,
            AssignFormat::Json => super::Format::Json,
            AssignFormat::Csv => super::Format::Csv,
            AssignFormat::Geojson => super::Format::Geojson,
        };
        let run = super::freight::FreightRun {
            data,
            demand: args.demand.as_deref(),
            request: silkroute_core::freight::FreightRequest {
                year: args.year,
                avoid: args.avoid.clone(),
                demand_factor: args.demand_factor,
                demand_scale: args.demand_scale.clone(),
                tonnage_scale: args.tonnage_scale.clone(),
                system_optimum: args.system_optimum,
                sea_rate: args.sea_rate,
                risk: args.risk.clone(),
                carbon_usd_per_t: args.carbon_price,
                binding: !args.no_binding,
                choice: !args.no_choice,
                reliability: None,
                value_of_reliability_usd_per_day: args.value_of_reliability,
            },
            reliability: args.reliability.as_deref(),
            demand_scenario: args.demand_scenario.as_deref(),
            options,
            format,
        };
        return super::freight::run(&run, out);
    }
    let study_options = StudyOptions {
        toll_factor: args.toll_factor,
        distance_factor: args.distance_factor,
        model: if args.system_optimum {
            CostModel::SystemOptimum
        } else {
            CostModel::UserEquilibrium
        },
    };
    let study = match (&args.tntp, &args.gmns) {
        (Some(spec), _) => Study::from_tntp(spec, study_options),
        (None, Some(dir)) => Study::from_gmns(dir, args.demand.as_deref(), study_options),
        (None, None) => unreachable!("checked above"),
    }
    .map_err(study_error)?;
    for warning in &study.warnings {
        eprintln!("warning: {warning}");
    }
    if args.robustness {
        return write_robustness(&study, &options, args.format, out);
    }
    let mut progress = Progress::new(options.target_gap);
    let result = study.assign(&options, &mut |stats| {
        progress.update(stats);
        ControlFlow::Continue(())
    });
    progress.finish();
    let result = result.map_err(study_error)?;
    match args.format {
        AssignFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &AssignReport::new(&study, &result))?;
            writeln!(out)?;
        }
        AssignFormat::Csv => AssignReport::new(&study, &result).write_csv(out)?,
        AssignFormat::Geojson => {
            serde_json::to_writer(&mut *out, &assign_geojson(&study, &result)?)?;
            writeln!(out)?;
        }
        AssignFormat::Table => write_table(&study, &result, args, out)?,
    }
    Ok(())
}

fn write_table(
    study: &Study,
    result: &AssignResult,
    args: &AssignArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let costs = study.generalized_costs(result);
    let problem = &study.problem;
    let model = match problem.model() {
        CostModel::UserEquilibrium => "user equilibrium",
        CostModel::SystemOptimum => "system optimum",
    };
    let net = problem.network();
    writeln!(
        out,
        "{}: {} zones, {} nodes, {} links; demand {} ({} intrazonal, not assigned)",
        study.name,
        net.zone_count(),
        study.node_count,
        study.links.len(),
        thousands(problem.total_demand()),
        thousands(study.intrazonal),
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
    let mut congested: Vec<(usize, f64)> = (0..study.links.len())
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
    let with_ids = study.links.iter().any(|l| l.id.is_some());
    let mut header = vec!["from", "to", "flow", "capacity", "v/c", "time", "cost"];
    if with_ids {
        header.insert(0, "link");
    }
    let right: Vec<usize> = (0..header.len()).collect();
    let mut table = new_table(&header, &right);
    for (a, ratio) in congested {
        let link = &study.links[a];
        let mut row = vec![
            link.from.to_string(),
            link.to.to_string(),
            format!("{:.1}", result.flows.total[a]),
            format!("{:.1}", vdfs[a].capacity),
            format!("{ratio:.3}"),
            format!("{:.3}", vdfs[a].time(result.flows.total[a])),
            format!("{:.3}", costs[a]),
        ];
        if with_ids {
            row.insert(0, link.id.clone().unwrap_or_default());
        }
        table.add_row(row);
    }
    writeln!(out, "{table}")?;
    Ok(())
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

/// `--robustness`: each link's Network Robustness Index, largest first.
fn write_robustness(
    study: &Study,
    options: &silkroute_core::assign::AssignOptions,
    format: AssignFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let nri = study.robustness(options).map_err(study_error)?;
    let records = silkroute_core::report::robustness_records(study, &nri);
    match format {
        AssignFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &records)?;
            writeln!(out)?;
        }
        AssignFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(["link", "from", "to", "nri"])?;
            for r in &records {
                writer.write_record([
                    r.link.clone(),
                    r.from.clone(),
                    r.to.clone(),
                    r.nri
                        .map_or("disconnects".to_string(), silkroute_core::io::number),
                ])?;
            }
            writer.flush()?;
        }
        AssignFormat::Geojson => bail!("--robustness writes table, json or csv"),
        AssignFormat::Table => {
            writeln!(
                out,
                "{}: Network Robustness Index of each link (Scott et al. 2006): the link closed, the demand re-assigned, the change of total cost",
                study.name
            )?;
            let mut table = crate::table::new_table(&["link", "from", "to", "NRI"], &[3]);
            for r in &records {
                table.add_row(vec![
                    r.link.clone(),
                    r.from.clone(),
                    r.to.clone(),
                    r.nri
                        .map_or("disconnects demand".to_string(), |v| format!("{v:.1}")),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}
