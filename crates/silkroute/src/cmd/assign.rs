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
use silkroute_core::assign::{TntpProblem, load_gmns_assignment, load_tntp};
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
    #[arg(long, conflicts_with_all = ["tntp", "gmns"])]
    pub year: Option<i32>,
    /// Freight: close countries, places, links, modes or corridors (as for `route`).
    #[arg(long, value_name = "LIST", conflicts_with_all = ["tntp", "gmns"])]
    pub avoid: Vec<String>,
    /// Freight: multiply every demand by this (growth scenarios).
    #[arg(long, default_value_t = 1.0, value_name = "F", conflicts_with_all = ["tntp", "gmns"])]
    pub demand_factor: f64,
    /// TNTP/GMNS: time units added per unit of toll (default: the TNTP file's
    /// `<TOLL FACTOR>` or its README's value; 0 for GMNS).
    #[arg(long, value_name = "F")]
    pub toll_factor: Option<f64>,
    /// TNTP/GMNS: time units added per unit of length (default as for --toll-factor).
    #[arg(long, value_name = "F")]
    pub distance_factor: Option<f64>,
    /// The algorithm: all-or-nothing, successive averages, Frank–Wolfe, conjugate or
    /// bi-conjugate Frank–Wolfe, or Algorithm B (bush-based, to gaps of 1e-10).
    #[arg(long, default_value = "b", value_parser = method_parser())]
    pub method: Method,
    /// Stop once the relative gap (TSTT − SPTT) / TSTT is at most this [default: 1e-4 with
    /// --tntp and --gmns; 1e-6 for freight, whose TSTT also counts tariffs and handling charges (over
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
    /// Link flows as lines: the corridor network's link shapes (and facilities as points),
    /// GMNS geometry or node coordinates, TNTP node coordinates in degrees.
    Geojson,
}

/// `--method` accepts the names of `Method::ALL`.
fn method_parser() -> impl TypedValueParser<Value = Method> {
    PossibleValuesParser::new(Method::ALL.iter().map(|m| m.name()))
        .map(|name| Method::from_name(&name).expect("only listed names pass the parser"))
}

/// One link of the JSON report, with the files' node ids (TNTP: 1-based numbers).
#[derive(Serialize)]
struct LinkRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    link_id: Option<&'a str>,
    from: &'a NodeName,
    to: &'a NodeName,
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
    links: Vec<LinkRecord<'a>>,
}

/// Default `--gap` for TNTP and GMNS networks (the usual benchmark target).
pub const TNTP_GAP: f64 = 1e-4;

/// Default `--gap` for the freight assignment. Its total cost counts tariffs and handling
/// charges (converted to hours by each class's value of time) besides time, about 90% of it
/// and independent of the flows, so the same gap leaves a flow pattern farther from
/// equilibrium than on a road network: on the default network the all-or-nothing load and one
/// Algorithm B pass already give 5.2e-5 (below 1e-4), with 2,100 TEU a year (0.4%) still to move
/// through the Dostyk gauge change and its delay 0.4 h short; at 1e-6 (two more passes, a few
/// milliseconds) facility flows are within 0.01% of those at 1e-10.
pub const FREIGHT_GAP: f64 = 1e-6;

