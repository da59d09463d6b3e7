//! The preview's HTTP/1.1 server, on `std::net`: a thread per connection,
//! so the event streams that open tabs hold never keep other requests
//! waiting. GET and HEAD only. A path is percent-decoded and must name a
//! file inside the output folder; anything that would leave it is a 400.
//!
//! The preview is for the one person running it, and any page their
//! browser opens can make it send requests here. So:
//!
//! - Only a request whose `Host` names the address the server listens on
//!   (`127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT`, the name in any
//!   case) is answered; any other gets `421 Misdirected Request`. A site
//!   that points its own name at 127.0.0.1 (DNS rebinding) reads nothing.
//! - No control character of a request reaches a response: a request line
//!   or header holding one is a 400, and every header value is written
//!   through [`header_value`].
//! - At most [`Limits::connections`] connections are served at once, each
//!   on a thread of its own; past that, one more thread answers each with
//!   `503` and closes it. A request head must arrive whole within
//!   [`Limits::head`] of its first byte, however slowly it trickles in; a
//!   connection waits [`Limits::idle`] for its next request, and a
//!   response (or an event) must be written within that time too.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Next, Shared};

/// The event stream open pages listen to.
pub(super) const EVENTS: &str = "/__hindsight/events";
/// The latest build's outcome as JSON.
const STATUS: &str = "/__hindsight/status";

/// The longest request head read.
const MAX_HEAD: u64 = 16 * 1024;
/// How often an event stream says it is alive, which keeps proxies and
/// browsers from thinking it dead.
const PING: Duration = Duration::from_secs(10);
/// How often an event stream looks whether its tab went away (closed, or
/// hidden: a hidden tab lets go of its stream), to give up its place.
const CHECK: Duration = Duration::from_secs(1);
/// How many connections past the cap are kept open after their `503`, to
/// read what they send; any more are closed at once.
const REFUSALS: usize = 256;
/// How long a connection past the cap is kept open after its `503`, what
/// it sends read and dropped: closing with a request unread would reset
/// the connection, and the client might never see the answer.
const LINGER: Duration = Duration::from_millis(500);
/// What a request past the cap is told to wait before it tries again.
const RETRY_AFTER: &str = "1";

/// How much the server gives its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Limits {
    /// Connections served at once, event streams included: 64, where a
    /// browser opens at most 6 to one host, and a tab holds one stream.
    pub connections: usize,
    /// The time a request head has, from its first byte, to arrive whole:
    /// 10 s.
    pub head: Duration,
    /// How long a connection waits for its next request, and the time a
    /// response, or an event, has to be written: 15 s.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: 64,
            head: Duration::from_secs(10),
            idle: Duration::from_secs(15),
        }
    }
}

/// Sets other limits, for tests that cannot wait for the real ones:
/// `connections=8,head_ms=1500,idle_ms=1000`, any of them.
pub(super) const LIMITS_VARIABLE: &str = "HINDSIGHT_SERVE_LIMITS";

impl Limits {
    /// The defaults, changed by [`LIMITS_VARIABLE`] when it is set; a part
    /// of it that makes no sense is a warning, and ignored.
    pub(super) fn from_env() -> Limits {
        let Some(value) = std::env::var_os(LIMITS_VARIABLE) else {
            return Limits::default();
        };
        let (limits, ignored) = Limits::parse(&value.to_string_lossy());
        for part in ignored {
            eprintln!(
                "warning: {LIMITS_VARIABLE}: ignoring `{part}` \
                 (expected connections=N, head_ms=N or idle_ms=N, N above 0)"
            );
        }
        limits
    }

    /// The defaults changed by `text`, and the parts of it that were not
    /// understood.
    fn parse(text: &str) -> (Limits, Vec<String>) {
        let mut limits = Limits::default();
        let mut ignored = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let parsed = part.split_once('=').and_then(|(name, n)| {
                let n = n.trim().parse::<u64>().ok().filter(|n| *n > 0)?;
                Some((name.trim(), n))
            });
            match parsed {
                Some(("connections", n)) => {
                    limits.connections = usize::try_from(n).unwrap_or(usize::MAX);
                }
                Some(("head_ms", n)) => limits.head = Duration::from_millis(n),
                Some(("idle_ms", n)) => limits.idle = Duration::from_millis(n),
                _ => ignored.push(part.to_string()),
            }
        }
        (limits, ignored)
    }
}

/// What every connection is served with.
struct Server {
    shared: Arc<Shared>,
    limits: Limits,
    /// The `Host` values answered; empty for any, on an interface other
    /// than loopback, which other machines reach by names of their own.
    hosts: Vec<String>,
}

