//! What the archive teaches, as pages show it: metrics of every service,
//! severity, tag and year, the charts, the action items across the
//! archive, similar incidents, "on this day", and `stats.json`.
//!
//! Everything here is computed once per build from the archive and the
//! build date (`SOURCE_DATE_EPOCH` when set, so builds stay reproducible).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::archive::metrics::{self, Facts, Metrics, Month};
use crate::archive::{Archive, Kind};
use crate::util::url;

/// How many months the archive's charts cover, ending with the month of
/// the newest report.
pub const CHART_MONTHS: usize = 24;

/// How many similar earlier incidents a report page names; it counts the
/// others and links to a search for them.
const SIMILAR: usize = 3;

/// The numbers of the archive, computed once.
pub struct Insights {
    pub today: NaiveDate,
    pub facts: Vec<Facts>,
    pub overall: Metrics,
    /// By kind and slug.
    terms: HashMap<(Kind, String), Metrics>,
    pub years: BTreeMap<i32, Metrics>,
    /// The months the charts cover.
    pub months: Vec<Month>,
    pub pairs: Pairs,
}

impl Insights {
    pub fn new(archive: &Archive, today: NaiveDate) -> Insights {
        let facts = metrics::facts(archive, today);
        let all: Vec<usize> = (0..archive.reports.len()).collect();
        let mut terms = HashMap::new();
        for kind in Kind::ALL {
            for term in archive.terms(kind) {
                terms.insert(
                    (kind, term.slug.clone()),
                    metrics::of(&facts, &term.reports),
                );
            }
        }
        let years = archive
            .years
            .iter()
            .map(|(y, reports)| (*y, metrics::of(&facts, reports)))
            .collect();
        let last = archive
            .reports
            .first()
            .map_or((today.year(), today.month()), |r| {
                (r.pm.date.year(), r.pm.date.month())
            });
        Insights {
            today,
            overall: metrics::of(&facts, &all),
            facts,
            terms,
            years,
            months: metrics::months_until(last, CHART_MONTHS),
            pairs: Pairs::new(archive),
        }
    }

    /// The metrics of a service, severity or tag.
    pub fn term(&self, kind: Kind, slug: &str) -> Option<&Metrics> {
        self.terms.get(&(kind, slug.to_string()))
    }

    /// `stats.json`: the metrics of the archive and of every severity,
    /// service, tag and year.
    pub fn stats_json(&self, archive: &Archive) -> String {
        let named = |kind: Kind| -> BTreeMap<String, Named> {
            archive
                .terms(kind)
                .filter_map(|t| {
                    Some((
                        t.slug.clone(),
                        Named {
                            name: t.name.clone(),
                            metrics: self.term(kind, &t.slug)?.clone(),
                        },
                    ))
                })
                .collect()
        };
        let severities: BTreeMap<String, Metrics> = archive
            .severities
            .iter()
            .filter_map(|t| {
                Some((
                    t.name.clone(),
                    self.term(Kind::Severities, &t.slug)?.clone(),
                ))
            })
            .collect();
        let stats = Stats {
            reports: archive.reports.len(),
            overall: &self.overall,
            severities,
            services: named(Kind::Services),
            tags: named(Kind::Tags),
            years: self.years.iter().map(|(y, m)| (y.to_string(), m)).collect(),
        };
        let mut json = serde_json::to_string_pretty(&stats).unwrap_or_default();
        json.push('\n');
        json
    }
}

#[derive(Serialize)]
struct Stats<'a> {
    reports: usize,
    overall: &'a Metrics,
    severities: BTreeMap<String, Metrics>,
    services: BTreeMap<String, Named>,
    tags: BTreeMap<String, Named>,
    years: BTreeMap<String, &'a Metrics>,
}

#[derive(Serialize)]
struct Named {
    name: String,
    #[serde(flatten)]
    metrics: Metrics,
}

/// For every (service, tag) pair, the reports filed under both, in archive
/// order, and for every service and tag the reports filed under it: "this
/// happened before" in a lookup, not a walk of the archive.
///
/// An earlier report is like report `i` when it shares one of `i`'s
/// services and one of its tags: it is filed under one of `i`'s pairs.
/// Counting them is counting a union of lists, for every report: walked
/// list by list, that grows with the square of the archive (at 50,000
/// reports, each report's lists hold thousands). So the reports of each
/// service and of each tag are also kept as a set of bits, for those
/// filed under many, and the count is that of the bits set in both the
/// union of `i`'s services and the union of its tags: a word holds 64
/// reports.
pub struct Pairs {
    /// Each pair's reports, in archive order.
    lists: Vec<Vec<usize>>,
    /// By report: its pairs, as the list's number, the report's place in
    /// it, and the positions of the service and the tag in its front
    /// matter, in that order (services first).
    filed: Vec<Vec<Filed>>,
    /// By report: its services' and its tags' numbers in `members`.
    terms: Vec<(Vec<usize>, Vec<usize>)>,
    /// By service and tag (slugs): the reports filed under it.
    members: Vec<Members>,
}

