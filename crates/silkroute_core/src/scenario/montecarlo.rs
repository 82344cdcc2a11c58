//! Monte Carlo of disruptions: hazards (a group of elements closed together, events a year,
//! a duration) drawn year by year; each day of a drawn year has a set of closed groups, and
//! the day costs 1/365 of the yearly loss of the network with that set closed (a freight
//! re-assignment at fixed demand, solved once per distinct set and cached). The result is the
//! distribution of the yearly loss over the draws (mean, p50, p95, p99) and each hazard's
//! expected yearly loss.
//!
//! Draw `i` of seed `s` uses its own random stream (SplitMix64 of `s` and `i`), so a draw's
//! outcome depends on neither the thread count nor the other draws: a sweep split into shards
//! (`--shard k/n`: the draws `i` with `i mod n == k`) merges into the same answer.

use crate::assign::{AssignOptions, keep_going};
use crate::freight::{FreightOptions, FreightRequestError, build_problem};
use crate::io::{Fault, Limit, LoadError, read_named};
use crate::network::folder::{Lines, SourceRecord, source_from_record, toml_error, toml_text};
use crate::network::{Network, Source};
use crate::report::freight::TotalsRecord;
use crate::route::Avoid;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

type Spanned<T> = toml::Spanned<T>;

/// Version of the layout of [`MonteCarloReport`] and [`MonteCarloShard`].
pub const MONTE_CARLO_VERSION: u32 = 1;

/// Most draws in one run.
pub const MAX_DRAWS: usize = 1_000_000;

/// Days of a drawn year.
const DAYS: usize = 365;

/// One hazard: what closes, how often, for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct Hazard {
    /// The group's id (elements that close together).
    pub group: String,
    /// What closes (the `--avoid` forms: `node:ID`, `link:ID`, `corridor:ID`, `country:CC`).
    pub close: Vec<String>,
    /// Mean number of events a year (a Poisson process).
    pub events_per_year: f64,
    /// Mean duration of an event, days (exponential).
    pub mean_days: f64,
    /// Longest event, days (≤ 365).
    pub max_days: f64,
    /// Source ids.
    pub sources: Vec<String>,
    /// Free text: the events it is drawn from.
    pub note: String,
}

/// A hazards file: its sources and hazards.
#[derive(Debug, Clone, PartialEq)]
pub struct Hazards {
    /// The file's name in messages.
    pub file: String,
    /// Sources the file adds.
    pub sources: Vec<Source>,
    /// The hazards, in file order.
    pub hazards: Vec<Hazard>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HazardsRecord {
    #[serde(default)]
    source: Vec<SourceRecord>,
    #[serde(default)]
    hazard: Vec<Spanned<HazardRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HazardRecord {
    group: String,
    close: Vec<String>,
    events_per_year: Spanned<f64>,
    mean_days: Spanned<f64>,
    max_days: Spanned<f64>,
    sources: Vec<String>,
    #[serde(default)]
    note: String,
}

/// The hazards file shipped with the data (data/hazards.toml), for `network`.
///
/// # Errors
/// As [`parse_hazards`] (the tests rule it out on the default network).
pub fn default_hazards(network: &Network) -> Result<Hazards, LoadError> {
    parse_hazards(
        &(
            "data/hazards.toml".to_string(),
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/hazards.toml"
            ))
            .to_vec(),
        ),
        network,
    )
}

/// Reads a hazards file (TOML, docs/formats.md "Hazards"), checking each value and that
/// every source id is the file's or `network`'s and every closed item is valid on `network`.
///
/// # Errors
/// A [`LoadError`] naming file, line and key.
pub fn read_hazards(path: &Path, network: &Network) -> Result<Hazards, LoadError> {
    parse_hazards(&read_named(path, Limit::NETWORK_FILE)?, network)
}

