//! The build, phase by phase: configuration, content, archive, pages,
//! output. Each phase lives in its own module; this one only runs them in
//! order, decides when problems stop the build, and times the phases.

mod fresh;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;

use crate::archive::{self, Archive};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::output::{self, Changes, Output};
use crate::render::theme::Theme;
use crate::render::view::Rows;
use crate::render::{Renderer, Scope, Setup, routes};
use crate::{Error, source as content};

/// The theme's stylesheet, to which the build adds the severities' colours.
const STYLESHEET: &str = "style.css";

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site folder: `hindsight.toml`, `content/`, optional `templates/`,
    /// `static/` and `themes/`.
    pub root: PathBuf,
    /// Where to write the site; `<root>/public` when not given.
    pub output: Option<PathBuf>,
    /// Include reports with `status: draft`.
    pub drafts: bool,
    /// Overrides `base_url` from the configuration.
    pub base_url: Option<String>,
    /// The build date: action items due before it are overdue, and the
    /// home page shows the incidents of its day in earlier years. When not
    /// given, `SOURCE_DATE_EPOCH` (seconds since 1970) if set, else today
    /// in UTC.
    pub today: Option<NaiveDate>,
    /// Build even when the output folder is not the site's to replace
    /// (not built by Hindsight, built from another site, or holding files
    /// no build wrote): it is moved aside first, never deleted. Never
    /// lets the output overlap the site's sources.
    pub force: bool,
    /// Which site to make of the archive: every report, or the public ones
    /// without their internal parts.
    pub edition: crate::config::Edition,
    /// The process exits once the build is done (the `build` command): what
    /// the build holds in memory is left for the system to take back with
    /// the process, rather than freed piece by piece.
    pub then_exit: bool,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            today: None,
            force: false,
            edition: crate::config::Edition::Internal,
            then_exit: false,
        }
    }

    /// The build date; see [`Options::today`].
    pub fn build_date(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| {
            std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .unwrap_or_else(Utc::now)
                .date_naive()
        })
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join(crate::util::layout::OUTPUT))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Summary {
    pub reports: usize,
    pub pages: usize,
    pub files: usize,
    /// What changed in the output folder.
    pub changes: Changes,
    pub elapsed: Duration,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// What the build could not do with this configuration (no `base_url`:
    /// no absolute URLs), said once per build.
    pub notes: Vec<Diagnostic>,
    /// Where what was at the output folder went, with
    /// [`Options::force`].
    pub moved_aside: Option<PathBuf>,
}

/// A loaded, checked site, ready to render.
pub struct Site {
    pub config: Config,
    pub archive: Archive,
    pub theme: Theme,
    pub diagnostics: Vec<Diagnostic>,
    base_url: Option<String>,
    root: PathBuf,
    today: NaiveDate,
    /// The files under `content/` that are not reports (see
    /// [`content::Walked::others`]), less those drafts left out of the
    /// build link to: each is published if a page links to it, and
    /// reported as unused if none does.
    others: Vec<String>,
    /// The edition built: a report read again for the preview goes
    /// through it too.
    edition: crate::config::Edition,
}

impl Site {
    /// Reads the configuration, the theme and every report, and checks
    /// them. Content problems are collected in `diagnostics`; only a broken
    /// configuration or theme is an `Err`.
    pub fn load(options: &Options) -> Result<Site, Error> {
        Site::load_walked(options, None)
    }

