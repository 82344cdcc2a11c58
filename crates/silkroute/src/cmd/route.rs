//! `silkroute route FROM TO`: routes side by side.

use super::{Format, flag, load_network, thousands};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use silkroute_core::network::{HandlingKind, Network, PlaceMatch};
use silkroute_core::report::{RouteRecord, RouteReport};
use silkroute_core::route::{
    self, Itinerary, MAX_ALTERNATIVES, Objective, Plan, PlanError, Query, RequestError,
    RouteOptions, RouteRequest, Statistic, read_reliability,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What "best" means, on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// Fewest hours.
    Time,
    /// Lowest USD per FEU.
    Cost,
    /// Least kg CO2e.
    Co2,
    /// Cost plus value of time × days.
    Generalized,
    /// Fewest hours with the median of the simulated hours (needs --reliability).
    P50,
    /// Fewest hours with the 90th percentile of the simulated hours (needs --reliability).
    P90,
    /// Fewest hours with the 95th percentile of the simulated hours (needs --reliability).
    P95,
}

impl By {
    /// The objective and, for a percentile, the statistic of the simulated hours it asks for.
    pub fn objective(self) -> (Objective, Option<Statistic>) {
        match self {
            By::Time => (Objective::Time, None),
            By::Cost => (Objective::Cost, None),
            By::Co2 => (Objective::Co2, None),
            By::Generalized => (Objective::Generalized, None),
            By::P50 => (Objective::Time, Some(Statistic::P50)),
            By::P90 => (Objective::Time, Some(Statistic::P90)),
            By::P95 => (Objective::Time, Some(Statistic::P95)),
        }
    }
}

/// The route options shared by `route`, `corridors`, `reach` and `table`.
#[derive(Debug, clap::Args)]
pub struct OptionArgs {
    /// What "best" means.
    #[arg(long, value_enum, default_value_t = By::Generalized)]
    pub by: By,
    /// Things not to use, comma-separated or repeated: country codes (RU), modes (ferry),
    /// corridors (sea_suez), link ids or places; or explicit `country:RU`, `node:Aktau`.
    #[arg(long, value_name = "ITEMS")]
    pub avoid: Vec<String>,
    /// The network as of this year: links and facilities opening by then are included
    /// (default: the dataset's reference year).
    #[arg(long, allow_negative_numbers = true)]
    pub year: Option<i32>,
    /// Cargo tonnes per FEU for emissions (default: the dataset's).
    #[arg(long, allow_negative_numbers = true, value_name = "TONNES")]
    pub payload_t: Option<f64>,
    /// Value of time, USD per FEU-day, for the generalized cost (default: the dataset's).
    #[arg(long, allow_negative_numbers = true, value_name = "USD")]
    pub value_of_time: Option<f64>,
    /// Largest distance, km, at which `lat,lon` snaps to a place.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 300.0,
        value_name = "KM"
    )]
    pub max_snap_km: f64,
    /// Rail service class: the network's classes, e.g. `express` (scheduled block train with
    /// priority paths), `block`, `groupage` (default: the dataset's default class).
    #[arg(long, value_name = "CLASS")]
    pub service: Option<String>,
    /// Month 1–12 whose ferry sailings and weather apply (default: the mean of the year).
    #[arg(long, value_name = "1-12")]
    pub month: Option<u8>,
    /// Sea rates at this level of the tariff year's (2021's spike: about 3; default: the
    /// network's level for the year, prices.csv).
    #[arg(long, allow_negative_numbers = true, value_name = "LEVEL")]
    pub sea_rate: Option<f64>,
    /// A risk premium for entering a country, `CC=USD` or `CC=USD:DAYS` per FEU, repeated
    /// (`--risk RU=1500:3`), replacing the network's for that country.
    #[arg(long, value_name = "CC=USD[:DAYS]")]
    pub risk: Vec<String>,
    /// A carbon price, USD per tonne CO2e (0–10,000), charged on every leg's emissions: the
    /// routes' USD include it (default: none).
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 0.0,
        value_name = "USD_PER_T"
    )]
    pub carbon_price: f64,
    /// Simulated transit times: a CSV file with columns element, samples, mean_hours,
    /// p50_hours, p90_hours, p95_hours, source (docs/formats.md "Reliability files"). The
    /// elements it names take its hours in place of the network's (the mean, or the
    /// percentile of --by p50/p90/p95): a handling row its whole stay, a link its wait for a
    /// departure.
    #[arg(long, value_name = "FILE")]
    pub reliability: Option<PathBuf>,
    /// Value of reliability, USD per FEU per day of p95 − p50 of the elements a route uses
    /// (0–100,000; needs --reliability), charged in the routes' USD (default: none).
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 0.0,
        value_name = "USD"
    )]
    pub value_of_reliability: f64,
}

