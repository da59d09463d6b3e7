//! docs/theming.md stays true: the worked example's files, taken from the
//! guide's code blocks, build into a site whose header shows the logo and
//! whose pages load the extra stylesheet; the guide's variable tables name
//! what the renderer gives the templates (`src/render/pages.rs` and a
//! module per page under `src/render/pages/`), no more and no less; the
//! example's colours keep their contrast in both schemes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use crate::support::{TestSite, resolve, sel};

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The files the guide gives in full: each fenced block right after a
/// line ``File `PATH`:``, by path.
fn files_of(markdown: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut lines = markdown.lines();
    let mut named: Option<String> = None;
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if let Some(path) = trimmed
            .strip_prefix("File `")
            .and_then(|rest| rest.strip_suffix("`:"))
        {
            named = Some(path.to_string());
            continue;
        }
        if trimmed.starts_with("```") {
            let fence = &trimmed[..trimmed.len() - trimmed.trim_start_matches('`').len()];
            let mut text = String::new();
            for inner in lines.by_ref() {
                if inner.trim() == fence {
                    break;
                }
                text.push_str(inner);
                text.push('\n');
            }
            if let Some(path) = named.take() {
                assert!(
                    files.insert(path.clone(), text).is_none(),
                    "the guide gives `{path}` twice"
                );
            }
            continue;
        }
        if !trimmed.is_empty() {
            named = None;
        }
    }
    files
}

/// The names in the first column of the variable tables under the
/// heading `heading` (up to the next heading of its level or above);
/// `None` when the guide has no such heading.
fn table_names(markdown: &str, heading: &str) -> Option<BTreeSet<String>> {
    let level = heading.len() - heading.trim_start_matches('#').len();
    let mut names = BTreeSet::new();
    let mut inside = false;
    let mut found = false;
    for line in markdown.lines() {
        let hashes = line.len() - line.trim_start_matches('#').len();
        if hashes > 0 && line[hashes..].starts_with(' ') {
            if inside && hashes <= level {
                break;
            }
            if line.trim() == heading {
                inside = true;
                found = true;
            }
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(cell) = line.strip_prefix("| `")
            && let Some(end) = cell.find('`')
        {
            names.insert(cell[..end].to_string());
        }
    }
    found.then_some(names)
}

/// The templates the guide gives a variable table of: its headings
/// ``### `NAME.html` `` under "## What templates receive".
fn documented_templates(markdown: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut names = BTreeSet::new();
    for line in markdown.lines() {
        if line.starts_with("## ") {
            inside = line == "## What templates receive";
        } else if inside
            && let Some(name) = line
                .strip_prefix("### `")
                .and_then(|rest| rest.strip_suffix('`'))
        {
            names.insert(name.to_string());
        }
    }
    names
}

/// Every name `cx.insert("…", …)` gives in `source`.
fn inserted(source: &str) -> BTreeSet<String> {
    source
        .split("cx.insert(")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start().strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// The text of `source` from `start` to the first `end` after it, if
/// both are there.
fn between<'s>(source: &'s str, start: &str, end: &str) -> Option<&'s str> {
    let from = source.find(start)?;
    let len = source[from..].find(end)?;
    Some(&source[from..from + len])
}

/// The `pub` fields of the struct `NAME` (any visibility, any
/// generics) in `source`.
fn fields(source: &str, name: &str) -> BTreeSet<String> {
    let start = [format!("pub struct {name} "), format!("pub struct {name}<")]
        .into_iter()
        .find_map(|start| source.find(&start));
    let Some(start) = start else {
        return BTreeSet::new();
    };
    let body = between(&source[start..], "{", "\n}").unwrap_or_default();
    body.lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split_once(':').map(|(f, _)| f.trim().to_string()))
        .collect()
}

/// The code that gives templates their variables.
#[derive(Clone)]
struct Code {
    /// `src/render.rs`: `site` and the variables of `row.html`.
    render: String,
    /// `src/render/pages.rs`: `PageVars`, what every page receives.
    pages: String,
    /// The files of `src/render/pages/`, by name: one kind of page each,
    /// with its `TEMPLATE` and its own variables.
    page_kinds: BTreeMap<String, String>,
    /// `src/render/view.rs`: the fields of `site`, `report` and rows.
    view: String,
}

impl Code {
    fn read() -> Code {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/pages");
        let page_kinds = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            // A page's module may have a folder of its own parts.
            .filter(|path| path.is_file())
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        Code {
            render: repo_file("src/render.rs"),
            pages: repo_file("src/render/pages.rs"),
            page_kinds,
            view: repo_file("src/render/view.rs"),
        }
    }
}