/// Parses a hazards file's contents (`file` = (name in messages, bytes)).
///
/// # Errors
/// As [`read_hazards`].
pub fn parse_hazards(file: &(String, Vec<u8>), network: &Network) -> Result<Hazards, LoadError> {
    let text = toml_text(file)?;
    let record: HazardsRecord =
        toml::from_str(text).map_err(|error| toml_error(&file.0, text, &error))?;
    let lines = Lines::new(text);
    let error = |line: u64, field: &str, fault: Fault| LoadError::Field {
        file: file.0.clone(),
        line,
        field: field.to_string(),
        fault,
    };
    let mut sources = Vec::new();
    for source in record.source {
        let line = lines.of(&source.id);
        let source = source_from_record(&file.0, &lines, source)?;
        if network.source_by_key(&source.key).is_some()
            || sources.iter().any(|s: &Source| s.key == source.key)
        {
            return Err(error(
                line,
                "id",
                Fault::rule(format!("source `{}` is defined twice", source.key)),
            ));
        }
        sources.push(source);
    }
    let mut hazards: Vec<Hazard> = Vec::new();
    for spanned in record.hazard {
        let line = lines.of(&spanned);
        let h = spanned.into_inner();
        if !crate::network::is_id(&h.group) || hazards.iter().any(|o| o.group == h.group) {
            return Err(error(
                line,
                "group",
                Fault::rule(format!(
                    "`{}`: a group is an id of lower-case letters, digits and `_`, once per file",
                    crate::io::clip(&h.group)
                )),
            ));
        }
        let check = |value: &Spanned<f64>, field: &str, low: f64, high: f64| {
            let v = *value.get_ref();
            if v.is_finite() && v >= low && v <= high {
                Ok(v)
            } else {
                Err(error(
                    lines.of(value),
                    field,
                    Fault::rule(format!("{} is outside {low}–{high}", crate::io::number(v))),
                ))
            }
        };
        let events_per_year = check(&h.events_per_year, "events_per_year", 0.0, 50.0)?;
        let mean_days = check(&h.mean_days, "mean_days", 0.01, 365.0)?;
        let max_days = check(&h.max_days, "max_days", 0.01, 365.0)?;
        if max_days < mean_days {
            return Err(error(
                lines.of(&h.max_days),
                "max_days",
                Fault::rule("below mean_days".to_string()),
            ));
        }
        if h.close.is_empty() {
            return Err(error(
                line,
                "close",
                Fault::rule("nothing to close".to_string()),
            ));
        }
        Avoid::parse(network, &h.close)
            .map_err(|e| error(line, "close", Fault::rule(e.to_string())))?;
        if h.sources.is_empty() {
            return Err(error(
                line,
                "sources",
                Fault::rule("a hazard needs a source id".to_string()),
            ));
        }
        if let Some(unknown) = h.sources.iter().find(|s| {
            network.source_by_key(s).is_none() && !sources.iter().any(|o: &Source| &o.key == *s)
        }) {
            return Err(error(
                line,
                "sources",
                Fault::UnknownReference {
                    kind: "source",
                    id: crate::io::clip(unknown),
                    hint: String::new(),
                },
            ));
        }
        hazards.push(Hazard {
            group: h.group,
            close: h.close,
            events_per_year,
            mean_days,
            max_days,
            sources: h.sources,
            note: h.note,
        });
    }
    Ok(Hazards {
        file: file.0.clone(),
        sources,
        hazards,
    })
}

/// SplitMix64: a small, fast, well-mixed generator; one stream per draw.
struct Stream(u64);

impl Stream {
    fn new(seed: u64, draw: u64) -> Stream {
        let mut stream = Stream(seed ^ draw.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        stream.next();
        stream
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Poisson(λ) by Knuth's product of uniforms (λ ≤ 50).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let mut product = self.uniform();
        let mut count = 0;
        while product > limit && count < 1000 {
            product *= self.uniform();
            count += 1;
        }
        count
    }
}

/// The closures of one drawn year: per day, the bit set of closed hazards (by file order).
fn draw_year(hazards: &[Hazard], seed: u64, draw: u64) -> Vec<u64> {
    let mut stream = Stream::new(seed, draw);
    let mut days = vec![0u64; DAYS];
    for (index, hazard) in hazards.iter().enumerate() {
        let events = stream.poisson(hazard.events_per_year);
        for _ in 0..events {
            let start = ((stream.uniform() * DAYS as f64) as usize).min(DAYS - 1);
            let length = (-stream.uniform().ln() * hazard.mean_days).min(hazard.max_days);
            let end = (start + length.ceil() as usize).min(DAYS);
            for day in &mut days[start..end] {
                *day |= 1 << index;
            }
        }
    }
    days
}

/// One draw: its yearly loss and the closed days of each hazard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    /// The draw's index.
    pub index: u64,
    /// Change of generalized cost over the year, USD.
    pub loss_usd: f64,
    /// TEU left without a route over the year (TEU a year × share of the year).
    pub unserved_teu: f64,
    /// Days each hazard was closed (file order).
    pub closed_days: Vec<u32>,
    /// Loss attributed to each hazard (file order): a day's loss split in proportion to the
    /// closed hazards' losses alone.
    pub loss_by_hazard_usd: Vec<f64>,
    /// Unserved TEU attributed to each hazard, split the same way.
    pub unserved_by_hazard_teu: Vec<f64>,
}

