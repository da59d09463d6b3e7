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

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
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
    /// Print only problems: no summary, no "wrote" lines.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: how long each phase of a build took, with CPU time and
    /// memory.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// When to colour diagnostics: auto colours a terminal unless NO_COLOR
    /// is set (CLICOLOR_FORCE colours anything).
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    color: ColorArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// What every command prints with: quiet or not, colour or not, and
/// where the files diagnostics name are.
#[derive(Clone)]
struct Printing {
    quiet: bool,
    color: ColorArg,
    /// `--format short`: one line a diagnostic, even on a terminal.
    short: bool,
    /// The site folder, which diagnostics' paths are relative to.
    root: PathBuf,
}

impl Printing {
    fn at(self, root: &std::path::Path) -> Printing {
        Printing {
            root: root.to_path_buf(),
            ..self
        }
    }

    /// How diagnostics are shown: `None` for one line each (piped,
    /// `--format short`), else with their source line, in colour or not.
    /// An explicit `--color always` or `CLICOLOR_FORCE` colours and shows
    /// sources wherever the output goes; `NO_COLOR` takes colour away
    /// from a terminal, not the sources.
    fn snippets(&self) -> Option<bool> {
        use std::io::IsTerminal;
        if self.short {
            return None;
        }
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        let terminal = std::io::stderr().is_terminal();
        match self.color {
            ColorArg::Always => Some(true),
            ColorArg::Never => terminal.then_some(false),
            ColorArg::Auto if set("CLICOLOR_FORCE") => Some(true),
            ColorArg::Auto => terminal.then(|| !set("NO_COLOR")),
        }
    }
}

/// The terminal's width for diagnostics: `COLUMNS` when set, else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c >= 20)
        .unwrap_or(100)
}

/// `--root`, on every command that works on a site.
#[derive(Args)]
struct RootArg {
    /// The site folder (holds hindsight.toml and content/) [default: the
    /// nearest folder, from the current one up, with a hindsight.toml;
    /// else the current folder].
    #[arg(short, long, value_name = "DIR")]
    root: Option<PathBuf>,
}

impl RootArg {
    /// The folder given, or the one found from the current folder up.
    fn resolve(&self) -> PathBuf {
        if let Some(root) = &self.root {
            return root.clone();
        }
        std::env::current_dir()
            .ok()
            .and_then(|here| hindsight::config::discover(&here))
            .unwrap_or_else(|| PathBuf::from("."))
    }
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
    /// Print a completion script for a shell, e.g.
    /// `hindsight completions bash > /etc/bash_completion.d/hindsight`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `hindsight man | man -l -`.
    Man,
}

