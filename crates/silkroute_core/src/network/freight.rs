//! Freight demand data: the zones demand travels between, the classes of demand (each with its
//! value of time) and the origin–destination volumes, as loaded from `zones.csv`, `demand.csv`
//! and the `[freight]`/`[[freight_class]]` tables of `dataset.toml`. Assignment
//! ([`crate::freight`]) turns them into an assignment problem on the network.

use super::{NodeId, SourceId};

/// Dense index of a zone in [`FreightData::zones`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneId(pub u32);

/// Dense index of a class in [`FreightData::classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FreightClassId(pub u32);

/// A region where freight starts or ends, connected to the places that serve it.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// External id (`cn_xian`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// The places the region's freight enters or leaves the network at (at least one; a place
    /// belongs to at most one zone).
    pub places: Vec<NodeId>,
    /// Sources of the zone's definition.
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

/// A class of freight demand: containers sharing a value of time.
#[derive(Debug, Clone, PartialEq)]
pub struct FreightClass {
    /// External id (`express`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// USD per TEU-day, > 0: converts tariffs and handling charges to time.
    pub value_of_time_usd_per_teu_day: f64,
    /// Sources of the value of time.
    pub value_of_time_sources: Vec<SourceId>,
    /// Capacity units (TEU of capacity) one TEU of this class uses, > 0.
    pub pce: f64,
    /// Sources of the pce (empty when it is the default 1).
    pub pce_sources: Vec<SourceId>,
}

/// One origin–destination volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Origin zone.
    pub origin: ZoneId,
    /// Destination zone (≠ origin).
    pub destination: ZoneId,
    /// Class.
    pub class: FreightClassId,
    /// TEU per year, ≥ 0.
    pub teu_per_year: f64,
    /// Sources of the volume.
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

/// Everything about freight demand in a dataset. Empty when the dataset has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FreightData {
    /// TEU one train carries, converting `capacity_trains_per_day` to TEU.
    pub teu_per_train: Option<f64>,
    /// Sources of `teu_per_train`.
    pub teu_per_train_sources: Vec<SourceId>,
    /// Trains that run in the lighter direction for each train of the busier one (trains
    /// return, loaded or not, to bring the wagons back): train counts from TEU.
    pub return_trains_per_train: Option<f64>,
    /// Sources of `return_trains_per_train`.
    pub return_trains_sources: Vec<SourceId>,
    /// Cargo tonnes in a loaded TEU, to count containers in tonnes beside the tonnage layer.
    pub tonnes_per_teu: Option<f64>,
    /// Sources of `tonnes_per_teu`.
    pub tonnes_per_teu_sources: Vec<SourceId>,
    /// The tonnage layer (`tonnage.csv`): cargo counted in tonnes, routed on its own.
    pub tonnage: Vec<TonnageRow>,
    /// Classes of demand.
    pub classes: Vec<FreightClass>,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Origin–destination volumes.
    pub demand: Vec<Demand>,
    /// Demand of other years than the demand's own, as a factor on every volume or on a
    /// group's (`demand_years.csv`; [`FreightData::demand_factor`]).
    pub demand_by_year: Vec<DemandYear>,
    /// Markets where rail competes with the sea (`markets.csv`): the demand rows between
    /// their zones are the rail part of a larger market whose split follows a logit choice.
    pub markets: Vec<Market>,
    /// A market's rail premium by year (`market_years.csv`): added to its rail constant in
    /// the years around it ([`FreightData::rail_premium`]).
    pub market_years: Vec<MarketYear>,
}

/// The rail premium of a market in a year, USD per TEU, added to the market's rail constant:
/// what made rail more (> 0) or less (< 0) attractive that year than its generalized cost
/// says (services and subsidies, risk), fitted on the rail volumes observed that year.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketYear {
    /// Index in [`FreightData::markets`].
    pub market: usize,
    /// The year.
    pub year: i32,
    /// USD per TEU added to the rail constant.
    pub premium_usd_per_teu: f64,
    /// Sources of the premium (the fit).
    pub sources: Vec<SourceId>,
    /// The observations it was fitted on (ids of `data/observed`), for the evaluation.
    pub fitted_on: Vec<String>,
}

