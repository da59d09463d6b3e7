//! The text an import writes: each report, its front matter in YAML our
//! build reads, and `import-report.md`, the table of where every value
//! came from.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Entry, ORDER};

/// The ledger's file name, beside `hindsight.toml`.
pub const LEDGER: &str = "import-report.md";

/// The ledger's first line, by which a later import knows the file is its
/// own to replace.
pub const LEDGER_TITLE: &str = "# Import report";

/// A report file: front matter, then the body.
pub fn report(entry: &Entry) -> String {
    let mut out = String::from("---\n");
    if entry.undated {
        out.push_str(
            "# Imported without a date: its text names none. Add `date` (when the\n\
             # impact began, e.g. 2023-01-17T12:30:00+03:00) and remove\n\
             # `status: draft` to publish it.\n",
        );
    }
    for key in ORDER {
        if let Some(f) = entry.fields.get(key) {
            out.push_str(&format!("{key}: {}\n", yaml(&f.value)));
        }
    }
    for (key, value) in &entry.extra {
        out.push_str(&format!("{}: {}\n", yaml_key(key), yaml(value)));
    }
    out.push_str("---\n\n");
    out.push_str(&entry.body);
    out
}

/// A key as YAML: as it is when it is a plain word.
fn yaml_key(key: &str) -> String {
    if plain(key) {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

/// A value as YAML: plain words and times as they are, other text in
/// double quotes (JSON's escapes are YAML's), lists of those in brackets,
/// anything else as JSON, which YAML reads.
fn yaml(value: &Value) -> String {
    match value {
        Value::String(s) if plain(s) || chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
            s.clone()
        }
        Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
            let items: Vec<String> = items.iter().map(yaml).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Whether text can stand in YAML without quotes and be read back as the
/// same text.
fn plain(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
}

/// `import-report.md`.
pub fn ledger(
    src: &Path,
    entries: &[Entry],
    copies: &[(PathBuf, PathBuf)],
    left_out: &[(PathBuf, String)],
    failed: &[super::Failure],
) -> String {
    let drafts = entries.iter().filter(|e| e.undated).count();
    let mut out = format!(
        "{LEDGER_TITLE}\n\n\
         `hindsight import` read `{}` and wrote its reports into `content/`. \
         The tables say where each value came from: check the guesses (the \
         rows that say *default*, *mentioned* or *file name* first), then \
         run `hindsight check`. A build does not read this file; delete it \
         when you are done.\n\n",
        src.display()
    );
    out.push_str(&format!(
        "- {} reports: {} to publish, {} drafts without a date\n\
         - {} files copied that reports link to\n\
         - {} files left out\n\
         - {} files that could not be imported\n\n",
        entries.len(),
        entries.len() - drafts,
        drafts,
        copies.len(),
        left_out.len(),
        failed.len()
    ));
    let review: Vec<&Entry> = entries.iter().filter(|e| !e.notes.is_empty()).collect();
    if !review.is_empty() || !failed.is_empty() {
        out.push_str("## To review\n\n");
        for failure in failed {
            let at = if failure.line > 0 {
                format!(" (line {})", failure.line)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "- `{}`{at}: **not imported**: {}\n",
                failure.path.display(),
                cell(&failure.message)
            ));
        }
        for e in review {
            for note in &e.notes {
                out.push_str(&format!(
                    "- `{}`: {}\n",
                    e.dest.display(),
                    note.replace('\n', " ")
                ));
            }
        }
        out.push('\n');
    }
    out.push_str("## Reports\n\n");
    for e in entries {
        out.push_str(&format!(
            "### `{}`\n\nfrom `{}`\n\n| field | value | from |\n|---|---|---|\n",
            e.dest.display(),
            e.source.display()
        ));
        for key in ORDER {
            if let Some(f) = e.fields.get(key) {
                out.push_str(&format!(
                    "| {key} | {} | {} |\n",
                    cell(&shown(&f.value)),
                    cell(&f.from)
                ));
            }
        }
        for (key, value) in &e.extra {
            out.push_str(&format!(
                "| {} | {} | kept as it was |\n",
                cell(key),
                cell(&shown(value))
            ));
        }
        out.push('\n');
    }
    if !copies.is_empty() {
        out.push_str("## Files copied\n\n| file | to |\n|---|---|\n");
        for (to, from) in copies {
            out.push_str(&format!(
                "| `{}` | `{}` |\n",
                cell(&from.display().to_string()),
                cell(&to.display().to_string())
            ));
        }
        out.push('\n');
    }
    if !left_out.is_empty() {
        out.push_str("## Left out\n\n| file | why |\n|---|---|\n");
        for (path, why) in left_out {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                cell(&path.display().to_string()),
                cell(why)
            ));
        }
        out.push('\n');
    }
    out
}

/// A value as a table shows it: text as it is, shortened.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    };
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(90).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

/// Text that cannot break a table row.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_plain_only_where_yaml_reads_them_back() {
        assert_eq!(yaml(&"SEV2".into()), "SEV2");
        assert_eq!(yaml(&"2023-02-13T07:30:00Z".into()), "2023-02-13T07:30:00Z");
        assert_eq!(yaml(&"yes".into()), "\"yes\"");
        assert_eq!(yaml(&"2023".into()), "\"2023\"");
        assert_eq!(yaml(&"a: b # c".into()), "\"a: b # c\"");
        assert_eq!(
            yaml(&serde_json::json!(["k8s", "Data Center"])),
            "[k8s, \"Data Center\"]"
        );
        assert_eq!(
            yaml(&serde_json::json!([{"url": "https://x.test"}])),
            "[{\"url\":\"https://x.test\"}]"
        );
        assert_eq!(yaml_key("severity level"), "\"severity level\"");
    }
}
