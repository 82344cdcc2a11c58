//! # silkroute_core
//!
//! Brief overview: the domain library of silkroute, a freight-routing engine for the Eurasian
//! corridors. It holds the network model ([`network`]), the readers of network files and the
//! embedded default network ([`io`]), and routing ([`route`]): best routes by time, cost, CO2e
//! or generalized cost, alternatives by corridor, and exact Pareto sets.
//!
//! The library knows nothing of terminals, HTTP or command lines; it never prints and never
//! reads environment variables.
//!
//! ```
//! use silkroute_core::{io, route};
//! let (network, _warnings) = io::load_default().expect("the embedded network is valid");
//! let from = network.find_place("Lianyungang", 0.0).unwrap().node();
//! let to = network.find_place("duisburg", 0.0).unwrap().node();
//! let options = route::RouteOptions::defaults(&network);
//! let routes = route::alternatives(&network, &options, from, to, 3).unwrap();
//! assert!(!routes.is_empty());
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod assign;
pub mod geo;
pub mod io;
pub mod network;
pub mod route;

pub use network::{LinkId, Network, NodeId};
pub use route::{Criteria, Itinerary, Objective, RouteOptions};
