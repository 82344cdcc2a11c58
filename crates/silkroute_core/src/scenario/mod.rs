//! Scenarios as values: a network changed by a list of [`Edit`]s, and the comparison of two
//! runs.
//!
//! An edit names what it changes by the data's stable ids (`dostyk`, `almaty_dostyk`,
//! `dostyk:gauge_change`, `northern`, source ids), so one list applies to any network that
//! has those ids. [`apply`] starts a [`NetworkBuilder`] from the network
//! ([`NetworkBuilder::from_network`]), applies the edits in order and builds a new
//! [`Network`]; the original is untouched (networks stay immutable). Each edit's values are
//! checked as the loader checks the files (finite numbers in range, years 1800–2200 that
//! agree with the status, a source id behind every number given, one row of a kind per node
//! and year, a gauge change only where two gauges meet) and the result goes through the
//! builder's checks (ends exist, gauges, emission factors, place names, freight data), so a
//! list of edits can only make a network the loader would accept. The first edit that fails
//! stops the list with an [`EditError`] naming the edit (`edit 3 (set_link_tariff
//! almaty_dostyk)`) and the field (`fixed_usd`).
//!
//! **Removing** is never a cascade: a node still used by links, handling rows, zones or the
//! dataset's default places, or a source still cited, is an error naming the users; remove
//! them first. Ids stay dense: removing or adding renumbers what follows, everywhere.
//!
//! **Undoing**: [`inverse`] gives the edits that undo a list, so that applying a list and then
//! its inverse gives back a network equal to the original (same values, ids and order).
//!
//! **Comparing**: [`compare_freight`] and [`compare_routes`] set two reports side by side,
//! keyed by the same stable ids, sorted by key: what changed, by how much, and which rows
//! exist on one side only.
//!
//! **Files**: a scenario file (TOML, docs/formats.md "Scenario files") names a base network,
//! a year, sources, edits, closures and levers (demand, sea rates, risk, carbon), and the
//! scenarios it builds on (`depends_on`) or may not be combined with (`excludes`).
//! [`Scenario::load`] reads a file and its chain, [`Scenario::prepare`] applies it to the
//! base, [`run`] assigns the freight of its year and routes its origin–destination pairs,
//! and [`compare_scenarios`] sets two runs side by side.

mod compare;
mod criticality;
mod edit;
mod file;
mod html;
mod montecarlo;
mod run;
#[cfg(test)]
mod tests;

pub use compare::{
    BestRouteDiff, Change, ClassDiff, CorridorFlowDiff, CorridorRouteDiff, FreightDiff,
    HandlingFlowDiff, LinkFlowDiff, OptionalChange, Presence, RouteDiff, RouteTotalsDiff,
    SCENARIO_DIFF_VERSION, TextChange, TonnageFlowDiff, TotalsDiff, compare_freight,
    compare_routes,
};
pub use criticality::{
    CRITICALITY_REPORT_VERSION, CriticalityReport, Cut, Element, ElementLoss, Start, criticality,
    elements as criticality_elements,
};
pub use edit::{
    Edit, EditError, EditLabel, HandlingKey, HandlingSpec, LinkSpec, NodeSpec, SailingSpec,
    ShapeSpec,
};
pub use file::{
    Base, DemandScaleSpec, FileEdit, Lever, LinkTemplate, MAX_CARBON_USD_PER_T, MAX_CHAIN,
    MAX_FACTOR, RiskSpec, ScenarioFile, TonnageScaleSpec, parse_file, read_file,
};
pub use html::comparison_html;
pub(crate) use html::{esc, header, row};
pub use montecarlo::{
    Distribution, Draw, Hazard, HazardLoss, Hazards, MAX_DRAWS, MONTE_CARLO_VERSION,
    MonteCarloError, MonteCarloReport, MonteCarloShard, default_hazards, merge, parse_hazards,
    read_hazards, run_shard,
};
pub use run::{
    DEFAULT_PAIRS, EditRecord, LeverRecord, Levers, LoadedScenario, PAIR_ALTERNATIVES, Prepared,
    SCENARIO_REPORT_VERSION, Scenario, ScenarioDiff, ScenarioError, ScenarioReport, compare_loaded,
    compare_scenarios, run,
};

use crate::network::{Network, NetworkBuilder};

/// Applies edits in order to a copy of `network` and builds the changed network.
///
/// An empty list gives a network equal to `network`.
///
/// ```
/// use silkroute_core::network::{self, HandlingKind};
/// use silkroute_core::scenario::{self, Edit, HandlingKey};
///
/// let (base, _warnings) = network::load_default().expect("the embedded network is valid");
/// // Double the Małaszewicze gauge-change capacity (1,148 TEU per day in the data).
/// let edits = [Edit::SetHandlingCapacity {
///     handling: HandlingKey::new("malaszewicze", HandlingKind::GaugeChange),
///     teu_per_day: Some(2296.0),
///     sources: vec!["D_CAP_MAL".to_string()],
/// }];
/// let doubled = scenario::apply(&base, &edits).expect("a valid edit");
/// let malaszewicze = doubled.node_by_key("malaszewicze").unwrap();
/// let row = doubled.handlings_at(malaszewicze).iter().map(|&h| doubled.handling(h))
///     .find(|h| h.kind == HandlingKind::GaugeChange).unwrap();
/// assert_eq!(row.capacity_teu_per_day, Some(2296.0));
///
/// // Undoing gives back the original network.
/// let undo = scenario::inverse(&base, &edits).unwrap();
/// assert_eq!(scenario::apply(&doubled, &undo).unwrap(), base);
///
/// // Every error names the edit and the field.
/// let bad = [
///     edits[0].clone(),
///     Edit::SetLinkTariff {
///         link: "alashankou_dostyk_rail".to_string(),
///         fixed_usd: -1.0,
///         per_km_usd: 0.5,
///         sources: vec!["D_CR_TARIFF".to_string()],
///     },
/// ];
/// let error = scenario::apply(&base, &bad).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "edit 1 (set_link_tariff alashankou_dostyk_rail): fixed_usd: -1 is not a finite number ≥ 0"
/// );
/// ```
///
/// # Errors
/// The first edit that does not apply, with the field at fault ([`EditError`]).
pub fn apply(network: &Network, edits: &[Edit]) -> Result<Network, EditError> {
    if edits.is_empty() {
        return Ok(network.clone());
    }
    let mut builder = NetworkBuilder::from_network(network);
    for (index, edit) in edits.iter().enumerate() {
        edit::apply_edit(&mut builder, &edit.label(index), edit)?;
    }
    // Every edit ran the whole-network checks, so building cannot fail; name the last edit if
    // it does.
    builder.build().map_err(|source| {
        let index = edits.len() - 1;
        EditError::Build {
            edit: edits[index].label(index),
            field: edit::edit_field(&edits[index]).to_string(),
            source: Box::new(source),
        }
    })
}

/// The edits that undo `edits` on `before`: `apply(&apply(before, edits)?, &inverse(before,
/// edits)?)` equals `before`. They are the inverse of each edit ([`Edit::inverse`]), last
/// edit first.
///
/// # Errors
/// The error of applying `edits` to `before`.
pub fn inverse(before: &Network, edits: &[Edit]) -> Result<Vec<Edit>, EditError> {
    let mut builder = NetworkBuilder::from_network(before);
    let mut undo: Vec<Vec<Edit>> = Vec::with_capacity(edits.len());
    for (index, edit) in edits.iter().enumerate() {
        undo.push(edit::apply_edit(&mut builder, &edit.label(index), edit)?);
    }
    Ok(undo.into_iter().rev().flatten().collect())
}
