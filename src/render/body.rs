//! A report's body, from Markdown to the HTML of its page: links between
//! reports resolved and checked, files next to the report located, and
//! the timeline's rows placed on the calendar.
//!
//! In: the archive and one report. Out: a [`Body`], with every problem of
//! its links and timeline as a diagnostic. Bodies are rendered one page at
//! a time, so they are never all in memory at once.

use std::path::{Path, PathBuf};

use chrono::Datelike;
use rayon::prelude::*;

use crate::archive::{ASSET_PREFIX, Archive, Located, Moment, closest_slug};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, code};
use crate::render::markdown::{self, RenderContext, Rendered, TimelineEntry};
use crate::render::routes;
use crate::source::Refusal;
use crate::source::postmortem::Postmortem;

/// A report's body rendered for its page, with what its links need.
#[derive(Debug)]
pub struct Body {
    pub rendered: Rendered,
    /// The timeline's events, in the order written.
    pub timeline: Vec<Moment>,
    /// Links to reports or files that do not exist, and to files that
    /// may not be published (outside `content/`, not regular files).
    pub diagnostics: Vec<Diagnostic>,
    /// Files next to the report that it uses: site-relative URL and source
    /// path under the site root.
    pub assets: Vec<(String, PathBuf)>,
}

/// Renders the body of report `i`, which reads `body` (the report's
/// [`Postmortem::body`], or that text taken from [`crate::archive::Texts`]),
/// for its page, and checks its links.
pub fn render(archive: &Archive, config: &Config, i: usize, body: &str) -> Body {
    let pm = &archive.reports[i].pm;
    let resolve = |slug: &str| archive.get(slug).is_some().then(|| routes::report(slug));
    let asset = |href: &str| match archive.locate(&pm.path, href) {
        Located::Published(url) => Some(url),
        Located::Missing | Located::Refused(_) => None,
    };
    // Links in the body are relative to the report's own page.
    let root = crate::util::url::root_prefix(&routes::report(&pm.slug));
    let mut rendered = markdown::render(
        body,
        &RenderContext {
            resolve: &resolve,
            asset: &asset,
            root: &root,
            allow_raw_html: config.allow_raw_html,
            first_line: pm.body_line,
            year: pm.date.year(),
            title: &pm.title,
            tickets: config.tickets(),
        },
    );
    let mut diagnostics = link_problems(archive, pm, &rendered);
    unread_times(pm, body, &rendered.unread_times, &mut diagnostics);
    let entries = std::mem::take(&mut rendered.timeline);
    let timeline = place_timeline(pm, body, entries, config.limits.rows, &mut diagnostics);
    let assets = rendered
        .assets
        .iter()
        .map(|url| {
            let source =
                Path::new(crate::source::CONTENT_DIR).join(url.trim_start_matches(ASSET_PREFIX));
            (url.clone(), source)
        })
        .collect();
    Body {
        rendered,
        timeline,
        diagnostics,
        assets,
    }
}

/// The problems of a rendered body's links: to reports that are not
/// there or are drafts, and to files that are missing or may not be
/// published.
fn link_problems(archive: &Archive, pm: &Postmortem, rendered: &Rendered) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for link in &rendered.broken_links {
        let slug = link.target.split('#').next().unwrap_or_default();
        let slug = slug
            .trim_end_matches(".md")
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default();
        let (message, hint) = if archive.is_withheld(slug) {
            (
                format!(
                    "link to `{}`, an internal report: the public edition leaves it out",
                    link.target
                ),
                "make that report `visibility: public`, or move the link into a section whose heading ends in {.internal}".to_string(),
            )
        } else if archive.is_draft(slug) {
            (
                format!("link to `{}`, a draft that is not published", link.target),
                "publish that report, build with --drafts, or remove the link".to_string(),
            )
        } else {
            (
                format!("link to `{}`, but there is no report `{slug}`", link.target),
                closest_slug(slug, &archive.all_slugs()),
            )
        };
        diagnostics.push(
            Diagnostic::error(&pm.path, code::BROKEN_LINK, message)
                .at(link.line, link.column)
                .hint(hint),
        );
    }
    for link in &rendered.missing_files {
        // The path that `asset` was given, without `#fragment` and `?query`.
        let path = link.target.split('#').next().unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default();
        if let Located::Refused(refusal) = archive.locate(&pm.path, path) {
            diagnostics
                .push(refused_file(&pm.path, &link.target, &refusal).at(link.line, link.column));
            continue;
        }
        diagnostics.push(
            Diagnostic::warning(
                &pm.path,
                code::MISSING_FILE,
                format!(
                    "link to `{}`, but there is no such file next to the report",
                    link.target
                ),
            )
            .at(link.line, link.column)
            .hint("put the file beside the report under content/, or link to it with a full URL"),
        );
    }
    diagnostics
}

