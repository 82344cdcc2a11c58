//! The construction of the expanded graph (see the parent module's documentation).

use super::{
    DAYS_PER_YEAR, ExpandedLink, FreightError, FreightLink, FreightOptions, FreightProblem,
    FreightWarning, Unserved, UnservedReason, choice, usd_per_feu_to_hours,
};
use crate::assign::{
    AssignNetwork, AssignNodeId, AssignZoneId, Class, LinkSpec, LinkVdf, OdMatrix, Problem, Vdf,
};
use crate::network::{ArcId, FreightData, HandlingId, HandlingKind, Network, NodeId, ZoneId};
use crate::route::{Criteria, Objective, RouteOptions, Scope, Statistic};

/// One allowed (arriving end, leaving end) pair at a node.
struct Pair {
    inbound: Option<ArcId>,
    outbound: Option<ArcId>,
    /// Hours and USD of the transfer (CO2e unused).
    criteria: Criteria,
    /// Active rows applied, in [`HandlingKind::ALL`] order.
    rows: Vec<HandlingId>,
    /// Applied rows with a capacity > 0.
    capacitated: Vec<HandlingId>,
    /// The hub it runs through, if any.
    hub: Option<usize>,
}

/// A handling row modelled as one capacity link.
struct Hub {
    handling: HandlingId,
    /// Arriving ends and the part of the transfer charged on entry.
    entries: Vec<(Option<ArcId>, Criteria)>,
    /// Leaving ends and the part charged on exit.
    exits: Vec<(Option<ArcId>, Criteria)>,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn close_criteria(a: Criteria, b: Criteria) -> bool {
    close(a.hours, b.hours) && close(a.cost_usd, b.cost_usd)
}

/// `a` is at least `b` in hours and in USD (up to rounding).
fn no_cheaper(a: Criteria, b: Criteria) -> bool {
    (a.hours >= b.hours || close(a.hours, b.hours))
        && (a.cost_usd >= b.cost_usd || close(a.cost_usd, b.cost_usd))
}

/// What a handling row charges for the scope's service (hours and USD).
fn row_criteria(scope: &Scope<'_>, handling: HandlingId) -> Criteria {
    scope.handling_criteria(handling)
}

/// The transfer of a pair without row `skip`: its whole transfer as [`Scope::transfer`]
/// charges it (with a consolidation wait at an origin), less the row.
fn residual(scope: &Scope<'_>, pair: &Pair, skip: HandlingId) -> Criteria {
    let mut sum = pair.criteria;
    if pair.rows.contains(&skip) {
        let row = row_criteria(scope, skip);
        sum.hours -= row.hours;
        sum.cost_usd -= row.cost_usd;
    }
    sum
}

/// Tries to route every pair that uses `handling` (at `node`) through one hub. Returns the
/// entry and exit parts, or why it cannot be done.
fn plan_hub(
    network: &Network,
    scope: &Scope<'_>,
    node: NodeId,
    handling: HandlingId,
    pairs: &[Pair],
) -> Result<Hub, String> {
    let using: Vec<&Pair> = pairs
        .iter()
        .filter(|p| p.capacitated.contains(&handling))
        .collect();
    if using.iter().any(|p| p.capacitated.len() > 1) {
        return Err("a transfer there also uses another handling row with a capacity".into());
    }
    let mut ins: Vec<Option<ArcId>> = Vec::new();
    let mut outs: Vec<Option<ArcId>> = Vec::new();
    for pair in &using {
        if !ins.contains(&pair.inbound) {
            ins.push(pair.inbound);
        }
        if !outs.contains(&pair.outbound) {
            outs.push(pair.outbound);
        }
    }
    let row = row_criteria(scope, handling);
    let kind = network.handling(handling).kind;
    let border = scope
        .active_handling(node, HandlingKind::Border)
        .filter(|_| kind != HandlingKind::Border)
        .map(|b| row_criteria(scope, b));
    let crosses =
        |end: Option<ArcId>| end.is_some_and(|arc| network.crosses_border(network.arc(arc).link));
    let first_residual_in = |end: Option<ArcId>| {
        using
            .iter()
            .find(|p| p.inbound == end)
            .map_or(Criteria::ZERO, |p| residual(scope, p, handling))
    };
    let first_residual_out = |end: Option<ArcId>| {
        using
            .iter()
            .find(|p| p.outbound == end)
            .map_or(Criteria::ZERO, |p| residual(scope, p, handling))
    };
    // Ways of splitting the rest of the transfer between entry and exit, tried in order:
    // the border on the side of the crossing link; everything on entry; everything on exit.
    let strategies: [(Vec<Criteria>, Vec<Criteria>); 3] = [
        (
            ins.iter()
                .map(|&end| match border {
                    Some(b) if crosses(end) => b,
                    _ => Criteria::ZERO,
                })
                .collect(),
            outs.iter()
                .map(|&end| match border {
                    Some(b) if crosses(end) => b,
                    _ => Criteria::ZERO,
                })
                .collect(),
        ),
        (
            ins.iter().map(|&end| first_residual_in(end)).collect(),
            vec![Criteria::ZERO; outs.len()],
        ),
        (
            vec![Criteria::ZERO; ins.len()],
            outs.iter().map(|&end| first_residual_out(end)).collect(),
        ),
    ];
    let mut exact = None;
    for (entry, exit) in strategies {
        let fits = using.iter().all(|pair| {
            let i = ins.iter().position(|&e| e == pair.inbound).unwrap_or(0);
            let o = outs.iter().position(|&e| e == pair.outbound).unwrap_or(0);
            close_criteria(entry[i] + exit[o], residual(scope, pair, handling))
        });
        if fits {
            exact = Some((entry, exit));
            break;
        }
    }
    let Some((entry, exit)) = exact else {
        return Err(
            "the rest of its transfers (border formalities) cannot be split between arriving and leaving links"
                .into(),
        );
    };
    // Pairs the hub joins without using the row need a direct turn that is no dearer.
    for (i, &inbound) in ins.iter().enumerate() {
        for (o, &outbound) in outs.iter().enumerate() {
            if inbound.is_none() && outbound.is_none() {
                continue; // starting and ending at the same place: no demand does that
            }
            if using
                .iter()
                .any(|p| p.inbound == inbound && p.outbound == outbound)
            {
                continue;
            }
            let through_hub = entry[i] + row + exit[o];
            let describe = || {
                let end = |arc: Option<ArcId>, none: &str| match arc {
                    Some(arc) => {
                        let arc = network.arc(arc);
                        format!(
                            "{} → {}",
                            network.node(arc.tail).name,
                            network.node(arc.head).name
                        )
                    }
                    None => none.to_string(),
                };
                format!(
                    "arriving {} and leaving {}",
                    end(inbound, "at the origin"),
                    end(outbound, "at the destination")
                )
            };
            match pairs
                .iter()
                .find(|p| p.inbound == inbound && p.outbound == outbound)
            {
                None => {
                    return Err(format!(
                        "its hub would allow a change the network forbids ({})",
                        describe()
                    ));
                }
                Some(direct) if !direct.capacitated.is_empty() => {
                    return Err(format!(
                        "its hub would bypass another capacity ({})",
                        describe()
                    ));
                }
                Some(direct) if !no_cheaper(through_hub, direct.criteria) => {
                    return Err(format!(
                        "its hub would be cheaper than the direct change ({})",
                        describe()
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(Hub {
        handling,
        entries: ins.into_iter().zip(entry).collect(),
        exits: outs.into_iter().zip(exit).collect(),
    })
}

/// Node numbers of the expanded graph.
struct Numbering {
    next: u32,
    start: Vec<Option<AssignNodeId>>,
    end: Vec<Option<AssignNodeId>>,
    tail: Vec<Option<AssignNodeId>>,
    head: Vec<Option<AssignNodeId>>,
}

impl Numbering {
    fn take(&mut self) -> AssignNodeId {
        self.next += 1;
        AssignNodeId(self.next - 1)
    }

    fn inbound_end(&self, node: NodeId, arc: Option<ArcId>) -> AssignNodeId {
        match arc {
            Some(arc) => self.head[arc.index()].expect("allowed arcs have a head node"),
            None => self.start[node.index()].expect("zone places have a start node"),
        }
    }

    fn outbound_end(&self, node: NodeId, arc: Option<ArcId>) -> AssignNodeId {
        match arc {
            Some(arc) => self.tail[arc.index()].expect("allowed arcs have a tail node"),
            None => self.end[node.index()].expect("zone places have an end node"),
        }
    }
}

pub(super) fn build<'a>(
    network: &'a Network,
    data: &FreightData,
    options: &FreightOptions,
) -> Result<FreightProblem<'a>, FreightError> {
    // The markets' rail constants of the year (their premiums, market_years.csv).
    let of_year;
    let data = if data.market_years.is_empty() {
        data
    } else {
        of_year = data.in_year(options.year);
        &of_year
    };
    if data.markets.is_empty() || !options.market_choice {
        return build_graph(network, data, options, &options.avoid);
    }
    data.check(network.node_count())
        .map_err(FreightError::BadData)?;
    let rail_avoid = choice::rail_avoid(network, data, &options.avoid);
    let mut rail = build_graph(network, data, options, &rail_avoid)?;
    let full = build_graph(network, data, options, &options.avoid)?;
    // The demand rows of the markets whose zones are open: (origin, destination, class,
    // market) and their rail volume in the year asked.
    let mut rows = Vec::new();
    let mut volumes = Vec::new();
    for row in &data.demand {
        let Some(market) = data.market_of(row.origin, row.destination) else {
            continue;
        };
        let factor = options.demand_factor_of(data, row);
        let teu = row.teu_per_year * factor;
        let closed = rail.unserved.iter().any(|u| {
            u.origin == row.origin
                && u.destination == row.destination
                && u.class == row.class
                && matches!(u.reason, UnservedReason::ZoneClosed(_))
        });
        if teu <= 0.0 || closed {
            continue;
        }
        rows.push((
            AssignZoneId::from_index(row.origin.index()),
            AssignZoneId::from_index(row.destination.index()),
            row.class.index(),
            market,
        ));
        volumes.push(teu);
    }
    let alternative_h = choice::alternative_costs(network, data, &full.problem, &full.links, &rows);
    // Rows without an alternative keep their rail volume; the others become the market's.
    let pairs: Vec<choice::ChoicePair> = rows
        .iter()
        .zip(&volumes)
        .zip(&alternative_h)
        .filter(|(_, h)| h.is_finite())
        .map(
            |((&(origin, destination, class, market), &teu), &h)| choice::ChoicePair {
                origin,
                destination,
                class,
                market,
                market_teu: teu / data.markets[market].rail_share,
                alternative_h: h,
            },
        )
        .collect();
    // A market row rail cannot serve goes by the alternative: it is not unserved.
    rail.unserved.retain(|u| {
        !pairs.iter().any(|p| {
            p.origin.index() == u.origin.index()
                && p.destination.index() == u.destination.index()
                && p.class == u.class.index()
        })
    });
    // Start from the split at free-flow rail costs.
    let zero = vec![0.0; rail.problem.network().link_count()];
    let free: Vec<Vec<f64>> = (0..rail.problem.classes().len())
        .map(|k| choice::class_costs(&rail.problem, k, &zero, &[]))
        .collect();
    let rail_h = choice::rail_costs(&rail.problem, &free, &pairs);
    let start = choice::rail_volumes(data, &pairs, &rail_h);
    let mut classes = rail.problem.classes().to_vec();
    for (pair, &v) in pairs.iter().zip(&start) {
        classes[pair.class]
            .demand
            .set(pair.origin, pair.destination, v);
    }
    rail.problem = Problem::new(rail.problem.network().clone(), classes, options.model)?;
    rail.choice = Some(choice::Choice { pairs });
    Ok(rail)
}

/// The expanded graph of the network with `avoid` closed, and the demand of the year on it.
fn build_graph<'a>(
    network: &'a Network,
    data: &FreightData,
    options: &FreightOptions,
    avoid: &crate::route::Avoid,
) -> Result<FreightProblem<'a>, FreightError> {
    let non_negative = |x: f64| x.is_finite() && x >= 0.0;
    if !(non_negative(options.bpr_alpha) && non_negative(options.bpr_beta)) {
        return Err(FreightError::BadBpr {
            alpha: options.bpr_alpha,
            beta: options.bpr_beta,
        });
    }
    let factors = std::iter::once(options.demand_factor)
        .chain(options.demand_scale.iter().map(|scale| scale.factor));
    for value in factors {
        if !non_negative(value) {
            return Err(FreightError::BadDemandFactor { value });
        }
    }
    data.check(network.node_count())
        .map_err(FreightError::BadData)?;
    if data.classes.is_empty() {
        return Err(FreightError::NoClasses);
    }
    if data.zones.is_empty() {
        return Err(FreightError::NoZones);
    }
    let info = network.info();
    let route_options = RouteOptions {
        objective: Objective::Generalized,
        year: options.year,
        avoid: avoid.clone(),
        payload_t: info.payload_t,
        value_of_time_usd_per_day: info.value_of_time_usd_per_day,
        corridor: None,
        service: network.services().default,
        month: None,
        sea_rate: options.sea_rate,
        risk: options.risk.clone(),
        carbon_usd_per_t: options.carbon_usd_per_t,
        // Simulated hours, if given, at their mean (an assignment spreads flows by expected
        // cost), with the value of reliability charged as in a route search.
        reliability: options.reliability.clone(),
        statistic: Statistic::Mean,
        value_of_reliability_usd_per_day: options.value_of_reliability_usd_per_day,
    };
    let scope = Scope::new(network, &route_options);
    let arcs = network.arcs();
    let allowed = |arc: ArcId| scope.is_arc_allowed(arc);
    let mut warnings = Vec::new();

    // Arcs arriving at each node, by arc id.
    let mut in_arcs: Vec<Vec<ArcId>> = vec![Vec::new(); network.node_count()];
    for (index, arc) in arcs.iter().enumerate() {
        if allowed(ArcId::from_index(index)) {
            in_arcs[arc.head.index()].push(ArcId::from_index(index));
        }
    }
    let has_arcs = |node: NodeId| {
        !in_arcs[node.index()].is_empty() || network.out_arcs(node).iter().any(|&arc| allowed(arc))
    };

    let zones = data.zones.len() as u32;
    let mut numbering = Numbering {
        next: zones,
        start: vec![None; network.node_count()],
        end: vec![None; network.node_count()],
        tail: vec![None; arcs.len()],
        head: vec![None; arcs.len()],
    };
    let mut zone_usable = vec![false; data.zones.len()];
    for (z, zone) in data.zones.iter().enumerate() {
        for &place in &zone.places {
            if scope.is_node_allowed(place) && has_arcs(place) {
                numbering.start[place.index()] = Some(numbering.take());
                numbering.end[place.index()] = Some(numbering.take());
                zone_usable[z] = true;
            }
        }
    }
    for index in 0..arcs.len() {
        if allowed(ArcId::from_index(index)) {
            numbering.tail[index] = Some(numbering.take());
            numbering.head[index] = Some(numbering.take());
        }
    }

    let mut links: Vec<ExpandedLink> = Vec::new();
    // Connectors.
    for (z, zone) in data.zones.iter().enumerate() {
        for &place in &zone.places {
            if let (Some(start), Some(end)) =
                (numbering.start[place.index()], numbering.end[place.index()])
            {
                let zone_id = ZoneId::from_index(z);
                // Zone `z` of the data is zone `z` of the assignment, numbered first.
                let zone_node = AssignZoneId::from_index(z).node();
                links.push(ExpandedLink {
                    kind: FreightLink::Origin {
                        zone: zone_id,
                        place,
                    },
                    from: zone_node,
                    to: start,
                    hours: 0.0,
                    cost_usd: 0.0,
                    capacity_teu_per_year: None,
                });
                links.push(ExpandedLink {
                    kind: FreightLink::Destination {
                        zone: zone_id,
                        place,
                    },
                    from: end,
                    to: zone_node,
                    hours: 0.0,
                    cost_usd: 0.0,
                    capacity_teu_per_year: None,
                });
            }
        }
    }
    // Arcs.
    let mut zero_capacity_links = Vec::new();
    for (index, arc) in arcs.iter().enumerate() {
        let id = ArcId::from_index(index);
        if !allowed(id) {
            continue;
        }
        let link = network.link(arc.link);
        let by_trains = match link.capacity_trains_per_day {
            Some(trains) => {
                let teu = data
                    .teu_per_train
                    .ok_or_else(|| FreightError::MissingTeuPerTrain {
                        link: link.key.clone(),
                    })?;
                Some(trains * teu * DAYS_PER_YEAR)
            }
            None => None,
        };
        let capacity = match (by_trains, link.capacity_teu_per_year) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let capacity = match capacity {
            Some(c) if c <= 0.0 => {
                if !zero_capacity_links.contains(&arc.link) {
                    zero_capacity_links.push(arc.link);
                    warnings.push(FreightWarning::ZeroLinkCapacity {
                        link: link.key.clone(),
                    });
                }
                None
            }
            other => other,
        };
        let criteria = scope.arc_criteria(id);
        links.push(ExpandedLink {
            kind: FreightLink::Arc(id),
            from: numbering.tail[index].expect("allowed"),
            to: numbering.head[index].expect("allowed"),
            hours: criteria.hours,
            cost_usd: criteria.cost_usd,
            capacity_teu_per_year: capacity,
        });
    }
    // Nodes: turns and hubs.
    let mut zero_capacity_rows: Vec<HandlingId> = Vec::new();
    for (index, arriving) in in_arcs.iter().enumerate() {
        let node = NodeId::from_index(index);
        let mut ins: Vec<Option<ArcId>> = Vec::new();
        if numbering.start[index].is_some() {
            ins.push(None);
        }
        ins.extend(arriving.iter().map(|&a| Some(a)));
        let mut outs: Vec<Option<ArcId>> = network
            .out_arcs(node)
            .iter()
            .copied()
            .filter(|&a| allowed(a))
            .map(Some)
            .collect();
        if numbering.end[index].is_some() {
            outs.push(None);
        }
        let mut pairs: Vec<Pair> = Vec::new();
        for &inbound in &ins {
            for &outbound in &outs {
                if inbound.is_none() && outbound.is_none() {
                    continue;
                }
                let Some((kinds, criteria)) = scope.transfer(node, inbound, outbound) else {
                    continue;
                };
                let rows: Vec<HandlingId> = HandlingKind::ALL
                    .into_iter()
                    .filter(|&kind| kinds.contains(kind))
                    .filter_map(|kind| scope.active_handling(node, kind))
                    .collect();
                let mut capacitated = Vec::new();
                for &row in &rows {
                    match network.handling(row).capacity_teu_per_day {
                        Some(c) if c > 0.0 => capacitated.push(row),
                        Some(_) if !zero_capacity_rows.contains(&row) => {
                            zero_capacity_rows.push(row);
                            warnings.push(FreightWarning::ZeroHandlingCapacity {
                                handling: handling_label(network, row),
                            });
                        }
                        _ => {}
                    }
                }
                pairs.push(Pair {
                    inbound,
                    outbound,
                    criteria,
                    rows,
                    capacitated,
                    hub: None,
                });
            }
        }
        // Capacitated rows at this node, in the order of their kinds.
        let mut rows: Vec<HandlingId> = pairs
            .iter()
            .flat_map(|p| p.capacitated.iter().copied())
            .collect();
        rows.sort_by_key(|&h| (network.handling(h).kind, h));
        rows.dedup();
        let mut hubs: Vec<Hub> = Vec::new();
        for row in rows {
            match plan_hub(network, &scope, node, row, &pairs) {
                Ok(hub) => {
                    let hub_index = hubs.len();
                    for pair in pairs.iter_mut().filter(|p| p.capacitated == [row]) {
                        pair.hub = Some(hub_index);
                    }
                    hubs.push(hub);
                }
                Err(reason) => warnings.push(FreightWarning::CapacityNotShared {
                    handling: handling_label(network, row),
                    reason,
                }),
            }
        }
        for pair in pairs.iter().filter(|p| p.hub.is_none()) {
            links.push(ExpandedLink {
                kind: FreightLink::Turn {
                    node,
                    inbound: pair.inbound,
                    outbound: pair.outbound,
                },
                from: numbering.inbound_end(node, pair.inbound),
                to: numbering.outbound_end(node, pair.outbound),
                hours: pair.criteria.hours,
                cost_usd: pair.criteria.cost_usd,
                capacity_teu_per_year: None,
            });
        }
        for hub in hubs {
            let (entry_node, exit_node) = (numbering.take(), numbering.take());
            for &(inbound, part) in &hub.entries {
                links.push(ExpandedLink {
                    kind: FreightLink::HubEntry {
                        handling: hub.handling,
                        inbound,
                    },
                    from: numbering.inbound_end(node, inbound),
                    to: entry_node,
                    hours: part.hours,
                    cost_usd: part.cost_usd,
                    capacity_teu_per_year: None,
                });
            }
            let row = network.handling(hub.handling);
            let charged = scope.handling_criteria(hub.handling);
            if charged.hours == 0.0 && options.bpr_alpha > 0.0 {
                warnings.push(FreightWarning::ZeroHandlingTime {
                    handling: handling_label(network, hub.handling),
                });
            }
            links.push(ExpandedLink {
                kind: FreightLink::Handling(hub.handling),
                from: entry_node,
                to: exit_node,
                hours: charged.hours,
                cost_usd: charged.cost_usd,
                capacity_teu_per_year: row.capacity_teu_per_day.map(|c| c * DAYS_PER_YEAR),
            });
            for &(outbound, part) in &hub.exits {
                links.push(ExpandedLink {
                    kind: FreightLink::HubExit {
                        handling: hub.handling,
                        outbound,
                    },
                    from: exit_node,
                    to: numbering.outbound_end(node, outbound),
                    hours: part.hours,
                    cost_usd: part.cost_usd,
                    capacity_teu_per_year: None,
                });
            }
        }
    }

    let node_count = numbering.next;
    let specs: Vec<LinkSpec> = links
        .iter()
        .map(|link| LinkSpec {
            from: link.from,
            to: link.to,
            vdf: match link.capacity_teu_per_year {
                Some(capacity) if options.bpr_alpha > 0.0 => LinkVdf {
                    vdf: Vdf::Bpr {
                        alpha: options.bpr_alpha,
                        beta: options.bpr_beta,
                    },
                    free_flow_time: link.hours,
                    capacity,
                },
                _ => LinkVdf::constant(link.hours),
            },
        })
        .collect();
    let assign_network = AssignNetwork::new(node_count, zones, zones, &specs)?;

    // Which zones each zone reaches (zones are not passed through).
    let reach: Vec<Vec<bool>> = assign_network
        .zone_ids()
        .map(|zone| {
            let origin = zone.node();
            let mut seen = vec![false; node_count as usize];
            let mut stack = vec![origin];
            seen[origin.index()] = true;
            while let Some(node) = stack.pop() {
                if node != origin && assign_network.zone_of(node).is_some() {
                    continue;
                }
                for &link in assign_network.out_links(node) {
                    let next = assign_network.to(link);
                    if !seen[next.index()] {
                        seen[next.index()] = true;
                        stack.push(next);
                    }
                }
            }
            seen.truncate(zones as usize);
            seen
        })
        .collect();

    let mut matrices = vec![OdMatrix::zeros(zones as usize); data.classes.len()];
    let mut unserved = Vec::new();
    for row in &data.demand {
        let factor = options.demand_factor_of(data, row);
        let teu = row.teu_per_year * factor;
        if teu <= 0.0 {
            continue;
        }
        let (o, d) = (row.origin.index(), row.destination.index());
        let reason = if !zone_usable[o] {
            Some(UnservedReason::ZoneClosed(row.origin))
        } else if !zone_usable[d] {
            Some(UnservedReason::ZoneClosed(row.destination))
        } else if !reach[o][d] {
            Some(UnservedReason::NoRoute)
        } else {
            None
        };
        match reason {
            Some(reason) => unserved.push(Unserved {
                origin: row.origin,
                destination: row.destination,
                class: row.class,
                teu_per_year: teu,
                reason,
            }),
            None => matrices[row.class.index()].add(
                AssignZoneId::from_index(o),
                AssignZoneId::from_index(d),
                teu,
            ),
        }
    }
    let classes: Vec<Class> = data
        .classes
        .iter()
        .zip(matrices)
        .map(|(class, demand)| Class {
            name: class.key.clone(),
            demand,
            pce: class.pce,
            fixed_cost: links
                .iter()
                .map(|link| {
                    usd_per_feu_to_hours(link.cost_usd, class.value_of_time_usd_per_teu_day)
                })
                .collect(),
        })
        .collect();
    let problem = Problem::new(assign_network, classes, options.model)?;
    Ok(FreightProblem {
        network,
        data: data.clone(),
        options: options.clone(),
        problem,
        queue_h: vec![0.0; links.len()],
        links,
        unserved,
        warnings,
        choice: None,
    })
}

/// "Dostyk gauge change", "Poti port".
pub(super) fn handling_label(network: &Network, handling: HandlingId) -> String {
    let row = network.handling(handling);
    let kind = match row.kind {
        HandlingKind::GaugeChange => "gauge change",
        HandlingKind::Border => "border",
        HandlingKind::Port => "port",
        HandlingKind::Terminal => "terminal",
    };
    format!("{} {kind}", network.node(row.node).name)
}
