use super::*;

#[test]
fn months_come_from_monthly_periods_only() {
    assert_eq!(month_of("2024-06"), Some(6));
    assert_eq!(month_of("2024-12"), Some(12));
    for period in [
        "",
        "2024",
        "2024-H1",
        "2024-Q3",
        "2024-13",
        "2020..2022",
        "2014-11..2014-12",
    ] {
        assert_eq!(month_of(period), None, "{period}");
    }
}

#[test]
fn urls_compare_without_scheme_www_and_trailing_slash() {
    assert_eq!(
        url_key("https://www.Example.com/a/"),
        url_key("http://example.com/a")
    );
    assert_ne!(
        url_key("https://example.com/a"),
        url_key("https://example.com/b")
    );
}

mod calibration {
    use super::super::*;
    use crate::network::{Factor, FactorKey, HandlingKind, load_dir};
    use crate::observe::{ObsKind, Observation, Observations, PlaceRef, Unit};
    use std::ops::ControlFlow;

    fn mini() -> Network {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        load_dir(std::path::Path::new(dir)).expect("mini").0
    }

    fn factor(key: FactorKey, value: f64) -> Factor {
        Factor {
            key,
            first_year: None,
            last_year: None,
            value,
            prior: 1.0,
            prior_sd: 1.0,
            sources: vec![],
            note: String::new(),
        }
    }

    /// Transit times between every pair of places, made by the model itself under `truth`.
    fn synthetic(network: &Network, truth: &Calibration) -> Observations {
        let mut rows = Vec::new();
        let mut flows: Option<YearFlows> = None;
        for from in 0..network.node_count() {
            for to in 0..network.node_count() {
                if from == to {
                    continue;
                }
                let mut row = Observation {
                    id: format!("t{from}_{to}"),
                    kind: ObsKind::TransitTime,
                    year: 2026,
                    period: String::new(),
                    origin: Some(PlaceRef::Node(NodeId::from_index(from))),
                    destination: Some(PlaceRef::Node(NodeId::from_index(to))),
                    facility: None,
                    corridor: None,
                    direction: String::new(),
                    service: String::new(),
                    scope: "terminal_to_terminal".into(),
                    unit: Unit::Hours,
                    value: 1.0,
                    low: None,
                    high: None,
                    sources: vec![],
                    definition: String::new(),
                    note: String::new(),
                    nature: String::new(),
                    flows: String::new(),
                    line: 0,
                };
                // The year's congestion, assigned once (every row is of 2026).
                let flows =
                    flows.get_or_insert_with(|| YearFlows::for_observations(network, [&row]));
                if let Ok(value) = predict_in(network, truth, &[], flows, &row).modelled
                    && value > 0.0
                {
                    row.value = value;
                    rows.push(row);
                }
            }
        }
        Observations {
            rows,
            sources: vec![],
        }
    }

    /// An oracle: observations made by the model with known factors are fitted back to
    /// those factors (weak priors, no noise).
    #[test]
    fn a_fit_recovers_the_factors_that_made_the_observations() {
        let network = mini();
        let kz = crate::network::Country::parse("KZ").expect("KZ");
        let truth = Calibration {
            factors: vec![
                factor(FactorKey::AdministrationSpeed(kz), 1.3),
                factor(FactorKey::Dwell(HandlingKind::Border), 0.7),
            ],
        };
        let observations = synthetic(&network, &truth);
        assert!(observations.rows.len() >= 20);
        let parameters: Vec<FitParameter> = truth
            .factors
            .iter()
            .map(|f| FitParameter {
                key: f.key.clone(),
                first_year: None,
                last_year: None,
                prior_sd: 5.0,
            })
            .collect();
        let request = CalibrateRequest {
            parameters: Some(parameters.clone()),
            ..CalibrateRequest::default()
        };
        let used: Vec<usize> = (0..observations.rows.len()).collect();
        let flows = YearFlows::for_observations(&network, &observations.rows);
        let fitted = fit(
            &network,
            &observations,
            &[],
            &flows,
            &used,
            &parameters,
            &request,
            0,
            1,
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("fits");
        assert!(
            fitted.objective < 1e-2 * fitted.objective_at_prior,
            "{fitted:?}"
        );
        for ((parameter, value), truth) in fitted.factors.iter().zip(&truth.factors) {
            assert!(
                (value - truth.value).abs() < 0.02,
                "{}: {value} vs {}",
                parameter.key,
                truth.value
            );
        }
    }

    #[test]
    fn folds_are_deterministic_and_cover_every_fold() {
        let ids: Vec<String> = (0..200).map(|i| format!("tt_{i}")).collect();
        let mut counts = [0usize; 5];
        for id in &ids {
            let fold = fold_of(id, 5);
            assert_eq!(fold, fold_of(id, 5));
            counts[fold] += 1;
        }
        assert!(counts.iter().all(|&c| c >= 20), "{counts:?}");
    }

    #[test]
    fn a_calibration_needs_a_known_source_and_sane_settings() {
        let network = mini();
        let observations = synthetic(&network, &Calibration::default());
        let mut stop = |_| ControlFlow::Continue(());
        let bad_source = CalibrateRequest {
            fit_source: "NOPE".into(),
            ..CalibrateRequest::default()
        };
        assert_eq!(
            calibrate(&network, &observations, &[], &bad_source, &mut stop).err(),
            Some(CalibrateError::UnknownSource("NOPE".into()))
        );
        let request = CalibrateRequest {
            fit_source: "T_HAND".into(),
            folds: 1,
            ..CalibrateRequest::default()
        };
        assert!(matches!(
            calibrate(&network, &observations, &[], &request, &mut stop),
            Err(CalibrateError::BadFolds { given: 1, .. })
        ));
        let noise = CalibrateRequest {
            fit_source: "T_HAND".into(),
            noise: f64::NAN,
            ..CalibrateRequest::default()
        };
        assert!(matches!(
            calibrate(&network, &observations, &[], &noise, &mut stop),
            Err(CalibrateError::BadSetting(_))
        ));
        let cancelled = CalibrateRequest {
            fit_source: "T_HAND".into(),
            folds: 0,
            ..CalibrateRequest::default()
        };
        assert_eq!(
            calibrate(&network, &observations, &[], &cancelled, &mut |_| {
                ControlFlow::Break(())
            })
            .err(),
            Some(CalibrateError::Cancelled)
        );
    }
}
