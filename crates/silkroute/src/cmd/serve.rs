//! `silkroute serve`: the HTTP API, its OpenAPI description and the web map
//! (`silkroute_server`), on localhost by default.

use anyhow::{Context, Result};
use silkroute_server::{AppState, Limits};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Arguments of `silkroute serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (another host than localhost exposes the server to the network).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    /// Folder of scenario files that `POST /assign` and `POST /scenario/compare` may name
    /// (default: data/scenarios when it exists).
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Long jobs (assignment, simulation, scenario comparison) run at once (default: cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Longest a long job may run, seconds, before it is stopped.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub job_seconds: u64,
    /// Most replications a simulation request may ask for (a request that asks for none runs
    /// the sim file's, within this limit).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_replications: usize,
    /// Worker threads of the HTTP runtime (default: cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `silkroute serve` until Ctrl-C.
pub fn run(data: Option<&Path>, args: &ServeArgs) -> Result<()> {
    let mut limits = Limits::default();
    if let Some(jobs) = args.jobs {
        anyhow::ensure!(
            (1..=256).contains(&jobs),
            "--jobs {jobs}: expected 1 to 256"
        );
        limits.max_jobs = jobs;
    }
    anyhow::ensure!(
        (1..=86_400).contains(&args.job_seconds),
        "--job-seconds {}: expected 1 to 86400",
        args.job_seconds
    );
    limits.job_seconds = args.job_seconds;
    anyhow::ensure!(
        (1..=100_000).contains(&args.max_replications),
        "--max-replications {}: expected 1 to 100000",
        args.max_replications
    );
    limits.max_replications = args.max_replications;
    let shipped = Path::new("data/scenarios");
    let scenarios = match &args.scenarios {
        Some(dir) => Some(dir.as_path()),
        None => shipped.is_dir().then_some(shipped),
    };
    // The continental networks of /geo/… are prepared through the same per-user cache as
    // `silkroute geo` (XDG_CACHE_HOME/silkroute or ~/.cache/silkroute).
    let geo_cache = super::geo::default_cache_dir();
    let state = AppState::load_with_geo_cache(data, scenarios, geo_cache.as_deref(), limits)?;
    for warning in state.warnings() {
        if data.is_some() {
            eprintln!("warning: {warning}");
        }
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        anyhow::ensure!(
            (1..=256).contains(&threads),
            "--threads {threads}: expected 1 to 256"
        );
        runtime.worker_threads(threads);
    }
    let runtime = runtime
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("--addr {}: cannot listen", args.addr))?;
        let local = listener.local_addr().context("the listener's address")?;
        eprintln!(
            "silkroute: serving {} (data_version {}) at http://{local}/ — the map at /, the API description at /openapi.json; Ctrl-C stops",
            state.network().info().name,
            state.data_version()
        );
        silkroute_server::serve(listener, state)
            .await
            .context("the server stopped")
    })
}
