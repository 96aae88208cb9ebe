//! smpsite: a static site generator for scalp micropigmentation clinics.
//!
//! The pipeline (see `build`): `source` reads the disk, `front_matter` and `config`
//! parse, `site` builds the graph, `markdown` renders bodies, `lint` checks the content,
//! `render` applies the theme's templates into an output plan, and `output` writes it
//! atomically.

#![warn(unreachable_pub)]
#![warn(missing_docs)]

pub mod admin;
pub mod build;
pub mod cli;
mod color;
pub mod config;
pub mod doc;
pub mod error;
mod fingerprint;
pub mod front_matter;
mod i18n;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod output;
pub mod photo;
pub mod render;
mod report;
mod scaffold;
pub mod serve;
mod showcase;
mod site;
mod source;
mod theme;
mod yaml;

use std::path::PathBuf;
use std::process::ExitCode;

use cli::{Cli, Command, Format};
use error::{Error, Result};

/// Runs one command. Errors are returned, never printed here: `main` reports them once.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init(args) => {
            let dir = args.dir.or(cli.root).unwrap_or_else(|| PathBuf::from("."));
            let created = scaffold::init(&dir, args.language.as_deref())?;
            report::init_done(&dir, created.files, created.profile, created.gallery);
        }
        Command::Build(args) => {
            let options = build::BuildOptions {
                root: source::find_root(cli.root.as_deref())?,
                output: args.output,
                base_url: args.base_url,
                drafts: args.drafts,
            };
            let summary = build::build(&options)?;
            report::build_done(&summary, args.quiet, cli.verbose);
        }
        Command::Serve(args) => {
            serve::serve(&serve::ServeOptions {
                root: source::find_root(cli.root.as_deref())?,
                port: args.port,
                bind: args.bind,
                open: args.open,
                drafts: args.drafts,
                verbose: cli.verbose,
            })?;
        }
        Command::Check(args) => {
            let result = check(cli.root, args.drafts);
            match args.format {
                Format::Text => report::check_text(&result, args.deny_warnings, cli.verbose),
                Format::Json => report::check_json(&result, args.deny_warnings),
            }
            return Ok(match &result {
                Err(e) => ExitCode::from(e.exit_code()),
                Ok(findings) if args.deny_warnings && findings.iter().any(error::Diagnostic::is_warning) => {
                    ExitCode::from(1)
                }
                Ok(_) => ExitCode::SUCCESS,
            });
        }
        Command::New(args) => {
            let root = source::find_root(cli.root.as_deref())?;
            let title = args.title.join(" ");
            let kind = match args.kind {
                cli::NewKind::Session => scaffold::NewKind::Session,
                cli::NewKind::Page => scaffold::NewKind::Page,
                cli::NewKind::Faq => {
                    let (path, line) = scaffold::add_question(&root, &title)?;
                    report::question_added(&path, line);
                    return Ok(ExitCode::SUCCESS);
                }
            };
            let path = scaffold::new_file(&root, kind, &title)?;
            report::new_done(&path);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Everything `build` validates, without writing: the warnings and allowed findings, or
/// the errors (with the warnings found alongside them).
pub fn check(root: Option<PathBuf>, drafts: bool) -> Result<Vec<error::Diagnostic>> {
    let root = source::find_root(root.as_deref())?;
    build::check(&load::load(&root, None)?, drafts)
}

/// Prints `err` to stderr the one way every command does, and returns its exit code.
pub fn report_error(err: &Error) -> ExitCode {
    report::error(err);
    ExitCode::from(err.exit_code())
}
