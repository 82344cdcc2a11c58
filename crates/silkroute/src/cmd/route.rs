//! `silkroute route FROM TO`: routes side by side.

use super::{Format, load_network, parse_avoid, thousands};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use serde_json::json;
use silkroute_core::network::{HandlingKind, LinkId, Network, NodeId, PlaceMatch};
use silkroute_core::report::{
    PlaceRecord, QueryRecord, REPORT_VERSION, RouteRecord, RouteReport, SourceRecord,
};
use silkroute_core::route::{self, Itinerary, Objective, RouteOptions, Scope};
use std::io::Write;
use std::path::Path;

/// Largest number of alternatives and of Pareto labels a query may ask for.
const MAX_ALTERNATIVES: usize = 20;
const MAX_PARETO_LABELS: usize = 2_000_000;

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
}

impl From<By> for Objective {
    fn from(by: By) -> Objective {
        match by {
            By::Time => Objective::Time,
            By::Cost => Objective::Cost,
            By::Co2 => Objective::Co2,
            By::Generalized => Objective::Generalized,
        }
    }
}

/// Options shared by `route` and `corridors`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// Origin: a place name, alias or id, or `lat,lon` (default: the dataset's default origin).
    pub from: Option<String>,
    /// Destination, as the origin (default: the dataset's default destination).
    pub to: Option<String>,
    /// What "best" means.
    #[arg(long, value_enum, default_value_t = By::Generalized)]
    pub by: By,
    /// Things not to use, comma-separated or repeated: country codes (RU), modes (ferry),
    /// corridors (sea_suez), link ids or places; or explicit `country:RU`, `node:Aktau`.
    #[arg(long, value_name = "ITEMS")]
    pub avoid: Vec<String>,
    /// The network as of this year: links and facilities opening by then are included
    /// (default: the dataset's reference year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Cargo tonnes per FEU for emissions (default: the dataset's).
    #[arg(long, value_name = "TONNES")]
    pub payload_t: Option<f64>,
    /// Value of time, USD per FEU-day, for the generalized cost (default: the dataset's).
    #[arg(long, value_name = "USD")]
    pub value_of_time: Option<f64>,
    /// Largest distance, km, at which `lat,lon` snaps to a place.
    #[arg(long, default_value_t = 300.0, value_name = "KM")]
    pub max_snap_km: f64,
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
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub alternatives: usize,
    /// Print only the summary table, not each route's legs and transfers (table format).
    #[arg(long)]
    pub summary: bool,
    /// Show the exact Pareto set over time, cost and CO2e instead of alternatives.
    #[arg(long)]
    pub pareto: bool,
}

/// A resolved query.
pub struct Query {
    pub network: Network,
    pub from: PlaceMatch,
    pub to: PlaceMatch,
    pub options: RouteOptions,
    pub avoid_text: Vec<String>,
}

impl QueryArgs {
    /// Loads the network and resolves places and options.
    pub fn resolve(&self, data: Option<&Path>) -> Result<Query> {
        let network = load_network(data)?;
        let info = network.info().clone();
        let from_text = self.from.clone().unwrap_or(info.default_from.clone());
        let to_text = self.to.clone().unwrap_or(info.default_to.clone());
        if self.max_snap_km.is_nan() || self.max_snap_km < 0.0 {
            bail!("--max-snap-km must be ≥ 0");
        }
        let from = network
            .find_place(&from_text, self.max_snap_km)
            .context("origin")?;
        let to = network
            .find_place(&to_text, self.max_snap_km)
            .context("destination")?;
        let mut options = RouteOptions::defaults(&network);
        options.objective = self.by.into();
        if let Some(year) = self.year {
            if !(1900..=2100).contains(&year) {
                bail!("--year {year}: expected a year between 1900 and 2100");
            }
            options.year = year;
        }
        if let Some(payload) = self.payload_t {
            if !(payload.is_finite() && payload > 0.0 && payload <= 40.0) {
                bail!("--payload-t {payload}: expected a number of tonnes in (0, 40]");
            }
            options.payload_t = payload;
        }
        if let Some(value) = self.value_of_time {
            if !(value.is_finite() && value >= 0.0) {
                bail!("--value-of-time {value}: expected a number of USD ≥ 0");
            }
            options.value_of_time_usd_per_day = value;
        }
        options.avoid = parse_avoid(&network, &self.avoid)?;
        Ok(Query {
            network,
            from,
            to,
            options,
            avoid_text: self
                .avoid
                .iter()
                .flat_map(|a| a.split(','))
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
        })
    }
}

