//! Published outcomes the model is judged against (`data/observed/`, docs/formats.md):
//! transit times, volumes, train counts, tariffs, sea rates, ferry services, queues and shares,
//! each with its source, the year it describes and an exact definition. They are read with the
//! network folder's checks (every error names file, line and field) and refer to the network's
//! places and corridors, so a calibration or validation can compare them with the model.

use crate::io::csv::{Column, Table, optional, required};
use crate::io::{Fault, Limit, LoadError, clip, read_named};
use crate::network::folder::{is_id, parse_sources};
use crate::network::{Network, NodeId, Source};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What an observation measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObsKind {
    /// Time from origin to destination.
    TransitTime,
    /// Annual volume through a place, a corridor or a network.
    Volume,
    /// What a place or line can carry (design or stated capacity, not throughput).
    Capacity,
    /// Trains run in a year.
    TrainCount,
    /// A rail or ferry price.
    Tariff,
    /// An ocean freight rate or index.
    SeaRate,
    /// Sailings, capacity per sailing or waiting of a ferry line.
    FerryService,
    /// Trains queued, or days waited, at a place.
    Queue,
    /// A share, in percent.
    Share,
}

/// The unit of an observation's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Days.
    Days,
    /// Hours.
    Hours,
    /// Twenty-foot equivalent units.
    Teu,
    /// Forty-foot equivalent units (2 TEU).
    Feu,
    /// Metric tonnes.
    Tonnes,
    /// Trains.
    Trains,
    /// US dollars per FEU.
    UsdPerFeu,
    /// US dollars per TEU.
    UsdPerTeu,
    /// US dollars per tonne.
    UsdPerTonne,
    /// Points of a published index.
    IndexPoints,
    /// Percent.
    Percent,
    /// Sailings per week.
    SailingsPerWeek,
    /// Rail wagons per sailing.
    WagonsPerSailing,
    /// Trains waiting.
    TrainsQueued,
    /// Trains a day.
    TrainsPerDay,
    /// Pairs of trains (one each way) a day.
    TrainPairsPerDay,
}

macro_rules! names {
    ($type:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl $type {
            /// Every value with its name in the files.
            pub const ALL: &'static [($type, &'static str)] = &[$(($type::$variant, $name)),*];

            /// The value a file's word names.
            pub fn parse(text: &str) -> Option<$type> {
                Self::ALL.iter().find(|(_, name)| *name == text).map(|&(value, _)| value)
            }

            /// The word for the value in the files.
            pub fn as_str(self) -> &'static str {
                Self::ALL
                    .iter()
                    .find(|(value, _)| *value == self)
                    .map_or("", |&(_, name)| name)
            }

            fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|&(_, name)| name).collect()
            }
        }
    };
}

names!(ObsKind {
    TransitTime = "transit_time",
    Volume = "volume",
    Capacity = "capacity",
    TrainCount = "train_count",
    Tariff = "tariff",
    SeaRate = "sea_rate",
    FerryService = "ferry_service",
    Queue = "queue",
    Share = "share",
});

names!(Unit {
    Days = "days",
    Hours = "hours",
    Teu = "teu",
    Feu = "feu",
    Tonnes = "tonnes",
    Trains = "trains",
    UsdPerFeu = "usd_per_feu",
    UsdPerTeu = "usd_per_teu",
    UsdPerTonne = "usd_per_tonne",
    IndexPoints = "index_points",
    Percent = "percent",
    SailingsPerWeek = "sailings_per_week",
    WagonsPerSailing = "wagons_per_sailing",
    TrainsQueued = "trains_queued",
    TrainsPerDay = "trains_per_day",
    TrainPairsPerDay = "train_pairs_per_day",
});

