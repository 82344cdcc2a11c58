//! Price regimes by year (`prices.csv`): the level of sea freight rates relative to the
//! network's tariff year, and risk premiums for entering a country (USD per FEU and days),
//! so a question about 2021 pays 2021's sea rates and one about 2023 can carry the risk
//! shippers priced into the Northern route after 2022.

use super::{Country, SourceId};
use std::fmt;

/// What a price row sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PriceItem {
    /// A multiplier on the tariffs of sea links (the year's level / the tariff year's):
    /// `sea_rate`.
    SeaRate,
    /// A premium for every entry into a country, in USD per FEU and days: `risk.RU`.
    Risk(Country),
}

impl PriceItem {
    /// Parses `sea_rate` or `risk.CC`.
    pub fn parse(text: &str) -> Option<PriceItem> {
        match text.split_once('.') {
            None if text == "sea_rate" => Some(PriceItem::SeaRate),
            Some(("risk", code)) => Country::parse(code).map(PriceItem::Risk),
            _ => None,
        }
    }
}

impl fmt::Display for PriceItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceItem::SeaRate => write!(f, "sea_rate"),
            PriceItem::Risk(country) => write!(f, "risk.{country}"),
        }
    }
}

/// One price row.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRow {
    /// What it sets.
    pub item: PriceItem,
    /// First year it holds.
    pub first_year: Option<i32>,
    /// Last year it holds.
    pub last_year: Option<i32>,
    /// The sea-rate multiplier, or the risk premium in USD per FEU.
    pub value: f64,
    /// A risk premium's days (0 for the sea rate).
    pub days: f64,
    /// Sources (or the fit) of the value.
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

impl PriceRow {
    /// Whether the row holds in `year`.
    pub fn covers(&self, year: i32) -> bool {
        super::years::covers(self.first_year, self.last_year, year)
    }
}

/// The price regimes of a network (none: the tariffs of its tariff year, no premium).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prices {
    /// The rows, in file order.
    pub rows: Vec<PriceRow>,
}

impl Prices {
    /// The row of `item` in `year`, if any.
    pub fn row(&self, item: PriceItem, year: i32) -> Option<&PriceRow> {
        self.rows.iter().find(|r| r.item == item && r.covers(year))
    }

    /// Whether two rows of one item hold in a common year.
    pub fn overlaps(a: &PriceRow, b: &PriceRow) -> bool {
        a.item == b.item
            && super::years::overlap((a.first_year, a.last_year), (b.first_year, b.last_year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_back_and_rows_hold_in_their_years() {
        for text in ["sea_rate", "risk.RU", "risk.BY"] {
            assert_eq!(PriceItem::parse(text).expect(text).to_string(), text);
        }
        for bad in ["sea", "risk", "risk.", "risk.ru", "sea_rate.x", "rail_rate"] {
            assert_eq!(PriceItem::parse(bad), None, "{bad}");
        }
        let row = |first, last| PriceRow {
            item: PriceItem::SeaRate,
            first_year: first,
            last_year: last,
            value: 2.0,
            days: 0.0,
            sources: vec![],
            note: String::new(),
        };
        let prices = Prices {
            rows: vec![row(Some(2021), Some(2021)), row(Some(2022), None)],
        };
        assert!(prices.row(PriceItem::SeaRate, 2020).is_none());
        assert!(prices.row(PriceItem::SeaRate, 2021).is_some());
        assert!(!Prices::overlaps(&prices.rows[0], &prices.rows[1]));
        assert!(Prices::overlaps(&prices.rows[1], &row(None, Some(2030))));
    }
}
