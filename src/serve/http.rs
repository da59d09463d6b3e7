//! The preview's HTTP/1.1 server, on `std::net`: a thread per connection,
//! so the event streams that open tabs hold never keep other requests
//! waiting. GET and HEAD only. A path is percent-decoded and must name a
//! file inside the output folder; anything that would leave it is a 400.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::Shared;

/// The event stream open pages listen to.
pub(super) const EVENTS: &str = "/__hindsight/events";
/// The latest build's outcome as JSON.
const STATUS: &str = "/__hindsight/status";

/// The longest request head read.
const MAX_HEAD: u64 = 16 * 1024;
/// How long an idle connection is kept, and a stalled write waited on.
const IDLE: Duration = Duration::from_secs(15);
/// How often an event stream says it is alive, which also finds the
/// streams of tabs that went away.
const PING: Duration = Duration::from_secs(10);

/// Accepts connections on a thread of its own, each served on another.
pub(super) fn start(listener: TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    std::thread::Builder::new()
        .name("http".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if shared.stopping() {
                    break;
                }
                let Ok(stream) = stream else {
                    // Out of file descriptors, most likely: let some close.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                let shared = Arc::clone(&shared);
                // A thread that cannot start drops its connection.
                let _ = std::thread::Builder::new()
                    .name("connection".into())
                    .spawn(move || connection(stream, &shared));
            }
        })?;
    Ok(())
}

/// The open connections, so that stopping can close them.
#[derive(Default)]
pub(super) struct Connections {
    open: Mutex<HashMap<u64, TcpStream>>,
    next: AtomicU64,
}

/// A connection's place in [`Connections`], given up when it closes.
struct Open<'a> {
    connections: &'a Connections,
    id: u64,
}

impl Connections {
    fn add(&self, stream: &TcpStream) -> Option<Open<'_>> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let clone = stream.try_clone().ok()?;
        self.lock().insert(id, clone);
        Some(Open {
            connections: self,
            id,
        })
    }

    /// Shuts every connection down: blocked reads and writes return.
    pub(super) fn close_all(&self) {
        for stream in self.lock().values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, TcpStream>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.connections.lock().remove(&self.id);
    }
}

/// Serves the requests of one connection, in order, until it closes.
fn connection(mut stream: TcpStream, shared: &Shared) {
    let Some(_open) = shared.connections.add(&stream) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(Unreadable::Malformed) => {
                let response = Response::text(400, "Bad Request: malformed request\n");
                let _ = response.write(&mut stream, false, true);
                return;
            }
            Err(Unreadable::Gone) => return,
        };
        let head_only = request.method == "HEAD";
        match route(shared, &request) {
            Reply::Events(since) if !head_only => {
                let _ = events(&mut stream, shared, since);
                return;
            }
            Reply::Events(_) => {
                let _ = Response::event_stream().write(&mut stream, true, true);
                return;
            }
            Reply::Send(response) => {
                let close = request.close || response.status == 405;
                if response.write(&mut stream, head_only, close).is_err() || close {
                    return;
                }
            }
        }
    }
}

/// A request, as far as the preview cares.
#[derive(Debug)]
struct Request {
    method: String,
    /// As sent: `/path?query`, still percent-encoded.
    target: String,
    /// The client wants the connection closed after the response (or sent
    /// a body, which the preview does not read).
    close: bool,
    /// `Last-Event-ID`, sent by an event stream that reconnects.
    last_event_id: Option<u64>,
}

enum Unreadable {
    /// The peer closed the connection or went quiet.
    Gone,
    /// Not HTTP/1.x, or a head too long.
    Malformed,
}

