//! Shortest-path trees from every origin zone and all-or-nothing loading, on all cores with
//! results that do not depend on the thread count.
//!
//! Origins are split into a fixed number of chunks decided by the zone count alone; each chunk
//! owns its search workspace and a partial flow vector, so nothing is allocated per
//! iteration, and the partial vectors are added in chunk order, so the floating-point sums are
//! the same whatever rayon's scheduling.

use super::{AssignLinkId, AssignNetwork, AssignNodeId, AssignZoneId, OdMatrix};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// No predecessor.
pub(crate) const NONE: u32 = u32::MAX;

/// The workspace of one shortest-path-tree search. Its per-node vectors are indexed by
/// [`AssignNodeId::index`] and hold raw link numbers (`NONE` for none): the search is the
/// inner loop of every assignment method.
#[derive(Debug, Clone)]
pub struct SptWorkspace {
    /// Distance from the origin (∞ where unreached).
    dist: Vec<f64>,
    /// The link by which each node is reached (`NONE` at the origin and where unreached).
    pred: Vec<u32>,
    /// Nodes in the order they were settled (the origin first).
    order: Vec<AssignNodeId>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    acc: Vec<f64>,
}

impl SptWorkspace {
    /// A workspace for a network of `nodes` nodes.
    pub fn new(nodes: usize) -> SptWorkspace {
        SptWorkspace {
            dist: vec![f64::INFINITY; nodes],
            pred: vec![NONE; nodes],
            order: Vec::with_capacity(nodes),
            heap: BinaryHeap::with_capacity(nodes),
            acc: vec![0.0; nodes],
        }
    }

    /// Builds the shortest-path tree from `origin` under link costs `cost` (all ≥ 0, indexed
    /// by link). Nodes that may not be passed through are settled but not expanded, except the
    /// origin. Ties are broken by node id, then by link id, so the tree is deterministic.
    pub fn tree(&mut self, net: &AssignNetwork, cost: &[f64], origin: AssignNodeId) {
        for &n in &self.order {
            self.dist[n.index()] = f64::INFINITY;
            self.pred[n.index()] = NONE;
        }
        self.order.clear();
        self.heap.clear();
        self.dist[origin.index()] = 0.0;
        self.heap.push(Reverse((0f64.to_bits(), origin.0)));
        while let Some(Reverse((bits, u))) = self.heap.pop() {
            let u = AssignNodeId(u);
            let d = f64::from_bits(bits);
            if d > self.dist[u.index()] {
                continue;
            }
            // Entries of one node are pushed with strictly decreasing distances, so only its
            // last entry passes the test above: each node is settled once.
            self.order.push(u);
            if u != origin && !net.is_through(u) {
                continue;
            }
            for &link in net.out_links(u) {
                let v = net.to(link);
                let nd = d + cost[link.index()];
                if nd < self.dist[v.index()] {
                    self.dist[v.index()] = nd;
                    self.pred[v.index()] = link.0;
                    self.heap.push(Reverse((nd.to_bits(), v.0)));
                }
            }
        }
    }

    /// The distance from the last tree's origin to `node` (∞ where unreached).
    #[inline]
    pub fn distance(&self, node: AssignNodeId) -> f64 {
        self.dist[node.index()]
    }

    /// The link by which the last tree reaches `node` (`None` at the origin and where
    /// unreached).
    #[inline]
    pub fn predecessor(&self, node: AssignNodeId) -> Option<AssignLinkId> {
        let link = self.pred[node.index()];
        (link != NONE).then_some(AssignLinkId(link))
    }

    /// The nodes the last tree settled, in order (the origin first).
    pub fn settled(&self) -> &[AssignNodeId] {
        &self.order
    }

