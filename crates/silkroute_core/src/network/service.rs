//! Service regimes: how trains and ships actually run on the network.
//!
//! * **Rail service classes** ([`RailService`]): a scheduled express block train with
//!   priority paths, an ordinary block train, a consolidated (groupage) train. Each has
//!   commercial speeds per railway administration ([`ServiceSpeed`], by year), dwell at given
//!   borders and gauge changes ([`ServiceDwell`]), a factor on the dwell of every other border
//!   and gauge change, and a consolidation wait at the origin terminal. A link run at a
//!   speed takes the speed of its administration (the country of its `from` node) for the
//!   service and year; without a row it keeps its own speed.
//! * **Sailings** ([`Sailing`]) of a water link: sailings per week by season and year,
//!   capacity per sailing, the dispatch rule, and weather closures by month. The mean wait
//!   for a departure follows from them ([`Sailing::mean_wait_h`]) instead of being a constant.

use super::{Country, Handling, HandlingKind, InvalidField, NodeId, SourceId};

/// Dense index of a rail service class in [`ServiceData::classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(pub u32);

dense_id!(ServiceId);

/// The rail service classes of a network, and the one a query gets by default.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceData {
    /// The classes, in file order.
    pub classes: Vec<RailService>,
    /// The class used when a query names none (`None`: links run at their own speeds and
    /// handling rows take their own hours).
    pub default: Option<ServiceId>,
}

impl ServiceData {
    /// The class with this id.
    ///
    /// # Panics
    /// If no class has this id.
    pub fn class(&self, id: ServiceId) -> &RailService {
        &self.classes[id.index()]
    }

    /// Looks a class up by its id in the files.
    pub fn find(&self, key: &str) -> Option<ServiceId> {
        self.classes
            .iter()
            .position(|class| class.key == key)
            .map(ServiceId::from_index)
    }
}

/// A rail service class.
#[derive(Debug, Clone, PartialEq)]
pub struct RailService {
    /// External id (`express`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Factor on the hours of every border and gauge-change row without a [`ServiceDwell`]
    /// of this class (a priority path clears faster).
    pub border_dwell_factor: f64,
    /// Sources of the factor.
    pub dwell_factor_sources: Vec<SourceId>,
    /// Hours waited at the origin terminal for the train to fill (groupage), added to the
    /// loading of a route that starts by rail.
    pub consolidation_h: f64,
    /// Sources of the consolidation wait.
    pub consolidation_sources: Vec<SourceId>,
    /// Commercial speeds per administration and years.
    pub speeds: Vec<ServiceSpeed>,
    /// Dwell at given borders and gauge changes.
    pub dwell: Vec<ServiceDwell>,
    /// Free text.
    pub note: String,
}

impl RailService {
    /// The speed row of this class on link `link_key` (a section row), else on the network of
    /// its `administration`, in `year`, if any.
    pub fn speed(
        &self,
        link_key: &str,
        administration: Country,
        year: i32,
    ) -> Option<&ServiceSpeed> {
        let section = self
            .speeds
            .iter()
            .find(|s| matches!(&s.on, SpeedOn::Section(key) if key == link_key) && s.covers(year));
        section.or_else(|| {
            self.speeds
                .iter()
                .find(|s| s.on == SpeedOn::Administration(administration) && s.covers(year))
        })
    }

    /// The speed of this class on link `link_key` of `administration` in `year`, if a row
    /// gives one.
    pub fn speed_kmh(&self, link_key: &str, administration: Country, year: i32) -> Option<f64> {
        self.speed(link_key, administration, year)
            .map(|s| s.speed_kmh)
    }

    /// The hours of this class at a handling row, and their sources: its dwell row there,
    /// else the row's hours, times the border-dwell factor for borders and gauge changes.
    pub fn handling_hours(&self, row: &Handling) -> (f64, Vec<SourceId>) {
        let mut sources = Vec::new();
        let hours = self.handling_hours_with(row, Some(&mut sources));
        (hours, sources)
    }

