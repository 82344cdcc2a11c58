//! Two reports side by side, keyed by the data's stable ids: what changed from a base run to
//! another run, by how much, and which rows exist on one side only. These records are output
//! schemas (they derive `Serialize`); rows are sorted by key, so a comparison is
//! deterministic, and `compare(b, a)` is `compare(a, b).reversed()`.

use crate::freight::{
    ClassRecord, CorridorFlowRecord, FreightReport, HandlingFlowRecord, LinkFlowRecord,
};
use crate::report::{RouteRecord, RouteReport, round1};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the layout of [`FreightDiff`] and [`RouteDiff`]; bumped on any incompatible
/// change.
pub const SCENARIO_DIFF_VERSION: u32 = 2;

/// Rounds a ratio (v/c, share) to 0.001, as the freight report does.
fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// A number in the base run and in the other run, and `other − base` (rounded like the
/// report's figures: 0.1, or 0.001 for ratios). A row missing on one side counts 0 there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// In the base run.
    pub base: f64,
    /// In the other run.
    pub other: f64,
    /// `other − base`.
    pub delta: f64,
}

impl Change {
    fn new(base: f64, other: f64, round: fn(f64) -> f64) -> Change {
        Change {
            base,
            other,
            delta: round(other - base),
        }
    }

    /// The change seen from the other side.
    pub fn reversed(self) -> Change {
        Change {
            base: self.other,
            other: self.base,
            delta: -self.delta,
        }
    }
}

/// A number that may be absent on either side (a link without a capacity, a corridor
/// without a route); the difference only when both sides have it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptionalChange {
    /// In the base run.
    pub base: Option<f64>,
    /// In the other run.
    pub other: Option<f64>,
    /// `other − base`, when both are given.
    pub delta: Option<f64>,
}

impl OptionalChange {
    fn new(base: Option<f64>, other: Option<f64>, round: fn(f64) -> f64) -> OptionalChange {
        OptionalChange {
            base,
            other,
            delta: base.zip(other).map(|(base, other)| round(other - base)),
        }
    }

    /// `base → other` and the signed change as tables print them (`–` for a missing side;
    /// one decimal, or thousands without decimals).
    pub fn texts(&self, one_decimal: bool) -> (String, String) {
        let show = |v: f64| {
            if one_decimal {
                format!("{v:.1}")
            } else {
                crate::io::thousands(v)
            }
        };
        let before_after = format!(
            "{} → {}",
            self.base.map_or("–".to_string(), show),
            self.other.map_or("–".to_string(), show)
        );
        let delta = self.delta.map_or(String::new(), |d| {
            if one_decimal {
                crate::io::signed1(d)
            } else {
                crate::io::signed(d)
            }
        });
        (before_after, delta)
    }

    /// The change seen from the other side.
    pub fn reversed(self) -> OptionalChange {
        OptionalChange {
            base: self.other,
            other: self.base,
            delta: self.delta.map(|delta| -delta),
        }
    }

    fn is_zero(&self) -> bool {
        self.base.is_some() == self.other.is_some() && self.delta.is_none_or(|d| d == 0.0)
    }
}

/// A text (an id) on each side, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextChange {
    /// In the base run.
    pub base: Option<String>,
    /// In the other run.
    pub other: Option<String>,
    /// Whether they differ.
    pub changed: bool,
}

impl TextChange {
    fn new(base: Option<&str>, other: Option<&str>) -> TextChange {
        TextChange {
            base: base.map(str::to_string),
            other: other.map(str::to_string),
            changed: base != other,
        }
    }

    /// The change seen from the other side.
    pub fn reversed(&self) -> TextChange {
        TextChange {
            base: self.other.clone(),
            other: self.base.clone(),
            changed: self.changed,
        }
    }
}

/// Which runs have a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Both.
    Both,
    /// Only the base run (removed or closed in the other).
    BaseOnly,
    /// Only the other run (added or opened in it).
    OtherOnly,
}

impl Presence {
    fn of<T>(base: Option<T>, other: Option<T>) -> Presence {
        match (base.is_some(), other.is_some()) {
            (true, false) => Presence::BaseOnly,
            (false, true) => Presence::OtherOnly,
            _ => Presence::Both,
        }
    }

    /// Seen from the other side.
    pub fn reversed(self) -> Presence {
        match self {
            Presence::Both => Presence::Both,
            Presence::BaseOnly => Presence::OtherOnly,
            Presence::OtherOnly => Presence::BaseOnly,
        }
    }
}

