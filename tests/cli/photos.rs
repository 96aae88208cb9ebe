//! Photos end to end (issue 16): what `build` publishes carries no EXIF, XMP or GPS
//! (read back with a real EXIF parser), shows upright, keeps its colour profile, comes
//! with smaller copies in `<picture>` markup, is made once and then read from the
//! photo cache; and a broken photo is an error that names it.

use crate::common;

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use common::{Run, TestSite};
use image::{ImageEncoder, Rgb, RgbImage};
use img_parts::{Bytes, ImageEXIF, ImageICC};

const ICC: &[u8] = b"test-icc-profile-bytes";

/// An EXIF block (TIFF, big-endian) with an orientation and a GPS latitude.
fn exif_block(orientation: u16) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&2u16.to_be_bytes());
    let o = orientation.to_be_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 38);
    t.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 68u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 68);
    for (n, d) in [(33u32, 1u32), (29, 1), (0, 1)] {
        t.extend_from_slice(&n.to_be_bytes());
        t.extend_from_slice(&d.to_be_bytes());
    }
    t
}

/// Left half red, right half blue.
fn halves(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, _| if x < w / 2 { Rgb([220, 30, 30]) } else { Rgb([30, 30, 220]) })
}

/// A phone's JPEG: EXIF with GPS and `orientation`, XMP, an ICC profile.
fn phone_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let img = halves(w, h);
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    enc.set_icc_profile(ICC.to_vec()).unwrap();
    enc.write_image(&img, w, h, image::ExtendedColorType::Rgb8).unwrap();
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(out)).unwrap();
    jpeg.set_exif(Some(Bytes::from(exif_block(orientation))));
    let xmp = [&b"http://ns.adobe.com/xap/1.0/\0"[..], b"<x:xmpmeta>GPS 33.5</x:xmpmeta>"].concat();
    jpeg.segments_mut().insert(1, img_parts::jpeg::JpegSegment::new_with_contents(0xE1, Bytes::from(xmp)));
    let mut bytes = jpeg.encoder().bytes().to_vec();
    // A phone's preview image after the end of the main one, with its own EXIF.
    bytes.extend_from_slice(b"\xFF\xD8\xFF\xE1\x00\x10Exif\0\0MM\0\x2a\0\0\0\x08\xFF\xD9");
    bytes
}

fn png_with_metadata(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&halves(w, h), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut png = img_parts::png::Png::from_bytes(Bytes::from(out)).unwrap();
    png.set_exif(Some(Bytes::from(exif_block(1))));
    let text = img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"Comment\0taken at 33.5N"));
    png.chunks_mut().insert(1, text);
    png.encoder().bytes().to_vec()
}

fn webp_with_metadata(w: u32, h: u32) -> Vec<u8> {
    let img = halves(w, h);
    let out = webp::Encoder::from_rgb(&img, w, h).encode_simple(false, 80.0).unwrap().to_vec();
    let mut webp = img_parts::webp::WebP::from_bytes(Bytes::from(out)).unwrap();
    webp.set_icc_profile(Some(Bytes::from_static(ICC)));
    webp.set_exif(Some(Bytes::from(exif_block(1))));
    let xmp = img_parts::riff::RiffChunk::new(
        *b"XMP ",
        img_parts::riff::RiffContent::Data(Bytes::from_static(b"<x:xmpmeta>33.5</x:xmpmeta>")),
    );
    webp.chunks_mut().push(xmp);
    webp.encoder().bytes().to_vec()
}

/// `smpsite --root <site> ARGS` with HOME in the site's temporary folder.
fn run(site: &TestSite, args: &[&str]) -> Run {
    let home = site.path("home");
    std::fs::create_dir_all(&home).unwrap();
    Run(Command::new(env!("CARGO_BIN_EXE_smpsite"))
        .arg("--root")
        .arg(site.root())
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .output()
        .unwrap())
}

fn site_with_photos() -> TestSite {
    let site = TestSite::fixture("minimal");
    site.write("content/gallery/index.md", "---\ntitle: Gallery\ndescription: Healed results.\n---\n![The studio chair](chair.jpg)\n\n![A healed crown](crown.png)\n");
    site.write("content/gallery/chair.jpg", phone_jpeg(600, 400, 6));
    site.write("content/gallery/crown.png", png_with_metadata(1000, 750));
    site.write("static/images/room.webp", webp_with_metadata(500, 300));
    site
}

