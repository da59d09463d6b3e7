//! A deterministic generator of synthetic postmortem archives.
//!
//! The benchmark needs archives of any size that look like real incident
//! libraries to a static-site generator: the front matter of
//! docs/writing.md, the classic postmortem sections, tables, task lists and code blocks, and
//! a realistic spread of file sizes. This module writes them.
//!
//! Output: `OUT/<yyyy>/<yyyy-mm-dd>-<service>-<kind>[-k].md`, front matter
//! with exactly the keys `title, date, resolved, severity, services, tags,
//! authors, status, summary`, then a body with Issue Summary, Timeline (a
//! table), Root Cause (sometimes with a fenced log excerpt or config
//! snippet), Resolution and Recovery, Corrective and Preventative Measures
//! (a bullet list) and Action Items (a task list).
//!
//! Determinism: report `i` depends only on `(seed, i)` and on the slugs of
//! reports `0..i`, which only decide its `-k` suffix. So the same seed
//! gives the same bytes on every run and machine, the first `K` reports of
//! an archive of `N` are the archive of `K`, and everything but the suffix
//! can be computed in parallel.
//!
//! The shape of the output (severity weights, list lengths, the triangular
//! size distribution and how bodies grow to it) was fitted to a reference
//! corpus of generated postmortems, so that benchmarks on either archive
//! are comparable (bench/README.md has the comparison); the vocabulary and
//! prose are this crate's own (see [`words`]). `bench/corpus-stats.py`
//! compares two archives.

mod rng;
pub mod words;

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use rng::Rng;
use words::Kind;

/// One generated postmortem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file stem, which Hindsight uses as the slug:
    /// `yyyy-mm-dd-<service>-<kind>`, with `-2`, `-3`... on collisions.
    pub slug: String,
    /// The local year of the impact start: the report's folder.
    pub year: i64,
    pub title: String,
    /// RFC 3339 with offset, whole minutes.
    pub date: String,
    pub resolved: String,
    pub severity: &'static str,
    pub services: Vec<&'static str>,
    pub tags: Vec<&'static str>,
    /// People, and a team when there are several authors.
    pub authors: Vec<&'static str>,
    pub summary: String,
    /// The Markdown after the front matter.
    pub body: String,
}

impl Report {
    /// Where the report goes in an archive: `<yyyy>/<slug>.md`.
    pub fn relative_path(&self) -> PathBuf {
        PathBuf::from(self.year.to_string()).join(format!("{}.md", self.slug))
    }

    /// The front matter block, `---` lines included.
    pub fn front_matter(&self) -> String {
        front_matter(
            &self.title,
            &self.date,
            &self.resolved,
            self.severity,
            &self.services,
            &self.tags,
            &self.authors,
            &self.summary,
        )
    }

    /// The whole file: front matter, a blank line, the body.
    pub fn to_markdown(&self) -> String {
        let mut out = self.front_matter();
        out.push('\n');
        out.push_str(&self.body);
        out
    }
}

/// Report `index` of the archive of `seed`. `used_slugs` holds the
/// undated slugs (`<service>-<kind>[-k]`) of reports `0..index`; this
/// report's is added. Call it for `index = 0, 1, 2...` in order.
pub fn report(seed: u64, index: usize, used_slugs: &mut HashSet<String>) -> Report {
    draft(seed, index).claim(used_slugs)
}

/// The reports of the archive of `seed`, in order, one at a time.
pub fn reports(seed: u64) -> impl Iterator<Item = Report> {
    let mut used = HashSet::new();
    (0..).map(move |i| report(seed, i, &mut used))
}

/// What [`write_archive`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub reports: usize,
    pub years: usize,
    pub bytes: u64,
    pub min: usize,
    pub max: usize,
}

impl Stats {
    /// Mean file size in bytes, rounded down.
    pub fn mean(&self) -> u64 {
        self.bytes.checked_div(self.reports as u64).unwrap_or(0)
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} files in {} year folders, {} bytes, size min/mean/max {}/{}/{}",
            self.reports,
            self.years,
            self.bytes,
            self.min,
            self.mean(),
            self.max
        )
    }
}

