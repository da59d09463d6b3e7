//! The relative links of an imported report's body, found with their
//! place in the text so that each can be pointed at a report's new name or
//! a copied file's new place, or, where it can lead nowhere in the
//! library, written as its text alone.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};

use super::{Entry, scan};
use crate::source::dialect;
use crate::util::layout;

/// A link or image of the body whose destination is a path relative to
/// the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relative {
    /// Where the destination is written in the body.
    pub dest: Range<usize>,
    /// The whole link (`[text](dest)`), and where its text is.
    pub whole: Range<usize>,
    pub text: Option<Range<usize>>,
    pub image: bool,
    /// The path it leads to, relative to the imported folder, decoded;
    /// `None` when it leads outside the folder.
    pub target: Option<PathBuf>,
    /// `#fragment` or `?query` as written, to keep.
    pub suffix: String,
    /// The destination as written.
    pub written: String,
}

/// The relative links of `body`, a report at `report` (relative to the
/// imported folder).
pub fn relative_links(body: &str, report: &Path) -> Vec<Relative> {
    let folder = report.parent().unwrap_or(Path::new(""));
    let mut found = Vec::new();
    let parser = Parser::new_ext(body, dialect::options());
    let definitions: Vec<(String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| (def.dest.to_string(), def.span.clone()))
        .collect();
    for (event, range) in parser.into_offset_iter() {
        let (dest, image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        let Some(source) = body.get(range.clone()) else {
            continue;
        };
        let Some(inline) = inline_destination(source) else {
            // A reference link: its definition is rewritten instead.
            continue;
        };
        let text = source
            .find("](")
            .map(|end| range.start + 1..range.start + end);
        let dest_range = range.start + inline.start..range.start + inline.end;
        if let Some(link) = relative(&dest, folder, dest_range, range, text, image) {
            found.push(link);
        }
    }
    for (dest, span) in definitions {
        let Some(source) = body.get(span.clone()) else {
            continue;
        };
        let Some(at) = definition_destination(source) else {
            continue;
        };
        let dest_range = span.start + at.start..span.start + at.end;
        if let Some(link) = relative(&dest.into(), folder, dest_range, span, None, false) {
            found.push(link);
        }
    }
    found.sort_by_key(|l| l.dest.start);
    found
}

fn relative(
    dest: &pulldown_cmark::CowStr,
    folder: &Path,
    dest_range: Range<usize>,
    whole: Range<usize>,
    text: Option<Range<usize>>,
    image: bool,
) -> Option<Relative> {
    let written = dest.trim();
    let is_url = written.starts_with('/')
        || written.starts_with('#')
        || written
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'));
    if written.is_empty() || is_url {
        return None;
    }
    let cut = written.find(['#', '?']).unwrap_or(written.len());
    let path = crate::util::url::percent_decode(&written[..cut])
        .unwrap_or_else(|| written[..cut].to_string());
    if path.is_empty() {
        return None;
    }
    Some(Relative {
        dest: dest_range,
        whole,
        text,
        image,
        target: normalise(&folder.join(path)),
        suffix: written[cut..].to_string(),
        written: written.to_string(),
    })
}

/// `path` with `.` and `..` worked out; `None` if it climbs above the top.
pub fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Where the destination of an inline link `[text](dest "title")` is in
/// its source: after the last `](` that opens a destination running to the
/// link's end.
fn inline_destination(source: &str) -> Option<Range<usize>> {
    if !source.ends_with(')') {
        return None;
    }
    let open = source.rfind("](")? + 2;
    let rest = &source[open..source.len() - 1];
    let lead = rest.len() - rest.trim_start().len();
    let start = open + lead;
    let rest = &source[start..source.len() - 1];
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        return Some(start..start + end + 2);
    }
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(start..start + end)
}

/// Where the destination of a definition `[label]: dest "title"` is.
fn definition_destination(source: &str) -> Option<Range<usize>> {
    let colon = source.find("]:")? + 2;
    let rest = &source[colon..];
    let start = colon + (rest.len() - rest.trim_start().len());
    let rest = &source[start..];
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        return Some(start..start + end + 2);
    }
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some(start..start + end)
}

