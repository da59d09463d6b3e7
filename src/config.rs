//! `hindsight.toml`: the site configuration.
//!
//! Deserialised strictly (`deny_unknown_fields`, so a typo is an error that
//! names the key), then checked by [`Config::validate`] for what serde cannot
//! see: severity order and colours, the base URL's form, the time zone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;

pub use crate::util::zone::{Zone, parse_offset};
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, code};

pub const FILE_NAME: &str = crate::util::layout::CONFIG;

/// For the parser's "unknown field `x`, expected one of `a`, `b`, …":
/// the key, and a hint that names the closest known key, or lists them
/// when none is close.
fn unknown_key(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let known: Vec<&str> = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|k| !k.is_empty())
        .collect();
    let hint = match crate::diagnostics::did_you_mean(key, known.iter().copied()) {
        Some(closest) => format!("did you mean `{closest}`?"),
        None if known.is_empty() => "this table takes no keys".to_string(),
        None => format!("the keys here are {}", known.join(", ")),
    };
    Some((key.to_string(), hint))
}

/// The site a command run in `folder` works on, as cargo finds its
/// `Cargo.toml`: the nearest of `folder` and the folders above it that
/// holds a `hindsight.toml` or a `content/` folder (a site may do without
/// the configuration). None when none does.
pub fn discover(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .find(|dir| {
            dir.join(FILE_NAME).is_file() || dir.join(crate::util::layout::CONTENT).is_dir()
        })
        .map(Path::to_path_buf)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The library's name, shown in every page header.
    pub title: String,
    /// One sentence under the title on the home page and in meta tags.
    pub description: String,
    /// Where the site is published; used only for absolute URLs.
    pub base_url: Option<String>,
    /// The theme folder under `themes/` (the built-in one is `default`).
    pub theme: String,
    /// Offset assumed for front-matter times without one, e.g. `+03:00`.
    pub timezone: Option<String>,
    /// The `lang` of every page.
    pub language: String,
    /// Keep raw HTML from Markdown as written instead of sanitising it.
    pub allow_raw_html: bool,
    /// Reject services that are not declared under `[services]`.
    pub strict_services: bool,
    /// How many reports the home page lists.
    pub home_latest: usize,
    /// How many reports a list page shows before the next page; 0 puts
    /// every report of a list on one page.
    pub page_size: usize,
    /// Severities, most severe first.
    pub severities: Vec<Severity>,
    /// The service catalogue.
    pub services: BTreeMap<String, Service>,
    /// A public library may be indexed by search engines; an internal one
    /// (the default) asks them not to (`robots.txt`, `<meta name="robots">`).
    pub public: bool,
    /// How many of the newest reports each Atom feed lists; 0 lists all.
    pub feed_limit: usize,
    /// How much one report may ask for.
    pub limits: Limits,
    /// How `hindsight import` reads another archive.
    pub import: Import,
    /// The visibility of a report that does not say (`visibility:`).
    pub default_visibility: Visibility,
    /// What the public edition (`--edition public`) changes.
    pub editions: Editions,
    /// `[tickets]`: a tracker's key (`OPS`), `#` or `*` to the URL pattern
    /// of its tickets (`https://jira.example.com/browse/{id}`).
    pub tickets: BTreeMap<String, String>,
}

/// Who may read a report: everyone (`public`), or the people the internal
/// library is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Internal,
    Public,
}

/// `[editions]`: the settings of each edition but the internal one, which
/// is the site as configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Editions {
    pub public: PublicEdition,
}

/// `[editions.public]`: the public incident history.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicEdition {
    /// Instead of `title`, `description` and `base_url`.
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    /// Front-matter keys a public report keeps to the internal library.
    pub hide: Vec<String>,
    /// Show action items' owners (`@name`), and their tickets.
    pub action_item_owners: bool,
    pub action_item_tickets: bool,
    /// Show the owner that `[services]` gives each service.
    pub service_owners: bool,
}

impl Default for PublicEdition {
    fn default() -> Self {
        PublicEdition {
            title: None,
            description: None,
            base_url: None,
            hide: ["authors", "teams", "links"].map(String::from).to_vec(),
            action_item_owners: false,
            action_item_tickets: false,
            service_owners: false,
        }
    }
}

/// Keys every report has: a public report cannot go without them.
pub const REQUIRED_KEYS: &[&str] = &[
    "title",
    "date",
    "severity",
    "services",
    "visibility",
    "status",
];