impl ObsKind {
    /// The units a value of this kind may be given in.
    pub fn units(self) -> &'static [Unit] {
        use Unit::*;
        match self {
            ObsKind::TransitTime => &[Days, Hours, Percent],
            ObsKind::Volume => &[Teu, Feu, Tonnes, TrainsPerDay, Percent],
            ObsKind::Capacity => &[Teu, Feu, Tonnes, TrainsPerDay, TrainPairsPerDay],
            ObsKind::TrainCount => &[Trains, TrainsPerDay],
            ObsKind::Tariff => &[UsdPerFeu, UsdPerTeu, UsdPerTonne, Percent],
            ObsKind::SeaRate => &[UsdPerFeu, UsdPerTeu, IndexPoints, Percent],
            ObsKind::FerryService => &[SailingsPerWeek, WagonsPerSailing, Teu, Days, Hours],
            ObsKind::Queue => &[TrainsQueued, Days, Hours],
            ObsKind::Share => &[Percent],
        }
    }

    /// Whether the observation is between two places (an origin and a destination), or at
    /// one (a dwell, a local tariff: a facility).
    pub fn is_between_places(self) -> bool {
        matches!(self, ObsKind::TransitTime | ObsKind::Tariff)
    }
}

/// A place an observation names: a node of the network, or one outside it (`?Mersin`),
/// kept by name until the network has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceRef {
    /// A node of the network.
    Node(NodeId),
    /// A place the network does not have, by its name.
    Outside(String),
}

/// Where a facility observation applies: a place, or a line between two places
/// (`aktau-alat`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FacilityRef {
    /// A crossing, port or terminal.
    Place(PlaceRef),
    /// A ferry or sea line.
    Line(PlaceRef, PlaceRef),
}

/// Aggregates an observation may describe besides the network's own corridors.
pub const AGGREGATES: &[&str] = &["china_europe", "kazakhstan_transit"];

/// One published outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Stable id (`tt_chongqing_duisburg_2016`).
    pub id: String,
    /// What is measured.
    pub kind: ObsKind,
    /// The year the value describes (the last year of a period).
    pub year: i32,
    /// A period within or across years (`2021-09`, `2020..2022`), or empty.
    pub period: String,
    /// Origin of a transit time or tariff.
    pub origin: Option<PlaceRef>,
    /// Destination of a transit time or tariff.
    pub destination: Option<PlaceRef>,
    /// The place or line of a volume, queue or ferry service.
    pub facility: Option<FacilityRef>,
    /// A corridor of the network or an aggregate ([`AGGREGATES`]).
    pub corridor: Option<String>,
    /// `westbound`, `eastbound`, `both`, `export`, `import`, `transit`, or empty.
    pub direction: String,
    /// `express`, `block`, `groupage`, `any`, `sea`, `ferry`, or empty.
    pub service: String,
    /// `door_to_door`, `terminal_to_terminal`, `port_to_port`, `station_to_station`,
    /// `border`, `facility`, `network`, `difference` (the extra time or cost of the
    /// observation's corridor over the usual one: `sea_cape` over `sea_suez`), or
    /// `processing` (the time to handle one train at a facility when it has its slot, without
    /// the wait for it).
    pub scope: String,
    /// The unit of the value.
    pub unit: Unit,
    /// The value as published (a range's midpoint).
    pub value: f64,
    /// The published range, if any.
    pub low: Option<f64>,
    /// The published range, if any.
    pub high: Option<f64>,
    /// Source ids (of the observations' SOURCES.toml).
    pub sources: Vec<String>,
    /// Exactly what is measured.
    pub definition: String,
    /// Anything else, such as a disagreement with another row.
    pub note: String,
    /// What kind of figure it is: `typical` (an average or usual time), `actual` (one run
    /// achieved), `planned` (announced before or at departure, or a schedule), `record` (a
    /// first, pilot or record run), `congestion` (during a disruption), `incident` (an outage:
    /// a closure, a breakdown), or empty.
    pub nature: String,
    /// For a volume or a queue: the flows it counts (`china_eu`, `china_eu_ru`, `china_ru`,
    /// `all_freight`), or empty for the corridor's own ([`FLOWS`]).
    pub flows: String,
    /// Line in observations.csv.
    pub line: u64,
}