/// A market where rail competes with an alternative (the sea): every demand row between one
/// of its origins and one of its destinations (either way) is the rail part, in the base
/// year, of a market `teu_per_year / rail_share`; each origin–destination and class splits
/// that market between the cheapest rail route and the cheapest route sailing on the
/// alternative corridors by a binary logit on the generalized cost in USD per TEU,
/// `P(rail) = 1 / (1 + exp(scale · (rail − alternative − constant)))`.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    /// External id (`asia_europe`).
    pub key: String,
    /// Zones at one end.
    pub origins: Vec<ZoneId>,
    /// Zones at the other end.
    pub destinations: Vec<ZoneId>,
    /// Ids of the corridors whose links make the alternative (`sea_suez`, `sea_cape`); a
    /// link tagged only with these corridors is closed to the rail part.
    pub alternative: Vec<String>,
    /// Rail's share of the market in the base year, in (0, 1).
    pub rail_share: f64,
    /// Sources of the share.
    pub rail_share_sources: Vec<SourceId>,
    /// Elasticity of the rail volume to rail's generalized cost in the base year (< 0),
    /// from which the scale is fitted.
    pub elasticity: f64,
    /// Sources of the elasticity.
    pub elasticity_sources: Vec<SourceId>,
    /// The year the demand rows describe.
    pub base_year: i32,
    /// The logit scale, per USD per TEU (fitted: `silkroute calibrate`).
    pub scale_per_usd: f64,
    /// Rail's constant, USD per TEU: what rail is worth beyond its generalized cost (fitted).
    pub rail_constant_usd_per_teu: f64,
    /// Sources of the fitted scale and constant.
    pub fit_sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

impl Market {
    /// Whether a demand row between these zones (either way) belongs to the market.
    pub fn contains(&self, origin: ZoneId, destination: ZoneId) -> bool {
        (self.origins.contains(&origin) && self.destinations.contains(&destination))
            || (self.origins.contains(&destination) && self.destinations.contains(&origin))
    }

    /// Rail's probability for a rail and an alternative generalized cost (USD per TEU);
    /// 0 without a rail route, 1 without an alternative.
    pub fn rail_probability(&self, rail_usd: f64, alternative_usd: f64) -> f64 {
        match (rail_usd.is_finite(), alternative_usd.is_finite()) {
            (false, _) => 0.0,
            (true, false) => 1.0,
            (true, true) => {
                let x = self.scale_per_usd
                    * (rail_usd - alternative_usd - self.rail_constant_usd_per_teu);
                // exp overflows past 709; the probability is 0 to f64 precision long before.
                if x > 700.0 {
                    0.0
                } else {
                    1.0 / (1.0 + x.exp())
                }
            }
        }
    }
}

/// A flow of the tonnage layer in a year: cargo in tonnes (not containers) between places,
/// split evenly over the pairs of its origins and destinations.
#[derive(Debug, Clone, PartialEq)]
pub struct TonnageRow {
    /// The year.
    pub year: i32,
    /// Where it is loaded.
    pub origins: Vec<NodeId>,
    /// Where it goes.
    pub destinations: Vec<NodeId>,
    /// What it is (`kz_export`, ...): a flow is one commodity between the same places.
    pub commodity: String,
    /// Tonnes in the year (≥ 0).
    pub tonnes: f64,
    /// Sources.
    pub sources: Vec<SourceId>,
    /// The demand scenario the row belongs to (applied only when chosen); empty for the
    /// observed series.
    pub scenario: String,
}

/// The demand of a year as a factor on the volumes of `demand.csv`, for every row or for the
/// rows of a group of zones (a segment that grows at its own pace).
#[derive(Debug, Clone, PartialEq)]
pub struct DemandYear {
    /// The year.
    pub year: i32,
    /// The group: the demand rows from or to one of these zones take this factor. Empty: the
    /// rows of no group.
    pub zones: Vec<ZoneId>,
    /// Factor on the group's volumes (≥ 0).
    pub factor: f64,
    /// Sources of the factor.
    pub sources: Vec<SourceId>,
    /// The demand scenario the row belongs to (a projection or a target, applied only when
    /// chosen: [`FreightData::with_demand_scenario`]); empty for the observed series.
    pub scenario: String,
}