/// The draws of one shard, to merge with the others ([`merge`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloShard {
    /// Layout version.
    pub version: u32,
    /// The seed.
    pub seed: u64,
    /// Draws in the whole run.
    pub draws: u64,
    /// This shard (`k` of `n`).
    pub shard: (u64, u64),
    /// Hazard groups, in file order.
    pub hazards: Vec<String>,
    /// The base run's totals.
    pub base: TotalsRecord,
    /// The loss of each closed set solved (bit set of hazards → (USD a year, unserved TEU a
    /// year)), for the report.
    pub sets: BTreeMap<u64, (f64, f64)>,
    /// The shard's draws, by index.
    pub results: Vec<Draw>,
}

/// A hazard's share of the result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HazardLoss {
    /// The group.
    pub group: String,
    /// What it closes.
    pub close: Vec<String>,
    /// Loss of a whole year closed, USD (its criticality at fixed demand).
    pub loss_if_closed_all_year_usd: f64,
    /// Share of draws with at least one closed day.
    pub probability_per_year: f64,
    /// Mean closed days a year.
    pub expected_closed_days: f64,
    /// Mean loss a year attributed to it, USD (demand it leaves without a route drops out of
    /// the generalized cost: read it with `expected_unserved_teu`).
    pub expected_annual_loss_usd: f64,
    /// Mean TEU a year it leaves without a route.
    pub expected_unserved_teu: f64,
    /// p95 of its yearly loss over the draws where it closed, USD.
    pub conditional_p95_usd: f64,
    /// Source ids.
    pub sources: Vec<String>,
}

/// The distribution of yearly losses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// The Monte Carlo result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarloReport {
    /// Layout version.
    pub version: u32,
    /// The seed.
    pub seed: u64,
    /// Draws (years).
    pub draws: u64,
    /// Distinct sets of closed hazards solved.
    pub solved_sets: usize,
    /// The base run's totals.
    pub base: TotalsRecord,
    /// Yearly change of generalized cost, USD.
    pub loss_usd: Distribution,
    /// Yearly TEU left without a route.
    pub unserved_teu: Distribution,
    /// Per hazard, ranked by the TEU it leaves without a route, then by expected annual loss.
    pub hazards: Vec<HazardLoss>,
}

/// The totals of a fixed-demand run with `close` closed.
fn totals_closed(
    network: &Network,
    options: &FreightOptions,
    solver: &AssignOptions,
    close: &[String],
) -> Result<TotalsRecord, FreightRequestError> {
    let mut options = options.clone();
    let extra = Avoid::parse(network, close)?;
    options.avoid.countries.extend(extra.countries);
    options.avoid.nodes.extend(extra.nodes);
    options.avoid.links.extend(extra.links);
    options.avoid.modes.extend(extra.modes);
    options.avoid.corridors.extend(extra.corridors);
    let mut problem = build_problem(network, &options).map_err(FreightRequestError::Build)?;
    let (result, _) = problem
        .solve(solver, &mut keep_going)
        .map_err(FreightRequestError::Assign)?;
    Ok(problem.totals(&result))
}

