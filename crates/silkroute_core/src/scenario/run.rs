//! A scenario file and the files it depends on, applied to its base network, run (the
//! freight assignment of its year and the routes of named origin–destination pairs) and
//! compared with another run.

use super::compare::{
    FreightDiff, RouteDiff, SCENARIO_DIFF_VERSION, compare_freight, compare_routes,
};
use super::file::{Base, FileEdit, ScenarioFile, read_file};
use super::{EditError, apply};
use crate::assign::{AssignOptions, Observer};
use crate::freight::{FreightOptions, FreightRequest, FreightRequestError, assign_freight};
use crate::io::{Fault, LoadError};
use crate::network::{Network, NetworkFiles, NodeId};
use crate::report::{FreightReport, RouteReport};
use crate::route::{RequestError, RouteError, RouteRequest};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Version of the layout of [`ScenarioReport`] and [`ScenarioDiff`].
pub const SCENARIO_REPORT_VERSION: u32 = 1;

/// Origin–destination pairs reported when no file of a chain names any: the corridors'
/// typical questions (China–Europe by the Northern route, China–Caspian–Caucasus by the
/// Middle Corridor, China–Central Asia, China–Iran, and the sea).
pub const DEFAULT_PAIRS: [(&str, &str); 8] = [
    ("lianyungang", "duisburg"),
    ("xian", "duisburg"),
    ("chongqing", "malaszewicze"),
    ("xian", "baku"),
    ("xian", "istanbul"),
    ("xian", "tashkent"),
    ("xian", "tehran"),
    ("shanghai", "rotterdam"),
];

/// Alternatives computed per pair (the best route of each corridor among them is compared).
pub const PAIR_ALTERNATIVES: usize = 5;

/// Why a scenario cannot be read, applied or run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// A file cannot be read, does not parse, or a key is wrong (file:line: field: reason).
    #[error(transparent)]
    File(Box<LoadError>),
    /// An edit does not apply to the network.
    #[error("{file}:{line}: {error}")]
    Edit {
        /// The scenario file.
        file: String,
        /// The line of the edit.
        line: u64,
        /// Why.
        error: Box<EditError>,
    },
    /// The base network does not load.
    #[error("{file}: base network {base}: {error}")]
    Base {
        /// The scenario file.
        file: String,
        /// The base as written.
        base: String,
        /// Why.
        error: Box<LoadError>,
    },
    /// The freight assignment cannot run.
    #[error("scenario {name}: {error}")]
    Freight {
        /// The scenario.
        name: String,
        /// Why.
        #[source]
        error: Box<FreightRequestError>,
    },
    /// A pair's routes cannot be computed.
    #[error("scenario {name}: route {from} → {to}: {reason}")]
    Route {
        /// The scenario.
        name: String,
        /// Origin id.
        from: String,
        /// Destination id.
        to: String,
        /// Why.
        reason: String,
    },
}

impl From<LoadError> for ScenarioError {
    fn from(error: LoadError) -> ScenarioError {
        ScenarioError::File(Box::new(error))
    }
}

/// A scenario: its file and, first, every file its `depends_on` brings in (each once,
/// dependencies before dependants, in the order written).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The chain, the scenario's own file last.
    pub files: Vec<ScenarioFile>,
}