/// The `Host` values that name a server listening on `port` of the
/// loopback address; on any other address, none: every name is answered.
fn hosts(address: std::net::SocketAddr) -> Vec<String> {
    if !address.ip().is_loopback() {
        return Vec::new();
    }
    let port = address.port();
    vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

/// Accepts connections on a thread of its own, each served on another
/// while there are fewer than `limits.connections`; past that, refused on
/// one more thread.
pub(super) fn start(listener: TcpListener, shared: Arc<Shared>, limits: Limits) -> io::Result<()> {
    let address = listener.local_addr()?;
    let server = Arc::new(Server {
        shared,
        limits,
        hosts: hosts(address),
    });
    let (to_refuse, refused) = mpsc::sync_channel::<TcpStream>(REFUSALS);
    std::thread::Builder::new()
        .name("refuse".into())
        .spawn(move || refuse(&refused))?;
    std::thread::Builder::new()
        .name("http".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if server.shared.stopping() {
                    break;
                }
                let Ok(stream) = stream else {
                    // Out of file descriptors, most likely: let some close.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                match Open::admit(&server, &stream) {
                    Some(open) => {
                        // A thread that cannot start drops its connection,
                        // and gives up its place.
                        let _ = std::thread::Builder::new()
                            .name("connection".into())
                            .spawn(move || connection(stream, open));
                    }
                    // Should the refusing thread fall behind, closed at once.
                    None => drop(to_refuse.try_send(stream)),
                }
            }
        })?;
    Ok(())
}

/// The open connections, so that stopping can close them, and that no more
/// than the cap are served.
#[derive(Default)]
pub(super) struct Connections {
    open: Mutex<HashMap<u64, TcpStream>>,
    next: AtomicU64,
}

/// A connection's place in [`Connections`], given up when it closes.
struct Open {
    server: Arc<Server>,
    id: u64,
}

impl Open {
    /// A place for `stream` among the connections served, unless they are
    /// as many as the cap.
    fn admit(server: &Arc<Server>, stream: &TcpStream) -> Option<Open> {
        let clone = stream.try_clone().ok()?;
        let connections = &server.shared.connections;
        let mut open = connections.lock();
        if open.len() >= server.limits.connections {
            return None;
        }
        let id = connections.next.fetch_add(1, Ordering::Relaxed);
        open.insert(id, clone);
        Some(Open {
            server: Arc::clone(server),
            id,
        })
    }
}

impl Connections {
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

impl Drop for Open {
    fn drop(&mut self) {
        self.server.shared.connections.lock().remove(&self.id);
    }
}

/// The reading half of a connection: a read waits until the deadline, when
/// there is one, else for the idle time.
struct Timed {
    stream: TcpStream,
    deadline: Option<Instant>,
    idle: Duration,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let wait = match self.deadline {
            Some(deadline) => left(deadline)?,
            None => self.idle,
        };
        self.stream.set_read_timeout(Some(wait))?;
        self.stream.read(buf)
    }
}

/// The time until `deadline`; a `TimedOut` error once it has passed.
fn left(deadline: Instant) -> io::Result<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|wait| !wait.is_zero())
        .ok_or_else(|| io::ErrorKind::TimedOut.into())
}

