//! Scenario files (TOML): a base network, a year, sources, ordered edits keyed by stable ids,
//! closures, demand and price levers, and `depends_on`/`excludes` between scenarios, read
//! with the line of every key so that each error names file, line and field
//! (docs/formats.md, "Scenario files").

use super::edit::{Edit, HandlingKey, HandlingSpec, LinkSpec};
use crate::io::{Fault, Limit, LoadError, read_named};
use crate::network::folder::{Lines, SourceRecord, source_from_record, toml_error, toml_text};
use crate::network::{Country, HandlingKind, Network, Running, Source, Status, Validity};
use serde::Deserialize;
use std::path::{Path, PathBuf};

type Spanned<T> = toml::Spanned<T>;

/// Most files a chain of `depends_on` may hold.
pub const MAX_CHAIN: usize = 64;

/// Where a scenario's network comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The network embedded in the binary (`data/default`).
    Default,
    /// A network folder (resolved against the scenario file's folder).
    Folder(PathBuf),
}

impl Base {
    /// `default` or the folder's path.
    pub fn label(&self) -> String {
        match self {
            Base::Default => "default".to_string(),
            Base::Folder(path) => path.display().to_string(),
        }
    }
}

/// A value a scenario sets, the source ids behind it and the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever<T> {
    /// The value.
    pub value: T,
    /// Source ids (of the network or of the scenario's `[[source]]` tables).
    pub sources: Vec<String>,
    /// The line of the value in its file.
    pub line: u64,
}

/// A demand scaling as written: zones (none: any), a class (none: any), a factor.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandScaleSpec {
    /// Zone ids; empty: every zone.
    pub zones: Vec<String>,
    /// Class id; `None`: every class.
    pub class: Option<String>,
    /// The factor (≥ 0).
    pub factor: f64,
}

/// A tonnage scaling as written: a commodity of `tonnage.csv` and a factor.
#[derive(Debug, Clone, PartialEq)]
pub struct TonnageScaleSpec {
    /// The commodity.
    pub commodity: String,
    /// The factor (≥ 0).
    pub factor: f64,
}

/// A risk premium as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskSpec {
    /// The country entered.
    pub country: Country,
    /// USD per FEU per entry (≥ 0).
    pub usd_per_feu: f64,
    /// Days per entry (≥ 0).
    pub days: f64,
}

/// One scenario file, read and checked on its own (references to the network are checked
/// when the chain is applied, [`super::Scenario::prepare`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioFile {
    /// The file's name in messages (its path as given).
    pub file: String,
    /// The file's path.
    pub path: PathBuf,
    /// The scenario's id (lower-case letters, digits and `_`).
    pub name: String,
    /// What it is, in a line.
    pub title: String,
    /// What it changes and why, with the evidence.
    pub description: String,
    /// The network it applies to.
    pub base: Base,
    /// The line of `base` (or 1).
    pub base_line: u64,
    /// The year of the network and demand, and its line.
    pub year: Option<(i32, u64)>,
    /// Scenario files applied first, in order (paths resolved against this file's folder).
    pub depends_on: Vec<(PathBuf, u64)>,
    /// Names of scenarios that may not be applied together with this one.
    pub excludes: Vec<(String, u64)>,
    /// Sources this scenario adds to the network, with their lines.
    pub sources: Vec<(Source, u64)>,
    /// Edits in order, with their lines.
    pub edits: Vec<(FileEdit, u64)>,
    /// Things closed (`corridor:northern`, `node:brest`, `link:ID`, `country:RU`, `mode:ferry`).
    pub close: Vec<Lever<String>>,
    /// Every demand multiplied by this.
    pub demand_factor: Option<Lever<f64>>,
    /// A demand scenario of `demand_years.csv`/`tonnage.csv`.
    pub demand_scenario: Option<(String, u64)>,
    /// Demand scalings by zone and class.
    pub demand_scale: Vec<Lever<DemandScaleSpec>>,
    /// Tonnage scalings by commodity.
    pub tonnage_scale: Vec<Lever<TonnageScaleSpec>>,
    /// The sea-rate level.
    pub sea_rate: Option<Lever<f64>>,
    /// A carbon price, USD per tonne CO2e.
    pub carbon_usd_per_t: Option<Lever<f64>>,
    /// Risk premiums by country.
    pub risk: Vec<Lever<RiskSpec>>,
    /// Origin–destination pairs to report (node ids), with their lines.
    pub pairs: Vec<(String, String, u64)>,
    /// The file's bytes (for the scenario's fingerprint).
    pub bytes: Vec<u8>,
}

