//! Help for writing postmortems: `hindsight new` starts a report from the
//! theme's template with valid front matter, and `hindsight schema` gives
//! editors a JSON Schema of the front matter, so their YAML plugins check
//! and complete it as people type.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, FixedOffset, Offset, Timelike, Utc};
use serde_json::{Value, json};

use crate::config::{Config, Severity};
use crate::source::CONTENT_DIR;

/// The theme's template for a new report; a site overrides it with its own
/// `templates/new.md`. `{{ title }}`, `{{ date }}`, `{{ severity }}`,
/// `{{ services }}`, `{{ slug }}` and `{{ year }}` are filled in (`title`
/// and `services` as YAML values).
pub const NEW_TEMPLATE: &str = include_str!("../../themes/default/templates/new.md");

/// What `hindsight new` is asked for.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub slug: String,
    pub title: String,
    pub severity: String,
    pub services: Vec<String>,
    /// When the impact started; now, in the configured offset, when `None`.
    pub date: Option<DateTime<FixedOffset>>,
    /// The report's id, for its short link `/i/<id>/`.
    pub id: Option<String>,
}

/// The start of impact `new --date` means: `2024-05-01` (midnight), or a
/// time as front matter writes it (`2024-05-01T09:40`, an offset or
/// not), read in the configured `timezone` (UTC without one).
pub fn parse_date(config: &Config, text: &str) -> Result<DateTime<FixedOffset>> {
    let text = text.trim();
    let zone = config
        .zone()
        .unwrap_or(crate::util::zone::Zone::Fixed(Utc.fix()));
    let full = if text.len() == 10 {
        format!("{text}T00:00")
    } else {
        text.to_string()
    };
    crate::source::postmortem::parse_time(&full, Some(zone)).map_err(|e| match e {
        crate::source::postmortem::TimeError::Skipped(tz) => {
            anyhow::anyhow!("{text} does not exist in {tz} (the clocks skip it)")
        }
        _ => anyhow::anyhow!(
            "`{text}` is not a date: write 2024-05-01, or a time such as 2024-05-01T09:40 \
             or 2024-05-01T09:40:00+02:00"
        ),
    })
}

/// Writes `content/<yyyy>/<slug>.md` under `root` and returns its path.
/// Refuses to overwrite a file, a slug that cannot be a URL, an unknown
/// severity and an empty service list.
pub fn new_report(root: &Path, config: &Config, new: &NewReport) -> Result<PathBuf> {
    let severity = checked(config, new)?;
    let date = start_of(config, new);
    let year = date.format("%Y").to_string();
    let path = free_path(root, new, &year)?;
    let text = template(root, config)
        .replace("{{ title }}", &yaml_string(&new.title))
        .replace("{{ date }}", &date.to_rfc3339())
        .replace("{{ severity }}", &severity.id)
        .replace("{{ services }}", &services_yaml(&new.services))
        .replace("{{ slug }}", &new.slug)
        .replace("{{ year }}", &year);
    let text = match &new.id {
        Some(id) => with_id(&text, id),
        None => text,
    };
    if let Some(parent) = path.parent() {
        crate::util::fs::create_dir_all(parent)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(path)
}

/// The severity asked for, once the slug, the severity and the services
/// are known to make a valid report.
fn checked<'c>(config: &'c Config, new: &NewReport) -> Result<&'c Severity> {
    if !crate::util::url::is_valid_slug(&new.slug) {
        let suggestion = crate::util::url::slugify(&new.slug);
        bail!(
            "`{}` cannot be a report's URL: use ASCII letters, digits, `-`, `_` and `.`{}",
            new.slug,
            if suggestion.is_empty() {
                String::new()
            } else {
                format!(", e.g. `{suggestion}`")
            }
        );
    }
    let Some(severity) = config
        .severities
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(new.severity.trim()))
    else {
        let ids: Vec<&str> = config.severities.iter().map(|s| s.id.as_str()).collect();
        let hint = crate::diagnostics::did_you_mean(&new.severity, ids.iter().copied())
            .map(|s| format!("did you mean {s}? "))
            .unwrap_or_default();
        bail!(
            "unknown severity `{}`: {hint}expected one of {}",
            new.severity,
            ids.join(", ")
        );
    };
    if new.services.iter().all(|s| s.trim().is_empty()) {
        bail!("a report needs at least one service: --service NAME");
    }
    if let Some(id) = &new.id
        && !crate::util::url::is_valid_slug(id)
    {
        bail!(
            "`{id}` cannot be an id, which is a short link: use ASCII letters, digits, `-`, `_` \
             and `.`, e.g. INC-2024-017"
        );
    }
    Ok(severity)
}

/// When the impact started, to the minute, in the configured offset (UTC
/// without one); now, when not given.
fn start_of(config: &Config, new: &NewReport) -> DateTime<FixedOffset> {
    let offset = config.default_offset().unwrap_or(Utc.fix());
    let date = new
        .date
        .unwrap_or_else(|| Utc::now().with_timezone(&offset))
        .with_timezone(&offset);
    date.with_nanosecond(0)
        .unwrap_or(date)
        .with_second(0)
        .unwrap_or(date)
}

