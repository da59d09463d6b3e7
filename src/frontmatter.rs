//! Splitting a report into YAML front matter and Markdown body, and parsing
//! the front matter with source positions.
//!
//! Positions matter more here than anywhere else: every diagnostic about a
//! field has to point at the line and column of its value, so the YAML is
//! read with `saphyr`'s marked nodes rather than into a plain map.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::Value;

/// A 1-based line and column in the report file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }
}

/// A report file cut in two at its front-matter fences.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub matter: &'a str,
    /// The file line on which `matter` starts.
    pub matter_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// The file line on which `body` starts.
    pub body_line: usize,
}

/// Why a file has no usable front matter.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// The opening `---` has no closing `---`.
    Unterminated,
}

/// Cuts `source` into front matter and body. A leading byte-order mark and
/// Windows line endings are accepted.
pub fn split(source: &str) -> Result<Split<'_>, SplitError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = source.split_inclusive('\n');
    let first = lines.next().ok_or(SplitError::Missing)?;
    if first.trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let matter_start = first.len();
    let mut offset = matter_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                matter: &source[matter_start..offset],
                matter_line: 2,
                body: &source[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unterminated)
}

/// A YAML value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub pos: Pos,
    pub value: Node,
}

/// The front-matter value model: what YAML can say that a report uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Field>),
    Map(Vec<(String, Field)>),
}

impl Node {
    /// A short name of the value's kind, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "nothing",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::String(_) => "a string",
            Node::List(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }

