//! Healing topology breaks in a geographic network: a line that ends a few hundred metres
//! short of another line it should join (common in OpenStreetMap-derived rail data) gets a
//! connector edge, marked as healed, so that routes no longer detour or fail.
//!
//! A dead end (a node with one edge) is joined to the nearest node within the threshold that
//! is either in another connected component, or so far away *through the network* that the
//! gap is real (network distance more than `detour_factor` × the straight gap, and more than 5
//! km longer). Connectors never cross a shipping lane of a maritime network when one is given:
//! that is the test for "not across open water".
//!
//! [`patch`] adds curated connectors: edges for lines that exist in reality but are broken in
//! the data by more than the healing threshold (each patch is written with its reason and
//! source in a file, see `geo::load_geo_patches`). Both ends snap to the nearest node that has
//! an edge; the edge has the great-circle length; the same shipping-lane test applies.

use super::{GeoGraph, GeoNodeId, Metres, Snapper, great_circle_km};
use rstar::{AABB, RTree, RTreeObject};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Parameters of [`heal`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealOptions {
    /// Longest connector, km.
    pub threshold_km: f64,
    /// A gap inside one component is real when the network distance exceeds this many times
    /// the straight distance.
    pub detour_factor: f64,
}

impl Default for HealOptions {
    fn default() -> HealOptions {
        HealOptions {
            threshold_km: 2.0,
            detour_factor: 3.0,
        }
    }
}

/// Why a connector was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConnectorKind {
    /// It joins two connected components.
    JoinsComponents,
    /// It closes a gap between two lines of one component.
    ClosesGap,
    /// A curated patch (see [`patch`]).
    Patch,
}

impl ConnectorKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorKind::JoinsComponents => "joins_components",
            ConnectorKind::ClosesGap => "closes_gap",
            ConnectorKind::Patch => "patch",
        }
    }
}

/// A healed edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Connector {
    /// The dead end (for a patch, the node its first end snaps to).
    pub from: GeoNodeId,
    /// The node it is joined to.
    pub to: GeoNodeId,
    /// Its length, metres (great-circle).
    pub length_m: Metres,
    /// Why.
    pub kind: ConnectorKind,
}

/// Line segments of a maritime network, to keep connectors off open water.
#[derive(Debug, Clone)]
pub struct WaterLanes {
    tree: RTree<Segment>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    a: [f64; 2],
    b: [f64; 2],
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.a, self.b)
    }
}

impl WaterLanes {
    /// The lanes of a maritime graph (lon, lat plane; lanes crossing the antimeridian are
    /// skipped: no rail connector is near them).
    pub fn new(sea: &GeoGraph) -> WaterLanes {
        let mut segments = Vec::new();
        for node in sea.node_ids() {
            for (head, _) in sea.neighbors(node) {
                if head > node {
                    let (alat, alon) = sea.coord(node);
                    let (blat, blon) = sea.coord(head);
                    if (alon - blon).abs() < 180.0 {
                        segments.push(Segment {
                            a: [alon, alat],
                            b: [blon, blat],
                        });
                    }
                }
            }
        }
        WaterLanes {
            tree: RTree::bulk_load(segments),
        }
    }

    /// Whether the straight segment between two coordinates crosses a lane.
    pub fn crosses(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (p, q) = ([a.1, a.0], [b.1, b.0]);
        let envelope = AABB::from_corners(p, q);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .any(|segment| segments_intersect(p, q, segment.a, segment.b))
    }
}

fn orientation(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

fn segments_intersect(p: [f64; 2], q: [f64; 2], r: [f64; 2], s: [f64; 2]) -> bool {
    let (d1, d2) = (orientation(r, s, p), orientation(r, s, q));
    let (d3, d4) = (orientation(p, q, r), orientation(p, q, s));
    (d1 * d2 < 0.0) && (d3 * d4 < 0.0)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Located {
    xy: [f64; 2],
    node: GeoNodeId,
}

impl RTreeObject for Located {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xy)
    }
}

