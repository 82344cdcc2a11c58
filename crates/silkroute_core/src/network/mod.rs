//! The freight network: nodes (places), links (rail, sea, ferry and road connections), the
//! handling that happens at nodes, emission factors, corridors and the sources of every number.
//!
//! A [`Network`] is built once by [`NetworkBuilder::build`] and is immutable afterwards; queries
//! that depend on a year or on things to avoid compile a [`crate::route::Scope`] from it instead
//! of editing it, and a scenario ([`crate::scenario`]) builds a new network from it
//! ([`NetworkBuilder::from_network`]). External string ids (`dostyk`, `dm_second_track`) stay on the values for
//! display; everything inside the library refers to nodes and links by [`NodeId`] and [`LinkId`].

mod builder;
mod calibration;
pub(crate) mod folder;
mod freight;
mod place;
mod prices;
mod service;
pub(crate) mod years;

pub use builder::{BuildError, NetworkBuilder};
pub use calibration::{Calibration, Factor, FactorKey};
use folder::is_source_key;
pub use folder::{
    MAX_PROBLEMS, NetworkFiles, default_files, load_default, load_dir, load_files, validate_files,
};
pub(crate) use folder::{is_id, parse_sources};
pub use freight::{
    Demand, DemandYear, FreightClass, FreightClassId, FreightData, FreightDataError, Market,
    MarketYear, TonnageRow, Zone, ZoneId, interpolate_by_year,
};
pub use place::{PlaceError, PlaceMatch, is_lat_lon, normalize_place_name, parse_lat_lon};
pub use prices::{PriceItem, PriceRow, Prices};
pub use service::{
    DAYS_PER_MONTH, Dispatch, LoadUnit, MAX_CLOSED_DAYS, MAX_SAILINGS_PER_WEEK, Months,
    RailService, Sailing, ServiceData, ServiceDwell, ServiceId, ServiceSpeed, SpeedOn, line_wait_h,
    sailings_used,
};

use std::fmt;

/// Dense index of a node in [`Network::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// Dense index of a link in [`Network::links`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkId(pub u32);

/// Dense index of a directed traversal of a link in [`Network::arcs`]. A two-way link has two
/// arcs, a one-way link one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArcId(pub u32);

/// Dense index of a source in [`Network::sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// Dense index of a corridor in [`Network::corridors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CorridorId(pub u32);

/// Dense index of a handling row in [`Network::handlings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HandlingId(pub u32);

dense_id!(
    NodeId,
    LinkId,
    ArcId,
    SourceId,
    CorridorId,
    HandlingId,
    ZoneId,
    FreightClassId,
);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0)
    }
}

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link {}", self.0)
    }
}

/// A value that breaks a rule of the data, and the field it is in. The loader adds the file and
/// line; a scenario edit adds the edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    /// The field (`opening_year`, `closing_year`, `status`, `title`, ...).
    pub field: &'static str,
    /// What is wrong.
    pub reason: String,
}

impl InvalidField {
    fn new(field: &'static str, reason: String) -> InvalidField {
        InvalidField { field, reason }
    }
}

/// An ISO 3166-1 alpha-2 country code (`XZ` for international waters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Parses two ASCII upper-case letters.
    pub fn parse(code: &str) -> Option<Country> {
        let bytes = code.as_bytes();
        if bytes.len() == 2 && bytes.iter().all(u8::is_ascii_uppercase) {
            Some(Country([bytes[0], bytes[1]]))
        } else {
            None
        }
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a Country holds two ASCII letters")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a link is travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Railway; the link has a gauge.
    Rail,
    /// Deep-sea or short-sea container shipping.
    Sea,
    /// Rail or ro-ro ferry (Caspian, Black Sea).
    Ferry,
    /// Truck.
    Road,
}

impl Mode {
    /// All modes, in display order.
    pub const ALL: [Mode; 4] = [Mode::Rail, Mode::Sea, Mode::Ferry, Mode::Road];

    /// Ships and ferries.
    pub fn is_water(self) -> bool {
        matches!(self, Mode::Sea | Mode::Ferry)
    }

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Rail => "rail",
            Mode::Sea => "sea",
            Mode::Ferry => "ferry",
            Mode::Road => "road",
        }
    }

    /// Parses the name used in files.
    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|mode| mode.as_str() == text)
    }
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// A sea or lake port.
    Seaport,
    /// An inland container terminal or dry port.
    DryPort,
    /// A border station.
    BorderCrossing,
    /// A railway junction or marshalling yard.
    Junction,
    /// A city with a rail terminal.
    CityTerminal,
    /// A canal, strait, cape or open-sea waypoint.
    SeaPassage,
}