/// Adds to `out` a line for each name of `given` that `documented` lacks,
/// and each of `documented` that `given` lacks.
fn compare(
    what: &str,
    documented: &BTreeSet<String>,
    given: &BTreeSet<String>,
    out: &mut Vec<String>,
) {
    for name in given.difference(documented) {
        out.push(format!("{what}: `{name}` is given but not documented"));
    }
    for name in documented.difference(given) {
        out.push(format!("{what}: `{name}` is documented but not given"));
    }
}

/// Where docs/theming.md and the code disagree on what templates
/// receive, one line each; empty when they agree.
fn differences(guide: &str, code: &Code) -> Vec<String> {
    let mut out = Vec::new();
    let table = |heading: &str, out: &mut Vec<String>| match table_names(guide, heading) {
        Some(names) => names,
        None => {
            out.push(format!("no variable table under {heading}"));
            BTreeSet::new()
        }
    };
    let prefixed = |prefix: &str, names: BTreeSet<String>| -> BTreeSet<String> {
        names.into_iter().map(|f| format!("{prefix}{f}")).collect()
    };
    let (plain, dotted): (BTreeSet<String>, BTreeSet<String>) = table("### Every page", &mut out)
        .into_iter()
        .partition(|n| !n.contains('.'));

    // Every page: `site`, the same for all, and the fields of `PageVars`.
    let mut every = fields(&code.pages, "PageVars");
    if code.render.contains("global_context().insert(\"site\"") {
        every.insert("site".into());
    }
    compare("every page", &plain, &every, &mut out);
    let site = prefixed("site.", fields(&code.view, "SiteView"));
    compare("site", &dotted, &site, &mut out);
    // Nothing else gives variables but the modules of the pages and rows.
    for name in inserted(&code.pages) {
        out.push(format!(
            "`{name}` is given in src/render/pages.rs, outside the module of a page"
        ));
    }

    // Each kind of page: `section` and `title`, and its own variables.
    let mut templates = BTreeSet::new();
    for (file, text) in &code.page_kinds {
        let Some(template) = between(text, "const TEMPLATE: &str = \"", "\";") else {
            out.push(format!("src/render/pages/{file} names no `TEMPLATE`"));
            continue;
        };
        let template = template.trim_start_matches("const TEMPLATE: &str = \"");
        templates.insert(template.to_string());
        let mut given = inserted(text);
        given.extend(["section".to_string(), "title".to_string()]);
        let documented = table(&format!("### `{template}`"), &mut out);
        let (plain, _) = documented.into_iter().partition(|n| !n.contains('.'));
        compare(template, &plain, &given, &mut out);
    }
    // A row: what `render_row` gives.
    templates.insert("row.html".into());
    let row_fn = between(&code.render, "fn render_row(", "\n    }\n").unwrap_or_default();
    compare(
        "row.html",
        &table("### `row.html`", &mut out),
        &inserted(row_fn),
        &mut out,
    );
    let elsewhere = inserted(&code.render.replace(row_fn, ""));
    for name in elsewhere {
        out.push(format!(
            "`{name}` is given in src/render.rs, outside the module of a page"
        ));
    }
    for missing in documented_templates(guide).difference(&templates) {
        out.push(format!(
            "`{missing}` has a table but no module in src/render/pages/"
        ));
    }
    for missing in templates.difference(&documented_templates(guide)) {
        out.push(format!("`{missing}` has no table in docs/theming.md"));
    }

    // The fields of `report`, besides the row's, which it flattens.
    let report: BTreeSet<String> = table("### `report.html`", &mut out)
        .into_iter()
        .filter(|n| n.starts_with("report."))
        .collect();
    let mut given = fields(&code.view, "ReportView");
    given.remove("row");
    compare("report", &report, &prefixed("report.", given), &mut out);
    for field in fields(&code.view, "Row") {
        if !guide.contains(&format!("`report.{field}`")) {
            out.push(format!(
                "the guide does not say that `report.{field}` exists"
            ));
        }
    }
    out
}

