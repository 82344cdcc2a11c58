//! # silkroute_core
//!
//! Brief overview: the domain library of silkroute, a freight-routing engine for the Eurasian
//! corridors. In reading order:
//!
//! - [`network`]: the corridor network model, its builder, the network folder format and the
//!   default network embedded at build time;
//! - [`route`]: best routes by time, cost, CO2e or generalized cost, alternatives by corridor,
//!   exact Pareto sets;
//! - [`geo`]: geographic networks (OpenStreetMap rail and road, shipping lanes) with their
//!   readers, caches and packs, contraction hierarchies, snapping, healing;
//! - [`assign`]: static traffic assignment (Frank–Wolfe family, Algorithm B) and the TNTP and
//!   GMNS readers of its research networks;
//! - [`report`]: every output schema;
//! - [`freight`]: the freight demand of a dataset assigned to the corridor network;
//! - [`scenario`]: networks changed by lists of edits keyed by stable ids (checked like the
//!   loader, undoable), and comparisons of two route or freight reports;
//! - [`io`]: plumbing every reader shares (CSV rows with line numbers, errors).
//!
//! The library knows nothing of terminals, HTTP or command lines; it never prints and never
//! reads environment variables.
//!
//! ```
//! use silkroute_core::{network, route};
//! let (network, _warnings) = network::load_default().expect("the embedded network is valid");
//! let from = network.find_place("Lianyungang", 0.0).unwrap().node();
//! let to = network.find_place("duisburg", 0.0).unwrap().node();
//! let options = route::RouteOptions::defaults(&network);
//! let routes = route::alternatives(&network, &options, from, to, 3).unwrap();
//! assert!(!routes.is_empty());
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)]
// Library code states why a value cannot be missing (`expect`) instead of unwrapping.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
#![warn(missing_docs)]

/// Adds `index` and `from_index` to dense ids (`struct NodeId(pub u32)`): the conversions
/// between an id and the position of its element in the vector it numbers, so that no code
/// needs `id.0 as usize`. Defined before the modules so that every module's typed ids share it.
macro_rules! dense_id {
    ($($id:ident),+ $(,)?) => {$(
        impl $id {
            /// The position of the element this id numbers.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the element at `index`.
            ///
            /// # Panics
            /// If `index` does not fit in 32 bits (ids number dense vectors, which the readers
            /// and builders keep far below that).
            #[inline]
            pub fn from_index(index: usize) -> Self {
                Self(u32::try_from(index).expect("a dense index fits in 32 bits"))
            }
        }
    )+};
}

pub mod assign;
pub mod freight;
pub mod geo;
pub mod io;
pub mod model;
pub mod network;
pub mod observe;
pub mod report;
pub mod route;
pub mod scenario;
pub mod sim;
pub mod simulate;

pub use network::{LinkId, Network, NodeId};
pub use route::{Criteria, Itinerary, Objective, RouteOptions};
