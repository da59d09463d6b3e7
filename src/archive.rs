//! The archive: every report of the site, ordered and cross-linked.
//!
//! In: the reports that `source` read without errors, and the
//! configuration. Out: an [`Archive`] — reports newest first, checked
//! against each other (duplicate slugs and ids, `related` references),
//! with indexes by year, service, severity and tag — and diagnostics for
//! what is wrong between reports. `insights` and `metrics` compute the
//! numbers the pages show. Nothing here renders: the model is data, and
//! `render` turns it into pages. Indexes are `BTreeMap`s of positions into
//! `reports`, so iteration order, and with it the output, is stable.

pub(crate) mod insights;
pub(crate) mod metrics;
pub(crate) mod terms;

pub use terms::{Kind, Term};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use chrono::Datelike;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, code};
use crate::source::postmortem::{Postmortem, Status};
use crate::util::url;

/// A report of the archive. Its body stays Markdown (`pm.body`) until its
/// page renders it: in a large archive the rendered bodies would be most of
/// the memory, and each is needed by one page only.
#[derive(Debug)]
pub struct Report {
    pub pm: Postmortem,
    /// The summary from front matter, or the start of the body.
    pub summary: String,
}

/// The reports' source texts, moved out of the archive for a build that
/// writes each report's page once and is done with its text then. Each is
/// taken as its page renders and freed with the page, so that its memory
/// serves the rest of the build rather than fresh memory being asked of
/// the system: at 50,000 reports, the texts are some 200 MB.
#[derive(Debug, Default)]
pub struct Texts(Vec<std::sync::Mutex<Option<String>>>);

