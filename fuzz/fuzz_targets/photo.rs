//! Any bytes as a JPEG, PNG or WebP photo: reading its size and GPS, stripping its
//! metadata and making its copies either work or give a reason in a clinic's words;
//! they never panic, and the decoder's limits keep memory bounded (a bomb hits
//! libFuzzer's `-rss_limit_mb` otherwise). What works is checked: no copy is wider
//! than the photo, and a stripped file records no GPS position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smpsite::photo::{self, Format, Variant};

fuzz_target!(|input: (u8, &[u8])| {
    let (pick, bytes) = input;
    let format = match pick % 3 {
        0 => Format::Jpeg,
        1 => Format::Png,
        _ => Format::WebP,
    };
    let size = photo::size(format, bytes);
    let _ = photo::has_gps(bytes);
    if let Ok(stripped) = photo::strip(format, bytes) {
        assert!(!photo::has_gps(&stripped), "a stripped {format:?} still records a GPS position");
    }
    match photo::make_copies(format, bytes) {
        Ok(files) => {
            let width = size.map_or(u32::MAX, |s| s.0);
            for (variant, out) in files {
                assert!(!out.is_empty(), "an empty {variant:?}");
                if let Variant::Resized { width: w, .. } = variant {
                    assert!(w <= width, "a copy {w} wide of a photo {width} wide");
                }
            }
        }
        Err(reason) => {
            assert!(!reason.trim().is_empty(), "an error with no words");
            assert!(!reason.contains("Error") && !reason.contains("::"), "a Rust type in a message: {reason}");
        }
    }
});