impl Scenario {
    /// Reads a scenario file and its dependencies, and checks the chain: no cycle, at most
    /// [`super::MAX_CHAIN`] files, one name per file, no scenario that another excludes,
    /// one base for all.
    ///
    /// # Errors
    /// The first problem, naming file, line and field.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let mut files: Vec<ScenarioFile> = Vec::new();
        let mut visiting: Vec<PathBuf> = Vec::new();
        let mut done: Vec<PathBuf> = Vec::new();
        load_into(path, None, &mut files, &mut visiting, &mut done)?;
        check_chain(&files)?;
        Ok(Scenario { files })
    }

    /// The scenario's own file.
    pub fn own(&self) -> &ScenarioFile {
        // A chain is never empty: `load` puts the scenario's own file last.
        &self.files[self.files.len() - 1]
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.own().name
    }

    /// The base network of the chain.
    pub fn base(&self) -> &Base {
        &self.own().base
    }

    /// Loads the base network and its fingerprint (of its files' bytes).
    ///
    /// # Errors
    /// [`ScenarioError::Base`].
    pub fn load_base(&self) -> Result<(Network, u64), ScenarioError> {
        let own = self.own();
        let base_error = |error: LoadError| ScenarioError::Base {
            file: own.file.clone(),
            base: own.base.label(),
            error: Box::new(error),
        };
        let files = match &own.base {
            Base::Default => crate::network::default_files(),
            Base::Folder(dir) => NetworkFiles::read_dir(dir).map_err(base_error)?,
        };
        let (network, _warnings) = crate::network::load_files(&files).map_err(base_error)?;
        Ok((network, files.fingerprint()))
    }

    /// The scenario's fingerprint: its base's and the bytes of every file of the chain, so
    /// that a result can be cached under it.
    pub fn fingerprint(&self, base_fingerprint: u64) -> u64 {
        let base = base_fingerprint.to_le_bytes();
        let mut parts: Vec<&[u8]> = vec![&base];
        parts.extend(self.files.iter().map(|f| f.bytes.as_slice()));
        crate::io::fingerprint(&parts)
    }

    /// Applies the chain to `base`: each file's sources and edits, in order (a link added
    /// `like` another copies it as it is before the file), then the levers, later files
    /// replacing earlier ones' values (closures and scalings add up).
    ///
    /// # Errors
    /// An edit that does not apply, an unknown id, a lever without a source the network has.
    pub fn prepare(&self, base: &Network) -> Result<Prepared, ScenarioError> {
        let mut network = base.clone();
        let mut edits_applied = Vec::new();
        for file in &self.files {
            let mut edits = Vec::new();
            let mut lines = Vec::new();
            for (source, line) in &file.sources {
                edits.push(super::Edit::AddSource {
                    source: source.clone(),
                    before: None,
                });
                lines.push(*line);
            }
            for (edit, line) in &file.edits {
                let edit = match edit {
                    FileEdit::Edit(edit) => edit.clone(),
                    FileEdit::ScaleSailings {
                        link,
                        factor,
                        capacity,
                        sources,
                    } => super::file::scale_sailings(&network, link, *factor, *capacity, sources)
                        .map_err(|(field, reason)| LoadError::Field {
                        file: file.file.clone(),
                        line: *line,
                        field: field.to_string(),
                        fault: Fault::rule(reason),
                    })?,
                    FileEdit::AddLinkLike(template) => {
                        template
                            .spec(&network)
                            .map_err(|(field, reason)| LoadError::Field {
                                file: file.file.clone(),
                                line: *line,
                                field: field.to_string(),
                                fault: Fault::rule(reason),
                            })?
                    }
                };
                edits.push(edit);
                lines.push(*line);
            }
            network = apply(&network, &edits).map_err(|error| {
                let index = error.edit().index;
                ScenarioError::Edit {
                    file: file.file.clone(),
                    line: lines.get(index).copied().unwrap_or(1),
                    error: Box::new(error),
                }
            })?;
            for (index, edit) in edits.iter().enumerate() {
                let sources = edit_sources(edit);
                edits_applied.push(EditRecord {
                    file: file.file.clone(),
                    line: lines[index],
                    edit: format!("{} {}", edit.kind(), edit.target()),
                    sources,
                });
            }
        }
        let levers = Levers::merge(&self.files, &network)?;
        let year = levers.year.unwrap_or(network.info().reference_year);
        if let Some((name, file, line)) = &levers.demand_scenario {
            let freight = network
                .freight()
                .with_demand_scenario(name)
                .map_err(|error| LoadError::Field {
                    file: file.clone(),
                    line: *line,
                    field: "scenario".to_string(),
                    fault: Fault::rule(error.to_string()),
                })?;
            network = network.with_freight(freight);
        }
        let pairs = levers.pairs(&network)?;
        Ok(Prepared {
            network,
            year,
            levers,
            edits: edits_applied,
            pairs,
        })
    }
}

/// Reads `path` and, before it, its dependencies (depth first).
fn load_into(
    path: &Path,
    from: Option<(&str, u64)>,
    files: &mut Vec<ScenarioFile>,
    visiting: &mut Vec<PathBuf>,
    done: &mut Vec<PathBuf>,
) -> Result<(), ScenarioError> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if done.contains(&key) {
        return Ok(());
    }
    let chain_error = |reason: String| -> ScenarioError {
        match from {
            Some((file, line)) => LoadError::Field {
                file: file.to_string(),
                line,
                field: "depends_on".to_string(),
                fault: Fault::rule(reason),
            }
            .into(),
            None => LoadError::Content {
                file: path.display().to_string(),
                reason,
            }
            .into(),
        }
    };
    if visiting.contains(&key) {
        return Err(chain_error(format!(
            "{} depends on itself (a cycle of depends_on)",
            path.display()
        )));
    }
    if visiting.len() + done.len() >= super::MAX_CHAIN {
        return Err(chain_error(format!(
            "more than {} scenario files in one chain",
            super::MAX_CHAIN
        )));
    }
    let file = read_file(path)?;
    visiting.push(key.clone());
    for (dependency, line) in &file.depends_on {
        load_into(dependency, Some((&file.file, *line)), files, visiting, done)?;
    }
    visiting.pop();
    done.push(key);
    files.push(file);
    Ok(())
}

/// One name per file, no excluded scenario in the chain, one base.
fn check_chain(files: &[ScenarioFile]) -> Result<(), ScenarioError> {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for file in files {
        if let Some(other) = names.insert(&file.name, &file.file) {
            return Err(LoadError::Field {
                file: file.file.clone(),
                line: 1,
                field: "name".to_string(),
                fault: Fault::rule(format!(
                    "scenario `{}` is also the name of {other} in the same chain",
                    file.name
                )),
            }
            .into());
        }
    }
    for file in files {
        for (excluded, line) in &file.excludes {
            if let Some(other) = names.get(excluded.as_str()) {
                return Err(LoadError::Field {
                    file: file.file.clone(),
                    line: *line,
                    field: "excludes".to_string(),
                    fault: Fault::rule(format!(
                        "`{}` excludes `{excluded}` ({other}), which the chain of depends_on applies too",
                        file.name
                    )),
                }
                .into());
            }
        }
    }
    let own = &files[files.len() - 1];
    if let Some(other) = files.iter().find(|f| f.base != own.base) {
        return Err(LoadError::Field {
            file: other.file.clone(),
            line: other.base_line,
            field: "base".to_string(),
            fault: Fault::rule(format!(
                "base {} differs from {}'s base {}",
                other.base.label(),
                own.file,
                own.base.label()
            )),
        }
        .into());
    }
    Ok(())
}