impl Texts {
    /// The source text of report `i`; `None` if it was taken already.
    pub fn take(&self, i: usize) -> Option<String> {
        self.0
            .get(i)?
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

/// An event of a report's timeline, placed on the calendar.
#[derive(Debug, Clone)]
pub struct Moment {
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// The time as written.
    pub written: String,
    pub text: String,
    /// The anchor of its row.
    pub id: String,
}

#[derive(Debug, Default)]
pub struct Archive {
    /// All reports, newest first (ties broken by slug).
    pub reports: Vec<Report>,
    /// Year → reports of that year, newest first.
    pub years: BTreeMap<i32, Vec<usize>>,
    pub services: BTreeMap<String, Term>,
    /// In configuration order, most severe first; empty ones included.
    pub severities: Vec<Term>,
    pub tags: BTreeMap<String, Term>,
    /// For each report, the reports related to it in either direction.
    pub related: Vec<Vec<usize>>,
    by_slug: HashMap<String, usize>,
    /// Slugs of the drafts: a link to a missing report says whether it is
    /// a draft.
    drafts: BTreeSet<String>,
    /// Slugs and ids of the reports this edition leaves out (internal
    /// ones, in the public edition): a link to one is said to be one.
    pub withheld: BTreeSet<String>,
    /// Whether any report is public: only then do the pages mark the
    /// internal ones (an archive with no public report has no public
    /// edition to tell them from).
    pub has_public: bool,
    /// The site folder, where files next to reports are looked up.
    root: PathBuf,
    /// The real `content/` folder, which every published file lies in.
    content: Option<crate::source::Boundary>,
}

impl Archive {
    /// Checks the reports against each other and builds the indexes.
    /// Problems go into `diagnostics`; reports with errors stay in the
    /// archive so later checks still see them. Bodies are rendered later,
    /// page by page (`render::body`).
    pub fn assemble(
        root: &Path,
        mut reports: Vec<Postmortem>,
        config: &Config,
        include_drafts: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Archive {
        reports.par_sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        check_unique(&reports, diagnostics);

        let mut archive = Archive {
            drafts: reports
                .iter()
                .filter(|p| p.status == Status::Draft)
                .map(|p| p.slug.clone())
                .collect(),
            root: root.to_path_buf(),
            content: crate::source::Boundary::new(&root.join(crate::source::CONTENT_DIR)).ok(),
            ..Archive::default()
        };
        archive.has_public = reports
            .iter()
            .any(|p| p.visibility == crate::config::Visibility::Public);
        if !include_drafts {
            reports.retain(|p| p.status != Status::Draft);
        }
        reports.retain(|p| {
            if p.undated {
                diagnostics.push(
                    Diagnostic::warning(
                        &p.path,
                        code::UNDATED_DRAFT,
                        "this draft has no `date`: it is left out until it has one",
                    )
                    .hint("add `date:` (when the impact started) to preview it with --drafts"),
                );
            }
            !p.undated
        });
        archive.reports = reports
            .into_par_iter()
            .map(|pm| Report {
                summary: summary_of(&pm),
                pm,
            })
            .collect();
        archive.by_slug = archive
            .reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.pm.slug.clone(), i))
            .collect();
        let drafts = std::mem::take(&mut archive.drafts);
        archive.link_related(&drafts, diagnostics);
        archive.drafts = drafts;
        archive.index(config);
        archive
    }

    /// Moves every report's source text into [`Texts`], leaving the
    /// reports without one: for a build that renders each report once.
    pub fn take_texts(&mut self) -> Texts {
        Texts(
            self.reports
                .iter_mut()
                .map(|r| std::sync::Mutex::new(Some(std::mem::take(&mut r.pm.source))))
                .collect(),
        )
    }

    /// Puts `pm` in the place of report `i`, which it must not move: the
    /// same slug, date, status and terms (see [`Archive::same_place`]).
    /// Returns the report it replaced.
    pub fn replace(&mut self, i: usize, pm: Postmortem) -> Postmortem {
        let report = &mut self.reports[i];
        report.summary = summary_of(&pm);
        std::mem::replace(&mut report.pm, pm)
    }

    /// Whether `new`, a new reading of `old`, leaves every index and link
    /// of the archive as it is: only its title, times, text and action
    /// items may differ.
    pub fn same_place(old: &Postmortem, new: &Postmortem) -> bool {
        let values = |v: &[crate::source::postmortem::Spanned<String>]| -> Vec<String> {
            v.iter().map(|s| s.value.clone()).collect()
        };
        old.slug == new.slug
            && old.path == new.path
            && old.date == new.date
            && old.severity == new.severity
            && old.services == new.services
            && old.tags == new.tags
            && old.status == new.status
            && old.visibility == new.visibility
            && old.id.as_ref().map(|i| &i.value) == new.id.as_ref().map(|i| &i.value)
            && values(&old.related) == values(&new.related)
            && values(&old.aliases) == values(&new.aliases)
    }

    /// Whether `slug` (or an id) is an internal report's, which this
    /// edition leaves out.
    pub fn is_withheld(&self, slug: &str) -> bool {
        self.withheld.contains(slug)
    }

    /// Whether `slug` is a draft's, left out of this build.
    pub fn is_draft(&self, slug: &str) -> bool {
        self.drafts.contains(slug)
    }

    /// Every report's slug, drafts included, for suggestions.
    pub fn all_slugs(&self) -> BTreeSet<String> {
        self.by_slug.keys().chain(&self.drafts).cloned().collect()
    }

    pub fn get(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    fn link_related(&mut self, drafts: &BTreeSet<String>, diagnostics: &mut Vec<Diagnostic>) {
        let by_id: HashMap<String, usize> = self
            .reports
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.pm.id.as_ref().map(|id| (id.value.to_lowercase(), i)))
            .collect();
        let mut related: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.reports.len()];
        for (i, report) in self.reports.iter().enumerate() {
            for reference in &report.pm.related {
                let target = self
                    .by_slug
                    .get(&reference.value)
                    .or_else(|| by_id.get(&reference.value.to_lowercase()))
                    .copied();
                match target {
                    Some(j) if j == i => diagnostics.push(
                        Diagnostic::warning(
                            &report.pm.path,
                            code::RELATED_SELF,
                            "a report cannot be related to itself",
                        )
                        .at(reference.pos.line, reference.pos.column),
                    ),
                    Some(j) => {
                        related[i].insert(j);
                        related[j].insert(i);
                    }
                    None if drafts.contains(&reference.value) => diagnostics.push(
                        Diagnostic::warning(
                            &report.pm.path,
                            code::RELATED_DRAFT,
                            format!(
                                "related report `{}` is a draft and is left out",
                                reference.value
                            ),
                        )
                        .at(reference.pos.line, reference.pos.column),
                    ),
                    None => {
                        let slugs: BTreeSet<String> = self.by_slug.keys().cloned().collect();
                        diagnostics.push(
                            Diagnostic::error(
                                &report.pm.path,
                                code::UNKNOWN_RELATED,
                                format!("related report `{}` does not exist", reference.value),
                            )
                            .at(reference.pos.line, reference.pos.column)
                            .hint(closest_slug(&reference.value, &slugs)),
                        )
                    }
                }
            }
        }
        self.related = related
            .into_iter()
            .map(|s| s.into_iter().collect())
            .collect();
    }

