use super::*;
use std::path::Path;

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata"))
}

fn mini() -> Network {
    crate::network::load_dir(&dir().join("mini"))
        .expect("mini loads")
        .0
}

fn file(name: &str) -> (String, Vec<u8>) {
    let bytes = std::fs::read(dir().join("observed_mini").join(name)).expect("fixture");
    (name.to_string(), bytes)
}

fn parse_with(edit: impl Fn(&str) -> String) -> Result<Observations, LoadError> {
    let (name, bytes) = file("observations.csv");
    let text = edit(std::str::from_utf8(&bytes).expect("UTF-8"));
    parse_observations(&(name, text.into_bytes()), &file("SOURCES.toml"), &mini())
}

#[test]
fn the_fixture_reads_with_places_lines_corridors_and_ranges() {
    let network = mini();
    let observed = parse_with(str::to_string).expect("valid");
    assert_eq!(observed.sources.len(), 2);
    let ids: Vec<&str> = observed.rows.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "tt_east_west_2024",
            "tt_east_madrid_2024",
            "vol_border_2023",
            "sv_ferry_2024",
            "sh_china_europe_2022"
        ]
    );
    assert_eq!(observed.rows[2].flows, "china_eu");
    assert_eq!(observed.rows[0].flows, "");
    let first = &observed.rows[0];
    assert_eq!(first.kind, ObsKind::TransitTime);
    assert_eq!(first.unit, Unit::Days);
    assert_eq!(
        (first.value, first.low, first.high),
        (14.0, Some(12.0), Some(16.0))
    );
    assert_eq!(
        first.origin,
        Some(PlaceRef::Node(
            network.node_by_key("east_city").expect("node")
        ))
    );
    assert_eq!(first.line, 3, "the comment and the header come first");
    assert_eq!(
        observed.rows[1].destination,
        Some(PlaceRef::Outside("Madrid".to_string()))
    );
    assert_eq!(observed.rows[2].sources, ["O_TEST_PORT", "O_TEST_OPERATOR"]);
    assert!(matches!(
        observed.rows[3].facility,
        Some(FacilityRef::Line(..))
    ));
    assert_eq!(observed.rows[4].corridor.as_deref(), Some("china_europe"));
}

#[test]
fn bad_rows_are_errors_naming_line_and_field() {
    let cases: &[(&str, &str, &str)] = &[
        (",14,12,16,", ",14,15,16,", "low: 15 is above the value 14"),
        (",14,12,16,", ",14,12,13,", "high: 13 is below the value 14"),
        (
            "transit_time,2024,,east_city",
            "transit_time,2024,,nowhere",
            "origin: unknown node `nowhere`",
        ),
        (
            "east_city,west_city",
            "east_city,",
            "destination: a transit_time needs an origin and a destination (or, at one place, a facility)",
        ),
        (
            "terminal_to_terminal,days",
            "terminal_to_terminal,teu",
            "unit: `teu` does not fit kind `transit_time`",
        ),
        (
            "transit_time,2024,,east",
            "travel_time,2024,,east",
            "kind: unknown value `travel_time`",
        ),
        (",northern,", ",arctic,", "corridor: unknown value `arctic`"),
        (
            ",china_eu",
            ",china_mars",
            "flows: unknown value `china_mars`",
        ),
        (
            "O_TEST_OPERATOR,\"Scheduled",
            "O_NOPE,\"Scheduled",
            "source: unknown source id `O_NOPE`",
        ),
        (
            "tt_east_madrid_2024",
            "tt_east_west_2024",
            "obs_id: duplicate id `tt_east_west_2024` (first defined on line 3)",
        ),
        (
            ",percent,4.5,",
            ",percent,104.5,",
            "value: 104.5 is outside [0, 100]",
        ),
        ("transit,,facility,teu", "transit,,facility,teu", ""),
        (
            ",,border_kz,,transit",
            ",,,,transit",
            "facility: a volume needs a facility",
        ),
        (
            "express,terminal_to_terminal",
            "express,anywhere",
            "scope: unknown value `anywhere`",
        ),
        (
            "westbound,express",
            "northbound,express",
            "direction: unknown value `northbound`",
        ),
        (",days,14,", ",days,-14,", "value: must be ≥ 0"),
        (",,border_kz,,transit,,facility", ",,,,transit,,network", ""),
        ("east_city,west_city,,northern", ",,border_kz,northern", ""),
        (
            "east_city,west_city,,northern",
            "east_city,,border_kz,northern",
            "destination: a transit_time needs",
        ),
        (
            "terminal_to_terminal,days,14,12,16",
            "terminal_to_terminal,percent,14,12,16",
            "",
        ),
        ("volume,2023,,,,border_kz", "capacity,2023,,,,border_kz", ""),
        ("2024,,east_city", "1500,,east_city", "year:"),
    ];
    for &(from, to, expected) in cases {
        let result = parse_with(|text| {
            assert!(text.contains(from), "{from} not in the fixture");
            text.replacen(from, to, 1)
        });
        if expected.is_empty() {
            assert!(result.is_ok(), "{from} → {to}: {:?}", result.err());
            continue;
        }
        let error = result.expect_err(to).to_string();
        assert!(error.starts_with("observations.csv:"), "{error}");
        assert!(
            error.contains(expected),
            "{to}: `{error}` lacks `{expected}`"
        );
    }
}

#[test]
fn every_kind_has_units_and_names_round_trip() {
    for &(kind, name) in ObsKind::ALL {
        assert_eq!(ObsKind::parse(name), Some(kind));
        assert_eq!(kind.as_str(), name);
        assert!(!kind.units().is_empty());
    }
    for &(unit, name) in Unit::ALL {
        assert_eq!(Unit::parse(name), Some(unit));
    }
}

#[test]
fn regions_name_nodes_and_refuse_what_is_not_a_region() {
    let network = mini();
    let csv = |text: &str| ("regions.csv".to_string(), text.as_bytes().to_vec());
    let regions = parse_regions(
        &csv("region,places,note\n?East,east_city|east_port|east_city,both\n?West,west_city,\n"),
        &network,
    )
    .expect("valid");
    assert_eq!(regions.len(), 2);
    assert_eq!(regions[0].name, "East");
    assert_eq!(regions[0].places.len(), 2, "a node given twice counts once");
    for (text, expected) in [
        (
            "region,places\nEast,east_city\n",
            "regions.csv:2: region: `East` is not written `?Name`",
        ),
        ("region,places\n?,east_city\n", "regions.csv:2: region:"),
        (
            "region,places\n?E,east_city\n?E,west_city\n",
            "regions.csv:3: region: `?E` is given twice",
        ),
        (
            "region,places\n?E,atlantis\n",
            "regions.csv:2: places: unknown node `atlantis`",
        ),
        (
            "region,places\n?E,\n",
            "regions.csv:2: places: a region needs at least one node",
        ),
        ("region\n?E\n", "regions.csv"),
    ] {
        let error = parse_regions(&csv(text), &network)
            .expect_err(text)
            .to_string();
        assert!(error.contains(expected), "{text:?}: {error}");
    }
}
