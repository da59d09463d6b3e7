//! `hindsight serve`: a live preview. The site is built into a temporary
//! folder and served on 127.0.0.1; a change to its sources rebuilds it, and
//! open pages reload, or show the build's problems over the last good
//! pages until they are fixed.
//!
//! - `watch` turns file-system events on the sources into messages for the
//!   main thread, which waits for a burst of them to settle, rebuilds
//!   ([`Preview::rebuild`], the one place a build happens) and publishes the
//!   outcome as the `State` that every request is answered from.
//! - `http` serves the folder, a thread per connection, so the event
//!   streams that open tabs hold never keep other requests waiting; it
//!   answers only requests for its own address, and bounds its
//!   connections and how long each may take ([`http::Limits`]).
//! - `live` adds the reload script, and the overlay of problems, to each
//!   page as it is served; the files on disk stay as a build writes them.

mod http;
mod live;
mod watch;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::diagnostics::{self, Diagnostic, code};
use crate::site::Kept;
use crate::{Error, Options, Summary};
use watch::{Message, Watch};

/// What `hindsight serve` was asked for.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The site folder.
    pub root: PathBuf,
    /// The address to listen on: 127.0.0.1 unless asked otherwise.
    pub interface: std::net::IpAddr,
    /// The port; 0 takes any free one.
    pub port: u16,
    /// The URL the preview is reached at, for the pages' absolute URLs:
    /// `http://<interface>:<port>/` unless given.
    pub base_url: Option<String>,
    /// Print only problems: no line for each rebuild.
    pub quiet: bool,
    /// Include reports with `status: draft`.
    pub drafts: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Which edition of the archive to preview.
    pub edition: crate::config::Edition,
}

/// Builds, serves and rebuilds the site until Ctrl-C or SIGTERM, then
/// removes the temporary folder. A broken configuration or theme at the
/// start, or a port that is taken, is an error; once serving, every
/// problem is shown on the pages instead.
pub fn run(settings: &Settings) -> Result<(), Error> {
    let root = settings.root.canonicalize().map_err(|_| {
        Error::Setup(anyhow!(
            "site folder `{}` does not exist",
            settings.root.display()
        ))
    })?;
    let listener = listen(settings.interface, settings.port)?;
    let port = listener.local_addr().map_err(setup)?.port();
    let local = preview_url(settings.interface, port);
    if !settings.interface.is_loopback() {
        eprintln!(
            "warning: serving on {}, not on loopback: anyone who can reach this machine can read \
             the library (and its internal reports), and the preview answers any host name",
            settings.interface
        );
    }
    let url = settings.base_url.clone().unwrap_or_else(|| local.clone());
    let folder = tempfile::Builder::new()
        .prefix("hindsight-serve-")
        .tempdir()
        .context("cannot create a temporary folder for the site")
        .map_err(Error::Setup)?;
    let out = folder.path().join("site");

    let (send, messages) = mpsc::channel();
    stop_on_signals(send.clone(), folder.path().to_path_buf())?;
    let mut watch = Watch::start(&root, send).map_err(Error::Setup)?;
    let preview = Arc::new(Preview::new(Options {
        root: root.clone(),
        output: Some(out.clone()),
        drafts: settings.drafts,
        // Absolute URLs (feeds, the 404 page's links) point at the preview.
        base_url: Some(url.clone()),
        today: None,
        force: false,
        edition: settings.edition,
        then_exit: false,
    }));
    let first = preview.rebuild(&[]);
    if let Err(Error::Config(_) | Error::Setup(_)) = first.result {
        return first.result.map(|_| ());
    }
    report(&first, &[], &root, settings.quiet);
    let shared = Arc::new(Shared::new(out));
    shared.publish(&first, true);
    http::start(listener, Arc::clone(&shared), http::Limits::from_env()).map_err(setup)?;
    println!(
        "serving {local} from {} (Ctrl-C to stop)",
        folder.path().display()
    );
    if settings.open {
        open_browser(&local);
    }

    while let Some(changed) = watch::next_burst(&messages) {
        watch.sync(&changed);
        let build = preview.rebuild(&changed);
        report(&build, &changed, &root, settings.quiet);
        shared.publish(&build, true);
        if build.quick && build.result.is_ok() {
            preview.catch_up(&shared);
        }
    }

    shared.stop();
    drop(watch);
    let path = folder.path().to_path_buf();
    if let Err(e) = folder.close() {
        eprintln!(
            "warning: could not remove the temporary folder `{}`: {e}",
            path.display()
        );
    }
    eprintln!("stopped");
    Ok(())
}

