//! The archive: every report rendered, ordered and cross-linked.
//!
//! This is where reports meet each other: duplicate slugs and ids, `related`
//! references, links between bodies, and the indexes by year, service,
//! severity and tag. Indexes are `BTreeMap`s of positions into `reports`, so
//! iteration order, and with it the output, is stable.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use chrono::Datelike;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, RenderContext, Rendered};
use crate::postmortem::{Postmortem, Status};
use crate::url;

/// A report with its rendered body.
#[derive(Debug)]
pub struct Report {
    pub pm: Postmortem,
    pub body: Rendered,
    /// The body's HTML, until the report's page takes it: each body is
    /// used by that one page, and in a large archive the bodies are most of
    /// the memory, so each is freed as soon as its page has it.
    pub html: std::sync::Mutex<String>,
    /// The summary from front matter, or the start of the body.
    pub summary: String,
}

impl Report {
    /// Takes the body's HTML for the report's page; later calls get "".
    pub fn take_html(&self) -> String {
        std::mem::take(&mut *self.html.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Site-relative URL of the report's page.
    pub fn url(&self) -> String {
        report_url(&self.pm.slug)
    }
}

pub fn report_url(slug: &str) -> String {
    format!("postmortems/{slug}/")
}

/// A service, severity or tag, and the reports filed under it.
#[derive(Debug, Clone)]
pub struct Term {
    /// The URL segment.
    pub slug: String,
    /// The name to show.
    pub name: String,
    /// Reports, newest first, as positions in [`Archive::reports`].
    pub reports: Vec<usize>,
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
    /// Files next to reports that bodies link to: site-relative URL
    /// (`files/2023/diagram.png`) → source path under the site root.
    pub assets: BTreeMap<String, PathBuf>,
    by_slug: HashMap<String, usize>,
}

/// Where the Markdown of a report page links from: `postmortems/<slug>/`.
const REPORT_ROOT: &str = "../../";

impl Archive {
    /// Checks the reports against each other, renders their bodies and
    /// builds the indexes. Problems go into `diagnostics`; reports with
    /// errors stay in the archive so later checks still see them.
    pub fn assemble(
        root: &Path,
        mut reports: Vec<Postmortem>,
        config: &Config,
        include_drafts: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Archive {
        reports.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        check_unique(&reports, diagnostics);

        let drafts: BTreeSet<String> = reports
            .iter()
            .filter(|p| p.status == Status::Draft)
            .map(|p| p.slug.clone())
            .collect();
        let all_slugs: BTreeSet<String> = reports.iter().map(|p| p.slug.clone()).collect();
        if !include_drafts {
            reports.retain(|p| p.status != Status::Draft);
        }
        let published: BTreeSet<String> = reports.iter().map(|p| p.slug.clone()).collect();

        let resolve = |slug: &str| published.contains(slug).then(|| report_url(slug));
        // Each source is dropped as soon as it is rendered, so its memory
        // goes to the next body's HTML instead of both being held at once.
        let rendered: Vec<Rendered> = reports
            .par_iter_mut()
            .map(|pm| {
                let source = std::mem::take(&mut pm.body);
                let asset = |href: &str| asset_url(root, &pm.path, href);
                markdown::render(
                    &source,
                    &RenderContext {
                        resolve: &resolve,
                        asset: &asset,
                        root: REPORT_ROOT,
                        allow_raw_html: config.allow_raw_html,
                        first_line: pm.body_line,
                    },
                )
            })
            .collect();

        let mut archive = Archive::default();
        for (pm, mut body) in reports.into_iter().zip(rendered) {
            for link in &body.broken_links {
                let slug = link.target.split('#').next().unwrap_or_default();
                let slug = slug
                    .trim_end_matches(".md")
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or_default();
                let (message, hint) = if drafts.contains(slug) && all_slugs.contains(slug) {
                    (
                        format!("link to `{}`, a draft that is not published", link.target),
                        "publish that report, build with --drafts, or remove the link".to_string(),
                    )
                } else {
                    (
                        format!("link to `{}`, but there is no report `{slug}`", link.target),
                        closest_slug(slug, &all_slugs),
                    )
                };
                diagnostics.push(
                    Diagnostic::error(&pm.path, "broken-link", message)
                        .at(link.line, link.column)
                        .hint(hint),
                );
            }
            for link in &body.missing_files {
                diagnostics.push(
                    Diagnostic::warning(
                        &pm.path,
                        "missing-file",
                        format!("link to `{}`, but there is no such file next to the report", link.target),
                    )
                    .at(link.line, link.column)
                    .hint("put the file beside the report under content/, or link to it with a full URL"),
                );
            }
            for url in &body.assets {
                let source = Path::new(crate::content::CONTENT_DIR)
                    .join(url.trim_start_matches(ASSET_PREFIX));
                archive.assets.insert(url.clone(), source);
            }
            let summary = match &pm.summary {
                Some(s) if !s.is_empty() => s.clone(),
                _ => shorten(&body.first_paragraph, 280),
            };
            archive
                .by_slug
                .insert(pm.slug.clone(), archive.reports.len());
            let html = std::sync::Mutex::new(std::mem::take(&mut body.html));
            archive.reports.push(Report {
                pm,
                body,
                html,
                summary,
            });
        }
        archive.link_related(&drafts, diagnostics);
        archive.index(config);
        archive
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
                            "related-self",
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
                            "related-draft",
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
                                "unknown-related",
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
        for (i, report) in self.reports.iter().enumerate() {
            let pm = &report.pm;
            self.years.entry(pm.date.year()).or_default().push(i);
            for service in &pm.services {
                let slug = url::slugify(service);
                let name = config
                    .services
                    .iter()
                    .find(|(key, _)| url::slugify(key) == slug)
                    .map(|(key, s)| {
                        if s.name.is_empty() {
                            key.clone()
                        } else {
                            s.name.clone()
                        }
                    })
                    .unwrap_or_else(|| service.clone());
                term(&mut self.services, slug, name).reports.push(i);
            }
            for tag in &pm.tags {
                term(&mut self.tags, url::slugify(tag), tag.clone())
                    .reports
                    .push(i);
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
const ASSET_PREFIX: &str = "files/";

/// The site-relative URL of a file that a report at `report` (relative to
/// the site root) links to with `href`, if the file exists under `content/`.
fn asset_url(root: &Path, report: &Path, href: &str) -> Option<String> {
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
        || parts[0] != crate::content::CONTENT_DIR
        || parts.iter().any(|p| p.starts_with('.'))
    {
        return None;
    }
    let rel = parts[1..].join("/");
    root.join(crate::content::CONTENT_DIR)
        .join(&rel)
        .is_file()
        .then(|| format!("{ASSET_PREFIX}{rel}"))
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
                Diagnostic::error(&pm.path, "duplicate-slug", message)
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
                    "duplicate-id",
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

fn closest_slug(slug: &str, slugs: &BTreeSet<String>) -> String {
    match crate::diagnostics::did_you_mean(slug, slugs.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "link to a report by its file name, e.g. 2022-11-02-icreate-config-push.md".into(),
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