    fn index(&mut self, config: &Config) {
        self.severities = config
            .severities
            .iter()
            .map(|s| Term {
                slug: url::slugify(&s.id),
                name: s.id.clone(),
                reports: Vec::new(),
            })
            .collect();
        // The catalogue's names by slug, and each report's terms as (slug,
        // name), worked out in parallel; the indexes are then filled in
        // archive order.
        let catalogue: HashMap<String, &String> = config
            .services
            .iter()
            .rev()
            .map(|(key, s)| {
                (
                    url::slugify(key),
                    if s.name.is_empty() { key } else { &s.name },
                )
            })
            .collect();
        type Terms = Vec<(String, String)>;
        let terms: Vec<(Terms, Terms)> = self
            .reports
            .par_iter()
            .map(|report| {
                let pm = &report.pm;
                let services = pm
                    .services
                    .iter()
                    .map(|service| {
                        let slug = url::slugify(service);
                        let name = catalogue.get(&slug).map_or(service, |n| *n).clone();
                        (slug, name)
                    })
                    .collect();
                let tags = pm
                    .tags
                    .iter()
                    .map(|tag| (url::slugify(tag), tag.clone()))
                    .collect();
                (services, tags)
            })
            .collect();
        for (i, (report, (services, tags))) in self.reports.iter().zip(terms).enumerate() {
            let pm = &report.pm;
            self.years.entry(pm.date.year()).or_default().push(i);
            for (slug, name) in services {
                term(&mut self.services, slug, name).reports.push(i);
            }
            for (slug, name) in tags {
                term(&mut self.tags, slug, name).reports.push(i);
            }
            if let Some(s) = self.severities.iter_mut().find(|s| s.name == pm.severity) {
                s.reports.push(i);
            }
        }
    }

    /// The older and newer neighbours of report `i` within `list` (a list
    /// of positions, newest first).
    pub fn neighbours(list: &[usize], i: usize) -> (Option<usize>, Option<usize>) {
        // Lists hold positions in archive order, so they are sorted.
        match list.binary_search(&i).ok() {
            Some(at) => (
                list.get(at + 1).copied(),
                at.checked_sub(1).map(|p| list[p]),
            ),
            None => (None, None),
        }
    }
}

/// Where files that live next to reports are published.
pub const ASSET_PREFIX: &str = "files/";

/// What became of a link from a report to a file next to it.
pub enum Located {
    /// Published at this site-relative URL.
    Published(String),
    /// No such file under `content/` (or the link leaves `content/`, or
    /// names a hidden file).
    Missing,
    /// The file is there but may not be published.
    Refused(crate::source::Refusal),
}

impl Archive {
    /// Where the file that a report at `report` (relative to the site root)
    /// links to with `href` is published: only a regular file whose real
    /// path lies inside `content/`.
    pub fn locate(&self, report: &Path, href: &str) -> Located {
        let Some(rel) = asset_path(report, href) else {
            return Located::Missing;
        };
        let Some(content) = &self.content else {
            return Located::Missing;
        };
        let path = self.root.join(crate::source::CONTENT_DIR).join(&rel);
        match content.check(&path) {
            Ok(_) => Located::Published(format!("{ASSET_PREFIX}{rel}")),
            Err(crate::source::Refusal::Missing(_)) => Located::Missing,
            Err(refusal) => Located::Refused(refusal),
        }
    }
}

/// The path under `content/`, with `/` separators, of the file that a
/// report at `report` links to with `href`; `None` if the link leaves
/// `content/` or names a hidden file.
pub(crate) fn asset_path(report: &Path, href: &str) -> Option<String> {
    if href.contains(['\\', '\0']) {
        return None;
    }
    let joined = report.parent()?.join(href);
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    // The file must be inside content/, and not a report itself.
    if parts.len() < 2
        || parts[0] != crate::source::CONTENT_DIR
        || parts.iter().any(|p| p.starts_with('.'))
    {
        return None;
    }
    Some(parts[1..].join("/"))
}

