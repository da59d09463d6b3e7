//! The guides' examples keep working: every CI setup in
//! docs/publishing.md is parsed, checked for what its CI system needs, and
//! its `hindsight` commands are run against a fixture site; every command
//! and flag the guides mention exists.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Output};

use saphyr::{LoadableYamlNode, Yaml};

use crate::support::{TestSite, describe, stamps, texts};

/// What the CI variables of the examples stand for in the tests.
const PAGES_BASE_URL: &str = "https://octo-org.github.io/incidents/";
const GITLAB_PAGES_URL: &str = "https://octo-group.gitlab.io/incidents";

fn guide(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced blocks of `markdown` whose info string is `lang`, each with
/// the line of its opening fence.
fn fenced_blocks(markdown: &str, lang: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    // The closing fence of the open block, and the block if it is `lang`.
    let mut open: Option<(String, Option<(usize, String)>)> = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim();
        let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
        match &mut open {
            Some((fence, _)) if trimmed == fence.as_str() => {
                if let Some((_, Some(block))) = open.take() {
                    blocks.push(block);
                }
            }
            Some((_, Some((_, text)))) => {
                text.push_str(line);
                text.push('\n');
            }
            Some((_, None)) => {}
            None if ticks >= 3 => {
                let info = trimmed[ticks..].trim();
                open = Some((
                    "`".repeat(ticks),
                    (info == lang).then(|| (n + 1, String::new())),
                ));
            }
            None => {}
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    blocks
}

fn get<'a, 'y>(node: &'a Yaml<'y>, key: &str) -> Option<&'a Yaml<'y>> {
    node.as_mapping_get(key)
}

fn str_of<'a>(node: Option<&'a Yaml<'_>>) -> Option<&'a str> {
    node.and_then(|n| n.as_str())
}

/// A list of strings, or a single string as a list of one.
fn strings(node: Option<&Yaml<'_>>) -> Vec<String> {
    match node {
        Some(n) if n.as_sequence().is_some() => n
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(n) => n.as_str().map(str::to_string).into_iter().collect(),
        None => Vec::new(),
    }
}

fn keys<'a>(node: &'a Yaml<'_>) -> Vec<&'a str> {
    node.as_mapping()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.as_str())
        .collect()
}

/// The command lines of a `run` or `script` text: blank lines and
/// comments left out, `\` continuations joined.
fn command_lines(script: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(start) => {
                current.push_str(start);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    assert!(current.is_empty(), "a command ends with `\\`: {current}");
    lines
}

/// Splits a command line into words as the shell would, for the quoting
/// the examples use, replacing `${{ expression }}` (GitHub) and `$NAME`
/// (the shell) with `vars`. Anything else the shell would interpret fails
/// the test: the examples must stay this simple to be checked.
fn words(line: &str, vars: &HashMap<&str, &str>) -> Vec<String> {
    let mut expanded = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("${{") {
        let end = rest[at..]
            .find("}}")
            .unwrap_or_else(|| panic!("unclosed ${{{{ in {line}"));
        let expression = rest[at + 3..at + end].trim();
        let value = vars
            .get(expression)
            .unwrap_or_else(|| panic!("no test value for ${{{{ {expression} }}}} in {line}"));
        expanded.push_str(&rest[..at]);
        expanded.push_str(value);
        rest = &rest[at + end + 2..];
    }
    expanded.push_str(rest);

    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = expanded.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), c) => word.get_or_insert_default().push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (_, '$') => {
                let braced = chars.peek() == Some(&'{');
                if braced {
                    chars.next();
                }
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if !(n.is_ascii_alphanumeric() || n == '_') {
                        break;
                    }
                    name.push(n);
                    chars.next();
                }
                if braced {
                    assert_eq!(chars.next(), Some('}'), "unclosed ${{ in {line}");
                }
                assert!(!name.is_empty(), "a bare `$` in {line}");
                let value = vars
                    .get(name.as_str())
                    .unwrap_or_else(|| panic!("no test value for ${name} in {line}"));
                word.get_or_insert_default().push_str(value);
            }
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, '|' | '&' | ';' | '<' | '>' | '`' | '(' | ')' | '\\' | '*' | '?') => {
                panic!("`{c}` in {line}: keep the examples' commands plain")
            }
            (_, c) => word.get_or_insert_default().push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line}");
    out.extend(word);
    out
}

