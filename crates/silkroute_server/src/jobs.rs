//! Long jobs: the freight assignment, scenario comparison and simulation. Each runs on
//! Tokio's blocking pool, never on the async workers; at most `max_jobs` run at once (more
//! get `Busy`); each is stopped when it passes `job_seconds` (`Timeout`) or when its client
//! goes away (the handler's future is dropped, which raises the job's stop flag; the core's
//! observers see it at their next iteration or replication).

use crate::Body;
use crate::answer::{Answer, AssignAnswer, CompareAnswer, Json, ScenarioRunAnswer, SimulateAnswer};
use crate::error::{ApiError, Code, ErrorBody};
use crate::params::Geometries;
use crate::state::{AppState, is_scenario_name};
use serde::Deserialize;
use silkroute_core::Network;
use silkroute_core::assign::{AssignOptions, AssignRequest, Method};
use silkroute_core::freight::{
    FREIGHT_GAP, FreightOptions, FreightRequest, FreightRequestError, assign_freight,
};
use silkroute_core::scenario::{LoadedScenario, compare_loaded, default_hazards};
use silkroute_core::simulate::{RunSettings, SimulateError, Simulation, default_sim_params};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use utoipa::ToSchema;

/// Raises the stop flag when dropped, unless the job finished.
struct StopOnDrop(Arc<AtomicBool>, bool);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if !self.1 {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs `work` as a long job: a worker slot or `Busy`, the blocking pool, the time limit,
/// and a stop flag raised on timeout or when the caller's future is dropped.
///
/// # Errors
/// `Busy`, `Timeout`, the job's own error; `InternalError` if the job panicked.
pub async fn run_job<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&AtomicBool) -> Result<T, ApiError> + Send + 'static,
{
    let permit = state.0.jobs.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            Code::Busy,
            format!(
                "all {} workers for long jobs are busy; retry later",
                state.limits().max_jobs
            ),
        )
    })?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut guard = StopOnDrop(stop.clone(), false);
    let flag = stop.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&flag)
    });
    let seconds = state.limits().job_seconds;
    let outcome = tokio::time::timeout(Duration::from_secs(seconds), handle).await;
    guard.1 = true;
    match outcome {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(ApiError::new(
            Code::InternalError,
            "the job failed (a fault of the server, not of the request)",
        )),
        Err(_) => {
            stop.store(true, Ordering::Relaxed);
            Err(ApiError::new(
                Code::Timeout,
                format!("the job ran past the server's limit of {seconds} s and was stopped"),
            ))
        }
    }
}

/// What a core observer answers in a job: stop once the job's flag is raised.
pub fn go_on(stop: &AtomicBool) -> ControlFlow<()> {
    if stop.load(Ordering::Relaxed) {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}

/// The error of a job stopped by its flag.
fn stopped() -> ApiError {
    ApiError::new(Code::Timeout, "the job was stopped")
}

/// The solver of the freight jobs: the CLI's defaults (Algorithm B, 1,000 iterations, the
/// freight gap).
fn solver() -> Result<AssignOptions, ApiError> {
    AssignRequest {
        method: Method::AlgorithmB,
        gap: None,
        max_iterations: 1000,
        time_limit_s: None,
    }
    .options(FREIGHT_GAP)
    .map_err(|e| ApiError::new(Code::InternalError, e.to_string()))
}

/// A scenario of the server's folder, loaded.
fn load_scenario(state: &AppState, field: &str, name: &str) -> Result<LoadedScenario, ApiError> {
    let known = state.scenarios();
    if !is_scenario_name(name) || !known.iter().any(|k| k == name) {
        return Err(ApiError::invalid_value(
            field,
            format!(
                "{field} `{}`: unknown scenario (the server has {})",
                silkroute_core::io::clip(name),
                if known.is_empty() {
                    "none: start it with --scenarios DIR".to_string()
                } else {
                    known.join(", ")
                }
            ),
        ));
    }
    let dir = state
        .0
        .scenarios_dir
        .as_ref()
        .ok_or_else(|| ApiError::invalid_value(field, "the server has no scenarios"))?;
    LoadedScenario::load(&dir.join(format!("{name}.toml")))
        .map_err(|e| ApiError::invalid_value(field, e.to_string()))
}

/// A freight request's error as the API's.
fn freight_error(error: FreightRequestError) -> ApiError {
    match &error {
        FreightRequestError::InvalidParameter { field, .. } => {
            ApiError::invalid_value(&crate::error::parameter(field), error.to_string())
        }
        FreightRequestError::Avoid(_) => ApiError::invalid_value("avoid", error.to_string()),
        FreightRequestError::Scale { field, .. } => {
            ApiError::invalid_value(&crate::error::parameter(field), error.to_string())
        }
        _ => ApiError::invalid_value("year", error.to_string()),
    }
}

/// `POST /assign`: the freight assignment of a year or a scenario.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The network of this year (default: the reference year); not with `scenario`.
    #[schema(minimum = 1900, maximum = 2100)]
    pub year: Option<i32>,
    /// A scenario of the server's folder (`GET /status` lists them) instead of the network.
    pub scenario: Option<String>,
    /// Things closed: country codes, modes, corridors, link ids or places.
    pub avoid: Option<Vec<String>>,
    /// Every demand row × this factor (default 1).
    #[schema(minimum = 0)]
    pub demand_factor: Option<f64>,
    /// Sea rates at this level of the tariff year's.
    #[schema(minimum = 0.05, maximum = 20)]
    pub sea_rate: Option<f64>,
    /// Risk premiums `CC=USD[:DAYS]` per FEU.
    pub risk: Option<Vec<String>>,
    /// A carbon price, USD per tonne CO2e.
    #[schema(minimum = 0, maximum = 10000)]
    pub carbon_price: Option<f64>,
    /// `geojson`: add the link flows as GeoJSON.
    pub geometries: Option<Geometries>,
}

