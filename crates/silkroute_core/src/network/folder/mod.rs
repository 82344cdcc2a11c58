//! The network folder: `dataset.toml`, `SOURCES.toml`, `nodes.csv`, `links.csv`,
//! `handling.csv`, `emissions.csv`, and the optional `shapes.csv`, `zones.csv`, `demand.csv`
//! and service files (`services.rs`).

mod markets;
mod services;
mod tonnage;

use crate::io::csv::{Column, Fields, Table, optional, required, split_list};
use crate::io::{Fault, Limit, LoadError, LoadWarning, clip, read_named};
use crate::network::{
    BuildError, Corridor, CorridorId, Country, DatasetInfo, Demand, Direction, EmissionFactor,
    Energy, FreightClass, FreightClassId, FreightData, Handling, HandlingKind, Link, Mode, Network,
    NetworkBuilder, Node, NodeId, NodeKind, Running, Source, SourceId, SourceKind, Status,
    Validity, Zone, ZoneId,
};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The six files of a network, as (name used in messages, contents).
#[derive(Debug, Clone)]
pub struct NetworkFiles {
    /// `dataset.toml`.
    pub dataset: (String, Vec<u8>),
    /// `SOURCES.toml`.
    pub sources: (String, Vec<u8>),
    /// `nodes.csv`.
    pub nodes: (String, Vec<u8>),
    /// `links.csv`.
    pub links: (String, Vec<u8>),
    /// `handling.csv`.
    pub handling: (String, Vec<u8>),
    /// `emissions.csv`.
    pub emissions: (String, Vec<u8>),
    /// `shapes.csv`, optional.
    pub shapes: Option<(String, Vec<u8>)>,
    /// `zones.csv`, optional.
    pub zones: Option<(String, Vec<u8>)>,
    /// `demand.csv`, optional.
    pub demand: Option<(String, Vec<u8>)>,
    /// `services.csv` (rail service classes), optional.
    pub services: Option<(String, Vec<u8>)>,
    /// `service_speeds.csv`, optional.
    pub service_speeds: Option<(String, Vec<u8>)>,
    /// `service_dwell.csv`, optional.
    pub service_dwell: Option<(String, Vec<u8>)>,
    /// `sailings.csv` (sea and ferry services), optional.
    pub sailings: Option<(String, Vec<u8>)>,
    /// `calibration.csv` (calibrated factors), optional.
    pub calibration: Option<(String, Vec<u8>)>,
    /// `prices.csv` (price regimes by year), optional.
    pub prices: Option<(String, Vec<u8>)>,
    /// `demand_years.csv` (the demand of other years), optional.
    pub demand_years: Option<(String, Vec<u8>)>,
    /// `markets.csv` (where rail competes with the sea), optional.
    pub markets: Option<(String, Vec<u8>)>,
    /// `market_years.csv` (a market's rail premium by year), optional.
    pub market_years: Option<(String, Vec<u8>)>,
    /// `tonnage.csv` (the tonnage layer: cargo counted in tonnes, by year), optional.
    pub tonnage: Option<(String, Vec<u8>)>,
}

impl NetworkFiles {
    /// A fingerprint of the files' contents (their bytes, in the order of the fields; a
    /// missing optional file counts as empty): equal files, equal fingerprints.
    pub fn fingerprint(&self) -> u64 {
        fn optional(file: &Option<(String, Vec<u8>)>) -> &[u8] {
            file.as_ref().map_or(&[][..], |f| &f.1[..])
        }
        let parts: [&[u8]; 19] = [
            &self.dataset.1,
            &self.sources.1,
            &self.nodes.1,
            &self.links.1,
            &self.handling.1,
            &self.emissions.1,
            optional(&self.shapes),
            optional(&self.zones),
            optional(&self.demand),
            optional(&self.services),
            optional(&self.service_speeds),
            optional(&self.service_dwell),
            optional(&self.sailings),
            optional(&self.calibration),
            optional(&self.prices),
            optional(&self.demand_years),
            optional(&self.markets),
            optional(&self.market_years),
            optional(&self.tonnage),
        ];
        crate::io::fingerprint(&parts)
    }

    /// Reads the six files from a folder, and the optional ones that are there.
    ///
    /// # Errors
    /// [`LoadError::Read`] naming the first file that cannot be read.
    pub fn read_dir(dir: &Path) -> Result<NetworkFiles, LoadError> {
        let read = |name: &str| read_named(&dir.join(name), Limit::NETWORK_FILE);
        let optional = |name: &str| dir.join(name).exists().then(|| read(name)).transpose();
        Ok(NetworkFiles {
            dataset: read("dataset.toml")?,
            sources: read("SOURCES.toml")?,
            nodes: read("nodes.csv")?,
            links: read("links.csv")?,
            handling: read("handling.csv")?,
            emissions: read("emissions.csv")?,
            shapes: optional("shapes.csv")?,
            zones: optional("zones.csv")?,
            demand: optional("demand.csv")?,
            services: optional("services.csv")?,
            service_speeds: optional("service_speeds.csv")?,
            service_dwell: optional("service_dwell.csv")?,
            sailings: optional("sailings.csv")?,
            calibration: optional("calibration.csv")?,
            prices: optional("prices.csv")?,
            demand_years: optional("demand_years.csv")?,
            markets: optional("markets.csv")?,
            market_years: optional("market_years.csv")?,
            tonnage: optional("tonnage.csv")?,
        })
    }
}

/// The files of the default network, embedded at build time.
pub fn default_files() -> NetworkFiles {
    macro_rules! embedded {
        ($name:literal) => {
            (
                concat!("data/default/", $name).to_string(),
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../data/default/",
                    $name
                ))
                .to_vec(),
            )
        };
    }
    NetworkFiles {
        dataset: embedded!("dataset.toml"),
        sources: embedded!("SOURCES.toml"),
        nodes: embedded!("nodes.csv"),
        links: embedded!("links.csv"),
        handling: embedded!("handling.csv"),
        emissions: embedded!("emissions.csv"),
        shapes: Some(embedded!("shapes.csv")),
        zones: Some(embedded!("zones.csv")),
        demand: Some(embedded!("demand.csv")),
        services: Some(embedded!("services.csv")),
        service_speeds: Some(embedded!("service_speeds.csv")),
        service_dwell: Some(embedded!("service_dwell.csv")),
        sailings: Some(embedded!("sailings.csv")),
        calibration: Some(embedded!("calibration.csv")),
        prices: Some(embedded!("prices.csv")),
        demand_years: Some(embedded!("demand_years.csv")),
        markets: Some(embedded!("markets.csv")),
        market_years: Some(embedded!("market_years.csv")),
        tonnage: Some(embedded!("tonnage.csv")),
    }
}

/// Loads the default network embedded in the binary.
///
/// # Errors
/// Only if the embedded files are invalid, which the test suite rules out.
pub fn load_default() -> Result<(Network, Vec<LoadWarning>), LoadError> {
    load_files(&default_files())
}

/// Loads a network folder.
///
/// # Errors
/// The first problem found, naming file, line and field.
pub fn load_dir(dir: &Path) -> Result<(Network, Vec<LoadWarning>), LoadError> {
    load_files(&NetworkFiles::read_dir(dir)?)
}

const ID_RULE: &str = "lower-case letters, digits and `_`";

/// The optional `scenario` column of a row (`demand_years.csv`, `tonnage.csv`): empty for the
/// observed series, else an id.
fn scenario_field(fields: &Fields<'_>) -> Result<String, LoadError> {
    let scenario = fields.text("scenario").trim().to_string();
    if !scenario.is_empty() && !is_id(&scenario) {
        return Err(fields.error(
            "scenario",
            Fault::BadId {
                id: clip(&scenario),
                rule: ID_RULE,
            },
        ));
    }
    Ok(scenario)
}

