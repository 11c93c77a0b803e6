//! What the benchmarks measure besides wall time: CPU time and peak memory
//! of the process (Linux `/proc`; zero elsewhere), and the best of n runs.

#![allow(dead_code)] // each benchmark uses some of these

use std::time::{Duration, Instant};

/// The best wall time of `runs` runs of `f`, the CPU time of that run, and
/// the last run's result.
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut best = (Duration::MAX, Duration::MAX);
    let mut out = None;
    for _ in 0..runs {
        let cpu = cpu_time();
        let t = Instant::now();
        let v = f();
        let wall = t.elapsed();
        if wall < best.0 {
            best = (wall, cpu_time().saturating_sub(cpu));
        }
        out = Some(v);
    }
    (best.0, best.1, out.expect("at least one run"))
}

/// CPU time used by this process so far (in clock ticks of 1/100 s).
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// The peak resident memory of this process so far, in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
