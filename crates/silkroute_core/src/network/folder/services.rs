//! The service files of a network folder, all optional: `services.csv` (rail service
//! classes), `service_speeds.csv` (their speeds per administration and years),
//! `service_dwell.csv` (their dwell at given borders and gauge changes), `sailings.csv`
//! (sailings of sea and ferry lines by season and year), and `calibration.csv` (calibrated
//! factors).

use super::{ID_RULE, NetworkFiles, Problems, is_id};
use crate::io::csv::{Column, Fields, optional, required};
use crate::io::{Fault, LoadError, clip};
use crate::network::{
    Calibration, Country, DemandYear, Dispatch, Factor, FactorKey, FreightData, HandlingKind,
    LinkId, LoadUnit, MAX_CLOSED_DAYS, MAX_SAILINGS_PER_WEEK, Mode, Months, NetworkBuilder,
    PriceItem, PriceRow, Prices, RailService, Running, Sailing, ServiceData, ServiceDwell,
    ServiceId, ServiceSpeed, SourceId, SpeedOn, ZoneId,
};
use std::collections::HashMap;

const SERVICE_COLUMNS: &[Column] = &[
    required("service_id"),
    required("name"),
    optional("default"),
    required("border_dwell_factor"),
    required("dwell_factor_source"),
    optional("consolidation_h"),
    optional("consolidation_source"),
    optional("note"),
];

const SPEED_COLUMNS: &[Column] = &[
    required("service_id"),
    optional("administration"),
    optional("link_id"),
    required("speed_kmh"),
    required("speed_source"),
    optional("first_year"),
    optional("last_year"),
    optional("note"),
];

const DWELL_COLUMNS: &[Column] = &[
    required("service_id"),
    required("node_id"),
    required("kind"),
    required("hours"),
    required("hours_source"),
    optional("note"),
];

const CALIBRATION_COLUMNS: &[Column] = &[
    required("factor"),
    optional("first_year"),
    optional("last_year"),
    required("value"),
    required("prior"),
    required("prior_sd"),
    required("fit_source"),
    optional("note"),
];

/// The range a calibrated factor may take.
const FACTOR_RANGE: std::ops::RangeInclusive<f64> = 0.05..=20.0;

const SAILING_COLUMNS: &[Column] = &[
    required("link_id"),
    required("months"),
    optional("first_year"),
    optional("last_year"),
    required("sailings_per_week"),
    required("sailings_source"),
    optional("capacity"),
    optional("capacity_unit"),
    optional("capacity_source"),
    required("dispatch"),
    optional("max_wait_h"),
    required("dispatch_source"),
    optional("load_per_week"),
    optional("load_source"),
    optional("closed_days_per_month"),
    optional("closure_mean_h"),
    optional("weather_source"),
    optional("note"),
];

