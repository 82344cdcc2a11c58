//! Building a [`Network`] from in-memory values, with the checks that relate values to one
//! another (endpoints exist, gauges agree, factors exist, place names are unambiguous, nodes
//! and sources still used are not removed). Field-level checks of file contents (numbers,
//! enums, sources) happen in the folder loader, which knows file names and line numbers and
//! maps a [`BuildError`] back to the line it came from; scenario edits make the same checks
//! and name the edit instead.
//!
//! A builder can also start from a finished network ([`NetworkBuilder::from_network`]) and
//! replace, insert or remove nodes, links, handling rows and sources before building a new
//! one. Ids are dense and follow the order of the values, so inserting or removing one
//! renumbers the ones after it, everywhere they are used.

use super::{
    Arc, ArcId, Calibration, Corridor, CorridorId, DatasetInfo, Direction, EmissionFactor,
    FreightData, Handling, HandlingId, Link, LinkId, LinkShape, Mode, Network, Node, NodeId,
    Prices, ServiceData, Source, SourceId,
    place::{PlaceIndex, names_node},
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
    #[error("freight data: {0}")]
    Freight(super::FreightDataError),
    /// Rail service classes that do not fit the network.
    #[error("service classes: {0}")]
    Services(String),
    /// Two sources share an id.
    #[error("duplicate source id `{key}`")]
    DuplicateSource {
        /// The repeated id.
        key: String,
    },
    /// A node to remove is still used by links, handling rows, zones or the dataset's
    /// default places (remove those first).
    #[error("node `{key}` is still used by {users}")]
    NodeInUse {
        /// The node.
        key: String,
        /// What uses it: `link `almaty_dostyk`, handling row `dostyk:border`, ...`.
        users: String,
    },
    /// A source to remove is still cited by some value.
    #[error("source `{key}` is still cited by {users}")]
    SourceInUse {
        /// The source.
        key: String,
        /// What cites it: `link `almaty_dostyk` (tariff), ...`.
        users: String,
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
    /// Drawn line of each link, by link index.
    link_shapes: Vec<Option<LinkShape>>,
    freight: FreightData,
    services: ServiceData,
    calibration: Calibration,
    prices: Prices,
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
            link_shapes: Vec::new(),
            freight: FreightData::default(),
            services: ServiceData::default(),
            calibration: Calibration::default(),
            prices: Prices::default(),
        }
    }

    /// Starts from a finished network: `NetworkBuilder::from_network(&n).build()` gives a
    /// network equal to `n` (same values, ids, arcs, adjacency, shapes and freight data).
    pub fn from_network(network: &Network) -> NetworkBuilder {
        let mut builder = NetworkBuilder {
            info: network.info.clone(),
            nodes: network.nodes.clone(),
            links: network.links.clone(),
            handlings: network.handlings.clone(),
            emission_factors: network.emission_factors.clone(),
            corridors: network.corridors.clone(),
            sources: network.sources.clone(),
            node_keys: HashMap::new(),
            link_keys: HashMap::new(),
            link_shapes: network.link_shapes.clone(),
            freight: network.freight.clone(),
            services: network.services.clone(),
            calibration: network.calibration.clone(),
            prices: network.prices.clone(),
        };
        builder.index_keys();
        builder
    }

    /// Rebuilds the key maps after ids moved.
    fn index_keys(&mut self) {
        self.node_keys = (self.nodes.iter().enumerate())
            .map(|(index, node)| (node.key.clone(), NodeId::from_index(index)))
            .collect();
        self.link_keys = (self.links.iter().enumerate())
            .map(|(index, link)| (link.key.clone(), LinkId::from_index(index)))
            .collect();
    }

    /// Dataset-wide settings.
    pub fn info(&self) -> &DatasetInfo {
        &self.info
    }

    /// The nodes so far; `NodeId(i)` is `nodes()[i]`.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The links so far; `LinkId(i)` is `links()[i]`.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The handling rows so far; `HandlingId(i)` is `handlings()[i]`.
    pub fn handlings(&self) -> &[Handling] {
        &self.handlings
    }

    /// The sources so far; `SourceId(i)` is `sources()[i]`.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The corridors so far; `CorridorId(i)` is `corridors()[i]`.
    pub fn corridors(&self) -> &[Corridor] {
        &self.corridors
    }

    /// The emission factors so far.
    pub fn emission_factors(&self) -> &[EmissionFactor] {
        &self.emission_factors
    }

    /// The freight data.
    pub fn freight(&self) -> &FreightData {
        &self.freight
    }

    /// The drawn line of a link added earlier, if it has one.
    pub fn link_shape(&self, link: LinkId) -> Option<&LinkShape> {
        self.link_shapes[link.index()].as_ref()
    }

    /// The link added with this id.
    pub fn link(&self, id: LinkId) -> &Link {
        &self.links[id.index()]
    }

    /// The handling row added with this id.
    pub fn handling(&self, id: HandlingId) -> &Handling {
        &self.handlings[id.index()]
    }

    /// Looks up a source added earlier.
    pub fn source_id(&self, key: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .position(|source| source.key == key)
            .map(SourceId::from_index)
    }

    /// Looks up a corridor added earlier.
    pub fn corridor_id(&self, key: &str) -> Option<CorridorId> {
        self.corridors
            .iter()
            .position(|corridor| corridor.key == key)
            .map(CorridorId::from_index)
    }

    /// Looks up a link added earlier.
    pub fn link_id(&self, key: &str) -> Option<LinkId> {
        self.link_keys.get(key).copied()
    }

    /// Gives a link added earlier its drawn line (replacing any earlier one).
    ///
    /// # Panics
    /// If no link has this id.
    pub fn set_link_shape(&mut self, link: LinkId, shape: LinkShape) {
        self.link_shapes[link.index()] = Some(shape);
    }

    /// Sets the freight data (zones, classes, demand), replacing any earlier one.
    ///
    /// # Errors
    /// [`BuildError::Freight`] when it refers to nodes that were not added, a place belongs
    /// to two zones, or a number or id is invalid (see [`FreightData::check`]).
    pub fn set_freight(&mut self, freight: FreightData) -> Result<(), BuildError> {
        freight
            .check(self.nodes.len())
            .map_err(BuildError::Freight)?;
        self.freight = freight;
        Ok(())
    }

    /// The rail service classes.
    pub fn services(&self) -> &ServiceData {
        &self.services
    }

    /// Sets the rail service classes, replacing any earlier ones.
    ///
    /// # Errors
    /// [`BuildError::Services`] when a dwell row names a node that was not added, or the
    /// default class does not exist.
    pub fn set_services(&mut self, services: ServiceData) -> Result<(), BuildError> {
        check_services(&services, self.nodes.len())?;
        self.services = services;
        Ok(())
    }

    /// Sets the price regimes, replacing any earlier ones.
    pub fn set_prices(&mut self, prices: Prices) {
        self.prices = prices;
    }

    /// Sets the calibrated factors, replacing any earlier ones.
    pub fn set_calibration(&mut self, calibration: Calibration) {
        self.calibration = calibration;
    }

    /// Settings, for the loader to fill in source ids after the sources are known.
    pub fn info_mut(&mut self) -> &mut DatasetInfo {
        &mut self.info
    }

    /// Adds a source.
    pub fn add_source(&mut self, source: Source) -> SourceId {
        self.sources.push(source);
        SourceId(self.sources.len() as u32 - 1)
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
        &self.nodes[id.index()]
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
    ///
    /// # Errors
    /// A duplicate key, an end that does not exist, a self loop, a gauge missing or not
    /// present at an end, or a corridor that does not exist.
    pub fn add_link(&mut self, link: Link) -> Result<LinkId, BuildError> {
        self.insert_link(LinkId(self.links.len() as u32), link, None)
    }

    /// Inserts a link (with its drawn line, if any) so that it gets the id `at`; the links
    /// from `at` on move up by one. `at` = the number of links appends it.
    ///
    /// # Errors
    /// As [`NetworkBuilder::add_link`].
    ///
    /// # Panics
    /// If `at` is beyond the number of links.
    pub fn insert_link(
        &mut self,
        at: LinkId,
        link: Link,
        shape: Option<LinkShape>,
    ) -> Result<LinkId, BuildError> {
        assert!(at.index() <= self.links.len(), "link index out of range");
        if self.link_keys.contains_key(&link.key) {
            return Err(BuildError::DuplicateLink { key: link.key });
        }
        self.check_link(&link)?;
        let index = at.index();
        if index == self.links.len() {
            self.link_keys.insert(link.key.clone(), at);
            self.links.push(link);
            self.link_shapes.push(shape);
        } else {
            self.links.insert(index, link);
            self.link_shapes.insert(index, shape);
            self.index_keys();
        }
        Ok(at)
    }

    /// Replaces the link with id `id` and returns the old one; its drawn line stays.
    ///
    /// # Errors
    /// As [`NetworkBuilder::add_link`] (the new key may be the old one).
    ///
    /// # Panics
    /// If no link has this id.
    pub fn replace_link(&mut self, id: LinkId, link: Link) -> Result<Link, BuildError> {
        let index = id.index();
        if let Some(&other) = self.link_keys.get(&link.key)
            && other != id
        {
            return Err(BuildError::DuplicateLink { key: link.key });
        }
        self.check_link(&link)?;
        let key_changed = self.links[index].key != link.key;
        let old = std::mem::replace(&mut self.links[index], link);
        if key_changed {
            self.index_keys();
        }
        Ok(old)
    }

    /// Removes the link with id `id`, returning it and its drawn line; the links after it
    /// move down by one.
    ///
    /// # Panics
    /// If no link has this id.
    pub fn remove_link(&mut self, id: LinkId) -> (Link, Option<LinkShape>) {
        let index = id.index();
        let link = self.links.remove(index);
        let shape = self.link_shapes.remove(index);
        self.index_keys();
        (link, shape)
    }

    /// The checks of a link against the nodes and corridors (not its key).
    fn check_link(&self, link: &Link) -> Result<(), BuildError> {
        for end in [link.from, link.to] {
            if end.index() >= self.nodes.len() {
                return Err(BuildError::NodeOutOfRange { index: end.0 });
            }
        }
        if link.from == link.to {
            return Err(BuildError::SelfLoop {
                key: link.key.clone(),
            });
        }
        match (link.mode, link.gauge_mm) {
            (Mode::Rail, None) => {
                return Err(BuildError::GaugeRequired {
                    key: link.key.clone(),
                    reason: "a rail link needs a gauge",
                });
            }
            (Mode::Rail, Some(gauge_mm)) => {
                for end in [link.from, link.to] {
                    let node = &self.nodes[end.index()];
                    if !node.gauges_mm.contains(&gauge_mm) {
                        return Err(BuildError::GaugeMismatch {
                            key: link.key.clone(),
                            gauge_mm,
                            node: node.key.clone(),
                            node_gauges: gauge_list(&node.gauges_mm),
                        });
                    }
                }
            }
            (_, Some(_)) => {
                return Err(BuildError::GaugeRequired {
                    key: link.key.clone(),
                    reason: "only rail links have a gauge",
                });
            }
            (_, None) => {}
        }
        if let Some(corridor) = link
            .corridors
            .iter()
            .find(|c| c.index() >= self.corridors.len())
        {
            return Err(BuildError::CorridorOutOfRange {
                key: link.key.clone(),
                index: corridor.0,
            });
        }
        Ok(())
    }

    /// Adds a handling row at a node added earlier.
    ///
    /// # Errors
    /// [`BuildError::NodeOutOfRange`] when the node does not exist.
    pub fn add_handling(&mut self, handling: Handling) -> Result<HandlingId, BuildError> {
        self.insert_handling(HandlingId(self.handlings.len() as u32), handling)
    }

    /// Inserts a handling row so that it gets the id `at`; the rows from `at` on move up by
    /// one. `at` = the number of rows appends it.
    ///
    /// # Errors
    /// [`BuildError::NodeOutOfRange`] when the node does not exist.
    ///
    /// # Panics
    /// If `at` is beyond the number of rows.
    pub fn insert_handling(
        &mut self,
        at: HandlingId,
        handling: Handling,
    ) -> Result<HandlingId, BuildError> {
        assert!(
            at.index() <= self.handlings.len(),
            "handling index out of range"
        );
        self.check_handling(&handling)?;
        self.handlings.insert(at.index(), handling);
        Ok(at)
    }

    /// Replaces the handling row with id `id` and returns the old one.
    ///
    /// # Errors
    /// [`BuildError::NodeOutOfRange`] when the node does not exist.
    ///
    /// # Panics
    /// If no row has this id.
    pub fn replace_handling(
        &mut self,
        id: HandlingId,
        handling: Handling,
    ) -> Result<Handling, BuildError> {
        self.check_handling(&handling)?;
        Ok(std::mem::replace(&mut self.handlings[id.index()], handling))
    }

    /// Removes the handling row with id `id`; the rows after it move down by one.
    ///
    /// # Panics
    /// If no row has this id.
    pub fn remove_handling(&mut self, id: HandlingId) -> Handling {
        self.handlings.remove(id.index())
    }

    fn check_handling(&self, handling: &Handling) -> Result<(), BuildError> {
        if handling.node.index() >= self.nodes.len() {
            return Err(BuildError::NodeOutOfRange {
                index: handling.node.0,
            });
        }
        Ok(())
    }

    /// Inserts a node so that it gets the id `at`; the nodes from `at` on move up by one,
    /// and the links, handling rows and zones that use them follow. `at` = the number of
    /// nodes appends it.
    ///
    /// # Errors
    /// [`BuildError::DuplicateNode`] when its key is taken.
    ///
    /// # Panics
    /// If `at` is beyond the number of nodes.
    pub fn insert_node(&mut self, at: NodeId, node: Node) -> Result<NodeId, BuildError> {
        assert!(at.index() <= self.nodes.len(), "node index out of range");
        if self.node_keys.contains_key(&node.key) {
            return Err(BuildError::DuplicateNode { key: node.key });
        }
        if at.index() == self.nodes.len() {
            return self.add_node(node);
        }
        self.renumber_nodes(|id| if id >= at { NodeId(id.0 + 1) } else { id });
        self.nodes.insert(at.index(), node);
        self.index_keys();
        Ok(at)
    }

    /// Removes a node no link, handling row, zone or default place uses; the nodes after it
    /// move down by one, and the values that use them follow.
    ///
    /// # Errors
    /// [`BuildError::NodeInUse`] naming what still uses it (nothing is removed then).
    ///
    /// # Panics
    /// If no node has this id.
    pub fn remove_node(&mut self, id: NodeId) -> Result<Node, BuildError> {
        let node = &self.nodes[id.index()];
        let mut users: Vec<String> = Vec::new();
        for link in &self.links {
            if link.from == id || link.to == id {
                users.push(format!("link `{}`", link.key));
            }
        }
        for handling in &self.handlings {
            if handling.node == id {
                users.push(format!(
                    "handling row `{}:{}`",
                    node.key,
                    handling.kind.as_str()
                ));
            }
        }
        for zone in &self.freight.zones {
            if zone.places.contains(&id) {
                users.push(format!("zone `{}`", zone.key));
            }
        }
        for class in &self.services.classes {
            if class.dwell.iter().any(|d| d.node == id) {
                users.push(format!("the dwell of service `{}`", class.key));
            }
        }
        for (what, place) in [
            ("origin", &self.info.default_from),
            ("destination", &self.info.default_to),
        ] {
            if names_node(place, node) {
                users.push(format!("the dataset's default {what} `{place}`"));
            }
        }
        if !users.is_empty() {
            return Err(BuildError::NodeInUse {
                key: node.key.clone(),
                users: user_list(&users),
            });
        }
        let node = self.nodes.remove(id.index());
        self.renumber_nodes(|other| {
            if other > id {
                NodeId(other.0 - 1)
            } else {
                other
            }
        });
        self.index_keys();
        Ok(node)
    }

    /// Maps every node id held by links, handling rows and zones.
    fn renumber_nodes(&mut self, map: impl Fn(NodeId) -> NodeId) {
        for link in &mut self.links {
            link.from = map(link.from);
            link.to = map(link.to);
        }
        for handling in &mut self.handlings {
            handling.node = map(handling.node);
        }
        for zone in &mut self.freight.zones {
            for place in &mut zone.places {
                *place = map(*place);
            }
        }
        for class in &mut self.services.classes {
            for dwell in &mut class.dwell {
                dwell.node = map(dwell.node);
            }
        }
    }

    /// Inserts a source so that it gets the id `at`; the sources from `at` on move up by
    /// one, and every value citing them follows. `at` = the number of sources appends it.
    ///
    /// # Errors
    /// [`BuildError::DuplicateSource`] when its key is taken.
    ///
    /// # Panics
    /// If `at` is beyond the number of sources.
    pub fn insert_source(&mut self, at: SourceId, source: Source) -> Result<SourceId, BuildError> {
        assert!(
            at.index() <= self.sources.len(),
            "source index out of range"
        );
        if self.source_id(&source.key).is_some() {
            return Err(BuildError::DuplicateSource { key: source.key });
        }
        self.renumber_sources(|id| if id >= at { SourceId(id.0 + 1) } else { id });
        self.sources.insert(at.index(), source);
        Ok(at)
    }

    /// Removes a source no value cites; the sources after it move down by one, and every
    /// value citing them follows.
    ///
    /// # Errors
    /// [`BuildError::SourceInUse`] naming what still cites it (nothing is removed then).
    ///
    /// # Panics
    /// If no source has this id.
    pub fn remove_source(&mut self, id: SourceId) -> Result<Source, BuildError> {
        let users: Vec<String> = self
            .source_lists()
            .into_iter()
            .filter(|(_, list)| list.contains(&id))
            .map(|(owner, _)| owner)
            .collect();
        if !users.is_empty() {
            return Err(BuildError::SourceInUse {
                key: self.sources[id.index()].key.clone(),
                users: user_list(&users),
            });
        }
        let source = self.sources.remove(id.index());
        self.renumber_sources(|other| {
            if other > id {
                SourceId(other.0 - 1)
            } else {
                other
            }
        });
        Ok(source)
    }

    /// Every list of source ids, with a description of the value it belongs to.
    fn source_lists(&self) -> Vec<(String, &[SourceId])> {
        let mut lists: Vec<(String, &[SourceId])> = vec![
            (
                "the dataset's payload".to_string(),
                &self.info.payload_sources,
            ),
            (
                "the dataset's value of time".to_string(),
                &self.info.value_of_time_sources,
            ),
        ];
        for factor in &self.emission_factors {
            lists.push((
                format!(
                    "the emission factor of {} / {}",
                    factor.mode.as_str(),
                    factor.energy.as_str()
                ),
                &factor.sources,
            ));
        }
        for node in &self.nodes {
            lists.push((
                format!("node `{}` (coordinates)", node.key),
                &node.coord_sources,
            ));
        }
        for (index, link) in self.links.iter().enumerate() {
            let key = &link.key;
            for (what, list) in [
                ("length", &link.length_sources),
                ("time", &link.time_sources),
                ("wait", &link.wait_sources),
                ("capacity", &link.capacity_sources),
                ("tariff", &link.tariff_sources),
                ("status", &link.status_sources),
            ] {
                lists.push((format!("link `{key}` ({what})"), list));
            }
            if let Some(shape) = &self.link_shapes[index] {
                lists.push((format!("link `{key}` (shape)"), &shape.sources));
            }
            for sailing in &link.sailings {
                for (what, list) in [
                    ("sailings", &sailing.sailings_sources),
                    ("sailing capacity", &sailing.capacity_sources),
                    ("dispatch", &sailing.dispatch_sources),
                    ("sailing load", &sailing.load_sources),
                    ("weather", &sailing.weather_sources),
                ] {
                    lists.push((format!("link `{key}` ({what})"), list));
                }
            }
        }
        for handling in &self.handlings {
            let node = &self.nodes[handling.node.index()].key;
            let kind = handling.kind.as_str();
            for (what, list) in [
                ("hours", &handling.hours_sources),
                ("cost", &handling.cost_sources),
                ("capacity", &handling.capacity_sources),
                ("status", &handling.status_sources),
            ] {
                lists.push((format!("handling row `{node}:{kind}` ({what})"), list));
            }
        }
        let freight = &self.freight;
        lists.push((
            "the freight TEU per train".to_string(),
            &freight.teu_per_train_sources,
        ));
        lists.push((
            "the freight return trains".to_string(),
            &freight.return_trains_sources,
        ));
        lists.push((
            "the freight tonnes per TEU".to_string(),
            &freight.tonnes_per_teu_sources,
        ));
        for row in &freight.tonnage {
            lists.push((
                format!("tonnage `{}` of {}", row.commodity, row.year),
                &row.sources,
            ));
        }
        for class in &freight.classes {
            lists.push((
                format!("freight class `{}` (value of time)", class.key),
                &class.value_of_time_sources,
            ));
            lists.push((
                format!("freight class `{}` (pce)", class.key),
                &class.pce_sources,
            ));
        }
        for zone in &freight.zones {
            lists.push((format!("zone `{}`", zone.key), &zone.sources));
        }
        for (index, demand) in freight.demand.iter().enumerate() {
            lists.push((format!("demand row {index}"), &demand.sources));
        }
        for year in &freight.demand_by_year {
            lists.push((format!("demand of {}", year.year), &year.sources));
        }
        for market in &freight.markets {
            let key = &market.key;
            lists.push((
                format!("market `{key}` (rail share)"),
                &market.rail_share_sources,
            ));
            lists.push((
                format!("market `{key}` (elasticity)"),
                &market.elasticity_sources,
            ));
            lists.push((format!("market `{key}` (fit)"), &market.fit_sources));
        }
        for row in &freight.market_years {
            lists.push((format!("market premium of {}", row.year), &row.sources));
        }
        for factor in &self.calibration.factors {
            lists.push((format!("calibration `{}`", factor.key), &factor.sources));
        }
        for row in &self.prices.rows {
            lists.push((format!("price `{}`", row.item), &row.sources));
        }
        for class in &self.services.classes {
            let key = &class.key;
            lists.push((
                format!("service `{key}` (dwell factor)"),
                &class.dwell_factor_sources,
            ));
            lists.push((
                format!("service `{key}` (consolidation)"),
                &class.consolidation_sources,
            ));
            for speed in &class.speeds {
                let on = match &speed.on {
                    super::SpeedOn::Administration(country) => country.to_string(),
                    super::SpeedOn::Section(link) => format!("link `{link}`"),
                };
                lists.push((format!("service `{key}` (speed on {on})"), &speed.sources));
            }
            for dwell in &class.dwell {
                let node = &self.nodes[dwell.node.index()].key;
                lists.push((format!("service `{key}` (dwell at {node})"), &dwell.sources));
            }
        }
        lists
    }

    /// Maps every source id held by any value.
    fn renumber_sources(&mut self, map: impl Fn(SourceId) -> SourceId) {
        let apply = |list: &mut Vec<SourceId>| {
            for id in list.iter_mut() {
                *id = map(*id);
            }
        };
        apply(&mut self.info.payload_sources);
        apply(&mut self.info.value_of_time_sources);
        for factor in &mut self.emission_factors {
            apply(&mut factor.sources);
        }
        for node in &mut self.nodes {
            apply(&mut node.coord_sources);
        }
        for link in &mut self.links {
            apply(&mut link.length_sources);
            apply(&mut link.time_sources);
            apply(&mut link.wait_sources);
            apply(&mut link.capacity_sources);
            apply(&mut link.tariff_sources);
            apply(&mut link.status_sources);
            for sailing in &mut link.sailings {
                apply(&mut sailing.sailings_sources);
                apply(&mut sailing.capacity_sources);
                apply(&mut sailing.dispatch_sources);
                apply(&mut sailing.load_sources);
                apply(&mut sailing.weather_sources);
            }
        }
        for shape in self.link_shapes.iter_mut().flatten() {
            apply(&mut shape.sources);
        }
        for handling in &mut self.handlings {
            apply(&mut handling.hours_sources);
            apply(&mut handling.cost_sources);
            apply(&mut handling.capacity_sources);
            apply(&mut handling.status_sources);
        }
        let freight = &mut self.freight;
        apply(&mut freight.teu_per_train_sources);
        apply(&mut freight.return_trains_sources);
        apply(&mut freight.tonnes_per_teu_sources);
        for row in &mut freight.tonnage {
            apply(&mut row.sources);
        }
        for class in &mut freight.classes {
            apply(&mut class.value_of_time_sources);
            apply(&mut class.pce_sources);
        }
        for zone in &mut freight.zones {
            apply(&mut zone.sources);
        }
        for demand in &mut freight.demand {
            apply(&mut demand.sources);
        }
        for year in &mut freight.demand_by_year {
            apply(&mut year.sources);
        }
        for market in &mut freight.markets {
            apply(&mut market.rail_share_sources);
            apply(&mut market.elasticity_sources);
            apply(&mut market.fit_sources);
        }
        for row in &mut freight.market_years {
            apply(&mut row.sources);
        }
        for factor in &mut self.calibration.factors {
            apply(&mut factor.sources);
        }
        for row in &mut self.prices.rows {
            apply(&mut row.sources);
        }
        for class in &mut self.services.classes {
            apply(&mut class.dwell_factor_sources);
            apply(&mut class.consolidation_sources);
            for speed in &mut class.speeds {
                apply(&mut speed.sources);
            }
            for dwell in &mut class.dwell {
                apply(&mut dwell.sources);
            }
        }
    }

    /// The checks [`NetworkBuilder::build`] makes on the whole network (emission factors,
    /// place names, freight data), without building it.
    ///
    /// # Errors
    /// The first problem, as `build` would report it.
    pub fn check(&self) -> Result<(), BuildError> {
        self.link_factors()?;
        PlaceIndex::new(&self.nodes)?;
        self.check_freight()?;
        check_services(&self.services, self.nodes.len())
    }

    fn check_freight(&self) -> Result<(), BuildError> {
        self.freight
            .check(self.nodes.len())
            .map_err(BuildError::Freight)
    }

    /// The emission factor of each link, by link index.
    fn link_factors(&self) -> Result<Vec<usize>, BuildError> {
        self.links
            .iter()
            .map(|link| {
                self.emission_factors
                    .iter()
                    .position(|f| f.mode == link.mode && f.energy == link.energy)
                    .ok_or_else(|| BuildError::MissingEmissionFactor {
                        key: link.key.clone(),
                        mode: link.mode.as_str(),
                        energy: link.energy.as_str(),
                    })
            })
            .collect()
    }

    /// Freezes the network: checks emission factors, place names and the freight data,
    /// builds adjacency.
    ///
    /// # Errors
    /// [`BuildError::MissingEmissionFactor`], [`BuildError::AmbiguousPlaceName`] or
    /// [`BuildError::Freight`].
    pub fn build(self) -> Result<Network, BuildError> {
        let link_factor = self.link_factors()?;
        let place_index = PlaceIndex::new(&self.nodes)?;
        self.check_freight()?;
        check_services(&self.services, self.nodes.len())?;

        // Arcs in link order, forward before backward, so that arc ids and adjacency order
        // (and with them every tie-break in the router) follow the order of the input.
        let mut arcs = Vec::with_capacity(self.links.len() * 2);
        for (index, link) in self.links.iter().enumerate() {
            let id = LinkId::from_index(index);
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
            out_start[arc.tail.index() + 1] += 1;
        }
        for index in 1..out_start.len() {
            out_start[index] += out_start[index - 1];
        }
        let mut fill = out_start.clone();
        let mut out_arcs = vec![ArcId(0); arcs.len()];
        for (index, arc) in arcs.iter().enumerate() {
            let slot = &mut fill[arc.tail.index()];
            out_arcs[*slot as usize] = ArcId::from_index(index);
            *slot += 1;
        }
        let mut node_handlings = vec![Vec::new(); self.nodes.len()];
        for (index, handling) in self.handlings.iter().enumerate() {
            node_handlings[handling.node.index()].push(HandlingId::from_index(index));
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
            link_shapes: self.link_shapes,
            place_index,
            freight: self.freight,
            services: self.services,
            calibration: self.calibration,
            prices: self.prices,
        })
    }
}