fn is_image(path: &str) -> bool {
    [".jpg", ".png", ".webp"].iter().any(|ext| path.ends_with(ext))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn published_photos_carry_no_metadata_and_keep_their_colour_profile() {
    let site = site_with_photos();
    run(&site, &["build", "--quiet"]).success();
    let images: Vec<(String, Vec<u8>)> = site.output().into_iter().filter(|(p, _)| is_image(p)).collect();
    let names: Vec<&str> = images.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "gallery/chair.jpg",
        "gallery/chair-400w.webp",
        "gallery/crown-480w.png",
        "gallery/crown-1000w.webp",
        "images/room.webp",
        "images/room-480w.webp",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    for (path, bytes) in &images {
        let found = exif::Reader::new().read_from_container(&mut Cursor::new(bytes));
        assert!(
            found.is_err(),
            "{path} still has EXIF: {:?}",
            found.map(|e| e.fields().map(|f| f.tag).collect::<Vec<_>>())
        );
        for needle in [&b"Exif\0\0"[..], b"xmpmeta", b"33.5", b"MM\0\x2a"] {
            assert!(!contains(bytes, needle), "{path} still holds {}", String::from_utf8_lossy(needle));
        }
        image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{path} does not open: {e}"));
    }
    let icc_of = |path: &str| {
        let bytes = Bytes::from(images.iter().find(|(p, _)| p == path).unwrap().1.clone());
        img_parts::DynImage::from_bytes(bytes).unwrap().unwrap().icc_profile()
    };
    for path in [
        "gallery/chair.jpg",
        "gallery/chair-400w.jpg",
        "gallery/chair-400w.webp",
        "images/room.webp",
        "images/room-480w.webp",
    ] {
        assert_eq!(icc_of(path).as_deref(), Some(ICC), "{path} lost its colour profile");
    }
}

#[test]
fn a_photo_taken_sideways_is_published_upright() {
    let site = site_with_photos();
    run(&site, &["build", "--quiet"]).success();
    for path in ["public/gallery/chair.jpg", "public/gallery/chair-400w.jpg", "public/gallery/chair-400w.webp"] {
        let img = image::load_from_memory(&std::fs::read(site.path(path)).unwrap()).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (400, 600), "{path}");
        // Orientation 6 turns the picture a quarter clockwise: its left half (red) is on top.
        let top = img.get_pixel(200, 100);
        let bottom = img.get_pixel(200, 500);
        assert!(top[0] > 150 && top[2] < 100, "{path}: top is {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "{path}: bottom is {bottom:?}");
    }
}

#[test]
fn pages_show_photos_as_pictures_with_sizes_and_only_the_first_eager() {
    let site = site_with_photos();
    run(&site, &["build", "--quiet"]).success();
    let html = site.page("gallery/");
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let imgs: Vec<_> = doc.select(&sel("picture img")).collect();
    assert_eq!(imgs.len(), 2, "{html}");
    let (chair, crown) = (imgs[0].value(), imgs[1].value());
    assert_eq!((chair.attr("width"), chair.attr("height")), (Some("400"), Some("600")));
    assert_eq!(chair.attr("fetchpriority"), Some("high"));
    assert_eq!(chair.attr("loading"), None);
    assert_eq!((crown.attr("loading"), crown.attr("decoding")), (Some("lazy"), Some("async")));
    assert!(crown.attr("sizes").is_some());
    // Every file a srcset names is published.
    let sources: Vec<_> = doc.select(&sel("picture source, picture img")).collect();
    let mut named = 0;
    for el in sources {
        for candidate in el.value().attr("srcset").unwrap().split(", ") {
            let url = candidate.split(' ').next().unwrap();
            assert!(site.path(&format!("public{url}")).is_file(), "{url} is not published");
            named += 1;
        }
    }
    assert_eq!(named, 2 + 6, "chair: 400 in two formats; crown: 480/800/1000 in two formats");
}

#[test]
fn a_second_build_reads_the_photo_cache() {
    let site = site_with_photos();
    run(&site, &["build", "--quiet"]).success();
    let cache = site.path("photo-cache");
    let folders: Vec<_> = std::fs::read_dir(&cache).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(folders.len(), 3, "one folder per photo: {folders:?}");
    // Mark a cached copy: the next build publishes it as it is, so it did not redo the work.
    let crown = folders.iter().find(|f| f.join("480w.png").exists()).unwrap();
    std::fs::write(crown.join("800w.webp"), b"from the cache").unwrap();
    run(&site, &["build", "--quiet"]).success();
    assert_eq!(std::fs::read(site.path("public/gallery/crown-800w.webp")).unwrap(), b"from the cache");
    // A changed photo is made again, under a new key.
    site.write("content/gallery/crown.png", png_with_metadata(900, 600));
    run(&site, &["build", "--quiet"]).success();
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 4);
    assert_ne!(std::fs::read(site.path("public/gallery/crown-800w.webp")).unwrap(), b"from the cache");
}