/// Rows of two reports matched by key, sorted by key.
fn matched<'a, K: Ord, R>(
    base: &'a [R],
    other: &'a [R],
    key: impl Fn(&R) -> K,
) -> Vec<(Option<&'a R>, Option<&'a R>)> {
    let mut rows: BTreeMap<K, (Option<&R>, Option<&R>)> = BTreeMap::new();
    for row in base {
        rows.entry(key(row)).or_default().0 = Some(row);
    }
    for row in other {
        rows.entry(key(row)).or_default().1 = Some(row);
    }
    rows.into_values().collect()
}

/// Of the row on either side (they share the key).
fn either<'a, R>(base: Option<&'a R>, other: Option<&'a R>) -> &'a R {
    base.or(other).expect("a matched row exists on one side")
}

fn change<R>(
    base: Option<&R>,
    other: Option<&R>,
    value: impl Fn(&R) -> f64,
    round: fn(f64) -> f64,
) -> Change {
    Change::new(base.map_or(0.0, &value), other.map_or(0.0, &value), round)
}

fn optional_change<R>(
    base: Option<&R>,
    other: Option<&R>,
    value: impl Fn(&R) -> Option<f64>,
    round: fn(f64) -> f64,
) -> OptionalChange {
    OptionalChange::new(base.and_then(&value), other.and_then(&value), round)
}

/// Totals of two freight runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotalsDiff {
    /// Demand, TEU per year.
    pub demand_teu_per_year: Change,
    /// Assigned, TEU per year.
    pub assigned_teu_per_year: Change,
    /// Left out for want of a route, TEU per year.
    pub unserved_teu_per_year: Change,
    /// TEU-km per year.
    pub teu_km_per_year: Change,
    /// TEU-hours per year (congestion delay included).
    pub teu_hours_per_year: Change,
    /// Tariffs, handling and value of time, USD per year.
    pub generalized_cost_usd_per_year: Change,
    /// Tonnes CO2e per year on the network's links.
    pub co2e_t_per_year: Change,
    /// TEU per year the markets' rail-versus-sea choice sends by sea instead of rail.
    pub to_sea_teu_per_year: Change,
}

/// One freight class in two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassDiff {
    /// Class id.
    pub class: String,
    /// Which runs have it.
    pub presence: Presence,
    /// Demand, TEU per year.
    pub demand_teu_per_year: Change,
    /// Assigned, TEU per year.
    pub assigned_teu_per_year: Change,
    /// TEU-hours per year.
    pub teu_hours_per_year: Change,
    /// USD per year.
    pub generalized_cost_usd_per_year: Change,
}

/// One corridor's volume in two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorFlowDiff {
    /// Corridor id (or `regional`, `unattributed`).
    pub corridor: String,
    /// Which runs have it.
    pub presence: Presence,
    /// TEU per year.
    pub teu_per_year: Change,
    /// Share of all assigned TEU (0–1).
    pub share: Change,
}

/// One direction of a link in two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkFlowDiff {
    /// Link id.
    pub link: String,
    /// Node id travelled from.
    pub from: String,
    /// Node id travelled to.
    pub to: String,
    /// Which runs have it (a link closed, removed or added by the scenario is on one side).
    pub presence: Presence,
    /// TEU per year.
    pub teu_per_year: Change,
    /// Capacity, TEU (capacity units) per year, when given.
    pub capacity_teu_per_year: OptionalChange,
    /// Volume over capacity.
    pub vc: OptionalChange,
    /// Hours of congestion delay per TEU.
    pub delay_hours: Change,
}

/// One handling facility modelled with its capacity, in two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlingFlowDiff {
    /// Node id.
    pub node: String,
    /// `gauge_change`, `border`, `port` or `terminal`.
    pub kind: String,
    /// Which runs model it with a capacity.
    pub presence: Presence,
    /// TEU per year.
    pub teu_per_year: Change,
    /// Capacity, TEU per year.
    pub capacity_teu_per_year: OptionalChange,
    /// Volume over capacity.
    pub vc: OptionalChange,
    /// Hours of congestion delay per TEU.
    pub delay_hours: Change,
}

/// The tonnage layer on a corridor or through a crossing, in two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TonnageFlowDiff {
    /// `corridor` or `crossing`.
    pub section: String,
    /// Corridor key or node id.
    pub key: String,
    /// Which runs carry tonnes there.
    pub presence: Presence,
    /// Tonnes per year.
    pub tonnes_per_year: Change,
}

