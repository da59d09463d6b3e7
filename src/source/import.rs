//! `hindsight import`: a folder of postmortems as a team has them becomes
//! reports of a Hindsight library.
//!
//! In: the folder (never changed), the library's configuration and the
//! `--exclude` patterns. Out: one report a file under `content/<year>/`,
//! with front matter read from another tool's (`matter`) or inferred from
//! the text (`infer`), its links pointed at the new names (`links`), the
//! files reports link to copied beside them, and `import-report.md`, which
//! says where every value came from. The same folder imported twice gives
//! the same files; a file a person changed since is left as it is.

mod infer;
mod links;
mod matter;
mod scan;
mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use crate::config::{Config, Zone};
use crate::source::timeline;
use crate::util::{layout, url};

use infer::Found;
pub use write::LEDGER;

/// What `hindsight import` is asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print what would be written, and write nothing.
    pub dry_run: bool,
    /// Glob patterns of files and folders to leave out.
    pub exclude: Vec<String>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// `import-report.md`: every report, where each value came from, and
    /// what was left out.
    pub ledger: String,
    /// Files written, relative to the library folder.
    pub written: Vec<PathBuf>,
    /// Files that were there already with the same bytes.
    pub unchanged: usize,
    /// Files there already with other bytes (changed by a person since the
    /// last import): left as they are.
    pub kept: Vec<PathBuf>,
    /// Files that could not be imported, and why.
    pub failed: Vec<(PathBuf, String)>,
    /// Reports imported, and how many of them are drafts without a date.
    pub reports: usize,
    pub drafts: usize,
}

/// Imports the folder `src` into the library at `into`. `config` is the
/// library's configuration, `None` where it has none yet: then the one
/// `init` writes is used, and written.
pub fn import(
    src: &Path,
    into: &Path,
    config: Option<&Config>,
    options: &Options,
) -> Result<Outcome> {
    if !src.is_dir() {
        bail!("`{}` is not a folder", src.display());
    }
    check_places(src, into)?;
    let fresh;
    let config = match config {
        Some(config) => config,
        None => {
            fresh = Config::parse(super::init::CONFIG)
                .map_err(|_| anyhow::anyhow!("the built-in configuration does not parse"))?;
            &fresh
        }
    };
    let exclude = scan::patterns(&options.exclude)?;
    let scanned = scan::scan(src, &exclude)?;
    let mut outcome = Outcome::default();
    let mut entries = Vec::new();
    for (rel, bytes) in &scanned.reports {
        match read_entry(rel, bytes, config) {
            Ok(entry) => entries.push(entry),
            Err(why) => outcome.failed.push((rel.clone(), why)),
        }
    }
    let taken = existing_slugs(into);
    place(&mut entries, &taken);
    distinct_ids(&mut entries);
    let copies = relink(&mut entries, &scanned);
    let mut files: Vec<(PathBuf, Vec<u8>)> = entries
        .iter()
        .map(|e| (e.dest.clone(), write::report(e).into_bytes()))
        .collect();
    for (dest, from) in &copies {
        let bytes = std::fs::read(src.join(from))
            .with_context(|| format!("cannot read `{}`", src.join(from).display()))?;
        files.push((dest.clone(), bytes));
    }
    outcome.reports = entries.len();
    outcome.drafts = entries.iter().filter(|e| e.undated).count();
    let mut left_out = scanned.left_out.clone();
    let copied: BTreeSet<&PathBuf> = copies.iter().map(|(_, from)| from).collect();
    for other in &scanned.others {
        if !copied.contains(other) {
            left_out.push((
                other.clone(),
                "not a report, and no report links to it".into(),
            ));
        }
    }
    left_out.sort();
    outcome.ledger = write::ledger(src, &entries, &copies, &left_out, &outcome.failed);
    if options.dry_run {
        return Ok(outcome);
    }
    if config_missing(into) {
        files.push((
            crate::config::FILE_NAME.into(),
            super::init::CONFIG.as_bytes().to_vec(),
        ));
    }
    if !into.join(".gitignore").exists() {
        files.push((".gitignore".into(), super::init::gitignore().into_bytes()));
    }
    files.push((LEDGER.into(), outcome.ledger.clone().into_bytes()));
    for (rel, bytes) in files {
        save(into, &rel, &bytes, &mut outcome)?;
    }
    Ok(outcome)
}

fn config_missing(into: &Path) -> bool {
    into.join(crate::config::FILE_NAME)
        .symlink_metadata()
        .is_err()
}

