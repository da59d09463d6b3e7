//! Small helpers every phase uses: URL paths and slugs, file-system calls
//! that name their path, and durations as people read them. Nothing here
//! knows about reports, pages or the site.

pub mod duration;
pub mod fs;
pub mod html;
pub mod layout;
pub mod text;
pub mod url;