/// Writes all of `bytes` by `deadline`, however slowly the peer reads.
fn write_by(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.set_write_timeout(Some(left(deadline)?))?;
        match stream.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Answers the connections past the cap, all on one thread: each gets
/// `503` with `Retry-After` at once, and is then kept for [`LINGER`], or
/// until the client closes it, what it sends read and dropped.
fn refuse(refused: &mpsc::Receiver<TcpStream>) {
    let mut lingering: Vec<(TcpStream, Instant)> = Vec::new();
    loop {
        if lingering.is_empty() {
            let Ok(stream) = refused.recv() else {
                return;
            };
            lingering.extend(busy(stream));
        }
        while let Ok(stream) = refused.try_recv() {
            if let Some(kept) = busy(stream)
                && lingering.len() < REFUSALS
            {
                lingering.push(kept);
            }
        }
        let now = Instant::now();
        lingering.retain(|(stream, until)| now < *until && !drained(stream));
        if !lingering.is_empty() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Tells the client of `stream` that the server is busy, and closes the
/// sending side; the stream, and until when to keep it.
fn busy(stream: TcpStream) -> Option<(TcpStream, Instant)> {
    stream.set_nonblocking(true).ok()?;
    let mut response = Response::text(
        503,
        "Service Unavailable: the preview is serving as many connections as it takes; \
         try again in a moment\n",
    );
    response.header("Retry-After", RETRY_AFTER);
    let mut bytes = response.head(true).into_bytes();
    bytes.extend_from_slice(&response.body);
    // A few hundred bytes into an empty buffer: one write takes them.
    let _ = (&stream).write(&bytes);
    stream.shutdown(Shutdown::Write).ok()?;
    Some((stream, Instant::now() + LINGER))
}

/// Reads and drops what the client of a non-blocking `stream` sent; whether
/// it has closed the connection.
fn drained(mut stream: &TcpStream) -> bool {
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
}

/// Serves the requests of one connection, in order, until it closes.
fn connection(mut stream: TcpStream, open: Open) {
    let server = &*open.server;
    let (shared, limits) = (&*server.shared, server.limits);
    let by = || Instant::now() + limits.idle;
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(Timed {
        stream: read_half,
        deadline: None,
        idle: limits.idle,
    });
    loop {
        // The head's time starts with its first byte.
        let started = |reader: &mut BufReader<Timed>| {
            reader.get_mut().deadline = Some(Instant::now() + limits.head);
        };
        let request = match read_request(&mut reader, started) {
            Ok(Some(request)) => request,
            Ok(None) | Err(Unreadable::Gone) => return,
            Err(Unreadable::Malformed(why)) => {
                let _ = Response::text(400, why).write(&mut stream, false, true, by());
                return;
            }
            Err(Unreadable::Slow) => {
                let response = Response::text(
                    408,
                    "Request Timeout: the request took too long to arrive\n",
                );
                let _ = response.write(&mut stream, false, true, by());
                return;
            }
        };
        reader.get_mut().deadline = None;
        let head_only = request.method == "HEAD";
        if let Some(response) = server.misdirected(&request) {
            let _ = response.write(&mut stream, head_only, true, by());
            return;
        }
        match route(shared, &request) {
            Reply::Events(since) if !head_only => {
                let _ = events(&mut stream, shared, since, limits.idle);
                return;
            }
            Reply::Events(_) => {
                let _ = Response::event_stream().write(&mut stream, true, true, by());
                return;
            }
            Reply::Send(response) => {
                let close = request.close || response.status == 405;
                if response.write(&mut stream, head_only, close, by()).is_err() || close {
                    return;
                }
            }
        }
    }
}

impl Server {
    /// The answer to a request that does not name this server in its
    /// `Host`: 421, or 400 for an HTTP/1.1 request without one, as HTTP/1.1
    /// wants. `None` for a request to answer.
    fn misdirected(&self, request: &Request) -> Option<Response> {
        match &request.host {
            Some(host)
                if self.hosts.is_empty()
                    || self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) =>
            {
                None
            }
            None if !request.http10 => Some(Response::text(400, "Bad Request: no Host header\n")),
            _ => Some(Response::text(
                421,
                &format!(
                    "Misdirected Request: the preview answers requests for {} only\n",
                    self.hosts.join(", ")
                ),
            )),
        }
    }
}

/// A request, as far as the preview cares.
#[derive(Debug)]
struct Request {
    method: String,
    /// As sent: `/path?query`, still percent-encoded.
    target: String,
    /// Sent as HTTP/1.0.
    http10: bool,
    /// The `Host` header, if any.
    host: Option<String>,
    /// The client wants the connection closed after the response (or sent
    /// a body, which the preview does not read).
    close: bool,
    /// `Last-Event-ID`, sent by an event stream that reconnects.
    last_event_id: Option<u64>,
}

enum Unreadable {
    /// The peer closed the connection or went quiet between requests.
    Gone,
    /// The head did not arrive whole in time.
    Slow,
    /// Not HTTP/1.x, a head too long, a control character: what to say.
    Malformed(&'static str),
}

const CONTROL: &str = "Bad Request: a control character in the request\n";

/// Reads one request head; `None` when the connection closed between
/// requests. `started` is called once its first byte is in.
fn read_request<R: BufRead>(
    reader: &mut R,
    started: impl FnOnce(&mut R),
) -> Result<Option<Request>, Unreadable> {
    match reader.fill_buf() {
        Ok([]) => return Ok(None),
        Ok(_) => started(reader),
        Err(_) => return Err(Unreadable::Gone),
    }
    let Some(lines) = head_lines(reader)? else {
        return Ok(None);
    };
    parse_head(&lines).map(Some)
}

/// The lines of a request head, up to the blank line that ends it, each
/// checked for control characters; `None` if the peer closed first.
fn head_lines(reader: &mut impl BufRead) -> Result<Option<Vec<String>>, Unreadable> {
    let mut limited = reader.take(MAX_HEAD);
    let mut lines: Vec<String> = Vec::new();
    loop {
        let mut line = Vec::new();
        let read = limited
            .read_until(b'\n', &mut line)
            .map_err(|e| match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Unreadable::Slow,
                _ => Unreadable::Gone,
            })?;
        if read == 0 && lines.is_empty() && line.is_empty() {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            return Err(if limited.limit() == 0 {
                Unreadable::Malformed("Bad Request: the request head is too long\n")
            } else {
                Unreadable::Gone
            });
        }
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
        // A bare CR, a NUL, DEL, and a tab in the request line: a header
        // value may hold tabs.
        let tab_allowed = !lines.is_empty();
        if line
            .iter()
            .any(|&b| b.is_ascii_control() && !(tab_allowed && b == b'\t'))
        {
            return Err(Unreadable::Malformed(CONTROL));
        }
        let line = String::from_utf8(line)
            .map_err(|_| Unreadable::Malformed("Bad Request: the request is not UTF-8\n"))?;
        if line.is_empty() {
            if lines.is_empty() {
                continue; // a stray line break between requests
            }
            break;
        }
        lines.push(line);
    }
    Ok(Some(lines))
}

/// The method, target and headers that matter of a request head.
fn parse_head(lines: &[String]) -> Result<Request, Unreadable> {
    let malformed = Unreadable::Malformed("Bad Request: malformed request\n");
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(malformed);
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        http10: version == "HTTP/1.0",
        host: None,
        close: version == "HTTP/1.0",
        last_event_id: None,
    };
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(malformed);
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "host" if request.host.is_some() => {
                return Err(Unreadable::Malformed(
                    "Bad Request: more than one Host header\n",
                ));
            }
            "host" => request.host = Some(value.to_string()),
            "connection" if value.eq_ignore_ascii_case("close") => request.close = true,
            "connection" if value.eq_ignore_ascii_case("keep-alive") => request.close = false,
            "content-length" if value != "0" => request.close = true,
            "transfer-encoding" => request.close = true,
            "last-event-id" => request.last_event_id = value.parse().ok(),
            _ => {}
        }
    }
    Ok(request)
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
        response.header("Allow", "GET, HEAD");
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
            response.header("Location", &location);
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
    let Some(decoded) = crate::util::url::percent_decode(path) else {
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
    /// Written as they are: only [`Response::header`] adds to them.
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// A stream: no `Content-Length`, the body ends with the connection.
    no_length: bool,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        let mut response = Response {
            status,
            headers: Vec::new(),
            body,
            no_length: false,
        };
        response.header("Content-Type", content_type);
        response
    }

    /// Adds a header, its value made safe by [`header_value`].
    fn header(&mut self, name: &'static str, value: &str) {
        self.headers.push((name, header_value(value)));
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

    /// The status line and headers, and the blank line that ends them.
    fn head(&self, close: bool) -> String {
        let reason = match self.status {
            200 => "OK",
            302 => "Found",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            421 => "Misdirected Request",
            503 => "Service Unavailable",
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
        head
    }

    /// Writes the response by `deadline`.
    fn write(
        &self,
        stream: &mut TcpStream,
        head_only: bool,
        close: bool,
        deadline: Instant,
    ) -> io::Result<()> {
        write_by(stream, self.head(close).as_bytes(), deadline)?;
        if !head_only {
            write_by(stream, &self.body, deadline)?;
        }
        Ok(())
    }
}

/// `value` as a header may hold it: each byte that could end the header
/// or the head (CR, LF), any other control character and any byte past
/// ASCII is percent-encoded. Nothing a request or a file name holds can
/// so add a header of its own, or a line to the head.
fn header_value(value: &str) -> String {
    let mut safe = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_control() || !b.is_ascii() {
            safe.push_str(&format!("%{b:02X}"));
        } else {
            safe.push(char::from(b));
        }
    }
    safe
}