/// `[import]`: what `hindsight import` writes where a report does not say,
/// and which other tools' front-matter keys it reads as which of ours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Import {
    /// The severity of a report that names none; the least severe when unset.
    pub default_severity: Option<String>,
    /// The service of a report that names none; `unknown` when unset.
    pub default_service: Option<String>,
    /// Another tool's key and the key of ours it holds (`opened_at =
    /// "date"`); added to, and taking precedence over, the built-in ones.
    pub fields: BTreeMap<String, String>,
}

/// Every front-matter key a report's fields are read from, in the order
/// `hindsight import` writes them. An `[import.fields]` mapping may name
/// any but `action_items`, whose structure no other tool shares.
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "date",
    "detected",
    "mitigated",
    "resolved",
    "timezone",
    "severity",
    "services",
    "id",
    "status",
    "authors",
    "teams",
    "tags",
    "summary",
    "impact",
    "related",
    "aliases",
    "links",
    "visibility",
    "action_items",
];

/// Whether an `[import.fields]` mapping may name `key`.
pub fn is_import_target(key: &str) -> bool {
    key != "action_items" && FRONT_MATTER_KEYS.contains(&key)
}

/// Bounds on what one report may ask for, so that one file cannot make a
/// build take the machine's memory or write gigabytes. Real reports stay
/// far below each; a site that needs more raises them in `[limits]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Entries in one front-matter list: `services`, `tags`, `authors`,
    /// `teams`, `related`, `action_items` and any other.
    pub entries: usize,
    /// Old paths that redirect to one report.
    pub aliases: usize,
    /// Pages one report may add to the site: its own page, its short
    /// link, a page per alias, and a page per service and tag it names.
    pub pages: usize,
    /// Rows of a report's Timeline table, and action items in its body.
    pub rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            entries: 100,
            aliases: 50,
            pages: 200,
            rows: 2000,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Severity {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_color")]
    pub color: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub owner: String,
    pub description: String,
}

fn default_color() -> String {
    "#6b7280".into()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Incident library".into(),
            description: String::new(),
            base_url: None,
            theme: "default".into(),
            timezone: None,
            language: "en".into(),
            allow_raw_html: false,
            strict_services: false,
            home_latest: 10,
            page_size: 200,
            severities: default_severities(),
            services: BTreeMap::new(),
            public: false,
            feed_limit: 50,
            limits: Limits::default(),
            import: Import::default(),
            default_visibility: Visibility::Internal,
            editions: Editions::default(),
            tickets: BTreeMap::new(),
        }
    }
}

fn default_severities() -> Vec<Severity> {
    [
        (
            "SEV1",
            "Critical",
            "Complete outage or data loss for many users",
            "#b91c1c",
        ),
        (
            "SEV2",
            "Major",
            "A core feature is unavailable or badly degraded",
            "#c2410c",
        ),
        (
            "SEV3",
            "Minor",
            "Partial degradation with a workaround",
            "#a16207",
        ),
        ("SEV4", "Low", "Little or no customer impact", "#4d7c0f"),
    ]
    .into_iter()
    .map(|(id, label, description, color)| Severity {
        id: id.into(),
        label: label.into(),
        description: description.into(),
        color: color.into(),
    })
    .collect()
}

