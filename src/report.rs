//! What the commands print: summaries on stdout, diagnostics on stderr. Colour only on
//! a terminal and never with `NO_COLOR` (anstream strips the styles otherwise).

use std::path::Path;

use anstyle::{AnsiColor, Style};
use serde_json::json;

use crate::build::Summary;
use crate::error::{Diagnostic, Error, Result, Severity};

const RED: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const YELLOW: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const GREEN: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const BOLD: Style = Style::new().bold();

fn diagnostic(d: &Diagnostic) {
    let text = d.to_string();
    let (label, style) = match d.severity {
        Severity::Error => (": error: ", RED),
        Severity::Warning => (": warning: ", YELLOW),
    };
    let word = label.trim_matches([':', ' ']);
    let styled = text.replacen(label, &format!(": {style}{word}{style:#}: "), 1);
    let (first, rest) = styled.split_once('\n').map_or((styled.as_str(), ""), |(a, b)| (a, b));
    anstream::eprintln!("{BOLD}{first}{BOLD:#}");
    if !rest.is_empty() {
        anstream::eprintln!("{rest}");
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

pub fn error(err: &Error) {
    match err {
        Error::Content(diagnostics) => {
            for d in diagnostics {
                diagnostic(d);
                anstream::eprintln!();
            }
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

pub fn build_done(summary: &Summary, quiet: bool) {
    for w in &summary.warnings {
        diagnostic(w);
    }
    if quiet {
        return;
    }
    let ms = summary.elapsed.as_millis();
    let warnings = match summary.warnings.len() {
        0 => String::new(),
        n => format!(" ({})", plural(n, "warning")),
    };
    anstream::println!(
        "{GREEN}Built{GREEN:#} {} in {ms} ms -> {}{warnings}",
        plural(summary.pages, "page"),
        shown(&summary.output)
    );
}

/// The output path as the user would type it: relative to the current folder when inside it.
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let path = relative.as_deref().unwrap_or(path);
    let text = path.display().to_string();
    if text.ends_with('/') { text } else { format!("{text}/") }
}

pub fn init_done(dir: &Path, files: usize) {
    anstream::println!("{GREEN}Created{GREEN:#} a clinic site in {} ({files} files).", shown(dir));
    anstream::println!("Next: edit site.yaml (clinic name, phones, address), then run `smpsite build` in that folder.");
}

pub fn new_done(path: &Path) {
    anstream::println!(
        "{GREEN}Created{GREEN:#} {} (marked `draft: true`: it is left out of builds until you remove that line; preview drafts with `--drafts`).",
        path.display()
    );
}

pub fn check_text(result: &Result<Vec<Diagnostic>>) {
    match result {
        Ok(warnings) => {
            for w in warnings {
                diagnostic(w);
            }
            anstream::println!("{GREEN}Checked{GREEN:#}: no errors, {}.", plural(warnings.len(), "warning"));
        }
        Err(err) => error(err),
    }
}

/// The `check --format json` document (documented in the README; version 1).
pub fn check_json(result: &Result<Vec<Diagnostic>>) {
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
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "path": d.path.to_string_lossy().replace('\\', "/"),
                "line": d.line, "column": d.col, "message": d.message, "help": d.help,
            })
        })
        .collect();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let doc = json!({"version": 1, "ok": result.is_ok(), "errors": errors, "warnings": diagnostics.len() - errors, "diagnostics": items});
    println!("{}", serde_json::to_string_pretty(&doc).expect("JSON serializes"));
}

/// After a `serve` rebuild: warnings, then one line.
pub fn rebuilt(rebuilt: &crate::serve::live::Rebuilt, first: bool) {
    for w in &rebuilt.warnings {
        diagnostic(w);
    }
    let ms = rebuilt.elapsed.as_millis();
    if first {
        anstream::println!("{GREEN}Built{GREEN:#} {} in {ms} ms", plural(rebuilt.pages, "page"));
    } else {
        anstream::println!("{GREEN}Rebuilt{GREEN:#} in {ms} ms: {} changed", plural(rebuilt.changed.len(), "file"));
    }
}

pub fn serving(url: &str, bind: std::net::IpAddr, port: u16, lan: Option<&std::net::IpAddr>, out: &Path) {
    anstream::println!("{GREEN}Serving{GREEN:#} the preview at {BOLD}{url}{BOLD:#}");
    if let Some(ip) = lan {
        anstream::println!("On a phone on the same network: http://{ip}:{port}/");
    } else if bind.is_unspecified() {
        anstream::println!("Other devices on your network can reach it at this computer's address, port {port}.");
    }
    anstream::println!("Output: {}", out.display());
    anstream::println!("Watching for changes; edits show in the browser as you save. Press Ctrl-C to stop.");
}

pub fn stopped() {
    anstream::println!("Stopped; the preview's temporary files are removed.");
}
