//! The closed set of edits, their values keyed by stable string ids, their errors, and how
//! each is applied to a [`NetworkBuilder`] (giving the edits that undo it).

use crate::network::{
    BuildError, Corridor, Country, Direction, Energy, Handling, HandlingId, HandlingKind,
    InvalidField, Link, LinkId, LinkShape, Mode, Network, NetworkBuilder, Node, NodeId, NodeKind,
    Running, Sailing, Source, SourceId, Validity, is_id, normalize_place_name,
};
use std::fmt;

/// A handling row named by stable ids: the node's id, the kind, and the row's opening year
/// (`None` for a row without one). A node has at most one row of a kind in use in any year,
/// so the opening year tells apart the rows of one kind at one node (Altynkol's gauge change
/// before and after its 2025 upgrade). Written `dostyk:gauge_change` or
/// `altynkol:gauge_change:2025`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandlingKey {
    /// Node id (`dostyk`).
    pub node: String,
    /// What the row does.
    pub kind: HandlingKind,
    /// The row's opening year; `None` names the row that has none.
    pub opening_year: Option<i32>,
}

impl HandlingKey {
    /// The row of `kind` at `node` without an opening year (most rows).
    pub fn new(node: impl Into<String>, kind: HandlingKind) -> HandlingKey {
        HandlingKey {
            node: node.into(),
            kind,
            opening_year: None,
        }
    }

    /// The row of `kind` at `node` that opens in `year`.
    pub fn opening_in(node: impl Into<String>, kind: HandlingKind, year: i32) -> HandlingKey {
        HandlingKey {
            node: node.into(),
            kind,
            opening_year: Some(year),
        }
    }

    /// The key of a handling row of a network.
    pub fn of(network: &Network, id: HandlingId) -> HandlingKey {
        key_of_row(network.nodes(), network.handling(id))
    }
}

impl fmt::Display for HandlingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.node, self.kind.as_str())?;
        if let Some(year) = self.opening_year {
            write!(f, ":{year}")?;
        }
        Ok(())
    }
}

fn key_of_row(nodes: &[Node], row: &Handling) -> HandlingKey {
    HandlingKey {
        node: nodes[row.node.index()].key.clone(),
        kind: row.kind,
        opening_year: row.validity.opening_year,
    }
}

/// A node to add, with source ids instead of [`SourceId`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// New id (lower-case letters, digits and `_`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Other spellings (none empty or with a `|`).
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Country,
    /// Latitude, degrees WGS84, in [-90, 90].
    pub lat: f64,
    /// Longitude, degrees WGS84, in [-180, 180].
    pub lon: f64,
    /// Source ids of the coordinate (at least one).
    pub coord_sources: Vec<String>,
    /// What the place is.
    pub kind: NodeKind,
    /// Rail gauges present, millimetres (500–2000).
    pub gauges_mm: Vec<u16>,
    /// Free text.
    pub note: String,
}

impl NodeSpec {
    /// The spec of a node of a network (adding it to a network without it gives it back).
    pub fn of(network: &Network, id: NodeId) -> NodeSpec {
        node_spec(network.sources(), network.node(id))
    }
}

fn node_spec(sources: &[Source], node: &Node) -> NodeSpec {
    NodeSpec {
        key: node.key.clone(),
        name: node.name.clone(),
        aliases: node.aliases.clone(),
        country: node.country,
        lat: node.lat,
        lon: node.lon,
        coord_sources: source_keys(sources, &node.coord_sources),
        kind: node.kind,
        gauges_mm: node.gauges_mm.clone(),
        note: node.note.clone(),
    }
}

/// The drawn line of a link to add.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeSpec {
    /// `(lat, lon)` points from the link's `from` node to its `to` node (two or more).
    pub points: Vec<(f64, f64)>,
    /// Length of the line on the geographic network, km (≥ 0).
    pub network_km: f64,
    /// Source ids of the line (at least one).
    pub sources: Vec<String>,
}

/// A link to add, with node, corridor and source ids instead of typed ids. The rules are
/// those of `links.csv` (docs/formats.md): a number that is given needs a source.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    /// New id (lower-case letters, digits and `_`).
    pub key: String,
    /// Start node id.
    pub from: String,
    /// End node id.
    pub to: String,
    /// How it is travelled.
    pub mode: Mode,
    /// Track gauge of a rail link, mm (500–2000); `None` for other modes.
    pub gauge_mm: Option<u16>,
    /// Length, km (> 0).
    pub length_km: f64,
    /// Source ids of the length.
    pub length_sources: Vec<String>,
    /// Running speed or time (> 0).
    pub running: Running,
    /// Source ids of the running speed or time.
    pub time_sources: Vec<String>,
    /// Mean wait for a departure, hours (≥ 0; 0 = none, which needs no source).
    pub wait_h: f64,
    /// Source ids of the wait.
    pub wait_sources: Vec<String>,
    /// Capacity per direction, trains per day (≥ 0).
    pub capacity_trains_per_day: Option<f64>,
    /// Capacity per direction, TEU per year (≥ 0).
    pub capacity_teu_per_year: Option<f64>,
    /// Source ids of the capacities.
    pub capacity_sources: Vec<String>,
    /// Tariff per FEU charged once per use, USD (≥ 0).
    pub tariff_fixed_usd: f64,
    /// Tariff per FEU-km, USD (≥ 0).
    pub tariff_per_km_usd: f64,
    /// Source ids of the tariff.
    pub tariff_sources: Vec<String>,
    /// Traction energy (the network needs an emission factor for the mode and energy).
    pub energy: Energy,
    /// When the link exists.
    pub validity: Validity,
    /// Source ids of the status and years (needed when a year is given).
    pub status_sources: Vec<String>,
    /// Whether it can be used both ways.
    pub direction: Direction,
    /// Corridor ids (`regional` or none: no corridor).
    pub corridors: Vec<String>,
    /// Display name (may be empty).
    pub name: String,
    /// Free text.
    pub note: String,
    /// The drawn line, if any.
    pub shape: Option<ShapeSpec>,
    /// Sailings of a sea or ferry link (`sailings.csv`), if any.
    pub sailings: Vec<SailingSpec>,
}

/// The sailings of a water link in some months and years, with source ids instead of typed
/// ids. The rules are those of `sailings.csv` (docs/formats.md).
#[derive(Debug, Clone, PartialEq)]
pub struct SailingSpec {
    /// The values; their source lists are ignored (the `*_sources` fields below hold them).
    pub row: Sailing,
    /// Source ids of the sailings per week.
    pub sailings_sources: Vec<String>,
    /// Source ids of the capacity.
    pub capacity_sources: Vec<String>,
    /// Source ids of the dispatch rule.
    pub dispatch_sources: Vec<String>,
    /// Source ids of the load.
    pub load_sources: Vec<String>,
    /// Source ids of the weather closures.
    pub weather_sources: Vec<String>,
}

impl LinkSpec {
    /// The spec of a link of a network, with its drawn line (adding it to a network without
    /// it gives it back).
    pub fn of(network: &Network, id: LinkId) -> LinkSpec {
        link_spec(
            network.nodes(),
            network.sources(),
            network.corridors(),
            network.link(id),
            network.link_shape(id),
        )
    }
}

