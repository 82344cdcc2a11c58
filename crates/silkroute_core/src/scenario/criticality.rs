//! Criticality: every link and every place with a border, gauge-change or port facility
//! removed (or its capacity cut) in turn, the freight re-assigned, and the elements ranked by
//! what their loss costs — the full scan of the transport-resilience literature (Jafino,
//! Kwakkel & Verbraeck 2020 compare the metrics; the Network Robustness Index is Scott et al.
//! 2006, partial capacity cuts Novak, Sullivan & Aultman-Hall 2010).
//!
//! Demand is fixed during the scan (the markets' rail-versus-sea choice off): every demand row
//! is assigned as given and may sail, so a removal's cost is the rerouting it forces, not
//! cargo leaving the network's books. For each element the report gives, against the base
//! run: the change of total generalized cost (USD a year: tariffs, handling and each class's
//! value of time — the rerouting loss), of container-hours (the NRI of Scott et al., in
//! TEU-hours) and of TEU left without any route (isolated demand).

use crate::assign::{AssignOptions, keep_going};
use crate::freight::{FreightOptions, FreightRequestError, WarmStart, build_problem};
use crate::network::{HandlingKind, LinkId, Mode, Network, NodeId};
use crate::report::freight::TotalsRecord;
use crate::report::round1;
use crate::scenario::{Edit, HandlingKey, apply};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Version of the layout of [`CriticalityReport`].
pub const CRITICALITY_REPORT_VERSION: u32 = 2;

/// What the scan does to each element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cut {
    /// Remove it: close the link, or close the place (every facility and link there).
    Remove,
    /// Keep this share of its capacity (0 < share < 1): links and facilities with a
    /// capacity only.
    KeepShare(f64),
}

/// How each re-assignment of the scan starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// From the base run's queues and step sizes ([`crate::freight::WarmStart`]), compared
    /// with the base re-solved the same way, so an element that changes nothing costs exactly
    /// nothing.
    Warm,
    /// From empty queues, as a first run (to measure what the warm start gains).
    Cold,
}

impl Start {
    /// `warm` or `cold`.
    pub fn as_str(self) -> &'static str {
        match self {
            Start::Warm => "warm",
            Start::Cold => "cold",
        }
    }
}

/// One element of the network the scan takes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A link (both directions).
    Link(LinkId),
    /// A place with a border, gauge-change or port facility (all of it).
    Place(NodeId),
    /// One capacitated facility (a cut only).
    Facility(crate::network::HandlingId),
}

/// One element's loss.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementLoss {
    /// `link`, `place` or `facility`.
    pub kind: String,
    /// Link id, node id, or `node:kind`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// TEU a year through it in the base run (a link: both directions; a place: the most of
    /// its facilities).
    pub base_teu_per_year: f64,
    /// Change of total generalized cost, USD a year (the rerouting loss; ≥ 0 unless removing
    /// it helps, as in Braess's network).
    pub generalized_cost_usd_per_year: f64,
    /// Change of container-hours a year (the Network Robustness Index, in TEU-hours).
    pub teu_hours_per_year: f64,
    /// TEU a year left without a route.
    pub unserved_teu_per_year: f64,
    /// Change of TEU a year on routes over the sea corridors (diverted from land when > 0).
    pub to_sea_teu_per_year: f64,
    /// Whether the re-assignment stopped short of its tolerances (a warning of the run).
    pub unsettled: bool,
}

/// The scan's result, elements ranked by TEU left without a route (isolation first), then by
/// rerouting loss, then by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalityReport {
    /// Layout version.
    pub version: u32,
    /// The year.
    pub year: i32,
    /// `remove`, or the share of capacity kept.
    pub cut: String,
    /// How each re-assignment started: `warm` (from the base run's queues) or `cold`.
    pub start: String,
    /// The base run's totals.
    pub base: TotalsRecord,
    /// Elements scanned.
    pub elements: Vec<ElementLoss>,
}

/// The elements a scan covers on `network` in `options.year`: with [`Cut::Remove`], every
/// active link and every place with an active border, gauge-change or port facility; with a
/// partial cut, every active link and facility that has a capacity.
pub fn elements(network: &Network, options: &FreightOptions, cut: Cut) -> Vec<Element> {
    let year = options.year;
    let mut out = Vec::new();
    for (index, link) in network.links().iter().enumerate() {
        let id = LinkId::from_index(index);
        if !link.validity.is_active_in(year) || options.avoid.links.contains(&id) {
            continue;
        }
        let capacitated =
            link.capacity_trains_per_day.is_some() || link.capacity_teu_per_year.is_some();
        if matches!(cut, Cut::Remove) || capacitated {
            out.push(Element::Link(id));
        }
    }
    match cut {
        Cut::Remove => {
            let mut places: Vec<NodeId> = network
                .handlings()
                .iter()
                .filter(|h| {
                    h.validity.is_active_in(year)
                        && matches!(
                            h.kind,
                            HandlingKind::Border | HandlingKind::GaugeChange | HandlingKind::Port
                        )
                })
                .map(|h| h.node)
                .filter(|node| !options.avoid.nodes.contains(node))
                .collect();
            places.sort();
            places.dedup();
            out.extend(places.into_iter().map(Element::Place));
        }
        Cut::KeepShare(_) => {
            for (index, h) in network.handlings().iter().enumerate() {
                if h.validity.is_active_in(year) && h.capacity_teu_per_day.is_some() {
                    out.push(Element::Facility(crate::network::HandlingId::from_index(
                        index,
                    )));
                }
            }
        }
    }
    out
}