    /// [`Site::load`], with the walk of `content/` already made when
    /// `walked` holds it (and what the walk said).
    fn load_walked(
        options: &Options,
        walked: Option<(content::Walked, Vec<Diagnostic>)>,
    ) -> Result<Site, Error> {
        let started = Instant::now();
        let root = &options.root;
        if !root.is_dir() {
            return Err(Error::Setup(anyhow::anyhow!(
                "site folder `{}` does not exist",
                root.display()
            )));
        }
        if is_empty_of_a_site(root) {
            return Err(Error::Setup(anyhow::anyhow!(
                "`{}` holds no hindsight.toml and no content/ folder: run `hindsight init` \
                 to start a library there, or point --root at the folder that holds them",
                root.display()
            )));
        }
        let mut config = Config::load(root)
            .map_err(Error::Config)?
            .for_edition(options.edition);
        if let Some(base) = &options.base_url {
            config.base_url = Some(base.clone());
            let problems = config.validate(&format!("base_url = {base:?}"));
            if !problems.is_empty() {
                return Err(Error::Config(problems));
            }
        }
        let mut theme = Theme::load(root, &config).map_err(Error::Setup)?;
        debug(started, "configuration and theme");

        let phase = Instant::now();
        let mut diagnostics = std::mem::take(&mut theme.diagnostics);
        let walked = match walked {
            Some((walked, said)) => {
                diagnostics.extend(said);
                walked
            }
            None => content::walk_all(root, &mut diagnostics),
        };
        let files = walked.reports;
        debug(phase, "walk");
        let reports = content::load(root, &files, &config, &mut diagnostics);
        let (reports, withheld) = content::edition::apply(reports, &config, options.edition);
        let mut others = walked.others;
        if options.edition == crate::config::Edition::Public {
            // Files only internal parts link to stay unpublished, and
            // unmentioned: the internal edition reports what is unused.
            others.clear();
        }
        if !options.drafts && !others.is_empty() {
            // A draft's files are not unused: they wait with it.
            let waiting: std::collections::HashSet<String> = reports
                .iter()
                .filter(|pm| pm.status == crate::source::postmortem::Status::Draft)
                .flat_map(|pm| {
                    crate::source::dialect::link_targets(pm.body())
                        .into_iter()
                        .filter_map(|href| crate::archive::asset_path(&pm.path, &href))
                })
                .collect();
            others.retain(|rel| !waiting.contains(rel));
        }
        debug(phase, "content");
        let phase = Instant::now();
        let mut archive =
            Archive::assemble(root, reports, &config, options.drafts, &mut diagnostics);
        archive.withheld = withheld;
        if diagnostics.iter().any(Diagnostic::is_error) {
            // The build stops here; the bodies' links are checked anyway so
            // that it reports every problem at once.
            diagnostics.extend(crate::render::body::check_all(&archive, &config));
        }
        debug(phase, "archive");
        diagnostics::sort(&mut diagnostics);
        let base_url = config.base_url();
        Ok(Site {
            config,
            archive,
            theme,
            diagnostics,
            base_url,
            root: root.clone(),
            today: options.build_date(),
            others,
            edition: options.edition,
        })
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Renders every page and gathers the static files into `output`.
    /// Returns the number of pages and the warnings the bodies gave; a
    /// body's error (a link to a missing report) fails the build with every
    /// problem found.
    pub fn render(&self, output: &Output) -> Result<(usize, Vec<Diagnostic>), Error> {
        let started = Instant::now();
        let rows = self.rows();
        debug(started, "rows");
        self.render_rows(&rows, output, None)
    }

    /// Every report's list row.
    fn rows(&self) -> Rows {
        let severities = crate::render::view::severities(&self.config, &self.archive);
        Rows::new(&self.archive, &severities)
    }

    /// What a renderer of this site renders, with `rows`, and the reports'
    /// texts when the archive has given them up.
    fn setup<'s>(&'s self, rows: &'s Rows, texts: Option<&'s archive::Texts>) -> Setup<'s> {
        Setup {
            config: &self.config,
            archive: &self.archive,
            rows,
            theme: &self.theme,
            base_url: self.base_url.clone(),
            today: self.today,
            texts,
        }
    }

    /// [`Site::render`] with the rows already made, and the reports' texts
    /// if the archive has given them up ([`Archive::take_texts`]).
    fn render_rows(
        &self,
        rows: &Rows,
        output: &Output,
        texts: Option<&archive::Texts>,
    ) -> Result<(usize, Vec<Diagnostic>), Error> {
        let started = Instant::now();
        let renderer = Renderer::new(Scope::Site, self.setup(rows, texts)).map_err(Error::Setup)?;
        debug(started, "renderer");
        // The archive's data files are written by one thread while the
        // pages render on the others: made one after the other at the
        // end, they kept a core idle.
        let (rendered, files) = rayon::join(
            || renderer.render_all(output),
            || -> anyhow::Result<()> {
                output.put(routes::STATS_FILE, renderer.stats_json().as_bytes())?;
                let actions = renderer.action_items();
                let (json, csv) = rayon::join(|| actions.to_json(), || actions.to_csv());
                output.put(routes::ACTION_ITEMS_FILE, &json?)?;
                output.put(routes::ACTION_ITEMS_CSV_FILE, csv.as_bytes())
            },
        );
        let rendered = rendered.map_err(Error::Setup)?;
        files.map_err(Error::Setup)?;
        if rendered.diagnostics.iter().any(Diagnostic::is_error) {
            let mut all = self.diagnostics.clone();
            all.extend(rendered.diagnostics);
            diagnostics::sort(&mut all);
            return Err(Error::Content(all));
        }
        let severity_css = || {
            let severities = crate::render::view::severities(&self.config, &self.archive);
            crate::render::view::severity_css(&severities)
        };
        for (path, bytes) in &self.theme.statics {
            if path == STYLESHEET {
                let mut css = bytes.clone();
                css.extend_from_slice(severity_css().as_bytes());
                output
                    .put(&routes::static_file(path), &css)
                    .map_err(Error::Setup)?;
                continue;
            }
            output
                .put(&routes::static_file(path), bytes)
                .map_err(Error::Setup)?;
        }
        rendered
            .assets
            .par_iter()
            .try_for_each(|(url, source)| {
                let bytes = crate::archive::read_asset(&self.root, source)?;
                output.put(url, &bytes)
            })
            .map_err(Error::Setup)?;
        debug(started, "pages");
        let mut warnings = rendered.diagnostics;
        warnings.extend(self.unused_files(&rendered.assets));
        Ok((rendered.pages, warnings))
    }

    /// A warning for each file under `content/` that is not a report and
    /// that no page links to (`assets`, by URL): it is not published.
    fn unused_files(
        &self,
        assets: &std::collections::BTreeMap<String, PathBuf>,
    ) -> Vec<Diagnostic> {
        let used: std::collections::HashSet<&str> = assets
            .keys()
            .filter_map(|url| url.strip_prefix(crate::archive::ASSET_PREFIX))
            .collect();
        self.others
            .iter()
            .filter(|rel| !used.contains(rel.as_str()))
            .map(|rel| {
                Diagnostic::warning(
                    Path::new(content::CONTENT_DIR).join(rel),
                    diagnostics::code::UNUSED_FILE,
                    "is not a report and no report links to it, so it is not published",
                )
                .hint("link to it from a report to publish it, name it `.md` if it is a report, or move it out of content/")
            })
            .collect()
    }

    /// Reports that the site published at `out` has and this build would
    /// not: their old URLs would break (a renamed file, a deleted report)
    /// unless another report names them in `aliases`.
    pub fn vanished(&self, out: &Path) -> Vec<Diagnostic> {
        let Ok(entries) = std::fs::read_dir(out.join(routes::POSTMORTEMS)) else {
            return Vec::new();
        };
        let aliased: std::collections::HashSet<String> = self
            .archive
            .reports
            .iter()
            .flat_map(|r| &r.pm.aliases)
            .map(|a| routes::alias_file(&a.value))
            .collect();
        let mut gone: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("index.html").is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|slug| slug != "page" && self.archive.get(slug).is_none())
            .filter(|slug| {
                !aliased.contains(&format!("{}{}", routes::report(slug), routes::INDEX_FILE))
            })
            .collect();
        gone.sort();
        // Named like every other diagnostic: relative to the site folder
        // when the output is inside it, as it usually is.
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
        let shown = out.strip_prefix(&root).unwrap_or(&out).to_path_buf();
        gone.into_iter()
            .map(|slug| {
                Diagnostic::warning(
                    shown.join("postmortems").join(&slug),
                    "vanished-report",
                    format!("report `{slug}` is published at postmortems/{slug}/ but has no page or alias in this build: its links would break"),
                )
                .hint(format!("if it was renamed, add `aliases: [/postmortems/{slug}/]` to the report it became; if it was removed on purpose, ignore this"))
            })
            .collect()
    }

    /// What this configuration keeps the build from doing.
    pub fn notes(&self) -> Vec<Diagnostic> {
        if self.base_url.is_some() {
            return Vec::new();
        }
        const LOST: &str = "links pasted in chat unfurl without a card image or address, \
                            and no feeds or sitemap are written";
        let (file, message, hint) = if self.root.join(crate::config::FILE_NAME).is_file() {
            (
                PathBuf::from(crate::config::FILE_NAME),
                format!("`base_url` is not set: {LOST}"),
                "set base_url = \"https://incidents.example.com/\" in hindsight.toml, or pass --base-url",
            )
        } else {
            // No configuration to point at: the site folder is the place.
            (
                std::path::absolute(&self.root).unwrap_or_else(|_| self.root.clone()),
                format!("no base URL, and no hindsight.toml to set one in: {LOST}"),
                "pass --base-url, or start a hindsight.toml with base_url = \"https://incidents.example.com/\" (`hindsight init` writes one)",
            )
        };
        vec![Diagnostic::warning(file, "no-base-url", message).hint(hint)]
    }

    /// The site's warnings with those the bodies gave, sorted.
    fn warnings(&self, mut more: Vec<Diagnostic>) -> Vec<Diagnostic> {
        more.extend(self.diagnostics.iter().cloned());
        diagnostics::sort(&mut more);
        more
    }
}

