//! Writes N deterministic phone-sized photos (4032x3024 JPEG, quality 90) with the EXIF
//! a phone writes (make, model, time, GPS position), for `scripts/bench-photos`.
//! Usage: cargo run --release --example gen-photos -- DIR N
//!
//! With `--illustrations DIR` it writes the example site's two illustrations instead:
//! the same pattern of pigment dots on skin seen up close and from a speaking distance
//! (generated, so they show no one).
//!
//! With `--gallery DIR` it writes the example gallery's 12 before/after pairs: a patch
//! of scalp seen from above, thinning toward a crown or a hairline (before), and the same
//! patch with pigment dots filling the thin area (after). Generated textures, not people.
//!
//! With `--fuzz-seeds DIR` it writes tiny seed inputs for the `photo` fuzz target: a
//! JPEG taken sideways with GPS, a PNG and a WebP, each after the byte that picks its
//! format.

use image::ImageEncoder;
use img_parts::{Bytes, ImageEXIF};

const W: u32 = 4032;
const H: u32 = 3024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, dir] = &args[..]
        && flag == "--illustrations"
    {
        std::fs::create_dir_all(dir).expect("create DIR");
        for (name, blur) in [("dots-up-close.jpg", 0.0), ("dots-at-a-distance.jpg", 5.0)] {
            std::fs::write(std::path::Path::new(dir).join(name), illustration(blur)).expect("write");
        }
        return;
    }
    if let [_, flag, dir] = &args[..]
        && flag == "--gallery"
    {
        std::fs::create_dir_all(dir).expect("create DIR");
        for pair in 0..12 {
            for (side, after) in [("before", false), ("after", true)] {
                let path = std::path::Path::new(dir).join(format!("pair-{:02}-{side}.jpg", pair + 1));
                std::fs::write(path, scalp(pair, after)).expect("write");
            }
        }
        return;
    }
    if let [_, flag, dir] = &args[..]
        && flag == "--fuzz-seeds"
    {
        std::fs::create_dir_all(dir).expect("create DIR");
        for (name, seed) in fuzz_seeds() {
            std::fs::write(std::path::Path::new(dir).join(name), seed).expect("write");
        }
        return;
    }
    let (dir, n) = match &args[..] {
        [_, dir, n] => (std::path::PathBuf::from(dir), n.parse::<u32>().expect("N is a number")),
        _ => {
            eprintln!("usage: gen-photos DIR N");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&dir).expect("create DIR");
    for i in 0..n {
        let path = dir.join(format!("photo-{i:03}.jpg"));
        std::fs::write(&path, photo(i)).expect("write a photo");
    }
}

/// Skin with a scatter of small pigment dots and the stubble-length gaps between them,
/// under soft daylight; `blur` (pixels) softens it as distance does.
fn illustration(blur: f32) -> Vec<u8> {
    let (w, h) = (1600u32, 1000u32);
    let mut seed = 0x2545_f491u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let mut img = image::RgbImage::from_fn(w, h, |x, y| {
        let light = 1.0 - 0.25 * ((x as f32 / w as f32) - 0.3).abs() - 0.15 * (y as f32 / h as f32);
        let c = |base: f32| (base * light).clamp(0.0, 255.0) as u8;
        image::Rgb([c(214.0), c(176.0), c(150.0)])
    });
    // Dots denser toward the top, as over a hairline.
    for _ in 0..26_000 {
        let (x, y) = (next() % w, next() % h);
        if (next() % 1000) as f32 / 1000.0 > 1.15 - y as f32 / h as f32 {
            continue;
        }
        let r = 2 + (next() % 3) as i32;
        let shade = 60 + (next() % 30) as u8;
        for dy in -r..=r {
            for dx in -r..=r {
                let (px, py) = (x as i32 + dx, y as i32 + dy);
                if dx * dx + dy * dy <= r * r && px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    *p = image::Rgb([shade, shade.saturating_sub(8), shade.saturating_sub(4)]);
                }
            }
        }
    }
    let img = if blur > 0.0 { image::imageops::blur(&img, blur) } else { img };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .write_image(&img, w, h, image::ExtendedColorType::Rgb8)
        .expect("encode");
    jpeg
}