/// `text`, a new report, with `id: <id>` in its front matter: after its
/// title, or first when no line starts with `title:` (a site's own
/// template may lack one).
fn with_id(text: &str, id: &str) -> String {
    let line = format!("id: {id}\n");
    let mut out = String::with_capacity(text.len() + line.len());
    let mut done = false;
    let mut opened = false;
    for l in text.split_inclusive('\n') {
        out.push_str(l);
        if done {
            continue;
        }
        if !opened && l.trim_end() == "---" {
            opened = true;
            continue;
        }
        if opened && l.starts_with("title:") {
            out.push_str(&line);
            done = true;
        }
    }
    if !done {
        // No title line: just after the opening `---`.
        let at = text.find('\n').map_or(0, |i| i + 1);
        let mut out = text.to_string();
        out.insert_str(at, &line);
        return out;
    }
    out
}

/// `content/<year>/<slug>.md`, unless that file or another report with the
/// slug exists.
fn free_path(root: &Path, new: &NewReport, year: &str) -> Result<PathBuf> {
    let path = root
        .join(CONTENT_DIR)
        .join(year)
        .join(format!("{}.md", new.slug));
    if path.exists() {
        bail!(
            "`{}` exists already; choose another slug or edit that file",
            path.display()
        );
    }
    // The slug is the URL, whichever year's folder holds the file.
    if let Some(other) = report_with_slug(&root.join(CONTENT_DIR), &new.slug) {
        bail!(
            "`{}` has the slug `{}` already; choose another slug, as two reports cannot share a URL",
            other.display(),
            new.slug
        );
    }
    Ok(path)
}

/// The template of a new report: the site's own, else its theme's, else
/// the built-in one.
fn template(root: &Path, config: &Config) -> String {
    let theme_template = root
        .join("themes")
        .join(&config.theme)
        .join("templates/new.md");
    std::fs::read_to_string(root.join("templates/new.md"))
        .or_else(|_| std::fs::read_to_string(theme_template))
        .unwrap_or_else(|_| NEW_TEMPLATE.to_string())
}

/// The services that are not blank, as a YAML list.
fn services_yaml(services: &[String]) -> String {
    let services: Vec<String> = services
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| yaml_string(s.trim()))
        .collect();
    format!("[{}]", services.join(", "))
}

/// A YAML double-quoted scalar: JSON's string syntax is valid YAML.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The JSON Schema (draft 2020-12) of a report's front matter, with the
/// configured severities, and the declared services when
/// `strict_services` is on, as enums.
pub fn schema(config: &Config) -> Value {
    let severities: Vec<&str> = config.severities.iter().map(|s| s.id.as_str()).collect();
    let mut service = json!({ "type": "string", "minLength": 1 });
    if config.strict_services && !config.services.is_empty() {
        let names: Vec<&str> = config.services.keys().map(String::as_str).collect();
        service = json!({ "enum": names });
    }
    let time = json!({
        "type": "string",
        "description": "RFC 3339 with an offset, e.g. 2023-01-17T12:30:00+03:00",
        "pattern": "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|z|[+-]\\d{2}:?\\d{2})?$"
    });
    let text = json!({ "type": "string" });
    let list = json!({
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } }
        ]
    });
    let mut properties = serde_json::Map::new();
    let mut put = |key: &str, value: Value| {
        properties.insert(key.to_string(), value);
    };
    put(
        "title",
        json!({ "type": "string", "minLength": 1, "description": "The report's title" }),
    );
    put("date", merge(&time, "When impact started"));
    put("detected", merge(&time, "First alert or human aware"));
    put("mitigated", merge(&time, "Impact stopped growing"));
    put("resolved", merge(&time, "Back to normal"));
    put(
        "severity",
        json!({ "enum": severities, "description": "One of the severities of hindsight.toml" }),
    );
    put(
        "services",
        json!({ "anyOf": [service.clone(), { "type": "array", "minItems": 1, "items": service }] }),
    );
    put(
        "id",
        json!({ "type": ["string", "integer"], "description": "A short id, e.g. INC-2023-001: gives /i/<id>/" }),
    );
    put(
        "status",
        json!({ "enum": ["draft", "review", "published"] }),
    );
    put(
        "visibility",
        json!({ "enum": ["internal", "public"], "description": "Whether the public edition holds the report too" }),
    );
    for key in ["authors", "teams", "tags", "related", "aliases"] {
        put(key, list.clone());
    }
    put(
        "timezone",
        json!({ "type": "string", "minLength": 1, "description": "Where times without an offset are read: an IANA name (Europe/Copenhagen) or an offset (+03:00, Z)" }),
    );
    put("summary", text.clone());
    put("impact", text);
    put(
        "action_items",
        json!({ "type": "array", "items": { "anyOf": [{ "type": "string", "minLength": 1 }, action_item()] } }),
    );
    // A ticket stands for a link once `[tickets]` says where tickets are.
    let link = if config.tickets.is_empty() {
        json!({ "type": "string", "pattern": "^([hH][tT][tT][pP][sS]?://[^/?#\\s]+|[mM][aA][iI][lL][tT][oO]:\\S)\\S*$" })
    } else {
        json!({ "type": "string", "pattern": "^(([hH][tT][tT][pP][sS]?://[^/?#\\s]+|[mM][aA][iI][lL][tT][oO]:\\S)\\S*|[A-Z][A-Z0-9_]*-[0-9]+|#[0-9]+)$" })
    };
    put(
        "links",
        json!({ "anyOf": [link.clone(), { "type": "array", "items": { "anyOf": [link.clone(), {
            "type": "object", "required": ["url"],
            "properties": { "url": link, "title": { "type": "string" } }
        }] } }] }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{}: postmortem front matter", config.title),
        "type": "object",
        "required": ["title", "severity", "services"],
        "properties": properties,
        "additionalProperties": true,
        // `date` too, except in a draft, which may wait for it.
        "if": {
            "properties": { "status": { "const": "draft" } },
            "required": ["status"]
        },
        "else": { "required": ["date"] }
    })
}