/// Checks everything a build would, renders the pages, writes nothing.
/// Returns the warnings; errors come back as [`Error::Content`].
pub fn check(options: &Options) -> Result<Vec<Diagnostic>, Error> {
    check_overdue(options).map(|(warnings, _)| warnings)
}

/// [`check`], and with `deny_overdue` an error for every open action item
/// past its due date (the build date's), at its line: what a scheduled
/// CI job runs to fail while follow-up work is late. The errors come
/// second, apart from the warnings.
pub fn check_overdue(options: &Options) -> Result<(Vec<Diagnostic>, Vec<Diagnostic>), Error> {
    let site = Site::load(options)?;
    if site.has_errors() {
        return Err(Error::Content(site.diagnostics));
    }
    let output = Output::dry_run();
    let (_, mut warnings) = site.render(&output)?;
    output.commit().map_err(Error::Setup)?;
    warnings.extend(site.vanished(&options.output_dir()));
    let today = site.today;
    let mut overdue: Vec<Diagnostic> = site
        .archive
        .reports
        .iter()
        .flat_map(|report| {
            report
                .pm
                .action_items
                .iter()
                .filter(move |item| item.is_overdue(today))
                .map(move |item| {
                    let due = item.due.unwrap_or(today);
                    let days = (today - due).num_days();
                    let owner = item
                        .owner
                        .as_deref()
                        .map(|o| format!(", owned by @{o}"))
                        .unwrap_or_default();
                    Diagnostic::error(
                        &report.pm.path,
                        crate::diagnostics::code::OVERDUE,
                        format!(
                            "action item {:?} was due {due}, {days} day{} ago{owner}",
                            item.text,
                            if days == 1 { "" } else { "s" }
                        ),
                    )
                    .at(item.line, 0)
                    .hint("when it is done, tick it (`- [x]`); else agree a new `due:` date")
                })
        })
        .collect();
    diagnostics::sort(&mut overdue);
    Ok((site.warnings(warnings), overdue))
}

