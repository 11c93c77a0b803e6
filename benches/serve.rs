//! `europass serve` against the command line on the same round: the time
//! from the start of the upload to the end of the zip's download, beside
//! the time of `europass convert` writing the same outputs.
//!
//! A round of N learners (default 1,000; `cargo bench --bench serve -- 100
//! 1000`) is generated as in `benches/round.rs` and saved as the school's
//! workbook. Both sides run the built binary in a process of its own, with
//! every format (`--to xml,jsonld,docx,pdf,json,xlsx`); they alternate,
//! five runs each, and the best and the median are printed with the
//! machine's load average, since the machine may be shared. CPU time is
//! printed too (the CLI process's, and what the server process used from
//! upload to download): on a shared machine it moves less than wall time.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/round.rs"]
mod generated;

const FORMATS: &str = "xml,jsonld,docx,pdf,json,xlsx";
const RUNS: usize = 5;

fn europass() -> Command {
    Command::new(env!("CARGO_BIN_EXE_europass"))
}

/// User + system time of a process (`self` for this one), and of its
/// children waited for, from `/proc/PID/stat`.
fn cpu_of(pid: &str) -> (Duration, Duration) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (in parentheses, and it may hold spaces).
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .map(|f| f.parse().unwrap_or(0))
                .collect()
        })
        .unwrap_or_default();
    let ticks = |i: usize| Duration::from_millis(fields.get(i).copied().unwrap_or(0) * 10);
    // utime, stime, cutime, cstime: fields 14-17 of the line, 12-15 after the name.
    (ticks(11) + ticks(12), ticks(13) + ticks(14))
}

/// `europass convert` of the workbook in `dir`: wall and CPU time.
fn cli(dir: &Path, run: usize) -> (Duration, Duration) {
    let out = dir.join(format!("cli-{run}"));
    let before = cpu_of("self").1;
    let t = Instant::now();
    let status = europass()
        .current_dir(dir)
        .args(["convert", "round.xlsx", "--to", FORMATS, "-q", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    let took = t.elapsed();
    let cpu = cpu_of("self").1 - before;
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "convert failed: {status}"
    );
    std::fs::remove_dir_all(out).unwrap();
    (took, cpu)
}

/// A server on a free port; returns it and its base URL.
fn start_server(data: &Path) -> (Child, String) {
    let mut child = europass()
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("europass serve: listening on ")
        .expect("the server prints its address")
        .trim_end_matches('/')
        .to_string();
    (child, base)
}

fn multipart(workbook: &[u8]) -> (String, Vec<u8>) {
    let boundary = "europass-bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n{FORMATS}\r\n\
--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"round.xlsx\"\r\n\
Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(workbook);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Upload, the run followed by its events, the zip downloaded: each timed.
struct Served {
    upload: Duration,
    run: Duration,
    download: Duration,
    zip_bytes: u64,
    /// CPU time the server process used from upload to download.
    cpu: Duration,
}

impl Served {
    fn total(&self) -> Duration {
        self.upload + self.run + self.download
    }
}

fn serve_once(agent: &ureq::Agent, base: &str, server: &str, workbook: &[u8]) -> Served {
    let (content_type, body) = multipart(workbook);
    let cpu = cpu_of(server).0;
    let t = Instant::now();
    let mut created = agent
        .post(&format!("{base}/api/jobs"))
        .header("Content-Type", &content_type)
        .send(&body[..])
        .unwrap();
    assert_eq!(created.status(), 202);
    let job: serde_json::Value = serde_json::from_reader(created.body_mut().as_reader()).unwrap();
    let upload = t.elapsed();
    let urls = &job["urls"];
    let t = Instant::now();
    // The event stream ends with the job.
    let mut events = String::new();
    agent
        .get(&format!("{base}{}", urls["events"].as_str().unwrap()))
        .call()
        .unwrap()
        .body_mut()
        .as_reader()
        .read_to_string(&mut events)
        .unwrap();
    assert!(events.contains("\"status\":\"done\""), "{events}");
    let run = t.elapsed();
    let t = Instant::now();
    let mut zip = agent
        .get(&format!("{base}{}", urls["outputs_zip"].as_str().unwrap()))
        .call()
        .unwrap();
    let zip_bytes = std::io::copy(&mut zip.body_mut().as_reader(), &mut std::io::sink()).unwrap();
    let download = t.elapsed();
    let cpu = cpu_of(server).0 - cpu;
    let deleted = agent
        .delete(&format!("{base}{}", urls["job"].as_str().unwrap()))
        .call()
        .unwrap();
    assert_eq!(deleted.status(), 204);
    Served {
        upload,
        run,
        download,
        zip_bytes,
        cpu,
    }
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Best and median of some seconds.
fn best_median(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2])
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn size(learners: usize) {
    let dir = tempfile::tempdir().unwrap();
    let round = generated::round(learners);
    let workbook = europass::export::canonical_workbook(&round, "lv").unwrap();
    drop(round);
    std::fs::write(dir.path().join("round.xlsx"), &workbook).unwrap();
    let (mut server, base) = start_server(&dir.path().join("data"));
    let pid = server.id().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into();
    println!("load average before: {}", load());
    let (mut cli_runs, mut served) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        cli_runs.push(cli(dir.path(), run));
        served.push(serve_once(&agent, &base, &pid, &workbook));
    }
    let _ = Command::new("kill").arg("-TERM").arg(&pid).status();
    let _ = server.wait();
    for (s, (wall, cpu)) in served.iter().zip(&cli_runs) {
        println!(
            "  served: upload {:.2} s, run {:.2} s, zip download {:.2} s ({} MB) = {:.2} s, CPU {:.2} s;  CLI {:.2} s, CPU {:.2} s",
            seconds(s.upload),
            seconds(s.run),
            seconds(s.download),
            s.zip_bytes / 1_000_000,
            seconds(s.total()),
            seconds(s.cpu),
            seconds(*wall),
            seconds(*cpu),
        );
    }
    let (served_best, served_median) =
        best_median(served.iter().map(|s| seconds(s.total())).collect());
    let (served_cpu, _) = best_median(served.iter().map(|s| seconds(s.cpu)).collect());
    let (cli_best, cli_median) = best_median(cli_runs.iter().map(|r| seconds(r.0)).collect());
    let (cli_cpu, _) = best_median(cli_runs.iter().map(|r| seconds(r.1)).collect());
    println!(
        "{learners:>7} learners: upload→download best {served_best:.2} s, median {served_median:.2} s, CPU {served_cpu:.2} s;  \
CLI convert best {cli_best:.2} s, median {cli_median:.2} s, CPU {cli_cpu:.2} s  (workbook {} KB; load average after: {})",
        workbook.len() / 1000,
        load()
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1_000] } else { sizes };
    println!(
        "europass serve, upload to download, against europass convert: --to {FORMATS}, {RUNS} alternating runs each"
    );
    for n in sizes {
        size(n);
    }
}
