//! The OpenStreetMap PBF railway reader (`geo::read_osm_rail_from`) on the input's bytes,
//! with default options and with every option on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::{OsmRailOptions, read_osm_rail_from};
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let every = OsmRailOptions {
        include_sidings: true,
        include_yards: true,
        include_narrow_gauge: true,
        gauges_mm: vec![1435, 1520],
    };
    for options in [OsmRailOptions::default(), every] {
        let Ok(network) =
            read_osm_rail_from("fuzz.osm.pbf", Cursor::new(data), &options, &mut |_| {
                std::ops::ControlFlow::Continue(())
            })
        else {
            return;
        };
        assert_eq!(network.summary.edges, network.edges.len() as u64);
        assert!(network.edges.iter().all(|edge| edge.km.is_finite()));
    }
});