impl Config {
    /// Reads `hindsight.toml` under `root`; a missing file gives the
    /// defaults. Problems come back as diagnostics naming the file and line.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        let source = match std::fs::read_to_string(&path) {
            Ok(source) => source,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    FILE_NAME,
                    code::CONFIG_UNREADABLE,
                    format!("cannot read the configuration: {e}"),
                )]);
            }
        };
        Config::parse(&source)
    }

    /// Parses and validates configuration text.
    pub fn parse(source: &str) -> Result<Config, Vec<Diagnostic>> {
        let config: Config = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_col(source, span.start))
                .unwrap_or((0, 0));
            let message = e.message().trim();
            let diagnostic = match unknown_key(message) {
                Some((key, hint)) => Diagnostic::error(
                    FILE_NAME,
                    code::CONFIG_INVALID,
                    format!("unknown key `{key}`"),
                )
                .hint(hint),
                None => Diagnostic::error(FILE_NAME, code::CONFIG_INVALID, message.to_string()),
            };
            vec![diagnostic.at(line, column)]
        })?;
        let mut problems = control_characters(source);
        problems.extend(config.validate(source));
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Checks what the types alone cannot. `source` is used to point each
    /// problem at its line.
    pub fn validate(&self, source: &str) -> Vec<Diagnostic> {
        let mut problems = Problems {
            source,
            from: 0,
            found: Vec::new(),
        };
        self.check_severities(&mut problems);
        for id in self.services.keys() {
            if !crate::util::url::is_simple_word(id) {
                problems.add(
                    id,
                    code::CONFIG_SERVICE_ID,
                    format!("service id {id:?} must be letters, digits, `-` or `_`"),
                    None,
                );
            }
        }
        self.check_settings(&mut problems);
        self.check_import(&mut problems);
        self.check_editions(&mut problems);
        self.check_tickets(&mut problems);
        problems.found
    }

    /// `[tickets]`: keys a report can write, and patterns that make an
    /// http(s) URL of each ticket.
    fn check_tickets(&self, problems: &mut Problems) {
        use crate::util::tickets::{key_problem, pattern_problem};
        problems.from = problems.source.find("[tickets]").unwrap_or(0);
        for (key, pattern) in &self.tickets {
            if let Some(why) = key_problem(key) {
                problems.add(
                    key,
                    code::CONFIG_TICKETS,
                    format!("[tickets] {why}"),
                    Some("keys are what reports write before the number: OPS for OPS-123, \"#\" for #42, \"*\" for any key"),
                );
            }
            if let Some(why) = pattern_problem(pattern) {
                problems.add(
                    pattern,
                    code::CONFIG_TICKETS,
                    format!("[tickets] {why}"),
                    Some("write it as \"https://jira.example.com/browse/{id}\"; {id} is OPS-123 (42 for #42), {n} the number alone"),
                );
            }
        }
        problems.from = 0;
    }

    /// The ticket links of `[tickets]`.
    pub fn tickets(&self) -> crate::util::tickets::Tickets<'_> {
        crate::util::tickets::Tickets::new(&self.tickets)
    }

    /// `[editions.public]`: a base URL of the right form, and no required
    /// key hidden.
    fn check_editions(&self, problems: &mut Problems) {
        let public = &self.editions.public;
        if let Some(base) = &public.base_url
            && !is_base_url(base)
        {
            problems.add(
                base,
                code::CONFIG_BASE_URL,
                format!("[editions.public] base_url {base:?} is not an absolute http(s) URL"),
                Some("write it as \"https://status.example.com/history/\""),
            );
        }
        for key in &public.hide {
            if REQUIRED_KEYS.contains(&key.as_str()) {
                problems.add(
                    &format!("\"{key}\""),
                    code::CONFIG_EDITION,
                    format!("[editions.public] hide names `{key}`, which every report must show"),
                    Some("hide only optional keys: authors, teams, tags, links, summary, impact, id, aliases, related, detected, mitigated, resolved, action_items, or keys of your own"),
                );
            }
        }
    }

    /// The configuration of `edition`: for the public one, its own title,
    /// description and base URL where `[editions.public]` sets them, and
    /// open to search engines, without the catalogue's service owners
    /// unless it shows them.
    pub fn for_edition(&self, edition: Edition) -> Config {
        let mut config = self.clone();
        if edition == Edition::Public {
            let public = &self.editions.public;
            if let Some(title) = &public.title {
                config.title = title.clone();
            }
            if let Some(description) = &public.description {
                config.description = description.clone();
            }
            if public.base_url.is_some() {
                config.base_url = public.base_url.clone();
            }
            config.public = true;
            if !public.service_owners {
                for service in config.services.values_mut() {
                    service.owner.clear();
                }
            }
        }
        config
    }

    /// `[import]`: a default severity that is declared, and mappings onto
    /// keys of ours.
    fn check_import(&self, problems: &mut Problems) {
        if let Some(id) = &self.import.default_severity
            && self.severity(id).is_none()
        {
            let ids: Vec<&str> = self.severities.iter().map(|s| s.id.as_str()).collect();
            problems.add(
                id,
                code::CONFIG_IMPORT,
                format!("[import] default_severity {id:?} is not a declared severity"),
                Some(&format!("expected one of {}", ids.join(", "))),
            );
        }
        if let Some(service) = &self.import.default_service
            && crate::util::url::slugify(service).is_empty()
        {
            problems.add(
                service,
                code::CONFIG_IMPORT,
                format!("[import] default_service {service:?} has no letter or digit"),
                None,
            );
        }
        for (theirs, ours) in &self.import.fields {
            if !is_import_target(ours) {
                let targets = FRONT_MATTER_KEYS
                    .iter()
                    .copied()
                    .filter(|k| is_import_target(k));
                let hint = match crate::diagnostics::did_you_mean(ours, targets.clone()) {
                    Some(key) => format!("did you mean \"{key}\"?"),
                    None => format!("expected one of {}", targets.collect::<Vec<_>>().join(", ")),
                };
                problems.add(
                    ours,
                    code::CONFIG_IMPORT,
                    format!("[import.fields] maps `{theirs}` to {ours:?}, which is not a front-matter key"),
                    Some(&hint),
                );
            }
        }
    }

    /// At least one severity; each with a simple id of its own and a hex
    /// colour.
    fn check_severities(&self, problems: &mut Problems) {
        if self.severities.is_empty() {
            problems.add(
                "[[severities]]",
                code::CONFIG_SEVERITIES,
                "at least one severity must be declared".into(),
                Some("add [[severities]] tables, most severe first"),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for severity in &self.severities {
            if !crate::util::url::is_simple_word(&severity.id) {
                problems.add(
                    &severity.id,
                    code::CONFIG_SEVERITY_ID,
                    format!(
                        "severity id {:?} must be letters, digits, `-` or `_`",
                        severity.id
                    ),
                    None,
                );
            }
            if !seen.insert(severity.id.to_lowercase()) {
                problems.add(
                    &severity.id,
                    code::CONFIG_SEVERITY_DUPLICATE,
                    format!("severity {:?} is declared twice", severity.id),
                    None,
                );
            }
            if !is_hex_color(&severity.color) {
                problems.add(
                    &severity.color,
                    code::CONFIG_COLOR,
                    format!(
                        "colour {:?} of severity {} is not a hex colour",
                        severity.color, severity.id
                    ),
                    Some("write it as #rrggbb, e.g. \"#b91c1c\""),
                );
            }
        }
    }

    /// The base URL, the timezone and the theme.
    fn check_settings(&self, problems: &mut Problems) {
        if let Some(base) = &self.base_url
            && !is_base_url(base)
        {
            problems.add(
                base,
                code::CONFIG_BASE_URL,
                format!("base_url {base:?} is not an absolute http(s) URL"),
                Some("write it as \"https://incidents.example.com/\""),
            );
        }
        if let Some(tz) = &self.timezone
            && Zone::parse(tz).is_none()
        {
            let hint = match crate::diagnostics::did_you_mean(tz, Zone::names()) {
                Some(name) => format!("did you mean \"{name}\"?"),
                None => "write an IANA name such as \"Europe/Copenhagen\", or an offset such as \"+03:00\", \"-05:00\" or \"Z\"".to_string(),
            };
            problems.add(
                tz,
                code::CONFIG_TIMEZONE,
                format!("timezone {tz:?} is neither a UTC offset nor a time zone name"),
                Some(&hint),
            );
        }
        if self.theme.is_empty() || !crate::util::url::is_simple_word(&self.theme) {
            problems.add(
                "theme",
                code::CONFIG_THEME,
                format!("theme {:?} must be a folder name under themes/", self.theme),
                None,
            );
        }
    }

    /// The zone of times written without an offset.
    pub fn zone(&self) -> Option<Zone> {
        self.timezone.as_deref().and_then(Zone::parse)
    }

    /// The offset assumed, now, for times written without one: in a named
    /// zone it is the one in force at this moment.
    pub fn default_offset(&self) -> Option<FixedOffset> {
        self.zone()
            .map(|zone| zone.offset_at(chrono::Utc::now().naive_utc()))
    }

    /// The base URL with a trailing slash, if one is set.
    pub fn base_url(&self) -> Option<String> {
        self.base_url.as_ref().map(|b| {
            if b.ends_with('/') {
                b.clone()
            } else {
                format!("{b}/")
            }
        })
    }

    pub fn severity(&self, id: &str) -> Option<&Severity> {
        self.severities.iter().find(|s| s.id == id)
    }
}

/// Which site a build makes of the archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Edition {
    /// Every report, internal ones marked.
    #[default]
    Internal,
    /// Public reports only, without their internal parts.
    Public,
}

