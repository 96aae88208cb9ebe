//! What a changed path means for the site (a pure function, [`classify`]): site.yaml,
//! a file of a source tree, the theme, or nothing a build reads.

use std::path::Path;

use crate::config;
use crate::source::{self, Sources};

/// What a change at one path means for the site (see [`classify`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// `site.yaml`: everything is read again.
    Config,
    /// A file or folder in one of the source trees.
    Tree(Tree),
    /// Something in the theme's folder: the theme is read again.
    Theme,
    /// Not a site source (editor and hidden files, other folders, other themes).
    Ignored,
}

/// A source folder whose files the engine keeps, one [`crate::source::File`] each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    /// `content/`: the pages and the files beside them.
    Content,
    /// `static/`: files published as they are.
    Static,
    /// `templates/`: the site's own templates, over the theme's.
    Templates,
}

impl Tree {
    pub(super) fn dir(self) -> &'static str {
        match self {
            Tree::Content => "content",
            Tree::Static => "static",
            Tree::Templates => "templates",
        }
    }

    pub(super) fn files(self, sources: &mut Sources) -> &mut Vec<source::File> {
        match self {
            Tree::Content => &mut sources.content,
            Tree::Static => &mut sources.statics,
            Tree::Templates => &mut sources.templates,
        }
    }
}

/// What a change at `rel` (a path below the site root) means. `theme` is the theme's
/// name, None while site.yaml has not been read (then all of `themes/` counts).
pub fn classify(rel: &Path, theme: Option<&str>) -> Change {
    if rel == Path::new(config::FILE_NAME) {
        return Change::Config;
    }
    if rel.components().any(|c| source::is_ignored(Path::new(c.as_os_str()))) {
        return Change::Ignored;
    }
    let mut parts = rel.components().map(|c| c.as_os_str());
    match (parts.next().and_then(|top| top.to_str()), parts.next()) {
        (Some("content"), _) => Change::Tree(Tree::Content),
        (Some("static"), _) => Change::Tree(Tree::Static),
        (Some("templates"), _) => Change::Tree(Tree::Templates),
        (Some("themes"), None) => Change::Theme,
        (Some("themes"), Some(name)) if theme.is_none_or(|theme| name == theme) => Change::Theme,
        _ => Change::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(rel: &str) -> Change {
        classify(Path::new(rel), Some("clinic"))
    }

    #[test]
    fn site_yaml_reads_everything_again() {
        assert_eq!(class("site.yaml"), Change::Config);
        assert_eq!(class("site.yaml~"), Change::Ignored, "an editor's backup of it");
    }

    #[test]
    fn each_source_tree_is_its_own_change() {
        assert_eq!(class("content/process/first.md"), Change::Tree(Tree::Content));
        assert_eq!(class("content"), Change::Tree(Tree::Content), "the folder itself, created or removed");
        assert_eq!(class("static/images/logo.svg"), Change::Tree(Tree::Static));
        assert_eq!(class("templates/page.html"), Change::Tree(Tree::Templates));
    }

    #[test]
    fn only_the_sites_theme_counts() {
        assert_eq!(class("themes/clinic/templates/page.html"), Change::Theme);
        assert_eq!(class("themes"), Change::Theme);
        assert_eq!(class("themes/other/templates/page.html"), Change::Ignored);
        // Before site.yaml is read the theme is unknown, so any theme may be it.
        assert_eq!(classify(Path::new("themes/other/static/x.css"), None), Change::Theme);
    }

    #[test]
    fn editor_files_dotfiles_and_other_folders_change_nothing() {
        for rel in [
            "content/process/.first.md.swp",
            "content/process/first.md~",
            "content/process/4913",
            "content/.git/index",
            "static/.DS_Store",
            ".git/HEAD",
            "public/index.html",
            "notes.txt",
            "",
        ] {
            assert_eq!(class(rel), Change::Ignored, "{rel}");
        }
    }
}
