//! `europass serve` from the outside: the binary started on a free port,
//! driven over HTTP as the page and API clients drive it, and compared with
//! the command line on the same input.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use ureq::http;

#[path = "../benches/support/round.rs"]
#[allow(dead_code)]
mod generated;

const ALL_FORMATS: &str = "xml,jsonld,docx,pdf,json,xlsx";
const TOKEN: &str = "a-test-token-of-some-length";

fn europass() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_europass"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A running `europass serve`, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    base: String,
    data: tempfile::TempDir,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        Self::start_with(args, &[], |_| {})
    }

    /// Starts the server with extra arguments and environment, after
    /// `prepare` has seen its data folder.
    fn start_with(args: &[&str], env: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Server {
        let data = tempfile::tempdir().unwrap();
        let data_dir = data.path().join("data");
        prepare(&data_dir);
        let mut command = Command::new(europass());
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(&data_dir)
            .args(args)
            .env_remove("EUROPASS_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let base = first
            .trim()
            .strip_prefix("europass serve: listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "no address printed: {first:?}; log: {}",
                    log.lock().unwrap()
                )
            })
            .trim_end_matches('/')
            .to_string();
        Server {
            child,
            base,
            data,
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    fn data_dir(&self) -> PathBuf {
        self.data.path().join("data")
    }

    /// The job folders in the data folder.
    fn job_folders(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.data_dir())
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the process to end.
    fn stop(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().unwrap();
        panic!("the server did not stop within 10 s of SIGTERM");
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .status();
            std::thread::sleep(Duration::from_millis(100));
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// An answer: status, headers, body.
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

fn answer(response: Result<http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = response.unwrap();
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .read_to_end(&mut body)
        .unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body,
    }
}

fn get(url: &str) -> Answer {
    answer(agent().get(url).call())
}

fn get_with(url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.call())
}

fn delete(url: &str) -> Answer {
    answer(agent().delete(url).call())
}

/// One part of a multipart form: a file when it has a file name.
struct Part<'a> {
    name: &'a str,
    file_name: Option<&'a [u8]>,
    bytes: Vec<u8>,
}

fn file_part<'a>(name: &'a str, bytes: Vec<u8>) -> Part<'a> {
    Part {
        name: "files",
        file_name: Some(name.as_bytes()),
        bytes,
    }
}

fn text_part<'a>(name: &'a str, value: &str) -> Part<'a> {
    Part {
        name,
        file_name: None,
        bytes: value.as_bytes().to_vec(),
    }
}

/// A multipart body, written by hand so that file names go exactly as given.
fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "europass-test-boundary-7d1c";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                part.name
            )
            .as_bytes(),
        );
        if let Some(file_name) = part.file_name {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(file_name);
            body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn post_form(server: &Server, parts: &[Part], headers: &[(&str, &str)]) -> Answer {
    let (content_type, body) = multipart(parts);
    let mut request = agent()
        .post(&server.url("/api/jobs"))
        .header("Content-Type", &content_type);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.send(&body[..]))
}

fn demo_bytes() -> Vec<u8> {
    std::fs::read(fixtures().join("demo/round.xlsx")).unwrap()
}

/// Uploads the demo round as the folder `demo/`, with its school profile
/// beside it as in the repository, and `to`.
fn upload_demo(server: &Server, to: &str) -> Answer {
    post_form(
        server,
        &[
            file_part("demo/round.xlsx", demo_bytes()),
            file_part(
                "demo/europass.toml",
                std::fs::read(fixtures().join("demo/europass.toml")).unwrap(),
            ),
            text_part("to", to),
        ],
        &[],
    )
}

/// Waits for a job to finish; returns its view.
fn wait_finished(server: &Server, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let job = get(&server.url(&format!("/api/jobs/{id}")));
        assert_eq!(job.status, 200, "{}", job.text());
        let view = job.json();
        if view["status"] == "done" || view["status"] == "failed" {
            return view;
        }
        assert!(Instant::now() < deadline, "job {id} not finished: {view}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every file below `dir`, by `/`-separated relative path.
fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(top: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(top, &path, out);
            } else {
                let relative = path
                    .strip_prefix(top)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().unwrap().to_string(), content)
        })
        .collect()
}

