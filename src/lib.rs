//! Hindsight turns a folder of Markdown postmortems into a static,
//! cross-linked incident library.
//!
//! A build is a straight pipeline, one module per phase, each importing
//! only from the phases before it (docs/architecture.md draws the layers;
//! a test in `tests/hindsight/architecture.rs` keeps them true):
//!
//! ```text
//! util, diagnostics  small helpers; problems as values (file, line, code)
//! config    hindsight.toml, read strictly and checked
//! source    content/ walked and read inside its boundary; each file's
//!           front matter, body conventions (dialect), action items and
//!           timeline times parsed and checked               (parallel)
//! archive   the model: reports meet each other (duplicates, related,
//!           indexes by year, service, severity, tag) and their numbers
//!           (metrics, insights); no HTML
//! render    every page through the theme's templates        (parallel):
//!           bodies (Markdown to HTML, links checked), views, charts,
//!           search index, feeds, sitemaps, redirects
//! output    the sink: files staged, then the whole site swapped in at once
//! site      runs the phases in order and times them
//! serve     the live preview on top of it all
//! ```
//!
//! A broken link found while pages render still fails the build before
//! anything is published: the staged files are dropped.
//!
//! Content problems never stop a phase early: they are collected as
//! [`Diagnostic`]s and reported together.
//!
//! ```no_run
//! let options = hindsight::Options::new("my-archive");
//! match hindsight::build(&options) {
//!     Ok(summary) => println!("{} postmortems", summary.reports),
//!     Err(hindsight::Error::Content(diagnostics)) => {
//!         for d in diagnostics {
//!             eprintln!("{d}");
//!         }
//!     }
//!     Err(e) => eprintln!("{e}"),
//! }
//! ```

pub mod archive;
pub mod config;
pub mod diagnostics;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod source;
pub mod util;

pub use diagnostics::Diagnostic;
pub use site::{Options, Site, Summary, build, check, check_overdue};

/// Why a build or check did not succeed.
#[derive(Debug)]
pub enum Error {
    /// Problems in the reports (exit code 1). Warnings are included.
    Content(Vec<Diagnostic>),
    /// Problems in `hindsight.toml` (exit code 2).
    Config(Vec<Diagnostic>),
    /// The site could not be read or written: missing folder, broken
    /// theme, unwritable output (exit code 2).
    Setup(anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content(_) => 1,
            Error::Config(_) | Error::Setup(_) => 2,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Content(d) | Error::Config(d) => {
                for (i, d) in d.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            Error::Setup(e) => write!(f, "error: {}", diagnostics::printable(&format!("{e:#}"))),
        }
    }
}

impl std::error::Error for Error {}
