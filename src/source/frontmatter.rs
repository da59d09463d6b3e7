//! Splitting a report into YAML front matter and Markdown body, and parsing
//! the front matter with source positions.
//!
//! Positions matter more here than anywhere else: every diagnostic about a
//! field has to point at the line and column of its value, so the YAML is
//! read from `saphyr`'s parser events, each with its span, straight into
//! [`Node`]s.

use std::borrow::Cow;

use saphyr::Scalar;
use saphyr_parser::{Event, Marker, Parser, ScanError, Span, Tag};
use serde_json::Value;

use crate::diagnostics::code;
use crate::util::text::is_forbidden;

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
    /// `yaml` when YAML cannot read it, else what is wrong with a value.
    pub code: &'static str,
    pub pos: Pos,
    pub message: String,
}

/// Parses the front matter into its top-level keys, in file order.
/// `first_line` is the file line on which `matter` starts.
pub fn parse(matter: &str, first_line: usize) -> Result<Vec<(String, Field)>, YamlError> {
    if matter.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut builder = Builder {
        first_line,
        stack: Vec::new(),
        document: None,
    };
    for item in Parser::new_from_str(matter) {
        let (event, span) = item.map_err(|e| builder.scan_error(&e))?;
        if matches!(event, Event::DocumentEnd) {
            // Front matter is one document.
            break;
        }
        builder.event(event, span)?;
    }
    match builder.document {
        None => Ok(Vec::new()),
        Some(Field {
            value: Node::Map(entries),
            ..
        }) => Ok(entries),
        Some(Field {
            value: Node::Null, ..
        }) => Ok(Vec::new()),
        Some(other) => Err(YamlError {
            code: code::YAML,
            pos: other.pos,
            message: format!(
                "front matter must be a mapping of keys to values, found {}",
                other.value.kind()
            ),
        }),
    }
}

/// How deep front-matter values may nest. Real reports need two or three
/// levels; the limit keeps hostile input from exhausting memory or time.
const MAX_DEPTH: usize = 32;

/// Builds [`Node`]s from parser events.
struct Builder {
    first_line: usize,
    /// The lists and mappings open at this point, outermost first.
    stack: Vec<Open>,
    /// The document's value once it is complete.
    document: Option<Field>,
}

/// A list or mapping whose end has not come yet.
enum Open {
    List(Pos, Vec<Field>),
    /// A mapping, and the key read whose value comes next.
    Map(Pos, Vec<(String, Field)>, Option<(String, Pos)>),
}

impl Builder {
    fn pos(&self, marker: Marker) -> Pos {
        // Markers count lines from 1 and columns from 0.
        Pos::new(marker.line() + self.first_line - 1, marker.col() + 1)
    }

    fn scan_error(&self, e: &ScanError) -> YamlError {
        YamlError {
            code: code::YAML,
            pos: self.pos(*e.marker()),
            message: e.info().to_string(),
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = self.pos(span.start);
        match event {
            Event::Scalar(text, style, _, tag) => {
                // Escapes such as `\0` and `\e` make characters that the
                // check of the file's bytes cannot see.
                if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
                    return Err(YamlError {
                        code: code::CONTROL_CHARACTER,
                        pos,
                        message: format!(
                            "the value holds the control character U+{:04X}, which no page can show",
                            c as u32
                        ),
                    });
                }
                let value = scalar(text, style, tag.as_ref()).ok_or_else(|| YamlError {
                    code: code::YAML,
                    pos,
                    message: "a value that YAML cannot read".into(),
                })?;
                self.complete(Field { pos, value })
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        code: code::YAML,
                        pos,
                        message: format!("values nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                self.stack
                    .push(if matches!(event, Event::SequenceStart(..)) {
                        Open::List(pos, Vec::new())
                    } else {
                        Open::Map(pos, Vec::new(), None)
                    });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let field = match self.stack.pop() {
                    Some(Open::List(pos, items)) => Field {
                        pos,
                        value: Node::List(items),
                    },
                    Some(Open::Map(pos, entries, _)) => Field {
                        pos,
                        value: Node::Map(entries),
                    },
                    None => return Ok(()),
                };
                self.complete(field)
            }
            Event::Alias(_) => Err(YamlError {
                code: code::YAML,
                pos,
                message: "YAML aliases (`*name`) are not supported in front matter".into(),
            }),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) => {
                Ok(())
            }
            Event::DocumentEnd => Ok(()),
        }
    }

    /// Places a complete value: in the open list, as the open mapping's
    /// next key or value, or as the document.
    fn complete(&mut self, field: Field) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                self.document.get_or_insert(field);
                Ok(())
            }
            Some(Open::List(_, items)) => {
                items.push(field);
                Ok(())
            }
            Some(Open::Map(_, entries, key @ None)) => {
                let text = match field.value {
                    Node::String(s) => s,
                    other => other.as_text().ok_or_else(|| YamlError {
                        code: code::YAML,
                        pos: field.pos,
                        message: format!("keys must be plain words, found {}", other.kind()),
                    })?,
                };
                if entries.iter().any(|(k, _)| *k == text) {
                    return Err(YamlError {
                        code: code::YAML,
                        pos: field.pos,
                        message: "duplicated key in mapping".into(),
                    });
                }
                *key = Some((text, field.pos));
                Ok(())
            }
            Some(Open::Map(_, entries, key @ Some(_))) => {
                let (text, key_pos) = key.take().unwrap_or_default();
                // An empty value (`key:`) has a span that starts at the
                // next token; point at the key instead.
                let pos = if field.value == Node::Null {
                    key_pos
                } else {
                    field.pos
                };
                entries.push((
                    text,
                    Field {
                        pos,
                        value: field.value,
                    },
                ));
                Ok(())
            }
        }
    }
}

