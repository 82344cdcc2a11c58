//! Passage classes of edges: the canal, strait or ice route an edge belongs to (`suez`,
//! `panama`, `northeast`, ...), so that a query can avoid some of them (a closed canal, a route
//! only ice-class ships take) on a network that is prepared once.
//!
//! Classes are small integers ([`PassageClass`]): 0 is "no passage" (open water, or any edge
//! of a network without tags), `k ≥ 1` is the `k`-th name of the network's name table. Both
//! directions of an edge have the same class.

use super::{GeoArcId, GeoGraph, GeoNodeId, Metres};

/// Most passage names a network can have (classes are bytes; 0 is "none").
pub const MAX_PASSAGES: usize = 255;

/// Longest passage name, bytes.
pub const MAX_PASSAGE_NAME: usize = 64;

/// The passage class of an edge: 0 ([`PassageClass::NONE`]) for none, `k ≥ 1` for the `k`-th
/// name of a [`Passages`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PassageClass(pub u8);

impl PassageClass {
    /// No passage: open water, or any edge of a network without tags.
    pub const NONE: PassageClass = PassageClass(0);

    /// Whether this is [`PassageClass::NONE`].
    #[inline]
    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// The class as an index into a table with one entry per class, [`PassageClass::NONE`]
    /// first (`0..=MAX_PASSAGES`).
    #[inline]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The class of the name at `position` (0-based) of a name table.
    ///
    /// # Panics
    /// If `position` is not below [`MAX_PASSAGES`] (name tables are checked against it).
    fn of_name(position: usize) -> PassageClass {
        assert!(
            position < MAX_PASSAGES,
            "a passage table has at most 255 names"
        );
        PassageClass(position as u8 + 1)
    }
}

/// Why a passage table is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassageError {
    /// More names than a byte can number.
    #[error("{count} passage names; at most {MAX_PASSAGES} are possible")]
    TooMany {
        /// Names given.
        count: usize,
    },
    /// A name that is empty, too long, has control characters, or repeats another.
    #[error(
        "passage name `{name}` is not valid (1 to {MAX_PASSAGE_NAME} bytes, no control characters, unique)"
    )]
    BadName {
        /// The name.
        name: String,
    },
    /// A class number beyond the name table.
    #[error("passage class {class} of edge {a}–{b} is not in the table of {names} names")]
    BadClass {
        /// One end.
        a: u32,
        /// The other end.
        b: u32,
        /// The class.
        class: u8,
        /// Number of names.
        names: usize,
    },
    /// Per-arc classes that do not fit the graph.
    #[error("the passage classes do not fit the graph")]
    Inconsistent,
    /// A tagged edge that the graph does not have.
    #[error("edge {a}–{b} has a passage class but is not in the graph")]
    NoSuchEdge {
        /// One end.
        a: u32,
        /// The other end.
        b: u32,
    },
}

/// The passage class of every arc of one [`GeoGraph`] and the names of the classes.
///
/// **Invariant:** `arc_class` is empty (no arc has a class) or has one entry per arc of the
/// graph it was made for, the same for both directions of an edge, each ≤ `names.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Passages {
    names: Vec<String>,
    arc_class: Vec<u8>,
}

impl Passages {
    /// No passages: every edge has class 0.
    pub fn none() -> Passages {
        Passages::default()
    }