/// A report's pair: the pair's list and the report's place in it, and the
/// positions of the service and the tag in the report's front matter.
struct Filed {
    list: usize,
    place: usize,
    service: usize,
    tag: usize,
}

/// The reports filed under a service or a tag, in archive order.
enum Members {
    /// One bit a report, for a service or tag of at least one report in
    /// 64: no larger than the list.
    Bits(Vec<u64>),
    /// The reports' positions.
    List(Vec<usize>),
}

impl Pairs {
    pub fn new(archive: &Archive) -> Pairs {
        Pairs::of(archive.reports.iter().map(|r| {
            (
                r.pm.services.iter().map(|s| url::slugify(s)).collect(),
                r.pm.tags.iter().map(|t| url::slugify(t)).collect(),
            )
        }))
    }

    /// The pairs of reports whose services' and tags' slugs are given, in
    /// archive order.
    fn of(reports: impl Iterator<Item = (Vec<String>, Vec<String>)>) -> Pairs {
        let mut numbers: HashMap<(String, String), usize> = HashMap::new();
        let mut lists: Vec<Vec<usize>> = Vec::new();
        let mut filed = Vec::new();
        let mut names: [HashMap<String, usize>; 2] = Default::default();
        let mut lists_by_term: Vec<Vec<usize>> = Vec::new();
        let mut terms = Vec::new();
        for (i, (services, tags)) in reports.enumerate() {
            let mut pairs = Vec::with_capacity(services.len() * tags.len());
            for (s, service) in services.iter().enumerate() {
                for (t, tag) in tags.iter().enumerate() {
                    let pair = (service.clone(), tag.clone());
                    let list = file_under(&mut numbers, &mut lists, pair, i);
                    pairs.push(Filed {
                        list,
                        place: lists[list].len() - 1,
                        service: s,
                        tag: t,
                    });
                }
            }
            filed.push(pairs);
            let mut number = |kind: usize, slugs: Vec<String>| -> Vec<usize> {
                let mut numbers: Vec<usize> = slugs
                    .into_iter()
                    .map(|slug| file_under(&mut names[kind], &mut lists_by_term, slug, i))
                    .collect();
                numbers.sort_unstable();
                numbers.dedup();
                numbers
            };
            let services = number(0, services);
            let tags = number(1, tags);
            terms.push((services, tags));
        }
        let n = filed.len();
        let members = lists_by_term
            .into_iter()
            .map(|list| {
                if list.len() * 64 < n {
                    return Members::List(list);
                }
                let mut bits = vec![0u64; n.div_ceil(64)];
                for i in list {
                    bits[i / 64] |= 1 << (i % 64);
                }
                Members::Bits(bits)
            })
            .collect();
        Pairs {
            lists,
            filed,
            terms,
            members,
        }
    }

    /// Earlier reports than `i` that share one of its services and one of
    /// its tags: the newest few, how many there are, and the pair that most
    /// of them share.
    pub fn similar(&self, archive: &Archive, i: usize) -> Similar {
        let pm = &archive.reports[i].pm;
        let (shown, earlier, pair) = self.like(i);
        Similar {
            shown,
            earlier,
            pair: pair
                .and_then(|(s, t)| Some((pm.services.get(s)?.clone(), pm.tags.get(t)?.clone()))),
        }
    }

    /// What [`Pairs::similar`] finds for report `i`, with the pair as the
    /// positions of its service and tag in the report's front matter.
    fn like(&self, i: usize) -> (Vec<usize>, usize, Option<(usize, usize)>) {
        // The pair most earlier reports share: the first of them, services
        // before tags, in the report's order.
        let mut pair: Option<(usize, usize, usize)> = None;
        for filed in self.filed.get(i).map_or(&[][..], Vec::as_slice) {
            // The report's place in its list, which has the earlier
            // reports after it.
            let earlier = self.lists[filed.list].len() - filed.place - 1;
            if earlier > 0 && pair.is_none_or(|(n, _, _)| earlier > n) {
                pair = Some((earlier, filed.service, filed.tag));
            }
        }
        let Some(((services, tags), _)) = self.terms.get(i).zip(pair) else {
            return (Vec::new(), 0, None);
        };
        thread_local! {
            static SCRATCH: std::cell::RefCell<[Vec<u64>; 2]> =
                const { std::cell::RefCell::new([Vec::new(), Vec::new()]) };
        }
        SCRATCH.with_borrow_mut(|[by_service, by_tag]| {
            let from = (i + 1) / 64;
            let words = self.filed.len().div_ceil(64);
            for (union, terms) in [(&mut *by_service, services), (&mut *by_tag, tags)] {
                union.clear();
                union.resize(words - from, 0);
                for &term in terms {
                    match &self.members[term] {
                        Members::Bits(bits) => {
                            for (u, b) in union.iter_mut().zip(&bits[from..]) {
                                *u |= b;
                            }
                        }
                        Members::List(list) => {
                            for &j in &list[list.partition_point(|&p| p <= i)..] {
                                union[j / 64 - from] |= 1 << (j % 64);
                            }
                        }
                    }
                }
            }
            // Report `i` and the newer ones are not earlier.
            let below = (i + 1) % 64;
            if let Some(first) = by_service.first_mut() {
                *first &= !((1u64 << below) - 1);
            }
            let mut earlier = 0;
            let mut shown = Vec::with_capacity(SIMILAR);
            for (w, (a, b)) in by_service.iter().zip(by_tag.iter()).enumerate() {
                let mut both = a & b;
                earlier += both.count_ones() as usize;
                while shown.len() < SIMILAR && both != 0 {
                    shown.push((from + w) * 64 + both.trailing_zeros() as usize);
                    both &= both - 1;
                }
            }
            (shown, earlier, pair.map(|(_, s, t)| (s, t)))
        })
    }
}

