//! Reading the archive: the files under `content/` and what they say.
//!
//! In: the site folder and its configuration. Out: one [`Postmortem`] per
//! report file that has no errors, and a [`Diagnostic`] for every problem
//! of every file. Nothing here looks at two reports at once (that is the
//! archive's job) or produces any HTML.
//!
//! [`Postmortem`]: postmortem::Postmortem
//! [`Diagnostic`]: crate::diagnostics::Diagnostic

pub(crate) mod actions;
pub mod authoring;
pub mod dialect;
pub mod edition;
pub mod frontmatter;
pub mod import;
pub mod init;
pub mod links;
pub mod postmortem;
pub mod timeline;
mod walk;

pub use walk::*;