/// Runs `silkroute assign`.
pub fn run(data: Option<&std::path::Path>, args: &AssignArgs, out: &mut dyn Write) -> Result<()> {
    let gap = args
        .gap
        .unwrap_or(if args.tntp.is_some() || args.gmns.is_some() {
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
    if args.tntp.is_none() && args.gmns.is_none() {
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
    }
    let study = Study::load(args)?;
    for warning in &study.warnings {
        eprintln!("warning: {warning}");
    }
    let options = AssignOptions {
        method: args.method,
        target_gap: gap,
        max_iterations: args.max_iter,
        time_limit,
    };
    let mut progress = Progress::new(gap);
    let result = assign(&study.problem, &options, &mut |stats| {
        progress.update(stats)
    });
    progress.finish();
    let result = result.map_err(|error| match error {
        // Name zones as the files do.
        AssignError::Disconnected {
            origin,
            destination,
            demand,
            ..
        } => anyhow::anyhow!(
            "{}: no path from zone {} to zone {} carries their demand of {demand}",
            study.name,
            study.zone_ids[origin],
            study.zone_ids[destination]
        ),
        other => anyhow::Error::new(other).context(format!("{}: assignment failed", study.name)),
    })?;
    let costs = generalized_costs(&study.problem, &result);
    match args.format {
        AssignFormat::Json => {
            let report = AssignReport {
                network: &study.name,
                method: args.method.name(),
                iterations: result.iterations,
                relative_gap: significant3(result.relative_gap),
                objective: round3(result.objective),
                converged: result.converged,
                seconds: (result.seconds * 1e6).round() / 1e6,
                links: study
                    .links
                    .iter()
                    .enumerate()
                    .map(|(a, link)| LinkRecord {
                        link_id: link.id.as_deref(),
                        from: &link.from,
                        to: &link.to,
                        flow: round3(result.flows.total[a]),
                        cost: round3(costs[a]),
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        AssignFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            let with_ids = study.links.iter().any(|l| l.id.is_some());
            if with_ids {
                writer.write_record(["link_id", "from", "to", "flow", "cost"])?;
            } else {
                writer.write_record(["from", "to", "flow", "cost"])?;
            }
            for (a, link) in study.links.iter().enumerate() {
                let mut row = Vec::with_capacity(5);
                if with_ids {
                    row.push(link.id.clone().unwrap_or_default());
                }
                row.push(link.from.to_string());
                row.push(link.to.to_string());
                row.push(round3(result.flows.total[a]).to_string());
                row.push(round3(costs[a]).to_string());
                writer.write_record(&row)?;
            }
            writer.flush()?;
        }
        AssignFormat::Geojson => write_geojson(&study, &result, &costs, out)?,
        AssignFormat::Table => write_table(&study, &result, &costs, args, out)?,
    }
    Ok(())
}

/// A node as the input files name it: TNTP's numbers, GMNS's text ids.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum NodeName {
    Number(u32),
    Text(String),
}

impl std::fmt::Display for NodeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeName::Number(n) => write!(f, "{n}"),
            NodeName::Text(t) => f.write_str(t),
        }
    }
}

/// One link of the input, as reports name it; link `i` is link `i` of the problem.
struct StudyLink {
    id: Option<String>,
    from: NodeName,
    to: NodeName,
    /// (longitude, latitude) points, when the input has coordinates in degrees.
    line: Option<Vec<(f64, f64)>>,
}

/// A research network (TNTP or GMNS) with its demand, ready to assign.
struct Study {
    name: String,
    problem: Problem,
    intrazonal: f64,
    /// Nodes in the input (a GMNS problem adds one centroid per zone).
    node_count: usize,
    /// Zone `z` as the files name it.
    zone_ids: Vec<String>,
    /// The input's links (a GMNS problem has zone connectors after them).
    links: Vec<StudyLink>,
    /// Why links have no lines, for `--format geojson`.
    no_lines: Option<String>,
    warnings: Vec<String>,
}

impl Study {
    fn load(args: &AssignArgs) -> Result<Study> {
        let model = if args.system_optimum {
            CostModel::SystemOptimum
        } else {
            CostModel::UserEquilibrium
        };
        for (flag, value) in [
            ("--toll-factor", args.toll_factor),
            ("--distance-factor", args.distance_factor),
        ] {
            if let Some(value) = value
                && !value.is_finite()
            {
                bail!("{flag} {value}: expected a finite number");
            }
        }
        if let Some(spec) = &args.tntp {
            let tntp = load_tntp(spec)
                .with_context(|| format!("cannot load the TNTP network {}", spec.display()))?;
            let (toll, distance) = tntp.cost_weights();
            let problem = Problem::from_tntp(
                &tntp,
                args.toll_factor.unwrap_or(toll),
                args.distance_factor.unwrap_or(distance),
                model,
            )
            .with_context(|| format!("{}: not a valid assignment network", tntp.name))?;
            let (coords, no_lines) = tntp_coordinates(&tntp);
            let net = problem.network();
            let links = (0..net.link_count())
                .map(|a| {
                    let (from, to) = (net.from(a) + 1, net.to(a) + 1);
                    StudyLink {
                        id: None,
                        from: NodeName::Number(from),
                        to: NodeName::Number(to),
                        line: coords
                            .as_ref()
                            .and_then(|c| Some(vec![*c.get(&from)?, *c.get(&to)?])),
                    }
                })
                .collect();
            return Ok(Study {
                name: tntp.name.clone(),
                intrazonal: tntp.demand.intrazonal(),
                node_count: problem.network().node_count(),
                zone_ids: (1..=tntp.net.zones).map(|z| z.to_string()).collect(),
                links,
                no_lines,
                warnings: tntp.warnings.iter().map(ToString::to_string).collect(),
                problem,
            });
        }
        let dir = args
            .gmns
            .as_ref()
            .expect("the caller runs the freight assignment without --tntp or --gmns");
        let gmns = load_gmns_assignment(dir, args.demand.as_deref())
            .with_context(|| format!("cannot load the GMNS network {}", dir.display()))?;
        let problem = Problem::from_gmns(
            &gmns,
            args.toll_factor.unwrap_or(0.0),
            args.distance_factor.unwrap_or(0.0),
            model,
        )
        .with_context(|| format!("{}: not a valid assignment network", gmns.name))?;
        let mut no_lines = (!gmns.wgs84).then(|| {
            format!(
                "{}: config.csv states a coordinate system other than WGS84 degrees",
                dir.display()
            )
        });
        let links = gmns
            .links
            .iter()
            .map(|l| {
                let node = |n: u32| &gmns.nodes[n as usize];
                let line = l
                    .geometry
                    .clone()
                    .or_else(|| Some(vec![node(l.from).coord?, node(l.to).coord?]));
                if line.is_none() && no_lines.is_none() {
                    no_lines = Some(format!(
                        "{}: link {} (link.csv line {}) has no geometry and a node without \
                         x_coord/y_coord",
                        dir.display(),
                        l.id,
                        l.line
                    ));
                }
                StudyLink {
                    id: Some(l.id.clone()),
                    from: NodeName::Text(node(l.from).id.clone()),
                    to: NodeName::Text(node(l.to).id.clone()),
                    line,
                }
            })
            .collect();
        Ok(Study {
            name: gmns.name.clone(),
            intrazonal: gmns.demand.intrazonal(),
            node_count: gmns.nodes.len(),
            zone_ids: gmns.zones.clone(),
            links,
            no_lines,
            warnings: gmns.warnings.iter().map(ToString::to_string).collect(),
            problem,
        })
    }
}

/// TNTP node coordinates by id when `NAME_node.tntp` exists and is in degrees, else why not.
#[allow(clippy::type_complexity)]
fn tntp_coordinates(
    tntp: &TntpProblem,
) -> (
    Option<std::collections::HashMap<u32, (f64, f64)>>,
    Option<String>,
) {
    let Some(nodes) = &tntp.nodes else {
        return (
            None,
            Some(format!(
                "{}: no {}_node.tntp with coordinates",
                tntp.name, tntp.name
            )),
        );
    };
    if let Some(node) = nodes
        .iter()
        .find(|n| !((-180.0..=180.0).contains(&n.x) && (-90.0..=90.0).contains(&n.y)))
    {
        return (
            None,
            Some(format!(
                "{}_node.tntp: node {} at ({}, {}) is not longitude/latitude in degrees (the \
                 file uses a projected system GeoJSON cannot carry)",
                tntp.name, node.id, node.x, node.y
            )),
        );
    }
    (
        Some(nodes.iter().map(|n| (n.id, (n.x, n.y))).collect()),
        None,
    )
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

/// Link flows as GeoJSON lines (RFC 7946: longitude, latitude).
fn write_geojson(
    study: &Study,
    result: &AssignResult,
    costs: &[f64],
    out: &mut dyn Write,
) -> Result<()> {
    if let Some(reason) = &study.no_lines {
        bail!("--format geojson needs link lines in degrees: {reason}");
    }
    let vdfs = study.problem.network().vdfs();
    let features: Vec<serde_json::Value> = study
        .links
        .iter()
        .enumerate()
        .map(|(a, link)| {
            let flow = result.flows.total[a];
            let capacity = (!vdfs[a].is_constant()).then_some(vdfs[a].capacity);
            let mut properties = serde_json::Map::new();
            if let Some(id) = &link.id {
                properties.insert("link_id".into(), id.clone().into());
            }
            properties.insert("from".into(), serde_json::json!(link.from));
            properties.insert("to".into(), serde_json::json!(link.to));
            properties.insert("flow".into(), round3(flow).into());
            properties.insert("cost".into(), round3(costs[a]).into());
            properties.insert("capacity".into(), serde_json::json!(capacity));
            properties.insert(
                "voc".into(),
                serde_json::json!(capacity.map(|c| round3(flow / c))),
            );
            let points: Vec<[f64; 2]> = link
                .line
                .as_ref()
                .expect("checked: every link has a line")
                .iter()
                .map(|&(lon, lat)| [lon, lat])
                .collect();
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": points},
                "properties": properties,
            })
        })
        .collect();
    serde_json::to_writer(
        &mut *out,
        &serde_json::json!({"type": "FeatureCollection", "features": features}),
    )?;
    writeln!(out)?;
    Ok(())
}

fn write_table(
    study: &Study,
    result: &AssignResult,
    costs: &[f64],
    args: &AssignArgs,
    out: &mut dyn Write,
) -> Result<()> {
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