/// `aws s3 sync SOURCE TARGET …`
fn is_sync(command: &[String]) -> bool {
    command.len() >= 5 && command[..3] == ["aws", "s3", "sync"]
}

fn is_hindsight(program: &str) -> bool {
    program == "hindsight" || program.ends_with("/hindsight")
}

fn installs_hindsight(words: &[String]) -> bool {
    words.first().is_some_and(|w| w == "cargo")
        && words.get(1).is_some_and(|w| w == "install" || w == "build")
}

/// One step of a job, as far as the tests care.
#[derive(Debug, Default)]
struct Step {
    id: Option<String>,
    uses: Option<String>,
    with: BTreeMap<String, String>,
    commands: Vec<Vec<String>>,
}

/// A job: its name, its steps in order, and the job's YAML.
struct Job<'a, 'y> {
    name: String,
    steps: Vec<Step>,
    yaml: &'a Yaml<'y>,
}

fn github_jobs<'a, 'y>(workflow: &'a Yaml<'y>, vars: &HashMap<&str, &str>) -> Vec<Job<'a, 'y>> {
    let jobs = get(workflow, "jobs").expect("a workflow has `jobs`");
    jobs.as_mapping()
        .expect("`jobs` is a mapping")
        .iter()
        .map(|(name, job)| {
            let name = name.as_str().expect("job names are text").to_string();
            let steps = get(job, "steps")
                .and_then(|s| s.as_sequence())
                .unwrap_or_else(|| panic!("job `{name}` has no `steps` list"))
                .iter()
                .map(|step| Step {
                    id: str_of(get(step, "id")).map(str::to_string),
                    uses: str_of(get(step, "uses")).map(str::to_string),
                    with: get(step, "with")
                        .and_then(|w| w.as_mapping())
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), scalar_text(v)?)))
                        .collect(),
                    commands: str_of(get(step, "run"))
                        .map(command_lines)
                        .unwrap_or_default()
                        .iter()
                        .map(|l| words(l, vars))
                        .collect(),
                })
                .collect();
            Job {
                name,
                steps,
                yaml: job,
            }
        })
        .collect()
}

fn scalar_text(node: &Yaml<'_>) -> Option<String> {
    node.as_str()
        .map(str::to_string)
        .or_else(|| node.as_integer().map(|i| i.to_string()))
        .or_else(|| node.as_bool().map(|b| b.to_string()))
}

/// The GitLab jobs of a `.gitlab-ci.yml`: the top-level entries with a
/// `script`, each as one step.
fn gitlab_jobs<'a, 'y>(config: &'a Yaml<'y>, vars: &HashMap<&str, &str>) -> Vec<Job<'a, 'y>> {
    config
        .as_mapping()
        .expect("a GitLab configuration is a mapping")
        .iter()
        .filter_map(|(name, job)| {
            let name = name.as_str()?;
            let script = get(job, "script")?;
            let commands = strings(Some(script))
                .iter()
                .flat_map(|s| command_lines(s))
                .map(|l| words(&l, vars))
                .collect();
            Some(Job {
                name: name.to_string(),
                steps: vec![Step {
                    commands,
                    ..Step::default()
                }],
                yaml: job,
            })
        })
        .collect()
}

fn hindsight(site: &TestSite, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(args)
        .current_dir(site.root())
        // One build date for every build of a test, whenever it runs.
        .env("SOURCE_DATE_EPOCH", "1714521600")
        .output()
        .expect("run hindsight")
}

/// The value of `--flag VALUE` or `--flag=VALUE`.
fn flag(args: &[String], name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    args.iter().enumerate().find_map(|(i, a)| {
        if a == name {
            args.get(i + 1).cloned()
        } else {
            a.strip_prefix(&prefix).map(str::to_string)
        }
    })
}

/// What running a job's `hindsight` commands left in the site.
struct Ran {
    /// The folder each `build` wrote, relative to the site, as the job
    /// names it, in order.
    built: Vec<String>,
    /// The base URL each `build` was given, with its trailing slash.
    base_urls: Vec<String>,
    /// The `check` command lines, for more tests.
    checks: Vec<Vec<String>>,
}