impl NodeKind {
    /// All kinds, in display order.
    pub const ALL: [NodeKind; 6] = [
        NodeKind::Seaport,
        NodeKind::DryPort,
        NodeKind::BorderCrossing,
        NodeKind::Junction,
        NodeKind::CityTerminal,
        NodeKind::SeaPassage,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Seaport => "seaport",
            NodeKind::DryPort => "dry_port",
            NodeKind::BorderCrossing => "border_crossing",
            NodeKind::Junction => "junction",
            NodeKind::CityTerminal => "city_terminal",
            NodeKind::SeaPassage => "sea_passage",
        }
    }

    /// Parses the name used in files.
    pub fn parse(text: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The energy carrier of a link's traction, which selects its emission factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Energy {
    /// Electric traction.
    Electric,
    /// Diesel traction or trucks.
    Diesel,
    /// Heavy or very-low-sulphur fuel oil (deep-sea ships).
    MarineFuelOil,
    /// Marine diesel or gas oil (ferries, feeders).
    MarineDiesel,
}

impl Energy {
    /// All energies, in display order.
    pub const ALL: [Energy; 4] = [
        Energy::Electric,
        Energy::Diesel,
        Energy::MarineFuelOil,
        Energy::MarineDiesel,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Energy::Electric => "electric",
            Energy::Diesel => "diesel",
            Energy::MarineFuelOil => "marine_fuel_oil",
            Energy::MarineDiesel => "marine_diesel",
        }
    }

    /// Parses the name used in files.
    pub fn parse(text: &str) -> Option<Energy> {
        Energy::ALL
            .into_iter()
            .find(|energy| energy.as_str() == text)
    }
}

/// The state of a link or facility as of the dataset's reference year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// In use.
    Operational,
    /// Being built; opens in its opening year.
    UnderConstruction,
    /// Decided or proposed, not yet being built.
    Planned,
    /// No longer in use.
    Closed,
}

impl Status {
    /// All statuses, in display order.
    pub const ALL: [Status; 4] = [
        Status::Operational,
        Status::UnderConstruction,
        Status::Planned,
        Status::Closed,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Operational => "operational",
            Status::UnderConstruction => "under_construction",
            Status::Planned => "planned",
            Status::Closed => "closed",
        }
    }

    /// Parses the name used in files.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// When a link or facility exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// State as of the dataset's reference year.
    pub status: Status,
    /// Year it opens or opened.
    pub opening_year: Option<i32>,
    /// First year it is no longer in use.
    pub closing_year: Option<i32>,
}

impl Validity {
    /// Always in use.
    pub const ALWAYS: Validity = Validity {
        status: Status::Operational,
        opening_year: None,
        closing_year: None,
    };

    /// Whether it is in use in `year` (see docs/formats.md, "Years").
    pub fn is_active_in(&self, year: i32) -> bool {
        let opened = match self.opening_year {
            Some(opening) => opening <= year,
            // A closed row without an opening year was in use until it closed.
            None => matches!(self.status, Status::Operational | Status::Closed),
        };
        let not_closed = self.closing_year.is_none_or(|closing| year < closing);
        opened && not_closed
    }

    /// Whether two validities share a year in which both are in use (a planned or
    /// under-construction row without an opening year is in use in none).
    pub fn overlaps(&self, other: &Validity) -> bool {
        let start = |v: &Validity| match v.opening_year {
            Some(year) => year,
            None if matches!(v.status, Status::Operational | Status::Closed) => i32::MIN,
            None => i32::MAX,
        };
        let end = |v: &Validity| v.closing_year.unwrap_or(i32::MAX);
        start(self).max(start(other)) < end(self).min(end(other))
    }

