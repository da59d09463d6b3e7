//! What a build publishes besides the pages: short links and alias
//! redirects, Atom feeds, the sitemap and `robots.txt`.

use std::collections::{HashMap, HashSet};

use anyhow::Result;

use super::{Rendered, Renderer};
use crate::archive::Kind;
use crate::diagnostics::Diagnostic;
use crate::output::Output;
use crate::render::routes;

/// A sitemap holds at most this many URLs (sitemaps.org).
pub(super) const SITEMAP_URLS: usize = 50_000;

/// `sitemap.xml` with every URL of `locs`; past 50,000 URLs, a sitemap
/// index that points at `sitemap-1.xml`, `sitemap-2.xml`… Returns how many
/// files it wrote.
pub(super) fn write_sitemaps(
    base: &str,
    locs: &[String],
    per_file: usize,
    output: &Output,
) -> Result<usize> {
    use crate::render::syndication::{SitemapUrl, sitemap};
    let urls = |chunk: &[String]| -> String {
        let urls: Vec<SitemapUrl> = chunk
            .iter()
            .map(|loc| SitemapUrl { loc, lastmod: None })
            .collect();
        sitemap(&urls)
    };
    if locs.len() <= per_file {
        output.put(routes::SITEMAP_FILE, urls(locs).as_bytes())?;
        return Ok(1);
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut written = 1;
    for (n, chunk) in locs.chunks(per_file.max(1)).enumerate() {
        let name = routes::sitemap_part(n + 1);
        output.put(&name, urls(chunk).as_bytes())?;
        index.push_str("  <sitemap><loc>");
        crate::util::html::escape_into(&mut index, &format!("{base}{name}"));
        index.push_str("</loc></sitemap>\n");
        written += 1;
    }
    index.push_str("</sitemapindex>\n");
    output.put(routes::SITEMAP_FILE, index.as_bytes())?;
    Ok(written)
}

impl Renderer<'_> {
    /// `robots.txt`. Returns how many files it wrote.
    pub(super) fn finish(&self, output: &Output) -> Result<usize> {
        output.put(
            routes::ROBOTS_FILE,
            crate::render::meta::robots_txt(
                self.config.public,
                self.site
                    .base_url
                    .as_ref()
                    .map(|b| format!("{b}{}", routes::SITEMAP_FILE))
                    .as_deref(),
            )
            .as_bytes(),
        )?;
        Ok(1)
    }

    /// The Atom feeds: the archive's (`atom.xml`) and one per service and
    /// per severity (`services/<s>/atom.xml`), each with the newest
    /// `feed_limit` reports. Returns how many it wrote.
    pub(super) fn feeds(&self, base: &str, output: &Output) -> Result<usize> {
        let site = &self.config.title;
        self.feed(
            base,
            "",
            &format!("{site}: all postmortems"),
            &self.all,
            output,
        )?;
        let mut count = 1;
        for kind in [Kind::Services, Kind::Severities] {
            for term in self.archive.terms(kind) {
                let dir = routes::term_dir(kind, &term.slug);
                let title = format!("{site}: {} postmortems", term.name);
                self.feed(base, &dir, &title, &term.reports, output)?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// The feed of the page at `dir`, a list of `reports`, with the newest
    /// `feed_limit` of them.
    fn feed(
        &self,
        base: &str,
        dir: &str,
        title: &str,
        reports: &[usize],
        output: &Output,
    ) -> Result<()> {
        use crate::render::syndication::{Entry, Feed, atom};
        let limit = match self.config.feed_limit {
            0 => usize::MAX,
            n => n,
        };
        let shown = &reports[..reports.len().min(limit)];
        type Data<'d> = (
            String,
            Vec<(&'d str, &'d str)>,
            chrono::DateTime<chrono::FixedOffset>,
        );
        let data: Vec<Data> = shown
            .iter()
            .map(|&i| {
                let row = &self.rows.rows[i];
                let pm = &self.archive.reports[i].pm;
                let mut categories: Vec<(&str, &str)> =
                    vec![(row.severity.id.as_str(), row.severity.id.as_str())];
                categories.extend(
                    row.services
                        .iter()
                        .map(|l| (l.url.as_str(), l.name.as_str())),
                );
                categories.extend(row.tags.iter().map(|l| (l.url.as_str(), l.name.as_str())));
                let updated = pm.resolved.map_or(pm.date, |r| r.max(pm.date));
                (format!("{base}{}", row.url), categories, updated)
            })
            .collect();
        let entries: Vec<Entry> = shown
            .iter()
            .zip(&data)
            .map(|(&i, (url, categories, updated))| {
                let pm = &self.archive.reports[i].pm;
                Entry {
                    id: url,
                    title: &pm.title,
                    url,
                    published: pm.date,
                    updated: *updated,
                    summary: &self.archive.reports[i].summary,
                    categories,
                    authors: &pm.authors,
                    content_html: None,
                }
            })
            .collect();
        let updated = data
            .iter()
            .map(|d| d.2)
            .max()
            .unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset());
        let page = format!("{base}{}", routes::url_of(dir));
        let feed_url = routes::feed(&page);
        let xml = atom(&Feed {
            id: &page,
            title,
            subtitle: (!self.config.description.is_empty())
                .then_some(self.config.description.as_str()),
            self_url: &feed_url,
            html_url: &page,
            updated,
            author: &self.config.title,
            generator: &self.site.generator,
            entries: &entries,
        });
        output.put(&routes::feed(dir), xml.as_bytes())
    }

    /// Writes the short link of every report with an id (`i/<id>/`) and a
    /// redirect page at each alias. An alias that would take the place of
    /// a file of the site (`taken`, lower-cased), sit where one of its
    /// folders would be, or take a short link's or another alias's place is
    /// an error at its line. Returns how many redirects were written, and
    /// those errors.
    pub(super) fn redirects(&self, taken: &HashSet<String>, output: &Output) -> Result<Rendered> {
        let mut claimed: HashMap<String, String> = HashMap::new();
        let mut problems = Vec::new();
        let mut written = 0;
        for (i, report) in self.archive.reports.iter().enumerate() {
            let pm = &report.pm;
            let row = &self.rows.rows[i];
            let canonical = self
                .site
                .base_url
                .as_ref()
                .map(|b| format!("{b}{}", row.url));
            let mut targets: Vec<(String, Option<&crate::source::postmortem::Spanned<String>>)> =
                Vec::new();
            if let Some(short) = pm.id.as_ref().and_then(|id| routes::short_link(&id.value)) {
                targets.push((format!("{short}{}", routes::INDEX_FILE), None));
            }
            for alias in &pm.aliases {
                targets.push((routes::alias_file(&alias.value), Some(alias)));
            }
            for (file, alias) in targets {
                let what = || match alias {
                    Some(a) => format!("alias {:?}", a.value),
                    None => "short link".to_string(),
                };
                let lower = file.to_lowercase();
                // The file itself, or a file where one of its folders would be.
                let over = std::iter::once(lower.as_str())
                    .chain(lower.match_indices('/').map(|(at, _)| &lower[..at]))
                    .find(|path| taken.contains(*path));
                let clash = if let Some(path) = over {
                    Some(if path.ends_with(".html") {
                        "a page of the site".to_string()
                    } else {
                        format!("the site's file `{path}`")
                    })
                } else {
                    claimed.get(&file.to_lowercase()).cloned()
                };
                if let Some(other) = clash {
                    let mut d = Diagnostic::error(
                        &pm.path,
                        "alias-collision",
                        format!(
                            "{} would be written at `{file}`, where {other} already is",
                            what()
                        ),
                    )
                    .hint("choose another path; a URL can lead to one page only");
                    if let Some(a) = alias {
                        d = d.at(a.pos.line, a.pos.column);
                    }
                    problems.push(d);
                    continue;
                }
                claimed.insert(
                    file.to_lowercase(),
                    format!("the {} of `{}`", what(), pm.path.display()),
                );
                let target = format!("{}{}", routes::root_of_file(&file), row.url);
                let html =
                    crate::render::meta::redirect_page(&target, canonical.as_deref(), &row.title);
                output.put(&file, html.as_bytes())?;
                written += 1;
            }
        }
        Ok(Rendered {
            pages: written,
            diagnostics: problems,
            ..Rendered::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_sitemap_is_split_behind_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let output = Output::begin(&out).unwrap();
        let locs: Vec<String> = (0..5).map(|i| format!("https://x.example/p{i}/")).collect();
        assert_eq!(
            write_sitemaps("https://x.example/", &locs, 2, &output).unwrap(),
            4
        );
        output.commit().unwrap();
        let index = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert_eq!(index.matches("<loc>https://x.example/sitemap-").count(), 3);
        let last = std::fs::read_to_string(out.join("sitemap-3.xml")).unwrap();
        assert!(
            last.contains("https://x.example/p4/") && !last.contains("p3/"),
            "{last}"
        );
    }
}
