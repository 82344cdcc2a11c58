//! A comparison of two scenario runs as one self-contained HTML page (inline CSS and SVG
//! charts, no script, no outside file): what a ministry adviser can forward. The same input
//! gives the same bytes.

use super::compare::Change;
use super::run::{ScenarioDiff, ScenarioReport};
use crate::io::{signed, signed1, thousands};
use std::fmt::Write as _;

/// Colour of the base run in the charts.
const BASE_COLOUR: &str = "#7f8c8d";
/// Colour of the scenario run in the charts.
const OTHER_COLOUR: &str = "#c0392b";

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Grouped horizontal bars: one row per label, the base value and the scenario's.
fn bar_chart(title: &str, unit: &str, decimals: bool, rows: &[(String, f64, f64)]) -> String {
    let label_w = 230.0;
    let chart_w = 470.0;
    let row_h = 34.0;
    let top = 30.0;
    let height = top + row_h * rows.len() as f64 + 30.0;
    let largest = rows
        .iter()
        .map(|(_, b, o)| b.max(*o))
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" viewBox="0 0 {w} {height}" role="img" aria-label="{t}">"#,
        w = label_w + chart_w + 110.0,
        t = esc(title)
    );
    let _ = write!(
        svg,
        r#"<text x="0" y="16" class="ct">{}</text>"#,
        esc(&format!("{title} ({unit})"))
    );
    for (i, (label, base, other)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="cl">{l}</text>"#,
            x = label_w - 8.0,
            ty = y + 20.0,
            l = esc(label)
        );
        for (j, (value, colour)) in [(*base, BASE_COLOUR), (*other, OTHER_COLOUR)]
            .iter()
            .enumerate()
        {
            let w = (chart_w * value / largest).max(0.0);
            let by = y + 4.0 + 13.0 * j as f64;
            let _ = write!(
                svg,
                r#"<rect x="{label_w}" y="{by}" width="{w:.1}" height="11" fill="{colour}"/><text x="{tx:.1}" y="{ty}" class="cv">{v}</text>"#,
                tx = label_w + w + 4.0,
                ty = by + 10.0,
                v = if decimals {
                    format!("{value:.1}")
                } else {
                    thousands(*value)
                }
            );
        }
    }
    let ly = height - 12.0;
    let _ = write!(
        svg,
        r#"<rect x="{label_w}" y="{ry}" width="11" height="11" fill="{BASE_COLOUR}"/><text x="{t1}" y="{ly}" class="cv">base</text><rect x="{r2}" y="{ry}" width="11" height="11" fill="{OTHER_COLOUR}"/><text x="{t2}" y="{ly}" class="cv">scenario</text></svg>"#,
        ry = ly - 10.0,
        t1 = label_w + 16.0,
        r2 = label_w + 70.0,
        t2 = label_w + 86.0,
    );
    svg
}

