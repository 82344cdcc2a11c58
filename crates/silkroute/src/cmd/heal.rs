//! `silkroute network heal PATH`: close topology gaps in a geographic network.

use anyhow::{Context, Result, bail};
use silkroute_core::geo::load_geo_patches;
use silkroute_core::geo::{
    ConnectorKind, HealOptions, PatchError, PatchOptions, WaterLanes, apply_connectors, heal, patch,
};
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
    #[arg(long, default_value_t = 2.0, value_name = "KM")]
    pub threshold_km: f64,
    /// A gap within one component is real when the network detour exceeds this factor.
    #[arg(long, default_value_t = 3.0)]
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
    if !(args.threshold_km > 0.0 && args.threshold_km <= 50.0) {
        bail!(
            "--threshold-km {}: expected a distance in (0, 50] km",
            args.threshold_km
        );
    }
    if args.detour_factor.is_nan() || args.detour_factor < 1.0 {
        bail!(
            "--detour-factor {}: expected a factor ≥ 1",
            args.detour_factor
        );
    }
    let network = super::geo::load_uncached(&args.dir, "network")?;
    let lanes = match &args.water {
        Some(dir) => {
            let sea = super::geo::load_uncached(dir, "water network")?;
            Some(WaterLanes::new(&sea.graph))
        }
        None => None,
    };
    let options = HealOptions {
        threshold_km: args.threshold_km,
        detour_factor: args.detour_factor,
    };
    let graph = &network.graph;
    let mut connectors = heal(graph, options, lanes.as_ref());
    let healed_count = connectors.len();
    // The patch id of each connector past `healed_count`.
    let mut patch_ids: Vec<String> = Vec::new();
    if let Some(path) = &args.patches {
        let patches = load_geo_patches(path)?;
        let ends: Vec<_> = patches.iter().map(|p| (p.from, p.to)).collect();
        let added = patch(graph, &ends, PatchOptions::default(), lanes.as_ref()).map_err(
            |(index, error)| {
                let row = &patches[index];
                let field = match error {
                    PatchError::NoNodeNear { end: 1, .. } => "lat1,lon1",
                    PatchError::NoNodeNear { .. } => "lat2,lon2",
                    _ => "id",
                };
                anyhow::anyhow!(
                    "{}:{}: {field}: patch `{}`: {error}",
                    path.display(),
                    row.line,
                    row.id
                )
            },
        )?;
        connectors.extend(added);
        patch_ids = patches.into_iter().map(|p| p.id).collect();
    }
    let healed = apply_connectors(graph, &connectors);
    let patch_of = |index: usize| {
        index
            .checked_sub(healed_count)
            .map_or("", |i| patch_ids[i].as_str())
    };
    let components = |g: &silkroute_core::geo::GeoGraph| {
        let mut ids = g.components();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let (automatic, patches) = connectors.split_at(healed_count);
    let joins = automatic
        .iter()
        .filter(|c| c.kind == ConnectorKind::JoinsComponents)
        .count();
    let km = |list: &[silkroute_core::geo::Connector]| -> (f64, f64) {
        let total = list.iter().map(|c| u64::from(c.length_m)).sum::<u64>() as f64 / 1000.0;
        let longest = list.iter().map(|c| c.length_m).max().unwrap_or(0);
        (total, f64::from(longest) / 1000.0)
    };
    let (total_km, longest_km) = km(automatic);
    let patched = if args.patches.is_some() {
        let (patch_km, longest_patch_km) = km(patches);
        format!(
            "; {} patches, {patch_km:.1} km in all, longest {longest_patch_km:.2} km",
            patches.len()
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "healed {}: {} connectors ({} join components, {} close gaps), {:.1} km in all, longest {:.2} km{patched}; components {} → {}{}",
        args.dir.display(),
        automatic.len(),
        joins,
        automatic.len() - joins,
        total_km,
        longest_km,
        components(graph),
        components(&healed),
        if lanes.is_some() {
            "; no connector crosses a shipping lane"
        } else {
            ""
        }
    )?;
    if let Some(path) = &args.report {
        let mut report = String::from("from,to,km,kind,from_lat,from_lon,to_lat,to_lon,patch\n");
        for (index, c) in connectors.iter().enumerate() {
            let (a, b) = (graph.coord(c.from), graph.coord(c.to));
            report.push_str(&format!(
                "{},{},{:.3},{},{},{},{},{},{}\n",
                network.ids[c.from as usize],
                network.ids[c.to as usize],
                f64::from(c.length_m) / 1000.0,
                c.kind.as_str(),
                a.0,
                a.1,
                b.0,
                b.1,
                patch_of(index)
            ));
        }
        if path.as_os_str() == "-" {
            out.write_all(report.as_bytes())?;
        } else {
            std::fs::write(path, report)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut nodes = String::from("id,lat,lon\n");
        for (index, id) in network.ids.iter().enumerate() {
            let (lat, lon) = graph.coord(index as u32);
            nodes.push_str(&format!("{id},{lat},{lon}\n"));
        }
        let mut edges = String::from("from,to,km,healed,patch\n");
        for node in 0..graph.node_count() as u32 {
            for (head, length) in graph.neighbors(node) {
                if head > node {
                    edges.push_str(&format!(
                        "{},{},{:.3},0,\n",
                        network.ids[node as usize],
                        network.ids[head as usize],
                        f64::from(length) / 1000.0
                    ));
                }
            }
        }
        for (index, c) in connectors.iter().enumerate() {
            edges.push_str(&format!(
                "{},{},{:.3},1,{}\n",
                network.ids[c.from as usize],
                network.ids[c.to as usize],
                f64::from(c.length_m) / 1000.0,
                patch_of(index)
            ));
        }
        std::fs::write(dir.join("nodes.csv"), nodes)
            .with_context(|| format!("cannot write {}", dir.join("nodes.csv").display()))?;
        std::fs::write(dir.join("edges.csv"), edges)
            .with_context(|| format!("cannot write {}", dir.join("edges.csv").display()))?;
        if let Ok(attribution) = std::fs::read(args.dir.join("ATTRIBUTION")) {
            std::fs::write(dir.join("ATTRIBUTION"), attribution)
                .with_context(|| format!("cannot write {}", dir.join("ATTRIBUTION").display()))?;
        }
    }
    Ok(())
}