fn link_spec(
    nodes: &[Node],
    sources: &[Source],
    corridors: &[Corridor],
    link: &Link,
    shape: Option<&LinkShape>,
) -> LinkSpec {
    let keys = |ids: &[SourceId]| source_keys(sources, ids);
    LinkSpec {
        key: link.key.clone(),
        from: nodes[link.from.index()].key.clone(),
        to: nodes[link.to.index()].key.clone(),
        mode: link.mode,
        gauge_mm: link.gauge_mm,
        length_km: link.length_km,
        length_sources: keys(&link.length_sources),
        running: link.running,
        time_sources: keys(&link.time_sources),
        wait_h: link.wait_h,
        wait_sources: keys(&link.wait_sources),
        capacity_trains_per_day: link.capacity_trains_per_day,
        capacity_teu_per_year: link.capacity_teu_per_year,
        capacity_sources: keys(&link.capacity_sources),
        tariff_fixed_usd: link.tariff_fixed_usd,
        tariff_per_km_usd: link.tariff_per_km_usd,
        tariff_sources: keys(&link.tariff_sources),
        energy: link.energy,
        validity: link.validity,
        status_sources: keys(&link.status_sources),
        direction: link.direction,
        corridors: link
            .corridors
            .iter()
            .map(|c| corridors[c.index()].key.clone())
            .collect(),
        name: link.name.clone(),
        note: link.note.clone(),
        shape: shape.map(|shape| ShapeSpec {
            points: shape.points.clone(),
            network_km: shape.network_km,
            sources: keys(&shape.sources),
        }),
        sailings: sailing_specs(sources, &link.sailings),
    }
}

/// Sailing rows with source ids instead of typed ids.
fn sailing_specs(sources: &[Source], rows: &[Sailing]) -> Vec<SailingSpec> {
    let keys = |ids: &[SourceId]| source_keys(sources, ids);
    rows.iter()
        .map(|row| SailingSpec {
            row: row.clone(),
            sailings_sources: keys(&row.sailings_sources),
            capacity_sources: keys(&row.capacity_sources),
            dispatch_sources: keys(&row.dispatch_sources),
            load_sources: keys(&row.load_sources),
            weather_sources: keys(&row.weather_sources),
        })
        .collect()
}

impl SailingSpec {
    /// The sailing rows of a link of `network`, with source ids.
    pub fn of(network: &Network, id: LinkId) -> Vec<SailingSpec> {
        sailing_specs(network.sources(), &network.link(id).sailings)
    }
}

/// A handling row to add, with node and source ids instead of typed ids. The rules are those
/// of `handling.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlingSpec {
    /// Node id.
    pub node: String,
    /// What it does (a `gauge_change` row needs two gauges at the node).
    pub kind: HandlingKind,
    /// Mean time per container including dwell, hours (≥ 0).
    pub hours: f64,
    /// Source ids of the time.
    pub hours_sources: Vec<String>,
    /// Cost per FEU, USD (≥ 0).
    pub cost_usd: f64,
    /// Source ids of the cost.
    pub cost_sources: Vec<String>,
    /// Throughput, TEU per day (≥ 0).
    pub capacity_teu_per_day: Option<f64>,
    /// Source ids of the throughput.
    pub capacity_sources: Vec<String>,
    /// When it exists (no other row of its kind at the node may be in use in the same
    /// years).
    pub validity: Validity,
    /// Source ids of the status and years (needed when a year is given).
    pub status_sources: Vec<String>,
    /// Free text.
    pub note: String,
}

impl HandlingSpec {
    /// The spec of a handling row of a network (adding it to a network without it gives it
    /// back).
    pub fn of(network: &Network, id: HandlingId) -> HandlingSpec {
        handling_spec(network.nodes(), network.sources(), network.handling(id))
    }
}

fn handling_spec(nodes: &[Node], sources: &[Source], row: &Handling) -> HandlingSpec {
    let keys = |ids: &[SourceId]| source_keys(sources, ids);
    HandlingSpec {
        node: nodes[row.node.index()].key.clone(),
        kind: row.kind,
        hours: row.hours,
        hours_sources: keys(&row.hours_sources),
        cost_usd: row.cost_usd,
        cost_sources: keys(&row.cost_sources),
        capacity_teu_per_day: row.capacity_teu_per_day,
        capacity_sources: keys(&row.capacity_sources),
        validity: row.validity,
        status_sources: keys(&row.status_sources),
        note: row.note.clone(),
    }
}

fn source_keys(sources: &[Source], ids: &[SourceId]) -> Vec<String> {
    ids.iter()
        .map(|id| sources[id.index()].key.clone())
        .collect()
}

/// One change to a network, keyed by the data's stable ids so that it applies to any network
/// that has them. A `set_*` edit gives the new state of its values (not an operation on the
/// old ones) and the source ids of the new numbers, which replace the old ones; every number
/// given needs at least one source id the network has ([`Edit::AddSource`] adds one). Values
/// are checked as the loader checks the files, and the result through [`NetworkBuilder`].
#[expect(
    clippy::large_enum_variant,
    reason = "edits are written by hand and kept in short lists; boxing the specs would only make them harder to write"
)]
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Adds a source, before the source `before` (or last).
    AddSource {
        /// The source (id of upper-case letters, digits and `_`; a title; a method unless
        /// published).
        source: Source,
        /// Id of the source it goes before; `None`: last.
        before: Option<String>,
    },
    /// Removes a source no value cites.
    RemoveSource {
        /// Source id.
        source: String,
    },
    /// Adds a node, before the node `before` (or last).
    AddNode {
        /// The node.
        node: NodeSpec,
        /// Id of the node it goes before; `None`: last.
        before: Option<String>,
    },
    /// Removes a node that no link, handling row, zone or default place uses (remove those
    /// first: nothing is removed in cascade).
    RemoveNode {
        /// Node id.
        node: String,
    },
    /// Adds a link, before the link `before` (or last).
    AddLink {
        /// The link.
        link: LinkSpec,
        /// Id of the link it goes before; `None`: last.
        before: Option<String>,
    },
    /// Removes a link (and its drawn line).
    RemoveLink {
        /// Link id.
        link: String,
    },
    /// Sets a link's capacities per direction (`None`: no such capacity).
    SetLinkCapacity {
        /// Link id.
        link: String,
        /// Trains per day (≥ 0).
        trains_per_day: Option<f64>,
        /// TEU per year (≥ 0).
        teu_per_year: Option<f64>,
        /// Source ids of the capacities (needed when one is given).
        sources: Vec<String>,
    },
    /// Sets a link's tariff.
    SetLinkTariff {
        /// Link id.
        link: String,
        /// USD per FEU charged once per use (≥ 0).
        fixed_usd: f64,
        /// USD per FEU-km (≥ 0).
        per_km_usd: f64,
        /// Source ids of the tariff.
        sources: Vec<String>,
    },
    /// Sets a link's running speed or running time.
    SetLinkRunning {
        /// Link id.
        link: String,
        /// Speed, km/h, or hours end to end (> 0).
        running: Running,
        /// Source ids of the speed or time.
        sources: Vec<String>,
    },
    /// Sets a link's mean wait for a departure.
    SetLinkWait {
        /// Link id.
        link: String,
        /// Hours (≥ 0; 0 = no wait, which needs no source).
        hours: f64,
        /// Source ids of the wait.
        sources: Vec<String>,
    },
    /// Sets when a link exists: opens or closes it by year.
    SetLinkValidity {
        /// Link id.
        link: String,
        /// Status and years (the rules of docs/formats.md, "Years").
        validity: Validity,
        /// Source ids of the status and years (needed when a year is given).
        sources: Vec<String>,
    },
    /// Replaces the sailing rows of a sea or ferry link (`sailings.csv`: frequency, capacity
    /// per sailing, dispatch, weather closures by month); an empty list leaves the link its
    /// own wait.
    SetSailings {
        /// Link id.
        link: String,
        /// The rows, with their source ids.
        sailings: Vec<SailingSpec>,
    },
    /// Multiplies both tariff figures of every link of a corridor (also those it shares with
    /// other corridors; `regional`: the links of no corridor) and adds the edit's sources to
    /// each link's tariff sources.
    ScaleCorridorTariffs {
        /// Corridor id, or `regional`.
        corridor: String,
        /// Factor (≥ 0; 0.8 = −20%).
        factor: f64,
        /// Source ids of the factor.
        sources: Vec<String>,
    },
    /// Adds a handling row, before the row `before` (or last).
    AddHandling {
        /// The row.
        handling: HandlingSpec,
        /// The row it goes before; `None`: last.
        before: Option<HandlingKey>,
    },
    /// Removes a handling row.
    RemoveHandling {
        /// The row.
        handling: HandlingKey,
    },
    /// Sets a handling row's throughput (`None`: unlimited).
    SetHandlingCapacity {
        /// The row.
        handling: HandlingKey,
        /// TEU per day (≥ 0).
        teu_per_day: Option<f64>,
        /// Source ids of the throughput (needed when one is given).
        sources: Vec<String>,
    },
    /// Sets a handling row's time per container.
    SetHandlingHours {
        /// The row.
        handling: HandlingKey,
        /// Hours including dwell (≥ 0).
        hours: f64,
        /// Source ids of the time.
        sources: Vec<String>,
    },
    /// Sets a handling row's cost per FEU.
    SetHandlingCost {
        /// The row.
        handling: HandlingKey,
        /// USD (≥ 0).
        cost_usd: f64,
        /// Source ids of the cost.
        sources: Vec<String>,
    },
    /// Sets when a handling row exists: opens or closes it by year (a new opening year
    /// changes the row's key).
    SetHandlingValidity {
        /// The row.
        handling: HandlingKey,
        /// Status and years.
        validity: Validity,
        /// Source ids of the status and years (needed when a year is given).
        sources: Vec<String>,
    },
}

