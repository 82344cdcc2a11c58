//! Printing a freight assignment report ([`FreightReport`], made by
//! `silkroute_core::freight::FreightProblem::report`) as a table, JSON, CSV or GeoJSON.
//! `silkroute assign` calls [`write_freight_report`] once it has assigned the dataset's freight
//! demand; the layouts are documented in docs/formats.md ("Freight report").

// Called by `silkroute assign` (cmd/assign.rs); until then only the tests use it.

use super::{Format, thousands};
use crate::table::new_table;
use anyhow::Result;
use silkroute_core::Network;
use silkroute_core::freight::{FreightReport, LinkFlowRecord};
use std::io::Write;

/// How many links the table shows, busiest first.
const TABLE_LINKS: usize = 15;
/// How many bottlenecks the table shows.
const TABLE_BOTTLENECKS: usize = 10;

/// Writes `report` in `format`: `table` (summary, corridors, Northern vs Middle, bottlenecks,
/// busiest links, arrivals by zone), `json` (the report as it is), `csv` (one row per link
/// direction and per handling facility), `geojson` (link flows along the lines of shapes.csv
/// and handling facilities as points). `network` is the network the report was made on.
///
/// # Errors
/// Only from writing to `out`.
pub fn write_freight_report(
    network: &Network,
    report: &FreightReport,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &report.to_geojson(network))?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Table => write_table(report, out)?,
    }
    Ok(())
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn optional_number(value: Option<f64>, show: impl Fn(f64) -> String) -> String {
    value.map(show).unwrap_or_default()
}

