//! What the commands print: summaries on stdout, diagnostics on stderr. Colour only on
//! a terminal and never with `NO_COLOR` (anstream strips the styles otherwise).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anstyle::{AnsiColor, Style};
use serde_json::json;

use crate::build::Summary;
use crate::error::{Diagnostic, Error, Result, Severity};

const RED: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const YELLOW: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const CYAN: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
const GREEN: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const BOLD: Style = Style::new().bold();

fn diagnostic(d: &Diagnostic) {
    anstream::eprint!("{}", diagnostic_text(d));
}

/// `d` as [`diagnostic`] prints it: the first line bold, the severity in its colour.
fn diagnostic_text(d: &Diagnostic) -> String {
    let text = d.to_string();
    let style = match d.severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Note => CYAN,
    };
    let label = d.label();
    let styled = text.replacen(&format!(": {label}: "), &format!(": {style}{label}{style:#}: "), 1);
    let (first, rest) = styled.split_once('\n').map_or((styled.as_str(), ""), |(a, b)| (a, b));
    let mut out = format!("{BOLD}{first}{BOLD:#}\n");
    if !rest.is_empty() {
        out.push_str(rest);
        out.push('\n');
    }
    out
}

/// Prints `diagnostics` each followed by a blank line. A help shared by several is
/// printed once, at the first, with how many more it applies to: on a migrated tree
/// with hundreds of unknown keys, the list stays a list of positions.
fn diagnostics(diagnostics: &[Diagnostic]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in diagnostics {
        if let Some(help) = &d.help {
            *counts.entry(help.as_str()).or_default() += 1;
        }
    }
    let mut printed: HashSet<&str> = HashSet::new();
    for d in diagnostics {
        match d.help.as_deref() {
            Some(help) if counts[help] > 1 => {
                let mut shown = d.clone();
                shown.help = if printed.insert(help) {
                    Some(format!("{help} (this also applies to {} below)", plural(counts[help] - 1, "more finding")))
                } else {
                    None
                };
                diagnostic(&shown);
            }
            _ => diagnostic(d),
        }
        anstream::eprintln!();
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

pub(crate) fn error(err: &Error) {
    match err {
        Error::Content(found) => {
            diagnostics(found);
            let diagnostics = found;
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            anstream::eprintln!(
                "{RED}{} found{RED:#}; nothing was written (any previous output is unchanged).",
                plural(errors, "error")
            );
        }
        other => {
            let text = other.to_string();
            let styled = text.replacen("error:", &format!("{RED}error{RED:#}:"), 1);
            anstream::eprintln!("{styled}");
        }
    }
}

/// Prints the warnings among `findings` (allowed findings are for `check` to show) and
/// returns how many there were.
fn warnings(findings: &[Diagnostic]) -> usize {
    let warnings: Vec<&Diagnostic> = findings.iter().filter(|d| d.is_warning()).collect();
    // Buffered, not two writes per warning to an unbuffered stderr: a big site prints
    // thousands (10,000 pages: ~100 ms on the main thread before). In pieces, not one
    // string: 50,000 pages' warnings are tens of megabytes.
    let mut err = std::io::BufWriter::with_capacity(1 << 16, anstream::stderr().lock());
    for w in &warnings {
        let _ = err.write_all(diagnostic_text(w).as_bytes());
    }
    let _ = err.flush();
    warnings.len()
}

pub(crate) fn build_done(summary: &Summary, quiet: bool) {
    let count = warnings(&summary.warnings);
    if quiet {
        return;
    }
    let ms = summary.elapsed.as_millis();
    let warnings = match count {
        0 => String::new(),
        n => format!(" ({})", plural(n, "warning")),
    };
    let folder = shown(&summary.output);
    anstream::println!("{GREEN}Built{GREEN:#} {} in {ms} ms -> {folder}{warnings}", plural(summary.pages, "page"));
    // The pages link to `/style.css`: from a double-clicked file that is the disk's root.
    anstream::println!(
        "Open it with `smpsite serve`, or upload {folder} to your web host \
         ({folder}index.html opened by double-click shows the pages without their styles)."
    );
}

/// The output path as the user would type it: relative to the current folder when inside it.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let path = relative.as_deref().unwrap_or(path);
    let text = path.display().to_string();
    if text.ends_with('/') { text } else { format!("{text}/") }
}

pub(crate) fn init_done(dir: &Path, files: usize) {
    anstream::println!("{GREEN}Created{GREEN:#} a clinic site in {} ({files} files).", shown(dir));
    anstream::println!("Next: edit site.yaml (clinic name, phones, address), then run `smpsite build` in that folder.");
}

pub(crate) fn new_done(path: &Path) {
    anstream::println!(
        "{GREEN}Created{GREEN:#} {} (marked `draft: true`: it is left out of builds until you remove that line; preview drafts with `--drafts`).",
        path.display()
    );
}

/// `check`'s text report: every finding, allowed ones included, then one line.
/// `deny_warnings` only changes the wording; the caller sets the exit code.
pub(crate) fn check_text(result: &Result<Vec<Diagnostic>>, deny_warnings: bool) {
    let findings = match result {
        Ok(findings) => findings,
        Err(err) => return error(err),
    };
    diagnostics(findings);
    let count = |s: Severity| findings.iter().filter(|d| d.severity == s).count();
    let (warnings, allowed) = (count(Severity::Warning), count(Severity::Note));
    if let Some(rule) = findings.iter().filter(|d| d.is_warning()).find_map(Diagnostic::rule_id) {
        anstream::println!(
            "To keep a finding on purpose (a page quoting a client's question, say), allow its rule in that page's \
             front matter with the reason: `allow: [{{ rule: {rule}, reason: \"...\" }}]`."
        );
    }
    let allowed = if allowed > 0 { format!(" ({allowed} allowed by their pages)") } else { String::new() };
    if deny_warnings && warnings > 0 {
        anstream::println!(
            "{RED}Check failed{RED:#}: no errors, but {}{allowed}; --deny-warnings treats warnings as errors.",
            plural(warnings, "warning")
        );
    } else {
        anstream::println!("{GREEN}Checked{GREEN:#}: no errors, {}{allowed}.", plural(warnings, "warning"));
    }
}

/// The `check --format json` document (documented in the README; version 1). `ok` is
/// false when the check fails: on errors, or on warnings with `deny_warnings`.
pub(crate) fn check_json(result: &Result<Vec<Diagnostic>>, deny_warnings: bool) {
    let diagnostics: Vec<Diagnostic> = match result {
        Ok(warnings) => warnings.clone(),
        Err(Error::Content(diagnostics)) => diagnostics.clone(),
        Err(Error::Io { path, .. }) => {
            vec![Diagnostic::error(path.clone(), 0, 0, result.as_ref().unwrap_err().to_string())]
        }
        Err(Error::Usage(message)) => vec![Diagnostic::error("", 0, 0, message.clone())],
    };
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "severity": d.severity.as_str(),
                "path": d.path.to_string_lossy().replace('\\', "/"),
                "line": d.line, "column": d.col, "end_column": d.end_col(),
                "message": d.message, "help": d.help,
                "rule": d.rule_id(), "why": d.rule.as_ref().and_then(|r| r.why.as_deref()),
                "source": d.rule.as_ref().and_then(|r| r.source.as_deref()), "allowed_reason": d.allowed(),
            })
        })
        .collect();
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let ok = result.is_ok() && !(deny_warnings && warnings > 0);
    let doc = json!({
        "version": 1, "ok": ok, "errors": errors, "warnings": warnings, "allowed": count(Severity::Note),
        "diagnostics": items,
    });
    println!("{}", serde_json::to_string_pretty(&doc).expect("JSON serializes"));
}

