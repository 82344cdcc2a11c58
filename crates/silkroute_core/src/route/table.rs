//! Many-to-many tables of best routes: [`TableRequest`] → [`TableQuery`] → [`plan_table`] →
//! [`Table`], one one-to-all search ([`super::reach()`]'s) per source, each cell the best route a
//! route query between its two places finds.

use super::reach::ArcSearch;
use super::request::{PlacesError, resolve_places};
use super::{Criteria, RequestError, RouteOptions, RouteRequest, Scope, classify_corridor};
use crate::network::{ArcId, CorridorId, Network, NodeId, PlaceMatch};

/// Most places a table request may name.
pub const MAX_TABLE_PLACES: usize = 200;

/// One cell of a [`Table`]: the best route's totals and corridor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableCell {
    /// Totals of the best route (zero from a place to itself).
    pub criteria: Criteria,
    /// Its corridor (`None`: regional, or a place to itself).
    pub corridor: Option<CorridorId>,
}

/// A many-to-many table of best routes.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The rows' places.
    pub sources: Vec<NodeId>,
    /// The columns' places.
    pub destinations: Vec<NodeId>,
    /// `cells[row][column]`: the best route from the row's place to the column's, `None` when
    /// there is none.
    pub cells: Vec<Vec<Option<TableCell>>>,
}

/// The best route by the scope's objective from each of `sources` to each of `destinations`:
/// one one-to-all search per source, on the rayon pool. Each cell is the best route
/// [`super::shortest_path`] finds, totals and corridor as its itinerary has them; a place to
/// itself is zero; a source or destination the scope avoids has no routes. The result does not
/// depend on the number of threads (each row is its own search).
///
/// # Complexity
/// S one-to-all searches: O(S (A + T) log A) time, O(A + N) extra space per thread.
///
/// # Example
/// ```
/// use silkroute_core::network::load_default;
/// use silkroute_core::route::{RouteOptions, Scope, table};
/// let (network, _) = load_default().unwrap();
/// let place = |name| network.find_place(name, 0.0).unwrap().node();
/// let places = [place("Xian"), place("Almaty"), place("Duisburg")];
/// let scope = Scope::new(&network, &RouteOptions::defaults(&network));
/// let table = table(&scope, &places, &places);
/// assert_eq!(table.cells[0][0].unwrap().criteria.hours, 0.0);
/// assert!(table.cells[0][2].unwrap().criteria.hours > table.cells[0][1].unwrap().criteria.hours);
/// ```
pub fn table(scope: &Scope<'_>, sources: &[NodeId], destinations: &[NodeId]) -> Table {
    use rayon::prelude::*;
    let network = scope.network();
    let cells = sources
        .par_iter()
        .map_init(
            || (ArcSearch::new(network), Vec::new()),
            |(search, arcs), &source| table_row(scope, search, arcs, source, destinations),
        )
        .collect();
    Table {
        sources: sources.to_vec(),
        destinations: destinations.to_vec(),
        cells,
    }
}

fn table_row(
    scope: &Scope<'_>,
    search: &mut ArcSearch,
    arcs: &mut Vec<ArcId>,
    source: NodeId,
    destinations: &[NodeId],
) -> Vec<Option<TableCell>> {
    let network = scope.network();
    let itself = TableCell {
        criteria: Criteria::ZERO,
        corridor: None,
    };
    if !scope.is_node_allowed(source) {
        return destinations
            .iter()
            .map(|&destination| (destination == source).then_some(itself))
            .collect();
    }
    search.run(scope, &[source], None);
    let finishes = search.finishes(scope);
    destinations
        .iter()
        .map(|&destination| {
            if destination == source {
                return Some(itself);
            }
            let (last, criteria) = (*finishes.get(destination.index())?)?;
            search.path_into(last, arcs);
            let links = arcs.iter().map(|&arc| network.arc(arc).link);
            Some(TableCell {
                criteria,
                corridor: classify_corridor(network, links),
            })
        })
        .collect()
}

/// A table request as front ends receive it: places as text, which of them are sources and
/// destinations (all by default), and a route request for the options (objective, year,
/// things avoided, ...; its `from` and `to` must be `None`).
///
/// # Example
/// ```
/// use silkroute_core::network::load_default;
/// use silkroute_core::route::{Objective, RouteRequest, TableRequest, plan_table};
/// let (network, _) = load_default().unwrap();
/// let request = TableRequest {
///     places: vec!["Xian".into(), "Almaty".into(), "Duisburg".into()],
///     sources: Some(vec![0]),
///     route: RouteRequest { objective: Objective::Time, ..RouteRequest::default() },
///     ..TableRequest::default()
/// };
/// let query = request.resolve(&network).unwrap();
/// let table = plan_table(&network, &query);
/// assert_eq!((table.cells.len(), table.cells[0].len()), (1, 3));
/// // A bad index names its field.
/// let bad = TableRequest { destinations: Some(vec![3]), ..request };
/// assert_eq!(bad.resolve(&network).unwrap_err().field(), "destinations");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableRequest {
    /// Places: names, aliases, ids or `lat,lon`; 1 to [`MAX_TABLE_PLACES`].
    pub places: Vec<String>,
    /// Indices into `places` of the rows (`None`: every place).
    pub sources: Option<Vec<usize>>,
    /// Indices into `places` of the columns (`None`: every place).
    pub destinations: Option<Vec<usize>>,
    /// The route options (its `from` and `to` must be `None`).
    pub route: RouteRequest,
}