/// Reports drafted, claimed and written per round: large enough to keep
/// every core busy, small enough that memory stays flat for any `n`.
const CHUNK: usize = 4096;

/// Writes the archive of `n` reports of `seed` under `out` (created if
/// missing; existing files with the same names are overwritten, others are
/// left alone).
///
/// Reports are drafted in parallel, given their slugs in order (the only
/// sequential step), then written in parallel.
pub fn write_archive(out: &Path, n: usize, seed: u64) -> io::Result<Stats> {
    fs::create_dir_all(out)?;
    let mut used = HashSet::new();
    let mut years = BTreeSet::new();
    let mut stats = Stats {
        min: usize::MAX,
        ..Stats::default()
    };
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let drafts: Vec<Draft> = (start..end)
            .into_par_iter()
            .map(|i| draft(seed, i))
            .collect();
        let reports: Vec<Report> = drafts.into_iter().map(|d| d.claim(&mut used)).collect();
        for r in &reports {
            if years.insert(r.year) {
                fs::create_dir_all(out.join(r.year.to_string()))?;
            }
        }
        let sizes = reports
            .par_iter()
            .map(|r| {
                let text = r.to_markdown();
                fs::write(out.join(r.relative_path()), &text)?;
                Ok(text.len())
            })
            .collect::<io::Result<Vec<usize>>>()?;
        for size in sizes {
            stats.reports += 1;
            stats.bytes += size as u64;
            stats.min = stats.min.min(size);
            stats.max = stats.max.max(size);
        }
    }
    if stats.reports == 0 {
        stats.min = 0;
    }
    stats.years = years.len();
    Ok(stats)
}

// --------------------------------------------------------------------------
// Calendar arithmetic on local wall-clock minutes (no time zone database
// needed: every report has one fixed offset).

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A local wall-clock time in minutes since 1970-01-01 00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Minute(i64);

impl Minute {
    fn day(self) -> i64 {
        self.0.div_euclid(1440)
    }

    fn date(self) -> (i64, i64, i64) {
        civil_from_days(self.day())
    }

    fn hour_minute(self) -> (i64, i64) {
        let m = self.0.rem_euclid(1440);
        (m / 60, m % 60)
    }

    fn plus(self, minutes: usize) -> Minute {
        Minute(self.0 + minutes as i64)
    }

    fn ymd(self) -> String {
        let (y, m, d) = self.date();
        format!("{y:04}-{m:02}-{d:02}")
    }

    fn hm24(self) -> String {
        let (h, m) = self.hour_minute();
        format!("{h:02}:{m:02}")
    }

    /// `1:05 PM`, `12:30 AM`: how many people write timeline times.
    fn hm12(self) -> String {
        let (h, m) = self.hour_minute();
        let (h12, half) = match h {
            0 => (12, "AM"),
            1..=11 => (h, "AM"),
            12 => (12, "PM"),
            _ => (h - 12, "PM"),
        };
        format!("{h12}:{m:02} {half}")
    }

    /// RFC 3339 with seconds and the offset, always explicit (`+00:00`,
    /// never `Z`, as the reference generator writes it).
    fn rfc3339(self, seconds: u32, offset: &str) -> String {
        format!("{}T{}:{seconds:02}{offset}", self.ymd(), self.hm24())
    }
}

/// `+05:30`, `-03:30`, `+00:00`.
fn offset_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let a = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 60, a % 60)
}

/// Durations the way the report pages show them: `1 h 15 min`.
fn human_duration(minutes: usize) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `Faulty release` -> `faulty release`, but `DNS record drift` and
/// `TLS ...` keep their acronym.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(_), Some(second)) if second.is_uppercase() => s.to_string(),
        (Some(f), _) => f.to_lowercase().chain(s.chars().skip(1)).collect(),
        _ => String::new(),
    }
}

