//! Photos (issue 16): every JPEG, PNG and WebP the site publishes leaves without its
//! EXIF, XMP, IPTC and GPS data, the right way up, and with smaller copies for phones.
//!
//! This module is the narrow interface: which files are photos, which copies each gets
//! (the width ladder, [`WIDTHS`]), what they are called, and the `<picture>` markup that
//! lists them. `strip` removes metadata without re-encoding, `process` decodes (with
//! limits), turns and resizes, and `store` does the work once per photo, keeping the
//! results in the site's photo cache folder ([`CACHE_DIR`]).

mod process;
mod store;
mod strip;

pub use process::size;
pub use store::{Mode, Origin, Photo, Store};
pub use strip::{has_gps, strip};

/// Everything a build makes of a photo's `bytes` (each copy, and the original when it
/// had to be turned upright), or why it cannot, in a clinic's words. The photo store
/// calls it once per photo; the fuzz target calls it on any bytes.
pub fn make_copies(format: Format, bytes: &[u8]) -> Result<Vec<(Variant, Vec<u8>)>, String> {
    process::all(format, bytes)
}

/// The widths (in pixels) of the smaller copies made of each photo: a phone, a tablet,
/// a laptop's content column and a high-density screen. A photo is never enlarged: one
/// narrower than a step is published at its own width instead.
pub const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];

/// The folder under the site root where processed photos are kept, keyed by the source
/// photo's bytes and the settings. It can be committed, so that CI does not redo the
/// work; `serve` does not watch it.
pub const CACHE_DIR: &str = "photo-cache";

/// How wide a photo shows on a page: the full screen on a phone, the text column (about
/// 70 characters, `--measure` in the default theme) on anything wider.
pub const SIZES: &str = "(max-width: 46rem) 100vw, 44rem";

/// How wide a before/after photo shows: the pair side by side in the text column, or
/// one under the other on a narrow phone.
pub const PAIR_SIZES: &str = "(max-width: 30rem) 100vw, 22rem";

/// The raster formats the site processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// JPEG (`.jpg`, `.jpeg`).
    Jpeg,
    /// PNG (`.png`).
    Png,
    /// WebP (`.webp`).
    WebP,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }
}

/// The photo format of a file or URL, by its extension.
pub fn format_of(path: &str) -> Option<Format> {
    let ext = path.rsplit_once('.')?.1;
    match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => Some(Format::Jpeg),
        "png" => Some(Format::Png),
        "webp" => Some(Format::WebP),
        _ => None,
    }
}

/// Whether a file is an iPhone photo in HEIC/HEIF, which browsers cannot show.
pub fn is_heic(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| matches!(ext.to_ascii_lowercase().as_str(), "heic" | "heif"))
}

/// One published file of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// At its own path and size, without metadata.
    Original,
    /// A copy `width` pixels wide.
    Resized {
        /// Its width in pixels.
        width: u32,
        /// Its file format.
        format: Format,
    },
}

/// The widths of the copies of a photo `width` pixels wide: the ladder's steps below
/// it, and its own width when that is within the ladder.
pub fn widths(width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] && width > 0 {
        widths.push(width);
    }
    widths
}

/// The formats of each copy: WebP, and the original's format for older browsers.
fn formats(original: Format) -> &'static [Format] {
    match original {
        Format::Jpeg => &[Format::WebP, Format::Jpeg],
        Format::Png => &[Format::WebP, Format::Png],
        Format::WebP => &[Format::WebP],
    }
}

/// Where a copy is published: `a/crown.jpg` at 480 in WebP -> `a/crown-480w.webp`.
/// Works on output paths and URLs alike.
pub fn variant_path(path: &str, width: u32, format: Format) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    format!("{stem}-{width}w.{}", format.extension())
}

