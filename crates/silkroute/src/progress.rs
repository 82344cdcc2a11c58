//! Progress on stderr for long work, only once the work has taken half a second, so quick runs
//! never flash a bar. On a terminal it is a bar; otherwise (a script, a log) one plain line says
//! what the wait is for, so a first `geo route --network road` is not 15 silent seconds.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::Cell;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long work runs before its bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(500);

/// A bar for work in named steps, some with a known fraction done.
pub struct Steps {
    bar: ProgressBar,
    title: String,
    started: Instant,
    shown: Cell<bool>,
}

impl Steps {
    /// A hidden bar for `title` (`preparing the road network`).
    pub fn new(title: String) -> Steps {
        let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::hidden())
            .with_style(
                ProgressStyle::with_template("{msg:<52} [{bar:30}] {elapsed_precise}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
        Steps {
            bar,
            title,
            started: Instant::now(),
            shown: Cell::new(false),
        }
    }

    fn show_when_due(&self) {
        if !self.shown.get() && self.started.elapsed() >= SHOW_AFTER {
            if std::io::stderr().is_terminal() {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            } else {
                eprintln!("{}…", self.bar.message());
            }
            self.shown.set(true);
        }
    }

    /// A step without a known fraction.
    pub fn message(&self, step: &str) {
        self.bar.set_message(format!("{}: {step}", self.title));
        self.show_when_due();
    }

    /// A step `done` of `total`.
    pub fn fraction(&self, step: &str, done: usize, total: usize) {
        self.bar.set_message(format!("{}: {step}", self.title));
        if let Some(per_mille) = (done * 1000).checked_div(total) {
            self.bar.set_position(per_mille as u64);
        }
        self.show_when_due();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A bar for a count of items finished on several threads (matrix rows, queries).
pub struct Counter {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl Counter {
    /// A hidden bar for items of `title` (`computing the distance matrix`).
    pub fn new(title: &str) -> Counter {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
            .with_style(
                ProgressStyle::with_template("{msg:<32} [{bar:30}] {pos}/{len} {elapsed_precise}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            )
            .with_message(title.to_string());
        Counter {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// `done` items of `total` are finished (from any thread).
    pub fn set(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        if self.started.elapsed() >= SHOW_AFTER && !self.shown.swap(true, Ordering::Relaxed) {
            if std::io::stderr().is_terminal() {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            } else {
                eprintln!("{}…", self.bar.message());
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
