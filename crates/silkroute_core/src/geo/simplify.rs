//! Shrinking a geographic network for shipping in the binary: drop nodes outside a box and
//! small fragments, and thin out chains of degree-2 nodes with Douglas–Peucker. Distances stay
//! exact — a kept edge's length is the sum of the lengths it replaces — only the drawn shape is
//! approximated, within the tolerance.

use super::{GeoGraph, GeoNodeId, Metres, PassageClass, Passages};

/// What [`simplify`] keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimplifyOptions {
    /// Keep nodes with `min_lat ≤ lat ≤ max_lat` and `min_lon ≤ lon ≤ max_lon`.
    pub bbox: [f64; 4],
    /// Largest distance, km, between a dropped node and the simplified line.
    pub tolerance_km: f64,
    /// Drop connected components with fewer nodes than this.
    pub min_component_nodes: usize,
}

/// Returns the simplified graph and, for each of its nodes (indexed by
/// [`GeoNodeId::index`]), the node of `graph` it was.
pub fn simplify(graph: &GeoGraph, options: SimplifyOptions) -> (GeoGraph, Vec<GeoNodeId>) {
    let (simplified, old_of_new, _) = simplify_with_passages(graph, &Passages::none(), options);
    (simplified, old_of_new)
}

/// A kept edge of the simplified graph: ends (old ids), length and class.
type KeptEdge = (GeoNodeId, GeoNodeId, Metres, PassageClass);

/// [`simplify`] for a network whose edges have passage classes: a node where the class
/// changes is kept, so every simplified edge stands for edges of one class, and the classes
/// (with the same names) are returned for the simplified graph.
pub fn simplify_with_passages(
    graph: &GeoGraph,
    passages: &Passages,
    options: SimplifyOptions,
) -> (GeoGraph, Vec<GeoNodeId>, Passages) {
    let class_of = |a: GeoNodeId, b: GeoNodeId| {
        graph
            .arc_between(a, b)
            .map_or(PassageClass::NONE, |arc| passages.class(arc))
    };
    let [min_lat, min_lon, max_lat, max_lon] = options.bbox;
    let n = graph.node_count();
    let inside: Vec<bool> = graph
        .node_ids()
        .map(|v| {
            let (lat, lon) = graph.coord(v);
            (min_lat..=max_lat).contains(&lat) && (min_lon..=max_lon).contains(&lon)
        })
        .collect();
    // The graph restricted to the box.
    let boxed_edges: Vec<(u32, u32, Metres)> = graph
        .node_ids()
        .flat_map(|v| graph.neighbors(v).map(move |(w, len)| (v, w, len)))
        .filter(|&(v, w, _)| v < w && inside[v.index()] && inside[w.index()])
        .map(|(v, w, len)| (v.0, w.0, len))
        .collect();
    let boxed = GeoGraph::new(
        graph.node_ids().map(|v| graph.coord(v)).collect(),
        &boxed_edges,
    )
    .expect("a subgraph of a valid graph is valid");
    let components = boxed.components();
    let mut sizes = vec![0usize; n];
    for &c in &components {
        sizes[c as usize] += 1;
    }
    let alive = |v: GeoNodeId| {
        boxed.degree(v) > 0 && sizes[components[v.index()] as usize] >= options.min_component_nodes
    };
    // A node is kept when it is not a plain chain node (degree 2, one class on both sides).
    let mut keep: Vec<bool> = graph
        .node_ids()
        .map(|v| {
            let mut classes = boxed.neighbors(v).map(|(w, _)| class_of(v, w));
            let plain = boxed.degree(v) == 2 && classes.next() == classes.next();
            alive(v) && !plain
        })
        .collect();
    let mut edges: Vec<KeptEdge> = Vec::new();
    let mut visited_edge = std::collections::HashSet::new();
    // Walk every chain from a kept node; pure cycles of degree-2 nodes are handled after.
    let walk =
        |start: GeoNodeId,
         keep: &mut Vec<bool>,
         edges: &mut Vec<KeptEdge>,
         visited_edge: &mut std::collections::HashSet<(GeoNodeId, GeoNodeId)>| {
            for (first, first_len) in boxed.neighbors(start).collect::<Vec<_>>() {
                if !visited_edge.insert((start.min(first), start.max(first))) {
                    continue;
                }
                // Chain nodes have one class on both sides: the whole chain has the first's.
                let class = class_of(start, first);
                let mut chain = vec![start];
                let mut lengths = vec![first_len];
                let (mut previous, mut current) = (start, first);
                while !keep[current.index()] && current != start {
                    chain.push(current);
                    let (next, len) = boxed
                        .neighbors(current)
                        .find(|&(w, _)| w != previous)
                        .unwrap_or((previous, 0));
                    visited_edge.insert((current.min(next), current.max(next)));
                    lengths.push(len);
                    previous = current;
                    current = next;
                }
                chain.push(current);
                // Douglas–Peucker over the chain's points; ends are always kept.
                let mut selected = vec![false; chain.len()];
                selected[0] = true;
                *selected.last_mut().expect("a chain has two ends") = true;
                douglas_peucker(
                    &boxed,
                    &chain,
                    0,
                    chain.len() - 1,
                    options.tolerance_km,
                    &mut selected,
                );
                let mut from = 0;
                let mut length: u64 = 0;
                for index in 1..chain.len() {
                    length += u64::from(lengths[index - 1]);
                    if selected[index] {
                        keep[chain[index].index()] = true;
                        let clamped = length.min(u64::from(Metres::MAX)) as Metres;
                        if chain[from] != chain[index] {
                            edges.push((chain[from], chain[index], clamped, class));
                        }
                        from = index;
                        length = 0;
                    }
                }
            }
        };
    for v in graph.node_ids() {
        if keep[v.index()] {
            walk(v, &mut keep, &mut edges, &mut visited_edge);
        }
    }
    for v in graph.node_ids() {
        // A cycle made only of degree-2 nodes: keep one node and walk from it.
        if alive(v) && !keep[v.index()] && boxed.neighbors(v).all(|(w, _)| !keep[w.index()]) {
            let untouched = boxed
                .neighbors(v)
                .all(|(w, _)| !visited_edge.contains(&(v.min(w), v.max(w))));
            if untouched {
                keep[v.index()] = true;
                walk(v, &mut keep, &mut edges, &mut visited_edge);
            }
        }
    }
    let mut new_id = vec![u32::MAX; n];
    let mut old_of_new = Vec::new();
    let mut coords = Vec::new();
    for v in graph.node_ids() {
        if keep[v.index()] {
            new_id[v.index()] = old_of_new.len() as u32;
            old_of_new.push(v);
            coords.push(boxed.coord(v));
        }
    }
    let edges: Vec<(u32, u32, Metres, u8)> = edges
        .into_iter()
        .map(|(a, b, len, class)| (new_id[a.index()], new_id[b.index()], len, class.0))
        .collect();
    let plain: Vec<(u32, u32, Metres)> = edges.iter().map(|e| (e.0, e.1, e.2)).collect();
    let simplified =
        GeoGraph::new(coords, &plain).expect("kept nodes and their chains form a graph");
    let classes = Passages::new(&simplified, passages.names().to_vec(), &edges)
        .expect("the classes of a valid table on edges of the simplified graph");
    (simplified, old_of_new, classes)
}