/// Runs the `hindsight` commands of `job`, in order, in a copy of the
/// fixture site, as the job would in its checkout. Each must succeed; a
/// build must write its output folder, with the base URL it was given on
/// its pages; a check must write nothing.
fn run_job(job: &Job<'_, '_>, site: &TestSite) -> Ran {
    let mut ran = Ran {
        built: Vec::new(),
        base_urls: Vec::new(),
        checks: Vec::new(),
    };
    let mut installed = false;
    for command in job.steps.iter().flat_map(|s| &s.commands) {
        if installs_hindsight(command) {
            installed = true;
        }
        let Some(program) = command.first().filter(|p| is_hindsight(p)) else {
            continue;
        };
        assert!(
            installed || program.contains('/'),
            "job `{}` runs `{}` before installing it",
            job.name,
            command.join(" ")
        );
        let args = &command[1..];
        let before: BTreeSet<String> = entries(site.root());
        let o = hindsight(site, args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "`{}` of job `{}` failed:\n{}",
            command.join(" "),
            job.name,
            describe(&o)
        );
        match args.first().map(String::as_str) {
            Some("build") => {
                let out = flag(args, "--output").unwrap_or_else(|| "public".into());
                let home = site.root().join(&out).join("index.html");
                assert!(home.is_file(), "`{}` wrote no {out}/", command.join(" "));
                if let Some(base) = flag(args, "--base-url") {
                    let base = if base.ends_with('/') {
                        base
                    } else {
                        format!("{base}/")
                    };
                    let doc = crate::support::page(&site.root().join(&out), "index.html");
                    let canonical: Vec<String> = doc
                        .select(&crate::support::sel("link[rel=canonical]"))
                        .filter_map(|e| e.value().attr("href").map(str::to_string))
                        .collect();
                    assert_eq!(
                        canonical,
                        [base.as_str()],
                        "the base URL did not reach the pages"
                    );
                    let feed = std::fs::read_to_string(site.root().join(&out).join("atom.xml"))
                        .expect("with a base URL the build writes atom.xml");
                    assert!(feed.contains(&base), "atom.xml does not use {base}");
                    ran.base_urls.push(base);
                }
                ran.built.push(out);
            }
            Some("check") => {
                assert_eq!(
                    entries(site.root()),
                    before,
                    "`{}` wrote something",
                    command.join(" ")
                );
                ran.checks.push(args.to_vec());
            }
            _ => {}
        }
    }
    ran
}

fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The folder a publishing step names, as the build names its output.
fn folder(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_end_matches('/')
        .to_string()
}

/// Where a step comes in its job, by a test on it.
fn position(job: &Job<'_, '_>, test: impl Fn(&Step) -> bool) -> Option<usize> {
    job.steps.iter().position(test)
}

fn builds_site(step: &Step) -> bool {
    step.commands.iter().any(|c| {
        c.first().is_some_and(|p| is_hindsight(p)) && c.get(1).is_some_and(|a| a == "build")
    })
}

fn uses(step: &Step, action: &str) -> bool {
    step.uses
        .as_deref()
        .is_some_and(|u| u.starts_with(&format!("{action}@")))
}

/// The permissions a job runs with: its own, or the workflow's.
fn permission<'a, 'y>(workflow: &'a Yaml<'y>, job: &'a Yaml<'y>, name: &str) -> Option<&'a str> {
    get(job, "permissions")
        .or_else(|| get(workflow, "permissions"))
        .and_then(|p| str_of(get(p, name)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Example {
    GithubPages,
    GithubCheck,
    Bucket,
    GitlabPages,
}

fn classify(doc: &Yaml<'_>, vars: &HashMap<&str, &str>) -> Example {
    if get(doc, "jobs").is_some() {
        assert!(get(doc, "on").is_some(), "a workflow without `on`");
        let jobs = github_jobs(doc, vars);
        let steps = || jobs.iter().flat_map(|j| &j.steps);
        if steps().any(|s| uses(s, "actions/deploy-pages")) {
            Example::GithubPages
        } else if steps().any(|s| s.commands.iter().any(|c| is_sync(c))) {
            Example::Bucket
        } else if get(get(doc, "on").unwrap(), "pull_request").is_some() {
            Example::GithubCheck
        } else {
            panic!("a workflow that publishes nothing and checks no pull request")
        }
    } else if get(doc, "pages").is_some() {
        Example::GitlabPages
    } else {
        panic!("a YAML block that is no CI setup: {:?}", keys(doc))
    }
}

fn vars() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("steps.pages.outputs.base_url", PAGES_BASE_URL),
        ("CI_PAGES_URL", GITLAB_PAGES_URL),
    ])
}

