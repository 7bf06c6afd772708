//! The `statlint` binary: parse arguments, run, map the outcome to an exit code.
//! 0: ran, nothing at the failure level; 1: findings at the failure level; 2: could not run.

use clap::FromArgMatches;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The system allocator, ending the run with a message and exit 2 when memory runs out (a `ulimit -v`, a
/// container's limit) instead of Rust's abort, which CI shows as a crash. DuckDB's own allocations fail as
/// its out-of-memory errors; this is for statlint's.
struct Guarded;

// SAFETY: every call is forwarded to the system allocator with the same arguments.
unsafe impl GlobalAlloc for Guarded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Guarded = Guarded;

/// Says that memory ran out and exits 2, allocating nothing. Of threads that run out together, the first
/// says it; the others wait for the exit.
fn out_of_memory(size: usize) -> ! {
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if SAID.swap(true, std::sync::atomic::Ordering::SeqCst) {
        loop {
            // SAFETY: waits for a signal; the first thread's `_exit` ends the process.
            unsafe { libc::pause() };
        }
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = size;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let parts: [&[u8]; 3] = [
        b"statlint: out of memory: ",
        &digits[i..],
        b" bytes could not be allocated; the process's memory is limited (ulimit -v, a container), or the data \
          needs more: raise the limit, or give --memory-limit to keep DuckDB further below it\n",
    ];
    for p in parts {
        // SAFETY: writes bytes from a valid buffer to stderr.
        unsafe { libc::write(2, p.as_ptr().cast(), p.len()) };
    }
    // SAFETY: ends the process without running anything that might allocate.
    unsafe { libc::_exit(2) }
}

fn main() -> ExitCode {
    let matches = statlint::cli::command().get_matches();
    let cli = match statlint::cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    // stderr is not locked for the whole run: the progress line is drawn from another thread.
    let mut err = std::io::stderr();
    let terminal = std::io::stdin().is_terminal() && stdout.is_terminal();
    let color = stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
        && std::env::var_os("CI").is_none();
    let mut out = stdout.lock();
    let result = statlint::run(
        cli,
        &mut statlint::Io {
            out: &mut out,
            err: &mut err,
            terminal,
            color,
        },
    );
    let flushed = out.flush();
    match result {
        Ok(statlint::Outcome::Success) => ExitCode::SUCCESS,
        Ok(statlint::Outcome::Failed) => ExitCode::from(1),
        Ok(statlint::Outcome::Incomplete) => ExitCode::from(2),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let _ = flushed;
            // Messages quote file names, cells and check headers: what they hold is shown, not obeyed.
            let chain = e.chain();
            let _ = writeln!(
                err,
                "statlint: {}",
                statlint::text::escape_controls_keeping_lines(&chain)
            );
            ExitCode::from(2)
        }
    }
}
