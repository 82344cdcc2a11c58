//! Transit-time percentiles of the network's elements, simulated elsewhere (issue 12): for a
//! handling row, the whole time a container spends there (queue, service and dwell); for a
//! link, the wait for a departure or a slot. A [`Reliability`] table read from a reliability
//! file (docs/formats.md, "Reliability files") replaces those hours in a [`super::Scope`] by
//! the [`Statistic`] asked for, and prices the spread of each element used (p95 − p50) at
//! [`super::RouteOptions::value_of_reliability_usd_per_day`].
//!
//! The file is checked against the network it is read for: every element must name a node
//! and handling kind with a row in handling.csv, or a link of links.csv; hours must be finite,
//! ≥ 0 and ordered p50 ≤ p90 ≤ p95; every error names file, line and field.

use crate::io::csv::{Column, Table, required};
use crate::io::{Fault, Limit, LoadError, clip, read_named};
use crate::network::{HandlingId, HandlingKind, LinkId, Network, NodeId};
use std::collections::HashMap;
use std::path::Path;

/// The largest reliability file: one row per element, so a few hundred kB for the default
/// network's ~240 elements even with long source texts; 16 MiB leaves room for networks a
/// hundred times larger and keeps a stray large file from being parsed.
pub const RELIABILITY_LIMIT: Limit = Limit {
    bytes: 16 << 20,
    what: "a reliability file",
};

/// Which of an element's simulated hours a route uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Statistic {
    /// The mean (what a route totals on average).
    #[default]
    Mean,
    /// The median.
    P50,
    /// The 90th percentile.
    P90,
    /// The 95th percentile.
    P95,
}

impl Statistic {
    /// All statistics.
    pub const ALL: [Statistic; 4] = [
        Statistic::Mean,
        Statistic::P50,
        Statistic::P90,
        Statistic::P95,
    ];

    /// The name used on the command line and in reports (`mean`, `p50`, `p90`, `p95`).
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Mean => "mean",
            Statistic::P50 => "p50",
            Statistic::P90 => "p90",
            Statistic::P95 => "p95",
        }
    }

    /// Parses [`Statistic::as_str`]'s names.
    pub fn parse(text: &str) -> Option<Statistic> {
        Statistic::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The simulated hours of one element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementHours {
    /// Containers (or departures) simulated.
    pub samples: u64,
    /// Mean hours.
    pub mean_h: f64,
    /// Median hours.
    pub p50_h: f64,
    /// 90th-percentile hours.
    pub p90_h: f64,
    /// 95th-percentile hours.
    pub p95_h: f64,
}

impl ElementHours {
    /// The hours of a statistic.
    pub fn get(&self, statistic: Statistic) -> f64 {
        match statistic {
            Statistic::Mean => self.mean_h,
            Statistic::P50 => self.p50_h,
            Statistic::P90 => self.p90_h,
            Statistic::P95 => self.p95_h,
        }
    }

    /// The spread that the value of reliability prices: p95 − p50, hours (≥ 0).
    pub fn spread_h(&self) -> f64 {
        self.p95_h - self.p50_h
    }
}

/// A reliability file read against a network: the simulated hours of each handling row and
/// link it names (elements it does not name keep the network's values).
///
/// A `handling:<node>:<kind>` element applies to every row of that node and kind in
/// handling.csv (rows that replace each other over the years); the row active in a route's
/// year is the one a route charges.
///
/// # Example
/// ```
/// use silkroute_core::network::{HandlingKind, load_default};
/// use silkroute_core::route::{Statistic, parse_reliability};
/// let (network, _) = load_default().unwrap();
/// let text = "element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n\
///             handling:dostyk:gauge_change,1234,9.1,8.0,12.5,16.0,SIM\n";
/// let table = parse_reliability(&("r.csv".into(), text.into()), &network).unwrap();
/// let dostyk = network.node_by_key("dostyk").unwrap();
/// let row = network.handlings_at(dostyk).iter().copied()
///     .find(|&h| network.handling(h).kind == HandlingKind::GaugeChange).unwrap();
/// assert_eq!(table.handling(row).unwrap().get(Statistic::P95), 16.0);
/// assert_eq!(table.sources(), ["SIM"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    file: String,
    /// The distinct `source` texts, in the order of their first row.
    sources: Vec<String>,
    /// Elements named (rows of the file).
    elements: usize,
    /// By [`HandlingId`].
    handlings: Vec<Option<ElementHours>>,
    /// By [`LinkId`].
    links: Vec<Option<ElementHours>>,
}