    /// Checks the rules of docs/formats.md, "Years": years between 1800 and 2200, the closing
    /// year after the opening year, and a status that agrees with the years as of the
    /// dataset's `reference_year`.
    ///
    /// # Errors
    /// The first rule broken, naming the field to change.
    pub fn check(&self, reference_year: i32) -> Result<(), InvalidField> {
        for (field, year) in [
            ("opening_year", self.opening_year),
            ("closing_year", self.closing_year),
        ] {
            if let Some(year) = year.filter(|year| !(1800..=2200).contains(year)) {
                return Err(InvalidField::new(
                    field,
                    format!("{year} is not a year between 1800 and 2200"),
                ));
            }
        }
        if let (Some(open), Some(close)) = (self.opening_year, self.closing_year)
            && close <= open
        {
            return Err(InvalidField::new(
                "closing_year",
                format!("{close} is not after the opening year {open}"),
            ));
        }
        match self.status {
            Status::Operational => {
                if let Some(open) = self.opening_year.filter(|&y| y > reference_year) {
                    return Err(InvalidField::new(
                        "opening_year",
                        format!(
                            "status is operational but the opening year {open} is after the reference year {reference_year} (use under_construction or planned)"
                        ),
                    ));
                }
                if let Some(close) = self.closing_year.filter(|&y| y <= reference_year) {
                    return Err(InvalidField::new(
                        "status",
                        format!(
                            "status is operational but the closing year {close} is not after the reference year {reference_year} (use closed)"
                        ),
                    ));
                }
            }
            Status::UnderConstruction | Status::Planned => {
                if let Some(open) = self.opening_year.filter(|&y| y <= reference_year) {
                    return Err(InvalidField::new(
                        "opening_year",
                        format!(
                            "status is {} but the opening year {open} is not after the reference year {reference_year}",
                            self.status.as_str()
                        ),
                    ));
                }
            }
            Status::Closed => match self.closing_year {
                Some(close) if close <= reference_year => {}
                _ => {
                    return Err(InvalidField::new(
                        "closing_year",
                        format!(
                            "status is closed, so a closing year no later than the reference year {reference_year} is required"
                        ),
                    ));
                }
            },
        }
        Ok(())
    }
}

/// A place.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// External id from the data files (`dostyk`).
    pub key: String,
    /// Display name with diacritics.
    pub name: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Country,
    /// Latitude, degrees WGS84.
    pub lat: f64,
    /// Longitude, degrees WGS84.
    pub lon: f64,
    /// Sources of the coordinate.
    pub coord_sources: Vec<SourceId>,
    /// What the place is.
    pub kind: NodeKind,
    /// Rail gauges present, in millimetres.
    pub gauges_mm: Vec<u16>,
    /// Free text.
    pub note: String,
}

/// How long it takes to run a link, not counting the wait for a departure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Running {
    /// Average commercial speed, km/h.
    SpeedKmh(f64),
    /// End-to-end running time, hours.
    Hours(f64),
}

/// Whether a link can be used both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Only from `from` to `to`.
    Forward,
}

/// A connection between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// External id from the data files.
    pub key: String,
    /// Start node.
    pub from: NodeId,
    /// End node.
    pub to: NodeId,
    /// How it is travelled.
    pub mode: Mode,
    /// Track gauge of a rail link, millimetres.
    pub gauge_mm: Option<u16>,
    /// Length, km.
    pub length_km: f64,
    /// Sources of the length.
    pub length_sources: Vec<SourceId>,
    /// Running speed or time.
    pub running: Running,
    /// Sources of the running speed or time.
    pub time_sources: Vec<SourceId>,
    /// Mean wait for a departure, hours.
    pub wait_h: f64,
    /// Sources of the wait.
    pub wait_sources: Vec<SourceId>,
    /// Capacity per direction, trains per day.
    pub capacity_trains_per_day: Option<f64>,
    /// Capacity per direction, TEU per year.
    pub capacity_teu_per_year: Option<f64>,
    /// Sources of the capacities.
    pub capacity_sources: Vec<SourceId>,
    /// Tariff per FEU charged once per use, USD.
    pub tariff_fixed_usd: f64,
    /// Tariff per FEU-km, USD.
    pub tariff_per_km_usd: f64,
    /// Sources of the tariff.
    pub tariff_sources: Vec<SourceId>,
    /// Traction energy.
    pub energy: Energy,
    /// When the link exists.
    pub validity: Validity,
    /// Sources of the status and years.
    pub status_sources: Vec<SourceId>,
    /// Whether it can be used both ways.
    pub direction: Direction,
    /// Corridors the link belongs to (empty means `regional`).
    pub corridors: Vec<CorridorId>,
    /// Display name (may be empty).
    pub name: String,
    /// Free text.
    pub note: String,
    /// Sailings of a water link by season and year (`sailings.csv`); when a row holds, the
    /// wait for a departure follows from it instead of `wait_h`.
    pub sailings: Vec<Sailing>,
}