/// The network and freight options of an assignment or simulation body.
fn freight_setup(
    state: &AppState,
    scenario: Option<&str>,
    request: FreightRequest,
    only_year: bool,
) -> Result<(Arc<Network>, FreightOptions), ApiError> {
    match scenario {
        Some(name) => {
            if request.year.is_some() {
                return Err(
                    ApiError::invalid_query("year: the scenario sets the year").with_field("year")
                );
            }
            if !only_year {
                return Err(ApiError::invalid_query(
                    "scenario: give the levers in the scenario file, not beside it",
                )
                .with_field("scenario"));
            }
            let loaded = load_scenario(state, "scenario", name)?;
            let options = loaded
                .prepared
                .freight_options(loaded.scenario.name())
                .map_err(|e| ApiError::invalid_value("scenario", e.to_string()))?;
            Ok((Arc::new(loaded.prepared.network), options))
        }
        None => {
            let network = state.0.network.clone();
            let options = request.options(&network).map_err(freight_error)?;
            Ok((network, options))
        }
    }
}

/// `POST /assign`.
#[utoipa::path(post, path = "/assign", tag = "jobs",
    request_body = AssignBody,
    responses(
        (status = 200, description = "The freight assignment (the CLI's `assign --format json`)", body = AssignAnswer),
        (status = 400, description = "A bad request", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    ))]
pub async fn assign_post(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Body,
) -> Answer<AssignAnswer> {
    let body: AssignBody = body.read()?;
    let request = FreightRequest {
        year: body.year,
        avoid: body.avoid.clone().unwrap_or_default(),
        demand_factor: body.demand_factor.unwrap_or(1.0),
        sea_rate: body.sea_rate,
        risk: body.risk.clone().unwrap_or_default(),
        carbon_usd_per_t: body.carbon_price.unwrap_or(0.0),
        ..FreightRequest::default()
    };
    request.validate().map_err(freight_error)?;
    let only_year = body.avoid.is_none()
        && body.demand_factor.is_none()
        && body.sea_rate.is_none()
        && body.risk.is_none()
        && body.carbon_price.is_none();
    let job_state = state.clone();
    run_job(&state, move |stop| {
        let (network, options) =
            freight_setup(&job_state, body.scenario.as_deref(), request, only_year)?;
        let mut warnings = Vec::new();
        let report = assign_freight(&network, &options, &solver()?, &mut warnings, &mut |_| {
            go_on(stop)
        })
        .map_err(freight_error)?;
        if stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        let geojson = body.geometries.map(|_| report.to_geojson(&network));
        Ok(Json(AssignAnswer {
            code: Code::Ok,
            data_version: job_state.data_version().to_string(),
            report,
            geojson,
        }))
    })
    .await
}

