//! What every request shares: the network (immutable, loaded once), its fingerprint, the
//! scenario folder, the limits and the pool of workers for long jobs.

use serde::Serialize;
use silkroute_core::Network;
use silkroute_core::io::LoadError;
use silkroute_core::network::{NetworkFiles, default_files, load_files};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Semaphore;
use utoipa::ToSchema;

/// The server's limits: requests beyond them get `TooBig`, `Busy` or `Timeout`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Limits {
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Most places of a table (sources and destinations together).
    pub max_table_places: usize,
    /// Most origins of a reach request.
    pub max_reach_places: usize,
    /// Long jobs (assignment, simulation, scenario comparison) running at once (0: none are
    /// served).
    pub max_jobs: usize,
    /// Longest a long job may run, seconds, before it is stopped.
    pub job_seconds: u64,
    /// Most simulation replications a request may ask for.
    pub max_replications: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1 << 20,
            max_table_places: 200,
            max_reach_places: 16,
            max_jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            job_seconds: 300,
            max_replications: 1000,
        }
    }
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The network folder does not load.
    #[error("cannot load the network in {dir}: {source}")]
    Network {
        /// The folder.
        dir: String,
        /// Why.
        source: Box<LoadError>,
    },
    /// The embedded network does not load (a build fault).
    #[error("the embedded network is invalid: {0}")]
    Embedded(Box<LoadError>),
    /// The scenario folder cannot be listed.
    #[error("cannot list the scenarios in {dir}: {reason}")]
    Scenarios {
        /// The folder.
        dir: String,
        /// Why.
        reason: String,
    },
}

/// Everything a handler reads, cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

pub(crate) struct Inner {
    pub network: Arc<Network>,
    pub data_version: String,
    pub scenarios_dir: Option<PathBuf>,
    pub scenarios: Vec<String>,
    pub limits: Limits,
    pub jobs: Arc<Semaphore>,
    pub warnings: Vec<String>,
    /// The per-user cache folder of prepared continental networks.
    pub geo_cache: Option<PathBuf>,
    /// The continental networks (rail, road, sea), prepared on their first request.
    pub geo: [tokio::sync::OnceCell<Arc<silkroute_core::geo::PreparedGeo>>; 3],
}

impl AppState {
    /// The state over the network of `data` (a network folder) or the embedded default
    /// network, the scenario files of `scenarios` (`*.toml`, by file stem), and `limits`.
    ///
    /// # Errors
    /// [`StateError`] when the network does not load or the scenario folder cannot be read.
    pub fn load(
        data: Option<&Path>,
        scenarios: Option<&Path>,
        limits: Limits,
    ) -> Result<AppState, StateError> {
        AppState::load_with_geo_cache(data, scenarios, None, limits)
    }

    /// [`AppState::load`], with a cache folder for the continental networks (`/geo/…`), which
    /// are otherwise prepared anew by each server on their first request.
    ///
    /// # Errors
    /// As [`AppState::load`].
    pub fn load_with_geo_cache(
        data: Option<&Path>,
        scenarios: Option<&Path>,
        geo_cache: Option<&Path>,
        limits: Limits,
    ) -> Result<AppState, StateError> {
        let files = match data {
            Some(dir) => NetworkFiles::read_dir(dir).map_err(|source| StateError::Network {
                dir: dir.display().to_string(),
                source: Box::new(source),
            })?,
            None => default_files(),
        };
        let data_version = format!("{:016x}", files.fingerprint());
        let (network, warnings) = load_files(&files).map_err(|source| match data {
            Some(dir) => StateError::Network {
                dir: dir.display().to_string(),
                source: Box::new(source),
            },
            None => StateError::Embedded(Box::new(source)),
        })?;
        let names = match scenarios {
            Some(dir) => scenario_names(dir)?,
            None => Vec::new(),
        };
        Ok(AppState(Arc::new(Inner {
            network: Arc::new(network),
            data_version,
            scenarios_dir: scenarios.map(Path::to_path_buf),
            scenarios: names,
            jobs: Arc::new(Semaphore::new(limits.max_jobs)),
            limits,
            warnings: warnings.iter().map(ToString::to_string).collect(),
            geo_cache: geo_cache.map(Path::to_path_buf),
            geo: Default::default(),
        })))
    }

    /// The network served.
    pub fn network(&self) -> &Network {
        &self.0.network
    }

    /// The network's fingerprint, 16 hex digits.
    pub fn data_version(&self) -> &str {
        &self.0.data_version
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    /// Warnings of loading the network.
    pub fn warnings(&self) -> &[String] {
        &self.0.warnings
    }

    /// The scenario names served.
    pub fn scenarios(&self) -> &[String] {
        &self.0.scenarios
    }
}

/// The stems of the `*.toml` files of a folder, sorted.
fn scenario_names(dir: &Path) -> Result<Vec<String>, StateError> {
    let fail = |reason: String| StateError::Scenarios {
        dir: dir.display().to_string(),
        reason,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| fail(e.to_string()))? {
        let path = entry.map_err(|e| fail(e.to_string()))?.path();
        if path.extension().is_some_and(|e| e == "toml")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && is_scenario_name(stem)
        {
            names.push(stem.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Whether a scenario name is a plain file stem (letters, digits, `_`, `-`).
pub fn is_scenario_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
