//! The `hindsight` command: parses arguments, runs the library, prints
//! diagnostics and sets the exit code (0 success, 1 content errors, 2 usage
//! or configuration errors).

// The build allocates many short-lived strings and template values from
// several threads at once; mimalloc handles that pattern markedly better
// than the system allocator (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hindsight::{Diagnostic, Error, Options, diagnostics};

#[derive(Parser)]
#[command(
    name = "hindsight",
    version,
    about = "Build a static incident library from Markdown postmortems"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically).
    Build(BuildArgs),
    /// Validate everything a build would, without writing anything.
    Check(CheckArgs),
    /// Start a library: hindsight.toml, a sample report and a .gitignore.
    Init(InitArgs),
    /// Turn a folder of postmortems as a team has them into reports of
    /// this library; the folder is never changed.
    Import(ImportArgs),
    /// Start a postmortem: content/<year>/<SLUG>.md with valid front matter.
    New(NewArgs),
    /// Print a JSON Schema of the front matter, for editors.
    Schema(SchemaArgs),
    /// Preview the site on 127.0.0.1: rebuilds on changes, reloads pages.
    Serve(ServeArgs),
}

#[derive(Args)]
struct InitArgs {
    /// The folder to start the library in; created if missing. It may hold
    /// other files, but no hindsight.toml or content/.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Also write a CI setup that publishes the site and checks changes.
    #[arg(long, value_enum)]
    ci: Option<Ci>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Ci {
    /// .github/workflows/: publish to GitHub Pages, check pull requests.
    Github,
    /// .gitlab-ci.yml: publish to GitLab Pages, check merge requests.
    Gitlab,
}

impl InitArgs {
    fn run(self) -> ExitCode {
        use hindsight::source::init;
        let ci = self.ci.map(|ci| match ci {
            Ci::Github => init::Ci::Github,
            Ci::Gitlab => init::Ci::Gitlab,
        });
        let ask = init::Init { ci, today: None };
        match init::init(&self.dir, &ask) {
            Ok(written) => {
                for path in &written {
                    println!("wrote {}", path.display());
                }
                let root = if self.dir == std::path::Path::new(".") {
                    String::new()
                } else {
                    format!(" --root {}", self.dir.display())
                };
                println!("next:");
                println!("  hindsight serve{root} --open    # preview the site as you edit it");
                println!(
                    "  hindsight new SLUG --title \"…\" --severity SEV3 --service NAME{root}    # start a report"
                );
                println!("  hindsight build{root}    # write the site into public/");
                if ci.is_some() {
                    println!(
                        "the CI setup installs Hindsight from its source in the repository \
                         (`cargo install --locked --path .`): if it is kept elsewhere, change that step"
                    );
                }
                if ci == Some(init::Ci::Github) {
                    println!(
                        "for GitHub Pages, set the repository's Pages source to GitHub Actions"
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        }
    }
}

#[derive(Args)]
struct ImportArgs {
    /// The folder of postmortems to import: Markdown with other tools'
    /// front matter (YAML, TOML, JSON) or none.
    src: PathBuf,
    /// The library to import into; started (hindsight.toml, .gitignore)
    /// if it has none.
    #[arg(long, default_value = ".")]
    into: PathBuf,
    /// Print what would be imported, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Leave out files and folders matching this glob (`drafts/**`,
    /// `*.bak`); repeat for several.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
}

impl ImportArgs {
    fn run(self) -> ExitCode {
        use hindsight::source::import;
        let config_file = self.into.join(hindsight::config::FILE_NAME);
        let config = if config_file.exists() {
            match hindsight::config::Config::load(&self.into) {
                Ok(config) => Some(config),
                Err(d) => return fail(&Error::Config(d), Format::Human),
            }
        } else {
            None
        };
        let options = import::Options {
            dry_run: self.dry_run,
            exclude: self.exclude,
        };
        let outcome = match import::import(&self.src, &self.into, config.as_ref(), &options) {
            Ok(outcome) => outcome,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        };
        print!("{}", outcome.ledger);
        for path in &outcome.kept {
            eprintln!(
                "warning: {} was changed since it was imported (or is not an import's): left as it is",
                self.into.join(path).display()
            );
        }
        for failure in &outcome.failed {
            let failure = import::Failure {
                path: self.src.join(&failure.path),
                ..failure.clone()
            };
            eprintln!("error: {failure}; the file is not imported");
        }
        let drafts = if outcome.drafts > 0 {
            format!(", {} of them drafts without a date", outcome.drafts)
        } else {
            String::new()
        };
        if self.dry_run {
            println!(
                "would import {} report{}{drafts} into {}; nothing was written (--dry-run)",
                outcome.reports,
                plural(outcome.reports),
                self.into.display()
            );
        } else {
            println!(
                "imported {} report{}{drafts} into {} ({} files written, {} unchanged); \
                 the table of guesses is in {}",
                outcome.reports,
                plural(outcome.reports),
                self.into.display(),
                outcome.written.len(),
                outcome.unchanged,
                self.into.join(import::LEDGER).display()
            );
            let root = if self.into == std::path::Path::new(".") {
                String::new()
            } else {
                format!(" --root {}", self.into.display())
            };
            println!("next: hindsight check{root}");
        }
        if outcome.failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }
}

#[derive(Args)]
struct NewArgs {
    /// The report's file name and permanent URL, e.g. 2024-05-01-db-failover.
    slug: String,
    #[arg(long)]
    title: String,
    /// One of the severities of hindsight.toml.
    #[arg(long)]
    severity: String,
    /// An affected service; repeat for several.
    #[arg(long = "service", required = true)]
    services: Vec<String>,
    /// The site folder (holds hindsight.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

impl NewArgs {
    fn run(self) -> ExitCode {
        let config = match hindsight::config::Config::load(&self.root) {
            Ok(config) => config,
            Err(d) => return fail(&Error::Config(d), Format::Human),
        };
        let new = hindsight::source::authoring::NewReport {
            slug: self.slug,
            title: self.title,
            severity: self.severity,
            services: self.services,
            date: None,
        };
        match hindsight::source::authoring::new_report(&self.root, &config, &new) {
            Ok(path) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        }
    }
}

#[derive(Args)]
struct SchemaArgs {
    /// The site folder (holds hindsight.toml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

impl SchemaArgs {
    fn run(self) -> ExitCode {
        match hindsight::config::Config::load(&self.root) {
            Ok(config) => {
                let schema = hindsight::source::authoring::schema(&config);
                match serde_json::to_string_pretty(&schema) {
                    Ok(text) => {
                        println!("{text}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(2)
                    }
                }
            }
            Err(d) => fail(&Error::Config(d), Format::Human),
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// The site folder (holds hindsight.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The port on 127.0.0.1; 0 takes any free one.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include reports with `status: draft`.
    #[arg(long)]
    drafts: bool,
    /// Which site to make: every report (internal), or the public reports
    /// without their internal parts (public).
    #[arg(long, value_enum, default_value_t = EditionArg::Internal)]
    edition: EditionArg,
}

impl ServeArgs {
    fn run(self) -> ExitCode {
        let settings = hindsight::serve::Settings {
            root: self.root,
            port: self.port,
            drafts: self.drafts,
            open: self.open,
            edition: self.edition.into(),
        };
        match hindsight::serve::run(&settings) {
            Ok(()) => ExitCode::SUCCESS,
            // Only a failed start is an error; once serving, problems show
            // on the pages.
            Err(e) => fail(&e, Format::Human),
        }
    }
}

#[derive(Args)]
struct BuildArgs {
    /// The site folder (holds hindsight.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public].
    #[arg(long)]
    output: Option<PathBuf>,
    /// Include reports with `status: draft`.
    #[arg(long)]
    drafts: bool,
    /// The URL the site is published at (overrides base_url).
    #[arg(long)]
    base_url: Option<String>,
    /// Build into an output folder Hindsight did not write, or that holds
    /// files no build wrote: move it aside first (to <name>.old), deleting
    /// nothing.
    #[arg(long)]
    force: bool,
    /// Which site to make: every report (internal), or the public reports
    /// without their internal parts (public).
    #[arg(long, value_enum, default_value_t = EditionArg::Internal)]
    edition: EditionArg,
}

#[derive(Args)]
struct CheckArgs {
    /// The site folder (holds hindsight.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Check reports with `status: draft` too.
    #[arg(long)]
    drafts: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Which site to make: every report (internal), or the public reports
    /// without their internal parts (public).
    #[arg(long, value_enum, default_value_t = EditionArg::Internal)]
    edition: EditionArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EditionArg {
    /// Every report; internal reports and sections marked.
    Internal,
    /// Public reports only, without anything internal.
    Public,
}

impl From<EditionArg> for hindsight::config::Edition {
    fn from(edition: EditionArg) -> Self {
        match edition {
            EditionArg::Internal => hindsight::config::Edition::Internal,
            EditionArg::Public => hindsight::config::Edition::Public,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::message`).
    Github,
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let output = self.output.clone();
        let options = Options {
            root: self.root,
            output: self.output,
            drafts: self.drafts,
            base_url: self.base_url,
            today: None,
            force: self.force,
            edition: self.edition.into(),
        };
        match hindsight::build(&options) {
            Ok(summary) => {
                print_human(&summary.warnings);
                print_human(&summary.notes);
                let out = output.unwrap_or_else(|| options.output_dir());
                if let Some(aside) = &summary.moved_aside {
                    println!(
                        "moved what was at {} aside to {}; nothing in it was deleted",
                        out.display(),
                        aside.display()
                    );
                }
                let c = summary.changes;
                println!(
                    "built {} postmortem{}, {} pages ({} files: {} written, {} unchanged, {} removed) in {} ms into {}",
                    summary.reports,
                    plural(summary.reports),
                    summary.pages,
                    summary.files,
                    c.written,
                    c.unchanged,
                    c.removed,
                    summary.elapsed.as_millis(),
                    out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, Format::Human),
        }
    }
}

impl CheckArgs {
    fn run(self) -> ExitCode {
        let mut options = Options::new(self.root);
        options.drafts = self.drafts;
        options.edition = self.edition.into();
        match hindsight::check(&options) {
            Ok(warnings) => {
                let denied = self.deny_warnings && !warnings.is_empty();
                match self.format {
                    Format::Human => {
                        print_human(&warnings);
                        if denied {
                            eprintln!(
                                "{} warning{} and --deny-warnings: failing",
                                warnings.len(),
                                plural(warnings.len())
                            );
                        } else {
                            eprintln!(
                                "ok: no errors, {} warning{}",
                                warnings.len(),
                                plural(warnings.len())
                            );
                        }
                    }
                    Format::Json => print_json(&warnings),
                    Format::Github => print_github(&warnings),
                }
                if denied {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => fail(&e, self.format),
        }
    }
}

fn fail(error: &Error, format: Format) -> ExitCode {
    match (error, format) {
        (Error::Content(d) | Error::Config(d), Format::Json) => print_json(d),
        (Error::Content(d) | Error::Config(d), Format::Github) => print_github(d),
        (Error::Content(d) | Error::Config(d), Format::Human) => {
            print_human(d);
            let (errors, warnings) = diagnostics::count(d);
            eprintln!(
                "{errors} error{} and {warnings} warning{}; nothing was written",
                plural(errors),
                plural(warnings)
            );
        }
        (Error::Setup(_), _) => eprintln!("{error}"),
    }
    ExitCode::from(error.exit_code())
}

fn print_human(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

fn print_json(diagnostics: &[Diagnostic]) {
    match serde_json::to_string_pretty(diagnostics) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("error: cannot print diagnostics as JSON: {e}"),
    }
}

/// GitHub Actions workflow commands: one annotation a diagnostic, shown on
/// the file's line in a pull request.
fn print_github(diagnostics: &[Diagnostic]) {
    // Property values escape `%`, CR, LF, `:` and `,`; messages the first three.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    for d in diagnostics {
        let kind = if d.is_error() { "error" } else { "warning" };
        let file = diagnostics::printable(&d.file.to_string_lossy()).into_owned();
        let mut props = format!("file={}", property(&file));
        if d.line > 0 {
            props.push_str(&format!(",line={}", d.line));
            if d.column > 0 {
                props.push_str(&format!(",col={}", d.column));
            }
        }
        props.push_str(&format!(",title={}", property(d.code)));
        let mut message = diagnostics::printable(&d.message).into_owned();
        if let Some(hint) = &d.hint {
            message.push('\n');
            message.push_str(&diagnostics::printable(hint));
        }
        println!("::{kind} {props}::{}", data(&message));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A build is a short burst that frees and allocates gigabytes: by default
/// mimalloc hands freed memory back to the kernel after 10 ms, and taking
/// it again costs a page fault and zeroing each time. A build process ends
/// soon, so it keeps what it freed for reuse instead.
fn keep_freed_memory() {
    // `mi_option_purge_delay`, 15 in mimalloc 2 and 3: -1 means never purge.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets a plain integer option; mimalloc reads options at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

/// Pages are written as they render, and a thread that creates a file or
/// folder often waits on the file system (the folder's lock, the journal).
/// Two threads a core keep the cores busy meanwhile. `RAYON_NUM_THREADS`
/// still decides when it is set.
fn start_threads() {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // An error means the pool exists already; it is then used as it is.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cores * 2)
        .build_global();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A preview lives long: it gives memory back between its builds.
    if !matches!(cli.command, Command::Serve(_)) {
        keep_freed_memory();
    }
    start_threads();
    match cli.command {
        Command::Build(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Init(args) => args.run(),
        Command::Import(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Schema(args) => args.run(),
        Command::Serve(args) => args.run(),
    }
}
