//! Research networks (TNTP or GMNS) ready to assign, with the names their files give nodes,
//! links and zones, so reports and errors speak the files' language; and assignment requests
//! (method, gap, limits) checked before any work.

use super::{
    AssignError, AssignLinkId, AssignOptions, AssignResult, CostModel, GmnsAssignment, Method,
    Observer, Problem, TntpProblem, assign, keep_going, load_gmns_assignment, load_tntp,
};
use crate::io::{LoadError, LoadWarning};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// Default relative gap for TNTP and GMNS networks (the usual benchmark target).
pub const TNTP_GAP: f64 = 1e-4;

/// An assignment request: the method and when to stop.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignRequest {
    /// The algorithm.
    pub method: Method,
    /// Stop once the relative gap is at most this (default: the network kind's).
    pub gap: Option<f64>,
    /// Stop after this many iterations.
    pub max_iterations: usize,
    /// Stop after the iteration that passes this many seconds.
    pub time_limit_s: Option<f64>,
}

/// Why a request or a research network cannot be assigned.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// A request parameter outside its range.
    #[error("{field} {value}: {expected}")]
    InvalidParameter {
        /// The request field (`gap`, `max_iter`, `time_limit`, `toll_factor`,
        /// `distance_factor`).
        field: &'static str,
        /// The value given.
        value: String,
        /// What is expected.
        expected: &'static str,
    },
    /// The files could not be read.
    #[error("cannot load the {kind} network {path}")]
    Load {
        /// `TNTP` or `GMNS`.
        kind: &'static str,
        /// The path given.
        path: String,
        /// Why.
        source: Box<LoadError>,
    },
    /// The files do not make an assignment problem.
    #[error("{name}: not a valid assignment network")]
    Invalid {
        /// The network's name.
        name: String,
        /// Why.
        source: AssignError,
    },
    /// Demand between zones that no path connects, named as the files name them.
    #[error(
        "{name}: no path from zone {origin} to zone {destination} carries their demand of {demand}"
    )]
    Disconnected {
        /// The network's name.
        name: String,
        /// The origin zone's id.
        origin: String,
        /// The destination zone's id.
        destination: String,
        /// The demand.
        demand: f64,
    },
    /// The assignment failed otherwise (or was stopped).
    #[error("{name}: assignment failed")]
    Failed {
        /// The network's name.
        name: String,
        /// Why.
        source: AssignError,
    },
}

impl AssignRequest {
    /// The solver options of this request, `default_gap` standing for a gap not given.
    ///
    /// # Errors
    /// [`StudyError::InvalidParameter`] for a gap that is negative or not finite, no
    /// iterations, or a time limit that is not a positive number of seconds a clock can count.
    pub fn options(&self, default_gap: f64) -> Result<AssignOptions, StudyError> {
        let gap = self.gap.unwrap_or(default_gap);
        if !(gap.is_finite() && gap >= 0.0) {
            return Err(StudyError::InvalidParameter {
                field: "gap",
                value: crate::io::number(gap),
                expected: "expected a relative gap ≥ 0",
            });
        }
        if self.max_iterations == 0 {
            return Err(StudyError::InvalidParameter {
                field: "max_iter",
                value: "0".to_string(),
                expected: "expected at least 1 iteration",
            });
        }
        let time_limit = match self.time_limit_s {
            None => None,
            Some(seconds) => Some(
                Duration::try_from_secs_f64(seconds)
                    .ok()
                    .filter(|_| seconds > 0.0)
                    .ok_or_else(|| StudyError::InvalidParameter {
                        field: "time_limit",
                        value: crate::io::number(seconds),
                        expected: "expected a positive number of seconds",
                    })?,
            ),
        };
        Ok(AssignOptions {
            method: self.method,
            target_gap: gap,
            max_iterations: self.max_iterations,
            time_limit,
        })
    }
}

/// A node as the input files name it: TNTP's numbers, GMNS's text ids.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum NodeName {
    /// A TNTP node number (1-based).
    Number(u32),
    /// A GMNS node id.
    Text(String),
}

