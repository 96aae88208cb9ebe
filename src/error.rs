//! One error type for every command: diagnostics that point into the user's files
//! (`path:line:col: message`, the offending line, a hint), and I/O errors that always
//! name their path. Nothing here prints; `main` does, once.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// How serious a finding is: errors fail the build, warnings are listed after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found in one of the user's files, with a position they can jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it: relative to the site root (`content/faq.md`).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong, in the user's terms.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The offending source line, shown under the message with a caret.
    pub snippet: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(path, line, col, message) }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the line `self.line` of `source` (the whole file) as the snippet.
    pub fn with_source(mut self, source: &str) -> Self {
        if self.line > 0 {
            self.snippet = source.lines().nth(self.line - 1).map(|l| l.trim_end().to_string());
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Stable order for reports: by file, then position.
    pub fn sort_key(&self) -> (&Path, usize, usize) {
        (&self.path, self.line, self.col)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = self.path.display();
        match self.line {
            0 => write!(f, "{path}: {label}: {}", self.message)?,
            line => write!(f, "{path}:{line}:{}: {label}: {}", self.col, self.message)?,
        }
        if let Some(snippet) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_pad: String =
                snippet.chars().take(self.col.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n {pad} |\n {number} | {snippet}\n {pad} | {caret_pad}^")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// Problems in the user's files; all of one build are reported together.
    Content(Vec<Diagnostic>),
    /// The disk refused something; `action` says what we were doing.
    Io { action: &'static str, path: PathBuf, source: io::Error },
    /// The command line asked for something impossible (exit code 2).
    Usage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    /// Exit code per DESIGN.md: 1 for content and build errors, 2 for usage errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Content(_) | Error::Io { .. } => 1,
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
            Error::Usage(message) => write!(f, "error: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Thin wrappers over `std::fs` whose errors name the path (a bare `os error 2` is a bug).
pub mod fs {
    use super::{Error, Result};
    use std::path::Path;

    pub fn read(path: &Path) -> Result<Vec<u8>> {
        std::fs::read(path).map_err(|e| Error::io("read", path, e))
    }

    pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
        std::fs::write(path, bytes).map_err(|e| Error::io("write", path, e))
    }

    pub fn create_dir_all(path: &Path) -> Result<()> {
        std::fs::create_dir_all(path).map_err(|e| Error::io("create the folder", path, e))
    }

    pub fn create_dir(path: &Path) -> Result<()> {
        std::fs::create_dir(path).map_err(|e| Error::io("create the folder", path, e))
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