    /// Classes for the edges of `graph` from a list of tagged edges `(a, b, length, class)` as
    /// readers produce them (raw node numbers and class numbers, checked here), `class` ≥ 1
    /// numbering `names` from 1 (class 0 entries are ignored). Where the input had
    /// parallel edges, the graph keeps the shortest: an arc takes the class of a tagged edge of
    /// its own length (the highest class if several), so a longer tagged duplicate is dropped
    /// with its edge, as a tagged self-loop is.
    ///
    /// # Errors
    /// [`PassageError`] for an invalid name table, a class beyond it, or an edge the graph
    /// does not have.
    pub fn new(
        graph: &GeoGraph,
        names: Vec<String>,
        tagged: &[(u32, u32, Metres, u8)],
    ) -> Result<Passages, PassageError> {
        if names.len() > MAX_PASSAGES {
            return Err(PassageError::TooMany { count: names.len() });
        }
        for (index, name) in names.iter().enumerate() {
            let valid = !name.is_empty()
                && name.len() <= MAX_PASSAGE_NAME
                && !name.chars().any(char::is_control)
                && !names[..index].contains(name);
            if !valid {
                return Err(PassageError::BadName { name: name.clone() });
            }
        }
        let mut arc_class = vec![0u8; graph.arc_count()];
        for &(a, b, length, class) in tagged {
            // The graph drops self-loops; their tags go with them.
            if class == 0 || a == b {
                continue;
            }
            if usize::from(class) > names.len() {
                return Err(PassageError::BadClass {
                    a,
                    b,
                    class,
                    names: names.len(),
                });
            }
            let in_range = (a as usize) < graph.node_count() && (b as usize) < graph.node_count();
            let (node_a, node_b) = (GeoNodeId(a), GeoNodeId(b));
            let arcs = in_range
                .then(|| {
                    graph
                        .arc_between(node_a, node_b)
                        .zip(graph.arc_between(node_b, node_a))
                })
                .flatten();
            let Some((forward, backward)) = arcs else {
                return Err(PassageError::NoSuchEdge { a, b });
            };
            if graph.edge_length(node_a, node_b) == Some(length) {
                for arc in [forward, backward] {
                    let slot = &mut arc_class[arc.index()];
                    *slot = (*slot).max(class);
                }
            }
        }
        if names.is_empty() || arc_class.iter().all(|&c| c == 0) {
            arc_class = Vec::new();
        }
        Ok(Passages { names, arc_class })
    }

    /// The per-arc classes (empty when no arc has one), for serialization.
    pub fn arc_classes(&self) -> &[u8] {
        &self.arc_class
    }

    /// Rebuilds the classes from [`Passages::names`] and [`Passages::arc_classes`] (one class
    /// number per arc), checking that they fit the graph.
    ///
    /// # Errors
    /// [`PassageError`] when they do not.
    pub fn from_arc_classes(
        graph: &GeoGraph,
        names: Vec<String>,
        arc_class: Vec<u8>,
    ) -> Result<Passages, PassageError> {
        let mut tagged = Vec::new();
        if !arc_class.is_empty() {
            if arc_class.len() != graph.arc_count() {
                return Err(PassageError::Inconsistent);
            }
            for a in graph.node_ids() {
                for (arc, b, length) in graph.arcs(a) {
                    let back = graph.arc_between(b, a).ok_or(PassageError::Inconsistent)?;
                    let class = arc_class[arc.index()];
                    if class != arc_class[back.index()] {
                        return Err(PassageError::Inconsistent);
                    }
                    if b > a && class > 0 {
                        tagged.push((a.0, b.0, length, class));
                    }
                }
            }
        }
        Passages::new(graph, names, &tagged)
    }

    /// The same classes without the names `drop` accepts: their edges become untagged and
    /// the remaining names are numbered again in their order.
    pub fn without(&self, graph: &GeoGraph, drop: impl Fn(&str) -> bool) -> Passages {
        let kept: Vec<String> = self.names.iter().filter(|n| !drop(n)).cloned().collect();
        let tagged: Vec<(u32, u32, Metres, u8)> = self
            .tagged_edges(graph)
            .into_iter()
            .filter_map(|(a, b, class)| {
                let name = self.name(class)?;
                let position = kept.iter().position(|k| k == name)?;
                Some((
                    a.0,
                    b.0,
                    graph.edge_length(a, b)?,
                    PassageClass::of_name(position).0,
                ))
            })
            .collect();
        Passages::new(graph, kept, &tagged).expect("a subset of a valid table")
    }