/// Runs the draws of one shard (`shard` = (k, n): the draws `i < draws` with `i mod n == k`)
/// on the rayon pool; `progress(done, total)` after each draw.
///
/// # Errors
/// An assignment error; a shard that is not `k < n`; more than [`MAX_DRAWS`] draws or more
/// than 64 hazards.
#[expect(
    clippy::too_many_arguments,
    reason = "the run's inputs, each needed; a struct would only rename them"
)]
pub fn run_shard(
    network: &Network,
    options: &FreightOptions,
    solver: &AssignOptions,
    hazards: &Hazards,
    draws: u64,
    seed: u64,
    shard: (u64, u64),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<MonteCarloShard, MonteCarloError> {
    if draws == 0 || draws > MAX_DRAWS as u64 {
        return Err(MonteCarloError::Draws(draws));
    }
    if shard.1 == 0 || shard.0 >= shard.1 {
        return Err(MonteCarloError::Shard(shard.0, shard.1));
    }
    if hazards.hazards.len() > 64 {
        return Err(MonteCarloError::TooManyHazards(hazards.hazards.len()));
    }
    let mut options = options.clone();
    options.market_choice = false;
    let base = totals_closed(network, &options, solver, &[])?;
    let list = &hazards.hazards;
    // Losses of closed sets, solved once each.
    let cache: Mutex<BTreeMap<u64, (f64, f64)>> = Mutex::new(BTreeMap::new());
    let loss_of = |set: u64| -> Result<(f64, f64), FreightRequestError> {
        if set == 0 {
            return Ok((0.0, 0.0));
        }
        if let Some(&hit) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&set) {
            return Ok(hit);
        }
        let close: Vec<String> = (0..list.len())
            .filter(|i| set & (1 << i) != 0)
            .flat_map(|i| list[i].close.iter().cloned())
            .collect();
        let after = totals_closed(network, &options, solver, &close)?;
        let loss = (
            after.generalized_cost_usd_per_year - base.generalized_cost_usd_per_year,
            after.unserved_teu_per_year - base.unserved_teu_per_year,
        );
        cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(set, loss);
        Ok(loss)
    };
    // Each hazard alone first (the attribution's weights), in file order.
    let singles: Vec<(f64, f64)> = (0..list.len())
        .into_par_iter()
        .map(|i| loss_of(1 << i))
        .collect::<Result<_, _>>()?;
    let indices: Vec<u64> = (0..draws).filter(|i| i % shard.1 == shard.0).collect();
    let done = AtomicUsize::new(0);
    let total = indices.len();
    let results: Vec<Draw> = indices
        .par_iter()
        .map(|&index| {
            let days = draw_year(list, seed, index);
            let mut draw = Draw {
                index,
                loss_usd: 0.0,
                unserved_teu: 0.0,
                closed_days: vec![0; list.len()],
                loss_by_hazard_usd: vec![0.0; list.len()],
                unserved_by_hazard_teu: vec![0.0; list.len()],
            };
            for &set in &days {
                if set == 0 {
                    continue;
                }
                let (usd, unserved) = loss_of(set)?;
                let (usd, unserved) = (usd / DAYS as f64, unserved / DAYS as f64);
                draw.loss_usd += usd;
                draw.unserved_teu += unserved;
                let members: Vec<usize> = (0..list.len()).filter(|i| set & (1 << i) != 0).collect();
                let weight: f64 = members.iter().map(|&i| singles[i].0.abs()).sum();
                for &i in &members {
                    draw.closed_days[i] += 1;
                    let share = if weight > 0.0 {
                        singles[i].0.abs() / weight
                    } else {
                        1.0 / members.len() as f64
                    };
                    draw.loss_by_hazard_usd[i] += usd * share;
                    draw.unserved_by_hazard_teu[i] += unserved * share;
                }
            }
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok(draw)
        })
        .collect::<Result<_, FreightRequestError>>()?;
    let sets = cache.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(MonteCarloShard {
        version: MONTE_CARLO_VERSION,
        seed,
        draws,
        shard,
        hazards: list.iter().map(|h| h.group.clone()).collect(),
        base,
        sets,
        results,
    })
}