fn edit_sources(edit: &super::Edit) -> Vec<String> {
    use super::Edit;
    match edit {
        Edit::AddSource { source, .. } => vec![source.key.clone()],
        Edit::SetLinkCapacity { sources, .. }
        | Edit::SetLinkTariff { sources, .. }
        | Edit::SetLinkRunning { sources, .. }
        | Edit::SetLinkWait { sources, .. }
        | Edit::SetLinkValidity { sources, .. }
        | Edit::ScaleCorridorTariffs { sources, .. }
        | Edit::SetHandlingCapacity { sources, .. }
        | Edit::SetHandlingHours { sources, .. }
        | Edit::SetHandlingCost { sources, .. }
        | Edit::SetHandlingValidity { sources, .. } => sources.clone(),
        Edit::AddLink { link, .. } => {
            let mut all: Vec<String> = [
                &link.length_sources,
                &link.time_sources,
                &link.capacity_sources,
                &link.tariff_sources,
                &link.status_sources,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
            all.sort();
            all.dedup();
            all
        }
        Edit::SetSailings { sailings, .. } => {
            let mut all: Vec<String> = sailings
                .iter()
                .flat_map(|s| {
                    [
                        &s.sailings_sources,
                        &s.capacity_sources,
                        &s.dispatch_sources,
                        &s.load_sources,
                        &s.weather_sources,
                    ]
                })
                .flatten()
                .cloned()
                .collect();
            all.sort();
            all.dedup();
            all
        }
        Edit::AddHandling { handling, .. } => {
            let mut all: Vec<String> = [
                &handling.hours_sources,
                &handling.cost_sources,
                &handling.capacity_sources,
                &handling.status_sources,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
            all.sort();
            all.dedup();
            all
        }
        Edit::AddNode { node, .. } => node.coord_sources.clone(),
        Edit::RemoveSource { .. }
        | Edit::RemoveNode { .. }
        | Edit::RemoveLink { .. }
        | Edit::RemoveHandling { .. } => Vec::new(),
    }
}

/// The levers of a chain, merged: for a value, the last file that sets it; closures,
/// scalings and pairs from every file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Levers {
    /// The year.
    pub year: Option<i32>,
    /// Items closed, as written (deduplicated, in order).
    pub close: Vec<String>,
    /// Demand factor.
    pub demand_factor: Option<f64>,
    /// Demand scenario, with the file and line that set it.
    pub demand_scenario: Option<(String, String, u64)>,
    /// Demand scalings, resolved against the network's zones and classes.
    pub demand_scale: Vec<crate::freight::DemandScale>,
    /// Tonnage scalings.
    pub tonnage_scale: Vec<crate::freight::TonnageScale>,
    /// Sea-rate level.
    pub sea_rate: Option<f64>,
    /// Carbon price, USD per tonne CO2e.
    pub carbon_usd_per_t: Option<f64>,
    /// Risk premiums, by country (the last file's for a country).
    pub risk: Vec<super::file::RiskSpec>,
    /// Pairs named by the files, with the file and line of each.
    pub named_pairs: Vec<(String, String, String, u64)>,
    /// What each lever was set to and why, for the report.
    pub records: Vec<LeverRecord>,
}

/// A lever a scenario set: where, what, the value and its sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeverRecord {
    /// The file.
    pub file: String,
    /// The line.
    pub line: u64,
    /// What (`close`, `demand.factor`, `prices.sea_rate`, `prices.risk.RU`).
    pub lever: String,
    /// The value, as text.
    pub value: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// An edit a scenario applied: where, which and its sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditRecord {
    /// The file.
    pub file: String,
    /// The line.
    pub line: u64,
    /// Kind and target (`set_handling_capacity dostyk:gauge_change`).
    pub edit: String,
    /// Source ids of its values.
    pub sources: Vec<String>,
}