/// A table request resolved against a network.
#[derive(Debug, Clone, PartialEq)]
pub struct TableQuery {
    /// The rows' places.
    pub sources: Vec<PlaceMatch>,
    /// The columns' places.
    pub destinations: Vec<PlaceMatch>,
    /// The route options.
    pub options: RouteOptions,
    /// The things avoided, as the request wrote them (for reports).
    pub avoid_text: Vec<String>,
}

/// Why a table request cannot be answered. Each variant names the request field at fault
/// ([`TableError::field`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    /// A route option at fault.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The places at fault.
    #[error(transparent)]
    Places(#[from] PlacesError),
    /// An index that is not a position in `places`.
    #[error("{field} {index}: not a place (expected an index from 0 to {last})")]
    Index {
        /// `sources` or `destinations`.
        field: &'static str,
        /// The index given.
        index: usize,
        /// The last index of `places`.
        last: usize,
    },
    /// An empty or too long list of indices.
    #[error("{field}: {count} indices, expected 1 to {MAX_TABLE_PLACES}")]
    IndexCount {
        /// `sources` or `destinations`.
        field: &'static str,
        /// The number given.
        count: usize,
    },
}

impl TableError {
    /// The request field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            TableError::Request(error) => error.field(),
            TableError::Places(error) => error.field(),
            TableError::Index { field, .. } | TableError::IndexCount { field, .. } => field,
        }
    }
}

impl TableRequest {
    /// Checks what does not depend on a network: the number of places, the indices and the
    /// route options ([`RouteRequest::validate`]).
    ///
    /// # Errors
    /// [`TableError`] naming the field.
    pub fn validate(&self) -> Result<(), TableError> {
        self.route.validate()?;
        PlacesError::check(&self.route, &self.places, MAX_TABLE_PLACES)?;
        for (field, indices) in [
            ("sources", &self.sources),
            ("destinations", &self.destinations),
        ] {
            let Some(indices) = indices else {
                continue;
            };
            if indices.is_empty() || indices.len() > MAX_TABLE_PLACES {
                return Err(TableError::IndexCount {
                    field,
                    count: indices.len(),
                });
            }
            if let Some(&index) = indices.iter().find(|&&i| i >= self.places.len()) {
                return Err(TableError::Index {
                    field,
                    index,
                    last: self.places.len() - 1,
                });
            }
        }
        Ok(())
    }

    /// Checks the request and resolves it against `network`: places found, options completed
    /// with the dataset's defaults. A place the options avoid is no error: its routes are
    /// missing from the table (as between places no route connects).
    ///
    /// # Errors
    /// [`TableError`] naming the field at fault.
    pub fn resolve(&self, network: &Network) -> Result<TableQuery, TableError> {
        self.validate()?;
        let places = resolve_places(network, &self.places, self.route.max_snap_km)?;
        let (options, avoid_text) = self.route.options(network)?;
        let pick = |indices: &Option<Vec<usize>>| match indices {
            None => places.clone(),
            Some(indices) => indices
                .iter()
                .filter_map(|&i| places.get(i).copied())
                .collect(),
        };
        Ok(TableQuery {
            sources: pick(&self.sources),
            destinations: pick(&self.destinations),
            options,
            avoid_text,
        })
    }
}

/// Answers a resolved table query ([`table`] on the query's scope).
pub fn plan_table(network: &Network, query: &TableQuery) -> Table {
    let scope = Scope::new(network, &query.options);
    let nodes = |places: &[PlaceMatch]| places.iter().map(PlaceMatch::node).collect::<Vec<_>>();
    table(&scope, &nodes(&query.sources), &nodes(&query.destinations))
}

#[cfg(test)]
mod tests {
    use super::super::{Objective, Plan, Query, plan};
    use super::*;

    fn default_network() -> Network {
        crate::network::load_default()
            .expect("the default network loads")
            .0
    }

    fn request(places: &[&str]) -> TableRequest {
        TableRequest {
            places: places.iter().map(|p| p.to_string()).collect(),
            ..TableRequest::default()
        }
    }