impl std::fmt::Display for NodeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeName::Number(n) => write!(f, "{n}"),
            NodeName::Text(t) => f.write_str(t),
        }
    }
}

/// One link of the input, as reports name it; link `i` is link `i` of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyLink {
    /// The GMNS `link_id` (TNTP links have none).
    pub id: Option<String>,
    /// Tail.
    pub from: NodeName,
    /// Head.
    pub to: NodeName,
    /// `(longitude, latitude)` points, when the input has coordinates in degrees.
    pub line: Option<Vec<(f64, f64)>>,
}

/// How research networks turn tolls and lengths into cost.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StudyOptions {
    /// Time units per unit of toll (default: the TNTP file's or README's value; 0 for GMNS).
    pub toll_factor: Option<f64>,
    /// Time units per unit of length (default as for the toll factor).
    pub distance_factor: Option<f64>,
    /// User equilibrium or system optimum.
    pub model: CostModel,
}

/// A research network (TNTP or GMNS) with its demand, ready to assign.
///
/// # Example
/// ```
/// use silkroute_core::assign::{AssignRequest, Method, Study, StudyOptions, keep_going};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/gmns_braess");
/// let study = Study::from_gmns(dir.as_ref(), None, StudyOptions::default()).unwrap();
/// let request = AssignRequest {
///     method: Method::AlgorithmB,
///     gap: Some(1e-10),
///     max_iterations: 100,
///     time_limit_s: None,
/// };
/// let result = study.assign(&request.options(1e-4).unwrap(), &mut keep_going).unwrap();
/// assert!(result.converged);
/// ```
#[derive(Debug, Clone)]
pub struct Study {
    /// The network's name (TNTP: `SiouxFalls`; GMNS: the folder's name).
    pub name: String,
    /// The assignment problem.
    pub problem: Problem,
    /// Intrazonal demand, which is not assigned.
    pub intrazonal: f64,
    /// Nodes in the input (a GMNS problem adds one centroid per zone).
    pub node_count: usize,
    /// Zone `z` as the files name it.
    pub zone_ids: Vec<String>,
    /// The input's links (a GMNS problem has zone connectors after them).
    pub links: Vec<StudyLink>,
    /// Why links have no lines in degrees, when they have none (GeoJSON needs them).
    pub no_lines: Option<String>,
    /// The readers' warnings.
    pub warnings: Vec<LoadWarning>,
}

impl StudyOptions {
    fn check(&self) -> Result<(), StudyError> {
        for (field, value) in [
            ("toll_factor", self.toll_factor),
            ("distance_factor", self.distance_factor),
        ] {
            if let Some(value) = value
                && !value.is_finite()
            {
                return Err(StudyError::InvalidParameter {
                    field,
                    value: crate::io::number(value),
                    expected: "expected a finite number",
                });
            }
        }
        Ok(())
    }
}

impl Study {
    /// Reads a TNTP network: `DIR/NAME` reads `DIR/NAME_net.tntp`, `DIR/NAME_trips.tntp`
    /// (and `DIR/NAME_node.tntp` for coordinates when present); a folder holding a single
    /// `*_net.tntp` works too.
    ///
    /// # Errors
    /// [`StudyError`]: a bad factor, files that cannot be read or do not form a problem.
    pub fn from_tntp(spec: &Path, options: StudyOptions) -> Result<Study, StudyError> {
        options.check()?;
        let tntp = load_tntp(spec).map_err(|source| StudyError::Load {
            kind: "TNTP",
            path: spec.display().to_string(),
            source: Box::new(source),
        })?;
        let (toll, distance) = tntp.cost_weights();
        let problem = Problem::from_tntp(
            &tntp,
            options.toll_factor.unwrap_or(toll),
            options.distance_factor.unwrap_or(distance),
            options.model,
        )
        .map_err(|source| StudyError::Invalid {
            name: tntp.name.clone(),
            source,
        })?;
        let (coords, no_lines) = match tntp_coordinates(&tntp) {
            Ok(coords) => (Some(coords), None),
            Err(reason) => (None, Some(reason)),
        };
        let net = problem.network();
        let links = net
            .link_ids()
            .map(|a| {
                let (from, to) = (net.from(a).0 + 1, net.to(a).0 + 1);
                StudyLink {
                    id: None,
                    from: NodeName::Number(from),
                    to: NodeName::Number(to),
                    line: coords
                        .as_ref()
                        .and_then(|c| Some(vec![*c.get(&from)?, *c.get(&to)?])),
                }
            })
            .collect();
        Ok(Study {
            name: tntp.name.clone(),
            intrazonal: tntp.demand.intrazonal(),
            node_count: problem.network().node_count(),
            zone_ids: (1..=tntp.net.zones).map(|z| z.to_string()).collect(),
            links,
            no_lines,
            warnings: tntp.warnings.clone(),
            problem,
        })
    }

