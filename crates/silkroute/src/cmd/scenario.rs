//! `silkroute scenario`: scenario files (docs/formats.md, "Scenario files") checked, run and
//! compared (`silkroute_core::scenario`).

use super::{Format, signed, signed1, thousands};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_core::assign::{AssignOptions, AssignRequest, Method};
use silkroute_core::freight::FREIGHT_GAP;
use silkroute_core::scenario::{
    Change, LoadedScenario, ScenarioDiff, ScenarioReport, compare_loaded, comparison_html,
};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `silkroute scenario`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ScenarioCommand,
}

/// The scenario subcommands.
#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Reads scenario files and their depends_on chains, applies them to their base network
    /// and lists what each sets, without running anything.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Runs scenarios: the freight assignment of each one's year and the routes of its
    /// origin–destination pairs.
    Run {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Output format (table, json, csv).
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Compares two scenarios: what changes from BASE to OTHER per pair, corridor, facility,
    /// line and in total.
    Compare {
        /// The base scenario (TOML).
        base: PathBuf,
        /// The scenario compared with it (TOML).
        other: PathBuf,
        /// Output format (table, json, csv, geojson: links coloured by change).
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Facilities and lines shown in the table, largest change of flow first.
        #[arg(long, default_value_t = 15, value_name = "N")]
        top: usize,
        /// Also write the comparison as an HTML page with charts (one file, no script).
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}

/// Runs `silkroute scenario`.
///
/// # Errors
/// A scenario that does not load, apply or run, with file, line and field.
pub fn run_command(args: &ScenarioArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        ScenarioCommand::Check { files } => check(files, out),
        ScenarioCommand::Run { files, format } => run_files(files, *format, out),
        ScenarioCommand::Compare {
            base,
            other,
            format,
            top,
            html,
        } => compare(base, other, *format, *top, html.as_deref(), out),
    }
}

/// A scenario read, applied and ready to run.
type Loaded = LoadedScenario;

fn load(path: &Path) -> Result<Loaded> {
    Ok(LoadedScenario::load(path)?)
}

fn solver() -> Result<AssignOptions> {
    AssignRequest {
        method: Method::from_name("b").context("the freight method")?,
        gap: None,
        max_iterations: 1000,
        time_limit_s: None,
    }
    .options(FREIGHT_GAP)
    .context("solver options")
}

fn check(files: &[PathBuf], out: &mut dyn Write) -> Result<()> {
    for path in files {
        let loaded = load(path)?;
        let own = loaded.scenario.own();
        writeln!(
            out,
            "{} · {} · year {} · base {} ({:016x}) · {} file(s) in its chain",
            own.name,
            own.title,
            loaded.prepared.year,
            own.base.label(),
            loaded.base_fingerprint,
            loaded.scenario.files.len()
        )?;
        for edit in &loaded.prepared.edits {
            writeln!(
                out,
                "  edit   {}:{}  {}  [{}]",
                edit.file,
                edit.line,
                edit.edit,
                edit.sources.join(", ")
            )?;
        }
        for lever in &loaded.prepared.levers.records {
            writeln!(
                out,
                "  lever  {}:{}  {} = {}  [{}]",
                lever.file,
                lever.line,
                lever.lever,
                lever.value,
                lever.sources.join(", ")
            )?;
        }
    }
    Ok(())
}

fn progress(label: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {prefix} iteration {pos} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}

fn run_one(loaded: &Loaded, pairs: Option<&[(String, String)]>) -> Result<ScenarioReport> {
    let bar = progress(loaded.scenario.name());
    let report = loaded.run(pairs, &solver()?, &mut |stats| {
        bar.set_position(stats.iteration as u64);
        bar.set_message(format!("relative gap {:.2e}", stats.relative_gap));
        ControlFlow::Continue(())
    });
    bar.finish_and_clear();
    Ok(report?)
}

fn run_files(files: &[PathBuf], format: Format, out: &mut dyn Write) -> Result<()> {
    if format == Format::Geojson {
        bail!(
            "--format geojson: scenario run writes table, json or csv (scenario compare draws the change)"
        );
    }
    let mut reports = Vec::new();
    for path in files {
        let loaded = load(path)?;
        reports.push(run_one(&loaded, None)?);
    }
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &reports)?;
            writeln!(out)?;
        }
        Format::Csv => write_runs_csv(&reports, out)?,
        Format::Table | Format::Geojson => write_runs_table(&reports, out)?,
    }
    Ok(())
}

fn share_of(report: &ScenarioReport, corridor: &str) -> f64 {
    report
        .freight
        .corridors
        .iter()
        .find(|c| c.corridor == corridor)
        .map_or(0.0, |c| c.share)
}

