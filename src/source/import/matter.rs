//! Other tools' front matter: found at the top of a file (YAML between
//! `---` lines, TOML between `+++` lines as Hugo and Zola write it, or a
//! JSON object), read with gray_matter, and its keys sorted into the ones
//! that stand for a field of ours and the ones kept as they are.

use std::collections::BTreeMap;

use gray_matter::Pod;
use gray_matter::engine::{Engine, JSON, TOML, YAML};
use serde_json::{Map, Number, Value};

/// The front matter a file starts with, and the Markdown after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Matter {
    /// Which notation it was written in: `YAML`, `TOML` or `JSON`.
    pub format: &'static str,
    /// Its keys and values, in the order of their names (gray_matter keeps
    /// no order).
    pub data: Map<String, Value>,
}

/// A file cut into its front matter, if any, and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut<'a> {
    pub matter: Option<Matter>,
    pub body: &'a str,
    /// The file line on which `body` starts.
    pub body_line: usize,
}

/// Why front matter could not be read, and where: a 1-based file line and
/// column, 0 where the parser does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Cuts `text` (line feeds only) at the end of its front matter. A file
/// whose first line opens front matter that is never closed has none: its
/// first line is Markdown (a `---` rule). Front matter that does not parse
/// is an error with the parser's words, at the line of the file they name.
pub fn cut(text: &str) -> Result<Cut<'_>, Unreadable> {
    let first = text.lines().next().unwrap_or_default().trim_end();
    let fenced = match first {
        "---" => Some(("---", "YAML")),
        "+++" => Some(("+++", "TOML")),
        _ => None,
    };
    if let Some((fence, format)) = fenced {
        let Some((matter, body, body_line)) = fenced_matter(text, fence) else {
            return Ok(whole(text));
        };
        let pod = match format {
            "TOML" => TOML::parse(matter),
            _ => YAML::parse(matter),
        }
        .map_err(|e| unreadable(format, matter, &e.to_string()))?;
        return Ok(Cut {
            matter: Some(Matter {
                format,
                data: into_map(pod),
            }),
            body,
            body_line,
        });
    }
    if first.starts_with('{') {
        // A JSON object first (Hugo writes it so): it ends where the
        // parser says, and the body starts on the next line.
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        if let Some(Ok(Value::Object(_))) = values.next() {
            let end = values.byte_offset();
            let matter = &text[..end];
            let pod =
                JSON::parse(matter).map_err(|e| unreadable("JSON", matter, &e.to_string()))?;
            let rest = &text[end..];
            let (body, skipped) = match rest.find('\n') {
                Some(i) if rest[..i].trim().is_empty() => (&rest[i + 1..], 1),
                _ => (rest, 0),
            };
            return Ok(Cut {
                matter: Some(Matter {
                    format: "JSON",
                    data: into_map(pod),
                }),
                body,
                body_line: matter.lines().count() + skipped,
            });
        }
    }
    Ok(whole(text))
}

/// The parser's complaint about front matter that starts on line 2 of its
/// file, placed on the file's line: YAML is read again by the build's own
/// reader, which knows where; TOML says `line N, column M` of the block.
fn unreadable(format: &str, matter: &str, said: &str) -> Unreadable {
    let message = format!(
        "its {format} front matter does not parse: {}",
        said.trim_start_matches("Deserialize error: ").trim()
    );
    let (line, column) = match format {
        "YAML" => crate::source::frontmatter::parse(matter, 2)
            .err()
            .map_or((0, 0), |e| (e.pos.line, e.pos.column)),
        _ => block_position(said).map_or((0, 0), |(l, c)| (l + 1, c)),
    };
    Unreadable {
        line,
        column,
        message: message.lines().next().unwrap_or_default().to_string(),
    }
}

/// `line N, column M` in a parser's message.
fn block_position(said: &str) -> Option<(usize, usize)> {
    let number = |after: &str| -> Option<usize> {
        let at = said.find(after)? + after.len();
        let digits: String = said[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    Some((number("line ")?, number("column ").unwrap_or(1)))
}

fn whole(text: &str) -> Cut<'_> {
    Cut {
        matter: None,
        body: text,
        body_line: 1,
    }
}

/// The text between the first line and the next line that is `fence`, the
/// text after that line, and the line it starts on.
fn fenced_matter<'a>(text: &'a str, fence: &str) -> Option<(&'a str, &'a str, usize)> {
    let mut offset = 0;
    let mut start = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let next = offset + line.len();
        match start {
            None => start = Some(next),
            Some(from) if line.trim_end() == fence => {
                return Some((&text[from..offset], &text[next..], i + 2));
            }
            Some(_) => {}
        }
        offset = next;
    }
    None
}