/// What one re-assignment of the scan gives: its totals, the TEU its routes send over the sea
/// corridors, and whether it settled.
struct Outcome {
    totals: TotalsRecord,
    sea_teu_per_year: f64,
    unsettled: bool,
}

/// The sea corridors of `network`, where a removal diverts containers to the sea: those its
/// markets name as rail's alternative (`markets.csv`: `sea_suez`, `sea_cape`), or without
/// markets the corridors made of sea links only.
fn sea_corridors(network: &Network) -> Vec<String> {
    let markets = &network.freight().markets;
    let mut keys: Vec<String> = if markets.is_empty() {
        (network.corridors().iter().enumerate())
            .filter(|&(index, _)| {
                let mut links = (network.links().iter())
                    .filter(|l| l.corridors.iter().any(|c| c.index() == index))
                    .peekable();
                links.peek().is_some() && links.all(|l| l.mode == Mode::Sea)
            })
            .map(|(_, corridor)| corridor.key.clone())
            .collect()
    } else {
        (markets.iter())
            .flat_map(|m| m.alternative.iter().cloned())
            .collect()
    };
    keys.sort();
    keys.dedup();
    keys
}

/// What every element of a scan is compared with, made once: the base run's report, the
/// queues the re-solves start from, the sea corridors and the base TEU on them.
struct Reference {
    report: crate::report::FreightReport,
    warm: WarmStart,
    sea: Vec<String>,
    sea_teu_per_year: f64,
}

/// TEU a year on routes classified under the sea corridors.
fn sea_teu(report: &crate::report::FreightReport, sea: &[String]) -> f64 {
    (report.corridors.iter())
        .filter(|c| sea.contains(&c.corridor))
        .map(|c| c.teu_per_year)
        .sum()
}

/// One re-assignment of the scan (the report's path decomposition gives the sea corridors'
/// TEU).
fn outcome(
    network: &Network,
    options: &FreightOptions,
    solver: &AssignOptions,
    warm: &WarmStart,
    sea: &[String],
) -> Result<Outcome, FreightRequestError> {
    let mut problem = build_problem(network, options).map_err(FreightRequestError::Build)?;
    let (result, binding) = problem
        .solve_from(solver, &mut keep_going, warm)
        .map_err(FreightRequestError::Assign)?;
    let unsettled = binding.is_some_and(|b| !b.converged) || !result.converged;
    let report = problem.report(&result);
    Ok(Outcome {
        sea_teu_per_year: sea_teu(&report, sea),
        totals: report.totals,
        unsettled,
    })
}