    /// As [`RailService::handling_hours`], adding the sources to `sources` only when asked
    /// (a route scope compiles the hours of every row, and needs the sources of few).
    pub fn handling_hours_with(&self, row: &Handling, sources: Option<&mut Vec<SourceId>>) -> f64 {
        if let Some(dwell) = self
            .dwell
            .iter()
            .find(|d| d.node == row.node && d.kind == row.kind)
        {
            if let Some(sources) = sources {
                sources.extend(dwell.sources.iter().copied());
            }
            return dwell.hours;
        }
        let border = matches!(row.kind, HandlingKind::Border | HandlingKind::GaugeChange);
        if let Some(sources) = sources {
            let start = sources.len();
            sources.extend(row.hours_sources.iter().copied());
            if border {
                sources.extend(self.dwell_factor_sources.iter().copied());
            }
            sources[start..].sort_unstable();
            let mut kept: Vec<SourceId> = sources.drain(start..).collect();
            kept.dedup();
            sources.extend(kept);
        }
        if border {
            row.hours * self.border_dwell_factor
        } else {
            row.hours
        }
    }
}

/// Where a speed row holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SpeedOn {
    /// Every rail link of a railway administration (by country: the country of the link's
    /// `from` node).
    Administration(Country),
    /// One link (a section), by its id; it wins over its administration's row.
    Section(String),
}

/// The commercial speed of a service class on one railway administration's network or one
/// section.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpeed {
    /// Where it holds.
    pub on: SpeedOn,
    /// Average commercial speed including technical stops, km/h.
    pub speed_kmh: f64,
    /// Sources of the speed.
    pub sources: Vec<SourceId>,
    /// First year the row holds (`None`: always before `last_year`).
    pub first_year: Option<i32>,
    /// Last year the row holds (`None`: every year from `first_year`).
    pub last_year: Option<i32>,
}

impl ServiceSpeed {
    /// Whether the row holds in `year`.
    pub fn covers(&self, year: i32) -> bool {
        super::years::covers(self.first_year, self.last_year, year)
    }
}

/// The dwell of a service class at one handling row (a border or a gauge change).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDwell {
    /// Where.
    pub node: NodeId,
    /// Which handling.
    pub kind: HandlingKind,
    /// Mean hours per train of the class.
    pub hours: f64,
    /// Sources of the hours.
    pub sources: Vec<SourceId>,
}

/// Months of the year as a bit set (bit 0 = January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Months(u16);

impl Months {
    /// Every month.
    pub const ALL: Months = Months(0x0fff);

    /// Parses `all`, a month `3`, a range `11-3` (wrapping over the new year) or a list of
    /// them joined by `|`.
    pub fn parse(text: &str) -> Option<Months> {
        let text = text.trim();
        if text == "all" {
            return Some(Months::ALL);
        }
        let mut bits = 0u16;
        for part in text.split('|') {
            let month = |s: &str| s.trim().parse::<u8>().ok().filter(|m| (1..=12).contains(m));
            let (first, last) = match part.split_once('-') {
                Some((a, b)) => (month(a)?, month(b)?),
                None => {
                    let m = month(part)?;
                    (m, m)
                }
            };
            let mut m = first;
            loop {
                bits |= 1 << (m - 1);
                if m == last {
                    break;
                }
                m = m % 12 + 1;
            }
        }
        Some(Months(bits))
    }

    /// Whether month `month` (1–12) is in the set.
    pub fn contains(self, month: u8) -> bool {
        (1..=12).contains(&month) && self.0 & (1 << (month - 1)) != 0
    }

    /// Whether two sets share a month.
    pub fn overlaps(self, other: Months) -> bool {
        self.0 & other.0 != 0
    }

    /// The set as text: `all` or a `|`-joined list of ranges.
    pub fn to_text(self) -> String {
        if self == Months::ALL {
            return "all".to_string();
        }
        let mut parts = Vec::new();
        let mut m = 1u8;
        while m <= 12 {
            if self.contains(m) {
                let first = m;
                while m < 12 && self.contains(m + 1) {
                    m += 1;
                }
                parts.push(if first == m {
                    first.to_string()
                } else {
                    format!("{first}-{m}")
                });
            }
            m += 1;
        }
        parts.join("|")
    }
}

