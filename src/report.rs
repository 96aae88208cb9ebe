//! What the commands print: summaries on stdout, diagnostics on stderr. Colour only on
//! a terminal and never with `NO_COLOR` (anstream strips the styles otherwise).

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// How many findings of one rule print in full; the rest of that rule are only counted,
/// unless `--verbose`. A 10,000-page site printed 72,000 lines of warnings: a screen
/// with each rule's first few and a count says the same, and fits.
const IN_FULL: usize = 3;

/// Which of `findings` print in full (errors and findings of no rule always do), and how
/// many findings of each rule were left out.
fn shortened<'a>(
    findings: impl IntoIterator<Item = &'a Diagnostic>,
    verbose: bool,
) -> (Vec<&'a Diagnostic>, BTreeMap<&'a str, usize>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut left_out: BTreeMap<&str, usize> = BTreeMap::new();
    let mut shown = Vec::new();
    for d in findings {
        match d.rule_id().filter(|_| !verbose && !d.is_error()) {
            Some(rule) => {
                let n = seen.entry(rule).or_default();
                *n += 1;
                if *n <= IN_FULL {
                    shown.push(d);
                } else {
                    *left_out.entry(rule).or_default() += 1;
                }
            }
            None => shown.push(d),
        }
    }
    (shown, left_out)
}

/// The count of what [`shortened`] left out, per rule, and how to see it; empty when
/// nothing was.
fn left_out_text(left_out: &BTreeMap<&str, usize>) -> String {
    if left_out.is_empty() {
        return String::new();
    }
    let width = left_out.keys().map(|rule| rule.len()).max().unwrap_or(0);
    let mut text = format!("Only the first {IN_FULL} findings of each rule are shown; not shown:\n");
    for (rule, n) in left_out {
        text.push_str(&format!("  {rule:<width$}  {n} more\n"));
    }
    text.push_str("Run with --verbose to see every finding (or `check --format json`).\n");
    text
}