/// Refuses a library inside the folder being imported (a second import
/// would read the first one's files), and a folder inside the library's
/// `content/` (the import would change it).
fn check_places(src: &Path, into: &Path) -> Result<()> {
    let src_abs = absolute(src)?;
    let into_abs = absolute(into)?;
    if into_abs.starts_with(&src_abs) {
        bail!(
            "the library `{}` would be inside the folder being imported, `{}`: \
             give --into a folder outside it",
            into.display(),
            src.display()
        );
    }
    if src_abs.starts_with(into_abs.join(layout::CONTENT)) {
        bail!(
            "`{}` is inside the library's content/ already: import reads a folder from outside it",
            src.display()
        );
    }
    Ok(())
}

/// `path` made absolute, with `.` and `..` worked out and links resolved
/// where it exists.
fn absolute(path: &Path) -> Result<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Ok(real);
    }
    let abs =
        std::path::absolute(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    // A folder still to be made: its nearest existing parent, resolved.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
            break;
        };
        rest.push(name.to_os_string());
        existing = parent;
    }
    let mut real = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        real.push(name);
    }
    Ok(links::normalise(&real).map_or(real.clone(), |p| Path::new("/").join(p)))
}

/// Writes one file under `into` unless it is there with other bytes.
fn save(into: &Path, rel: &Path, bytes: &[u8], outcome: &mut Outcome) -> Result<()> {
    let path = into.join(rel);
    match std::fs::read(&path) {
        Ok(old) if old == bytes => {
            outcome.unchanged += 1;
            return Ok(());
        }
        Ok(old) => {
            let ours = rel == Path::new(LEDGER) && old.starts_with(write::LEDGER_TITLE.as_bytes());
            if !ours {
                outcome.kept.push(rel.to_path_buf());
                return Ok(());
            }
        }
        Err(_) if path.symlink_metadata().is_ok() => {
            outcome.kept.push(rel.to_path_buf());
            return Ok(());
        }
        Err(_) => {}
    }
    crate::util::fs::write(&path, bytes)?;
    outcome.written.push(rel.to_path_buf());
    Ok(())
}

/// One report as it will be written.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The file imported, relative to the imported folder.
    source: PathBuf,
    /// Our fields, each with where it came from.
    fields: BTreeMap<&'static str, Found<Value>>,
    /// Keys of the other tool kept as they were.
    extra: BTreeMap<String, Value>,
    body: String,
    /// What a reviewer should look at.
    notes: Vec<String>,
    /// No date was found: a draft.
    undated: bool,
    slug: String,
    /// The report's file, relative to the library folder.
    dest: PathBuf,
}

/// The front-matter keys in the order they are written.
const ORDER: &[&str] = &[
    "title",
    "date",
    "detected",
    "mitigated",
    "resolved",
    "timezone",
    "severity",
    "services",
    "id",
    "status",
    "authors",
    "teams",
    "tags",
    "summary",
    "impact",
    "related",
    "aliases",
    "links",
];

fn found<T>(value: T, from: impl Into<String>) -> Found<T> {
    Found {
        value,
        from: from.into(),
    }
}

/// Reads one file: its front matter mapped, the rest inferred from its
/// text, defaults where neither says.
fn read_entry(rel: &Path, bytes: &[u8], config: &Config) -> std::result::Result<Entry, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {})", e.valid_up_to()))?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let cut = matter::cut(&text)?;
    let mut entry = Entry {
        source: rel.to_path_buf(),
        fields: BTreeMap::new(),
        extra: BTreeMap::new(),
        body: String::new(),
        notes: Vec::new(),
        undated: false,
        slug: String::new(),
        dest: PathBuf::new(),
    };
    let mut zone = config.zone();
    if let Some(m) = &cut.matter {
        zone = map_front_matter(m, config, &mut entry).or(zone);
    }
    let start = entry
        .fields
        .get("date")
        .and_then(|f| f.value.as_str())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    let inferred = infer::read(cut.body, cut.body_line, infer::Context { zone, start });
    let mut body = cut.body.to_string();
    fill(&mut entry, inferred, config, &mut body);
    entry.body = body.trim_start_matches('\n').to_string();
    if !entry.body.ends_with('\n') {
        entry.body.push('\n');
    }
    Ok(entry)
}

