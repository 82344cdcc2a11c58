//! The simulation's page: the cumulative transit-time distribution of each corridor on one
//! chart (inline SVG, no script, no outside file), the percentiles and what drives them, the
//! facilities and the sea and ferry lines. The same report gives the same bytes.

use crate::io::thousands;
use crate::report::simulation::SimulationReport;
use crate::scenario::{esc, header, row};
use std::fmt::Write as _;

/// Colours of the corridors, in the report's order (largest first).
const COLOURS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f",
];

/// The day by which `share` of every corridor's TEU has arrived, rounded up to 5 days.
fn chart_days(report: &SimulationReport, share: f64) -> usize {
    let mut last = 10;
    for c in &report.corridors {
        let mut cumulative = 0.0;
        for (day, s) in c.share_by_day.iter().enumerate() {
            cumulative += s;
            if cumulative >= share {
                last = last.max(day + 1);
                break;
            }
        }
    }
    last.div_ceil(5) * 5
}

/// The cumulative distributions, one line per corridor.
fn cdf_chart(report: &SimulationReport) -> String {
    let (left, top, width, height) = (50.0, 20.0, 640.0, 300.0);
    let days = chart_days(report, 0.99);
    let x = |d: f64| left + width * d / days as f64;
    let y = |share: f64| top + height * (1.0 - share);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="Share of TEU arrived by day of transit, by corridor">"#,
        w = left + width + 230.0,
        h = top + height + 50.0
    );
    for i in 0..=4 {
        let share = i as f64 / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" text-anchor="end" class="cv">{p}%</text>"##,
            x2 = left + width,
            yy = y(share),
            tx = left - 6.0,
            ty = y(share) + 4.0,
            p = i * 25
        );
    }
    let step = if days > 60 { 10 } else { 5 };
    for d in (0..=days).step_by(step) {
        let _ = write!(
            svg,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{top}" y2="{y2}" stroke="#eee"/><text x="{xx:.1}" y="{ty}" text-anchor="middle" class="cv">{d}</text>"##,
            xx = x(d as f64),
            y2 = top + height,
            ty = top + height + 16.0
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{tx}" y="{ty}" text-anchor="middle" class="cl">days from departure to arrival</text>"#,
        tx = left + width / 2.0,
        ty = top + height + 38.0
    );
    for (i, c) in report.corridors.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let mut points = format!("{:.1},{:.1}", x(0.0), y(0.0));
        let mut cumulative = 0.0;
        for (day, s) in c.share_by_day.iter().enumerate().take(days) {
            cumulative += s;
            let _ = write!(
                points,
                " {:.1},{:.1} {:.1},{:.1}",
                x(day as f64),
                y(cumulative - s),
                x(day as f64 + 1.0),
                y(cumulative)
            );
        }
        let _ = write!(
            svg,
            r#"<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>"#
        );
        let ly = top + 14.0 + 40.0 * i as f64;
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="{ry:.1}" width="14" height="4" fill="{colour}"/><text x="{tx}" y="{ly:.1}" class="cl">{name}</text><text x="{tx}" y="{ly2:.1}" class="cv">p50 {p50:.1} · p95 {p95:.1} days</text>"#,
            lx = left + width + 14.0,
            ry = ly - 5.0,
            tx = left + width + 34.0,
            name = esc(&c.corridor),
            ly2 = ly + 15.0,
            p50 = c.transit.p50_days,
            p95 = c.transit.p95_days
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The report as a self-contained HTML page.
pub fn simulation_html(report: &SimulationReport) -> String {
    let mut html = String::new();
    let title = format!("Transit-time reliability, network of {}", report.year);
    let _ = write!(
        html,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title><style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}}
h1{{font-size:1.5em;margin-bottom:.2em}}h2{{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}}
table{{border-collapse:collapse;margin:.6em 0;font-size:.9em}}td,th{{padding:.25em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}}
th{{background:#f6f6f6}}td.n{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}.meta{{color:#666;font-size:.88em}}
.cl{{font:12px system-ui,sans-serif}}.cv{{font:11px system-ui,sans-serif;fill:#444}}
</style></head><body>"#,
        t = esc(&title)
    );
    let _ = write!(html, "<h1>{}</h1>", esc(&title));
    let _ = write!(
        html,
        r#"<p class="meta">{} replications of {} days after {} days of warm-up · seed {} · {} trains a year of {} TEU · on time: {} · silkroute simulate</p>"#,
        report.replications,
        report.horizon_days,
        report.warmup_days,
        report.seed,
        thousands(report.trains_per_year),
        report.teu_per_train,
        esc(&report.on_time)
    );
    html.push_str("<h2>Share of TEU arrived, by day of transit</h2>");
    html.push_str(&cdf_chart(report));

    html.push_str("<h2>Transit time by corridor, days</h2><table>");
    html.push_str(&header(&[
        "corridor",
        "TEU/year",
        "route at no load",
        "mean",
        "p50",
        "p90",
        "p95",
        "on time",
        "facility and line queues",
        "port waits",
        "hazards",
        "diverted TEU/year",
        "refused TEU/year",
    ]));
    for c in &report.corridors {
        let t = &c.transit;
        html.push_str(&row(
            &[
                esc(&c.name),
                thousands(t.teu_per_year),
                format!("{:.1}", t.route_days),
                format!("{:.1}", t.mean_days),
                format!("{:.1}", t.p50_days),
                format!("{:.1}", t.p90_days),
                format!("{:.1}", t.p95_days),
                format!("{:.0}%", t.on_time_share * 100.0),
                format!("{:.2}", t.facility_queue_days + t.line_queue_days),
                format!("{:.2}", t.sailing_wait_days),
                format!("{:.2}", t.hazard_days),
                thousands(t.diverted_teu_per_year),
                thousands(t.refused_teu_per_year),
            ],
            1,
        ));
    }
    html.push_str("</table>");
    html.push_str(
        r#"<p class="meta">Queues, port waits and hazards are the mean days a TEU spends waiting for facility positions and line slots, for a departure (schedule, weather, full ships), and held by closures; the route at no load is what <code>silkroute route</code> charges for the same paths.</p>"#,
    );

    html.push_str("<h2>Facilities</h2><table>");
    html.push_str(&header(&[
        "place",
        "kind",
        "positions",
        "trains/day",
        "capacity trains/day",
        "busy",
        "queue (mean)",
        "queue (most)",
        "wait p50 h",
        "wait p95 h",
        "time there p95 h",
    ]));
    for f in &report.facilities {
        html.push_str(&row(
            &[
                esc(&f.name),
                esc(&f.kind),
                f.servers.to_string(),
                format!("{:.1}", f.trains_per_day),
                format!("{:.1}", f.capacity_trains_per_day),
                format!("{:.0}%", f.utilisation * 100.0),
                format!("{:.1}", f.mean_queue_trains),
                format!("{:.0}", f.max_queue_trains),
                format!("{:.1}", f.wait_p50_hours),
                format!("{:.1}", f.wait_p95_hours),
                format!("{:.1}", f.p95_hours),
            ],
            2,
        ));
    }
    html.push_str("</table>");

    html.push_str("<h2>Sea and ferry lines</h2><table>");
    html.push_str(&header(&[
        "line",
        "from → to",
        "sailings/year",
        "TEU/year",
        "load",
        "left behind TEU/year",
        "closed days/year",
        "route wait h",
        "wait p50 h",
        "wait p95 h",
    ]));
    for s in report.sailings.iter().filter(|s| s.teu_per_year > 0.0) {
        html.push_str(&row(
            &[
                esc(&s.name),
                esc(&format!("{} → {}", s.from, s.to)),
                format!("{:.0}", s.sailings_per_year),
                thousands(s.teu_per_year),
                s.load_factor
                    .map_or("–".to_string(), |l| format!("{:.0}%", l * 100.0)),
                thousands(s.left_behind_teu_per_year),
                format!("{:.1}", s.closed_days_per_year),
                format!("{:.1}", s.route_wait_hours),
                format!("{:.1}", s.wait_p50_hours),
                format!("{:.1}", s.wait_p95_hours),
            ],
            2,
        ));
    }
    html.push_str("</table>");
    if !report.warnings.is_empty() {
        html.push_str("<h2>Warnings</h2><ul>");
        for w in &report.warnings {
            let _ = write!(html, "<li>{}</li>", esc(w));
        }
        html.push_str("</ul>");
    }
    html.push_str("</body></html>\n");
    html
}