/// Reads the service files into `builder`: the classes with their speeds and dwell, and the
/// sailings of each water link. Problems go to `problems`.
pub(super) fn parse_services(
    files: &NetworkFiles,
    builder: &mut NetworkBuilder,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
    problems: &mut Problems,
) {
    let mut data = ServiceData::default();
    // Line of each class, by class index, for messages.
    let mut class_lines: Vec<u64> = Vec::new();
    let mut services_failed = false;
    if let Some(file) = &files.services {
        let table = problems.table(file, SERVICE_COLUMNS);
        services_failed = table.is_none();
        problems.failed.services = services_failed;
        let mut default_line: Option<u64> = None;
        problems.each_row(
            table.as_ref(),
            |failed| failed.services = true,
            |fields| {
                let class = parse_class(fields, resolve)?;
                if let Some(index) = data.classes.iter().position(|c| c.key == class.key) {
                    return Err(fields.error(
                        "service_id",
                        Fault::DuplicateId {
                            id: class.key,
                            first_line: Some(class_lines[index]),
                        },
                    ));
                }
                match fields.text("default") {
                    "" | "no" => {}
                    "yes" => {
                        if let Some(first) = default_line {
                            return Err(fields.error(
                                "default",
                                format!("only one class can be the default (line {first} is)"),
                            ));
                        }
                        default_line = Some(fields.line());
                        data.default = Some(ServiceId::from_index(data.classes.len()));
                    }
                    other => {
                        return Err(fields.error(
                            "default",
                            Fault::UnknownValue {
                                value: clip(other),
                                expected: "yes, no or empty".to_string(),
                            },
                        ));
                    }
                }
                class_lines.push(fields.line());
                data.classes.push(class);
                Ok(())
            },
        );
        if let (Some(table), None) = (&table, default_line)
            && let Some(first) = table.rows.first()
        {
            problems.push(
                table
                    .at(first)
                    .error("default", "one class must be marked `yes` as the default"),
            );
        }
    }
    let class_of = |fields: &Fields<'_>, data: &ServiceData| -> Result<ServiceId, LoadError> {
        let key = fields.required_text("service_id")?;
        data.find(key).ok_or_else(|| {
            fields.error(
                "service_id",
                Fault::unknown("service", key, " (not in services.csv)"),
            )
        })
    };

    if let Some(file) = &files.service_speeds {
        let table = problems.table(file, SPEED_COLUMNS);
        // (class, where, first year, last year, line) of the rows so far.
        type SpeedRow = (ServiceId, SpeedOn, Option<i32>, Option<i32>, u64);
        let mut seen: Vec<SpeedRow> = Vec::new();
        problems.each_row(
            table.as_ref(),
            |_| {},
            |fields| {
                if services_failed {
                    return Ok(());
                }
                let class = class_of(fields, &data)?;
                let on = match (fields.text("administration"), fields.text("link_id")) {
                    ("", "") => {
                        return Err(fields.error(
                            "administration",
                            "give an administration (country code) or a link_id",
                        ));
                    }
                    (text, "") => SpeedOn::Administration(Country::parse(text).ok_or_else(|| {
                        fields.error(
                            "administration",
                            format!(
                                "`{}` is not a two-letter upper-case country code",
                                clip(text)
                            ),
                        )
                    })?),
                    ("", key) => {
                        let link = builder.link_id(key).ok_or_else(|| {
                            fields.error(
                                "link_id",
                                Fault::unknown("link", key, " (not in links.csv)"),
                            )
                        })?;
                        let link = builder.link(link);
                        if link.mode != Mode::Rail || !matches!(link.running, Running::SpeedKmh(_)) {
                            return Err(fields.error(
                                "link_id",
                                format!("`{key}` is not a rail link run at a speed"),
                            ));
                        }
                        SpeedOn::Section(key.to_string())
                    }
                    (_, _) => {
                        return Err(fields.error(
                            "link_id",
                            "give an administration or a link_id, not both",
                        ));
                    }
                };
                let speed_kmh = fields
                    .positive("speed_kmh")?
                    .ok_or_else(|| fields.error("speed_kmh", Fault::missing()))?;
                if speed_kmh > 200.0 {
                    return Err(fields.error(
                        "speed_kmh",
                        format!("{speed_kmh} km/h is not a freight train's commercial speed (at most 200)"),
                    ));
                }
                let sources = fields.sources("speed_source", "speed_kmh", true, resolve)?;
                let (first_year, last_year) = years(fields)?;
                for (other, other_on, first, last, line) in &seen {
                    if *other == class
                        && *other_on == on
                        && crate::network::years::overlap((*first, *last), (first_year, last_year))
                    {
                        return Err(fields.error(
                            "first_year",
                            format!(
                                "service `{}` already has a speed there in these years (line {line})",
                                data.class(class).key
                            ),
                        ));
                    }
                }
                seen.push((class, on.clone(), first_year, last_year, fields.line()));
                data.classes[class.index()].speeds.push(ServiceSpeed {
                    on,
                    speed_kmh,
                    sources,
                    first_year,
                    last_year,
                });
                Ok(())
            },
        );
    }

    if let Some(file) = &files.service_dwell {
        let table = problems.table(file, DWELL_COLUMNS);
        let mut seen: HashMap<(ServiceId, String, HandlingKind), u64> = HashMap::new();
        problems.each_row(
            table.as_ref(),
            |_| {},
            |fields| {
                if services_failed {
                    return Ok(());
                }
                let class = class_of(fields, &data)?;
                let node_text = fields.required_text("node_id")?;
                let node = builder.node_id(node_text).ok_or_else(|| {
                    fields.error(
                        "node_id",
                        Fault::unknown("node", node_text, " (not in nodes.csv)"),
                    )
                })?;
                let kind_names: Vec<&str> =
                    HandlingKind::ALL.iter().map(|k| k.as_str()).collect();
                let kind = fields.one_of("kind", HandlingKind::parse, &kind_names)?;
                if !builder
                    .handlings()
                    .iter()
                    .any(|h| h.node == node && h.kind == kind)
                {
                    return Err(fields.error(
                        "kind",
                        format!(
                            "node `{node_text}` has no `{}` row in handling.csv",
                            kind.as_str()
                        ),
                    ));
                }
                if let Some(first) =
                    seen.insert((class, node_text.to_string(), kind), fields.line())
                {
                    return Err(fields.error(
                        "kind",
                        format!(
                            "service `{}` already has a dwell at `{node_text}` for `{}` (line {first})",
                            data.class(class).key,
                            kind.as_str()
                        ),
                    ));
                }
                let hours = fields
                    .non_negative("hours")?
                    .ok_or_else(|| fields.error("hours", Fault::missing()))?;
                let sources = fields.sources("hours_source", "hours", true, resolve)?;
                data.classes[class.index()].dwell.push(ServiceDwell {
                    node,
                    kind,
                    hours,
                    sources,
                });
                Ok(())
            },
        );
    }
    if !services_failed && let Err(error) = builder.set_services(data) {
        // Every reference was checked above; this only guards the invariant.
        problems.push(LoadError::Network {
            file: files
                .services
                .as_ref()
                .map_or_else(String::new, |f| f.0.clone()),
            fault: Box::new(error),
        });
    }

    if let Some(file) = &files.sailings {
        let table = problems.table(file, SAILING_COLUMNS);
        let mut by_link: Vec<(LinkId, Vec<(Sailing, u64)>)> = Vec::new();
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
                let mode = builder.link(link).mode;
                if !mode.is_water() {
                    return Err(fields.error(
                        "link_id",
                        format!(
                            "sailings are for sea and ferry links; `{key}` is a {} link",
                            mode.as_str()
                        ),
                    ));
                }
                let sailing = parse_sailing(fields, resolve)?;
                let rows = match by_link.iter_mut().find(|(l, _)| *l == link) {
                    Some((_, rows)) => rows,
                    None => {
                        by_link.push((link, Vec::new()));
                        &mut by_link.last_mut().expect("just pushed").1
                    }
                };
                if let Some((_, line)) = rows.iter().find(|(row, _)| row.overlaps(&sailing)) {
                    return Err(fields.error(
                        "months",
                        format!(
                            "link `{key}` already has sailings in some of these months and years (line {line})"
                        ),
                    ));
                }
                rows.push((sailing, fields.line()));
                Ok(())
            },
        );
        for (id, rows) in by_link {
            let mut link = builder.link(id).clone();
            link.sailings = rows.into_iter().map(|(row, _)| row).collect();
            if let Err(error) = builder.replace_link(id, link) {
                problems.push(LoadError::Network {
                    file: file.0.clone(),
                    fault: Box::new(error),
                });
            }
        }
    }
    if let Some(file) = &files.calibration {
        let table = problems.table(file, CALIBRATION_COLUMNS);
        let mut calibration = Calibration::default();
        let mut lines: Vec<u64> = Vec::new();
        problems.each_row(
            table.as_ref(),
            |_| {},
            |fields| {
                let factor = parse_factor(fields, builder, resolve)?;
                if let Some(index) = calibration
                    .factors
                    .iter()
                    .position(|other| Calibration::overlaps(other, &factor))
                {
                    return Err(fields.error(
                        "first_year",
                        format!(
                            "`{}` already has a factor in these years (line {})",
                            factor.key, lines[index]
                        ),
                    ));
                }
                lines.push(fields.line());
                calibration.factors.push(factor);
                Ok(())
            },
        );
        builder.set_calibration(calibration);
    }
    if let Some(file) = &files.prices {
        let table = problems.table(file, PRICE_COLUMNS);
        let mut prices = Prices::default();
        let mut lines: Vec<u64> = Vec::new();
        problems.each_row(
            table.as_ref(),
            |_| {},
            |fields| {
                let row = parse_price(fields, resolve)?;
                if let Some(index) = prices
                    .rows
                    .iter()
                    .position(|other| Prices::overlaps(other, &row))
                {
                    return Err(fields.error(
                        "first_year",
                        format!(
                            "`{}` already has a row in these years (line {})",
                            row.item, lines[index]
                        ),
                    ));
                }
                lines.push(fields.line());
                prices.rows.push(row);
                Ok(())
            },
        );
        builder.set_prices(prices);
    }
}