/// An 800x600 patch of scalp under daylight, seen from above: short dark hairs, sparse
/// where the hair thins (toward a crown for even `pair`, a hairline for odd), and, when
/// `after`, pigment dots filling that area. The same `pair` draws the same hairs in both.
fn scalp(pair: u32, after: bool) -> Vec<u8> {
    let (w, h) = (800u32, 600u32);
    let mut seed = 0x2545_f491u32 ^ (pair + 1).wrapping_mul(0x9e37_79b9);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    // Skin tones from light to deep, and where the thin area sits.
    let tones = [[222.0, 186.0, 160.0], [205.0, 160.0, 128.0], [170.0, 122.0, 92.0], [120.0, 84.0, 62.0]];
    let skin = tones[(pair % 4) as usize];
    let crown = pair.is_multiple_of(2);
    let (cx, cy) = (w as f32 * (0.35 + 0.3 * (next() % 100) as f32 / 100.0), if crown { h as f32 * 0.5 } else { 0.0 });
    let reach = if crown { 220.0 } else { 280.0 } + (next() % 80) as f32;
    let thin = |x: f32, y: f32| {
        let d = ((x - cx).powi(2) + ((y - cy) * if crown { 1.0 } else { 1.6 }).powi(2)).sqrt() / reach;
        (1.0 - d).clamp(0.0, 1.0)
    };
    let mut img = image::RgbImage::from_fn(w, h, |x, y| {
        let light = 1.05 - 0.2 * (x as f32 / w as f32) - 0.12 * (y as f32 / h as f32);
        let c = |k: usize| (skin[k] * light).clamp(0.0, 255.0) as u8;
        image::Rgb([c(0), c(1), c(2)])
    });
    let hair = [46u8, 38, 34];
    let dot = |img: &mut image::RgbImage, x: i32, y: i32, r: i32, colour: [u8; 3]| {
        for dy in -r..=r {
            for dx in -r..=r {
                let (px, py) = (x + dx, y + dy);
                if dx * dx + dy * dy <= r * r && px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                    img.put_pixel(px as u32, py as u32, image::Rgb(colour));
                }
            }
        }
    };
    // Hairs: kept where the scalp is not thin (drawn in both pictures).
    for _ in 0..2_600 {
        let (x, y) = ((next() % w) as f32, (next() % h) as f32);
        if (next() % 1000) as f32 / 1000.0 < thin(x, y).powf(0.6) {
            continue;
        }
        let r = 1 + (next() % 2) as i32;
        dot(&mut img, x as i32, y as i32, r, hair);
    }
    if after {
        // Pigment dots, slightly softer and greyer than hair, only where it is thin.
        let shade = [58u8, 52, 50];
        for _ in 0..4_600 {
            let (x, y) = ((next() % w) as f32, (next() % h) as f32);
            if (next() % 1000) as f32 / 1000.0 > thin(x, y).powf(0.5) * 0.95 {
                continue;
            }
            dot(&mut img, x as i32, y as i32, 1, shade);
        }
    }
    let img = image::imageops::blur(&img, 0.8);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 55)
        .write_image(&img, w, h, image::ExtendedColorType::Rgb8)
        .expect("encode");
    jpeg
}

/// Seeds for fuzz/fuzz_targets/photo.rs: its first byte picks the format (0 JPEG,
/// 1 PNG, 2 WebP), the rest is the file.
fn fuzz_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([(x * 8) as u8, (y * 10) as u8, 90]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .write_image(&img, 32, 24, image::ExtendedColorType::Rgb8)
        .expect("encode");
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(jpeg)).expect("our own JPEG");
    jpeg.set_exif(Some(Bytes::from(exif(7, 6))));
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&img, 32, 24, image::ExtendedColorType::Rgb8)
        .expect("encode");
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(&img, 32, 24, image::ExtendedColorType::Rgb8)
        .expect("encode");
    let seed = |pick: u8, file: &[u8]| [&[pick][..], file].concat();
    vec![
        ("seed-jpeg-sideways-gps", seed(0, &jpeg.encoder().bytes())),
        ("seed-png", seed(1, &png)),
        ("seed-webp", seed(2, &webp)),
    ]
}

/// Smooth light like a room or a scalp under a lamp, with sensor-like noise so the
/// JPEG is as large as a phone's (3-5 MB).
fn photo(i: u32) -> Vec<u8> {
    let mut seed = 0x9e37_79b9u32.wrapping_mul(i + 1);
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed & 31) as i32 - 16
    };
    let (cx, cy) = ((i * 397 % W) as f32, (i * 211 % H) as f32);
    let img = image::RgbImage::from_fn(W, H, |x, y| {
        let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() / 4000.0;
        let base = (230.0 * (1.0 - d).max(0.1)) as i32;
        let stripe = if (x / 160 + y / 160 + i).is_multiple_of(7) { 25 } else { 0 };
        let n = noise();
        let c = |k: i32| (base - k + stripe + n).clamp(0, 255) as u8;
        image::Rgb([c(0), c(20 + (i % 5) as i32 * 6), c(40)])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(&img, W, H, image::ExtendedColorType::Rgb8)
        .expect("encode");
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(jpeg)).expect("our own JPEG");
    jpeg.set_exif(Some(Bytes::from(exif(i, 1))));
    jpeg.encoder().bytes().to_vec()
}

/// EXIF (big-endian TIFF): IFD0 with make, model, `orientation` and a GPS pointer;
/// a GPS IFD with latitude and longitude.
fn exif(i: u32, orientation: u8) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0 at 8: 4 entries -> 2 + 48 + 4 = 54 bytes, ends at 62; strings at 62.
    t.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut t, 0x010F, 2, 6, 62u32.to_be_bytes()); // Make "Phone\0"
    entry(&mut t, 0x0110, 2, 8, 68u32.to_be_bytes()); // Model "Model 12\0" (8 with NUL)
    entry(&mut t, 0x0112, 3, 1, [0, orientation, 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 76u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(b"Phone\0");
    t.extend_from_slice(b"Model12\0");
    assert_eq!(t.len(), 76);
    // GPS IFD at 76: 4 entries -> 54 bytes, ends at 130; rationals at 130 and 154.
    t.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 130u32.to_be_bytes());
    entry(&mut t, 0x0003, 2, 2, *b"W\0\0\0");
    entry(&mut t, 0x0004, 5, 3, 154u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 130);
    for (n, d) in [(33, 1), (29, 1), (i % 60, 1), (111, 1), (55, 1), (i % 59, 1)] {
        t.extend_from_slice(&u32::to_be_bytes(n));
        t.extend_from_slice(&u32::to_be_bytes(d));
    }
    t
}