/// An absolute http(s) URL without spaces.
fn is_base_url(base: &str) -> bool {
    (base.starts_with("https://") || base.starts_with("http://"))
        && !base.contains(char::is_whitespace)
}

/// The problems of `hindsight.toml`, each pointed at the first place its
/// value is written in `source`.
struct Problems<'a> {
    source: &'a str,
    /// Where to look for values first: a key may be written in another
    /// table too.
    from: usize,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn add(&mut self, needle: &str, code: &'static str, message: String, hint: Option<&str>) {
        let (line, column) = match self.source[self.from..].find(needle) {
            Some(at) => line_col(self.source, self.from + at),
            None => find(self.source, needle),
        };
        let mut d = Diagnostic::error(FILE_NAME, code, message).at(line, column);
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        self.found.push(d);
    }
}

/// Every key and text value that holds a character pages may not carry
/// (the rule front matter follows: control characters but tab, line feed
/// and carriage return), written raw or as an escape. Pages would print
/// them as they are, so each is an error naming its key.
fn control_characters(source: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Ok(table) = toml::de::DeTable::parse(source) {
        walk_table(source, "", table.get_ref(), &mut problems);
    }
    problems
}

fn walk_table(
    source: &str,
    prefix: &str,
    table: &toml::de::DeTable<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    for (key, value) in table {
        let name = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        check_text(source, &name, key.get_ref(), key.span().start, problems);
        walk_value(source, &name, value, problems);
    }
}

