//! Progress on stderr for long work, only once the work has taken half a second, so quick runs
//! never flash a bar. On a terminal it is a bar; otherwise (a script, a log) one plain line says
//! what the wait is for, so a first `geo route --network road` is not 15 silent seconds.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long work runs before its bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(500);

/// A bar kept hidden until the work has run for [`SHOW_AFTER`]; safe to update from any
/// thread.
struct Delayed {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl Delayed {
    fn new(length: Option<u64>, template: &str) -> Delayed {
        let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::hidden()).with_style(
            ProgressStyle::with_template(template)
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        Delayed {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// Shows the bar (or, off a terminal, prints its message once) when it is due.
    fn show_when_due(&self) {
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= SHOW_AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            if std::io::stderr().is_terminal() {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            } else {
                eprintln!("{}…", self.bar.message());
            }
        }
    }
}

/// A bar for work in named steps, some with a known fraction done.
pub struct Steps {
    delayed: Delayed,
    title: String,
}

impl Steps {
    /// A hidden bar for `title` (`preparing the road network`).
    pub fn new(title: String) -> Steps {
        Steps {
            delayed: Delayed::new(Some(1000), "{msg:<52} [{bar:30}] {elapsed_precise}"),
            title,
        }
    }

    /// A step without a known fraction.
    pub fn message(&self, step: &str) {
        self.delayed
            .bar
            .set_message(format!("{}: {step}", self.title));
        self.delayed.show_when_due();
    }

    /// A step `done` of `total`.
    pub fn fraction(&self, step: &str, done: usize, total: usize) {
        let bar = &self.delayed.bar;
        bar.set_message(format!("{}: {step}", self.title));
        if let Some(per_mille) = (done * 1000).checked_div(total) {
            bar.set_position(per_mille as u64);
        }
        self.delayed.show_when_due();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.delayed.bar.finish_and_clear();
    }
}

/// A bar for a count of items finished on several threads (matrix rows, queries).
pub struct Counter {
    delayed: Delayed,
}

impl Counter {
    /// A hidden bar for items of `title` (`computing the distance matrix`).
    pub fn new(title: &str) -> Counter {
        let delayed = Delayed::new(None, "{msg:<32} [{bar:30}] {pos}/{len} {elapsed_precise}");
        delayed.bar.set_message(title.to_string());
        Counter { delayed }
    }

    /// `done` items of `total` are finished (from any thread).
    pub fn set(&self, done: usize, total: usize) {
        self.delayed.bar.set_length(total as u64);
        self.delayed.bar.set_position(done as u64);
        self.delayed.show_when_due();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.delayed.bar.finish_and_clear();
    }
}