const DEMAND_YEAR_COLUMNS: &[Column] = &[
    required("year"),
    optional("zones"),
    required("factor"),
    required("factor_source"),
    optional("note"),
    optional("scenario"),
];

/// Reads `demand_years.csv`: the demand of a year as a factor on `demand.csv`, for every row
/// or for a group of zones (against the zones and demand already read).
pub(super) fn parse_demand_years(
    files: &NetworkFiles,
    freight: &FreightData,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
    problems: &mut Problems,
) -> Vec<DemandYear> {
    let mut years: Vec<(DemandYear, u64)> = Vec::new();
    if let Some(file) = &files.demand_years {
        let table = problems.table(file, DEMAND_YEAR_COLUMNS);
        let no_zones_file = files.zones.is_none();
        problems.each_row(
            table.as_ref(),
            |_| {},
            |fields| {
                let year = fields
                    .year("year")?
                    .ok_or_else(|| fields.error("year", Fault::missing()))?;
                let mut zones = Vec::new();
                for item in fields.list("zones") {
                    let zone = freight.zone_by_key(&item).ok_or_else(|| {
                        let hint = if no_zones_file {
                            " (zones.csv is missing)"
                        } else {
                            " (not in zones.csv)"
                        };
                        fields.error("zones", Fault::unknown("zone", &item, hint))
                    })?;
                    zones.push(zone);
                }
                zones.sort();
                zones.dedup();
                let scenario = super::scenario_field(fields)?;
                if let Some((_, line)) = years
                    .iter()
                    .find(|(d, _)| d.year == year && d.zones == zones && d.scenario == scenario)
                {
                    let group = if zones.is_empty() {
                        String::new()
                    } else {
                        " for these zones".to_string()
                    };
                    return Err(fields.error(
                        "year",
                        format!("{year} is already given{group} on line {line}"),
                    ));
                }
                if let Some((other, line)) = years
                    .iter()
                    .find(|(d, _)| d.zones != zones && d.zones.iter().any(|z| zones.contains(z)))
                {
                    let zone = other.zones.iter().find(|z| zones.contains(z)).expect("found");
                    return Err(fields.error(
                        "zones",
                        format!(
                            "zone `{}` is already in the group of line {line}; a zone belongs to one group",
                            freight.zone(*zone).key
                        ),
                    ));
                }
                if !zones.is_empty() {
                    let group_of = |zone: ZoneId| {
                        years
                            .iter()
                            .find(|(d, _)| !d.zones.is_empty() && d.zones.contains(&zone))
                            .map(|(d, line)| (&d.zones, *line))
                    };
                    for row in &freight.demand {
                        for (this, other) in
                            [(row.origin, row.destination), (row.destination, row.origin)]
                        {
                            if !zones.contains(&this) {
                                continue;
                            }
                            if let Some((_, line)) = group_of(other).filter(|(g, _)| **g != zones)
                            {
                                return Err(fields.error(
                                    "zones",
                                    format!(
                                        "demand.csv joins zone `{}` of this group and zone `{}` of the group of line {line}: which factor would its rows take?",
                                        freight.zone(this).key,
                                        freight.zone(other).key
                                    ),
                                ));
                            }
                        }
                    }
                }
                let factor = fields
                    .non_negative("factor")?
                    .ok_or_else(|| fields.error("factor", Fault::missing()))?;
                if factor > 100.0 {
                    return Err(fields.error(
                        "factor",
                        format!("{factor} times the demand of demand.csv is not a year's demand"),
                    ));
                }
                let sources = fields.sources("factor_source", "factor", true, resolve)?;
                years.push((
                    DemandYear {
                        year,
                        zones,
                        factor,
                        sources,
                        scenario,
                    },
                    fields.line(),
                ));
                Ok(())
            },
        );
    }
    years.into_iter().map(|(d, _)| d).collect()
}

const PRICE_COLUMNS: &[Column] = &[
    required("item"),
    optional("first_year"),
    optional("last_year"),
    required("value"),
    optional("days"),
    required("price_source"),
    optional("note"),
];

