//! The `smpsite` binary: parse the command line, run, report errors once.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = smpsite::cli::Cli::parse();
    match smpsite::run(cli) {
        Ok(code) => code,
        Err(err) => smpsite::report_error(&err),
    }
}
