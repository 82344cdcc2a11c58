//! Finding places: by name or alias (case-, diacritic- and punctuation-insensitive), by
//! external id, or by coordinates snapped to the nearest node.

use super::{BuildError, Network, Node, NodeId, NodeKind, haversine_km};
use std::collections::BTreeMap;

/// The form in which names are compared: transliterated to ASCII, lower case, letters and
/// digits only. `Małaszewicze`, `malaszewicze` and `MALASZEWICZE` are the same place, and so
/// are `Xi'an` and `Xian`, `Alma-Ata` and `Alma Ata`.
pub fn normalize_place_name(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Names, aliases and ids of all nodes, normalized.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PlaceIndex {
    by_name: BTreeMap<String, NodeId>,
    by_key: BTreeMap<String, NodeId>,
}

impl PlaceIndex {
    pub(crate) fn new(nodes: &[Node]) -> Result<PlaceIndex, BuildError> {
        let mut index = PlaceIndex::default();
        for (position, node) in nodes.iter().enumerate() {
            let id = NodeId::from_index(position);
            index.by_key.insert(node.key.clone(), id);
            let names = std::iter::once(&node.name).chain(node.aliases.iter());
            for name in names.chain(std::iter::once(&node.key)) {
                let normalized = normalize_place_name(name);
                if normalized.is_empty() {
                    continue;
                }
                match index.by_name.get(&normalized) {
                    Some(&other) if other != id => {
                        return Err(BuildError::AmbiguousPlaceName {
                            name: name.clone(),
                            first: nodes[other.index()].key.clone(),
                            second: node.key.clone(),
                        });
                    }
                    _ => {
                        index.by_name.insert(normalized, id);
                    }
                }
            }
        }
        Ok(index)
    }

    pub(crate) fn by_key(&self, key: &str) -> Option<NodeId> {
        self.by_key.get(key).copied()
    }
}

/// Whether [`Network::find_place`] with a snapping limit of 0 km can answer `query` with
/// `node`: its id, a name or alias of it, or the coordinates of a node that is not a sea
/// passage. (The dataset's default places are looked up this way.)
pub(crate) fn names_node(query: &str, node: &Node) -> bool {
    if let Some((lat, lon)) = parse_lat_lon(query) {
        return node.kind != NodeKind::SeaPassage
            && haversine_km(lat, lon, node.lat, node.lon) <= 0.0;
    }
    if query.trim() == node.key {
        return true;
    }
    let normalized = normalize_place_name(query);
    !normalized.is_empty()
        && std::iter::once(&node.name)
            .chain(node.aliases.iter())
            .chain(std::iter::once(&node.key))
            .any(|name| normalize_place_name(name) == normalized)
}

/// How a query text was matched to a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlaceMatch {
    /// By name, alias or id.
    Name(NodeId),
    /// By coordinates, snapped to the nearest node.
    Snapped {
        /// The nearest node.
        node: NodeId,
        /// Distance from the coordinates to it, km.
        distance_km: f64,
    },
}

impl PlaceMatch {
    /// The node matched.
    pub fn node(&self) -> NodeId {
        match *self {
            PlaceMatch::Name(node) | PlaceMatch::Snapped { node, .. } => node,
        }
    }
}

/// Why a place could not be found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaceError {
    /// No node has this name; the closest names are suggested.
    #[error("unknown place `{query}`{}", did_you_mean(.suggestions))]
    Unknown {
        /// What was asked.
        query: String,
        /// Names of the closest nodes, best first.
        suggestions: Vec<String>,
    },
    /// Coordinates outside the valid range.
    #[error("`{query}`: coordinates out of range (lat must be in [-90, 90], lon in [-180, 180])")]
    BadCoordinates {
        /// What was asked.
        query: String,
    },
    /// The nearest node is further away than allowed.
    #[error(
        "`{query}`: the nearest place, {nearest}, is {distance_km:.0} km away (more than the {max_km:.0} km snapping limit){}",
        swapped_hint(.swapped)
    )]
    TooFar {
        /// What was asked.
        query: String,
        /// Name of the nearest node.
        nearest: String,
        /// Distance to it, km.
        distance_km: f64,
        /// The limit, km.
        max_km: f64,
        /// The coordinates swapped (`lon,lat`), when they would snap.
        swapped: Option<String>,
    },
    /// The network has no node to snap to.
    #[error("`{query}`: the network has no node to snap to")]
    NoNodes {
        /// What was asked.
        query: String,
    },
}

fn swapped_hint(swapped: &Option<String>) -> String {
    swapped
        .as_ref()
        .map(|s| format!("; did you swap latitude and longitude? `{s}` is near the network"))
        .unwrap_or_default()
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of: {}?", many.join(", ")),
    }
}