    /// The scalar as text, if it is one (numbers and booleans included, so
    /// that `id: 2023` is the id "2023").
    pub fn as_text(&self) -> Option<String> {
        match self {
            Node::String(s) => Some(s.clone()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Converts to JSON for `page.extra`.
    pub fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::String(s) => Value::String(s.clone()),
            Node::List(items) => Value::Array(items.iter().map(|f| f.value.to_json()).collect()),
            Node::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, f)| (k.clone(), f.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A YAML problem, positioned in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses the front matter into its top-level keys, in file order.
/// `first_line` is the file line on which `matter` starts.
pub fn parse(matter: &str, first_line: usize) -> Result<Vec<(String, Field)>, YamlError> {
    let to_pos = |line: usize, col: usize| Pos::new(line + first_line - 1, col + 1);
    if matter.trim().is_empty() {
        return Ok(Vec::new());
    }
    let docs = MarkedYaml::load_from_str(matter).map_err(|e| YamlError {
        pos: to_pos(e.marker().line(), e.marker().col()),
        message: e.info().to_string(),
    })?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Vec::new());
    };
    let pos = to_pos(doc.span.start.line(), doc.span.start.col());
    match convert(&doc, &to_pos, 0)? {
        Node::Map(entries) => Ok(entries),
        Node::Null => Ok(Vec::new()),
        other => Err(YamlError {
            pos,
            message: format!(
                "front matter must be a mapping of keys to values, found {}",
                other.kind()
            ),
        }),
    }
}

/// How deep front-matter values may nest. Real reports need two or three
/// levels; the limit keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 32;

fn convert(
    node: &MarkedYaml<'_>,
    to_pos: &dyn Fn(usize, usize) -> Pos,
    depth: usize,
) -> Result<Node, YamlError> {
    let pos = to_pos(node.span.start.line(), node.span.start.col());
    if depth > MAX_DEPTH {
        return Err(YamlError {
            pos,
            message: format!("values nested deeper than {MAX_DEPTH} levels"),
        });
    }
    Ok(match &node.data {
        YamlData::Value(scalar) => match scalar {
            Scalar::Null => Node::Null,
            Scalar::Boolean(b) => Node::Bool(*b),
            Scalar::Integer(i) => Node::Int(*i),
            Scalar::FloatingPoint(f) => Node::Float(f.into_inner()),
            Scalar::String(s) => Node::String(s.to_string()),
        },
        YamlData::Representation(text, _, _) => Node::String(text.to_string()),
        YamlData::Tagged(_, inner) => convert(inner, to_pos, depth + 1)?,
        YamlData::Sequence(items) => Node::List(
            items
                .iter()
                .map(|item| {
                    Ok(Field {
                        pos: to_pos(item.span.start.line(), item.span.start.col()),
                        value: convert(item, to_pos, depth + 1)?,
                    })
                })
                .collect::<Result<_, YamlError>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, value) in map {
                let key_text = match convert(key, to_pos, depth + 1)? {
                    Node::String(s) => s,
                    other => other.as_text().ok_or_else(|| YamlError {
                        pos: to_pos(key.span.start.line(), key.span.start.col()),
                        message: format!("keys must be plain words, found {}", other.kind()),
                    })?,
                };
                // An empty value (`key:`) has a span that starts at the
                // next token; point at the key instead.
                let value_pos = if matches!(value.data, YamlData::Value(Scalar::Null)) {
                    to_pos(key.span.start.line(), key.span.start.col())
                } else {
                    to_pos(value.span.start.line(), value.span.start.col())
                };
                entries.push((
                    key_text,
                    Field {
                        pos: value_pos,
                        value: convert(value, to_pos, depth + 1)?,
                    },
                ));
            }
            Node::Map(entries)
        }
        YamlData::Alias(_) => {
            return Err(YamlError {
                pos,
                message: "YAML aliases (`*name`) are not supported in front matter".into(),
            });
        }
        YamlData::BadValue => {
            return Err(YamlError {
                pos,
                message: "a value that YAML cannot read".into(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_matter_and_body_lines() {
        let s = split("---\ntitle: x\n---\n# Body\n").unwrap();
        assert_eq!(s.matter, "title: x\n");
        assert_eq!(s.matter_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn split_accepts_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: x\r\n---\r\nbody").unwrap();
        assert_eq!(s.matter, "title: x\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn split_reports_missing_and_unterminated_matter() {
        assert_eq!(split("# Just markdown\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: x\n"), Err(SplitError::Unterminated));
    }

    #[test]
    fn split_does_not_confuse_a_body_rule_with_the_fence() {
        let s = split("---\na: 1\n---\ntext\n\n---\n\nmore").unwrap();
        assert_eq!(s.body, "text\n\n---\n\nmore");
    }

    #[test]
    fn parse_keeps_value_positions_in_file_lines() {
        let fields = parse("title: \"Hello\"\nseverity: SEV9\n", 2).unwrap();
        assert_eq!(fields[1].0, "severity");
        assert_eq!(fields[1].1.pos, Pos::new(3, 11));
        assert_eq!(fields[1].1.value, Node::String("SEV9".into()));
    }

    #[test]
    fn parse_reads_lists_and_timestamps_as_text() {
        let fields = parse("services: [a, b]\ndate: 2023-01-17T12:30:00+03:00\n", 2).unwrap();
        match &fields[0].1.value {
            Node::List(items) => {
                assert_eq!(items.len(), 2);
                assert_eq!(items[1].pos, Pos::new(2, 15));
            }
            other => panic!("expected a list, got {other:?}"),
        }
        assert_eq!(
            fields[1].1.value,
            Node::String("2023-01-17T12:30:00+03:00".into())
        );
    }

    #[test]
    fn parse_errors_point_into_the_file() {
        let err = parse("title: x\nservices: [a\n", 2).unwrap_err();
        assert!(err.pos.line >= 3, "{err:?}");
        let dup = parse("title: a\ntitle: b\n", 2).unwrap_err();
        assert_eq!(dup.pos.line, 3);
        assert!(dup.message.contains("duplicate"), "{dup:?}");
    }

    #[test]
    fn parse_rejects_a_scalar_document() {
        let err = parse("just text\n", 2).unwrap_err();
        assert!(err.message.contains("mapping"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("a: {}1{}\n", "[".repeat(200), "]".repeat(200));
        let err = parse(&deep, 2).unwrap_err();
        assert!(err.message.contains("nested"), "{err:?}");
    }
}