/// The site as the preview builds it, again after each change.
///
/// The first build is a full one, and its site is kept in memory. A save of
/// one report then rebuilds only the pages that show it, from the kept
/// site ([`Kept::patch`]): at 10,000 reports that takes tens of
/// milliseconds where a full build takes seconds. The pages of the whole
/// archive (metrics, action items, feeds, search) catch up in a full build
/// in the background once the sources have been quiet for a moment
/// ([`Preview::catch_up`]); a newer change makes that build stale, and it
/// is dropped before it commits. Any other change (configuration,
/// templates, a new, removed or moved report) is a full build at once.
pub struct Preview {
    options: Options,
    builds: AtomicU64,
    /// The last good build's site. Its lock is held by every write to the
    /// output, so quick and full builds never interleave.
    kept: Mutex<Option<Kept>>,
    /// How many changes have been seen: a catch-up started before the
    /// latest one is stale.
    changes: AtomicU64,
}

/// One build of the preview and what came of it.
pub struct Build {
    /// 1 for the first build, one more for each rebuild.
    pub number: u64,
    pub result: Result<Summary, Error>,
    /// Only the pages around one report were rebuilt; the rest of the
    /// archive follows in a catch-up.
    pub quick: bool,
}

/// Makes the calling thread yield to others: the catch-up build must not
/// slow the quick rebuilds, nor the browser showing their pages.
fn lower_priority() {
    // On Linux the nice value is each thread's own.
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; 0 names the caller.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 15);
    }
}

/// Whether `path` is a report's file (by its name).
fn is_report(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// How long the sources stay quiet after a quick rebuild before the
/// catch-up starts: a writer saving again soon gets another quick one.
const CATCH_UP_AFTER: Duration = Duration::from_millis(800);

impl Preview {
    pub fn new(options: Options) -> Preview {
        Preview {
            options,
            builds: AtomicU64::new(0),
            kept: Mutex::new(None),
            changes: AtomicU64::new(0),
        }
    }

    fn kept(&self) -> MutexGuard<'_, Option<Kept>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn number(&self) -> u64 {
        self.builds.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Builds the site again after a change to `changed` (absolute paths
    /// of sources; empty for the first build). On any error the output is
    /// left as the last good build wrote it.
    pub fn rebuild(&self, changed: &[PathBuf]) -> Build {
        self.changes.fetch_add(1, Ordering::SeqCst);
        // An editor's save may also create and remove a temporary file, and
        // touch the folder: what is left is the file that matters.
        let files: Vec<&PathBuf> = changed
            .iter()
            .filter(|p| {
                if p.exists() {
                    !p.is_dir()
                } else {
                    is_report(p)
                }
            })
            .collect();
        if let [file] = files[..]
            && is_report(file)
        {
            let mut kept = self.kept();
            if let Some(result) = kept.as_mut().and_then(|k| k.patch(file)) {
                return Build {
                    number: self.number(),
                    result,
                    quick: true,
                };
            }
        }
        let result = crate::site::prepare(&self.options).and_then(|prepared| {
            let mut kept = self.kept();
            let (result, site) = prepared.commit();
            *kept = site;
            result
        });
        Build {
            number: self.number(),
            result,
            quick: false,
        }
    }

    /// After a quick rebuild: a full build in the background, once the
    /// sources have been quiet for [`CATCH_UP_AFTER`], published without
    /// reloading open pages (they show the change already). Dropped if
    /// another change comes first.
    fn catch_up(self: &Arc<Self>, shared: &Arc<Shared>) {
        let seen = self.changes.load(Ordering::SeqCst);
        let (preview, shared) = (Arc::clone(self), Arc::clone(shared));
        std::thread::spawn(move || {
            lower_priority();
            let stale = || preview.changes.load(Ordering::SeqCst) != seen;
            std::thread::sleep(CATCH_UP_AFTER);
            if stale() || shared.stopping() {
                return;
            }
            // On threads of its own, one fewer than the machine has: the
            // quick rebuilds of further saves must not queue behind it.
            let threads = std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1).max(1));
            let Ok(pool) = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .start_handler(|_| lower_priority())
                .build()
            else {
                return;
            };
            let Ok(prepared) = pool.install(|| crate::site::prepare(&preview.options)) else {
                return;
            };
            let mut kept = preview.kept();
            if stale() {
                return;
            }
            let (result, site) = prepared.commit();
            *kept = site;
            let build = Build {
                number: preview.number(),
                result,
                quick: false,
            };
            drop(kept);
            if build.result.is_ok() {
                shared.publish(&build, false);
            }
        });
    }
}

