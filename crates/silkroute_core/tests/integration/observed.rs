//! The shipped observations (`data/observed`) load against the default network and cover
//! what issue 10 asks: at least 80 rows from at least 30 publications, 2013–2025, every
//! corridor, every kind of outcome.

use silkroute_core::network::load_default;
use silkroute_core::observe::{ObsKind, read_observations};
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn the_shipped_observations_load_and_cover_the_corridors_and_years() {
    let (network, _) = load_default().expect("default network");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/observed");
    let observed = read_observations(&dir, &network).expect("data/observed is valid");
    assert!(observed.rows.len() >= 80, "{} rows", observed.rows.len());
    let cited: BTreeSet<&str> = observed
        .rows
        .iter()
        .flat_map(|row| row.sources.iter().map(String::as_str))
        .collect();
    let urls: BTreeSet<&str> = observed
        .sources
        .iter()
        .filter(|source| cited.contains(source.key.as_str()))
        .map(|source| source.url.as_str())
        .collect();
    assert!(urls.len() >= 30, "{} distinct pages cited", urls.len());
    let years: BTreeSet<i32> = observed.rows.iter().map(|row| row.year).collect();
    assert!(
        (2013..=2025).all(|year| years.contains(&year)),
        "years {years:?}"
    );
    for corridor in ["northern", "middle", "southern", "sea_suez", "sea_cape"] {
        assert!(
            observed
                .rows
                .iter()
                .any(|row| row.corridor.as_deref() == Some(corridor)),
            "no observation of corridor {corridor}"
        );
    }
    for &(kind, name) in ObsKind::ALL {
        assert!(
            observed.rows.iter().any(|row| row.kind == kind),
            "no {name} observation"
        );
    }
}