/// Options shared by `route` and `corridors`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// Origin: a place name, alias or id, or `lat,lon` (default: the dataset's default origin).
    #[arg(allow_hyphen_values = true)]
    pub from: Option<String>,
    /// Destination, as the origin (default: the dataset's default destination).
    #[arg(allow_hyphen_values = true)]
    pub to: Option<String>,
    #[command(flatten)]
    pub options: OptionArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `silkroute route`.
#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub query: QueryArgs,
    /// Number of routes to show (distinct corridors first).
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 5,
        value_name = "N"
    )]
    pub alternatives: usize,
    /// Print only the summary table, not each route's legs and transfers (table format).
    #[arg(long)]
    pub summary: bool,
    /// Show the exact Pareto set over time, cost and CO2e instead of alternatives.
    #[arg(long)]
    pub pareto: bool,
}

impl OptionArgs {
    /// The route request of these options, with no ends (without the reliability table,
    /// which is read against the network: [`OptionArgs::prepare`]).
    pub fn request(&self) -> RouteRequest {
        let (objective, statistic) = self.by.objective();
        RouteRequest {
            from: None,
            to: None,
            objective,
            year: self.year,
            avoid: self.avoid.clone(),
            payload_t: self.payload_t,
            value_of_time_usd_per_day: self.value_of_time,
            max_snap_km: self.max_snap_km,
            service: self.service.clone(),
            month: self.month,
            sea_rate: self.sea_rate,
            risk: self.risk.clone(),
            carbon_usd_per_t: self.carbon_price,
            reliability: None,
            statistic,
            value_of_reliability_usd_per_day: self.value_of_reliability,
        }
    }

    /// Checks the options, loads the network and reads the reliability file against it: the
    /// network and the route request of the options, ready to resolve.
    pub fn prepare(&self, data: Option<&Path>) -> Result<(Network, RouteRequest)> {
        let mut request = self.request();
        request.validate().map_err(request_error)?;
        let network = load_network(data)?;
        if let Some(path) = &self.reliability {
            let table = read_reliability(path, &network).context("--reliability")?;
            request.reliability = Some(Arc::new(table));
        }
        Ok((network, request))
    }
}

impl QueryArgs {
    /// Loads the network, reads the reliability file against it, and resolves the request.
    pub fn resolve(&self, data: Option<&Path>) -> Result<(Network, Query)> {
        let (network, request) = self.options.prepare(data)?;
        let request = RouteRequest {
            from: self.from.clone(),
            to: self.to.clone(),
            ..request
        };
        let query = request.resolve(&network).map_err(request_error)?;
        Ok((network, query))
    }
}

/// A request error in the command line's terms: request fields become options.
pub fn request_error(error: RequestError) -> anyhow::Error {
    match &error {
        RequestError::InvalidParameter {
            field,
            value,
            expected,
        } => anyhow::anyhow!("{} {value}: {expected}", flag(field)),
        RequestError::Avoid(avoid) => anyhow::anyhow!("--avoid {avoid}"),
        RequestError::UnknownService { given, known } => {
            anyhow::anyhow!("--service {given}: unknown service class (the network has {known})")
        }
        RequestError::NeedsReliability { field, value } => anyhow::anyhow!(
            "{} {value}: needs --reliability FILE (simulated transit-time percentiles of the network's elements)",
            flag(field)
        ),
        _ => anyhow::Error::new(error),
    }
}

/// A one-line description of the query for table output.
pub fn title(network: &Network, query: &Query) -> String {
    format!(
        "{} → {}{}",
        place_name(network, &query.from),
        place_name(network, &query.to),
        describe_options(network, &query.options, &query.avoid_text)
    )
}

