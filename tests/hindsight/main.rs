//! Integration tests: fixture sites built through the library and the
//! binary, with the output checked by parsing its HTML.

mod architecture;
mod authoring;
mod boundary;
mod bounds;
mod build;
mod cli;
mod codes;
mod corpus;
mod docs;
mod editions;
mod example;
mod faults;
mod fresh;
mod front_matter;
mod guarantees;
mod hostile;
mod import;
mod init;
mod insights;
mod invalid;
mod links;
mod ownership;
mod pages;
mod preview;
mod reading;
mod search;
mod serve;
mod support;
mod theming;
mod tickets;
mod written;
mod zones;