    /// The class names; class `k` is `names()[k - 1]`.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// True when no edge has a class.
    pub fn is_empty(&self) -> bool {
        self.arc_class.is_empty()
    }

    /// The class of an arc ([`PassageClass::NONE`] for none).
    #[inline]
    pub fn class(&self, arc: GeoArcId) -> PassageClass {
        PassageClass(self.arc_class.get(arc.index()).copied().unwrap_or(0))
    }

    /// The class numbered for a name.
    pub fn class_of(&self, name: &str) -> Option<PassageClass> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(PassageClass::of_name)
    }

    /// The name of a class other than [`PassageClass::NONE`].
    pub fn name(&self, class: PassageClass) -> Option<&str> {
        class
            .index()
            .checked_sub(1)
            .and_then(|index| self.names.get(index))
            .map(String::as_str)
    }

    /// Every edge with a class, as `(a, b, class)` with `a < b`, sorted.
    pub fn tagged_edges(&self, graph: &GeoGraph) -> Vec<(GeoNodeId, GeoNodeId, PassageClass)> {
        if self.arc_class.is_empty() {
            return Vec::new();
        }
        graph
            .node_ids()
            .flat_map(|a| {
                graph
                    .arcs(a)
                    .map(move |(arc, b, _)| (a, b, self.class(arc)))
                    .filter(move |&(a, b, class)| b > a && !class.is_none())
            })
            .collect()
    }

    /// The arcs to leave out when avoiding these classes, or `None` when no arc has one of
    /// them (then the unrestricted network, and its contraction hierarchy, give the answer).
    pub fn filter(&self, avoid: &[PassageClass]) -> Option<ArcFilter> {
        let mut avoided = [false; 256];
        for &class in avoid {
            avoided[class.index()] = !class.is_none();
        }
        let blocked: Vec<bool> = self
            .arc_class
            .iter()
            .map(|&class| avoided[usize::from(class)])
            .collect();
        blocked.contains(&true).then_some(ArcFilter { blocked })
    }

    /// The passages a path goes through, each once, in the order it first meets them.
    pub fn on_path(&self, graph: &GeoGraph, nodes: &[GeoNodeId]) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        if self.arc_class.is_empty() {
            return seen;
        }
        for pair in nodes.windows(2) {
            let class = graph
                .arc_between(pair[0], pair[1])
                .map_or(PassageClass::NONE, |arc| self.class(arc));
            if let Some(name) = self.name(class)
                && !seen.contains(&name)
            {
                seen.push(name);
            }
        }
        seen
    }
}

/// Passages avoided unless allowed: the Arctic routes, open only in summer (and to ice-class
/// ships or with icebreaker escort), which container liners do not use.
pub const ICE_PASSAGES: [&str; 2] = ["northeast", "northwest"];

/// Other spellings accepted for passage names (after lower-casing and turning `-` and spaces
/// into `_`), mapped to the names of the shipped sea network (searoute's tags).
const PASSAGE_ALIASES: [(&str, &str); 10] = [
    ("babelmandeb", "babalmandab"),
    ("bab_el_mandeb", "babalmandab"),
    ("hormuz", "ormuz"),
    ("nsr", "northeast"),
    ("northern_sea_route", "northeast"),
    ("nwp", "northwest"),
    ("northwest_passage", "northwest"),
    ("cape", "south_africa"),
    ("cape_of_good_hope", "south_africa"),
    ("magellan", "chili"),
];

/// Which passages a query asks to avoid and to use all the same (the ice passages are avoided
/// unless allowed), by name as users write them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageChoice {
    /// Passages not to use (`suez`, `babelmandeb`, ...).
    pub avoid: Vec<String>,
    /// Ice passages to use all the same (`northeast`, `northwest`).
    pub allow: Vec<String>,
}

/// Which list of a [`PassageChoice`] a name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassageList {
    /// [`PassageChoice::avoid`].
    Avoid,
    /// [`PassageChoice::allow`].
    Allow,
}