/// A YAML double-quoted scalar.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[allow(clippy::too_many_arguments)]
fn front_matter(
    title: &str,
    date: &str,
    resolved: &str,
    severity: &str,
    services: &[&str],
    tags: &[&str],
    authors: &[&str],
    summary: &str,
) -> String {
    let authors: Vec<String> = authors.iter().map(|a| quote(a)).collect();
    format!(
        "---\ntitle: {}\ndate: {date}\nresolved: {resolved}\nseverity: {severity}\n\
         services: [{}]\ntags: [{}]\nauthors: [{}]\nstatus: published\nsummary: {}\n---\n",
        quote(title),
        services.join(", "),
        tags.join(", "),
        authors.join(", "),
        quote(summary),
    )
}

// --------------------------------------------------------------------------
// Filling templates

/// What a report's sentences may mention. Values that vary from sentence
/// to sentence (a percentage, a person, a metric) are drawn at fill time.
struct Context<'a> {
    svc: &'static str,
    svc2: &'static str,
    kind: &'static Kind,
    kind_l: String,
    cause_c: String,
    region: &'static str,
    dur: usize,
    dur_h: String,
    severity: &'static str,
    tz: &'a str,
    start: Minute,
}

impl Context<'_> {
    /// Replaces each `{name}` in `template`. `extra` supplies names that
    /// only some templates use (`ts`, `pid`). A `{` that does not open a
    /// known name is copied, so config snippets need no escaping.
    fn fill(&self, template: &str, rng: &mut Rng, extra: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name = after.find('}').map(|close| &after[..close]);
            match name.and_then(|name| self.value(name, rng, extra).map(|v| (name, v))) {
                Some((name, value)) => {
                    out.push_str(&value);
                    rest = &after[name.len() + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn value(&self, name: &str, rng: &mut Rng, extra: &[(&str, &str)]) -> Option<String> {
        if let Some((_, v)) = extra.iter().find(|(k, _)| *k == name) {
            return Some(v.to_string());
        }
        Some(match name {
            "svc" => self.svc.to_string(),
            "svc2" => self.svc2.to_string(),
            "kind" => self.kind.title.to_string(),
            "kind_l" => self.kind_l.clone(),
            "cause" => self.kind.cause.to_string(),
            "cause_c" => self.cause_c.clone(),
            "region" => self.region.to_string(),
            "dur_h" => self.dur_h.clone(),
            "sev" => self.severity.to_string(),
            "tz" => self.tz.to_string(),
            "start" => self.start.hm24(),
            "end" => self.start.plus(self.dur).hm24(),
            "pct" => rng.pick(&[2, 4, 8, 15, 20, 30, 45, 70, 100]).to_string(),
            "symptom" => rng.pick(words::SYMPTOMS).to_string(),
            "metric" => rng.pick(words::METRICS).to_string(),
            "metric_c" => upper_first(rng.pick(words::METRICS)),
            "person" => rng.pick(words::PEOPLE).to_string(),
            "n" => rng.range(3, 950).to_string(),
            "m" => rng.range(3, 50).to_string(),
            "fix" => rng.pick(words::FIXES).to_string(),
            "t" => self.start.plus(rng.range(self.dur.min(4), self.dur)).hm24(),
            "ver" => format!(
                "v{}.{}.{}",
                rng.range(1, 12),
                rng.range(0, 60),
                rng.range(0, 20)
            ),
            "chg" => format!("CR-{}", rng.range(10_000, 99_999)),
            _ => return None,
        })
    }
}

// --------------------------------------------------------------------------
// One report

/// A report before its slug suffix is known: everything that depends on
/// `(seed, index)` alone.
struct Draft {
    report: Report,
    /// `<service>-<kind>`.
    base: String,
    /// `yyyy-mm-dd`.
    day: String,
}

impl Draft {
    /// Gives the draft its slug: the first of `base`, `base-2`, `base-3`...
    /// not yet in `used`.
    fn claim(mut self, used: &mut HashSet<String>) -> Report {
        let mut slug = self.base.clone();
        let mut k = 2;
        while used.contains(&slug) {
            slug = format!("{}-{k}", self.base);
            k += 1;
        }
        self.report.slug = format!("{}-{slug}", self.day);
        used.insert(slug);
        self.report
    }
}

/// The paragraphs of a prose section, grown one sentence at a time from a
/// pool of templates, each template used at most once per report.
struct Prose {
    paras: Vec<Vec<String>>,
    used: Vec<bool>,
    /// Sentences the last paragraph may hold before a new one starts.
    limit: usize,
    sentences: (usize, usize),
    max_paras: usize,
}

impl Prose {
    fn new(pool: &[&str], sentences: (usize, usize), max_paras: usize) -> Prose {
        Prose {
            paras: Vec::new(),
            used: vec![false; pool.len()],
            limit: 0,
            sentences,
            max_paras,
        }
    }

    fn draw(&mut self, pool: &[&str], ctx: &Context, rng: &mut Rng) -> Option<String> {
        let free: Vec<usize> = (0..pool.len()).filter(|&j| !self.used[j]).collect();
        if free.is_empty() {
            return None;
        }
        let j = rng.pick(&free);
        self.used[j] = true;
        Some(ctx.fill(pool[j], rng, &[]))
    }

    /// Starts a paragraph of `k` sentences; returns the bytes added.
    fn paragraph(&mut self, pool: &[&str], k: usize, ctx: &Context, rng: &mut Rng) -> usize {
        let mut para = Vec::with_capacity(k);
        for _ in 0..k {
            if let Some(s) = self.draw(pool, ctx, rng) {
                para.push(s);
            }
        }
        if para.is_empty() {
            return 0;
        }
        self.limit = rng.range(self.sentences.0, self.sentences.1);
        let added = para.iter().map(|s| s.len() + 1).sum::<usize>() + 1;
        self.paras.push(para);
        added
    }

    /// Adds one sentence, to the last paragraph or to a new one when the
    /// last is full; returns the bytes added, or `None` when the pool is
    /// used up.
    fn grow(&mut self, pool: &[&str], ctx: &Context, rng: &mut Rng) -> Option<usize> {
        let full = self.paras.last().is_none_or(|p| p.len() >= self.limit);
        if full && self.paras.len() < self.max_paras {
            return match self.paragraph(pool, 1, ctx, rng) {
                0 => None,
                n => Some(n),
            };
        }
        let s = self.draw(pool, ctx, rng)?;
        let added = s.len() + 1;
        self.paras.last_mut()?.push(s);
        Some(added)
    }

    fn render(&self, out: &mut String, after_first: Option<&str>) {
        for (i, para) in self.paras.iter().enumerate() {
            out.push_str(&para.join(" "));
            out.push_str("\n\n");
            if i == 0 {
                if let Some(extra) = after_first {
                    out.push_str(extra);
                }
            }
        }
    }
}

/// Body size targets are drawn from a triangular distribution (like the
/// reference corpus's) ...
const TARGET_LOW: f64 = 600.0;
const TARGET_HIGH: f64 = 8800.0;
const TARGET_MODE: f64 = 3900.0;
/// ... and turned into a goal for the whole file. The reference corpus grew
/// its bodies against a rough, pessimistic size estimate, so between its p25
/// and p90 its files sit at about `0.90 * target + 80` bytes (below that,
/// the fixed skeleton of a report sets the size). This generator counts
/// bytes exactly and aims for that line directly, which reproduces the
/// size distribution (see bench/README.md for the comparison).
const GOAL_SCALE: f64 = 0.90;
const GOAL_OFFSET: f64 = 80.0;

/// Where a grown sentence goes: cause, issue, recovery, measures, actions.
const GROW_WEIGHTS: &[u32] = &[50, 20, 15, 8, 7];
const MAX_LIST_ITEMS: usize = 8;

fn draft(seed: u64, index: usize) -> Draft {
    let mut rng = Rng::for_report(seed, index);
    let rng = &mut rng;

    // When: uniform over 2016-01-01 ..= 2025-12-30 in whole minutes.
    let first_day = days_from_civil(2016, 1, 1);
    let span_days = days_from_civil(2025, 12, 31) - first_day;
    let start = Minute(first_day * 1440 + rng.below(span_days as usize * 1440) as i64);
    let offset = rng.pick(words::OFFSETS);
    let tz = offset_text(offset);
    // Short blips, hour-long degradations and the odd half-day outage.
    let dur = match rng.weighted(&[40, 35, 25]) {
        0 => rng.range(8, 75),
        1 => rng.range(40, 240),
        _ => rng.range(120, 720),
    };
    let end = start.plus(dur);

    let kind = &words::KINDS[rng.below(words::KINDS.len())];
    let nsvc = 1 + rng.weighted(&[55, 30, 15]);
    let services: Vec<&'static str> = rng
        .sample(words::SERVICES.len(), nsvc)
        .into_iter()
        .map(|i| words::SERVICES[i])
        .collect();
    let svc = services[0];
    let svc2 = match services.get(1) {
        Some(s) => *s,
        None => {
            // Any other service: shift by 1..len-1 so it never equals svc.
            let i = words::SERVICES.iter().position(|s| *s == svc).unwrap_or(0);
            let j = (i + rng.range(1, words::SERVICES.len() - 1)) % words::SERVICES.len();
            words::SERVICES[j]
        }
    };
    let ntags = rng.weighted(&[10, 35, 35, 20]);
    let mut tags: Vec<&'static str> = Vec::with_capacity(ntags);
    let extra_tags = rng.sample(words::TAGS.len(), 3);
    for t in kind
        .tags
        .iter()
        .copied()
        .chain(extra_tags.into_iter().map(|i| words::TAGS[i]))
    {
        if tags.len() >= ntags {
            break;
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let severity = words::SEVERITIES[rng.weighted(words::SEVERITY_WEIGHTS)];
    let nauth = 1 + rng.weighted(&[50, 35, 15]);
    let authors: Vec<&'static str> = if nauth == 1 {
        vec![rng.pick(words::PEOPLE)]
    } else {
        let mut a: Vec<&'static str> = rng
            .sample(words::PEOPLE.len(), nauth - 1)
            .into_iter()
            .map(|i| words::PEOPLE[i])
            .collect();
        a.push(rng.pick(words::TEAMS));
        a
    };

    let ctx = Context {
        svc,
        svc2,
        kind,
        kind_l: lower_first(kind.title),
        cause_c: upper_first(kind.cause),
        region: rng.pick(words::REGIONS),
        dur,
        dur_h: human_duration(dur),
        severity,
        tz: &tz,
        start,
    };
    let title = upper_first(&ctx.fill(rng.pick(words::TITLES), rng, &[]));
    let summary = upper_first(&ctx.fill(rng.pick(words::SUMMARIES), rng, &[]));
    let date = start.rfc3339(0, &tz);
    let resolved = end.rfc3339(0, &tz);
    let fm_len = front_matter(
        &title, &date, &resolved, severity, &services, &tags, &authors, &summary,
    )
    .len();

    // ---- the body: a skeleton first, then sentences until the goal.
    let target = rng.triangular(TARGET_LOW, TARGET_HIGH, TARGET_MODE);
    let goal = (GOAL_SCALE * target + GOAL_OFFSET) as usize;

    let mut issue = Prose::new(words::ISSUE, (3, 6), 3);
    let mut cause = Prose::new(words::CAUSE, (3, 7), 4);
    let mut recovery = Prose::new(words::RECOVERY, (3, 5), 3);
    let mut size = fm_len + 1; // front matter and the blank line after it
    size += issue.paragraph(words::ISSUE, 2, &ctx, rng);
    for _ in 0..rng.range(2, 3) {
        size += cause.paragraph(words::CAUSE, 1, &ctx, rng);
    }
    size += recovery.paragraph(words::RECOVERY, 1, &ctx, rng);

    let timeline = timeline(&ctx, rng);
    let header = format!("| Time ({tz}) | Action |\n| --- | --- |\n");
    size += header.len()
        + timeline
            .iter()
            .map(|(t, a)| t.len() + a.len() + 8)
            .sum::<usize>();

    let code = code_block(&ctx, rng, &tz);
    size += code.as_ref().map_or(0, String::len);

    let mut measures: Vec<String> = Vec::new();
    let mut measure_used = vec![false; words::MEASURES.len()];
    let mut actions: Vec<String> = Vec::new();
    let mut action_used = vec![false; words::MEASURES.len()];
    for _ in 0..rng.range(2, 3) {
        size += add_measure(&mut measures, &mut measure_used, &ctx, rng).unwrap_or(0);
    }
    for _ in 0..rng.range(2, 3) {
        size += add_action(&mut actions, &mut action_used, &ctx, rng).unwrap_or(0);
    }
    size += SECTION_HEADINGS.iter().map(|h| h.len()).sum::<usize>();

    let mut stuck = 0;
    while size < goal && stuck < 20 {
        let added = match rng.weighted(GROW_WEIGHTS) {
            0 => cause.grow(words::CAUSE, &ctx, rng),
            1 => issue.grow(words::ISSUE, &ctx, rng),
            2 => recovery.grow(words::RECOVERY, &ctx, rng),
            3 => add_measure(&mut measures, &mut measure_used, &ctx, rng),
            _ => add_action(&mut actions, &mut action_used, &ctx, rng),
        };
        match added {
            Some(n) => {
                size += n;
                stuck = 0;
            }
            None => stuck += 1,
        }
    }

    let mut body = String::with_capacity(size);
    body.push_str(SECTION_HEADINGS[0]);
    issue.render(&mut body, None);
    body.push_str(SECTION_HEADINGS[1]);
    body.push_str(&header);
    for (t, action) in &timeline {
        body.push_str(&format!("| {t} | {action} |\n"));
    }
    body.push_str(SECTION_HEADINGS[2]);
    cause.render(&mut body, code.as_deref());
    body.push_str(SECTION_HEADINGS[3]);
    recovery.render(&mut body, None);
    body.push_str(SECTION_HEADINGS[4]);
    for m in &measures {
        body.push_str(m);
    }
    body.push_str(SECTION_HEADINGS[5]);
    for a in &actions {
        body.push_str(a);
    }
    debug_assert_eq!(fm_len + 1 + body.len(), size, "size bookkeeping is exact");

    let day = start.ymd();
    Draft {
        base: format!("{svc}-{}", kind.slug),
        day,
        report: Report {
            slug: String::new(),
            year: start.date().0,
            title,
            date,
            resolved,
            severity,
            services,
            tags,
            authors,
            summary,
            body,
        },
    }
}

/// Headings with the blank lines around them, in body order. The lists
/// (timeline rows, measures) end without a blank line, so the headings
/// after them start with one.
const SECTION_HEADINGS: [&str; 6] = [
    "## Issue Summary\n\n",
    "## Timeline\n\n",
    "\n## Root Cause\n\n",
    "## Resolution and Recovery\n\n",
    "## Corrective and Preventative Measures\n\n",
    "\n## Action Items\n\n",
];

/// A corrective measure not listed yet, as a bullet line.
fn add_measure(
    list: &mut Vec<String>,
    used: &mut [bool],
    ctx: &Context,
    rng: &mut Rng,
) -> Option<usize> {
    let j = pick_unused(list.len(), used, rng)?;
    let line = format!("- {}\n", ctx.fill(words::MEASURES[j], rng, &[]));
    let n = line.len();
    list.push(line);
    Some(n)
}

/// An action item not listed yet: `- [ ] text @owner (OPS-1234)`, some
/// already done.
fn add_action(
    list: &mut Vec<String>,
    used: &mut [bool],
    ctx: &Context,
    rng: &mut Rng,
) -> Option<usize> {
    let j = pick_unused(list.len(), used, rng)?;
    let text = ctx.fill(words::MEASURES[j], rng, &[]);
    let done = if rng.chance(0.4) { 'x' } else { ' ' };
    let person = rng.pick(words::PEOPLE);
    let owner = person
        .split(' ')
        .next()
        .unwrap_or(person)
        .to_ascii_lowercase();
    let ticket = rng.range(100, 9999);
    let line = format!("- [{done}] {text} @{owner} (OPS-{ticket})\n");
    let n = line.len();
    list.push(line);
    Some(n)
}

fn pick_unused(len: usize, used: &mut [bool], rng: &mut Rng) -> Option<usize> {
    if len >= MAX_LIST_ITEMS {
        return None;
    }
    let free: Vec<usize> = (0..used.len()).filter(|&j| !used[j]).collect();
    if free.is_empty() {
        return None;
    }
    let j = rng.pick(&free);
    used[j] = true;
    Some(j)
}

/// 5 to 10 rows: at least one per phase (trigger, detection, response,
/// recovery), the rest mostly response. Times are in the report's offset,
/// non-decreasing, from the impact start to its end; half the reports use
/// a 12-hour clock. A row on a later day than the start carries its date
/// (`2019-04-03 00:10`), so the table stays in order across midnight.
fn timeline(ctx: &Context, rng: &mut Rng) -> Vec<(String, String)> {
    let nrows = rng.range(5, 10);
    let mut counts = [1usize; 4];
    for _ in 0..nrows - 4 {
        counts[1 + rng.weighted(&[1, 2, 1])] += 1;
    }
    let mut actions = Vec::with_capacity(nrows);
    for (phase, &count) in words::TIMELINE.iter().zip(&counts) {
        let mut picked = rng.sample(phase.len(), count);
        picked.sort_unstable();
        for j in picked {
            actions.push(ctx.fill(phase[j], rng, &[]));
        }
    }
    let n = actions.len();
    let mut minutes = vec![0];
    if ctx.dur >= 2 {
        minutes.extend(rng.sorted_distinct(1, ctx.dur - 1, n - 2));
    }
    while minutes.len() < n - 1 {
        minutes.push(*minutes.last().unwrap_or(&0));
    }
    minutes.push(ctx.dur);
    let twelve_hour = rng.chance(0.5);
    let first_day = ctx.start.day();
    let times = minutes.into_iter().map(|m| {
        let t = ctx.start.plus(m);
        if t.day() != first_day {
            format!("{} {}", t.ymd(), t.hm24())
        } else if twelve_hour {
            t.hm12()
        } else {
            t.hm24()
        }
    });
    times.zip(actions).collect()
}

/// Four reports in ten quote what they saw: a log excerpt (more often) or
/// the configuration at fault. Returned as a fenced block with the blank
/// line after it.
fn code_block(ctx: &Context, rng: &mut Rng, tz: &str) -> Option<String> {
    if !rng.chance(0.4) {
        return None;
    }
    let (lang, text) = if rng.chance(0.6) {
        let mut lines = String::new();
        let mut seconds = rng.range(0, 59);
        for _ in 0..rng.range(3, 8) {
            seconds += rng.range(1, 40);
            let ts = ctx
                .start
                .plus(seconds / 60)
                .rfc3339((seconds % 60) as u32, tz);
            let pid = rng.range(100, 65_000).to_string();
            let line = ctx.fill(
                rng.pick(words::LOG_LINES),
                rng,
                &[("ts", &ts), ("pid", &pid)],
            );
            lines.push_str(&line);
            lines.push('\n');
        }
        ("text", lines)
    } else {
        let (lang, tpl) = rng.pick(words::SNIPPETS);
        let n = rng.range(2, 500).to_string();
        (lang, ctx.fill(tpl, rng, &[("n", &n)]))
    };
    Some(format!("```{lang}\n{text}```\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for z in days_from_civil(2015, 12, 1)..days_from_civil(2027, 3, 1) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn clock_formats() {
        let t = Minute(days_from_civil(2019, 4, 2) * 1440 + 13 * 60 + 5);
        assert_eq!(t.rfc3339(0, "+05:30"), "2019-04-02T13:05:00+05:30");
        assert_eq!(t.hm12(), "1:05 PM");
        assert_eq!(Minute(t.0 - 13 * 60).hm12(), "12:05 AM");
        assert_eq!(Minute(t.0 - 60).hm12(), "12:05 PM");
        assert_eq!(offset_text(0), "+00:00");
        assert_eq!(offset_text(-210), "-03:30");
        assert_eq!(human_duration(75), "1 h 15 min");
        assert_eq!(human_duration(120), "2 h");
        assert_eq!(human_duration(9), "9 min");
    }

    #[test]
    fn case_helpers_keep_acronyms() {
        assert_eq!(lower_first("DNS record drift"), "DNS record drift");
        assert_eq!(lower_first("Faulty release"), "faulty release");
        assert_eq!(upper_first("cart outage"), "Cart outage");
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }

    /// Every placeholder in every template is one `Context` knows, so no
    /// `{name}` ever leaks into an archive.
    #[test]
    fn templates_only_use_known_placeholders() {
        let mut rng = Rng::new(3);
        let tz = offset_text(330);
        let ctx = Context {
            svc: "cart",
            svc2: "ledger",
            kind: &words::KINDS[0],
            kind_l: lower_first(words::KINDS[0].title),
            cause_c: upper_first(words::KINDS[0].cause),
            region: "Europe",
            dur: 90,
            dur_h: human_duration(90),
            severity: "SEV2",
            tz: &tz,
            start: Minute(days_from_civil(2020, 1, 1) * 1440),
        };
        let pools: Vec<&[&str]> = vec![
            words::TITLES,
            words::SUMMARIES,
            words::ISSUE,
            words::CAUSE,
            words::RECOVERY,
            words::MEASURES,
            words::TIMELINE[0],
            words::TIMELINE[1],
            words::TIMELINE[2],
            words::TIMELINE[3],
            words::LOG_LINES,
        ];
        let extra = [("ts", "TS"), ("pid", "1")];
        for pool in pools {
            for t in pool {
                let s = ctx.fill(t, &mut rng, &extra);
                assert!(!s.contains('{') && !s.contains('}'), "{t} -> {s}");
                assert!(!s.contains('|') && !s.contains('['), "{s}");
                let first = s.chars().next().unwrap_or(' ');
                let is_log = words::LOG_LINES.contains(t);
                assert!(
                    is_log || first.is_uppercase() || first.is_ascii_digit(),
                    "{s}"
                );
            }
        }
        for (_, t) in words::SNIPPETS {
            let s = ctx.fill(t, &mut rng, &[("n", "7")]);
            let named = s.match_indices('{').any(|(i, _)| {
                s[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase())
            });
            assert!(!named, "{s}");
        }
    }

    #[test]
    fn vocabulary_is_usable_in_slugs_and_front_matter() {
        let slug_ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        for s in words::SERVICES.iter().chain(words::TAGS) {
            assert!(slug_ok(s), "{s}");
        }
        for k in words::KINDS {
            assert!(slug_ok(k.slug), "{}", k.slug);
            for t in k.tags {
                assert!(words::TAGS.contains(t), "{t}");
            }
        }
        let distinct: HashSet<&str> = words::SERVICES.iter().copied().collect();
        assert_eq!(distinct.len(), words::SERVICES.len());
        for p in words::PEOPLE {
            assert!(p.is_ascii() && p.contains(' '));
        }
    }
}
