//! Removes a photo's metadata without touching its pixels: EXIF (with the GPS position,
//! the phone and the time), XMP, IPTC and comments go; the ICC colour profile and what
//! decoding needs stay.

use std::io::Cursor;

use img_parts::{Bytes, ImageEXIF};

use super::Format;

/// `bytes` without metadata, or why the file is not a readable `format` file.
pub fn strip(format: Format, bytes: &[u8]) -> Result<Vec<u8>, String> {
    match format {
        Format::Jpeg => strip_jpeg(bytes),
        Format::Png => strip_png(bytes),
        Format::WebP => strip_webp(bytes),
    }
}

/// Whether the photo records where it was taken.
pub fn has_gps(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .is_ok_and(|exif| exif.fields().any(|f| f.tag == exif::Tag::GPSLatitude || f.tag == exif::Tag::GPSLongitude))
}

// JPEG markers.
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP2: u8 = 0xE2;
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;

/// Walks the JPEG's segments itself rather than through `img-parts`, which keeps
/// everything after the first scan as it is: phones append a second, smaller JPEG (the
/// MPF preview) after the end of the image, and it carries its own EXIF and GPS. Here
/// the file ends at its end-of-image marker, and application segments between the scans
/// of a progressive JPEG are dropped too.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.get(..2) != Some(&[0xFF, SOI][..]) {
        return Err("it does not start like a JPEG file".into());
    }
    let truncated =
        || "the file ends before the end of the image (it was cut off while copying or uploading)".to_string();
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut i = 2;
    loop {
        // A marker: 0xFF (any number of fill bytes), then its code.
        if bytes.get(i) != Some(&0xFF) {
            return Err(format!("the data is damaged at byte {i} (a segment was expected)"));
        }
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let marker = *bytes.get(i).ok_or_else(truncated)?;
        i += 1;
        if marker == EOI {
            out.extend_from_slice(&[0xFF, EOI]);
            return Ok(out);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&[0xFF, marker]);
            continue;
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(i).ok_or_else(truncated)?,
            *bytes.get(i + 1).ok_or_else(truncated)?,
        ]));
        if len < 2 {
            return Err(format!("the data is damaged at byte {i} (a segment of length {len})"));
        }
        let segment = bytes.get(i..i + len).ok_or_else(truncated)?;
        i += len;
        if keep(marker, &segment[2..]) {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(segment);
        }
        if marker == SOS {
            // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or
            // a restart marker.
            let start = i;
            loop {
                let at = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == 0xFF)).ok_or_else(truncated)?;
                i += at;
                match bytes.get(i + 1) {
                    None => return Err(truncated()),
                    Some(0x00 | 0xD0..=0xD7) => i += 2,
                    Some(_) => break,
                }
            }
            out.extend_from_slice(&bytes[start..i]);
        }
    }
}

/// Which segments a published JPEG keeps: everything that decoding needs, the JFIF
/// header, the ICC profile (APP2 `ICC_PROFILE`) and Adobe's colour transform (APP14).
fn keep(marker: u8, contents: &[u8]) -> bool {
    match marker {
        APP0 => contents.starts_with(b"JFIF\0") || contents.starts_with(b"JFXX\0"),
        APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        APP14 => contents.starts_with(b"Adobe"),
        0xE1..=0xEF | COM => false,
        _ => true,
    }
}

/// PNG text chunks (`tEXt`, `zTXt`, `iTXt`, where XMP lives), `eXIf` and the
/// modification time go; `iCCP` and the rest stay.
fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut png = img_parts::png::Png::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|e| damaged("PNG", &e))?;
    for kind in [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"] {
        png.remove_chunks_by_type(*kind);
    }
    Ok(png.encoder().bytes().to_vec())
}

/// WebP `EXIF` and `XMP ` chunks go (and the header's flags say so); `ICCP` stays.
fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut webp = img_parts::webp::WebP::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|e| damaged("WebP", &e))?;
    webp.remove_chunks_by_id(*b"XMP ");
    webp.set_exif(None);
    Ok(webp.encoder().bytes().to_vec())
}

fn damaged(kind: &str, err: &img_parts::Error) -> String {
    match err {
        img_parts::Error::WrongSignature => format!("it is not a {kind} file (its first bytes say otherwise)"),
        img_parts::Error::Truncated => "the file ends early (it was cut off while copying or uploading)".into(),
        _ => format!("it is not a readable {kind} file"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG with every kind of segment a phone writes, and a preview after its end.
    fn phone_jpeg() -> Vec<u8> {
        let seg = |out: &mut Vec<u8>, marker: u8, body: &[u8]| {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            out.extend_from_slice(body);
        };
        let mut f = vec![0xFF, SOI];
        seg(&mut f, APP0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        seg(&mut f, 0xE1, b"Exif\0\0GPS-HERE");
        seg(&mut f, 0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
        seg(&mut f, APP2, b"ICC_PROFILE\0\x01\x01PROFILE");
        seg(&mut f, APP2, b"MPF\0preview-index");
        seg(&mut f, 0xED, b"Photoshop 3.0\0IPTC");
        seg(&mut f, COM, b"shot at the clinic");
        seg(&mut f, 0xDB, b"\0QUANT");
        seg(&mut f, SOS, b"\x01\x01\0\0?\0");
        f.extend_from_slice(b"\x12\xFF\x00\x34\xFF\xD0\x56");
        f.extend_from_slice(&[0xFF, EOI]);
        f.extend_from_slice(b"\xFF\xD8\xFF\xE1\0\x0cExif\0\0GPS2");
        f
    }

    #[test]
    fn jpeg_keeps_icc_and_scan_and_drops_metadata_and_trailer() {
        let out = strip_jpeg(&phone_jpeg()).unwrap();
        let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"JFIF") && has(b"ICC_PROFILE\0\x01\x01PROFILE") && has(b"QUANT"));
        assert!(has(b"\x12\xFF\x00\x34\xFF\xD0\x56"), "the scan is copied as it is");
        for gone in [&b"Exif"[..], b"GPS", b"xmpmeta", b"MPF", b"IPTC", b"clinic"] {
            assert!(!has(gone), "{} left in", String::from_utf8_lossy(gone));
        }
        assert!(out.ends_with(&[0xFF, EOI]));
    }

    #[test]
    fn jpeg_cut_short_or_not_a_jpeg_is_an_error() {
        let whole = phone_jpeg();
        let eoi = whole.windows(2).position(|w| w == [0xFF, EOI]).unwrap();
        for cut in [3, 10, 40, eoi - 2, eoi] {
            let err = strip_jpeg(&whole[..cut]).unwrap_err();
            assert!(err.contains("cut off") || err.contains("damaged"), "{cut}: {err}");
        }
        assert!(strip_jpeg(b"GIF89a....").unwrap_err().contains("JPEG"));
    }
}