/// Scans `elements` (see [`elements`]) of `network` under `options` (the choice is turned
/// off: fixed demand), each re-assignment on the rayon pool, started as `start` says;
/// `progress(done, total)` after each. Results do not depend on the number of threads.
///
/// # Errors
/// The base run's or an element's assignment error.
pub fn criticality(
    network: &Network,
    options: &FreightOptions,
    solver: &AssignOptions,
    cut: Cut,
    start: Start,
    elements: &[Element],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<CriticalityReport, FreightRequestError> {
    let mut base_options = options.clone();
    base_options.market_choice = false;
    // The base run: its totals, and its flows by link and place for the report.
    let mut problem = build_problem(network, &base_options).map_err(FreightRequestError::Build)?;
    let (result, binding) = problem
        .solve(solver, &mut keep_going)
        .map_err(FreightRequestError::Assign)?;
    let (base_report, warm) = match start {
        Start::Cold => (problem.report(&result), WarmStart::default()),
        Start::Warm => {
            // The reference of warm-started re-solves: the base solved again from its own
            // queues (a few rounds), by the same method as every element.
            let warm = problem.warm_start(binding.as_ref());
            let mut again =
                build_problem(network, &base_options).map_err(FreightRequestError::Build)?;
            let (result, _) = again
                .solve_from(solver, &mut keep_going, &warm)
                .map_err(FreightRequestError::Assign)?;
            (again.report(&result), warm)
        }
    };
    let sea = sea_corridors(network);
    let reference = Reference {
        sea_teu_per_year: sea_teu(&base_report, &sea),
        report: base_report,
        warm,
        sea,
    };
    let base = reference.report.totals.clone();
    let done = AtomicUsize::new(0);
    let total = elements.len();
    // One element per task: a few removals take 30 times as long as the rest, and splitting
    // the list in halves would leave a thread with most of them.
    let losses: Vec<Result<ElementLoss, FreightRequestError>> = elements
        .par_iter()
        .with_max_len(1)
        .map(|&element| {
            let loss = scan_one(network, &base_options, solver, cut, element, &reference);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            loss
        })
        .collect();
    let mut losses = losses.into_iter().collect::<Result<Vec<_>, _>>()?;
    losses.sort_by(|a, b| {
        b.unserved_teu_per_year
            .total_cmp(&a.unserved_teu_per_year)
            .then_with(|| {
                b.generalized_cost_usd_per_year
                    .total_cmp(&a.generalized_cost_usd_per_year)
            })
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(CriticalityReport {
        version: CRITICALITY_REPORT_VERSION,
        year: options.year,
        cut: match cut {
            Cut::Remove => "remove".to_string(),
            Cut::KeepShare(share) => format!("keep {}", crate::io::number(share)),
        },
        start: start.as_str().to_string(),
        base,
        elements: losses,
    })
}

fn scan_one(
    network: &Network,
    base_options: &FreightOptions,
    solver: &AssignOptions,
    cut: Cut,
    element: Element,
    reference: &Reference,
) -> Result<ElementLoss, FreightRequestError> {
    let base_report = &reference.report;
    let mut options = base_options.clone();
    let mut changed: Option<Network> = None;
    let (kind, id, name, base_teu) = match element {
        Element::Link(link_id) => {
            let link = network.link(link_id);
            let through: f64 = base_report
                .links
                .iter()
                .filter(|r| r.link == link.key)
                .map(|r| r.teu_per_year)
                .sum();
            match cut {
                Cut::Remove => options.avoid.links.push(link_id),
                Cut::KeepShare(share) => {
                    let edit = Edit::SetLinkCapacity {
                        link: link.key.clone(),
                        trains_per_day: link.capacity_trains_per_day.map(|c| c * share),
                        teu_per_year: link.capacity_teu_per_year.map(|c| c * share),
                        sources: source_keys(network, &link.capacity_sources),
                    };
                    changed = apply(network, &[edit]).ok();
                }
            }
            let name = format!(
                "{} – {} ({})",
                network.node(link.from).name,
                network.node(link.to).name,
                link.mode.as_str()
            );
            ("link", link.key.clone(), name, through)
        }
        Element::Place(node) => {
            options.avoid.nodes.push(node);
            let key = &network.node(node).key;
            let through = base_report
                .handling
                .iter()
                .filter(|h| &h.node == key)
                .map(|h| h.teu_per_year)
                .fold(0.0, f64::max);
            (
                "place",
                key.clone(),
                network.node(node).name.clone(),
                through,
            )
        }
        Element::Facility(handling) => {
            let row = network.handling(handling);
            let key = HandlingKey::of(network, handling);
            if let Cut::KeepShare(share) = cut {
                let edit = Edit::SetHandlingCapacity {
                    handling: key.clone(),
                    teu_per_day: row.capacity_teu_per_day.map(|c| c * share),
                    sources: source_keys(network, &row.capacity_sources),
                };
                changed = apply(network, &[edit]).ok();
            }
            let node_key = &network.node(row.node).key;
            let through = base_report
                .handling
                .iter()
                .filter(|h| &h.node == node_key && h.kind == row.kind.as_str())
                .map(|h| h.teu_per_year)
                .sum();
            (
                "facility",
                format!("{}:{}", node_key, row.kind.as_str()),
                format!(
                    "{} {}",
                    network.node(row.node).name,
                    row.kind.as_str().replace('_', " ")
                ),
                through,
            )
        }
    };
    let network = changed.as_ref().unwrap_or(network);
    let Outcome {
        totals: after,
        sea_teu_per_year,
        unsettled,
    } = outcome(network, &options, solver, &reference.warm, &reference.sea)?;
    let base = &base_report.totals;
    Ok(ElementLoss {
        kind: kind.to_string(),
        id,
        name,
        base_teu_per_year: round1(base_teu),
        generalized_cost_usd_per_year: round1(
            after.generalized_cost_usd_per_year - base.generalized_cost_usd_per_year,
        ),
        teu_hours_per_year: round1(after.teu_hours_per_year - base.teu_hours_per_year),
        unserved_teu_per_year: round1(after.unserved_teu_per_year - base.unserved_teu_per_year),
        to_sea_teu_per_year: round1(sea_teu_per_year - reference.sea_teu_per_year),
        unsettled,
    })
}

fn source_keys(network: &Network, ids: &[crate::network::SourceId]) -> Vec<String> {
    ids.iter()
        .map(|id| network.sources()[id.index()].key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::Method;
    use std::path::Path;

    fn mini() -> Network {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/mini");
        crate::network::load_dir(&dir).expect("the mini network").0
    }

    fn options(network: &Network) -> FreightOptions {
        let mut options = FreightOptions::defaults(network);
        options.binding_tolerance = None;
        options
    }

    fn scan(network: &Network, cut: Cut) -> CriticalityReport {
        let options = options(network);
        let list = elements(network, &options, cut);
        criticality(
            network,
            &options,
            &AssignOptions::new(Method::AllOrNothing),
            cut,
            Start::Warm,
            &list,
            &|_, _| {},
        )
        .expect("scans")
    }

    fn loss<'a>(report: &'a CriticalityReport, id: &str) -> &'a ElementLoss {
        report
            .elements
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("{id} scanned"))
    }

    #[test]
    fn a_bridge_removed_isolates_its_zone_and_ranks_first() {
        // Without the sea, every route from the east zone starts on e_city_border.
        let sea = [
            "sea_east_canal",
            "sea_canal_west",
            "east_city_port",
            "west_port_city",
        ];
        let edits: Vec<Edit> = sea
            .iter()
            .map(|link| Edit::RemoveLink {
                link: link.to_string(),
            })
            .collect();
        let network = apply(&mini(), &edits).expect("the mini network without the sea");
        let report = scan(&network, Cut::Remove);
        // 100,000 + 200,000 east → west, 50,000 + 50,000 back, 30,000 east → caucasus.
        let bridge = loss(&report, "e_city_border");
        assert_eq!(bridge.unserved_teu_per_year, 430_000.0);
        assert_eq!(report.elements[0].unserved_teu_per_year, 430_000.0);
        // Ranked by isolation first, then by the rerouting loss.
        for pair in report.elements.windows(2) {
            assert!(
                pair[0].unserved_teu_per_year > pair[1].unserved_teu_per_year
                    || (pair[0].unserved_teu_per_year == pair[1].unserved_teu_per_year
                        && pair[0].generalized_cost_usd_per_year
                            >= pair[1].generalized_cost_usd_per_year)
            );
        }
    }

    #[test]
    fn removing_what_carries_nothing_costs_nothing_and_the_scan_is_deterministic() {
        let network = mini();
        let report = scan(&network, Cut::Remove);
        for e in &report.elements {
            if e.base_teu_per_year == 0.0 && e.kind == "link" {
                assert_eq!(e.generalized_cost_usd_per_year, 0.0, "{e:?}");
                assert_eq!(e.teu_hours_per_year, 0.0, "{e:?}");
                assert_eq!(e.unserved_teu_per_year, 0.0, "{e:?}");
            }
            // Nothing served is cheaper without an element at fixed demand, all-or-nothing and
            // no congestion (no Braess effect without congestion); isolated demand leaves the
            // total, which is why isolation ranks first.
            if e.unserved_teu_per_year == 0.0 {
                assert!(e.generalized_cost_usd_per_year >= 0.0, "{e:?}");
            }
        }
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool")
            .install(|| scan(&network, Cut::Remove));
        assert_eq!(
            serde_json::to_string(&one).ok(),
            serde_json::to_string(&report).ok()
        );
    }

    #[test]
    fn a_land_bridge_removed_sends_its_containers_to_sea() {
        // The mini network's east–west demand crosses by land; without the bridge it sails.
        let network = mini();
        assert_eq!(sea_corridors(&network), vec!["sea".to_string()]);
        let report = scan(&network, Cut::Remove);
        let bridge = loss(&report, "e_city_border");
        assert_eq!(bridge.unserved_teu_per_year, 0.0, "{bridge:?}");
        assert!(bridge.to_sea_teu_per_year > 0.0, "{bridge:?}");
        // Removing a sea link sends nothing to sea.
        let canal = loss(&report, "sea_east_canal");
        assert!(canal.to_sea_teu_per_year <= 0.0, "{canal:?}");
    }

    #[test]
    fn a_capacity_cut_scans_only_capacitated_elements() {
        let network = mini();
        let options = options(&network);
        let list = elements(&network, &options, Cut::KeepShare(0.3));
        assert!(!list.is_empty());
        for element in &list {
            match *element {
                Element::Link(id) => {
                    let link = network.link(id);
                    assert!(
                        link.capacity_trains_per_day.is_some()
                            || link.capacity_teu_per_year.is_some()
                    );
                }
                Element::Facility(id) => {
                    assert!(network.handling(id).capacity_teu_per_day.is_some())
                }
                Element::Place(_) => panic!("a cut keeps places"),
            }
        }
    }
}