impl Levers {
    fn merge(files: &[ScenarioFile], network: &Network) -> Result<Levers, ScenarioError> {
        let mut levers = Levers::default();
        for file in files {
            let check_sources = |sources: &[String], line: u64, what: &str| {
                let field = format!("{what}: sources");
                if sources.is_empty() {
                    return Err(LoadError::Field {
                        file: file.file.clone(),
                        line,
                        field,
                        fault: Fault::rule(
                            "every value needs a source id (a [[source]] of the file, `kind = \"estimate\"` for an assumption)",
                        ),
                    });
                }
                match sources.iter().find(|s| network.source_by_key(s).is_none()) {
                    Some(unknown) => Err(LoadError::Field {
                        file: file.file.clone(),
                        line,
                        field,
                        fault: Fault::UnknownReference {
                            kind: "source",
                            id: crate::io::clip(unknown),
                            hint: String::new(),
                        },
                    }),
                    None => Ok(()),
                }
            };
            let mut record = |line: u64, lever: String, value: String, sources: &[String]| {
                levers.records.push(LeverRecord {
                    file: file.file.clone(),
                    line,
                    lever,
                    value,
                    sources: sources.to_vec(),
                });
            };
            if let Some((year, line)) = file.year {
                levers.year = Some(year);
                record(line, "year".into(), year.to_string(), &[]);
            }
            for close in &file.close {
                check_sources(&close.sources, close.line, "close")?;
                crate::route::Avoid::parse(network, std::slice::from_ref(&close.value)).map_err(
                    |error| LoadError::Field {
                        file: file.file.clone(),
                        line: close.line,
                        field: "item".to_string(),
                        fault: Fault::rule(error.to_string()),
                    },
                )?;
                if !levers.close.contains(&close.value) {
                    levers.close.push(close.value.clone());
                }
                record(
                    close.line,
                    "close".into(),
                    close.value.clone(),
                    &close.sources,
                );
            }
            if let Some(factor) = &file.demand_factor {
                check_sources(&factor.sources, factor.line, "demand.factor")?;
                levers.demand_factor = Some(factor.value);
                record(
                    factor.line,
                    "demand.factor".into(),
                    crate::io::number(factor.value),
                    &factor.sources,
                );
            }
            if let Some((name, line)) = &file.demand_scenario {
                levers.demand_scenario = Some((name.clone(), file.file.clone(), *line));
                record(*line, "demand.scenario".into(), name.clone(), &[]);
            }
            for scale in &file.demand_scale {
                check_sources(&scale.sources, scale.line, "demand.scale")?;
                let zones: Vec<&str> = scale.value.zones.iter().map(String::as_str).collect();
                let resolved = crate::freight::DemandScale::parse(
                    network.freight(),
                    &zones,
                    scale.value.class.as_deref(),
                    scale.value.factor,
                )
                .map_err(|error| LoadError::Field {
                    file: file.file.clone(),
                    line: scale.line,
                    field: "demand.scale".to_string(),
                    fault: Fault::rule(error.to_string()),
                })?;
                levers.demand_scale.push(resolved);
                record(
                    scale.line,
                    format!(
                        "demand.scale {}/{}",
                        if zones.is_empty() {
                            "*".to_string()
                        } else {
                            zones.join("|")
                        },
                        scale.value.class.as_deref().unwrap_or("*")
                    ),
                    crate::io::number(scale.value.factor),
                    &scale.sources,
                );
            }
            for scale in &file.tonnage_scale {
                check_sources(&scale.sources, scale.line, "demand.tonnage")?;
                if !network
                    .freight()
                    .tonnage
                    .iter()
                    .any(|row| row.commodity == scale.value.commodity)
                {
                    return Err(LoadError::Field {
                        file: file.file.clone(),
                        line: scale.line,
                        field: "commodity".to_string(),
                        fault: Fault::rule(format!(
                            "no row of tonnage.csv carries `{}`",
                            crate::io::clip(&scale.value.commodity)
                        )),
                    }
                    .into());
                }
                levers.tonnage_scale.push(crate::freight::TonnageScale {
                    commodity: scale.value.commodity.clone(),
                    factor: scale.value.factor,
                });
                record(
                    scale.line,
                    format!("demand.tonnage {}", scale.value.commodity),
                    crate::io::number(scale.value.factor),
                    &scale.sources,
                );
            }
            if let Some(level) = &file.sea_rate {
                check_sources(&level.sources, level.line, "prices.sea_rate")?;
                levers.sea_rate = Some(level.value);
                record(
                    level.line,
                    "prices.sea_rate".into(),
                    crate::io::number(level.value),
                    &level.sources,
                );
            }
            if let Some(price) = &file.carbon_usd_per_t {
                check_sources(&price.sources, price.line, "prices.carbon_usd_per_t")?;
                levers.carbon_usd_per_t = Some(price.value);
                record(
                    price.line,
                    "prices.carbon_usd_per_t".into(),
                    crate::io::number(price.value),
                    &price.sources,
                );
            }
            for risk in &file.risk {
                check_sources(&risk.sources, risk.line, "prices.risk")?;
                levers.risk.retain(|r| r.country != risk.value.country);
                levers.risk.push(risk.value);
                record(
                    risk.line,
                    format!("prices.risk {}", risk.value.country),
                    format!(
                        "{} USD/FEU, {} days",
                        crate::io::number(risk.value.usd_per_feu),
                        crate::io::number(risk.value.days)
                    ),
                    &risk.sources,
                );
            }
            for (from, to, line) in &file.pairs {
                let pair = (from.clone(), to.clone(), file.file.clone(), *line);
                if !levers
                    .named_pairs
                    .iter()
                    .any(|p| (&p.0, &p.1) == (from, to))
                {
                    levers.named_pairs.push(pair);
                }
            }
        }
        Ok(levers)
    }

    /// The pairs to report: those the files name (each must be a node), else the
    /// [`DEFAULT_PAIRS`] the network has.
    fn pairs(&self, network: &Network) -> Result<Vec<(NodeId, NodeId)>, ScenarioError> {
        if self.named_pairs.is_empty() {
            return Ok(DEFAULT_PAIRS
                .iter()
                .filter_map(|(from, to)| {
                    Some((network.node_by_key(from)?, network.node_by_key(to)?))
                })
                .collect());
        }
        self.named_pairs
            .iter()
            .map(|(from, to, file, line)| {
                let node = |key: &str| {
                    network.node_by_key(key).ok_or_else(|| LoadError::Field {
                        file: file.clone(),
                        line: *line,
                        field: "pairs".to_string(),
                        fault: Fault::UnknownReference {
                            kind: "node",
                            id: crate::io::clip(key),
                            hint: String::new(),
                        },
                    })
                };
                Ok((node(from)?, node(to)?))
            })
            .collect()
    }