/// Builds the site into the output folder. On any error the previous
/// output is left untouched.
pub fn build(options: &Options) -> Result<Summary, Error> {
    let started = Instant::now();
    let out = options.output_dir();
    let output = begin(options, &out)?;
    // The content is listed while the inputs are looked at: each waits
    // on the file system, and the listing is needed unless nothing changed.
    let (fresh, walked) = rayon::join(
        || fresh::Fresh::of(options),
        || {
            let mut said = Vec::new();
            let walked = content::walk_all(&options.root, &mut said);
            (walked, said)
        },
    );
    debug(started, "inputs and walk");
    if let Some(summary) = fresh.as_ref().and_then(|f| f.unchanged(&out, started)) {
        return Ok(summary);
    }
    let once = if options.then_exit {
        Once::Last
    } else {
        Once::Only
    };
    let summary = prepare_into(options, output, started, Some(walked), once)?
        .commit()
        .0?;
    if let Some(fresh) = &fresh {
        fresh.remember(&out, &summary);
    }
    Ok(summary)
}

/// The output folder `out` of a build with `options`, taken: locked, and
/// checked to be the site's to replace.
fn begin(options: &Options, out: &Path) -> Result<Output, Error> {
    let owner = output::Owner {
        root: options.root.clone(),
        force: options.force,
    };
    Output::begin_for(out, &owner).map_err(Error::Setup)
}