/// Two freight reports side by side ([`compare_freight`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightDiff {
    /// Layout version ([`SCENARIO_DIFF_VERSION`]).
    pub version: u32,
    /// Network year of the base run.
    pub base_year: i32,
    /// Network year of the other run.
    pub other_year: i32,
    /// Totals.
    pub totals: TotalsDiff,
    /// By class, sorted by id.
    pub classes: Vec<ClassDiff>,
    /// By corridor, sorted by id.
    pub corridors: Vec<CorridorFlowDiff>,
    /// By link direction, sorted by (link, from, to).
    pub links: Vec<LinkFlowDiff>,
    /// By capacitated facility, sorted by (node, kind).
    pub handling: Vec<HandlingFlowDiff>,
    /// The tonnage layer by corridor, then by crossing, each sorted by key.
    pub tonnage: Vec<TonnageFlowDiff>,
}

/// Compares two freight reports row by row, keyed by class, corridor, (link, from, to) and
/// (node, kind). A row only one report has appears with 0 TEU and delay and no capacity or
/// v/c on the other side, and its [`Presence`].
pub fn compare_freight(base: &FreightReport, other: &FreightReport) -> FreightDiff {
    let to_sea = |report: &FreightReport| {
        round1(
            (report.markets.iter())
                .map(|m| m.alternative_teu_per_year)
                .sum(),
        )
    };
    let (b, o) = (&base.totals, &other.totals);
    let totals = TotalsDiff {
        demand_teu_per_year: Change::new(b.demand_teu_per_year, o.demand_teu_per_year, round1),
        assigned_teu_per_year: Change::new(
            b.assigned_teu_per_year,
            o.assigned_teu_per_year,
            round1,
        ),
        unserved_teu_per_year: Change::new(
            b.unserved_teu_per_year,
            o.unserved_teu_per_year,
            round1,
        ),
        teu_km_per_year: Change::new(b.teu_km_per_year, o.teu_km_per_year, round1),
        teu_hours_per_year: Change::new(b.teu_hours_per_year, o.teu_hours_per_year, round1),
        generalized_cost_usd_per_year: Change::new(
            b.generalized_cost_usd_per_year,
            o.generalized_cost_usd_per_year,
            round1,
        ),
        co2e_t_per_year: Change::new(b.co2e_t_per_year, o.co2e_t_per_year, round1),
        to_sea_teu_per_year: Change::new(to_sea(base), to_sea(other), round1),
    };
    let classes = matched(&base.classes, &other.classes, |c: &ClassRecord| {
        c.id.clone()
    })
    .into_iter()
    .map(|(b, o)| ClassDiff {
        class: either(b, o).id.clone(),
        presence: Presence::of(b, o),
        demand_teu_per_year: change(b, o, |c| c.demand_teu_per_year, round1),
        assigned_teu_per_year: change(b, o, |c| c.assigned_teu_per_year, round1),
        teu_hours_per_year: change(b, o, |c| c.teu_hours_per_year, round1),
        generalized_cost_usd_per_year: change(b, o, |c| c.generalized_cost_usd_per_year, round1),
    })
    .collect();
    let corridors = matched(
        &base.corridors,
        &other.corridors,
        |c: &CorridorFlowRecord| c.corridor.clone(),
    )
    .into_iter()
    .map(|(b, o)| CorridorFlowDiff {
        corridor: either(b, o).corridor.clone(),
        presence: Presence::of(b, o),
        teu_per_year: change(b, o, |c| c.teu_per_year, round1),
        share: change(b, o, |c| c.share, round3),
    })
    .collect();
    let links = matched(&base.links, &other.links, |l: &LinkFlowRecord| {
        (l.link.clone(), l.from.clone(), l.to.clone())
    })
    .into_iter()
    .map(|(b, o)| {
        let row = either(b, o);
        LinkFlowDiff {
            link: row.link.clone(),
            from: row.from.clone(),
            to: row.to.clone(),
            presence: Presence::of(b, o),
            teu_per_year: change(b, o, |l| l.teu_per_year, round1),
            capacity_teu_per_year: optional_change(b, o, |l| l.capacity_teu_per_year, round1),
            vc: optional_change(b, o, |l| l.vc, round3),
            delay_hours: change(b, o, |l| l.delay_hours, round1),
        }
    })
    .collect();
    let handling = matched(&base.handling, &other.handling, |h: &HandlingFlowRecord| {
        (h.node.clone(), h.kind.clone())
    })
    .into_iter()
    .map(|(b, o)| {
        let row = either(b, o);
        HandlingFlowDiff {
            node: row.node.clone(),
            kind: row.kind.clone(),
            presence: Presence::of(b, o),
            teu_per_year: change(b, o, |h| h.teu_per_year, round1),
            capacity_teu_per_year: optional_change(b, o, |h| Some(h.capacity_teu_per_year), round1),
            vc: optional_change(b, o, |h| Some(h.vc), round3),
            delay_hours: change(b, o, |h| h.delay_hours, round1),
        }
    })
    .collect();
    let corridor_tonnes = |r: &FreightReport| -> Vec<(String, f64)> {
        (r.tonnage.iter())
            .map(|t| (t.corridor.clone(), t.tonnes_per_year))
            .collect()
    };
    let crossing_tonnes = |r: &FreightReport| -> Vec<(String, f64)> {
        (r.tonnage_places.iter())
            .map(|t| (t.node.clone(), t.tonnes_per_year))
            .collect()
    };
    let (bc, oc) = (corridor_tonnes(base), corridor_tonnes(other));
    let (bx, ox) = (crossing_tonnes(base), crossing_tonnes(other));
    let mut tonnage = tonnage_rows("corridor", &bc, &oc);
    tonnage.extend(tonnage_rows("crossing", &bx, &ox));
    FreightDiff {
        version: SCENARIO_DIFF_VERSION,
        base_year: base.year,
        other_year: other.year,
        totals,
        classes,
        corridors,
        links,
        handling,
        tonnage,
    }
}