/// The rows of a series with scenario `name` in force: the observed rows (empty scenario) less
/// those a row of the scenario replaces (`same_slot`), then the scenario's rows, as observed.
fn with_scenario<T: Clone + ScenarioRow>(
    rows: &[T],
    name: &str,
    same_slot: impl Fn(&T, &T) -> bool,
) -> Vec<T> {
    let chosen: Vec<&T> = rows.iter().filter(|r| r.scenario() == name).collect();
    rows.iter()
        .filter(|r| r.scenario().is_empty() && !chosen.iter().any(|c| same_slot(c, r)))
        .cloned()
        .chain(chosen.iter().map(|c| {
            let mut row = (*c).clone();
            row.clear_scenario();
            row
        }))
        .collect()
}

/// A row of a series that a demand scenario can hold.
trait ScenarioRow {
    /// The row's scenario (empty: the observed series).
    fn scenario(&self) -> &str;
    /// Makes the row one of the observed series.
    fn clear_scenario(&mut self);
}

impl ScenarioRow for DemandYear {
    fn scenario(&self) -> &str {
        &self.scenario
    }
    fn clear_scenario(&mut self) {
        self.scenario.clear();
    }
}

impl ScenarioRow for TonnageRow {
    fn scenario(&self) -> &str {
        &self.scenario
    }
    fn clear_scenario(&mut self) {
        self.scenario.clear();
    }
}

/// Whether two tonnage rows are the same flow (commodity and places).
fn same_flow(a: &TonnageRow, b: &TonnageRow) -> bool {
    a.commodity == b.commodity && a.origins == b.origins && a.destinations == b.destinations
}

impl FreightData {
    /// The factor on the volumes of the rows of no group in `year` ([`Self::demand_factor`]).
    pub fn demand_factor_in(&self, year: i32) -> f64 {
        self.group_factor(&[], year)
    }

    /// The factor on a demand row's volume in `year`: that of the group whose zones include
    /// its origin or destination (the rows of `demand_years.csv` with those zones), else of
    /// the rows without zones. Within a group, a year's row gives it; between two rows it is
    /// interpolated linearly; before the first row it is the first row's, after the last the
    /// last row's; 1 for a group without rows.
    pub fn demand_factor(&self, year: i32, origin: ZoneId, destination: ZoneId) -> f64 {
        let group = self
            .demand_by_year
            .iter()
            .find(|d| d.zones.contains(&origin) || d.zones.contains(&destination))
            .map_or(&[][..], |d| d.zones.as_slice());
        self.group_factor(group, year)
    }

    /// The tonnage layer in `year`: each flow (commodity, origins, destinations) with its
    /// tonnes, interpolated linearly between its years and held after its last; a flow before
    /// its first year is not in the layer (`None` when no flow is).
    pub fn tonnage_in(&self, year: i32) -> Option<Vec<(&TonnageRow, f64)>> {
        let observed = || self.tonnage.iter().filter(|r| r.scenario.is_empty());
        let mut flows: Vec<&TonnageRow> = Vec::new();
        for row in observed() {
            if !flows.iter().any(|f| same_flow(f, row)) {
                flows.push(row);
            }
        }
        let out: Vec<(&TonnageRow, f64)> = flows
            .into_iter()
            .filter_map(|flow| {
                let rows = observed().filter(|r| same_flow(r, flow));
                let first = rows.clone().map(|r| r.year).min()?;
                if year < first {
                    return None;
                }
                let points: Vec<(i32, f64)> = rows.map(|r| (r.year, r.tonnes)).collect();
                interpolate_by_year(points, year).map(|t| (flow, t))
            })
            .collect();
        (!out.is_empty()).then_some(out)
    }

