//! The `sim` file (TOML, docs/formats.md "Simulation files"): run settings, the weekly pattern
//! of trains, the hazard groups the simulation draws, and positions of handling facilities
//! where a source gives them. Every number that is data carries a source id of the file or
//! the network; every error names file, line and key.

use crate::io::{Fault, Limit, LoadError, read_named};
use crate::network::folder::{Lines, SourceRecord, source_from_record, toml_error, toml_text};
use crate::network::{HandlingId, HandlingKind, Network, Source};
use serde::Deserialize;
use std::path::Path;

type Spanned<T> = toml::Spanned<T>;

/// Most replications in one run.
pub const MAX_REPLICATIONS: usize = 100_000;
/// Longest horizon, days.
pub const MAX_HORIZON_DAYS: f64 = 3650.0;
/// Most positions of one facility.
pub const MAX_SERVERS: usize = 1000;
/// Most platforms of one wagon pool.
const MAX_PLATFORMS: i64 = 1_000_000;

/// Run settings and model parameters of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimParams {
    /// The file's name in messages.
    pub file: String,
    /// Sources the file adds.
    pub sources: Vec<Source>,
    /// Replications.
    pub replications: usize,
    /// Days measured in each replication.
    pub horizon_days: f64,
    /// Days run before the measured ones (queues fill up; not measured).
    pub warmup_days: f64,
    /// Days after the horizon to let the measured trains arrive.
    pub drain_days: f64,
    /// Seed of the random streams.
    pub seed: u64,
    /// A consignment is on time when it arrives within its route's hours plus this.
    pub on_time_slack_h: f64,
    /// Relative rate of trains by weekday, Monday first.
    pub weekly_profile: [f64; 7],
    /// Sources of the weekly pattern (none: a flat week).
    pub weekly_sources: Vec<String>,
    /// Trains of a path leave by a regular timetable at its yearly rate (random phase per
    /// replication); `false`: as a Poisson process.
    pub regular: bool,
    /// Sources of the departure rule.
    pub departure_sources: Vec<String>,
    /// The acceptance rule: a railway stops accepting new trains for a facility or a port
    /// while more is waiting there than it handles in this many days.
    pub accept_queue_days: f64,
    /// Sources of the acceptance rule.
    pub accept_sources: Vec<String>,
    /// The hazard groups drawn (of the hazards file).
    pub hazard_groups: Vec<String>,
    /// Positions of facilities given by a source.
    pub facilities: Vec<FacilityParam>,
}

/// Positions (tracks with cranes) and a wagon pool of one handling row.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityParam {
    /// The row.
    pub handling: HandlingId,
    /// Trains handled at once (`None`: derived from the row's hours and capacity).
    pub servers: Option<usize>,
    /// Platforms of the pool on the leaving side (a platform carries 2 TEU) and the hours a
    /// platform takes to come back once a train has taken it (`None`: no pool limits it).
    pub wagon_pool: Option<(f64, f64)>,
    /// Source ids.
    pub sources: Vec<String>,
}

impl SimParams {
    /// The weekly profile scaled to a mean of 1.
    pub(super) fn weekly(&self) -> [f64; 7] {
        let mean = self.weekly_profile.iter().sum::<f64>() / 7.0;
        self.weekly_profile.map(|w| w / mean)
    }

    /// The positions a source gives for a row, with its sources joined by `|`.
    pub(super) fn servers(&self, handling: HandlingId) -> Option<(usize, String)> {
        self.facilities
            .iter()
            .find(|f| f.handling == handling)
            .and_then(|f| Some((f.servers?, f.sources.join("|"))))
    }

