//! `hindsight init`: starts a library in a folder. It writes a commented
//! `hindsight.toml`, one sample report that passes `hindsight check`, a
//! `.gitignore` for what a build writes, and on request a CI setup, the
//! same as docs/publishing.md shows. It overwrites nothing: if any of its
//! files is there already, or the folder holds a library, it writes
//! nothing at all.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate, Offset, Utc};

use crate::config::{Config, FILE_NAME};
use crate::util::layout;

/// The configuration `init` writes: every key, the optional ones commented
/// out with their defaults.
pub const CONFIG: &str = include_str!("init/hindsight.toml");

/// The sample report; `{{ day }}` (`YYYY-MM-DD`), `{{ offset }}` (the
/// configured one) and `{{ due }}` are filled in.
pub const WELCOME: &str = include_str!("init/welcome.md");

/// The GitHub Actions workflow that publishes to GitHub Pages, as in
/// docs/publishing.md.
pub const GITHUB_PAGES: &str = include_str!("init/github-pages.yml");

/// The GitHub Actions workflow that checks pull requests, as in
/// docs/publishing.md.
pub const GITHUB_CHECK: &str = include_str!("init/github-check.yml");

/// The GitLab CI configuration that publishes to GitLab Pages and checks
/// merge requests, as in docs/publishing.md.
pub const GITLAB_CI: &str = include_str!("init/gitlab-ci.yml");

/// Where the GitHub workflows go.
pub const GITHUB_PAGES_PATH: &str = ".github/workflows/hindsight.yml";
pub const GITHUB_CHECK_PATH: &str = ".github/workflows/hindsight-check.yml";
/// Where GitLab reads its CI configuration.
pub const GITLAB_CI_PATH: &str = ".gitlab-ci.yml";

/// The CI system to write a setup for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    Github,
    Gitlab,
}

/// What `hindsight init` is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Init {
    pub ci: Option<Ci>,
    /// The sample report's day; today in the configured offset when `None`.
    pub today: Option<NaiveDate>,
}

/// The files `init` writes, relative to the site folder, with their text.
pub fn files(init: &Init) -> Vec<(PathBuf, String)> {
    // The offset the configuration sets, so that the sample's day is today
    // where its times are.
    let offset = Config::parse(CONFIG)
        .ok()
        .and_then(|c| c.default_offset())
        .unwrap_or(Utc.fix());
    let day = init
        .today
        .unwrap_or_else(|| Utc::now().with_timezone(&offset).date_naive());
    let due = day.checked_add_days(Days::new(30)).unwrap_or(day);
    let offset_text = offset.to_string();
    let welcome = WELCOME
        .replace("{{ day }}", &day.to_string())
        .replace("{{ offset }}", &offset_text)
        .replace("{{ due }}", &due.to_string());
    let report = Path::new(layout::CONTENT)
        .join(day.format("%Y").to_string())
        .join(format!("{day}-welcome.md"));
    let mut files = vec![
        (PathBuf::from(FILE_NAME), CONFIG.to_string()),
        (report, welcome),
        (PathBuf::from(".gitignore"), gitignore()),
    ];
    match init.ci {
        Some(Ci::Github) => {
            files.push((GITHUB_PAGES_PATH.into(), GITHUB_PAGES.into()));
            files.push((GITHUB_CHECK_PATH.into(), GITHUB_CHECK.into()));
        }
        Some(Ci::Gitlab) => files.push((GITLAB_CI_PATH.into(), GITLAB_CI.into())),
        None => {}
    }
    files
}

/// What version control should leave out: the output folder, what a build
/// keeps beside it while it runs, and what `--force` moved aside.
pub(crate) fn gitignore() -> String {
    let out = layout::OUTPUT;
    format!(
        "# What `hindsight build` writes: the site, and what it keeps beside it\n\
         # (while it builds, and the record of what the site was built from).\n\
         /{out}/\n\
         /{hidden}*\n\
         # What `hindsight build --force` moved out of its way.\n\
         /{out}.old*/\n",
        hidden = crate::output::hidden_prefix(out)
    )
}

/// Writes the files of [`files`] into `dir`, creating it if need be, and
/// returns their paths. Writes nothing when `dir` holds a library already
/// (a `hindsight.toml` or a `content/`) or any of the files exists.
pub fn init(dir: &Path, init: &Init) -> Result<Vec<PathBuf>> {
    let files = files(init);
    if dir.exists() && !dir.is_dir() {
        bail!("`{}` is not a folder", dir.display());
    }
    let library = [FILE_NAME, layout::CONTENT]
        .into_iter()
        .map(PathBuf::from)
        .filter(|p| is_there(&dir.join(p)));
    let library: Vec<PathBuf> = library.collect();
    let taken: Vec<&PathBuf> = files
        .iter()
        .map(|(path, _)| path)
        .filter(|p| !library.iter().any(|l| p.starts_with(l)) && is_there(&dir.join(p)))
        .collect();
    if !library.is_empty() || !taken.is_empty() {
        let names: Vec<String> = library
            .iter()
            .chain(taken.iter().copied())
            .map(|p| {
                if p == Path::new(layout::CONTENT) {
                    format!("`{}/`", p.display())
                } else {
                    format!("`{}`", p.display())
                }
            })
            .collect();
        let hint = if library.is_empty() {
            "move them aside, or start the library in another folder"
        } else {
            "it holds a library already: `hindsight new` starts a report in it"
        };
        bail!(
            "`{}` has {} already, and init overwrites nothing: nothing was written\n  = {hint}",
            dir.display(),
            names.join(", ")
        );
    }
    let mut written = Written::default();
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Err(e) = written.write(&path, text) {
            written.undo();
            return Err(e);
        }
    }
    Ok(written.files)
}

