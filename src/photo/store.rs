//! Each photo processed once: the first file of a photo that is asked for makes all of
//! them, in the site's photo cache ([`super::CACHE_DIR`]), keyed by the photo's bytes and
//! the settings; the others, and every later build, read them from there. `output`
//! writes them (each photo's files in a temporary folder renamed into place whole).
//! Source photos are read from disk when needed, never all held at once, and only a
//! few are opened at a time ([`IN_FLIGHT`]): memory stays bounded however many there are.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use rayon::prelude::*;

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

/// Where a source photo's bytes are.
#[derive(Debug, Clone)]
pub enum Origin {
    /// In memory (embedded in the binary, or given by a test).
    Memory(Arc<[u8]>),
    /// On disk, read when needed: a gallery of phone photos is hundreds of megabytes,
    /// so none is kept in memory. `fingerprint` is of the bytes when the site was read.
    Disk {
        /// The file.
        path: PathBuf,
        /// A fingerprint of its bytes when the site was read.
        fingerprint: u128,
    },
}

impl Origin {
    /// Whether `self` and `other` are the same version of the same file.
    fn same(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::Memory(a), Origin::Memory(b)) => Arc::ptr_eq(a, b),
            (Origin::Disk { path: a, fingerprint: x }, Origin::Disk { path: b, fingerprint: y }) => a == b && x == y,
            _ => false,
        }
    }

    fn read(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Origin::Memory(bytes) => Ok(Cow::Borrowed(bytes)),
            Origin::Disk { path, .. } => std::fs::read(path).map(Cow::Owned),
        }
    }
}

/// One source photo.
#[derive(Debug)]
pub struct Photo {
    /// The file as staff know it (`content/…` or `static/…`).
    pub source: PathBuf,
    /// Its file format, by its extension.
    pub format: Format,
    /// Its size as it shows, upright; None when its header cannot be read (publishing it
    /// then reports why).
    pub size: Option<(u32, u32)>,
    origin: Origin,
    /// Whether it records where it was taken.
    gps: bool,
    /// Names the photo's folder in the cache: its bytes and the settings.
    key: String,
    done: OnceLock<Result<(), String>>,
}

impl Photo {
    /// Reads the photo at `origin` once to learn its size, cache key and GPS; the bytes
    /// are dropped again.
    fn open(source: PathBuf, format: Format, origin: Origin) -> Photo {
        let (size, key, gps, done) = match origin.read() {
            Ok(bytes) => {
                (super::size(format, &bytes), cache_key(format, &bytes), super::has_gps(&bytes), OnceLock::new())
            }
            Err(e) => (None, String::new(), false, OnceLock::from(Err(format!("it cannot be read: {e}")))),
        };
        Photo { source, format, size, origin, gps, key, done }
    }

    /// The photo's bytes, read again: an error when they are no longer those it was
    /// opened with (it was saved again while the site was being built).
    fn bytes(&self) -> Result<Cow<'_, [u8]>, String> {
        let bytes = self.origin.read().map_err(|e| format!("it cannot be read: {e}"))?;
        if matches!(self.origin, Origin::Disk { .. }) && cache_key(self.format, &bytes) != self.key {
            return Err("it changed while smpsite was publishing it; build again".into());
        }
        Ok(bytes)
    }

    /// A fingerprint of what this photo publishes (for `serve`, which skips files whose
    /// fingerprint did not change).
    pub fn fingerprint(&self) -> u64 {
        crate::fingerprint::hash_of(&self.key)
    }

    /// Whether the photo records where it was taken.
    pub fn has_gps(&self) -> bool {
        self.gps
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
        files: impl IntoIterator<Item = (String, PathBuf, Origin)>,
    ) -> Result<Store, Vec<Diagnostic>> {
        let mut known = Vec::new();
        let mut problems = Vec::new();
        for (path, source, origin) in files {
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
                .filter(|p| p.origin.same(&origin) && p.source == source)
                .cloned();
            known.push((path, source, format, origin, reused));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // Each new photo is read once here, a few at a time (one per core).
        let photos = known
            .into_par_iter()
            .map(|(path, source, format, origin, reused)| {
                (path, reused.unwrap_or_else(|| Arc::new(Photo::open(source, format, origin))))
            })
            .collect();
        Ok(Store { mode, photos })
    }

    /// A store that knows no photos (and so publishes every file as it is).
    pub fn empty() -> Store {
        Store { mode: Mode::Check(PathBuf::new()), photos: BTreeMap::new() }
    }

    /// The photo at `path`, with the store's own copy of the path.
    pub fn entry(&self, path: &str) -> Option<(&str, &Photo)> {
        self.photos.get_key_value(path).map(|(k, v)| (k.as_str(), &**v))
    }

    pub(crate) fn get(&self, path: &str) -> Option<&Photo> {
        self.photos.get(path).map(|p| &**p)
    }

    /// The photos by output path, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Photo)> {
        self.photos.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// Whether the files of the photo at `path` can be had at once: it was processed
    /// (or found broken), or its cache entry is there. `serve` makes the others on a
    /// thread of its own, so that a page edit does not wait for them.
    pub fn ready(&self, path: &str) -> bool {
        let Some(photo) = self.photos.get(path) else { return true };
        let (Mode::Publish(dir) | Mode::Check(dir)) = &self.mode;
        photo.done.get().is_some() || dir.join(&photo.key).is_dir()
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
                if variant == Variant::Original && !file.exists() {
                    // Upright: the original is only stripped, which is quick (see `process::all`).
                    let stripped = photo.bytes().and_then(|bytes| super::strip(photo.format, &bytes));
                    return stripped.map(Cow::Owned).map_err(|reason| {
                        Diagnostic::error(&photo.source, 0, 0, format!("this photo cannot be published: {reason}"))
                    });
                }
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
        let files = {
            let _slot = Slot::take();
            process::all(photo.format, &photo.bytes()?)?
        };
        if !write {
            return Ok(());
        }
        let files = files.into_iter().map(|(variant, bytes)| (file_name(variant, photo.format), bytes)).collect();
        let root = dir.parent().unwrap_or(Path::new("."));
        crate::output::save_cache_entry(root, dir, &photo.key, files)
            .map_err(|e| format!("smpsite could not keep its processed copies in {}: {e}", dir.display()))
    }
}

/// How many photos are opened at once, whatever the number of cores: each takes about
/// 100 MB while it is resized (a 12-megapixel photo opened, and its copies).
const IN_FLIGHT: usize = 3;

/// A turn to open a photo: [`Slot::take`] waits while [`IN_FLIGHT`] are taken.
struct Slot;

static SLOTS: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl Slot {
    fn take() -> Slot {
        let (taken, freed) = &SLOTS;
        let mut taken = freed
            .wait_while(taken.lock().unwrap_or_else(|e| e.into_inner()), |n| *n >= IN_FLIGHT)
            .unwrap_or_else(|e| e.into_inner());
        *taken += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (taken, freed) = &SLOTS;
        *taken.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
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
    format!("{:032x}", crate::fingerprint::photo_key((bytes, format, process::SETTINGS)))
}