/// Finds the connectors that heal `graph`, in order of their dead end's id.
///
/// # Complexity
/// O(D · (K + B)) for D dead ends, K candidate nodes within the threshold of each and B the
/// nodes a bounded Dijkstra from it settles; near-linear in practice.
pub fn heal(graph: &GeoGraph, options: HealOptions, water: Option<&WaterLanes>) -> Vec<Connector> {
    let components = graph.components();
    let points: Vec<Located> = graph
        .node_ids()
        .filter(|&n| graph.degree(n) > 0)
        .map(|node| {
            let (lat, lon) = graph.coord(node);
            Located {
                xy: [lon, lat],
                node,
            }
        })
        .collect();
    let tree = RTree::bulk_load(points);
    let mut bounded = BoundedDijkstra::new(graph.node_count());
    let mut connectors = Vec::new();
    for dead_end in graph.node_ids() {
        if graph.degree(dead_end) != 1 {
            continue;
        }
        let here = graph.coord(dead_end);
        // A box of the threshold's size in degrees (longitude degrees shrink with latitude).
        let dlat = options.threshold_km / 111.0;
        let dlon = dlat / here.0.to_radians().cos().max(0.01);
        let envelope = AABB::from_corners(
            [here.1 - dlon, here.0 - dlat],
            [here.1 + dlon, here.0 + dlat],
        );
        let mut candidates: Vec<(f64, GeoNodeId)> = tree
            .locate_in_envelope(&envelope)
            .filter(|p| p.node != dead_end)
            .map(|p| (great_circle_km(here, graph.coord(p.node)), p.node))
            .filter(|&(km, _)| km <= options.threshold_km)
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (km, node) in candidates {
            let length_m = (km * 1000.0).round() as Metres;
            let limit_m =
                (f64::from(length_m) * options.detour_factor).max(f64::from(length_m) + 5000.0);
            let kind = if components[node.index()] != components[dead_end.index()] {
                ConnectorKind::JoinsComponents
            } else if bounded.within(graph, dead_end, node, limit_m as u64) {
                // Already close through the network: the line simply ends here.
                continue;
            } else {
                ConnectorKind::ClosesGap
            };
            if water.is_some_and(|lanes| lanes.crosses(here, graph.coord(node))) {
                continue;
            }
            connectors.push(Connector {
                from: dead_end,
                to: node,
                length_m,
                kind,
            });
            break;
        }
    }
    connectors
}

/// The two ends of a patch, each (lat, lon) in degrees.
pub type PatchEnds = ((f64, f64), (f64, f64));

/// Limits of [`patch`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatchOptions {
    /// Largest distance, km, from a patch end to the node it snaps to.
    pub snap_km: f64,
    /// Longest patch, km.
    pub max_km: f64,
}

impl Default for PatchOptions {
    fn default() -> PatchOptions {
        PatchOptions {
            snap_km: 1.0,
            max_km: 50.0,
        }
    }
}

/// Why a patch cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatchError {
    /// No node with an edge near one end (`end` is 1 or 2).
    #[error("no node with an edge within {max_km} km of ({lat}, {lon})")]
    NoNodeNear {
        /// Which end, 1 or 2.
        end: u8,
        /// The end's latitude.
        lat: f64,
        /// The end's longitude.
        lon: f64,
        /// The snapping limit.
        max_km: f64,
    },
    /// Both ends snap to the same node.
    #[error("both ends snap to the same node ({lat}, {lon})")]
    SameNode {
        /// The node's latitude.
        lat: f64,
        /// The node's longitude.
        lon: f64,
    },
    /// The patch is longer than allowed.
    #[error("{km:.1} km between the snapped nodes, more than the {max_km} km a patch may have")]
    TooLong {
        /// Its length.
        km: f64,
        /// The limit.
        max_km: f64,
    },
    /// The patch crosses a shipping lane.
    #[error("crosses a shipping lane of the maritime network")]
    CrossesWater,
}