/// `POST /scenario/compare`: two scenarios of the server's folder.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareBody {
    /// The scenario compared from (`GET /status` lists them).
    #[schema(min_length = 1, max_length = 100, example = "baseline_2026")]
    pub base: String,
    /// The scenario compared to.
    #[schema(min_length = 1, max_length = 100, example = "caspian_closed")]
    pub other: String,
    /// `geojson`: add the links coloured by change.
    pub geometries: Option<Geometries>,
}

/// `POST /scenario/compare`.
#[utoipa::path(post, path = "/scenario/compare", tag = "jobs",
    request_body = CompareBody,
    responses(
        (status = 200, description = "What changes from base to other (the CLI's `scenario compare --format json`)", body = CompareAnswer),
        (status = 400, description = "A bad request or an unknown scenario", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    ))]
pub async fn compare_post(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Body,
) -> Answer<CompareAnswer> {
    let body: CompareBody = body.read()?;
    let job_state = state.clone();
    run_job(&state, move |stop| {
        let base = load_scenario(&job_state, "base", &body.base)?;
        let other = load_scenario(&job_state, "other", &body.other)?;
        let (diff, _, _) = compare_loaded(&base, &other, &solver()?, &mut |_| go_on(stop))
            .map_err(|e| ApiError::invalid_value("other", e.to_string()))?;
        if stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        let geojson = body
            .geometries
            .map(|_| diff.to_geojson(&base.prepared.network, &other.prepared.network));
        Ok(Json(CompareAnswer {
            code: Code::Ok,
            data_version: job_state.data_version().to_string(),
            report: diff,
            geojson,
        }))
    })
    .await
}

/// Largest seed: 2⁵³ − 1, the largest integer every JSON reader keeps exactly.
const MAX_SEED: u64 = (1 << 53) - 1;

/// `POST /scenario/run`: one scenario of the server's folder.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRunBody {
    /// The scenario (`GET /status` lists them).
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "dostyk_moyynty_second_track"
    )]
    pub scenario: String,
}

/// `POST /scenario/run`.
#[utoipa::path(post, path = "/scenario/run", tag = "jobs",
    request_body = ScenarioRunBody,
    responses(
        (status = 200, description = "The scenario's freight assignment and the routes of its pairs (the CLI's `scenario run --format json`, one scenario)", body = ScenarioRunAnswer),
        (status = 400, description = "A bad request or an unknown scenario", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    ))]
pub async fn scenario_run_post(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Body,
) -> Answer<ScenarioRunAnswer> {
    let body: ScenarioRunBody = body.read()?;
    let job_state = state.clone();
    run_job(&state, move |stop| {
        let loaded = load_scenario(&job_state, "scenario", &body.scenario)?;
        let report = loaded
            .run(None, &solver()?, &mut |_| go_on(stop))
            .map_err(|e| ApiError::invalid_value("scenario", e.to_string()))?;
        if stop.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        Ok(Json(ScenarioRunAnswer {
            code: Code::Ok,
            data_version: job_state.data_version().to_string(),
            report,
            geojson: None,
        }))
    })
    .await
}

/// `POST /simulate`: transit-time distributions of a year or scenario by simulation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateBody {
    /// The network of this year (default: the reference year); not with `scenario`.
    #[schema(minimum = 1900, maximum = 2100)]
    pub year: Option<i32>,
    /// A scenario of the server's folder instead of the network.
    pub scenario: Option<String>,
    /// Replications (default: the sim file's; at most the server's limit, `GET /status`).
    #[schema(minimum = 1)]
    pub replications: Option<usize>,
    /// Days simulated after the warm-up.
    #[schema(minimum = 1, maximum = 3650)]
    pub horizon_days: Option<f64>,
    /// Days simulated before statistics start.
    #[schema(minimum = 0, maximum = 365)]
    pub warmup_days: Option<f64>,
    /// Random seed (0 to 2⁵³ − 1, integers every JSON reader keeps exactly).
    #[schema(minimum = 0, maximum = 9_007_199_254_740_991_u64)]
    pub seed: Option<u64>,
    /// On-time target, days door to door.
    #[schema(minimum = 0.1, maximum = 730)]
    pub target_days: Option<f64>,
    /// Draw the shipped hazards (default true).
    pub hazards: Option<bool>,
}