/// Everything a build does but the commit: the site rendered into its
/// staging folder, the published one untouched. Dropped, it leaves no
/// trace.
pub fn prepare(options: &Options) -> Result<Prepared, Error> {
    let started = Instant::now();
    // Taken first, so a second build on the same folder, or one into a
    // folder that is not the site's, is told at once.
    let output = begin(options, &options.output_dir())?;
    prepare_into(options, output, started, None, Once::Kept)
}

/// Whether the site of a build is kept after it ([`Kept::patch`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Once {
    /// Built once and dropped: each report's text is freed once its page
    /// is written.
    Only,
    /// Kept for quick rebuilds, which render the pages around a report
    /// again, from the texts.
    Kept,
    /// Built once by a process that exits then ([`Options::then_exit`]):
    /// not even freed.
    Last,
}

/// [`prepare`], into an output already taken.
fn prepare_into(
    options: &Options,
    output: Output,
    started: Instant,
    walked: Option<(content::Walked, Vec<Diagnostic>)>,
    once: Once,
) -> Result<Prepared, Error> {
    let out = options.output_dir();
    let mut site = Site::load_walked(options, walked)?;
    if site.has_errors() {
        return Err(Error::Content(site.diagnostics));
    }
    let rows = site.rows();
    debug(started, "rows");
    let texts = (once != Once::Kept).then(|| site.archive.take_texts());
    let (pages, mut warnings) = site.render_rows(&rows, &output, texts.as_ref())?;
    drop(texts);
    warnings.extend(site.vanished(&out));
    Ok(Prepared {
        output,
        kept: Kept { site, rows, out },
        once,
        pages,
        warnings,
        started,
    })
}

/// A build ready to commit ([`prepare`]).
pub struct Prepared {
    output: Output,
    kept: Kept,
    /// Whether the site is given back after the commit (only when it was
    /// built to be kept: the others' reports gave up their texts, which
    /// quick rebuilds need), and whether it is freed.
    once: Once,
    pages: usize,
    warnings: Vec<Diagnostic>,
    started: Instant,
}

impl Prepared {
    /// Publishes the build, and gives back the site, kept for
    /// [`Kept::patch`], when that succeeded and the build was made to be
    /// kept ([`prepare`]).
    pub fn commit(self) -> (Result<Summary, Error>, Option<Kept>) {
        let files = self.output.len();
        // Whatever it was built from, the output is about to change.
        fresh::forget(&self.kept.out);
        let phase = Instant::now();
        let done = match self.output.finish() {
            Ok(done) => done,
            Err(e) => return (Err(Error::Setup(e)), None),
        };
        debug(phase, "commit");
        let site = &self.kept.site;
        let summary = Summary {
            reports: site.archive.reports.len(),
            pages: self.pages,
            files,
            changes: done.changes,
            elapsed: self.started.elapsed(),
            warnings: site.warnings(self.warnings),
            notes: site.notes(),
            moved_aside: done.moved_aside,
        };
        match self.once {
            Once::Kept => (Ok(summary), Some(self.kept)),
            // The process ends with this build: the system takes its
            // memory back at once, where freeing the site piece by piece
            // takes a quarter of a second at 50,000 reports.
            Once::Last => {
                std::mem::forget(self.kept);
                (Ok(summary), None)
            }
            Once::Only => (Ok(summary), None),
        }
    }
}

/// A built site kept in memory, so that a change to one report can
/// rebuild just the pages that show it ([`Kept::patch`]).
pub struct Kept {
    site: Site,
    rows: Rows,
    out: PathBuf,
}