/// The observations of a folder with their sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    /// The rows, in file order.
    pub rows: Vec<Observation>,
    /// The publications they cite.
    pub sources: Vec<Source>,
}

/// The columns of `observations.csv`, in order (the report writes the same).
pub(crate) const COLUMNS: &[Column] = &[
    required("obs_id"),
    required("kind"),
    required("year"),
    optional("period"),
    optional("origin"),
    optional("destination"),
    optional("facility"),
    optional("corridor"),
    optional("direction"),
    optional("service"),
    required("scope"),
    required("unit"),
    required("value"),
    optional("low"),
    optional("high"),
    required("source"),
    required("definition"),
    optional("note"),
    optional("nature"),
    optional("flows"),
];

/// The values of the `nature` column.
pub const NATURES: &[&str] = &[
    "typical",
    "actual",
    "planned",
    "record",
    "congestion",
    "incident",
];

/// The flows a volume counts, when its corridor alone does not say: China ↔ the EU, China ↔
/// the EU and Russia/Belarus, China ↔ Russia/Belarus, or every kind of freight (not only
/// containers).
pub const FLOWS: &[&str] = &["china_eu", "china_eu_ru", "china_ru", "all_freight"];

const DIRECTIONS: &[&str] = &[
    "westbound",
    "eastbound",
    "both",
    "export",
    "import",
    "transit",
];
const SERVICES: &[&str] = &["express", "block", "groupage", "any", "sea", "ferry"];
const SCOPES: &[&str] = &[
    "door_to_door",
    "terminal_to_terminal",
    "port_to_port",
    "station_to_station",
    "border",
    "facility",
    "network",
    "difference",
    "processing",
];

/// Reads `observations.csv` and `SOURCES.toml` of a folder (`data/observed`) and parses them
/// with [`parse_observations`].
///
/// # Errors
/// As [`parse_observations`], and a file that cannot be read or is too large.
pub fn read_observations(dir: &Path, network: &Network) -> Result<Observations, LoadError> {
    let csv = read_named(&dir.join("observations.csv"), Limit::NETWORK_FILE)?;
    let sources = read_named(&dir.join("SOURCES.toml"), Limit::NETWORK_FILE)?;
    parse_observations(&csv, &sources, network)
}

/// A place outside the network that observations name (`?China`), stood for by some of its
/// nodes: a modelled value between regions is the median over the pairs of their nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The name as observations write it, without the `?`.
    pub name: String,
    /// The nodes that stand for it.
    pub places: Vec<NodeId>,
    /// Why these nodes.
    pub note: String,
}

const REGION_COLUMNS: &[Column] = &[required("region"), required("places"), optional("note")];

