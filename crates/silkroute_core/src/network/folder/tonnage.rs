//! `tonnage.csv`: the tonnage layer, cargo counted in tonnes (a country's exports by wagon)
//! between places, by year.

use super::{ID_RULE, NetworkFiles, Problems, is_id};
use crate::io::csv::{Column, optional, required};
use crate::io::{Fault, clip};
use crate::network::{NetworkBuilder, NodeId, SourceId, TonnageRow};

const TONNAGE_COLUMNS: &[Column] = &[
    required("year"),
    required("origins"),
    required("destinations"),
    required("commodity"),
    required("tonnes"),
    required("tonnes_source"),
    optional("note"),
    optional("scenario"),
];

/// Most tonnes a year of one flow (ten times the world's largest railway's freight).
const MAX_TONNES: f64 = 1e10;

/// Reads `tonnage.csv` against the nodes already read.
pub(super) fn parse_tonnage(
    files: &NetworkFiles,
    builder: &NetworkBuilder,
    resolve: &dyn Fn(&str) -> Option<SourceId>,
    problems: &mut Problems,
) -> Vec<TonnageRow> {
    let mut rows: Vec<(TonnageRow, u64)> = Vec::new();
    let Some(file) = &files.tonnage else {
        return Vec::new();
    };
    let table = problems.table(file, TONNAGE_COLUMNS);
    problems.each_row(
        table.as_ref(),
        |_| {},
        |fields| {
            let year = fields
                .year("year")?
                .ok_or_else(|| fields.error("year", Fault::missing()))?;
            let places = |field: &str| -> Result<Vec<NodeId>, _> {
                let items = fields.list(field);
                if items.is_empty() {
                    return Err(fields.error(
                        field,
                        Fault::Missing {
                            hint: " (one or more node ids)",
                        },
                    ));
                }
                let mut nodes = Vec::new();
                for item in items {
                    let node = builder.node_id(&item).ok_or_else(|| {
                        fields.error(field, Fault::unknown("node", &item, " (not in nodes.csv)"))
                    })?;
                    if nodes.contains(&node) {
                        return Err(fields.error(field, format!("node `{item}` is listed twice")));
                    }
                    nodes.push(node);
                }
                Ok(nodes)
            };
            let origins = places("origins")?;
            let destinations = places("destinations")?;
            if let Some(node) = origins.iter().find(|n| destinations.contains(n)) {
                return Err(fields.error(
                    "destinations",
                    format!("node `{}` is also an origin", builder.node(*node).key),
                ));
            }
            let commodity = fields.required_text("commodity")?;
            if !is_id(commodity) {
                return Err(fields.error(
                    "commodity",
                    Fault::BadId {
                        id: clip(commodity),
                        rule: ID_RULE,
                    },
                ));
            }
            let tonnes = fields
                .non_negative("tonnes")?
                .ok_or_else(|| fields.error("tonnes", Fault::missing()))?;
            if tonnes > MAX_TONNES {
                return Err(fields.error(
                    "tonnes",
                    format!("{tonnes} tonnes a year is not one flow's freight"),
                ));
            }
            let scenario = super::scenario_field(fields)?;
            let row = TonnageRow {
                year,
                origins,
                destinations,
                commodity: commodity.to_string(),
                tonnes,
                sources: fields.sources("tonnes_source", "tonnes", true, resolve)?,
                scenario,
            };
            if let Some((_, line)) = rows.iter().find(|(r, _)| {
                r.year == row.year
                    && r.scenario == row.scenario
                    && r.commodity == row.commodity
                    && r.origins == row.origins
                    && r.destinations == row.destinations
            }) {
                return Err(fields.error(
                    "year",
                    format!("{year} is already given for this flow on line {line}"),
                ));
            }
            rows.push((row, fields.line()));
            Ok(())
        },
    );
    rows.into_iter().map(|(r, _)| r).collect()
}