fn write_table(report: &FreightReport, out: &mut dyn Write) -> Result<()> {
    let mut title = format!(
        "Freight assignment · network of {} · {} · {} iteration(s) · relative gap {:.2e}{}",
        report.year,
        report.method,
        report.iterations,
        report.relative_gap,
        if report.converged {
            ""
        } else {
            " (not converged)"
        }
    );
    if report.demand_factor != 1.0 {
        title.push_str(&format!(" · demand × {}", report.demand_factor));
    }
    if !report.closed.is_empty() {
        title.push_str(&format!(" · closed: {}", report.closed.join(", ")));
    }
    writeln!(out, "{title}")?;
    let by_class: Vec<String> = report
        .classes
        .iter()
        .map(|c| {
            format!(
                "{} {} (${}/TEU-day)",
                c.id,
                thousands(c.assigned_teu_per_year),
                c.value_of_time_usd_per_teu_day
            )
        })
        .collect();
    let totals = &report.totals;
    writeln!(
        out,
        "Demand {} TEU/year, assigned {} ({}), unserved {} · {} million TEU-km · {} t CO2e",
        thousands(totals.demand_teu_per_year),
        thousands(totals.assigned_teu_per_year),
        by_class.join(" · "),
        thousands(totals.unserved_teu_per_year),
        thousands(totals.teu_km_per_year / 1e6),
        thousands(totals.co2e_t_per_year)
    )?;

    let mut header: Vec<String> = vec!["corridor".into(), "TEU/year".into()];
    header.extend(report.classes.iter().map(|c| c.id.clone()));
    header.push("share".into());
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let numeric: Vec<usize> = (1..header.len()).collect();
    let mut corridors = new_table(&header_refs, &numeric);
    for corridor in &report.corridors {
        let mut row = vec![corridor.corridor.clone(), thousands(corridor.teu_per_year)];
        row.extend(corridor.teu_by_class.iter().map(|&v| thousands(v)));
        row.push(percent(corridor.share));
        corridors.add_row(row);
    }
    writeln!(out, "{corridors}")?;
    if let Some(split) = &report.northern_middle {
        writeln!(
            out,
            "Northern vs Middle: {} / {} ({} / {} TEU/year)",
            percent(split.northern_share),
            percent(split.middle_share),
            thousands(split.northern_teu_per_year),
            thousands(split.middle_teu_per_year)
        )?;
    }
    for market in &report.markets {
        let premium = if market.rail_premium_usd_per_teu == 0.0 {
            String::new()
        } else {
            let p = market.rail_premium_usd_per_teu;
            let sign = if p < 0.0 { "−" } else { "+" };
            format!(
                "; rail premium of the year {sign}{} USD/TEU",
                thousands(p.abs())
            )
        };
        writeln!(
            out,
            "Market {}: {} TEU/year, rail {} ({:.1}%), sea {}{premium}",
            market.market,
            thousands(market.market_teu_per_year),
            thousands(market.rail_teu_per_year),
            market.rail_share_percent,
            thousands(market.alternative_teu_per_year)
        )?;
    }
    if !report.tonnage.is_empty() {
        let layer: Vec<String> = report
            .tonnage
            .iter()
            .map(|t| format!("{} {} t", t.corridor, thousands(t.tonnes_per_year)))
            .collect();
        writeln!(
            out,
            "Tonnage layer (tonnage.csv, cheapest routes, no capacities): {}",
            layer.join(", ")
        )?;
    }

    writeln!(out)?;
    writeln!(out, "Bottlenecks (volume over capacity, highest first)")?;
    let mut bottlenecks = new_table(
        &[
            "#",
            "facility or link",
            "TEU/year",
            "capacity",
            "v/c",
            "delay h",
        ],
        &[2, 3, 4, 5],
    );
    for (index, b) in report
        .bottlenecks
        .iter()
        .take(TABLE_BOTTLENECKS)
        .enumerate()
    {
        bottlenecks.add_row(vec![
            (index + 1).to_string(),
            b.name.clone(),
            thousands(b.teu_per_year),
            thousands(b.capacity_teu_per_year),
            format!("{:.2}", b.vc),
            format!("{:.1}", b.delay_hours),
        ]);
    }
    writeln!(out, "{bottlenecks}")?;

    writeln!(out)?;
    writeln!(out, "Busiest links")?;
    let mut busiest: Vec<&LinkFlowRecord> = report
        .links
        .iter()
        .filter(|l| l.teu_per_year > 0.0)
        .collect();
    busiest.sort_by(|a, b| {
        b.teu_per_year
            .total_cmp(&a.teu_per_year)
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut links = new_table(
        &[
            "link",
            "mode",
            "corridors",
            "TEU/year",
            "capacity",
            "v/c",
            "delay h",
        ],
        &[3, 4, 5, 6],
    );
    for link in busiest.iter().take(TABLE_LINKS) {
        links.add_row(vec![
            link.name.clone(),
            link.mode.clone(),
            link.corridors.join("|"),
            thousands(link.teu_per_year),
            optional_number(link.capacity_teu_per_year, thousands),
            optional_number(link.vc, |v| format!("{v:.2}")),
            format!("{:.1}", link.delay_hours),
        ]);
    }
    writeln!(out, "{links}")?;

    writeln!(out)?;
    writeln!(out, "Arrivals by zone")?;
    let mut arrivals = new_table(&["zone", "TEU/year", "by corridor"], &[1]);
    for zone in &report.destinations {
        let parts: Vec<String> = zone
            .by_corridor
            .iter()
            .map(|c| {
                let share = if zone.teu_per_year > 0.0 {
                    c.teu_per_year / zone.teu_per_year
                } else {
                    0.0
                };
                format!("{} {}", c.corridor, percent(share))
            })
            .collect();
        arrivals.add_row(vec![
            zone.name.clone(),
            thousands(zone.teu_per_year),
            parts.join(" · "),
        ]);
    }
    writeln!(out, "{arrivals}")?;

    if !report.unserved.is_empty() {
        writeln!(out)?;
        writeln!(out, "Unserved demand")?;
        let mut unserved = new_table(&["from", "to", "class", "TEU/year", "why"], &[3]);
        for u in &report.unserved {
            unserved.add_row(vec![
                u.origin.clone(),
                u.destination.clone(),
                u.class.clone(),
                thousands(u.teu_per_year),
                u.reason.clone(),
            ]);
        }
        writeln!(out, "{unserved}")?;
    }
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use silkroute_core::assign::{AssignOptions, Method, keep_going};
    use silkroute_core::freight::{FreightOptions, assign_freight};

    fn default_report(network: &Network) -> FreightReport {
        assign_freight(
            network,
            &FreightOptions::defaults(network),
            &AssignOptions::new(Method::AllOrNothing),
            &mut Vec::new(),
            &mut keep_going,
        )
        .expect("assigns")
    }

    fn render(network: &Network, report: &FreightReport, format: Format) -> String {
        let mut out = Vec::new();
        write_freight_report(network, report, format, &mut out).expect("writes");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn every_format_renders_the_default_assignment() {
        let (network, _) = silkroute_core::network::load_default().expect("loads");
        let report = default_report(&network);

        let table = render(&network, &report, Format::Table);
        assert!(table.contains("Northern vs Middle:"), "{table}");
        assert!(table.contains("Dostyk gauge change"), "{table}");
        assert!(table.contains("Arrivals by zone"), "{table}");

        let json: serde_json::Value =
            serde_json::from_str(&render(&network, &report, Format::Json)).expect("JSON");
        assert_eq!(json["version"], 1);
        assert_eq!(json["method"], "aon");
        assert!(json["corridors"].as_array().is_some_and(|c| c.len() >= 6));

        let csv = render(&network, &report, Format::Csv);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(
                "kind,id,name,from,to,mode,corridors,teu_express,teu_standard,teu_per_year,capacity_teu_per_year,vc,free_flow_hours,congested_hours,delay_hours"
            )
        );
        assert_eq!(
            csv.lines().count(),
            1 + report.links.len() + report.handling.len()
        );

        let geojson: serde_json::Value =
            serde_json::from_str(&render(&network, &report, Format::Geojson)).expect("JSON");
        let features = geojson["features"].as_array().expect("features");
        let lines: Vec<&serde_json::Value> = features
            .iter()
            .filter(|f| f["geometry"]["type"] == "LineString")
            .collect();
        let points = features.len() - lines.len();
        assert_eq!(points, report.handling.len());
        // Drawn along the network: a shaped link has more than two points.
        let crossing = lines
            .iter()
            .find(|f| f["properties"]["link"] == "dostyk_aktogay_rail_double")
            .expect("the second track carries flow");
        assert!(
            crossing["geometry"]["coordinates"]
                .as_array()
                .is_some_and(|c| c.len() > 2)
        );
        let teu = &crossing["properties"];
        assert_eq!(
            teu["teu_per_year"].as_f64().expect("number"),
            ((teu["teu_forward"].as_f64().expect("number")
                + teu["teu_backward"].as_f64().expect("number"))
                * 10.0)
                .round()
                / 10.0
        );
        // Same bytes twice.
        assert_eq!(
            render(&network, &report, Format::Geojson),
            render(&network, &default_report(&network), Format::Geojson)
        );
    }
}