impl Reliability {
    /// The file's name as messages and reports give it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The distinct `source` texts of the file (what produced its rows), in file order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Number of elements the file names.
    pub fn len(&self) -> usize {
        self.elements
    }

    /// Whether the file names no element.
    pub fn is_empty(&self) -> bool {
        self.elements == 0
    }

    /// The simulated hours of a handling row, if the file names it (`None` also for an id
    /// beyond the network the table was read for).
    pub fn handling(&self, id: HandlingId) -> Option<&ElementHours> {
        self.handlings.get(id.index()).and_then(Option::as_ref)
    }

    /// The simulated wait of a link, if the file names it.
    pub fn link(&self, id: LinkId) -> Option<&ElementHours> {
        self.links.get(id.index()).and_then(Option::as_ref)
    }

    /// Whether the table was read against a network with `network`'s handling rows and links
    /// (by count: ids index both).
    pub fn fits(&self, network: &Network) -> bool {
        self.handlings.len() == network.handlings().len()
            && self.links.len() == network.link_count()
    }

    /// A table for `network` naming no element: every route keeps today's hours.
    pub fn empty(network: &Network, file: &str) -> Reliability {
        Reliability {
            file: file.to_string(),
            sources: Vec::new(),
            elements: 0,
            handlings: vec![None; network.handlings().len()],
            links: vec![None; network.link_count()],
        }
    }

    /// Sets the hours of an element of `network` (what a simulation in memory does instead
    /// of writing a file), replacing any it had. Returns `false`, changing nothing, when the
    /// element does not exist: a node without a handling row of that kind, an id beyond the
    /// network.
    pub fn set(&mut self, network: &Network, element: Element, hours: ElementHours) -> bool {
        let (slots, indices): (&mut Vec<Option<ElementHours>>, Vec<usize>) = match element {
            Element::Handling { node, kind } if node.index() < network.node_count() => (
                &mut self.handlings,
                network
                    .handlings_at(node)
                    .iter()
                    .filter(|&&h| network.handling(h).kind == kind)
                    .map(|h| h.index())
                    .collect(),
            ),
            Element::Handling { .. } => return false,
            Element::Link(id) => (&mut self.links, vec![id.index()]),
        };
        if indices.is_empty() || indices.iter().any(|&i| i >= slots.len()) {
            return false;
        }
        let new = indices.iter().all(|&i| slots[i].is_none());
        for i in indices {
            slots[i] = Some(hours);
        }
        if new {
            self.elements += 1;
        }
        true
    }
}

/// One element of the network a reliability row may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Element {
    /// The handling rows of a kind at a node (`handling:<node_id>:<kind>`).
    Handling {
        /// The node.
        node: NodeId,
        /// The kind.
        kind: HandlingKind,
    },
    /// A link's wait for a departure or slot (`link:<link_id>`).
    Link(LinkId),
}

impl Element {
    /// The element as files write it, with `network`'s ids.
    pub fn key(self, network: &Network) -> String {
        match self {
            Element::Handling { node, kind } => {
                format!("handling:{}:{}", network.node(node).key, kind.as_str())
            }
            Element::Link(id) => format!("link:{}", network.link(id).key),
        }
    }
}

const COLUMNS: &[Column] = &[
    required("element"),
    required("samples"),
    required("mean_hours"),
    required("p50_hours"),
    required("p90_hours"),
    required("p95_hours"),
    required("source"),
];