impl Kept {
    /// Rebuilds the pages that show the report at `file` (absolute), after
    /// it changed: its own page, its neighbours' and the pages of the lists
    /// it is on ([`Renderer::render_around`]). Pages of the whole archive
    /// (the home page, metrics, action items, feeds, search) wait for the
    /// next full build.
    ///
    /// `None` when that is not enough: the file is not a report of the
    /// site, or the change moves the report (a new date, service, tag,
    /// status, id or slug) and other lists change too, or the report has
    /// errors, whose consequences elsewhere only a full build finds. A
    /// broken link in the body is an error that changes nothing.
    pub fn patch(&mut self, file: &Path) -> Option<Result<Summary, Error>> {
        let started = Instant::now();
        let site = &mut self.site;
        let rel = content::relative(&site.root, file);
        let i = site.archive.reports.iter().position(|r| r.pm.path == rel)?;
        let mut found: Vec<Diagnostic> = Vec::new();
        let pm = content::load(&site.root, &[file.to_path_buf()], &site.config, &mut found).pop();
        if found.iter().any(Diagnostic::is_error) {
            // A full build tells what else the errors break (links to the
            // report), so that every problem shows at once.
            return None;
        }
        // In the public edition the report is redacted as in a full build;
        // one that became internal leaves the site, which a full build does.
        let pm = content::edition::one(pm?, &site.config, site.edition, &site.archive.withheld)?;
        if !Archive::same_place(&site.archive.reports[i].pm, &pm) {
            return None;
        }
        let old = site.archive.replace(i, pm);
        let severities = crate::render::view::severities(&site.config, &site.archive);
        self.rows.update(i, &site.archive, &severities);
        let result = Kept::render_around(site, &self.rows, i, &self.out).map(|mut summary| {
            summary.warnings.extend(found);
            diagnostics::sort(&mut summary.warnings);
            summary.elapsed = started.elapsed();
            summary
        });
        if result.is_err() {
            site.archive.replace(i, old);
            self.rows.update(i, &site.archive, &severities);
        }
        Some(result)
    }

    fn render_around(site: &Site, rows: &Rows, i: usize, out: &Path) -> Result<Summary, Error> {
        let renderer =
            Renderer::new(Scope::Around, site.setup(rows, None)).map_err(Error::Setup)?;
        let output = Output::begin_patch(out, &site.root).map_err(Error::Setup)?;
        let rendered = renderer.render_around(i, &output).map_err(Error::Setup)?;
        let path = &site.archive.reports[i].pm.path;
        let (mine, _): (Vec<Diagnostic>, Vec<Diagnostic>) = rendered
            .diagnostics
            .into_iter()
            .partition(|d| d.file == *path);
        if mine.iter().any(Diagnostic::is_error) {
            return Err(Error::Content(mine));
        }
        let files = output.len();
        // The output is no longer what a full build made.
        fresh::forget(out);
        let changes = output.commit().map_err(Error::Setup)?;
        Ok(Summary {
            reports: site.archive.reports.len(),
            pages: rendered.pages,
            files,
            changes,
            elapsed: Duration::ZERO,
            warnings: mine,
            notes: Vec::new(),
            moved_aside: None,
        })
    }
}

/// Whether builds print their phases' times ([`set_verbose`]).
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes every build of this process print how long each phase took, with
/// CPU time and memory (`--verbose`; `HINDSIGHT_DEBUG` set does the same).
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// With `--verbose` or `HINDSIGHT_DEBUG`, prints how long a phase took,
/// since `started`, and since the first phase of the process began, with
/// the process's CPU time and memory so far.
fn debug(started: Instant, phase: &str) {
    static FIRST: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let first = *FIRST.get_or_init(|| started);
    if !VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
        && std::env::var_os("HINDSIGHT_DEBUG").is_none()
    {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("?")
            .to_string()
    };
    // utime and stime, fields 14 and 15, in clock ticks (100 a second on
    // Linux); the name in field 2 has no spaces here.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .split_whitespace()
        .skip(13)
        .take(2)
        .filter_map(|t| t.parse().ok())
        .collect();
    let cpu = match ticks[..] {
        [user, system] => format!(
            "{:.2} s user, {:.2} s system",
            user as f64 / 100.0,
            system as f64 / 100.0
        ),
        _ => "?".into(),
    };
    eprintln!(
        "debug: {phase} took {:.1?} ({:.1?} in all; {cpu}); RSS {} kB, peak {} kB",
        started.elapsed(),
        first.elapsed(),
        kib("VmRSS:"),
        kib("VmHWM:"),
    );
}

/// Whether nothing of a site is in `path`: neither a configuration nor a
/// `content/` folder, not even a broken one. A site with either is read,
/// and what is missing reported as its own problem.
fn is_empty_of_a_site(path: &Path) -> bool {
    [crate::config::FILE_NAME, content::CONTENT_DIR]
        .iter()
        .all(|part| path.join(part).symlink_metadata().is_err())
}

/// Whether `path` looks like a site folder.
pub fn is_site(path: &Path) -> bool {
    path.join(crate::config::FILE_NAME).is_file() || path.join(content::CONTENT_DIR).is_dir()
}
