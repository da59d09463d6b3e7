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

    fn convert(node: &MarkedYaml<'_>, to_pos: &dyn Fn(Marker) -> Pos) -> Result<Node, YamlError> {
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

/// The front matter of every report of the example archive and the test
/// fixtures.
fn example_matters() -> Vec<String> {
    let mut matters = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "tests/fixtures"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "md")
                && let Ok(text) = std::fs::read_to_string(entry.path())
                && let Ok(parts) = split(&text)
            {
                matters.push(parts.matter.to_string());
            }
        }
    }
    matters
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
    cases.extend(example_matters());
    assert!(cases.len() > 40, "{} cases", cases.len());
    for case in &cases {
        match (parse_events(case, 2), oracle(case, 2)) {
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

/// Front matter made of `lines`, each chosen by a seeded generator from
/// keys and values that are common, odd, or YAML's own syntax.
fn generated_matter() -> Vec<String> {
    let keys = [
        "title", "severity", "services", "id", "a-b", "x_1", "yes", "null", "true", "1a", "k y",
    ];
    let values = [
        "SEV1",
        "12",
        "1.5",
        "0x1F",
        "0o17",
        "1e3",
        "~",
        "null",
        "true",
        "False",
        "yes",
        ".inf",
        "-5",
        "+3",
        "2023-01-17T12:30:00+03:00",
        "2023-01-17",
        "Disk full, then a failover",
        "Can't login",
        "C# build",
        "a # b",
        "a: b",
        "a:b",
        "ends:",
        "\"quoted text\"",
        "'single'",
        "\"with \\\"escape\\\"\"",
        "'it''s'",
        "\"\"",
        "''",
        "\"a\\nb\"",
        "[a, b]",
        "[]",
        "[ ]",
        "[a, \"b c\", 'd']",
        "[a,b]",
        "[a, ]",
        "[a, [b]]",
        "[1, 2.5, ~, true]",
        "[é, ö]",
        "Ünïcödé — dash",
        "x  spaced  ",
        "{a: b}",
        "&anchor x",
        "*alias",
        "!!str 12",
        "|",
        ">",
        "@at",
        "`tick`",
        "%pct",
        "a\tb",
        "[a: b]",
        "[\"a\", b",
        "x ]",
        "\"a\" b",
        "'a' b",
        "[ \"x\" , y ]",
        "…",
        "12:30",
        "[12:30]",
        "-",
        "- item",
        "?",
        "#",
        "[a#b]",
        "[\"a,b\"]",
        "a\u{a0}b",
        "50%",
        "x\"y",
        "x'y",
        "[x\"y]",
        "[null, yes, \"\"]",
        "[ a , b ]",
        "[a]]",
    ];
    let extra = [
        "",
        "# comment",
        "  indented: x",
        "empty:",
        "two:  spaces",
        "tab:\tx",
        "- item",
    ];
    let mut cases = Vec::new();
    for key in keys {
        for value in values {
            cases.push(format!("{key}: {value}\n"));
        }
    }
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for _ in 0..3000 {
        let mut matter = String::new();
        for _ in 0..1 + next(5) {
            if next(8) == 0 {
                matter.push_str(extra[next(extra.len())]);
            } else {
                matter.push_str(keys[next(keys.len())]);
                matter.push_str(": ");
                matter.push_str(values[next(values.len())]);
            }
            matter.push_str(if next(10) == 0 { "\r\n" } else { "\n" });
        }
        cases.push(matter);
    }
    cases
}

#[test]
fn the_simple_reader_agrees_with_the_parser() {
    let mut cases = generated_matter();
    cases.extend(example_matters());
    let mut read = 0;
    for case in &cases {
        if let Some(simple) = simple::parse(case, 2) {
            assert_eq!(parse_events(case, 2), Ok(simple), "{case:?}");
            read += 1;
        }
    }
    // The reader is not a bystander: it takes the cases it can (one odd
    // line of a generated front matter sends all of it to the parser).
    assert!(read > 500, "{read} of {}", cases.len());
}