/// The YAML blocks of docs/publishing.md, each parsed, with its kind.
fn examples() -> Vec<(usize, String, Example)> {
    let vars = vars();
    fenced_blocks(&guide("publishing.md"), "yaml")
        .into_iter()
        .map(|(line, text)| {
            let docs = Yaml::load_from_str(&text)
                .unwrap_or_else(|e| panic!("docs/publishing.md:{line}: not YAML: {e}"));
            assert_eq!(
                docs.len(),
                1,
                "docs/publishing.md:{line}: one document a block"
            );
            let kind = classify(&docs[0], &vars);
            (line, text, kind)
        })
        .collect()
}

fn only(kind: Example) -> (usize, String) {
    let found: Vec<(usize, String)> = examples()
        .into_iter()
        .filter(|(_, _, k)| *k == kind)
        .map(|(line, text, _)| (line, text))
        .collect();
    assert_eq!(found.len(), 1, "one {kind:?} example in docs/publishing.md");
    found.into_iter().next().unwrap()
}

#[test]
fn every_yaml_block_of_the_publishing_guide_is_a_checked_ci_setup() {
    let kinds: BTreeSet<Example> = examples().into_iter().map(|(_, _, k)| k).collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            Example::GithubPages,
            Example::GithubCheck,
            Example::Bucket,
            Example::GitlabPages
        ])
    );
}

#[test]
fn the_github_pages_workflow_builds_with_its_base_url_and_deploys_that_folder() {
    let (line, text) = only(Example::GithubPages);
    let docs = Yaml::load_from_str(&text).unwrap();
    let workflow = &docs[0];
    let vars = vars();
    assert!(
        get(get(workflow, "on").unwrap(), "push").is_some(),
        "line {line}: publishes on push"
    );
    let jobs = github_jobs(workflow, &vars);

    let build = jobs
        .iter()
        .find(|j| {
            j.steps
                .iter()
                .any(|s| uses(s, "actions/upload-pages-artifact"))
        })
        .expect("a job uploads the Pages artifact");
    let upload = position(build, |s| uses(s, "actions/upload-pages-artifact")).unwrap();
    let built_at = position(build, builds_site).expect("the upload job builds the site");
    assert!(
        built_at < upload,
        "the site is built before the artifact is uploaded"
    );
    assert!(
        build.steps.iter().any(|s| uses(s, "actions/checkout")),
        "the build job checks out the repository"
    );
    let artifact = build.steps[upload]
        .with
        .get("path")
        .expect("upload-pages-artifact is given the folder");

    let site = TestSite::fixture("basic");
    let ran = run_job(build, &site);
    assert_eq!(
        ran.built.iter().map(|b| folder(b)).collect::<Vec<_>>(),
        [folder(artifact)]
    );
    assert_eq!(
        ran.base_urls,
        [PAGES_BASE_URL],
        "the site is built for its Pages address"
    );
    // The address comes from configure-pages, the step named `pages`.
    let configure = position(build, |s| uses(s, "actions/configure-pages"))
        .expect("a configure-pages step gives the base URL");
    assert_eq!(build.steps[configure].id.as_deref(), Some("pages"));
    assert!(
        configure < built_at,
        "the address is known before the build"
    );

    let deploy = jobs
        .iter()
        .find(|j| j.steps.iter().any(|s| uses(s, "actions/deploy-pages")))
        .unwrap();
    assert_eq!(
        strings(get(deploy.yaml, "needs")),
        [build.name.as_str()],
        "deploy waits for the build"
    );
    assert_eq!(
        str_of(get(
            get(deploy.yaml, "environment").expect("an environment"),
            "name"
        )),
        Some("github-pages")
    );
    for (name, want) in [("pages", "write"), ("id-token", "write")] {
        assert_eq!(
            permission(workflow, deploy.yaml, name),
            Some(want),
            "deploy-pages needs {name}: {want}"
        );
    }
}

