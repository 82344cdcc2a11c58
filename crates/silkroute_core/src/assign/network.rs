//! The network an assignment runs on: directed links with volume-delay functions over nodes
//! numbered `0..nodes`, the first `zones` of which are zones (origins and destinations).
//!
//! Nodes, links and zones have typed ids ([`AssignNodeId`], [`AssignLinkId`],
//! [`AssignZoneId`]); per-link and per-node vectors (flows, costs, distances) are indexed by
//! their [`index`](AssignLinkId::index).

use super::TntpNet;
use super::vdf::{LinkVdf, Vdf};
use std::fmt;

/// Dense index of a node of an [`AssignNetwork`], `0..node_count()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AssignNodeId(pub u32);

/// Dense index of a link of an [`AssignNetwork`], `0..link_count()` in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AssignLinkId(pub u32);

/// Dense index of a zone, `0..zone_count()`: a row and column of an
/// [`OdMatrix`](super::OdMatrix), and the node of the same number (zones are the first nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AssignZoneId(pub u32);

dense_id!(AssignNodeId, AssignLinkId, AssignZoneId);

impl AssignZoneId {
    /// The node of the zone.
    #[inline]
    pub fn node(self) -> AssignNodeId {
        AssignNodeId(self.0)
    }
}

impl fmt::Display for AssignNodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0)
    }
}

impl fmt::Display for AssignLinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link {}", self.0)
    }
}

impl fmt::Display for AssignZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "zone {}", self.0)
    }
}

/// Why an assignment network or problem cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssignError {
    /// A link refers to a node outside the network.
    #[error("{link}: {node} is outside 0..{nodes}")]
    NodeOutOfRange {
        /// The link.
        link: AssignLinkId,
        /// The node.
        node: AssignNodeId,
        /// The node count.
        nodes: u32,
    },
    /// A link's parameters are unusable.
    #[error("{link} ({} -> {}): {fault}", .from.0, .to.0)]
    BadLink {
        /// The link.
        link: AssignLinkId,
        /// Tail.
        from: AssignNodeId,
        /// Head.
        to: AssignNodeId,
        /// What is wrong.
        fault: LinkFault,
    },
    /// No demand class at all.
    #[error("class ``: an assignment needs at least one demand class")]
    NoClasses,
    /// A class is inconsistent with the network.
    #[error("class `{class}`: {fault}")]
    BadClass {
        /// The class name.
        class: String,
        /// What is wrong.
        fault: ClassFault,
    },
    /// The observer stopped the run.
    #[error("cancelled")]
    Cancelled,
    /// Demand between two zones that no path connects.
    #[error(
        "no path from {origin} to {destination} carries their demand of {demand} (class `{class}`)"
    )]
    Disconnected {
        /// The class.
        class: String,
        /// Origin zone.
        origin: AssignZoneId,
        /// Destination zone.
        destination: AssignZoneId,
        /// The demand that cannot be assigned.
        demand: f64,
    },
    /// More zones than nodes.
    #[error("{zones} zones but only {nodes} nodes")]
    TooManyZones {
        /// Zones.
        zones: u32,
        /// Nodes.
        nodes: u32,
    },
}

/// What is wrong with a link of an assignment network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkFault {
    /// Both ends are the same node.
    #[error("a link from a node to itself")]
    SelfLoop,
    /// A free-flow time that is not a finite number ≥ 0.
    #[error("free-flow time {0} is not a finite number ≥ 0")]
    BadFreeFlowTime(f64),
    /// BPR parameters that are not finite and ≥ 0.
    #[error("BPR alpha {alpha} and beta {beta} must be finite and ≥ 0")]
    BadBpr {
        /// `alpha`.
        alpha: f64,
        /// `beta`.
        beta: f64,
    },
    /// A conical alpha that is not > 1.
    #[error("conical alpha {0} must be > 1")]
    BadConical(f64),
    /// A capacity that is not > 0 on a congestible link.
    #[error("capacity {0} must be > 0 on a link whose time depends on its volume")]
    BadCapacity(f64),
}

/// What is wrong with a demand class of an assignment problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClassFault {
    /// Its matrix does not have the network's zones.
    #[error("its matrix has {matrix} zones, the network {network}")]
    ZoneCount {
        /// Zones of the matrix.
        matrix: usize,
        /// Zones of the network.
        network: usize,
    },
    /// A pce that is not > 0.
    #[error("pce {0} must be > 0")]
    BadPce(f64),
    /// A demand cell that is not a finite number ≥ 0.
    #[error("demand {0} is not a finite number ≥ 0")]
    BadDemand(f64),
    /// Fixed costs that are not one per link.
    #[error("{costs} fixed costs for {links} links")]
    FixedCostCount {
        /// Costs given.
        costs: usize,
        /// Links of the network.
        links: usize,
    },
    /// A fixed cost that is not a finite number ≥ 0.
    #[error("fixed cost {0} is not a finite number ≥ 0")]
    BadFixedCost(f64),
}