/// How a line decides when to sail.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dispatch {
    /// Published departures: a container arriving at random waits half the headway.
    Timetable,
    /// Evenly spaced departures at the given frequency (the same mean wait as a timetable;
    /// the two differ in spread, which the simulation uses).
    Headway,
    /// The ship sails when full, or after `max_wait_h` from its first load, and no more
    /// often than its sailings per week allow.
    WhenFull {
        /// Longest a loaded ship waits for more cargo, hours.
        max_wait_h: f64,
    },
}

impl Dispatch {
    /// The names used in the files.
    pub const NAMES: [&'static str; 3] = ["timetable", "headway", "when_full"];

    /// The name used in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            Dispatch::Timetable => "timetable",
            Dispatch::Headway => "headway",
            Dispatch::WhenFull { .. } => "when_full",
        }
    }
}

/// The unit of a capacity or load per sailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadUnit {
    /// Rail wagons (a container flat carries one FEU or two TEU).
    Wagons,
    /// Forty-foot containers.
    Feu,
    /// Twenty-foot equivalent units.
    Teu,
}

impl LoadUnit {
    /// The names used in the files.
    pub const NAMES: [&'static str; 3] = ["wagons", "feu", "teu"];

    /// Parses a name used in the files.
    pub fn parse(text: &str) -> Option<LoadUnit> {
        match text {
            "wagons" => Some(LoadUnit::Wagons),
            "feu" => Some(LoadUnit::Feu),
            "teu" => Some(LoadUnit::Teu),
            _ => None,
        }
    }

    /// The name used in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadUnit::Wagons => "wagons",
            LoadUnit::Feu => "feu",
            LoadUnit::Teu => "teu",
        }
    }
}

/// The most weather-closed days a month may have (a line closed all month has no sailing
/// that month: leave the month out of its rows).
pub const MAX_CLOSED_DAYS: f64 = 28.0;

/// The most sailings a week a line may have (one an hour).
pub const MAX_SAILINGS_PER_WEEK: f64 = 168.0;

/// Mean days per month (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// Hours per week.
const HOURS_PER_WEEK: f64 = 168.0;

/// The service of a water link in some months of some years.
#[derive(Debug, Clone, PartialEq)]
pub struct Sailing {
    /// The months the row holds.
    pub months: Months,
    /// First year the row holds (`None`: always before `last_year`).
    pub first_year: Option<i32>,
    /// Last year the row holds (`None`: every year from `first_year`).
    pub last_year: Option<i32>,
    /// Scheduled or planned sailings per week in each direction.
    pub sailings_per_week: f64,
    /// Sources of the sailings.
    pub sailings_sources: Vec<SourceId>,
    /// Capacity per sailing and its unit.
    pub capacity: Option<(f64, LoadUnit)>,
    /// Sources of the capacity.
    pub capacity_sources: Vec<SourceId>,
    /// The dispatch rule.
    pub dispatch: Dispatch,
    /// Sources of the dispatch rule and maximum wait.
    pub dispatch_sources: Vec<SourceId>,
    /// Cargo offered per week in each direction, in the capacity's unit (how fast a ship
    /// that sails when full fills).
    pub load_per_week: Option<f64>,
    /// Sources of the load.
    pub load_sources: Vec<SourceId>,
    /// Days per month the line is closed by weather (storms, ice).
    pub closed_days_per_month: f64,
    /// Mean length of one closure, hours.
    pub closure_mean_h: f64,
    /// Sources of the closures.
    pub weather_sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

impl Sailing {
    /// Whether the row holds in `year`.
    pub fn covers_year(&self, year: i32) -> bool {
        super::years::covers(self.first_year, self.last_year, year)
    }