/// Marks the points of `chain[first..=last]` that Douglas–Peucker keeps.
fn douglas_peucker(
    graph: &GeoGraph,
    chain: &[GeoNodeId],
    first: usize,
    last: usize,
    tolerance_km: f64,
    selected: &mut [bool],
) {
    let points: Vec<(f64, f64)> = chain[first..=last]
        .iter()
        .map(|&n| graph.coord(n))
        .collect();
    mark_douglas_peucker(&points, tolerance_km, &mut selected[first..=last]);
}

/// Sets `selected[i]` for every point Douglas–Peucker keeps between the two ends (the ends'
/// own flags are left as they are).
fn mark_douglas_peucker(points: &[(f64, f64)], tolerance_km: f64, selected: &mut [bool]) {
    if points.len() < 3 {
        return;
    }
    let mut stack = vec![(0, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let mut worst = (0.0, a);
        for (index, &point) in points.iter().enumerate().take(b).skip(a + 1) {
            let d = distance_to_segment_km(point, points[a], points[b]);
            if d > worst.0 {
                worst = (d, index);
            }
        }
        if worst.0 > tolerance_km {
            selected[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
}

/// Distance from a point to a segment, km, in a local equirectangular projection (fine for the
/// short segments of a rail chain).
fn distance_to_segment_km(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = 111.195;
    let cos = a.0.to_radians().cos();
    let xy = |q: (f64, f64)| ((q.1 - a.1) * k * cos, (q.0 - a.0) * k);
    let (px, py) = xy(p);
    let (bx, by) = xy(b);
    let length_2 = bx * bx + by * by;
    let t = if length_2 > 0.0 {
        ((px * bx + py * by) / length_2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((px - t * bx).powi(2) + (py - t * by).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::BidirectionalDijkstra;

    fn everything(tolerance_km: f64, min_component_nodes: usize) -> SimplifyOptions {
        SimplifyOptions {
            bbox: [-90.0, -180.0, 90.0, 180.0],
            tolerance_km,
            min_component_nodes,
        }
    }

    #[test]
    fn straight_chains_collapse_and_distances_stay_exact() {
        // A straight line of 11 nodes 1 km apart, a junction at node 5 with a branch.
        let mut coords: Vec<(f64, f64)> = (0..11)
            .map(|i| (45.0, 80.0 + 0.0127 * f64::from(i)))
            .collect();
        coords.push((45.05, 80.0635));
        let mut edges: Vec<(u32, u32, Metres)> = (0..10).map(|i| (i, i + 1, 1000)).collect();
        edges.push((5, 11, 5600));
        let graph = GeoGraph::new(coords, &edges).expect("valid");
        let (small, old) = simplify(&graph, everything(0.5, 1));
        let node = GeoNodeId;
        assert_eq!(
            old,
            [node(0), node(5), node(10), node(11)],
            "ends and the junction remain"
        );
        let mut search = BidirectionalDijkstra::new(&small);
        assert_eq!(search.distance(&small, node(0), node(2)), Some(10_000));
        assert_eq!(search.distance(&small, node(0), node(3)), Some(10_600));
    }

    #[test]
    fn bends_beyond_the_tolerance_are_kept() {
        // An L: 0 → 1 → 2 east, then 3 → 4 north; the corner (2) must stay.
        let coords = vec![
            (45.0, 80.0),
            (45.0, 80.05),
            (45.0, 80.1),
            (45.05, 80.1),
            (45.1, 80.1),
        ];
        let edges = vec![(0, 1, 4000), (1, 2, 4000), (2, 3, 5600), (3, 4, 5600)];
        let graph = GeoGraph::new(coords, &edges).expect("valid");
        let (_, old) = simplify(&graph, everything(0.5, 1));
        assert_eq!(old, [GeoNodeId(0), GeoNodeId(2), GeoNodeId(4)]);
    }

    #[test]
    fn small_fragments_cycles_and_the_box_are_handled() {
        let coords = vec![
            (45.0, 80.0),
            (45.0, 80.1),
            (45.0, 80.2), // component of 3
            (10.0, 10.0),
            (10.0, 10.1), // fragment of 2
            (46.0, 81.0),
            (46.0, 81.1),
            (46.1, 81.05), // a triangle: a cycle of degree-2 nodes
            (60.0, 80.0),  // outside the box, joined to node 2
        ];
        let edges = vec![
            (0, 1, 8),
            (1, 2, 8),
            (3, 4, 8),
            (5, 6, 8),
            (6, 7, 8),
            (7, 5, 8),
            (2, 8, 8),
        ];
        let graph = GeoGraph::new(coords, &edges).expect("valid");
        let options = SimplifyOptions {
            bbox: [40.0, 70.0, 50.0, 90.0],
            tolerance_km: 100.0,
            min_component_nodes: 3,
        };
        let (small, old) = simplify(&graph, options);
        let old: Vec<u32> = old.iter().map(|v| v.0).collect();
        assert!(
            !old.contains(&3) && !old.contains(&4) && !old.contains(&8),
            "{old:?}"
        );
        assert!(old.contains(&0) && old.contains(&2));
        // The triangle keeps a node and its loop length.
        let kept_triangle: Vec<u32> = old.iter().copied().filter(|v| (5..8).contains(v)).collect();
        assert!(!kept_triangle.is_empty(), "{old:?}");
        assert!(small.edge_count() >= 1);
    }
}

/// Thins a line of `(lat, lon)` points with Douglas–Peucker, keeping both ends and every point
/// further than `tolerance_km` from the simplified line.
pub fn simplify_line(points: &[(f64, f64)], tolerance_km: f64) -> Vec<(f64, f64)> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let mut selected = vec![false; points.len()];
    selected[0] = true;
    selected[points.len() - 1] = true;
    mark_douglas_peucker(points, tolerance_km, &mut selected);
    points
        .iter()
        .zip(&selected)
        .filter(|(_, keep)| **keep)
        .map(|(point, _)| *point)
        .collect()
}

#[cfg(test)]
mod passage_tests {
    use super::*;

    #[test]
    fn chains_break_where_the_passage_class_changes() {
        // A straight line 0..=6; edges 2–3 and 3–4 are a canal.
        let coords: Vec<(f64, f64)> = (0..7).map(|i| (30.0, 32.0 + 0.01 * f64::from(i))).collect();
        let edges: Vec<(u32, u32, Metres)> = (0..6).map(|i| (i, i + 1, 1000)).collect();
        let graph = GeoGraph::new(coords, &edges).expect("valid");
        let passages = Passages::new(
            &graph,
            vec!["canal".into()],
            &[(2, 3, 1000, 1), (3, 4, 1000, 1)],
        )
        .expect("valid");
        let options = SimplifyOptions {
            bbox: [-90.0, -180.0, 90.0, 180.0],
            tolerance_km: 1.0,
            min_component_nodes: 1,
        };
        let (small, old, classes) = simplify_with_passages(&graph, &passages, options);
        let node = GeoNodeId;
        assert_eq!(
            old,
            [node(0), node(2), node(4), node(6)],
            "the canal's ends stay, its middle goes"
        );
        assert_eq!(small.edge_length(node(1), node(2)), Some(2000));
        assert_eq!(
            classes.tagged_edges(&small),
            [(node(1), node(2), PassageClass(1))]
        );
        assert_eq!(classes.names(), ["canal"]);
    }
}

#[cfg(test)]
mod line_tests {
    use super::simplify_line;

    #[test]
    fn keeps_ends_and_corners() {
        let line = [
            (45.0, 80.0),
            (45.0, 80.05),
            (45.0, 80.1),
            (45.05, 80.1),
            (45.1, 80.1),
        ];
        assert_eq!(
            simplify_line(&line, 0.5),
            vec![(45.0, 80.0), (45.0, 80.1), (45.1, 80.1)]
        );
        assert_eq!(simplify_line(&line[..2], 0.5), line[..2].to_vec());
    }
}
