//! Demand and tonnage scaled by segment, the levers a scenario sets on top of the data's own
//! growth (`demand_years.csv`) and the request's `demand_factor`: a factor on the demand rows
//! from or to some zones and of a class ([`DemandScale`]), and a factor on the tonnage layer's
//! flows of a commodity ([`TonnageScale`]). Both are resolved from text against the freight data
//! ([`DemandScale::parse_spec`], [`TonnageScale::parse_spec`]), so an unknown zone, class or
//! commodity is an error that names it and lists the known ones.

use crate::io::clip;
use crate::network::{Demand, FreightClassId, FreightData, ZoneId};

/// A factor on the demand of one segment: the rows from or to some zones, of one class.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandScale {
    /// The rows whose origin or destination is one of these zones (empty: every zone).
    pub zones: Vec<ZoneId>,
    /// The rows of this class (`None`: every class).
    pub class: Option<FreightClassId>,
    /// The factor on their TEU (finite, ≥ 0; 1 changes nothing).
    pub factor: f64,
}

/// A factor on the tonnage layer's flows of one commodity (`tonnage.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct TonnageScale {
    /// The commodity (`kz_export`).
    pub commodity: String,
    /// The factor on its tonnes (finite, ≥ 0; 1 changes nothing).
    pub factor: f64,
}

/// Why a scale cannot be resolved against the freight data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScaleError {
    /// The text is not of the form the scale takes.
    #[error("expected {expected}")]
    Syntax {
        /// The form expected.
        expected: &'static str,
    },
    /// A zone the freight data does not have.
    #[error("unknown zone `{zone}` (the freight data has {known})")]
    UnknownZone {
        /// The zone as given.
        zone: String,
        /// The data's zones, comma-separated (`none` when it has none).
        known: String,
    },
    /// A class the freight data does not have.
    #[error("unknown class `{class}` (the freight data has {known})")]
    UnknownClass {
        /// The class as given.
        class: String,
        /// The data's classes, comma-separated (`none` when it has none).
        known: String,
    },
    /// A commodity the tonnage layer does not have.
    #[error("unknown commodity `{commodity}` (the tonnage layer has {known})")]
    UnknownCommodity {
        /// The commodity as given.
        commodity: String,
        /// The layer's commodities, comma-separated (`none` when it has none).
        known: String,
    },
    /// A factor that is not a finite number ≥ 0.
    #[error("factor {value}: expected a number ≥ 0")]
    BadFactor {
        /// The factor as given.
        value: String,
    },
}

/// The form of a demand scale's text.
pub const DEMAND_SCALE_SYNTAX: &str = "ZONE[|ZONE...][/CLASS]=FACTOR or */CLASS=FACTOR";
/// The form of a tonnage scale's text.
pub const TONNAGE_SCALE_SYNTAX: &str = "COMMODITY=FACTOR";

fn known(keys: impl Iterator<Item = String>) -> String {
    let keys: Vec<String> = keys.collect();
    if keys.is_empty() {
        "none".to_string()
    } else {
        keys.join(", ")
    }
}

fn check_factor(factor: f64) -> Result<f64, ScaleError> {
    if factor.is_finite() && factor >= 0.0 {
        Ok(factor)
    } else {
        Err(ScaleError::BadFactor {
            value: crate::io::number(factor),
        })
    }
}

/// `TEXT=FACTOR` split at the last `=`, the factor parsed and checked.
fn split_factor<'t>(text: &'t str, expected: &'static str) -> Result<(&'t str, f64), ScaleError> {
    let (keys, factor) = text
        .rsplit_once('=')
        .ok_or(ScaleError::Syntax { expected })?;
    let factor = factor.trim();
    let value: f64 = factor.parse().map_err(|_| ScaleError::BadFactor {
        value: clip(factor),
    })?;
    Ok((keys.trim(), check_factor(value)?))
}

