//! Diagnostic codes have one list, `diagnostics::CODES`: every code the
//! source gives a diagnostic is in it, and it is the table of codes in
//! docs/writing.md, severities included.
//!
//! The source is read, not run: its tokens are scanned for the places a
//! code goes, `Diagnostic::error(file, code, ..)` and
//! `Diagnostic::warning(file, code, ..)`, the functions and closures that
//! take a `code` parameter and pass it there, and `code: ".."` fields that
//! are passed on as `x.code`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hindsight::diagnostics::CODES;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Str(String),
    Word(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Tok {
    token: Token,
    line: usize,
}

/// The tokens of Rust source, its comments left out. Good enough for the
/// code of this crate: strings, raw strings, char literals and lifetimes
/// are told apart; numbers come out as words.
fn tokens(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '#' | '"')))
        {
            let start_line = line;
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            let mut value = String::new();
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    break;
                }
                if chars[j] == '\n' {
                    line += 1;
                }
                value.push(chars[j]);
                j += 1;
            }
            out.push(Tok {
                token: Token::Str(value),
                line: start_line,
            });
            i = j + 1 + hashes;
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            let start_line = line;
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut value = String::new();
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    value.push(chars[j]);
                    j += 1;
                }
                if at(j) == '\n' {
                    line += 1;
                }
                value.push(at(j));
                j += 1;
            }
            out.push(Tok {
                token: Token::Str(value),
                line: start_line,
            });
            i = j + 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1f}') or a lifetime ('static).
            if at(i + 1) == '\\' {
                // The escaped character may itself be a quote: `'\''`.
                let mut j = i + 3;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                out.push(Tok {
                    token: Token::Punct('\''),
                    line,
                });
                i = j + 1;
            } else if at(i + 2) == '\'' {
                out.push(Tok {
                    token: Token::Punct('\''),
                    line,
                });
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            out.push(Tok {
                token: Token::Word(chars[i..j].iter().collect()),
                line,
            });
            i = j;
        } else {
            out.push(Tok {
                token: Token::Punct(c),
                line,
            });
            i += 1;
        }
    }
    out
}

fn is_word(t: Option<&Tok>, word: &str) -> bool {
    matches!(t, Some(Tok { token: Token::Word(w), .. }) if w == word)
}

fn is_punct(t: Option<&Tok>, c: char) -> bool {
    matches!(t, Some(Tok { token: Token::Punct(p), .. }) if *p == c)
}