/// Every file published for the photo at `path` whose (upright) size is `size`: the
/// original first, then each copy.
pub fn outputs(path: &str, format: Format, size: (u32, u32)) -> Vec<(String, Variant)> {
    let mut files = vec![(path.to_string(), Variant::Original)];
    for width in widths(size.0) {
        for &f in formats(format) {
            files.push((variant_path(path, width, f), Variant::Resized { width, format: f }));
        }
    }
    files
}

/// The height of a copy `width` wide of a photo of `size`, keeping its proportions.
pub fn height_at(size: (u32, u32), width: u32) -> u32 {
    let h = (u64::from(size.1) * u64::from(width) + u64::from(size.0) / 2) / u64::from(size.0.max(1));
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

/// Where a photo sits on its page: the first one loads at once (it is usually what the
/// visitor sees first), the others when they scroll near.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// Loaded with the page: the page's first photo.
    Eager,
    /// Loaded when the visitor scrolls near it.
    Lazy,
}

/// The `srcset` of the copies of the photo at `url` (of `size`) in `format`.
pub fn srcset(url: &str, size: (u32, u32), format: Format) -> String {
    widths(size.0).iter().map(|&w| format!("{} {w}w", variant_path(url, w, format))).collect::<Vec<_>>().join(", ")
}

/// The URL of the copy that older browsers and link previews get: the widest one.
pub fn fallback_url(url: &str, size: (u32, u32)) -> String {
    let format = format_of(url).unwrap_or(Format::Jpeg);
    match widths(size.0).last() {
        Some(&w) => variant_path(url, w, format),
        None => url.to_string(),
    }
}