/// The warnings a `serve` session has printed: their texts, and the list they came in
/// (a rebuild that changed no finding hands back the same list, which is not looked
/// at again: formatting thousands of warnings on every save would cost more than the
/// save).
#[derive(Default)]
pub(crate) struct Shown {
    texts: HashSet<String>,
    last: Option<Arc<Vec<Diagnostic>>>,
}

impl Shown {
    /// Prints the warnings of `warnings` not printed before; how many it printed.
    fn update(&mut self, warnings: &Arc<Vec<Diagnostic>>) -> usize {
        if self.last.as_ref().is_some_and(|last| Arc::ptr_eq(last, warnings)) {
            return 0;
        }
        let current: Vec<(&Diagnostic, String)> =
            warnings.iter().filter(|d| d.is_warning()).map(|d| (d, d.to_string())).collect();
        let mut new = 0;
        for (d, text) in &current {
            if !self.texts.contains(text) {
                diagnostic(d);
                new += 1;
            }
        }
        self.texts = current.into_iter().map(|(_, text)| text).collect();
        self.last = Some(warnings.clone());
        new
    }
}

/// After a `serve` build: the warnings not printed after the previous one (all of
/// them the first time; on a big site reprinting hundreds on every save would hide the
/// one just made), then one line with the count. `shown` holds what was printed and is
/// updated.
pub(crate) fn rebuilt(rebuilt: &crate::build::Rebuilt, first: bool, shown: &mut Shown) {
    let new = shown.update(&rebuilt.warnings);
    let shown = &shown.texts;
    let ms = rebuilt.elapsed.as_millis();
    let count = match (shown.len(), new) {
        (0, _) => String::new(),
        (n, new) if first || new == n => format!(" ({})", plural(n, "warning")),
        (n, new) => format!(" ({}, {new} new)", plural(n, "warning")),
    };
    if first {
        anstream::println!("{GREEN}Built{GREEN:#} {} in {ms} ms{count}", plural(rebuilt.pages, "page"));
    } else {
        anstream::println!(
            "{GREEN}Rebuilt{GREEN:#} in {ms} ms: {} changed{count}",
            plural(rebuilt.changed.len(), "file")
        );
    }
}

/// After a failed rebuild, the one that succeeds: the error overlay is gone too.
pub(crate) fn fixed() {
    anstream::println!("{GREEN}Fixed{GREEN:#}: the site builds again, and the preview shows the latest save");
}

pub(crate) fn serving(url: &str, bind: std::net::IpAddr, port: u16, lan: Option<&std::net::IpAddr>, out: &Path) {
    anstream::println!("{GREEN}Serving{GREEN:#} the preview at {BOLD}{url}{BOLD:#}");
    if let Some(ip) = lan {
        anstream::println!("On a phone on the same network: http://{ip}:{port}/");
    } else if bind.is_unspecified() {
        anstream::println!("Other devices on your network can reach it at this computer's address, port {port}.");
    }
    anstream::println!("Output: {}", out.display());
    anstream::println!("Watching for changes; edits show in the browser as you save. Press Ctrl-C to stop.");
}

pub(crate) fn stopped() {
    anstream::println!("Stopped; the preview's temporary files are removed.");
}
