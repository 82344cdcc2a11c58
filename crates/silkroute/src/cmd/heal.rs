//! `silkroute network heal PATH`: close topology gaps in a geographic network
//! (`silkroute_core::geo::heal_network`).

use anyhow::{Context, Result};
use silkroute_core::geo::{HealError, HealOptions, WaterLanes, heal_network, load_geo_patches};
use silkroute_core::io::{Limit, read_limited, write_all_atomic, write_atomic};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `silkroute network heal`.
#[derive(Debug, clap::Args)]
pub struct HealArgs {
    /// The network to heal: a folder with nodes.csv and edges.csv, a GMNS folder (node.csv,
    /// link.csv) or a .geojson file.
    pub dir: PathBuf,
    /// Where to write the healed nodes.csv and edges.csv (edges get a `healed` column).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Longest connector, km.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 2.0,
        value_name = "KM"
    )]
    pub threshold_km: f64,
    /// A gap within one component is real when the network detour exceeds this factor.
    #[arg(long, allow_negative_numbers = true, default_value_t = 3.0)]
    pub detour_factor: f64,
    /// A maritime network (in any of the formats above): connectors never cross its
    /// shipping lanes.
    #[arg(long, value_name = "PATH")]
    pub water: Option<PathBuf>,
    /// Write every connector to this CSV file (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Curated patches to add after healing (CSV `id,lat1,lon1,lat2,lon2,reason,source`, with
    /// the sources in a SOURCES.toml beside it): each end snaps to the nearest node within 1 km,
    /// the edge is the great-circle line, at most 50 km, never across a shipping lane.
    #[arg(long, value_name = "FILE")]
    pub patches: Option<PathBuf>,
}

/// Runs `silkroute network heal`.
pub fn run(args: &HealArgs, out: &mut dyn Write) -> Result<()> {
    let options = HealOptions {
        threshold_km: args.threshold_km,
        detour_factor: args.detour_factor,
    };
    options.validate().map_err(heal_error)?;
    let network = super::geo::load_uncached(&args.dir, "network")?;
    let lanes = match &args.water {
        Some(dir) => {
            let sea = super::geo::load_uncached(dir, "water network")?;
            Some(WaterLanes::new(&sea.graph))
        }
        None => None,
    };
    let (patches, patches_file) = match &args.patches {
        Some(path) => (load_geo_patches(path)?, path.display().to_string()),
        None => (Vec::new(), String::new()),
    };
    let graph = &network.graph;
    let healed = heal_network(graph, options, lanes.as_ref(), &patches, &patches_file)
        .map_err(heal_error)?;
    let (total_km, longest_km) = healed.km(false);
    let patched = if args.patches.is_some() {
        let (patch_km, longest_patch_km) = healed.km(true);
        format!(
            "; {} patches, {patch_km:.1} km in all, longest {longest_patch_km:.2} km",
            healed.connectors.len() - healed.automatic
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "healed {}: {} connectors ({} join components, {} close gaps), {:.1} km in all, longest {:.2} km{patched}; components {} → {}{}",
        args.dir.display(),
        healed.automatic,
        healed.joins(),
        healed.automatic - healed.joins(),
        total_km,
        longest_km,
        healed.components.0,
        healed.components.1,
        if lanes.is_some() {
            "; no connector crosses a shipping lane"
        } else {
            ""
        }
    )?;
    if let Some(path) = &args.report {
        let report = healed.report_csv(graph, &network.ids);
        if path.as_os_str() == "-" {
            out.write_all(report.as_bytes())?;
        } else {
            write_atomic(path, report.as_bytes())?;
        }
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let (nodes, edges) = healed.folder_files(graph, &network.ids);
        let attribution = read_limited(&args.dir.join("ATTRIBUTION"), Limit::LIST_FILE).ok();
        let (nodes_path, edges_path, attribution_path) = (
            dir.join("nodes.csv"),
            dir.join("edges.csv"),
            dir.join("ATTRIBUTION"),
        );
        let mut files: Vec<(&std::path::Path, &[u8])> = vec![
            (&nodes_path, nodes.as_bytes()),
            (&edges_path, edges.as_bytes()),
        ];
        if let Some(text) = &attribution {
            files.push((&attribution_path, text));
        }
        write_all_atomic(&files)?;
    }
    Ok(())
}

/// A healing error in the command line's terms.
fn heal_error(error: HealError) -> anyhow::Error {
    match error {
        HealError::BadThreshold { value } => {
            anyhow::anyhow!("--threshold-km {value}: expected a distance in (0, 50] km")
        }
        HealError::BadDetourFactor { value } => {
            anyhow::anyhow!("--detour-factor {value}: expected a factor ≥ 1")
        }
        other => anyhow::Error::new(other),
    }
}