    /// Reads a GMNS folder (node.csv, link.csv, demand.csv or `demand`, optional config.csv).
    ///
    /// # Errors
    /// As [`Study::from_tntp`].
    pub fn from_gmns(
        dir: &Path,
        demand: Option<&Path>,
        options: StudyOptions,
    ) -> Result<Study, StudyError> {
        options.check()?;
        let gmns = load_gmns_assignment(dir, demand).map_err(|source| StudyError::Load {
            kind: "GMNS",
            path: dir.display().to_string(),
            source: Box::new(source),
        })?;
        let problem = Problem::from_gmns(
            &gmns,
            options.toll_factor.unwrap_or(0.0),
            options.distance_factor.unwrap_or(0.0),
            options.model,
        )
        .map_err(|source| StudyError::Invalid {
            name: gmns.name.clone(),
            source,
        })?;
        let (links, no_lines) = gmns_links(&gmns, dir);
        Ok(Study {
            name: gmns.name.clone(),
            intrazonal: gmns.demand.intrazonal(),
            node_count: gmns.nodes.len(),
            zone_ids: gmns.zones.clone(),
            links,
            no_lines,
            warnings: gmns.warnings.clone(),
            problem,
        })
    }

    /// Solves the study's problem; demand no path connects is reported with the files' zone
    /// ids.
    ///
    /// # Errors
    /// [`StudyError::Disconnected`] or [`StudyError::Failed`] (also when the observer stops
    /// the run).
    pub fn assign(
        &self,
        options: &AssignOptions,
        observer: &mut Observer<'_>,
    ) -> Result<AssignResult, StudyError> {
        assign(&self.problem, options, observer).map_err(|error| match error {
            AssignError::Disconnected {
                origin,
                destination,
                demand,
                ..
            } => StudyError::Disconnected {
                name: self.name.clone(),
                origin: self.zone_ids[origin.index()].clone(),
                destination: self.zone_ids[destination.index()].clone(),
                demand,
            },
            source => StudyError::Failed {
                name: self.name.clone(),
                source,
            },
        })
    }

    /// The Network Robustness Index of each input link (Scott et al. 2006): the link closed,
    /// the problem re-assigned, and the change of the total cost users spend (Σ flow × link
    /// cost, in the network's time unit; negative where removing the link helps, as in
    /// Braess's network). `None` for a link whose closing disconnects some demand. In input
    /// link order.
    ///
    /// # Errors
    /// The base assignment's error.
    pub fn robustness(&self, options: &AssignOptions) -> Result<Vec<Option<f64>>, StudyError> {
        let total = |study: &Study, result: &AssignResult| -> f64 {
            study
                .generalized_costs(result)
                .iter()
                .zip(&result.flows.total)
                .map(|(c, x)| c * x)
                .sum()
        };
        let base = total(self, &self.assign(options, &mut keep_going)?);
        let links: Vec<AssignLinkId> = (0..self.links.len())
            .map(AssignLinkId::from_index)
            .collect();
        Ok(links
            .par_iter()
            .map(|&link| {
                let problem = self.problem.without_link(link).ok()?;
                let study = Study {
                    problem,
                    ..self.clone()
                };
                let result = study.assign(options, &mut keep_going).ok()?;
                Some(total(&study, &result) - base)
            })
            .collect())
    }

