//! The report of a corridor simulation (`silkroute simulate`): transit-time distributions by
//! corridor and by origin–destination, facilities, lines and sailings, and the reliability
//! file `route --reliability` reads.

use serde::Serialize;
use std::io::Write;

/// Version of the layout of [`SimulationReport`].
pub const SIMULATION_REPORT_VERSION: u32 = 1;

/// A transit-time distribution, days.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitRecord {
    /// TEU a year measured (mean over replications).
    pub teu_per_year: f64,
    /// The route's days at no load (TEU-weighted over its paths).
    pub route_days: f64,
    /// Mean, days.
    pub mean_days: f64,
    /// Half-width of the 95% confidence interval of the mean, days (Student t over the
    /// replications' means; 0 with one replication).
    pub mean_days_ci95: f64,
    /// Standard deviation, days.
    pub std_days: f64,
    /// Median, days.
    pub p50_days: f64,
    /// 90th percentile, days.
    pub p90_days: f64,
    /// 95th percentile, days.
    pub p95_days: f64,
    /// Share of TEU on time (within the target).
    pub on_time_share: f64,
    /// Mean days waited for positions at facilities (queues).
    pub facility_queue_days: f64,
    /// Mean days waited for slots on capacitated lines.
    pub line_queue_days: f64,
    /// Mean days waited at ports for a departure (schedule, weather, full ships).
    pub sailing_wait_days: f64,
    /// Mean days held by hazards' closures.
    pub hazard_days: f64,
    /// TEU a year that left in the window and had not arrived by the end of the run.
    pub unfinished_teu_per_year: f64,
    /// TEU a year of these paths sent on another path of their pair (a crossing closed or
    /// over its accepted queue).
    pub diverted_teu_per_year: f64,
    /// TEU a year of these paths that no path of their pair accepted.
    pub refused_teu_per_year: f64,
}

/// One corridor's distribution, with the share of TEU by day for charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorTransitRecord {
    /// Corridor id (`regional` for routes of no corridor).
    pub corridor: String,
    /// Display name.
    pub name: String,
    /// The distribution.
    #[serde(flatten)]
    pub transit: TransitRecord,
    /// Share of the corridor's TEU by whole day of transit (index = day).
    pub share_by_day: Vec<f64>,
}

/// One origin–destination and corridor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairTransitRecord {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// Corridor id.
    pub corridor: String,
    /// The distribution.
    #[serde(flatten)]
    pub transit: TransitRecord,
}

/// One capacitated handling row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacilityRecord {
    /// Place id.
    pub node: String,
    /// Handling kind.
    pub kind: String,
    /// Place name.
    pub name: String,
    /// Positions (trains handled at once).
    pub servers: usize,
    /// Where the positions come from (`derived`: the row's hours × trains a day / 24).
    pub servers_source: String,
    /// Hours a train holds a position.
    pub service_hours: f64,
    /// The row's hours (what `route` charges).
    pub route_hours: f64,
    /// Trains a day the row handles at capacity.
    pub capacity_trains_per_day: f64,
    /// Trains a day that arrived (mean).
    pub trains_per_day: f64,
    /// Share of position-hours busy.
    pub utilisation: f64,
    /// Trains waiting for a position, time average.
    pub mean_queue_trains: f64,
    /// Most trains waiting at once (over replications).
    pub max_queue_trains: f64,
    /// Mean wait for a position, hours.
    pub mean_wait_hours: f64,
    /// Median wait, hours.
    pub wait_p50_hours: f64,
    /// 95th percentile of the wait, hours.
    pub wait_p95_hours: f64,
    /// Mean time at the facility (closures, queue, position, formalities), hours.
    pub mean_hours: f64,
    /// 95th percentile of the time at the facility, hours.
    pub p95_hours: f64,
}

/// One water line (a link in one direction).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SailingRecord {
    /// Link id.
    pub link: String,
    /// From place id.
    pub from: String,
    /// To place id.
    pub to: String,
    /// Link name.
    pub name: String,
    /// Departures a year.
    pub sailings_per_year: f64,
    /// TEU a year carried.
    pub teu_per_year: f64,
    /// Loaded share of the capacity offered (`None`: no capacity known).
    pub load_factor: Option<f64>,
    /// TEU left on the quay by full ships, a year (summed over departures).
    pub left_behind_teu_per_year: f64,
    /// Days a year closed by weather.
    pub closed_days_per_year: f64,
    /// The mean wait `route` charges, hours.
    pub route_wait_hours: f64,
    /// Mean wait for a departure, hours.
    pub mean_wait_hours: f64,
    /// Median wait, hours.
    pub wait_p50_hours: f64,
    /// 95th percentile of the wait, hours.
    pub wait_p95_hours: f64,
    /// TEU waiting on the quay, time average.
    pub mean_queue_teu: f64,
}