/// Whether `text` is a valid node, link, corridor, zone or class id: lower-case letters,
/// digits and `_`.
pub(crate) fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `text` is a valid source id: upper-case letters, digits and `_`.
pub(crate) fn is_source_key(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Loads a network from the contents of its six files.
///
/// # Errors
/// The first problem found, naming file, line and field ([`validate_files`] gives them all).
pub fn load_files(files: &NetworkFiles) -> Result<(Network, Vec<LoadWarning>), LoadError> {
    check_files(files, 1).map_err(|mut problems| problems.swap_remove(0))
}

/// Most problems [`validate_files`] reports.
pub const MAX_PROBLEMS: usize = 200;

/// Tables with a problem, so that references into them are not reported after it: an
/// "unknown node" in links.csv may only follow from a bad row of nodes.csv (a misspelt id),
/// and shows again, if it is real, once that row is fixed (as compilers suppress errors
/// that follow from an earlier one).
#[derive(Default)]
struct Failed {
    /// nodes.csv had a problem.
    nodes: bool,
    /// links.csv had a problem.
    links: bool,
    /// zones.csv had a problem, or is missing and a reference to it was reported.
    zones: bool,
    /// services.csv had a problem.
    services: bool,
}

impl Failed {
    /// Whether `error` may only follow from an earlier problem.
    fn explains(&self, error: &LoadError) -> bool {
        let LoadError::Field {
            fault: Fault::UnknownReference { kind, .. },
            ..
        } = error
        else {
            return false;
        };
        match *kind {
            "node" => self.nodes,
            "link" => self.links,
            "zone" => self.zones,
            "service" => self.services,
            _ => false,
        }
    }
}

/// The problems found so far.
struct Problems {
    list: Vec<LoadError>,
    failed: Failed,
    /// Stop looking once this many are found (1 for loading, [`MAX_PROBLEMS`] to validate).
    limit: usize,
}

impl Problems {
    /// Records a problem, unless an earlier one explains it.
    fn push(&mut self, error: LoadError) {
        if !self.failed.explains(&error) && !self.full() {
            self.list.push(error);
        }
    }

    /// Whether enough problems are found: what is left is skipped.
    fn full(&self) -> bool {
        self.list.len() >= self.limit
    }

    /// Runs `row` on every row of `table` (none when the table could not be parsed) until
    /// enough problems are found; a row's error is recorded, then `mark` notes which file
    /// failed, so that what only follows from it is not reported.
    fn each_row(
        &mut self,
        table: Option<&Table>,
        mark: impl Fn(&mut Failed),
        mut row: impl FnMut(&Fields<'_>) -> Result<(), LoadError>,
    ) {
        for fields in table
            .iter()
            .flat_map(|t| t.rows.iter().map(move |r| t.at(r)))
        {
            if self.full() {
                break;
            }
            if let Err(error) = row(&fields) {
                self.push(error);
                mark(&mut self.failed);
            }
        }
    }

    /// Parses a table, recording its error and marking the file failed when it cannot.
    fn table(&mut self, file: &(String, Vec<u8>), schema: &[Column]) -> Option<Table> {
        if self.full() {
            return None;
        }
        Table::parse(&file.0, &file.1, schema)
            .map_err(|error| self.push(error))
            .ok()
    }
}

/// Checks a network from the contents of its files and reports every problem it finds
/// (up to [`MAX_PROBLEMS`]), each naming file, line and field: every bad row of every
/// file, but not what only follows from an earlier problem (a link to a node whose own row
/// was wrong). Files the rest depends on (`SOURCES.toml`, `dataset.toml`) stop the check
/// at their first problem.
///
/// # Example
/// ```
/// use silkroute_core::network::{NetworkFiles, validate_files};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
/// let mut files = NetworkFiles::read_dir(dir.as_ref()).unwrap();
/// files.nodes.1 = String::from_utf8(files.nodes.1).unwrap().replace("34.0", "x").into_bytes();
/// let problems = validate_files(&files).unwrap_err();
/// assert_eq!(problems[0].code(), "not_a_number");
/// assert_eq!(problems[0].line(), Some(2));
/// ```
///
/// # Errors
/// The problems, in the order the files are read (the first is [`load_files`]'s error).
pub fn validate_files(files: &NetworkFiles) -> Result<(Network, Vec<LoadWarning>), Vec<LoadError>> {
    check_files(files, MAX_PROBLEMS)
}

/// Loads a network, stopping after `limit` problems.
fn check_files(
    files: &NetworkFiles,
    limit: usize,
) -> Result<(Network, Vec<LoadWarning>), Vec<LoadError>> {
    let mut problems = Problems {
        list: Vec::new(),
        failed: Failed::default(),
        limit,
    };
    let mut warnings = Vec::new();
    let (sources, source_lines) = parse_sources(&files.sources).map_err(|e| vec![e])?;
    let source_keys: HashMap<String, SourceId> = sources
        .iter()
        .enumerate()
        .map(|(index, source)| (source.key.clone(), SourceId(index as u32)))
        .collect();
    let used_sources = std::cell::RefCell::new(BTreeSet::new());
    let resolve = |key: &str| -> Option<SourceId> {
        let id = source_keys.get(key).copied();
        if let Some(id) = id {
            used_sources.borrow_mut().insert(id);
        }
        id
    };

    let dataset = parse_dataset(&files.dataset, &resolve).map_err(|e| vec![e])?;
    let mut builder = NetworkBuilder::new(dataset.info.clone());
    for source in sources.iter().cloned() {
        builder.add_source(source);
    }
    let mut corridor_keys: HashMap<String, CorridorId> = HashMap::new();
    for corridor in &dataset.corridors {
        let id = builder.add_corridor(corridor.clone());
        corridor_keys.insert(corridor.key.clone(), id);
    }

    // Emission factors.
    let table = problems.table(&files.emissions, EMISSION_COLUMNS);
    let mut seen_factors: HashMap<(Mode, Energy), u64> = HashMap::new();
    problems.each_row(
        table.as_ref(),
        |_| {},
        |fields| {
            let mode = fields.one_of("mode", Mode::parse, &mode_names())?;
            let energy = fields.one_of("energy", Energy::parse, &energy_names())?;
            if let Some(first) = seen_factors.insert((mode, energy), fields.line()) {
                return Err(fields.error(
                    "energy",
                    format!(
                        "a factor for {} / {} is already given on line {first}",
                        mode.as_str(),
                        energy.as_str()
                    ),
                ));
            }
            let factor = fields
                .non_negative("kg_co2e_per_tkm")?
                .ok_or_else(|| fields.error("kg_co2e_per_tkm", "missing value"))?;
            let sources = fields.sources("factor_source", "kg_co2e_per_tkm", true, &resolve)?;
            builder.add_emission_factor(EmissionFactor {
                mode,
                energy,
                kg_co2e_per_tkm: factor,
                sources,
                note: fields.text("note").to_string(),
            });
            Ok(())
        },
    );

    // Nodes.
    let table = problems.table(&files.nodes, NODE_COLUMNS);
    problems.failed.nodes = table.is_none();
    let mut node_lines: Vec<u64> = Vec::new();
    let mut node_info: Vec<(String, String)> = Vec::new();
    problems.each_row(
        table.as_ref(),
        |failed| failed.nodes = true,
        |fields| {
            let node = parse_node(fields, &resolve)?;
            let (key, name) = (node.key.clone(), node.name.clone());
            if let Some(first) = builder.node_id(&node.key) {
                return Err(fields.error(
                    "node_id",
                    Fault::DuplicateId {
                        id: node.key.clone(),
                        first_line: Some(node_lines[first.index()]),
                    },
                ));
            }
            builder
                .add_node(node)
                .map_err(|e| fields.error("node_id", e.to_string()))?;
            node_lines.push(fields.line());
            node_info.push((key, name));
            Ok(())
        },
    );

    // Links.
    let reference_year = dataset.info.reference_year;
    let table = problems.table(&files.links, LINK_COLUMNS);
    problems.failed.links = table.is_none();
    let mut link_lines: HashMap<String, u64> = HashMap::new();
    let mut border_links: Vec<(u64, NodeId, NodeId)> = Vec::new();
    problems.each_row(
        table.as_ref(),
        |failed| failed.links = true,
        |fields| {
            let link = parse_link(fields, &builder, &corridor_keys, reference_year, &resolve)?;
            if let Some(first) = link_lines.get(&link.key) {
                return Err(fields.error(
                    "link_id",
                    Fault::DuplicateId {
                        id: link.key.clone(),
                        first_line: Some(*first),
                    },
                ));
            }
            link_lines.insert(link.key.clone(), fields.line());
            if !link.mode.is_water()
                && builder.node(link.from).country != builder.node(link.to).country
            {
                border_links.push((fields.line(), link.from, link.to));
            }
            builder.add_link(link).map_err(|error| {
                let field = match error {
                    BuildError::GaugeMismatch { .. } | BuildError::GaugeRequired { .. } => {
                        "gauge_mm"
                    }
                    BuildError::SelfLoop { .. } => "to",
                    _ => "link_id",
                };
                fields.error(field, error.to_string())
            })?;
            Ok(())
        },
    );

    // Handling.
    let table = problems.table(&files.handling, HANDLING_COLUMNS);
    let mut handled: Vec<(NodeId, HandlingKind, Validity, u64)> = Vec::new();
    problems.each_row(
        table.as_ref(),
        |_| {},
        |fields| {
            let handling = parse_handling(fields, &builder, reference_year, &resolve)?;
            for (node, kind, validity, line) in &handled {
                if *node == handling.node
                    && *kind == handling.kind
                    && validity.overlaps(&handling.validity)
                {
                    return Err(fields.error(
                    "kind",
                    format!(
                        "node `{}` already has an active `{}` row in the same years (line {line})",
                        builder.node(handling.node).key,
                        kind.as_str()
                    ),
                ));
                }
            }
            handled.push((
                handling.node,
                handling.kind,
                handling.validity,
                fields.line(),
            ));
            builder
                .add_handling(handling)
                .map_err(|e| fields.error("node_id", e.to_string()))?;
            Ok(())
        },
    );

    for (line, from, to) in border_links {
        let has_border = |node: NodeId| {
            handled
                .iter()
                .any(|(n, kind, _, _)| *n == node && *kind == HandlingKind::Border)
        };
        if !has_border(from) && !has_border(to) {
            warnings.push(LoadWarning {
                file: files.links.0.clone(),
                line: Some(line),
                message: format!(
                    "link crosses the border {} → {} but neither `{}` nor `{}` has a `border` handling row, so no customs time or cost is charged",
                    builder.node(from).country,
                    builder.node(to).country,
                    builder.node(from).key,
                    builder.node(to).key
                ),
            });
        }
    }

    if let Some(shapes) = &files.shapes {
        let table = problems.table(shapes, SHAPE_COLUMNS);
        problems.each_row(
            table.as_ref(),
            |_| {},
            |fields| {
                let key = fields.required_text("link_id")?;
                let link = builder.link_id(key).ok_or_else(|| {
                    fields.error(
                        "link_id",
                        Fault::unknown("link", key, " (not in links.csv)"),
                    )
                })?;
                let network_km = fields
                    .non_negative("network_km")?
                    .ok_or_else(|| fields.error("network_km", "missing value"))?;
                fields.non_negative("snap_km")?;
                let sources = fields.sources("shape_source", "network_km", true, &resolve)?;
                let text = fields.required_text("polyline")?;
                let points = crate::io::decode_polyline(text)
                    .filter(|points| points.len() >= 2)
                    .ok_or_else(|| {
                        fields.error("polyline", "not an encoded polyline of two or more points")
                    })?;
                builder.set_link_shape(
                    link,
                    crate::network::LinkShape {
                        points,
                        network_km,
                        sources,
                    },
                );
                Ok(())
            },
        );
    }

    services::parse_services(files, &mut builder, &resolve, &mut problems);
    let mut freight = parse_freight(files, &dataset, &builder, &resolve, &mut problems);
    freight.demand_by_year = services::parse_demand_years(files, &freight, &resolve, &mut problems);
    freight.markets = markets::parse_markets(files, &freight, &builder, &resolve, &mut problems);
    freight.market_years = markets::parse_market_years(files, &freight, &resolve, &mut problems);
    freight.tonnage = tonnage::parse_tonnage(files, &builder, &resolve, &mut problems);
    if !problems.list.is_empty() {
        return Err(problems.list);
    }
    builder.set_freight(freight).map_err(|fault| {
        vec![LoadError::Network {
            file: files.dataset.0.clone(),
            fault: Box::new(fault),
        }]
    })?;

    let network = builder.build().map_err(|error| {
        vec![match &error {
            BuildError::MissingEmissionFactor { key, .. } => LoadError::Field {
                file: files.links.0.clone(),
                line: link_lines.get(key).copied().unwrap_or(0),
                field: "energy".to_string(),
                fault: Fault::from(format!("{error} (add a row to emissions.csv)")),
            },
            BuildError::AmbiguousPlaceName { name, second, .. } => {
                // The colliding text belongs to the node added second; name its field.
                let index = node_info.iter().position(|(key, _)| key == second);
                let field = match index.map(|i| &node_info[i]) {
                    Some((key, _)) if key == name => "node_id",
                    Some((_, node_name))
                        if crate::network::normalize_place_name(node_name)
                            == crate::network::normalize_place_name(name) =>
                    {
                        "name"
                    }
                    _ => "aliases",
                };
                LoadError::Field {
                    file: files.nodes.0.clone(),
                    line: index.map_or(0, |i| node_lines[i]),
                    field: field.to_string(),
                    fault: Fault::from(error.to_string()),
                }
            }
            // Nodes, links and handling rows were checked when they were added; only the two
            // cases above are left for `build`.
            _ => LoadError::Network {
                file: files.nodes.0.clone(),
                fault: Box::new(error),
            },
        }]
    })?;

    for (key, place, line) in [
        ("from", &dataset.info.default_from, dataset.default_lines.0),
        ("to", &dataset.info.default_to, dataset.default_lines.1),
    ] {
        if let Err(error) = network.find_place_by_name(place) {
            return Err(vec![LoadError::Field {
                file: files.dataset.0.clone(),
                line,
                field: format!("defaults.{key}"),
                fault: Fault::from(error.to_string()),
            }]);
        }
    }

    let used = used_sources.into_inner();
    for (index, source) in network.sources().iter().enumerate() {
        if !used.contains(&SourceId(index as u32)) {
            warnings.push(LoadWarning {
                file: files.sources.0.clone(),
                line: source_lines.get(index).copied(),
                message: format!("source `{}` is not used by any value", source.key),
            });
        }
    }
    warnings.extend(connectivity_warnings(&network, &files.nodes.0));
    Ok((network, warnings))
}

fn connectivity_warnings(network: &Network, nodes_file: &str) -> Vec<LoadWarning> {
    // Weakly connected components over all links, whatever their year.
    let mut parent: Vec<usize> = (0..network.node_count()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for link in network.links() {
        let (a, b) = (
            root(&mut parent, link.from.index()),
            root(&mut parent, link.to.index()),
        );
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut components: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for node in 0..network.node_count() {
        let r = root(&mut parent, node);
        components.entry(r).or_default().push(node);
    }
    if components.len() <= 1 {
        return Vec::new();
    }
    let largest = components.values().map(Vec::len).max().unwrap_or(0);
    let mut warnings = Vec::new();
    let mut reported_largest = false;
    for members in components.values() {
        if members.len() == largest && !reported_largest {
            reported_largest = true;
            continue;
        }
        let names: Vec<&str> = members
            .iter()
            .take(5)
            .map(|&n| network.nodes()[n].key.as_str())
            .collect();
        warnings.push(LoadWarning {
            file: nodes_file.to_string(),
            line: None,
            message: format!(
                "the network is disconnected: {} node(s) cannot be reached from the main part ({}{})",
                members.len(),
                names.join(", "),
                if members.len() > 5 { ", ..." } else { "" }
            ),
        });
    }
    warnings
}

fn mode_names() -> Vec<&'static str> {
    Mode::ALL.iter().map(|m| m.as_str()).collect()
}

fn energy_names() -> Vec<&'static str> {
    Energy::ALL.iter().map(|e| e.as_str()).collect()
}

const EMISSION_COLUMNS: &[Column] = &[
    required("mode"),
    required("energy"),
    required("kg_co2e_per_tkm"),
    required("factor_source"),
    optional("note"),
];

const SHAPE_COLUMNS: &[Column] = &[
    required("link_id"),
    optional("network"),
    required("network_km"),
    optional("snap_km"),
    required("shape_source"),
    required("polyline"),
];

const NODE_COLUMNS: &[Column] = &[
    required("node_id"),
    required("name"),
    optional("aliases"),
    required("country"),
    required("lat"),
    required("lon"),
    required("coord_source"),
    required("kind"),
    optional("gauges_mm"),
    optional("note"),
];

const LINK_COLUMNS: &[Column] = &[
    required("link_id"),
    required("from"),
    required("to"),
    required("mode"),
    optional("gauge_mm"),
    required("length_km"),
    required("length_source"),
    optional("speed_kmh"),
    optional("hours"),
    required("time_source"),
    optional("wait_h"),
    optional("wait_source"),
    optional("capacity_trains_per_day"),
    optional("capacity_teu_per_year"),
    optional("capacity_source"),
    required("tariff_fixed_usd"),
    required("tariff_per_km_usd"),
    required("tariff_source"),
    required("energy"),
    required("status"),
    optional("opening_year"),
    optional("closing_year"),
    optional("status_source"),
    optional("direction"),
    required("corridors"),
    optional("name"),
    optional("note"),
];

const HANDLING_COLUMNS: &[Column] = &[
    required("node_id"),
    required("kind"),
    required("hours"),
    required("hours_source"),
    required("cost_usd"),
    required("cost_source"),
    optional("capacity_teu_per_day"),
    optional("capacity_source"),
    optional("status"),
    optional("opening_year"),
    optional("closing_year"),
    optional("status_source"),
    optional("note"),
];

fn parse_node(
    fields: &Fields<'_>,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<Node, LoadError> {
    let key = fields.required_text("node_id")?;
    if !is_id(key) {
        return Err(fields.error(
            "node_id",
            Fault::BadId {
                id: clip(key),
                rule: ID_RULE,
            },
        ));
    }
    let name = fields.required_text("name")?.to_string();
    let country_text = fields.required_text("country")?;
    let country = Country::parse(country_text).ok_or_else(|| {
        fields.error(
            "country",
            format!("`{country_text}` is not an ISO 3166-1 alpha-2 code (two upper-case letters)"),
        )
    })?;
    let lat = fields
        .number("lat")?
        .ok_or_else(|| fields.error("lat", "missing value"))?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err(fields.error(
            "lat",
            Fault::OutOfRange {
                value: lat.to_string(),
                range: "[-90, 90]",
            },
        ));
    }
    let lon = fields
        .number("lon")?
        .ok_or_else(|| fields.error("lon", "missing value"))?;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(fields.error(
            "lon",
            Fault::OutOfRange {
                value: lon.to_string(),
                range: "[-180, 180]",
            },
        ));
    }
    let coord_sources = fields.sources("coord_source", "lat", true, resolve)?;
    let kind_names: Vec<&str> = NodeKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = fields.one_of("kind", NodeKind::parse, &kind_names)?;
    let mut gauges_mm = Vec::new();
    for item in fields.list("gauges_mm") {
        let gauge: u16 = item
            .parse()
            .ok()
            .filter(|g| (500..=2000).contains(g))
            .ok_or_else(|| {
                fields.error(
                    "gauges_mm",
                    format!("`{item}` is not a gauge in millimetres (500–2000)"),
                )
            })?;
        if !gauges_mm.contains(&gauge) {
            gauges_mm.push(gauge);
        }
    }
    Ok(Node {
        key: key.to_string(),
        name,
        aliases: fields.list("aliases"),
        country,
        lat,
        lon,
        coord_sources,
        kind,
        gauges_mm,
        note: fields.text("note").to_string(),
    })
}