    #[test]
    fn every_cell_of_the_default_network_is_its_best_route() {
        let network = default_network();
        let places: Vec<String> = network.nodes().iter().map(|n| n.key.clone()).collect();
        let request = TableRequest {
            places,
            route: RouteRequest {
                objective: Objective::Time,
                avoid: vec!["GE".into()],
                ..RouteRequest::default()
            },
            ..TableRequest::default()
        };
        let query = request.resolve(&network).expect("valid");
        let table = plan_table(&network, &query);
        assert_eq!(table.cells.len(), network.node_count());
        let mut missing = 0;
        for (i, from) in query.sources.iter().enumerate() {
            for (j, to) in query.destinations.iter().enumerate() {
                let cell = table.cells[i][j];
                if i == j {
                    assert_eq!(cell.map(|c| c.criteria), Some(Criteria::ZERO));
                    continue;
                }
                let route = plan(
                    &network,
                    &Query {
                        from: *from,
                        to: *to,
                        options: query.options.clone(),
                        avoid_text: Vec::new(),
                    },
                    Plan::Alternatives(1),
                )
                .map(|routes| routes.into_iter().next())
                // A place avoided has no routes, as the table says.
                .unwrap_or(None);
                assert_eq!(
                    cell.map(|c| (c.criteria, c.corridor)),
                    route.map(|r| (r.totals, r.corridor)),
                    "{i} → {j}"
                );
                missing += usize::from(cell.is_none());
            }
        }
        // Georgia's places are avoided: their rows and columns are empty.
        assert!(missing > 0);
    }

    #[test]
    fn the_table_is_the_same_on_any_number_of_threads() {
        let network = default_network();
        let places: Vec<String> = network.nodes().iter().map(|n| n.key.clone()).collect();
        let query = request(&places.iter().map(String::as_str).collect::<Vec<_>>())
            .resolve(&network)
            .expect("valid");
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool")
                .install(|| plan_table(&network, &query))
        };
        let one = on(1);
        let bits = |table: &Table| -> Vec<u64> {
            table
                .cells
                .iter()
                .flatten()
                .flat_map(|cell| {
                    cell.map_or([u64::MAX; 3], |c| c.criteria.to_array().map(f64::to_bits))
                })
                .collect()
        };
        for threads in [2, 3] {
            let other = on(threads);
            assert_eq!(other, one);
            assert_eq!(bits(&other), bits(&one));
        }
    }

    #[test]
    fn every_bad_table_request_names_its_field() {
        let network = default_network();
        let many: Vec<&str> = vec!["Xian"; MAX_TABLE_PLACES + 1];
        let cases: Vec<(TableRequest, &str, &str)> = vec![
            (
                request(&[]),
                "places",
                "places: 0 places, expected 1 to 200",
            ),
            (request(&many), "places", "places: 201 places"),
            (
                request(&["Xian", "Atlantis"]),
                "places",
                "places[1]: unknown place `Atlantis`",
            ),
            (
                TableRequest {
                    sources: Some(vec![0, 2]),
                    ..request(&["Xian", "Almaty"])
                },
                "sources",
                "sources 2: not a place (expected an index from 0 to 1)",
            ),
            (
                TableRequest {
                    destinations: Some(vec![]),
                    ..request(&["Xian", "Almaty"])
                },
                "destinations",
                "destinations: 0 indices, expected 1 to 200",
            ),
            (
                TableRequest {
                    route: RouteRequest {
                        payload_t: Some(0.0),
                        ..RouteRequest::default()
                    },
                    ..request(&["Xian"])
                },
                "payload_t",
                "payload_t 0: expected a number of tonnes",
            ),
            (
                TableRequest {
                    route: RouteRequest {
                        to: Some("Duisburg".into()),
                        ..RouteRequest::default()
                    },
                    ..request(&["Xian"])
                },
                "to",
                "to Duisburg: this request takes its places in `places`",
            ),
        ];
        for (request, field, message) in cases {
            let error = request.resolve(&network).expect_err(message);
            assert_eq!(error.field(), field, "{error}");
            assert!(error.to_string().starts_with(message), "{error}");
        }
    }

    #[test]
    fn sources_and_destinations_pick_rows_and_columns() {
        let network = default_network();
        let query = TableRequest {
            sources: Some(vec![2, 0]),
            destinations: Some(vec![1]),
            ..request(&["Xian", "Duisburg", "Almaty"])
        }
        .resolve(&network)
        .expect("valid");
        let name = |place: &PlaceMatch| network.node(place.node()).key.clone();
        assert_eq!(
            query.sources.iter().map(name).collect::<Vec<_>>(),
            ["almaty", "xian"]
        );
        assert_eq!(
            query.destinations.iter().map(name).collect::<Vec<_>>(),
            ["duisburg"]
        );
        let table = plan_table(&network, &query);
        let hours = |row: usize| table.cells[row][0].expect("a route").criteria.hours;
        assert!(hours(0) < hours(1), "Almaty is nearer Duisburg than Xi'an");
    }
}
