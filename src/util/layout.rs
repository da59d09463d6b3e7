//! The names of a site folder's parts. Every phase that looks at the site
//! folder takes them from here, so that the reader of reports, the theme
//! and the output's guard agree on what is a source.

/// The reports.
pub const CONTENT: &str = "content";
/// The site's own templates, over the theme's.
pub const TEMPLATES: &str = "templates";
/// The site's own static files, over the theme's.
pub const STATIC: &str = "static";
/// The themes, one folder each.
pub const THEMES: &str = "themes";
/// The configuration.
pub const CONFIG: &str = "hindsight.toml";

/// Where a build writes the site unless told otherwise.
pub const OUTPUT: &str = "public";

/// Every source of a site, relative to its folder: what an output folder
/// may never be, hold or lie inside.
pub const SOURCES: [&str; 5] = [CONTENT, TEMPLATES, STATIC, THEMES, CONFIG];