impl Link {
    /// Running time in hours, without the wait for a departure.
    pub fn running_hours(&self) -> f64 {
        match self.running {
            Running::SpeedKmh(speed_kmh) => self.length_km / speed_kmh,
            Running::Hours(hours) => hours,
        }
    }

    /// Tariff per FEU for using the whole link, USD.
    pub fn tariff_usd(&self) -> f64 {
        self.tariff_fixed_usd + self.tariff_per_km_usd * self.length_km
    }
}

/// What happens to a container at a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandlingKind {
    /// Transshipment or bogie exchange between rail gauges.
    GaugeChange,
    /// Customs and border formalities on a land crossing.
    Border,
    /// Loading or unloading a vessel.
    Port,
    /// Lifting between rail and road, or on/off a train at the origin or destination.
    Terminal,
}

impl HandlingKind {
    /// All kinds, in the order they are reported.
    pub const ALL: [HandlingKind; 4] = [
        HandlingKind::GaugeChange,
        HandlingKind::Border,
        HandlingKind::Port,
        HandlingKind::Terminal,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            HandlingKind::GaugeChange => "gauge_change",
            HandlingKind::Border => "border",
            HandlingKind::Port => "port",
            HandlingKind::Terminal => "terminal",
        }
    }

    /// Parses the name used in files.
    pub fn parse(text: &str) -> Option<HandlingKind> {
        HandlingKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }

    /// Position in [`HandlingKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A handling facility at a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Handling {
    /// Where it is.
    pub node: NodeId,
    /// What it does.
    pub kind: HandlingKind,
    /// Mean time per container including dwell, hours.
    pub hours: f64,
    /// Sources of the time.
    pub hours_sources: Vec<SourceId>,
    /// Cost per FEU, USD.
    pub cost_usd: f64,
    /// Sources of the cost.
    pub cost_sources: Vec<SourceId>,
    /// Throughput, TEU per day.
    pub capacity_teu_per_day: Option<f64>,
    /// Sources of the throughput.
    pub capacity_sources: Vec<SourceId>,
    /// When it exists.
    pub validity: Validity,
    /// Sources of the status and years.
    pub status_sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

/// The drawn line of a link, taken from a geographic network.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkShape {
    /// `(lat, lon)` points from the link's `from` node to its `to` node.
    pub points: Vec<(f64, f64)>,
    /// Length of the line on the geographic network, km.
    pub network_km: f64,
    /// Sources of the line and its length.
    pub sources: Vec<SourceId>,
}

/// A CO2e intensity factor.
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionFactor {
    /// Mode it applies to.
    pub mode: Mode,
    /// Energy it applies to.
    pub energy: Energy,
    /// Well-to-wheel kg CO2e per tonne of cargo and km.
    pub kg_co2e_per_tkm: f64,
    /// Sources of the factor.
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

/// A named group of links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corridor {
    /// Canonical id (`northern`, `middle`, `southern`, `sea_suez`, `sea_cape`, ...).
    pub key: String,
    /// Display name.
    pub name: String,
}

/// How a number in the dataset was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// Published by the cited source.
    Published,
    /// Arithmetic on published numbers.
    Derived,
    /// Nothing published; an estimate whose method is stated.
    Estimate,
}

impl SourceKind {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Published => "published",
            SourceKind::Derived => "derived",
            SourceKind::Estimate => "estimate",
        }
    }
}

/// Where numbers come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Id used in the data files.
    pub key: String,
    /// Title or short description.
    pub title: String,
    /// Address, if any.
    pub url: String,
    /// Year of the value or publication.
    pub year: Option<i32>,
    /// H, M or L.
    pub confidence: String,
    /// Published, derived or estimate.
    pub kind: SourceKind,
    /// How a derived or estimated value was obtained.
    pub method: String,
}

impl Source {
    /// Checks the rules of `SOURCES.toml`: an id of upper-case letters, digits and `_`, a
    /// title, a confidence of H, M or L (or none), and a method for a derived value or an
    /// estimate.
    ///
    /// # Errors
    /// The first rule broken, naming the field (`id`, `title`, `confidence`, `method`).
    pub fn check(&self) -> Result<(), InvalidField> {
        if !is_source_key(&self.key) {
            return Err(InvalidField::new(
                "id",
                format!(
                    "`{}` must use only upper-case letters, digits and `_`",
                    self.key
                ),
            ));
        }
        if self.kind != SourceKind::Published && self.method.trim().is_empty() {
            return Err(InvalidField::new(
                "method",
                format!(
                    "source `{}` is {}, so `method` must say how the value was obtained",
                    self.key,
                    self.kind.as_str()
                ),
            ));
        }
        if !matches!(self.confidence.as_str(), "" | "H" | "M" | "L") {
            return Err(InvalidField::new(
                "confidence",
                format!("`{}` is not one of H, M, L", self.confidence),
            ));
        }
        if self.title.trim().is_empty() {
            return Err(InvalidField::new("title", "missing value".to_string()));
        }
        Ok(())
    }
}