/// The references of service classes: dwell nodes that exist, a default class that exists.
fn check_services(services: &ServiceData, node_count: usize) -> Result<(), BuildError> {
    if let Some(default) = services.default
        && default.index() >= services.classes.len()
    {
        return Err(BuildError::Services(format!(
            "the default service class {} does not exist",
            default.0
        )));
    }
    for class in &services.classes {
        if let Some(dwell) = class.dwell.iter().find(|d| d.node.index() >= node_count) {
            return Err(BuildError::Services(format!(
                "service `{}` has a dwell row at node index {}, which does not exist",
                class.key, dwell.node.0
            )));
        }
    }
    Ok(())
}

/// Up to five users, then how many more.
fn user_list(users: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = users[..users.len().min(SHOWN)].join(", ");
    if users.len() > SHOWN {
        text.push_str(&format!(" and {} more", users.len() - SHOWN));
    }
    text
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{HandlingKind, SourceKind};

    fn mini() -> Network {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        crate::network::load_dir(std::path::Path::new(dir))
            .expect("mini loads")
            .0
    }

    fn rebuilt(network: &Network) -> Network {
        NetworkBuilder::from_network(network)
            .build()
            .expect("a network rebuilds")
    }

    #[test]
    fn from_network_reproduces_the_default_and_the_mini_network() {
        let (default, _) = crate::network::load_default().expect("valid");
        assert_eq!(rebuilt(&default), default);
        let mini = mini();
        assert_eq!(rebuilt(&mini), mini);
    }

    #[test]
    fn removing_and_inserting_back_gives_the_same_network() {
        let network = mini();
        for index in 0..network.links().len() {
            let mut builder = NetworkBuilder::from_network(&network);
            let (link, shape) = builder.remove_link(LinkId::from_index(index));
            builder
                .insert_link(LinkId::from_index(index), link, shape)
                .expect("valid");
            assert_eq!(builder.build().expect("valid"), network);
        }
        for index in 0..network.handlings().len() {
            let mut builder = NetworkBuilder::from_network(&network);
            let row = builder.remove_handling(HandlingId::from_index(index));
            builder
                .insert_handling(HandlingId::from_index(index), row)
                .expect("valid");
            assert_eq!(builder.build().expect("valid"), network);
        }
        // `canal` is used by two links: remove them, then the node, and put all back.
        let canal = network.node_by_key("canal").expect("exists");
        let mut builder = NetworkBuilder::from_network(&network);
        let first = builder.link_id("sea_east_canal").expect("exists");
        let (east, east_shape) = builder.remove_link(first);
        let (west, west_shape) = builder.remove_link(first);
        let node = builder.remove_node(canal).expect("unused now");
        assert_eq!(builder.node_id("west_port"), Some(NodeId(canal.0 - 1)));
        builder.insert_node(canal, node).expect("valid");
        builder.insert_link(first, west, west_shape).expect("valid");
        builder.insert_link(first, east, east_shape).expect("valid");
        assert_eq!(builder.build().expect("valid"), network);
    }

    #[test]
    fn a_node_or_source_still_used_is_not_removed() {
        let network = mini();
        let mut builder = NetworkBuilder::from_network(&network);
        let east_city = network.node_by_key("east_city").expect("exists");
        let error = builder.remove_node(east_city).expect_err("used");
        assert_eq!(
            error.to_string(),
            "node `east_city` is still used by link `e_city_border`, link `east_city_port`, \
             handling row `east_city:terminal`, zone `east`, the dataset's default origin `East City`"
        );
        let hand = network.source_by_key("T_HAND").expect("exists");
        let error = builder.remove_source(hand).expect_err("cited");
        assert!(
            error
                .to_string()
                .starts_with("source `T_HAND` is still cited by the dataset's payload, "),
            "{error}"
        );
        assert!(error.to_string().ends_with(" more"), "{error}");
        assert_eq!(builder.build().expect("unchanged"), network);
    }

    #[test]
    fn inserting_a_source_renumbers_every_citation() {
        let network = mini();
        let mut builder = NetworkBuilder::from_network(&network);
        let source = Source {
            key: "NEW".into(),
            title: "new".into(),
            url: String::new(),
            year: None,
            confidence: String::new(),
            kind: SourceKind::Published,
            method: String::new(),
        };
        builder
            .insert_source(SourceId(0), source.clone())
            .expect("new key");
        assert_eq!(
            builder.insert_source(SourceId(0), source),
            Err(BuildError::DuplicateSource { key: "NEW".into() })
        );
        let changed = builder.build().expect("valid");
        let dostyk_like = changed
            .handlings()
            .iter()
            .find(|h| h.kind == HandlingKind::GaugeChange)
            .expect("a gauge change");
        assert_eq!(changed.source(dostyk_like.hours_sources[0]).key, "T_HAND");
        let mut builder = NetworkBuilder::from_network(&changed);
        builder.remove_source(SourceId(0)).expect("unused");
        assert_eq!(builder.build().expect("valid"), network);
    }
}
