//! Where a build may write: never into the site's own sources, the home folder or the
//! disk's root. What may be replaced inside the output folder is `output`'s to decide.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Refuses outputs that would mix the site into its own sources (the output at any
/// depth inside `content/`, `static/`, `templates/` or `themes/`, the site folder or a
/// folder above it), and the home folder or the disk's root. The output folder's own
/// rules (only smpsite's files are ever replaced) are `output.rs`'s.
pub(super) fn check_output_is_safe(root: &Path, output: &Path) -> Result<()> {
    let root = resolved(root);
    let out = resolved(output);
    let protected = ["content", "static", "templates", "themes"].map(|d| root.join(d));
    if out == root || root.starts_with(&out) || protected.iter().any(|p| out.starts_with(p)) {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it holds the site's own files (content/, static/, templates/, themes/ or site.yaml)\n\
             Choose an output folder outside them, for example `-o public`.",
            output.display()
        )));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| resolved(Path::new(&h)));
    if out.parent().is_none() || home.as_deref() == Some(out.as_path()) {
        return Err(Error::Usage(format!(
            "refusing to build into {}: that is your home folder or the disk's root\n\
             Choose a folder of its own for the site, for example `-o public`.",
            output.display()
        )));
    }
    Ok(())
}

/// `path` made absolute with every symlink resolved, also when its last parts do not
/// exist yet (`content/new/x`: the existing `content` is resolved, the rest appended).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last.as_os_str().to_os_string());
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut out = base;
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn resolves_paths_whose_end_does_not_exist_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("content")).unwrap();
        assert_eq!(super::resolved(&real.join("content/x/y")), real.join("content/x/y"));
        assert_eq!(super::resolved(&real.join("content/x/../../public")), real.join("public"));
        assert_eq!(super::resolved(&real.join("nope/../content/./z")), real.join("content/z"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("content"), real.join("link")).unwrap();
            assert_eq!(super::resolved(&real.join("link/new")), real.join("content/new"));
        }
    }
}
