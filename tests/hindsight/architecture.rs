//! The layers of `src/`, kept true by a test: every module imports only
//! from its own layer or the ones below it, and no two modules need each
//! other. docs/architecture.md explains the layers; this reads the source
//! and fails on an upward import or a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use its own layer and those
/// before it in this list; `output` is the sink every writer hands files
/// to, so it sits just above the utilities.
const LAYERS: &[&[&str]] = &[
    &["util"],
    &["diagnostics"],
    &["output"],
    &["config"],
    &["source"],
    &["archive"],
    &["render"],
    &["site"],
    &["serve"],
];

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&top))
}

/// A module by its path under `crate`, e.g. `["render", "charts"]`.
type Module = Vec<String>;

/// Every module of the crate, from the file tree under `src/`, with the
/// file that holds it.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("read src/");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).expect("under src/");
        let mut parts: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        if parts == ["lib"] {
            parts.clear();
        }
        if parts.first().is_some_and(|p| p == "main" || p == "bin") {
            continue;
        }
        out.insert(parts, path.to_path_buf());
    }
    out
}

/// The code of a file without its comments and string literals, so that
/// a path named in a doc comment or a message is not taken for a use.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |n| i + n);
            i = end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(text.len(), |n| i + n + 2);
            i = end;
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|&c| c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = 2 + hashes;
            let end = rest[body..]
                .find(&close)
                .map_or(text.len(), |n| i + body + n + close.len());
            out.push_str("\"\"");
            i = end;
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() {
                match rest.as_bytes()[j] {
                    b'\\' => j += 2,
                    b'"' => break,
                    _ => j += 1,
                }
            }
            out.push_str("\"\"");
            i += (j + 1).min(rest.len());
        } else if rest.starts_with("'\"'") {
            i += 3;
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The paths a module names: `crate::a::b`, `super::x`, and the groups of
/// `use crate::{a, b::c}`, made absolute.
fn named_paths(module: &Module, code: &str) -> Vec<Module> {
    let mut found = Vec::new();
    let words: Vec<char> = code.chars().collect();
    let text: String = words.iter().collect();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = text[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let base: Module = match start {
                "crate::" => Vec::new(),
                "super::" => module[..module.len().saturating_sub(1)].to_vec(),
                _ => module.clone(),
            };
            let mut path = base;
            let mut rest = &text[at + start.len()..];
            // `super::super::x`
            while let Some(r) = rest.strip_prefix("super::") {
                path.pop();
                rest = r;
            }
            collect(&path, rest, &mut found);
        }
    }
    found
}

/// Adds the paths that `rest` (what follows `prefix::`) names.
fn collect(prefix: &Module, rest: &str, found: &mut Vec<Module>) {
    let rest = rest.trim_start();
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '{' => {
                    depth += 1;
                    item.push(c);
                }
                '}' if depth == 0 => {
                    collect(prefix, &item, found);
                    return;
                }
                '}' => {
                    depth -= 1;
                    item.push(c);
                }
                ',' if depth == 0 => {
                    collect(prefix, &item, found);
                    item.clear();
                }
                _ => item.push(c),
            }
        }
        return;
    }
    let mut path = prefix.clone();
    let mut segment = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            path.push(std::mem::take(&mut segment));
            if chars.peek() == Some(&'{') {
                let tail: String = chars.collect();
                collect(&path, &tail, found);
                return;
            }
        } else {
            break;
        }
    }
    if !segment.is_empty() && segment != "self" {
        path.push(segment);
    }
    found.push(path);
}

/// The module a path lands in: its longest prefix that is a module.
fn owner<'m>(path: &Module, modules: &'m BTreeMap<Module, PathBuf>) -> Option<&'m Module> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get_key_value(&path[..n]).map(|(k, _)| k))
}

/// What every module uses of the others: module -> modules it names.
fn uses(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules = modules(src);
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("read a source file");
        let code = code_of(&text);
        let mut used = BTreeSet::new();
        for path in named_paths(module, &code) {
            if let Some(target) = owner(&path, &modules)
                && target != module
            {
                used.insert(target.clone());
            }
        }
        graph.insert(module.clone(), used);
    }
    graph
}

