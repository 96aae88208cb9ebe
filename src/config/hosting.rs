//! `hosting:` in site.yaml: which hosts' own rule files a build writes beside the site
//! (`_redirects` and `_headers` for Netlify and Cloudflare Pages, `.htaccess` for
//! Apache). Left out, all of them; `none` for none; one name or a list of names.
//!
//! ```yaml
//! hosting: [netlify, apache]
//! ```

use std::path::Path;

use super::FILE_NAME;
use crate::error::Diagnostic;
use crate::yaml;

/// The hosts whose rule files the build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hosting {
    /// Netlify: `_redirects` and `_headers`.
    pub netlify: bool,
    /// Cloudflare Pages: `_redirects` and `_headers`.
    pub cloudflare: bool,
    /// Apache: `.htaccess`.
    pub apache: bool,
}

impl Hosting {
    pub(crate) const ALL: Hosting = Hosting { netlify: true, cloudflare: true, apache: true };
    pub(crate) const NONE: Hosting = Hosting { netlify: false, cloudflare: false, apache: false };

    /// Whether `_redirects` and `_headers` are written (Netlify and Cloudflare read them).
    pub fn underscore_files(self) -> bool {
        self.netlify || self.cloudflare
    }
}

impl Default for Hosting {
    fn default() -> Self {
        Hosting::ALL
    }
}

const NAMES: [&str; 3] = ["netlify", "cloudflare", "apache"];

/// `hosting:` as written (`value`, in the file `text`); every name it does not know is
/// a problem at its line and column.
pub(super) fn parse(value: &crate::yaml::Value, text: &str, problems: &mut Vec<Diagnostic>) -> Hosting {
    use crate::yaml::Value;
    let names: Vec<Option<String>> = match value {
        Value::Null => return Hosting::ALL,
        Value::Sequence(items) if items.is_empty() => return Hosting::NONE,
        Value::Sequence(items) => items.iter().map(scalar).collect(),
        other => match scalar(other).as_deref() {
            Some("all") => return Hosting::ALL,
            Some("none") => return Hosting::NONE,
            _ => vec![scalar(other)],
        },
    };
    let mut hosting = Hosting::NONE;
    for name in names {
        match name.as_deref() {
            Some("netlify") => hosting.netlify = true,
            Some("cloudflare") => hosting.cloudflare = true,
            Some("apache") => hosting.apache = true,
            written => problems.push(unknown(written, text)),
        }
    }
    hosting
}

/// A name as text (a number or `true` too, to be reported as written).
fn scalar(value: &crate::yaml::Value) -> Option<String> {
    match value {
        crate::yaml::Value::String(s) => Some(s.clone()),
        crate::yaml::Value::Bool(b) => Some(b.to_string()),
        crate::yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn unknown(written: Option<&str>, text: &str) -> Diagnostic {
    let (line, col) = locate(text, written).unwrap_or((1, 1));
    let (message, hint) = match written {
        Some(name) => (
            format!("`{name}` in `hosting:` is not a host smpsite writes rules for"),
            yaml::closest(name, &NAMES).map(|n| format!("did you mean `{n}`? ")).unwrap_or_default(),
        ),
        None => ("`hosting:` should list host names, one word each".to_string(), String::new()),
    };
    let help = format!(
        "{hint}write `hosting: none`, one of `netlify`, `cloudflare`, `apache`, or a list of them \
         (`hosting: [netlify, apache]`); leave `hosting:` out to write the rules for all three"
    );
    Diagnostic::error(Path::new(FILE_NAME), line, col, message).with_help(help).with_source(text)
}

/// Where `name` is written at or after the `hosting:` line (the key itself when it
/// cannot be found).
fn locate(text: &str, name: Option<&str>) -> Option<(usize, usize)> {
    let (key_line, key_col) = yaml::locate_key(text, "hosting")?;
    let Some(name) = name.filter(|n| !n.is_empty()) else { return Some((key_line, key_col)) };
    let found = text.lines().enumerate().skip(key_line - 1).find_map(|(i, line)| {
        let start = if i + 1 == key_line { key_col - 1 + "hosting:".len() } else { 0 };
        let at = line.get(start..)?.find(name)? + start;
        Some((i + 1, line[..at].chars().count() + 1))
    });
    found.or(Some((key_line, key_col)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(yaml_value: &str) -> (Hosting, Vec<Diagnostic>) {
        let text = format!("title: T\nhosting: {yaml_value}\n");
        let value: crate::yaml::Value = crate::yaml::from_str(yaml_value).unwrap();
        let mut problems = Vec::new();
        (parse(&value, &text, &mut problems), problems)
    }

    #[test]
    fn hosting_switches_hosts_on_and_off() {
        assert_eq!(parse(&crate::yaml::Value::Null, "", &mut Vec::new()), Hosting::ALL, "left out: all");
        assert_eq!(parsed("all").0, Hosting::ALL);
        assert_eq!(parsed("none").0, Hosting::NONE);
        assert_eq!(parsed("[]").0, Hosting::NONE);
        assert_eq!(parsed("apache").0, Hosting { apache: true, ..Hosting::NONE });
        assert_eq!(parsed("[netlify, apache]").0, Hosting { netlify: true, apache: true, cloudflare: false });
        assert!(parsed("[cloudflare]").0.underscore_files());
        assert!(!parsed("apache").0.underscore_files());
    }

    #[test]
    fn an_unknown_host_is_an_error_at_its_line_and_column() {
        let (_, problems) = parsed("[netlify, netlfy]");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].col), (2, 20), "{problems:?}");
        assert!(problems[0].message.contains("`netlfy` in `hosting:`"), "{}", problems[0].message);
        assert!(problems[0].help.as_deref().unwrap().starts_with("did you mean `netlify`?"), "{problems:?}");
        let text = "title: T\nhosting:\n  - apache\n  - github\n";
        let mut problems = Vec::new();
        parse(&crate::yaml::from_str("[apache, github]").unwrap(), text, &mut problems);
        assert_eq!((problems[0].line, problems[0].col), (4, 5), "{problems:?}");
        let (_, problems) = parsed("{netlify: true}");
        assert!(problems[0].message.contains("host names"), "{problems:?}");
    }
}