/// Files report `i` under `key`, whose number in `numbers` is its list's
/// in `lists` (a new, empty one the first time), and returns that number.
/// A report is in a list once, even when two of its services or tags
/// share a slug.
fn file_under<K: Eq + std::hash::Hash>(
    numbers: &mut HashMap<K, usize>,
    lists: &mut Vec<Vec<usize>>,
    key: K,
    i: usize,
) -> usize {
    let next = lists.len();
    let number = *numbers.entry(key).or_insert(next);
    if number == next {
        lists.push(Vec::new());
    }
    if lists[number].last() != Some(&i) {
        lists[number].push(i);
    }
    number
}

/// The earlier incidents like a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Similar {
    /// The newest few, newest first.
    pub shown: Vec<usize>,
    /// How many there are in all.
    pub earlier: usize,
    /// The service and tag (as the report writes them) that the most of
    /// them share.
    pub pair: Option<(String, String)>,
}

/// Reports that began on today's day and month in an earlier year, newest
/// first.
pub fn on_this_day(archive: &Archive, today: NaiveDate) -> Vec<usize> {
    archive
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let d = r.pm.date;
            d.month() == today.month() && d.day() == today.day() && d.year() < today.year()
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Pairs, SIMILAR};

    /// What [`Pairs::like`] finds, by the definition: each earlier report
    /// looked at.
    fn like_by_definition(
        reports: &[(Vec<String>, Vec<String>)],
        i: usize,
    ) -> (Vec<usize>, usize, Option<(usize, usize)>) {
        let (services, tags) = &reports[i];
        let like: Vec<usize> = (i + 1..reports.len())
            .filter(|&j| {
                let (s, t) = &reports[j];
                services.iter().any(|x| s.contains(x)) && tags.iter().any(|x| t.contains(x))
            })
            .collect();
        let mut pair: Option<(usize, usize, usize)> = None;
        for (s, service) in services.iter().enumerate() {
            for (t, tag) in tags.iter().enumerate() {
                let n = like
                    .iter()
                    .filter(|&&j| reports[j].0.contains(service) && reports[j].1.contains(tag))
                    .count();
                if n > 0 && pair.is_none_or(|(m, _, _)| n > m) {
                    pair = Some((n, s, t));
                }
            }
        }
        let shown = like.iter().copied().take(SIMILAR).collect();
        (shown, like.len(), pair.map(|(_, s, t)| (s, t)))
    }

    #[test]
    fn similar_reports_are_those_the_definition_gives() {
        let mut next = crate::util::text::seeded_numbers(11);
        // Archives of every size around a word of reports, with a few
        // services and tags (so most are held as bits) or many (so most
        // are lists), some repeated in one report.
        for n in [0, 1, 2, 63, 64, 65, 127, 128, 129, 300, 700] {
            for terms in [3, 40, 400] {
                let mut slugs = |most: u64| -> Vec<String> {
                    (0..next(most))
                        .map(|_| format!("t{}", next(terms)))
                        .collect()
                };
                let reports: Vec<(Vec<String>, Vec<String>)> =
                    (0..n).map(|_| (slugs(4), slugs(4))).collect();
                let pairs = Pairs::of(reports.clone().into_iter());
                let held_as_bits = pairs
                    .members
                    .iter()
                    .filter(|m| matches!(m, super::Members::Bits(_)))
                    .count();
                if n >= 128 && terms == 3 {
                    assert!(held_as_bits > 0, "{n} reports: no service or tag as bits");
                }
                for i in 0..reports.len() {
                    assert_eq!(
                        pairs.like(i),
                        like_by_definition(&reports, i),
                        "report {i} of {n}: {:?}",
                        reports[i]
                    );
                }
            }
        }
    }
}
