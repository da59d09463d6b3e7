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

mod fields;
mod fill;
mod infer;
mod links;
mod matter;
mod names;
mod scan;
mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::DateTime;
use serde_json::Value;

use crate::config::{Config, Zone};
// The front-matter keys, in the order they are written.
use crate::config::FRONT_MATTER_KEYS as ORDER;
use crate::util::layout;

use fields::{clean, clean_text, convert, same_term};
use infer::Found;
use names::{distinct_ids, existing, place, relate};
pub use write::LEDGER;

/// What `hindsight import` is asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print what would be written, and write nothing.
    pub dry_run: bool,
    /// Glob patterns of files and folders to leave out.
    pub exclude: Vec<String>,
}

/// A file that could not be imported: where (relative to the imported
/// folder; line and column 1-based, 0 where unknown) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Failure {
    /// `path:line:column: message`, as diagnostics are printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column.max(1))?;
        }
        write!(f, ": {}", self.message)
    }
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
    pub failed: Vec<Failure>,
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
            Err(why) => outcome.failed.push(Failure {
                path: rel.clone(),
                line: why.line,
                column: why.column,
                message: why.message,
            }),
        }
    }
    let library = existing(into);
    place(&mut entries, &library.slugs);
    distinct_ids(&mut entries, &library.ids);
    relate(&mut entries, &library.slugs);
    let copies = links::relink(&mut entries, &scanned);
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
    // A new library gets what `init` would write but the sample report.
    if config_missing(into) {
        files.push((
            crate::config::FILE_NAME.into(),
            super::init::CONFIG.as_bytes().to_vec(),
        ));
        if !into.join(".gitignore").exists() {
            files.push((".gitignore".into(), super::init::gitignore().into_bytes()));
        }
    }
    files.push((LEDGER.into(), outcome.ledger.clone().into_bytes()));
    for (rel, bytes) in files {
        save(into, &rel, &bytes, &mut outcome)?;
    }
    Ok(outcome)
}

/// One file imported alone, in a library with `config` and no other
/// report: where it would be written (relative to the library) and its
/// text. Its links are left as written. The text always passes the
/// build's reading of a report, which the `import` fuzz target holds it to.
pub fn one(
    rel: &Path,
    bytes: &[u8],
    config: &Config,
) -> std::result::Result<(PathBuf, String), String> {
    let mut entry = read_entry(rel, bytes, config).map_err(|e| e.message)?;
    let entries = std::slice::from_mut(&mut entry);
    place(entries, &std::collections::HashMap::new());
    relate(entries, &std::collections::HashMap::new());
    Ok((entry.dest.clone(), write::report(&entry)))
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

fn found<T>(value: T, from: impl Into<String>) -> Found<T> {
    Found {
        value,
        from: from.into(),
    }
}

/// Reads one file: its front matter mapped, the rest inferred from its
/// text, defaults where neither says.
fn read_entry(
    rel: &Path,
    bytes: &[u8],
    config: &Config,
) -> std::result::Result<Entry, matter::Unreadable> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        matter::Unreadable {
            line,
            column,
            message: "not UTF-8 text: save it as UTF-8 and import again".into(),
        }
    })?;
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
    fill::fill(&mut entry, inferred, config, &mut body);
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
            keep(entry, key, value);
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
    // A key is text a page may show (`page.extra`), so it is cleaned too.
    let key = clean_text(key);
    if key.is_empty() {
        return;
    }
    let name = if ORDER.contains(&key.as_str()) {
        format!("original_{key}")
    } else {
        key
    };
    entry.extra.insert(name, clean(value));
}

#[cfg(test)]
mod tests;
