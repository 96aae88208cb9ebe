//! The one way every command turns a site folder into what the stages read: site.yaml
//! parsed, the content rules compiled, and every source file read (content, static
//! files, the theme). Nothing after this reads the disk, and nothing before it parses.

use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::lint;
use crate::source::{self, Sources};

/// A site as read from its folder.
pub struct Loaded {
    /// site.yaml, parsed and checked.
    pub config: Config,
    /// The content rules in effect: the built-in ones with site.yaml's `lint:` applied.
    pub rules: Arc<lint::Rules>,
    /// The site's files as read from its folder: content, static files, templates, theme.
    pub sources: Sources,
}

/// Reads the site in `root`; `base_url` replaces site.yaml's (`--base-url`). Every
/// problem of site.yaml, its `lint:` included, comes out together.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Loaded> {
    let config = Config::parse(&source::read_config(root)?, base_url).map_err(Error::Content)?;
    let credentials = !config.clinic.credentials.is_empty();
    let rules = lint::Rules::new(&config.lint, credentials, config.text()).map_err(Error::Content)?;
    let sources = source::load(root, &config.theme)?;
    Ok(Loaded { config, rules: Arc::new(rules), sources })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_lint_rule_in_site_yaml_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "title: T\nbase_url: https://example.com\nclinic:\n  name: C\nlint:\n  levels:\n    claims/gaurantee: error\n";
        std::fs::write(dir.path().join("site.yaml"), yaml).unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let Err(Error::Content(errs)) = load(dir.path(), None) else { panic!("site.yaml's lint: was not checked") };
        assert_eq!((errs[0].line, errs[0].col), (7, 5));
        assert!(errs[0].help.as_deref().unwrap().starts_with("did you mean `claims/guarantee`?"), "{:?}", errs[0]);
    }
}