impl Edit {
    /// The edit's name in messages (`set_link_tariff`).
    pub fn kind(&self) -> &'static str {
        match self {
            Edit::AddSource { .. } => "add_source",
            Edit::RemoveSource { .. } => "remove_source",
            Edit::AddNode { .. } => "add_node",
            Edit::RemoveNode { .. } => "remove_node",
            Edit::AddLink { .. } => "add_link",
            Edit::RemoveLink { .. } => "remove_link",
            Edit::SetLinkCapacity { .. } => "set_link_capacity",
            Edit::SetLinkTariff { .. } => "set_link_tariff",
            Edit::SetLinkRunning { .. } => "set_link_running",
            Edit::SetLinkWait { .. } => "set_link_wait",
            Edit::SetLinkValidity { .. } => "set_link_validity",
            Edit::SetSailings { .. } => "set_sailings",
            Edit::ScaleCorridorTariffs { .. } => "scale_corridor_tariffs",
            Edit::AddHandling { .. } => "add_handling",
            Edit::RemoveHandling { .. } => "remove_handling",
            Edit::SetHandlingCapacity { .. } => "set_handling_capacity",
            Edit::SetHandlingHours { .. } => "set_handling_hours",
            Edit::SetHandlingCost { .. } => "set_handling_cost",
            Edit::SetHandlingValidity { .. } => "set_handling_validity",
        }
    }

    /// The id of what the edit changes (`almaty_dostyk`, `dostyk:gauge_change`).
    pub fn target(&self) -> String {
        match self {
            Edit::AddSource { source, .. } => source.key.clone(),
            Edit::RemoveSource { source } => source.clone(),
            Edit::AddNode { node, .. } => node.key.clone(),
            Edit::RemoveNode { node } => node.clone(),
            Edit::AddLink { link, .. } => link.key.clone(),
            Edit::RemoveLink { link }
            | Edit::SetLinkCapacity { link, .. }
            | Edit::SetLinkTariff { link, .. }
            | Edit::SetLinkRunning { link, .. }
            | Edit::SetLinkWait { link, .. }
            | Edit::SetLinkValidity { link, .. }
            | Edit::SetSailings { link, .. } => link.clone(),
            Edit::ScaleCorridorTariffs { corridor, .. } => corridor.clone(),
            Edit::AddHandling { handling, .. } => HandlingKey {
                node: handling.node.clone(),
                kind: handling.kind,
                opening_year: handling.validity.opening_year,
            }
            .to_string(),
            Edit::RemoveHandling { handling }
            | Edit::SetHandlingCapacity { handling, .. }
            | Edit::SetHandlingHours { handling, .. }
            | Edit::SetHandlingCost { handling, .. }
            | Edit::SetHandlingValidity { handling, .. } => handling.to_string(),
        }
    }

    /// The label of this edit at position `index` of a list, for messages.
    pub fn label(&self, index: usize) -> EditLabel {
        EditLabel {
            index,
            kind: self.kind(),
            target: self.target(),
        }
    }

    /// The edits that undo this one on `before`: applying `[self]` and then them to `before`
    /// gives back a network equal to `before` (same values, ids and order). A `set_*` edit is
    /// undone by the same edit with the old values and sources, an `add_*` by a `remove_*`,
    /// a `remove_*` by an `add_*` at the same place (`before` the row that followed), a
    /// corridor scaling by one `set_link_tariff` per link it changed.
    ///
    /// # Errors
    /// The error of applying this edit to `before`.
    pub fn inverse(&self, before: &Network) -> Result<Vec<Edit>, EditError> {
        super::inverse(before, std::slice::from_ref(self))
    }
}

/// Which edit of a list: its position, kind and target. Shown as
/// `edit 3 (set_link_tariff almaty_dostyk)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditLabel {
    /// Position in the list, from 0.
    pub index: usize,
    /// [`Edit::kind`].
    pub kind: &'static str,
    /// [`Edit::target`].
    pub target: String,
}

impl fmt::Display for EditLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "edit {} ({} {})", self.index, self.kind, self.target)
    }
}