/// The `<picture>` for the photo at `url` (already escaped for an attribute, like
/// `alt` and `title`) whose upright size is `size`: a WebP `srcset`, the original
/// format's as the fallback, `sizes`, and the width and height so the page does not
/// shift while it loads.
pub fn picture_html(url: &str, alt: &str, title: &str, size: (u32, u32), loading: Loading) -> String {
    let format = format_of(url).unwrap_or(Format::Jpeg);
    let mut html = String::from("<picture>");
    if format != Format::WebP {
        let webp = srcset(url, size, Format::WebP);
        html.push_str(&format!(r#"<source type="{}" srcset="{webp}" sizes="{SIZES}">"#, Format::WebP.mime()));
    }
    let fallback = srcset(url, size, format);
    html.push_str(&format!(
        r#"<img src="{}" srcset="{fallback}" sizes="{SIZES}" alt="{alt}""#,
        fallback_url(url, size)
    ));
    if !title.is_empty() {
        html.push_str(&format!(r#" title="{title}""#));
    }
    html.push_str(&format!(r#" width="{}" height="{}""#, size.0, size.1));
    html.push_str(match loading {
        Loading::Eager => r#" fetchpriority="high">"#,
        Loading::Lazy => r#" loading="lazy" decoding="async">"#,
    });
    html.push_str("</picture>");
    html
}

/// The Tera function `image(path=..., width=...)`: for the photo published at `path`
/// (its output path: `images/team.jpg` for `static/images/team.jpg`, `gallery/chair.jpg`
/// beside `content/gallery/index.md`), the narrowest copy at least `width` pixels wide
/// (the widest copy without `width`) as `url`, `width` and `height`, and everything a
/// `<picture>` needs: `original`, `srcset`, `webp_srcset` (empty for a WebP photo) and
/// `sizes`.
pub fn template_function(
    photos: &Store,
    root: &str,
) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<tera::Value> + Send + Sync + 'static {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Args {
        path: String,
        width: Option<u32>,
    }
    let sizes: std::collections::HashMap<String, (u32, u32)> =
        photos.iter().filter_map(|(path, photo)| Some((path.to_string(), photo.size?))).collect();
    let root = root.to_string();
    move |kwargs, _| {
        let args: Args = kwargs.deserialize()?;
        let path = args.path.trim_start_matches('/');
        let path = path.strip_prefix(root.trim_start_matches('/')).unwrap_or(path);
        let Some(&size) = sizes.get(path) else {
            return Err(tera::Error::message(format!(
                "image(path=\"{}\"): the site publishes no JPEG, PNG or WebP photo there; write where it is published, e.g. `images/team.jpg` for static/images/team.jpg",
                args.path
            )));
        };
        Ok(tera::Value::from_serializable(&image_value(&format!("{root}{path}"), size, args.width)))
    }
}

/// What [`template_function`] gives for the photo at `url` of `size`.
fn image_value(url: &str, size: (u32, u32), wanted: Option<u32>) -> serde_json::Value {
    let format = format_of(url).unwrap_or(Format::Jpeg);
    let steps = widths(size.0);
    let width = match wanted {
        Some(w) => steps.iter().copied().find(|&s| s >= w).or(steps.last().copied()),
        None => steps.last().copied(),
    }
    .unwrap_or(size.0);
    let webp = if format == Format::WebP { String::new() } else { srcset(url, size, Format::WebP) };
    serde_json::json!({
        "url": variant_path(url, width, format), "width": width, "height": height_at(size, width),
        "original": url, "srcset": srcset(url, size, format), "webp_srcset": webp, "sizes": SIZES,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_value_picks_the_narrowest_copy_wide_enough() {
        let v = image_value("/c/a.jpg", (4032, 3024), Some(700));
        assert_eq!(
            (v["url"].as_str(), v["width"].as_u64(), v["height"].as_u64()),
            (Some("/c/a-800w.jpg"), Some(800), Some(600))
        );
        assert_eq!(image_value("/c/a.jpg", (4032, 3024), None)["url"], "/c/a-1600w.jpg");
        assert_eq!(image_value("/c/a.jpg", (1000, 500), Some(5000))["width"], 1000);
        assert_eq!(image_value("/c/a.webp", (600, 400), None)["webp_srcset"], "");
    }

    use super::*;

    #[test]
    fn ladder_never_enlarges() {
        assert_eq!(widths(4032), vec![480, 800, 1200, 1600]);
        assert_eq!(widths(1000), vec![480, 800, 1000]);
        assert_eq!(widths(480), vec![480]);
        assert_eq!(widths(300), vec![300]);
        assert_eq!(widths(1600), vec![480, 800, 1200, 1600]);
    }

    #[test]
    fn names_each_copy_beside_the_original() {
        assert_eq!(variant_path("a/crown.JPG", 480, Format::WebP), "a/crown-480w.webp");
        let files = outputs("p/x.png", Format::Png, (900, 600));
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "p/x.png",
                "p/x-480w.webp",
                "p/x-480w.png",
                "p/x-800w.webp",
                "p/x-800w.png",
                "p/x-900w.webp",
                "p/x-900w.png"
            ]
        );
        assert_eq!(outputs("y.webp", Format::WebP, (500, 500)).len(), 3);
    }

    #[test]
    fn picture_lists_webp_and_fallback_with_dimensions() {
        let html = picture_html("/g/a.jpg", "Crown", "", (1000, 750), Loading::Lazy);
        assert!(
            html.contains(
                r#"<source type="image/webp" srcset="/g/a-480w.webp 480w, /g/a-800w.webp 800w, /g/a-1000w.webp 1000w""#
            ),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<img src="/g/a-1000w.jpg" srcset="/g/a-480w.jpg 480w, /g/a-800w.jpg 800w, /g/a-1000w.jpg 1000w""#
            ),
            "{html}"
        );
        assert!(html.contains(r#"width="1000" height="750" loading="lazy" decoding="async">"#), "{html}");
        assert!(html.contains(&format!(r#"sizes="{SIZES}""#)));
        let first = picture_html("/a.jpg", "A", "", (1000, 750), Loading::Eager);
        assert!(first.contains(r#"fetchpriority="high""#) && !first.contains("lazy"), "{first}");
    }

    #[test]
    fn heights_keep_proportions() {
        assert_eq!(height_at((4032, 3024), 480), 360);
        assert_eq!(height_at((3, 1), 1), 1);
    }
}