/// Imports that point up a layer: `(from, to)`.
fn upward(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<(String, String)> {
    let mut wrong = Vec::new();
    for (from, used) in graph {
        let Some(from_layer) = from.first().and_then(|t| layer_of(t)) else {
            continue;
        };
        for to in used {
            let to_layer = to.first().and_then(|t| layer_of(t));
            if to_layer.is_some_and(|l| l > from_layer) {
                wrong.push((from.join("::"), to.join("::")));
            }
        }
    }
    wrong
}

/// Cycles between siblings: for every folder (and the crate's top
/// level), the uses between its children, each use lifted to the
/// children it starts and ends under. A child's use of its own parent
/// or ancestors is its context, not a dependency, and is left out.
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    let mut levels: BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, used) in graph {
        for to in used {
            if from.starts_with(to) || to.starts_with(from) {
                continue;
            }
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            let parent: Module = from[..common].to_vec();
            let (a, b) = (from[common].clone(), to[common].clone());
            levels
                .entry(parent)
                .or_default()
                .entry(a)
                .or_default()
                .insert(b);
        }
    }
    let mut found = Vec::new();
    for (parent, edges) in &levels {
        for cycle in strongly_connected(edges) {
            let names = cycle
                .iter()
                .map(|c| {
                    let mut m = parent.clone();
                    m.push(c.clone());
                    m.join("::")
                })
                .collect();
            found.push(names);
        }
    }
    found
}

/// The groups of two or more nodes that reach each other (Tarjan).
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.low[v].min(s.index[w]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.out.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.iter().map(String::as_str)))
        .collect();
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn imports_only_point_down_the_layers() {
    let wrong = upward(&uses(&src()));
    assert!(
        wrong.is_empty(),
        "modules that import from a layer above their own (see docs/architecture.md):\n{}",
        wrong
            .iter()
            .map(|(a, b)| format!("  {a} -> {b}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn no_modules_need_each_other() {
    let found = cycles(&uses(&src()));
    assert!(
        found.is_empty(),
        "modules that import each other, directly or round a circle:\n{}",
        found
            .iter()
            .map(|c| format!("  {}", c.join(" <-> ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_layer() {
    let modules = modules(&src());
    let tops: BTreeSet<&String> = modules.keys().filter_map(|m| m.first()).collect();
    let unplaced: Vec<&&String> = tops.iter().filter(|t| layer_of(t).is_none()).collect();
    assert!(unplaced.is_empty(), "modules in no layer: {unplaced:?}");
}

/// Writes a small crate and returns its `src/`.
fn fake_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

#[test]
fn an_upward_import_and_a_cycle_are_caught() {
    let dir = fake_crate(&[
        ("lib.rs", "pub mod util; pub mod source; pub mod render;"),
        // Upward: the utilities reach for the renderer.
        (
            "util.rs",
            "use crate::render::page;\n// crate::serve in a comment\n",
        ),
        (
            "render.rs",
            "pub mod page; pub mod view;\nuse crate::{util, source::walk};",
        ),
        (
            "render/page.rs",
            "use super::view::View;\nfn x() { let _ = \"crate::site\"; }",
        ),
        ("render/view.rs", "use crate::render::page::Page;"),
        ("source.rs", "pub mod walk;"),
        ("source/walk.rs", "use super::super::util;"),
    ]);
    let graph = uses(dir.path());
    assert_eq!(
        upward(&graph),
        [("util".to_string(), "render::page".to_string())]
    );
    let names = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        cycles(&graph),
        [
            // The upward use closes a circle too.
            names(&["render", "source", "util"]),
            names(&["render::page", "render::view"]),
        ]
    );
    // Without them, the same crate passes.
    let dir = fake_crate(&[
        ("lib.rs", "pub mod util; pub mod source; pub mod render;"),
        ("util.rs", ""),
        (
            "render.rs",
            "pub mod page; pub mod view;\nuse crate::{util, source::walk};",
        ),
        ("render/page.rs", "use super::view::View;"),
        ("render/view.rs", "use crate::util;"),
        ("source.rs", "pub mod walk;"),
        ("source/walk.rs", "use super::super::util;"),
    ]);
    let graph = uses(dir.path());
    assert!(upward(&graph).is_empty());
    assert!(cycles(&graph).is_empty());
}