#[derive(Args)]
struct CompletionsArgs {
    shell: clap_complete::Shell,
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
    fn run(self, printing: Printing) -> ExitCode {
        use hindsight::source::init;
        let ci = self.ci.map(|ci| match ci {
            Ci::Github => init::Ci::Github,
            Ci::Gitlab => init::Ci::Gitlab,
        });
        let ask = init::Init { ci, today: None };
        match init::init(&self.dir, &ask) {
            Ok(_) if printing.quiet => ExitCode::SUCCESS,
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
    fn run(self, printing: Printing) -> ExitCode {
        use hindsight::source::import;
        let printing = printing.at(&self.into);
        let config_file = self.into.join(hindsight::config::FILE_NAME);
        let config = if config_file.exists() {
            match hindsight::config::Config::load(&self.into) {
                Ok(config) => Some(config),
                Err(d) => return fail(&Error::Config(d), Format::Human, &printing),
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
        if !printing.quiet {
            print!("{}", outcome.ledger);
        }
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
        let code = if outcome.failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
        if printing.quiet {
            return code;
        }
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
        code
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
    /// When impact started: 2024-05-01, or 2024-05-01T09:40 (in the
    /// configured timezone unless an offset is given) [default: now]. The
    /// file goes under that year.
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// The report's id, its short link /i/<id>/ (e.g. INC-2024-017).
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    root: RootArg,
}

impl NewArgs {
    fn run(self, printing: Printing) -> ExitCode {
        let root = self.root.resolve();
        let printing = printing.at(&root);
        let config = match hindsight::config::Config::load(&root) {
            Ok(config) => config,
            Err(d) => return fail(&Error::Config(d), Format::Human, &printing),
        };
        let date = match self
            .date
            .as_deref()
            .map(|d| hindsight::source::authoring::parse_date(&config, d))
            .transpose()
        {
            Ok(date) => date,
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        };
        let new = hindsight::source::authoring::NewReport {
            slug: self.slug,
            title: self.title,
            severity: self.severity,
            services: self.services,
            date,
            id: self.id,
        };
        match hindsight::source::authoring::new_report(&root, &config, &new) {
            Ok(path) => {
                if !printing.quiet {
                    println!("wrote {}", path.display());
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
struct SchemaArgs {
    #[command(flatten)]
    root: RootArg,
}

impl SchemaArgs {
    fn run(self, printing: Printing) -> ExitCode {
        let root = self.root.resolve();
        let printing = printing.at(&root);
        match hindsight::config::Config::load(&root) {
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
            Err(d) => fail(&Error::Config(d), Format::Human, &printing),
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    root: RootArg,
    /// The address to listen on; anything but loopback lets other machines
    /// read the library, and is warned of.
    #[arg(short, long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    interface: std::net::IpAddr,
    /// The port; 0 takes any free one.
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
    /// The URL the preview is reached at, for the pages' absolute URLs
    /// [default: http://<interface>:<port>/].
    #[arg(short = 'u', long, value_name = "URL")]
    base_url: Option<String>,
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
    fn run(self, printing: Printing) -> ExitCode {
        let root = self.root.resolve();
        let printing = printing.at(&root);
        let settings = hindsight::serve::Settings {
            root,
            interface: self.interface,
            port: self.port,
            base_url: self.base_url,
            quiet: printing.quiet,
            drafts: self.drafts,
            open: self.open,
            edition: self.edition.into(),
        };
        match hindsight::serve::run(&settings) {
            Ok(()) => ExitCode::SUCCESS,
            // Only a failed start is an error; once serving, problems show
            // on the pages.
            Err(e) => fail(&e, Format::Human, &printing),
        }
    }
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    root: RootArg,
    /// Where to write the site [default: <root>/public].
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Include reports with `status: draft`.
    #[arg(long)]
    drafts: bool,
    /// The URL the site is published at (overrides base_url).
    #[arg(short = 'u', long, value_name = "URL")]
    base_url: Option<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = BuildFormat::Human)]
    format: BuildFormat,
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
    #[command(flatten)]
    root: RootArg,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Check reports with `status: draft` too.
    #[arg(long)]
    drafts: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Fail (exit 1) when an open action item is past its due date, and
    /// name each: for a scheduled CI job.
    #[arg(long)]
    deny_overdue: bool,
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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BuildFormat {
    /// With the source line on a terminal, one line each when piped.
    Human,
    /// One line each: `error: path:line:col: message`, for editors and grep.
    Short,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// With the source line on a terminal, one line each when piped.
    Human,
    /// One line each: `error: path:line:col: message`, for editors and grep.
    Short,
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::message`).
    Github,
}

impl BuildArgs {
    fn run(self, printing: Printing) -> ExitCode {
        let root = self.root.resolve();
        let printing = Printing {
            short: self.format == BuildFormat::Short,
            ..printing.at(&root)
        };
        let output = self.output.clone();
        let options = Options {
            root,
            output: self.output,
            drafts: self.drafts,
            base_url: self.base_url,
            today: None,
            force: self.force,
            edition: self.edition.into(),
            then_exit: true,
        };
        match hindsight::build(&options) {
            Ok(summary) => {
                print_human(&summary.warnings, &printing);
                if printing.quiet {
                    return ExitCode::SUCCESS;
                }
                print_human(&summary.notes, &printing);
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
            Err(e) => fail(&e, Format::Human, &printing),
        }
    }
}

impl CheckArgs {
    fn run(self, printing: Printing) -> ExitCode {
        let root = self.root.resolve();
        let printing = Printing {
            short: self.format == Format::Short,
            ..printing.at(&root)
        };
        let mut options = Options::new(root);
        options.drafts = self.drafts;
        options.edition = self.edition.into();
        match hindsight::check_overdue(&options) {
            Ok((warnings, overdue)) => {
                let overdue = if self.deny_overdue {
                    overdue
                } else {
                    Vec::new()
                };
                let denied = self.deny_warnings && !warnings.is_empty();
                let late = !overdue.is_empty();
                let mut shown = overdue.clone();
                shown.extend(warnings.iter().cloned());
                diagnostics::sort(&mut shown);
                match self.format {
                    Format::Human | Format::Short => {
                        print_human(&shown, &printing);
                        if late {
                            eprintln!(
                                "{} action item{} past due and --deny-overdue: failing",
                                overdue.len(),
                                plural(overdue.len())
                            );
                        }
                        if denied {
                            eprintln!(
                                "{} warning{} and --deny-warnings: failing",
                                warnings.len(),
                                plural(warnings.len())
                            );
                        } else if !late && !printing.quiet {
                            eprintln!(
                                "ok: no errors, {} warning{}",
                                warnings.len(),
                                plural(warnings.len())
                            );
                        }
                    }
                    Format::Json => print_json(&shown),
                    Format::Github => print_github(&shown),
                }
                if denied || late {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => fail(&e, self.format, &printing),
        }
    }
}

fn fail(error: &Error, format: Format, printing: &Printing) -> ExitCode {
    match (error, format) {
        (Error::Content(d) | Error::Config(d), Format::Json) => print_json(d),
        (Error::Content(d) | Error::Config(d), Format::Github) => print_github(d),
        (Error::Content(d) | Error::Config(d), Format::Human | Format::Short) => {
            print_human(d, printing);
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

fn print_human(diagnostics: &[Diagnostic], printing: &Printing) {
    let Some(color) = printing.snippets() else {
        for d in diagnostics {
            eprintln!("{d}");
        }
        return;
    };
    let width = terminal_width();
    let mut sources: std::collections::HashMap<&std::path::Path, Option<String>> =
        std::collections::HashMap::new();
    for d in diagnostics {
        let source = sources
            .entry(d.file.as_path())
            .or_insert_with(|| std::fs::read_to_string(printing.root.join(&d.file)).ok());
        eprintln!(
            "{}",
            diagnostics::render_snippet(d, source.as_deref(), color, width)
        );
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
    hindsight::site::set_verbose(cli.verbose);
    let printing = Printing {
        quiet: cli.quiet,
        color: cli.color,
        short: false,
        root: PathBuf::from("."),
    };
    // A preview lives long: it gives memory back between its builds.
    if !matches!(cli.command, Command::Serve(_)) {
        keep_freed_memory();
    }
    start_threads();
    match cli.command {
        Command::Build(args) => args.run(printing),
        Command::Check(args) => args.run(printing),
        Command::Init(args) => args.run(printing),
        Command::Import(args) => args.run(printing),
        Command::New(args) => args.run(printing),
        Command::Schema(args) => args.run(printing),
        Command::Serve(args) => args.run(printing),
        Command::Completions(args) => {
            let mut command = Cli::command();
            clap_complete::generate(
                args.shell,
                &mut command,
                "hindsight",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            match man.render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot print the manual page: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