    /// The wagon pool a source gives for a row: platforms and turnaround hours.
    pub(super) fn wagon_pool(&self, handling: HandlingId) -> Option<(f64, f64)> {
        self.facilities
            .iter()
            .find(|f| f.handling == handling)
            .and_then(|f| f.wagon_pool)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimRecord {
    #[serde(default)]
    source: Vec<SourceRecord>,
    run: Spanned<RunRecord>,
    #[serde(default)]
    trains: Option<Spanned<TrainsRecord>>,
    #[serde(default)]
    hazards: Option<Spanned<HazardsRecord>>,
    #[serde(default)]
    facility: Vec<Spanned<FacilityRecord>>,
    acceptance: Spanned<AcceptanceRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptanceRecord {
    queue_days: Spanned<f64>,
    sources: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRecord {
    replications: Spanned<i64>,
    horizon_days: Spanned<f64>,
    warmup_days: Spanned<f64>,
    drain_days: Spanned<f64>,
    seed: Spanned<i64>,
    on_time_slack_hours: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrainsRecord {
    weekly_profile: Spanned<Vec<f64>>,
    #[serde(default)]
    sources: Vec<String>,
    departures: Spanned<String>,
    #[serde(default)]
    departure_sources: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HazardsRecord {
    groups: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FacilityRecord {
    node: String,
    kind: String,
    #[serde(default)]
    servers: Option<Spanned<i64>>,
    #[serde(default)]
    wagon_pool: Option<Spanned<i64>>,
    #[serde(default)]
    turnaround_hours: Option<Spanned<f64>>,
    sources: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
}

/// The sim file shipped with the data (data/sim.toml), for `network`.
///
/// # Errors
/// As [`parse_sim_params`] (the tests rule it out on the default network).
pub fn default_sim_params(network: &Network) -> Result<SimParams, LoadError> {
    parse_sim_params(
        &(
            "data/sim.toml".to_string(),
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sim.toml")).to_vec(),
        ),
        network,
    )
}

/// Reads a sim file, checking every value and source id against `network`.
///
/// # Errors
/// A [`LoadError`] naming file, line and key.
pub fn read_sim_params(path: &Path, network: &Network) -> Result<SimParams, LoadError> {
    parse_sim_params(&read_named(path, Limit::NETWORK_FILE)?, network)
}

/// Parses a sim file's contents (`file` = (name in messages, bytes)).
///
/// # Errors
/// As [`read_sim_params`].
pub fn parse_sim_params(
    file: &(String, Vec<u8>),
    network: &Network,
) -> Result<SimParams, LoadError> {
    let text = toml_text(file)?;
    let record: SimRecord =
        toml::from_str(text).map_err(|error| toml_error(&file.0, text, &error))?;
    let lines = Lines::new(text);
    let error = |line: u64, field: &str, reason: String| LoadError::Field {
        file: file.0.clone(),
        line,
        field: field.to_string(),
        fault: Fault::rule(reason),
    };
    let mut sources: Vec<Source> = Vec::new();
    for source in record.source {
        let line = lines.of(&source.id);
        let source = source_from_record(&file.0, &lines, source)?;
        if network.source_by_key(&source.key).is_some()
            || sources.iter().any(|s| s.key == source.key)
        {
            return Err(error(
                line,
                "id",
                format!("source `{}` is defined twice", source.key),
            ));
        }
        sources.push(source);
    }
    let known =
        |key: &str| network.source_by_key(key).is_some() || sources.iter().any(|s| s.key == key);
    let check_sources = |line: u64, ids: &[String]| -> Result<(), LoadError> {
        match ids.iter().find(|id| !known(id)) {
            Some(id) => Err(error(
                line,
                "sources",
                format!(
                    "`{}` is not a source of the file or the network",
                    crate::io::clip(id)
                ),
            )),
            None => Ok(()),
        }
    };
    let number = |value: &Spanned<f64>, field: &str, low: f64, high: f64| {
        let v = *value.get_ref();
        if v.is_finite() && v >= low && v <= high {
            Ok(v)
        } else {
            Err(error(
                lines.of(value),
                field,
                format!("{} is outside {low}–{high}", crate::io::number(v)),
            ))
        }
    };
    let run = record.run.get_ref();
    let replications = *run.replications.get_ref();
    if !(1..=MAX_REPLICATIONS as i64).contains(&replications) {
        return Err(error(
            lines.of(&run.replications),
            "replications",
            format!("{replications} is outside 1–{MAX_REPLICATIONS}"),
        ));
    }
    let seed = *run.seed.get_ref();
    if seed < 0 {
        return Err(error(
            lines.of(&run.seed),
            "seed",
            format!("{seed} is negative"),
        ));
    }
    let horizon_days = number(&run.horizon_days, "horizon_days", 1.0, MAX_HORIZON_DAYS)?;
    let warmup_days = number(&run.warmup_days, "warmup_days", 0.0, 365.0)?;
    let drain_days = number(&run.drain_days, "drain_days", 0.0, MAX_HORIZON_DAYS)?;
    let on_time_slack_h = number(&run.on_time_slack_hours, "on_time_slack_hours", 0.0, 8760.0)?;

    let (weekly_profile, weekly_sources, regular, departure_sources) = match &record.trains {
        None => ([1.0; 7], Vec::new(), false, Vec::new()),
        Some(trains) => {
            let t = trains.get_ref();
            let values = t.weekly_profile.get_ref();
            let line = lines.of(&t.weekly_profile);
            if values.len() != 7
                || values
                    .iter()
                    .any(|v| !(v.is_finite() && *v >= 0.0 && *v <= 100.0))
                || values.iter().sum::<f64>() <= 0.0
            {
                return Err(error(
                    line,
                    "weekly_profile",
                    "seven numbers in 0–100 (Monday first), not all 0".to_string(),
                ));
            }
            let flat = values.iter().all(|v| *v == values[0]);
            if !flat && t.sources.is_empty() {
                return Err(error(
                    line,
                    "sources",
                    "a weekly pattern other than flat needs a source id".to_string(),
                ));
            }
            check_sources(line, &t.sources)?;
            let mut profile = [0.0; 7];
            profile.copy_from_slice(values);
            let regular = match t.departures.get_ref().as_str() {
                "regular" => true,
                "poisson" => false,
                other => {
                    return Err(error(
                        lines.of(&t.departures),
                        "departures",
                        format!("`{}`: expected regular or poisson", crate::io::clip(other)),
                    ));
                }
            };
            check_sources(lines.of(&t.departures), &t.departure_sources)?;
            (
                profile,
                t.sources.clone(),
                regular,
                t.departure_sources.clone(),
            )
        }
    };
    let acceptance = record.acceptance.get_ref();
    let accept_queue_days = number(&acceptance.queue_days, "queue_days", 0.0, 365.0)?;
    if acceptance.sources.is_empty() {
        return Err(error(
            lines.of(&record.acceptance),
            "sources",
            "the acceptance rule needs a source id".to_string(),
        ));
    }
    check_sources(lines.of(&record.acceptance), &acceptance.sources)?;
    let hazard_groups = record
        .hazards
        .as_ref()
        .map(|h| h.get_ref().groups.clone())
        .unwrap_or_default();
    if let Some(hazards) = &record.hazards {
        let line = lines.of(hazards);
        for (i, group) in hazard_groups.iter().enumerate() {
            if !crate::network::is_id(group) || hazard_groups[..i].contains(group) {
                return Err(error(
                    line,
                    "groups",
                    format!("`{}`: a group id, once", crate::io::clip(group)),
                ));
            }
        }
    }
    let mut facilities: Vec<FacilityParam> = Vec::new();
    for spanned in &record.facility {
        let line = lines.of(spanned);
        let f = spanned.get_ref();
        let node = network.node_by_key(&f.node).ok_or_else(|| {
            error(
                line,
                "node",
                format!(
                    "`{}` is not a place of the network",
                    crate::io::clip(&f.node)
                ),
            )
        })?;
        let kind = HandlingKind::parse(&f.kind).ok_or_else(|| {
            error(
                line,
                "kind",
                format!("`{}` is not a handling kind", crate::io::clip(&f.kind)),
            )
        })?;
        let rows: Vec<HandlingId> = network
            .handlings_at(node)
            .iter()
            .copied()
            .filter(|&h| network.handling(h).kind == kind)
            .collect();
        if rows.is_empty() {
            return Err(error(
                line,
                "kind",
                format!("{} has no {} row", f.node, f.kind),
            ));
        }
        let servers = match &f.servers {
            None => None,
            Some(spanned) => {
                let servers = *spanned.get_ref();
                if !(1..=MAX_SERVERS as i64).contains(&servers) {
                    return Err(error(
                        lines.of(spanned),
                        "servers",
                        format!("{servers} is outside 1–{MAX_SERVERS}"),
                    ));
                }
                Some(servers as usize)
            }
        };
        let wagon_pool = match (&f.wagon_pool, &f.turnaround_hours) {
            (None, None) => None,
            (Some(pool), Some(turnaround)) => {
                let platforms = *pool.get_ref();
                if !(1..=MAX_PLATFORMS).contains(&platforms) {
                    return Err(error(
                        lines.of(pool),
                        "wagon_pool",
                        format!("{platforms} is outside 1–{MAX_PLATFORMS}"),
                    ));
                }
                let hours = number(turnaround, "turnaround_hours", 0.01, 8760.0)?;
                Some((platforms as f64, hours))
            }
            _ => {
                return Err(error(
                    line,
                    "wagon_pool",
                    "a wagon pool needs both wagon_pool and turnaround_hours".to_string(),
                ));
            }
        };
        if servers.is_none() && wagon_pool.is_none() {
            return Err(error(
                line,
                "servers",
                "a facility row gives servers, a wagon pool or both".to_string(),
            ));
        }
        if f.sources.is_empty() {
            return Err(error(
                line,
                "sources",
                "positions need a source id".to_string(),
            ));
        }
        check_sources(line, &f.sources)?;
        for handling in rows {
            if facilities.iter().any(|o| o.handling == handling) {
                return Err(error(
                    line,
                    "node",
                    format!("{} {} is given twice", f.node, f.kind),
                ));
            }
            facilities.push(FacilityParam {
                handling,
                servers,
                wagon_pool,
                sources: f.sources.clone(),
            });
        }
    }
    Ok(SimParams {
        file: file.0.clone(),
        sources,
        replications: replications as usize,
        horizon_days,
        warmup_days,
        drain_days,
        seed: seed as u64,
        on_time_slack_h,
        weekly_profile,
        weekly_sources,
        regular,
        departure_sources,
        accept_queue_days,
        accept_sources: acceptance.sources.clone(),
        hazard_groups,
        facilities,
    })
}
