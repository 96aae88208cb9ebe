//! Decoding (with limits, so a hostile file cannot exhaust memory), turning upright,
//! resizing and encoding. `image` decodes (through `zune-jpeg` for JPEG) and encodes
//! JPEG and PNG; `fast_image_resize` resizes with SIMD (several times faster than
//! `image`'s own resize at the same Lanczos filter); `webp` (libwebp) encodes lossy
//! WebP, which `image` cannot.

use std::io::Cursor;

use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images::Image};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};

use super::{Format, Variant, height_at, strip, widths};

/// The largest photo accepted, in either direction: well above any camera's.
const MAX_SIDE: u32 = 16_384;
/// The most memory one decode may take: a 48-megapixel photo with an alpha channel.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// JPEG and WebP quality of the copies: no visible loss at the sizes they show.
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 80.0;
/// Quality of an original that had to be re-encoded to turn it upright.
const ORIGINAL_QUALITY: u8 = 90;

/// Everything that changes what `process` makes: part of the cache key.
pub(super) const SETTINGS: &str = "v2 480/800/1200/1600 jpeg82 webp80 orig90 lanczos3";

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn decoder(format: Format, bytes: &[u8]) -> Result<impl ImageDecoder + '_, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::WebP => image::ImageFormat::WebP,
    });
    reader.limits(limits());
    reader.into_decoder().map_err(|e| reason(&e))
}

/// The photo's size as it shows, upright (a portrait taken with the phone turned has
/// its width and height swapped in the file), from its header alone.
pub fn size(format: Format, bytes: &[u8]) -> Option<(u32, u32)> {
    let mut decoder = decoder(format, bytes).ok()?;
    let (w, h) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation().ok()?,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    );
    Some(if turned { (h, w) } else { (w, h) })
}

/// What publishing one photo takes work for: the original re-encoded when it had to be
/// turned upright, then each copy of [`super::outputs`]. The file is checked whole
/// (its structure by `strip`, its pixels by decoding) either way. Memory: the photo
/// opened once (36 MB for 12 megapixels), moved into the resizer without a copy, and
/// one copy at a time beside it.
pub(super) fn all(format: Format, bytes: &[u8]) -> Result<Vec<(Variant, Vec<u8>)>, String> {
    // Stripping walks the file's structure: a file cut short is named as such here.
    // An upright original is published as `strip` makes it, at once: the cache keeps
    // only what took work, so that it stays small enough to commit.
    drop(strip(format, bytes)?);
    let mut decoder = decoder(format, bytes)?;
    let orientation = decoder.orientation().map_err(|e| reason(&e))?;
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| reason(&e))?;
    image.apply_orientation(orientation);
    let mut files = Vec::new();
    if orientation != Orientation::NoTransforms {
        files.push((Variant::Original, encode(&image, format, icc.as_deref(), ORIGINAL_QUALITY)?));
    }
    let size = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let (pixels, pixel) = if alpha {
        (image.into_rgba8().into_raw(), PixelType::U8x4)
    } else {
        (image.into_rgb8().into_raw(), PixelType::U8x3)
    };
    let source = Image::from_vec_u8(size.0, size.1, pixels, pixel).map_err(|e| e.to_string())?;
    for width in widths(size.0) {
        let resized = resize(&source, width, height_at(size, width), alpha)?;
        for &f in super::formats(format) {
            files.push((Variant::Resized { width, format: f }, encode(&resized, f, icc.as_deref(), JPEG_QUALITY)?));
        }
    }
    Ok(files)
}

/// `source` at `width` x `height` (a copy when that is its own size).
fn resize(source: &Image<'_>, width: u32, height: u32, alpha: bool) -> Result<DynamicImage, String> {
    let raw = if (width, height) == (source.width(), source.height()) {
        source.buffer().to_vec()
    } else {
        let mut dst = Image::new(width, height, source.pixel_type());
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new().resize(source, &mut dst, &options).map_err(|e| e.to_string())?;
        dst.into_vec()
    };
    let image = if alpha {
        image::RgbaImage::from_raw(width, height, raw).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, raw).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(|| "resizing gave a picture of the wrong size".into())
}

fn encode(image: &DynamicImage, format: Format, icc: Option<&[u8]>, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let failed = |e: image::ImageError| format!("it could not be saved again: {e}");
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(&rgb, rgb.width(), rgb.height(), image::ExtendedColorType::Rgb8).map_err(failed)?;
        }
        Format::Png => {
            let mut encoder = PngEncoder::new(&mut out);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder
                .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
                .map_err(failed)?;
        }
        Format::WebP => {
            let alpha = image.color().has_alpha();
            let pixels = if alpha { image.to_rgba8().into_raw() } else { image.to_rgb8().into_raw() };
            let encoder = if alpha {
                webp::Encoder::from_rgba(&pixels, image.width(), image.height())
            } else {
                webp::Encoder::from_rgb(&pixels, image.width(), image.height())
            };
            let quality = if quality == ORIGINAL_QUALITY { f32::from(quality) } else { WEBP_QUALITY };
            let encoded =
                encoder.encode_simple(false, quality).map_err(|e| format!("it could not be saved as WebP: {e:?}"))?;
            out = encoded.to_vec();
            if let Some(icc) = icc {
                let mut webp = img_parts::webp::WebP::from_bytes(img_parts::Bytes::from(out))
                    .map_err(|_| "the WebP encoder gave an unreadable file".to_string())?;
                img_parts::ImageICC::set_icc_profile(&mut webp, Some(img_parts::Bytes::copy_from_slice(icc)));
                out = webp.encoder().bytes().to_vec();
            }
        }
    }
    Ok(out)
}

/// A decoding error in a clinic staffer's words.
fn reason(err: &image::ImageError) -> String {
    use image::ImageError as E;
    match err {
        E::Limits(_) => format!(
            "it is too large to open safely (more than {MAX_SIDE} pixels on a side, or more than {} MB once opened)",
            MAX_ALLOC / 1024 / 1024
        ),
        E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends early (it was cut off while copying or uploading)".into()
        }
        E::Unsupported(_) => "it uses a kind of image this format allows but browsers and smpsite do not".into(),
        _ => "it is damaged and cannot be opened".into(),
    }
}
