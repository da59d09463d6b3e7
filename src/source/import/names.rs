//! Names: a report's slug and file under `content/<year>/`, its id and a
//! title from a file name, and no two reports with the same of either.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike};
use serde_json::Value;

use super::Entry;
use crate::util::{layout, url};

/// The file's name without its Markdown extension.
pub(super) fn stem(path: &Path) -> String {
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
pub(super) fn id_in_name(stem: &str) -> Option<String> {
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
pub(super) fn title_from_name(stem: &str) -> String {
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
    let spaced = crate::util::text::fold_spaces(&spaced);
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => stem.to_string(),
    }
}

/// A report's file name in ASCII: `PM2023-001 - Total node failure` is
/// `pm2023-001-total-node-failure`.
pub(super) fn slug_of(stem: &str) -> String {
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

/// The reports a library has already: by slug, and by id (both in lower
/// case, as the build compares them), each with its file relative to the
/// library folder.
#[derive(Debug, Default)]
pub(super) struct Existing {
    pub(super) slugs: HashMap<String, PathBuf>,
    pub(super) ids: HashMap<String, PathBuf>,
}

/// The reports under `into`'s `content/`, so that an import takes neither
/// a name nor an id one has.
pub(super) fn existing(into: &Path) -> Existing {
    let mut found = Existing::default();
    let files = walkdir::WalkDir::new(into.join(layout::CONTENT))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"));
    for file in files {
        let Ok(rel) = file.path().strip_prefix(into).map(Path::to_path_buf) else {
            continue;
        };
        if let Some(stem) = file.path().file_stem() {
            found
                .slugs
                .insert(stem.to_string_lossy().to_lowercase(), rel.clone());
        }
        if let Some(id) = std::fs::read_to_string(file.path())
            .ok()
            .and_then(|text| id_of(&text))
        {
            found.ids.insert(id.to_lowercase(), rel);
        }
    }
    found
}

/// The `id` a report's front matter gives, if it reads.
fn id_of(text: &str) -> Option<String> {
    let split = crate::source::frontmatter::split(text).ok()?;
    let fields = crate::source::frontmatter::parse(split.matter, split.matter_line).ok()?;
    fields
        .iter()
        .find(|(key, _)| key == "id")
        .and_then(|(_, field)| field.value.as_text())
}

/// Gives each report its slug and file: `content/<year>/<slug>.md`, or
/// `content/undated/` for a draft without a date. A name taken by another
/// report gets `-2`, `-3`….
pub(super) fn place(entries: &mut [Entry], taken: &HashMap<String, PathBuf>) {
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

/// Leaves an id only on the first report that has it, and off a report
/// whose id another report of the library (`taken`, not the file it is
/// written to) has.
pub(super) fn distinct_ids(entries: &mut [Entry], taken: &HashMap<String, PathBuf>) {
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
        let elsewhere = taken.get(&id).is_some_and(|at| *at != entry.dest);
        if !seen.insert(id.clone()) || elsewhere {
            entry.fields.remove("id");
            entry
                .notes
                .push(format!("id {id:?} is another report's too: left out"));
        }
    }
}

/// `PM2023-001 - Total node failure` is `Total node failure` when the
/// report's id is `PM2023-001`: the page shows the id beside it.
pub(super) fn strip_id_from_title(entry: &mut Entry) {
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

/// Points each report's `related` at the new slugs: an entry may name
/// another imported report by its old file name, its slug or its id, or a
/// report the library has (`library`, by slug). Any other entry would be
/// an error of the build: it is left out, and said.
pub(super) fn relate(entries: &mut [Entry], library: &HashMap<String, PathBuf>) {
    let mut names: HashMap<String, String> = HashMap::new();
    for entry in entries.iter() {
        let id = entry.fields.get("id").and_then(|f| f.value.as_str());
        for name in [
            Some(stem(&entry.source)),
            Some(entry.slug.clone()),
            id.map(String::from),
        ]
        .into_iter()
        .flatten()
        {
            names
                .entry(name.to_lowercase())
                .or_insert_with(|| entry.slug.clone());
        }
    }
    for entry in entries.iter_mut() {
        let Some(field) = entry.fields.get_mut("related") else {
            continue;
        };
        let Value::Array(items) = &field.value else {
            continue;
        };
        let mut kept = Vec::new();
        for item in items.iter().filter_map(Value::as_str) {
            let name = item.trim().trim_end_matches(".md");
            let name = name.rsplit('/').next().unwrap_or(name);
            let found = names
                .get(&name.to_lowercase())
                .cloned()
                .or_else(|| library.contains_key(name).then(|| name.to_string()));
            match found {
                Some(slug)
                    if slug != entry.slug && !kept.contains(&Value::String(slug.clone())) =>
                {
                    kept.push(Value::String(slug));
                }
                Some(_) => {}
                None => entry.notes.push(format!(
                    "related report {item:?} is not in the library: left out"
                )),
            }
        }
        if kept.is_empty() {
            entry.fields.remove("related");
        } else {
            field.value = Value::Array(kept);
        }
    }
}