    /// Checks the values by the rules of `sailings.csv` (not the sources).
    ///
    /// # Errors
    /// The first field that breaks a rule.
    pub fn check(&self) -> Result<(), InvalidField> {
        let fail = |field: &'static str, reason: String| Err(InvalidField { field, reason });
        if self.months == Months::default() {
            return fail("months", "no month".to_string());
        }
        if let (Some(first), Some(last)) = (self.first_year, self.last_year)
            && last < first
        {
            return fail(
                "last_year",
                format!("{last} is before the first year {first}"),
            );
        }
        let per_week = self.sailings_per_week;
        if !(per_week > 0.0 && per_week <= MAX_SAILINGS_PER_WEEK) {
            return fail(
                "sailings_per_week",
                format!("{per_week} is not in (0, {MAX_SAILINGS_PER_WEEK}]"),
            );
        }
        if let Some((capacity, _)) = self.capacity
            && !(capacity.is_finite() && capacity > 0.0)
        {
            return fail("capacity", format!("{capacity} is not a number > 0"));
        }
        if let Dispatch::WhenFull { max_wait_h } = self.dispatch
            && !(max_wait_h.is_finite() && max_wait_h > 0.0)
        {
            return fail("max_wait_h", format!("{max_wait_h} is not a number > 0"));
        }
        if let Some(load) = self.load_per_week {
            if !(load.is_finite() && load >= 0.0) {
                return fail("load_per_week", format!("{load} is not a number ≥ 0"));
            }
            if self.capacity.is_none() {
                return fail(
                    "load_per_week",
                    "a load is counted in the capacity's unit: give the capacity".to_string(),
                );
            }
        }
        let closed = self.closed_days_per_month;
        if !(0.0..=MAX_CLOSED_DAYS).contains(&closed) {
            return fail(
                "closed_days_per_month",
                format!("{closed} is not in [0, {MAX_CLOSED_DAYS}]"),
            );
        }
        let closure = self.closure_mean_h;
        if closed > 0.0 && !(closure.is_finite() && closure > 0.0) {
            return fail(
                "closure_mean_h",
                format!("{closure}: weather closures need their mean length in hours (> 0)"),
            );
        }
        if !(closure.is_finite() && closure >= 0.0) {
            return fail("closure_mean_h", format!("{closure} is not a number ≥ 0"));
        }
        Ok(())
    }

    /// The sources of the wait that follows from this row.
    pub fn wait_sources(&self) -> impl Iterator<Item = SourceId> + '_ {
        self.sailings_sources
            .iter()
            .chain(&self.capacity_sources)
            .chain(&self.dispatch_sources)
            .chain(&self.load_sources)
            .chain(&self.weather_sources)
            .copied()
    }

    /// Whether two rows hold in a common month of a common year.
    pub fn overlaps(&self, other: &Sailing) -> bool {
        self.months.overlaps(other.months)
            && super::years::overlap(
                (self.first_year, self.last_year),
                (other.first_year, other.last_year),
            )
    }

    /// Hours between departures: the headway of the sailings left after weather closures,
    /// and for a ship that sails when full the time it takes to fill (or its maximum wait),
    /// never shorter than the headway. `None` when no sailing is left.
    pub fn departure_interval_h(&self) -> Option<f64> {
        let open_share = 1.0 - self.closed_days_per_month / DAYS_PER_MONTH;
        let sailings = self.sailings_per_week * open_share;
        if sailings.is_nan() || sailings <= 0.0 {
            return None;
        }
        let headway_h = HOURS_PER_WEEK / sailings;
        Some(match self.dispatch {
            Dispatch::Timetable | Dispatch::Headway => headway_h,
            Dispatch::WhenFull { max_wait_h } => {
                let fill_h = match (self.capacity, self.load_per_week) {
                    (Some((capacity, _)), Some(load)) if load > 0.0 => {
                        capacity / load * HOURS_PER_WEEK
                    }
                    _ => max_wait_h,
                };
                headway_h.max(fill_h.min(max_wait_h))
            }
        })
    }

    /// Mean wait of a container arriving at random for a departure, hours: half the interval
    /// between departures, plus the expected rest of a weather closure it arrives in (the
    /// share of time closed × half the mean closure). `None` when no sailing is left.
    pub fn mean_wait_h(&self) -> Option<f64> {
        let interval_h = self.departure_interval_h()?;
        let closed_share = self.closed_days_per_month / DAYS_PER_MONTH;
        Some(interval_h / 2.0 + closed_share * self.closure_mean_h / 2.0)
    }
}

/// The rows of a line used in `year`: of `month`, or of any month when `None`.
pub fn sailings_used(sailings: &[Sailing], year: i32, month: Option<u8>) -> Vec<&Sailing> {
    sailings
        .iter()
        .filter(|s| s.covers_year(year) && month.is_none_or(|m| s.months.contains(m)))
        .collect()
}