/// Puts the values of another tool's front matter into our fields, and
/// keeps the rest. Returns the zone the report's `timezone` names.
fn map_front_matter(m: &matter::Matter, config: &Config, entry: &mut Entry) -> Option<Zone> {
    // Our own keys first, so that theirs for the same field add to ours
    // or stay as they were.
    let mut keys: Vec<(&String, &Value)> = m.data.iter().collect();
    keys.sort_by_key(|(k, _)| (!ORDER.contains(&k.as_str()), (*k).clone()));
    let zone = m
        .data
        .iter()
        .find(|(k, _)| matter::field_for(k, &config.import.fields) == Some("timezone"))
        .and_then(|(_, v)| matter::text(v))
        .and_then(|t| Zone::parse(&t));
    for (key, value) in keys {
        let from = format!("{} front matter `{key}`", m.format);
        let Some(ours) = matter::field_for(key, &config.import.fields) else {
            entry.extra.insert(key.clone(), clean(value));
            continue;
        };
        let ours = ORDER
            .iter()
            .copied()
            .find(|k| *k == ours)
            .unwrap_or("title");
        match convert(ours, value, config, zone.or(config.zone())) {
            Ok(Some((v, said))) => {
                let from = match said {
                    Some(said) => format!("{from} ({said})"),
                    None => from,
                };
                merge(entry, ours, v, key, value, &from);
            }
            Ok(None) => {}
            Err(why) => {
                entry.notes.push(format!("`{key}`: {why}; kept as it was"));
                keep(entry, key, value);
            }
        }
    }
    zone
}

/// Adds a converted value: lists of the same field join, a second value
/// for a single one is kept under its own key.
fn merge(entry: &mut Entry, ours: &'static str, v: Value, key: &str, value: &Value, from: &str) {
    match entry.fields.get_mut(ours) {
        None => {
            entry.fields.insert(ours, found(v, from));
        }
        Some(have) => match (&mut have.value, v) {
            (Value::Array(items), Value::Array(more)) => {
                for item in more {
                    if !items.iter().any(|have| same_term(have, &item)) {
                        items.push(item);
                    }
                }
                have.from.push_str(&format!(", `{key}`"));
            }
            _ => keep(entry, key, value),
        },
    }
}

/// Keeps a key as it was; one of our own names, whose value we could not
/// read, under `original_<key>` so that a build does not read it as ours.
fn keep(entry: &mut Entry, key: &str, value: &Value) {
    let name = if ORDER.contains(&key) {
        format!("original_{key}")
    } else {
        key.to_string()
    };
    entry.extra.insert(name, clean(value));
}

/// A value of another tool's as the value of our field `ours`: `Ok(None)`
/// when it is empty, `Err` when it cannot be one.
fn convert(
    ours: &str,
    value: &Value,
    config: &Config,
    zone: Option<Zone>,
) -> std::result::Result<Option<(Value, Option<String>)>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let mut said = None;
    let text = || matter::text(value).map(|t| clean_text(&t));
    Ok(Some(match ours {
        "title" | "summary" | "impact" => match text() {
            Some(t) => Value::String(t),
            None => return Err("not text".into()),
        },
        "date" | "detected" | "mitigated" | "resolved" => {
            let t = text().ok_or("not a time")?;
            let read =
                when(&t, zone).ok_or_else(|| format!("{t:?} is not a time Hindsight can read"))?;
            said = read.said();
            Value::String(rfc3339(read.at))
        }
        "timezone" => {
            let t = text().ok_or("not text")?;
            Zone::parse(&t).ok_or_else(|| format!("{t:?} is not a time zone"))?;
            Value::String(t)
        }
        "severity" => {
            let t = text().ok_or("not text")?;
            Value::String(
                severity_of(&t, config)
                    .ok_or_else(|| format!("{t:?} is none of the configured severities"))?,
            )
        }
        "id" => {
            let t = text().ok_or("not text")?;
            if !url::is_valid_slug(&t) {
                return Err(format!("{t:?} cannot be a short link"));
            }
            Value::String(t)
        }
        "status" => {
            let t = text().ok_or("not text")?.to_lowercase();
            if !["draft", "review", "published"].contains(&t.as_str()) {
                return Err(format!("{t:?} is not draft, review or published"));
            }
            Value::String(t)
        }
        "services" => names(value, |n| service_of(n, config)),
        "tags" | "authors" | "teams" | "related" => names(value, |n| Some(n.to_string())),
        "aliases" => {
            let list: Vec<Value> = matter::texts(value)
                .into_iter()
                .filter(|a| url::alias_problem(a).is_none())
                .map(Value::String)
                .collect();
            Value::Array(list)
        }
        "links" => {
            let list = link_values(value);
            if list.is_empty() {
                return Err("no http(s) or mailto address".into());
            }
            Value::Array(list)
        }
        _ => return Err("not read".into()),
    }))
    .map(|v| {
        v.filter(|v| !matches!(v, Value::Array(a) if a.is_empty()))
            .map(|v| (v, said))
    })
}

