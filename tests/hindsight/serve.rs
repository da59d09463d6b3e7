//! `hindsight serve`: the binary on a free port, spoken to over plain TCP.
//! Pages carry the reload script, edits are rebuilt and announced, a build
//! with errors shows them over the last good pages, no path leaves the
//! output, and a signal stops the server and removes its folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scraper::Html;
use serde_json::Value;

use crate::support::{TestSite, script_call, sel, texts};

const REPORT: &str = "content/2023/2023-01-17-icreate-deploy.md";
const PAGE: &str = "/postmortems/2023-01-17-icreate-deploy/";
const DRAFT: &str = "/postmortems/2023-06-01-draft-report/";
/// Far more than any step takes, even on a slow, busy machine.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `hindsight serve` on a copy of the basic fixture, its
/// temporary folders under the site's `tmp/`.
struct Server {
    site: TestSite,
    child: Child,
    port: u16,
    /// Where it builds the site.
    folder: PathBuf,
    stderr: Arc<Mutex<String>>,
    _stdout: Receiver<String>,
    /// What it printed before its `serving` line.
    before: Vec<String>,
}

impl Server {
    fn start() -> Server {
        Server::start_with(|_, _| {})
    }

    /// Starts the server once `setup` has changed the site or added
    /// options and environment.
    fn start_with(setup: impl FnOnce(&TestSite, &mut Command)) -> Server {
        let site = TestSite::fixture("basic");
        let tmp = site.root().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .env("TMPDIR", &tmp);
        setup(&site, &mut command);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run hindsight serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                collected
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let stdout = lines(child.stdout.take().unwrap());
        let mut before = Vec::new();
        let serving = loop {
            match stdout.recv_timeout(PATIENCE) {
                Ok(line) if line.starts_with("serving ") => break line,
                Ok(line) => before.push(line),
                Err(_) => panic!("no `serving` line; stderr:\n{}", stderr.lock().unwrap()),
            }
        };
        // serving http://127.0.0.1:PORT/ from FOLDER (Ctrl-C to stop)
        let rest = serving
            .strip_prefix("serving http://127.0.0.1:")
            .unwrap_or_else(|| panic!("{serving}"));
        let (port, rest) = rest.split_once("/ from ").unwrap();
        let (folder, _) = rest.rsplit_once(" (").unwrap();
        Server {
            port: port.parse().unwrap(),
            folder: PathBuf::from(folder),
            site,
            child,
            stderr,
            _stdout: stdout,
            before,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream
    }

    /// Sends `request` as it is and reads the response to the end.
    fn send(&self, request: &str) -> Reply {
        send_to(self.port, request)
    }

    /// The `Host` a browser sends for the preview.
    fn host(&self) -> String {
        format!("localhost:{}", self.port)
    }

    fn request(&self, method: &str, path: &str) -> Reply {
        self.send(&format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host()
        ))
    }

    /// Sends `request` as it is and reads the response's head only (an
    /// event stream's body never ends).
    fn head_of(&self, request: &str) -> Reply {
        let mut stream = self.connect();
        stream.write_all(request.as_bytes()).unwrap();
        Reply::parse(&read_head(&mut stream))
    }