/// The mean wait for a departure on a line with these sailings in `year`: of `month`
/// (1–12), or the mean over the twelve months when `None`. A month without a row of the year
/// waits `fallback_h` (the link's own wait). `None` when the line has no sailing in that
/// month (or, for the year, in any month).
pub fn line_wait_h(
    sailings: &[Sailing],
    year: i32,
    month: Option<u8>,
    fallback_h: f64,
) -> Option<f64> {
    let of_month = |m: u8| -> Option<f64> {
        match sailings
            .iter()
            .find(|s| s.covers_year(year) && s.months.contains(m))
        {
            Some(row) => row.mean_wait_h(),
            None => Some(fallback_h),
        }
    };
    if !sailings.iter().any(|s| s.covers_year(year)) {
        return Some(fallback_h);
    }
    match month {
        Some(m) => of_month(m),
        None => {
            let (sum, count) = (1..=12)
                .filter_map(of_month)
                .fold((0.0, 0usize), |(sum, count), w| (sum + w, count + 1));
            (count > 0).then(|| sum / count as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sailing(per_week: f64, dispatch: Dispatch) -> Sailing {
        Sailing {
            months: Months::ALL,
            first_year: None,
            last_year: None,
            sailings_per_week: per_week,
            sailings_sources: vec![],
            capacity: Some((50.0, LoadUnit::Wagons)),
            capacity_sources: vec![],
            dispatch,
            dispatch_sources: vec![],
            load_per_week: None,
            load_sources: vec![],
            closed_days_per_month: 0.0,
            closure_mean_h: 0.0,
            weather_sources: vec![],
            note: String::new(),
        }
    }

    #[test]
    fn months_parse_ranges_lists_and_wrap_over_the_new_year() {
        assert_eq!(Months::parse("all"), Some(Months::ALL));
        let winter = Months::parse("11-2").unwrap();
        assert!(winter.contains(11) && winter.contains(12) && winter.contains(1));
        assert!(winter.contains(2) && !winter.contains(3) && !winter.contains(10));
        assert_eq!(winter.to_text(), "1-2|11-12");
        assert_eq!(Months::parse("1-12"), Some(Months::ALL));
        assert_eq!(Months::parse("4|6-7").unwrap().to_text(), "4|6-7");
        for bad in ["", "0", "13", "1-", "x", "3--4", "1|"] {
            assert_eq!(Months::parse(bad), None, "{bad}");
        }
        for text in ["3", "3-5", "1|3|5", "12", "all"] {
            let months = Months::parse(text).unwrap();
            assert_eq!(Months::parse(&months.to_text()), Some(months));
        }
    }

    #[test]
    fn a_timetable_waits_half_the_headway() {
        // Closed form: 7 sailings a week → one every 24 h → 12 h on average.
        let row = sailing(7.0, Dispatch::Timetable);
        assert!((row.mean_wait_h().unwrap() - 12.0).abs() < 1e-12);
        let row = sailing(2.0, Dispatch::Headway);
        assert!((row.mean_wait_h().unwrap() - 42.0).abs() < 1e-12);
    }

    #[test]
    fn a_ship_that_sails_when_full_waits_for_its_cargo_up_to_its_limit() {
        let mut row = sailing(14.0, Dispatch::WhenFull { max_wait_h: 96.0 });
        // No load known: the ship waits its maximum.
        assert!((row.mean_wait_h().unwrap() - 48.0).abs() < 1e-12);
        // 50 wagons a sailing, 175 offered a week → full every 48 h → 24 h wait.
        row.load_per_week = Some(175.0);
        assert!((row.mean_wait_h().unwrap() - 24.0).abs() < 1e-12);
        // Plenty of cargo: the fleet's sailings bound it (14 a week → 12 h → 6 h).
        row.load_per_week = Some(10_000.0);
        assert!((row.mean_wait_h().unwrap() - 6.0).abs() < 1e-12);
        // Little cargo: the maximum wait bounds it.
        row.load_per_week = Some(10.0);
        assert!((row.mean_wait_h().unwrap() - 48.0).abs() < 1e-12);
    }

    #[test]
    fn weather_closures_thin_the_sailings_and_add_the_rest_of_a_storm() {
        let mut row = sailing(7.0, Dispatch::Timetable);
        let calm = row.mean_wait_h().unwrap();
        row.closed_days_per_month = DAYS_PER_MONTH / 4.0;
        row.closure_mean_h = 48.0;
        // 3/4 of the sailings left: headway 32 h → 16 h, plus 1/4 × 24 h.
        let stormy = row.mean_wait_h().unwrap();
        assert!((stormy - 22.0).abs() < 1e-9, "{stormy}");
        assert!(stormy > calm);
        row.closed_days_per_month = DAYS_PER_MONTH;
        assert_eq!(row.mean_wait_h(), None);
    }

    #[test]
    fn a_line_waits_by_month_and_on_average_over_the_year() {
        let mut summer = sailing(7.0, Dispatch::Timetable);
        summer.months = Months::parse("4-10").unwrap();
        let mut winter = sailing(3.5, Dispatch::Timetable);
        winter.months = Months::parse("11-3").unwrap();
        winter.first_year = Some(2020);
        let rows = [summer, winter];
        assert_eq!(line_wait_h(&rows, 2024, Some(6), 99.0), Some(12.0));
        assert_eq!(line_wait_h(&rows, 2024, Some(1), 99.0), Some(24.0));
        // Before 2020 the winter row does not hold: the link's own wait.
        assert_eq!(line_wait_h(&rows, 2019, Some(1), 99.0), Some(99.0));
        let year = line_wait_h(&rows, 2024, None, 99.0).unwrap();
        assert!((year - (7.0 * 12.0 + 5.0 * 24.0) / 12.0).abs() < 1e-12);
        assert_eq!(line_wait_h(&[], 2024, None, 5.0), Some(5.0));
    }

    #[test]
    fn a_service_class_takes_its_dwell_row_else_scales_borders() {
        let class = RailService {
            key: "express".into(),
            name: String::new(),
            border_dwell_factor: 0.5,
            dwell_factor_sources: vec![],
            consolidation_h: 0.0,
            consolidation_sources: vec![],
            speeds: vec![
                ServiceSpeed {
                    on: SpeedOn::Administration(Country::parse("KZ").unwrap()),
                    speed_kmh: 45.0,
                    sources: vec![],
                    first_year: Some(2018),
                    last_year: None,
                },
                ServiceSpeed {
                    on: SpeedOn::Section("single_track".into()),
                    speed_kmh: 33.0,
                    sources: vec![],
                    first_year: None,
                    last_year: Some(2024),
                },
            ],
            dwell: vec![ServiceDwell {
                node: NodeId(3),
                kind: HandlingKind::GaugeChange,
                hours: 2.0,
                sources: vec![],
            }],
            note: String::new(),
        };
        let row = |node: u32, kind: HandlingKind, hours: f64| Handling {
            node: NodeId(node),
            kind,
            hours,
            hours_sources: vec![SourceId(7)],
            cost_usd: 0.0,
            cost_sources: vec![],
            capacity_teu_per_day: None,
            capacity_sources: vec![],
            validity: crate::network::Validity {
                status: crate::network::Status::Operational,
                opening_year: None,
                closing_year: None,
            },
            status_sources: vec![],
            note: String::new(),
        };
        let hours = |node, kind, h| class.handling_hours(&row(node, kind, h)).0;
        assert_eq!(hours(3, HandlingKind::GaugeChange, 8.0), 2.0);
        assert_eq!(hours(4, HandlingKind::GaugeChange, 8.0), 4.0);
        assert_eq!(hours(3, HandlingKind::Border, 3.0), 1.5);
        assert_eq!(hours(3, HandlingKind::Terminal, 24.0), 24.0);
        assert_eq!(
            class
                .handling_hours(&row(4, HandlingKind::Terminal, 24.0))
                .1,
            vec![SourceId(7)]
        );
        let kz = Country::parse("KZ").unwrap();
        assert_eq!(class.speed_kmh("any", kz, 2024), Some(45.0));
        assert_eq!(class.speed_kmh("any", kz, 2017), None);
        assert_eq!(
            class.speed_kmh("any", Country::parse("CN").unwrap(), 2024),
            None
        );
        // A section row wins over its administration's, in its years.
        assert_eq!(class.speed_kmh("single_track", kz, 2024), Some(33.0));
        assert_eq!(class.speed_kmh("single_track", kz, 2025), Some(45.0));
    }
}