/// The keys of a mapping; anything else (a list, a lone value) has none.
fn into_map(pod: Pod) -> Map<String, Value> {
    match to_json(pod) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// gray_matter's value as JSON, with object keys in order.
pub fn to_json(pod: Pod) -> Value {
    match pod {
        Pod::Null => Value::Null,
        Pod::String(s) => Value::String(s),
        Pod::Integer(i) => Value::Number(i.into()),
        Pod::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        Pod::Boolean(b) => Value::Bool(b),
        Pod::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Pod::Hash(map) => {
            let sorted: BTreeMap<String, Pod> = map.into_iter().collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

/// Other tools' keys and the field of ours each holds. Keys are compared
/// in lower case, with `-` and spaces read as `_`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("title", "title"),
    ("name", "title"),
    ("date", "date"),
    ("start_time", "date"),
    ("started_at", "date"),
    ("start", "date"),
    ("started", "date"),
    ("start_date", "date"),
    ("impact_start", "date"),
    ("occurred_at", "date"),
    ("created_at", "date"),
    ("detected", "detected"),
    ("detected_at", "detected"),
    ("mitigated", "mitigated"),
    ("mitigated_at", "mitigated"),
    ("resolved", "resolved"),
    ("resolved_at", "resolved"),
    ("end_time", "resolved"),
    ("ended_at", "resolved"),
    ("end", "resolved"),
    ("end_date", "resolved"),
    ("severity", "severity"),
    ("sev", "severity"),
    ("severity_level", "severity"),
    ("priority", "severity"),
    ("services", "services"),
    ("service", "services"),
    ("product", "services"),
    ("products", "services"),
    ("component", "services"),
    ("components", "services"),
    ("system", "services"),
    ("systems", "services"),
    ("tags", "tags"),
    ("categories", "tags"),
    ("category", "tags"),
    ("keywords", "tags"),
    ("labels", "tags"),
    ("id", "id"),
    ("incident_id", "id"),
    ("status", "status"),
    ("authors", "authors"),
    ("author", "authors"),
    ("owners", "authors"),
    ("teams", "teams"),
    ("team", "teams"),
    ("summary", "summary"),
    ("description", "summary"),
    ("impact", "impact"),
    ("related", "related"),
    ("aliases", "aliases"),
    ("links", "links"),
    ("url", "links"),
    ("link", "links"),
    ("source", "links"),
    ("postmortem_url", "links"),
    ("timezone", "timezone"),
    ("visibility", "visibility"),
    ("tz", "timezone"),
];

/// A key as mappings compare it.
pub fn normal_key(key: &str) -> String {
    key.trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The field of ours `key` holds: a site's own mapping first, then the
/// built-in ones.
pub fn field_for<'m>(key: &str, site: &'m BTreeMap<String, String>) -> Option<&'m str> {
    let key = normal_key(key);
    if let Some((_, ours)) = site.iter().find(|(theirs, _)| normal_key(theirs) == key) {
        return Some(ours.as_str());
    }
    BUILT_IN
        .iter()
        .find(|(theirs, _)| *theirs == key)
        .map(|(_, ours)| *ours)
}

/// A value as text: a string, or a number or boolean written out.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a list of texts: a list's texts, or one text. A text with
/// commas (`"Cloud, Networking"`) is a list written on one line.
pub fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        Value::String(s) if s.contains(',') => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        other => text(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_toml_and_json_front_matter_are_read() {
        let yaml = cut("---\ntitle: A\ntags: [x, y]\n---\n# Body\n").unwrap();
        let m = yaml.matter.unwrap();
        assert_eq!(m.format, "YAML");
        assert_eq!(m.data["title"], "A");
        assert_eq!(m.data["tags"], serde_json::json!(["x", "y"]));
        assert_eq!(yaml.body, "# Body\n");
        assert_eq!(yaml.body_line, 5);

        let toml = cut("+++\ntitle = \"B\"\ndate = 2019-03-12T14:00:00Z\n+++\nText\n").unwrap();
        let m = toml.matter.unwrap();
        assert_eq!(m.format, "TOML");
        assert_eq!(m.data["date"], "2019-03-12T14:00:00Z");
        assert_eq!(toml.body, "Text\n");

        let json = cut("{\n  \"title\": \"C\",\n  \"tags\": [\"z\"]\n}\n\nBody\n").unwrap();
        let m = json.matter.unwrap();
        assert_eq!(m.format, "JSON");
        assert_eq!(m.data["title"], "C");
        assert_eq!(json.body, "\nBody\n");
        assert_eq!(json.body_line, 5);
    }

    #[test]
    fn an_unclosed_fence_or_plain_markdown_has_no_front_matter() {
        let text = "---\nnot closed\n\n# Heading\n";
        assert_eq!(cut(text).unwrap().matter, None);
        assert_eq!(cut(text).unwrap().body, text);
        assert_eq!(cut("# Title\n").unwrap().matter, None);
        assert_eq!(cut("{not json\n").unwrap().matter, None);
    }

    #[test]
    fn broken_front_matter_is_an_error_that_names_the_notation() {
        let e = cut("---\ntitle: T\ntags: [unclosed\n---\n").unwrap_err();
        assert!(e.message.contains("YAML"), "{e:?}");
        assert_eq!(e.line, 4, "{e:?}");
        let e = cut("+++\ntitle = \"T\"\nbad = \n+++\n").unwrap_err();
        assert!(e.message.contains("TOML"), "{e:?}");
        assert_eq!(e.line, 3, "{e:?}");
    }

    #[test]
    fn a_site_mapping_goes_before_the_built_in_one() {
        let mut site = BTreeMap::new();
        assert_eq!(field_for("Start-Time", &site), Some("date"));
        assert_eq!(field_for("uuid", &site), None);
        site.insert("start_time".to_string(), "detected".to_string());
        site.insert("opened".to_string(), "date".to_string());
        assert_eq!(field_for("start_time", &site), Some("detected"));
        assert_eq!(field_for("Opened", &site), Some("date"));
    }

    #[test]
    fn a_list_may_be_written_as_one_text() {
        assert_eq!(texts(&"Cloud, Networking".into()), ["Cloud", "Networking"]);
        assert_eq!(texts(&serde_json::json!(["a", 2])), ["a", "2"]);
        assert_eq!(texts(&Value::Null), Vec::<String>::new());
    }
}