    /// The number of threads of the server's process.
    fn threads(&self) -> usize {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("Threads: in /proc/PID/status")
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path)
    }

    fn status(&self) -> Value {
        let reply = self.get("/__hindsight/status");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        serde_json::from_str(&reply.body).expect("status is JSON")
    }

    /// The path of the search text chunk that holds the report `slug`,
    /// from `search/docs.js`.
    fn search_chunk_of(&self, slug: &str) -> String {
        let (_, _, docs): (String, Value, Value) =
            script_call(&self.get("/search/docs.js").body, "docs.js");
        let at = docs["docs"]
            .as_array()
            .unwrap()
            .iter()
            .position(|d| d[0] == slug)
            .expect("the report is in docs.js");
        let per_chunk = docs["chunk_docs"].as_u64().unwrap() as usize;
        format!("/search/t/{}.js", at / per_chunk)
    }

    /// Polls `check` until it gives a value.
    fn eventually<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = check() {
                return value;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "timed out waiting for {what}; stderr:\n{}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the build after `build` and returns its status.
    fn build_after(&self, build: u64) -> Value {
        self.eventually("a rebuild", || {
            let status = self.status();
            (status["build"].as_u64().unwrap() > build).then_some(status)
        })
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name}");
    }

    /// Waits for the process to end and returns its exit code.
    fn exit_code(&mut self) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "still running 5 s after the signal"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` to 127.0.0.1:`port` as it is and reads the response to
/// the end.
fn send_to(port: u16, request: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the response");
    Reply::parse(&bytes)
}

/// Reads a response's head, up to and with the blank line that ends it.
fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}

/// Lines of the server's output, read on a thread so it never blocks.
fn lines(stdout: ChildStdout) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {status_line:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn html(&self) -> Html {
        assert_eq!(
            self.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        Html::parse_document(&self.body)
    }
}

/// An open event stream.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream; once this returns, the server has taken the
    /// request, so later changes are sent on it.
    fn open(server: &Server) -> Events {
        let mut stream = server.connect();
        let request = format!(
            "GET /__hindsight/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.host()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push(line.trim().to_string());
        }
        assert_eq!(head.first().map(String::as_str), Some("HTTP/1.1 200 OK"));
        assert!(
            head.iter().any(|h| h == "Content-Type: text/event-stream"),
            "{head:?}"
        );
        let mut events = Events { reader };
        // The server says how soon to reconnect before anything else.
        assert_eq!(events.next(), (None, String::new()));
        events
    }

    /// The next event's name and data (comments skipped).
    fn next(&mut self) -> (Option<String>, String) {
        let (mut name, mut data, mut fields) = (None, String::new(), 0);
        loop {
            let mut line = String::new();
            let read = self.reader.read_line(&mut line).expect("read an event");
            assert!(read > 0, "the event stream closed");
            let line = line.trim_end_matches('\n');
            if line.is_empty() {
                if fields > 0 {
                    return (name, data);
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            fields += 1;
            if let Some(value) = line.strip_prefix("event: ") {
                name = Some(value.to_string());
            } else if let Some(value) = line.strip_prefix("data: ") {
                data.push_str(value);
            }
        }
    }

    /// Skips events until one named `name`, and returns its data.
    fn until(&mut self, name: &str) -> String {
        loop {
            if let (Some(n), data) = self.next()
                && n == name
            {
                return data;
            }
        }
    }
}

fn h1(doc: &Html) -> Vec<String> {
    texts(doc, "main h1")
}

/// Saves a change to a file of the site in one step, as many editors do:
/// a hidden file renamed over it, so that no build reads it half-written.
fn save(site: &TestSite, rel: &str, change: impl FnOnce(&str) -> String) {
    let path = site.root().join(rel);
    let name = path.file_name().unwrap().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&temporary, change(&site.read(rel))).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
}

fn break_severity(site: &TestSite) {
    save(site, REPORT, |t| {
        t.replace("severity: SEV1", "severity: SEV9")
    });
}

fn fix_severity(site: &TestSite) {
    save(site, REPORT, |t| {
        t.replace("severity: SEV9", "severity: SEV1")
    });
}

/// The overlay's items as `file:line:column message`.
fn overlay_items(doc: &Html) -> Vec<String> {
    doc.select(&sel("#hindsight-overlay li"))
        .map(|li| {
            let part = |css: &str| {
                li.select(&sel(css))
                    .map(|e| e.text().collect::<String>())
                    .collect::<String>()
            };
            format!("{} {}", part(".hindsight-file"), part(".hindsight-message"))
        })
        .collect()
}

#[test]
fn pages_are_served_with_the_reload_script_added() {
    let server = Server::start();
    let home = server.get("/");
    assert_eq!(home.status, 200);
    let doc = home.html();
    assert_eq!(doc.select(&sel("body > script#hindsight-live")).count(), 1);
    assert_eq!(doc.select(&sel("#hindsight-overlay")).count(), 0);
    let on_disk = std::fs::read_to_string(server.folder.join("site/index.html")).unwrap();
    let disk_doc = Html::parse_document(&on_disk);
    assert_eq!(disk_doc.select(&sel("#hindsight-live")).count(), 0);
    assert!(home.body.len() > on_disk.len());

    let head = server.request("HEAD", "/");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string().as_str())
    );

    let report = server.get(PAGE).html();
    assert_eq!(h1(&report), ["Code deployment error takes iCreate down"]);
    let same = server.get(&format!("{PAGE}index.html"));
    assert_eq!(same.status, 200);

    let folder = server.get("/postmortems?x=1");
    assert_eq!(folder.status, 302);
    assert_eq!(folder.header("location"), Some("/postmortems/?x=1"));

    for (path, kind) in [
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/hindsight.js", "text/javascript; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml"),
        ("/static/card.png", "image/png"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/stats.json", "application/json"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(kind), "{path}");
    }

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let doc = missing.html();
    assert_eq!(h1(&doc), ["Page not found"]);
    assert_eq!(doc.select(&sel("#hindsight-live")).count(), 1);

    // Drafts stay out, as in `build`.
    assert_eq!(server.get(DRAFT).status, 404);

    let post = server.request("POST", "/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));

    let status = server.status();
    assert_eq!(status["ok"], true);
    assert_eq!(status["build"], 1);
    assert_eq!(status["diagnostics"], serde_json::json!([]));
}

#[test]
fn an_edit_shows_in_the_served_page_within_a_second() {
    let server = Server::start();
    let first = server.status()["build"].as_u64().unwrap();
    let saved = Instant::now();
    save(&server.site, REPORT, |t| {
        t.replace(
            "title: \"Code deployment error takes iCreate down\"",
            "title: \"A deploy takes iCreate down\"",
        )
    });
    server.eventually("the new title", || {
        (h1(&server.get(PAGE).html()) == ["A deploy takes iCreate down"]).then_some(())
    });
    let took = saved.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "the edit took {took:?} to show"
    );
    // The pages are in place before the build is over and counted.
    assert_eq!(server.build_after(first)["ok"], true);
}

#[test]
fn errors_show_in_the_status_and_over_pages_until_fixed() {
    let server = Server::start();
    let mut events = Events::open(&server);
    break_severity(&server.site);

    let status = server.eventually("the error in the status", || {
        let status = server.status();
        (status["ok"] == false).then_some(status)
    });
    // The report's error, and the link to it that its error breaks.
    let diagnostics = status["diagnostics"].as_array().unwrap();
    let places: Vec<_> = diagnostics
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        places,
        [(REPORT, 7), ("content/2023/2023-05-02-search-slow.md", 14)]
    );
    let d = &diagnostics[0];
    assert_eq!(d["column"], 11);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "unknown-severity");
    assert_eq!(d["message"], "unknown severity \"SEV9\"");
    let expected = [
        format!("{REPORT}:7:11 unknown severity \"SEV9\""),
        format!(
            "content/2023/2023-05-02-search-slow.md:14:54 {}",
            diagnostics[1]["message"].as_str().unwrap()
        ),
    ];

    // Served pages keep the last good build, under the overlay.
    let page = server.get(PAGE).html();
    assert_eq!(h1(&page), ["Code deployment error takes iCreate down"]);
    assert_eq!(overlay_items(&page), expected);
    assert_eq!(
        overlay_items(&server.get("/no/such/page/").html()),
        expected
    );
    // Open pages get it on their event stream.
    let pushed = Html::parse_fragment(&events.until("errors"));
    assert_eq!(overlay_items(&pushed), expected);

    let build = status["build"].as_u64().unwrap();
    fix_severity(&server.site);
    events.until("reload");
    let status = server.eventually("the fixed status", || {
        let status = server.status();
        (status["ok"] == true).then_some(status)
    });
    assert!(status["build"].as_u64().unwrap() > build);
    assert_eq!(status["diagnostics"], serde_json::json!([]));
    let page = server.get(PAGE).html();
    assert_eq!(page.select(&sel("#hindsight-overlay")).count(), 0);
}

#[test]
fn the_event_stream_says_reload_after_a_change() {
    let server = Server::start();
    let mut events = Events::open(&server);
    // Tabs hold their streams open; other requests are still answered.
    let others: Vec<Events> = (0..8).map(|_| Events::open(&server)).collect();
    assert_eq!(server.get("/").status, 200);
    let build = server.status()["build"].as_u64().unwrap();
    save(&server.site, REPORT, |t| {
        t.replace("All requests failed.", "Every request failed.")
    });
    events.until("reload");
    let status = server.build_after(build);
    assert_eq!(status["ok"], true);
    assert!(server.get(PAGE).body.contains("Every request failed."));
    drop(others);
}

#[test]
fn a_burst_of_writes_gives_one_rebuild() {
    let server = Server::start();
    let original = server.site.read(REPORT);
    // Written in place, several times, as some editors and tools do.
    for n in 1..=5 {
        let text = original.replace("All requests failed.", &format!("Failed {n} times."));
        server.site.write(REPORT, &text);
    }
    let status = server.build_after(1);
    assert_eq!((&status["ok"], &status["build"]), (&true.into(), &2.into()));
    assert!(server.get(PAGE).body.contains("Failed 5 times."));
    std::thread::sleep(Duration::from_millis(300));
    // One rebuild for the burst; the only other build may be the catch-up
    // that follows a quick rebuild.
    let later = server.status();
    let catch_up = status["quick"] == true && later["build"] == 3 && later["quick"] == false;
    assert!(
        later["build"] == 2 || catch_up,
        "more than one rebuild: {later}"
    );
}

#[test]
fn paths_that_leave_the_output_are_refused() {
    let server = Server::start();
    let secret = "the-secret-is-not-served";
    server.site.write("secret.txt", secret);
    let absolute = server.site.root().join("secret.txt");
    let absolute = absolute.to_str().unwrap();
    let depth = "../".repeat(8);
    let paths = [
        format!("/{depth}secret.txt"),
        format!("/{}secret.txt", "%2e%2e/".repeat(8)),
        format!("/{}secret.txt", "%2E%2E%2F".repeat(8)),
        format!("/static/{}secret.txt", "..%2f".repeat(8)),
        format!("/{}secret.txt", "..%5c".repeat(8)),
        format!("/{}secret.txt", "..\\".repeat(8)),
        format!("/{}secret.txt", "%c0%ae%c0%ae/".repeat(8)),
        format!("/{absolute}"),
        format!("//{}", absolute.trim_start_matches('/')),
        format!("/%2f{}", absolute.trim_start_matches('/')),
        format!("{depth}secret.txt"),
        format!("http://localhost/{depth}secret.txt"),
        "/index.html%00.txt".to_string(),
        "/%zz".to_string(),
    ];
    for path in &paths {
        let reply = server.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.host()
        ));
        assert!(
            reply.status == 400 || reply.status == 404,
            "{path}: {}",
            reply.status
        );
        assert!(!reply.body.contains(secret), "{path} served the secret");
    }
    // And the server still serves what it should.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn sigint_stops_promptly_and_removes_the_folder() {
    let mut server = Server::start();
    let mut events = Events::open(&server);
    let mut idle = server.connect();
    assert!(server.folder.is_dir());
    server.signal("INT");
    assert_eq!(server.exit_code(), Some(0));
    assert!(!server.folder.exists(), "the temporary folder is left");
    let left: Vec<_> = std::fs::read_dir(server.site.root().join("tmp"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "left in the temporary folder: {left:?}");
    // Open connections were closed.
    let mut rest = String::new();
    assert_eq!(events.reader.read_to_string(&mut rest).unwrap_or(0), 0);
    assert_eq!(idle.read(&mut [0; 16]).unwrap_or(0), 0);
}

#[test]
fn sigterm_stops_cleanly_too() {
    let mut server = Server::start();
    server.signal("TERM");
    assert_eq!(server.exit_code(), Some(0));
    assert!(!server.folder.exists(), "the temporary folder is left");
}

#[test]
fn drafts_on_request_and_a_browser_that_will_not_open_is_only_a_warning() {
    let nothing = tempfile::tempdir().unwrap();
    let server = Server::start_with(|_, command| {
        command
            .args(["--drafts", "--open"])
            .env("PATH", nothing.path());
    });
    assert_eq!(server.get(DRAFT).status, 200);
    server.eventually("the warning", || {
        let stderr = server.stderr.lock().unwrap();
        stderr
            .contains("warning: could not open a browser")
            .then_some(())
    });
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_until_fixed() {
    let server = Server::start_with(|site, _| break_severity(site));
    let status = server.status();
    assert_eq!(
        (&status["ok"], &status["build"]),
        (&false.into(), &1.into())
    );
    // Nothing is built yet: every page is a 404 that lists the problems.
    let home = server.get("/");
    assert_eq!(home.status, 404);
    let items = overlay_items(&home.html());
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(
        items[0].starts_with(&format!("{REPORT}:7:11 ")),
        "{items:?}"
    );

    fix_severity(&server.site);
    server.build_after(1);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.html().select(&sel("#hindsight-overlay")).count(), 0);
}

/// Runs `serve` on `port`, expecting it to refuse to start with exit 2;
/// returns its output and its stderr.
fn refused(site: &TestSite, port: &str) -> (std::process::Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["serve", "--port", port, "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    (output, stderr)
}

#[test]
fn a_broken_configuration_at_the_start_is_a_usage_error() {
    let site = TestSite::fixture("basic");
    site.edit("hindsight.toml", |t| format!("titel = \"typo\"\n{t}"));
    let (output, stderr) = refused(&site, "0");
    assert!(
        stderr.starts_with("error: hindsight.toml:1:1: "),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "it served: {:?}", output.stdout);
}

#[test]
fn a_taken_port_is_a_usage_error_that_names_it() {
    let site = TestSite::fixture("basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (_, stderr) = refused(&site, &port);
    assert!(
        stderr.contains(&format!("port {port} is already in use")) && stderr.contains("--port"),
        "{stderr}"
    );
}

#[test]
fn a_saved_report_is_rebuilt_quickly_and_the_archive_catches_up() {
    let server = Server::start();
    let first = server.status()["build"].as_u64().unwrap();
    save(&server.site, REPORT, |t| {
        t.replace(
            "## Timeline",
            "A sentence written in the preview.\n\n## Timeline",
        )
    });
    let status = server.build_after(first);
    assert_eq!(status["ok"], true);
    assert_eq!(status["quick"], true, "one report's text changed: {status}");
    let page = server.get(PAGE).html();
    assert!(texts(&page, ".prose p").contains(&"A sentence written in the preview.".to_string()));

    // Once the sources are quiet, a full build brings the rest of the
    // archive along: the search index quotes the new sentence.
    let quick = status["build"].as_u64().unwrap();
    let status = server.build_after(quick);
    assert_eq!(status["quick"], false);
    let chunk = server.search_chunk_of("2023-01-17-icreate-deploy");
    server.eventually("the search index", || {
        let chunk = server.get(&chunk).body;
        chunk
            .contains("A sentence written in the preview.")
            .then_some(())
    });

    // A new date moves the report: a full build at once.
    let before = status["build"].as_u64().unwrap();
    save(&server.site, REPORT, |t| {
        t.replace("date: 2023-01-17", "date: 2023-01-16")
    });
    let status = server.build_after(before);
    assert_eq!(status["quick"], false);
}

#[test]
fn only_requests_for_the_preview_s_own_address_are_answered() {
    // With drafts, which a page of another site must not read.
    let server = Server::start_with(|_, command| {
        command.arg("--drafts");
    });
    let port = server.port;
    let ours = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("LocalHost:{port}"),
    ];
    // Names a page can point at 127.0.0.1, and near misses of ours.
    let foreign = [
        format!("attacker.example:{port}"),
        "attacker.example".to_string(),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
        format!("localhost:{}", port.checked_add(1).unwrap_or(1)),
        format!("127.0.0.1:{port}.attacker.example"),
        format!("127.0.0.2:{port}"),
        format!("localhost.:{port}"),
        format!("user@localhost:{port}"),
        String::new(),
    ];
    for path in ["/", "/__hindsight/status", "/__hindsight/events", DRAFT] {
        for host in &ours {
            let reply = server.head_of(&format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            ));
            assert_eq!(reply.status, 200, "{path} for {host}");
        }
        for host in &foreign {
            for method in ["GET", "HEAD", "POST"] {
                // No `Connection: close`: the server closes after a 421.
                let reply =
                    server.send(&format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"));
                assert_eq!(reply.status, 421, "{method} {path} for {host:?}");
                assert_eq!(
                    reply.header("content-type"),
                    Some("text/plain; charset=utf-8")
                );
                assert_eq!(reply.header("connection"), Some("close"));
            }
        }
        // HTTP/1.1 requires one Host: none, or two, is a 400. An HTTP/1.0
        // request without one does not name the preview.
        let none = server.send(&format!("GET {path} HTTP/1.1\r\n\r\n"));
        assert_eq!(none.status, 400, "{path} without Host");
        let two = server.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nHost: attacker.example\r\n\r\n",
            ours[0]
        ));
        assert_eq!(two.status, 400, "{path} with two");
        let old = server.send(&format!("GET {path} HTTP/1.0\r\n\r\n"));
        assert_eq!(old.status, 421, "{path} in HTTP/1.0 without Host");
    }
}

/// A response head's headers, lowercase names, once it is checked that
/// every line of it is the status line or one `Name: value` header with no
/// control character: nothing a request held added a line or a header.
fn checked_headers(bytes: &[u8]) -> Vec<(String, String)> {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole head");
    let head = std::str::from_utf8(&bytes[..end]).expect("the head is UTF-8");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap();
    let mut headers = Vec::new();
    for line in std::iter::once(status).chain(lines.clone()) {
        assert!(
            !line.chars().any(char::is_control),
            "a control character in the head: {line:?}"
        );
    }
    assert!(status.starts_with("HTTP/1.1 "), "{status:?}");
    for line in lines {
        let (name, value) = line.split_once(": ").expect("Name: value");
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{line:?}"
        );
        headers.push((name.to_ascii_lowercase(), value.to_string()));
    }
    headers
}

#[test]
fn a_control_character_in_a_request_never_reaches_a_response_header() {
    let server = Server::start();
    let host = server.host();
    let request = |target: &str, extra: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n")
    };
    let cases = [
        // `/postmortems` is a folder: its redirect names the target.
        (request("/postmortems?x\rSet-Cookie:a=b", ""), 400, None),
        (request("/postmortems\rSet-Cookie:a=b", ""), 400, None),
        (request("/postmortems?x\nSet-Cookie:a=b", ""), 400, None),
        (request("/postmortems?x\u{b}Set-Cookie:a=b", ""), 400, None),
        (request("/postmortems?x\0", ""), 400, None),
        (request("/postmortems?x\u{7f}", ""), 400, None),
        (request("/postmortems?x\u{1b}[31m", ""), 400, None),
        (
            request("/postmortems", "X-A: a\rSet-Cookie: b\r\n"),
            400,
            None,
        ),
        (
            request("/postmortems?x%0d%0aSet-Cookie:a=b", ""),
            302,
            Some("/postmortems/?x%0d%0aSet-Cookie:a=b"),
        ),
        (
            request("/postmortems?\u{e9}\u{2028}", ""),
            302,
            Some("/postmortems/?%C3%A9%E2%80%A8"),
        ),
    ];
    for (request, status, location) in cases {
        let mut stream = server.connect();
        stream.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let headers = checked_headers(&bytes);
        assert_eq!(Reply::parse(&bytes).status, status, "{request:?}");
        let named = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(named("location"), location, "{request:?}");
        assert_eq!(named("set-cookie"), None, "{request:?}");
    }
    assert_eq!(server.get("/postmortems").status, 302);
}

/// Server-sent events as a browser reads them: a line ends at CRLF, CR or
/// LF, a blank line ends an event, a line starting with `:` is a comment.
/// Each event ended so far, as its fields and values.
fn parse_events(bytes: &[u8]) -> Vec<Vec<(String, String)>> {
    let text = String::from_utf8_lossy(bytes);
    let (mut events, mut fields) = (Vec::new(), Vec::new());
    let mut rest: &str = &text;
    while let Some(at) = rest.find(['\r', '\n']) {
        let (line, end) = rest.split_at(at);
        if end == "\r" {
            break; // its LF may still come
        }
        rest = end.strip_prefix("\r\n").unwrap_or(&end[1..]);
        if line.is_empty() {
            if !fields.is_empty() {
                events.push(std::mem::take(&mut fields));
            }
        } else if !line.starts_with(':') {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            fields.push((name.to_string(), value.to_string()));
        }
    }
    events
}

#[test]
fn a_file_name_with_line_breaks_adds_no_field_to_the_event_stream() {
    let server = Server::start();
    let mut stream = server.connect();
    let request = format!(
        "GET /__hindsight/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.host()
    );
    stream.write_all(request.as_bytes()).unwrap();
    assert_eq!(Reply::parse(&read_head(&mut stream)).status, 200);
    // A report whose broken front matter puts its name in the overlay.
    let name = "x\rid: 99\revent: reload\ndata: y\r\nretry: 5.md";
    server
        .site
        .write(&format!("content/2023/{name}"), "---\ntitle: [broken\n");

    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let started = Instant::now();
    let mut bytes = Vec::new();
    let events = loop {
        let events = parse_events(&bytes);
        if events
            .iter()
            .flatten()
            .any(|f| f == &("event".into(), "errors".into()))
        {
            break events;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no errors event: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        let mut buffer = [0; 64 * 1024];
        match stream.read(&mut buffer) {
            Ok(0) => panic!("the event stream closed"),
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            Err(_) => {}
        }
    };
    // How soon to reconnect, then events that are each an id, a name and
    // their data: no field of the file name's.
    let (first, rest) = events.split_first().unwrap();
    assert_eq!(first, &[("retry".to_string(), "1000".to_string())]);
    for event in rest {
        let names: Vec<&str> = event.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            names.len() >= 3
                && names[..2] == ["id", "event"]
                && names[2..].iter().all(|n| *n == "data"),
            "{event:?}"
        );
        assert!(event[0].1.parse::<u64>().is_ok(), "{event:?}");
        assert!(
            ["errors", "reload"].contains(&event[1].1.as_str()),
            "{event:?}"
        );
    }
    let errors = rest.iter().find(|e| e[1].1 == "errors").unwrap();
    let data: Vec<&str> = errors[2..].iter().map(|(_, v)| v.as_str()).collect();
    let overlay = Html::parse_fragment(&data.join("\n"));
    // The overlay shows the name's control characters as their symbols.
    let shown = format!(
        "content/2023/{}",
        name.replace('\r', "\u{240d}").replace('\n', "\u{240a}")
    );
    let files = texts(&overlay, ".hindsight-file");
    assert!(files.iter().any(|f| f.starts_with(&shown)), "{files:?}");
    // The status, as JSON, names the file with its control characters
    // escaped, as `check --format json` does.
    let status = server.status();
    let diagnostics = status["diagnostics"].as_array().unwrap();
    let path = format!("content/2023/{name}");
    let escaped = hindsight::diagnostics::printable(&path);
    assert!(escaped.contains("x\\u{d}id: 99"), "{escaped}");
    assert!(
        diagnostics.iter().any(|d| d["file"] == escaped.as_ref()),
        "{diagnostics:?}"
    );
}

/// Sets the server's limits, for tests that cannot wait for its own.
const LIMITS: &str = "HINDSIGHT_SERVE_LIMITS";

/// A client sending a request head that never ends, a byte at a time.
struct Drip {
    stream: TcpStream,
    opened: Instant,
    /// How long after it opened the server closed it.
    closed: Option<Duration>,
    answer: Vec<u8>,
}

impl Drip {
    fn open(server: &Server) -> Drip {
        let mut stream = server.connect();
        let start = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Drip: ", server.host());
        stream.write_all(start.as_bytes()).unwrap();
        stream.set_nonblocking(true).unwrap();
        Drip {
            stream,
            opened: Instant::now(),
            closed: None,
            answer: Vec::new(),
        }
    }

    /// Reads what the server sent; sends one more byte if it is still open.
    fn drip(&mut self) {
        let mut buffer = [0; 4096];
        while self.closed.is_none() {
            match self.stream.read(&mut buffer) {
                Ok(n @ 1..) => self.answer.extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                // Closed, or reset: a connection refused may close before
                // its head is read.
                _ => self.closed = Some(self.opened.elapsed()),
            }
        }
        if self.closed.is_none() {
            let _ = self.stream.write(b"a");
        }
    }
}

#[test]
fn connections_past_the_cap_are_refused_and_slow_heads_are_cut_off() {
    let (cap, head, idle) = (6, Duration::from_millis(1500), Duration::from_millis(1000));
    let server = Server::start_with(|_, command| {
        command.env(
            LIMITS,
            format!(
                "connections={cap},head_ms={},idle_ms={}",
                head.as_millis(),
                idle.as_millis()
            ),
        );
    });
    let baseline = server.threads();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.host()
    );

    // Three times the cap of heads trickling in, a byte every quarter of
    // the idle time: no wait between two reads ever runs out.
    let every = idle / 4;
    let mut drips: Vec<Drip> = (0..3 * cap).map(|_| Drip::open(&server)).collect();
    let started = Instant::now();
    let mut most_threads = 0;
    let mut while_full = None;
    while drips.iter().any(|d| d.closed.is_none()) {
        assert!(
            started.elapsed() < head * 4,
            "slow connections still open after {:?}",
            started.elapsed()
        );
        drips.iter_mut().for_each(Drip::drip);
        most_threads = most_threads.max(server.threads());
        if while_full.is_none() {
            let (port, request) = (server.port, request.clone());
            while_full = Some(std::thread::spawn(move || send_to(port, &request)));
        }
        std::thread::sleep(every);
    }
    // Never more threads than the cap allows (a finished connection's
    // thread may take a moment to end).
    assert!(
        most_threads <= baseline + cap + 2,
        "{most_threads} threads, {baseline} before"
    );
    // Each was cut off about when its head's time ran out.
    for drip in &drips {
        let closed = drip.closed.unwrap();
        assert!(closed < head + Duration::from_millis(1500), "{closed:?}");
    }
    let statuses: Vec<u16> = drips
        .iter()
        .filter(|d| !d.answer.is_empty())
        .map(|d| Reply::parse(&d.answer).status)
        .collect();
    assert!(
        statuses.iter().all(|s| [408, 503].contains(s)),
        "{statuses:?}"
    );
    let timed_out = statuses.iter().filter(|s| **s == 408).count();
    assert!((1..=cap).contains(&timed_out), "{statuses:?}");
    // A request while they held every place was answered, if only with a
    // 503 that says when to try again.
    let answered = while_full.unwrap().join().unwrap();
    match answered.status {
        200 => {}
        503 => assert_eq!(answered.header("retry-after"), Some("1")),
        other => panic!("{other} while full"),
    }
    // Once they are gone, requests are served again.
    server.eventually("the threads to end", || {
        (server.threads() <= baseline).then_some(())
    });
    assert_eq!(server.get("/").status, 200);

    // A kept-alive connection is closed once idle for the idle time.
    let mut kept = server.connect();
    let robots = format!(
        "GET /robots.txt HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.host()
    );
    kept.write_all(robots.as_bytes()).unwrap();
    let reply = Reply::parse(&read_head(&mut kept));
    assert_eq!(reply.status, 200);
    let length: usize = reply.header("content-length").unwrap().parse().unwrap();
    kept.read_exact(&mut vec![0; length]).unwrap();
    let answered = Instant::now();
    let mut rest = Vec::new();
    kept.read_to_end(&mut rest).unwrap();
    let waited = answered.elapsed();
    assert!(rest.is_empty());
    assert!(
        waited >= idle - Duration::from_millis(200) && waited < idle * 3,
        "closed after {waited:?}"
    );

    // Open tabs' event streams take places too; a tab that closes gives
    // its place back.
    let mut tabs: Vec<Events> = (0..cap).map(|_| Events::open(&server)).collect();
    let full = server.get("/");
    assert_eq!(full.status, 503);
    assert_eq!(full.header("retry-after"), Some("1"));
    drop(tabs.pop());
    server.eventually("a place to free", || {
        (server.get("/").status == 200).then_some(())
    });
    drop(tabs);
}

#[test]
fn the_first_build_is_counted_in_words_that_agree() {
    let server = Server::start_with(|site, _| {
        for slug in [
            "2023/2023-01-17-icreate-deploy",
            "2023/2023-05-02-search-slow",
        ] {
            std::fs::remove_file(site.root().join(format!("content/{slug}.md"))).unwrap();
        }
        // The draft is not built.
    });
    assert!(
        server
            .before
            .iter()
            .any(|l| l.starts_with("built 1 postmortem, ") && l.contains(" pages in ")),
        "{:?}\n{}",
        server.before,
        server.stderr.lock().unwrap()
    );
}

#[test]
fn another_interface_is_warned_of_and_answers_any_host() {
    let server = Server::start_with(|_, command| {
        command.args(["-i", "0.0.0.0", "-u", "http://preview.example.test:8000/"]);
    });
    assert!(
        server.stderr.lock().unwrap().contains("not on loopback"),
        "{}",
        server.stderr.lock().unwrap()
    );
    let reply = server.send(&format!(
        "GET / HTTP/1.1\r\nHost: preview.example.test:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(reply.status, 200);
    // The pages' absolute URLs are the one given.
    let doc = scraper::Html::parse_document(
        &server
            .get("/postmortems/2022-11-02-icreate-config-push/")
            .body,
    );
    let canonical = doc
        .select(&crate::support::sel("link[rel=canonical]"))
        .next()
        .and_then(|l| l.value().attr("href").map(str::to_string));
    assert_eq!(
        canonical.as_deref(),
        Some("http://preview.example.test:8000/postmortems/2022-11-02-icreate-config-push/")
    );
}