/// A scalar as YAML's core schema reads it (`true`, `12`, `~`, text); a
/// tag outside the core schema is ignored. `None` when a core tag forces a
/// type the text is not (`!!int abc`).
fn scalar(
    text: Cow<'_, str>,
    style: saphyr_parser::ScalarStyle,
    tag: Option<&Cow<'_, Tag>>,
) -> Option<Node> {
    let tag = tag.filter(|t| t.is_yaml_core_schema());
    Some(
        match Scalar::parse_from_cow_and_metadata(text, style, tag)? {
            Scalar::Null => Node::Null,
            Scalar::Boolean(b) => Node::Bool(b),
            Scalar::Integer(i) => Node::Int(i),
            Scalar::FloatingPoint(f) => Node::Float(f.into_inner()),
            Scalar::String(s) => Node::String(s.into_owned()),
        },
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

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

    /// The front matter read as a tree by saphyr's own loader: the
    /// reference the event-based reader must agree with.
    fn oracle(matter: &str, first_line: usize) -> Result<Vec<(String, Field)>, YamlError> {
        use saphyr::{LoadableYamlNode, MarkedYaml, YamlData};

        fn convert(
            node: &MarkedYaml<'_>,
            to_pos: &dyn Fn(Marker) -> Pos,
        ) -> Result<Node, YamlError> {
            let pos = to_pos(node.span.start);
            let bad = |message: &str| YamlError {
                code: "yaml",
                pos,
                message: message.into(),
            };
            Ok(match &node.data {
                YamlData::Value(scalar) => match scalar {
                    Scalar::Null => Node::Null,
                    Scalar::Boolean(b) => Node::Bool(*b),
                    Scalar::Integer(i) => Node::Int(*i),
                    Scalar::FloatingPoint(f) => Node::Float(f.into_inner()),
                    Scalar::String(s) => Node::String(s.to_string()),
                },
                YamlData::Representation(text, _, _) => Node::String(text.to_string()),
                YamlData::Tagged(_, inner) => convert(inner, to_pos)?,
                YamlData::Sequence(items) => Node::List(
                    items
                        .iter()
                        .map(|item| {
                            Ok(Field {
                                pos: to_pos(item.span.start),
                                value: convert(item, to_pos)?,
                            })
                        })
                        .collect::<Result<_, YamlError>>()?,
                ),
                YamlData::Mapping(map) => {
                    let mut entries = Vec::new();
                    for (key, value) in map {
                        let key_text = match convert(key, to_pos)? {
                            Node::String(s) => s,
                            other => other.as_text().ok_or_else(|| YamlError {
                                code: "yaml",
                                pos: to_pos(key.span.start),
                                message: "keys".into(),
                            })?,
                        };
                        let value_pos = if matches!(value.data, YamlData::Value(Scalar::Null)) {
                            to_pos(key.span.start)
                        } else {
                            to_pos(value.span.start)
                        };
                        let value = convert(value, to_pos)?;
                        entries.push((
                            key_text,
                            Field {
                                pos: value_pos,
                                value,
                            },
                        ));
                    }
                    Node::Map(entries)
                }
                YamlData::Alias(_) => return Err(bad("alias")),
                YamlData::BadValue => return Err(bad("bad value")),
            })
        }

        let to_pos = |m: Marker| Pos::new(m.line() + first_line - 1, m.col() + 1);
        let docs = MarkedYaml::load_from_str(matter).map_err(|e| YamlError {
            code: "yaml",
            pos: to_pos(*e.marker()),
            message: e.info().to_string(),
        })?;
        match docs.first().map(|d| convert(d, &to_pos)).transpose()? {
            Some(Node::Map(entries)) => Ok(entries),
            _ => Ok(Vec::new()),
        }
    }

    #[test]
    fn the_event_reader_agrees_with_the_tree_reader() {
        let mut cases: Vec<String> = [
            "title: x\nseverity: SEV1\n",
            "services: [a, b]\ntags:\n  - one\n  - \"two\"\n",
            "empty:\nnext: 1\nfloat: 1.5\nyes: true\nnull: ~\n",
            "nested:\n  owner: me\n  list: [1, [2, 3], {a: b}]\n",
            "quoted: '12'\nplain: 12\ntagged: !!str 12\ncustom: !thing 7\n",
            "block: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
            "date: 2023-01-17T12:30:00+03:00\n\"key with space\": v\n",
            "action_items:\n  - text: fix\n    owner: ana\n    due: 2023-02-01\n",
            "# only a comment\n",
            "a: [unclosed\n",
            "a: b\n  c: d\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every report of the example archive and the test fixtures.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.unwrap();
                if entry.path().extension().is_some_and(|e| e == "md")
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                    && let Ok(parts) = split(&text)
                {
                    cases.push(parts.matter.to_string());
                }
            }
        }
        assert!(cases.len() > 40, "{} cases", cases.len());
        for case in &cases {
            match (parse(case, 2), oracle(case, 2)) {
                (Ok(new), Ok(old)) => assert_eq!(new, old, "{case:?}"),
                (Err(new), Err(old)) => assert_eq!(new.pos, old.pos, "{case:?}"),
                (new, old) => panic!("{case:?}: {new:?} against {old:?}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("a: {}1{}\n", "[".repeat(200), "]".repeat(200));
        let err = parse(&deep, 2).unwrap_err();
        assert!(err.message.contains("nested"), "{err:?}");
    }
}