/// Why a Monte Carlo run or merge cannot be done.
#[derive(Debug, thiserror::Error)]
pub enum MonteCarloError {
    /// Draws out of range.
    #[error("--monte-carlo {0}: expected 1 to 1,000,000 draws")]
    Draws(u64),
    /// A shard that is not `k/n` with `k < n`.
    #[error("--shard {0}/{1}: expected k/n with 0 ≤ k < n")]
    Shard(u64, u64),
    /// More hazards than a draw's bit set holds.
    #[error("{0} hazards: at most 64")]
    TooManyHazards(usize),
    /// Shards of different runs, missing or repeated.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// An assignment failed.
    #[error(transparent)]
    Freight(#[from] FreightRequestError),
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn distribution(mut values: Vec<f64>) -> Distribution {
    values.sort_by(f64::total_cmp);
    let mean = if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    };
    let round = |v: f64| (v * 10.0).round() / 10.0;
    Distribution {
        mean: round(mean),
        p50: round(percentile(&values, 0.50)),
        p95: round(percentile(&values, 0.95)),
        p99: round(percentile(&values, 0.99)),
        max: round(values.last().copied().unwrap_or(0.0)),
    }
}

/// Merges the shards of one run (same seed, draws and hazards; each shard once, all of them)
/// into the report: the same bytes whatever the number of shards.
///
/// # Errors
/// [`MonteCarloError::Merge`] naming what does not fit.
pub fn merge(
    hazards: &Hazards,
    shards: &[MonteCarloShard],
) -> Result<MonteCarloReport, MonteCarloError> {
    let first = shards
        .first()
        .ok_or_else(|| MonteCarloError::Merge("no shard".to_string()))?;
    let n = first.shard.1;
    let mut seen = vec![false; usize::try_from(n).unwrap_or(usize::MAX).min(1 << 20)];
    let groups: Vec<String> = hazards.hazards.iter().map(|h| h.group.clone()).collect();
    for shard in shards {
        if shard.version != MONTE_CARLO_VERSION
            || shard.seed != first.seed
            || shard.draws != first.draws
            || shard.shard.1 != n
            || shard.hazards != groups
            || shard.base != first.base
        {
            return Err(MonteCarloError::Merge(format!(
                "shard {}/{} is of another run (seed, draws, hazards or network)",
                shard.shard.0, shard.shard.1
            )));
        }
        let k = usize::try_from(shard.shard.0).unwrap_or(usize::MAX);
        match seen.get_mut(k) {
            Some(slot) if !*slot => *slot = true,
            _ => {
                return Err(MonteCarloError::Merge(format!(
                    "shard {}/{} is repeated or out of range",
                    shard.shard.0, n
                )));
            }
        }
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(MonteCarloError::Merge(format!(
            "shard {missing}/{n} is missing"
        )));
    }
    let mut draws: Vec<&Draw> = shards.iter().flat_map(|s| &s.results).collect();
    draws.sort_by_key(|d| d.index);
    let mut sets: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    for shard in shards {
        sets.extend(shard.sets.iter().map(|(k, v)| (*k, *v)));
    }
    let count = draws.len().max(1) as f64;
    let mut per_hazard: Vec<HazardLoss> = hazards
        .hazards
        .iter()
        .enumerate()
        .map(|(i, hazard)| {
            let closed: Vec<&&Draw> = draws.iter().filter(|d| d.closed_days[i] > 0).collect();
            let mut conditional: Vec<f64> =
                closed.iter().map(|d| d.loss_by_hazard_usd[i]).collect();
            conditional.sort_by(f64::total_cmp);
            let round = |v: f64| (v * 10.0).round() / 10.0;
            HazardLoss {
                group: hazard.group.clone(),
                close: hazard.close.clone(),
                loss_if_closed_all_year_usd: round(sets.get(&(1 << i)).map_or(0.0, |s| s.0)),
                probability_per_year: ((closed.len() as f64 / count) * 1e4).round() / 1e4,
                expected_closed_days: round(
                    draws
                        .iter()
                        .map(|d| f64::from(d.closed_days[i]))
                        .sum::<f64>()
                        / count,
                ),
                expected_annual_loss_usd: round(
                    draws.iter().map(|d| d.loss_by_hazard_usd[i]).sum::<f64>() / count,
                ),
                expected_unserved_teu: round(
                    draws
                        .iter()
                        .map(|d| d.unserved_by_hazard_teu[i])
                        .sum::<f64>()
                        / count,
                ),
                conditional_p95_usd: round(percentile(&conditional, 0.95)),
                sources: hazard.sources.clone(),
            }
        })
        .collect();
    per_hazard.sort_by(|a, b| {
        b.expected_unserved_teu
            .total_cmp(&a.expected_unserved_teu)
            .then_with(|| {
                b.expected_annual_loss_usd
                    .total_cmp(&a.expected_annual_loss_usd)
            })
            .then_with(|| a.group.cmp(&b.group))
    });
    Ok(MonteCarloReport {
        version: MONTE_CARLO_VERSION,
        seed: first.seed,
        draws: first.draws,
        solved_sets: sets.len(),
        base: first.base.clone(),
        loss_usd: distribution(draws.iter().map(|d| d.loss_usd).collect()),
        unserved_teu: distribution(draws.iter().map(|d| d.unserved_teu).collect()),
        hazards: per_hazard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::Method;

    fn mini() -> Network {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/mini");
        crate::network::load_dir(&dir).expect("the mini network").0
    }

    const SOURCE: &str =
        "[[source]]\nid = \"A_TEST\"\ntitle = \"t\"\nkind = \"estimate\"\nmethod = \"m\"\n";

    fn hazards(network: &Network, body: &str) -> Result<Hazards, LoadError> {
        parse_hazards(
            &("h.toml".to_string(), format!("{SOURCE}{body}").into_bytes()),
            network,
        )
    }

    fn run(network: &Network, hazards: &Hazards, draws: u64, shard: (u64, u64)) -> MonteCarloShard {
        let mut options = FreightOptions::defaults(network);
        options.binding_tolerance = None;
        run_shard(
            network,
            &options,
            &AssignOptions::new(Method::AllOrNothing),
            hazards,
            draws,
            7,
            shard,
            &|_, _| {},
        )
        .expect("runs")
    }

    const TWO: &str = "[[hazard]]\ngroup = \"ferry\"\nclose = [\"link:ferry\"]\nevents_per_year = 0.5\nmean_days = 10\nmax_days = 365\nsources = [\"A_TEST\"]\n\
        [[hazard]]\ngroup = \"poland\"\nclose = [\"link:by_pl\"]\nevents_per_year = 1.5\nmean_days = 20\nmax_days = 60\nsources = [\"A_TEST\"]\n";

    fn hazards_only_ferry(network: &Network) -> Hazards {
        hazards(
            network,
            TWO.split("[[hazard]]\ngroup = \"poland\"")
                .next()
                .unwrap_or(TWO),
        )
        .expect("valid")
    }

    #[test]
    fn draws_follow_the_poisson_and_exponential_hazards() {
        let network = mini();
        let hazards = hazards(&network, TWO).expect("valid");
        let report = merge(&hazards, &[run(&network, &hazards, 20_000, (0, 1))]).expect("merges");
        let ferry = report
            .hazards
            .iter()
            .find(|h| h.group == "ferry")
            .expect("ferry");
        // P(at least one event) = 1 − e^−0.5 = 0.3935; the standard error at 20,000 draws is
        // 0.0035.
        assert!(
            (ferry.probability_per_year - 0.3935).abs() < 0.015,
            "{ferry:?}"
        );
        // Closed days: 0.5 events × (10 days + half a day of rounding up to whole days − what
        // runs past the year's end, about 10²/365).
        assert!((ferry.expected_closed_days - 5.1).abs() < 0.3, "{ferry:?}");
        // A hazard alone in its file: its loss is its closed days' share of a year closed
        // (the closed days are rounded to 0.1 in the report).
        let only = hazards_only_ferry(&network);
        let single = merge(&only, &[run(&network, &only, 2_000, (0, 1))]).expect("merges");
        let h = &single.hazards[0];
        let alone = h.expected_closed_days / 365.0 * h.loss_if_closed_all_year_usd;
        assert!(
            (h.expected_annual_loss_usd - alone).abs() <= 0.02 * alone.abs(),
            "{h:?}"
        );
        // The ferry is the only way to the Caucasus zone: a closed day leaves its demand
        // unserved, which ranks it first.
        assert!(report.unserved_teu.mean > 0.0);
        assert_eq!(report.hazards[0].group, "ferry");
        assert!(ferry.expected_unserved_teu > 0.0);
        assert!(
            report.loss_usd.p50 <= report.loss_usd.p95
                && report.loss_usd.p95 <= report.loss_usd.p99
        );
    }

    #[test]
    fn shards_merge_into_the_same_report_as_one_run_on_any_thread_count() {
        let network = mini();
        let hazards = hazards(&network, TWO).expect("valid");
        let whole = merge(&hazards, &[run(&network, &hazards, 300, (0, 1))]).expect("merges");
        let shards: Vec<MonteCarloShard> = (0..3)
            .map(|k| run(&network, &hazards, 300, (k, 3)))
            .collect();
        let json = |r: &MonteCarloReport| serde_json::to_string(r).expect("json");
        assert_eq!(
            json(&merge(&hazards, &shards).expect("merges")),
            json(&whole)
        );
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool")
            .install(|| merge(&hazards, &[run(&network, &hazards, 300, (0, 1))]).expect("merges"));
        assert_eq!(json(&one_thread), json(&whole));
        // Missing, repeated and foreign shards are refused.
        assert!(merge(&hazards, &shards[..2]).is_err());
        assert!(
            merge(
                &hazards,
                &[shards[0].clone(), shards[0].clone(), shards[2].clone()]
            )
            .is_err()
        );
        let mut other = shards[1].clone();
        other.seed = 8;
        assert!(merge(&hazards, &[shards[0].clone(), other, shards[2].clone()]).is_err());
    }

    #[test]
    fn bad_hazards_name_file_line_and_key() {
        let network = mini();
        let message = |body: &str| hazards(&network, body).expect_err("an error").to_string();
        let base = "[[hazard]]\ngroup = \"g\"\nclose = [\"link:ferry\"]\nmean_days = 10\nmax_days = 20\nsources = [\"A_TEST\"]\n";
        assert_eq!(
            message(&format!("{base}events_per_year = -1\n")),
            "h.toml:12: events_per_year: -1 is outside 0–50"
        );
        assert!(message(&format!("{base}events_per_year = 1\nnote = 3\n")).starts_with("h.toml:"));
        assert!(
            message("[[hazard]]\ngroup = \"g\"\nclose = [\"link:atlantis\"]\nevents_per_year = 1\nmean_days = 1\nmax_days = 2\nsources = [\"A_TEST\"]\n")
                .contains("close:")
        );
        assert!(
            message("[[hazard]]\ngroup = \"g\"\nclose = [\"link:ferry\"]\nevents_per_year = 1\nmean_days = 1\nmax_days = 2\nsources = [\"NOPE\"]\n")
                .contains("unknown source `NOPE`")
        );
        assert!(
            message("[[hazard]]\ngroup = \"g\"\nclose = [\"link:ferry\"]\nevents_per_year = 1\nmean_days = 5\nmax_days = 2\nsources = [\"A_TEST\"]\n")
                .contains("max_days: below mean_days")
        );
        let mut options = FreightOptions::defaults(&network);
        options.binding_tolerance = None;
        let valid = hazards(&network, TWO).expect("valid");
        let solver = AssignOptions::new(Method::AllOrNothing);
        assert!(
            run_shard(
                &network,
                &options,
                &solver,
                &valid,
                0,
                1,
                (0, 1),
                &|_, _| {}
            )
            .is_err()
        );
        assert!(
            run_shard(
                &network,
                &options,
                &solver,
                &valid,
                10,
                1,
                (3, 3),
                &|_, _| {}
            )
            .is_err()
        );
    }

    #[test]
    fn the_shipped_hazards_load_on_the_default_network() {
        let network = crate::network::load_default().expect("default").0;
        let shipped = default_hazards(&network).expect("valid");
        assert!(shipped.hazards.len() >= 5);
        assert!(shipped.hazards.iter().all(|h| !h.note.is_empty()));
    }
}
