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
    if let Some(entries) = simple::parse(matter, first_line) {
        return Ok(entries);
    }
    parse_events(matter, first_line)
}

/// [`parse`] by the YAML parser's events, whatever the front matter holds.
fn parse_events(matter: &str, first_line: usize) -> Result<Vec<(String, Field)>, YamlError> {
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

mod simple;

#[cfg(test)]
mod tests;
