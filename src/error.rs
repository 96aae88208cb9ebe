//! One error type for every command: diagnostics that point into the user's files
//! (`path:line:col: message`, the offending line, a hint), and I/O errors that always
//! name their path. Nothing here prints; `main` does, once.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// How serious a finding is: errors fail the build, warnings are listed after it, and
/// notes are findings a page allowed on purpose (shown by `check` with the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A finding a page allowed on purpose.
    Note,
    /// A finding listed after the build, which still succeeds.
    Warning,
    /// A problem that fails the build.
    Error,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A problem found in one of the user's files, with a position they can jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether it fails the build, is a warning or was allowed.
    pub severity: Severity,
    /// Path as the user knows it: relative to the site root (`content/faq.md`).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// How many characters from `col` the problem spans on its line (carets under the
    /// snippet); 0 when it points at a position rather than a span.
    pub len: u32,
    /// What is wrong, in the user's terms.
    pub message: String,
    /// How to fix it.
    pub help: Option<Box<str>>,
    /// The offending source line, shown under the message with a caret. (`Box<str>` and
    /// the boxed `rule` keep diagnostics small: they travel in `Result`s.)
    pub snippet: Option<Box<str>>,
    /// For findings of a content rule: which rule, why, where from.
    pub rule: Option<Box<Rule>>,
    /// Why it was raised, where code needs to know (see [`Cause`]).
    pub cause: Option<Box<Cause>>,
}

/// Why a diagnostic was raised, for the code that merges findings: a finding that only
/// follows from a file left out of the build is dropped by this, never by its wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The site has no home page (`content/_index.md`).
    NoHomePage,
    /// A link leads to `content/KEY` (the key given), which is not one of the pages.
    MissingPage(String),
}

/// The content rule behind a finding (`claims/guarantee`), which `site.yaml` can switch
/// off or make an error and a page can allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule's name: `claims/guarantee`.
    pub id: String,
    /// Why the rule matters.
    pub why: Option<String>,
    /// Where the rule comes from: the regulation or guideline behind it.
    pub source: Option<String>,
    /// The reason a page gave for allowing this finding (`allow:` in its front matter).
    pub allowed: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            len: 0,
            message: message.into(),
            help: None,
            snippet: None,
            rule: None,
            cause: None,
        }
    }

    pub(crate) fn warning(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(path, line, col, message) }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    pub(crate) fn with_cause(mut self, cause: Option<Cause>) -> Self {
        self.cause = cause.map(Box::new);
        self
    }

    /// Attaches the line `self.line` of `source` (the whole file) as the snippet.
    pub fn with_source(mut self, source: &str) -> Self {
        if self.line > 0 {
            self.snippet = source.lines().nth(self.line - 1).map(|l| l.trim_end().into());
        }
        self
    }

    /// Underlines `len` characters from the column (at least one caret is always shown).
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = u32::try_from(len).unwrap_or(u32::MAX);
        self
    }

    /// Marks the diagnostic as a finding of rule `id`, saying why it matters and where
    /// the rule comes from.
    pub fn with_rule(mut self, id: impl Into<String>, why: Option<String>, source: Option<String>) -> Self {
        self.rule = Some(Box::new(Rule { id: id.into(), why, source, allowed: None }));
        self
    }

    /// The id of the rule behind the finding, if one is.
    pub fn rule_id(&self) -> Option<&str> {
        self.rule.as_ref().map(|r| r.id.as_str())
    }

    /// The reason the page gave for allowing the finding, if it did.
    pub fn allowed(&self) -> Option<&str> {
        self.rule.as_ref()?.allowed.as_deref()
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub(crate) fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// `error`, `warning[claims/guarantee]`, `note[claims/permanent]`: the word after the position.
    pub fn label(&self) -> String {
        match self.rule_id() {
            Some(rule) => format!("{}[{rule}]", self.severity.as_str()),
            None => self.severity.as_str().to_string(),
        }
    }

    /// The 1-based column just after the span (the column itself for a point; 0 for the whole file).
    pub fn end_col(&self) -> usize {
        if self.line == 0 { 0 } else { self.col + self.len as usize }
    }

    /// Stable order for reports: by file, then position.
    pub fn sort_key(&self) -> (&Path, usize, usize) {
        (&self.path, self.line, self.col)
    }
}

/// Like a compiler's: the position and message, the offending line with carets under
/// the span, then why it matters, how to fix it and where the rule comes from. An
/// allowed finding (a note) shows only its position, message and the page's reason.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A site path reads as the README and the tests write it, `content/process/first.md`,
        // on Windows too (which accepts `/`); an absolute path stays as the system writes it.
        let path = match cfg!(windows) && self.path.is_relative() {
            true => self.path.to_string_lossy().replace('\\', "/"),
            false => self.path.display().to_string(),
        };
        let label = self.label();
        match self.line {
            0 => write!(f, "{path}: {label}: {}", self.message)?,
            line => write!(f, "{path}:{line}:{}: {label}: {}", self.col, self.message)?,
        }
        if let Some(reason) = self.allowed() {
            return write!(f, "\n  = allowed: {reason}");
        }
        if let Some(snippet) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let (shown, col) = window(snippet, self.col.saturating_sub(1));
            let caret_pad: String = shown.chars().take(col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let room = shown.chars().count().saturating_sub(col);
            let carets = "^".repeat((self.len as usize).min(room).max(1));
            write!(f, "\n {pad} |\n {number} | {shown}\n {pad} | {caret_pad}{carets}")?;
        }
        let rule = self.rule.as_deref();
        let (why, source) = (rule.and_then(|r| r.why.as_deref()), rule.and_then(|r| r.source.as_deref()));
        for (name, text) in [("why", why), ("help", self.help.as_deref()), ("source", source)] {
            if let Some(text) = text {
                write!(f, "\n  = {name}: {text}")?;
            }
        }
        Ok(())
    }
}