fn to_sea(report: &ScenarioReport) -> f64 {
    report
        .freight
        .markets
        .iter()
        .map(|m| m.alternative_teu_per_year)
        .sum()
}

fn write_runs_table(reports: &[ScenarioReport], out: &mut dyn Write) -> Result<()> {
    let mut corridors: Vec<String> = Vec::new();
    for report in reports {
        for c in &report.freight.corridors {
            if !corridors.contains(&c.corridor) {
                corridors.push(c.corridor.clone());
            }
        }
    }
    let mut header: Vec<String> = [
        "scenario",
        "year",
        "rail TEU",
        "to sea TEU",
        "unserved",
        "t CO2e",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(corridors.iter().map(|c| format!("{c} %")));
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let numeric: Vec<usize> = (1..header.len()).collect();
    let mut table = new_table(&refs, &numeric);
    for report in reports {
        let mut row = vec![
            report.name.clone(),
            report.year.to_string(),
            thousands(report.freight.totals.assigned_teu_per_year),
            thousands(to_sea(report)),
            thousands(report.freight.totals.unserved_teu_per_year),
            thousands(report.freight.totals.co2e_t_per_year),
        ];
        row.extend(
            corridors
                .iter()
                .map(|c| format!("{:.1}", 100.0 * share_of(report, c))),
        );
        table.add_row(row);
    }
    writeln!(
        out,
        "Scenarios: freight of the year (TEU per year) and corridor shares"
    )?;
    writeln!(out, "{table}")?;
    let mut routes = new_table(
        &[
            "scenario",
            "from → to",
            "corridor",
            "days",
            "USD/FEU",
            "kg CO2e",
            "via",
        ],
        &[3, 4, 5],
    );
    for report in reports {
        for pair in &report.routes {
            let (corridor, days, usd, co2, via) = match pair.routes.first() {
                Some(r) => (
                    r.corridor.clone(),
                    format!("{:.1}", r.total_days),
                    thousands(r.total_cost_usd),
                    thousands(r.total_co2e_kg),
                    via(r),
                ),
                None => (
                    "no route".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
            };
            routes.add_row(vec![
                report.name.clone(),
                format!("{} → {}", pair.from.name, pair.to.name),
                corridor,
                days,
                usd,
                co2,
                via,
            ]);
        }
    }
    writeln!(out, "\nBest route of each pair (by generalized cost)")?;
    writeln!(out, "{routes}")?;
    for report in reports {
        writeln!(
            out,
            "{}: {} · base {} ({}) · fingerprint {} · files {}",
            report.name,
            report.title,
            report.base,
            report.base_fingerprint,
            report.fingerprint,
            report.files.join(", ")
        )?;
    }
    Ok(())
}

/// The places a route changes gauge, mode or border at (ids, as the report names them),
/// without its ends.
fn via(route: &silkroute_core::report::RouteRecord) -> String {
    let last = route.legs.len();
    let mut nodes: Vec<&str> = Vec::new();
    for t in &route.transfers {
        if t.after_leg != 0
            && t.after_leg != last
            && t.kind != "border"
            && !nodes.contains(&t.node.as_str())
        {
            nodes.push(&t.node);
        }
    }
    nodes.join(" · ")
}

fn write_runs_csv(reports: &[ScenarioReport], out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["scenario", "year", "item", "key", "value"])?;
    for report in reports {
        let year = report.year.to_string();
        let totals = &report.freight.totals;
        let rows = [
            (
                "total",
                "assigned_teu_per_year",
                totals.assigned_teu_per_year,
            ),
            (
                "total",
                "unserved_teu_per_year",
                totals.unserved_teu_per_year,
            ),
            ("total", "to_sea_teu_per_year", to_sea(report)),
            ("total", "co2e_t_per_year", totals.co2e_t_per_year),
            (
                "total",
                "generalized_cost_usd_per_year",
                totals.generalized_cost_usd_per_year,
            ),
        ];
        for (item, key, value) in rows {
            writer.write_record([&report.name, &year, item, key, &number(value)])?;
        }
        for c in &report.freight.corridors {
            writer.write_record([
                &report.name,
                &year,
                "corridor_teu_per_year",
                &c.corridor,
                &number(c.teu_per_year),
            ])?;
            writer.write_record([
                &report.name,
                &year,
                "corridor_share",
                &c.corridor,
                &number(c.share),
            ])?;
        }
        for pair in &report.routes {
            if let Some(r) = pair.routes.first() {
                let key = format!("{}>{}", pair.from.id, pair.to.id);
                writer.write_record([
                    &report.name,
                    &year,
                    "pair_days",
                    &key,
                    &number(r.total_days),
                ])?;
                writer.write_record([
                    &report.name,
                    &year,
                    "pair_usd_per_feu",
                    &key,
                    &number(r.total_cost_usd),
                ])?;
                writer.write_record([
                    &report.name,
                    &year,
                    "pair_co2e_kg",
                    &key,
                    &number(r.total_co2e_kg),
                ])?;
                writer.write_record([&report.name, &year, "pair_corridor", &key, &r.corridor])?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}

fn number(value: f64) -> String {
    silkroute_core::io::number(value)
}

fn compare(
    base: &Path,
    other: &Path,
    format: Format,
    top: usize,
    html: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let base_loaded = load(base)?;
    let other_loaded = load(other)?;
    let bar = progress(other_loaded.scenario.name());
    let compared = compare_loaded(&base_loaded, &other_loaded, &solver()?, &mut |stats| {
        bar.set_position(stats.iteration as u64);
        bar.set_message(format!("relative gap {:.2e}", stats.relative_gap));
        ControlFlow::Continue(())
    });
    bar.finish_and_clear();
    let (diff, base_report, other_report) = compared?;
    if let Some(path) = html {
        let page = comparison_html(&diff, &base_report, &other_report);
        silkroute_core::io::write_atomic(path, page.as_bytes())
            .with_context(|| format!("--html {}", path.display()))?;
    }
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &diff)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            let collection = diff.to_geojson(
                &base_loaded.prepared.network,
                &other_loaded.prepared.network,
            );
            serde_json::to_writer_pretty(&mut *out, &collection)?;
            writeln!(out)?;
        }
        Format::Csv => write_diff_csv(&diff, out)?,
        Format::Table => write_diff_table(&diff, &base_report, &other_report, top, out)?,
    }
    Ok(())
}

fn write_diff_table(
    diff: &ScenarioDiff,
    base: &ScenarioReport,
    other: &ScenarioReport,
    top: usize,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(
        out,
        "{} ({}) → {} ({}) · {} → {}",
        diff.base, base.year, diff.other, other.year, base.title, other.title
    )?;
    let t = &diff.freight.totals;
    let mut totals = new_table(&["total", "base", "scenario", "change"], &[1, 2, 3]);
    let rows: [(&str, Change); 7] = [
        ("demand, TEU/year", t.demand_teu_per_year),
        ("by rail, TEU/year", t.assigned_teu_per_year),
        ("to sea (markets' choice), TEU/year", t.to_sea_teu_per_year),
        ("unserved, TEU/year", t.unserved_teu_per_year),
        ("TEU-hours/year", t.teu_hours_per_year),
        (
            "generalized cost, USD/year",
            t.generalized_cost_usd_per_year,
        ),
        ("t CO2e/year", t.co2e_t_per_year),
    ];
    for (name, change) in rows {
        totals.add_row(vec![
            name.to_string(),
            thousands(change.base),
            thousands(change.other),
            signed(change.delta),
        ]);
    }
    writeln!(out, "{totals}")?;
    let mut corridors = new_table(
        &[
            "corridor",
            "TEU/year base",
            "scenario",
            "change",
            "share base %",
            "scenario %",
            "change pp",
        ],
        &[1, 2, 3, 4, 5, 6],
    );
    for c in &diff.freight.corridors {
        corridors.add_row(vec![
            c.corridor.clone(),
            thousands(c.teu_per_year.base),
            thousands(c.teu_per_year.other),
            signed(c.teu_per_year.delta),
            format!("{:.1}", 100.0 * c.share.base),
            format!("{:.1}", 100.0 * c.share.other),
            signed1(100.0 * c.share.delta),
        ]);
    }
    writeln!(out, "\nCorridors")?;
    writeln!(out, "{corridors}")?;
    if !diff.freight.tonnage.is_empty() {
        let mut tonnage = new_table(
            &["corridor or crossing", "t/year base", "scenario", "change"],
            &[1, 2, 3],
        );
        for t in &diff.freight.tonnage {
            tonnage.add_row(vec![
                format!("{} ({})", t.key, t.section),
                thousands(t.tonnes_per_year.base),
                thousands(t.tonnes_per_year.other),
                signed(t.tonnes_per_year.delta),
            ]);
        }
        writeln!(
            out,
            "\nTonnage layer (tonnage.csv: cheapest routes, no capacities)"
        )?;
        writeln!(out, "{tonnage}")?;
    }
    let mut pairs = new_table(
        &[
            "from → to",
            "corridor",
            "days",
            "change",
            "USD/FEU",
            "change",
            "kg CO2e",
            "change",
        ],
        &[2, 3, 4, 5, 6, 7],
    );
    for (route, report) in diff.routes.iter().zip(&base.routes) {
        let totals = &route.best.totals;
        let (days, days_delta) = totals.total_days.texts(true);
        let (usd, usd_delta) = totals.total_cost_usd.texts(false);
        let (co2, co2_delta) = totals.total_co2e_kg.texts(false);
        let corridor = if route.best.corridor.changed {
            format!(
                "{} → {}",
                route.best.corridor.base.as_deref().unwrap_or("none"),
                route.best.corridor.other.as_deref().unwrap_or("none")
            )
        } else {
            route.best.corridor.base.clone().unwrap_or_default()
        };
        pairs.add_row(vec![
            format!("{} → {}", report.from.name, report.to.name),
            corridor,
            days,
            days_delta,
            usd,
            usd_delta,
            co2,
            co2_delta,
        ]);
    }
    writeln!(out, "\nBest route of each pair (by generalized cost)")?;
    writeln!(out, "{pairs}")?;
    let mut facilities = new_table(
        &[
            "facility or line",
            "id",
            "TEU/year base",
            "scenario",
            "change",
            "v/c",
            "delay h change",
        ],
        &[2, 3, 4, 6],
    );
    for item in diff.largest_changes(top) {
        let vc = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.2}"));
        facilities.add_row(vec![
            item.name.clone(),
            item.id.clone(),
            thousands(item.teu_per_year.base),
            thousands(item.teu_per_year.other),
            signed(item.teu_per_year.delta),
            format!("{} → {}", vc(item.vc_base), vc(item.vc_other)),
            signed1(item.delay_hours.delta),
        ]);
    }
    writeln!(
        out,
        "\nFacilities and lines, largest change of flow first (top {top})"
    )?;
    writeln!(out, "{facilities}")?;
    if diff.is_zero() {
        writeln!(out, "No change.")?;
    }
    Ok(())
}