/// The connectors of curated patches, one per patch and in their order: each end (lat, lon)
/// snaps to the nearest node with an edge, the length is the great-circle distance between the
/// two nodes (whole metres).
///
/// # Errors
/// The index of the first patch that cannot be applied and why: an end with no node within
/// `options.snap_km`, both ends on one node, longer than `options.max_km`, or across a shipping
/// lane of `water`.
pub fn patch(
    graph: &GeoGraph,
    patches: &[PatchEnds],
    options: PatchOptions,
    water: Option<&WaterLanes>,
) -> Result<Vec<Connector>, (usize, PatchError)> {
    let snapper = Snapper::new(graph);
    let mut connectors = Vec::with_capacity(patches.len());
    for (index, &(a, b)) in patches.iter().enumerate() {
        let snap = |end: u8, (lat, lon): (f64, f64)| {
            snapper
                .nearest_where(lat, lon, options.snap_km, |_| true)
                .map(|s| s.node)
                .ok_or((
                    index,
                    PatchError::NoNodeNear {
                        end,
                        lat,
                        lon,
                        max_km: options.snap_km,
                    },
                ))
        };
        let (from, to) = (snap(1, a)?, snap(2, b)?);
        let (p, q) = (graph.coord(from), graph.coord(to));
        if from == to {
            return Err((index, PatchError::SameNode { lat: p.0, lon: p.1 }));
        }
        let km = great_circle_km(p, q);
        if km > options.max_km {
            return Err((
                index,
                PatchError::TooLong {
                    km,
                    max_km: options.max_km,
                },
            ));
        }
        if water.is_some_and(|lanes| lanes.crosses(p, q)) {
            return Err((index, PatchError::CrossesWater));
        }
        connectors.push(Connector {
            from,
            to,
            length_m: (km * 1000.0).round() as Metres,
            kind: ConnectorKind::Patch,
        });
    }
    Ok(connectors)
}

/// The graph with the connectors added.
pub fn apply(graph: &GeoGraph, connectors: &[Connector]) -> GeoGraph {
    let parts = graph.raw_parts();
    let coords: Vec<(f64, f64)> = parts
        .lat
        .iter()
        .copied()
        .zip(parts.lon.iter().copied())
        .collect();
    let mut edges: Vec<(u32, u32, Metres)> =
        Vec::with_capacity(graph.edge_count() + connectors.len());
    for node in graph.node_ids() {
        for (head, length) in graph.neighbors(node) {
            if head > node {
                edges.push((node.0, head.0, length));
            }
        }
    }
    edges.extend(connectors.iter().map(|c| (c.from.0, c.to.0, c.length_m)));
    GeoGraph::new(coords, &edges)
        .expect("a healed graph has the nodes and coordinates of a valid one")
}

/// Dijkstra that gives up beyond a distance limit.
struct BoundedDijkstra {
    dist: Vec<u64>,
    touched: Vec<GeoNodeId>,
    heap: BinaryHeap<Reverse<(u64, GeoNodeId)>>,
}