#[test]
fn broken_photos_are_errors_that_name_the_file() {
    let whole = phone_jpeg(600, 400, 1);
    let mut bomb = png_with_metadata(8, 8);
    // The PNG header claims 100000 x 100000 pixels.
    bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]);
    let ihdr_crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&ihdr_crc.to_be_bytes());
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("cut.jpg", whole[..whole.len() / 2].to_vec(), "cut off"),
        ("noise.jpg", b"\xFF\xD8\xFF\xE0 this is not really a photo".to_vec(), "photo cannot be published"),
        ("huge.png", bomb, "too large"),
    ];
    for (name, bytes, why) in cases {
        let site = TestSite::fixture("minimal");
        site.write(&format!("content/guide/photos/{name}"), bytes);
        let err = run(&site, &["build"]).fails();
        assert!(err.contains(&format!("content/guide/photos/{name}")), "{name}: {err}");
        assert!(err.contains(why), "{name}: {err}");
        assert_eq!(err.matches(&format!("content/guide/photos/{name}")).count(), 1, "reported once: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!site.path("public").exists(), "{name}: a failed build wrote output");
        let err = run(&site, &["check"]).fails();
        assert!(err.contains(&format!("content/guide/photos/{name}")) && err.contains(why), "check, {name}: {err}");
    }
}

#[test]
fn check_warns_about_photos_with_gps_and_writes_nothing() {
    let site = site_with_photos();
    let run = run(&site, &["check"]);
    let out = format!("{}{}", run.stdout(), run.stderr());
    assert_eq!(run.code(), 0, "{out}");
    for photo in [
        Path::new("content/gallery/chair.jpg"),
        Path::new("content/gallery/crown.png"),
        Path::new("static/images/room.webp"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(&*photo.to_string_lossy()))
            .unwrap_or_else(|| panic!("{photo:?} not named: {out}"));
        assert!(line.contains("warning[photo/gps]") && line.contains("GPS"), "{line}");
    }
    assert!(out.contains("exiftool -gps:all="), "the help says how to strip the original: {out}");
    assert!(!site.path("photo-cache").exists() && !site.path("public").exists());
}

#[test]
fn build_reports_photos_with_gps_too_and_site_yaml_can_switch_the_rule_off() {
    let site = site_with_photos();
    let gps_lines = |out: &str| out.lines().filter(|l| l.contains("warning[photo/gps]")).count();
    // The output goes into the test's own folder, never a path relative to where the test runs.
    let out = site.scratch().join("out");
    let out = out.to_str().unwrap();
    let err = run(&site, &["build", "-o", out]).success().stderr();
    assert_eq!(gps_lines(&err), 3, "build says what check says: {err}");
    let config = site.read("site.yaml");
    site.write("site.yaml", format!("{config}\nlint:\n  levels:\n    photo/gps: off\n"));
    for args in [&["build", "-o", out][..], &["check"][..]] {
        let err = run(&site, args).success().stderr();
        assert_eq!(gps_lines(&err), 0, "{args:?}: {err}");
    }
}

#[test]
fn heic_photos_are_rejected_with_how_to_export_jpeg() {
    let site = TestSite::fixture("minimal");
    site.write("content/guide/photos/crown.HEIC", b"\0\0\0\x18ftypheic");
    let err = run(&site, &["build"]).fails();
    assert!(err.contains("content/guide/photos/crown.HEIC") && err.contains("HEIC") && err.contains("JPEG"), "{err}");
}