    /// The demand scenarios of `demand_years.csv`, sorted.
    pub fn demand_scenarios(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .demand_by_year
            .iter()
            .map(|d| d.scenario.as_str())
            .chain(self.tonnage.iter().map(|t| t.scenario.as_str()))
            .filter(|name| !name.is_empty())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The demand with a scenario's rows in force: each of its rows (`demand_years.csv`,
    /// `tonnage.csv`) replaces the observed row of its year and group (or flow) or adds to the
    /// series; the other scenarios' rows go.
    ///
    /// # Errors
    /// [`FreightDataError::UnknownDemandScenario`] when no row has that scenario.
    pub fn with_demand_scenario(&self, name: &str) -> Result<FreightData, FreightDataError> {
        if name.is_empty() || !self.demand_scenarios().contains(&name) {
            return Err(FreightDataError::UnknownDemandScenario {
                name: name.to_string(),
                known: self.demand_scenarios().join(", "),
            });
        }
        let mut out = self.clone();
        out.demand_by_year = with_scenario(&self.demand_by_year, name, |a, b| {
            a.year == b.year && a.zones == b.zones
        });
        out.tonnage = with_scenario(&self.tonnage, name, |a, b| {
            a.year == b.year && same_flow(a, b)
        });
        Ok(out)
    }

    fn group_factor(&self, zones: &[ZoneId], year: i32) -> f64 {
        let points: Vec<(i32, f64)> = self
            .demand_by_year
            .iter()
            .filter(|d| d.zones == zones && d.scenario.is_empty())
            .map(|d| (d.year, d.factor))
            .collect();
        interpolate_by_year(points, year).unwrap_or(1.0)
    }

    /// A market's rail premium in `year`, USD per TEU: its row's; between two rows
    /// interpolated linearly; before the first row the first row's, after the last the last
    /// row's; 0 without rows.
    pub fn rail_premium(&self, market: usize, year: i32) -> f64 {
        let points: Vec<(i32, f64)> = self
            .market_years
            .iter()
            .filter(|m| m.market == market)
            .map(|m| (m.year, m.premium_usd_per_teu))
            .collect();
        interpolate_by_year(points, year).unwrap_or(0.0)
    }

    /// The data of `year`: every market's rail constant plus its premium of the year.
    pub fn in_year(&self, year: i32) -> FreightData {
        let mut data = self.clone();
        for (index, market) in data.markets.iter_mut().enumerate() {
            market.rail_constant_usd_per_teu += self.rail_premium(index, year);
        }
        data
    }

    /// The market a demand row between these zones belongs to (the first that lists them).
    pub fn market_of(&self, origin: ZoneId, destination: ZoneId) -> Option<usize> {
        self.markets
            .iter()
            .position(|m| m.contains(origin, destination))
    }

    /// Whether there is no zone, class or demand.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty() && self.zones.is_empty() && self.demand.is_empty()
    }

    /// The zone with this id.
    pub fn zone(&self, id: ZoneId) -> &Zone {
        &self.zones[id.index()]
    }

    /// The class with this id.
    pub fn class(&self, id: FreightClassId) -> &FreightClass {
        &self.classes[id.index()]
    }

    /// Looks a zone up by its id.
    pub fn zone_by_key(&self, key: &str) -> Option<ZoneId> {
        self.zones
            .iter()
            .position(|zone| zone.key == key)
            .map(|index| ZoneId(index as u32))
    }

    /// Looks a class up by its id.
    pub fn class_by_key(&self, key: &str) -> Option<FreightClassId> {
        self.classes
            .iter()
            .position(|class| class.key == key)
            .map(|index| FreightClassId(index as u32))
    }

    /// Total TEU per year of all demand rows.
    pub fn total_teu_per_year(&self) -> f64 {
        self.demand.iter().map(|d| d.teu_per_year).sum()
    }

    /// Total TEU per year of all demand rows in `year`, each times its group's factor
    /// ([`Self::demand_factor`]).
    pub fn total_teu_in(&self, year: i32) -> f64 {
        self.demand
            .iter()
            .map(|d| d.teu_per_year * self.demand_factor(year, d.origin, d.destination))
            .sum()
    }