/// Dataset-wide settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetInfo {
    /// Display name.
    pub name: String,
    /// The year the network describes when no year is asked for.
    pub reference_year: i32,
    /// Price level of the USD figures.
    pub tariff_year: i32,
    /// Cargo tonnes per FEU, for emissions.
    pub payload_t: f64,
    /// Sources of the payload.
    pub payload_sources: Vec<SourceId>,
    /// USD per FEU-day, for the generalized cost.
    pub value_of_time_usd_per_day: f64,
    /// Sources of the value of time.
    pub value_of_time_sources: Vec<SourceId>,
    /// Default origin of `silkroute route`.
    pub default_from: String,
    /// Default destination of `silkroute route`.
    pub default_to: String,
}

/// One directed traversal of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// The link traversed.
    pub link: LinkId,
    /// Node the arc leaves.
    pub tail: NodeId,
    /// Node the arc enters.
    pub head: NodeId,
    /// Whether it runs from the link's `from` to its `to`.
    pub forward: bool,
}

/// An immutable freight network. Build it with [`NetworkBuilder`] or load it with
/// [`load_dir`]. Two networks are equal when every value, id, arc, adjacency list, shape and
/// freight row is.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub(crate) info: DatasetInfo,
    pub(crate) nodes: Vec<Node>,
    pub(crate) links: Vec<Link>,
    pub(crate) handlings: Vec<Handling>,
    pub(crate) emission_factors: Vec<EmissionFactor>,
    pub(crate) corridors: Vec<Corridor>,
    pub(crate) sources: Vec<Source>,
    pub(crate) arcs: Vec<Arc>,
    /// Arcs leaving node `n` are `out_arcs[out_start[n]..out_start[n + 1]]`.
    pub(crate) out_start: Vec<u32>,
    pub(crate) out_arcs: Vec<ArcId>,
    /// Emission factor of each link, by link index.
    pub(crate) link_factor: Vec<usize>,
    /// Handling rows of each node, by node index.
    pub(crate) node_handlings: Vec<Vec<HandlingId>>,
    /// Drawn line of each link, by link index.
    pub(crate) link_shapes: Vec<Option<LinkShape>>,
    pub(crate) place_index: place::PlaceIndex,
    pub(crate) freight: FreightData,
    pub(crate) services: ServiceData,
    pub(crate) calibration: Calibration,
    pub(crate) prices: Prices,
}

impl Network {
    /// Dataset-wide settings.
    pub fn info(&self) -> &DatasetInfo {
        &self.info
    }

    /// All nodes; `NodeId(i)` is `nodes()[i]`.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// All links; `LinkId(i)` is `links()[i]`.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// All handling rows.
    pub fn handlings(&self) -> &[Handling] {
        &self.handlings
    }

    /// All emission factors.
    pub fn emission_factors(&self) -> &[EmissionFactor] {
        &self.emission_factors
    }

    /// All corridors.
    pub fn corridors(&self) -> &[Corridor] {
        &self.corridors
    }