/// Tonnes by key (corridor or crossing) in two runs, matched by key.
fn tonnage_rows(
    section: &str,
    base: &[(String, f64)],
    other: &[(String, f64)],
) -> Vec<TonnageFlowDiff> {
    matched(base, other, |r| r.0.clone())
        .into_iter()
        .map(|(b, o)| TonnageFlowDiff {
            section: section.to_string(),
            key: either(b, o).0.clone(),
            presence: Presence::of(b, o),
            tonnes_per_year: change(b, o, |r| r.1, round1),
        })
        .collect()
}

impl FreightDiff {
    /// The comparison seen from the other side: `compare_freight(b, a)` is
    /// `compare_freight(a, b).reversed()`.
    pub fn reversed(&self) -> FreightDiff {
        let t = &self.totals;
        FreightDiff {
            version: self.version,
            base_year: self.other_year,
            other_year: self.base_year,
            totals: TotalsDiff {
                demand_teu_per_year: t.demand_teu_per_year.reversed(),
                assigned_teu_per_year: t.assigned_teu_per_year.reversed(),
                unserved_teu_per_year: t.unserved_teu_per_year.reversed(),
                teu_km_per_year: t.teu_km_per_year.reversed(),
                teu_hours_per_year: t.teu_hours_per_year.reversed(),
                generalized_cost_usd_per_year: t.generalized_cost_usd_per_year.reversed(),
                co2e_t_per_year: t.co2e_t_per_year.reversed(),
                to_sea_teu_per_year: t.to_sea_teu_per_year.reversed(),
            },
            classes: (self.classes.iter())
                .map(|c| ClassDiff {
                    class: c.class.clone(),
                    presence: c.presence.reversed(),
                    demand_teu_per_year: c.demand_teu_per_year.reversed(),
                    assigned_teu_per_year: c.assigned_teu_per_year.reversed(),
                    teu_hours_per_year: c.teu_hours_per_year.reversed(),
                    generalized_cost_usd_per_year: c.generalized_cost_usd_per_year.reversed(),
                })
                .collect(),
            corridors: (self.corridors.iter())
                .map(|c| CorridorFlowDiff {
                    corridor: c.corridor.clone(),
                    presence: c.presence.reversed(),
                    teu_per_year: c.teu_per_year.reversed(),
                    share: c.share.reversed(),
                })
                .collect(),
            links: (self.links.iter())
                .map(|l| LinkFlowDiff {
                    link: l.link.clone(),
                    from: l.from.clone(),
                    to: l.to.clone(),
                    presence: l.presence.reversed(),
                    teu_per_year: l.teu_per_year.reversed(),
                    capacity_teu_per_year: l.capacity_teu_per_year.reversed(),
                    vc: l.vc.reversed(),
                    delay_hours: l.delay_hours.reversed(),
                })
                .collect(),
            handling: (self.handling.iter())
                .map(|h| HandlingFlowDiff {
                    node: h.node.clone(),
                    kind: h.kind.clone(),
                    presence: h.presence.reversed(),
                    teu_per_year: h.teu_per_year.reversed(),
                    capacity_teu_per_year: h.capacity_teu_per_year.reversed(),
                    vc: h.vc.reversed(),
                    delay_hours: h.delay_hours.reversed(),
                })
                .collect(),
            tonnage: (self.tonnage.iter())
                .map(|t| TonnageFlowDiff {
                    section: t.section.clone(),
                    key: t.key.clone(),
                    presence: t.presence.reversed(),
                    tonnes_per_year: t.tonnes_per_year.reversed(),
                })
                .collect(),
        }
    }

