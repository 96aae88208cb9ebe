//! The files `smpsite init` and `smpsite new` create: new files only. A file that is
//! already there is never overwritten, even one that appears between the check and the
//! write (the file is opened with "create new").

use std::io::Write;
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

#[cfg(test)]
mod tests {
    use super::*;

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