/// The longest source line shown whole; longer ones (a paragraph on one line, minified
/// HTML) are cut around the caret so the terminal shows where the problem is.
const SNIPPET_WIDTH: usize = 100;

/// `line` cut to about [`SNIPPET_WIDTH`] characters around the 0-based character
/// column `col`, with `…` where text was left out, and `col` within the cut line.
fn window(line: &str, col: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= SNIPPET_WIDTH {
        return (line.into(), col);
    }
    let start = col.saturating_sub(SNIPPET_WIDTH / 3).min(chars.len().saturating_sub(SNIPPET_WIDTH));
    let end = (start + SNIPPET_WIDTH).min(chars.len());
    let mut shown: String = if start > 0 { "…".into() } else { String::new() };
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown.into(), col - start + usize::from(start > 0))
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// Problems in the user's files; all of one build are reported together.
    Content(Vec<Diagnostic>),
    /// The disk refused something; `action` says what we were doing.
    Io {
        /// What we were doing: `read`, `read the folder`.
        action: &'static str,
        /// The file or folder it was done to.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The system refused something that is not one file: a port, a signal, watching a
    /// folder. `action` names what (and where); `help` what to do.
    System {
        /// What we were doing, and where: `start the server on 127.0.0.1`.
        action: String,
        /// What the system said.
        source: io::Error,
        /// What the user can do about it.
        help: &'static str,
    },
    /// The command line asked for something impossible (exit code 2).
    Usage(String),
}

/// A result whose error is, unless said otherwise, one that stops a command.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    /// Exit code per docs/DESIGN.md: 1 for content and build errors, 2 for usage errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Content(_) | Error::Io { .. } | Error::System { .. } => 1,
        }
    }

    /// The diagnostics carried by a content error (empty for other kinds).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Content(diagnostics) => diagnostics,
            _ => &[],
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Content(vec![diagnostic])
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            Error::Io { action, path, source } => {
                write!(f, "{}: error: could not {action}: {source}", path.display())
            }
            Error::System { action, source, help } => {
                write!(f, "error: could not {action}: {source}\n  = help: {help}")
            }
            Error::Usage(message) => write!(f, "error: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::System { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Thin wrappers over `std::fs` whose errors name the path (a bare `os error 2` is a bug).
/// Reading only: `output` is the one module that writes.
pub(crate) mod fs {
    use super::{Error, Result};
    use std::path::Path;

    pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
        std::fs::read(path).map_err(|e| Error::io("read", path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_position_snippet_caret_and_help() {
        let d = Diagnostic::error("content/a.md", 3, 8, "expected a whole number")
            .with_help("write `stage: 2`")
            .with_source("---\ntitle: A\nstage: two\n---\n");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:8: error: expected a whole number\n   |\n 3 | stage: two\n   |        ^\n  = help: write `stage: 2`"
        );
    }

    #[test]
    fn lint_findings_underline_their_span_and_say_why_and_where_from() {
        let mut d = Diagnostic::warning("content/a.md", 2, 8, "“guaranteed” promises a result")
            .with_len(10)
            .with_help("say what most clients see")
            .with_source("---\nWe are guaranteed to please\n")
            .with_rule("claims/guarantee", Some("results vary".into()), Some("16 CFR 239".into()));
        assert_eq!(
            d.to_string(),
            "content/a.md:2:8: warning[claims/guarantee]: “guaranteed” promises a result\n   |\n 2 | We are guaranteed to please\n   |        ^^^^^^^^^^\n  = why: results vary\n  = help: say what most clients see\n  = source: 16 CFR 239"
        );
        assert_eq!(d.end_col(), 18);
        d.severity = Severity::Note;
        d.rule.as_mut().unwrap().allowed = Some("quoting a client".into());
        assert_eq!(
            d.to_string(),
            "content/a.md:2:8: note[claims/guarantee]: “guaranteed” promises a result\n  = allowed: quoting a client"
        );
    }

    #[test]
    fn carets_stop_at_the_end_of_the_line() {
        let d = Diagnostic::warning("a.md", 1, 4, "x").with_len(50).with_source("no pain\n");
        assert!(d.to_string().ends_with(" 1 | no pain\n   |    ^^^^"), "{d}");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}painless{}", "word ".repeat(60), " more".repeat(60));
        let d = Diagnostic::warning("a.md", 1, 301, "x").with_len(8).with_source(&line);
        let text = d.to_string();
        let shown = text.lines().nth(2).unwrap();
        let carets = text.lines().nth(3).unwrap();
        assert!(shown.starts_with(" 1 | …") && shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() < 110, "{shown}");
        let at = carets.find('^').unwrap();
        assert_eq!(&shown[shown.char_indices().nth(carets[..at].chars().count()).unwrap().0..][..8], "painless");
        let short = Diagnostic::warning("a.md", 1, 4, "x").with_source("no pain\n").to_string();
        assert!(short.contains(" 1 | no pain\n   |    ^"), "{short}");
    }

    #[test]
    fn file_level_diagnostic_has_no_position() {
        let d = Diagnostic::warning("content/a.md", 0, 0, "no description");
        assert_eq!(d.to_string(), "content/a.md: warning: no description");
    }

    #[test]
    fn io_errors_name_their_path_and_usage_exits_2() {
        let err = fs::read(Path::new("/nonexistent/smpsite/x")).unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent/smpsite/x: error: could not read"));
        assert_eq!(err.exit_code(), 1);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
    }
}