impl Query {
    /// The report header records.
    pub fn records(&self, pareto: bool) -> (PlaceRecord, PlaceRecord, QueryRecord) {
        let snapped = |place: &PlaceMatch| match place {
            PlaceMatch::Snapped { distance_km, .. } => Some(*distance_km),
            PlaceMatch::Name(_) => None,
        };
        (
            PlaceRecord::new(&self.network, self.from.node(), snapped(&self.from)),
            PlaceRecord::new(&self.network, self.to.node(), snapped(&self.to)),
            QueryRecord {
                by: self.options.objective.as_str().to_string(),
                year: self.options.year,
                avoid: self.avoid_text.clone(),
                payload_t: self.options.payload_t,
                value_of_time_usd_per_day: self.options.value_of_time_usd_per_day,
                pareto,
            },
        )
    }

    /// A one-line description of the query for table output.
    pub fn title(&self) -> String {
        let network = &self.network;
        let place = |place: &PlaceMatch| {
            let node = network.node(place.node());
            match place {
                PlaceMatch::Snapped { distance_km, .. } => {
                    format!("{} (snapped, {:.0} km away)", node.name, distance_km)
                }
                PlaceMatch::Name(_) => node.name.clone(),
            }
        };
        let mut title = format!(
            "{} → {} · best by {} · network of {} · {} t per FEU",
            place(&self.from),
            place(&self.to),
            self.options.objective.as_str(),
            self.options.year,
            self.options.payload_t
        );
        if self.options.objective == Objective::Generalized {
            title.push_str(&format!(
                " · value of time ${}/FEU-day",
                thousands(self.options.value_of_time_usd_per_day)
            ));
        }
        if !self.avoid_text.is_empty() {
            title.push_str(&format!(" · avoiding {}", self.avoid_text.join(", ")));
        }
        title
    }
}

