//! Routes that differ in substance: the best route of each corridor first, then routes found by
//! penalizing the links already used.

use super::dijkstra::shortest_path_with;
use super::{Itinerary, RouteError, RouteOptions, Scope, shortest_path};
use crate::network::{ArcId, CorridorId, LinkId, Network, NodeId};
use std::collections::BTreeMap;

/// How much worse than the best route a penalty-found alternative may be (objective ratio).
pub const MAX_DETOUR: f64 = 1.5;

/// Why a corridor has no route between two places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRouteReason {
    /// The corridor's links do not connect the two places at all.
    NotConnected,
    /// A route exists only with links or facilities that open later.
    OpensLater {
        /// The year the corridor's best route becomes possible.
        year: i32,
    },
    /// A route exists, but it uses something the query avoids.
    Avoided,
}

impl NoRouteReason {
    /// A sentence for a report.
    pub fn describe(&self) -> String {
        match self {
            NoRouteReason::NotConnected => "its links do not connect these places".to_string(),
            NoRouteReason::OpensLater { year } => {
                format!("not open yet: possible from {year} (use --year {year})")
            }
            NoRouteReason::Avoided => "every route uses something avoided".to_string(),
        }
    }
}

/// The best route of one corridor, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct CorridorOutcome {
    /// The corridor.
    pub corridor: CorridorId,
    /// Its best route, on its own links and regional links.
    pub result: Result<Itinerary, NoRouteReason>,
}

/// The best route of each corridor of the network, in the dataset's order, each on the links of
/// that corridor plus regional links.
///
/// # Errors
/// [`RouteError`] when the origin equals the destination or either is avoided.
pub fn best_by_corridor(
    network: &Network,
    options: &RouteOptions,
    origin: NodeId,
    destination: NodeId,
) -> Result<Vec<CorridorOutcome>, RouteError> {
    let mut outcomes = Vec::new();
    for index in 0..network.corridors().len() {
        let corridor = CorridorId::from_index(index);
        let restricted = RouteOptions {
            corridor: Some(corridor),
            ..options.clone()
        };
        let scope = Scope::new(network, &restricted);
        let result = match shortest_path(&scope, origin, destination)? {
            Some(path) => {
                let mut itinerary = Itinerary::new(&scope, &path);
                // Reported under the corridor it was searched for: all its non-regional links
                // carry that corridor.
                itinerary.corridor = Some(corridor);
                Ok(itinerary)
            }
            None => Err(explain_no_route(network, &restricted, origin, destination)),
        };
        outcomes.push(CorridorOutcome { corridor, result });
    }
    Ok(outcomes)
}

fn explain_no_route(
    network: &Network,
    options: &RouteOptions,
    origin: NodeId,
    destination: NodeId,
) -> NoRouteReason {
    let unavoided = RouteOptions {
        avoid: Default::default(),
        ..options.clone()
    };
    if !options.avoid.is_empty() {
        let scope = Scope::new(network, &unavoided);
        if let Ok(Some(_)) = shortest_path(&scope, origin, destination) {
            return NoRouteReason::Avoided;
        }
    }
    // Search year by year up to 2100: the first year a route exists.
    let mut years: Vec<i32> = network
        .links()
        .iter()
        .filter_map(|link| link.validity.opening_year)
        .chain(
            network
                .handlings()
                .iter()
                .filter_map(|handling| handling.validity.opening_year),
        )
        .filter(|&year| year > options.year)
        .collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let later = RouteOptions {
            year,
            ..unavoided.clone()
        };
        let scope = Scope::new(network, &later);
        if let Ok(Some(_)) = shortest_path(&scope, origin, destination) {
            return NoRouteReason::OpensLater { year };
        }
    }
    NoRouteReason::NotConnected
}

/// Up to `count` routes that differ in substance, best first by the objective.
///
/// The best route comes first. Then the best route of every other corridor (so that with
/// `count` = 3 a user sees, say, the Northern route, the Middle Corridor and the sea), then
/// routes found by making the links already used dearer (factor 2 per use) and keeping a new
/// route only when at most 80% of its km run on links of a route already chosen and its
/// objective value is at most [`MAX_DETOUR`] times the best route's (as OSRM bounds its
/// alternatives, so that a "different" route is not an absurd one).
///
/// # Errors
/// [`RouteError`] when the origin equals the destination or either is avoided.
pub fn alternatives(
    network: &Network,
    options: &RouteOptions,
    origin: NodeId,
    destination: NodeId,
    count: usize,
) -> Result<Vec<Itinerary>, RouteError> {
    let scope = Scope::new(network, options);
    let Some(best) = shortest_path(&scope, origin, destination)? else {
        return Ok(Vec::new());
    };
    let mut chosen = vec![Itinerary::new(&scope, &best)];
    let best_value = scope.scalar(chosen[0].totals);
    if count <= 1 {
        chosen.truncate(count);
        return Ok(chosen);
    }
    let mut by_corridor: Vec<Itinerary> = Vec::new();
    if options.corridor.is_none() {
        for outcome in best_by_corridor(network, options, origin, destination)? {
            if let Ok(mut itinerary) = outcome.result {
                // Report the corridor by the km of its links, as for any route.
                itinerary.corridor =
                    super::classify_corridor(network, itinerary.legs.iter().map(|leg| leg.link));
                by_corridor.push(itinerary);
            }
        }
    }
    by_corridor.sort_by(|a, b| {
        scope
            .scalar(a.totals)
            .total_cmp(&scope.scalar(b.totals))
            .then_with(|| a.corridor.cmp(&b.corridor))
    });
    for candidate in by_corridor {
        if chosen.len() >= count {
            break;
        }
        let new_corridor = chosen.iter().all(|c| c.corridor != candidate.corridor);
        let new_links = chosen.iter().all(|c| !c.same_links(&candidate));
        if new_corridor && new_links {
            chosen.push(candidate);
        }
    }

    let mut uses: BTreeMap<LinkId, u32> = BTreeMap::new();
    for itinerary in &chosen {
        for leg in &itinerary.legs {
            *uses.entry(leg.link).or_default() += 1;
        }
    }
    let mut attempts = 0;
    while chosen.len() < count && attempts < 4 * count {
        attempts += 1;
        let penalty = |arc: ArcId| {
            let link = network.arc(arc).link;
            uses.get(&link).map_or(1.0, |&n| 2f64.powi(n as i32))
        };
        let Some(path) = shortest_path_with(&scope, origin, destination, &penalty)? else {
            break;
        };
        let candidate = Itinerary::new(&scope, &path);
        for leg in &candidate.legs {
            *uses.entry(leg.link).or_default() += 1;
        }
        let distinct = chosen
            .iter()
            .all(|c| !c.same_links(&candidate) && candidate.overlap_share(c) <= 0.8);
        let reasonable = scope.scalar(candidate.totals) <= MAX_DETOUR * best_value;
        if distinct && reasonable {
            chosen.push(candidate);
        }
    }
    chosen.sort_by(|a, b| scope.scalar(a.totals).total_cmp(&scope.scalar(b.totals)));
    Ok(chosen)
}