/// A place as a title names it: its name, and how far away it is when coordinates snapped.
pub fn place_name(network: &Network, place: &PlaceMatch) -> String {
    let node = network.node(place.node());
    match place {
        PlaceMatch::Snapped { distance_km, .. } => {
            format!("{} (snapped, {:.0} km away)", node.name, distance_km)
        }
        PlaceMatch::Name(_) => node.name.clone(),
    }
}

/// The options of a query for a title line: ` · best by time · network of 2026 · ...`.
pub fn describe_options(
    network: &Network,
    options: &RouteOptions,
    avoid_text: &[String],
) -> String {
    let mut title = format!(
        " · best by {} · network of {} · {} t per FEU",
        options.objective.as_str(),
        options.year,
        options.payload_t
    );
    if options.objective == Objective::Generalized {
        title.push_str(&format!(
            " · value of time ${}/FEU-day",
            thousands(options.value_of_time_usd_per_day)
        ));
    }
    if let Some(service) = options.service {
        title.push_str(&format!(
            " · {} trains",
            network.services().class(service).key
        ));
    }
    if let Some(month) = options.month {
        title.push_str(&format!(" · sailings of month {month}"));
    }
    if let Some(level) = options.sea_rate {
        title.push_str(&format!(" · sea rates ×{level}"));
    }
    for risk in &options.risk {
        title.push_str(&format!(
            " · risk {} ${}/FEU {} days",
            risk.country,
            thousands(risk.usd_per_feu),
            risk.days
        ));
    }
    if options.carbon_usd_per_t != 0.0 {
        title.push_str(&format!(" · carbon ${}/t CO2e", options.carbon_usd_per_t));
    }
    if let Some(table) = &options.reliability {
        title.push_str(&format!(
            " · {} hours of {}",
            options.statistic.as_str(),
            table.file()
        ));
        if options.value_of_reliability_usd_per_day != 0.0 {
            title.push_str(&format!(
                " · reliability ${}/FEU-day of p95 − p50",
                thousands(options.value_of_reliability_usd_per_day)
            ));
        }
    }
    if !avoid_text.is_empty() {
        title.push_str(&format!(" · avoiding {}", avoid_text.join(", ")));
    }
    title
}

/// Runs `silkroute route`.
pub fn run(data: Option<&Path>, args: &RouteArgs, out: &mut dyn Write) -> Result<()> {
    let (network, query) = args.query.resolve(data)?;
    let network = &network;
    let how = if args.pareto {
        Plan::Pareto
    } else {
        Plan::Alternatives(args.alternatives)
    };
    let itineraries = route::plan(network, &query, how).map_err(|error| match error {
        PlanError::Alternatives { count } => {
            anyhow::anyhow!("--alternatives {count}: expected 1 to {MAX_ALTERNATIVES}")
        }
        other => anyhow::Error::new(other),
    })?;
    if itineraries.is_empty() {
        bail!(
            "no route from {} to {} in the network of {}{}",
            network.node(query.from.node()).name,
            network.node(query.to.node()).name,
            query.options.year,
            if query.options.avoid.is_empty() {
                String::new()
            } else {
                format!(" avoiding {}", query.avoid_text.join(", "))
            }
        );
    }
    let report = RouteReport::new(network, &query, &itineraries, args.pareto);
    match args.query.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &report.to_geojson(network, &itineraries))?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Table => write_table(network, &query, &itineraries, &report.routes, args, out)?,
    }
    Ok(())
}

/// The structural points of a route for the "via" column: where the gauge or the mode changes
/// (borders are listed in the route's details), or its border crossings when it has neither.
fn via(network: &Network, itinerary: &Itinerary) -> String {
    let last = itinerary.legs.len();
    let intermediate = || {
        itinerary
            .transfers
            .iter()
            .filter(|t| t.after_leg != 0 && t.after_leg != last)
    };
    let mut names: Vec<&str> = intermediate()
        .filter(|t| t.steps.iter().any(|s| s.kind != HandlingKind::Border))
        .map(|t| network.node(t.node).name.as_str())
        .collect();
    if names.is_empty() {
        names = intermediate()
            .map(|t| network.node(t.node).name.as_str())
            .collect();
    }
    names.dedup();
    if names.is_empty() {
        "direct".to_string()
    } else {
        names.join(" · ")
    }
}