    /// Loads the demand of the last tree's origin onto `flows` (indexed by link), adding each
    /// destination's demand to every link of its shortest path, and returns
    /// `Σ demand × distance` (the shortest-path total travel time). Destinations with demand
    /// but no path are returned in `unreached`.
    pub fn load(
        &mut self,
        net: &AssignNetwork,
        row: &[(AssignZoneId, f64)],
        flows: &mut [f64],
        unreached: &mut Vec<(AssignZoneId, f64)>,
    ) -> f64 {
        let mut sptt = 0.0;
        for &(d, v) in row {
            let node = d.node().index();
            let dist = self.dist[node];
            if dist.is_finite() {
                self.acc[node] += v;
                sptt += v * dist;
            } else {
                unreached.push((d, v));
            }
        }
        for &n in self.order.iter().rev() {
            let a = self.acc[n.index()];
            if a != 0.0 {
                self.acc[n.index()] = 0.0;
                let link = self.pred[n.index()];
                if link != NONE {
                    let link = AssignLinkId(link);
                    flows[link.index()] += a;
                    self.acc[net.from(link).index()] += a;
                }
            }
        }
        sptt
    }
}

/// One chunk of origins with its workspace and partial results.
#[derive(Debug, Clone)]
struct Chunk {
    origins: std::ops::Range<usize>,
    workspace: SptWorkspace,
    flows: Vec<f64>,
    sptt: f64,
    unreached: Vec<(AssignZoneId, AssignZoneId, f64)>,
    scratch: Vec<(AssignZoneId, f64)>,
}

/// All-or-nothing assignment of one demand matrix, reusable across iterations.
#[derive(Debug, Clone)]
pub struct AllOrNothing {
    chunks: Vec<Chunk>,
    /// Non-zero demand per origin, intrazonal demand left out.
    rows: Vec<Vec<(AssignZoneId, f64)>>,
}

/// Most chunks a matrix is split into (a fixed number, so sums do not depend on threads).
const MAX_CHUNKS: usize = 64;

impl AllOrNothing {
    /// Prepares AON loading of `demand` on `net`.
    pub fn new(net: &AssignNetwork, demand: &OdMatrix) -> AllOrNothing {
        let zones = demand.zones();
        let rows: Vec<Vec<(AssignZoneId, f64)>> = demand
            .zone_ids()
            .map(|o| {
                demand
                    .zone_ids()
                    .filter(|&d| d != o)
                    .map(|d| (d, demand.get(o, d)))
                    .filter(|&(_, v)| v > 0.0)
                    .collect()
            })
            .collect();
        let active: Vec<usize> = (0..zones).filter(|&o| !rows[o].is_empty()).collect();
        let per_chunk = active.len().div_ceil(MAX_CHUNKS).max(1);
        let chunks = active
            .chunks(per_chunk)
            .map(|c| Chunk {
                origins: c[0]..c[c.len() - 1] + 1,
                workspace: SptWorkspace::new(net.node_count()),
                flows: vec![0.0; net.link_count()],
                sptt: 0.0,
                unreached: Vec::new(),
                scratch: Vec::new(),
            })
            .collect();
        AllOrNothing { chunks, rows }
    }

    /// The non-zero, non-intrazonal demand leaving each origin (indexed by
    /// [`AssignZoneId::index`]).
    pub fn rows(&self) -> &[Vec<(AssignZoneId, f64)>] {
        &self.rows
    }