/// `europass convert INPUTS --out OUT --to FORMATS` run in `cwd`.
fn cli_convert(cwd: &Path, inputs: &[&str], out: &Path, to: &str) {
    let status = Command::new(europass())
        .current_dir(cwd)
        .arg("convert")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(["--to", to, "-q"])
        .status()
        .unwrap();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "convert failed: {status}"
    );
}

#[test]
fn the_demo_round_gives_the_reports_and_files_of_the_command_line_byte_for_byte() {
    let server = Server::start(&[]);
    let created = upload_demo(&server, ALL_FORMATS);
    assert_eq!(created.status, 202, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(created.header("location"), format!("/api/jobs/{id}"));
    let job = wait_finished(&server, &id);
    assert_eq!(job["status"], "done", "{job}");

    let cli = tempfile::tempdir().unwrap();
    cli_convert(&fixtures(), &["demo"], &cli.path().join("out"), ALL_FORMATS);
    let expected = files_below(&cli.path().join("out"));
    let report: Value = serde_json::from_slice(&expected["report.json"]).unwrap();
    assert_eq!(
        job["report"], report,
        "the job's report differs from the CLI's report.json"
    );
    assert_eq!(report["inputs"][0]["file"], "demo/round.xlsx");

    let zip = get(&server.url(&format!("/api/jobs/{id}/outputs.zip")));
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), "application/zip");
    assert!(zip.header("content-disposition").starts_with("attachment"));
    let zipped = unzip(&zip.body);
    assert_eq!(
        zipped.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &expected {
        assert!(zipped[name] == *bytes, "{name} differs from the CLI's");
    }
    assert!(
        expected.len() > 50,
        "the demo round makes every document: {}",
        expected.len()
    );

    let feedback = get(&server.url(&format!("/api/jobs/{id}/feedback.xlsx")));
    assert_eq!(feedback.body, expected["feedback.xlsx"]);
    let one = &job["learners"][0]["files"][0];
    let file = get(&server.url(&format!("/api/jobs/{id}/files/{}", one.as_str().unwrap())));
    assert_eq!(file.body, expected[one.as_str().unwrap()]);
}

#[test]
fn the_log_names_no_learner_and_no_file() {
    let server = Server::start(&[]);
    let id = upload_demo(&server, "json").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job = wait_finished(&server, &id);
    let log = server.log();
    assert!(log.contains(&format!("job {}: done", &id[..8])), "{log}");
    assert!(!log.contains("round.xlsx"), "{log}");
    for learner in job["learners"].as_array().unwrap() {
        for name in ["given_names", "family_name"] {
            assert!(!log.contains(learner[name].as_str().unwrap()), "{log}");
        }
    }
}

#[test]
fn the_events_stream_follows_a_job_to_its_end() {
    let server = Server::start(&[]);
    let id = upload_demo(&server, "json,xlsx").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let events = get(&server.url(&format!("/api/jobs/{id}/events")));
    assert_eq!(events.status, 200);
    assert!(
        events
            .header("content-type")
            .starts_with("text/event-stream")
    );
    let data: Vec<Value> = events
        .text()
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let last = data.last().unwrap();
    assert_eq!(last["status"], "done", "{}", events.text());
    assert_eq!(last["progress"]["stages"], 4);
    assert_eq!(last["progress"]["number"], 4);
}

