//! Any text as a page file: the front matter split and parse either succeed or give
//! messages that point into the file; they never panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use smpsite::front_matter;

#[path = "common.rs"]
mod common;

fuzz_target!(|text: &str| {
    let path = Path::new("content/page.md");
    match front_matter::split(text, path) {
        Err(d) => common::assert_points_into(&d, text),
        Ok(split) => {
            assert!(split.body_line >= split.yaml_line, "{split:?}");
            assert!(text.ends_with(split.body), "the body is not the end of the file");
            match front_matter::parse(&split, text, path) {
                Ok(_) => {}
                Err(problems) => {
                    assert!(!problems.is_empty(), "a parse error with no message");
                    for d in &problems {
                        common::assert_points_into(d, text);
                    }
                }
            }
        }
    }
});