impl Build {
    /// Every problem the build found; when it succeeded, its warnings.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match &self.result {
            Ok(summary) => summary.warnings.clone(),
            Err(Error::Content(d) | Error::Config(d)) => d.clone(),
            Err(Error::Setup(e)) => {
                vec![Diagnostic::error("", code::BUILD_FAILED, format!("{e:#}"))]
            }
        }
    }
}

/// What requests are answered from: the latest build's outcome.
struct State {
    /// The number of the latest build.
    build: u64,
    /// Whether it rebuilt only the pages around one report.
    quick: bool,
    /// One more each time open pages must reload or show new problems;
    /// pages are served with it and the event stream tells them when it
    /// moves on.
    version: u64,
    ok: bool,
    diagnostics: Vec<Diagnostic>,
    /// The overlay listing the problems, when the latest build failed.
    overlay: Option<String>,
    stopping: bool,
}

/// What the main thread and the connections share.
struct Shared {
    /// The output folder: the last good build.
    out: PathBuf,
    state: Mutex<State>,
    /// Signalled whenever `state` changes.
    changed: Condvar,
    connections: http::Connections,
}

/// What an event stream waited for.
enum Next {
    /// The event to send.
    Event(String),
    /// Nothing happened.
    Quiet,
    /// The server is stopping.
    Stopping,
}

#[derive(Serialize)]
struct Status<'a> {
    ok: bool,
    build: u64,
    quick: bool,
    diagnostics: &'a [Diagnostic],
}

impl Shared {
    fn new(out: PathBuf) -> Shared {
        Shared {
            out,
            state: Mutex::new(State {
                build: 0,
                quick: false,
                version: 0,
                ok: false,
                diagnostics: Vec::new(),
                overlay: None,
                stopping: false,
            }),
            changed: Condvar::new(),
            connections: http::Connections::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes `build` the state served. Pages reload when the output
    /// changed or problems went away, and show the overlay anew when the
    /// problems changed; a save that changes nothing disturbs no one.
    /// `reload: false` publishes a build without reloading open pages.
    fn publish(&self, build: &Build, reload: bool) {
        let diagnostics = build.diagnostics();
        let overlay = build.result.is_err().then(|| live::overlay(&diagnostics));
        let mut state = self.state();
        let news = match &build.result {
            Ok(summary) => {
                !state.ok || (reload && summary.changes.written + summary.changes.removed > 0)
            }
            Err(_) => overlay != state.overlay,
        };
        if news {
            state.version += 1;
        }
        state.build = build.number;
        state.quick = build.quick;
        state.ok = build.result.is_ok();
        state.diagnostics = diagnostics;
        state.overlay = overlay;
        self.changed.notify_all();
    }

    /// `/__hindsight/status`: `{"ok":…,"build":…,"diagnostics":[…]}`, the
    /// diagnostics as `check --format json` prints them.
    fn status_json(&self) -> String {
        let state = self.state();
        serde_json::to_string(&Status {
            ok: state.ok,
            build: state.build,
            quick: state.quick,
            diagnostics: &state.diagnostics,
        })
        .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }

    /// A served page with the reload script, and the overlay while the
    /// latest build has problems.
    fn live_page(&self, html: &[u8]) -> Vec<u8> {
        let state = self.state();
        live::inject(html, state.version, state.overlay.as_deref())
    }

    /// The version pages are served with now.
    fn version(&self) -> u64 {
        self.state().version
    }

    /// Waits up to `wait` for the version to move past `seen`, and says
    /// what came of it.
    fn next_event(&self, seen: &mut u64, wait: Duration) -> Next {
        let state = self.state();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, wait, |s| !s.stopping && s.version == *seen)
            .unwrap_or_else(PoisonError::into_inner);
        if state.stopping {
            return Next::Stopping;
        }
        if state.version == *seen {
            return Next::Quiet;
        }
        *seen = state.version;
        Next::Event(live::event(state.version, state.overlay.as_deref()))
    }

    fn stopping(&self) -> bool {
        self.state().stopping
    }

    /// Ends the event streams and closes every connection.
    fn stop(&self) {
        self.state().stopping = true;
        self.changed.notify_all();
        self.connections.close_all();
    }
}

fn setup(e: std::io::Error) -> Error {
    Error::Setup(e.into())
}

/// Listens on `interface`:`port`; a port in use is an error that says so.
fn listen(interface: std::net::IpAddr, port: u16) -> Result<TcpListener, Error> {
    TcpListener::bind((interface, port)).map_err(|e| {
        Error::Setup(if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow!(
                "port {port} is already in use on {interface} (another `hindsight serve`?); \
                 choose another with --port, e.g. --port {}",
                port.checked_add(1).unwrap_or(8080)
            )
        } else {
            anyhow!("cannot listen on {interface}:{port}: {e}")
        })
    })
}

