//! The files `smpsite init` and `smpsite new` create: new files only. A file that is
//! already there is never overwritten, even one that appears between the check and the
//! write (the file is opened with "create new"). `new faq` adds a question at the end
//! of the FAQ page: appended only, never rewritten.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Creates each `(relative path, bytes)` under `dir`, with the folders it needs. Stops
/// at the first file that already exists (`ErrorKind::AlreadyExists` in the error) and
/// writes nothing over it.
pub fn create_new_files(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
        }
        let mut file = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("create", &path, e))?;
        file.write_all(bytes).map_err(|e| Error::io("write", &path, e))?;
    }
    Ok(())
}

/// Adds `addition` at the end of the file at `path`, which must still hold exactly
/// `expected` (what the caller read and decided on): the file is opened for appending
/// only, so nothing in it is ever overwritten. Refuses a link (it could lead out of the
/// site) and a file that changed since it was read.
pub fn append_to_file(path: &Path, expected: &[u8], addition: &[u8]) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
    if !meta.file_type().is_file() {
        return Err(Error::Usage(format!(
            "{} is not a plain file (it is a link or a folder), so nothing was added to it; edit it by hand",
            path.display()
        )));
    }
    let mut file =
        std::fs::File::options().read(true).append(true).open(path).map_err(|e| Error::io("open", path, e))?;
    let mut now = Vec::with_capacity(expected.len());
    file.read_to_end(&mut now).map_err(|e| Error::io("read", path, e))?;
    if now != expected {
        return Err(Error::Usage(format!(
            "{} changed while smpsite was reading it, so nothing was added; save it in your editor and run the command again",
            path.display()
        )));
    }
    file.write_all(addition).map_err(|e| Error::io("write", path, e))?;
    file.sync_all().map_err(|e| Error::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_only_to_an_unchanged_plain_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("faq.md");
        std::fs::write(&path, "mine\n").unwrap();
        append_to_file(&path, b"mine\n", b"more\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"mine\nmore\n");
        assert!(matches!(append_to_file(&path, b"mine\n", b"x"), Err(Error::Usage(_))), "changed since read");
        assert_eq!(std::fs::read(&path).unwrap(), b"mine\nmore\n", "nothing was added");
        #[cfg(unix)]
        {
            let link = tmp.path().join("link.md");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            assert!(matches!(append_to_file(&link, b"mine\nmore\n", b"x"), Err(Error::Usage(_))));
            assert_eq!(std::fs::read(&path).unwrap(), b"mine\nmore\n", "nothing was added through the link");
        }
    }

    #[test]
    fn creates_folders_and_files_but_never_over_an_existing_file() {
        let tmp = tempfile::tempdir().unwrap();
        create_new_files(tmp.path(), &[(PathBuf::from("a/b.md"), b"new".to_vec())]).unwrap();
        assert_eq!(std::fs::read(tmp.path().join("a/b.md")).unwrap(), b"new");
        let err = create_new_files(tmp.path(), &[(PathBuf::from("a/b.md"), b"other".to_vec())]).unwrap_err();
        assert!(matches!(&err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists));
        assert_eq!(std::fs::read(tmp.path().join("a/b.md")).unwrap(), b"new", "the file was kept");
    }
}
