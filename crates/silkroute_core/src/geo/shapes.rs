//! Drawing the links of a corridor network along geographic networks (`silkroute network
//! shapes`): each end snaps to the rail network (rail and road links, within 60 km) or the sea
//! network (sea and ferry links, within 400 km), the shortest path between them is the link's
//! line, simplified by Douglas–Peucker and stored as an encoded polyline in `shapes.csv`; the
//! links whose curated and network lengths differ are reported with the reason a curator gave.

use super::{
    BidirectionalDijkstra, GeoArcId, GeoNetwork, GeoNodeId, LinkNote, PassageChoice, Snapper,
    great_circle_km,
};
use crate::network::{Mode, Network};
use std::collections::BTreeMap;

/// How links are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapesOptions {
    /// Source id written for rail shapes (must be in SOURCES.toml).
    pub rail_source: String,
    /// Source id written for sea shapes.
    pub sea_source: String,
    /// Douglas–Peucker tolerance of the stored lines, km.
    pub tolerance_km: f64,
    /// Report links whose curated and network lengths differ by more than this share.
    pub report_share: f64,
    /// Store no line for a link whose network length differs by more than this share (a
    /// detour around a gap in the geographic network would draw nonsense).
    pub max_share: f64,
}

/// Largest snapping distance of a rail or road link's ends, km.
pub const RAIL_SNAP_KM: f64 = 60.0;
/// Largest snapping distance of a sea or ferry link's ends, km (ports lie off the lanes).
pub const SEA_SNAP_KM: f64 = 400.0;

/// A link whose line differs from its curated length, or that could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedLink {
    /// The link's id.
    pub link: String,
    /// Its curated length, km.
    pub curated_km: f64,
    /// Its length on the geographic network, km, when drawn.
    pub network_km: Option<f64>,
    /// How it differs, or why it has no line.
    pub difference: String,
    /// The curator's note, when `notes` has one.
    pub note: Option<LinkNote>,
}

/// The drawn links.
#[derive(Debug, Clone, PartialEq)]
pub struct Shapes {
    /// The `shapes.csv` file.
    pub csv: String,
    /// Lines written.
    pub lines: usize,
    /// Links reported, in link order.
    pub reported: Vec<ReportedLink>,
    /// Notes about links that are not reported (stale notes).
    pub unused_notes: Vec<LinkNote>,
}

/// Why links cannot be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShapesError {
    /// A negative or NaN tolerance.
    #[error("tolerance_km {value}: must be ≥ 0")]
    BadTolerance {
        /// The value given.
        value: f64,
    },
    /// A note about a link the network does not have.
    #[error("{file}:{line}: link_id: unknown link `{link}` (not in links.csv)")]
    UnknownLink {
        /// The notes file.
        file: String,
        /// Its line.
        line: u64,
        /// The link id.
        link: String,
    },
}

