//! Small helpers every phase uses: URL paths and slugs, file-system calls
//! that name their path, and durations as people read them. Nothing here
//! knows about reports, pages or the site.

pub(crate) mod duration;
pub(crate) mod fs;
pub(crate) mod html;
pub(crate) mod layout;
pub mod text;
pub mod tickets;
pub mod url;
pub mod zone;