/// Why an edit cannot be applied. Every error names the edit ([`EditLabel`]) and the field of
/// the edit at fault, as a path into the edit (`fixed_usd`, `link.validity.opening_year`,
/// `handling.hours_sources`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// No node has this id.
    #[error("{edit}: {field}: unknown node `{key}`")]
    UnknownNode {
        /// The edit.
        edit: EditLabel,
        /// The field naming the node.
        field: String,
        /// The id given.
        key: String,
    },
    /// No link has this id.
    #[error("{edit}: {field}: unknown link `{key}`")]
    UnknownLink {
        /// The edit.
        edit: EditLabel,
        /// The field naming the link.
        field: String,
        /// The id given.
        key: String,
    },
    /// No handling row has this key (or several have it).
    #[error("{edit}: {field}: no single handling row `{key}` ({hint})")]
    UnknownHandling {
        /// The edit.
        edit: EditLabel,
        /// The field naming the row.
        field: String,
        /// The key given.
        key: String,
        /// The rows of that kind the node has.
        hint: String,
    },
    /// No corridor has this id.
    #[error("{edit}: {field}: unknown corridor `{key}` (corridors: {known})")]
    UnknownCorridor {
        /// The edit.
        edit: EditLabel,
        /// The field naming the corridor.
        field: String,
        /// The id given.
        key: String,
        /// The corridor ids of the network, and `regional`.
        known: String,
    },
    /// No source has this id.
    #[error(
        "{edit}: {field}: unknown source id `{key}` (not a source of the network; add it with an add_source edit first)"
    )]
    UnknownSource {
        /// The edit.
        edit: EditLabel,
        /// The field naming the source.
        field: String,
        /// The id given.
        key: String,
    },
    /// A number is given without a source.
    #[error("{edit}: {field}: `{value_field}` has a value but no source id")]
    MissingSource {
        /// The edit.
        edit: EditLabel,
        /// The source field left empty.
        field: String,
        /// The field with the number.
        value_field: String,
    },
    /// A value out of its range.
    #[error("{edit}: {field}: {value} is not {expected}")]
    InvalidValue {
        /// The edit.
        edit: EditLabel,
        /// The field.
        field: String,
        /// The value given.
        value: String,
        /// What the field takes.
        expected: &'static str,
    },
    /// Values that break a rule of the data together (status and years, two rows of one
    /// kind at a node in the same years, a gauge change at a node with one gauge).
    #[error("{edit}: {field}: {reason}")]
    Rule {
        /// The edit.
        edit: EditLabel,
        /// The field to change.
        field: String,
        /// The rule broken.
        reason: String,
    },
    /// The network the edit would make fails a check of [`NetworkBuilder`].
    #[error("{edit}: {field}: {source}")]
    Build {
        /// The edit.
        edit: EditLabel,
        /// The field at fault.
        field: String,
        /// The check failed (boxed: it is the largest error).
        source: Box<BuildError>,
    },
}

impl EditError {
    /// The edit at fault.
    pub fn edit(&self) -> &EditLabel {
        match self {
            EditError::UnknownNode { edit, .. }
            | EditError::UnknownLink { edit, .. }
            | EditError::UnknownHandling { edit, .. }
            | EditError::UnknownCorridor { edit, .. }
            | EditError::UnknownSource { edit, .. }
            | EditError::MissingSource { edit, .. }
            | EditError::InvalidValue { edit, .. }
            | EditError::Rule { edit, .. }
            | EditError::Build { edit, .. } => edit,
        }
    }

    /// The field of the edit at fault.
    pub fn field(&self) -> &str {
        match self {
            EditError::UnknownNode { field, .. }
            | EditError::UnknownLink { field, .. }
            | EditError::UnknownHandling { field, .. }
            | EditError::UnknownCorridor { field, .. }
            | EditError::UnknownSource { field, .. }
            | EditError::MissingSource { field, .. }
            | EditError::InvalidValue { field, .. }
            | EditError::Rule { field, .. }
            | EditError::Build { field, .. } => field,
        }
    }
}

/// A number as a message shows it: `-5`, `0.25`, `NaN`, `1e308`.
fn number(value: f64) -> String {
    if value.is_finite() && value != 0.0 && !(1e-6..1e16).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Makes the errors of one edit; fields are written as paths under `prefix`.
struct Cx<'a> {
    label: &'a EditLabel,
    prefix: &'static str,
}

