//! `silkroute network shapes`: draw each link of a corridor network along a geographic network
//! and compare lengths.

use anyhow::{Context, Result, bail};
use silkroute_core::geo::{BidirectionalDijkstra, Snapper, great_circle_km, simplify_line};
use silkroute_core::geo::{EmbeddedGeo, GeoNetwork, LinkNote, load_geo_dir, load_link_notes};
use silkroute_core::io::encode_polyline;
use silkroute_core::network::Mode;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `silkroute network shapes`.
#[derive(Debug, clap::Args)]
pub struct ShapesArgs {
    /// Where to write shapes.csv.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Rail network for rail and road links: `rail` (embedded) or a folder.
    #[arg(long, default_value = "rail", value_name = "rail|DIR")]
    pub rail: PathBuf,
    /// Sea network for sea and ferry links: `sea` (embedded) or a folder.
    #[arg(long, default_value = "sea", value_name = "sea|DIR")]
    pub sea: PathBuf,
    /// Source id written for rail shapes (must be in SOURCES.toml).
    #[arg(long, default_value = "D_SHAPE_OSM_RAIL")]
    pub rail_source: String,
    /// Source id written for sea shapes.
    #[arg(long, default_value = "D_SHAPE_MARNET")]
    pub sea_source: String,
    /// Douglas–Peucker tolerance of the stored lines, km.
    #[arg(long, default_value_t = 1.0, value_name = "KM")]
    pub tolerance_km: f64,
    /// Report links whose curated and network lengths differ by more than this share.
    #[arg(long, default_value_t = 0.15)]
    pub report_share: f64,
    /// Store no line for a link whose network length differs by more than this share (a
    /// detour around a gap in the geographic network would draw nonsense).
    #[arg(long, default_value_t = 0.5)]
    pub max_share: f64,
    /// Why reported links differ (CSV `link_id,reason,note`): copied into the report's `reason`
    /// and `note` columns.
    #[arg(long, value_name = "FILE")]
    pub notes: Option<PathBuf>,
}

fn load_geo(spec: &Path) -> Result<GeoNetwork> {
    match spec.to_str() {
        Some("rail") => Ok(EmbeddedGeo::Rail.load()?.0),
        Some("sea") => Ok(EmbeddedGeo::Sea.load()?.0),
        _ => load_geo_dir(spec).with_context(|| format!("cannot load {}", spec.display())),
    }
}