// ---- the TOML layout ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecord {
    name: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    description: String,
    base: Option<Spanned<String>>,
    year: Option<Spanned<i64>>,
    #[serde(default)]
    depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    excludes: Vec<Spanned<String>>,
    #[serde(default)]
    source: Vec<SourceRecord>,
    #[serde(default)]
    edit: Vec<Spanned<EditRecord>>,
    #[serde(default)]
    close: Vec<Spanned<CloseRecord>>,
    demand: Option<DemandRecord>,
    prices: Option<PricesRecord>,
    report: Option<ReportRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseRecord {
    item: Spanned<String>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemandRecord {
    factor: Option<Spanned<f64>>,
    #[serde(default)]
    factor_sources: Vec<String>,
    scenario: Option<Spanned<String>>,
    #[serde(default)]
    scale: Vec<Spanned<ScaleRecord>>,
    #[serde(default)]
    tonnage: Vec<Spanned<TonnageRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleRecord {
    #[serde(default)]
    zones: Vec<String>,
    class: Option<String>,
    factor: Spanned<f64>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TonnageRecord {
    commodity: String,
    factor: Spanned<f64>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PricesRecord {
    sea_rate: Option<Spanned<f64>>,
    #[serde(default)]
    sea_rate_sources: Vec<String>,
    carbon_usd_per_t: Option<Spanned<f64>>,
    #[serde(default)]
    carbon_sources: Vec<String>,
    #[serde(default)]
    risk: Vec<Spanned<RiskRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskRecord {
    country: Spanned<String>,
    usd_per_feu: Spanned<f64>,
    #[serde(default)]
    days: Option<Spanned<f64>>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportRecord {
    #[serde(default)]
    pairs: Vec<Spanned<Vec<String>>>,
}

/// One `[[edit]]` table: `kind` and the keys that kind takes (every other key is refused).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRecord {
    kind: Spanned<String>,
    link: Option<Spanned<String>>,
    handling: Option<Spanned<String>>,
    node: Option<Spanned<String>>,
    corridor: Option<Spanned<String>>,
    like: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    lat: Option<Spanned<f64>>,
    lon: Option<Spanned<f64>>,
    node_kind: Option<Spanned<String>>,
    gauges_mm: Option<Spanned<Vec<u16>>>,
    length_km: Option<Spanned<f64>>,
    trains_per_day: Option<Spanned<f64>>,
    teu_per_year: Option<Spanned<f64>>,
    teu_per_day: Option<Spanned<f64>>,
    fixed_usd: Option<Spanned<f64>>,
    per_km_usd: Option<Spanned<f64>>,
    speed_kmh: Option<Spanned<f64>>,
    hours: Option<Spanned<f64>>,
    cost_usd: Option<Spanned<f64>>,
    factor: Option<Spanned<f64>>,
    capacity: Option<Spanned<f64>>,
    status: Option<Spanned<String>>,
    opening_year: Option<Spanned<i64>>,
    closing_year: Option<Spanned<i64>>,
    sources: Option<Spanned<Vec<String>>>,
}

/// The edit kinds a file may hold.
const EDIT_KINDS: &str = "add_node, remove_node, add_link, remove_link, set_link_capacity, \
     set_link_tariff, set_link_running, set_link_wait, set_link_validity, scale_sailings, \
     scale_corridor_tariffs, add_handling, remove_handling, set_handling_capacity, \
     set_handling_hours, set_handling_cost, set_handling_validity";

impl EditRecord {
    /// The keys given besides `kind`, with their lines.
    fn given(&self, lines: &Lines) -> Vec<(&'static str, u64)> {
        fn at<T>(
            lines: &Lines,
            name: &'static str,
            v: &Option<Spanned<T>>,
        ) -> Option<(&'static str, u64)> {
            v.as_ref().map(|v| (name, lines.of(v)))
        }
        [
            at(lines, "link", &self.link),
            at(lines, "handling", &self.handling),
            at(lines, "node", &self.node),
            at(lines, "corridor", &self.corridor),
            at(lines, "like", &self.like),
            at(lines, "id", &self.id),
            at(lines, "from", &self.from),
            at(lines, "to", &self.to),
            at(lines, "name", &self.name),
            at(lines, "country", &self.country),
            at(lines, "lat", &self.lat),
            at(lines, "lon", &self.lon),
            at(lines, "node_kind", &self.node_kind),
            at(lines, "gauges_mm", &self.gauges_mm),
            at(lines, "length_km", &self.length_km),
            at(lines, "trains_per_day", &self.trains_per_day),
            at(lines, "teu_per_year", &self.teu_per_year),
            at(lines, "teu_per_day", &self.teu_per_day),
            at(lines, "fixed_usd", &self.fixed_usd),
            at(lines, "per_km_usd", &self.per_km_usd),
            at(lines, "speed_kmh", &self.speed_kmh),
            at(lines, "hours", &self.hours),
            at(lines, "cost_usd", &self.cost_usd),
            at(lines, "factor", &self.factor),
            at(lines, "capacity", &self.capacity),
            at(lines, "status", &self.status),
            at(lines, "opening_year", &self.opening_year),
            at(lines, "closing_year", &self.closing_year),
            at(lines, "sources", &self.sources),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Reads one scenario file (at most [`Limit::NETWORK_FILE`]).
///
/// # Errors
/// The file cannot be read, is not TOML, or a key is missing, unknown or out of range: a
/// [`LoadError`] naming file, line and key.
pub fn read_file(path: &Path) -> Result<ScenarioFile, LoadError> {
    let file = read_named(path, Limit::NETWORK_FILE)?;
    parse_file(&file, path.parent().unwrap_or(Path::new("")))
}

/// Parses a scenario file's contents (`file` = (name in messages, bytes)); relative paths
/// (`base`, `depends_on`) are resolved against `dir`.
///
/// # Errors
/// As [`read_file`].
pub fn parse_file(file: &(String, Vec<u8>), dir: &Path) -> Result<ScenarioFile, LoadError> {
    let text = toml_text(file)?;
    let record: FileRecord =
        toml::from_str(text).map_err(|error| toml_error(&file.0, text, &error))?;
    let lines = Lines::new(text);
    let error = |line: u64, field: &str, fault: Fault| LoadError::Field {
        file: file.0.clone(),
        line,
        field: field.to_string(),
        fault,
    };
    let name_line = lines.of(&record.name);
    let name = record.name.into_inner();
    if !crate::network::is_id(&name) {
        return Err(error(
            name_line,
            "name",
            Fault::BadId {
                id: crate::io::clip(&name),
                rule: "lower-case letters, digits and `_`",
            },
        ));
    }
    let title_line = lines.of(&record.title);
    let title = record.title.into_inner();
    if title.trim().is_empty() {
        return Err(error(
            title_line,
            "title",
            Fault::rule("a scenario needs a title"),
        ));
    }
    let (base, base_line) = match record.base {
        None => (Base::Default, 1),
        Some(spanned) => {
            let line = lines.of(&spanned);
            let text = spanned.into_inner();
            match text.trim() {
                "" => {
                    return Err(error(
                        line,
                        "base",
                        Fault::rule("`default` or a network folder"),
                    ));
                }
                "default" => (Base::Default, line),
                folder => (Base::Folder(dir.join(folder)), line),
            }
        }
    };
    let year = match record.year {
        None => None,
        Some(spanned) => {
            let line = lines.of(&spanned);
            let value = *spanned.get_ref();
            match i32::try_from(value) {
                Ok(year) if crate::route::year_out_of_range(year).is_none() => Some((year, line)),
                _ => {
                    return Err(error(
                        line,
                        "year",
                        Fault::NotAYear {
                            value: value.to_string(),
                        },
                    ));
                }
            }
        }
    };
    let depends_on = record
        .depends_on
        .into_iter()
        .map(|spanned| {
            let line = lines.of(&spanned);
            let text = spanned.into_inner();
            if text.trim().is_empty() {
                Err(error(line, "depends_on", Fault::rule("an empty path")))
            } else {
                Ok((dir.join(text.trim()), line))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let excludes = record
        .excludes
        .into_iter()
        .map(|spanned| {
            let line = lines.of(&spanned);
            let text = spanned.into_inner();
            if crate::network::is_id(&text) {
                Ok((text, line))
            } else {
                Err(error(
                    line,
                    "excludes",
                    Fault::BadId {
                        id: crate::io::clip(&text),
                        rule: "lower-case letters, digits and `_` (a scenario's name)",
                    },
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut sources = Vec::new();
    for source in record.source {
        let line = lines.of(&source.id);
        sources.push((source_from_record(&file.0, &lines, source)?, line));
    }
    let mut edits = Vec::new();
    for spanned in record.edit {
        let line = lines.of(&spanned);
        let edit = parse_edit(&file.0, &lines, spanned.into_inner())?;
        edits.push((edit, line));
    }
    let close = record
        .close
        .into_iter()
        .map(|spanned| {
            let line = lines.of(&spanned);
            let close = spanned.into_inner();
            let item_line = lines.of(&close.item);
            let item = close.item.into_inner();
            if item.trim().is_empty() {
                return Err(error(item_line, "item", Fault::rule("nothing to close")));
            }
            Ok(Lever {
                value: item.trim().to_string(),
                sources: close.sources,
                line,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let factor_lever = |spanned: Spanned<f64>, sources: Vec<String>, field: &str| {
        let line = lines.of(&spanned);
        let value = spanned.into_inner();
        check_factor(value).map_err(|fault| error(line, field, fault))?;
        Ok::<_, LoadError>(Lever {
            value,
            sources,
            line,
        })
    };
    let (mut demand_factor, mut demand_scenario) = (None, None);
    let (mut demand_scale, mut tonnage_scale) = (Vec::new(), Vec::new());
    if let Some(demand) = record.demand {
        if let Some(factor) = demand.factor {
            demand_factor = Some(factor_lever(factor, demand.factor_sources, "factor")?);
        }
        if let Some(scenario) = demand.scenario {
            let line = lines.of(&scenario);
            let name = scenario.into_inner();
            if !crate::network::is_id(&name) {
                return Err(error(
                    line,
                    "scenario",
                    Fault::BadId {
                        id: crate::io::clip(&name),
                        rule: "lower-case letters, digits and `_`",
                    },
                ));
            }
            demand_scenario = Some((name, line));
        }
        for spanned in demand.scale {
            let line = lines.of(&spanned);
            let scale = spanned.into_inner();
            let factor = factor_lever(scale.factor, scale.sources, "factor")?;
            demand_scale.push(Lever {
                value: DemandScaleSpec {
                    zones: scale.zones,
                    class: scale.class,
                    factor: factor.value,
                },
                sources: factor.sources,
                line,
            });
        }
        for spanned in demand.tonnage {
            let line = lines.of(&spanned);
            let scale = spanned.into_inner();
            let factor = factor_lever(scale.factor, scale.sources, "factor")?;
            tonnage_scale.push(Lever {
                value: TonnageScaleSpec {
                    commodity: scale.commodity,
                    factor: factor.value,
                },
                sources: factor.sources,
                line,
            });
        }
    }
    let (mut sea_rate, mut carbon_usd_per_t, mut risk) = (None, None, Vec::new());
    if let Some(prices) = record.prices {
        if let Some(level) = prices.sea_rate {
            let line = lines.of(&level);
            let value = level.into_inner();
            if let Some(expected) = crate::route::sea_rate_out_of_range(value) {
                return Err(error(
                    line,
                    "sea_rate",
                    Fault::rule(format!("{}: {expected}", crate::io::number(value))),
                ));
            }
            sea_rate = Some(Lever {
                value,
                sources: prices.sea_rate_sources,
                line,
            });
        }
        if let Some(price) = prices.carbon_usd_per_t {
            let line = lines.of(&price);
            let value = price.into_inner();
            if !(value.is_finite() && (0.0..=MAX_CARBON_USD_PER_T).contains(&value)) {
                return Err(error(
                    line,
                    "carbon_usd_per_t",
                    Fault::rule(format!(
                        "{} is outside 0–{MAX_CARBON_USD_PER_T} USD per tonne CO2e",
                        crate::io::number(value)
                    )),
                ));
            }
            carbon_usd_per_t = Some(Lever {
                value,
                sources: prices.carbon_sources,
                line,
            });
        }
        for spanned in prices.risk {
            let line = lines.of(&spanned);
            let record = spanned.into_inner();
            let country_line = lines.of(&record.country);
            let code = record.country.into_inner();
            let Some(country) = Country::parse(code.trim()) else {
                return Err(error(
                    country_line,
                    "country",
                    Fault::rule(format!(
                        "`{}` is not an ISO country code",
                        crate::io::clip(&code)
                    )),
                ));
            };
            let usd_line = lines.of(&record.usd_per_feu);
            let usd_per_feu = record.usd_per_feu.into_inner();
            check_non_negative(usd_per_feu)
                .map_err(|fault| error(usd_line, "usd_per_feu", fault))?;
            let days = match record.days {
                None => 0.0,
                Some(days) => {
                    let days_line = lines.of(&days);
                    let days = days.into_inner();
                    check_non_negative(days).map_err(|fault| error(days_line, "days", fault))?;
                    days
                }
            };
            risk.push(Lever {
                value: RiskSpec {
                    country,
                    usd_per_feu,
                    days,
                },
                sources: record.sources,
                line,
            });
        }
    }
    let mut pairs = Vec::new();
    if let Some(report) = record.report {
        for spanned in report.pairs {
            let line = lines.of(&spanned);
            match spanned.into_inner().as_slice() {
                [from, to] => pairs.push((from.clone(), to.clone(), line)),
                _ => {
                    return Err(error(
                        line,
                        "pairs",
                        Fault::rule("each pair is [\"from\", \"to\"] (two node ids)"),
                    ));
                }
            }
        }
    }
    Ok(ScenarioFile {
        file: file.0.clone(),
        path: dir.to_path_buf(),
        name,
        title,
        description: record.description,
        base,
        base_line,
        year,
        depends_on,
        excludes,
        sources,
        edits,
        close,
        demand_factor,
        demand_scenario,
        demand_scale,
        tonnage_scale,
        sea_rate,
        carbon_usd_per_t,
        risk,
        pairs,
        bytes: file.1.clone(),
    })
}

/// The highest carbon price a scenario may set, USD per tonne CO2e (ten times the highest
/// price any carbon market has traded at).
pub const MAX_CARBON_USD_PER_T: f64 = 10_000.0;

/// The highest demand or tonnage factor a scenario may set.
pub const MAX_FACTOR: f64 = 1_000.0;

fn check_factor(value: f64) -> Result<(), Fault> {
    if value.is_finite() && (0.0..=MAX_FACTOR).contains(&value) {
        Ok(())
    } else {
        Err(Fault::rule(format!(
            "{} is outside 0–{MAX_FACTOR}",
            crate::io::number(value)
        )))
    }
}

fn check_non_negative(value: f64) -> Result<(), Fault> {
    if !value.is_finite() {
        Err(Fault::NotFinite {
            value: crate::io::number(value),
        })
    } else if value < 0.0 {
        Err(Fault::Negative {
            value: crate::io::number(value),
        })
    } else {
        Ok(())
    }
}

/// Turns an `[[edit]]` table into an [`Edit`]: the keys its kind needs must be there, no
/// other key may be. Values are checked when the edit is applied (as the loader checks them).
fn parse_edit(file: &str, lines: &Lines, record: EditRecord) -> Result<FileEdit, LoadError> {
    let kind_line = lines.of(&record.kind);
    let error = |line: u64, field: &str, fault: Fault| LoadError::Field {
        file: file.to_string(),
        line,
        field: field.to_string(),
        fault,
    };
    let kind = record.kind.get_ref().clone();
    let allowed: &[&str] = match kind.as_str() {
        "add_node" => &[
            "id",
            "name",
            "country",
            "lat",
            "lon",
            "node_kind",
            "gauges_mm",
            "sources",
        ],
        "remove_node" => &["node"],
        "add_link" => &[
            "like",
            "id",
            "from",
            "to",
            "name",
            "length_km",
            "trains_per_day",
            "teu_per_year",
            "speed_kmh",
            "hours",
            "status",
            "opening_year",
            "closing_year",
            "sources",
        ],
        "remove_link" => &["link"],
        "set_link_capacity" => &["link", "trains_per_day", "teu_per_year", "sources"],
        "set_link_tariff" => &["link", "fixed_usd", "per_km_usd", "sources"],
        "set_link_running" => &["link", "speed_kmh", "hours", "sources"],
        "set_link_wait" => &["link", "hours", "sources"],
        "set_link_validity" | "set_handling_validity" => &[
            "link",
            "handling",
            "status",
            "opening_year",
            "closing_year",
            "sources",
        ],
        "scale_corridor_tariffs" => &["corridor", "factor", "sources"],
        "scale_sailings" => &["link", "factor", "capacity", "sources"],
        "add_handling" => &[
            "handling",
            "hours",
            "cost_usd",
            "teu_per_day",
            "status",
            "opening_year",
            "closing_year",
            "sources",
        ],
        "remove_handling" => &["handling"],
        "set_handling_capacity" => &["handling", "teu_per_day", "sources"],
        "set_handling_hours" => &["handling", "hours", "sources"],
        "set_handling_cost" => &["handling", "cost_usd", "sources"],
        other => {
            return Err(error(
                kind_line,
                "kind",
                Fault::UnknownValue {
                    value: crate::io::clip(other),
                    expected: EDIT_KINDS.to_string(),
                },
            ));
        }
    };
    let given = record.given(lines);
    let wrong_target = |name: &str| {
        (kind == "set_link_validity" && name == "handling")
            || (kind == "set_handling_validity" && name == "link")
    };
    if let Some(&(name, line)) = given
        .iter()
        .find(|(name, _)| !allowed.contains(name) || wrong_target(name))
    {
        return Err(error(
            line,
            name,
            Fault::rule(format!("`{name}` is not a key of a `{kind}` edit")),
        ));
    }
    // A key the kind needs and the file left out.
    let missing = |name: &str| {
        error(
            kind_line,
            name,
            Fault::rule(format!("a `{kind}` edit needs `{name}`")),
        )
    };
    let required = |value: Option<Spanned<String>>, name: &str| {
        value.map(Spanned::into_inner).ok_or_else(|| missing(name))
    };
    let number = |value: Option<Spanned<f64>>, name: &str| {
        value.map(Spanned::into_inner).ok_or_else(|| missing(name))
    };
    let sources = record.sources.map(Spanned::into_inner).unwrap_or_default();
    let handling_key = |value: Option<Spanned<String>>| -> Result<HandlingKey, LoadError> {
        let Some(spanned) = value else {
            return Err(missing("handling"));
        };
        let line = lines.of(&spanned);
        parse_handling_key(spanned.get_ref())
            .map_err(|reason| error(line, "handling", Fault::rule(reason)))
    };
    let validity = |status: Option<Spanned<String>>,
                    opening: Option<Spanned<i64>>,
                    closing: Option<Spanned<i64>>|
     -> Result<Option<Validity>, LoadError> {
        let year = |value: Option<Spanned<i64>>, name: &str| -> Result<Option<i32>, LoadError> {
            match value {
                None => Ok(None),
                Some(spanned) => {
                    let line = lines.of(&spanned);
                    let value = *spanned.get_ref();
                    i32::try_from(value)
                        .ok()
                        .filter(|y| (1800..=2200).contains(y))
                        .map(Some)
                        .ok_or_else(|| {
                            error(
                                line,
                                name,
                                Fault::NotAYear {
                                    value: value.to_string(),
                                },
                            )
                        })
                }
            }
        };
        let opening_year = year(opening, "opening_year")?;
        let closing_year = year(closing, "closing_year")?;
        let status = match status {
            None if opening_year.is_none() && closing_year.is_none() => return Ok(None),
            None => {
                return Err(error(
                    kind_line,
                    "status",
                    Fault::rule("years need a `status`"),
                ));
            }
            Some(spanned) => {
                let line = lines.of(&spanned);
                Status::parse(spanned.get_ref()).ok_or_else(|| {
                    error(
                        line,
                        "status",
                        Fault::UnknownValue {
                            value: crate::io::clip(spanned.get_ref()),
                            expected: "operational, under_construction, planned, closed"
                                .to_string(),
                        },
                    )
                })?
            }
        };
        Ok(Some(Validity {
            status,
            opening_year,
            closing_year,
        }))
    };
    let edit = match kind.as_str() {
        "add_node" => {
            let country_text = required(record.country, "country")?;
            let country = Country::parse(country_text.trim()).ok_or_else(|| {
                error(
                    kind_line,
                    "country",
                    Fault::rule(format!(
                        "`{}` is not an ISO country code",
                        crate::io::clip(&country_text)
                    )),
                )
            })?;
            let kind_text = required(record.node_kind, "node_kind")?;
            let node_kind = crate::network::NodeKind::parse(kind_text.trim()).ok_or_else(|| {
                error(
                    kind_line,
                    "node_kind",
                    Fault::rule(format!(
                        "`{}` is not a node kind of nodes.csv",
                        crate::io::clip(&kind_text)
                    )),
                )
            })?;
            Edit::AddNode {
                node: super::NodeSpec {
                    key: required(record.id, "id")?,
                    name: required(record.name, "name")?,
                    aliases: Vec::new(),
                    country,
                    lat: number(record.lat, "lat")?,
                    lon: number(record.lon, "lon")?,
                    coord_sources: sources,
                    kind: node_kind,
                    gauges_mm: record
                        .gauges_mm
                        .map(Spanned::into_inner)
                        .unwrap_or_default(),
                    note: "added by a scenario".to_string(),
                },
                before: None,
            }
        }
        "remove_node" => Edit::RemoveNode {
            node: required(record.node, "node")?,
        },
        "add_link" => {
            let like = required(record.like, "like")?;
            let key = required(record.id, "id")?;
            let from = required(record.from, "from")?;
            let to = required(record.to, "to")?;
            let running = match (record.speed_kmh, record.hours) {
                (Some(speed), None) => Some(Running::SpeedKmh(speed.into_inner())),
                (None, Some(hours)) => Some(Running::Hours(hours.into_inner())),
                (None, None) => None,
                (Some(_), Some(hours)) => {
                    return Err(error(
                        lines.of(&hours),
                        "hours",
                        Fault::rule("give `speed_kmh` or `hours`, not both"),
                    ));
                }
            };
            let validity = validity(record.status, record.opening_year, record.closing_year)?;
            return Ok(FileEdit::AddLinkLike(LinkTemplate {
                like,
                key,
                from,
                to,
                name: record.name.map(Spanned::into_inner),
                length_km: record.length_km.map(Spanned::into_inner),
                running,
                capacity_trains_per_day: record.trains_per_day.map(Spanned::into_inner),
                capacity_teu_per_year: record.teu_per_year.map(Spanned::into_inner),
                validity,
                sources,
            }));
        }
        "scale_sailings" => {
            return Ok(FileEdit::ScaleSailings {
                link: required(record.link, "link")?,
                factor: number(record.factor, "factor")?,
                capacity: record.capacity.map(Spanned::into_inner),
                sources,
            });
        }
        "remove_link" => Edit::RemoveLink {
            link: required(record.link, "link")?,
        },
        "set_link_capacity" => Edit::SetLinkCapacity {
            link: required(record.link, "link")?,
            trains_per_day: record.trains_per_day.map(Spanned::into_inner),
            teu_per_year: record.teu_per_year.map(Spanned::into_inner),
            sources,
        },
        "set_link_tariff" => Edit::SetLinkTariff {
            link: required(record.link, "link")?,
            fixed_usd: number(record.fixed_usd, "fixed_usd")?,
            per_km_usd: number(record.per_km_usd, "per_km_usd")?,
            sources,
        },
        "set_link_running" => Edit::SetLinkRunning {
            link: required(record.link, "link")?,
            running: match (record.speed_kmh, record.hours) {
                (Some(speed), None) => Running::SpeedKmh(speed.into_inner()),
                (None, Some(hours)) => Running::Hours(hours.into_inner()),
                _ => {
                    return Err(error(
                        kind_line,
                        "speed_kmh",
                        Fault::rule("give `speed_kmh` or `hours` (one of them)"),
                    ));
                }
            },
            sources,
        },
        "set_link_wait" => Edit::SetLinkWait {
            link: required(record.link, "link")?,
            hours: number(record.hours, "hours")?,
            sources,
        },
        "set_link_validity" => Edit::SetLinkValidity {
            link: required(record.link, "link")?,
            validity: validity(record.status, record.opening_year, record.closing_year)?
                .ok_or_else(|| {
                    error(
                        kind_line,
                        "status",
                        Fault::rule("a `set_link_validity` edit needs `status`"),
                    )
                })?,
            sources,
        },
        "set_handling_validity" => Edit::SetHandlingValidity {
            handling: handling_key(record.handling)?,
            validity: validity(record.status, record.opening_year, record.closing_year)?
                .ok_or_else(|| {
                    error(
                        kind_line,
                        "status",
                        Fault::rule("a `set_handling_validity` edit needs `status`"),
                    )
                })?,
            sources,
        },
        "scale_corridor_tariffs" => Edit::ScaleCorridorTariffs {
            corridor: required(record.corridor, "corridor")?,
            factor: number(record.factor, "factor")?,
            sources,
        },
        "add_handling" => {
            let key = handling_key(record.handling)?;
            let validity = validity(record.status, record.opening_year, record.closing_year)?
                .unwrap_or(Validity::ALWAYS);
            Edit::AddHandling {
                handling: HandlingSpec {
                    node: key.node,
                    kind: key.kind,
                    hours: number(record.hours, "hours")?,
                    hours_sources: sources.clone(),
                    cost_usd: number(record.cost_usd, "cost_usd")?,
                    cost_sources: sources.clone(),
                    capacity_teu_per_day: record.teu_per_day.map(Spanned::into_inner),
                    capacity_sources: sources.clone(),
                    validity,
                    status_sources: if validity.opening_year.is_some()
                        || validity.closing_year.is_some()
                    {
                        sources
                    } else {
                        Vec::new()
                    },
                    note: String::new(),
                },
                before: None,
            }
        }
        "remove_handling" => Edit::RemoveHandling {
            handling: handling_key(record.handling)?,
        },
        "set_handling_capacity" => Edit::SetHandlingCapacity {
            handling: handling_key(record.handling)?,
            teu_per_day: record.teu_per_day.map(Spanned::into_inner),
            sources,
        },
        "set_handling_hours" => Edit::SetHandlingHours {
            handling: handling_key(record.handling)?,
            hours: number(record.hours, "hours")?,
            sources,
        },
        "set_handling_cost" => Edit::SetHandlingCost {
            handling: handling_key(record.handling)?,
            cost_usd: number(record.cost_usd, "cost_usd")?,
            sources,
        },
        other => {
            return Err(error(
                kind_line,
                "kind",
                Fault::UnknownValue {
                    value: crate::io::clip(other),
                    expected: EDIT_KINDS.to_string(),
                },
            ));
        }
    };
    Ok(FileEdit::Edit(edit))
}

/// An edit of a file: an [`Edit`], or a link added like an existing one (resolved against the
/// network the file applies to, [`LinkTemplate::spec`]).
#[expect(
    clippy::large_enum_variant,
    reason = "a file holds a few edits; boxing would only make them harder to match"
)]
#[derive(Debug, Clone, PartialEq)]
pub enum FileEdit {
    /// An edit as it is.
    Edit(Edit),
    /// `add_link` with `like`.
    AddLinkLike(LinkTemplate),
    /// `scale_sailings`: every sailing row of a link with its sailings per week × `factor`
    /// (more or fewer ships), resolved into [`Edit::SetSailings`].
    ScaleSailings {
        /// Link id.
        link: String,
        /// Factor (> 0).
        factor: f64,
        /// A new capacity per sailing, in each row's unit (`None`: unchanged).
        capacity: Option<f64>,
        /// Source ids of the new frequency (and capacity).
        sources: Vec<String>,
    },
}

/// The `set_sailings` edit that multiplies the sailings per week of every row of `link` on
/// `network` by `factor` (and sets each row's capacity per sailing to `capacity`, in its
/// unit, when given), the new values citing `sources`.
///
/// # Errors
/// The field at fault and why: an unknown link, a link without sailing rows, a factor that
/// is not a number > 0.
pub fn scale_sailings(
    network: &Network,
    link: &str,
    factor: f64,
    capacity: Option<f64>,
    sources: &[String],
) -> Result<Edit, (&'static str, String)> {
    let Some(id) = network.link_by_key(link) else {
        return Err(("link", format!("unknown link `{}`", crate::io::clip(link))));
    };
    if !(factor.is_finite() && factor > 0.0) {
        return Err((
            "factor",
            format!("{} is not a number > 0", crate::io::number(factor)),
        ));
    }
    let mut rows = super::SailingSpec::of(network, id);
    if rows.is_empty() {
        return Err((
            "link",
            format!("`{link}` has no sailing rows (sailings.csv): set its wait instead"),
        ));
    }
    for row in &mut rows {
        row.row.sailings_per_week *= factor;
        row.sailings_sources = sources.to_vec();
        if let Some(capacity) = capacity {
            let unit = row
                .row
                .capacity
                .map_or(crate::network::LoadUnit::Teu, |(_, unit)| unit);
            row.row.capacity = Some((capacity, unit));
            row.capacity_sources = sources.to_vec();
        }
    }
    Ok(Edit::SetSailings {
        link: link.to_string(),
        sailings: rows,
    })
}

/// A new link that copies an existing one (`like`: mode, gauge, speed, tariff, energy,
/// direction, corridors, sailings) with its own id, ends and the values given.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkTemplate {
    /// The link copied.
    pub like: String,
    /// The new link's id.
    pub key: String,
    /// From node id.
    pub from: String,
    /// To node id.
    pub to: String,
    /// Display name (default: none).
    pub name: Option<String>,
    /// Length, km (default: the copied link's).
    pub length_km: Option<f64>,
    /// Speed or running time (default: the copied link's speed; an error if it has a time).
    pub running: Option<Running>,
    /// Trains per day (default: none).
    pub capacity_trains_per_day: Option<f64>,
    /// TEU per year (default: none).
    pub capacity_teu_per_year: Option<f64>,
    /// When it exists (default: always).
    pub validity: Option<Validity>,
    /// Source ids of the values given.
    pub sources: Vec<String>,
}

impl LinkTemplate {
    /// The link's full spec on `network` (where `like` must exist).
    ///
    /// # Errors
    /// The field at fault and why: `like` unknown, or a running time copied to a link of
    /// another length.
    pub fn spec(&self, network: &Network) -> Result<Edit, (&'static str, String)> {
        let Some(id) = network.link_by_key(&self.like) else {
            return Err((
                "like",
                format!("unknown link `{}`", crate::io::clip(&self.like)),
            ));
        };
        let mut spec = LinkSpec::of(network, id);
        spec.key = self.key.clone();
        spec.from = self.from.clone();
        spec.to = self.to.clone();
        spec.name = self.name.clone().unwrap_or_default();
        spec.note = format!("added like {} by a scenario", self.like);
        spec.shape = None;
        if let Some(length_km) = self.length_km {
            spec.length_km = length_km;
            spec.length_sources = self.sources.clone();
        }
        match self.running {
            Some(running) => {
                spec.running = running;
                spec.time_sources = self.sources.clone();
            }
            None if matches!(spec.running, Running::Hours(_)) && self.length_km.is_some() => {
                return Err((
                    "hours",
                    format!(
                        "`{}` has a running time, not a speed: give `speed_kmh` or `hours`",
                        self.like
                    ),
                ));
            }
            None => {}
        }
        spec.capacity_trains_per_day = self.capacity_trains_per_day;
        spec.capacity_teu_per_year = self.capacity_teu_per_year;
        spec.capacity_sources =
            if self.capacity_trains_per_day.is_some() || self.capacity_teu_per_year.is_some() {
                self.sources.clone()
            } else {
                Vec::new()
            };
        spec.validity = self.validity.unwrap_or(Validity::ALWAYS);
        spec.status_sources =
            if spec.validity.opening_year.is_some() || spec.validity.closing_year.is_some() {
                self.sources.clone()
            } else {
                Vec::new()
            };
        Ok(Edit::AddLink {
            link: spec,
            before: None,
        })
    }
}

/// `node:kind` or `node:kind:opening_year` (`dostyk:gauge_change`).
fn parse_handling_key(text: &str) -> Result<HandlingKey, String> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let (node, kind, year) = match parts.as_slice() {
        [node, kind] => (*node, *kind, None),
        [node, kind, year] => (*node, *kind, Some(*year)),
        _ => {
            return Err(format!(
                "`{}` is not `node:kind` or `node:kind:opening_year`",
                crate::io::clip(text)
            ));
        }
    };
    let kind = HandlingKind::parse(kind).ok_or_else(|| {
        format!(
            "`{}` is not a handling kind (border, gauge_change, port, terminal)",
            crate::io::clip(kind)
        )
    })?;
    let opening_year = match year {
        None => None,
        Some(year) => Some(
            year.parse::<i32>()
                .ok()
                .filter(|y| (1800..=2200).contains(y))
                .ok_or_else(|| format!("`{}` is not an opening year", crate::io::clip(year)))?,
        ),
    };
    Ok(HandlingKey {
        node: node.to_string(),
        kind,
        opening_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ScenarioFile, LoadError> {
        parse_file(
            &("s.toml".to_string(), text.as_bytes().to_vec()),
            Path::new("dir"),
        )
    }

    fn message(text: &str) -> String {
        parse(text).expect_err("an error").to_string()
    }

    const HEAD: &str = "name = \"s\"\ntitle = \"A scenario\"\n";

    #[test]
    fn a_full_file_reads_every_part_with_its_line() {
        let text = format!(
            "{HEAD}base = \"net\"\nyear = 2030\ndepends_on = [\"a.toml\"]\nexcludes = [\"other\"]\n\
             [[source]]\nid = \"A_X\"\ntitle = \"An assumption\"\nkind = \"estimate\"\nmethod = \"assumed\"\n\
             [[edit]]\nkind = \"set_handling_capacity\"\nhandling = \"dostyk:gauge_change\"\nteu_per_day = 1200\nsources = [\"A_X\"]\n\
             [[edit]]\nkind = \"add_link\"\nlike = \"a_b\"\nid = \"a_c\"\nfrom = \"a\"\nto = \"c\"\nlength_km = 10\nsources = [\"A_X\"]\n\
             [[close]]\nitem = \"corridor:northern\"\nsources = [\"A_X\"]\n\
             [demand]\nfactor = 1.5\nfactor_sources = [\"A_X\"]\nscenario = \"titr_targets\"\n\
             [[demand.scale]]\nzones = [\"az_baku\"]\nclass = \"standard\"\nfactor = 2\nsources = [\"A_X\"]\n\
             [prices]\nsea_rate = 3\nsea_rate_sources = [\"A_X\"]\ncarbon_usd_per_t = 100\ncarbon_sources = [\"A_X\"]\n\
             [[prices.risk]]\ncountry = \"RU\"\nusd_per_feu = 1500\ndays = 3\nsources = [\"A_X\"]\n\
             [report]\npairs = [[\"xian\", \"baku\"]]\n"
        );
        let file = parse(&text).expect("valid");
        assert_eq!(file.name, "s");
        assert_eq!(file.base, Base::Folder(PathBuf::from("dir/net")));
        assert_eq!(file.year, Some((2030, 4)));
        assert_eq!(file.depends_on, vec![(PathBuf::from("dir/a.toml"), 5)]);
        assert_eq!(file.excludes, vec![("other".to_string(), 6)]);
        assert_eq!(file.sources.len(), 1);
        assert_eq!(file.sources[0].1, 8);
        assert_eq!(file.edits.len(), 2);
        assert!(matches!(
            &file.edits[0].0,
            FileEdit::Edit(Edit::SetHandlingCapacity { teu_per_day: Some(t), .. }) if *t == 1200.0
        ));
        assert!(matches!(&file.edits[1].0, FileEdit::AddLinkLike(t) if t.length_km == Some(10.0)));
        assert_eq!(file.close[0].value, "corridor:northern");
        assert_eq!(file.demand_factor.as_ref().map(|f| f.value), Some(1.5));
        assert_eq!(
            file.demand_scenario.as_ref().map(|s| s.0.as_str()),
            Some("titr_targets")
        );
        assert_eq!(
            file.demand_scale[0].value.zones,
            vec!["az_baku".to_string()]
        );
        assert_eq!(file.sea_rate.as_ref().map(|s| s.value), Some(3.0));
        assert_eq!(file.carbon_usd_per_t.as_ref().map(|s| s.value), Some(100.0));
        assert_eq!(file.risk[0].value.days, 3.0);
        assert_eq!(
            file.pairs,
            vec![("xian".to_string(), "baku".to_string(), 48)]
        );
    }

    #[test]
    fn errors_name_file_line_and_key() {
        assert_eq!(
            message(&format!(
                "{HEAD}[[edit]]\nkind = \"set_link_tariff\"\nlink = \"x\"\nfixed_usd = 1\nper_km_usd = 1\nteu_per_day = 5\n"
            )),
            "s.toml:8: teu_per_day: `teu_per_day` is not a key of a `set_link_tariff` edit"
        );
        assert_eq!(
            message(&format!(
                "{HEAD}[[edit]]\nkind = \"set_link_wait\"\nhours = 3\n"
            )),
            "s.toml:4: link: a `set_link_wait` edit needs `link`"
        );
        assert!(
            message(&format!("{HEAD}[[edit]]\nkind = \"paint_it\"\n")).starts_with(
                "s.toml:4: kind: unknown value `paint_it` (expected one of: add_node, remove_node, add_link"
            )
        );
        assert_eq!(
            message(&format!(
                "{HEAD}[[edit]]\nkind = \"remove_handling\"\nhandling = \"dostyk:gate\"\n"
            )),
            "s.toml:5: handling: `gate` is not a handling kind (border, gauge_change, port, terminal)"
        );
        assert_eq!(
            message(&format!("{HEAD}year = 1066\n")),
            "s.toml:3: year: `1066` is not a year between 1800 and 2200"
        );
        assert_eq!(
            message(&format!("{HEAD}[prices]\ncarbon_usd_per_t = -5\n")),
            "s.toml:4: carbon_usd_per_t: -5 is outside 0–10000 USD per tonne CO2e"
        );
        assert_eq!(
            message(&format!("{HEAD}[demand]\nfactor = 1e9\n")),
            "s.toml:4: factor: 1000000000 is outside 0–1000"
        );
        assert_eq!(
            message(&format!(
                "{HEAD}[[prices.risk]]\ncountry = \"Narnia\"\nusd_per_feu = 1\n"
            )),
            "s.toml:4: country: `Narnia` is not an ISO country code"
        );
        assert_eq!(
            message(&format!("{HEAD}[report]\npairs = [[\"a\"]]\n")),
            "s.toml:4: pairs: each pair is [\"from\", \"to\"] (two node ids)"
        );
        assert_eq!(
            message("name = \"Bad Name\"\ntitle = \"t\"\n"),
            "s.toml:1: name: `Bad Name` must use only lower-case letters, digits and `_`"
        );
        // Unknown keys and malformed TOML: the parser's message and line.
        let unknown = message(&format!("{HEAD}colour = \"red\"\n"));
        assert!(
            unknown.starts_with("s.toml:3: ") && unknown.contains("unknown field `colour`"),
            "{unknown}"
        );
        let malformed = message(&format!("{HEAD}[[edit]\n"));
        assert!(malformed.starts_with("s.toml:3: "), "{malformed}");
        assert!(message("title = \"t\"\n").contains("missing field `name`"));
    }

    #[test]
    fn handling_keys_read_with_or_without_an_opening_year() {
        assert_eq!(
            parse_handling_key("bakhty:gauge_change:2027"),
            Ok(HandlingKey::opening_in(
                "bakhty",
                HandlingKind::GaugeChange,
                2027
            ))
        );
        assert_eq!(
            parse_handling_key(" dostyk:border "),
            Ok(HandlingKey::new("dostyk", HandlingKind::Border))
        );
        assert!(parse_handling_key("dostyk").is_err());
        assert!(parse_handling_key("dostyk:border:soon").is_err());
        assert!(parse_handling_key("a:border:1:2").is_err());
    }
}
