//! `silkroute network shapes`: draw each link of a corridor network along a geographic network
//! and compare lengths (`silkroute_core::geo::draw_links`).

use anyhow::{Context, Result};
use silkroute_core::geo::{
    EmbeddedGeo, GeoNetwork, ShapesError, ShapesOptions, draw_links, load_geo_dir, load_link_notes,
};
use silkroute_core::io::write_atomic;
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
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 1.0,
        value_name = "KM"
    )]
    pub tolerance_km: f64,
    /// Report links whose curated and network lengths differ by more than this share.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.15)]
    pub report_share: f64,
    /// Store no line for a link whose network length differs by more than this share (a
    /// detour around a gap in the geographic network would draw nonsense).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.5)]
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

/// Runs `silkroute network shapes`.
pub fn run(data: Option<&Path>, args: &ShapesArgs, out: &mut dyn Write) -> Result<()> {
    if args.tolerance_km.is_nan() || args.tolerance_km < 0.0 {
        anyhow::bail!("--tolerance-km must be ≥ 0");
    }
    let network = super::load_network(data)?;
    let notes = match &args.notes {
        Some(path) => load_link_notes(path)?,
        None => Vec::new(),
    };
    let notes_file = args
        .notes
        .as_deref()
        .unwrap_or(Path::new(""))
        .display()
        .to_string();
    let (rail, sea) = (load_geo(&args.rail)?, load_geo(&args.sea)?);
    let options = ShapesOptions {
        rail_source: args.rail_source.clone(),
        sea_source: args.sea_source.clone(),
        tolerance_km: args.tolerance_km,
        report_share: args.report_share,
        max_share: args.max_share,
    };
    let shapes = draw_links(&network, &rail, &sea, notes, &notes_file, &options).map_err(
        |error| match error {
            ShapesError::BadTolerance { .. } => anyhow::anyhow!("--tolerance-km must be ≥ 0"),
            other => anyhow::Error::new(other),
        },
    )?;
    write_atomic(&args.out, shapes.csv.as_bytes())?;
    out.write_all(shapes.report_csv().as_bytes())?;
    for note in &shapes.unused_notes {
        eprintln!(
            "warning: {notes_file}:{}: link `{}` has a note but is not reported",
            note.line, note.link
        );
    }
    eprintln!(
        "{} links, {} shapes written to {}, {} reported",
        network.link_count(),
        shapes.lines,
        args.out.display(),
        shapes.reported.len()
    );
    Ok(())
}