    /// Whether nothing changed: same rows on both sides, every difference 0.
    pub fn is_zero(&self) -> bool {
        let t = &self.totals;
        let totals = [
            t.demand_teu_per_year,
            t.assigned_teu_per_year,
            t.unserved_teu_per_year,
            t.teu_km_per_year,
            t.teu_hours_per_year,
            t.generalized_cost_usd_per_year,
            t.co2e_t_per_year,
            t.to_sea_teu_per_year,
        ];
        self.base_year == self.other_year
            && totals.iter().all(|c| c.delta == 0.0)
            && self.classes.iter().all(|c| {
                c.presence == Presence::Both
                    && [
                        c.demand_teu_per_year,
                        c.assigned_teu_per_year,
                        c.teu_hours_per_year,
                        c.generalized_cost_usd_per_year,
                    ]
                    .iter()
                    .all(|c| c.delta == 0.0)
            })
            && self.corridors.iter().all(|c| {
                c.presence == Presence::Both && c.teu_per_year.delta == 0.0 && c.share.delta == 0.0
            })
            && self.links.iter().all(|l| {
                l.presence == Presence::Both
                    && l.teu_per_year.delta == 0.0
                    && l.capacity_teu_per_year.is_zero()
                    && l.vc.is_zero()
                    && l.delay_hours.delta == 0.0
            })
            && self.handling.iter().all(|h| {
                h.presence == Presence::Both
                    && h.teu_per_year.delta == 0.0
                    && h.capacity_teu_per_year.is_zero()
                    && h.vc.is_zero()
                    && h.delay_hours.delta == 0.0
            })
            && (self.tonnage.iter())
                .all(|t| t.presence == Presence::Both && t.tonnes_per_year.delta == 0.0)
    }
}

/// The totals of one route on each side (absent on a side without the route).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteTotalsDiff {
    /// Hours door to door.
    pub total_hours: OptionalChange,
    /// Days.
    pub total_days: OptionalChange,
    /// Km.
    pub total_km: OptionalChange,
    /// USD per FEU.
    pub total_cost_usd: OptionalChange,
    /// kg CO2e per FEU.
    pub total_co2e_kg: OptionalChange,
    /// Cost plus value of time × days, USD per FEU.
    pub generalized_cost_usd: OptionalChange,
    /// Hours of handling and border dwell.
    pub handling_hours: OptionalChange,
}

impl RouteTotalsDiff {
    fn new(base: Option<&RouteRecord>, other: Option<&RouteRecord>) -> RouteTotalsDiff {
        let of = |value: fn(&RouteRecord) -> f64| {
            optional_change(base, other, |r| Some(value(r)), round1)
        };
        RouteTotalsDiff {
            total_hours: of(|r| r.total_hours),
            total_days: of(|r| r.total_days),
            total_km: of(|r| r.total_km),
            total_cost_usd: of(|r| r.total_cost_usd),
            total_co2e_kg: of(|r| r.total_co2e_kg),
            generalized_cost_usd: of(|r| r.generalized_cost_usd),
            handling_hours: of(|r| r.handling_hours),
        }
    }

    fn reversed(&self) -> RouteTotalsDiff {
        RouteTotalsDiff {
            total_hours: self.total_hours.reversed(),
            total_days: self.total_days.reversed(),
            total_km: self.total_km.reversed(),
            total_cost_usd: self.total_cost_usd.reversed(),
            total_co2e_kg: self.total_co2e_kg.reversed(),
            generalized_cost_usd: self.generalized_cost_usd.reversed(),
            handling_hours: self.handling_hours.reversed(),
        }
    }

    fn is_zero(&self) -> bool {
        [
            self.total_hours,
            self.total_days,
            self.total_km,
            self.total_cost_usd,
            self.total_co2e_kg,
            self.generalized_cost_usd,
            self.handling_hours,
        ]
        .iter()
        .all(OptionalChange::is_zero)
    }
}