/// An entry of `action_items:` written as a mapping.
fn action_item() -> Value {
    let text = json!({ "type": "string" });
    json!({
        "type": "object",
        "required": ["text"],
        "additionalProperties": false,
        "properties": {
            "text": { "type": "string", "minLength": 1 },
            "owner": text.clone(),
            "ticket": text,
            "tickets": { "type": "array", "items": { "type": "string" } },
            "type": { "enum": ["prevent", "mitigate", "detect", "process"] },
            "priority": { "type": ["string", "integer"] },
            "due": { "type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$" },
            "status": { "enum": ["todo", "open", "done", "closed", "wontfix", "won't fix"] }
        }
    })
}

fn merge(base: &Value, description: &str) -> Value {
    let mut v = base.clone();
    v["description"] = Value::from(description);
    v
}

/// A report under `content` whose slug (file name) is `slug`, compared
/// without case as URLs are on some hosts.
fn report_with_slug(content: &Path, slug: &str) -> Option<PathBuf> {
    walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            let path = e.path();
            path.extension().is_some_and(|x| x == "md")
                && path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|s| s.eq_ignore_ascii_case(slug))
        })
        .map(|e| e.into_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_report_has_valid_front_matter_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::parse("timezone = \"+03:00\"\n").unwrap();
        let new = NewReport {
            slug: "2024-05-01-db-failover".into(),
            title: "DB \"failover\": it broke".into(),
            severity: "sev2".into(),
            services: vec!["payments".into(), "db".into()],
            date: DateTime::parse_from_rfc3339("2024-05-01T09:15:42Z").ok(),
            id: None,
        };
        let path = new_report(dir.path(), &config, &new).unwrap();
        assert_eq!(
            path,
            dir.path().join("content/2024/2024-05-01-db-failover.md")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("title: \"DB \\\"failover\\\": it broke\"\n"),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with("date: 2024-05-01T12:15:00+03:00 ")),
            "{text}"
        );
        assert!(text.contains("severity: SEV2\n"), "{text}");
        assert!(
            text.contains("services: [\"payments\", \"db\"]\n"),
            "{text}"
        );
        assert!(text.contains("## Timeline"), "{text}");
        let again = new_report(dir.path(), &config, &new)
            .unwrap_err()
            .to_string();
        assert!(again.contains("exists already"), "{again}");
        let bad = NewReport {
            severity: "SEV9".into(),
            slug: "x".into(),
            ..new.clone()
        };
        let e = new_report(dir.path(), &config, &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean SEV1?"), "{e}");
        let bad = NewReport {
            slug: "Bad Name".into(),
            ..new
        };
        let e = new_report(dir.path(), &config, &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`bad-name`"), "{e}");
    }

    #[test]
    fn an_id_goes_after_the_title_or_first() {
        assert_eq!(
            with_id("---\ntitle: \"A\"\ndate: x\n---\n", "INC-1"),
            "---\ntitle: \"A\"\nid: INC-1\ndate: x\n---\n"
        );
        assert_eq!(
            with_id("---\ndate: x\n---\n", "INC-1"),
            "---\nid: INC-1\ndate: x\n---\n"
        );
    }

    #[test]
    fn dates_are_days_or_times_in_the_configured_zone() {
        let config = Config::parse("timezone = \"Europe/Copenhagen\"\n").unwrap();
        let at = |t: &str| parse_date(&config, t).map(|d| d.to_rfc3339());
        assert_eq!(at("2024-05-01").unwrap(), "2024-05-01T00:00:00+02:00");
        assert_eq!(at("2024-01-10T09:40").unwrap(), "2024-01-10T09:40:00+01:00");
        assert_eq!(
            at("2024-01-10 09:40:00Z").unwrap(),
            "2024-01-10T09:40:00+00:00"
        );
        assert!(
            at("yesterday")
                .unwrap_err()
                .to_string()
                .contains("is not a date")
        );
        assert!(
            at("2024-03-31T02:30")
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
        let utc = Config::parse("").unwrap();
        assert_eq!(
            parse_date(&utc, "2024-05-01").unwrap().to_rfc3339(),
            "2024-05-01T00:00:00+00:00"
        );
    }
}
