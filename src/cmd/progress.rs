//! Progress on stderr for loads and check runs that take a while: shown only when stderr is a terminal, and
//! only once the work has lasted about a second, so quick runs and logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How long work runs before its progress appears; `STATLINT_PROGRESS_DELAY_MS` changes it (the tests use 0).
fn delay() -> Duration {
    std::env::var("STATLINT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A spinner with a message (for a load), or a bar of `len` steps.
    pub fn new(len: Option<u64>, message: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = match len {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template(
                        "{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}",
                    )
                    .expect("a valid template")
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("a valid template"),
            ),
        };
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(delay());
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        Progress { bar: Some(bar) }
    }

    pub fn message(&self, m: &str) {
        if let Some(b) = &self.bar {
            b.set_message(m.to_string());
        }
    }

    pub fn step(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// Runs `f` (which writes to stderr) with the progress line out of the way.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