/// A directed network for assignment. Link ids follow input order; adjacency (forward and
/// backward) is in CSR form sorted by link id within a node, so every search visits links in
/// the same order whatever the thread count.
#[derive(Debug, Clone)]
pub struct AssignNetwork {
    nodes: u32,
    zones: u32,
    from: Vec<AssignNodeId>,
    to: Vec<AssignNodeId>,
    vdf: Vec<LinkVdf>,
    /// `true` where a shortest path may pass through the node (false for zones that are
    /// centroids only, TNTP's nodes below `<FIRST THRU NODE>`).
    through: Vec<bool>,
    out_start: Vec<u32>,
    out_links: Vec<AssignLinkId>,
    in_start: Vec<u32>,
    in_links: Vec<AssignLinkId>,
}

/// One link as given to [`AssignNetwork::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkSpec {
    /// Tail node.
    pub from: AssignNodeId,
    /// Head node.
    pub to: AssignNodeId,
    /// Its volume-delay function.
    pub vdf: LinkVdf,
}

impl AssignNetwork {
    /// Builds a network. Zones are nodes `0..zones`; nodes `0..no_through` may start and end
    /// paths but not be passed through (pass 0 to allow passing through every node).
    ///
    /// # Errors
    /// Nodes out of range, self-loops, negative or non-finite times, non-positive capacity on
    /// a congestible link, a conical α ≤ 1, more zones than nodes.
    ///
    /// # Panics
    /// With `u32::MAX` links or more: link ids are 32-bit (such a network would need over
    /// 100 GB of memory).
    pub fn new(
        nodes: u32,
        zones: u32,
        no_through: u32,
        links: &[LinkSpec],
    ) -> Result<AssignNetwork, AssignError> {
        if zones > nodes {
            return Err(AssignError::TooManyZones { zones, nodes });
        }
        assert!(
            links.len() < u32::MAX as usize,
            "an assignment network has fewer than 2^32 - 1 links"
        );
        let mut from = Vec::with_capacity(links.len());
        let mut to = Vec::with_capacity(links.len());
        let mut vdf = Vec::with_capacity(links.len());
        for (i, l) in links.iter().enumerate() {
            let link = AssignLinkId::from_index(i);
            for node in [l.from, l.to] {
                if node.0 >= nodes {
                    return Err(AssignError::NodeOutOfRange { link, node, nodes });
                }
            }
            let bad = |fault: LinkFault| AssignError::BadLink {
                link,
                from: l.from,
                to: l.to,
                fault,
            };
            if l.from == l.to {
                return Err(bad(LinkFault::SelfLoop));
            }
            let t0 = l.vdf.free_flow_time;
            if !t0.is_finite() || t0 < 0.0 {
                return Err(bad(LinkFault::BadFreeFlowTime(t0)));
            }
            let congestible = match l.vdf.vdf {
                Vdf::Bpr { alpha, beta } => {
                    if !(alpha.is_finite() && alpha >= 0.0 && beta.is_finite() && beta >= 0.0) {
                        return Err(bad(LinkFault::BadBpr { alpha, beta }));
                    }
                    alpha > 0.0
                }
                Vdf::Conical { alpha } => {
                    if !(alpha.is_finite() && alpha > 1.0) {
                        return Err(bad(LinkFault::BadConical(alpha)));
                    }
                    true
                }
            };
            let cap = l.vdf.capacity;
            if congestible && !(cap.is_finite() && cap > 0.0) {
                return Err(bad(LinkFault::BadCapacity(cap)));
            }
            from.push(l.from);
            to.push(l.to);
            vdf.push(l.vdf);
        }
        let through = (0..nodes).map(|n| n >= no_through.min(zones)).collect();
        let (out_start, out_links) = csr(nodes, &from);
        let (in_start, in_links) = csr(nodes, &to);
        Ok(AssignNetwork {
            nodes,
            zones,
            from,
            to,
            vdf,
            through,
            out_start,
            out_links,
            in_start,
            in_links,
        })
    }

    /// The same network without `link`: the links after it move down one id.
    ///
    /// # Errors
    /// As [`AssignNetwork::new`] (none for a network that was valid).
    pub fn without_link(&self, link: AssignLinkId) -> Result<AssignNetwork, AssignError> {
        let specs: Vec<LinkSpec> = (0..self.from.len())
            .filter(|&i| i != link.index())
            .map(|i| LinkSpec {
                from: self.from[i],
                to: self.to[i],
                vdf: self.vdf[i],
            })
            .collect();
        let mut network = AssignNetwork::new(self.nodes, self.zones, 0, &specs)?;
        network.through = self.through.clone();
        Ok(network)
    }

