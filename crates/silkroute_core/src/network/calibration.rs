//! Calibrated factors (`calibration.csv`): multipliers on the sourced values of a network,
//! one per class of value — a railway administration's speeds, a service class's speeds and
//! dwell, a kind of handling, the Caspian waits, the sea speed — never per route or per
//! observation. Each holds from a first to a last year (or always) and cites the fit that
//! produced it; without the file every factor is 1 and the network runs on its sources alone.

use super::{Country, HandlingKind, SourceId};
use std::fmt;

/// What a factor multiplies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactorKey {
    /// Commercial speed of every rail link of an administration (the country of its `from`
    /// node), whatever the service class: `speed.KZ`.
    AdministrationSpeed(Country),
    /// Speed of a rail service class on top of its rows: `speed.express`.
    ClassSpeed(String),
    /// Running speed of the mainline sea legs: `speed.sea`.
    SeaSpeed,
    /// Hours of every handling row of a kind: `dwell.border`, `dwell.gauge_change`,
    /// `dwell.port`, `dwell.terminal`.
    Dwell(HandlingKind),
    /// Border and gauge-change dwell of a rail service class: `dwell.express`.
    ClassDwell(String),
    /// The wait for a departure on the Caspian lines (ferry and sea links between
    /// Kazakhstan, Azerbaijan and Turkmenistan): `wait.caspian`.
    CaspianWait,
}

/// The countries of the Caspian lines.
const CASPIAN: [&str; 3] = ["KZ", "AZ", "TM"];

impl FactorKey {
    /// Parses `speed.KZ`, `speed.express`, `speed.sea`, `dwell.border`, `dwell.express`,
    /// `wait.caspian`.
    pub fn parse(text: &str) -> Option<FactorKey> {
        let (group, name) = text.split_once('.')?;
        match (group, name) {
            ("speed", "sea") => Some(FactorKey::SeaSpeed),
            ("speed", name) => match Country::parse(name) {
                Some(country) => Some(FactorKey::AdministrationSpeed(country)),
                None => super::is_id(name).then(|| FactorKey::ClassSpeed(name.to_string())),
            },
            ("dwell", name) => match HandlingKind::parse(name) {
                Some(kind) => Some(FactorKey::Dwell(kind)),
                None => super::is_id(name).then(|| FactorKey::ClassDwell(name.to_string())),
            },
            ("wait", "caspian") => Some(FactorKey::CaspianWait),
            _ => None,
        }
    }

    /// Whether a ferry or sea link between these countries is a Caspian line.
    pub fn is_caspian(from: Country, to: Country) -> bool {
        CASPIAN.contains(&from.as_str()) && CASPIAN.contains(&to.as_str())
    }
}

impl fmt::Display for FactorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactorKey::AdministrationSpeed(country) => write!(f, "speed.{country}"),
            FactorKey::ClassSpeed(class) => write!(f, "speed.{class}"),
            FactorKey::SeaSpeed => write!(f, "speed.sea"),
            FactorKey::Dwell(kind) => write!(f, "dwell.{}", kind.as_str()),
            FactorKey::ClassDwell(class) => write!(f, "dwell.{class}"),
            FactorKey::CaspianWait => write!(f, "wait.caspian"),
        }
    }
}

/// One calibrated factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// What it multiplies.
    pub key: FactorKey,
    /// First year it holds (`None`: always before `last_year`).
    pub first_year: Option<i32>,
    /// Last year it holds (`None`: every year from `first_year`).
    pub last_year: Option<i32>,
    /// The fitted multiplier (> 0).
    pub value: f64,
    /// The prior it was pulled toward (1 = the sourced values as they are).
    pub prior: f64,
    /// The prior's standard deviation, on the log scale.
    pub prior_sd: f64,
    /// The fit that produced it (a source of kind `derived` naming the observations).
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

impl Factor {
    /// Whether the factor holds in `year`.
    pub fn covers(&self, year: i32) -> bool {
        super::years::covers(self.first_year, self.last_year, year)
    }
}

/// The calibrated factors of a network (none: every factor is 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calibration {
    /// The factors, in file order.
    pub factors: Vec<Factor>,
}

impl Calibration {
    /// The factor of `key` in `year` and its sources (1 and none when no row holds).
    pub fn factor(&self, key: &FactorKey, year: i32) -> (f64, &[SourceId]) {
        self.factors
            .iter()
            .find(|f| &f.key == key && f.covers(year))
            .map_or((1.0, &[][..]), |f| (f.value, &f.sources[..]))
    }

    /// Whether two rows of one key hold in a common year.
    pub fn overlaps(a: &Factor, b: &Factor) -> bool {
        a.key == b.key
            && super::years::overlap((a.first_year, a.last_year), (b.first_year, b.last_year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_written() {
        for text in [
            "speed.KZ",
            "speed.express",
            "speed.sea",
            "dwell.border",
            "dwell.gauge_change",
            "dwell.express",
            "wait.caspian",
        ] {
            let key = FactorKey::parse(text).expect(text);
            assert_eq!(key.to_string(), text);
        }
        for bad in [
            "speed",
            "speed.",
            "speed.Kz1",
            "wait.pacific",
            "colour.KZ",
            "dwell.Border",
        ] {
            assert_eq!(FactorKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_factor_holds_in_its_years_and_defaults_to_one() {
        let factor = |first, last, value| Factor {
            key: FactorKey::CaspianWait,
            first_year: first,
            last_year: last,
            value,
            prior: 1.0,
            prior_sd: 0.5,
            sources: vec![SourceId(3)],
            note: String::new(),
        };
        let calibration = Calibration {
            factors: vec![factor(None, Some(2017), 2.0), factor(Some(2018), None, 0.5)],
        };
        assert_eq!(calibration.factor(&FactorKey::CaspianWait, 2016).0, 2.0);
        assert_eq!(calibration.factor(&FactorKey::CaspianWait, 2018).0, 0.5);
        assert_eq!(
            calibration.factor(&FactorKey::SeaSpeed, 2018),
            (1.0, &[][..])
        );
        assert!(!Calibration::overlaps(
            &calibration.factors[0],
            &calibration.factors[1]
        ));
        assert!(Calibration::overlaps(
            &calibration.factors[0],
            &factor(Some(2017), Some(2017), 1.0)
        ));
    }
}