/// Reads one request head; `None` when the connection closed between
/// requests.
fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, Unreadable> {
    let mut limited = reader.take(MAX_HEAD);
    let mut lines: Vec<String> = Vec::new();
    loop {
        let mut line = Vec::new();
        let read = limited
            .read_until(b'\n', &mut line)
            .map_err(|_| Unreadable::Gone)?;
        if read == 0 && lines.is_empty() && line.is_empty() {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            return Err(if limited.limit() == 0 {
                Unreadable::Malformed
            } else {
                Unreadable::Gone
            });
        }
        let line = String::from_utf8(line).map_err(|_| Unreadable::Malformed)?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if lines.is_empty() {
                continue; // a stray line break between requests
            }
            break;
        }
        lines.push(line.to_string());
    }
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Unreadable::Malformed);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(Unreadable::Malformed);
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        close: version == "HTTP/1.0",
        last_event_id: None,
    };
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Unreadable::Malformed);
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" if value.eq_ignore_ascii_case("close") => request.close = true,
            "connection" if value.eq_ignore_ascii_case("keep-alive") => request.close = false,
            "content-length" if value != "0" => request.close = true,
            "transfer-encoding" => request.close = true,
            "last-event-id" => request.last_event_id = value.parse().ok(),
            _ => {}
        }
    }
    Ok(Some(request))
}

enum Reply {
    Send(Response),
    /// The event stream, for a page served with this version.
    Events(u64),
}

fn route(shared: &Shared, request: &Request) -> Reply {
    if request.method != "GET" && request.method != "HEAD" {
        let mut response =
            Response::text(405, "Method Not Allowed: the preview serves GET and HEAD\n");
        response.headers.push(("Allow", "GET, HEAD".into()));
        return Reply::Send(response);
    }
    let (path, query) = match request.target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (request.target.as_str(), None),
    };
    if !path.starts_with('/') {
        return Reply::Send(Response::text(400, "Bad Request: not a path\n"));
    }
    match path {
        EVENTS => {
            let since = request
                .last_event_id
                .or_else(|| {
                    query?
                        .split('&')
                        .find_map(|pair| pair.strip_prefix("since="))?
                        .parse()
                        .ok()
                })
                .unwrap_or_else(|| shared.version());
            Reply::Events(since)
        }
        STATUS => Reply::Send(Response::new(
            200,
            "application/json",
            shared.status_json().into_bytes(),
        )),
        _ => Reply::Send(file(shared, path, query)),
    }
}

fn file(shared: &Shared, path: &str, query: Option<&str>) -> Response {
    match resolve(&shared.out, path) {
        Target::File(file) => match std::fs::read(&file) {
            Ok(bytes) => page(shared, 200, &file, bytes),
            // Removed by a rebuild since it was found.
            Err(_) => not_found(shared),
        },
        Target::Folder => {
            let mut location = format!("/{}/", path.trim_start_matches('/'));
            if let Some(query) = query {
                location.push('?');
                location.push_str(query);
            }
            let mut response = Response::text(302, "Found\n");
            response.headers.push(("Location", location));
            response
        }
        Target::Missing => not_found(shared),
        Target::Outside => Response::text(400, "Bad Request: the path leaves the site\n"),
    }
}

/// The site's 404 page; before the site has one (the first build failed),
/// a plain page that still shows the problems.
fn not_found(shared: &Shared) -> Response {
    let path = shared.out.join("404.html");
    match std::fs::read(&path) {
        Ok(bytes) => page(shared, 404, &path, bytes),
        Err(_) => page(
            shared,
            404,
            &path,
            b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>".to_vec(),
        ),
    }
}

fn page(shared: &Shared, status: u16, path: &Path, bytes: Vec<u8>) -> Response {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        shared.live_page(&bytes)
    } else {
        bytes
    };
    Response::new(status, content_type, body)
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing `/`.
    Folder,
    Missing,
    /// Not a plain path inside the output: `..`, a backslash, a NUL, a
    /// broken escape.
    Outside,
}