fn write_diff_csv(diff: &ScenarioDiff, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["section", "key", "metric", "base", "other", "delta"])?;
    let mut row = |section: &str, key: &str, metric: &str, c: Change| {
        writer.write_record([
            section,
            key,
            metric,
            &number(c.base),
            &number(c.other),
            &number(c.delta),
        ])
    };
    let t = &diff.freight.totals;
    row("total", "", "demand_teu_per_year", t.demand_teu_per_year)?;
    row(
        "total",
        "",
        "assigned_teu_per_year",
        t.assigned_teu_per_year,
    )?;
    row("total", "", "to_sea_teu_per_year", t.to_sea_teu_per_year)?;
    row(
        "total",
        "",
        "unserved_teu_per_year",
        t.unserved_teu_per_year,
    )?;
    row("total", "", "teu_km_per_year", t.teu_km_per_year)?;
    row("total", "", "teu_hours_per_year", t.teu_hours_per_year)?;
    row(
        "total",
        "",
        "generalized_cost_usd_per_year",
        t.generalized_cost_usd_per_year,
    )?;
    row("total", "", "co2e_t_per_year", t.co2e_t_per_year)?;
    for c in &diff.freight.corridors {
        row("corridor", &c.corridor, "teu_per_year", c.teu_per_year)?;
        row("corridor", &c.corridor, "share", c.share)?;
    }
    for t in &diff.freight.tonnage {
        let section = format!("tonnage_{}", t.section);
        row(&section, &t.key, "tonnes_per_year", t.tonnes_per_year)?;
    }
    for h in &diff.freight.handling {
        let key = format!("{}:{}", h.node, h.kind);
        row("facility", &key, "teu_per_year", h.teu_per_year)?;
        row("facility", &key, "delay_hours", h.delay_hours)?;
    }
    for l in &diff.freight.links {
        let key = format!("{}:{}>{}", l.link, l.from, l.to);
        row("link", &key, "teu_per_year", l.teu_per_year)?;
        row("link", &key, "delay_hours", l.delay_hours)?;
    }
    for route in &diff.routes {
        let key = format!(
            "{}>{}",
            route.from.base.as_deref().unwrap_or(""),
            route.to.base.as_deref().unwrap_or("")
        );
        let totals = &route.best.totals;
        for (metric, c) in [
            ("days", totals.total_days),
            ("usd_per_feu", totals.total_cost_usd),
            ("co2e_kg", totals.total_co2e_kg),
            ("generalized_usd", totals.generalized_cost_usd),
        ] {
            let opt = |v: Option<f64>| v.map_or(String::new(), number);
            writer.write_record([
                "pair",
                &key,
                metric,
                &opt(c.base),
                &opt(c.other),
                &opt(c.delta),
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}