/// Names of a list (or one name), each through `map`, empty ones dropped.
fn names(value: &Value, map: impl Fn(&str) -> Option<String>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for name in matter::texts(value) {
        let name = clean_text(&name);
        if url::slugify(&name).is_empty() {
            continue;
        }
        if let Some(n) = map(&name).map(Value::String)
            && !out.iter().any(|have| same_term(have, &n))
        {
            out.push(n);
        }
    }
    Value::Array(out)
}

/// Whether two names are one term on the site (`data-loss`, `Data loss`).
fn same_term(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => url::slugify(a) == url::slugify(b),
        _ => a == b,
    }
}

/// The `links` a value holds: http(s) and mailto addresses, alone or as
/// `{title, url}`.
fn link_values(value: &Value) -> Vec<Value> {
    let items = match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let usable = |u: &str| {
        let lower = u.to_ascii_lowercase();
        (lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:"))
            && !u.contains(char::is_whitespace)
    };
    items
        .into_iter()
        .filter_map(|item| match item {
            Value::String(u) if usable(u.trim()) => Some(Value::String(u.trim().to_string())),
            Value::Object(map) => {
                let u = map.get("url").and_then(Value::as_str)?.trim().to_string();
                let title = map.get("title").and_then(Value::as_str).map(clean_text);
                usable(&u).then(|| match title {
                    Some(t) => serde_json::json!({ "title": t, "url": u }),
                    None => Value::String(u),
                })
            }
            _ => None,
        })
        .collect()
}

/// Text without the control characters a page may not hold.
fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_string()
}

fn clean(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(clean_text(s)),
        Value::Array(items) => Value::Array(items.iter().map(clean).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (clean_text(k), clean(v))).collect())
        }
        other => other.clone(),
    }
}

/// A time read from another tool's value.
struct Read {
    at: DateTime<FixedOffset>,
    /// Only the day was written: midnight is assumed.
    day_only: bool,
    /// No offset was written and no zone is set: UTC is assumed.
    utc_assumed: bool,
}

impl Read {
    /// What the reviewer should know about how it was read.
    fn said(&self) -> Option<String> {
        match (self.day_only, self.utc_assumed) {
            (false, false) => None,
            (true, false) => Some("a day only: 00:00 assumed".into()),
            (false, true) => Some("no zone written or set: read as UTC".into()),
            (true, true) => Some("a day only: 00:00 UTC assumed".into()),
        }
    }
}

/// A time as another tool writes it: RFC 3339, `2018-07-19 14:05:00`,
/// a day alone, or a date in words. Without an offset it is read in
/// `zone`, or UTC.
fn when(text: &str, zone: Option<Zone>) -> Option<Read> {
    let text = text.trim();
    let fixed = |at| Read {
        at,
        day_only: false,
        utc_assumed: false,
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(fixed(t));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)) {
        return Some(fixed(t));
    }
    let utc_assumed = zone.is_none();
    let zone = zone.unwrap_or(Zone::Fixed(FixedOffset::east_opt(0)?));
    let local = |t: NaiveDateTime, day_only: bool| {
        zone.local_or_after(t).map(|(at, _)| Read {
            at,
            day_only,
            utc_assumed,
        })
    };
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return local(t, false);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return local(day.and_time(NaiveTime::MIN), true);
    }
    let m = timeline::moments(text).into_iter().next()?;
    let at = m.offset.map_or(zone, Zone::Fixed);
    let at = at
        .local_or_after(m.date.and_time(m.time.unwrap_or(NaiveTime::MIN)))?
        .0;
    Some(Read {
        at,
        day_only: m.time.is_none(),
        utc_assumed: utc_assumed && m.offset.is_none(),
    })
}

