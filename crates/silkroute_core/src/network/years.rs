//! Rows that hold from a first to a last year, both inclusive, either open (`None`): service
//! speeds, sailings, calibrated factors and prices share these two rules.

/// Whether `first..=last` holds `year`.
pub(crate) fn covers(first: Option<i32>, last: Option<i32>, year: i32) -> bool {
    first.is_none_or(|first| year >= first) && last.is_none_or(|last| year <= last)
}

/// Whether two ranges `(first, last)` share a year.
pub(crate) fn overlap(a: (Option<i32>, Option<i32>), b: (Option<i32>, Option<i32>)) -> bool {
    let starts_by = |first: Option<i32>, last: Option<i32>| match (first, last) {
        (Some(first), Some(last)) => first <= last,
        _ => true,
    };
    starts_by(a.0, b.1) && starts_by(b.0, a.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_and_closed_ranges_cover_and_overlap() {
        assert!(covers(None, None, 1900));
        assert!(covers(Some(2020), None, 2020) && !covers(Some(2020), None, 2019));
        assert!(covers(None, Some(2017), 2017) && !covers(None, Some(2017), 2018));
        assert!(overlap((None, Some(2017)), (Some(2017), None)));
        assert!(!overlap((None, Some(2017)), (Some(2018), None)));
        assert!(overlap((None, None), (Some(2030), Some(2030))));
        assert!(!overlap((Some(2021), Some(2021)), (Some(2022), Some(2024))));
    }
}
