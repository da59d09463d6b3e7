//! The three ways the archive files reports besides their year: by
//! service, by severity and by tag. Each kind has its own indexes, pages,
//! feeds and figures; [`Kind`] names it wherever one of them is meant.

use crate::archive::Archive;

/// A kind of term: what a service, a severity and a tag have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Services,
    Severities,
    Tags,
}

impl Kind {
    /// Every kind, in the order the site lists them.
    pub const ALL: [Kind; 3] = [Kind::Services, Kind::Severities, Kind::Tags];

    /// The kind's name in URLs and in `stats.json`: `services`.
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Services => "services",
            Kind::Severities => "severities",
            Kind::Tags => "tags",
        }
    }

    /// The kind as a heading: `Services`.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Services => "Services",
            Kind::Severities => "Severities",
            Kind::Tags => "Tags",
        }
    }

    /// One term of the kind, as a word in a sentence: `service`.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Services => "service",
            Kind::Severities => "severity",
            Kind::Tags => "tag",
        }
    }
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

impl Archive {
    /// The terms of `kind`: services and tags in the order of their slugs,
    /// severities in the configured order (most severe first, empty ones
    /// included).
    pub fn terms(&self, kind: Kind) -> Box<dyn Iterator<Item = &Term> + '_> {
        match kind {
            Kind::Services => Box::new(self.services.values()),
            Kind::Severities => Box::new(self.severities.iter()),
            Kind::Tags => Box::new(self.tags.values()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_one_name_per_use() {
        let names: Vec<_> = Kind::ALL
            .iter()
            .map(|k| (k.segment(), k.title(), k.singular()))
            .collect();
        assert_eq!(
            names,
            [
                ("services", "Services", "service"),
                ("severities", "Severities", "severity"),
                ("tags", "Tags", "tag"),
            ]
        );
    }
}