    /// Checks the relations between the values: places exist (`node_count`) and belong to one
    /// zone, ids are in range and unique, origin ≠ destination, numbers finite and in range.
    ///
    /// # Errors
    /// The first problem, as a [`FreightDataError`].
    pub fn check(&self, node_count: usize) -> Result<(), FreightDataError> {
        if let Some(t) = self.teu_per_train
            && !(t.is_finite() && t > 0.0)
        {
            return Err(FreightDataError::BadTeuPerTrain { value: t });
        }
        if let Some(t) = self.tonnes_per_teu
            && !(t.is_finite() && t > 0.0 && t <= 40.0)
        {
            return Err(FreightDataError::BadTonnage {
                what: "tonnes per TEU".into(),
                reason: format!("{t}: expected a number in (0, 40]"),
            });
        }
        for row in &self.tonnage {
            let bad = |reason: &str| FreightDataError::BadTonnage {
                what: format!("`{}` of {}", row.commodity, row.year),
                reason: reason.to_string(),
            };
            if !(row.tonnes.is_finite() && row.tonnes >= 0.0) {
                return Err(bad("tonnes must be a finite number ≥ 0"));
            }
            if row.origins.is_empty() || row.destinations.is_empty() {
                return Err(bad("no origin or no destination"));
            }
            if row
                .origins
                .iter()
                .chain(&row.destinations)
                .any(|n| n.index() >= node_count)
            {
                return Err(bad("node index out of range"));
            }
        }
        for (index, class) in self.classes.iter().enumerate() {
            if self.classes[..index].iter().any(|c| c.key == class.key) {
                return Err(FreightDataError::DuplicateClass {
                    class: class.key.clone(),
                });
            }
            let vot = class.value_of_time_usd_per_teu_day;
            if !(vot.is_finite() && vot > 0.0) {
                return Err(FreightDataError::BadValueOfTime {
                    class: class.key.clone(),
                    value: vot,
                });
            }
            if !(class.pce.is_finite() && class.pce > 0.0) {
                return Err(FreightDataError::BadPce {
                    class: class.key.clone(),
                    value: class.pce,
                });
            }
        }
        let mut zone_of = vec![None::<usize>; node_count];
        for (index, zone) in self.zones.iter().enumerate() {
            if self.zones[..index].iter().any(|z| z.key == zone.key) {
                return Err(FreightDataError::DuplicateZone {
                    zone: zone.key.clone(),
                });
            }
            if zone.places.is_empty() {
                return Err(FreightDataError::EmptyZone {
                    zone: zone.key.clone(),
                });
            }
            for place in &zone.places {
                let slot = zone_of.get_mut(place.index()).ok_or_else(|| {
                    FreightDataError::NodeOutOfRange {
                        zone: zone.key.clone(),
                        node: place.0,
                    }
                })?;
                if let Some(other) = *slot {
                    return Err(FreightDataError::PlaceInTwoZones {
                        zone: zone.key.clone(),
                        node: place.0,
                        other: self.zones[other].key.clone(),
                    });
                }
                *slot = Some(index);
            }
        }
        for (index, row) in self.demand.iter().enumerate() {
            let zones = self.zones.len() as u32;
            if row.origin.0 >= zones || row.destination.0 >= zones {
                return Err(FreightDataError::ZoneOutOfRange { row: index });
            }
            if row.origin == row.destination {
                return Err(FreightDataError::SameZone { row: index });
            }
            if row.class.index() >= self.classes.len() {
                return Err(FreightDataError::ClassOutOfRange { row: index });
            }
            if !(row.teu_per_year.is_finite() && row.teu_per_year >= 0.0) {
                return Err(FreightDataError::BadDemand {
                    row: index,
                    value: row.teu_per_year,
                });
            }
        }
        let zones = self.zones.len();
        for year in &self.demand_by_year {
            let bad = |reason: &str| FreightDataError::BadDemandYear {
                year: year.year,
                reason: reason.to_string(),
            };
            if !(year.factor.is_finite() && year.factor >= 0.0) {
                return Err(bad("factor must be a finite number ≥ 0"));
            }
            if year.zones.iter().any(|z| z.index() >= zones) {
                return Err(bad("zone index out of range"));
            }
            let overlapping = self.demand_by_year.iter().any(|other| {
                other.zones != year.zones && other.zones.iter().any(|z| year.zones.contains(z))
            });
            if overlapping {
                return Err(bad("a zone is in two groups"));
            }
        }
        for row in &self.market_years {
            let Some(market) = self.markets.get(row.market) else {
                return Err(FreightDataError::BadMarket {
                    market: format!("#{}", row.market),
                    reason: "index out of range in market_years".into(),
                });
            };
            if !(row.premium_usd_per_teu.is_finite() && row.premium_usd_per_teu.abs() <= 1e5) {
                return Err(FreightDataError::BadMarket {
                    market: market.key.clone(),
                    reason: format!(
                        "premium of {} must be finite, within ±100,000 USD per TEU",
                        row.year
                    ),
                });
            }
        }
        for market in &self.markets {
            let bad = |reason: &str| FreightDataError::BadMarket {
                market: market.key.clone(),
                reason: reason.to_string(),
            };
            if market.origins.is_empty() || market.destinations.is_empty() {
                return Err(bad("needs origins and destinations"));
            }
            if market
                .origins
                .iter()
                .chain(&market.destinations)
                .any(|z| z.index() >= zones)
            {
                return Err(bad("zone index out of range"));
            }
            if market
                .origins
                .iter()
                .any(|z| market.destinations.contains(z))
            {
                return Err(bad("a zone is at both ends"));
            }
            if !(market.rail_share > 0.0 && market.rail_share < 1.0) {
                return Err(bad("rail share must be in (0, 1)"));
            }
            if !(market.elasticity.is_finite() && market.elasticity < 0.0) {
                return Err(bad("elasticity must be < 0"));
            }
            if !(market.scale_per_usd.is_finite() && market.scale_per_usd >= 0.0) {
                return Err(bad("scale must be a finite number ≥ 0"));
            }
            if !market.rail_constant_usd_per_teu.is_finite() {
                return Err(bad("rail constant must be finite"));
            }
        }
        Ok(())
    }
}

