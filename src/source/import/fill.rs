//! A report's fields completed: what front matter did not give, from
//! what the text says, then from the file name and the defaults; and the
//! moments and lists a build would refuse, left out or cut.

use chrono::DateTime;
use serde_json::Value;

use super::fields::{catalogue_in, clean_text, rfc3339, service_of, severity_of};
use super::infer::{self, Found, words};
use super::names::{id_in_name, stem, strip_id_from_title, title_from_name};
use super::{Entry, found};
use crate::config::Config;
use crate::util::url;

/// Fills what front matter did not give from what the text says, then
/// from the file name and the defaults.
pub(super) fn fill(
    entry: &mut Entry,
    inferred: infer::Inferred,
    config: &Config,
    body: &mut String,
) {
    let mut inferred = cleaned(inferred);
    let stem = stem(&entry.source);
    let has = |entry: &Entry, key: &str| entry.fields.contains_key(key);
    let string = |f: Found<String>| found(Value::String(f.value), f.from);
    title(entry, &mut inferred, &stem, body);
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
        let severity = severity(entry, inferred.severity.take(), config);
        entry.fields.insert("severity", severity);
    }
    if !has(entry, "services") {
        let services = services(entry, inferred.services.take(), &inferred.summary, config);
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
    fit_limits(entry, &config.limits);
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

/// The title from front matter, else the text, else the file name; the
/// text's title line is taken out of the body when it says the title.
fn title(entry: &mut Entry, inferred: &mut infer::Inferred, stem: &str, body: &mut String) {
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
    if !entry.fields.contains_key("title") {
        let title = match inferred.title.take() {
            Some(f) => found(Value::String(f.value), f.from),
            None => found(
                Value::String(clean_text(&title_from_name(stem))),
                "file name",
            ),
        };
        entry.fields.insert("title", title);
    }
}

/// The severity the text names, mapped onto the configured ones, or the
/// default; one that maps onto none is said.
fn severity(entry: &mut Entry, named: Option<Found<String>>, config: &Config) -> Found<Value> {
    let mapped = named.and_then(|f| match severity_of(&f.value, config) {
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
    mapped.unwrap_or_else(|| default_severity(config))
}

/// The services a labelled line names, else the catalogue's services the
/// title or summary names, else the default.
fn services(
    entry: &Entry,
    named: Option<Found<Vec<String>>>,
    summary: &Option<Found<String>>,
    config: &Config,
) -> Found<Value> {
    let named = named.map(|f| {
        let list: Vec<Value> = f
            .value
            .iter()
            .filter(|n| !url::slugify(n).is_empty())
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
        summary.as_ref().map_or("", |s| s.value.as_str())
    );
    let catalogue = catalogue_in(&title_and_summary, config);
    named
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
        })
}

/// What the text says, without the control characters a page may not hold
/// (the body keeps them: the build shows them as U+FFFD, with a warning).
fn cleaned(mut inferred: infer::Inferred) -> infer::Inferred {
    let text = |f: Option<Found<String>>| {
        f.map(|f| Found {
            value: clean_text(&f.value),
            from: f.from,
        })
        .filter(|f| !f.value.is_empty())
    };
    let list = |f: Option<Found<Vec<String>>>| {
        f.map(|f| Found {
            value: f
                .value
                .iter()
                .map(|v| clean_text(v))
                .filter(|v| !v.is_empty())
                .collect(),
            from: f.from,
        })
    };
    inferred.title = text(inferred.title.take());
    inferred.summary = text(inferred.summary.take());
    inferred.severity = text(inferred.severity.take());
    inferred.id = text(inferred.id.take());
    inferred.services = list(inferred.services.take());
    inferred.tags = list(inferred.tags.take());
    inferred.authors = list(inferred.authors.take());
    inferred
}

/// Shortens lists past `[limits]`, which the build would refuse: each
/// list to `entries`, aliases to `aliases`, and tags, then services, until
/// the pages the report adds are within `pages`.
fn fit_limits(entry: &mut Entry, limits: &crate::config::Limits) {
    let len = |entry: &Entry, key: &str| match entry.fields.get(key).map(|f| &f.value) {
        Some(Value::Array(items)) => items.len(),
        _ => 0,
    };
    let cut = |entry: &mut Entry, key: &str, most: usize| {
        if let Some(Value::Array(items)) = entry.fields.get_mut(key).map(|f| &mut f.value)
            && items.len() > most
        {
            let had = items.len();
            items.truncate(most);
            entry.notes.push(format!(
                "`{key}` had {had} entries: the first {most} are kept ([limits])"
            ));
            if most == 0 {
                entry.fields.remove(key);
            }
        }
    };
    for key in ["services", "tags", "authors", "teams", "related", "links"] {
        cut(entry, key, limits.entries);
    }
    cut(entry, "aliases", limits.aliases.min(limits.entries));
    let fixed = 1 + usize::from(entry.fields.contains_key("id")) + len(entry, "aliases");
    let room = limits.pages.saturating_sub(fixed);
    if len(entry, "services") + len(entry, "tags") > room {
        let services = len(entry, "services").min(room.saturating_sub(1).max(1));
        cut(entry, "services", services);
        cut(entry, "tags", room.saturating_sub(services));
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