#[test]
fn upload_names_that_climb_out_of_the_job_folder_are_refused() {
    let server = Server::start(&[]);
    let hostile: [&[u8]; 8] = [
        b"../evil.xlsx",
        b"demo/../../evil.xlsx",
        b"..\\evil.xlsx",
        b"/evil.xlsx",
        b"C:\\evil.xlsx",
        b"c:evil.xlsx",
        b"evil\0.xlsx",
        b"\\\\server\\share\\evil.xlsx",
    ];
    for name in hostile {
        // A good file first: what was written of the upload must go too.
        let parts = [
            file_part("demo/round.xlsx", demo_bytes()),
            Part {
                name: "files",
                file_name: Some(name),
                bytes: demo_bytes(),
            },
        ];
        let refused = post_form(&server, &parts, &[]);
        let shown = String::from_utf8_lossy(name);
        assert!(
            refused.status == 400,
            "{shown}: {} {}",
            refused.status,
            refused.text()
        );
        let code = refused.json()["code"].clone();
        assert!(
            code == "bad-file-name" || code == "bad-multipart",
            "{shown}: {code}"
        );
    }
    assert!(
        server.job_folders().is_empty(),
        "{:?}",
        server.job_folders()
    );
    let everything = files_below(server.data.path());
    assert!(
        everything.keys().all(|k| !k.contains("evil")),
        "{:?}",
        everything.keys()
    );
    assert!(!Path::new("/evil.xlsx").exists());
}