/// PNG's CRC-32.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn before_after_photos_list_their_copies_and_publish_them_stripped() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/results/index.md",
        "---\ntitle: Results\ndescription: Healed results.\nbefore_after:\n  - before: { src: before.jpg, alt: \"Crown before\" }\n    after: { src: after.jpg, alt: \"Crown after\" }\n    session: 2\n    days_after: 30\n    consent: true\n    retouched: false\n---\nHealed after two sessions.\n",
    );
    site.write("content/results/before.jpg", phone_jpeg(1000, 750, 1));
    site.write("content/results/after.jpg", phone_jpeg(1000, 750, 1));
    run(&site, &["build", "--quiet"]).success();
    let doc = scraper::Html::parse_document(&site.page("results/"));
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let imgs: Vec<_> = doc.select(&sel(".ba-photos picture img")).collect();
    assert_eq!(imgs.len(), 2);
    for img in imgs {
        let img = img.value();
        assert_eq!(
            (img.attr("width"), img.attr("height"), img.attr("loading")),
            (Some("1000"), Some("750"), Some("lazy"))
        );
        assert!(img.attr("sizes").is_some());
        assert_eq!(img.attr("srcset").unwrap().split(", ").count(), 3, "480, 800 and 1000");
    }
    for source in doc.select(&sel(".ba-photos picture source[type='image/webp']")) {
        for candidate in source.value().attr("srcset").unwrap().split(", ") {
            let url = candidate.split(' ').next().unwrap();
            let bytes = std::fs::read(site.path(&format!("public{url}"))).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(exif::Reader::new().read_from_container(&mut Cursor::new(&bytes)).is_err(), "{url} has EXIF");
        }
    }
    let original = std::fs::read(site.path("public/results/before.jpg")).unwrap();
    assert!(!contains(&original, b"Exif\0\0") && !contains(&original, b"xmpmeta"));
}

fn og_image(site: &TestSite, page: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(&site.page(page));
    let sel = scraper::Selector::parse("meta[property='og:image']").unwrap();
    let image = doc.select(&sel).next().map(|m| m.value().attr("content").unwrap().to_string());
    // A page with a preview image is shared as a large card; one without, as a summary.
    let card = scraper::Selector::parse("meta[name='twitter:card']").unwrap();
    let card = doc.select(&card).next().and_then(|m| m.value().attr("content")).unwrap().to_string();
    assert_eq!(card, if image.is_some() { "summary_large_image" } else { "summary" }, "{page}");
    image
}

#[test]
fn every_page_gets_og_image_from_its_first_photo_or_the_site_default() {
    let site = site_with_photos();
    run(&site, &["build", "--quiet"]).success();
    assert_eq!(og_image(&site, "gallery/").as_deref(), Some("https://clinic.test/gallery/chair-400w.jpg"));
    assert_eq!(og_image(&site, "faq/"), None, "no photo and no brand.image");
    let config = site.read("site.yaml") + "brand:\n  image: /images/room.webp\n";
    site.write("site.yaml", config);
    run(&site, &["build", "--quiet"]).success();
    assert_eq!(og_image(&site, "faq/").as_deref(), Some("https://clinic.test/images/room.webp"));
    assert_eq!(og_image(&site, "404.html").as_deref(), Some("https://clinic.test/images/room.webp"));
    assert_eq!(og_image(&site, "gallery/").as_deref(), Some("https://clinic.test/gallery/chair-400w.jpg"));
}