impl DemandScale {
    /// The scale of the rows from or to one of `zones` (ids of `zones.csv`; none: every zone) of
    /// `class` (an id of the dataset's classes; `None`: every class).
    ///
    /// # Errors
    /// [`ScaleError::UnknownZone`] or [`ScaleError::UnknownClass`] naming the first unknown id
    /// and listing the known ones; [`ScaleError::BadFactor`] for a factor that is not a finite
    /// number ≥ 0.
    pub fn parse(
        data: &FreightData,
        zones: &[&str],
        class: Option<&str>,
        factor: f64,
    ) -> Result<DemandScale, ScaleError> {
        let zones = zones
            .iter()
            .map(|&key| {
                data.zone_by_key(key)
                    .ok_or_else(|| ScaleError::UnknownZone {
                        zone: clip(key),
                        known: known(data.zones.iter().map(|z| z.key.clone())),
                    })
            })
            .collect::<Result<Vec<ZoneId>, ScaleError>>()?;
        let class = class
            .map(|key| {
                data.class_by_key(key)
                    .ok_or_else(|| ScaleError::UnknownClass {
                        class: clip(key),
                        known: known(data.classes.iter().map(|c| c.key.clone())),
                    })
            })
            .transpose()?;
        Ok(DemandScale {
            zones,
            class,
            factor: check_factor(factor)?,
        })
    }

    /// Parses `ZONE[|ZONE...][/CLASS]=FACTOR` (`eu_poland|eu_danube=1.5`: the rows from or to
    /// Poland or the Danube countries, ×1.5; `cn_xian/express=2`: Xi'an's express rows, ×2) or
    /// `*/CLASS=FACTOR` (`*/standard=0.8`: every standard row, ×0.8); `*=FACTOR` scales every
    /// row. Ids are those of `zones.csv` and the dataset's classes.
    ///
    /// # Errors
    /// [`ScaleError`]: the form, an unknown zone or class (named, with the known ones), a factor
    /// that is not a finite number ≥ 0.
    pub fn parse_spec(data: &FreightData, text: &str) -> Result<DemandScale, ScaleError> {
        let syntax = ScaleError::Syntax {
            expected: DEMAND_SCALE_SYNTAX,
        };
        let (keys, factor) = split_factor(text, DEMAND_SCALE_SYNTAX)?;
        let (zones, class) = match keys.split_once('/') {
            Some((zones, class)) => (zones.trim(), Some(class.trim())),
            None => (keys, None),
        };
        let zones: Vec<&str> = if zones == "*" {
            Vec::new()
        } else {
            zones.split('|').map(str::trim).collect()
        };
        if zones.iter().any(|z| z.is_empty()) || class.is_some_and(str::is_empty) {
            return Err(syntax);
        }
        DemandScale::parse(data, &zones, class, factor)
    }

    /// Whether a demand row is in the segment: its origin or destination is one of the zones
    /// (any when there are none) and its class is the class (any when `None`).
    pub fn matches(&self, row: &Demand) -> bool {
        (self.zones.is_empty()
            || self.zones.contains(&row.origin)
            || self.zones.contains(&row.destination))
            && self.class.is_none_or(|class| class == row.class)
    }
}

/// The product of the factors of every scale a demand row is in (1 when it is in none).
pub fn demand_scale_of(scales: &[DemandScale], row: &Demand) -> f64 {
    scales
        .iter()
        .filter(|scale| scale.matches(row))
        .map(|scale| scale.factor)
        .product()
}