/// Reads a reliability file (CSV, docs/formats.md "Reliability files") against `network`, at
/// most [`RELIABILITY_LIMIT`] bytes.
///
/// # Errors
/// A [`LoadError`] naming the file, and the line and field of a bad row: see
/// [`parse_reliability`].
pub fn read_reliability(path: &Path, network: &Network) -> Result<Reliability, LoadError> {
    parse_reliability(&read_named(path, RELIABILITY_LIMIT)?, network)
}

/// Parses a reliability file's contents (`file` = (name in messages, bytes)) against
/// `network`.
///
/// # Errors
/// A [`LoadError`]: a malformed CSV or header (the seven columns, each once, nothing else);
/// and naming line and field: an element that is not `handling:<node>:<kind>` or
/// `link:<link>`, an unknown node, kind or link, a node without a handling row of that kind,
/// an element named twice, samples that are not a whole number ≥ 1, hours that are not
/// finite numbers ≥ 0, percentiles out of order (p50 ≤ p90 ≤ p95), an empty source.
pub fn parse_reliability(
    file: &(String, Vec<u8>),
    network: &Network,
) -> Result<Reliability, LoadError> {
    let table = Table::parse(&file.0, &file.1, COLUMNS)?;
    let mut reliability = Reliability::empty(network, &file.0);
    let mut seen: HashMap<Element, u64> = HashMap::new();
    let kinds: Vec<&str> = HandlingKind::ALL.iter().map(|k| k.as_str()).collect();
    for row in &table.rows {
        let fields = table.at(row);
        let text = fields.required_text("element")?;
        let bad_element = || {
            fields.error(
                "element",
                Fault::rule(format!(
                    "`{}` is not `handling:<node_id>:<kind>` or `link:<link_id>`",
                    clip(text)
                )),
            )
        };
        let mut parts = text.split(':').map(str::trim);
        let element = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("handling"), Some(node), Some(kind), None) => {
                let id = network.node_by_key(node).ok_or_else(|| {
                    fields.error(
                        "element",
                        Fault::unknown("node", node, " (not in nodes.csv)"),
                    )
                })?;
                let kind = HandlingKind::parse(kind).ok_or_else(|| {
                    fields.error(
                        "element",
                        Fault::UnknownValue {
                            value: clip(kind),
                            expected: kinds.join(", "),
                        },
                    )
                })?;
                if !network
                    .handlings_at(id)
                    .iter()
                    .any(|&h| network.handling(h).kind == kind)
                {
                    return Err(fields.error(
                        "element",
                        Fault::rule(format!(
                            "`{}` has no `{}` row in handling.csv",
                            clip(node),
                            kind.as_str()
                        )),
                    ));
                }
                Element::Handling { node: id, kind }
            }
            (Some("link"), Some(link), None, None) => {
                let id = network.link_by_key(link).ok_or_else(|| {
                    fields.error(
                        "element",
                        Fault::unknown("link", link, " (not in links.csv)"),
                    )
                })?;
                Element::Link(id)
            }
            _ => return Err(bad_element()),
        };
        if let Some(&first) = seen.get(&element) {
            return Err(fields.error(
                "element",
                Fault::DuplicateId {
                    id: element.key(network),
                    first_line: Some(first),
                },
            ));
        }
        seen.insert(element, fields.line());
        let samples_text = fields.required_text("samples")?;
        let samples = match samples_text.parse::<u64>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(fields.error(
                    "samples",
                    Fault::rule(format!(
                        "`{}` is not a whole number of samples ≥ 1",
                        clip(samples_text)
                    )),
                ));
            }
        };
        let hours = |field: &str| -> Result<f64, LoadError> {
            fields
                .non_negative(field)?
                .ok_or_else(|| fields.error(field, Fault::missing()))
        };
        let stats = ElementHours {
            samples,
            mean_h: hours("mean_hours")?,
            p50_h: hours("p50_hours")?,
            p90_h: hours("p90_hours")?,
            p95_h: hours("p95_hours")?,
        };
        for (field, low_field, low, high) in [
            ("p90_hours", "p50_hours", stats.p50_h, stats.p90_h),
            ("p95_hours", "p90_hours", stats.p90_h, stats.p95_h),
        ] {
            if high < low {
                return Err(fields.error(
                    field,
                    Fault::rule(format!(
                        "{} is below {low_field} ({}): percentiles must be p50 ≤ p90 ≤ p95",
                        crate::io::number(high),
                        crate::io::number(low)
                    )),
                ));
            }
        }
        let source = fields.required_text("source")?;
        if !reliability.sources.iter().any(|s| s == source) {
            reliability.sources.push(source.to_string());
        }
        let set = reliability.set(network, element, stats);
        debug_assert!(set, "the element was checked to exist");
    }
    Ok(reliability)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Network;

    const HEADER: &str = "element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n";

    fn network() -> Network {
        crate::network::load_default()
            .expect("the default network loads")
            .0
    }

    fn parse(network: &Network, body: &str) -> Result<Reliability, LoadError> {
        parse_reliability(
            &("r.csv".to_string(), format!("{HEADER}{body}").into_bytes()),
            network,
        )
    }

    fn error(network: &Network, body: &str) -> String {
        parse(network, body).expect_err(body).to_string()
    }

    fn rows(network: &Network, node: &str, kind: HandlingKind) -> Vec<HandlingId> {
        let node = network.node_by_key(node).expect("node");
        network
            .handlings_at(node)
            .iter()
            .copied()
            .filter(|&h| network.handling(h).kind == kind)
            .collect()
    }

    #[test]
    fn a_good_file_sets_its_elements_and_nothing_else() {
        let network = network();
        let text = "# Simulated by the queue model, report 3f2a.\n# Another comment.\n\
                    element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n\
                    handling:dostyk:gauge_change,1234,9.1,8.0,12.5,16.0,SIM-3f2a\n\
                    link:kuryk_alat_ferry,310,40.2,30.0,80.1,95.3,SIM-3f2a\n\
                    handling:alat:port, 7 ,1,1,1,1, other run \n";
        let table = parse_reliability(&("r.csv".into(), text.into()), &network).expect("valid");
        assert_eq!(table.file(), "r.csv");
        assert_eq!(table.len(), 3);
        assert!(!table.is_empty() && table.fits(&network));
        assert_eq!(table.sources(), ["SIM-3f2a", "other run"]);
        let dostyk = rows(&network, "dostyk", HandlingKind::GaugeChange);
        assert_eq!(dostyk.len(), 3, "one row per period of the data");
        for id in dostyk {
            let hours = table.handling(id).expect("every dostyk gauge-change row");
            assert_eq!(hours.samples, 1234);
            assert_eq!(hours.get(Statistic::Mean), 9.1);
            assert_eq!(hours.get(Statistic::P50), 8.0);
            assert_eq!(hours.get(Statistic::P90), 12.5);
            assert_eq!(hours.get(Statistic::P95), 16.0);
            assert_eq!(hours.spread_h(), 8.0);
        }
        let ferry = network.link_by_key("kuryk_alat_ferry").expect("link");
        assert_eq!(table.link(ferry).expect("ferry").p95_h, 95.3);
        let named: usize = (0..network.handlings().len())
            .filter(|&i| table.handling(HandlingId::from_index(i)).is_some())
            .count();
        let alat_ports = rows(&network, "alat", HandlingKind::Port).len();
        assert_eq!(named, 3 + alat_ports);
        let links = (0..network.link_count())
            .filter(|&i| table.link(LinkId::from_index(i)).is_some())
            .count();
        assert_eq!(links, 1);
        // A header alone is a valid file that changes nothing.
        let none = parse(&network, "").expect("valid");
        assert!(none.is_empty() && none.sources().is_empty());
    }

    #[test]
    fn every_bad_row_names_its_line_and_field() {
        let network = network();
        let good = "handling:altynkol:gauge_change,10,9,8,12,16,SIM\n";
        for (body, expected) in [
            (
                "handling:nowhere:border,1,1,1,1,1,S\n",
                "r.csv:2: element: unknown node `nowhere` (not in nodes.csv)",
            ),
            (
                "handling:dostyk:customs,1,1,1,1,1,S\n",
                "r.csv:2: element: unknown value `customs` (expected one of: gauge_change, border, port, terminal)",
            ),
            (
                "link:nolink,1,1,1,1,1,S\n",
                "r.csv:2: element: unknown link `nolink` (not in links.csv)",
            ),
            (
                "handling:dostyk:port,1,1,1,1,1,S\n",
                "r.csv:2: element: `dostyk` has no `port` row in handling.csv",
            ),
            (
                "node:dostyk,1,1,1,1,1,S\n",
                "r.csv:2: element: `node:dostyk` is not `handling:<node_id>:<kind>` or `link:<link_id>`",
            ),
            (
                "handling:dostyk,1,1,1,1,1,S\n",
                "r.csv:2: element: `handling:dostyk` is not",
            ),
            (
                "link:kuryk_alat_ferry:x,1,1,1,1,1,S\n",
                "r.csv:2: element: `link:kuryk_alat_ferry:x` is not",
            ),
            (",1,1,1,1,1,S\n", "r.csv:2: element: missing value"),
            (
                "handling:dostyk:gauge_change,1,1,1,1,1,S\nlink:kuryk_alat_ferry,1,1,1,1,1,S\nhandling:dostyk:gauge_change,2,1,1,1,1,S\n",
                "r.csv:4: element: duplicate id `handling:dostyk:gauge_change` (first defined on line 2)",
            ),
            (
                "link:kuryk_alat_ferry,1,1,1,1,1,S\nlink: kuryk_alat_ferry ,1,1,1,1,1,S\n",
                "r.csv:3: element: duplicate id `link:kuryk_alat_ferry` (first defined on line 2)",
            ),
            (
                "link:kuryk_alat_ferry,0,1,1,1,1,S\n",
                "r.csv:2: samples: `0` is not a whole number of samples ≥ 1",
            ),
            (
                "link:kuryk_alat_ferry,1.5,1,1,1,1,S\n",
                "r.csv:2: samples: `1.5` is not a whole number of samples ≥ 1",
            ),
            (
                "link:kuryk_alat_ferry,-3,1,1,1,1,S\n",
                "r.csv:2: samples: `-3` is not a whole number",
            ),
            (
                "link:kuryk_alat_ferry,,1,1,1,1,S\n",
                "r.csv:2: samples: missing value",
            ),
            (
                "link:kuryk_alat_ferry,1,NaN,1,1,1,S\n",
                "r.csv:2: mean_hours: `NaN` is not a finite number",
            ),
            (
                "link:kuryk_alat_ferry,1,1,inf,1,1,S\n",
                "r.csv:2: p50_hours: `inf` is not a finite number",
            ),
            (
                "link:kuryk_alat_ferry,1,1,1,1,lots,S\n",
                "r.csv:2: p95_hours: `lots` is not a number",
            ),
            (
                "link:kuryk_alat_ferry,1,-1,1,1,1,S\n",
                "r.csv:2: mean_hours: must be ≥ 0, found -1",
            ),
            (
                "link:kuryk_alat_ferry,1,1,1,-2,1,S\n",
                "r.csv:2: p90_hours: must be ≥ 0, found -2",
            ),
            (
                "link:kuryk_alat_ferry,1,1,1,,1,S\n",
                "r.csv:2: p90_hours: missing value",
            ),
            (
                "link:kuryk_alat_ferry,1,5,8,7,9,S\n",
                "r.csv:2: p90_hours: 7 is below p50_hours (8): percentiles must be p50 ≤ p90 ≤ p95",
            ),
            (
                "link:kuryk_alat_ferry,1,5,8,9,8.5,S\n",
                "r.csv:2: p95_hours: 8.5 is below p90_hours (9): percentiles must be p50 ≤ p90 ≤ p95",
            ),
            (
                "link:kuryk_alat_ferry,1,5,8,9,10,\n",
                "r.csv:2: source: missing value",
            ),
        ] {
            let message = error(&network, body);
            assert!(message.starts_with(expected), "{body:?}: {message}");
            // After a good row, the same fault is reported one line further down.
            if body.lines().count() == 1 {
                let later = error(&network, &format!("{good}{body}"));
                let shifted = expected.replacen("r.csv:2:", "r.csv:3:", 1);
                assert!(later.starts_with(&shifted), "{body:?}: {later}");
            }
        }
    }

    #[test]
    fn the_header_is_strict_and_the_file_size_bounded() {
        let network = network();
        let text = |t: &str| {
            parse_reliability(&("r.csv".into(), t.as_bytes().to_vec()), &network)
                .expect_err(t)
                .to_string()
        };
        assert_eq!(
            text("element,samples,mean_hours,p50_hours,p90_hours,p95_hours\n"),
            "r.csv:1: missing column `source`"
        );
        assert!(
            text("element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source,note\n")
                .starts_with("r.csv:1: unknown column `note` (known columns: element, samples, "),
        );
        assert_eq!(
            text(""),
            "r.csv: empty file (expected a header row with columns element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source)"
        );
        assert!(
            text(&format!("{HEADER}link:kuryk_alat_ferry,1,1,1,1\n"))
                .starts_with("r.csv:2: malformed CSV: expected 7 fields as in the header, found 5")
        );
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("big.csv");
        let file = std::fs::File::create(&path).expect("created");
        file.set_len(RELIABILITY_LIMIT.bytes + 1).expect("sized");
        let error = read_reliability(&path, &network).expect_err("too large");
        assert!(
            error
                .to_string()
                .ends_with("big.csv: larger than the 16 MiB allowed for a reliability file"),
            "{error}"
        );
        let path = dir.path().join("good.csv");
        std::fs::write(
            &path,
            format!("{HEADER}link:kuryk_alat_ferry,3,1,1,2,3,S\n"),
        )
        .expect("written");
        let table = read_reliability(&path, &network).expect("valid");
        assert_eq!(table.file(), path.display().to_string());
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn set_names_elements_as_files_do() {
        let network = network();
        let mut table = Reliability::empty(&network, "memory");
        let hours = ElementHours {
            samples: 1,
            mean_h: 2.0,
            p50_h: 1.0,
            p90_h: 3.0,
            p95_h: 4.0,
        };
        let dostyk = network.node_by_key("dostyk").expect("node");
        let gauge = Element::Handling {
            node: dostyk,
            kind: HandlingKind::GaugeChange,
        };
        assert_eq!(gauge.key(&network), "handling:dostyk:gauge_change");
        assert!(table.set(&network, gauge, hours));
        assert!(
            table.set(&network, gauge, hours),
            "replacing is not a new element"
        );
        assert_eq!(table.len(), 1);
        let port = Element::Handling {
            node: dostyk,
            kind: HandlingKind::Port,
        };
        assert!(!table.set(&network, port, hours), "Dostyk has no port");
        let beyond = Element::Link(LinkId::from_index(network.link_count()));
        assert!(!table.set(&network, beyond, hours));
        assert_eq!(table.len(), 1);
        assert_eq!(
            rows(&network, "dostyk", HandlingKind::GaugeChange)
                .into_iter()
                .filter(|&h| table.handling(h) == Some(&hours))
                .count(),
            3
        );
        assert_eq!(
            table.handling(HandlingId::from_index(usize::MAX >> 40)),
            None
        );
    }
}