#[test]
fn the_worked_example_of_the_theming_guide_builds_as_described() {
    let started = Instant::now();
    let guide = repo_file("docs/theming.md");
    let files = files_of(&guide);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        ["static/brand.css", "static/logo.svg", "templates/base.html"],
        "the files the worked example gives"
    );

    // The guide's base.html is the theme's, with the two lines it names.
    let theme_base = repo_file("themes/default/templates/base.html");
    let ours = &files["templates/base.html"];
    let added: Vec<&str> = ours
        .lines()
        .filter(|l| l.contains("brand.css") || l.contains("logo.svg"))
        .collect();
    assert_eq!(added.len(), 2, "{added:?}");
    for line in &added {
        assert!(
            guide.contains(&format!("```html\n{line}\n```")),
            "the guide shows the changed line on its own: {line}"
        );
    }
    let unchanged = |text: &str, skip: &dyn Fn(&str) -> bool| -> Vec<String> {
        text.lines()
            .filter(|l| !skip(l))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        unchanged(ours, &|l| added.contains(&l)),
        unchanged(&theme_base, &|l| l.contains("<a class=\"brand\"")),
        "templates/base.html in docs/theming.md must be the theme's base.html \
         with the two lines the guide names: copy the theme's file again"
    );

    let site = TestSite::fixture("basic");
    for (path, text) in &files {
        site.write(path, text);
    }
    site.build_ok();
    let out = site.out();
    assert_eq!(
        std::fs::read_to_string(out.join("static/logo.svg")).unwrap(),
        files["static/logo.svg"]
    );

    for page in [
        "index.html",
        "postmortems/2023-01-17-icreate-deploy/index.html",
    ] {
        let doc = site.page(page);
        let at = out.join(page);

        let logos: Vec<_> = doc.select(&sel("header.site-header a.brand img")).collect();
        assert_eq!(
            logos.len(),
            1,
            "{page}: one image in the header's brand link"
        );
        let logo = logos[0].value();
        let src = logo.attr("src").unwrap();
        assert!(src.ends_with("static/logo.svg"), "{page}: {src}");
        assert!(
            resolve(&out, &at, src).0.is_file(),
            "{page}: {src} is not a file"
        );
        assert_eq!(
            logo.attr("alt"),
            Some("Acme"),
            "{page}: the logo's alt text"
        );

        let sheets: Vec<String> = doc
            .select(&sel("head link[rel=stylesheet]"))
            .filter_map(|l| l.value().attr("href").map(str::to_string))
            .collect();
        let position = |name: &str| {
            sheets
                .iter()
                .position(|h| h.ends_with(name))
                .unwrap_or_else(|| panic!("{page} does not link {name}: {sheets:?}"))
        };
        assert!(
            position("static/style.css") < position("static/brand.css"),
            "{page}: brand.css must come after style.css: {sheets:?}"
        );
        let brand = &sheets[position("static/brand.css")];
        assert!(!brand.starts_with('/'), "{page}: {brand} is not relative");
        let (file, _) = resolve(&out, &at, brand);
        assert_eq!(
            std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{page}: {brand}: {}: {e}", file.display())),
            files["static/brand.css"]
        );
    }
    eprintln!(
        "worked example built and checked in {:?}",
        started.elapsed()
    );
}

#[test]
fn the_theming_guide_names_every_variable_the_templates_receive() {
    let guide = repo_file("docs/theming.md");
    let code = Code::read();
    assert!(code.page_kinds.len() >= 8, "{:?}", code.page_kinds.keys());
    let wrong = differences(&guide, &code);
    assert!(
        wrong.is_empty(),
        "docs/theming.md, under \"What templates receive\", and the code \
         disagree:\n  {}",
        wrong.join("\n  ")
    );
}

/// The comparison above fails both ways: on a variable the code gives and
/// the guide leaves out, and on one the guide names that no code gives.
#[test]
fn a_variable_in_the_code_or_in_the_guide_alone_is_caught() {
    let guide = repo_file("docs/theming.md");
    let code = Code::read();
    let caught = |guide: &str, code: &Code, expected: &[&str]| {
        let wrong = differences(guide, code);
        assert_eq!(wrong.len(), expected.len(), "{wrong:#?}");
        for (line, part) in wrong.iter().zip(expected) {
            assert!(line.contains(part), "{line} does not say {part}");
        }
    };

    // A variable of one page, given in code only.
    let mut more = code.clone();
    let home = more
        .page_kinds
        .get_mut("home.rs")
        .expect("a module of the home page");
    home.push_str("\nfn more(cx: &mut Context) {\n    cx.insert(\"extra\", &1);\n}\n");
    caught(
        &guide,
        &more,
        &["index.html: `extra` is given but not documented"],
    );

    // A variable of every page, given in code only.
    let mut more = code.clone();
    more.pages = more.pages.replacen(
        "pub struct PageVars<'p> {",
        "pub struct PageVars<'p> {\n    pub extra: &'p str,",
        1,
    );
    caught(
        &guide,
        &more,
        &["every page: `extra` is given but not documented"],
    );

    // A variable given outside the module of a page.
    let mut more = code.clone();
    more.render
        .push_str("\nfn more(cx: &mut Context) {\n    cx.insert(\"extra\", &1);\n}\n");
    caught(&guide, &more, &["`extra` is given in src/render.rs"]);

    // A row of the guide renamed: the old name is given but not
    // documented, the new one documented but not given.
    let renamed = guide.replacen("| `latest_html` |", "| `latest_rows` |", 1);
    caught(
        &renamed,
        &code,
        &[
            "`latest_html` is given but not documented",
            "`latest_rows` is documented but not given",
        ],
    );

    // A field of `report` or `site` the guide leaves out, and one it
    // names that is not there.
    let without: String = guide
        .lines()
        .filter(|l| !l.starts_with("| `report.source`"))
        .map(|l| format!("{l}\n"))
        .collect();
    caught(
        &without,
        &code,
        &["report: `report.source` is given but not documented"],
    );
    let more_site = guide.replacen(
        "| `site.title` |",
        "| `site.owner` | string | who runs it |\n| `site.title` |",
        1,
    );
    caught(
        &more_site,
        &code,
        &["site: `site.owner` is documented but not given"],
    );

    // A template with a table and no module.
    let more_pages = guide.replacen(
        "### `row.html`",
        "### `extra.html`\n\n| Variable | Type | What |\n|---|---|---|\n| `section` | string | x |\n| `title` | string | x |\n\n### `row.html`",
        1,
    );
    caught(
        &more_pages,
        &code,
        &["`extra.html` has a table but no module"],
    );
}