/// `POST /simulate`.
#[utoipa::path(post, path = "/simulate", tag = "jobs",
    request_body = SimulateBody,
    responses(
        (status = 200, description = "Transit-time distributions (the CLI's `simulate --format json`)", body = SimulateAnswer),
        (status = 400, description = "A bad request", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    ))]
pub async fn simulate_post(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Body,
) -> Answer<SimulateAnswer> {
    let body: SimulateBody = body.read()?;
    let limit = state.limits().max_replications;
    if let Some(n) = body.replications
        && n > limit
    {
        return Err(ApiError::too_big(
            "replications",
            format!("replications {n}: at most {limit} on this server"),
        ));
    }
    if let Some(seed) = body.seed
        && seed > MAX_SEED
    {
        return Err(ApiError::invalid_value(
            "seed",
            format!("seed {seed}: expected 0 to {MAX_SEED}"),
        ));
    }
    let request = FreightRequest {
        year: body.year,
        ..FreightRequest::default()
    };
    request.validate().map_err(freight_error)?;
    let job_state = state.clone();
    run_job(&state, move |stop| {
        let (network, options) =
            freight_setup(&job_state, body.scenario.as_deref(), request, true)?;
        let sim_error = |e: SimulateError| match e {
            SimulateError::BadSetting { field, .. } => {
                ApiError::invalid_value(field, e.to_string())
            }
            SimulateError::Stopped => stopped(),
            other => ApiError::invalid_value("scenario", other.to_string()),
        };
        let params = default_sim_params(&network)
            .map_err(|e| ApiError::invalid_value("scenario", e.to_string()))?;
        let hazards = match body.hazards.unwrap_or(true) {
            true => Some(
                default_hazards(&network)
                    .map_err(|e| ApiError::invalid_value("hazards", e.to_string()))?,
            ),
            false => None,
        };
        let mut settings = RunSettings::of(&params);
        // Unasked, the sim file's replications, within the server's limit (the report says
        // how many ran).
        settings.replications = body
            .replications
            .unwrap_or(settings.replications.min(limit));
        if let Some(days) = body.horizon_days {
            settings.horizon_days = days;
        }
        if let Some(days) = body.warmup_days {
            settings.warmup_days = days;
        }
        if let Some(seed) = body.seed {
            settings.seed = seed;
        }
        settings.target_days = body.target_days;
        settings.validate().map_err(sim_error)?;
        let simulation = Simulation::prepare(
            &network,
            &options,
            &params,
            hazards.as_ref(),
            &AssignOptions::new(Method::AlgorithmB),
            &mut |_| go_on(stop),
        )
        .map_err(sim_error)?;
        let report = simulation
            .run(&settings, &|_, _| go_on(stop))
            .map_err(sim_error)?;
        Ok(Json(SimulateAnswer {
            code: Code::Ok,
            data_version: job_state.data_version().to_string(),
            report,
            geojson: None,
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Limits;

    #[tokio::test]
    async fn a_job_whose_client_goes_away_is_told_to_stop() {
        let state = AppState::load(None, None, Limits::default()).expect("the embedded network");
        let (saw_stop, seen) = std::sync::mpsc::channel();
        let job = run_job(&state, move |stop| {
            // Works until told to stop (at most 60 s, so a broken flag fails, not hangs).
            let start = std::time::Instant::now();
            while !stop.load(Ordering::Relaxed) && start.elapsed() < Duration::from_secs(60) {
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = saw_stop.send(stop.load(Ordering::Relaxed));
            Ok(())
        });
        // The client goes away after 50 ms: the handler's future is dropped.
        let outcome = tokio::time::timeout(Duration::from_millis(50), job).await;
        assert!(outcome.is_err(), "the job was still running");
        let stopped =
            tokio::task::spawn_blocking(move || seen.recv_timeout(Duration::from_secs(10)))
                .await
                .expect("joined");
        assert_eq!(stopped, Ok(true), "the job saw its stop flag");
        // Its worker slot is free again.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(state.0.jobs.available_permits(), state.limits().max_jobs);
    }
}