impl Cx<'_> {
    fn at(&self, prefix: &'static str) -> Cx<'_> {
        Cx {
            label: self.label,
            prefix,
        }
    }

    fn field(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn invalid(&self, field: &str, value: impl fmt::Display, expected: &'static str) -> EditError {
        EditError::InvalidValue {
            edit: self.label.clone(),
            field: self.field(field),
            value: value.to_string(),
            expected,
        }
    }

    fn rule(&self, field: &str, reason: String) -> EditError {
        EditError::Rule {
            edit: self.label.clone(),
            field: self.field(field),
            reason,
        }
    }

    fn build(&self, field: &str, source: BuildError) -> EditError {
        EditError::Build {
            edit: self.label.clone(),
            field: self.field(field),
            source: Box::new(source),
        }
    }

    fn non_negative(&self, field: &str, value: f64) -> Result<f64, EditError> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(self.invalid(field, number(value), "a finite number ≥ 0"))
        }
    }

    fn positive(&self, field: &str, value: f64) -> Result<f64, EditError> {
        if value.is_finite() && value > 0.0 {
            Ok(value)
        } else {
            Err(self.invalid(field, number(value), "a finite number > 0"))
        }
    }

    fn optional_non_negative(&self, field: &str, value: Option<f64>) -> Result<(), EditError> {
        value.map_or(Ok(()), |value| self.non_negative(field, value).map(drop))
    }

    fn running(&self, field: &str, running: Running) -> Result<(), EditError> {
        match running {
            Running::SpeedKmh(speed) => self.positive(field, speed).map(drop),
            Running::Hours(hours) => self.positive(field, hours).map(drop),
        }
    }

    fn gauge(&self, field: &str, gauge_mm: u16) -> Result<(), EditError> {
        if (500..=2000).contains(&gauge_mm) {
            Ok(())
        } else {
            Err(self.invalid(field, gauge_mm, "a gauge in millimetres (500–2000)"))
        }
    }

    fn id(&self, field: &str, key: &str) -> Result<(), EditError> {
        if is_id(key) {
            Ok(())
        } else {
            Err(self.invalid(
                field,
                format!("`{key}`"),
                "an id of lower-case letters, digits and `_`",
            ))
        }
    }

    /// Resolves source ids; at least one when `value_field` has a value.
    fn sources(
        &self,
        builder: &NetworkBuilder,
        field: &str,
        keys: &[String],
        value_field: &str,
        has_value: bool,
    ) -> Result<Vec<SourceId>, EditError> {
        if has_value && keys.is_empty() {
            return Err(EditError::MissingSource {
                edit: self.label.clone(),
                field: self.field(field),
                value_field: self.field(value_field),
            });
        }
        keys.iter()
            .map(|key| {
                builder
                    .source_id(key)
                    .ok_or_else(|| EditError::UnknownSource {
                        edit: self.label.clone(),
                        field: self.field(field),
                        key: key.clone(),
                    })
            })
            .collect()
    }

    fn validity(&self, builder: &NetworkBuilder, validity: &Validity) -> Result<(), EditError> {
        validity
            .check(builder.info().reference_year)
            .map_err(|InvalidField { field, reason }| {
                self.rule(&format!("validity.{field}"), reason)
            })
    }

    fn node(&self, builder: &NetworkBuilder, field: &str, key: &str) -> Result<NodeId, EditError> {
        builder.node_id(key).ok_or_else(|| EditError::UnknownNode {
            edit: self.label.clone(),
            field: self.field(field),
            key: key.to_string(),
        })
    }

    fn link(&self, builder: &NetworkBuilder, field: &str, key: &str) -> Result<LinkId, EditError> {
        builder.link_id(key).ok_or_else(|| EditError::UnknownLink {
            edit: self.label.clone(),
            field: self.field(field),
            key: key.to_string(),
        })
    }

    fn source(
        &self,
        builder: &NetworkBuilder,
        field: &str,
        key: &str,
    ) -> Result<SourceId, EditError> {
        builder
            .source_id(key)
            .ok_or_else(|| EditError::UnknownSource {
                edit: self.label.clone(),
                field: self.field(field),
                key: key.to_string(),
            })
    }

    fn corridor_error(&self, builder: &NetworkBuilder, field: &str, key: &str) -> EditError {
        let mut known: Vec<&str> = builder.corridors().iter().map(|c| c.key.as_str()).collect();
        known.push("regional");
        EditError::UnknownCorridor {
            edit: self.label.clone(),
            field: self.field(field),
            key: key.to_string(),
            known: known.join(", "),
        }
    }

    /// The one row a key names.
    fn handling(
        &self,
        builder: &NetworkBuilder,
        field: &str,
        key: &HandlingKey,
    ) -> Result<HandlingId, EditError> {
        let node = self.node(builder, &format!("{field}.node"), &key.node)?;
        let of_kind: Vec<(usize, &Handling)> = (builder.handlings().iter().enumerate())
            .filter(|(_, row)| row.node == node && row.kind == key.kind)
            .collect();
        let matching: Vec<usize> = of_kind
            .iter()
            .filter(|(_, row)| row.validity.opening_year == key.opening_year)
            .map(|(index, _)| *index)
            .collect();
        if let [one] = matching.as_slice() {
            return Ok(HandlingId(*one as u32));
        }
        let hint = if of_kind.is_empty() {
            format!("`{}` has no `{}` row", key.node, key.kind.as_str())
        } else {
            let keys: Vec<String> = of_kind
                .iter()
                .map(|(_, row)| format!("`{}`", key_of_row(builder.nodes(), row)))
                .collect();
            format!(
                "{} of `{}`'s rows of that kind have it: {}",
                matching.len(),
                key.node,
                keys.join(", ")
            )
        };
        Err(EditError::UnknownHandling {
            edit: self.label.clone(),
            field: self.field(field),
            key: key.to_string(),
            hint,
        })
    }

    /// The rules a handling row obeys among the other rows of its node (`except`: the row
    /// it replaces): a gauge change needs two gauges, no two rows of a kind in use in the
    /// same years, distinct keys.
    fn handling_rules(
        &self,
        builder: &NetworkBuilder,
        row: &Handling,
        except: Option<HandlingId>,
    ) -> Result<(), EditError> {
        let node = builder.node(row.node);
        if row.kind == HandlingKind::GaugeChange && node.gauges_mm.len() < 2 {
            return Err(self.rule(
                "kind",
                format!(
                    "a gauge_change row needs at least two gauges at node `{}`",
                    node.key
                ),
            ));
        }
        let others = (builder.handlings().iter().enumerate())
            .filter(|(index, _)| Some(HandlingId(*index as u32)) != except)
            .map(|(_, other)| other)
            .filter(|other| other.node == row.node && other.kind == row.kind);
        for other in others {
            let other_key = key_of_row(builder.nodes(), other);
            if other.validity.overlaps(&row.validity) {
                return Err(self.rule(
                    "validity",
                    format!(
                        "node `{}` already has a `{}` row in use in some of the same years (`{other_key}`)",
                        node.key,
                        row.kind.as_str()
                    ),
                ));
            }
            if other.validity.opening_year == row.validity.opening_year {
                return Err(self.rule(
                    "validity.opening_year",
                    format!(
                        "a row `{other_key}` exists; rows of one kind at one node need different opening years"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Applies one edit to a builder and returns the edits that undo it.
pub(super) fn apply_edit(
    builder: &mut NetworkBuilder,
    label: &EditLabel,
    edit: &Edit,
) -> Result<Vec<Edit>, EditError> {
    let cx = Cx { label, prefix: "" };
    let undo = match edit {
        Edit::AddSource { source, before } => {
            source.check().map_err(|InvalidField { field, reason }| {
                let field = if field == "id" { "key" } else { field };
                cx.at("source.").rule(field, reason)
            })?;
            let at = match before {
                Some(key) => cx.source(builder, "before", key)?,
                None => SourceId(builder.sources().len() as u32),
            };
            builder
                .insert_source(at, source.clone())
                .map_err(|error| cx.build("source.key", error))?;
            vec![Edit::RemoveSource {
                source: source.key.clone(),
            }]
        }
        Edit::RemoveSource { source } => {
            let id = cx.source(builder, "source", source)?;
            let removed = builder
                .remove_source(id)
                .map_err(|error| cx.build("source", error))?;
            let before = builder.sources().get(id.index()).map(|s| s.key.clone());
            vec![Edit::AddSource {
                source: removed,
                before,
            }]
        }
        Edit::AddNode { node, before } => {
            let node = node_of(builder, &cx.at("node."), node)?;
            let key = node.key.clone();
            let at = match before {
                Some(key) => cx.node(builder, "before", key)?,
                None => NodeId(builder.nodes().len() as u32),
            };
            builder
                .insert_node(at, node)
                .map_err(|error| cx.build("node.key", error))?;
            vec![Edit::RemoveNode { node: key }]
        }
        Edit::RemoveNode { node } => {
            let id = cx.node(builder, "node", node)?;
            let removed = builder
                .remove_node(id)
                .map_err(|error| cx.build("node", error))?;
            let before = builder.nodes().get(id.index()).map(|n| n.key.clone());
            vec![Edit::AddNode {
                node: node_spec(builder.sources(), &removed),
                before,
            }]
        }
        Edit::AddLink { link, before } => {
            let (new, shape) = link_of(builder, &cx.at("link."), link)?;
            let at = match before {
                Some(key) => cx.link(builder, "before", key)?,
                None => LinkId(builder.links().len() as u32),
            };
            builder.insert_link(at, new, shape).map_err(|error| {
                let field = match error {
                    BuildError::DuplicateLink { .. } => "link.key",
                    BuildError::SelfLoop { .. } => "link.to",
                    _ => "link.gauge_mm",
                };
                cx.build(field, error)
            })?;
            vec![Edit::RemoveLink {
                link: link.key.clone(),
            }]
        }
        Edit::RemoveLink { link } => {
            let id = cx.link(builder, "link", link)?;
            let (removed, shape) = builder.remove_link(id);
            let spec = link_spec(
                builder.nodes(),
                builder.sources(),
                builder.corridors(),
                &removed,
                shape.as_ref(),
            );
            let before = builder.links().get(id.index()).map(|l| l.key.clone());
            vec![Edit::AddLink { link: spec, before }]
        }
        Edit::SetLinkCapacity {
            link,
            trains_per_day,
            teu_per_year,
            sources,
        } => {
            let id = cx.link(builder, "link", link)?;
            cx.optional_non_negative("trains_per_day", *trains_per_day)?;
            cx.optional_non_negative("teu_per_year", *teu_per_year)?;
            let value_field = if trains_per_day.is_some() {
                "trains_per_day"
            } else {
                "teu_per_year"
            };
            let has_value = trains_per_day.is_some() || teu_per_year.is_some();
            let ids = cx.sources(builder, "sources", sources, value_field, has_value)?;
            let old = replace_link(builder, &cx, id, |l| {
                l.capacity_trains_per_day = *trains_per_day;
                l.capacity_teu_per_year = *teu_per_year;
                l.capacity_sources = ids;
            })?;
            vec![Edit::SetLinkCapacity {
                link: link.clone(),
                trains_per_day: old.capacity_trains_per_day,
                teu_per_year: old.capacity_teu_per_year,
                sources: source_keys(builder.sources(), &old.capacity_sources),
            }]
        }
        Edit::SetLinkTariff {
            link,
            fixed_usd,
            per_km_usd,
            sources,
        } => {
            let id = cx.link(builder, "link", link)?;
            cx.non_negative("fixed_usd", *fixed_usd)?;
            cx.non_negative("per_km_usd", *per_km_usd)?;
            let ids = cx.sources(builder, "sources", sources, "fixed_usd", true)?;
            let old = replace_link(builder, &cx, id, |l| {
                l.tariff_fixed_usd = *fixed_usd;
                l.tariff_per_km_usd = *per_km_usd;
                l.tariff_sources = ids;
            })?;
            vec![tariff_of(builder, &old)]
        }
        Edit::SetLinkRunning {
            link,
            running,
            sources,
        } => {
            let id = cx.link(builder, "link", link)?;
            cx.running("running", *running)?;
            let ids = cx.sources(builder, "sources", sources, "running", true)?;
            let old = replace_link(builder, &cx, id, |l| {
                l.running = *running;
                l.time_sources = ids;
            })?;
            vec![Edit::SetLinkRunning {
                link: link.clone(),
                running: old.running,
                sources: source_keys(builder.sources(), &old.time_sources),
            }]
        }
        Edit::SetLinkWait {
            link,
            hours,
            sources,
        } => {
            let id = cx.link(builder, "link", link)?;
            cx.non_negative("hours", *hours)?;
            let ids = cx.sources(builder, "sources", sources, "hours", *hours > 0.0)?;
            let old = replace_link(builder, &cx, id, |l| {
                l.wait_h = *hours;
                l.wait_sources = ids;
            })?;
            vec![Edit::SetLinkWait {
                link: link.clone(),
                hours: old.wait_h,
                sources: source_keys(builder.sources(), &old.wait_sources),
            }]
        }
        Edit::SetSailings { link, sailings } => {
            let id = cx.link(builder, "link", link)?;
            let rows = sailing_rows(builder, &cx, builder.link(id).mode, sailings)?;
            let old = replace_link(builder, &cx, id, |l| l.sailings = rows)?;
            vec![Edit::SetSailings {
                link: link.clone(),
                sailings: sailing_specs(builder.sources(), &old.sailings),
            }]
        }
        Edit::SetLinkValidity {
            link,
            validity,
            sources,
        } => {
            let id = cx.link(builder, "link", link)?;
            cx.validity(builder, validity)?;
            let has_year = validity.opening_year.is_some() || validity.closing_year.is_some();
            let ids = cx.sources(builder, "sources", sources, "validity", has_year)?;
            let old = replace_link(builder, &cx, id, |l| {
                l.validity = *validity;
                l.status_sources = ids;
            })?;
            vec![Edit::SetLinkValidity {
                link: link.clone(),
                validity: old.validity,
                sources: source_keys(builder.sources(), &old.status_sources),
            }]
        }
        Edit::ScaleCorridorTariffs {
            corridor,
            factor,
            sources,
        } => {
            let members: Vec<LinkId> = if corridor == "regional" {
                (builder.links().iter().enumerate())
                    .filter(|(_, link)| link.corridors.is_empty())
                    .map(|(index, _)| LinkId::from_index(index))
                    .collect()
            } else {
                let id = builder
                    .corridor_id(corridor)
                    .ok_or_else(|| cx.corridor_error(builder, "corridor", corridor))?;
                (builder.links().iter().enumerate())
                    .filter(|(_, link)| link.corridors.contains(&id))
                    .map(|(index, _)| LinkId::from_index(index))
                    .collect()
            };
            cx.non_negative("factor", *factor)?;
            let ids = cx.sources(builder, "sources", sources, "factor", true)?;
            let mut undo = Vec::new();
            for id in members {
                let old = builder.link(id);
                let (fixed, per_km) = (
                    old.tariff_fixed_usd * factor,
                    old.tariff_per_km_usd * factor,
                );
                if !(fixed.is_finite() && per_km.is_finite()) {
                    return Err(cx.invalid(
                        "factor",
                        number(*factor),
                        "a factor that keeps every tariff finite",
                    ));
                }
                let old = replace_link(builder, &cx, id, |l| {
                    l.tariff_fixed_usd = fixed;
                    l.tariff_per_km_usd = per_km;
                    for source in &ids {
                        if !l.tariff_sources.contains(source) {
                            l.tariff_sources.push(*source);
                        }
                    }
                })?;
                undo.push(tariff_of(builder, &old));
            }
            undo
        }
        Edit::AddHandling { handling, before } => {
            let row = handling_of(builder, &cx.at("handling."), handling)?;
            let at = match before {
                Some(key) => cx.handling(builder, "before", key)?,
                None => HandlingId(builder.handlings().len() as u32),
            };
            let key = key_of_row(builder.nodes(), &row);
            builder
                .insert_handling(at, row)
                .map_err(|error| cx.build("handling.node", error))?;
            vec![Edit::RemoveHandling { handling: key }]
        }
        Edit::RemoveHandling { handling } => {
            let id = cx.handling(builder, "handling", handling)?;
            let removed = builder.remove_handling(id);
            let before = builder
                .handlings()
                .get(id.index())
                .map(|row| key_of_row(builder.nodes(), row));
            vec![Edit::AddHandling {
                handling: handling_spec(builder.nodes(), builder.sources(), &removed),
                before,
            }]
        }
        Edit::SetHandlingCapacity {
            handling,
            teu_per_day,
            sources,
        } => {
            let id = cx.handling(builder, "handling", handling)?;
            cx.optional_non_negative("teu_per_day", *teu_per_day)?;
            let ids = cx.sources(
                builder,
                "sources",
                sources,
                "teu_per_day",
                teu_per_day.is_some(),
            )?;
            let old = replace_handling(builder, &cx, id, |row| {
                row.capacity_teu_per_day = *teu_per_day;
                row.capacity_sources = ids;
            })?;
            vec![Edit::SetHandlingCapacity {
                handling: handling.clone(),
                teu_per_day: old.capacity_teu_per_day,
                sources: source_keys(builder.sources(), &old.capacity_sources),
            }]
        }
        Edit::SetHandlingHours {
            handling,
            hours,
            sources,
        } => {
            let id = cx.handling(builder, "handling", handling)?;
            cx.non_negative("hours", *hours)?;
            let ids = cx.sources(builder, "sources", sources, "hours", true)?;
            let old = replace_handling(builder, &cx, id, |row| {
                row.hours = *hours;
                row.hours_sources = ids;
            })?;
            vec![Edit::SetHandlingHours {
                handling: handling.clone(),
                hours: old.hours,
                sources: source_keys(builder.sources(), &old.hours_sources),
            }]
        }
        Edit::SetHandlingCost {
            handling,
            cost_usd,
            sources,
        } => {
            let id = cx.handling(builder, "handling", handling)?;
            cx.non_negative("cost_usd", *cost_usd)?;
            let ids = cx.sources(builder, "sources", sources, "cost_usd", true)?;
            let old = replace_handling(builder, &cx, id, |row| {
                row.cost_usd = *cost_usd;
                row.cost_sources = ids;
            })?;
            vec![Edit::SetHandlingCost {
                handling: handling.clone(),
                cost_usd: old.cost_usd,
                sources: source_keys(builder.sources(), &old.cost_sources),
            }]
        }
        Edit::SetHandlingValidity {
            handling,
            validity,
            sources,
        } => {
            let id = cx.handling(builder, "handling", handling)?;
            cx.validity(builder, validity)?;
            let has_year = validity.opening_year.is_some() || validity.closing_year.is_some();
            let ids = cx.sources(builder, "sources", sources, "validity", has_year)?;
            let old = replace_handling(builder, &cx, id, |row| {
                row.validity = *validity;
                row.status_sources = ids;
            })?;
            vec![Edit::SetHandlingValidity {
                handling: key_of_row(builder.nodes(), builder.handling(id)),
                validity: old.validity,
                sources: source_keys(builder.sources(), &old.status_sources),
            }]
        }
    };
    // The whole-network checks of `build` (emission factors, place names, freight data), so
    // that an edit that breaks them is the one named.
    builder.check().map_err(|error| {
        let field = match (&error, edit) {
            (BuildError::MissingEmissionFactor { .. }, _) => "link.energy".to_string(),
            (BuildError::AmbiguousPlaceName { name, .. }, Edit::AddNode { node, .. }) => {
                let text = normalize_place_name(name);
                if normalize_place_name(&node.key) == text {
                    "node.key"
                } else if normalize_place_name(&node.name) == text {
                    "node.name"
                } else {
                    "node.aliases"
                }
                .to_string()
            }
            _ => edit_field(edit).to_string(),
        };
        EditError::Build {
            edit: label.clone(),
            field,
            source: Box::new(error),
        }
    })?;
    Ok(undo)
}

/// The main field of an edit, for errors of the whole network.
pub(super) fn edit_field(edit: &Edit) -> &'static str {
    match edit {
        Edit::AddSource { .. } | Edit::RemoveSource { .. } => "source",
        Edit::AddNode { .. } | Edit::RemoveNode { .. } => "node",
        Edit::AddLink { .. }
        | Edit::RemoveLink { .. }
        | Edit::SetLinkCapacity { .. }
        | Edit::SetLinkTariff { .. }
        | Edit::SetLinkRunning { .. }
        | Edit::SetLinkWait { .. }
        | Edit::SetLinkValidity { .. } => "link",
        Edit::SetSailings { .. } => "sailings",
        Edit::ScaleCorridorTariffs { .. } => "corridor",
        Edit::AddHandling { .. }
        | Edit::RemoveHandling { .. }
        | Edit::SetHandlingCapacity { .. }
        | Edit::SetHandlingHours { .. }
        | Edit::SetHandlingCost { .. }
        | Edit::SetHandlingValidity { .. } => "handling",
    }
}

/// The `set_link_tariff` edit that gives a link back its tariff.
fn tariff_of(builder: &NetworkBuilder, old: &Link) -> Edit {
    Edit::SetLinkTariff {
        link: old.key.clone(),
        fixed_usd: old.tariff_fixed_usd,
        per_km_usd: old.tariff_per_km_usd,
        sources: source_keys(builder.sources(), &old.tariff_sources),
    }
}

/// Replaces a link by a changed copy through the builder's checks; returns the old one.
fn replace_link(
    builder: &mut NetworkBuilder,
    cx: &Cx<'_>,
    id: LinkId,
    change: impl FnOnce(&mut Link),
) -> Result<Link, EditError> {
    let mut link = builder.link(id).clone();
    change(&mut link);
    builder
        .replace_link(id, link)
        .map_err(|error| cx.build("link", error))
}

/// Replaces a handling row by a changed copy through the rules and the builder's checks;
/// returns the old one.
fn replace_handling(
    builder: &mut NetworkBuilder,
    cx: &Cx<'_>,
    id: HandlingId,
    change: impl FnOnce(&mut Handling),
) -> Result<Handling, EditError> {
    let mut row = builder.handling(id).clone();
    change(&mut row);
    cx.handling_rules(builder, &row, Some(id))?;
    builder
        .replace_handling(id, row)
        .map_err(|error| cx.build("handling", error))
}

fn node_of(builder: &NetworkBuilder, cx: &Cx<'_>, spec: &NodeSpec) -> Result<Node, EditError> {
    cx.id("key", &spec.key)?;
    if spec.name.trim().is_empty() {
        return Err(cx.invalid("name", "``", "a display name"));
    }
    if let Some(alias) = (spec.aliases.iter()).find(|a| a.trim().is_empty() || a.contains('|')) {
        return Err(cx.invalid(
            "aliases",
            format!("`{alias}`"),
            "a name (not empty, no `|`)",
        ));
    }
    if !(spec.lat.is_finite() && (-90.0..=90.0).contains(&spec.lat)) {
        return Err(cx.invalid("lat", number(spec.lat), "a latitude in [-90, 90]"));
    }
    if !(spec.lon.is_finite() && (-180.0..=180.0).contains(&spec.lon)) {
        return Err(cx.invalid("lon", number(spec.lon), "a longitude in [-180, 180]"));
    }
    let coord_sources = cx.sources(builder, "coord_sources", &spec.coord_sources, "lat", true)?;
    let mut gauges_mm: Vec<u16> = Vec::new();
    for &gauge in &spec.gauges_mm {
        cx.gauge("gauges_mm", gauge)?;
        if !gauges_mm.contains(&gauge) {
            gauges_mm.push(gauge);
        }
    }
    Ok(Node {
        key: spec.key.clone(),
        name: spec.name.clone(),
        aliases: spec.aliases.clone(),
        country: spec.country,
        lat: spec.lat,
        lon: spec.lon,
        coord_sources,
        kind: spec.kind,
        gauges_mm,
        note: spec.note.clone(),
    })
}

fn link_of(
    builder: &NetworkBuilder,
    cx: &Cx<'_>,
    spec: &LinkSpec,
) -> Result<(Link, Option<LinkShape>), EditError> {
    cx.id("key", &spec.key)?;
    let from = cx.node(builder, "from", &spec.from)?;
    let to = cx.node(builder, "to", &spec.to)?;
    if let Some(gauge) = spec.gauge_mm {
        cx.gauge("gauge_mm", gauge)?;
    }
    cx.positive("length_km", spec.length_km)?;
    let length_sources = cx.sources(
        builder,
        "length_sources",
        &spec.length_sources,
        "length_km",
        true,
    )?;
    cx.running("running", spec.running)?;
    let time_sources = cx.sources(builder, "time_sources", &spec.time_sources, "running", true)?;
    cx.non_negative("wait_h", spec.wait_h)?;
    let wait_sources = cx.sources(
        builder,
        "wait_sources",
        &spec.wait_sources,
        "wait_h",
        spec.wait_h > 0.0,
    )?;
    cx.optional_non_negative("capacity_trains_per_day", spec.capacity_trains_per_day)?;
    cx.optional_non_negative("capacity_teu_per_year", spec.capacity_teu_per_year)?;
    let capacity_sources = cx.sources(
        builder,
        "capacity_sources",
        &spec.capacity_sources,
        if spec.capacity_trains_per_day.is_some() {
            "capacity_trains_per_day"
        } else {
            "capacity_teu_per_year"
        },
        spec.capacity_trains_per_day.is_some() || spec.capacity_teu_per_year.is_some(),
    )?;
    cx.non_negative("tariff_fixed_usd", spec.tariff_fixed_usd)?;
    cx.non_negative("tariff_per_km_usd", spec.tariff_per_km_usd)?;
    let tariff_sources = cx.sources(
        builder,
        "tariff_sources",
        &spec.tariff_sources,
        "tariff_fixed_usd",
        true,
    )?;
    cx.validity(builder, &spec.validity)?;
    let status_sources = cx.sources(
        builder,
        "status_sources",
        &spec.status_sources,
        "validity",
        spec.validity.opening_year.is_some() || spec.validity.closing_year.is_some(),
    )?;
    let mut corridors = Vec::new();
    for key in &spec.corridors {
        if key == "regional" {
            continue;
        }
        let id = builder
            .corridor_id(key)
            .ok_or_else(|| cx.corridor_error(builder, "corridors", key))?;
        if !corridors.contains(&id) {
            corridors.push(id);
        }
    }
    corridors.sort_unstable();
    let shape = match &spec.shape {
        None => None,
        Some(shape) => {
            if shape.points.len() < 2 {
                return Err(cx.invalid(
                    "shape.points",
                    format!("{} point(s)", shape.points.len()),
                    "a line of two or more points",
                ));
            }
            if let Some((lat, lon)) = shape.points.iter().find(|(lat, lon)| {
                !((-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon))
            }) {
                return Err(cx.invalid(
                    "shape.points",
                    format!("({lat}, {lon})"),
                    "a point with lat in [-90, 90] and lon in [-180, 180]",
                ));
            }
            cx.non_negative("shape.network_km", shape.network_km)?;
            let sources = cx.sources(
                builder,
                "shape.sources",
                &shape.sources,
                "shape.network_km",
                true,
            )?;
            Some(LinkShape {
                points: shape.points.clone(),
                network_km: shape.network_km,
                sources,
            })
        }
    };
    let sailings = sailings_of(builder, cx, spec)?;
    let link = Link {
        key: spec.key.clone(),
        from,
        to,
        mode: spec.mode,
        gauge_mm: spec.gauge_mm,
        length_km: spec.length_km,
        length_sources,
        running: spec.running,
        time_sources,
        wait_h: spec.wait_h,
        wait_sources,
        capacity_trains_per_day: spec.capacity_trains_per_day,
        capacity_teu_per_year: spec.capacity_teu_per_year,
        capacity_sources,
        tariff_fixed_usd: spec.tariff_fixed_usd,
        tariff_per_km_usd: spec.tariff_per_km_usd,
        tariff_sources,
        energy: spec.energy,
        validity: spec.validity,
        status_sources,
        direction: spec.direction,
        corridors,
        name: spec.name.clone(),
        note: spec.note.clone(),
        sailings,
    };
    Ok((link, shape))
}

/// The sailings of a link spec, checked by the rules of `sailings.csv`.
fn sailings_of(
    builder: &NetworkBuilder,
    cx: &Cx<'_>,
    spec: &LinkSpec,
) -> Result<Vec<Sailing>, EditError> {
    sailing_rows(builder, cx, spec.mode, &spec.sailings)
}

/// Sailing rows of a link of `mode`, checked by the rules of `sailings.csv`.
fn sailing_rows(
    builder: &NetworkBuilder,
    cx: &Cx<'_>,
    mode: Mode,
    sailings: &[SailingSpec],
) -> Result<Vec<Sailing>, EditError> {
    if !sailings.is_empty() && !mode.is_water() {
        return Err(cx.rule(
            "sailings",
            format!(
                "sailings are for sea and ferry links, not {}",
                mode.as_str()
            ),
        ));
    }
    let mut rows: Vec<Sailing> = Vec::new();
    for item in sailings {
        let row = &item.row;
        if let Err(InvalidField { field, reason }) = row.check() {
            return Err(cx.rule(&format!("sailings.{field}"), reason));
        }
        if rows.iter().any(|other| other.overlaps(row)) {
            return Err(cx.rule(
                "sailings.months",
                "two sailing rows hold in a common month of a common year".to_string(),
            ));
        }
        let mut sailing = row.clone();
        sailing.sailings_sources = cx.sources(
            builder,
            "sailings.sailings_sources",
            &item.sailings_sources,
            "sailings.sailings_per_week",
            true,
        )?;
        sailing.capacity_sources = cx.sources(
            builder,
            "sailings.capacity_sources",
            &item.capacity_sources,
            "sailings.capacity",
            row.capacity.is_some(),
        )?;
        sailing.dispatch_sources = cx.sources(
            builder,
            "sailings.dispatch_sources",
            &item.dispatch_sources,
            "sailings.dispatch",
            true,
        )?;
        sailing.load_sources = cx.sources(
            builder,
            "sailings.load_sources",
            &item.load_sources,
            "sailings.load_per_week",
            row.load_per_week.is_some(),
        )?;
        sailing.weather_sources = cx.sources(
            builder,
            "sailings.weather_sources",
            &item.weather_sources,
            "sailings.closed_days_per_month",
            row.closed_days_per_month > 0.0,
        )?;
        rows.push(sailing);
    }
    Ok(rows)
}

fn handling_of(
    builder: &NetworkBuilder,
    cx: &Cx<'_>,
    spec: &HandlingSpec,
) -> Result<Handling, EditError> {
    let node = cx.node(builder, "node", &spec.node)?;
    cx.non_negative("hours", spec.hours)?;
    let hours_sources = cx.sources(builder, "hours_sources", &spec.hours_sources, "hours", true)?;
    cx.non_negative("cost_usd", spec.cost_usd)?;
    let cost_sources = cx.sources(
        builder,
        "cost_sources",
        &spec.cost_sources,
        "cost_usd",
        true,
    )?;
    cx.optional_non_negative("capacity_teu_per_day", spec.capacity_teu_per_day)?;
    let capacity_sources = cx.sources(
        builder,
        "capacity_sources",
        &spec.capacity_sources,
        "capacity_teu_per_day",
        spec.capacity_teu_per_day.is_some(),
    )?;
    cx.validity(builder, &spec.validity)?;
    let status_sources = cx.sources(
        builder,
        "status_sources",
        &spec.status_sources,
        "validity",
        spec.validity.opening_year.is_some() || spec.validity.closing_year.is_some(),
    )?;
    let row = Handling {
        node,
        kind: spec.kind,
        hours: spec.hours,
        hours_sources,
        cost_usd: spec.cost_usd,
        cost_sources,
        capacity_teu_per_day: spec.capacity_teu_per_day,
        capacity_sources,
        validity: spec.validity,
        status_sources,
        note: spec.note.clone(),
    };
    cx.handling_rules(builder, &row, None)?;
    Ok(row)
}
