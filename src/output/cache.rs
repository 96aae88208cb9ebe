//! A cache folder inside the site (`photo-cache/`): each entry lands whole, by one
//! rename, and an entry already there is never overwritten.

use std::path::Path;

use crate::error::{Error, Result};

/// Puts one entry of a cache folder inside the site (`photo-cache/`) in place whole:
/// `files` (plain names) are written into a temporary folder in `cache`, which is then
/// renamed to `cache/name`, so the cache never holds half an entry. Nothing is
/// overwritten: an entry already there (another build made the same one at the same
/// time) is kept, and the temporary folder goes. `cache` is created if need be, but
/// never through a link that leads out of `root`, the site folder.
pub fn save_cache_entry(root: &Path, cache: &Path, name: &str, files: Vec<(String, Vec<u8>)>) -> Result<()> {
    let plain = |n: &str| !n.is_empty() && n != "." && n != ".." && !n.contains(['/', '\\']);
    if !plain(name) || !files.iter().all(|(n, _)| plain(n)) {
        return Err(Error::Usage(format!("cannot write `{name}` in {}: not a plain name", cache.display())));
    }
    std::fs::create_dir_all(cache).map_err(|e| Error::io("create the folder", cache, e))?;
    let real = |p: &Path| p.canonicalize().map_err(|e| Error::io("read", p, e));
    if !real(cache)?.starts_with(real(root)?) {
        return Err(Error::Usage(format!(
            "{} is a link to a folder outside the site; smpsite keeps its cache only inside the site: remove the link (smpsite makes the folder again)",
            cache.display()
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix(".new-")
        .tempdir_in(cache)
        .map_err(|e| Error::io("create a temporary folder in", cache, e))?;
    for (file, bytes) in files {
        let path = temp.path().join(file);
        std::fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
    }
    let entry = cache.join(name);
    match std::fs::rename(temp.path(), &entry) {
        Ok(()) => {
            let _ = temp.keep();
            Ok(())
        }
        // Renaming a folder onto a folder that holds files fails: theirs stays.
        Err(_) if entry.is_dir() && !entry.is_symlink() => Ok(()),
        Err(e) => Err(Error::io("write", entry, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_cache_entry_lands_whole_and_an_existing_one_is_never_overwritten() {
        let site = tempfile::tempdir().unwrap();
        let cache = site.path().join("photo-cache");
        let entry =
            |bytes: &[u8]| vec![("480w.jpg".to_string(), bytes.to_vec()), ("original.jpg".into(), b"o".to_vec())];
        save_cache_entry(site.path(), &cache, "abc", entry(b"first")).unwrap();
        assert_eq!(std::fs::read(cache.join("abc/480w.jpg")).unwrap(), b"first");
        save_cache_entry(site.path(), &cache, "abc", entry(b"second")).unwrap();
        assert_eq!(std::fs::read(cache.join("abc/480w.jpg")).unwrap(), b"first", "an entry there stays");
        assert_eq!(names(&cache), ["abc"], "no temporary folder is left");
        for bad in ["../x", "a/b", "", ".."] {
            assert!(save_cache_entry(site.path(), &cache, bad, entry(b"x")).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_cache_folder_linked_out_of_the_site_is_refused_and_not_written() {
        let site = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let cache = site.path().join("photo-cache");
        std::os::unix::fs::symlink(elsewhere.path(), &cache).unwrap();
        let err = save_cache_entry(site.path(), &cache, "abc", vec![("a.jpg".into(), b"x".to_vec())]).unwrap_err();
        assert!(err.to_string().contains("outside the site"), "{err}");
        assert!(names(elsewhere.path()).is_empty(), "{:?}", names(elsewhere.path()));
    }
}
