//! Phase timings on stderr when `STATLINT_TIMING` is set: where a run spends its time, for profiling and for
//! the benchmark's notes. Off by default; costs one environment lookup.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("STATLINT_TIMING").is_some())
}

/// Prints how long the phase took when dropped.
pub struct Span {
    what: &'static str,
    start: Instant,
}

/// Starts timing a phase.
pub fn span(what: &'static str) -> Option<Span> {
    enabled().then(|| Span {
        what,
        start: Instant::now(),
    })
}

impl Drop for Span {
    fn drop(&mut self) {
        eprintln!(
            "timing: {:>8.1} ms  {}",
            self.start.elapsed().as_secs_f64() * 1000.0,
            self.what
        );
    }
}
