//! The only writer of the output folder. A build is written into a temporary folder
//! beside the output and swapped in with renames only when every file is written, so a
//! failed or interrupted build leaves the previous output exactly as it was.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, fs};
use crate::render::Plan;

/// Writes `plan` as the new content of `output`, replacing what was there.
pub fn write_atomically(plan: &Plan, output: &Path) -> Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    if output.exists() && !output.is_dir() {
        return Err(Error::Usage(format!(
            "the output {} is a file, not a folder; choose another with -o",
            output.display()
        )));
    }
    let staging = tempfile::Builder::new()
        .prefix(".smpsite-new-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a temporary folder in", &parent, e))?;
    for (path, bytes) in plan {
        let dest = staging.path().join(path);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&dest, bytes)?;
    }
    swap_in(staging, output, &parent)
}

/// Moves `staging` to `output`; the old output goes into a temporary folder that is
/// deleted afterwards (and moved back if the second rename fails).
fn swap_in(staging: tempfile::TempDir, output: &Path, parent: &Path) -> Result<()> {
    if !output.exists() {
        let staged = staging.keep();
        return std::fs::rename(&staged, output).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            Error::io("move the new site into", output, e)
        });
    }
    let trash = tempfile::Builder::new()
        .prefix(".smpsite-old-")
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a temporary folder in", parent, e))?;
    let old = trash.path().join("site");
    std::fs::rename(output, &old).map_err(|e| Error::io("move the previous site aside from", output, e))?;
    if let Err(e) = std::fs::rename(staging.path(), output) {
        // Put the previous site back: the output must never be left half-done or missing.
        let _ = std::fs::rename(&old, output);
        return Err(Error::io("move the new site into", output, e));
    }
    // `staging` now names a moved folder; its drop finds nothing to delete.
    drop(staging);
    drop(trash);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(files: &[(&str, &str)]) -> Plan {
        files.iter().map(|(p, b)| (p.to_string(), b.as_bytes().to_vec())).collect()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".smpsite"))
            .collect()
    }

    #[test]
    fn replaces_previous_output_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(&plan(&[("index.html", "one"), ("old/index.html", "stale")]), &out).unwrap();
        write_atomically(&plan(&[("index.html", "two"), ("a/b/c.txt", "deep")]), &out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(out.join("a/b/c.txt")).unwrap(), "deep");
        assert!(!out.join("old").exists());
        assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
    }

    #[test]
    fn refuses_a_file_as_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::write(&out, "x").unwrap();
        assert!(matches!(write_atomically(&plan(&[]), &out), Err(Error::Usage(_))));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "x");
    }
}