/// The relative path from the folder `from` to `to`, both relative to the
/// same top, with `/` between its parts.
pub fn path_between(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A destination as Markdown takes it: in `<…>` when it has a space.
pub fn destination(path: &str) -> String {
    if path.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", path.replace(['<', '>'], ""))
    } else {
        path.to_string()
    }
}

/// Points each report's relative links at the new names, and says which
/// files to copy where (library-relative place, imported-folder path).
pub(super) fn relink(entries: &mut [Entry], scanned: &scan::Scanned) -> Vec<(PathBuf, PathBuf)> {
    let reports: HashMap<PathBuf, (PathBuf, bool)> = entries
        .iter()
        .map(|e| (e.source.clone(), (e.dest.clone(), e.undated)))
        .collect();
    let mut library = Library {
        lower: reports
            .keys()
            .map(|p| (p.to_string_lossy().to_lowercase(), p.clone()))
            .collect(),
        reports,
        others: scanned.others.iter().collect(),
        left_out: scanned.left_out.iter().map(|(p, _)| p).collect(),
        copies: BTreeMap::new(),
    };
    for entry in entries.iter_mut() {
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for link in relative_links(&entry.body, &entry.source) {
            let (edit, note) = library.follow(entry, &link);
            edits.extend(edit);
            entry.notes.extend(note);
        }
        edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
        let mut last = usize::MAX;
        for (range, text) in edits {
            if range.end <= last && entry.body.get(range.clone()).is_some() {
                last = range.start;
                entry.body.replace_range(range, &text);
            }
        }
    }
    library.copies.into_iter().collect()
}

/// What the imported folder holds, as links are followed.
struct Library<'s> {
    /// Each report's new file, and whether it is a draft without a date.
    reports: HashMap<PathBuf, (PathBuf, bool)>,
    /// The reports' paths in lower case.
    lower: HashMap<String, PathBuf>,
    others: BTreeSet<&'s PathBuf>,
    left_out: BTreeSet<&'s PathBuf>,
    /// Files to copy: their place in the library, and their path.
    copies: BTreeMap<PathBuf, PathBuf>,
}

/// A change to a body: a range and what it becomes.
type Edit = (Range<usize>, String);

impl Library<'_> {
    /// What becomes of one link of `entry`: the change to its body, if
    /// any, and what the reviewer should know, if anything.
    fn follow(&mut self, entry: &Entry, link: &Relative) -> (Option<Edit>, Option<String>) {
        let folder = entry.dest.parent().unwrap_or(Path::new(""));
        let as_text = || {
            link.text
                .clone()
                .map(|t| (link.whole.clone(), entry.body[t].to_string()))
        };
        let Some(target) = &link.target else {
            let note = format!(
                "link `{}` leads outside the imported folder: left as written",
                link.written
            );
            return (None, Some(note));
        };
        if let Some((dest, undated)) = find_report(target, &self.reports, &self.lower) {
            if undated && !entry.undated && !link.image {
                let note = format!(
                    "link to `{}`, a draft until it has a date: written as its text; link it again once that report is published",
                    link.written
                );
                return (as_text(), link.text.as_ref().map(|_| note));
            }
            let new = format!("{}{}", path_between(folder, &dest), link.suffix);
            return (Some((link.dest.clone(), destination(&new))), None);
        }
        if self.others.contains(target) {
            return self.copy(entry, link, target);
        }
        let left_out = self.left_out.contains(target);
        if (left_out || target.extension().is_some_and(|e| e == "md")) && !link.image {
            let why = if left_out {
                "which is not imported"
            } else {
                "which is not in the imported folder"
            };
            let note = format!("link to `{}`, {why}: written as its text", link.written);
            return (as_text(), Some(note));
        }
        let note = (!left_out).then(|| {
            format!(
                "link to `{}`, which is not in the imported folder: left as written",
                link.written
            )
        });
        (None, note)
    }

    /// A file a report links to: copied to the same place beside the
    /// report's new file, or under `content/files/` where that place is
    /// taken or outside `content/`.
    fn copy(
        &mut self,
        entry: &Entry,
        link: &Relative,
        target: &Path,
    ) -> (Option<Edit>, Option<String>) {
        let folder = entry.dest.parent().unwrap_or(Path::new(""));
        let beside = target
            .strip_prefix(entry.source.parent().unwrap_or(Path::new("")))
            .unwrap_or(target);
        let natural = normalise(&folder.join(beside)).filter(|p| {
            p.starts_with(layout::CONTENT) && self.copies.get(p).is_none_or(|from| from == target)
        });
        let place =
            natural.unwrap_or_else(|| Path::new(layout::CONTENT).join("files").join(target));
        if self.copies.get(&place).is_some_and(|from| from != target) {
            let note = format!(
                "link to `{}`: another file has its place; left as written",
                link.written
            );
            return (None, Some(note));
        }
        self.copies.insert(place.clone(), target.to_path_buf());
        let new = format!("{}{}", path_between(folder, &place), link.suffix);
        let same = crate::util::url::percent_decode(&link.written).is_some_and(|w| w == new);
        let edit = (!same).then(|| (link.dest.clone(), destination(&new)));
        (edit, None)
    }
}

