//! The floor: the least work any generator must do to publish an archive.
//!
//! Reads every Markdown file under CONTENT_DIR, skips its front matter,
//! renders the body with pulldown-cmark (with Hindsight's options) and
//! writes one HTML file per report, `OUT_DIR/<file stem>/index.html`, on all
//! cores. No templates, no indexes, no validation: what is left of a build
//! when everything that makes it a site is taken away. The benchmark
//! reports Hindsight's distance from it.
//!
//!     floor CONTENT_DIR OUT_DIR
//!
//! OUT_DIR must not exist yet, as for the other builds of the benchmark.

// The allocator Hindsight uses, so the two differ in work, not in malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{Parser, html};
use rayon::prelude::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let out = Path::new(out);
    if out.exists() {
        eprintln!(
            "error: `{}` exists; the floor writes into a new folder",
            out.display()
        );
        return ExitCode::from(2);
    }
    match run(Path::new(content), out) {
        Ok(n) => {
            eprintln!("floor: {n} reports written to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(content: &Path, out: &Path) -> std::io::Result<usize> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    std::fs::create_dir_all(out)?;
    files.par_iter().try_for_each(|path| {
        let text = std::fs::read_to_string(path)?;
        let mut html = String::with_capacity(text.len() * 3 / 2);
        html::push_html(
            &mut html,
            Parser::new_ext(body(&text), hindsight::source::dialect::options()),
        );
        let stem = path.file_stem().unwrap_or_default();
        let dir = out.join(stem);
        std::fs::create_dir(&dir)?;
        std::fs::write(dir.join("index.html"), html)
    })?;
    Ok(files.len())
}

/// The text after a `---` front-matter block, or all of it.
fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}
