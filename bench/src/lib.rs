//! Tools for Hindsight's benchmark: a generator of synthetic archives and
//! the floor program (see `bench/README.md`).

pub mod generate;