fn parse_price(
    fields: &Fields<'_>,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<PriceRow, LoadError> {
    let text = fields.required_text("item")?;
    let item = PriceItem::parse(text).ok_or_else(|| {
        fields.error(
            "item",
            format!(
                "`{}` is not `sea_rate` or `risk.<country code>`",
                clip(text)
            ),
        )
    })?;
    let (first_year, last_year) = years(fields)?;
    let value = fields
        .non_negative("value")?
        .ok_or_else(|| fields.error("value", Fault::missing()))?;
    let days = fields.non_negative("days")?;
    match item {
        PriceItem::SeaRate => {
            if !(0.05..=20.0).contains(&value) {
                return Err(fields.error(
                    "value",
                    format!(
                        "a sea-rate level of {value} is outside [0.05, 20] times the tariff year's"
                    ),
                ));
            }
            if days.is_some() {
                return Err(fields.error("days", "a sea-rate level has no days"));
            }
        }
        PriceItem::Risk(_) => {
            if value > 100_000.0 {
                return Err(fields.error(
                    "value",
                    format!("{value} USD per FEU is more than a container is worth shipping"),
                ));
            }
            if days.is_some_and(|d| d > 60.0) {
                return Err(fields.error("days", "a risk premium of more than 60 days"));
            }
        }
    }
    let sources = fields.sources("price_source", "value", true, resolve)?;
    Ok(PriceRow {
        item,
        first_year,
        last_year,
        value,
        days: days.unwrap_or(0.0),
        sources,
        note: fields.text("note").to_string(),
    })
}