    /// All sources.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// All arcs.
    pub fn arcs(&self) -> &[Arc] {
        &self.arcs
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The link with this id.
    pub fn link(&self, id: LinkId) -> &Link {
        &self.links[id.index()]
    }

    /// The arc with this id.
    pub fn arc(&self, id: ArcId) -> &Arc {
        &self.arcs[id.index()]
    }

    /// The handling row with this id.
    pub fn handling(&self, id: HandlingId) -> &Handling {
        &self.handlings[id.index()]
    }

    /// The source with this id.
    pub fn source(&self, id: SourceId) -> &Source {
        &self.sources[id.index()]
    }

    /// The corridor with this id.
    pub fn corridor(&self, id: CorridorId) -> &Corridor {
        &self.corridors[id.index()]
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.links.len()
    }

    /// Arcs leaving a node.
    pub fn out_arcs(&self, node: NodeId) -> &[ArcId] {
        let start = self.out_start[node.index()] as usize;
        let end = self.out_start[node.index() + 1] as usize;
        &self.out_arcs[start..end]
    }

    /// Handling rows at a node (of every kind and year).
    pub fn handlings_at(&self, node: NodeId) -> &[HandlingId] {
        &self.node_handlings[node.index()]
    }

    /// The calibrated factors (none: every factor is 1).
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The price regimes by year (none: the tariff year's prices, no risk premium).
    pub fn prices(&self) -> &Prices {
        &self.prices
    }

    /// The same network with other calibrated factors (what `calibrate` tries). The factors
    /// must cite sources of this network.
    pub fn with_calibration(&self, calibration: Calibration) -> Network {
        let mut network = self.clone();
        network.calibration = calibration;
        network
    }

    /// The same network with other freight data (what `calibrate` fits). The data must cite
    /// sources of this network and name its nodes ([`FreightData::check`]).
    pub fn with_freight(&self, freight: FreightData) -> Network {
        let mut network = self.clone();
        network.freight = freight;
        network
    }

    /// Rail service classes (empty when the dataset has none).
    pub fn services(&self) -> &ServiceData {
        &self.services
    }

    /// Freight demand: zones, classes and origin–destination volumes (empty when the dataset
    /// has none).
    pub fn freight(&self) -> &FreightData {
        &self.freight
    }

    /// The drawn line of a link, when the data has one.
    pub fn link_shape(&self, link: LinkId) -> Option<&LinkShape> {
        self.link_shapes[link.index()].as_ref()
    }

    /// The emission factor of a link.
    pub fn emission_factor_of(&self, link: LinkId) -> &EmissionFactor {
        &self.emission_factors[self.link_factor[link.index()]]
    }

    /// Looks a node up by its external id.
    pub fn node_by_key(&self, key: &str) -> Option<NodeId> {
        self.place_index.by_key(key)
    }

    /// Looks a link up by its external id.
    pub fn link_by_key(&self, key: &str) -> Option<LinkId> {
        self.links
            .iter()
            .position(|link| link.key == key)
            .map(LinkId::from_index)
    }

    /// Looks a corridor up by its id.
    pub fn corridor_by_key(&self, key: &str) -> Option<CorridorId> {
        self.corridors
            .iter()
            .position(|corridor| corridor.key == key)
            .map(CorridorId::from_index)
    }

    /// Looks a source up by its id.
    pub fn source_by_key(&self, key: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .position(|source| source.key == key)
            .map(SourceId::from_index)
    }

    /// Whether a link crosses a border: a land link whose ends lie in different countries.
    pub fn crosses_border(&self, link: LinkId) -> bool {
        let link = self.link(link);
        !link.mode.is_water() && self.node(link.from).country != self.node(link.to).country
    }

    /// Great-circle distance between two nodes, km.
    pub fn great_circle_km(&self, a: NodeId, b: NodeId) -> f64 {
        let (a, b) = (self.node(a), self.node(b));
        haversine_km(a.lat, a.lon, b.lat, b.lon)
    }
}

/// Great-circle distance on a sphere of radius 6,371 km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_follows_years() {
        let second_track = Validity {
            status: Status::Operational,
            opening_year: Some(2025),
            closing_year: None,
        };
        assert!(!second_track.is_active_in(2024));
        assert!(second_track.is_active_in(2025));
        let single_track = Validity {
            status: Status::Closed,
            opening_year: None,
            closing_year: Some(2025),
        };
        assert!(!single_track.is_active_in(2025));
        assert!(single_track.is_active_in(2024));
        let old = Validity {
            status: Status::Closed,
            opening_year: Some(1959),
            closing_year: Some(2025),
        };
        assert!(old.is_active_in(2024));
        let planned = Validity {
            status: Status::Planned,
            opening_year: None,
            closing_year: None,
        };
        assert!(!planned.is_active_in(3000));
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // Almaty to Astana is about 970 km as the crow flies.
        let km = haversine_km(43.26, 76.93, 51.17, 71.43);
        assert!((km - 970.0).abs() < 15.0, "{km}");
    }

    #[test]
    fn country_codes_are_two_upper_case_letters() {
        assert_eq!(
            Country::parse("KZ").map(|c| c.to_string()),
            Some("KZ".into())
        );
        assert_eq!(Country::parse("kz"), None);
        assert_eq!(Country::parse("KAZ"), None);
    }
}