/// The address a browser on this machine opens the preview at: the
/// interface's, or loopback's when listening on every interface.
fn preview_url(interface: std::net::IpAddr, port: u16) -> String {
    use std::net::IpAddr;
    match interface {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{port}/"),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{port}/"),
        IpAddr::V4(ip) => format!("http://{ip}:{port}/"),
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}/"),
    }
}

/// The first Ctrl-C or SIGTERM stops the server cleanly; a second one,
/// should the first wait on a long build, stops it at once.
fn stop_on_signals(send: Sender<Message>, folder: PathBuf) -> Result<(), Error> {
    let signalled = AtomicBool::new(false);
    ctrlc::set_handler(move || {
        if signalled.swap(true, Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&folder);
            std::process::exit(130);
        }
        let _ = send.send(Message::Stop);
    })
    .map_err(|e| Error::Setup(anyhow!("cannot handle Ctrl-C: {e}")))
}

/// Prints what a build did: one line, or every problem and what it means
/// for the preview.
fn report(build: &Build, changed: &[PathBuf], root: &Path, quiet: bool) {
    match &build.result {
        Ok(summary) => {
            for warning in &summary.warnings {
                eprintln!("{warning}");
            }
            let ms = summary.elapsed.as_millis();
            if quiet {
                return;
            }
            if build.number == 1 {
                println!(
                    "built {}, {} in {ms} ms",
                    count(summary.reports, "postmortem"),
                    count(summary.pages, "page")
                );
            } else if build.quick {
                println!(
                    "rebuilt the {} showing {} in {ms} ms: {} written; the rest of the archive follows",
                    count(summary.pages, "page"),
                    describe(changed, root),
                    count(summary.changes.written, "file"),
                );
            } else {
                let c = summary.changes;
                println!(
                    "rebuilt after a change to {} in {ms} ms: {} written, {} removed",
                    describe(changed, root),
                    count(c.written, "file"),
                    count(c.removed, "file")
                );
            }
        }
        Err(e) => {
            eprintln!("{e}");
            let errors = match e {
                Error::Content(d) | Error::Config(d) => diagnostics::count(d).0,
                Error::Setup(_) => 1,
            };
            let serving = if build.number == 1 {
                "nothing to serve until they are fixed"
            } else {
                "still serving the last good build"
            };
            eprintln!(
                "{}: {serving}; open pages list the problems",
                count(errors, "error")
            );
        }
    }
}

/// `content/a.md`, or `content/a.md and 2 more files`. Files that are
/// gone again (an editor's or a tool's temporary ones) are left out, unless
/// nothing else changed.
fn describe(changed: &[PathBuf], root: &Path) -> String {
    let existing: Vec<&PathBuf> = changed.iter().filter(|p| p.exists()).collect();
    let named = if existing.is_empty() {
        changed.iter().collect()
    } else {
        existing
    };
    let Some(first) = named.first() else {
        return "the site".to_string();
    };
    let name = first.strip_prefix(root).unwrap_or(first).to_string_lossy();
    let name = diagnostics::printable(&name);
    match named.len() {
        1 => name.to_string(),
        n => format!("{name} and {} more", count(n - 1, "file")),
    }
}

/// `1 file`, `2 files`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Opens `url` in the default browser; failing to is only a warning.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let url = url.to_string();
    match command.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    eprintln!("warning: could not open a browser ({status}); open {url}");
                }
            });
        }
        Err(e) => eprintln!("warning: could not open a browser: {e}; open {url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_file_names_are_printed_with_control_characters_escaped() {
        let root = Path::new("/site");
        let changed = [root.join("content/a\u{1b}]0;x\u{7}\n.md")];
        assert_eq!(
            describe(&changed, root),
            "content/a\\u{1b}]0;x\\u{7}\\u{a}.md"
        );
    }
}
