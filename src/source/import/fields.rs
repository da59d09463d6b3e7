//! The values of another tool's front matter as the values of our fields:
//! times read in their zone, severities mapped onto the configured ones,
//! services onto the catalogue, links kept where a page may carry them.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use super::matter;
use crate::config::{Config, Zone};
use crate::source::timeline;
use crate::util::url;

/// A value of another tool's as the value of our field `ours`: `Ok(None)`
/// when it is empty, `Err` when it cannot be one.
pub(super) fn convert(
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
        "visibility" => {
            let t = text().ok_or("not text")?.to_lowercase();
            if !["internal", "public"].contains(&t.as_str()) {
                return Err(format!("{t:?} is not internal or public"));
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
pub(super) fn same_term(a: &Value, b: &Value) -> bool {
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
    // What the build takes as a link, and nothing a page may not show.
    let usable = |u: &str| {
        crate::util::url::link_problem(u).is_none() && !u.contains(crate::util::text::is_forbidden)
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

/// Text without the characters a page may not hold (the build's own
/// rule: control characters and noncharacters).
pub(super) fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| !crate::util::text::is_forbidden(*c))
        .collect::<String>()
        .trim()
        .to_string()
}

pub(super) fn clean(value: &Value) -> Value {
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
pub(super) struct Read {
    pub(super) at: DateTime<FixedOffset>,
    /// Only the day was written: midnight is assumed.
    pub(super) day_only: bool,
    /// No offset was written and no zone is set: UTC is assumed.
    pub(super) utc_assumed: bool,
}

impl Read {
    /// What the reviewer should know about how it was read.
    pub(super) fn said(&self) -> Option<String> {
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
pub(super) fn when(text: &str, zone: Option<Zone>) -> Option<Read> {
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

pub(super) fn rfc3339(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A severity as written (`SEV2`, `sev 1`, `P1`, `high`, `Critical`) as
/// one of the configured ones: by id, by label, by number (`P1` and
/// `SEV1` are the first where ids carry no number), or by a common word.
pub(super) fn severity_of(text: &str, config: &Config) -> Option<String> {
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
pub(super) fn service_of(name: &str, config: &Config) -> Option<String> {
    let found = config.services.iter().find(|(id, s)| {
        id.eq_ignore_ascii_case(name) || (!s.name.is_empty() && s.name.eq_ignore_ascii_case(name))
    });
    Some(found.map_or_else(|| name.to_string(), |(id, _)| id.clone()))
}

/// Catalogue services whose id or name the text names as a word.
pub(super) fn catalogue_in(text: &str, config: &Config) -> Vec<String> {
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