/// A table row; cells from `numeric_from` on are right-aligned numbers.
pub(crate) fn row(cells: &[String], numeric_from: usize) -> String {
    let mut out = String::from("<tr>");
    for (i, cell) in cells.iter().enumerate() {
        if i >= numeric_from {
            let _ = write!(out, r#"<td class="n">{cell}</td>"#);
        } else {
            let _ = write!(out, "<td>{cell}</td>");
        }
    }
    out.push_str("</tr>");
    out
}

/// A table header row.
pub(crate) fn header(cells: &[&str]) -> String {
    let mut out = String::from("<tr>");
    for cell in cells {
        let _ = write!(out, "<th>{}</th>", esc(cell));
    }
    out.push_str("</tr>");
    out
}

/// The comparison of `base` and `other` (and their diff) as an HTML page.
pub fn comparison_html(
    diff: &ScenarioDiff,
    base: &ScenarioReport,
    other: &ScenarioReport,
) -> String {
    let mut html = String::new();
    let title = format!("{} compared with {}", other.title, base.title);
    let _ = write!(
        html,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title><style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}}
h1{{font-size:1.5em;margin-bottom:.2em}}h2{{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}}
table{{border-collapse:collapse;margin:.6em 0;font-size:.92em}}td,th{{padding:.25em .7em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}}
th{{background:#f6f6f6}}td.n{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}.meta{{color:#666;font-size:.88em}}
.ct{{font:600 13px system-ui,sans-serif}}.cl{{font:12px system-ui,sans-serif}}.cv{{font:11px system-ui,sans-serif;fill:#444}}
.desc{{white-space:pre-line;background:#fafafa;border-left:3px solid #c0392b;padding:.5em 1em}}
</style></head><body>"#,
        t = esc(&title)
    );
    let _ = write!(html, "<h1>{}</h1>", esc(&other.title));
    let _ = write!(
        html,
        r#"<p class="meta">Scenario <b>{}</b> ({}) against base <b>{}</b> ({}) · network {} · fingerprints {} / {}</p>"#,
        esc(&other.name),
        other.year,
        esc(&base.name),
        base.year,
        esc(&other.base),
        esc(&base.fingerprint),
        esc(&other.fingerprint)
    );
    if !other.description.trim().is_empty() {
        let _ = write!(
            html,
            r#"<div class="desc">{}</div>"#,
            esc(other.description.trim())
        );
    }

    // Key figures.
    let t = &diff.freight.totals;
    let totals: [(&str, Change); 7] = [
        (
            "Rail demand after the rail-versus-sea choice, TEU/year",
            t.demand_teu_per_year,
        ),
        ("Assigned to rail, TEU/year", t.assigned_teu_per_year),
        (
            "Sent by sea by the markets' choice, TEU/year",
            t.to_sea_teu_per_year,
        ),
        ("Unserved (no route), TEU/year", t.unserved_teu_per_year),
        (
            "Container-hours on the network per year",
            t.teu_hours_per_year,
        ),
        (
            "Generalized cost (tariffs, handling, time), USD/year",
            t.generalized_cost_usd_per_year,
        ),
        ("Emissions on the network, t CO2e/year", t.co2e_t_per_year),
    ];
    html.push_str("<h2>Key figures</h2><table>");
    html.push_str(&header(&["", "base", "scenario", "change"]));
    for (name, c) in totals {
        html.push_str(&row(
            &[
                esc(name),
                thousands(c.base),
                thousands(c.other),
                signed(c.delta),
            ],
            1,
        ));
    }
    html.push_str("</table>");

    // Corridors.
    let corridors: Vec<(String, f64, f64)> = diff
        .freight
        .corridors
        .iter()
        .filter(|c| c.teu_per_year.base > 0.0 || c.teu_per_year.other > 0.0)
        .map(|c| {
            (
                c.corridor.clone(),
                c.teu_per_year.base,
                c.teu_per_year.other,
            )
        })
        .collect();
    html.push_str("<h2>Corridors</h2>");
    html.push_str(&bar_chart(
        "Containers by corridor",
        "TEU per year",
        false,
        &corridors,
    ));
    html.push_str("<table>");
    html.push_str(&header(&[
        "corridor",
        "base TEU/year",
        "scenario",
        "change",
        "share base",
        "scenario",
        "change, points",
    ]));
    for c in &diff.freight.corridors {
        html.push_str(&row(
            &[
                esc(&c.corridor),
                thousands(c.teu_per_year.base),
                thousands(c.teu_per_year.other),
                signed(c.teu_per_year.delta),
                format!("{:.1}%", 100.0 * c.share.base),
                format!("{:.1}%", 100.0 * c.share.other),
                signed1(100.0 * c.share.delta),
            ],
            1,
        ));
    }
    html.push_str("</table>");

    // The tonnage layer.
    if !diff.freight.tonnage.is_empty() {
        html.push_str(
            "<h2>Tonnage layer</h2><p class=\"meta\">Cargo counted in tonnes (tonnage.csv), each flow by its cheapest route; it takes no capacity.</p><table>",
        );
        html.push_str(&header(&[
            "corridor or crossing",
            "base t/year",
            "scenario",
            "change",
        ]));
        for t in &diff.freight.tonnage {
            html.push_str(&row(
                &[
                    format!("{} ({})", esc(&t.key), t.section),
                    thousands(t.tonnes_per_year.base),
                    thousands(t.tonnes_per_year.other),
                    signed(t.tonnes_per_year.delta),
                ],
                1,
            ));
        }
        html.push_str("</table>");
    }

    // Pairs.
    let mut days = Vec::new();
    html.push_str("<h2>Routes between named places</h2>");
    let mut table = String::from("<table>");
    table.push_str(&header(&[
        "from → to",
        "corridor",
        "days",
        "change",
        "USD/FEU",
        "change",
        "kg CO2e",
        "change",
    ]));
    for (route, report) in diff.routes.iter().zip(&base.routes) {
        let label = format!("{} → {}", report.from.name, report.to.name);
        let totals = &route.best.totals;
        if let (Some(b), Some(o)) = (totals.total_days.base, totals.total_days.other) {
            days.push((label.clone(), b, o));
        }
        let (d, dd) = totals.total_days.texts(true);
        let (u, ud) = totals.total_cost_usd.texts(false);
        let (k, kd) = totals.total_co2e_kg.texts(false);
        let corridor = if route.best.corridor.changed {
            format!(
                "{} → <b>{}</b>",
                esc(route.best.corridor.base.as_deref().unwrap_or("none")),
                esc(route.best.corridor.other.as_deref().unwrap_or("none"))
            )
        } else {
            esc(route.best.corridor.base.as_deref().unwrap_or(""))
        };
        table.push_str(&row(&[esc(&label), corridor, d, dd, u, ud, k, kd], 2));
    }
    table.push_str("</table>");
    html.push_str(&bar_chart(
        "Transit time of the best route",
        "days",
        true,
        &days,
    ));
    html.push_str(&table);

    // Facilities and lines.
    html.push_str("<h2>Facilities and lines with the largest change of flow</h2><table>");
    html.push_str(&header(&[
        "facility or line",
        "base TEU/year",
        "scenario",
        "change",
        "v/c",
        "queue and delay, h",
    ]));
    for item in diff.largest_changes(15) {
        let vc = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.2}"));
        html.push_str(&row(
            &[
                esc(&item.name.replace('_', " ")),
                thousands(item.teu_per_year.base),
                thousands(item.teu_per_year.other),
                signed(item.teu_per_year.delta),
                format!("{} → {}", vc(item.vc_base), vc(item.vc_other)),
                signed1(item.delay_hours.delta),
            ],
            1,
        ));
    }
    html.push_str("</table>");

    // Provenance.
    html.push_str("<h2>What the scenario sets, and on what sources</h2><table>");
    html.push_str(&header(&["file:line", "change", "value", "sources"]));
    for edit in &other.edits {
        html.push_str(&row(
            &[
                esc(&format!("{}:{}", short(&edit.file), edit.line)),
                esc(&edit.edit),
                String::new(),
                esc(&edit.sources.join(", ")),
            ],
            9,
        ));
    }
    for lever in &other.levers {
        html.push_str(&row(
            &[
                esc(&format!("{}:{}", short(&lever.file), lever.line)),
                esc(&lever.lever),
                esc(&lever.value),
                esc(&lever.sources.join(", ")),
            ],
            9,
        ));
    }
    html.push_str("</table>");
    let _ = write!(
        html,
        r#"<p class="meta">Made by silkroute {} (<code>silkroute scenario compare</code>) from the files {} and {}. Flows are containers (TEU) of the model's demand at user equilibrium with binding capacities; transit times and costs are of the best route by generalized cost. Sources: the SOURCES.toml of the network and the scenario files' <code>[[source]]</code> tables.</p></body></html>"#,
        env!("CARGO_PKG_VERSION"),
        esc(&base
            .files
            .iter()
            .map(|f| short(f))
            .collect::<Vec<_>>()
            .join(" + ")),
        esc(&other
            .files
            .iter()
            .map(|f| short(f))
            .collect::<Vec<_>>()
            .join(" + "))
    );
    html.push('\n');
    html
}

/// A file's name without its folders.
fn short(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
