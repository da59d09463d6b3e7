//! docs/theming.md stays true: the worked example's files, taken from the
//! guide's code blocks, build into a site whose header shows the logo and
//! whose pages load the extra stylesheet; the guide's variable tables name
//! what `src/render.rs` gives the templates; the example's colours keep
//! their contrast in both schemes.

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
/// heading `heading` (up to the next heading of its level or above).
fn table_names(markdown: &str, heading: &str) -> BTreeSet<String> {
    let level = heading.len() - heading.trim_start_matches('#').len();
    let mut names = BTreeSet::new();
    let mut inside = false;
    for line in markdown.lines() {
        let hashes = line.len() - line.trim_start_matches('#').len();
        if hashes > 0 && line[hashes..].starts_with(' ') {
            if inside && hashes <= level {
                break;
            }
            inside = inside || line.trim() == heading;
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
    assert!(!names.is_empty(), "no variable table under {heading}");
    names
}

/// Every name `cx.insert("…", …)` gives in `source`, in order.
fn inserted(source: &str) -> Vec<String> {
    source
        .split("cx.insert(")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start().strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// The text of `source` from `start` to the first `end` after it.
fn between<'s>(source: &'s str, start: &str, end: &str) -> &'s str {
    let from = source
        .find(start)
        .unwrap_or_else(|| panic!("src/render.rs no longer has `{start}`"));
    let len = source[from..]
        .find(end)
        .unwrap_or_else(|| panic!("src/render.rs has no `{end}` after `{start}`"));
    &source[from..from + len]
}

/// The `pub` fields of `pub struct NAME` in `source`.
fn fields(source: &str, name: &str) -> Vec<String> {
    let body = between(source, &format!("pub struct {name}"), "\n}");
    body.lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split_once(':').map(|(f, _)| f.trim().to_string()))
        .collect()
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
    let render = repo_file("src/render.rs");
    let view = repo_file("src/render/view.rs");

    // What every page gets: inserted before and after the match that picks
    // the page's template.
    let render_fn = between(
        &render,
        "fn render(&self, page: &Page",
        "\n    fn list_page(",
    );
    let (head, rest) = render_fn
        .split_once("let template = match page {")
        .expect("`render` picks the template in a match");
    let tail = &rest[rest.find("\n        };\n").expect("the match ends")..];
    let every_page = table_names(&guide, "### Every page");
    for name in inserted(head).into_iter().chain(inserted(tail)) {
        assert!(
            every_page.contains(&name),
            "`{name}` is given to every page: add it to the table under \
             \"### Every page\" in docs/theming.md"
        );
    }

    // What the report page gets, and the fields of `report`.
    let report_arm = between(rest, "Page::Report(i) => {", "\"report.html\"");
    let report = table_names(&guide, "### `report.html`");
    let report_names = inserted(report_arm);
    assert!(
        report_names.contains(&"report".to_string()),
        "{report_names:?}"
    );
    for name in &report_names {
        assert!(
            report.contains(name),
            "report pages get `{name}`: add it to the table under \
             \"### `report.html`\" in docs/theming.md"
        );
    }
    for field in fields(&view, "ReportView<'a>") {
        if field == "row" {
            continue; // flattened: the fields of a row
        }
        let name = format!("report.{field}");
        assert!(
            report.contains(&name),
            "`{name}` is missing from the table of report.html in docs/theming.md"
        );
    }
    for field in fields(&view, "Row") {
        assert!(
            guide.contains(&format!("`report.{field}`")),
            "the guide does not say that `report.{field}` exists"
        );
    }

    // Every name any template is given is in one of the tables.
    let all = table_names(&guide, "## What templates receive");
    for name in inserted(&render) {
        assert!(
            all.contains(&name),
            "`{name}` is given to a template but no table of docs/theming.md names it"
        );
    }
    for field in fields(&view, "SiteView") {
        let name = format!("site.{field}");
        assert!(
            all.contains(&name),
            "`{name}` is missing from docs/theming.md"
        );
    }
    assert!(
        render.contains("global_context().insert(\"site\""),
        "`site` is no longer the global context"
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