/// The best route of one corridor on each side.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorRouteDiff {
    /// Corridor id, or `regional`.
    pub corridor: String,
    /// Which reports have a route of the corridor.
    pub presence: Presence,
    /// Whether both sides take the same links in the same order.
    pub same_route: bool,
    /// The totals.
    #[serde(flatten)]
    pub totals: RouteTotalsDiff,
}

/// The best route overall on each side.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BestRouteDiff {
    /// Its corridor on each side.
    pub corridor: TextChange,
    /// Whether both sides take the same links in the same order.
    pub same_route: bool,
    /// The totals.
    #[serde(flatten)]
    pub totals: RouteTotalsDiff,
}

/// Two route reports side by side ([`compare_routes`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteDiff {
    /// Layout version ([`SCENARIO_DIFF_VERSION`]).
    pub version: u32,
    /// Origin node id on each side.
    pub from: TextChange,
    /// Destination node id on each side.
    pub to: TextChange,
    /// The first route of each report.
    pub best: BestRouteDiff,
    /// The first route of each corridor in each report, sorted by corridor id.
    pub corridors: Vec<CorridorRouteDiff>,
}

fn same_links(base: Option<&RouteRecord>, other: Option<&RouteRecord>) -> bool {
    match (base, other) {
        (Some(base), Some(other)) => {
            base.legs.len() == other.legs.len()
                && base
                    .legs
                    .iter()
                    .zip(&other.legs)
                    .all(|(a, b)| (&a.link, &a.from, &a.to) == (&b.link, &b.from, &b.to))
        }
        (None, None) => true,
        _ => false,
    }
}

/// Compares two route reports (normally the same query on two networks): the best route of
/// each, and per corridor the first (best) route of that corridor in each report. A corridor
/// with a route on one side only has no totals on the other.
pub fn compare_routes(base: &RouteReport, other: &RouteReport) -> RouteDiff {
    let first_per_corridor = |report: &RouteReport| -> Vec<RouteRecord> {
        let mut seen: Vec<RouteRecord> = Vec::new();
        for route in &report.routes {
            if !seen.iter().any(|r| r.corridor == route.corridor) {
                seen.push(route.clone());
            }
        }
        seen
    };
    let (base_routes, other_routes) = (first_per_corridor(base), first_per_corridor(other));
    let corridors = matched(&base_routes, &other_routes, |r: &RouteRecord| {
        r.corridor.clone()
    })
    .into_iter()
    .map(|(b, o)| CorridorRouteDiff {
        corridor: either(b, o).corridor.clone(),
        presence: Presence::of(b, o),
        same_route: same_links(b, o),
        totals: RouteTotalsDiff::new(b, o),
    })
    .collect();
    let (b, o) = (base.routes.first(), other.routes.first());
    RouteDiff {
        version: SCENARIO_DIFF_VERSION,
        from: TextChange::new(Some(&base.from.id), Some(&other.from.id)),
        to: TextChange::new(Some(&base.to.id), Some(&other.to.id)),
        best: BestRouteDiff {
            corridor: TextChange::new(
                b.map(|r| r.corridor.as_str()),
                o.map(|r| r.corridor.as_str()),
            ),
            same_route: same_links(b, o),
            totals: RouteTotalsDiff::new(b, o),
        },
        corridors,
    }
}

impl RouteDiff {
    /// The comparison seen from the other side: `compare_routes(b, a)` is
    /// `compare_routes(a, b).reversed()`.
    pub fn reversed(&self) -> RouteDiff {
        RouteDiff {
            version: self.version,
            from: self.from.reversed(),
            to: self.to.reversed(),
            best: BestRouteDiff {
                corridor: self.best.corridor.reversed(),
                same_route: self.best.same_route,
                totals: self.best.totals.reversed(),
            },
            corridors: (self.corridors.iter())
                .map(|c| CorridorRouteDiff {
                    corridor: c.corridor.clone(),
                    presence: c.presence.reversed(),
                    same_route: c.same_route,
                    totals: c.totals.reversed(),
                })
                .collect(),
        }
    }

    /// Whether nothing changed: same places, same routes, every difference 0.
    pub fn is_zero(&self) -> bool {
        !self.from.changed
            && !self.to.changed
            && !self.best.corridor.changed
            && self.best.same_route
            && self.best.totals.is_zero()
            && self
                .corridors
                .iter()
                .all(|c| c.presence == Presence::Both && c.same_route && c.totals.is_zero())
    }
}