fn write_table(
    network: &Network,
    query: &Query,
    itineraries: &[Itinerary],
    records: &[RouteRecord],
    args: &RouteArgs,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(out, "{}", title(network, query))?;
    if args.pareto {
        writeln!(
            out,
            "Pareto set: {} route(s) no other route beats in time, cost and CO2e at once.",
            records.len()
        )?;
    }
    let mut summary = new_table(
        &[
            "#", "corridor", "via", "km", "days", "USD/FEU", "kg CO2e", "gen. USD",
        ],
        &[3, 4, 5, 6, 7],
    );
    for (index, (itinerary, record)) in itineraries.iter().zip(records).enumerate() {
        summary.add_row(vec![
            (index + 1).to_string(),
            record.corridor.clone(),
            via(network, itinerary),
            thousands(record.total_km),
            format!("{:.1}", record.total_hours / 24.0),
            thousands(record.total_cost_usd),
            thousands(record.total_co2e_kg),
            thousands(record.generalized_cost_usd),
        ]);
    }
    writeln!(out, "{summary}")?;
    if args.summary {
        return Ok(());
    }
    for (index, (itinerary, record)) in itineraries.iter().zip(records).enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "Route {} · {} · {} km · {:.1} days ({} h of handling and border dwell) · ${} · {} kg CO2e",
            index + 1,
            record.corridor,
            thousands(record.total_km),
            record.total_hours / 24.0,
            thousands(record.handling_hours),
            thousands(record.total_cost_usd),
            thousands(record.total_co2e_kg)
        )?;
        let mut legs = new_table(
            &[
                "",
                "from → to / at",
                "mode",
                "km",
                "hours",
                "USD",
                "kg CO2e",
            ],
            &[3, 4, 5, 6],
        );
        let mut transfers = itinerary.transfers.iter().peekable();
        let mut push_transfers = |after_leg: usize, legs: &mut comfy_table::Table| {
            while let Some(transfer) = transfers.next_if(|t| t.after_leg == after_leg) {
                for step in &transfer.steps {
                    legs.add_row(vec![
                        "↳".to_string(),
                        format!(
                            "{}: {}",
                            network.node(transfer.node).name,
                            step.reason.describe()
                        ),
                        step.kind.as_str().to_string(),
                        String::new(),
                        if step.wait_h > 0.0 {
                            format!("{:.1} (train fills {:.0})", step.hours, step.wait_h)
                        } else {
                            format!("{:.1}", step.hours)
                        },
                        thousands(step.cost_usd),
                        String::new(),
                    ]);
                }
            }
        };
        for (leg_index, leg) in itinerary.legs.iter().enumerate() {
            push_transfers(leg_index, &mut legs);
            let mode = match leg.gauge_mm {
                Some(gauge) => format!("{} {gauge}", leg.mode.as_str()),
                None => leg.mode.as_str().to_string(),
            };
            let hours = if leg.wait_h > 0.0 {
                format!("{:.1} (wait {:.0})", leg.criteria.hours, leg.wait_h)
            } else {
                format!("{:.1}", leg.criteria.hours)
            };
            legs.add_row(vec![
                (leg_index + 1).to_string(),
                format!(
                    "{} → {}",
                    network.node(leg.from).name,
                    network.node(leg.to).name
                ),
                mode,
                thousands(leg.km),
                hours,
                thousands(leg.criteria.cost_usd),
                thousands(leg.criteria.co2e_kg),
            ]);
        }
        push_transfers(itinerary.legs.len(), &mut legs);
        writeln!(out, "{legs}")?;
        let estimates = record
            .sources
            .iter()
            .filter(|key| {
                network.source_by_key(key).is_some_and(|id| {
                    network.source(id).kind != silkroute_core::network::SourceKind::Published
                })
            })
            .count();
        writeln!(
            out,
            "Sources ({}, of which {} estimated or derived): {}",
            record.sources.len(),
            estimates,
            record.sources.join(", ")
        )?;
    }
    Ok(())
}