    /// The risk premiums as `CC=USD:DAYS` (the request syntax).
    fn risk_texts(&self) -> Vec<String> {
        self.risk
            .iter()
            .map(|r| {
                format!(
                    "{}={}:{}",
                    r.country,
                    crate::io::number(r.usd_per_feu),
                    crate::io::number(r.days)
                )
            })
            .collect()
    }
}

/// A scenario applied to its base: the network it gives, its year, its levers and the pairs
/// to report.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The network with the edits (and the demand scenario) applied.
    pub network: Network,
    /// The year.
    pub year: i32,
    /// The levers.
    pub levers: Levers,
    /// The edits applied, in order.
    pub edits: Vec<EditRecord>,
    /// Origin–destination pairs to report.
    pub pairs: Vec<(NodeId, NodeId)>,
}

impl Prepared {
    /// The freight request of the scenario.
    pub fn freight_request(&self) -> FreightRequest {
        FreightRequest {
            year: Some(self.year),
            avoid: self.levers.close.clone(),
            demand_factor: self.levers.demand_factor.unwrap_or(1.0),
            sea_rate: self.levers.sea_rate,
            risk: self.levers.risk_texts(),
            carbon_usd_per_t: self.levers.carbon_usd_per_t.unwrap_or(0.0),
            ..FreightRequest::default()
        }
    }

    /// The freight options of the scenario on its network.
    ///
    /// # Errors
    /// [`ScenarioError::Freight`].
    pub fn freight_options(&self, name: &str) -> Result<FreightOptions, ScenarioError> {
        let mut options = self
            .freight_request()
            .options(&self.network)
            .map_err(|error| ScenarioError::Freight {
                name: name.to_string(),
                error: Box::new(error),
            })?;
        options.demand_scale = self.levers.demand_scale.clone();
        options.tonnage_scale = self.levers.tonnage_scale.clone();

        Ok(options)
    }

    /// The route request between two nodes of the scenario.
    pub fn route_request(&self, from: NodeId, to: NodeId) -> RouteRequest {
        RouteRequest {
            from: Some(self.network.node(from).key.clone()),
            to: Some(self.network.node(to).key.clone()),
            year: Some(self.year),
            avoid: self.levers.close.clone(),
            sea_rate: self.levers.sea_rate,
            risk: self.levers.risk_texts(),
            carbon_usd_per_t: self.levers.carbon_usd_per_t.unwrap_or(0.0),
            ..RouteRequest::default()
        }
    }
}

/// What a scenario run gives: the scenario, its fingerprints, its levers and edits, the
/// freight assignment of its year and the routes of its pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioReport {
    /// Layout version ([`SCENARIO_REPORT_VERSION`]).
    pub version: u32,
    /// The scenario's name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// The files of the chain, dependencies first.
    pub files: Vec<String>,
    /// The base network (`default` or a folder).
    pub base: String,
    /// Fingerprint of the base network's files (16 hex digits).
    pub base_fingerprint: String,
    /// Fingerprint of the base and the chain's files.
    pub fingerprint: String,
    /// The year.
    pub year: i32,
    /// The levers set.
    pub levers: Vec<LeverRecord>,
    /// The edits applied.
    pub edits: Vec<EditRecord>,
    /// The freight assignment.
    pub freight: FreightReport,
    /// Per pair, the routes (best first).
    pub routes: Vec<RouteReport>,
}

/// Runs a prepared scenario: the freight assignment of its year and [`PAIR_ALTERNATIVES`]
/// routes for each pair (`pairs`, or the scenario's own when `None`).
///
/// # Errors
/// [`ScenarioError::Freight`], [`ScenarioError::Route`].
pub fn run(
    scenario: &Scenario,
    prepared: &Prepared,
    base_fingerprint: u64,
    pairs: Option<&[(String, String)]>,
    solver: &AssignOptions,
    observer: &mut Observer<'_>,
) -> Result<ScenarioReport, ScenarioError> {
    let name = scenario.name().to_string();
    let options = prepared.freight_options(&name)?;
    let mut warnings = Vec::new();
    let freight = assign_freight(&prepared.network, &options, solver, &mut warnings, observer)
        .map_err(|error| ScenarioError::Freight {
            name: name.clone(),
            error: Box::new(error),
        })?;
    let network = &prepared.network;
    let pair_nodes: Vec<(NodeId, NodeId)> = match pairs {
        None => prepared.pairs.clone(),
        Some(pairs) => pairs
            .iter()
            .map(|(from, to)| {
                let node = |key: &str| {
                    network
                        .node_by_key(key)
                        .ok_or_else(|| ScenarioError::Route {
                            name: name.clone(),
                            from: from.clone(),
                            to: to.clone(),
                            reason: format!("`{key}` is not a place of the scenario's network"),
                        })
                };
                Ok((node(from)?, node(to)?))
            })
            .collect::<Result<_, ScenarioError>>()?,
    };
    let mut routes = Vec::new();
    for &(from, to) in &pair_nodes {
        let route_error = |reason: String| ScenarioError::Route {
            name: name.clone(),
            from: network.node(from).key.clone(),
            to: network.node(to).key.clone(),
            reason,
        };
        let query = prepared
            .route_request(from, to)
            .resolve(network)
            .map_err(|error: RequestError| route_error(error.to_string()))?;
        let itineraries =
            crate::route::alternatives(network, &query.options, from, to, PAIR_ALTERNATIVES)
                .map_err(|error: RouteError| route_error(error.to_string()))?;
        routes.push(RouteReport::new(network, &query, &itineraries, false));
    }
    let own = scenario.own();
    Ok(ScenarioReport {
        version: SCENARIO_REPORT_VERSION,
        name,
        title: own.title.clone(),
        description: own.description.clone(),
        files: scenario.files.iter().map(|f| f.file.clone()).collect(),
        base: own.base.label(),
        base_fingerprint: format!("{base_fingerprint:016x}"),
        fingerprint: format!("{:016x}", scenario.fingerprint(base_fingerprint)),
        year: prepared.year,
        levers: prepared.levers.records.clone(),
        edits: prepared.edits.clone(),
        freight,
        routes,
    })
}

