//! Reports of research-network assignments (`silkroute assign --tntp/--gmns`): the run and
//! every link's flow and cost, as JSON, CSV and GeoJSON.

use super::geojson::{Feature, FeatureCollection, Geometry};
use crate::assign::{AssignResult, NodeName, Study};
use serde::Serialize;
use std::io::Write;

/// Rounds to 0.001 (and turns −0 into 0).
fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0 + 0.0
}

/// Three significant digits, for gaps.
fn significant3(value: f64) -> f64 {
    format!("{value:.2e}").parse().unwrap_or(value)
}

/// One link of the report, with the files' node ids (TNTP: 1-based numbers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignLinkRecord {
    /// The GMNS `link_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_id: Option<String>,
    /// Tail.
    pub from: NodeName,
    /// Head.
    pub to: NodeName,
    /// Flow.
    pub flow: f64,
    /// Generalized cost ([`Study::generalized_costs`]).
    pub cost: f64,
}

/// `silkroute assign --tntp/--gmns --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignReport {
    /// The network's name.
    pub network: String,
    /// The method's short name.
    pub method: String,
    /// Iterations done.
    pub iterations: usize,
    /// Relative gap at the returned flows (3 significant digits).
    pub relative_gap: f64,
    /// Beckmann objective.
    pub objective: f64,
    /// Whether the gap target was reached.
    pub converged: bool,
    /// Wall-clock seconds (the only field that varies between runs).
    pub seconds: f64,
    /// Every input link, in input order.
    pub links: Vec<AssignLinkRecord>,
}

impl AssignReport {
    /// The report of `result` on `study`.
    pub fn new(study: &Study, result: &AssignResult) -> AssignReport {
        let costs = study.generalized_costs(result);
        AssignReport {
            network: study.name.clone(),
            method: result.method.name().to_string(),
            iterations: result.iterations,
            relative_gap: significant3(result.relative_gap),
            objective: round3(result.objective),
            converged: result.converged,
            seconds: (result.seconds * 1e6).round() / 1e6,
            links: study
                .links
                .iter()
                .enumerate()
                .map(|(a, link)| AssignLinkRecord {
                    link_id: link.id.clone(),
                    from: link.from.clone(),
                    to: link.to.clone(),
                    flow: round3(result.flows.total[a]),
                    cost: round3(costs[a]),
                })
                .collect(),
        }
    }

    /// One CSV row per link: `[link_id,]from,to,flow,cost`.
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        let with_ids = self.links.iter().any(|l| l.link_id.is_some());
        if with_ids {
            writer.write_record(["link_id", "from", "to", "flow", "cost"])?;
        } else {
            writer.write_record(["from", "to", "flow", "cost"])?;
        }
        for link in &self.links {
            let mut row = Vec::with_capacity(5);
            if with_ids {
                row.push(link.link_id.clone().unwrap_or_default());
            }
            row.push(link.from.to_string());
            row.push(link.to.to_string());
            row.push(link.flow.to_string());
            row.push(link.cost.to_string());
            writer.write_record(&row)?;
        }
        writer.flush()?;
        Ok(())
    }
}

/// Why a study's flows cannot be drawn: its links have no lines in degrees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--format geojson needs link lines in degrees: {reason}")]
pub struct NoLines {
    /// Why.
    pub reason: String,
}

/// Link flows as GeoJSON lines (RFC 7946: longitude, latitude) with flow, cost, capacity and
/// v/c.
///
/// # Errors
/// [`NoLines`] when the study's links have no lines in degrees.
pub fn assign_geojson(study: &Study, result: &AssignResult) -> Result<FeatureCollection, NoLines> {
    if let Some(reason) = &study.no_lines {
        return Err(NoLines {
            reason: reason.clone(),
        });
    }
    let costs = study.generalized_costs(result);
    let vdfs = study.problem.network().vdfs();
    let features = study
        .links
        .iter()
        .enumerate()
        .map(|(a, link)| {
            let flow = result.flows.total[a];
            let capacity = (!vdfs[a].is_constant()).then_some(vdfs[a].capacity);
            let mut properties = serde_json::Map::new();
            if let Some(id) = &link.id {
                properties.insert("link_id".into(), id.clone().into());
            }
            properties.insert("from".into(), serde_json::json!(link.from));
            properties.insert("to".into(), serde_json::json!(link.to));
            properties.insert("flow".into(), round3(flow).into());
            properties.insert("cost".into(), round3(costs[a]).into());
            properties.insert("capacity".into(), serde_json::json!(capacity));
            properties.insert(
                "voc".into(),
                serde_json::json!(capacity.map(|c| round3(flow / c))),
            );
            let points: Vec<[f64; 2]> = link
                .line
                .as_ref()
                .expect("checked: every link has a line")
                .iter()
                .map(|&(lon, lat)| [lon, lat])
                .collect();
            Feature::new(
                Geometry::line(points),
                serde_json::Value::Object(properties),
            )
        })
        .collect();
    Ok(FeatureCollection::new(features, None))
}

/// One link's Network Robustness Index ([`Study::robustness`]), as `assign --robustness`
/// reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RobustnessRecord {
    /// The link's id (GMNS), or `from-to` (TNTP).
    pub link: String,
    /// Tail, as the files name it.
    pub from: String,
    /// Head.
    pub to: String,
    /// Change of total cost with the link closed, rounded to 0.001 (`None`: closing it
    /// disconnects demand).
    pub nri: Option<f64>,
}

/// The records of [`Study::robustness`]'s results, largest NRI first (links that disconnect
/// demand before all; ties in link order).
pub fn robustness_records(study: &Study, nri: &[Option<f64>]) -> Vec<RobustnessRecord> {
    let mut rows: Vec<(usize, Option<f64>)> = nri.iter().copied().enumerate().collect();
    rows.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.0.cmp(&b.0)),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    rows.into_iter()
        .filter_map(|(i, nri)| {
            let link = study.links.get(i)?;
            Some(RobustnessRecord {
                link: link
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("{}-{}", link.from, link.to)),
                from: link.from.to_string(),
                to: link.to.to_string(),
                nri: nri.map(|v| (v * 1000.0).round() / 1000.0),
            })
        })
        .collect()
}