/// Finds the file a request path (percent-encoded, starting with `/`)
/// names under `out`: `/dir/` is `dir/index.html`.
fn resolve(out: &Path, path: &str) -> Target {
    let Some(decoded) = percent_decode(path) else {
        return Target::Outside;
    };
    let relative = decoded.trim_start_matches('/');
    let folder = relative.is_empty() || relative.ends_with('/');
    let relative = relative.trim_end_matches('/');
    if !relative.is_empty() && !crate::output::is_contained(relative) {
        return Target::Outside;
    }
    let named = out.join(relative);
    let file = if folder {
        named.join("index.html")
    } else if named.is_dir() {
        return Target::Folder;
    } else {
        named
    };
    // The build writes no links, but a file is served only if it really
    // is inside the output.
    match (file.canonicalize(), out.canonicalize()) {
        (Ok(real), Ok(out)) if real.starts_with(&out) && real.is_file() => Target::File(real),
        _ => Target::Missing,
    }
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not
/// UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let digit = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
            decoded.push((digit(i + 1)? * 16 + digit(i + 2)?) as u8);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// A stream: no `Content-Length`, the body ends with the connection.
    no_length: bool,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
            no_length: false,
        }
    }

    /// The head of an event stream, whose body lasts as long as the
    /// connection.
    fn event_stream() -> Response {
        Response {
            no_length: true,
            ..Response::new(200, "text/event-stream", Vec::new())
        }
    }

    fn text(status: u16, text: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    fn write(&self, stream: &mut TcpStream, head_only: bool, close: bool) -> io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            302 => "Found",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.no_length {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        // Every reload gets the page as it is now.
        head.push_str("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

/// Streams server-sent events until the client leaves or the server
/// stops: `reload` when the site changed, `errors` with the overlay when a
/// build failed.
fn events(stream: &mut TcpStream, shared: &Shared, since: u64) -> io::Result<()> {
    Response::event_stream().write(stream, true, true)?;
    // Reconnect soon after a restart of the server.
    stream.write_all(b"retry: 1000\n\n")?;
    stream.flush()?;
    let mut seen = since;
    while let Some(event) = shared.next_event(&mut seen, PING) {
        stream.write_all(event.as_bytes())?;
        stream.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("postmortems/a b")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("postmortems/a b/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn folders_serve_their_index_and_want_a_trailing_slash() {
        let dir = site();
        let out = dir.path().join("out");
        let real = |p: &str| Target::File(out.join(p).canonicalize().unwrap());
        assert_eq!(resolve(&out, "/"), real("index.html"));
        assert_eq!(resolve(&out, "/index.html"), real("index.html"));
        assert_eq!(
            resolve(&out, "/postmortems/a%20b/"),
            real("postmortems/a b/index.html")
        );
        assert_eq!(resolve(&out, "/postmortems"), Target::Folder);
        assert_eq!(resolve(&out, "/index.html/"), Target::Missing);
        assert_eq!(resolve(&out, "/nothing.css"), Target::Missing);
    }

    #[test]
    fn paths_that_leave_the_output_are_refused() {
        let dir = site();
        let out = dir.path().join("out");
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/postmortems/..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "/postmortems\\..\\..\\secret.txt",
            "/index.html%00",
            "/%zz",
            "/%c0%ae%c0%ae/secret.txt",
        ] {
            assert_eq!(resolve(&out, path), Target::Outside, "{path}");
        }
        let absolute = format!("/{}", dir.path().join("secret.txt").display());
        assert_eq!(resolve(&out, &absolute), Target::Missing);
        assert_eq!(resolve(&out, "//secret.txt"), Target::Missing);
    }

    #[test]
    fn a_link_out_of_the_output_is_not_followed() {
        let dir = site();
        let out = dir.path().join("out");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
        assert_eq!(resolve(&out, "/link.txt"), Target::Missing);
    }

    #[test]
    fn escapes_decode_to_utf8() {
        assert_eq!(percent_decode("/a%20b/%C3%A9").as_deref(), Some("/a b/é"));
        assert_eq!(percent_decode("/%+1"), None);
        assert_eq!(percent_decode("/%4"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    fn parse(text: &str) -> Result<Option<Request>, Unreadable> {
        read_request(&mut text.as_bytes())
    }

    #[test]
    fn request_heads_are_parsed() {
        let r = parse("GET /a?b HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 7\r\n\r\n")
            .ok()
            .flatten()
            .unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b"));
        assert_eq!((r.close, r.last_event_id), (false, Some(7)));
        let r = parse("HEAD / HTTP/1.0\r\n\r\n").ok().flatten().unwrap();
        assert!(r.close);
        assert!(matches!(parse(""), Ok(None)));
        assert!(matches!(parse("GET /\r\n\r\n"), Err(Unreadable::Malformed)));
        assert!(matches!(
            parse("GET / HTTP/1.1\r\nHost"),
            Err(Unreadable::Gone)
        ));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
        assert!(matches!(parse(&long), Err(Unreadable::Malformed)));
    }

    #[test]
    fn content_types_follow_the_extension() {
        for (name, expected) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.CSS", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("atom.xml", "application/xml; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("a.bin", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }
}