impl PassageList {
    /// The request field (`avoid_passage`, `allow_passage`).
    pub fn field(self) -> &'static str {
        match self {
            PassageList::Avoid => "avoid_passage",
            PassageList::Allow => "allow_passage",
        }
    }
}

/// Why a [`PassageChoice`] cannot be applied to a network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassageChoiceError {
    /// A name the network does not have.
    #[error("{given}: unknown passage; this network has {known}")]
    Unknown {
        /// The list it was given in.
        list: PassageList,
        /// The name as given.
        given: String,
        /// The network's passage names, sorted, comma-separated.
        known: String,
    },
    /// A name given to a network without passage tags.
    #[error("{given}: this network has no passage tags")]
    NoPassages {
        /// The list it was given in.
        list: PassageList,
        /// The name as given.
        given: String,
    },
    /// A passage both avoided and allowed.
    #[error("passage {name} is both avoided and allowed")]
    Both {
        /// Its name.
        name: String,
    },
}

impl PassageChoiceError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            PassageChoiceError::Unknown { list, .. }
            | PassageChoiceError::NoPassages { list, .. } => list.field(),
            PassageChoiceError::Both { .. } => "allow_passage",
        }
    }
}

impl Passages {
    /// The class a name stands for: a name of the network, or one of the accepted other
    /// spellings (`babelmandeb`, `nsr`, `cape`, ...), in any case and with `-` or spaces.
    ///
    /// # Errors
    /// [`PassageChoiceError::Unknown`] or [`PassageChoiceError::NoPassages`].
    pub fn resolve(
        &self,
        given: &str,
        list: PassageList,
    ) -> Result<PassageClass, PassageChoiceError> {
        let given = given.trim();
        let key = given.to_lowercase().replace(['-', ' '], "_");
        let name = PASSAGE_ALIASES
            .iter()
            .find(|(alias, _)| *alias == key)
            .map_or(key.as_str(), |(_, name)| name);
        if let Some(class) = self.class_of(given).or_else(|| self.class_of(name)) {
            return Ok(class);
        }
        let mut known: Vec<&str> = self.names().iter().map(String::as_str).collect();
        known.sort_unstable();
        if known.is_empty() {
            return Err(PassageChoiceError::NoPassages {
                list,
                given: crate::io::clip(given),
            });
        }
        Err(PassageChoiceError::Unknown {
            list,
            given: crate::io::clip(given),
            known: known.join(", "),
        })
    }

    /// The classes a query avoids: the ice passages the network has, plus `choice.avoid`,
    /// minus `choice.allow`; sorted, each once.
    ///
    /// # Errors
    /// A name the network does not have, or a passage both avoided and allowed.
    pub fn avoided(&self, choice: &PassageChoice) -> Result<Vec<PassageClass>, PassageChoiceError> {
        let listed = |items: &[String], list| -> Result<Vec<PassageClass>, PassageChoiceError> {
            items
                .iter()
                .filter(|item| !item.trim().is_empty())
                .map(|item| self.resolve(item, list))
                .collect()
        };
        let avoid = listed(&choice.avoid, PassageList::Avoid)?;
        let allow = listed(&choice.allow, PassageList::Allow)?;
        if let Some(&both) = avoid.iter().find(|class| allow.contains(class)) {
            return Err(PassageChoiceError::Both {
                name: self.name(both).unwrap_or_default().to_string(),
            });
        }
        let mut classes: Vec<PassageClass> = ICE_PASSAGES
            .iter()
            .filter_map(|name| self.class_of(name))
            .filter(|class| !allow.contains(class))
            .chain(avoid)
            .collect();
        classes.sort_unstable();
        classes.dedup();
        Ok(classes)
    }

    /// The names of passage classes, sorted.
    pub fn names_of(&self, classes: &[PassageClass]) -> Vec<String> {
        let mut names: Vec<String> = classes
            .iter()
            .filter_map(|&class| self.name(class))
            .map(str::to_string)
            .collect();
        names.sort_unstable();
        names
    }
}