#[test]
fn the_pull_request_check_annotates_errors_and_fails_on_them() {
    let (_, text) = only(Example::GithubCheck);
    let docs = Yaml::load_from_str(&text).unwrap();
    let vars = vars();
    let jobs = github_jobs(&docs[0], &vars);
    let mut checks = Vec::new();
    for job in &jobs {
        let ran = run_job(job, &TestSite::fixture("basic"));
        assert!(
            ran.built.is_empty(),
            "a pull-request check publishes nothing"
        );
        checks.extend(ran.checks);
    }
    assert!(!checks.is_empty(), "the workflow runs `hindsight check`");
    for args in &checks {
        assert_eq!(
            flag(args, "--format").as_deref(),
            Some("github"),
            "{args:?}"
        );
        // A clean archive: no annotations.
        let o = hindsight(&TestSite::fixture("basic"), args);
        assert!(o.stdout.is_empty(), "{}", describe(&o));
        // A broken report: an annotation on its line, and the step fails.
        let o = hindsight(&TestSite::fixture("invalid/unknown-severity"), args);
        assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.starts_with(
                "::error file=content/2023/2023-01-17-icreate-deploy.md,line=5,col=11,title=unknown-severity::"
            ),
            "{stdout}"
        );
    }
}

#[test]
fn the_gitlab_pages_job_publishes_the_folder_it_builds() {
    let (line, text) = only(Example::GitlabPages);
    let docs = Yaml::load_from_str(&text).unwrap();
    let config = &docs[0];
    let vars = vars();
    let jobs = gitlab_jobs(config, &vars);
    let pages = jobs
        .iter()
        .find(|j| j.name == "pages")
        .unwrap_or_else(|| panic!("line {line}: GitLab publishes the job named `pages`"));
    let artifacts = strings(get(
        get(pages.yaml, "artifacts").expect("artifacts"),
        "paths",
    ));
    assert!(
        artifacts.iter().any(|p| folder(p) == "public"),
        "GitLab Pages publishes `public`: {artifacts:?}"
    );
    let image = str_of(get(pages.yaml, "image")).or_else(|| str_of(get(config, "image")));
    assert!(
        image.is_some_and(|i| i.starts_with("rust:")),
        "an image with cargo: {image:?}"
    );
    for job in &jobs {
        let site = TestSite::fixture("basic");
        let ran = run_job(job, &site);
        if job.name == "pages" {
            assert_eq!(
                ran.built.iter().map(|b| folder(b)).collect::<Vec<_>>(),
                ["public"]
            );
            assert_eq!(
                ran.base_urls,
                [format!("{GITLAB_PAGES_URL}/")],
                "the site is built for its Pages address"
            );
        } else {
            assert!(ran.built.is_empty(), "job `{}` builds too", job.name);
        }
    }
}

