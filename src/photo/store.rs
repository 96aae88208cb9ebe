//! Each photo processed once: the first file of a photo that is asked for makes all of
//! them, in the site's photo cache ([`super::CACHE_DIR`]), keyed by the photo's bytes and
//! the settings; the others, and every later build, read them from there. Besides the
//! output folder this is the one place smpsite writes: only inside that folder, each
//! photo's files made in a temporary folder and renamed into place whole.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::error::Diagnostic;

use super::{Format, Variant, format_of, is_heic, process};

/// What the store does with each photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Make every file (build, serve), kept in this cache folder.
    Publish(PathBuf),
    /// Only check that each photo opens (check): the cache folder is read, never written.
    Check(PathBuf),
}

/// One source photo.
#[derive(Debug)]
pub struct Photo {
    /// The file as staff know it (`content/…` or `static/…`).
    pub source: PathBuf,
    pub format: Format,
    /// Its size as it shows, upright; None when its header cannot be read (publishing it
    /// then reports why).
    pub size: Option<(u32, u32)>,
    bytes: Arc<[u8]>,
    /// Names the photo's folder in the cache: its bytes and the settings.
    key: String,
    done: OnceLock<Result<(), String>>,
}

impl Photo {
    /// A fingerprint of what this photo publishes (for `serve`, which skips files whose
    /// fingerprint did not change).
    pub fn fingerprint(&self) -> u64 {
        foldhash::quality::FixedState::with_seed(0).hash_one(&self.key)
    }

    /// Whether the photo records where it was taken.
    pub fn has_gps(&self) -> bool {
        super::has_gps(&self.bytes)
    }
}

/// The site's photos by output path, and where their processed files are kept.
#[derive(Debug)]
pub struct Store {
    mode: Mode,
    photos: BTreeMap<String, Arc<Photo>>,
}

impl Store {
    /// The photos among `files` (output path, source path as staff know it, bytes).
    /// A photo of `previous` whose bytes are the same is taken as it is (`serve`).
    /// HEIC photos, which browsers cannot show, are errors.
    pub fn new(
        mode: Mode,
        previous: Option<&Store>,
        files: impl IntoIterator<Item = (String, PathBuf, Arc<[u8]>)>,
    ) -> Result<Store, Vec<Diagnostic>> {
        let mut photos = BTreeMap::new();
        let mut problems = Vec::new();
        for (path, source, bytes) in files {
            if is_heic(&path) {
                problems.push(
                    Diagnostic::error(&source, 0, 0, "this photo is in the iPhone's HEIC format, which most browsers cannot show")
                        .with_help("export it as JPEG and replace this file: on the iPhone, share it and choose Options > Most Compatible, or on a Mac open it in Preview and choose File > Export > JPEG (to take JPEGs from now on: Settings > Camera > Formats > Most Compatible)"),
                );
                continue;
            }
            let Some(format) = format_of(&path) else { continue };
            let reused = previous
                .and_then(|p| p.photos.get(&path))
                .filter(|p| Arc::ptr_eq(&p.bytes, &bytes) && p.source == source)
                .cloned();
            let photo = reused.unwrap_or_else(|| {
                Arc::new(Photo {
                    size: super::size(format, &bytes),
                    key: cache_key(format, &bytes),
                    source,
                    format,
                    bytes,
                    done: OnceLock::new(),
                })
            });
            photos.insert(path, photo);
        }
        if problems.is_empty() { Ok(Store { mode, photos }) } else { Err(problems) }
    }

    /// A store that knows no photos (and so publishes every file as it is).
    pub fn empty() -> Store {
        Store { mode: Mode::Check(PathBuf::new()), photos: BTreeMap::new() }
    }

    /// The photo at `path`, with the store's own copy of the path.
    pub fn entry(&self, path: &str) -> Option<(&str, &Photo)> {
        self.photos.get_key_value(path).map(|(k, v)| (k.as_str(), &**v))
    }

    pub fn get(&self, path: &str) -> Option<&Photo> {
        self.photos.get(path).map(|p| &**p)
    }