#[test]
fn templates_ask_for_a_photo_at_a_width_with_the_image_function() {
    let site = site_with_photos();
    site.write(
        "templates/partials/footer.html",
        r#"{% set p = image(path="gallery/crown.png", width=700) %}<footer><img class="t" src="{{ p.url }}" width="{{ p.width }}" height="{{ p.height }}" srcset="{{ p.srcset }}"></footer>"#,
    );
    run(&site, &["build", "--quiet"]).success();
    let doc = scraper::Html::parse_document(&site.page("faq/"));
    let img =
        doc.select(&scraper::Selector::parse("img.t").unwrap()).next().expect("the footer's image").value().clone();
    assert_eq!(
        (img.attr("src"), img.attr("width"), img.attr("height")),
        (Some("/gallery/crown-800w.png"), Some("800"), Some("600"))
    );
    assert!(site.path("public/gallery/crown-800w.png").is_file());
    assert_eq!(img.attr("srcset").unwrap().split(", ").count(), 3);
    site.write("templates/partials/footer.html", r#"{% set p = image(path="nowhere.jpg") %}{{ p.url }}"#);
    let err = run(&site, &["build"]).fails();
    assert!(err.contains("nowhere.jpg") && err.contains("publishes no"), "{err}");
}

#[test]
fn serve_publishes_stripped_photos_and_a_text_edit_does_not_remake_them() {
    use common::server::Server;
    let site = site_with_photos();
    let server = Server::start(site.root(), &[]);
    let (status, page) = server.get("/gallery/");
    assert_eq!(status, 200);
    assert!(page.contains("<picture>") && page.contains("chair-400w.webp"), "{page}");
    let served = |rel: &str| std::fs::read(server.output.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    for rel in ["gallery/chair.jpg", "gallery/chair-400w.webp", "gallery/crown.png", "images/room.webp"] {
        let bytes = served(rel);
        assert!(exif::Reader::new().read_from_container(&mut Cursor::new(&bytes)).is_err(), "{rel} has EXIF");
        assert!(!contains(&bytes, b"33.5"), "{rel}");
    }
    let cache: Vec<_> = std::fs::read_dir(site.path("photo-cache")).unwrap().map(|e| e.unwrap().path()).collect();
    let made = |dir: &std::path::Path| std::fs::metadata(dir).unwrap().modified().unwrap();
    let before: Vec<_> = cache.iter().map(|d| made(d)).collect();
    let chair = served("gallery/chair.jpg");

    site.write("content/gallery/index.md", site.read("content/gallery/index.md").replace("Gallery", "Healed results"));
    server.wait_for("/gallery/", "the edit", |s, body| s == 200 && body.contains("Healed results"));
    assert_eq!(cache.iter().map(|d| made(d)).collect::<Vec<_>>(), before, "photos were made again");
    assert_eq!(std::fs::read_dir(site.path("photo-cache")).unwrap().count(), cache.len());
    assert_eq!(served("gallery/chair.jpg"), chair);

    // A new photo appears, stripped, with its copies.
    site.write("content/gallery/index.md", site.read("content/gallery/index.md") + "\n![The lamp](lamp.jpg)\n");
    site.write("content/gallery/lamp.jpg", phone_jpeg(500, 300, 1));
    server.wait_for("/gallery/", "the new photo", |s, body| s == 200 && body.contains("lamp-480w.webp"));
    // The page may be written a moment before the photo: wait for it, with a deadline.
    let deadline = std::time::Instant::now() + common::server::DEADLINE;
    while !server.output.join("gallery/lamp.jpg").is_file() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let lamp = served("gallery/lamp.jpg");
    assert!(!contains(&lamp, b"Exif\0\0") && !contains(&lamp, b"xmpmeta"));
}

#[test]
fn in_serve_a_page_edit_does_not_wait_for_the_new_photo_saved_with_it() {
    use common::server::Server;
    let site = site_with_photos();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/gallery/").0, 200);
    // A photo whose header reads but whose pixels are cut off: making its copies fails,
    // so an edit that waited for them would never show.
    let mut cut = phone_jpeg(900, 600, 1);
    cut.truncate(cut.len() / 2);
    site.write("content/gallery/cut.jpg", &cut);
    let page = site.read("content/gallery/index.md") + "\nTwo years on.\n\n![A cut-off photo](cut.jpg)\n";
    site.write("content/gallery/index.md", page);
    let (_, body) = server.wait_for("/gallery/", "the edit", |s, body| s == 200 && body.contains("Two years on"));
    assert!(body.contains("cut-480w.webp"), "the page lists the photo's copies at once: {body}");
    // The photo is made on its own, and its rebuild reports what is wrong with it.
    let status = server.wait_for_status("the cut-off photo reported", |s| {
        s["error"].as_str().is_some_and(|e| e.contains("content/gallery/cut.jpg"))
    });
    assert!(status["error"].as_str().unwrap().contains("cut off"), "{status}");
    assert!(!server.output.join("gallery/cut-480w.webp").exists());
}