fn changed(
    before: &BTreeMap<String, (u64, i64, i64)>,
    after: &BTreeMap<String, (u64, i64, i64)>,
) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn the_bucket_workflow_keeps_the_previous_site_and_syncs_only_what_changed() {
    let (_, text) = only(Example::Bucket);
    let docs = Yaml::load_from_str(&text).unwrap();
    let workflow = &docs[0];
    let vars = vars();
    let jobs = github_jobs(workflow, &vars);
    let job = jobs
        .iter()
        .find(|j| j.steps.iter().any(builds_site))
        .expect("a job builds the site");

    // The sync: from the folder the build writes, deleting what the site
    // no longer has, comparing times as well as sizes.
    let sync = job
        .steps
        .iter()
        .flat_map(|s| &s.commands)
        .find(|c| is_sync(c))
        .expect("an `aws s3 sync` command");
    let (source, target) = (&sync[3], &sync[4]);
    assert!(target.starts_with("s3://"), "{sync:?}");
    assert!(sync.iter().any(|a| a == "--delete"), "{sync:?}");
    assert!(
        !sync.iter().any(|a| a == "--size-only"),
        "--size-only would skip edits that keep a file's size"
    );
    let sync_at = position(job, |s| s.commands.contains(sync)).unwrap();
    let build_at = position(job, builds_site).unwrap();
    assert!(build_at < sync_at);

    // The previous site is restored before the build, under a key that
    // changes every run (a cache entry is never overwritten).
    let cache_at = position(job, |s| uses(s, "actions/cache"))
        .expect("public/ is kept between runs in a cache");
    let cache = &job.steps[cache_at];
    assert!(
        cache_at < build_at,
        "the previous site is restored before the build"
    );
    assert_eq!(
        cache.with.get("path").map(|p| folder(p)),
        Some(folder(source))
    );
    let key = &cache.with["key"];
    let restore = cache.with.get("restore-keys").expect("restore-keys");
    assert!(key.contains("github.run_id"), "a key per run: {key}");
    assert!(key.starts_with(restore.trim()), "{restore} restores {key}");

    // Credentials from OpenID Connect need the id token.
    if job.steps.iter().any(|s| {
        uses(s, "aws-actions/configure-aws-credentials") && s.with.contains_key("role-to-assume")
    }) {
        assert_eq!(permission(workflow, job.yaml, "id-token"), Some("write"));
    }

    // What the sync relies on, with the example's own command line (the
    // library-level checks are in guarantees.rs:
    // `a_rebuild_of_unchanged_input_writes_nothing` and
    // `an_edit_rewrites_only_the_pages_it_changes`; here they run through
    // the binary, with a base URL, so feeds and sitemap count).
    let site = TestSite::fixture("basic");
    let ran = run_job(job, &site);
    assert_eq!(
        ran.built.iter().map(|b| folder(b)).collect::<Vec<_>>(),
        [folder(source)]
    );
    let build: Vec<String> = job
        .steps
        .iter()
        .flat_map(|s| &s.commands)
        .find(|c| c.get(1).is_some_and(|a| a == "build"))
        .map(|c| c[1..].to_vec())
        .unwrap();
    let out = site.root().join(folder(source));
    assert!(out.join("sitemap.xml").is_file());
    let first = stamps(&out);

    let again = hindsight(&site, &build);
    assert!(again.status.success(), "{}", describe(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(" 0 written, "),
        "{}",
        describe(&again)
    );
    let second = stamps(&out);
    assert_eq!(
        changed(&first, &second),
        BTreeSet::new(),
        "a rebuild of the same input rewrote files"
    );

    // A sentence in a report's body: its page alone.
    site.edit("content/2023/2023-05-02-search-slow.md", |text| {
        text.replace("## Root Cause", "One more sentence.\n\n## Root Cause")
    });
    assert!(hindsight(&site, &build).status.success());
    let third = stamps(&out);
    let pages: BTreeSet<String> = changed(&second, &third)
        .into_iter()
        .filter(|p| !p.starts_with("search/") && p != hindsight::output::manifest::NAME)
        .collect();
    assert_eq!(
        pages,
        BTreeSet::from(["postmortems/2023-05-02-search-slow/index.html".to_string()]),
        "besides the search index"
    );

    // A new title: the report, the lists and feeds that show it; not the
    // theme's files nor the pages of other years and services.
    site.edit("content/2023/2023-05-02-search-slow.md", |text| {
        text.replacen("title: \"", "title: \"Renamed: ", 1)
    });
    assert!(hindsight(&site, &build).status.success());
    let fourth = stamps(&out);
    let rewritten = changed(&third, &fourth);
    for page in [
        "postmortems/2023-05-02-search-slow/index.html",
        "postmortems/index.html",
        "years/2023/index.html",
        "services/search/index.html",
        "services/search/atom.xml",
        "atom.xml",
    ] {
        assert!(rewritten.contains(page), "{page} should show the new title");
    }
    for page in [
        "static/style.css",
        "static/hindsight.js",
        "years/2022/index.html",
        "postmortems/2022-11-02-icreate-config-push/index.html",
        "services/icreate/index.html",
        "services/icreate/atom.xml",
        "sitemap.xml",
    ] {
        assert!(fourth.contains_key(page), "no {page}");
        assert!(
            !rewritten.contains(page),
            "{page} does not show the report but was rewritten"
        );
    }
    assert_eq!(fourth.len(), third.len());
    let doc = crate::support::page(&out, "years/2023/index.html");
    assert!(
        texts(&doc, ".report-list > li > div > a:first-child")
            .iter()
            .any(|t| t.starts_with("Renamed: "))
    );
}

/// The code of a guide: its fenced blocks' lines and its inline code spans.
fn code_of(markdown: &str) -> Vec<String> {
    let mut code = Vec::new();
    let mut prose = String::new();
    let mut fence: Option<String> = None;
    let mut continued = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
        match &fence {
            Some(f) if trimmed.trim_end() == f.as_str() => fence = None,
            Some(_) => match line.strip_suffix('\\') {
                Some(start) => continued.push_str(start),
                None => code.push(std::mem::take(&mut continued) + line),
            },
            None if ticks >= 3 => fence = Some("`".repeat(ticks)),
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    code.extend(
        prose
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|span| span.split_whitespace().collect::<Vec<_>>().join(" ")),
    );
    code
}

#[test]
fn every_command_and_flag_the_guides_mention_exists() {
    // The long flags of each subcommand, and the values its flags may take
    // (`Possible values:` items), from its --help.
    let mut help: HashMap<String, (BTreeSet<String>, BTreeSet<String>)> = HashMap::new();
    let mut found = BTreeSet::new();
    for name in ["writing.md", "publishing.md", "theming.md"] {
        for code in code_of(&guide(name)) {
            let mut rest = code.as_str();
            while let Some(at) = rest.find("hindsight ") {
                let before = rest[..at].chars().next_back();
                let command = &rest[at + "hindsight ".len()..];
                rest = command;
                if before.is_some_and(|c| c.is_alphanumeric() || "-_.".contains(c)) {
                    continue;
                }
                let sub: String = command
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase())
                    .collect();
                if sub.is_empty() {
                    continue;
                }
                let (flags, values) = help.entry(sub.clone()).or_insert_with(|| {
                    let o = Command::new(env!("CARGO_BIN_EXE_hindsight"))
                        .args([sub.as_str(), "--help"])
                        .output()
                        .unwrap();
                    assert!(
                        o.status.success(),
                        "{name}: `hindsight {sub}` is no command: {code}"
                    );
                    let text = String::from_utf8_lossy(&o.stdout);
                    let flags = text
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|w| w.starts_with("--"))
                        .map(str::to_string)
                        .collect();
                    let values = text
                        .lines()
                        .filter_map(|l| l.trim().strip_prefix("- "))
                        .map(|v| v.split(':').next().unwrap_or(v).to_string())
                        .collect();
                    (flags, values)
                });
                // The flags up to the end of this command.
                let end = [" | ", ";", " # ", "&&", " > "]
                    .iter()
                    .filter_map(|s| command.find(s))
                    .min()
                    .unwrap_or(command.len());
                let mut words = command[..end].split_whitespace().peekable();
                while let Some(word) = words.next() {
                    if word == "hindsight" {
                        break;
                    }
                    let Some(long) = word.trim_start_matches('[').strip_prefix("--") else {
                        continue;
                    };
                    let long = long
                        .split('=')
                        .next()
                        .unwrap()
                        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
                    assert!(
                        flags.contains(&format!("--{long}")),
                        "{name}: `hindsight {sub}` has no --{long}: {code}"
                    );
                    if long == "format" {
                        let value = words.peek().map(|v| {
                            v.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '|')
                        });
                        for v in value.into_iter().flat_map(|v| v.split('|')) {
                            assert!(values.contains(v), "{name}: unknown --format {v}: {code}");
                        }
                    }
                    found.insert(format!("{sub} --{long}"));
                }
            }
        }
    }
    // The scan finds what the guides are there to show.
    for shown in [
        "new --title",
        "new --severity",
        "new --service",
        "check --format",
        "check --drafts",
        "check --deny-warnings",
        "build --base-url",
        "build --drafts",
    ] {
        assert!(
            found.contains(shown),
            "`{shown}` not found in the guides: {found:?}"
        );
    }
}