fn walk_value(
    source: &str,
    name: &str,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    problems: &mut Vec<Diagnostic>,
) {
    use toml::de::DeValue;
    match value.get_ref() {
        DeValue::String(text) => check_text(source, name, text, value.span().start, problems),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(source, &format!("{name}[{i}]"), item, problems);
            }
        }
        DeValue::Table(table) => walk_table(source, name, table, problems),
        _ => {}
    }
}

fn check_text(source: &str, name: &str, text: &str, at: usize, problems: &mut Vec<Diagnostic>) {
    let Some(c) = text.chars().find(|&c| crate::util::text::is_forbidden(c)) else {
        return;
    };
    let (line, column) = line_col(source, at);
    problems.push(
        Diagnostic::error(
            FILE_NAME,
            code::CONTROL_CHARACTER,
            format!(
                "`{name}` holds the control character U+{:04X}, which pages cannot show",
                c as u32
            ),
        )
        .at(line, column)
        .hint("remove it, and the escape that makes it (`\\u001b`, `\\e`)"),
    );
}

fn is_hex_color(color: &str) -> bool {
    color
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// 1-based line and column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where `needle` first appears in `source`, for pointing at a value.
fn find(source: &str, needle: &str) -> (usize, usize) {
    source
        .find(needle)
        .map(|offset| line_col(source, offset))
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_has_four_default_severities() {
        let config = Config::parse("").unwrap();
        let ids: Vec<_> = config.severities.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["SEV1", "SEV2", "SEV3", "SEV4"]);
    }

    #[test]
    fn unknown_key_is_an_error_naming_key_and_line() {
        let errors = Config::parse("title = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("titel"), "{}", errors[0].message);
    }

    #[test]
    fn bad_colour_and_timezone_are_reported_together() {
        let source =
            "timezone = \"Europe/Pariss\"\n[[severities]]\nid = \"SEV1\"\ncolor = \"red\"\n";
        let errors = Config::parse(source).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert!(codes.contains(&"config-color"));
        assert!(codes.contains(&"config-timezone"));
        let color = errors.iter().find(|e| e.code == "config-color").unwrap();
        assert_eq!(color.line, 4);
        let zone = errors.iter().find(|e| e.code == "config-timezone").unwrap();
        assert_eq!(zone.line, 1);
        assert!(
            zone.hint
                .as_deref()
                .is_some_and(|h| h.contains("\"Europe/Paris\"")),
            "{:?}",
            zone.hint
        );
    }

    #[test]
    fn a_time_zone_is_an_offset_or_an_iana_name() {
        let named = Config::parse("timezone = \"Europe/Copenhagen\"\n").unwrap();
        assert_eq!(
            named.zone(),
            Some(Zone::Named(chrono_tz::Tz::Europe__Copenhagen))
        );
        let fixed = Config::parse("timezone = \"+03:00\"\n").unwrap();
        assert_eq!(fixed.default_offset(), FixedOffset::east_opt(3 * 3600));
        let errors = Config::parse("timezone = \"Mars/Olympus_Mons\"\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "config-timezone");
        assert!(errors[0].message.contains("Mars/Olympus_Mons"));
    }

    #[test]
    fn offsets_parse_in_common_spellings() {
        assert_eq!(parse_offset("+03:00"), FixedOffset::east_opt(3 * 3600));
        assert_eq!(
            parse_offset("-0530"),
            FixedOffset::east_opt(-(5 * 3600 + 1800))
        );
        assert_eq!(parse_offset("Z"), FixedOffset::east_opt(0));
        assert_eq!(parse_offset("+3"), None);
        assert_eq!(parse_offset("Europe/Paris"), None);
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let config = Config::parse("base_url = \"https://x.example/lib\"").unwrap();
        assert_eq!(config.base_url().as_deref(), Some("https://x.example/lib/"));
    }
}