fn rfc3339(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A severity as written (`SEV2`, `sev 1`, `P1`, `high`, `Critical`) as
/// one of the configured ones: by id, by label, by number (`P1` and
/// `SEV1` are the first where ids carry no number), or by a common word.
fn severity_of(text: &str, config: &Config) -> Option<String> {
    let severities = &config.severities;
    let t = text.trim();
    if let Some(s) = severities
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(t) || s.label.eq_ignore_ascii_case(t))
    {
        return Some(s.id.clone());
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let letters: String = t
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    if let Ok(n) = digits.parse::<usize>()
        && digits.len() == 1
        && ["", "sev", "severity", "p", "priority", "level"].contains(&letters.as_str())
    {
        let numbered = severities.iter().find(|s| {
            let own: String = s.id.chars().filter(char::is_ascii_digit).collect();
            own.parse::<usize>().ok() == Some(n)
        });
        if let Some(s) = numbered {
            return Some(s.id.clone());
        }
        let index = n.saturating_sub(1).min(severities.len().saturating_sub(1));
        return severities.get(index).map(|s| s.id.clone());
    }
    let rank = match letters.as_str() {
        "critical" | "blocker" | "emergency" | "catastrophic" => 0,
        "high" | "major" | "severe" => 1,
        "medium" | "moderate" | "minor" => 2,
        "low" | "trivial" | "informational" | "info" => 3,
        _ => return None,
    };
    severities
        .get(rank.min(severities.len().saturating_sub(1)))
        .map(|s| s.id.clone())
}

/// A service as written, as the catalogue's id where it names one.
fn service_of(name: &str, config: &Config) -> Option<String> {
    let found = config.services.iter().find(|(id, s)| {
        id.eq_ignore_ascii_case(name) || (!s.name.is_empty() && s.name.eq_ignore_ascii_case(name))
    });
    Some(found.map_or_else(|| name.to_string(), |(id, _)| id.clone()))
}

/// Catalogue services whose id or name the text names as a word.
fn catalogue_in(text: &str, config: &Config) -> Vec<String> {
    let lower = text.to_lowercase();
    let words: BTreeSet<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .collect();
    let padded = format!(
        " {} ",
        lower
            .split(|c: char| !c.is_alphanumeric())
            .collect::<Vec<_>>()
            .join(" ")
    );
    config
        .services
        .iter()
        .filter(|(id, s)| {
            words.contains(id.to_lowercase().as_str())
                || (!s.name.is_empty() && {
                    let name = s.name.to_lowercase();
                    let name: Vec<&str> = name
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect();
                    padded.contains(&format!(" {} ", name.join(" ")))
                })
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// Fills what front matter did not give from what the text says, then
/// from the file name and the defaults.
fn fill(entry: &mut Entry, inferred: infer::Inferred, config: &Config, body: &mut String) {
    let stem = stem(&entry.source);
    let has = |entry: &Entry, key: &str| entry.fields.contains_key(key);
    let string = |f: Found<String>| found(Value::String(f.value), f.from);
    if let Some(span) = inferred.title_span.clone() {
        let same = inferred.title.as_ref().is_some_and(|t| {
            entry.fields.get("title").is_none_or(|have| {
                have.value
                    .as_str()
                    .is_some_and(|h| words(h) == words(&t.value))
            })
        });
        if same && body.get(span.clone()).is_some() {
            body.replace_range(span, "");
        }
    }
    if !has(entry, "title") {
        let title = inferred
            .title
            .map(string)
            .unwrap_or_else(|| found(Value::String(title_from_name(&stem)), "file name"));
        entry.fields.insert("title", title);
    }
    let times = [
        ("date", inferred.date),
        ("detected", inferred.detected),
        ("mitigated", inferred.mitigated),
        ("resolved", inferred.resolved),
    ];
    for (key, value) in times {
        if let Some(f) = value
            && !has(entry, key)
        {
            entry
                .fields
                .insert(key, found(Value::String(rfc3339(f.value)), f.from));
        }
    }
    order_times(entry);
    if !has(entry, "severity") {
        let mapped = inferred
            .severity
            .and_then(|f| match severity_of(&f.value, config) {
                Some(id) => Some(found(
                    Value::String(id),
                    format!("{} ({:?})", f.from, f.value),
                )),
                None => {
                    entry.notes.push(format!(
                        "severity {:?} ({}) is none of the configured ones",
                        f.value, f.from
                    ));
                    None
                }
            });
        let severity = mapped.unwrap_or_else(|| default_severity(config));
        entry.fields.insert("severity", severity);
    }
    if !has(entry, "services") {
        let named = inferred.services.map(|f| {
            let list: Vec<Value> = f
                .value
                .iter()
                .filter_map(|n| service_of(n, config))
                .map(Value::String)
                .collect();
            found(Value::Array(list), f.from)
        });
        let title_and_summary = format!(
            "{} {}",
            entry
                .fields
                .get("title")
                .and_then(|f| f.value.as_str())
                .unwrap_or_default(),
            inferred.summary.as_ref().map_or("", |s| s.value.as_str())
        );
        let catalogue = catalogue_in(&title_and_summary, config);
        let services = named
            .filter(|f| matches!(&f.value, Value::Array(a) if !a.is_empty()))
            .or_else(|| {
                (!catalogue.is_empty()).then(|| {
                    found(
                        Value::Array(catalogue.into_iter().map(Value::String).collect()),
                        "catalogue names in the title or summary",
                    )
                })
            })
            .unwrap_or_else(|| {
                let name = config
                    .import
                    .default_service
                    .clone()
                    .unwrap_or_else(|| "unknown".into());
                let from = if config.import.default_service.is_some() {
                    "default ([import] default_service)"
                } else {
                    "default (none found; set [import] default_service)"
                };
                found(Value::Array(vec![Value::String(name)]), from)
            });
        entry.fields.insert("services", services);
    }
    let lists = [("tags", inferred.tags), ("authors", inferred.authors)];
    for (key, value) in lists {
        if let Some(f) = value
            && !has(entry, key)
        {
            let list: Vec<Value> = f
                .value
                .into_iter()
                .filter(|n| !url::slugify(n).is_empty())
                .map(Value::String)
                .collect();
            if !list.is_empty() {
                entry.fields.insert(key, found(Value::Array(list), f.from));
            }
        }
    }
    if !has(entry, "id") {
        let id = inferred.id.or_else(|| {
            id_in_name(&stem).map(|id| Found {
                value: id,
                from: "file name".into(),
            })
        });
        if let Some(id) = id {
            entry.fields.insert("id", string(id));
        }
    }
    if !has(entry, "summary")
        && let Some(s) = inferred.summary
    {
        entry.fields.insert("summary", string(s));
    }
    strip_id_from_title(entry);
    entry.notes.extend(inferred.notes);
    if !has(entry, "date") {
        entry.undated = true;
        entry.fields.insert(
            "status",
            found(
                Value::String("draft".into()),
                "no date found: a draft until it has one",
            ),
        );
        entry.notes.push("no date found in its front matter or text: written as a draft; add `date` and remove `status: draft` to publish it".into());
    }
}

/// `PM2023-001 - Total node failure` is `Total node failure` when the
/// report's id is `PM2023-001`: the page shows the id beside it.
fn strip_id_from_title(entry: &mut Entry) {
    let Some(id) = entry
        .fields
        .get("id")
        .and_then(|f| f.value.as_str())
        .map(str::to_string)
    else {
        return;
    };
    let Some(title) = entry.fields.get_mut("title") else {
        return;
    };
    let Some(text) = title.value.as_str() else {
        return;
    };
    let rest = text
        .get(id.len()..)
        .filter(|_| {
            text.get(..id.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&id))
        })
        .map(|rest| rest.trim_start_matches([' ', '-', '–', '—', ':', '_']))
        .filter(|rest| !rest.is_empty() && rest.len() < text.len() - id.len());
    if let Some(rest) = rest {
        title.value = Value::String(rest.to_string());
        title.from.push_str(", the id taken off");
    }
}

/// Leaves out inferred moments a build would refuse: an end before the
/// start, a mitigation after the end.
fn order_times(entry: &mut Entry) {
    let at = |entry: &Entry, key: &str| {
        entry
            .fields
            .get(key)
            .and_then(|f| f.value.as_str())
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
    };
    for (earlier, later) in [
        ("date", "resolved"),
        ("date", "mitigated"),
        ("detected", "resolved"),
        ("mitigated", "resolved"),
    ] {
        if let (Some(a), Some(b)) = (at(entry, earlier), at(entry, later))
            && b < a
        {
            let gone = if entry.fields[later].from.contains("front matter")
                && !entry.fields[earlier].from.contains("front matter")
            {
                earlier
            } else {
                later
            };
            if let Some(f) = entry.fields.remove(gone) {
                entry.notes.push(format!(
                    "`{gone}` ({}) was left out: it would put `{later}` before `{earlier}`",
                    f.from
                ));
            }
        }
    }
}

fn default_severity(config: &Config) -> Found<Value> {
    match &config.import.default_severity {
        Some(id) => found(
            Value::String(id.clone()),
            "default ([import] default_severity)",
        ),
        None => {
            let last = config
                .severities
                .last()
                .map_or("SEV4".to_string(), |s| s.id.clone());
            found(
                Value::String(last),
                "default: the least severe (none found; set [import] default_severity)",
            )
        }
    }
}

/// The file's name without its Markdown extension.
fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for ext in [".md", ".markdown", ".mdown", ".mkd", ".txt"] {
        if name.len() > ext.len() && name.to_ascii_lowercase().ends_with(ext) {
            return name[..name.len() - ext.len()].to_string();
        }
    }
    name
}

/// An id at the start of a file name: letters then digits (`PM2023-001`,
/// `INC-1234`, `OPS_77`), ending at a space or a word.
fn id_in_name(stem: &str) -> Option<String> {
    let bytes = stem.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if !(1..=8).contains(&letters) {
        return None;
    }
    let mut end = letters;
    if matches!(bytes.get(end), Some(b'-' | b'_')) {
        end += 1;
    }
    let digits = bytes[end..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    end += digits;
    // Further groups of digits: `PM2023-001`.
    while matches!(bytes.get(end), Some(b'-' | b'_' | b'.'))
        && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
    {
        end += 1;
        end += bytes[end..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    }
    let id = &stem[..end];
    let after = bytes.get(end);
    let ends = after.is_none_or(|b| !b.is_ascii_alphanumeric());
    (ends && url::is_valid_slug(id)).then(|| id.to_string())
}

/// A title made of a file name: the id and separators taken off, the
/// first letter in capitals.
fn title_from_name(stem: &str) -> String {
    let mut rest = stem;
    if let Some(id) = id_in_name(stem) {
        rest = stem[id.len()..].trim_start_matches([' ', '-', '_', '–']);
        if rest.is_empty() {
            return id;
        }
    }
    let spaced: String = rest
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let spaced = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => stem.to_string(),
    }
}

fn words(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A report's file name in ASCII: `PM2023-001 - Total node failure` is
/// `pm2023-001-total-node-failure`.
fn slug_of(stem: &str) -> String {
    let ascii = deunicode::deunicode(stem);
    let mut slug = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug
        .trim_matches(['-', '.', '_'])
        .replace("-.", "-")
        .replace(".-", "-");
    slug.truncate(100);
    let slug = slug.trim_matches(['-', '.', '_']).to_string();
    if slug.is_empty() {
        "report".to_string()
    } else {
        slug
    }
}

/// The slugs of the library's reports, by file, so that an import does
/// not take a name it has.
fn existing_slugs(into: &Path) -> HashMap<String, PathBuf> {
    let content = into.join(layout::CONTENT);
    walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(into).ok()?.to_path_buf();
            Some((e.path().file_stem()?.to_string_lossy().into_owned(), rel))
        })
        .collect()
}

/// Gives each report its slug and file: `content/<year>/<slug>.md`, or
/// `content/undated/` for a draft without a date. A name taken by another
/// report gets `-2`, `-3`….
fn place(entries: &mut [Entry], taken: &HashMap<String, PathBuf>) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    for entry in entries.iter_mut() {
        let base = slug_of(&stem(&entry.source));
        let folder = entry
            .fields
            .get("date")
            .and_then(|f| f.value.as_str())
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or_else(|| "undated".to_string(), |t| t.year().to_string());
        let mut n = 1;
        loop {
            let slug = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let dest = Path::new(layout::CONTENT)
                .join(&folder)
                .join(format!("{slug}.md"));
            let elsewhere = taken.get(&slug).is_some_and(|at| *at != dest);
            if !elsewhere && used.insert(slug.clone()) {
                entry.slug = slug;
                entry.dest = dest;
                break;
            }
            n += 1;
        }
    }
}

/// Leaves an id only on the first report that has it.
fn distinct_ids(entries: &mut [Entry]) {
    let mut seen = BTreeSet::new();
    for entry in entries.iter_mut() {
        let Some(id) = entry
            .fields
            .get("id")
            .and_then(|f| f.value.as_str())
            .map(str::to_lowercase)
        else {
            continue;
        };
        if !seen.insert(id.clone()) {
            entry.fields.remove("id");
            entry
                .notes
                .push(format!("id {id:?} is another report's too: left out"));
        }
    }
}

/// Points each report's relative links at the new names, and says which
/// files to copy where (library-relative place, imported-folder path).
fn relink(entries: &mut [Entry], scanned: &scan::Scanned) -> Vec<(PathBuf, PathBuf)> {
    let reports: HashMap<PathBuf, (PathBuf, bool)> = entries
        .iter()
        .map(|e| (e.source.clone(), (e.dest.clone(), e.undated)))
        .collect();
    let lower: HashMap<String, PathBuf> = reports
        .keys()
        .map(|p| (p.to_string_lossy().to_lowercase(), p.clone()))
        .collect();
    let others: BTreeSet<&PathBuf> = scanned.others.iter().collect();
    let left_out: BTreeSet<&PathBuf> = scanned.left_out.iter().map(|(p, _)| p).collect();
    let mut copies: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for entry in entries.iter_mut() {
        let folder = entry.dest.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for link in links::relative_links(&entry.body, &entry.source) {
            let Some(target) = &link.target else {
                entry.notes.push(format!(
                    "link `{}` leads outside the imported folder: left as written",
                    link.written
                ));
                continue;
            };
            let report = find_report(target, &reports, &lower);
            if let Some((dest, undated)) = report {
                if undated && !entry.undated && !link.image {
                    if let Some(text) = link.text.clone() {
                        edits.push((link.whole.clone(), entry.body[text].to_string()));
                        entry.notes.push(format!(
                            "link to `{}`, a draft until it has a date: written as its text; link it again once that report is published",
                            link.written
                        ));
                    }
                    continue;
                }
                let new = format!("{}{}", links::path_between(&folder, &dest), link.suffix);
                edits.push((link.dest.clone(), links::destination(&new)));
                continue;
            }
            if others.contains(target) {
                let natural = links::normalise(
                    &folder.join(
                        target
                            .strip_prefix(entry.source.parent().unwrap_or(Path::new("")))
                            .unwrap_or(target),
                    ),
                );
                let natural = natural.filter(|p| {
                    p.starts_with(layout::CONTENT)
                        && copies.get(p).is_none_or(|from| from == target)
                });
                let place = natural
                    .unwrap_or_else(|| Path::new(layout::CONTENT).join("files").join(target));
                if copies.get(&place).is_some_and(|from| from != target) {
                    entry.notes.push(format!(
                        "link to `{}`: another file has its place; left as written",
                        link.written
                    ));
                    continue;
                }
                copies.insert(place.clone(), target.clone());
                let new = format!("{}{}", links::path_between(&folder, &place), link.suffix);
                let same =
                    crate::util::url::percent_decode(&link.written).is_some_and(|w| w == new);
                if !same {
                    edits.push((link.dest.clone(), links::destination(&new)));
                }
                continue;
            }
            let markdown = target.extension().is_some_and(|e| e == "md");
            if (left_out.contains(target) || markdown) && !link.image {
                if let Some(text) = link.text.clone() {
                    edits.push((link.whole.clone(), entry.body[text].to_string()));
                }
                let why = if left_out.contains(target) {
                    "which is not imported"
                } else {
                    "which is not in the imported folder"
                };
                entry.notes.push(format!(
                    "link to `{}`, {why}: written as its text",
                    link.written
                ));
                continue;
            }
            if !left_out.contains(target) {
                entry.notes.push(format!(
                    "link to `{}`, which is not in the imported folder: left as written",
                    link.written
                ));
            }
        }
        edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
        let mut last = usize::MAX;
        for (range, text) in edits {
            if range.end <= last && entry.body.get(range.clone()).is_some() {
                last = range.start;
                entry.body.replace_range(range, &text);
            }
        }
    }
    copies.into_iter().collect()
}

/// The report a link's path names: exactly, without `.md` (a report file
/// that has no extension), or in other letter case.
fn find_report(
    target: &Path,
    reports: &HashMap<PathBuf, (PathBuf, bool)>,
    lower: &HashMap<String, PathBuf>,
) -> Option<(PathBuf, bool)> {
    let bare = target.with_extension("");
    let with_md = PathBuf::from(format!("{}.md", target.display()));
    [target.to_path_buf(), bare, with_md]
        .iter()
        .find_map(|p| {
            reports.get(p).or_else(|| {
                lower
                    .get(&p.to_string_lossy().to_lowercase())
                    .and_then(|k| reports.get(k))
            })
        })
        .cloned()
}

#[cfg(test)]
mod tests;
