//! `markets.csv`: the markets where rail competes with the sea.

use super::{ID_RULE, NetworkFiles, Problems, is_id};
use crate::io::csv::{Column, optional, required};
use crate::io::{Fault, LoadError, clip};
use crate::network::{FreightData, Market, MarketYear, NetworkBuilder, SourceId, ZoneId};

const MARKET_COLUMNS: &[Column] = &[
    required("market_id"),
    required("origins"),
    required("destinations"),
    required("alternative"),
    required("rail_share"),
    required("share_source"),
    required("elasticity"),
    required("elasticity_source"),
    required("base_year"),
    required("scale_per_usd"),
    required("rail_constant_usd_per_teu"),
    required("fit_source"),
    optional("note"),
];

/// Reads `markets.csv` against the zones already read and the corridors of the dataset.
pub(super) fn parse_markets(
    files: &NetworkFiles,
    freight: &FreightData,
    builder: &NetworkBuilder,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
    problems: &mut Problems,
) -> Vec<Market> {
    let mut markets: Vec<(Market, u64)> = Vec::new();
    let Some(file) = &files.markets else {
        return Vec::new();
    };
    let table = problems.table(file, MARKET_COLUMNS);
    let no_zones_file = files.zones.is_none();
    problems.each_row(
        table.as_ref(),
        |failed| failed.zones |= no_zones_file,
        |fields| {
            let key = fields.required_text("market_id")?;
            if !is_id(key) {
                return Err(fields.error(
                    "market_id",
                    Fault::BadId {
                        id: clip(key),
                        rule: ID_RULE,
                    },
                ));
            }
            if let Some((_, line)) = markets.iter().find(|(m, _)| m.key == key) {
                return Err(fields.error(
                    "market_id",
                    Fault::DuplicateId {
                        id: key.to_string(),
                        first_line: Some(*line),
                    },
                ));
            }
            let zones = |field: &str| -> Result<Vec<ZoneId>, LoadError> {
                let items = fields.list(field);
                if items.is_empty() {
                    return Err(fields.error(
                        field,
                        Fault::Missing {
                            hint: " (one or more zone ids, separated by |)",
                        },
                    ));
                }
                let mut out = Vec::new();
                for item in &items {
                    let zone = freight.zone_by_key(item).ok_or_else(|| {
                        let hint = if no_zones_file {
                            "zones.csv is missing"
                        } else {
                            "not in zones.csv"
                        };
                        fields.error(field, Fault::unknown("zone", item, format!(" ({hint})")))
                    })?;
                    if !out.contains(&zone) {
                        out.push(zone);
                    }
                }
                Ok(out)
            };
            let origins = zones("origins")?;
            let destinations = zones("destinations")?;
            if let Some(zone) = origins.iter().find(|z| destinations.contains(z)) {
                return Err(fields.error(
                    "destinations",
                    format!(
                        "zone `{}` is also an origin; a market joins two sets of zones",
                        freight.zone(*zone).key
                    ),
                ));
            }
            let alternative = fields.list("alternative");
            if alternative.is_empty() {
                return Err(fields.error(
                    "alternative",
                    Fault::Missing {
                        hint: " (the corridor ids of the alternative, separated by |)",
                    },
                ));
            }
            for corridor in &alternative {
                if builder.corridor_id(corridor).is_none() {
                    return Err(fields.error(
                        "alternative",
                        Fault::unknown("corridor", corridor, " (not a [[corridor]] of dataset.toml)"),
                    ));
                }
            }
            let rail_share = fields
                .number("rail_share")?
                .ok_or_else(|| fields.error("rail_share", Fault::missing()))?;
            if !(rail_share > 0.0 && rail_share < 1.0) {
                return Err(fields.error(
                    "rail_share",
                    format!("{rail_share} is not a share strictly between 0 and 1"),
                ));
            }
            let rail_share_sources = fields.sources("share_source", "rail_share", true, resolve)?;
            let elasticity = fields
                .number("elasticity")?
                .ok_or_else(|| fields.error("elasticity", Fault::missing()))?;
            if !(-20.0..0.0).contains(&elasticity) {
                return Err(fields.error(
                    "elasticity",
                    format!(
                        "{elasticity} is not an elasticity of rail volume to rail cost (from -20 to below 0)"
                    ),
                ));
            }
            let elasticity_sources =
                fields.sources("elasticity_source", "elasticity", true, resolve)?;
            let base_year = fields
                .year("base_year")?
                .ok_or_else(|| fields.error("base_year", Fault::missing()))?;
            let scale_per_usd = fields
                .non_negative("scale_per_usd")?
                .ok_or_else(|| fields.error("scale_per_usd", Fault::missing()))?;
            if scale_per_usd > 1.0 {
                return Err(fields.error(
                    "scale_per_usd",
                    format!("{scale_per_usd} per USD would make a dollar decide the choice"),
                ));
            }
            let rail_constant_usd_per_teu = fields
                .number("rail_constant_usd_per_teu")?
                .ok_or_else(|| fields.error("rail_constant_usd_per_teu", Fault::missing()))?;
            if rail_constant_usd_per_teu.abs() > 1e6 {
                return Err(fields.error(
                    "rail_constant_usd_per_teu",
                    format!("{rail_constant_usd_per_teu} USD per TEU is not a constant of a choice between two routes"),
                ));
            }
            let fit_sources =
                fields.sources("fit_source", "rail_constant_usd_per_teu", true, resolve)?;
            markets.push((
                Market {
                    key: key.to_string(),
                    origins,
                    destinations,
                    alternative,
                    rail_share,
                    rail_share_sources,
                    elasticity,
                    elasticity_sources,
                    base_year,
                    scale_per_usd,
                    rail_constant_usd_per_teu,
                    fit_sources,
                    note: fields.text("note").to_string(),
                },
                fields.line(),
            ));
            Ok(())
        },
    );
    markets.into_iter().map(|(m, _)| m).collect()
}

