//! The observations of a folder as records (JSON, CSV) and a summary by kind and corridor.

use crate::Network;
use crate::observe::{FacilityRef, ObsKind, Observation, Observations, PlaceRef};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// One observation with its places written as the files write them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservedRecord {
    /// Stable id.
    pub obs_id: String,
    /// `transit_time`, `volume`, ...
    pub kind: &'static str,
    /// The year the value describes.
    pub year: i32,
    /// A period, or empty.
    pub period: String,
    /// Origin node id, `?Name`, or empty.
    pub origin: String,
    /// Destination node id, `?Name`, or empty.
    pub destination: String,
    /// Facility node id, line `from-to`, or empty.
    pub facility: String,
    /// Corridor or aggregate, or empty.
    pub corridor: String,
    /// Direction, or empty.
    pub direction: String,
    /// Service, or empty.
    pub service: String,
    /// Scope.
    pub scope: String,
    /// Unit.
    pub unit: &'static str,
    /// Value.
    pub value: f64,
    /// Published range, low end.
    pub low: Option<f64>,
    /// Published range, high end.
    pub high: Option<f64>,
    /// Source ids.
    pub sources: Vec<String>,
    /// What is measured.
    pub definition: String,
    /// Notes.
    pub note: String,
    /// `typical`, `actual`, `planned`, `record`, `congestion`, or empty.
    pub nature: String,
    /// The flows a volume counts (`china_eu`, `china_eu_ru`, `china_ru`), or empty.
    pub flows: String,
}

/// Rows of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSummary {
    /// The kind.
    pub kind: &'static str,
    /// Rows.
    pub rows: usize,
    /// Rows by corridor (`-` for none).
    pub by_corridor: BTreeMap<String, usize>,
    /// First and last year.
    pub years: (i32, i32),
}

/// The observations of a folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservedReport {
    /// Rows in all.
    pub rows: usize,
    /// Publications cited.
    pub sources: usize,
    /// By kind, in the order of [`ObsKind::ALL`].
    pub kinds: Vec<KindSummary>,
    /// Every row.
    pub observations: Vec<ObservedRecord>,
}

fn place(network: &Network, place: &PlaceRef) -> String {
    match place {
        PlaceRef::Node(node) => network.node(*node).key.clone(),
        PlaceRef::Outside(name) => format!("?{name}"),
    }
}

pub(crate) fn record(network: &Network, row: &Observation) -> ObservedRecord {
    let optional = |p: &Option<PlaceRef>| p.as_ref().map_or(String::new(), |p| place(network, p));
    ObservedRecord {
        obs_id: row.id.clone(),
        kind: row.kind.as_str(),
        year: row.year,
        period: row.period.clone(),
        origin: optional(&row.origin),
        destination: optional(&row.destination),
        facility: match &row.facility {
            None => String::new(),
            Some(FacilityRef::Place(p)) => place(network, p),
            Some(FacilityRef::Line(a, b)) => format!("{}-{}", place(network, a), place(network, b)),
        },
        corridor: row.corridor.clone().unwrap_or_default(),
        direction: row.direction.clone(),
        service: row.service.clone(),
        scope: row.scope.clone(),
        unit: row.unit.as_str(),
        value: row.value,
        low: row.low,
        high: row.high,
        sources: row.sources.clone(),
        definition: row.definition.clone(),
        note: row.note.clone(),
        nature: row.nature.clone(),
        flows: row.flows.clone(),
    }
}

impl ObservedReport {
    /// The report of `observed`, whose places are nodes of `network`.
    pub fn new(observed: &Observations, network: &Network) -> ObservedReport {
        let kinds = ObsKind::ALL
            .iter()
            .filter_map(|&(kind, name)| {
                let rows: Vec<&Observation> =
                    observed.rows.iter().filter(|o| o.kind == kind).collect();
                let first = rows.iter().map(|o| o.year).min()?;
                let last = rows.iter().map(|o| o.year).max()?;
                let mut by_corridor = BTreeMap::new();
                for row in &rows {
                    let key = row.corridor.clone().unwrap_or_else(|| "-".to_string());
                    *by_corridor.entry(key).or_insert(0) += 1;
                }
                Some(KindSummary {
                    kind: name,
                    rows: rows.len(),
                    by_corridor,
                    years: (first, last),
                })
            })
            .collect();
        ObservedReport {
            rows: observed.rows.len(),
            sources: observed.sources.len(),
            kinds,
            observations: observed
                .rows
                .iter()
                .map(|row| record(network, row))
                .collect(),
        }
    }

    /// Every row as CSV, in the columns of `observations.csv` (sources `|`-separated), so the
    /// output reads back as an observation file.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        let io = |error: csv::Error| std::io::Error::other(error.to_string());
        writer
            .write_record(crate::observe::COLUMNS.iter().map(|column| column.name))
            .map_err(io)?;
        let number = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
        for row in &self.observations {
            writer
                .write_record([
                    row.obs_id.as_str(),
                    row.kind,
                    &row.year.to_string(),
                    &row.period,
                    &row.origin,
                    &row.destination,
                    &row.facility,
                    &row.corridor,
                    &row.direction,
                    &row.service,
                    &row.scope,
                    row.unit,
                    &row.value.to_string(),
                    &number(row.low),
                    &number(row.high),
                    &row.sources.join("|"),
                    &row.definition,
                    &row.note,
                    &row.nature,
                    &row.flows,
                ])
                .map_err(io)?;
        }
        writer.flush()
    }
}