/// Two scenario runs side by side: the freight diff and, per pair both report, the route
/// diff. `compare_scenarios(b, a)` is `compare_scenarios(a, b).reversed()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioDiff {
    /// Layout version ([`SCENARIO_DIFF_VERSION`]).
    pub version: u32,
    /// The base run's scenario.
    pub base: String,
    /// The other run's scenario.
    pub other: String,
    /// Freight: totals, classes, corridors, links and handling.
    pub freight: FreightDiff,
    /// Routes per pair (the pairs of the base run, in its order, that the other also has).
    pub routes: Vec<RouteDiff>,
}

/// Compares two scenario runs.
pub fn compare_scenarios(base: &ScenarioReport, other: &ScenarioReport) -> ScenarioDiff {
    let routes = base
        .routes
        .iter()
        .filter_map(|b| {
            let o = other
                .routes
                .iter()
                .find(|o| o.from.id == b.from.id && o.to.id == b.to.id)?;
            Some(compare_routes(b, o))
        })
        .collect();
    ScenarioDiff {
        version: SCENARIO_DIFF_VERSION,
        base: base.name.clone(),
        other: other.name.clone(),
        freight: compare_freight(&base.freight, &other.freight),
        routes,
    }
}

/// A facility or a line direction whose flow changed ([`ScenarioDiff::largest_changes`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowChange {
    /// `dostyk gauge_change`, or `from → to` for a line.
    pub name: String,
    /// `facility`, or the link id.
    pub id: String,
    /// TEU per year.
    pub teu_per_year: super::Change,
    /// v/c in the base run (none: no capacity).
    pub vc_base: Option<f64>,
    /// v/c in the other run.
    pub vc_other: Option<f64>,
    /// Hours of delay (queue and volume-delay).
    pub delay_hours: super::Change,
}

