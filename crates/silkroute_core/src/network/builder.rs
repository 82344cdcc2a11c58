//! Building a [`Network`] from in-memory values, with the checks that relate values to one
//! another (endpoints exist, gauges agree, factors exist). Field-level checks of file contents
//! (numbers, enums, sources) happen in `io`, which knows file names and line numbers and maps a
//! [`BuildError`] back to the line it came from.

use super::{
    Arc, ArcId, Corridor, CorridorId, DatasetInfo, Direction, EmissionFactor, FreightData,
    Handling, HandlingId, Link, LinkId, LinkShape, Mode, Network, Node, NodeId, Source,
    place::PlaceIndex,
};
use std::collections::HashMap;

/// Why a set of values does not form a network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// Two nodes share an external id.
    #[error("duplicate node id `{key}`")]
    DuplicateNode {
        /// The repeated id.
        key: String,
    },
    /// Two links share an external id.
    #[error("duplicate link id `{key}`")]
    DuplicateLink {
        /// The repeated id.
        key: String,
    },
    /// A link starts and ends at the same node.
    #[error("link `{key}` starts and ends at the same node")]
    SelfLoop {
        /// The link.
        key: String,
    },
    /// A link or handling row refers to a node index that does not exist.
    #[error("node index {index} does not exist")]
    NodeOutOfRange {
        /// The index.
        index: u32,
    },
    /// A rail link has no gauge, or a non-rail link has one.
    #[error("link `{key}`: {reason}")]
    GaugeRequired {
        /// The link.
        key: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A rail link's gauge is not present at one of its ends.
    #[error("link `{key}` has gauge {gauge_mm} mm but node `{node}` has gauges {node_gauges}")]
    GaugeMismatch {
        /// The link.
        key: String,
        /// Its gauge.
        gauge_mm: u16,
        /// The end node lacking it.
        node: String,
        /// The gauges that node has.
        node_gauges: String,
    },
    /// No emission factor for a link's mode and energy.
    #[error("link `{key}`: no emission factor for mode {mode} and energy {energy}")]
    MissingEmissionFactor {
        /// The link.
        key: String,
        /// Its mode.
        mode: &'static str,
        /// Its energy.
        energy: &'static str,
    },
    /// A link names a corridor index that does not exist.
    #[error("link `{key}` refers to corridor index {index} which does not exist")]
    CorridorOutOfRange {
        /// The link.
        key: String,
        /// The index.
        index: u32,
    },
    /// Two place names (names or aliases of different nodes) collide after normalization.
    #[error("place name `{name}` of node `{second}` is already a name of node `{first}`")]
    AmbiguousPlaceName {
        /// The colliding text.
        name: String,
        /// Node that has it first.
        first: String,
        /// Node that has it too.
        second: String,
    },
    /// Freight data (zones, classes, demand) that does not fit the network.
    #[error("freight data: {reason}")]
    Freight {
        /// What is wrong.
        reason: String,
    },
}

/// Collects nodes, links and the rest, then freezes them into a [`Network`].
#[derive(Debug, Clone)]
pub struct NetworkBuilder {
    info: DatasetInfo,
    nodes: Vec<Node>,
    links: Vec<Link>,
    handlings: Vec<Handling>,
    emission_factors: Vec<EmissionFactor>,
    corridors: Vec<Corridor>,
    sources: Vec<Source>,
    node_keys: HashMap<String, NodeId>,
    link_keys: HashMap<String, LinkId>,
    link_shapes: HashMap<LinkId, LinkShape>,
    freight: FreightData,
}

impl NetworkBuilder {
    /// Starts an empty network with these settings.
    pub fn new(info: DatasetInfo) -> NetworkBuilder {
        NetworkBuilder {
            info,
            nodes: Vec::new(),
            links: Vec::new(),
            handlings: Vec::new(),
            emission_factors: Vec::new(),
            corridors: Vec::new(),
            sources: Vec::new(),
            node_keys: HashMap::new(),
            link_keys: HashMap::new(),
            link_shapes: HashMap::new(),
            freight: FreightData::default(),
        }
    }

    /// Looks up a link added earlier.
    pub fn link_id(&self, key: &str) -> Option<LinkId> {
        self.link_keys.get(key).copied()
    }

    /// Gives a link added earlier its drawn line (replacing any earlier one).
    pub fn set_link_shape(&mut self, link: LinkId, shape: LinkShape) {
        self.link_shapes.insert(link, shape);
    }

    /// Sets the freight data (zones, classes, demand), replacing any earlier one.
    ///
    /// # Errors
    /// [`BuildError::Freight`] when it refers to nodes that were not added, a place belongs
    /// to two zones, or a number or id is invalid (see [`FreightData::check`]).
    pub fn set_freight(&mut self, freight: FreightData) -> Result<(), BuildError> {
        freight
            .check(self.nodes.len())
            .map_err(|reason| BuildError::Freight { reason })?;
        self.freight = freight;
        Ok(())
    }

    /// Settings, for the loader to fill in source ids after the sources are known.
    pub fn info_mut(&mut self) -> &mut DatasetInfo {
        &mut self.info
    }

    /// Adds a source.
    pub fn add_source(&mut self, source: Source) -> super::SourceId {
        self.sources.push(source);
        super::SourceId(self.sources.len() as u32 - 1)
    }

    /// Adds a corridor.
    pub fn add_corridor(&mut self, corridor: Corridor) -> CorridorId {
        self.corridors.push(corridor);
        CorridorId(self.corridors.len() as u32 - 1)
    }

    /// Adds an emission factor.
    pub fn add_emission_factor(&mut self, factor: EmissionFactor) {
        self.emission_factors.push(factor);
    }