impl BoundedDijkstra {
    fn new(n: usize) -> BoundedDijkstra {
        BoundedDijkstra {
            dist: vec![u64::MAX; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Whether the network distance is at most `limit`.
    fn within(
        &mut self,
        graph: &GeoGraph,
        source: GeoNodeId,
        target: GeoNodeId,
        limit: u64,
    ) -> bool {
        for &node in &self.touched {
            self.dist[node.index()] = u64::MAX;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[source.index()] = 0;
        self.touched.push(source);
        self.heap.push(Reverse((0, source)));
        while let Some(Reverse((d, node))) = self.heap.pop() {
            if d > self.dist[node.index()] {
                continue;
            }
            if node == target {
                return true;
            }
            for (head, length) in graph.neighbors(node) {
                let candidate = d + u64::from(length);
                if candidate <= limit && candidate < self.dist[head.index()] {
                    if self.dist[head.index()] == u64::MAX {
                        self.touched.push(head);
                    }
                    self.dist[head.index()] = candidate;
                    self.heap.push(Reverse((candidate, head)));
                }
            }
        }
        false
    }
}

/// Why a network cannot be healed with these settings or patches.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HealError {
    /// A connector limit outside (0, 50] km.
    #[error("threshold_km {value}: expected a distance in (0, 50] km")]
    BadThreshold {
        /// The value given.
        value: f64,
    },
    /// A detour factor below 1 or NaN.
    #[error("detour_factor {value}: expected a factor ≥ 1")]
    BadDetourFactor {
        /// The value given.
        value: f64,
    },
    /// A curated patch that cannot be placed.
    #[error("{file}:{line}: {field}: patch `{id}`: {fault}")]
    Patch {
        /// The patches file.
        file: String,
        /// The patch's line.
        line: u64,
        /// The columns at fault.
        field: &'static str,
        /// The patch's id.
        id: String,
        /// What is wrong.
        fault: PatchError,
    },
}

impl HealOptions {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`HealError::BadThreshold`] or [`HealError::BadDetourFactor`].
    pub fn validate(&self) -> Result<(), HealError> {
        if !(self.threshold_km > 0.0 && self.threshold_km <= 50.0) {
            return Err(HealError::BadThreshold {
                value: self.threshold_km,
            });
        }
        if self.detour_factor.is_nan() || self.detour_factor < 1.0 {
            return Err(HealError::BadDetourFactor {
                value: self.detour_factor,
            });
        }
        Ok(())
    }
}

/// A healed network: the connectors added (automatic ones first, then one per curated patch)
/// and the graph with them.
#[derive(Debug, Clone)]
pub struct Healed {
    /// Every connector; `connectors[..automatic]` came from [`heal`], the rest from patches.
    pub connectors: Vec<Connector>,
    /// How many connectors [`heal`] added.
    pub automatic: usize,
    /// The id of each patch connector (`connectors[automatic + i]` is `patch_ids[i]`).
    pub patch_ids: Vec<String>,
    /// The network with the connectors.
    pub graph: GeoGraph,
    /// Connected components before and after.
    pub components: (usize, usize),
}

/// Heals `graph` ([`heal`]), adds the curated `patches` read from `patches_file`, and joins
/// the connectors to it.
///
/// # Errors
/// [`HealError`] for bad settings, or a patch that cannot be placed (naming its file, line,
/// columns and id).
pub fn heal_network(
    graph: &GeoGraph,
    options: HealOptions,
    water: Option<&WaterLanes>,
    patches: &[super::GeoPatch],
    patches_file: &str,
) -> Result<Healed, HealError> {
    options.validate()?;
    let mut connectors = heal(graph, options, water);
    let automatic = connectors.len();
    let ends: Vec<PatchEnds> = patches.iter().map(|p| (p.from, p.to)).collect();
    let placed = if ends.is_empty() {
        Ok(Vec::new())
    } else {
        patch(graph, &ends, PatchOptions::default(), water)
    };
    let added = placed.map_err(|(index, error)| {
        let row = &patches[index];
        HealError::Patch {
            file: patches_file.to_string(),
            line: row.line,
            field: match error {
                PatchError::NoNodeNear { end: 1, .. } => "lat1,lon1",
                PatchError::NoNodeNear { .. } => "lat2,lon2",
                _ => "id",
            },
            id: row.id.clone(),
            fault: error,
        }
    })?;
    connectors.extend(added);
    let healed = apply(graph, &connectors);
    let count = |g: &GeoGraph| {
        let mut ids = g.components();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    Ok(Healed {
        components: (count(graph), count(&healed)),
        connectors,
        automatic,
        patch_ids: patches.iter().map(|p| p.id.clone()).collect(),
        graph: healed,
    })
}

impl Healed {
    /// The patch id of connector `index`, empty for an automatic one.
    pub fn patch_of(&self, index: usize) -> &str {
        index
            .checked_sub(self.automatic)
            .map_or("", |i| self.patch_ids[i].as_str())
    }

    /// `(total km, longest km)` of the automatic connectors (`patches` false) or the patches.
    pub fn km(&self, patches: bool) -> (f64, f64) {
        let (automatic, curated) = self.connectors.split_at(self.automatic);
        let list = if patches { curated } else { automatic };
        let total = list.iter().map(|c| u64::from(c.length_m)).sum::<u64>() as f64 / 1000.0;
        let longest = list.iter().map(|c| c.length_m).max().unwrap_or(0);
        (total, f64::from(longest) / 1000.0)
    }

    /// Automatic connectors that join components.
    pub fn joins(&self) -> usize {
        self.connectors[..self.automatic]
            .iter()
            .filter(|c| c.kind == ConnectorKind::JoinsComponents)
            .count()
    }

    /// Every connector as CSV: `from,to,km,kind,from_lat,from_lon,to_lat,to_lon,patch`, node
    /// ids as `ids` names them.
    pub fn report_csv(&self, original: &GeoGraph, ids: &[String]) -> String {
        let mut report = String::from("from,to,km,kind,from_lat,from_lon,to_lat,to_lon,patch\n");
        for (index, c) in self.connectors.iter().enumerate() {
            let (a, b) = (original.coord(c.from), original.coord(c.to));
            report.push_str(&format!(
                "{},{},{:.3},{},{},{},{},{},{}\n",
                ids[c.from.index()],
                ids[c.to.index()],
                f64::from(c.length_m) / 1000.0,
                c.kind.as_str(),
                a.0,
                a.1,
                b.0,
                b.1,
                self.patch_of(index)
            ));
        }
        report
    }

    /// The healed network as `nodes.csv` and `edges.csv` (edges get `healed` and `patch`
    /// columns), node ids as `ids` names them.
    pub fn folder_files(&self, original: &GeoGraph, ids: &[String]) -> (String, String) {
        let mut nodes = String::from("id,lat,lon\n");
        for (index, id) in ids.iter().enumerate() {
            let (lat, lon) = original.coord(GeoNodeId::from_index(index));
            nodes.push_str(&format!("{id},{lat},{lon}\n"));
        }
        let mut edges = String::from("from,to,km,healed,patch\n");
        for node in original.node_ids() {
            for (head, length) in original.neighbors(node) {
                if head > node {
                    edges.push_str(&format!(
                        "{},{},{:.3},0,\n",
                        ids[node.index()],
                        ids[head.index()],
                        f64::from(length) / 1000.0
                    ));
                }
            }
        }
        for (index, c) in self.connectors.iter().enumerate() {
            edges.push_str(&format!(
                "{},{},{:.3},1,{}\n",
                ids[c.from.index()],
                ids[c.to.index()],
                f64::from(c.length_m) / 1000.0,
                self.patch_of(index)
            ));
        }
        (nodes, edges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lines: A (0-1-2) and B (3-4-5); A's end 2 stops 500 m short of B's node 4.
    fn near_miss() -> GeoGraph {
        GeoGraph::new(
            vec![
                (45.0, 80.0),
                (45.0, 80.1),
                (45.0, 80.2),
                (44.9, 80.2045),
                (45.0045, 80.2045),
                (45.1, 80.2045),
            ],
            &[(0, 1, 7_900), (1, 2, 7_900), (3, 4, 11_600), (4, 5, 10_600)],
        )
        .expect("valid")
    }

    #[test]
    fn joins_a_dead_end_to_the_nearby_line() {
        let graph = near_miss();
        let connectors = heal(&graph, HealOptions::default(), None);
        assert_eq!(connectors.len(), 1, "{connectors:?}");
        let c = connectors[0];
        assert_eq!(
            (c.from, c.to, c.kind),
            (GeoNodeId(2), GeoNodeId(4), ConnectorKind::JoinsComponents)
        );
        assert!(f64::from(c.length_m) < 2_000.0);
        let healed = apply(&graph, &connectors);
        assert_eq!(healed.components()[0], healed.components()[5]);
    }

    #[test]
    fn never_longer_than_the_threshold() {
        let graph = near_miss();
        let options = HealOptions {
            threshold_km: 0.2,
            ..HealOptions::default()
        };
        assert!(heal(&graph, options, None).is_empty());
    }

    #[test]
    fn a_dead_end_already_near_through_the_network_is_left_alone() {
        // 0-1-2 with 2 a dead end 300 m from 0 through a 600 m line: no gap.
        let graph = GeoGraph::new(
            vec![(45.0, 80.0), (45.002, 80.002), (45.0, 80.004)],
            &[(0, 1, 300), (1, 2, 300)],
        )
        .expect("valid");
        assert!(heal(&graph, HealOptions::default(), None).is_empty());
    }

    #[test]
    fn a_patch_bridges_a_gap_longer_than_the_threshold() {
        // Two lines 10 km apart: too far to heal, joined by a curated patch.
        let graph = GeoGraph::new(
            vec![(45.0, 80.0), (45.0, 80.1), (45.0, 80.227), (45.0, 80.3)],
            &[(0, 1, 7_900), (2, 3, 5_800)],
        )
        .expect("valid");
        assert!(heal(&graph, HealOptions::default(), None).is_empty());
        let ends = [((45.0001, 80.1001), (45.0, 80.227))];
        let patches = patch(&graph, &ends, PatchOptions::default(), None).expect("valid");
        assert_eq!(patches.len(), 1);
        let c = patches[0];
        assert_eq!(
            (c.from, c.to, c.kind),
            (GeoNodeId(1), GeoNodeId(2), ConnectorKind::Patch)
        );
        assert!((9_900..10_100).contains(&c.length_m), "{}", c.length_m);
        let patched = apply(&graph, &patches);
        assert_eq!(patched.components()[0], patched.components()[3]);
    }

    #[test]
    fn patches_that_cannot_apply_say_why() {
        let graph = near_miss();
        let options = PatchOptions::default();
        let far = [((45.0, 80.0), (46.0, 80.0))];
        assert!(matches!(
            patch(&graph, &far, options, None),
            Err((0, PatchError::NoNodeNear { end: 2, .. }))
        ));
        let same = [((45.0, 80.2), (45.0001, 80.2))];
        assert!(matches!(
            patch(&graph, &same, options, None),
            Err((0, PatchError::SameNode { .. }))
        ));
        let long = [((45.0, 80.2), (45.0, 80.0))];
        let short = PatchOptions {
            max_km: 10.0,
            ..options
        };
        assert!(matches!(
            patch(&graph, &long, short, None),
            Err((0, PatchError::TooLong { .. }))
        ));
        let sea =
            GeoGraph::new(vec![(44.0, 80.202), (46.0, 80.202)], &[(0, 1, 222_000)]).expect("valid");
        let lanes = WaterLanes::new(&sea);
        let across = [((45.0, 80.0), (45.0045, 80.2045))];
        assert!(matches!(
            patch(&graph, &across, options, Some(&lanes)),
            Err((0, PatchError::CrossesWater))
        ));
    }

    #[test]
    fn connectors_do_not_cross_shipping_lanes() {
        let graph = near_miss();
        // A lane running north–south between the dead end and the other line.
        let sea =
            GeoGraph::new(vec![(44.0, 80.202), (46.0, 80.202)], &[(0, 1, 222_000)]).expect("valid");
        let lanes = WaterLanes::new(&sea);
        assert!(lanes.crosses((45.0, 80.2), (45.0045, 80.2045)));
        assert!(heal(&graph, HealOptions::default(), Some(&lanes)).is_empty());
    }
}
