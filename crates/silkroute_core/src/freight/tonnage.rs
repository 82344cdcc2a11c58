//! The tonnage layer of a year (`tonnage.csv`: cargo counted in tonnes, such as Kazakhstan's
//! exports on the Trans-Caspian route) routed on the network: each flow takes the cheapest
//! route of its year between each of its origins and destinations (split evenly), without
//! capacities; tonnes are counted by corridor and by place passed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{TonnageScale, tonnage_scale_of};
use crate::network::{Network, NodeId, SourceId};
use crate::route::{Itinerary, Objective, RouteOptions, Scope, shortest_path};

/// Tonnes of the layer in one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TonnageFlows {
    /// Tonnes by corridor key (`regional` for a route on no corridor).
    pub by_corridor: BTreeMap<String, f64>,
    /// Tonnes through each place (origin, destination and every node between).
    pub by_node: HashMap<NodeId, f64>,
    /// Sources of the tonnes.
    pub sources: BTreeSet<SourceId>,
}

impl TonnageFlows {
    /// The layer by corridor, as reported.
    pub fn records(&self) -> Vec<crate::report::freight::TonnageRecord> {
        self.by_corridor
            .iter()
            .map(
                |(corridor, &tonnes)| crate::report::freight::TonnageRecord {
                    corridor: corridor.clone(),
                    tonnes_per_year: (tonnes * 10.0).round() / 10.0,
                },
            )
            .collect()
    }

    /// The layer through each crossing of `network` in `year` (a place with an active border
    /// or gauge-change row) it uses, by node id.
    pub fn crossing_records(
        &self,
        network: &crate::network::Network,
        year: i32,
    ) -> Vec<crate::report::freight::TonnagePlaceRecord> {
        use crate::network::HandlingKind;
        let mut crossings: Vec<NodeId> = network
            .handlings()
            .iter()
            .filter(|h| {
                h.validity.is_active_in(year)
                    && matches!(h.kind, HandlingKind::Border | HandlingKind::GaugeChange)
            })
            .map(|h| h.node)
            .filter(|node| self.by_node.get(node).is_some_and(|&t| t > 0.0))
            .collect();
        crossings.sort_by(|a, b| network.node(*a).key.cmp(&network.node(*b).key));
        crossings.dedup();
        crossings
            .into_iter()
            .map(|node| crate::report::freight::TonnagePlaceRecord {
                node: network.node(node).key.clone(),
                name: network.node(node).name.clone(),
                tonnes_per_year: (self.by_node[&node] * 10.0).round() / 10.0,
            })
            .collect()
    }
}

/// Routes the layer of `options.year` by the cheapest route (`options`' closures, sea rates,
/// risk premiums and carbon price apply; its objective is set to cost), each flow's tonnes
/// times the factors of `scales` that name its commodity ([`TonnageScale`]; none: as given).
///
/// # Errors
/// Why the layer has no tonnes that year (no flow yet), a flow without a route, or a scale
/// whose factor is not a finite number ≥ 0.
pub fn route_tonnage(
    network: &Network,
    options: &RouteOptions,
    scales: &[TonnageScale],
) -> Result<TonnageFlows, String> {
    if let Some(bad) = scales
        .iter()
        .find(|scale| !(scale.factor.is_finite() && scale.factor >= 0.0))
    {
        return Err(format!(
            "tonnage scale `{}`: factor {} is not a number ≥ 0",
            bad.commodity,
            crate::io::number(bad.factor)
        ));
    }
    let year = options.year;
    let freight = network.freight();
    let Some(flows) = freight.tonnage_in(year) else {
        return Err(match freight.tonnage.iter().map(|r| r.year).min() {
            Some(first) => format!("the tonnage layer starts in {first} (tonnage.csv)"),
            None => "the network has no tonnage layer (tonnage.csv)".to_string(),
        });
    };
    let mut options = options.clone();
    options.objective = Objective::Cost;
    let scope = Scope::with_calibration(network, &options, network.calibration());
    let mut out = TonnageFlows::default();
    for (row, tonnes) in flows {
        let tonnes = tonnes * tonnage_scale_of(scales, &row.commodity);
        out.sources.extend(row.sources.iter().copied());
        let pairs = (row.origins.len() * row.destinations.len()) as f64;
        for &from in &row.origins {
            for &to in &row.destinations {
                let path = shortest_path(&scope, from, to)
                    .ok()
                    .flatten()
                    .ok_or_else(|| {
                        format!(
                            "tonnage `{}`: no route from {} to {} in {year}",
                            row.commodity,
                            network.node(from).key,
                            network.node(to).key
                        )
                    })?;
                let itinerary = Itinerary::new(&scope, &path);
                let share = tonnes / pairs;
                let corridor = itinerary
                    .corridor
                    .map_or("regional".to_string(), |c| network.corridor(c).key.clone());
                *out.by_corridor.entry(corridor).or_default() += share;
                *out.by_node.entry(from).or_default() += share;
                for leg in &itinerary.legs {
                    *out.by_node.entry(leg.to).or_default() += share;
                }
            }
        }
    }
    Ok(out)
}
