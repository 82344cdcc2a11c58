//! Runs the built `silkroute` binary on the default network and on testdata/, one test binary
//! with a module per topic (ripgrep's layout). Reports are compared with golden files in
//! `tests/cli/golden` (regenerate with `UPDATE_GOLDEN=1 cargo test -p silkroute --test cli`).

mod architecture;
mod assign;
mod broken_networks;
mod geo;
mod geo_conformance;
mod geo_readers;
#[cfg(feature = "osm")]
mod import_osm;
mod observed;
mod reach;
mod route;
mod scenario;
#[cfg(feature = "serve")]
mod serve;
mod simulate;
mod support;
