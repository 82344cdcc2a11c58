//! Integration tests of the library, one test binary with a module per topic (ripgrep's
//! layout): the architecture's dependency rule, the embedded default network, its freight
//! assignment, the shipped observations, and conformance on the TNTP research networks.

mod architecture;
mod default_network;
mod freight;
mod levers;
mod model;
mod observed;
mod scenarios;
mod services;
mod tntp_conformance;