impl ScenarioDiff {
    /// The `top` facilities and line directions whose flow changed most (by |ΔTEU|, then by
    /// name), none that did not change.
    pub fn largest_changes(&self, top: usize) -> Vec<FlowChange> {
        let mut items: Vec<FlowChange> = Vec::new();
        for h in &self.freight.handling {
            items.push(FlowChange {
                name: format!("{} {}", h.node, h.kind),
                id: "facility".to_string(),
                teu_per_year: h.teu_per_year,
                vc_base: h.vc.base,
                vc_other: h.vc.other,
                delay_hours: h.delay_hours,
            });
        }
        for l in &self.freight.links {
            items.push(FlowChange {
                name: format!("{} → {}", l.from, l.to),
                id: l.link.clone(),
                teu_per_year: l.teu_per_year,
                vc_base: l.vc.base,
                vc_other: l.vc.other,
                delay_hours: l.delay_hours,
            });
        }
        items.retain(|i| i.teu_per_year.delta != 0.0);
        items.sort_by(|a, b| {
            b.teu_per_year
                .delta
                .abs()
                .total_cmp(&a.teu_per_year.delta.abs())
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        items.truncate(top);
        items
    }

    /// The comparison seen from the other side.
    pub fn reversed(&self) -> ScenarioDiff {
        ScenarioDiff {
            version: self.version,
            base: self.other.clone(),
            other: self.base.clone(),
            freight: self.freight.reversed(),
            routes: self.routes.iter().map(RouteDiff::reversed).collect(),
        }
    }

    /// Whether nothing changed.
    pub fn is_zero(&self) -> bool {
        self.freight.is_zero() && self.routes.iter().all(RouteDiff::is_zero)
    }
}

/// Colour of a link whose flow grows (simplestyle `stroke`).
const MORE_COLOUR: &str = "#c0392b";
/// Colour of a link whose flow shrinks.
const LESS_COLOUR: &str = "#2471a3";
/// Colour of a link whose flow does not change.
const SAME_COLOUR: &str = "#999999";

impl ScenarioDiff {
    /// The change of flow on every link as GeoJSON lines (both directions summed), coloured
    /// by change (simplestyle: `stroke` red where the flow grows, blue where it shrinks, grey
    /// where it does not; `stroke-width` 1–8 by the size of the change), and one point per
    /// handling facility whose flow changes. A link is drawn from the network that has it
    /// (`other` first: a link a scenario adds exists only there).
    pub fn to_geojson(&self, base: &Network, other: &Network) -> crate::report::FeatureCollection {
        use crate::report::{Feature, FeatureCollection, Geometry};
        use serde_json::json;
        let mut by_link: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        for link in &self.freight.links {
            let entry = by_link.entry(link.link.as_str()).or_default();
            entry.0 += link.teu_per_year.base;
            entry.1 += link.teu_per_year.other;
        }
        let largest = by_link
            .values()
            .map(|(b, o)| (o - b).abs())
            .fold(0.0_f64, f64::max);
        let style = |delta: f64| {
            let colour = if delta > 0.5 {
                MORE_COLOUR
            } else if delta < -0.5 {
                LESS_COLOUR
            } else {
                SAME_COLOUR
            };
            let width = if largest > 0.0 {
                1.0 + 7.0 * delta.abs() / largest
            } else {
                1.0
            };
            (colour, (width * 10.0).round() / 10.0)
        };
        let mut features = Vec::new();
        for (key, (b, o)) in &by_link {
            let (network, id) = match (other.link_by_key(key), base.link_by_key(key)) {
                (Some(id), _) => (other, id),
                (None, Some(id)) => (base, id),
                (None, None) => continue,
            };
            let link = network.link(id);
            let delta = crate::report::round1(o - b);
            let (colour, width) = style(delta);
            features.push(Feature::new(
                Geometry::line(crate::report::link_positions(network, id, link.from)),
                json!({
                    "link": key,
                    "name": format!("{} – {}", network.node(link.from).name, network.node(link.to).name),
                    "mode": link.mode.as_str(),
                    "base_teu_per_year": crate::report::round1(*b),
                    "other_teu_per_year": crate::report::round1(*o),
                    "delta_teu_per_year": delta,
                    "stroke": colour,
                    "stroke-width": width,
                }),
            ));
        }
        for facility in &self.freight.handling {
            let delta = facility.teu_per_year.delta;
            if delta == 0.0 {
                continue;
            }
            let node = other
                .node_by_key(&facility.node)
                .map(|n| other.node(n))
                .or_else(|| base.node_by_key(&facility.node).map(|n| base.node(n)));
            let Some(node) = node else { continue };
            let (colour, _) = style(delta);
            features.push(Feature::new(
                Geometry::Point([node.lon, node.lat]),
                json!({
                    "node": facility.node,
                    "kind": facility.kind,
                    "base_teu_per_year": facility.teu_per_year.base,
                    "other_teu_per_year": facility.teu_per_year.other,
                    "delta_teu_per_year": delta,
                    "base_vc": facility.vc.base,
                    "other_vc": facility.vc.other,
                    "marker-color": colour,
                }),
            ));
        }
        FeatureCollection::new(
            features,
            Some(json!({"base": self.base, "other": self.other})),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writable");
        path
    }

    fn base() -> Network {
        crate::network::load_default()
            .expect("the default network")
            .0
    }

    const CAPACITY: &str = "[[edit]]\nkind = \"set_handling_capacity\"\nhandling = \"dostyk:gauge_change\"\nteu_per_day = 2000\nsources = [\"E_CAP_DOSTYK\"]\n";
    const WAIT: &str = "[[edit]]\nkind = \"set_link_wait\"\nlink = \"aktau_alat_ferry\"\nhours = 24\nsources = [\"E_CASPIAN_STORMS\"]\n";

    #[test]
    fn a_chain_applies_like_one_file_with_every_edit() {
        let dir = tempfile::tempdir().expect("temp");
        write(
            dir.path(),
            "a.toml",
            &format!("name = \"a\"\ntitle = \"t\"\n{CAPACITY}"),
        );
        let chained = write(
            dir.path(),
            "b.toml",
            &format!("name = \"b\"\ntitle = \"t\"\ndepends_on = [\"a.toml\"]\n{WAIT}"),
        );
        let single = write(
            dir.path(),
            "c.toml",
            &format!("name = \"c\"\ntitle = \"t\"\n{CAPACITY}{WAIT}"),
        );
        let base = base();
        let prepare = |path: &Path| {
            Scenario::load(path)
                .expect("loads")
                .prepare(&base)
                .expect("applies")
        };
        let (one, two) = (prepare(&chained), prepare(&single));
        assert_eq!(one.network, two.network);
        assert_ne!(one.network, base);
        assert_eq!(one.edits.len(), 2);
        // Fingerprints follow the bytes of every file of the chain.
        let a = Scenario::load(&chained).expect("loads");
        let c = Scenario::load(&single).expect("loads");
        assert_ne!(a.fingerprint(1), c.fingerprint(1));
        assert_ne!(a.fingerprint(1), a.fingerprint(2));
        assert_eq!(
            a.fingerprint(1),
            Scenario::load(&chained).expect("loads").fingerprint(1)
        );
    }

    #[test]
    fn a_file_adds_a_place_a_line_like_another_and_a_terminal() {
        let dir = tempfile::tempdir().expect("temp");
        let path = write(
            dir.path(),
            "new.toml",
            "name = \"new\"\ntitle = \"t\"\n\
             [[source]]\nid = \"A_NEW\"\ntitle = \"t\"\nkind = \"estimate\"\nmethod = \"m\"\n\
             [[edit]]\nkind = \"add_node\"\nid = \"new_dry_port\"\nname = \"New Dry Port\"\ncountry = \"KZ\"\nlat = 43.5\nlon = 77.0\nnode_kind = \"dry_port\"\ngauges_mm = [1520]\nsources = [\"A_NEW\"]\n\
             [[edit]]\nkind = \"add_link\"\nlike = \"zhetygen_almaty_rail\"\nid = \"almaty_new_rail\"\nfrom = \"almaty\"\nto = \"new_dry_port\"\nlength_km = 40\nsources = [\"A_NEW\"]\n\
             [[edit]]\nkind = \"add_handling\"\nhandling = \"new_dry_port:terminal\"\nhours = 12\ncost_usd = 100\nsources = [\"A_NEW\"]\n",
        );
        let prepared = Scenario::load(&path)
            .expect("loads")
            .prepare(&base())
            .expect("applies");
        let network = &prepared.network;
        let node = network.node_by_key("new_dry_port").expect("the new place");
        assert_eq!(network.node(node).name, "New Dry Port");
        let link = network
            .link_by_key("almaty_new_rail")
            .expect("the new line");
        assert_eq!(network.link(link).length_km, 40.0);
        assert_eq!(network.handlings_at(node).len(), 1);
        assert_eq!(prepared.edits.len(), 4);
    }

    #[test]
    fn chain_and_lever_errors_name_file_line_and_field() {
        let dir = tempfile::tempdir().expect("temp");
        let base = base();
        let error = |name: &str, text: &str| -> String {
            let path = write(dir.path(), name, text);
            match Scenario::load(&path) {
                Err(error) => error.to_string(),
                Ok(scenario) => scenario.prepare(&base).expect_err("an error").to_string(),
            }
        };
        let bad_edit = error(
            "e.toml",
            "name = \"e\"\ntitle = \"t\"\n[[edit]]\nkind = \"set_link_wait\"\nlink = \"aktau_alat_ferry\"\nhours = -1\nsources = [\"E_CASPIAN_STORMS\"]\n",
        );
        assert!(
            bad_edit.starts_with(&format!(
                "{}:3: edit 0 (set_link_wait aktau_alat_ferry): hours",
                dir.path().join("e.toml").display()
            )),
            "{bad_edit}"
        );
        let unknown_source = error(
            "s.toml",
            "name = \"s\"\ntitle = \"t\"\n[prices]\nsea_rate = 2\nsea_rate_sources = [\"NOPE\"]\n",
        );
        assert!(
            unknown_source.ends_with(":4: prices.sea_rate: sources: unknown source `NOPE`"),
            "{unknown_source}"
        );
        write(
            dir.path(),
            "x.toml",
            "name = \"x\"\ntitle = \"t\"\nbase = \"elsewhere\"\n",
        );
        let bases = error(
            "y.toml",
            "name = \"y\"\ntitle = \"t\"\ndepends_on = [\"x.toml\"]\n",
        );
        assert!(bases.contains("x.toml:3: base: base"), "{bases}");
        write(dir.path(), "twin.toml", "name = \"same\"\ntitle = \"t\"\n");
        let twins = error(
            "same.toml",
            "name = \"same\"\ntitle = \"t\"\ndepends_on = [\"twin.toml\"]\n",
        );
        assert!(
            twins.contains("name: scenario `same` is also the name of"),
            "{twins}"
        );
        let pairs = error(
            "p.toml",
            "name = \"p\"\ntitle = \"t\"\n[report]\npairs = [[\"xian\", \"atlantis\"]]\n",
        );
        assert!(
            pairs.ends_with(":4: pairs: unknown node `atlantis`"),
            "{pairs}"
        );
        let missing = error(
            "m.toml",
            "name = \"m\"\ntitle = \"t\"\ndepends_on = [\"gone.toml\"]\n",
        );
        assert!(missing.contains("gone.toml"), "{missing}");
    }
}

/// A scenario read, its base loaded and its chain applied: what a run or a comparison needs.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The scenario and its chain.
    pub scenario: Scenario,
    /// Its network and levers.
    pub prepared: Prepared,
    /// The fingerprint of its base network's files.
    pub base_fingerprint: u64,
}

impl LoadedScenario {
    /// Reads the scenario file at `path` and its chain, loads its base and applies the chain.
    ///
    /// # Errors
    /// The first problem of the file, its chain or its base, naming file, line and field.
    pub fn load(path: &Path) -> Result<LoadedScenario, ScenarioError> {
        let scenario = Scenario::load(path)?;
        let (base, base_fingerprint) = scenario.load_base()?;
        let prepared = scenario.prepare(&base)?;
        Ok(LoadedScenario {
            scenario,
            prepared,
            base_fingerprint,
        })
    }

    /// Runs it ([`run`]) on `pairs` (its own when `None`).
    ///
    /// # Errors
    /// As [`run`].
    pub fn run(
        &self,
        pairs: Option<&[(String, String)]>,
        solver: &AssignOptions,
        observer: &mut Observer<'_>,
    ) -> Result<ScenarioReport, ScenarioError> {
        run(
            &self.scenario,
            &self.prepared,
            self.base_fingerprint,
            pairs,
            solver,
            observer,
        )
    }
}

/// Two scenarios run on the same origin–destination pairs (the base's, then the other's not
/// among them) and compared ([`compare_scenarios`]): the difference, then both runs.
///
/// # Errors
/// The first run's error.
pub fn compare_loaded(
    base: &LoadedScenario,
    other: &LoadedScenario,
    solver: &AssignOptions,
    observer: &mut Observer<'_>,
) -> Result<(ScenarioDiff, ScenarioReport, ScenarioReport), ScenarioError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for loaded in [base, other] {
        let network = &loaded.prepared.network;
        for &(from, to) in &loaded.prepared.pairs {
            let pair = (network.node(from).key.clone(), network.node(to).key.clone());
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
    }
    let base_report = base.run(Some(&pairs), solver, observer)?;
    let other_report = other.run(Some(&pairs), solver, observer)?;
    let diff = compare_scenarios(&base_report, &other_report);
    Ok((diff, base_report, other_report))
}