/// The `--name: #hex;` declarations of `css`, comments left out: those
/// outside any `@media` (the light scheme), and those inside a
/// `prefers-color-scheme: dark` block. Print blocks are passed over.
fn custom_colors(css: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let (mut light, mut dark) = (BTreeMap::new(), BTreeMap::new());
    let mut media: Vec<bool> = Vec::new(); // per open block: is it a dark one?
    let mut pending = String::new();
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("/*") {
        text.push_str(&rest[..at]);
        rest = rest[at..].split_once("*/").map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    for c in text.chars() {
        match c {
            '{' => {
                media.push(pending.contains("prefers-color-scheme: dark"));
                pending.clear();
            }
            '}' => {
                media.pop();
                pending.clear();
            }
            ';' => {
                if let Some((name, value)) = pending.trim().split_once(':')
                    && let Some(name) = name.trim().strip_prefix("--")
                    && value.trim().starts_with('#')
                {
                    let is_dark = media.iter().any(|d| *d);
                    let is_print = media.len() > 1 && !is_dark;
                    let target = if is_dark { &mut dark } else { &mut light };
                    if !is_print {
                        target.insert(name.to_string(), value.trim().to_string());
                    }
                }
                pending.clear();
            }
            _ => pending.push(c),
        }
    }
    (light, dark)
}

fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let hex: String = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex.to_string()
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn the_worked_example_keeps_its_contrast_in_both_schemes() {
    let guide = repo_file("docs/theming.md");
    let brand = &files_of(&guide)["static/brand.css"];
    let (theme_light, theme_dark) = custom_colors(&repo_file("themes/default/static/style.css"));
    let (brand_light, brand_dark) = custom_colors(brand);
    assert!(!brand_light.is_empty() && !brand_dark.is_empty());
    for (scheme, theme, ours) in [
        ("light", theme_light.clone(), brand_light),
        ("dark", theme_dark, brand_dark),
    ] {
        // The dark scheme starts from the light values it does not change.
        let mut colors = theme_light.clone();
        colors.extend(theme);
        colors.extend(ours);
        for (text, on) in [
            ("text", "bg"),
            ("text", "surface"),
            ("muted", "bg"),
            ("muted", "surface"),
            ("accent", "bg"),
            ("accent", "surface"),
            ("accent", "accent-soft"),
            ("header-text", "header-bg"),
        ] {
            let ratio = contrast(&colors[text], &colors[on]);
            assert!(
                ratio >= 4.5,
                "{scheme}: --{text} on --{on} is {ratio:.2}:1, under 4.5:1"
            );
        }
    }
}

#[test]
fn a_copy_of_the_theme_made_before_a_page_kind_existed_still_builds() {
    let site = TestSite::fixture("basic");
    crate::support::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.root().join("themes/default"),
    );
    // An older copy: no years page yet, no card image, and a report page
    // of its own.
    std::fs::remove_file(site.root().join("themes/default/templates/years.html")).unwrap();
    std::fs::remove_file(site.root().join("themes/default/static/card.png")).unwrap();
    site.edit("themes/default/templates/report.html", |t| {
        t.replace("<article", "<p class=\"older-copy\">Old</p><article")
    });
    site.build_ok();
    let years = site.page("years/index.html");
    assert_eq!(
        years.select(&sel("main h1")).count(),
        1,
        "from the built-in theme"
    );
    assert!(site.out().join("static/card.png").is_file());
    let report = site.page("postmortems/2023-01-17-icreate-deploy/index.html");
    assert_eq!(
        report.select(&sel("p.older-copy")).count(),
        1,
        "the copy's own report.html"
    );
}