    /// Looks up a node added earlier.
    pub fn node_id(&self, key: &str) -> Option<NodeId> {
        self.node_keys.get(key).copied()
    }

    /// The node added with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// Adds a node; its key must be new.
    pub fn add_node(&mut self, node: Node) -> Result<NodeId, BuildError> {
        if self.node_keys.contains_key(&node.key) {
            return Err(BuildError::DuplicateNode { key: node.key });
        }
        let id = NodeId(self.nodes.len() as u32);
        self.node_keys.insert(node.key.clone(), id);
        self.nodes.push(node);
        Ok(id)
    }

    /// Adds a link between nodes added earlier.
    pub fn add_link(&mut self, link: Link) -> Result<LinkId, BuildError> {
        if self.link_keys.contains_key(&link.key) {
            return Err(BuildError::DuplicateLink { key: link.key });
        }
        for end in [link.from, link.to] {
            if end.0 as usize >= self.nodes.len() {
                return Err(BuildError::NodeOutOfRange { index: end.0 });
            }
        }
        if link.from == link.to {
            return Err(BuildError::SelfLoop { key: link.key });
        }
        match (link.mode, link.gauge_mm) {
            (Mode::Rail, None) => {
                return Err(BuildError::GaugeRequired {
                    key: link.key,
                    reason: "a rail link needs a gauge",
                });
            }
            (Mode::Rail, Some(gauge_mm)) => {
                for end in [link.from, link.to] {
                    let node = &self.nodes[end.0 as usize];
                    if !node.gauges_mm.contains(&gauge_mm) {
                        return Err(BuildError::GaugeMismatch {
                            key: link.key,
                            gauge_mm,
                            node: node.key.clone(),
                            node_gauges: gauge_list(&node.gauges_mm),
                        });
                    }
                }
            }
            (_, Some(_)) => {
                return Err(BuildError::GaugeRequired {
                    key: link.key,
                    reason: "only rail links have a gauge",
                });
            }
            (_, None) => {}
        }
        if let Some(corridor) = link
            .corridors
            .iter()
            .find(|c| c.0 as usize >= self.corridors.len())
        {
            return Err(BuildError::CorridorOutOfRange {
                key: link.key,
                index: corridor.0,
            });
        }
        let id = LinkId(self.links.len() as u32);
        self.link_keys.insert(link.key.clone(), id);
        self.links.push(link);
        Ok(id)
    }

    /// Adds a handling row at a node added earlier.
    pub fn add_handling(&mut self, handling: Handling) -> Result<HandlingId, BuildError> {
        if handling.node.0 as usize >= self.nodes.len() {
            return Err(BuildError::NodeOutOfRange {
                index: handling.node.0,
            });
        }
        self.handlings.push(handling);
        Ok(HandlingId(self.handlings.len() as u32 - 1))
    }

    /// Freezes the network: checks emission factors and place names, builds adjacency.
    pub fn build(self) -> Result<Network, BuildError> {
        let mut link_factor = Vec::with_capacity(self.links.len());
        for link in &self.links {
            let factor = self
                .emission_factors
                .iter()
                .position(|f| f.mode == link.mode && f.energy == link.energy)
                .ok_or_else(|| BuildError::MissingEmissionFactor {
                    key: link.key.clone(),
                    mode: link.mode.as_str(),
                    energy: link.energy.as_str(),
                })?;
            link_factor.push(factor);
        }
        let place_index = PlaceIndex::new(&self.nodes)?;

        // Arcs in link order, forward before backward, so that arc ids and adjacency order
        // (and with them every tie-break in the router) follow the order of the input.
        let mut arcs = Vec::with_capacity(self.links.len() * 2);
        for (index, link) in self.links.iter().enumerate() {
            let id = LinkId(index as u32);
            arcs.push(Arc {
                link: id,
                tail: link.from,
                head: link.to,
                forward: true,
            });
            if link.direction == Direction::Both {
                arcs.push(Arc {
                    link: id,
                    tail: link.to,
                    head: link.from,
                    forward: false,
                });
            }
        }
        let mut out_start = vec![0u32; self.nodes.len() + 1];
        for arc in &arcs {
            out_start[arc.tail.0 as usize + 1] += 1;
        }
        for index in 1..out_start.len() {
            out_start[index] += out_start[index - 1];
        }
        let mut fill = out_start.clone();
        let mut out_arcs = vec![ArcId(0); arcs.len()];
        for (index, arc) in arcs.iter().enumerate() {
            let slot = &mut fill[arc.tail.0 as usize];
            out_arcs[*slot as usize] = ArcId(index as u32);
            *slot += 1;
        }
        let mut link_shapes = vec![None; self.links.len()];
        for (link, shape) in self.link_shapes {
            link_shapes[link.0 as usize] = Some(shape);
        }
        let mut node_handlings = vec![Vec::new(); self.nodes.len()];
        for (index, handling) in self.handlings.iter().enumerate() {
            node_handlings[handling.node.0 as usize].push(HandlingId(index as u32));
        }
        Ok(Network {
            info: self.info,
            nodes: self.nodes,
            links: self.links,
            handlings: self.handlings,
            emission_factors: self.emission_factors,
            corridors: self.corridors,
            sources: self.sources,
            arcs,
            out_start,
            out_arcs,
            link_factor,
            node_handlings,
            link_shapes,
            place_index,
            freight: self.freight,
        })
    }
}

/// Gauges as `1435|1520`, or `none`.
pub(crate) fn gauge_list(gauges: &[u16]) -> String {
    if gauges.is_empty() {
        "none".to_string()
    } else {
        gauges
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join("|")
    }
}