const MARKET_YEAR_COLUMNS: &[Column] = &[
    required("market_id"),
    required("year"),
    required("rail_premium_usd_per_teu"),
    required("premium_source"),
    optional("fitted_on"),
    optional("note"),
];

/// Reads `market_years.csv` against the markets already read.
pub(super) fn parse_market_years(
    files: &NetworkFiles,
    freight: &FreightData,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
    problems: &mut Problems,
) -> Vec<MarketYear> {
    let mut rows: Vec<(MarketYear, u64)> = Vec::new();
    let Some(file) = &files.market_years else {
        return Vec::new();
    };
    let table = problems.table(file, MARKET_YEAR_COLUMNS);
    problems.each_row(
        table.as_ref(),
        |_| {},
        |fields| {
            let key = fields.required_text("market_id")?;
            let market = freight
                .markets
                .iter()
                .position(|m| m.key == key)
                .ok_or_else(|| {
                    fields.error(
                        "market_id",
                        Fault::unknown("market", key, " (not in markets.csv)"),
                    )
                })?;
            let year = fields
                .year("year")?
                .ok_or_else(|| fields.error("year", Fault::missing()))?;
            if let Some((_, line)) = rows
                .iter()
                .find(|(r, _)| r.market == market && r.year == year)
            {
                return Err(fields.error(
                    "year",
                    format!("{year} is already given for `{key}` on line {line}"),
                ));
            }
            let premium = fields
                .number("rail_premium_usd_per_teu")?
                .ok_or_else(|| fields.error("rail_premium_usd_per_teu", Fault::missing()))?;
            if premium.abs() > 1e5 {
                return Err(fields.error(
                    "rail_premium_usd_per_teu",
                    format!("{premium} USD per TEU is more than a container's freight is worth"),
                ));
            }
            let sources =
                fields.sources("premium_source", "rail_premium_usd_per_teu", true, resolve)?;
            let fitted_on = fields
                .list("fitted_on")
                .iter()
                .map(|s| s.to_string())
                .collect();
            rows.push((
                MarketYear {
                    market,
                    year,
                    premium_usd_per_teu: premium,
                    sources,
                    fitted_on,
                },
                fields.line(),
            ));
            Ok(())
        },
    );
    rows.into_iter().map(|(r, _)| r).collect()
}