/// A library as `hindsight init --ci <ci>` starts it.
fn initialised(ci: &str) -> TestSite {
    let site = TestSite::empty();
    let o = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["init", "--ci", ci])
        .arg(site.root())
        .output()
        .expect("run hindsight");
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    site
}

#[test]
fn the_ci_setups_init_writes_are_the_guides_examples_and_work_in_its_library() {
    let vars = vars();
    let github = initialised("github");
    let (_, pages) = only(Example::GithubPages);
    let (_, check) = only(Example::GithubCheck);
    assert_eq!(github.read(".github/workflows/hindsight.yml"), pages);
    assert_eq!(github.read(".github/workflows/hindsight-check.yml"), check);
    for text in [&pages, &check] {
        let docs = Yaml::load_from_str(text).unwrap();
        for job in github_jobs(&docs[0], &vars) {
            run_job(&job, &initialised("github"));
        }
    }

    let gitlab = initialised("gitlab");
    let (_, config) = only(Example::GitlabPages);
    assert_eq!(gitlab.read(".gitlab-ci.yml"), config);
    let docs = Yaml::load_from_str(&config).unwrap();
    let jobs = gitlab_jobs(&docs[0], &vars);
    assert_eq!(jobs.len(), 2, "publishes and checks");
    for job in &jobs {
        run_job(job, &initialised("gitlab"));
    }
}