/// Reads `regions.csv` of an observation folder, or none when the file is absent.
///
/// # Errors
/// As [`parse_regions`], and a file that cannot be read.
pub fn read_regions(dir: &Path, network: &Network) -> Result<Vec<Region>, LoadError> {
    let path = dir.join("regions.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    parse_regions(&read_named(&path, Limit::NETWORK_FILE)?, network)
}

/// Reads regions (`region,places,note`: `?China` → `xian|chongqing|...`).
///
/// # Errors
/// [`LoadError`] naming file, line and field: a region not written `?Name`, one given twice,
/// an unknown node, no node.
pub fn parse_regions(csv: &(String, Vec<u8>), network: &Network) -> Result<Vec<Region>, LoadError> {
    let table = Table::parse(&csv.0, &csv.1, REGION_COLUMNS)?;
    let mut regions: Vec<Region> = Vec::new();
    for row in &table.rows {
        let fields = table.at(row);
        let text = fields.required_text("region")?;
        let Some(name) = text.strip_prefix('?').filter(|n| !n.trim().is_empty()) else {
            return Err(fields.error("region", format!("`{}` is not written `?Name`", clip(text))));
        };
        if regions.iter().any(|r| r.name == name) {
            return Err(fields.error("region", format!("`{}` is given twice", clip(text))));
        }
        let mut places = Vec::new();
        for key in fields.list("places") {
            let node = network.node_by_key(&key).ok_or_else(|| {
                fields.error(
                    "places",
                    Fault::unknown("node", &key, " (not in the network)"),
                )
            })?;
            if !places.contains(&node) {
                places.push(node);
            }
        }
        if places.is_empty() {
            return Err(fields.error("places", "a region needs at least one node"));
        }
        regions.push(Region {
            name: name.to_string(),
            places,
            note: fields.text("note").to_string(),
        });
    }
    Ok(regions)
}

/// Reads observations (`observations.csv`) and the sources they cite (`SOURCES.toml`, the
/// network folder's format), resolving places and corridors against `network`.
///
/// # Errors
/// [`LoadError`] naming file, line and field: a malformed row, an unknown kind, unit, scope,
/// place, corridor or source, a unit that does not fit the kind, a value outside its range,
/// a duplicate id, a transit time or tariff without both ends, a volume without a place or
/// corridor.
pub fn parse_observations(
    csv: &(String, Vec<u8>),
    sources: &(String, Vec<u8>),
    network: &Network,
) -> Result<Observations, LoadError> {
    let (sources, _lines) = parse_sources(sources)?;
    let known: HashSet<&str> = sources.iter().map(|s| s.key.as_str()).collect();
    let resolve = |key: &str| known.contains(key).then(|| key.to_string());
    let table = Table::parse(&csv.0, &csv.1, COLUMNS)?;
    let mut rows: Vec<Observation> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in &table.rows {
        let fields = table.at(row);
        let id = fields.required_text("obs_id")?;
        if !is_id(id) {
            return Err(fields.error(
                "obs_id",
                Fault::BadId {
                    id: clip(id),
                    rule: "lower-case letters, digits and `_`",
                },
            ));
        }
        if let Some(&first) = seen.get(id) {
            return Err(fields.error(
                "obs_id",
                Fault::DuplicateId {
                    id: id.to_string(),
                    first_line: Some(first),
                },
            ));
        }
        let kind = fields.one_of("kind", ObsKind::parse, &ObsKind::names())?;
        let year = fields
            .year("year")?
            .ok_or_else(|| fields.error("year", "missing value"))?;
        let unit = fields.one_of("unit", Unit::parse, &Unit::names())?;
        if !kind.units().contains(&unit) {
            let allowed: Vec<&str> = kind.units().iter().map(|u| u.as_str()).collect();
            return Err(fields.error(
                "unit",
                format!(
                    "`{}` does not fit kind `{}` (expected one of: {})",
                    unit.as_str(),
                    kind.as_str(),
                    allowed.join(", ")
                ),
            ));
        }
        // A word from a closed list; an optional one may be left empty.
        let word = |field: &str, allowed: &[&str], needed: bool| -> Result<String, LoadError> {
            if !needed && fields.text(field).is_empty() {
                return Ok(String::new());
            }
            fields.one_of(
                field,
                |text| allowed.contains(&text).then(|| text.to_string()),
                allowed,
            )
        };
        let direction = word("direction", DIRECTIONS, false)?;
        let service = word("service", SERVICES, false)?;
        let nature = word("nature", NATURES, false)?;
        let flows = word("flows", FLOWS, false)?;
        let scope = word("scope", SCOPES, true)?;
        let place = |field: &str, text: &str| -> Result<PlaceRef, LoadError> {
            if let Some(name) = text.strip_prefix('?') {
                if name.trim().is_empty() {
                    return Err(fields.error(field, "`?` must be followed by a place name"));
                }
                return Ok(PlaceRef::Outside(name.trim().to_string()));
            }
            network
                .node_by_key(text)
                .map(PlaceRef::Node)
                .ok_or_else(|| {
                    fields.error(
                        field,
                        Fault::unknown(
                            "node",
                            text,
                            " (a node id of the network, or `?Name` for a place outside it)",
                        ),
                    )
                })
        };
        let optional_place = |field: &str| -> Result<Option<PlaceRef>, LoadError> {
            let text = fields.text(field);
            if text.is_empty() {
                Ok(None)
            } else {
                place(field, text).map(Some)
            }
        };
        let origin = optional_place("origin")?;
        let destination = optional_place("destination")?;
        let facility = match fields.text("facility") {
            "" => None,
            text => Some(match text.split_once('-') {
                Some((from, to)) if !from.starts_with('?') || to.starts_with('?') => {
                    FacilityRef::Line(place("facility", from)?, place("facility", to)?)
                }
                _ => FacilityRef::Place(place("facility", text)?),
            }),
        };
        if kind.is_between_places()
            && (origin.is_none() || destination.is_none())
            && (facility.is_none() || origin.is_some() || destination.is_some())
        {
            let field = if origin.is_none() {
                "origin"
            } else {
                "destination"
            };
            return Err(fields.error(
                field,
                format!(
                    "a {} needs an origin and a destination (or, at one place, a facility)",
                    kind.as_str()
                ),
            ));
        }
        let corridor = match fields.text("corridor") {
            "" => None,
            text if network.corridor_by_key(text).is_some() || AGGREGATES.contains(&text) => {
                Some(text.to_string())
            }
            text => {
                let mut known: Vec<&str> =
                    network.corridors().iter().map(|c| c.key.as_str()).collect();
                known.extend(AGGREGATES);
                return Err(fields.error(
                    "corridor",
                    Fault::UnknownValue {
                        value: clip(text),
                        expected: known.join(", "),
                    },
                ));
            }
        };
        if matches!(
            kind,
            ObsKind::Volume | ObsKind::Capacity | ObsKind::Queue | ObsKind::TrainCount
        ) && facility.is_none()
            && corridor.is_none()
            && origin.is_none()
            && !matches!(scope.as_str(), "network" | "border")
        {
            return Err(fields.error(
                "facility",
                format!(
                    "a {} needs a facility, a corridor, an origin and destination, or scope `network` or `border`",
                    kind.as_str()
                ),
            ));
        }
        // Percentages may be changes (a rate cut of −20 %); every other value is a level.
        let read = |field: &str| {
            if unit == Unit::Percent {
                fields.number(field)
            } else {
                fields.non_negative(field)
            }
        };
        let value = read("value")?.ok_or_else(|| fields.error("value", "missing value"))?;
        let low = read("low")?;
        let high = read("high")?;
        if let Some(low) = low
            && low > value
        {
            return Err(fields.error("low", format!("{low} is above the value {value}")));
        }
        if let Some(high) = high
            && high < value
        {
            return Err(fields.error("high", format!("{high} is below the value {value}")));
        }
        // A share is at most the whole; other percentages (changes, ratios) may exceed it.
        if kind == ObsKind::Share && value > 100.0 {
            return Err(fields.error(
                "value",
                Fault::OutOfRange {
                    value: clip(fields.text("value")),
                    range: "[0, 100]",
                },
            ));
        }
        let sources = fields.sources("source", "value", true, &resolve)?;
        let definition = fields.required_text("definition")?.to_string();
        seen.insert(id.to_string(), fields.line());
        rows.push(Observation {
            id: id.to_string(),
            kind,
            year,
            period: fields.text("period").to_string(),
            origin,
            destination,
            facility,
            corridor,
            direction,
            service,
            scope,
            unit,
            value,
            low,
            high,
            sources,
            definition,
            note: fields.text("note").to_string(),
            nature,
            flows,
            line: fields.line(),
        });
    }
    Ok(Observations { rows, sources })
}

#[cfg(test)]
mod tests;