    /// The photos by output path, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Photo)> {
        self.photos.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// The bytes of one published file of the photo at `path` (output path); in check
    /// mode, nothing once the photo is known to open. An unreadable photo is an error
    /// naming its file.
    pub fn file(&self, path: &str, variant: Variant) -> Result<Cow<'_, [u8]>, Diagnostic> {
        let Some(photo) = self.photos.get(path) else {
            return Err(Diagnostic::error(path, 0, 0, "this photo is not part of the site"));
        };
        photo.done.get_or_init(|| self.process(photo)).clone().map_err(|reason| {
            Diagnostic::error(&photo.source, 0, 0, format!("this photo cannot be published: {reason}"))
                .with_help("open it on the computer or phone it came from: if it shows, save or export it again as JPEG and replace this file; if not, copy it again from the camera")
        })?;
        match &self.mode {
            Mode::Check(_) => Ok(Cow::Borrowed(&[])),
            Mode::Publish(dir) => {
                let file = dir.join(&photo.key).join(file_name(variant, photo.format));
                std::fs::read(&file).map(Cow::Owned).map_err(|e| {
                    Diagnostic::error(&file, 0, 0, format!("the processed photo cannot be read: {e}")).with_help(
                        format!("delete the folder `{}` (smpsite makes it again) and build again", dir.display()),
                    )
                })
            }
        }
    }

    /// Makes (or finds in the cache) every file of `photo`. Runs inside `OnceLock`
    /// initialisation on a rayon worker, so it must not use rayon itself: a stolen job
    /// for the same photo would wait on its own thread.
    fn process(&self, photo: &Photo) -> Result<(), String> {
        let (dir, write) = match &self.mode {
            Mode::Publish(dir) => (dir, true),
            Mode::Check(dir) => (dir, false),
        };
        let folder = dir.join(&photo.key);
        if folder.is_dir() {
            return Ok(());
        }
        let files = process::all(photo.format, &photo.bytes)?;
        if write { save(dir, &folder, photo.format, files) } else { Ok(()) }
    }
}

/// Writes one photo's files into a temporary folder in `dir`, then renames it to
/// `folder`, so the cache never holds half of a photo.
fn save(dir: &Path, folder: &Path, format: Format, files: Vec<(Variant, Vec<u8>)>) -> Result<(), String> {
    let failed = |what: &str, path: &Path, e: std::io::Error| {
        format!("smpsite could not {what} its processed copies in {}: {e}", path.display())
    };
    std::fs::create_dir_all(dir).map_err(|e| failed("create the folder for", dir, e))?;
    let temp = tempfile::Builder::new()
        .prefix(".new-")
        .tempdir_in(dir)
        .map_err(|e| failed("create a temporary folder for", dir, e))?;
    for (variant, bytes) in files {
        let path = temp.path().join(file_name(variant, format));
        std::fs::write(&path, bytes).map_err(|e| failed("write", &path, e))?;
    }
    match std::fs::rename(temp.path(), folder) {
        Ok(()) => {
            let _ = temp.keep();
            Ok(())
        }
        // Another build made it at the same time: theirs is the same.
        Err(_) if folder.is_dir() => Ok(()),
        Err(e) => Err(failed("save", folder, e)),
    }
}

/// A published file's name in the photo's cache folder.
fn file_name(variant: Variant, original: Format) -> String {
    match variant {
        Variant::Original => format!("original.{}", original.extension()),
        Variant::Resized { width, format } => format!("{width}w.{}", format.extension()),
    }
}

/// 128 bits of the photo's bytes, its format and [`process::SETTINGS`], in hex.
fn cache_key(format: Format, bytes: &[u8]) -> String {
    let hash = |seed: u64| foldhash::quality::FixedState::with_seed(seed).hash_one((bytes, format, process::SETTINGS));
    format!("{:016x}{:016x}", hash(0x9e37_79b9_7f4a_7c15), hash(0x6a09_e667_f3bc_c908))
}
