//! The integration tests that run the `smpsite` binary, in one test binary so the
//! dependencies link once (issue 26). Each module is one area; run one with
//! `cargo test --test cli lint::` (or a single test by its name).

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod brand;
mod build;
mod check;
mod clinic_staples;
mod determinism;
mod errors;
mod example_site;
mod fuzz_regressions;
mod home_page;
mod links;
mod lint;
mod migration;
mod multilingual;
mod photos;
mod pipeline;
mod plain_words;
mod safety;
mod scaffold;
mod serve;
mod serve_invariant;
mod showcase;
mod starter;
mod structured_data;
mod theme_language;
mod unsafe_urls;
mod version;
mod workflows;
