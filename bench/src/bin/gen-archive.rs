//! `gen-archive OUT_DIR N [--seed S] [--force]`: writes a synthetic archive
//! of N postmortems under OUT_DIR (see `hindsight_bench::generate`).
//!
//! The arguments are parsed by hand to keep the benchmark crate free of a
//! CLI dependency. A non-empty OUT_DIR is refused unless `--force`, which
//! removes it first, and one line of statistics goes to stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use hindsight_bench::generate;

const USAGE: &str = "\
usage: gen-archive OUT_DIR N [--seed S] [--force]

Writes N synthetic postmortems as OUT_DIR/<yyyy>/<yyyy-mm-dd>-<slug>.md.
Use OUT_DIR as a site's content/ folder.

  --seed S   seed of the archive (default 42); same seed, same bytes
  --force    remove OUT_DIR first if it exists and is not empty";

struct Args {
    out: PathBuf,
    n: usize,
    seed: u64,
    force: bool,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let mut seed = 42;
    let mut force = false;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--force" => force = true,
            "--seed" => {
                let value = args.next().ok_or("--seed needs a value")?;
                seed = parse_seed(&value)?;
            }
            _ if arg.starts_with("--seed=") => seed = parse_seed(&arg["--seed=".len()..])?,
            _ if arg.starts_with('-') && arg.len() > 1 => {
                return Err(format!("unknown option `{arg}`"));
            }
            _ => positional.push(arg),
        }
    }
    let [out, n] = <[String; 2]>::try_from(positional)
        .map_err(|p| format!("expected OUT_DIR and N, got {} argument(s)", p.len()))?;
    let n = n
        .parse()
        .map_err(|_| format!("N must be a whole number, not `{n}`"))?;
    Ok(Parsed::Run(Args {
        out: PathBuf::from(out),
        n,
        seed,
        force,
    }))
}

fn parse_seed(value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("--seed must be a whole number from 0 to 2^64-1, not `{value}`"))
}

/// Makes `out` an empty folder, refusing to clear a non-empty one unless
/// `force`.
fn prepare(out: &Path, force: bool) -> Result<(), String> {
    let shown = out.display();
    if out.exists() {
        let empty = out.is_dir()
            && out
                .read_dir()
                .map_err(|e| format!("cannot read {shown}: {e}"))?
                .next()
                .is_none();
        if !empty {
            if !force {
                let what = if out.is_dir() {
                    "is not empty"
                } else {
                    "is not a folder"
                };
                return Err(format!("{shown} exists and {what} (use --force)"));
            }
            if out.parent().is_none() {
                return Err(format!("refusing to remove {shown}"));
            }
            let removed = if out.is_dir() {
                std::fs::remove_dir_all(out)
            } else {
                std::fs::remove_file(out)
            };
            removed.map_err(|e| format!("cannot remove {shown}: {e}"))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {shown}: {e}"))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(message) = prepare(&args.out, args.force) {
        eprintln!("error: {message}");
        return ExitCode::from(1);
    }
    let started = Instant::now();
    match generate::write_archive(&args.out, args.n, args.seed) {
        Ok(stats) => {
            eprintln!("{stats}, in {:.2} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", args.out.display());
            ExitCode::from(1)
        }
    }
}