fn parse_validity(
    fields: &Fields<'_>,
    reference_year: i32,
    default_status: Option<Status>,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<(Validity, Vec<SourceId>), LoadError> {
    let status_names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let status = match default_status {
        Some(default) if fields.text("status").is_empty() => default,
        _ => fields.one_of("status", Status::parse, &status_names)?,
    };
    let opening_year = fields.year("opening_year")?;
    let closing_year = fields.year("closing_year")?;
    let sources = fields.sources(
        "status_source",
        if opening_year.is_some() {
            "opening_year"
        } else {
            "closing_year"
        },
        opening_year.is_some() || closing_year.is_some(),
        resolve,
    )?;
    let validity = Validity {
        status,
        opening_year,
        closing_year,
    };
    validity
        .check(reference_year)
        .map_err(|error| fields.error(error.field, error.reason))?;
    Ok((validity, sources))
}

fn parse_link(
    fields: &Fields<'_>,
    builder: &NetworkBuilder,
    corridor_keys: &HashMap<String, CorridorId>,
    reference_year: i32,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<Link, LoadError> {
    let key = fields.required_text("link_id")?;
    if !is_id(key) {
        return Err(fields.error(
            "link_id",
            Fault::BadId {
                id: clip(key),
                rule: ID_RULE,
            },
        ));
    }
    let node = |field: &str| -> Result<NodeId, LoadError> {
        let text = fields.required_text(field)?;
        builder
            .node_id(text)
            .ok_or_else(|| fields.error(field, Fault::unknown("node", text, " (not in nodes.csv)")))
    };
    let from = node("from")?;
    let to = node("to")?;
    let mode = fields.one_of("mode", Mode::parse, &mode_names())?;
    let gauge_text = fields.text("gauge_mm");
    let gauge_mm = if gauge_text.is_empty() {
        None
    } else {
        Some(
            gauge_text
                .parse::<u16>()
                .ok()
                .filter(|g| (500..=2000).contains(g))
                .ok_or_else(|| {
                    fields.error(
                        "gauge_mm",
                        format!("`{gauge_text}` is not a gauge in millimetres (500–2000)"),
                    )
                })?,
        )
    };
    let length_km = fields
        .positive("length_km")?
        .ok_or_else(|| fields.error("length_km", "missing value"))?;
    let length_sources = fields.sources("length_source", "length_km", true, resolve)?;
    let running = match (fields.positive("speed_kmh")?, fields.positive("hours")?) {
        (Some(speed), None) => Running::SpeedKmh(speed),
        (None, Some(hours)) => Running::Hours(hours),
        (Some(_), Some(_)) => {
            return Err(fields.error("hours", "give either speed_kmh or hours, not both"));
        }
        (None, None) => {
            return Err(fields.error(
                "speed_kmh",
                Fault::Missing {
                    hint: " (give speed_kmh or hours)",
                },
            ));
        }
    };
    let time_sources = fields.sources("time_source", "speed_kmh", true, resolve)?;
    let wait = fields.non_negative("wait_h")?;
    let wait_sources = fields.sources("wait_source", "wait_h", wait.is_some(), resolve)?;
    let capacity_trains_per_day = fields.non_negative("capacity_trains_per_day")?;
    let capacity_teu_per_year = fields.non_negative("capacity_teu_per_year")?;
    let capacity_sources = fields.sources(
        "capacity_source",
        if capacity_trains_per_day.is_some() {
            "capacity_trains_per_day"
        } else {
            "capacity_teu_per_year"
        },
        capacity_trains_per_day.is_some() || capacity_teu_per_year.is_some(),
        resolve,
    )?;
    let tariff_fixed_usd = fields
        .non_negative("tariff_fixed_usd")?
        .ok_or_else(|| fields.error("tariff_fixed_usd", "missing value"))?;
    let tariff_per_km_usd = fields
        .non_negative("tariff_per_km_usd")?
        .ok_or_else(|| fields.error("tariff_per_km_usd", "missing value"))?;
    let tariff_sources = fields.sources("tariff_source", "tariff_fixed_usd", true, resolve)?;
    let energy = fields.one_of("energy", Energy::parse, &energy_names())?;
    let (validity, status_sources) = parse_validity(fields, reference_year, None, resolve)?;
    let direction = match fields.text("direction") {
        "" | "both" => Direction::Both,
        "forward" => Direction::Forward,
        other => {
            return Err(fields.error(
                "direction",
                format!("unknown value `{other}` (expected one of: both, forward)"),
            ));
        }
    };
    let mut corridors = Vec::new();
    let corridor_list = fields.list("corridors");
    if corridor_list.is_empty() {
        return Err(fields.error(
            "corridors",
            Fault::Missing {
                hint: " (use `regional` for none)",
            },
        ));
    }
    for item in corridor_list {
        if item == "regional" {
            continue;
        }
        let id = corridor_keys.get(&item).copied().ok_or_else(|| {
            let mut known: Vec<&str> = corridor_keys.keys().map(String::as_str).collect();
            known.sort_unstable();
            known.push("regional");
            fields.error(
                "corridors",
                format!(
                    "unknown corridor `{item}` (declared in dataset.toml: {})",
                    known.join(", ")
                ),
            )
        })?;
        if !corridors.contains(&id) {
            corridors.push(id);
        }
    }
    corridors.sort_unstable();
    Ok(Link {
        key: key.to_string(),
        from,
        to,
        mode,
        gauge_mm,
        length_km,
        length_sources,
        running,
        time_sources,
        wait_h: wait.unwrap_or(0.0),
        wait_sources,
        capacity_trains_per_day,
        capacity_teu_per_year,
        capacity_sources,
        tariff_fixed_usd,
        tariff_per_km_usd,
        tariff_sources,
        energy,
        validity,
        status_sources,
        direction,
        corridors,
        name: fields.text("name").to_string(),
        note: fields.text("note").to_string(),
        sailings: Vec::new(),
    })
}

fn parse_handling(
    fields: &Fields<'_>,
    builder: &NetworkBuilder,
    reference_year: i32,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<Handling, LoadError> {
    let node_text = fields.required_text("node_id")?;
    let node = builder.node_id(node_text).ok_or_else(|| {
        fields.error(
            "node_id",
            Fault::unknown("node", node_text, " (not in nodes.csv)"),
        )
    })?;
    let kind_names: Vec<&str> = HandlingKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = fields.one_of("kind", HandlingKind::parse, &kind_names)?;
    let hours = fields
        .non_negative("hours")?
        .ok_or_else(|| fields.error("hours", "missing value"))?;
    let hours_sources = fields.sources("hours_source", "hours", true, resolve)?;
    let cost_usd = fields
        .non_negative("cost_usd")?
        .ok_or_else(|| fields.error("cost_usd", "missing value"))?;
    let cost_sources = fields.sources("cost_source", "cost_usd", true, resolve)?;
    let capacity_teu_per_day = fields.non_negative("capacity_teu_per_day")?;
    let capacity_sources = fields.sources(
        "capacity_source",
        "capacity_teu_per_day",
        capacity_teu_per_day.is_some(),
        resolve,
    )?;
    let (validity, status_sources) =
        parse_validity(fields, reference_year, Some(Status::Operational), resolve)?;
    if kind == HandlingKind::GaugeChange && builder.node(node).gauges_mm.len() < 2 {
        return Err(fields.error(
            "kind",
            format!(
                "a gauge_change row needs at least two gauges at node `{node_text}` (gauges_mm in nodes.csv)"
            ),
        ));
    }
    Ok(Handling {
        node,
        kind,
        hours,
        hours_sources,
        cost_usd,
        cost_sources,
        capacity_teu_per_day,
        capacity_sources,
        validity,
        status_sources,
        note: fields.text("note").to_string(),
    })
}

// ---- TOML files ----
//
// Every key is read as a `toml::Spanned` value, so errors name the line of the key at fault
// (or of its table when the key is absent) from the parser's own positions.

type Spanned<T> = toml::Spanned<T>;

/// Line numbers of byte offsets in a text: the newlines found once, each lookup a binary search
/// (counting from the start on every lookup made SOURCES.toml quadratic).
pub(crate) struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Self { newlines }
    }

    /// The line (1-based) of a byte offset.
    pub(crate) fn at(&self, offset: usize) -> u64 {
        self.newlines.partition_point(|&n| n < offset) as u64 + 1
    }

    /// The line of a spanned value.
    pub(crate) fn of<T>(&self, value: &Spanned<T>) -> u64 {
        self.at(value.span().start)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<SourceRecord>,
}

/// One `[[source]]` table (SOURCES.toml, scenario files).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceRecord {
    pub(crate) id: Spanned<String>,
    title: Spanned<String>,
    url: Option<Spanned<String>>,
    year: Option<Spanned<i32>>,
    confidence: Option<Spanned<String>>,
    kind: Spanned<String>,
    method: Option<Spanned<String>>,
}

pub(crate) fn toml_error(file: &str, text: &str, error: &toml::de::Error) -> LoadError {
    LoadError::MalformedToml {
        file: file.to_string(),
        line: error.span().map(|span| Lines::new(text).at(span.start)),
        reason: error.message().trim().to_string(),
    }
}

pub(crate) fn toml_text(file: &(String, Vec<u8>)) -> Result<&str, LoadError> {
    std::str::from_utf8(&file.1).map_err(|error| {
        let position = error.valid_up_to();
        LoadError::NotUtf8 {
            file: file.0.clone(),
            line: file.1[..position].iter().filter(|&&b| b == b'\n').count() as u64 + 1,
            field: "file".to_string(),
            byte: file.1[position],
            position,
        }
    })
}

pub(crate) fn parse_sources(
    file: &(String, Vec<u8>),
) -> Result<(Vec<Source>, Vec<u64>), LoadError> {
    let text = toml_text(file)?;
    let parsed: SourcesFile =
        toml::from_str(text).map_err(|error| toml_error(&file.0, text, &error))?;
    let line_index = Lines::new(text);
    let mut sources = Vec::new();
    let mut lines = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in parsed.source {
        let line = line_index.of(&record.id);
        if let Some(first) = seen.insert(record.id.get_ref().clone(), line) {
            return Err(LoadError::Field {
                file: file.0.clone(),
                line,
                field: "id".to_string(),
                fault: Fault::rule(format!(
                    "duplicate source id `{}` (first on line {first})",
                    clip(record.id.get_ref())
                )),
            });
        }
        sources.push(source_from_record(&file.0, &line_index, record)?);
        lines.push(line);
    }
    Ok((sources, lines))
}

/// A source from its `[[source]]` table, checked (id, kind, title, confidence, method); each
/// error names the line of the key at fault.
pub(crate) fn source_from_record(
    file: &str,
    lines: &Lines,
    record: SourceRecord,
) -> Result<Source, LoadError> {
    let line = lines.of(&record.id);
    let optional_line =
        |value: &Option<Spanned<String>>| value.as_ref().map_or(line, |v| lines.of(v));
    // The line of the offending key, or of the record's id when the key is absent.
    let key_lines = [
        ("id", line),
        ("title", lines.of(&record.title)),
        ("kind", lines.of(&record.kind)),
        ("url", optional_line(&record.url)),
        ("confidence", optional_line(&record.confidence)),
        ("method", optional_line(&record.method)),
        ("year", record.year.as_ref().map_or(line, |y| lines.of(y))),
    ];
    let error = |field: &str, fault: Fault| LoadError::Field {
        file: file.to_string(),
        line: key_lines
            .iter()
            .find(|(key, _)| *key == field)
            .map_or(line, |&(_, line)| line),
        field: field.to_string(),
        fault,
    };
    let id = record.id.into_inner();
    if !is_source_key(&id) {
        return Err(error(
            "id",
            Fault::BadId {
                id: clip(&id),
                rule: "upper-case letters, digits and `_`",
            },
        ));
    }
    let kind = match record.kind.get_ref().as_str() {
        "published" => SourceKind::Published,
        "derived" => SourceKind::Derived,
        "estimate" => SourceKind::Estimate,
        other => {
            return Err(error(
                "kind",
                Fault::UnknownValue {
                    value: clip(other),
                    expected: "published, derived, estimate".to_string(),
                },
            ));
        }
    };
    let text_of =
        |value: Option<Spanned<String>>| value.map(Spanned::into_inner).unwrap_or_default();
    let source = Source {
        key: id,
        title: record.title.into_inner(),
        url: text_of(record.url),
        year: record.year.map(Spanned::into_inner),
        confidence: text_of(record.confidence),
        kind,
        method: text_of(record.method),
    };
    source
        .check()
        .map_err(|invalid| error(invalid.field, Fault::from(invalid.reason)))?;
    Ok(source)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetFile {
    name: String,
    reference_year: Spanned<i32>,
    tariff_year: i32,
    defaults: Spanned<DefaultsRecord>,
    #[serde(default)]
    corridor: Vec<Spanned<CorridorRecord>>,
    freight: Option<Spanned<FreightRecord>>,
    #[serde(default)]
    freight_class: Vec<Spanned<FreightClassRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FreightRecord {
    teu_per_train: Option<Spanned<f64>>,
    teu_per_train_source: Option<Spanned<String>>,
    return_trains_per_train: Option<Spanned<f64>>,
    return_trains_source: Option<Spanned<String>>,
    tonnes_per_teu: Option<Spanned<f64>>,
    tonnes_per_teu_source: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FreightClassRecord {
    id: Spanned<String>,
    name: String,
    value_of_time_usd_per_teu_day: Spanned<f64>,
    value_of_time_source: Spanned<String>,
    pce: Option<Spanned<f64>>,
    pce_source: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsRecord {
    payload_t: Spanned<f64>,
    payload_source: Spanned<String>,
    value_of_time_usd_per_day: Spanned<f64>,
    value_of_time_source: Spanned<String>,
    from: Spanned<String>,
    to: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorridorRecord {
    id: Spanned<String>,
    name: String,
}

struct Dataset {
    info: DatasetInfo,
    /// Lines of `defaults.from` and `defaults.to`.
    default_lines: (u64, u64),
    corridors: Vec<Corridor>,
    /// `[freight]`: TEU per train and its sources.
    teu_per_train: (Option<f64>, Vec<SourceId>),
    return_trains: (Option<f64>, Vec<SourceId>),
    tonnes_per_teu: (Option<f64>, Vec<SourceId>),
    /// `[[freight_class]]`.
    classes: Vec<FreightClass>,
}

fn parse_dataset(
    file: &(String, Vec<u8>),
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<Dataset, LoadError> {
    let text = toml_text(file)?;
    let parsed: DatasetFile =
        toml::from_str(text).map_err(|error| toml_error(&file.0, text, &error))?;
    let line_index = Lines::new(text);
    let error = |field: &str, line: u64, fault: Fault| LoadError::Field {
        file: file.0.clone(),
        line,
        field: field.to_string(),
        fault,
    };
    let reference_year = *parsed.reference_year.get_ref();
    if !(1800..=2200).contains(&reference_year) {
        return Err(error(
            "reference_year",
            line_index.of(&parsed.reference_year),
            Fault::rule(format!(
                "{reference_year} is not a year between 1800 and 2200"
            )),
        ));
    }
    let defaults = parsed.defaults.get_ref();
    let payload_t = *defaults.payload_t.get_ref();
    if !(payload_t.is_finite() && payload_t > 0.0) {
        return Err(error(
            "payload_t",
            line_index.of(&defaults.payload_t),
            Fault::NotPositive {
                value: payload_t.to_string(),
            },
        ));
    }
    let value_of_time = *defaults.value_of_time_usd_per_day.get_ref();
    if !(value_of_time.is_finite() && value_of_time >= 0.0) {
        return Err(error(
            "value_of_time_usd_per_day",
            line_index.of(&defaults.value_of_time_usd_per_day),
            Fault::Negative {
                value: value_of_time.to_string(),
            },
        ));
    }
    // Source ids of `field` (a list `A|B`); the field's line in errors.
    let sources = |field: &str, value: &Spanned<String>| -> Result<Vec<SourceId>, LoadError> {
        let line = line_index.of(value);
        let keys = split_list(value.get_ref());
        if keys.is_empty() {
            return Err(error(field, line, Fault::rule("missing source id")));
        }
        keys.iter()
            .map(|key| {
                resolve(key).ok_or_else(|| {
                    error(
                        field,
                        line,
                        Fault::unknown("source id", key, " (not in SOURCES.toml)"),
                    )
                })
            })
            .collect()
    };
    let payload_sources = sources("payload_source", &defaults.payload_source)?;
    let value_of_time_sources = sources("value_of_time_source", &defaults.value_of_time_source)?;
    let mut corridors: Vec<Corridor> = Vec::new();
    for record in &parsed.corridor {
        let record = record.get_ref();
        let id = record.id.get_ref();
        let line = line_index.of(&record.id);
        if !is_id(id) || id == "regional" {
            return Err(error(
                "id",
                line,
                Fault::rule(format!(
                    "corridor id `{}` must use only {ID_RULE} and must not be `regional` (implicit)",
                    clip(id)
                )),
            ));
        }
        if corridors.iter().any(|c| &c.key == id) {
            return Err(error(
                "id",
                line,
                Fault::rule(format!("duplicate corridor id `{id}`")),
            ));
        }
        corridors.push(Corridor {
            key: id.clone(),
            name: record.name.clone(),
        });
    }
    // An optional number of [freight] with its sources: (field, source field, largest value).
    let freight_number = |value: Option<&Spanned<f64>>,
                          source: Option<&Spanned<String>>,
                          field: &str,
                          source_field: &str,
                          max: f64|
     -> Result<(Option<f64>, Vec<SourceId>), LoadError> {
        let Some(value) = value else {
            return Ok((None, Vec::new()));
        };
        let line = line_index.of(value);
        let number = *value.get_ref();
        if !(number.is_finite() && number > 0.0) {
            return Err(error(
                &format!("freight.{field}"),
                line,
                Fault::NotPositive {
                    value: number.to_string(),
                },
            ));
        }
        if number > max {
            return Err(error(
                &format!("freight.{field}"),
                line,
                Fault::OutOfRange {
                    value: number.to_string(),
                    range: if max > 100.0 { "(0, 10000]" } else { "(0, 2]" },
                },
            ));
        }
        let source_line = source.map_or(line, |s| line_index.of(s));
        let keys = split_list(source.map_or("", |s| s.get_ref().as_str()));
        if keys.is_empty() {
            return Err(error(
                &format!("freight.{source_field}"),
                line,
                Fault::MissingSource {
                    value_field: field.to_string(),
                },
            ));
        }
        let ids = keys
            .iter()
            .map(|key| {
                resolve(key).ok_or_else(|| {
                    error(
                        &format!("freight.{source_field}"),
                        source_line,
                        Fault::unknown("source id", key, " (not in SOURCES.toml)"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((Some(number), ids))
    };
    let record = parsed.freight.as_ref().map(Spanned::get_ref);
    let teu_per_train = freight_number(
        record.and_then(|r| r.teu_per_train.as_ref()),
        record.and_then(|r| r.teu_per_train_source.as_ref()),
        "teu_per_train",
        "teu_per_train_source",
        10_000.0,
    )?;
    let return_trains = freight_number(
        record.and_then(|r| r.return_trains_per_train.as_ref()),
        record.and_then(|r| r.return_trains_source.as_ref()),
        "return_trains_per_train",
        "return_trains_source",
        2.0,
    )?;
    let tonnes_per_teu = freight_number(
        record.and_then(|r| r.tonnes_per_teu.as_ref()),
        record.and_then(|r| r.tonnes_per_teu_source.as_ref()),
        "tonnes_per_teu",
        "tonnes_per_teu_source",
        40.0,
    )?;
    let mut classes: Vec<FreightClass> = Vec::new();
    for record in &parsed.freight_class {
        let record = record.get_ref();
        let field = |name: &str| format!("freight_class.{name}");
        // Source ids of a class value; a missing source points at the value.
        let sources = |name: &str,
                       value_field: &str,
                       value_line: u64,
                       spanned: Option<&Spanned<String>>|
         -> Result<Vec<SourceId>, LoadError> {
            let keys = split_list(spanned.map_or("", |s| s.get_ref().as_str()));
            if keys.is_empty() {
                return Err(error(
                    &field(name),
                    value_line,
                    Fault::MissingSource {
                        value_field: value_field.to_string(),
                    },
                ));
            }
            let line = spanned.map_or(value_line, |s| line_index.of(s));
            keys.iter()
                .map(|key| {
                    resolve(key).ok_or_else(|| {
                        error(
                            &field(name),
                            line,
                            Fault::unknown("source id", key, " (not in SOURCES.toml)"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let id = record.id.get_ref();
        let id_line = line_index.of(&record.id);
        if !is_id(id) {
            return Err(error(
                &field("id"),
                id_line,
                Fault::rule(format!("class id `{}` must use only {ID_RULE}", clip(id))),
            ));
        }
        if classes.iter().any(|c| &c.key == id) {
            return Err(error(
                &field("id"),
                id_line,
                Fault::rule(format!("duplicate class id `{id}`")),
            ));
        }
        let vot_line = line_index.of(&record.value_of_time_usd_per_teu_day);
        let vot = *record.value_of_time_usd_per_teu_day.get_ref();
        if !(vot.is_finite() && vot > 0.0) {
            return Err(error(
                &field("value_of_time_usd_per_teu_day"),
                vot_line,
                Fault::NotPositive {
                    value: vot.to_string(),
                },
            ));
        }
        let value_of_time_sources = sources(
            "value_of_time_source",
            "value_of_time_usd_per_teu_day",
            vot_line,
            Some(&record.value_of_time_source),
        )?;
        let (pce, pce_sources) = match &record.pce {
            None => (1.0, Vec::new()),
            Some(spanned) => {
                let pce = *spanned.get_ref();
                let pce_line = line_index.of(spanned);
                if !(pce.is_finite() && pce > 0.0) {
                    return Err(error(
                        &field("pce"),
                        pce_line,
                        Fault::NotPositive {
                            value: pce.to_string(),
                        },
                    ));
                }
                let ids = sources("pce_source", "pce", pce_line, record.pce_source.as_ref())?;
                (pce, ids)
            }
        };
        classes.push(FreightClass {
            key: id.clone(),
            name: record.name.clone(),
            value_of_time_usd_per_teu_day: vot,
            value_of_time_sources,
            pce,
            pce_sources,
        });
    }
    Ok(Dataset {
        default_lines: (line_index.of(&defaults.from), line_index.of(&defaults.to)),
        info: DatasetInfo {
            name: parsed.name,
            reference_year,
            tariff_year: parsed.tariff_year,
            payload_t,
            payload_sources,
            value_of_time_usd_per_day: value_of_time,
            value_of_time_sources,
            default_from: defaults.from.get_ref().clone(),
            default_to: defaults.to.get_ref().clone(),
        },
        corridors,
        teu_per_train,
        return_trains,
        tonnes_per_teu,
        classes,
    })
}

const ZONE_COLUMNS: &[Column] = &[
    required("zone_id"),
    required("name"),
    required("places"),
    required("zone_source"),
    optional("note"),
];

const DEMAND_COLUMNS: &[Column] = &[
    required("origin"),
    required("destination"),
    required("class"),
    required("teu_per_year"),
    required("demand_source"),
    optional("note"),
];

/// The freight data: classes and TEU per train from `dataset.toml`, `zones.csv` and
/// `demand.csv` (both optional; demand needs zones).
fn parse_freight(
    files: &NetworkFiles,
    dataset: &Dataset,
    builder: &NetworkBuilder,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
    problems: &mut Problems,
) -> FreightData {
    let mut freight = FreightData {
        teu_per_train: dataset.teu_per_train.0,
        teu_per_train_sources: dataset.teu_per_train.1.clone(),
        return_trains_per_train: dataset.return_trains.0,
        return_trains_sources: dataset.return_trains.1.clone(),
        tonnes_per_teu: dataset.tonnes_per_teu.0,
        tonnes_per_teu_sources: dataset.tonnes_per_teu.1.clone(),
        tonnage: Vec::new(),
        classes: dataset.classes.clone(),
        zones: Vec::new(),
        demand: Vec::new(),
        demand_by_year: Vec::new(),
        markets: Vec::new(),
        market_years: Vec::new(),
    };
    let mut zone_lines: Vec<u64> = Vec::new();
    // Zone (index) and line of each place already in a zone.
    let mut place_zone: HashMap<NodeId, (usize, u64)> = HashMap::new();
    if let Some(zones) = &files.zones {
        let table = problems.table(zones, ZONE_COLUMNS);
        problems.failed.zones = table.is_none();
        problems.each_row(table.as_ref(), |failed| failed.zones = true, |fields| {
                let key = fields.required_text("zone_id")?;
                if !is_id(key) {
                    return Err(fields.error(
                        "zone_id",
                        Fault::BadId {
                            id: clip(key),
                            rule: ID_RULE,
                        },
                    ));
                }
                if let Some(first) = freight.zones.iter().position(|z| z.key == key) {
                    return Err(fields.error(
                        "zone_id",
                        Fault::DuplicateId {
                            id: key.to_string(),
                            first_line: Some(zone_lines[first]),
                        },
                    ));
                }
                let name = fields.required_text("name")?.to_string();
                let items = fields.list("places");
                if items.is_empty() {
                    return Err(fields.error(
                        "places",
                        Fault::Missing {
                            hint: " (one or more node ids)",
                        },
                    ));
                }
                let mut places: Vec<NodeId> = Vec::new();
                for item in items {
                    let node = builder.node_id(&item).ok_or_else(|| {
                        fields.error(
                            "places",
                            Fault::unknown("node", &item, " (not in nodes.csv)"),
                        )
                    })?;
                    if places.contains(&node) {
                        return Err(
                            fields.error("places", format!("node `{item}` is listed twice"))
                        );
                    }
                    if let Some(&(zone, line)) = place_zone.get(&node) {
                        return Err(fields.error(
                        "places",
                        format!(
                            "node `{item}` already belongs to zone `{}` (line {line}); a place belongs to at most one zone",
                            freight.zones[zone].key
                        ),
                    ));
                    }
                    places.push(node);
                }
                let sources = fields.sources("zone_source", "places", true, resolve)?;
                // Only a zone that is kept claims its places: validation goes on past a bad
                // row, and a later row must not find a place claimed by a zone never added.
                for &node in &places {
                    place_zone.insert(node, (freight.zones.len(), fields.line()));
                }
                zone_lines.push(fields.line());
                freight.zones.push(Zone {
                    key: key.to_string(),
                    name,
                    places,
                    sources,
                    note: fields.text("note").to_string(),
                });
                Ok(())
            });
    }
    if let Some(demand) = &files.demand {
        let table = problems.table(demand, DEMAND_COLUMNS);
        let mut seen: HashMap<(ZoneId, ZoneId, FreightClassId), u64> = HashMap::new();
        // Without zones.csv every row would say so; once is enough.
        let no_zones_file = files.zones.is_none();
        problems.each_row(table.as_ref(), |failed| failed.zones |= no_zones_file, |fields| {
                let zone = |field: &str| -> Result<ZoneId, LoadError> {
                    let text = fields.required_text(field)?;
                    freight.zone_by_key(text).ok_or_else(|| {
                        let hint = if files.zones.is_none() {
                            "zones.csv is missing"
                        } else {
                            "not in zones.csv"
                        };
                        fields.error(field, Fault::unknown("zone", text, format!(" ({hint})")))
                    })
                };
                let origin = zone("origin")?;
                let destination = zone("destination")?;
                if origin == destination {
                    return Err(fields.error(
                        "destination",
                        format!(
                            "same zone as the origin (`{}`); demand inside a zone is not assigned",
                            freight.zone(origin).key
                        ),
                    ));
                }
                let class_text = fields.required_text("class")?;
                let class = freight.class_by_key(class_text).ok_or_else(|| {
                let known: Vec<&str> = freight.classes.iter().map(|c| c.key.as_str()).collect();
                fields.error(
                    "class",
                    format!(
                        "unknown class `{class_text}` (declared as [[freight_class]] in dataset.toml: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                )
            })?;
                let teu_per_year = fields
                    .non_negative("teu_per_year")?
                    .ok_or_else(|| fields.error("teu_per_year", "missing value"))?;
                let sources = fields.sources("demand_source", "teu_per_year", true, resolve)?;
                if let Some(first) = seen.insert((origin, destination, class), fields.line()) {
                    return Err(fields.error(
                    "class",
                    format!(
                        "a row for {} → {} and class `{class_text}` is already given on line {first}",
                        freight.zone(origin).key,
                        freight.zone(destination).key
                    ),
                ));
                }
                freight.demand.push(Demand {
                    origin,
                    destination,
                    class,
                    teu_per_year,
                    sources,
                    note: fields.text("note").to_string(),
                });
                Ok(())
            });
    }
    freight
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> NetworkFiles {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        NetworkFiles::read_dir(Path::new(dir)).expect("mini is readable")
    }

    /// Found by the `network_folder` fuzz target: a zone row that failed on its source had
    /// already claimed its places, and a later row naming one of them looked up a zone that
    /// was never added (index out of bounds).
    // See: issue #9
    #[test]
    fn a_rejected_zone_row_claims_no_places_issue_9() {
        let mut files = mini();
        let zones = "zone_id,name,places,zone_source,note\n\
                     east,East region,east_city,T_NOPE,\n\
                     west,West region,west_city|west_port,T_NOPE,\n\
                     caucasus,Caucasus,ferry_west|east_city,T_HAND,\n";
        files.zones = Some(("zones.csv".to_string(), zones.as_bytes().to_vec()));
        let error = load_files(&files).expect_err("an unknown source is an error");
        assert_eq!(error.line(), Some(2), "{error}");
        let problems = validate_files(&files).expect_err("invalid");
        let lines: Vec<Option<u64>> = problems.iter().map(LoadError::line).collect();
        assert_eq!(lines, [Some(2), Some(3)], "{problems:?}");
    }

    #[test]
    fn line_index_agrees_with_counting_newlines() {
        for text in ["", "\n", "a", "a\nb", "\n\nab\n", "[x]\nk = 1\r\nj = 2\n\n"] {
            let index = Lines::new(text);
            for offset in 0..=text.len() + 2 {
                let counted = text.as_bytes()[..offset.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64
                    + 1;
                assert_eq!(index.at(offset), counted, "{text:?} at {offset}");
            }
        }
    }

    #[test]
    fn loads_the_mini_network() {
        let (network, warnings) = load_files(&mini()).expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(network.node_count(), 12);
        assert_eq!(network.link_count(), 14);
        assert_eq!(network.corridors().len(), 3);
        let ferry = network.link(network.link_by_key("ferry").expect("exists"));
        assert_eq!(ferry.running, Running::Hours(20.0));
        assert_eq!(ferry.wait_h, 48.0);
    }

    #[test]
    fn loads_the_mini_freight_demand() {
        let (network, _) = load_files(&mini()).expect("valid");
        let freight = network.freight();
        assert_eq!(freight.teu_per_train, Some(100.0));
        assert_eq!(freight.classes.len(), 2);
        assert_eq!(freight.classes[0].pce, 1.0);
        assert!(freight.classes[0].pce_sources.is_empty());
        assert_eq!(freight.classes[1].value_of_time_usd_per_teu_day, 10.0);
        assert_eq!(freight.zones.len(), 3);
        assert_eq!(freight.zones[1].places.len(), 2);
        assert_eq!(freight.demand.len(), 5);
        assert_eq!(freight.total_teu_per_year(), 430_000.0);
    }

    /// The message of loading mini with `edit` applied.
    fn error_of(edit: impl FnOnce(&mut NetworkFiles)) -> String {
        let mut files = mini();
        edit(&mut files);
        load_files(&files).expect_err("invalid").to_string()
    }

    pub(super) fn replace(file: &mut (String, Vec<u8>), from: &str, to: &str) {
        let text = String::from_utf8(file.1.clone()).expect("UTF-8");
        assert!(text.contains(from), "{from} not in {}", file.0);
        file.1 = text.replacen(from, to, 1).into_bytes();
    }

    #[test]
    fn freight_errors_name_file_line_and_field() {
        type Edit = Box<dyn FnOnce(&mut NetworkFiles)>;
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "east,caucasus",
                        "east,atlantis",
                    )
                }),
                "demand.csv:6: destination: unknown zone `atlantis` (not in zones.csv)",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "east,caucasus",
                        "east,east",
                    )
                }),
                "demand.csv:6: destination: same zone as the origin (`east`)",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "caucasus,express",
                        "caucasus,slow",
                    )
                }),
                "demand.csv:6: class: unknown class `slow` (declared as [[freight_class]] in dataset.toml: express, standard)",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "express,30000",
                        "express,-3",
                    )
                }),
                "demand.csv:6: teu_per_year: must be ≥ 0, found -3",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "express,30000,T_HAND",
                        "express,30000,",
                    )
                }),
                "demand.csv:6: demand_source: `teu_per_year` has a value but no source id",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "east,caucasus,express",
                        "east,west,express",
                    )
                }),
                "demand.csv:6: class: a row for east → west and class `express` is already given on line 2",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.zones.as_mut().expect("zones"),
                        "ferry_west,T_HAND",
                        "ferry_west|east_city,T_HAND",
                    )
                }),
                "zones.csv:4: places: node `east_city` already belongs to zone `east` (line 2)",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.zones.as_mut().expect("zones"),
                        "ferry_west,T_HAND",
                        "ferry_wset,T_HAND",
                    )
                }),
                "zones.csv:4: places: unknown node `ferry_wset` (not in nodes.csv)",
            ),
            (
                Box::new(|f| {
                    replace(
                        f.zones.as_mut().expect("zones"),
                        "caucasus,Caucasus",
                        "east,Caucasus",
                    )
                }),
                "zones.csv:4: zone_id: duplicate id `east` (first defined on line 2)",
            ),
            (
                Box::new(|f| f.zones = None),
                "demand.csv:2: origin: unknown zone `east` (zones.csv is missing)",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.dataset,
                        "value_of_time_usd_per_teu_day = 10.0",
                        "value_of_time_usd_per_teu_day = 0.0",
                    )
                }),
                "dataset.toml:38: freight_class.value_of_time_usd_per_teu_day: must be > 0, found 0",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.dataset,
                        "teu_per_train_source = \"T_HAND\"",
                        "teu_per_train_source = \"T_NOPE\"",
                    )
                }),
                "dataset.toml:27: freight.teu_per_train_source: unknown source id `T_NOPE` (not in SOURCES.toml)",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.dataset,
                        "teu_per_train_source = \"T_HAND\"",
                        "teu_per_train_source = \"T_HAND\"\nreturn_trains_per_train = 3.0\nreturn_trains_source = \"T_HAND\"",
                    )
                }),
                "dataset.toml:28: freight.return_trains_per_train: 3 is outside (0, 2]",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.dataset,
                        "teu_per_train_source = \"T_HAND\"",
                        "teu_per_train_source = \"T_HAND\"\nreturn_trains_per_train = 0.8",
                    )
                }),
                "dataset.toml:28: freight.return_trains_source: `return_trains_per_train` has a value but no source id",
            ),
        ];
        for (edit, expected) in cases {
            let message = error_of(edit);
            assert!(
                message.contains(expected),
                "expected `{expected}`, got `{message}`"
            );
        }
    }

    #[test]
    fn errors_carry_stable_codes_and_the_file_line_and_field() {
        type Edit = Box<dyn FnOnce(&mut NetworkFiles)>;
        let cases: Vec<(Edit, &str, Option<u64>, Option<&str>)> = vec![
            (
                Box::new(|f| replace(&mut f.nodes, "CN,34.0,110.0", "CN,34.x,110.0")),
                "not_a_number",
                Some(2),
                Some("lat"),
            ),
            (
                Box::new(|f| replace(&mut f.nodes, "CN,34.0,110.0", "CN,inf,110.0")),
                "not_finite",
                Some(2),
                Some("lat"),
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "east,caucasus",
                        "east,atlantis",
                    )
                }),
                "unknown_reference",
                Some(6),
                Some("destination"),
            ),
            (
                Box::new(|f| {
                    replace(
                        f.zones.as_mut().expect("zones"),
                        "caucasus,Caucasus",
                        "east,Caucasus",
                    )
                }),
                "duplicate_id",
                Some(4),
                Some("zone_id"),
            ),
            (
                Box::new(|f| {
                    replace(
                        f.demand.as_mut().expect("demand"),
                        "express,30000,T_HAND",
                        "express,30000,",
                    )
                }),
                "missing_source",
                Some(6),
                Some("demand_source"),
            ),
            (
                Box::new(|f| replace(&mut f.dataset, "reference_year", "reference_yeer")),
                "malformed_toml",
                None,
                None,
            ),
            (
                Box::new(|f| f.nodes.1 = b"node_id,name\n".to_vec()),
                "missing_column",
                Some(1),
                Some("country"),
            ),
        ];
        for (edit, code, line, field) in cases {
            let mut files = mini();
            edit(&mut files);
            let error = load_files(&files).expect_err("invalid");
            assert_eq!(error.code(), code, "{error}");
            if line.is_some() {
                assert_eq!(error.line(), line, "{error}");
            }
            assert_eq!(error.field(), field, "{error}");
        }
    }

    #[test]
    fn a_huge_value_is_cut_in_the_message_issue_9() {
        // A 1 MB field value was echoed whole in a one-line message. See: issue #9
        let mut files = mini();
        let huge = format!("55.2{}", "a".repeat(1_000_000));
        replace(&mut files.nodes, "34.0,110.0", &format!("34.0,{huge}"));
        let message = load_files(&files).expect_err("not a number").to_string();
        assert!(message.len() < 300, "{} bytes", message.len());
        assert!(message.contains("is not a number"), "{message}");
        assert!(message.contains("(1000004 bytes)"), "{message}");
    }

    #[test]
    fn toml_errors_name_the_line_of_the_key_wherever_it_is_written() {
        // Keys in an inline table, after a comment naming the key, or dotted: the parser's
        // spans find them where the old line-prefix scanners could not.
        let mut files = mini();
        replace(
            &mut files.dataset,
            "[defaults]\npayload_t = 10.0\npayload_source = \"T_HAND\"\n",
            "# payload_t is per FEU\n[defaults]\npayload_source = \"T_HAND\"\npayload_t = -1.0\n",
        );
        let error = load_files(&files).expect_err("negative payload");
        assert_eq!(error.line(), Some(8), "{error}");
        assert_eq!(error.field(), Some("payload_t"));
        let mut files = mini();
        replace(
            &mut files.dataset,
            "[freight]\nteu_per_train = 100.0\nteu_per_train_source = \"T_HAND\"\n",
            "",
        );
        replace(
            &mut files.dataset,
            "tariff_year = 2025\n",
            "tariff_year = 2025\nfreight = { teu_per_train = 100.0, teu_per_train_source = \"T_NONE\" }\n",
        );
        let error = load_files(&files).expect_err("unknown source");
        assert_eq!(
            error.to_string(),
            format!(
                "{}:4: freight.teu_per_train_source: unknown source id `T_NONE` (not in SOURCES.toml)",
                files.dataset.0
            )
        );
    }

    #[test]
    fn validation_reports_every_problem_but_not_their_consequences_issue_9() {
        // `validate` promised every problem and stopped at the first. See: issue #9
        let mut files = mini();
        replace(&mut files.nodes, "KZ,47.0,74.0", "KZ,47.0,740.0");
        replace(&mut files.nodes, "NL,51.9,4.5", "NL,51.9,x");
        replace(
            &mut files.handling,
            "west_city,terminal,6,T_HAND",
            "west_city,terminal,6,T_NOPE",
        );
        replace(f_demand(&mut files), "express,30000", "express,-3");
        let problems = validate_files(&files).expect_err("invalid");
        let found: Vec<(String, Option<u64>, &str)> = problems
            .iter()
            .map(|p| {
                let file = p.file().rsplit('/').next().unwrap_or("").to_string();
                (file, p.line(), p.code())
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("nodes.csv".to_string(), Some(6), "out_of_range"),
                ("nodes.csv".to_string(), Some(12), "not_a_number"),
                ("handling.csv".to_string(), Some(3), "unknown_reference"),
                ("demand.csv".to_string(), Some(6), "negative"),
            ],
            "{problems:?}"
        );
        // The first is what loading reports.
        assert_eq!(
            load_files(&files).expect_err("invalid").to_string(),
            problems[0].to_string()
        );
    }

    fn f_demand(files: &mut NetworkFiles) -> &mut (String, Vec<u8>) {
        files.demand.as_mut().expect("mini has demand")
    }

    #[test]
    fn an_unused_source_is_a_warning() {
        let mut files = mini();
        files.sources.1.extend_from_slice(
            b"\n[[source]]\nid = \"T_SPARE\"\ntitle = \"spare\"\nkind = \"published\"\n",
        );
        let (_, warnings) = load_files(&files).expect("still valid");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].to_string().contains("T_SPARE"),
            "{}",
            warnings[0]
        );
        assert_eq!(warnings[0].line, Some(16));
    }

    #[test]
    fn overlapping_years_are_detected() {
        let always = Validity::ALWAYS;
        let until_2025 = Validity {
            status: Status::Closed,
            opening_year: None,
            closing_year: Some(2025),
        };
        let from_2025 = Validity {
            status: Status::Operational,
            opening_year: Some(2025),
            closing_year: None,
        };
        assert!(always.overlaps(&from_2025));
        assert!(!until_2025.overlaps(&from_2025));
    }
}