    /// What users choosing routes see on each link: the time (marginal time for a system
    /// optimum) plus the toll and distance terms, like the Cost column of a TNTP flow file.
    pub fn generalized_costs(&self, result: &AssignResult) -> Vec<f64> {
        let fixed = &self.problem.classes()[0].fixed_cost;
        result
            .link_cost
            .iter()
            .zip(fixed)
            .map(|(c, f)| c + f)
            .collect()
    }
}

/// TNTP node coordinates by id when `NAME_node.tntp` exists and is in degrees, else why not.
fn tntp_coordinates(tntp: &TntpProblem) -> Result<HashMap<u32, (f64, f64)>, String> {
    let Some(nodes) = &tntp.nodes else {
        return Err(format!(
            "{}: no {}_node.tntp with coordinates",
            tntp.name, tntp.name
        ));
    };
    if let Some(node) = nodes
        .iter()
        .find(|n| !((-180.0..=180.0).contains(&n.x) && (-90.0..=90.0).contains(&n.y)))
    {
        return Err(format!(
            "{}_node.tntp: node {} at ({}, {}) is not longitude/latitude in degrees (the \
             file uses a projected system GeoJSON cannot carry)",
            tntp.name, node.id, node.x, node.y
        ));
    }
    Ok(nodes.iter().map(|n| (n.id, (n.x, n.y))).collect())
}

/// The links of a GMNS network as reports name them, and why they have no lines if so.
fn gmns_links(gmns: &GmnsAssignment, dir: &Path) -> (Vec<StudyLink>, Option<String>) {
    let mut no_lines = (!gmns.wgs84).then(|| {
        format!(
            "{}: config.csv states a coordinate system other than WGS84 degrees",
            dir.display()
        )
    });
    let links = gmns
        .links
        .iter()
        .map(|l| {
            let node = |n: u32| &gmns.nodes[n as usize];
            let line = l
                .geometry
                .clone()
                .or_else(|| Some(vec![node(l.from).coord?, node(l.to).coord?]));
            if line.is_none() && no_lines.is_none() {
                no_lines = Some(format!(
                    "{}: link {} (link.csv line {}) has no geometry and a node without \
                     x_coord/y_coord",
                    dir.display(),
                    l.id,
                    l.line
                ));
            }
            StudyLink {
                id: Some(l.id.clone()),
                from: NodeName::Text(node(l.from).id.clone()),
                to: NodeName::Text(node(l.to).id.clone()),
                line,
            }
        })
        .collect();
    (links, no_lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Braess's network (testdata/gmns_braess: a = e = 10(1 + x/100), b = d = 50(1 + x/5000),
    /// c = 10(1 + x/1000), 450 trips from 1 to 4). At equilibrium every path costs 91.5
    /// (total 41,175). Without c the two routes split 225/225 at 84.75 (total 38,137.5: NRI
    /// −3,037.5). Without a (or e) all 450 take b–e at 109.5 (+8,100). Without b (or d) the 450
    /// take a and split 162.5 on d, 287.5 on c–e at 106.625 (+6,806.25).
    #[test]
    fn robustness_of_braess_links_has_the_closed_form() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/gmns_braess");
        let study = Study::from_gmns(&dir, None, StudyOptions::default()).expect("Braess");
        let options = AssignOptions {
            target_gap: 1e-12,
            max_iterations: 10_000,
            ..AssignOptions::new(Method::AlgorithmB)
        };
        let nri = study.robustness(&options).expect("solves");
        let expected = [8100.0, 6806.25, -3037.5, 6806.25, 8100.0];
        assert_eq!(nri.len(), expected.len());
        for (got, want) in nri.iter().zip(expected) {
            let got = got.expect("nothing disconnected");
            assert!((got - want).abs() < 0.5, "{got} against {want}");
        }
    }
}