/// A CSV field, quoted when it has to be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Draws every link of `network` on `rail` (rail and road links) or `sea` (sea and ferry
/// links), the ice passages avoided as in `geo route`; `notes` (from the file `notes_file`)
/// give the reasons of reported links.
///
/// # Errors
/// [`ShapesError`] for a bad tolerance or a note about an unknown link.
pub fn draw_links(
    network: &Network,
    rail: &GeoNetwork,
    sea: &GeoNetwork,
    notes: Vec<LinkNote>,
    notes_file: &str,
    options: &ShapesOptions,
) -> Result<Shapes, ShapesError> {
    if options.tolerance_km.is_nan() || options.tolerance_km < 0.0 {
        return Err(ShapesError::BadTolerance {
            value: options.tolerance_km,
        });
    }
    let mut notes_by_link: BTreeMap<String, LinkNote> = BTreeMap::new();
    for note in notes {
        if network.link_by_key(&note.link).is_none() {
            return Err(ShapesError::UnknownLink {
                file: notes_file.to_string(),
                line: note.line,
                link: note.link,
            });
        }
        notes_by_link.insert(note.link.clone(), note);
    }
    let geos = [rail, sea];
    let snappers = [Snapper::new(&rail.graph), Snapper::new(&sea.graph)];
    // Ice passages stay closed, as in `geo route`'s default.
    let filter = |geo: &GeoNetwork| {
        let avoided = geo
            .passages
            .avoided(&PassageChoice::default())
            .expect("the default choice names no passage");
        geo.passages.filter(&avoided)
    };
    let filters = [filter(rail), filter(sea)];
    let allows =
        |which: usize, arc: GeoArcId| filters[which].as_ref().is_none_or(|f| f.allows(arc));
    let components = [
        rail.graph.components_where(|arc| allows(0, arc)),
        sea.graph.components_where(|arc| allows(1, arc)),
    ];
    let usable = |which: usize, node: GeoNodeId| {
        geos[which]
            .graph
            .arcs(node)
            .any(|(arc, _, _)| allows(which, arc))
    };
    let mut searches = [
        BidirectionalDijkstra::new(&rail.graph),
        BidirectionalDijkstra::new(&sea.graph),
    ];
    let mut csv = String::from("link_id,network,network_km,snap_km,shape_source,polyline\n");
    let mut lines = 0;
    let mut reported = Vec::new();
    let mut report = |link: &str, curated_km: f64, network_km: Option<f64>, difference: String| {
        reported.push(ReportedLink {
            link: link.to_string(),
            curated_km,
            network_km,
            difference,
            note: notes_by_link.remove(link),
        });
    };
    for link in network.links() {
        let which = usize::from(matches!(link.mode, Mode::Sea | Mode::Ferry));
        let max_snap = if which == 0 {
            RAIL_SNAP_KM
        } else {
            SEA_SNAP_KM
        };
        let (from, to) = (network.node(link.from), network.node(link.to));
        let (graph, snapper) = (&geos[which].graph, &snappers[which]);
        let Some(a) = snapper.nearest_where(from.lat, from.lon, max_snap, |n| usable(which, n))
        else {
            report(
                &link.key,
                link.length_km,
                None,
                format!("{} has no node within {max_snap} km", from.name),
            );
            continue;
        };
        let component = components[which][a.node.index()];
        let Some(b) = snapper.nearest_where(to.lat, to.lon, max_snap, |n| {
            components[which][n.index()] == component
        }) else {
            report(
                &link.key,
                link.length_km,
                None,
                format!(
                    "{} is not connected to {} within {max_snap} km",
                    to.name, from.name
                ),
            );
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
        let line = super::simplify_line(&points, options.tolerance_km);
        let snap_km = a.distance_km + b.distance_km;
        let share = (network_km - link.length_km) / link.length_km;
        let direct = great_circle_km((from.lat, from.lon), (to.lat, to.lon));
        if share.abs() > options.max_share {
            report(
                &link.key,
                link.length_km,
                Some(network_km),
                format!(
                    "{:+.0}%, no line stored (great circle {direct:.0} km, snaps {snap_km:.1} km)",
                    share * 100.0
                ),
            );
            continue;
        }
        csv.push_str(&format!(
            "{},{},{:.1},{:.1},{},{}\n",
            csv_field(&link.key),
            if which == 0 { "rail" } else { "sea" },
            network_km,
            snap_km,
            csv_field(if which == 0 {
                &options.rail_source
            } else {
                &options.sea_source
            }),
            csv_field(&crate::io::encode_polyline(&line))
        ));
        lines += 1;
        if share.abs() > options.report_share {
            report(
                &link.key,
                link.length_km,
                Some(network_km),
                format!(
                    "{:+.0}% (great circle {direct:.0} km, snaps {snap_km:.1} km)",
                    share * 100.0
                ),
            );
        }
    }
    Ok(Shapes {
        csv,
        lines,
        reported,
        unused_notes: notes_by_link.into_values().collect(),
    })
}

impl Shapes {
    /// The length report as CSV: `link,curated_km,network_km,difference,reason,note`.
    pub fn report_csv(&self) -> String {
        let mut out = String::from("link,curated_km,network_km,difference,reason,note\n");
        for row in &self.reported {
            out.push_str(&format!(
                "{},{:.0},{},{},{},{}\n",
                csv_field(&row.link),
                row.curated_km,
                row.network_km
                    .map(|km| format!("{km:.0}"))
                    .unwrap_or_default(),
                format_args!("\"{}\"", row.difference.replace('"', "\"\"")),
                row.note.as_ref().map_or("", |n| n.reason.as_str()),
                row.note
                    .as_ref()
                    .map_or(String::new(), |n| csv_field(&n.note))
            ));
        }
        out
    }
}