/// The index of the token that closes the bracket opened at `open`.
fn closing(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// The comma-separated items between `open` and `close` (exclusive), split
/// at the top level; with `angles`, `<..>` nests too (for parameter types).
fn items(toks: &[Tok], open: usize, close: usize, angles: bool) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = open + 1;
    for i in open + 1..close {
        match toks[i].token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth -= 1,
            Token::Punct('<') if angles => depth += 1,
            Token::Punct('>') if angles && !is_punct(toks.get(i - 1), '-') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                out.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < close {
        out.push(&toks[start..close]);
    }
    out
}

/// The index among `params` of the one named `code`, `self` not counted.
fn code_param(params: &[&[Tok]]) -> Option<usize> {
    params
        .iter()
        .filter(|p| !p.iter().any(|t| t.token == Token::Word("self".into())))
        .position(|p| is_word(p.first(), "code") && is_punct(p.get(1), ':'))
}

/// How a code is given at one place.
#[derive(Debug)]
enum Given {
    /// A string literal.
    Literal(String),
    /// A constant of `diagnostics::code`, by name.
    Constant(String),
    /// A variable or parameter named `code`, passed on.
    Param,
    /// The `code` field of a value, passed on.
    Field,
}

fn given(arg: &[Tok]) -> Option<Given> {
    let words: Vec<&Token> = arg.iter().map(|t| &t.token).collect();
    match words.as_slice() {
        [Token::Str(s)] => Some(Given::Literal(s.clone())),
        [Token::Word(w)] if w == "code" => Some(Given::Param),
        [.., Token::Punct('.'), Token::Word(w)] if w == "code" => Some(Given::Field),
        [
            ..,
            Token::Word(module),
            Token::Punct(':'),
            Token::Punct(':'),
            Token::Word(name),
        ] if module == "code" => Some(Given::Constant(name.clone())),
        _ => None,
    }
}

/// A function or closure of one file that takes a `code` parameter.
struct Passthrough {
    name: String,
    index: usize,
    body: std::ops::Range<usize>,
}

fn passthroughs(toks: &[Tok]) -> Vec<Passthrough> {
    let mut found = Vec::new();
    for i in 0..toks.len() {
        if is_word(toks.get(i), "fn") {
            let Some(Token::Word(name)) = toks.get(i + 1).map(|t| &t.token) else {
                continue;
            };
            let mut open = i + 2;
            if is_punct(toks.get(open), '<') {
                let mut depth = 0;
                while open < toks.len() {
                    match toks[open].token {
                        Token::Punct('<') => depth += 1,
                        Token::Punct('>') => depth -= 1,
                        _ => {}
                    }
                    open += 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            if !is_punct(toks.get(open), '(') {
                continue;
            }
            let close = closing(toks, open);
            let Some(index) = code_param(&items(toks, open, close, true)) else {
                continue;
            };
            let start = (close..toks.len())
                .find(|&j| is_punct(toks.get(j), '{'))
                .unwrap_or(toks.len());
            found.push(Passthrough {
                name: name.clone(),
                index,
                body: start..closing(toks, start),
            });
        } else if is_word(toks.get(i), "let") {
            let mut j = i + 1;
            if is_word(toks.get(j), "mut") {
                j += 1;
            }
            let Some(Token::Word(name)) = toks.get(j).map(|t| &t.token) else {
                continue;
            };
            if !(is_punct(toks.get(j + 1), '=') && is_punct(toks.get(j + 2), '|')) {
                continue;
            }
            let open = j + 2;
            let Some(close) = (open + 1..toks.len()).find(|&k| is_punct(toks.get(k), '|')) else {
                continue;
            };
            let Some(index) = code_param(&items(toks, open, close, true)) else {
                continue;
            };
            let end = if is_punct(toks.get(close + 1), '{') {
                closing(toks, close + 1)
            } else {
                (close..toks.len())
                    .find(|&k| is_punct(toks.get(k), ';'))
                    .unwrap_or(toks.len())
            };
            found.push(Passthrough {
                name: name.clone(),
                index,
                body: close..end,
            });
        }
    }
    found
}

/// The levels a code is given at: `error`, `warning` or both.
type Levels = BTreeSet<&'static str>;

/// Where codes are given in the source, each with the file and line.
#[derive(Default)]
struct Scan {
    /// Codes given as literals, with the levels they are given at (none
    /// for a field, whose level is that of `x.code`).
    literals: Vec<(String, Levels, String)>,
    /// Names of `code::` constants used, with their levels.
    constants: Vec<(String, Levels, String)>,
    /// Levels a `code` field is passed on at.
    field_levels: Levels,
    /// Places a code is given in a way this scan cannot follow.
    unknown: Vec<String>,
}

impl Scan {
    fn record(&mut self, given: Option<Given>, levels: Levels, at: String) {
        match given {
            Some(Given::Literal(code)) => self.literals.push((code, levels, at)),
            Some(Given::Constant(name)) => self.constants.push((name, levels, at)),
            Some(Given::Field) => self.field_levels.extend(levels),
            Some(Given::Param) => {}
            None => self.unknown.push(at),
        }
    }
}

/// The part of a file before its unit tests.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |end| &text[..end])
}

fn scan_file(scan: &mut Scan, file: &str, text: &str) {
    let toks = tokens(without_tests(text));
    let through = passthroughs(&toks);
    // Levels each passthrough hands its code on at.
    let mut levels: BTreeMap<&str, Levels> = BTreeMap::new();
    let mut calls = Vec::new();
    for i in 0..toks.len() {
        let at = || format!("{file}:{}", toks[i].line);
        if is_word(toks.get(i), "Diagnostic")
            && is_punct(toks.get(i + 1), ':')
            && is_punct(toks.get(i + 2), ':')
            && is_punct(toks.get(i + 4), '(')
        {
            let level = match &toks[i + 3].token {
                Token::Word(w) if w == "error" => "error",
                Token::Word(w) if w == "warning" => "warning",
                _ => continue,
            };
            let close = closing(&toks, i + 4);
            let arg = items(&toks, i + 4, close, false).get(1).map(|a| a.to_vec());
            let given = arg.as_deref().and_then(given);
            if matches!(given, Some(Given::Param)) {
                match through.iter().find(|p| p.body.contains(&i)) {
                    Some(p) => {
                        levels.entry(&p.name).or_default().insert(level);
                    }
                    None => scan.unknown.push(at()),
                }
            }
            scan.record(given, Levels::from([level]), at());
        } else if let Some(Token::Word(name)) = toks.get(i).map(|t| &t.token)
            && is_punct(toks.get(i + 1), '(')
            && !is_word(toks.get(i.wrapping_sub(1)), "fn")
            && let Some(p) = through.iter().find(|p| &p.name == name)
        {
            let close = closing(&toks, i + 1);
            let arg = items(&toks, i + 1, close, false)
                .get(p.index)
                .map(|a| a.to_vec());
            calls.push((p.name.as_str(), arg.as_deref().and_then(given), at()));
        } else if is_word(toks.get(i), "code")
            && is_punct(toks.get(i + 1), ':')
            && !is_punct(toks.get(i + 2), ':')
            && !is_punct(toks.get(i.wrapping_sub(1)), '.')
        {
            // A field: `code: "yaml"` or `code: code::YAML`; a parameter's
            // type (`code: &'static str`) is neither.
            let value: Vec<Tok> = toks[i + 2..]
                .iter()
                .take_while(|t| !matches!(t.token, Token::Punct(',' | '}' | ')' | '&' | '|')))
                .cloned()
                .collect();
            if let Some(g @ (Given::Literal(_) | Given::Constant(_))) = given(&value) {
                // The level is the one `x.code` is passed on at.
                scan.record(Some(g), Levels::new(), at());
            }
        }
    }
    for (name, given, at) in calls {
        match (given, levels.get(name)) {
            // One passthrough handing its own parameter to another.
            (Some(Given::Param), _) => {}
            (given, Some(levels)) => scan.record(given, levels.clone(), at),
            (_, None) => scan.unknown.push(at),
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn scan_source() -> Scan {
    let mut scan = Scan::default();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(src())
        .into_iter()
        .map(|e| e.expect("src is readable").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("source is UTF-8");
        let file = path
            .strip_prefix(src())
            .unwrap_or(&path)
            .display()
            .to_string();
        scan_file(&mut scan, &file, &text);
    }
    scan
}

/// The constants of `diagnostics::code` and their codes, as the `codes!`
/// table in src/diagnostics.rs declares them.
fn constants() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(src().join("diagnostics.rs")).expect("diagnostics.rs");
    let toks = tokens(without_tests(&text));
    let start = (0..toks.len())
        .find(|&i| {
            is_word(toks.get(i), "codes")
                && is_punct(toks.get(i + 1), '!')
                && is_punct(toks.get(i + 2), '{')
        })
        .expect("the codes! table");
    let mut found = BTreeMap::new();
    let mut order = Vec::new();
    for item in items(&toks, start + 2, closing(&toks, start + 2), false) {
        let item: Vec<&Token> = item.iter().map(|t| &t.token).collect();
        let [Token::Word(name), Token::Punct('='), Token::Str(code)] = item.as_slice() else {
            panic!("not `NAME = \"code\"` in the codes! table: {item:?}");
        };
        order.push(code.clone());
        found.insert(name.clone(), code.clone());
    }
    assert_eq!(order, CODES, "the codes! table as read is not CODES");
    found
}

/// The table of codes in docs/writing.md: each code with the severity its
/// row gives.
fn documented() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/writing.md");
    let guide = std::fs::read_to_string(&path).expect("docs/writing.md");
    let (_, after) = guide
        .split_once("\nThe codes:\n")
        .expect("\"The codes:\" in docs/writing.md");
    let rows: Vec<&str> = after
        .trim_start()
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(rows.len() > 2, "no table after \"The codes:\"");
    assert_eq!(rows[0], "| Code | Severity | Problem |");
    let mut found = Vec::new();
    for row in &rows[2..] {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let [codes, severity, _problem] = cells.as_slice() else {
            panic!("not three cells: {row}");
        };
        let codes: Vec<&str> = codes.split('`').skip(1).step_by(2).collect();
        assert!(!codes.is_empty(), "a row without a code: {row}");
        for code in codes {
            found.push((code.to_string(), severity.to_string()));
        }
    }
    found
}

/// The levels each code is given at in the source.
fn levels_in_source(scan: &Scan) -> BTreeMap<String, Levels> {
    let constants = constants();
    let named = scan.constants.iter().map(|(name, levels, at)| {
        let code = constants
            .get(name)
            .unwrap_or_else(|| panic!("{at}: code::{name} is not in the codes! table"));
        (code, levels, at)
    });
    let literals = scan
        .literals
        .iter()
        .map(|(code, levels, at)| (code, levels, at));
    let mut found: BTreeMap<String, Levels> = BTreeMap::new();
    for (code, levels, at) in literals.chain(named) {
        // A field has the levels `x.code` is passed on at.
        let levels = if levels.is_empty() {
            &scan.field_levels
        } else {
            levels
        };
        assert!(
            !levels.is_empty(),
            "{at}: `{code}` is given as a field that is never passed on"
        );
        found.entry(code.clone()).or_default().extend(levels);
    }
    found
}

#[test]
fn every_code_the_source_gives_is_listed() {
    let scan = scan_source();
    assert!(
        scan.unknown.is_empty(),
        "codes given in a way this test cannot follow (a literal, a `code::` constant, or a `code` parameter or field passed on): {:?}",
        scan.unknown
    );
    assert!(
        scan.literals.len() + scan.constants.len() > 40,
        "the scan found too little"
    );
    let unlisted: Vec<String> = scan
        .literals
        .iter()
        .filter(|(code, ..)| !CODES.contains(&code.as_str()))
        .map(|(code, _, at)| format!("{at}: `{code}`"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "codes not in diagnostics::CODES (add them to the codes! table and to docs/writing.md): {unlisted:?}"
    );
    let levels = levels_in_source(&scan);
    let unused: Vec<&&str> = CODES.iter().filter(|c| !levels.contains_key(**c)).collect();
    assert!(
        unused.is_empty(),
        "listed codes the source never gives: {unused:?}"
    );
}

#[test]
fn the_list_is_the_table_of_codes_in_the_writing_guide() {
    let documented = documented();
    let mut seen = BTreeSet::new();
    for (code, _) in &documented {
        assert!(
            seen.insert(code.as_str()),
            "`{code}` is in two rows of the table of codes"
        );
    }
    let listed: BTreeSet<&str> = CODES.iter().copied().collect();
    assert_eq!(listed.len(), CODES.len(), "a code is listed twice");
    let undocumented: Vec<&&str> = listed.difference(&seen).collect();
    let unlisted: Vec<&&str> = seen.difference(&listed).collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from the table in docs/writing.md: {undocumented:?}"
    );
    assert!(
        unlisted.is_empty(),
        "codes in docs/writing.md that diagnostics::CODES does not have: {unlisted:?}"
    );
}

#[test]
fn each_code_has_the_severity_the_writing_guide_gives_it() {
    let levels = levels_in_source(&scan_source());
    let wrong: Vec<String> = documented()
        .into_iter()
        .filter_map(|(code, severity)| {
            let source = levels.get(&code)?;
            let said = match source.iter().copied().collect::<Vec<_>>().as_slice() {
                ["error"] => "error",
                ["warning"] => "warning",
                _ => "error or warning",
            };
            (said != severity)
                .then(|| format!("`{code}`: the guide says {severity}, the source gives {said}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_scan_finds_codes_however_they_are_given() {
    let source = r##"
use crate::diagnostics::{code, Diagnostic};

fn direct(p: &Path) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(p, "direct-error", format!("a, {}", 1)).at(1, 1),
        Diagnostic::warning(p, code::NO_BASE_URL, "b"),
    ]
}

impl Problems {
    fn error_at(&mut self, pos: Pos, code: &'static str, message: String) {
        let d = if pos.line > 0 {
            Diagnostic::error(self.path, code, message)
        } else {
            Diagnostic::warning(self.path, code, message)
        };
        self.push(d);
    }
    fn check(&mut self) {
        // Diagnostic::error(p, "in-a-comment", "not a code")
        self.error_at(pos, "through-a-method", format!("{}{}", '"', '\''));
    }
}

fn config() {
    let mut problem = |needle: &str, code: &'static str, message: String| {
        problems.push(Diagnostic::warning(FILE_NAME, code, message));
    };
    problem("x", "through-a-closure", r#"say "hi""#.into());
    let e = Error { code: "as-a-field", message: String::new() };
    p.push(Diagnostic::error(path, e.code, e.message));
    p.push(Diagnostic::warning(path, kind, "unfollowable"));
}

#[cfg(test)]
mod tests {
    fn t() { Diagnostic::error("a", "in-a-test", "m"); }
}
"##;
    let mut scan = Scan::default();
    scan_file(&mut scan, "a.rs", source);
    let literals: Vec<(&str, Vec<&str>)> = scan
        .literals
        .iter()
        .map(|(c, l, _)| (c.as_str(), l.iter().copied().collect()))
        .collect();
    assert_eq!(
        literals,
        [
            ("direct-error", vec!["error"]),
            ("as-a-field", vec![]),
            ("through-a-method", vec!["error", "warning"]),
            ("through-a-closure", vec!["warning"]),
        ]
    );
    let constants: Vec<(&str, Vec<&str>)> = scan
        .constants
        .iter()
        .map(|(c, l, _)| (c.as_str(), l.iter().copied().collect()))
        .collect();
    assert_eq!(constants, [("NO_BASE_URL", vec!["warning"])]);
    assert_eq!(scan.field_levels, BTreeSet::from(["error"]));
    let unfollowable = source.lines().position(|l| l.contains("unfollowable"));
    assert_eq!(
        scan.unknown,
        [format!("a.rs:{}", unfollowable.unwrap_or(0) + 1)]
    );
}