/// Sends `head` and then `body` over a plain connection; returns the status
/// line and the rest of the answer.
fn raw(addr: &str, head: &str, body: &[u8]) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (and stop reading) before the body is sent.
    for chunk in body.chunks(16 * 1024) {
        if stream.write_all(chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (status, rest) = answer.split_once("\r\n").unwrap_or((&answer, ""));
    (status.to_string(), rest.to_string())
}

#[test]
fn an_upload_over_the_limit_is_refused_with_413() {
    let server = Server::start(&["--max-upload-mb", "1"]);
    // Declared too large: refused before a byte of the body is read.
    let head = format!(
        "POST /api/jobs HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    let (status, rest) = raw(&server.addr(), &head, b"");
    assert!(status.contains(" 413 "), "{status}");
    assert!(rest.contains("\"code\":\"upload-too-large\""), "{rest}");

    // Not declared (chunked): refused once the bytes read pass the limit.
    let (content_type, body) = multipart(&[file_part("big.csv", vec![b'x'; 1_200_000])]);
    let mut chunked = Vec::new();
    for chunk in body.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = format!(
        "POST /api/jobs HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    let (status, rest) = raw(&server.addr(), &head, &chunked);
    assert!(status.contains(" 413 "), "{status} {rest}");
    assert!(server.job_folders().is_empty());

    // Just under the limit is taken.
    let small = post_form(&server, &[file_part("small.csv", vec![b'x'; 900_000])], &[]);
    assert_eq!(small.status, 202, "{}", small.text());
}

/// A workbook of `learners` generated learners.
fn generated_workbook(learners: usize) -> Vec<u8> {
    let round = generated::round(learners);
    europass::export::canonical_workbook(&round, "lv").unwrap()
}

#[test]
fn a_job_deleted_while_running_is_gone_and_leaves_no_file() {
    let server = Server::start(&[]);
    let big = post_form(
        &server,
        &[
            file_part("round.xlsx", generated_workbook(300)),
            text_part("to", ALL_FORMATS),
        ],
        &[],
    );
    assert_eq!(big.status, 202, "{}", big.text());
    let id = big.json()["id"].as_str().unwrap().to_string();
    let url = server.url(&format!("/api/jobs/{id}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(&url).json()["status"] != "running" {
        assert!(Instant::now() < deadline, "the job never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(delete(&url).status, 204);
    assert_eq!(get(&url).status, 404);
    assert_eq!(delete(&url).status, 404);
    assert_eq!(get(&format!("{url}/outputs.zip")).status, 404);
    let deadline = Instant::now() + Duration::from_secs(120);
    while !server.job_folders().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the folder stayed: {:?}",
            server.job_folders()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The server goes on with the next job.
    let next = upload_demo(&server, "json");
    let id = next.json()["id"].as_str().unwrap().to_string();
    assert_eq!(wait_finished(&server, &id)["status"], "done");
    // And the deleted run left nothing behind when it ended.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.job_folders().len(), 1, "{:?}", server.job_folders());
}

#[test]
fn twenty_uploads_at_once_each_finish_or_get_503() {
    let server = Arc::new(Server::start(&["--queue", "4"]));
    let start = Arc::new(Barrier::new(20));
    let uploads: Vec<_> = (0..20)
        .map(|_| {
            let (server, start) = (server.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                upload_demo(&server, "json,xlsx,xml")
            })
        })
        .collect();
    let answers: Vec<Answer> = uploads.into_iter().map(|t| t.join().unwrap()).collect();
    let mut accepted = Vec::new();
    let mut busy = 0;
    for a in &answers {
        match a.status {
            202 => accepted.push(a.json()["id"].as_str().unwrap().to_string()),
            503 => {
                busy += 1;
                assert_eq!(a.json()["code"], "queue-full");
                assert!(a.header("retry-after").parse::<u32>().unwrap() > 0);
            }
            other => panic!("an upload got {other}: {}", a.text()),
        }
    }
    assert!(
        !accepted.is_empty() && busy > 0,
        "{} accepted, {busy} busy",
        accepted.len()
    );
    for id in &accepted {
        let job = wait_finished(&server, id);
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["report"]["summary"]["errors"], 0);
    }
    // With the queue empty again, an upload is taken.
    assert_eq!(upload_demo(&server, "json").status, 202);
}

#[test]
fn a_token_protected_server_refuses_requests_without_the_token() {
    let server = Server::start_with(&[], &[("EUROPASS_TOKEN", TOKEN)], |_| {});
    let job = server.url(&format!("/api/jobs/{}", "0".repeat(32)));
    let refused = get(&job);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["code"], "unauthorized");
    assert!(refused.header("www-authenticate").starts_with("Bearer"));
    assert_eq!(
        get_with(&job, &[("Authorization", "Bearer not-the-token-at-all")]).status,
        401
    );
    assert_eq!(
        get_with(&job, &[("Authorization", &format!("Bearer {TOKEN}"))]).status,
        404
    );

    let upload = upload_demo(&server, "json");
    assert_eq!(upload.status, 401, "{}", upload.text());
    assert!(server.job_folders().is_empty());
    let bearer = format!("Bearer {TOKEN}");
    let parts = [file_part("round.xlsx", demo_bytes())];
    assert_eq!(
        post_form(&server, &parts, &[("Authorization", &bearer)]).status,
        202
    );
}

#[test]
fn the_page_asks_for_the_token_once_and_keeps_a_cookie() {
    let server = Server::start_with(&[], &[("EUROPASS_TOKEN", TOKEN)], |_| {});
    let job = server.url(&format!("/api/jobs/{}", "0".repeat(32)));
    let page = get(&server.url("/"));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("action=\"/login\""), "{}", page.text());
    assert!(!page.text().contains("job-form"));
    let login = |token: &str| {
        answer(
            agent()
                .post(&server.url("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(format!("token={token}&lang=en").as_bytes()),
        )
    };
    assert_eq!(login("wrong-token-wrong-token").status, 401);
    let ok = login(TOKEN);
    assert_eq!(ok.status, 303);
    let cookie = ok.header("set-cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains(TOKEN));
    let pair = cookie.split(';').next().unwrap();
    let page = get_with(&server.url("/"), &[("Cookie", pair)]);
    assert!(page.text().contains("id=\"job-form\""));
    assert_eq!(get_with(&job, &[("Cookie", pair)]).status, 404);
    assert_eq!(
        get_with(&job, &[("Cookie", "europass_session=forged")]).status,
        401
    );
    // What holds no data is open: the script and the API's description.
    assert_eq!(get(&server.url("/assets/app.js")).status, 200);
    assert_eq!(get(&server.url("/api/openapi.json")).status, 200);
}

#[test]
fn a_server_on_a_network_address_without_a_token_refuses_to_start() {
    let output = Command::new(europass())
        .args(["serve", "--bind", "0.0.0.0:0"])
        .env_remove("EUROPASS_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("without an access token") && said.contains("--token-file"),
        "{said}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn every_answer_carries_the_security_headers_and_the_page_has_no_inline_script() {
    let server = Server::start(&[]);
    let page = get(&server.url("/"));
    let policy = page.header("content-security-policy");
    assert!(
        policy.contains("default-src 'none'") && policy.contains("script-src 'self'"),
        "{policy}"
    );
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("http"),
        "{policy}"
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(page.header("cache-control"), "no-store");
    let html = page.text();
    for script in html.split("<script").skip(1) {
        assert!(
            script.trim_start().starts_with("src=\"/assets/"),
            "inline script: {script}"
        );
    }
    assert!(
        !html.contains(" style=") && !html.contains("<style"),
        "inline style"
    );
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"));

    let missing = get(&server.url(&format!("/api/jobs/{}", "a".repeat(32))));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["code"], "not-found");
    assert!(missing.json()["message"].is_string());
    assert!(
        missing
            .header("content-security-policy")
            .contains("sandbox")
    );
    assert_eq!(missing.header("cache-control"), "no-store");
    assert_eq!(get(&server.url("/api/jobs/not-an-id")).status, 404);
    assert_eq!(
        get(&server.url("/api/jobs/not-an-id/files/../../etc/passwd")).status,
        404
    );
    let wrong = answer(agent().put(&server.url("/api/jobs")).send(&b""[..]));
    assert_eq!(
        (wrong.status, wrong.json()["code"].as_str()),
        (405, Some("method-not-allowed"))
    );
}

#[test]
fn other_sites_cannot_post_and_other_host_names_get_no_answer() {
    let server = Server::start(&[]);
    let (content_type, body) = multipart(&[file_part("round.xlsx", demo_bytes())]);
    let cross = answer(
        agent()
            .post(&server.url("/api/jobs"))
            .header("Content-Type", &content_type)
            .header("Origin", "http://evil.example")
            .send(&body[..]),
    );
    assert_eq!(
        (cross.status, cross.json()["code"].as_str()),
        (403, Some("cross-site"))
    );
    // A name rebound to 127.0.0.1 by another site's DNS.
    let rebound = get_with(&server.url("/"), &[("Host", "evil.example")]);
    assert_eq!(rebound.status, 421);
    assert!(server.job_folders().is_empty());
}

#[test]
fn finished_jobs_are_deleted_after_the_keeping_time() {
    let server = Server::start(&["--keep-minutes", "0.02"]);
    let id = upload_demo(&server, "json").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    wait_finished(&server, &id);
    let deadline = Instant::now() + Duration::from_secs(20);
    // Forgotten first, then its folder removed.
    while get(&server.url(&format!("/api/jobs/{id}"))).status != 404
        || !server.job_folders().is_empty()
    {
        assert!(Instant::now() < deadline, "the job was kept");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn stopping_the_server_deletes_every_job_and_a_restart_removes_what_was_left() {
    let stale = format!("job-{}", "b".repeat(32));
    let mut server = Server::start_with(&[], &[], |data| {
        std::fs::create_dir_all(data.join(&stale).join("inputs")).unwrap();
        std::fs::write(data.join(&stale).join("inputs/round.xlsx"), "x").unwrap();
        std::fs::write(data.join("notes.txt"), "not a job").unwrap();
    });
    assert!(
        !server.data_dir().join(&stale).exists(),
        "an earlier server's job folder stayed"
    );
    assert!(server.data_dir().join("notes.txt").exists());
    let done = upload_demo(&server, "json").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    wait_finished(&server, &done);
    let queued = upload_demo(&server, "json");
    assert_eq!(queued.status, 202);
    assert_eq!(server.job_folders().len(), 3);
    let status = server.stop();
    assert!(status.success(), "{status}");
    let left: Vec<_> = server
        .job_folders()
        .into_iter()
        .filter(|p| !p.ends_with("notes.txt"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_typed_school_is_kept_beside_the_inputs_as_a_profile_and_is_no_input() {
    let server = Server::start(&[]);
    let typed = post_form(
        &server,
        &[
            file_part("round.xlsx", demo_bytes()),
            text_part("school_name", "Rīgas \"Tehnikums\""),
            text_part("school_country", "lv"),
        ],
        &[],
    );
    assert_eq!(typed.status, 202, "{}", typed.text());
    let id = typed.json()["id"].as_str().unwrap().to_string();
    let job = wait_finished(&server, &id);
    let inputs: Vec<&str> = job["report"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, ["round.xlsx"]);
    let folder = server.data_dir().join(format!("job-{id}/inputs"));
    let profile: toml::Table =
        toml::from_str(&std::fs::read_to_string(folder.join("europass.toml")).unwrap()).unwrap();
    assert_eq!(
        profile["school"]["name"].as_str(),
        Some("Rīgas \"Tehnikums\"")
    );
    assert_eq!(profile["school"]["country"].as_str(), Some("LV"));
}

/// The profile a job keeps beside its inputs.
fn stored_profile(server: &Server, id: &str) -> String {
    let path = server
        .data_dir()
        .join(format!("job-{id}/inputs/europass.toml"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn an_uploaded_profile_is_kept_beside_the_inputs_as_sent() {
    let server = Server::start(&[]);
    let text = "[school]\nname = \"Vidzemes Tehnikums\"\ncountry = \"LV\"\n";
    let uploaded = post_form(
        &server,
        &[
            file_part("round.xlsx", demo_bytes()),
            Part {
                name: "profile",
                file_name: Some(b"europass.toml"),
                bytes: text.into(),
            },
        ],
        &[],
    );
    let id = uploaded.json()["id"].as_str().unwrap().to_string();
    wait_finished(&server, &id);
    assert_eq!(stored_profile(&server, &id), text);
}

#[test]
fn the_servers_profile_goes_to_the_jobs_that_bring_none() {
    let given = tempfile::tempdir().unwrap();
    let file = given.path().join("europass.toml");
    let text = "[school]\nname = \"Agency default\"\n";
    std::fs::write(&file, text).unwrap();
    let server = Server::start(&["--profile", file.to_str().unwrap()]);
    let id = upload_demo(&server, "json").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    wait_finished(&server, &id);
    assert_eq!(stored_profile(&server, &id), text);
    let typed = post_form(
        &server,
        &[
            file_part("round.xlsx", demo_bytes()),
            text_part("school_name", "Own school"),
            text_part("school_country", "EE"),
        ],
        &[],
    );
    let id = typed.json()["id"].as_str().unwrap().to_string();
    wait_finished(&server, &id);
    assert!(stored_profile(&server, &id).contains("Own school"));
}

#[test]
fn a_bad_form_gets_a_json_error_naming_what_is_wrong() {
    let server = Server::start(&[]);
    let cases: Vec<(Vec<Part>, &str)> = vec![
        (vec![text_part("to", "json")], "no-files"),
        (
            vec![
                file_part("round.xlsx", demo_bytes()),
                text_part("to", "json,html"),
            ],
            "unknown-format",
        ),
        (
            vec![
                file_part("round.xlsx", demo_bytes()),
                text_part("lang", "latvian"),
            ],
            "bad-language",
        ),
        (
            vec![
                file_part("round.xlsx", demo_bytes()),
                text_part("colour", "red"),
            ],
            "unknown-field",
        ),
        (
            vec![
                file_part("round.xlsx", demo_bytes()),
                file_part("round.xlsx", demo_bytes()),
            ],
            "duplicate-file",
        ),
        (
            vec![file_part("europass.toml", b"a = 1".to_vec())],
            "reserved-name",
        ),
        (
            vec![
                file_part("round.xlsx", demo_bytes()),
                text_part("profile", "[school"),
            ],
            "bad-profile",
        ),
    ];
    for (parts, code) in cases {
        let answer = post_form(&server, &parts, &[]);
        assert_eq!(
            (answer.status, answer.json()["code"].as_str()),
            (400, Some(code)),
            "{}",
            answer.text()
        );
    }
    let not_multipart = answer(
        agent()
            .post(&server.url("/api/jobs"))
            .header("Content-Type", "application/json")
            .send(&b"{}"[..]),
    );
    assert_eq!(
        (not_multipart.status, not_multipart.json()["code"].as_str()),
        (400, Some("bad-multipart"))
    );
    assert!(server.job_folders().is_empty());
}

#[test]
fn the_page_speaks_the_browsers_language_and_switches_on_request() {
    let server = Server::start(&[]);
    let latvian = get_with(
        &server.url("/"),
        &[("Accept-Language", "lv-LV,lv;q=0.9,en;q=0.5")],
    );
    assert!(latvian.text().contains("<html lang=\"lv\">"));
    assert!(latvian.text().contains("Konvertēt"));
    let english = get_with(&server.url("/?lang=en"), &[("Accept-Language", "lv")]);
    assert!(english.text().contains("<html lang=\"en\">"));
    assert!(english.text().contains("Convert"));
    let labels = get(&server.url("/assets/labels/lv")).json();
    assert_eq!(labels["upload.run"], "Konvertēt");
    assert_eq!(get(&server.url("/assets/labels/xx")).status, 404);
}

#[test]
fn the_openapi_document_describes_the_api() {
    let server = Server::start(&[]);
    let doc = get(&server.url("/api/openapi.json")).json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/jobs",
        "/api/jobs/{id}",
        "/api/jobs/{id}/events",
        "/api/jobs/{id}/outputs.zip",
        "/api/jobs/{id}/feedback.xlsx",
        "/api/jobs/{id}/files/{path}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    let upload = &doc["paths"]["/api/jobs"]["post"];
    assert!(upload["requestBody"]["content"]["multipart/form-data"].is_object());
    for status in ["202", "400", "413", "503"] {
        assert!(upload["responses"][status].is_object(), "{status}");
    }
}

/// Fails, saying how to install them, when the browser test's tools are missing.
fn browser_tools() -> PathBuf {
    let install = "run scripts/test, which installs them (Debian's chromium and chromium-driver, and tests/browser's node packages into target/serve-tools/node)";
    let chromium =
        std::env::var("EUROPASS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: {install}"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "node is missing: {install}"
    );
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-tools/node");
    assert!(
        tools
            .join("node_modules/playwright-core/package.json")
            .exists(),
        "playwright-core is missing from {}: {install}",
        tools.display()
    );
    tools
}

/// A workbook whose learners are named like HTML.
fn hostile_workbook() -> Vec<u8> {
    let mut round = generated::round(3);
    round.learners[0].given_names = "<img src=x onerror=alert(1)>".into();
    round.learners[1].family_name = "<script>alert(2)</script>".into();
    europass::export::canonical_workbook(&round, "lv").unwrap()
}

#[test]
fn the_page_converts_the_demo_round_in_a_real_browser_and_shows_names_as_text() {
    let tools = browser_tools();
    let server = Server::start(&[]);
    let work = tempfile::tempdir().unwrap();
    let hostile = work.path().join("hostile.xlsx");
    std::fs::write(&hostile, hostile_workbook()).unwrap();
    let zip = work.path().join("outputs.zip");
    let run = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/e2e.mjs"))
        .env("EUROPASS_URL", &server.base)
        .env("EUROPASS_TOOLS", &tools)
        .env("EUROPASS_DEMO_DIR", fixtures().join("demo"))
        .env("EUROPASS_HOSTILE", &hostile)
        .env("EUROPASS_DOWNLOAD", &zip)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "{said}\nserver log:\n{}",
        server.log()
    );
    assert!(said.contains("browser test passed"), "{said}");

    // The zip the browser saved is the CLI's output folder, byte for byte.
    let cli = tempfile::tempdir().unwrap();
    cli_convert(&fixtures(), &["demo"], &cli.path().join("out"), ALL_FORMATS);
    let expected = files_below(&cli.path().join("out"));
    let zipped = unzip(&std::fs::read(&zip).unwrap());
    assert_eq!(
        zipped.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(expected.iter().all(|(name, bytes)| zipped[name] == *bytes));
}

#[test]
fn schemathesis_finds_no_server_error_in_500_requests() {
    let schemathesis =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-tools/venv/bin/schemathesis");
    assert!(
        schemathesis.exists(),
        "{} is missing: run scripts/test, which installs the pinned schemathesis",
        schemathesis.display()
    );
    let server = Server::start(&["--queue", "10000"]);
    let work = tempfile::tempdir().unwrap();
    let har = work.path().join("requests.har");
    // Every check but the two that judge which data the API should take:
    // the schema cannot say that a profile must be TOML, or that a profile
    // file and a typed school name exclude each other.
    let run = Command::new(&schemathesis)
        .current_dir(work.path())
        .args(["run", &server.url("/api/openapi.json"), "--checks", "all"])
        .args([
            "--exclude-checks",
            "positive_data_acceptance,negative_data_rejection",
        ])
        .args([
            "--max-examples",
            "50",
            "--seed",
            "1",
            "--generation-database",
            "none",
            "--no-color",
        ])
        .args(["--report", "har", "--report-har-path"])
        .arg(&har)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let requests: Value = serde_json::from_slice(&std::fs::read(&har).unwrap()).unwrap();
    let entries = requests["log"]["entries"].as_array().unwrap();
    let statuses: Vec<u64> = entries
        .iter()
        .map(|e| e["response"]["status"].as_u64().unwrap())
        .collect();
    println!("schemathesis sent {} requests", statuses.len());
    assert!(statuses.len() >= 500, "only {} requests", statuses.len());
    assert!(
        statuses.iter().all(|s| *s < 500),
        "a server error: {statuses:?}"
    );
    assert!(statuses.contains(&202), "no job was ever created");
}

#[test]
fn the_limits_of_the_command_line_hold_for_jobs() {
    let server = Server::start(&["--limit", "cells=100"]);
    let id = upload_demo(&server, "json").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job = wait_finished(&server, &id);
    let codes: Vec<&str> = job["report"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"limit-exceeded"), "{codes:?}");

    let cli = tempfile::tempdir().unwrap();
    let out = cli.path().join("out");
    let status = Command::new(europass())
        .current_dir(fixtures())
        .args([
            "convert",
            "demo",
            "--to",
            "json",
            "--limit",
            "cells=100",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(2), "an unreadable input");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(job["report"], report);
}

#[test]
fn stopping_the_server_while_a_job_runs_leaves_no_file() {
    let mut server = Server::start(&[]);
    let parts = [
        file_part("round.xlsx", generated_workbook(300)),
        text_part("to", ALL_FORMATS),
    ];
    let id = post_form(&server, &parts, &[]).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = server.url(&format!("/api/jobs/{id}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    // Until some outputs are on disk.
    while get(&url).json()["progress"]["number"].as_u64().unwrap_or(0) < 3 {
        assert!(Instant::now() < deadline, "the job never got to writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.stop().success());
    assert!(
        server.job_folders().is_empty(),
        "{:?}",
        server.job_folders()
    );
}

/// A flat sheet of the school's own: no column names the sending school.
fn flat_sheet_bytes() -> Vec<u8> {
    let rows: [&[&str]; 2] = [
        &[
            "Audzēkņa ID",
            "Vārds",
            "Uzvārds",
            "Uzņemošā organizācija",
            "Uzņemošā valsts",
            "Sākuma datums",
            "Beigu datums",
        ],
        &[
            "A-1",
            "Anna",
            "Ozola",
            "Muster GmbH",
            "DE",
            "03.03.2025",
            "28.03.2025",
        ],
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn the_typed_school_is_the_sending_organisation_of_the_jobs_outputs() {
    let server = Server::start(&[]);
    let typed = post_form(
        &server,
        &[
            file_part("saraksts.xlsx", flat_sheet_bytes()),
            text_part("school_name", "Own school"),
            text_part("school_country", "LV"),
            text_part("to", "json"),
        ],
        &[],
    );
    assert_eq!(typed.status, 202, "{}", typed.text());
    let id = typed.json()["id"].as_str().unwrap().to_string();
    let job = wait_finished(&server, &id);
    assert_eq!(job["report"]["profile"], "europass.toml", "{job}");
    let round = get(&server.url(&format!("/api/jobs/{id}/files/round.json")));
    assert_eq!(round.status, 200, "{}", round.text());
    let round = round.json();
    let school = round["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"].to_string().contains("Own school"))
        .unwrap_or_else(|| panic!("no school in {round:#}"));
    assert_eq!(school["country"], "LV");
    assert_eq!(round["mobilities"][0]["sending"], school["id"], "{round:#}");
}