/// One capacitated line (a link in one direction).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineRecord {
    /// Link id.
    pub link: String,
    /// From place id.
    pub from: String,
    /// To place id.
    pub to: String,
    /// Hours between two trains at capacity.
    pub slot_hours: f64,
    /// Trains a day (mean).
    pub trains_per_day: f64,
    /// Mean wait for a slot, hours.
    pub mean_wait_hours: f64,
    /// 95th percentile of the wait, hours.
    pub wait_p95_hours: f64,
}

/// One hazard group drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HazardRecord {
    /// Group id (the hazards file's).
    pub group: String,
    /// Mean days a year closed.
    pub closed_days_per_year: f64,
}

/// One element's time for the reliability file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElementRecord {
    /// `handling:<node>:<kind>` or `link:<link>`.
    pub element: String,
    /// Consignments measured.
    pub samples: u64,
    /// Mean hours.
    pub mean_hours: f64,
    /// Median hours.
    pub p50_hours: f64,
    /// 90th percentile, hours.
    pub p90_hours: f64,
    /// 95th percentile, hours.
    pub p95_hours: f64,
}

/// The report of `silkroute simulate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulationReport {
    /// [`SIMULATION_REPORT_VERSION`].
    pub version: u32,
    /// The network's year.
    pub year: i32,
    /// Replications run.
    pub replications: usize,
    /// Days measured per replication.
    pub horizon_days: f64,
    /// Days of warm-up before them.
    pub warmup_days: f64,
    /// Days after them for the measured trains to arrive.
    pub drain_days: f64,
    /// Seed of the random streams.
    pub seed: u64,
    /// The on-time rule.
    pub on_time: String,
    /// TEU per train (the network's freight data).
    pub teu_per_train: f64,
    /// Trains a year that left in the window (mean over replications).
    pub trains_per_year: f64,
    /// Events scheduled per replication (mean).
    pub events_per_replication: f64,
    /// Hazard groups drawn.
    pub hazards: Vec<HazardRecord>,
    /// By corridor, by TEU.
    pub corridors: Vec<CorridorTransitRecord>,
    /// By origin, destination and corridor.
    pub pairs: Vec<PairTransitRecord>,
    /// Capacitated handling rows.
    pub facilities: Vec<FacilityRecord>,
    /// Water lines.
    pub sailings: Vec<SailingRecord>,
    /// Capacitated lines.
    pub lines: Vec<LineRecord>,
    /// Times by element, for `route --reliability`.
    pub elements: Vec<ElementRecord>,
    /// What the reader should know (an unsettled assignment, trains that never arrived).
    pub warnings: Vec<String>,
}

impl SimulationReport {
    /// Writes the per-pair and per-corridor distributions as CSV (corridor rows have origin
    /// and destination `*`).
    ///
    /// # Errors
    /// From the writer.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "origin",
            "destination",
            "corridor",
            "teu_per_year",
            "route_days",
            "mean_days",
            "mean_days_ci95",
            "std_days",
            "p50_days",
            "p90_days",
            "p95_days",
            "on_time_share",
            "facility_queue_days",
            "line_queue_days",
            "sailing_wait_days",
            "hazard_days",
            "unfinished_teu_per_year",
            "diverted_teu_per_year",
            "refused_teu_per_year",
        ])?;
        let rows = self
            .corridors
            .iter()
            .map(|c| ("*", "*", c.corridor.as_str(), &c.transit))
            .chain(self.pairs.iter().map(|p| {
                (
                    p.origin.as_str(),
                    p.destination.as_str(),
                    p.corridor.as_str(),
                    &p.transit,
                )
            }));
        for (origin, destination, corridor, t) in rows {
            let mut record = vec![
                origin.to_string(),
                destination.to_string(),
                corridor.to_string(),
            ];
            record.extend(
                [
                    t.teu_per_year,
                    t.route_days,
                    t.mean_days,
                    t.mean_days_ci95,
                    t.std_days,
                    t.p50_days,
                    t.p90_days,
                    t.p95_days,
                    t.on_time_share,
                    t.facility_queue_days,
                    t.line_queue_days,
                    t.sailing_wait_days,
                    t.hazard_days,
                    t.unfinished_teu_per_year,
                    t.diverted_teu_per_year,
                    t.refused_teu_per_year,
                ]
                .iter()
                .map(|v| v.to_string()),
            );
            writer.write_record(&record)?;
        }
        writer.flush()?;
        Ok(())
    }

    /// Writes the reliability file: each element's hours (docs/formats.md, "Reliability
    /// files"), with `source` naming this run.
    ///
    /// # Errors
    /// From the writer.
    pub fn write_reliability_csv(&self, out: &mut dyn Write, source: &str) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "element",
            "samples",
            "mean_hours",
            "p50_hours",
            "p90_hours",
            "p95_hours",
            "source",
        ])?;
        for e in &self.elements {
            writer.write_record([
                e.element.clone(),
                e.samples.to_string(),
                e.mean_hours.to_string(),
                e.p50_hours.to_string(),
                e.p90_hours.to_string(),
                e.p95_hours.to_string(),
                source.to_string(),
            ])?;
        }
        writer.flush()?;
        Ok(())
    }
}