/// The bytes of a file next to reports that a page uses (`source`, as in
/// `render::body::Body::assets`), checked again as it is read: the file may have
/// changed since its page was rendered.
pub fn read_asset(root: &Path, source: &Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let path = root.join(source);
    let refused =
        |reason: String| anyhow::anyhow!("`{}` is not published: {reason}", source.display());
    let boundary = crate::source::Boundary::new(&root.join(crate::source::CONTENT_DIR))
        .map_err(|e| refused(e.to_string()))?;
    let mut file = boundary.open(&path).map_err(|r| match r {
        crate::source::Refusal::Outside(_) => refused(format!("{} content/", r.reason())),
        r => refused(r.reason()),
    })?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", path.display()))?;
    Ok(bytes)
}

fn term(map: &mut BTreeMap<String, Term>, slug: String, name: String) -> &mut Term {
    map.entry(slug.clone()).or_insert_with(|| Term {
        slug,
        name,
        reports: Vec::new(),
    })
}

/// Two reports may not share a slug or an id, even in different folders or
/// differing only in case (their URLs would collide on case-insensitive file
/// systems and in people's heads).
fn check_unique(reports: &[Postmortem], diagnostics: &mut Vec<Diagnostic>) {
    let mut slugs: BTreeMap<String, Vec<&Postmortem>> = BTreeMap::new();
    let mut ids: BTreeMap<String, Vec<&Postmortem>> = BTreeMap::new();
    for pm in reports {
        slugs.entry(pm.slug.to_lowercase()).or_default().push(pm);
        if let Some(id) = &pm.id {
            ids.entry(id.value.to_lowercase()).or_default().push(pm);
        }
    }
    for group in slugs.values().filter(|g| g.len() > 1) {
        let mut group = group.clone();
        group.sort_by(|a, b| a.path.cmp(&b.path));
        let first = group[0];
        for pm in &group[1..] {
            let message = if pm.slug == first.slug {
                format!(
                    "duplicate slug `{}`: `{}` has the same file name",
                    pm.slug,
                    first.path.display()
                )
            } else {
                format!(
                    "slug `{}` differs only in case from `{}` ({}); their URLs would collide",
                    pm.slug,
                    first.slug,
                    first.path.display()
                )
            };
            diagnostics.push(
                Diagnostic::error(&pm.path, code::DUPLICATE_SLUG, message)
                    .hint("the file name is the report's URL: rename one of the files"),
            );
        }
    }
    for group in ids.values().filter(|g| g.len() > 1) {
        let mut group = group.clone();
        group.sort_by(|a, b| a.path.cmp(&b.path));
        let first = group[0];
        for pm in &group[1..] {
            let id = pm.id.as_ref().expect("grouped by id");
            diagnostics.push(
                Diagnostic::error(
                    &pm.path,
                    code::DUPLICATE_ID,
                    format!(
                        "duplicate id `{}`: `{}` uses it too",
                        id.value,
                        first.path.display()
                    ),
                )
                .at(id.pos.line, id.pos.column),
            );
        }
    }
}

/// A hint for a link to a report that is not there: the closest slug.
pub fn closest_slug(slug: &str, slugs: &BTreeSet<String>) -> String {
    match crate::diagnostics::did_you_mean(slug, slugs.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "link to a report by its file name, e.g. 2022-11-02-icreate-config-push.md".into(),
    }
}

/// A report's summary as plain text: from front matter (its Markdown
/// dropped), or the start of its body.
fn summary_of(pm: &Postmortem) -> String {
    match &pm.summary {
        Some(s) if !s.is_empty() => crate::source::dialect::plain_text(s),
        _ => shorten(&crate::source::dialect::first_paragraph(pm.body()), 280),
    }
}

/// Cuts `text` to at most `max` characters on a word boundary, with an
/// ellipsis when anything was cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_on_words() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("the quick brown fox jumps", 12), "the quick…");
        assert_eq!(shorten("ééééééééééé", 4), "éééé…");
    }

    #[test]
    fn neighbours_are_older_then_newer() {
        let list = [1, 3, 5];
        assert_eq!(Archive::neighbours(&list, 3), (Some(5), Some(1)));
        assert_eq!(Archive::neighbours(&list, 1), (Some(3), None));
        assert_eq!(Archive::neighbours(&list, 5), (None, Some(3)));
        assert_eq!(Archive::neighbours(&list, 9), (None, None));
    }
}