/// Whether anything is at `path`, a link to nothing included.
fn is_there(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// What `init` has created so far, to take back if a later file fails.
#[derive(Default)]
struct Written {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Written {
    fn write(&mut self, path: &Path, text: &str) -> Result<()> {
        if let Some(parent) = path.parent() {
            self.create_folders(parent)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
        self.files.push(path.to_path_buf());
        std::io::Write::write_all(&mut file, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))
    }

    /// Creates `folder` and the folders above it that are missing.
    fn create_folders(&mut self, folder: &Path) -> Result<()> {
        let missing: Vec<&Path> = folder
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !is_there(a))
            .collect();
        for folder in missing.into_iter().rev() {
            std::fs::create_dir(folder)
                .with_context(|| format!("cannot create folder `{}`", folder.display()))?;
            self.folders.push(folder.to_path_buf());
        }
        Ok(())
    }

    /// Removes what was created, newest first; what cannot be removed stays.
    fn undo(&self) {
        for file in self.files.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(day: &str) -> Init {
        Init {
            ci: None,
            today: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
        }
    }

    #[test]
    fn the_configuration_is_valid_and_its_commented_keys_are_the_defaults() {
        let written = Config::parse(CONFIG).unwrap();
        assert_eq!(written.timezone.as_deref(), Some("+00:00"));
        let ids: Vec<&str> = written.severities.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["SEV1", "SEV2", "SEV3", "SEV4"]);
        assert!(
            written
                .severities
                .iter()
                .all(|s| !s.label.is_empty() && !s.description.is_empty())
        );
        // Every commented `key = value` and `[table]` line, uncommented.
        let uncommented: String = CONFIG
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest.split_once(" = ").is_some_and(|(k, _)| {
                            k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        }) =>
                {
                    rest
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(uncommented.contains("\n[limits]\n"), "{uncommented}");
        let all = Config::parse(&uncommented).unwrap_or_else(|d| panic!("{d:?}"));
        let defaults = Config::default();
        assert_eq!(all.limits, defaults.limits);
        assert_eq!(all.theme, defaults.theme);
        assert_eq!(all.language, defaults.language);
        assert_eq!(all.public, defaults.public);
        assert_eq!(all.strict_services, defaults.strict_services);
        assert_eq!(all.allow_raw_html, defaults.allow_raw_html);
        assert_eq!(all.home_latest, defaults.home_latest);
        assert_eq!(all.page_size, defaults.page_size);
        assert_eq!(all.feed_limit, defaults.feed_limit);
        assert!(all.base_url.is_some());
        assert_eq!(
            all.services.keys().map(String::as_str).collect::<Vec<_>>(),
            ["payments"]
        );
    }

    #[test]
    fn the_sample_report_is_dated_the_day_it_is_written() {
        let files = files(&on("2024-12-31"));
        let (path, text) = &files[1];
        assert_eq!(path, Path::new("content/2024/2024-12-31-welcome.md"));
        assert!(
            text.contains("\ndate: 2024-12-31T09:00:00+00:00 "),
            "{text}"
        );
        assert!(text.contains("due:2025-01-30\n"), "{text}");
        assert!(!text.contains("{{"), "{text}");
    }

    #[test]
    fn the_gitignore_names_the_output_and_what_a_build_keeps_beside_it() {
        let text = gitignore();
        let rules: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(rules, ["/public/", "/.public.*", "/public.old*/"]);
    }

    #[test]
    fn a_folder_with_a_library_or_one_of_the_files_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "mine\n").unwrap();
        let e = init(dir.path(), &on("2024-05-01")).unwrap_err().to_string();
        assert!(e.contains("`.gitignore`"), "{e}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "something was written"
        );
        std::fs::remove_file(dir.path().join(".gitignore")).unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let e = init(dir.path(), &on("2024-05-01")).unwrap_err().to_string();
        assert!(e.contains("`content/`"), "{e}");
        assert!(e.contains("hindsight new"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_that_cannot_be_written_takes_back_the_others() {
        let dir = tempfile::tempdir().unwrap();
        // `.github` is a file, so the workflow's folder cannot be made.
        std::fs::write(dir.path().join(".github"), "").unwrap();
        let ask = Init {
            ci: Some(Ci::Github),
            ..on("2024-05-01")
        };
        let e = init(dir.path(), &ask).unwrap_err();
        assert!(format!("{e:#}").contains(".github"), "{e:#}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [".github"]);
    }

    #[test]
    fn a_missing_folder_is_created_and_a_file_is_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("a/b");
        let written = init(&site, &on("2024-05-01")).unwrap();
        assert_eq!(written.len(), 3);
        assert!(site.join(FILE_NAME).is_file());
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let e = init(&file, &on("2024-05-01")).unwrap_err().to_string();
        assert!(e.contains("not a folder"), "{e}");
    }
}