    /// Loads the whole matrix on the shortest paths under `cost` into `flows` (overwritten) and
    /// returns the shortest-path total `Σ demand × distance`. OD pairs with demand and no
    /// path are appended to `unreached` as (origin, destination, demand).
    pub fn assign(
        &mut self,
        net: &AssignNetwork,
        cost: &[f64],
        flows: &mut [f64],
        unreached: &mut Vec<(AssignZoneId, AssignZoneId, f64)>,
    ) -> f64 {
        let rows = &self.rows;
        self.chunks.par_iter_mut().for_each(|chunk| {
            chunk.flows.fill(0.0);
            chunk.sptt = 0.0;
            chunk.unreached.clear();
            for o in chunk.origins.clone() {
                if rows[o].is_empty() {
                    continue;
                }
                let origin = AssignZoneId::from_index(o);
                chunk.workspace.tree(net, cost, origin.node());
                chunk.scratch.clear();
                chunk.sptt +=
                    chunk
                        .workspace
                        .load(net, &rows[o], &mut chunk.flows, &mut chunk.scratch);
                chunk
                    .unreached
                    .extend(chunk.scratch.iter().map(|&(d, v)| (origin, d, v)));
            }
        });
        flows.fill(0.0);
        let mut sptt = 0.0;
        for chunk in &self.chunks {
            for (f, c) in flows.iter_mut().zip(&chunk.flows) {
                *f += c;
            }
            sptt += chunk.sptt;
            unreached.extend_from_slice(&chunk.unreached);
        }
        sptt
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::{LinkSpec, LinkVdf};

    fn net(no_through: u32) -> AssignNetwork {
        // 0 -> 2 -> 1 costs 1 + 1; 0 -> 1 costs 5; 0 -> 3 -> 1 costs 1 + 1 via zone 3? no:
        // zones 0, 1; node 2 and 3 are intersections.
        let l = |from, to, t| LinkSpec {
            from: AssignNodeId(from),
            to: AssignNodeId(to),
            vdf: LinkVdf::constant(t),
        };
        AssignNetwork::new(
            4,
            2,
            no_through,
            &[
                l(0, 2, 1.0),
                l(2, 1, 1.0),
                l(0, 1, 5.0),
                l(1, 3, 1.0),
                l(3, 0, 1.0),
            ],
        )
        .unwrap()
    }

    #[test]
    fn aon_loads_shortest_paths_and_returns_sptt() {
        let n = net(0);
        let mut od = OdMatrix::zeros(2);
        let zone = AssignZoneId;
        od.set(zone(0), zone(1), 10.0);
        od.set(zone(1), zone(0), 4.0);
        od.set(zone(1), zone(1), 99.0); // intrazonal: ignored
        let mut aon = AllOrNothing::new(&n, &od);
        let cost: Vec<f64> = n.vdfs().iter().map(|v| v.time(0.0)).collect();
        let mut flows = vec![0.0; n.link_count()];
        let mut unreached = Vec::new();
        let sptt = aon.assign(&n, &cost, &mut flows, &mut unreached);
        assert_eq!(flows, vec![10.0, 10.0, 0.0, 4.0, 4.0]);
        assert_eq!(sptt, 10.0 * 2.0 + 4.0 * 2.0);
        assert!(unreached.is_empty());
    }

    #[test]
    fn zones_below_first_thru_node_are_not_passed_through() {
        // Zone 1 may not be passed through; 0 -> 3 must not go 0 -> 2 -> 1 -> 3.
        let l = |from, to, t| LinkSpec {
            from: AssignNodeId(from),
            to: AssignNodeId(to),
            vdf: LinkVdf::constant(t),
        };
        let links = [l(0, 2, 1.0), l(2, 1, 1.0), l(1, 3, 1.0), l(0, 3, 10.0)];
        for (no_through, expect) in [(0, 3.0), (2, 10.0)] {
            let n = AssignNetwork::new(4, 4, no_through, &links).unwrap();
            let mut ws = SptWorkspace::new(4);
            let cost: Vec<f64> = n.vdfs().iter().map(|v| v.time(0.0)).collect();
            ws.tree(&n, &cost, AssignNodeId(0));
            assert_eq!(ws.distance(AssignNodeId(3)), expect);
        }
    }

    #[test]
    fn unreachable_demand_is_reported() {
        let n = net(0);
        let l = |from, to| LinkSpec {
            from: AssignNodeId(from),
            to: AssignNodeId(to),
            vdf: LinkVdf::constant(1.0),
        };
        let cut = AssignNetwork::new(3, 2, 0, &[l(0, 2), l(2, 0)]).unwrap();
        let mut od = OdMatrix::zeros(2);
        od.set(AssignZoneId(0), AssignZoneId(1), 3.0);
        let mut aon = AllOrNothing::new(&cut, &od);
        let mut flows = vec![0.0; 2];
        let mut unreached = Vec::new();
        aon.assign(&cut, &[1.0, 1.0], &mut flows, &mut unreached);
        assert_eq!(unreached, vec![(AssignZoneId(0), AssignZoneId(1), 3.0)]);
        let _ = n;
    }
}