/// Whether `(lat, lon)` is a latitude and longitude in degrees (false for NaN and infinities).
pub fn is_lat_lon(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Parses `lat,lon` (decimal degrees). Returns `None` when the text is not two numbers.
pub fn parse_lat_lon(text: &str) -> Option<(f64, f64)> {
    let (lat, lon) = text.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    Some((lat, lon))
}

impl Network {
    /// Finds a place by name, alias or id, or by `lat,lon` snapped to the nearest node that is
    /// not a sea passage, no further than `max_snap_km`.
    ///
    /// # Errors
    /// [`PlaceError::Unknown`] with up to three suggestions when no name matches.
    pub fn find_place(&self, query: &str, max_snap_km: f64) -> Result<PlaceMatch, PlaceError> {
        if let Some((lat, lon)) = parse_lat_lon(query) {
            return self.snap(query, lat, lon, max_snap_km);
        }
        self.find_place_by_name(query)
    }

    /// Finds a place by name, alias or id only (coordinates are not snapped).
    ///
    /// # Errors
    /// [`PlaceError::Unknown`] with up to three suggestions.
    pub fn find_place_by_name(&self, query: &str) -> Result<PlaceMatch, PlaceError> {
        if let Some(id) = self.place_index.by_key(query.trim()) {
            return Ok(PlaceMatch::Name(id));
        }
        let normalized = normalize_place_name(query);
        if let Some(&id) = self.place_index.by_name.get(&normalized) {
            return Ok(PlaceMatch::Name(id));
        }
        Err(PlaceError::Unknown {
            query: crate::io::clip(query),
            suggestions: self.suggest(&normalized, 3),
        })
    }

    /// Node names closest to a normalized query, best first. Prefix matches rank first, then
    /// edit distance relative to length.
    fn suggest(&self, normalized: &str, limit: usize) -> Vec<String> {
        if normalized.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, NodeId)> = Vec::new();
        for (name, &id) in &self.place_index.by_name {
            let score = if name.starts_with(normalized) || normalized.starts_with(name.as_str()) {
                0.0
            } else {
                let distance = strsim::damerau_levenshtein(normalized, name) as f64;
                distance / normalized.len().max(name.len()) as f64
            };
            if score <= 0.45 {
                scored.push((score, id));
            }
        }
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut names: Vec<String> = Vec::new();
        for (_, id) in scored {
            let name = &self.node(id).name;
            if !names.contains(name) {
                names.push(name.clone());
            }
            if names.len() == limit {
                break;
            }
        }
        names
    }

    fn snap(&self, query: &str, lat: f64, lon: f64, max_km: f64) -> Result<PlaceMatch, PlaceError> {
        if !is_lat_lon(lat, lon) {
            return Err(PlaceError::BadCoordinates {
                query: crate::io::clip(query),
            });
        }
        let Some((distance_km, index)) = self.nearest_place(lat, lon) else {
            return Err(PlaceError::NoNodes {
                query: crate::io::clip(query),
            });
        };
        if distance_km > max_km {
            // Latitude and longitude swapped is the commonest slip with coordinates.
            let in_range = is_lat_lon(lon, lat);
            let swapped = (lat != lon && in_range)
                .then(|| self.nearest_place(lon, lat))
                .flatten()
                .filter(|&(km, _)| km <= max_km)
                .map(|_| format!("{lon},{lat}"));
            return Err(PlaceError::TooFar {
                query: crate::io::clip(query),
                nearest: self.nodes[index].name.clone(),
                distance_km,
                max_km,
                swapped,
            });
        }
        Ok(PlaceMatch::Snapped {
            node: NodeId::from_index(index),
            distance_km,
        })
    }

    /// The nearest node that is not a sea passage: (km, index). A linear scan: corridor
    /// networks have a few hundred nodes; large geographic networks are snapped with an R-tree
    /// in the geographic engine instead.
    fn nearest_place(&self, lat: f64, lon: f64) -> Option<(f64, usize)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.kind != NodeKind::SeaPassage)
            .map(|(index, node)| (haversine_km(lat, lon, node.lat, node.lon), index))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
    }

    /// Nodes whose name, alias or id contains the normalized query, in node order; all nodes
    /// for an empty query.
    pub fn search_places(&self, query: &str) -> Vec<NodeId> {
        let normalized = normalize_place_name(query);
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| {
                normalized.is_empty()
                    || std::iter::once(&node.name)
                        .chain(node.aliases.iter())
                        .chain(std::iter::once(&node.key))
                        .any(|name| normalize_place_name(name).contains(&normalized))
                    || node.country.as_str().eq_ignore_ascii_case(query.trim())
            })
            .map(|(index, _)| NodeId::from_index(index))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_case_diacritics_and_punctuation() {
        assert_eq!(normalize_place_name("Małaszewicze"), "malaszewicze");
        assert_eq!(normalize_place_name("Xi'an"), "xian");
        assert_eq!(normalize_place_name("Alma-Ata"), "almaata");
        assert_eq!(normalize_place_name("Constanța"), "constanta");
        assert_eq!(normalize_place_name("ŁÓDŹ"), "lodz");
        assert_eq!(normalize_place_name("Türkmenbaşy"), "turkmenbasy");
    }

    #[test]
    fn lat_lon_parses_two_numbers() {
        assert_eq!(parse_lat_lon("43.65,51.17"), Some((43.65, 51.17)));
        assert_eq!(parse_lat_lon(" 43.65 , -51.17 "), Some((43.65, -51.17)));
        assert_eq!(parse_lat_lon("Aktau"), None);
        assert_eq!(parse_lat_lon("1,2,3"), None);
    }
}