fn parse_factor(
    fields: &Fields<'_>,
    builder: &NetworkBuilder,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<Factor, LoadError> {
    let text = fields.required_text("factor")?;
    let key = FactorKey::parse(text).ok_or_else(|| {
        fields.error(
            "factor",
            format!(
                "`{}` is not a factor (speed.<country>, speed.<class>, speed.sea, dwell.<kind>, dwell.<class>, wait.caspian)",
                clip(text)
            ),
        )
    })?;
    if let FactorKey::ClassSpeed(class) | FactorKey::ClassDwell(class) = &key
        && builder.services().find(class).is_none()
    {
        return Err(fields.error(
            "factor",
            Fault::unknown("service", class, " (not in services.csv)"),
        ));
    }
    let (first_year, last_year) = years(fields)?;
    let number = |field: &str, range: std::ops::RangeInclusive<f64>| -> Result<f64, LoadError> {
        let value = fields
            .positive(field)?
            .ok_or_else(|| fields.error(field, Fault::missing()))?;
        if !range.contains(&value) {
            return Err(fields.error(
                field,
                format!("{value} is outside [{}, {}]", range.start(), range.end()),
            ));
        }
        Ok(value)
    };
    let value = number("value", FACTOR_RANGE)?;
    let prior = number("prior", FACTOR_RANGE)?;
    let prior_sd = number("prior_sd", 0.001..=5.0)?;
    let sources = fields.sources("fit_source", "value", true, resolve)?;
    Ok(Factor {
        key,
        first_year,
        last_year,
        value,
        prior,
        prior_sd,
        sources,
        note: fields.text("note").to_string(),
    })
}

fn parse_class(
    fields: &Fields<'_>,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<RailService, LoadError> {
    let key = fields.required_text("service_id")?;
    if !is_id(key) {
        return Err(fields.error(
            "service_id",
            format!("service id `{}` must use only {ID_RULE}", clip(key)),
        ));
    }
    let name = fields.required_text("name")?;
    let factor = fields
        .positive("border_dwell_factor")?
        .ok_or_else(|| fields.error("border_dwell_factor", Fault::missing()))?;
    if factor > 10.0 {
        return Err(fields.error(
            "border_dwell_factor",
            format!("{factor} is not a factor on dwell (at most 10)"),
        ));
    }
    let dwell_factor_sources =
        fields.sources("dwell_factor_source", "border_dwell_factor", true, resolve)?;
    let consolidation = fields.non_negative("consolidation_h")?;
    let consolidation_sources = fields.sources(
        "consolidation_source",
        "consolidation_h",
        consolidation.is_some_and(|h| h > 0.0),
        resolve,
    )?;
    Ok(RailService {
        key: key.to_string(),
        name: name.to_string(),
        border_dwell_factor: factor,
        dwell_factor_sources,
        consolidation_h: consolidation.unwrap_or(0.0),
        consolidation_sources,
        speeds: Vec::new(),
        dwell: Vec::new(),
        note: fields.text("note").to_string(),
    })
}

/// `first_year` and `last_year`, in order.
fn years(fields: &Fields<'_>) -> Result<(Option<i32>, Option<i32>), LoadError> {
    let first = fields.year("first_year")?;
    let last = fields.year("last_year")?;
    if let (Some(first), Some(last)) = (first, last)
        && last < first
    {
        return Err(fields.error(
            "last_year",
            format!("{last} is before the first year {first}"),
        ));
    }
    Ok((first, last))
}

fn parse_sailing(
    fields: &Fields<'_>,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
) -> Result<Sailing, LoadError> {
    let text = fields.required_text("months")?;
    let months = Months::parse(text).ok_or_else(|| {
        fields.error(
            "months",
            format!(
                "`{}` is not `all`, a month 1–12, a range like `11-3` or a `|`-list of them",
                clip(text)
            ),
        )
    })?;
    let (first_year, last_year) = years(fields)?;
    let sailings_per_week = fields
        .positive("sailings_per_week")?
        .ok_or_else(|| fields.error("sailings_per_week", Fault::missing()))?;
    if sailings_per_week > MAX_SAILINGS_PER_WEEK {
        return Err(fields.error(
            "sailings_per_week",
            format!("{sailings_per_week} sailings a week is more than one an hour"),
        ));
    }
    let sailings_sources = fields.sources("sailings_source", "sailings_per_week", true, resolve)?;
    let capacity = fields.positive("capacity")?;
    let capacity = match capacity {
        None => {
            if !fields.text("capacity_unit").is_empty() {
                return Err(fields.error("capacity", "a capacity_unit needs a capacity"));
            }
            None
        }
        Some(value) => Some((
            value,
            fields.one_of("capacity_unit", LoadUnit::parse, &LoadUnit::NAMES)?,
        )),
    };
    let capacity_sources =
        fields.sources("capacity_source", "capacity", capacity.is_some(), resolve)?;
    let dispatch = fields.one_of(
        "dispatch",
        |text| match text {
            "timetable" => Some(Dispatch::Timetable),
            "headway" => Some(Dispatch::Headway),
            "when_full" => Some(Dispatch::WhenFull { max_wait_h: 0.0 }),
            _ => None,
        },
        &Dispatch::NAMES,
    )?;
    let max_wait = fields.positive("max_wait_h")?;
    let dispatch = match (dispatch, max_wait) {
        (Dispatch::WhenFull { .. }, Some(max_wait_h)) => Dispatch::WhenFull { max_wait_h },
        (Dispatch::WhenFull { .. }, None) => {
            return Err(fields.error(
                "max_wait_h",
                "a ship that sails when full needs its maximum wait",
            ));
        }
        (other, None) => other,
        (other, Some(_)) => {
            return Err(fields.error(
                "max_wait_h",
                format!(
                    "only `when_full` takes a maximum wait, not `{}`",
                    other.as_str()
                ),
            ));
        }
    };
    let dispatch_sources = fields.sources("dispatch_source", "dispatch", true, resolve)?;
    let load_per_week = fields.non_negative("load_per_week")?;
    if load_per_week.is_some() && capacity.is_none() {
        return Err(fields.error(
            "load_per_week",
            "a load per week is counted in the capacity's unit: give the capacity",
        ));
    }
    let load_sources = fields.sources(
        "load_source",
        "load_per_week",
        load_per_week.is_some(),
        resolve,
    )?;
    let closed = fields.non_negative("closed_days_per_month")?;
    if let Some(days) = closed
        && days > MAX_CLOSED_DAYS
    {
        return Err(fields.error(
            "closed_days_per_month",
            format!("{days} days is more than {MAX_CLOSED_DAYS}: a line closed all month is not a sailing"),
        ));
    }
    let closed_days_per_month = closed.unwrap_or(0.0);
    let closure_mean_h = fields.positive("closure_mean_h")?;
    if closed_days_per_month > 0.0 && closure_mean_h.is_none() {
        return Err(fields.error(
            "closure_mean_h",
            "weather closures need their mean length in hours",
        ));
    }
    let weather_sources = fields.sources(
        "weather_source",
        "closed_days_per_month",
        closed_days_per_month > 0.0,
        resolve,
    )?;
    Ok(Sailing {
        months,
        first_year,
        last_year,
        sailings_per_week,
        sailings_sources,
        capacity,
        capacity_sources,
        dispatch,
        dispatch_sources,
        load_per_week,
        load_sources,
        closed_days_per_month,
        closure_mean_h: closure_mean_h.unwrap_or(0.0),
        weather_sources,
        note: fields.text("note").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use crate::network::{
        Dispatch, HandlingKind, LoadUnit, Months, NetworkFiles, SpeedOn, ZoneId, load_files,
        validate_files,
    };
    use std::path::Path;

    /// The mini network with the service files of `testdata/services_mini`.
    fn files() -> NetworkFiles {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");
        let mut files = NetworkFiles::read_dir(&Path::new(root).join("mini")).expect("mini");
        let read = |name: &str| {
            let path = Path::new(root).join("services_mini").join(name);
            Some((name.to_string(), std::fs::read(path).expect("fixture")))
        };
        files.services = read("services.csv");
        files.service_speeds = read("service_speeds.csv");
        files.service_dwell = read("service_dwell.csv");
        files.sailings = read("sailings.csv");
        files.calibration = read("calibration.csv");
        files.prices = read("prices.csv");
        files.demand_years = read("demand_years.csv");
        files.markets = read("markets.csv");
        files.market_years = read("market_years.csv");
        files.tonnage = read("tonnage.csv");
        files
    }

    /// The tonnage layer: interpolated between its years, held after, absent before; routed
    /// by the cheapest route, counted by corridor and by place passed.
    #[test]
    fn the_tonnage_layer_loads_interpolates_and_routes() {
        let (network, _) = load_files(&files()).expect("valid");
        let freight = network.freight();
        let at = |year: i32| {
            freight
                .tonnage_in(year)
                .map(|flows| flows.iter().map(|(_, t)| t).sum::<f64>())
        };
        assert_eq!(at(2021), None);
        assert_eq!(at(2023), Some(2000.0));
        assert_eq!(at(2030), Some(3000.0));
        let mut options = crate::route::RouteOptions::defaults(&network);
        options.year = 2023;
        let layer = crate::freight::route_tonnage(&network, &options, &[]).expect("routed");
        assert!((layer.by_corridor.values().sum::<f64>() - 2000.0).abs() < 1e-9);
        let node = |key: &str| network.node_by_key(key).expect("node");
        assert_eq!(layer.by_node.get(&node("border_kz")), Some(&2000.0));
        assert_eq!(layer.by_node.get(&node("west_city")), Some(&2000.0));
        // One route: every place on it carries the whole flow once.
        assert!(layer.by_node.values().all(|&t| t == 2000.0));
        // A scale on the commodity multiplies its tonnes; a bad factor is refused.
        let scale = |factor: f64| {
            [crate::freight::TonnageScale {
                commodity: "export".to_string(),
                factor,
            }]
        };
        let scaled = crate::freight::route_tonnage(&network, &options, &scale(1.5)).expect("ok");
        assert!((scaled.by_corridor.values().sum::<f64>() - 3000.0).abs() < 1e-9);
        assert!(
            crate::freight::route_tonnage(&network, &options, &scale(f64::NAN))
                .expect_err("NaN")
                .contains("tonnage scale `export`: factor NaN")
        );
        options.year = 2021;
        let before = crate::freight::route_tonnage(&network, &options, &[]).expect_err("empty");
        assert!(before.contains("starts in 2022"), "{before}");
    }

    #[test]
    fn loads_classes_speeds_dwell_and_sailings() {
        let (network, warnings) = load_files(&files()).expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        let services = network.services();
        assert_eq!(services.classes.len(), 3);
        assert_eq!(services.default, services.find("block"));
        let express = services.class(services.find("express").expect("express"));
        assert_eq!(express.border_dwell_factor, 0.5);
        assert_eq!(express.speeds.len(), 3);
        assert_eq!(express.speeds[2].on, SpeedOn::Section("hub_by".into()));
        assert_eq!(express.speeds[2].last_year, Some(2024));
        assert_eq!(express.dwell[0].kind, HandlingKind::GaugeChange);
        assert_eq!(network.freight().demand_factor_in(2020), 0.5);
        // After the last row, the last row's; before the first, the first's.
        assert_eq!(network.freight().demand_factor_in(2022), 0.8);
        assert_eq!(network.freight().demand_factor_in(2010), 0.5);
        // The Caucasus group: its own rows, interpolated between them.
        let freight = network.freight();
        let (east, west, caucasus) = (ZoneId(0), ZoneId(1), ZoneId(2));
        assert_eq!(freight.zone(caucasus).key, "caucasus");
        assert_eq!(freight.demand_factor(2020, east, caucasus), 2.0);
        assert_eq!(freight.demand_factor(2021, caucasus, east), 2.5);
        assert_eq!(freight.demand_factor(2030, east, caucasus), 3.0);
        assert_eq!(freight.demand_factor(2021, east, west), 0.8);
        // The market's premium: its rows, interpolated, the nearest outside them.
        assert_eq!(freight.rail_premium(0, 2020), -100.0);
        assert_eq!(freight.rail_premium(0, 2022), -50.0);
        assert_eq!(freight.rail_premium(0, 2010), -100.0);
        assert_eq!(freight.rail_premium(0, 2030), 0.0);
        assert_eq!(freight.market_years[0].fitted_on, ["obs_a", "obs_b"]);
        assert_eq!(
            freight.in_year(2022).markets[0].rail_constant_usd_per_teu,
            freight.markets[0].rail_constant_usd_per_teu - 50.0
        );
        let market = &network.freight().markets[0];
        assert_eq!(market.key, "east_west");
        assert_eq!(market.alternative, vec!["sea".to_string()]);
        assert_eq!(market.rail_share, 0.5);
        assert_eq!(network.freight().market_of(ZoneId(1), ZoneId(0)), Some(0));
        assert_eq!(network.freight().market_of(ZoneId(0), ZoneId(2)), None);
        let factors = &network.calibration().factors;
        assert_eq!(factors.len(), 3);
        assert_eq!(factors[2].key, crate::network::FactorKey::CaspianWait);
        assert_eq!(factors[2].first_year, Some(2020));
        let groupage = services.class(services.find("groupage").expect("groupage"));
        assert_eq!(groupage.consolidation_h, 48.0);
        let ferry = network.link(network.link_by_key("ferry").expect("ferry"));
        assert_eq!(ferry.sailings.len(), 2);
        let winter = &ferry.sailings[1];
        assert_eq!(winter.months, Months::parse("1-3|11-12").expect("months"));
        assert_eq!(winter.dispatch, Dispatch::WhenFull { max_wait_h: 96.0 });
        assert_eq!(winter.capacity, Some((50.0, LoadUnit::Wagons)));
        assert_eq!(winter.load_per_week, Some(100.0));
        // 3.5 a week less 5 closed days; full after 84 h (< 96): 42 h + the rest of a storm.
        let expected = 42.0 + 5.0 / crate::network::DAYS_PER_MONTH * 24.0;
        assert!((winter.mean_wait_h().expect("sails") - expected).abs() < 1e-9);
    }

    #[test]
    fn files_without_services_load_as_before() {
        let mut files = files();
        files.services = None;
        files.service_speeds = None;
        files.service_dwell = None;
        files.sailings = None;
        files.calibration = None;
        files.prices = None;
        let (network, _) = load_files(&files).expect("valid");
        assert!(network.prices().rows.is_empty());
        assert!(network.calibration().factors.is_empty());
        assert!(network.services().classes.is_empty());
        assert_eq!(network.services().default, None);
    }

    /// The folder tests' `replace` on an optional file.
    fn replace(file: &mut Option<(String, Vec<u8>)>, from: &str, to: &str) {
        super::super::tests::replace(file.as_mut().expect("file"), from, to);
    }

    #[test]
    fn bad_service_files_name_file_line_and_field() {
        type Edit = Box<dyn FnOnce(&mut NetworkFiles)>;
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(|f| {
                    replace(
                        &mut f.services,
                        "block,Block train,yes",
                        "block,Block train,",
                    )
                }),
                "services.csv:2: default: one class must be marked `yes`",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.services,
                        "Express block train,,",
                        "Express block train,yes,",
                    )
                }),
                "services.csv:3: default: only one class can be the default (line 2 is)",
            ),
            (
                Box::new(|f| replace(&mut f.services, ",0.5,T_HAND", ",-1,T_HAND")),
                "services.csv:2: border_dwell_factor:",
            ),
            (
                Box::new(|f| replace(&mut f.services, "groupage,Groupage", "express,Groupage")),
                "services.csv:4: service_id:",
            ),
            (
                Box::new(|f| replace(&mut f.services, "48,T_HAND", "48,")),
                "services.csv:4: consolidation_source:",
            ),
            (
                Box::new(|f| replace(&mut f.service_speeds, "block,KZ", "freight,KZ")),
                "service_speeds.csv:5: service_id: unknown service `freight`",
            ),
            (
                Box::new(|f| replace(&mut f.service_speeds, "express,KZ,", "express,Kazakhstan,")),
                "service_speeds.csv:2: administration: `Kazakhstan` is not a two-letter",
            ),
            (
                Box::new(|f| replace(&mut f.service_speeds, "express,KZ,,", "express,KZ,hub_by,")),
                "service_speeds.csv:2: link_id: give an administration or a link_id, not both",
            ),
            (
                Box::new(|f| replace(&mut f.service_speeds, "express,,hub_by", "express,,ferry")),
                "service_speeds.csv:4: link_id: `ferry` is not a rail link run at a speed",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.service_speeds,
                        "express,CN,,50,T_HAND,2020,",
                        "express,CN,,50,T_HAND,2020,2019",
                    )
                }),
                "service_speeds.csv:3: last_year: 2019 is before the first year 2020",
            ),
            (
                Box::new(|f| replace(&mut f.service_speeds, "block,KZ,,40", "express,KZ,,40")),
                "service_speeds.csv:5: first_year: service `express` already has a speed there in these years (line 2)",
            ),
            (
                Box::new(|f| replace(&mut f.service_speeds, "express,KZ,,80", "express,KZ,,900")),
                "service_speeds.csv:2: speed_kmh: 900 km/h is not",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.service_dwell,
                        "border_kz,gauge_change",
                        "atlantis,gauge_change",
                    )
                }),
                "service_dwell.csv:2: node_id: unknown node `atlantis`",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.service_dwell,
                        "border_kz,gauge_change",
                        "hub,gauge_change",
                    )
                }),
                "service_dwell.csv:2: kind: node `hub` has no `gauge_change` row in handling.csv",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "ferry,4-10", "hub_by,4-10")),
                "sailings.csv:2: link_id: sailings are for sea and ferry links; `hub_by` is a rail link",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "ferry,4-10", "ferry,4-13")),
                "sailings.csv:2: months: `4-13` is not",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "ferry,11-3", "ferry,10-3")),
                "sailings.csv:3: months: link `ferry` already has sailings in some of these months and years (line 2)",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "when_full,96", "when_full,")),
                "sailings.csv:3: max_wait_h: a ship that sails when full needs its maximum wait",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "timetable,,", "timetable,24,")),
                "sailings.csv:2: max_wait_h: only `when_full` takes a maximum wait",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "T_HAND,when_full", "T_HAND,sometimes")),
                "sailings.csv:3: dispatch:",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.sailings,
                        "3.5,T_HAND,50,wagons",
                        "3.5,T_HAND,,wagons",
                    )
                }),
                "sailings.csv:3: capacity: a capacity_unit needs a capacity",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.sailings,
                        "50,wagons,T_HAND,when_full",
                        "50,boxes,T_HAND,when_full",
                    )
                }),
                "sailings.csv:3: capacity_unit:",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "T_HAND,5,48,T_HAND", "T_HAND,30,48,T_HAND")),
                "sailings.csv:3: closed_days_per_month: 30 days is more than 28",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "T_HAND,5,48,T_HAND", "T_HAND,5,,T_HAND")),
                "sailings.csv:3: closure_mean_h: weather closures need their mean length",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, "T_HAND,5,48,T_HAND", "T_HAND,5,48,")),
                "sailings.csv:3: weather_source:",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, ",7,T_HAND", ",1000,T_HAND")),
                "sailings.csv:2: sailings_per_week: 1000 sailings a week is more than one an hour",
            ),
            (
                Box::new(|f| replace(&mut f.sailings, ",7,T_HAND", ",7,T_NOPE")),
                "sailings.csv:2: sailings_source: unknown source id `T_NOPE`",
            ),
            (
                Box::new(|f| replace(&mut f.calibration, "speed.KZ", "speed.kz!")),
                "calibration.csv:2: factor: `speed.kz!` is not a factor",
            ),
            (
                Box::new(|f| replace(&mut f.calibration, "dwell.express", "dwell.bullet")),
                "calibration.csv:3: factor: unknown service `bullet`",
            ),
            (
                Box::new(|f| replace(&mut f.calibration, ",1.25,", ",0,")),
                "calibration.csv:2: value:",
            ),
            (
                Box::new(|f| replace(&mut f.calibration, ",1.25,", ",50,")),
                "calibration.csv:2: value: 50 is outside [0.05, 20]",
            ),
            (
                Box::new(|f| replace(&mut f.calibration, "0.2,T_HAND", "0.2,")),
                "calibration.csv:2: fit_source:",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.calibration,
                        "wait.caspian,2020",
                        "dwell.express,2020",
                    )
                }),
                "calibration.csv:4: first_year: `dwell.express` already has a factor in these years (line 3)",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2021,,0.8", "2020,,0.8")),
                "demand_years.csv:3: year: 2020 is already given on line 2",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2022,caucasus", "2020,caucasus")),
                "demand_years.csv:5: year: 2020 is already given for these zones on line 4",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2020,caucasus", "2020,nowhere")),
                "demand_years.csv:4: zones: unknown zone `nowhere` (not in zones.csv)",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2022,caucasus,", "2022,caucasus|west,")),
                "demand_years.csv:5: zones: zone `caucasus` is already in the group of line 4",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2022,caucasus,", "2022,east,")),
                "demand_years.csv:5: zones: demand.csv joins zone `east` of this group and zone `caucasus` of the group of line 4",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "a target,target", ",a target")),
                "demand_years.csv:6: scenario:",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.demand_years,
                        "a target,target",
                        "a target,target\n2030,caucasus,7,T_HAND,,target",
                    )
                }),
                "demand_years.csv:7: year: 2030 is already given for these zones on line 6",
            ),
            (
                Box::new(|f| replace(&mut f.tonnage, "2024,border_kz", "2024,nowhere")),
                "tonnage.csv:3: origins: unknown node `nowhere` (not in nodes.csv)",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.tonnage,
                        "2024,border_kz,west_city",
                        "2024,border_kz,border_kz",
                    )
                }),
                "tonnage.csv:3: destinations: node `border_kz` is also an origin",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.tonnage,
                        "2024,border_kz,west_city,export",
                        "2022,border_kz,west_city,export",
                    )
                }),
                "tonnage.csv:3: year: 2022 is already given for this flow on line 2",
            ),
            (
                Box::new(|f| replace(&mut f.tonnage, "export,3000", "export,-3")),
                "tonnage.csv:3: tonnes:",
            ),
            (
                Box::new(|f| replace(&mut f.tonnage, "export,3000", "export,1e12")),
                "tonnage.csv:3: tonnes: 1000000000000 tonnes a year is not one flow's freight",
            ),
            (
                Box::new(|f| replace(&mut f.tonnage, "export,3000,T_HAND", "export,3000,")),
                "tonnage.csv:3: tonnes_source:",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.tonnage,
                        "2024,border_kz,west_city,export",
                        "2024,border_kz,west_city,ex port",
                    )
                }),
                "tonnage.csv:3: commodity:",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2021,,0.8", "2021,,-1")),
                "demand_years.csv:3: factor:",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2021,,0.8", "2021,,500")),
                "demand_years.csv:3: factor: 500 times the demand",
            ),
            (
                Box::new(|f| replace(&mut f.demand_years, "2021,,0.8,T_HAND", "2021,,0.8,")),
                "demand_years.csv:3: factor_source:",
            ),
            (
                Box::new(|f| {
                    replace(
                        &mut f.markets,
                        "east_west,east,west",
                        "east_west,east,nowhere",
                    )
                }),
                "markets.csv:2: destinations: unknown zone `nowhere` (not in zones.csv)",
            ),
            (
                Box::new(|f| replace(&mut f.market_years, "east_west,2020", "west_east,2020")),
                "market_years.csv:2: market_id: unknown market `west_east` (not in markets.csv)",
            ),
            (
                Box::new(|f| replace(&mut f.market_years, "east_west,2024", "east_west,2020")),
                "market_years.csv:3: year: 2020 is already given for `east_west` on line 2",
            ),
            (
                Box::new(|f| replace(&mut f.market_years, ",-100,", ",-1e6,")),
                "market_years.csv:2: rail_premium_usd_per_teu: -1000000 USD per TEU",
            ),
            (
                Box::new(|f| replace(&mut f.market_years, ",-100,T_HAND", ",-100,")),
                "market_years.csv:2: premium_source:",
            ),
            (
                Box::new(|f| replace(&mut f.markets, "east_west,east,west", "east_west,east,east")),
                "markets.csv:2: destinations: zone `east` is also an origin",
            ),
            (
                Box::new(|f| replace(&mut f.markets, ",sea,0.5,", ",air,0.5,")),
                "markets.csv:2: alternative: unknown corridor `air`",
            ),
            (
                Box::new(|f| replace(&mut f.markets, ",sea,0.5,", ",sea,1,")),
                "markets.csv:2: rail_share: 1 is not a share strictly between 0 and 1",
            ),
            (
                Box::new(|f| replace(&mut f.markets, "T_HAND,-1,", "T_HAND,0.5,")),
                "markets.csv:2: elasticity: 0.5 is not an elasticity",
            ),
            (
                Box::new(|f| replace(&mut f.markets, "2024,0.001,0,", "2024,5,0,")),
                "markets.csv:2: scale_per_usd: 5 per USD",
            ),
            (
                Box::new(|f| replace(&mut f.markets, "0.5,T_HAND,", "0.5,,")),
                "markets.csv:2: share_source:",
            ),
            (
                Box::new(|f| replace(&mut f.prices, "sea_rate,2021", "rail_rate,2021")),
                "prices.csv:2: item: `rail_rate` is not `sea_rate` or `risk.<country code>`",
            ),
            (
                Box::new(|f| replace(&mut f.prices, "2021,3,,", "2021,30,,")),
                "prices.csv:2: value: a sea-rate level of 30 is outside",
            ),
            (
                Box::new(|f| replace(&mut f.prices, "2021,3,,", "2021,3,2,")),
                "prices.csv:2: days: a sea-rate level has no days",
            ),
            (
                Box::new(|f| replace(&mut f.prices, "500,2,T_HAND", "500,99,T_HAND")),
                "prices.csv:3: days: a risk premium of more than 60 days",
            ),
            (
                Box::new(|f| replace(&mut f.prices, "500,2,T_HAND", "500,2,")),
                "prices.csv:3: price_source:",
            ),
            (
                Box::new(|f| replace(&mut f.prices, "risk.BY,2022,,500,2,", "sea_rate,2021,,5,,")),
                "prices.csv:3: first_year: `sea_rate` already has a row in these years (line 2)",
            ),
        ];
        for (edit, expected) in cases {
            let mut files = files();
            edit(&mut files);
            let message = load_files(&files).expect_err("invalid").to_string();
            assert!(
                message.contains(expected),
                "expected `{expected}`, got `{message}`"
            );
            // Validation finds the same first problem.
            let problems = validate_files(&files).expect_err("invalid");
            assert_eq!(problems[0].to_string(), message);
        }
    }
}
