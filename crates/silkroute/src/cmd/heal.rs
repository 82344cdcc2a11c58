//! `silkroute network heal PATH`: close topology gaps in a geographic network.

use anyhow::{Context, Result, bail};
use silkroute_core::geo::{ConnectorKind, HealOptions, WaterLanes, apply_connectors, heal};
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
    let connectors = heal(graph, options, lanes.as_ref());
    let healed = apply_connectors(graph, &connectors);
    let components = |g: &silkroute_core::geo::GeoGraph| {
        let mut ids = g.components();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let joins = connectors
        .iter()
        .filter(|c| c.kind == ConnectorKind::JoinsComponents)
        .count();
    let total_km: f64 = connectors
        .iter()
        .map(|c| f64::from(c.length_m) / 1000.0)
        .sum::<f64>()
        + 0.0; // an empty sum is -0.0, which would print as "-0.0 km"

    let longest = connectors.iter().map(|c| c.length_m).max().unwrap_or(0);
    writeln!(
        out,
        "healed {}: {} connectors ({} join components, {} close gaps), {:.1} km in all, longest {:.2} km; components {} → {}{}",
        args.dir.display(),
        connectors.len(),
        joins,
        connectors.len() - joins,
        total_km,
        f64::from(longest) / 1000.0,
        components(graph),
        components(&healed),
        if lanes.is_some() {
            "; no connector crosses a shipping lane"
        } else {
            ""
        }
    )?;
    if let Some(path) = &args.report {
        let mut report = String::from("from,to,km,kind,from_lat,from_lon,to_lat,to_lon\n");
        for c in &connectors {
            let (a, b) = (graph.coord(c.from), graph.coord(c.to));
            report.push_str(&format!(
                "{},{},{:.3},{},{},{},{},{}\n",
                network.ids[c.from as usize],
                network.ids[c.to as usize],
                f64::from(c.length_m) / 1000.0,
                c.kind.as_str(),
                a.0,
                a.1,
                b.0,
                b.1
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
        let mut edges = String::from("from,to,km,healed\n");
        for node in 0..graph.node_count() as u32 {
            for (head, length) in graph.neighbors(node) {
                if head > node {
                    edges.push_str(&format!(
                        "{},{},{:.3},0\n",
                        network.ids[node as usize],
                        network.ids[head as usize],
                        f64::from(length) / 1000.0
                    ));
                }
            }
        }
        for c in &connectors {
            edges.push_str(&format!(
                "{},{},{:.3},1\n",
                network.ids[c.from as usize],
                network.ids[c.to as usize],
                f64::from(c.length_m) / 1000.0
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