/// The value of `year` among (year, value) points: a point's own; between two points
/// interpolated linearly; before the first point the first's, after the last the last's;
/// `None` without points. The rule of every by-year file (demand, market premiums).
pub fn interpolate_by_year(mut points: Vec<(i32, f64)>, year: i32) -> Option<f64> {
    points.sort_by_key(|p| p.0);
    let (&first, &last) = (points.first()?, points.last()?);
    if year <= first.0 {
        return Some(first.1);
    }
    if year >= last.0 {
        return Some(last.1);
    }
    points
        .windows(2)
        .find(|pair| (pair[0].0..=pair[1].0).contains(&year))
        .map(|pair| {
            let ((a, va), (b, vb)) = (pair[0], pair[1]);
            va + f64::from(year - a) / f64::from(b - a) * (vb - va)
        })
}

/// Why freight data does not fit a network ([`FreightData::check`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FreightDataError {
    /// TEU per train that is not > 0.
    #[error("teu_per_train {value} must be > 0")]
    BadTeuPerTrain {
        /// The value.
        value: f64,
    },
    /// Two classes with one id.
    #[error("duplicate class id `{class}`")]
    DuplicateClass {
        /// The id.
        class: String,
    },
    /// A value of time that is not > 0.
    #[error("class `{class}`: value of time {value} must be > 0")]
    BadValueOfTime {
        /// The class.
        class: String,
        /// The value.
        value: f64,
    },
    /// A pce that is not > 0.
    #[error("class `{class}`: pce {value} must be > 0")]
    BadPce {
        /// The class.
        class: String,
        /// The value.
        value: f64,
    },
    /// Two zones with one id.
    #[error("duplicate zone id `{zone}`")]
    DuplicateZone {
        /// The id.
        zone: String,
    },
    /// A zone without places.
    #[error("zone `{zone}` has no place")]
    EmptyZone {
        /// The zone.
        zone: String,
    },
    /// A zone place that is not a node of the network.
    #[error("zone `{zone}`: node index {node} does not exist")]
    NodeOutOfRange {
        /// The zone.
        zone: String,
        /// The node index.
        node: u32,
    },
    /// A place in two zones.
    #[error("zone `{zone}`: node index {node} already belongs to zone `{other}`")]
    PlaceInTwoZones {
        /// The zone.
        zone: String,
        /// The node index.
        node: u32,
        /// The zone it is in already.
        other: String,
    },
    /// A demand row naming a zone that does not exist.
    #[error("demand row {row}: zone index out of range")]
    ZoneOutOfRange {
        /// The row (0-based).
        row: usize,
    },
    /// A demand row from a zone to itself.
    #[error("demand row {row}: origin and destination are the same zone")]
    SameZone {
        /// The row (0-based).
        row: usize,
    },
    /// A demand row naming a class that does not exist.
    #[error("demand row {row}: class index out of range")]
    ClassOutOfRange {
        /// The row (0-based).
        row: usize,
    },
    /// A market that cannot be used (`markets.csv`).
    #[error("market `{market}`: {reason}")]
    BadMarket {
        /// The market.
        market: String,
        /// What is wrong.
        reason: String,
    },
    /// A tonnage row or the tonnes per TEU that cannot be used (`tonnage.csv`, dataset.toml).
    #[error("tonnage {what}: {reason}")]
    BadTonnage {
        /// Which row or value.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A demand scenario no row of `demand_years.csv` has.
    #[error("no demand scenario `{name}` in demand_years.csv (known: {known})")]
    UnknownDemandScenario {
        /// The name asked for.
        name: String,
        /// The scenarios there are, comma-separated.
        known: String,
    },
    /// A demand factor of a year that cannot be used (`demand_years.csv`).
    #[error("demand of {year}: {reason}")]
    BadDemandYear {
        /// The year.
        year: i32,
        /// What is wrong.
        reason: String,
    },
    /// A demand volume that is not a finite number ≥ 0.
    #[error("demand row {row}: {value} TEU per year is not a finite number ≥ 0")]
    BadDemand {
        /// The row (0-based).
        row: usize,
        /// The value.
        value: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(year: i32, zones: &[u32], factor: f64) -> DemandYear {
        DemandYear {
            year,
            zones: zones.iter().map(|&z| ZoneId(z)).collect(),
            factor,
            sources: Vec::new(),
            scenario: String::new(),
        }
    }

    fn data(years: Vec<DemandYear>) -> FreightData {
        FreightData {
            zones: (0..3)
                .map(|z| Zone {
                    key: format!("z{z}"),
                    name: String::new(),
                    places: vec![NodeId(z)],
                    sources: Vec::new(),
                    note: String::new(),
                })
                .collect(),
            demand_by_year: years,
            ..FreightData::default()
        }
    }

    #[test]
    fn a_row_takes_its_groups_factor_and_the_others_the_default() {
        let d = data(vec![
            year(2020, &[], 0.5),
            year(2022, &[], 1.0),
            year(2020, &[2], 4.0),
        ]);
        assert_eq!(d.demand_factor(2021, ZoneId(0), ZoneId(1)), 0.75);
        assert_eq!(d.demand_factor(2021, ZoneId(0), ZoneId(2)), 4.0);
        assert_eq!(d.demand_factor(2021, ZoneId(2), ZoneId(1)), 4.0);
        assert_eq!(d.demand_factor_in(2019), 0.5);
        assert!(d.check(3).is_ok());
        // Without rows: 1.
        assert_eq!(
            data(Vec::new()).demand_factor(2021, ZoneId(0), ZoneId(1)),
            1.0
        );
    }

    #[test]
    fn a_demand_scenario_applies_only_when_chosen() {
        let target = |y: i32, f: f64| DemandYear {
            scenario: "targets".into(),
            ..year(y, &[2], f)
        };
        let d = data(vec![
            year(2020, &[2], 1.0),
            year(2022, &[2], 2.0),
            target(2022, 3.0),
            target(2030, 10.0),
        ]);
        // Observed series: flat after its last year; the scenario's rows ignored.
        assert_eq!(d.demand_factor(2030, ZoneId(2), ZoneId(0)), 2.0);
        assert_eq!(d.demand_scenarios(), vec!["targets"]);
        let t = d.with_demand_scenario("targets").expect("known");
        // The scenario's 2022 replaces the observed one; 2030 extends the series.
        assert_eq!(t.demand_factor(2022, ZoneId(2), ZoneId(0)), 3.0);
        assert_eq!(t.demand_factor(2026, ZoneId(2), ZoneId(0)), 6.5);
        assert_eq!(t.demand_factor(2021, ZoneId(2), ZoneId(0)), 2.0);
        assert!(t.demand_scenarios().is_empty());
        assert!(t.check(3).is_ok());
        assert!(matches!(
            d.with_demand_scenario("other"),
            Err(FreightDataError::UnknownDemandScenario { .. })
        ));
        assert!(d.with_demand_scenario("").is_err());
    }

    #[test]
    fn a_zone_in_two_groups_or_a_bad_factor_is_refused() {
        let two = data(vec![year(2020, &[1, 2], 1.0), year(2021, &[2], 1.0)]);
        assert!(matches!(
            two.check(3),
            Err(FreightDataError::BadDemandYear { year: 2020, .. })
        ));
        let nan = data(vec![year(2020, &[], f64::NAN)]);
        assert!(nan.check(3).is_err());
        let out = data(vec![year(2020, &[7], 1.0)]);
        assert!(out.check(3).is_err());
    }
}