/// A CSV field, quoted when it has to be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Runs `silkroute network shapes`.
pub fn run(data: Option<&Path>, args: &ShapesArgs, out: &mut dyn Write) -> Result<()> {
    if args.tolerance_km.is_nan() || args.tolerance_km < 0.0 {
        bail!("--tolerance-km must be ≥ 0");
    }
    let network = super::load_network(data)?;
    let mut notes: BTreeMap<String, LinkNote> = BTreeMap::new();
    if let Some(path) = &args.notes {
        for note in load_link_notes(path)? {
            if network.link_by_key(&note.link).is_none() {
                bail!(
                    "{}:{}: link_id: unknown link `{}` (not in links.csv)",
                    path.display(),
                    note.line,
                    note.link
                );
            }
            notes.insert(note.link.clone(), note);
        }
    }
    let geos = [load_geo(&args.rail)?, load_geo(&args.sea)?];
    let snappers = [Snapper::new(&geos[0].graph), Snapper::new(&geos[1].graph)];
    // Ice passages stay closed, as in `geo route`'s default.
    let filter = |geo: &GeoNetwork| -> Result<_> {
        let avoided =
            super::geo::avoided_passages(&geo.passages, &super::geo::PassageArgs::default())?;
        Ok(geo.passages.filter(&avoided))
    };
    let filters = [filter(&geos[0])?, filter(&geos[1])?];
    let allows = |which: usize, arc: usize| filters[which].as_ref().is_none_or(|f| f.allows(arc));
    let components = [
        geos[0].graph.components_where(|arc| allows(0, arc)),
        geos[1].graph.components_where(|arc| allows(1, arc)),
    ];
    let usable = |which: usize, node: u32| {
        geos[which]
            .graph
            .arcs(node)
            .any(|(arc, _, _)| allows(which, arc))
    };
    let mut searches = [
        BidirectionalDijkstra::new(&geos[0].graph),
        BidirectionalDijkstra::new(&geos[1].graph),
    ];
    let mut csv = String::from("link_id,network,network_km,snap_km,shape_source,polyline\n");
    let mut rows = Vec::new();
    for link in network.links() {
        let which = usize::from(matches!(link.mode, Mode::Sea | Mode::Ferry));
        let max_snap = if which == 0 { 60.0 } else { 400.0 };
        let (from, to) = (network.node(link.from), network.node(link.to));
        let (graph, snapper) = (&geos[which].graph, &snappers[which]);
        let Some(a) = snapper.nearest_where(from.lat, from.lon, max_snap, |n| usable(which, n))
        else {
            rows.push((
                link.key.clone(),
                link.length_km,
                None,
                format!("{} has no node within {max_snap} km", from.name),
            ));
            continue;
        };
        let component = components[which][a.node as usize];
        let Some(b) = snapper.nearest_where(to.lat, to.lon, max_snap, |n| {
            components[which][n as usize] == component
        }) else {
            rows.push((
                link.key.clone(),
                link.length_km,
                None,
                format!(
                    "{} is not connected to {} within {max_snap} km",
                    to.name, from.name
                ),
            ));
            continue;
        };
        let Some(path) = searches[which].path_where(graph, a.node, b.node, filters[which].as_ref())
        else {
            continue;
        };
        let network_km = path.length_m as f64 / 1000.0;
        let mut points = vec![(from.lat, from.lon)];
        points.extend(path.nodes.iter().map(|&n| graph.coord(n)));
        points.push((to.lat, to.lon));
        let line = simplify_line(&points, args.tolerance_km);
        let snap_km = a.distance_km + b.distance_km;
        let share = (network_km - link.length_km) / link.length_km;
        let direct = great_circle_km((from.lat, from.lon), (to.lat, to.lon));
        if share.abs() > args.max_share {
            rows.push((
                link.key.clone(),
                link.length_km,
                Some(network_km),
                format!(
                    "{:+.0}%, no line stored (great circle {direct:.0} km, snaps {snap_km:.1} km)",
                    share * 100.0
                ),
            ));
            continue;
        }
        csv.push_str(&format!(
            "{},{},{:.1},{:.1},{},{}\n",
            link.key,
            if which == 0 { "rail" } else { "sea" },
            network_km,
            snap_km,
            if which == 0 {
                &args.rail_source
            } else {
                &args.sea_source
            },
            encode_polyline(&line)
        ));
        if share.abs() > args.report_share {
            rows.push((
                link.key.clone(),
                link.length_km,
                Some(network_km),
                format!(
                    "{:+.0}% (great circle {direct:.0} km, snaps {snap_km:.1} km)",
                    share * 100.0
                ),
            ));
        }
    }
    std::fs::write(&args.out, &csv)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    writeln!(out, "link,curated_km,network_km,difference,reason,note")?;
    for (key, curated, network_km, why) in &rows {
        let note = notes.remove(key);
        writeln!(
            out,
            "{key},{curated:.0},{},\"{why}\",{},{}",
            network_km.map(|km| format!("{km:.0}")).unwrap_or_default(),
            note.as_ref().map_or("", |n| n.reason.as_str()),
            note.as_ref().map_or(String::new(), |n| csv_field(&n.note))
        )?;
    }
    for note in notes.values() {
        eprintln!(
            "warning: {}:{}: link `{}` has a note but is not reported",
            args.notes.as_deref().unwrap_or(Path::new("")).display(),
            note.line,
            note.link
        );
    }
    eprintln!(
        "{} links, {} shapes written to {}, {} reported",
        network.link_count(),
        csv.lines().count() - 1,
        args.out.display(),
        rows.len()
    );
    Ok(())
}