/// The report a link's path names: exactly, without `.md` (a report file
/// that has no extension), or in other letter case.
fn find_report(
    target: &Path,
    reports: &HashMap<PathBuf, (PathBuf, bool)>,
    lower: &HashMap<String, PathBuf>,
) -> Option<(PathBuf, bool)> {
    let bare = target.with_extension("");
    let with_md = PathBuf::from(format!("{}.md", target.display()));
    [target.to_path_buf(), bare, with_md]
        .iter()
        .find_map(|p| {
            reports.get(p).or_else(|| {
                lower
                    .get(&p.to_string_lossy().to_lowercase())
                    .and_then(|k| reports.get(k))
            })
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_reference_and_angle_links_are_found_with_their_places() {
        let body = "See [the 2019 one](PM2019-009%20-%20Net.md#fix), \
                    [b](<PM2021-004 - Billing.md>), ![g](images/a.png \"t\"), \
                    [web](https://x.test/a.md) and [r][1].\n\n[1]: ../other.md\n";
        let links = relative_links(body, Path::new("reports/a.md"));
        let dests: Vec<&str> = links.iter().map(|l| &body[l.dest.clone()]).collect();
        assert_eq!(
            dests,
            [
                "PM2019-009%20-%20Net.md#fix",
                "<PM2021-004 - Billing.md>",
                "images/a.png",
                "../other.md"
            ]
        );
        assert_eq!(
            links[0].target.as_deref(),
            Some(Path::new("reports/PM2019-009 - Net.md"))
        );
        assert_eq!(links[0].suffix, "#fix");
        assert_eq!(&body[links[0].text.clone().unwrap()], "the 2019 one");
        assert_eq!(
            links[1].target.as_deref(),
            Some(Path::new("reports/PM2021-004 - Billing.md"))
        );
        assert!(links[2].image);
        assert_eq!(links[3].target.as_deref(), Some(Path::new("other.md")));
    }

    #[test]
    fn a_link_above_the_folder_leads_nowhere() {
        let links = relative_links("[x](../../etc/passwd)", Path::new("a.md"));
        assert_eq!(links[0].target, None);
    }

    #[test]
    fn paths_between_folders_climb_then_descend() {
        assert_eq!(
            path_between(Path::new("2023"), Path::new("2019/a.md")),
            "../2019/a.md"
        );
        assert_eq!(
            path_between(Path::new("2023"), Path::new("2023/images/a.png")),
            "images/a.png"
        );
        assert_eq!(destination("a b.png"), "<a b.png>");
    }
}