/// Prints `diagnostics` each followed by a blank line, the first few of each rule in
/// full unless `verbose` ([`shortened`]). A help shared by several is printed once, at
/// the first, with how many more it applies to: on a migrated tree with hundreds of
/// unknown keys, the list stays a list of positions.
fn diagnostics(all: &[Diagnostic], verbose: bool) {
    let (diagnostics, left_out) = shortened(all, verbose);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in &diagnostics {
        if let Some(help) = d.help.as_deref() {
            *counts.entry(help).or_default() += 1;
        }
    }
    let mut printed: HashSet<&str> = HashSet::new();
    for d in diagnostics {
        match d.help.as_deref() {
            Some(help) if counts[help] > 1 => {
                let mut shown = d.clone();
                shown.help = if printed.insert(help) {
                    Some(
                        format!("{help} (this also applies to {} below)", plural(counts[help] - 1, "more finding"))
                            .into(),
                    )
                } else {
                    None
                };
                diagnostic(&shown);
            }
            _ => diagnostic(d),
        }
        anstream::eprintln!();
    }
    anstream::eprint!("{}", left_out_text(&left_out));
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

pub(crate) fn error(err: &Error) {
    match err {
        Error::Content(found) => {
            // Every error prints; warnings found alongside them are shortened.
            diagnostics(found, false);
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

/// Prints the warnings among `findings` (allowed findings are for `check` to show), the
/// first few of each rule in full unless `verbose`, and returns how many there were.
fn warnings(findings: &[Diagnostic], verbose: bool) -> usize {
    let count = findings.iter().filter(|d| d.is_warning()).count();
    let (warnings, left_out) = shortened(findings.iter().filter(|d| d.is_warning()), verbose);
    // Buffered, not two writes per warning to an unbuffered stderr: a big site prints
    // thousands (10,000 pages: ~100 ms on the main thread before). In pieces, not one
    // string: 50,000 pages' warnings are tens of megabytes.
    let mut err = std::io::BufWriter::with_capacity(1 << 16, anstream::stderr().lock());
    for w in &warnings {
        let _ = err.write_all(diagnostic_text(w).as_bytes());
    }
    let _ = err.write_all(left_out_text(&left_out).as_bytes());
    let _ = err.flush();
    count
}

pub(crate) fn build_done(summary: &Summary, quiet: bool, verbose: bool) {
    let count = warnings(&summary.warnings, verbose);
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

pub(crate) fn init_done(dir: &Path, files: usize, profile: &str, gallery: &str) {
    anstream::println!("{GREEN}Created{GREEN:#} a clinic site in {} ({files} files).", shown(dir));
    anstream::println!("Change these three first:");
    anstream::println!(
        "  1. site.yaml: the clinic's name, phones, address, hours, email and web address (`base_url`): every page takes them from there."
    );
    anstream::println!("  2. {profile}: who will treat clients (name, training, years, licence, photo).");
    anstream::println!("  3. {gallery}: generated illustrations; put your clients' photos there, or delete it.");
    anstream::println!(
        "Then `smpsite check --verbose` lists every placeholder left (`content/placeholder`), and `smpsite serve --open` shows the site."
    );
}

pub(crate) fn new_done(path: &Path) {
    anstream::println!(
        "{GREEN}Created{GREEN:#} {} (marked `draft: true`: it is left out of builds until you remove that line; preview drafts with `--drafts`).",
        path.display()
    );
}

/// `new faq`: where the question went, to open the file there.
pub(crate) fn question_added(path: &Path, line: usize) {
    anstream::println!(
        "{GREEN}Added{GREEN:#} the question at {}:{line}. Write its answer under it, in place of the placeholder; until then the home page leaves it out.",
        path.display()
    );
}

/// `check`'s text report: every finding, allowed ones included, then one line.
/// `deny_warnings` only changes the wording; the caller sets the exit code.
pub(crate) fn check_text(result: &Result<Vec<Diagnostic>>, deny_warnings: bool, verbose: bool) {
    let findings = match result {
        Ok(findings) => findings,
        Err(err) => return error(err),
    };
    diagnostics(findings, verbose);
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
        Err(error @ Error::System { .. }) => vec![Diagnostic::error("", 0, 0, error.to_string())],
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
    /// Print every new warning, not the first few of each rule.
    verbose: bool,
}

impl Shown {
    pub(crate) fn new(verbose: bool) -> Shown {
        Shown { verbose, ..Shown::default() }
    }

    /// Prints the warnings of `warnings` not printed before; how many it printed.
    fn update(&mut self, warnings: &Arc<Vec<Diagnostic>>) -> usize {
        if self.last.as_ref().is_some_and(|last| Arc::ptr_eq(last, warnings)) {
            return 0;
        }
        let current: Vec<(&Diagnostic, String)> =
            warnings.iter().filter(|d| d.is_warning()).map(|d| (d, d.to_string())).collect();
        let fresh = current.iter().filter(|(_, text)| !self.texts.contains(text)).map(|(d, _)| *d);
        let (printed, left_out) = shortened(fresh, self.verbose);
        for d in &printed {
            diagnostic(d);
        }
        anstream::eprint!("{}", left_out_text(&left_out));
        let new = printed.len() + left_out.values().sum::<usize>();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_keeps_errors_and_findings_of_no_rule_and_the_first_few_of_each_rule() {
        let finding = |line: usize, rule: Option<&str>| {
            let d = Diagnostic::warning("content/a.md", line, 1, "m");
            match rule {
                Some(rule) => d.with_rule(rule, None, None),
                None => d,
            }
        };
        let mut all: Vec<Diagnostic> = (1..=5).map(|l| finding(l, Some("claims/painless"))).collect();
        all.extend((6..=7).map(|l| finding(l, None)));
        all.push(finding(8, Some("content/alt-text")));
        let mut error = finding(9, Some("claims/painless"));
        error.severity = Severity::Error;
        all.push(error);
        let (shown, left_out) = shortened(&all, false);
        let lines: Vec<usize> = shown.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1, 2, 3, 6, 7, 8, 9]);
        assert_eq!(left_out.into_iter().collect::<Vec<_>>(), [("claims/painless", 2)]);
        let (shown, left_out) = shortened(&all, true);
        assert_eq!(shown.len(), all.len());
        assert!(left_out.is_empty() && left_out_text(&left_out).is_empty());
    }
}