/// A warning for each timeline row that starts like a time but whose time
/// cannot be read, so that it is not left out of the timeline unsaid.
fn unread_times(
    pm: &Postmortem,
    body: &str,
    unread: &[(usize, String)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (offset, lead) in unread {
        let (line, column) = markdown::position(body, *offset, pm.body_line);
        let shown: String = lead.chars().take(40).collect();
        diagnostics.push(
            Diagnostic::warning(
                &pm.path,
                code::TIMELINE_TIME,
                format!("timeline row `{shown}` starts like a time, but its time cannot be read; it is not in the timeline"),
            )
            .at(line, column)
            .hint("write the time as 12:30, 12:30 UTC or 2023-01-17 12:30"),
        );
    }
}

/// The timeline's rows placed on the calendar, in the order written: at
/// most `max_rows` of them, and a warning for each row earlier than the
/// one before it or at a time its zone skips. Rows without an offset are
/// read in the report's zone, else in the offset of its `date`.
fn place_timeline(
    pm: &Postmortem,
    body: &str,
    mut entries: Vec<TimelineEntry>,
    max_rows: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Moment> {
    let mut clock = match pm.zone {
        Some(zone) => crate::source::timeline::Clock::in_zone(pm.date, zone),
        None => crate::source::timeline::Clock::new(pm.date),
    };
    if let Some(first) = entries.get(max_rows) {
        let (line, column) = markdown::position(body, first.offset, pm.body_line);
        diagnostics.push(
            Diagnostic::error(
                &pm.path,
                code::TOO_MANY,
                format!(
                    "the timeline has {} rows; a report may have at most {}",
                    entries.len(),
                    max_rows
                ),
            )
            .at(line, column)
            .hint("keep the moments that tell the story and link the full log, or raise `rows` under [limits] in hindsight.toml"),
        );
        entries.clear();
    }
    let mut timeline: Vec<Moment> = Vec::with_capacity(entries.len());
    for entry in entries {
        let placed = clock.place(entry.time);
        if placed.backwards {
            let (line, column) = markdown::position(body, entry.offset, pm.body_line);
            diagnostics.push(
                Diagnostic::warning(
                    &pm.path,
                    code::TIMELINE_ORDER,
                    format!(
                        "timeline row `{}` is earlier than the row before it (`{}`)",
                        entry.written,
                        timeline.last().map_or("", |m| m.written.as_str())
                    ),
                )
                .at(line, column)
                .hint("put the rows in the order things happened, or give the row its date (2023-01-17 12:30)"),
            );
        }
        if placed.skipped {
            let (line, column) = markdown::position(body, entry.offset, pm.body_line);
            let zone = pm.zone.map(|z| z.to_string()).unwrap_or_default();
            diagnostics.push(
                Diagnostic::warning(
                    &pm.path,
                    code::TIMELINE_TIME,
                    format!(
                        "timeline row `{}` is a time that does not exist in {zone}: the clocks skip it when daylight saving time starts; it is shown as {}",
                        entry.written,
                        placed.at.format("%H:%M%:z")
                    ),
                )
                .at(line, column)
                .hint("write the time the clocks showed, or give the row its offset (02:30 UTC)"),
            );
        }
        timeline.push(Moment {
            at: placed.at,
            written: entry.written,
            text: entry.text,
            id: entry.id,
        });
    }
    timeline
}

/// The problems of every body's links, without keeping the bodies: for a
/// build that already failed, so that it reports everything.
pub fn check_all(archive: &Archive, config: &Config) -> Vec<Diagnostic> {
    (0..archive.reports.len())
        .into_par_iter()
        .flat_map_iter(|i| render(archive, config, i, archive.reports[i].pm.body()).diagnostics)
        .collect()
}

/// The error for a link from the report at `file` to `target`, a file that
/// is there but is not published.
fn refused_file(file: &Path, target: &str, refusal: &Refusal) -> Diagnostic {
    use Refusal;
    match refusal {
        Refusal::Outside(real) => Diagnostic::error(
            file,
            code::OUTSIDE_LINK,
            format!(
                "link to `{target}`, but its real path `{}` is outside content/ (a symbolic link leads there); it is not published",
                real.display()
            ),
        )
        .hint("only files inside content/ are published: copy the file beside the report instead of linking to it"),
        Refusal::NotAFile(kind) => Diagnostic::error(
            file,
            code::NOT_A_FILE,
            format!("link to `{target}`, which is {kind}, not a regular file; it is not published"),
        )
        .hint("link to a plain file beside the report, or to a full URL"),
        Refusal::Missing(e) | Refusal::Unreadable(e) => Diagnostic::error(
            file,
            code::UNREADABLE,
            format!("link to `{target}`, which cannot be read: {e}"),
        ),
    }
}