impl TonnageScale {
    /// Parses `COMMODITY=FACTOR` (`kz_export=1.5`), the commodity one of the tonnage layer's
    /// (`tonnage.csv`, any year or scenario).
    ///
    /// # Errors
    /// [`ScaleError`]: the form, an unknown commodity (named, with the known ones), a factor that
    /// is not a finite number ≥ 0.
    pub fn parse_spec(data: &FreightData, text: &str) -> Result<TonnageScale, ScaleError> {
        let (commodity, factor) = split_factor(text, TONNAGE_SCALE_SYNTAX)?;
        if commodity.is_empty() {
            return Err(ScaleError::Syntax {
                expected: TONNAGE_SCALE_SYNTAX,
            });
        }
        if !data.tonnage.iter().any(|row| row.commodity == commodity) {
            let mut commodities: Vec<String> =
                data.tonnage.iter().map(|r| r.commodity.clone()).collect();
            commodities.sort();
            commodities.dedup();
            return Err(ScaleError::UnknownCommodity {
                commodity: clip(commodity),
                known: known(commodities.into_iter()),
            });
        }
        Ok(TonnageScale {
            commodity: commodity.to_string(),
            factor,
        })
    }
}

/// The product of the factors of every scale of a commodity (1 when none names it).
pub fn tonnage_scale_of(scales: &[TonnageScale], commodity: &str) -> f64 {
    scales
        .iter()
        .filter(|scale| scale.commodity == commodity)
        .map(|scale| scale.factor)
        .product()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> FreightData {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        let (network, _) = crate::network::load_dir(std::path::Path::new(dir)).expect("mini loads");
        network.freight().clone()
    }

    #[test]
    fn specs_resolve_zones_and_classes() {
        let data = mini();
        let zone = |key: &str| data.zone_by_key(key).expect("a zone");
        let class = |key: &str| data.class_by_key(key).expect("a class");
        let cases = [
            ("caucasus=2", vec![zone("caucasus")], None, 2.0),
            (
                " east | west / express = 0.5 ",
                vec![zone("east"), zone("west")],
                Some(class("express")),
                0.5,
            ),
            ("*/standard=0", vec![], Some(class("standard")), 0.0),
            ("*=1.1", vec![], None, 1.1),
        ];
        for (text, zones, class, factor) in cases {
            assert_eq!(
                DemandScale::parse_spec(&data, text),
                Ok(DemandScale {
                    zones,
                    class,
                    factor
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_specs_name_what_is_wrong() {
        let data = mini();
        let message = |text: &str| {
            DemandScale::parse_spec(&data, text)
                .expect_err(text)
                .to_string()
        };
        assert_eq!(
            message("atlantis|east=2"),
            "unknown zone `atlantis` (the freight data has east, west, caucasus)"
        );
        assert_eq!(
            message("east/bulk=2"),
            "unknown class `bulk` (the freight data has express, standard)"
        );
        assert_eq!(message("east=-1"), "factor -1: expected a number ≥ 0");
        assert_eq!(message("east=NaN"), "factor NaN: expected a number ≥ 0");
        assert_eq!(message("east=inf"), "factor inf: expected a number ≥ 0");
        assert_eq!(message("east=two"), "factor two: expected a number ≥ 0");
        for text in ["east", "=2", "east|=2", "east/=2", "/express=2"] {
            assert_eq!(
                message(text),
                format!("expected {DEMAND_SCALE_SYNTAX}"),
                "{text}"
            );
        }
        assert_eq!(
            TonnageScale::parse_spec(&data, "kz_export=2")
                .expect_err("mini has no layer")
                .to_string(),
            "unknown commodity `kz_export` (the tonnage layer has none)"
        );
    }

    #[test]
    fn a_row_takes_the_product_of_the_scales_it_is_in() {
        let data = mini();
        let scales: Vec<DemandScale> = ["east=2", "caucasus/express=3", "*/standard=0.5"]
            .iter()
            .map(|text| DemandScale::parse_spec(&data, text).expect("valid"))
            .collect();
        let factors: Vec<f64> = data
            .demand
            .iter()
            .map(|row| demand_scale_of(&scales, row))
            .collect();
        // east→west express, standard; west→east express, standard; east→caucasus express.
        assert_eq!(factors, vec![2.0, 1.0, 2.0, 1.0, 6.0]);
        assert_eq!(demand_scale_of(&[], &data.demand[0]), 1.0);
    }
}