    /// The same network where paths may not pass through `nodes` either (they may still
    /// start or end there).
    pub fn without_through(
        mut self,
        nodes: impl IntoIterator<Item = AssignNodeId>,
    ) -> AssignNetwork {
        for node in nodes {
            if let Some(through) = self.through.get_mut(node.index()) {
                *through = false;
            }
        }
        self
    }

    /// Builds the network of a TNTP net file: node `k` of the file is node `k - 1`; nodes
    /// below `<FIRST THRU NODE>` are not passed through.
    ///
    /// # Errors
    /// As [`AssignNetwork::new`] (the TNTP reader already rejects most of these).
    pub fn from_tntp(net: &TntpNet) -> Result<AssignNetwork, AssignError> {
        let links: Vec<LinkSpec> = net
            .links
            .iter()
            .map(|l| LinkSpec {
                from: AssignNodeId(l.from - 1),
                to: AssignNodeId(l.to - 1),
                vdf: LinkVdf {
                    vdf: Vdf::Bpr {
                        alpha: l.b,
                        beta: l.power,
                    },
                    free_flow_time: l.free_flow_time,
                    capacity: l.capacity,
                },
            })
            .collect();
        let no_through = net.first_thru_node.saturating_sub(1);
        AssignNetwork::new(net.nodes, net.zones, no_through, &links)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes as usize
    }

    /// Number of zones (nodes `0..zones`).
    pub fn zone_count(&self) -> usize {
        self.zones as usize
    }

    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.from.len()
    }

    /// Every node, in order.
    pub fn node_ids(&self) -> impl Iterator<Item = AssignNodeId> + use<> {
        (0..self.nodes).map(AssignNodeId)
    }

    /// Every zone, in order.
    pub fn zone_ids(&self) -> impl Iterator<Item = AssignZoneId> + use<> {
        (0..self.zones).map(AssignZoneId)
    }

    /// Every link, in order.
    pub fn link_ids(&self) -> impl Iterator<Item = AssignLinkId> + use<> {
        // `new` keeps the link count below `u32::MAX`.
        (0..self.from.len() as u32).map(AssignLinkId)
    }

    /// The zone a node is, if it is one (zones are nodes `0..zone_count()`).
    #[inline]
    pub fn zone_of(&self, node: AssignNodeId) -> Option<AssignZoneId> {
        (node.0 < self.zones).then_some(AssignZoneId(node.0))
    }

    /// Tail of a link.
    #[inline]
    pub fn from(&self, link: AssignLinkId) -> AssignNodeId {
        self.from[link.index()]
    }

    /// Head of a link.
    #[inline]
    pub fn to(&self, link: AssignLinkId) -> AssignNodeId {
        self.to[link.index()]
    }

    /// The links' volume-delay functions, indexed by [`AssignLinkId::index`].
    pub fn vdfs(&self) -> &[LinkVdf] {
        &self.vdf
    }

    /// The tail of every link, indexed by [`AssignLinkId::index`] (for loops over all links
    /// that index several per-link vectors).
    pub fn tails(&self) -> &[AssignNodeId] {
        &self.from
    }

    /// The head of every link, indexed by [`AssignLinkId::index`].
    pub fn heads(&self) -> &[AssignNodeId] {
        &self.to
    }

    /// Whether paths may pass through `node`.
    #[inline]
    pub fn is_through(&self, node: AssignNodeId) -> bool {
        self.through[node.index()]
    }

    /// Links leaving `node`, by increasing id.
    #[inline]
    pub fn out_links(&self, node: AssignNodeId) -> &[AssignLinkId] {
        let n = node.index();
        &self.out_links[self.out_start[n] as usize..self.out_start[n + 1] as usize]
    }

    /// Links entering `node`, by increasing id.
    #[inline]
    pub fn in_links(&self, node: AssignNodeId) -> &[AssignLinkId] {
        let n = node.index();
        &self.in_links[self.in_start[n] as usize..self.in_start[n + 1] as usize]
    }
}

/// Compressed adjacency of links grouped by `key[link]`, ids increasing within a group.
fn csr(nodes: u32, key: &[AssignNodeId]) -> (Vec<u32>, Vec<AssignLinkId>) {
    let mut start = vec![0u32; nodes as usize + 1];
    for &k in key {
        start[k.index() + 1] += 1;
    }
    for i in 0..nodes as usize {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut links = vec![AssignLinkId(0); key.len()];
    for (link, &k) in key.iter().enumerate() {
        links[fill[k.index()] as usize] = AssignLinkId::from_index(link);
        fill[k.index()] += 1;
    }
    (start, links)
}