/// Runs `silkroute route`.
pub fn run(data: Option<&Path>, args: &RouteArgs, out: &mut dyn Write) -> Result<()> {
    if args.alternatives == 0 || args.alternatives > MAX_ALTERNATIVES {
        bail!(
            "--alternatives {}: expected 1 to {MAX_ALTERNATIVES}",
            args.alternatives
        );
    }
    let query = args.query.resolve(data)?;
    let network = &query.network;
    let (origin, destination) = (query.from.node(), query.to.node());
    let itineraries: Vec<Itinerary> = if args.pareto {
        let scope = Scope::new(network, &query.options);
        route::pareto_set(&scope, origin, destination, MAX_PARETO_LABELS)?
            .iter()
            .map(|path| Itinerary::new(&scope, path))
            .collect()
    } else {
        route::alternatives(
            network,
            &query.options,
            origin,
            destination,
            args.alternatives,
        )?
    };
    if itineraries.is_empty() {
        bail!(
            "no route from {} to {} in the network of {}{}",
            network.node(origin).name,
            network.node(destination).name,
            query.options.year,
            if query.options.avoid.is_empty() {
                String::new()
            } else {
                format!(" avoiding {}", query.avoid_text.join(", "))
            }
        );
    }
    let records: Vec<RouteRecord> = itineraries
        .iter()
        .map(|it| RouteRecord::new(network, it, query.options.value_of_time_usd_per_day))
        .collect();
    match args.query.format {
        Format::Json => {
            let (from, to, query_record) = query.records(args.pareto);
            let report = RouteReport {
                version: REPORT_VERSION,
                from,
                to,
                query: query_record,
                sources: SourceRecord::cited(network, &records),
                routes: records,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            let collection = geojson(network, &itineraries, &records);
            serde_json::to_writer_pretty(&mut *out, &collection)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&records, out)?,
        Format::Table => write_table(&query, &itineraries, &records, args, out)?,
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
    query: &Query,
    itineraries: &[Itinerary],
    records: &[RouteRecord],
    args: &RouteArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let network = &query.network;
    writeln!(out, "{}", query.title())?;
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
                        format!("{:.1}", step.hours),
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

/// The GeoJSON coordinates (`[lon, lat]`) of a link travelled from `from`: its line from the
/// geographic network when the data has one (shapes.csv), in travel order; otherwise a
/// straight line between its places.
pub fn link_line(network: &Network, link: LinkId, from: NodeId) -> Vec<[f64; 2]> {
    let link_data = network.link(link);
    let forward = link_data.from == from;
    match network.link_shape(link) {
        Some(shape) => {
            let mut points: Vec<[f64; 2]> =
                shape.points.iter().map(|&(lat, lon)| [lon, lat]).collect();
            if !forward {
                points.reverse();
            }
            points
        }
        None => {
            let (a, b) = if forward {
                (link_data.from, link_data.to)
            } else {
                (link_data.to, link_data.from)
            };
            let (a, b) = (network.node(a), network.node(b));
            vec![[a.lon, a.lat], [b.lon, b.lat]]
        }
    }
}

/// A GeoJSON FeatureCollection of routes: one LineString per leg, one Point per handling step.
pub fn geojson(
    network: &Network,
    itineraries: &[Itinerary],
    records: &[RouteRecord],
) -> serde_json::Value {
    let mut features = Vec::new();
    for (index, (itinerary, record)) in itineraries.iter().zip(records).enumerate() {
        for (leg, leg_record) in itinerary.legs.iter().zip(&record.legs) {
            let coordinates = link_line(network, leg.link, leg.from);
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coordinates},
                "properties": {
                    "route": index + 1,
                    "corridor": record.corridor,
                    "link": leg_record.link,
                    "from": leg_record.from,
                    "to": leg_record.to,
                    "mode": leg_record.mode,
                    "km": leg_record.km,
                    "hours": leg_record.hours,
                    "cost_usd": leg_record.cost_usd,
                    "co2e_kg": leg_record.co2e_kg,
                },
            }));
        }
        for transfer in &record.transfers {
            let node = network
                .node_by_key(&transfer.node)
                .map(|id| network.node(id))
                .expect("transfer nodes come from the network");
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [node.lon, node.lat]},
                "properties": {
                    "route": index + 1,
                    "corridor": record.corridor,
                    "node": transfer.node,
                    "name": node.name,
                    "kind": transfer.kind,
                    "reason": transfer.reason,
                    "hours": transfer.hours,
                    "cost_usd": transfer.cost_usd,
                },
            }));
        }
    }
    json!({
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "attribution": "Rail lines © OpenStreetMap contributors, ODbL 1.0; sea lanes: Eurostat SeaRoute / ORNL via searoute",
            "note": "Lines follow the rail and sea networks (data/default/shapes.csv) where a link has one, else straight lines between places.",
        },
    })
}

fn write_csv(records: &[RouteRecord], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "route", "corridor", "seq", "kind", "from", "to", "mode", "km", "hours", "cost_usd",
        "co2e_kg", "reason",
    ])?;
    for (index, record) in records.iter().enumerate() {
        let route = (index + 1).to_string();
        let mut seq = 0;
        let mut transfers = record.transfers.iter().peekable();
        for leg_index in 0..=record.legs.len() {
            while let Some(transfer) = transfers.next_if(|t| t.after_leg == leg_index) {
                seq += 1;
                writer.write_record([
                    route.as_str(),
                    &record.corridor,
                    &seq.to_string(),
                    &transfer.kind,
                    &transfer.node,
                    &transfer.node,
                    "",
                    "0",
                    &transfer.hours.to_string(),
                    &transfer.cost_usd.to_string(),
                    "0",
                    &transfer.reason,
                ])?;
            }
            if let Some(leg) = record.legs.get(leg_index) {
                seq += 1;
                writer.write_record([
                    route.as_str(),
                    &record.corridor,
                    &seq.to_string(),
                    "leg",
                    &leg.from,
                    &leg.to,
                    &leg.mode,
                    &leg.km.to_string(),
                    &leg.hours.to_string(),
                    &leg.cost_usd.to_string(),
                    &leg.co2e_kg.to_string(),
                    "",
                ])?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}