/// Arcs a search must not use (see [`Passages::filter`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArcFilter {
    blocked: Vec<bool>,
}

impl ArcFilter {
    /// Whether a search may use an arc.
    #[inline]
    pub fn allows(&self, arc: GeoArcId) -> bool {
        !self.blocked.get(arc.index()).copied().unwrap_or(false)
    }

    /// Number of arcs left out (twice the number of edges).
    pub fn blocked_count(&self) -> usize {
        self.blocked.iter().filter(|&&b| b).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> GeoGraph {
        // 0 – 1 – 2 with a detour 0 – 3 – 2.
        GeoGraph::new(
            vec![(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (1.0, 1.0)],
            &[(0, 1, 100), (1, 2, 100), (0, 3, 150), (3, 2, 150)],
        )
        .expect("valid")
    }

    #[test]
    fn classes_follow_edges_in_both_directions() {
        let graph = square();
        let passages = Passages::new(
            &graph,
            vec!["canal".into(), "strait".into()],
            &[(2, 1, 100, 1), (0, 3, 150, 2), (0, 1, 100, 0)],
        )
        .expect("valid");
        let (node, class) = (GeoNodeId, PassageClass);
        let arc = |a, b| graph.arc_between(node(a), node(b)).expect("adjacent");
        assert_eq!(passages.class(arc(1, 2)), class(1));
        assert_eq!(passages.class(arc(2, 1)), class(1));
        assert_eq!(passages.class(arc(3, 0)), class(2));
        assert_eq!(passages.class(arc(0, 1)), PassageClass::NONE);
        assert_eq!(
            passages.tagged_edges(&graph),
            vec![(node(0), node(3), class(2)), (node(1), node(2), class(1))]
        );
        assert_eq!(passages.class_of("strait"), Some(class(2)));
        assert_eq!(passages.name(class(1)), Some("canal"));
        assert_eq!(passages.name(PassageClass::NONE), None);
        assert_eq!(
            passages.on_path(&graph, &[node(3), node(0), node(1), node(2)]),
            vec!["strait", "canal"]
        );
        let filter = passages.filter(&[class(1)]).expect("the canal is used");
        assert!(!filter.allows(arc(1, 2)) && !filter.allows(arc(2, 1)));
        assert!(filter.allows(arc(0, 1)));
        assert_eq!(filter.blocked_count(), 2);
        assert_eq!(passages.filter(&[]), None);
        let fewer = passages.without(&graph, |name| name == "canal");
        assert_eq!(fewer.names(), ["strait"]);
        assert_eq!(
            fewer.tagged_edges(&graph),
            vec![(node(0), node(3), class(1))]
        );
    }

    #[test]
    fn a_longer_tagged_duplicate_goes_with_its_edge() {
        let graph = GeoGraph::new(vec![(0.0, 0.0), (0.0, 1.0)], &[(0, 1, 100), (0, 1, 300)])
            .expect("valid");
        let passages = Passages::new(&graph, vec!["x".into()], &[(0, 1, 300, 1)]).expect("valid");
        assert!(passages.is_empty());
    }

    #[test]
    fn bad_tables_are_rejected() {
        let graph = square();
        assert_eq!(
            Passages::new(&graph, vec!["a".into(), "a".into()], &[]),
            Err(PassageError::BadName { name: "a".into() })
        );
        assert_eq!(
            Passages::new(&graph, vec!["a".into()], &[(0, 1, 100, 2)]),
            Err(PassageError::BadClass {
                a: 0,
                b: 1,
                class: 2,
                names: 1
            })
        );
        assert_eq!(
            Passages::new(&graph, vec!["a".into()], &[(0, 2, 100, 1)]),
            Err(PassageError::NoSuchEdge { a: 0, b: 2 })
        );
        assert!(Passages::new(&graph, vec![String::new()], &[]).is_err());
    }
}
