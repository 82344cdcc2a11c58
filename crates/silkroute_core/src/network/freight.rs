//! Freight demand data: the zones demand travels between, the classes of demand (each with its
//! value of time) and the origin–destination volumes, as loaded from `zones.csv`, `demand.csv`
//! and the `[freight]`/`[[freight_class]]` tables of `dataset.toml`. Assignment
//! ([`crate::freight`]) turns them into an assignment problem on the network.

use super::{NodeId, SourceId};

/// Dense index of a zone in [`FreightData::zones`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneId(pub u32);

/// Dense index of a class in [`FreightData::classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FreightClassId(pub u32);

/// A region where freight starts or ends, connected to the places that serve it.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// External id (`cn_xian`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// The places the region's freight enters or leaves the network at (at least one; a place
    /// belongs to at most one zone).
    pub places: Vec<NodeId>,
    /// Sources of the zone's definition.
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

/// A class of freight demand: containers sharing a value of time.
#[derive(Debug, Clone, PartialEq)]
pub struct FreightClass {
    /// External id (`express`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// USD per TEU-day, > 0: converts tariffs and handling charges to time.
    pub value_of_time_usd_per_teu_day: f64,
    /// Sources of the value of time.
    pub value_of_time_sources: Vec<SourceId>,
    /// Capacity units (TEU of capacity) one TEU of this class uses, > 0.
    pub pce: f64,
    /// Sources of the pce (empty when it is the default 1).
    pub pce_sources: Vec<SourceId>,
}

/// One origin–destination volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// Origin zone.
    pub origin: ZoneId,
    /// Destination zone (≠ origin).
    pub destination: ZoneId,
    /// Class.
    pub class: FreightClassId,
    /// TEU per year, ≥ 0.
    pub teu_per_year: f64,
    /// Sources of the volume.
    pub sources: Vec<SourceId>,
    /// Free text.
    pub note: String,
}

/// Everything about freight demand in a dataset. Empty when the dataset has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FreightData {
    /// TEU one train carries, converting `capacity_trains_per_day` to TEU.
    pub teu_per_train: Option<f64>,
    /// Sources of `teu_per_train`.
    pub teu_per_train_sources: Vec<SourceId>,
    /// Classes of demand.
    pub classes: Vec<FreightClass>,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Origin–destination volumes.
    pub demand: Vec<Demand>,
}

impl FreightData {
    /// Whether there is no zone, class or demand.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty() && self.zones.is_empty() && self.demand.is_empty()
    }

    /// The zone with this id.
    pub fn zone(&self, id: ZoneId) -> &Zone {
        &self.zones[id.index()]
    }

    /// The class with this id.
    pub fn class(&self, id: FreightClassId) -> &FreightClass {
        &self.classes[id.index()]
    }

    /// Looks a zone up by its id.
    pub fn zone_by_key(&self, key: &str) -> Option<ZoneId> {
        self.zones
            .iter()
            .position(|zone| zone.key == key)
            .map(ZoneId::from_index)
    }

    /// Looks a class up by its id.
    pub fn class_by_key(&self, key: &str) -> Option<FreightClassId> {
        self.classes
            .iter()
            .position(|class| class.key == key)
            .map(FreightClassId::from_index)
    }

    /// Total TEU per year of all demand rows.
    pub fn total_teu_per_year(&self) -> f64 {
        self.demand.iter().map(|d| d.teu_per_year).sum()
    }

    /// Checks the relations between the values: places exist (`node_count`) and belong to one
    /// zone, ids are in range and unique, origin ≠ destination, numbers finite and in range.
    ///
    /// # Errors
    /// A description of the first problem.
    pub fn check(&self, node_count: usize) -> Result<(), String> {
        if let Some(t) = self.teu_per_train
            && !(t.is_finite() && t > 0.0)
        {
            return Err(format!("teu_per_train {t} must be > 0"));
        }
        for (index, class) in self.classes.iter().enumerate() {
            if self.classes[..index].iter().any(|c| c.key == class.key) {
                return Err(format!("duplicate class id `{}`", class.key));
            }
            let vot = class.value_of_time_usd_per_teu_day;
            if !(vot.is_finite() && vot > 0.0) {
                return Err(format!(
                    "class `{}`: value of time {vot} must be > 0",
                    class.key
                ));
            }
            if !(class.pce.is_finite() && class.pce > 0.0) {
                return Err(format!(
                    "class `{}`: pce {} must be > 0",
                    class.key, class.pce
                ));
            }
        }
        let mut zone_of = vec![None::<usize>; node_count];
        for (index, zone) in self.zones.iter().enumerate() {
            if self.zones[..index].iter().any(|z| z.key == zone.key) {
                return Err(format!("duplicate zone id `{}`", zone.key));
            }
            if zone.places.is_empty() {
                return Err(format!("zone `{}` has no place", zone.key));
            }
            for place in &zone.places {
                let slot = zone_of.get_mut(place.index()).ok_or_else(|| {
                    format!("zone `{}`: node index {} does not exist", zone.key, place.0)
                })?;
                if let Some(other) = *slot {
                    return Err(format!(
                        "zone `{}`: node index {} already belongs to zone `{}`",
                        zone.key, place.0, self.zones[other].key
                    ));
                }
                *slot = Some(index);
            }
        }
        for (index, row) in self.demand.iter().enumerate() {
            let zones = self.zones.len() as u32;
            if row.origin.0 >= zones || row.destination.0 >= zones {
                return Err(format!("demand row {index}: zone index out of range"));
            }
            if row.origin == row.destination {
                return Err(format!(
                    "demand row {index}: origin and destination are the same zone"
                ));
            }
            if row.class.index() >= self.classes.len() {
                return Err(format!("demand row {index}: class index out of range"));
            }
            if !(row.teu_per_year.is_finite() && row.teu_per_year >= 0.0) {
                return Err(format!(
                    "demand row {index}: {} TEU per year is not a finite number ≥ 0",
                    row.teu_per_year
                ));
            }
        }
        Ok(())
    }
}