/// Streams server-sent events until the client leaves or the server
/// stops: `reload` when the site changed, `errors` with the overlay when a
/// build failed. Each event must be written within `idle`.
fn events(stream: &mut TcpStream, shared: &Shared, since: u64, idle: Duration) -> io::Result<()> {
    let by = || Instant::now() + idle;
    Response::event_stream().write(stream, true, true, by())?;
    // Reconnect soon after a restart of the server.
    write_by(stream, b"retry: 1000\n\n", by())?;
    let mut seen = since;
    let mut written = Instant::now();
    loop {
        match shared.next_event(&mut seen, CHECK) {
            Next::Stopping => return Ok(()),
            Next::Event(event) => write_by(stream, event.as_bytes(), by())?,
            Next::Quiet if gone(stream) => return Ok(()),
            Next::Quiet if written.elapsed() >= PING => write_by(stream, b": ping\n\n", by())?,
            Next::Quiet => continue,
        }
        written = Instant::now();
    }
}

/// Whether the client of an event stream closed it. It sends nothing on
/// it, so what there is to read is its end; anything else is dropped.
fn gone(mut stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut buffer = [0; 512];
    let gone = match stream.read(&mut buffer) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
        ),
    };
    // Should it stay non-blocking, a write that would wait fails, and
    // ends the stream.
    let _ = stream.set_nonblocking(false);
    gone
}

#[cfg(test)]
mod tests;
