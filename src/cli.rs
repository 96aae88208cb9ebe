//! The command line, parsed once into types (clap derive). No file is read here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `smpsite --version`: the release and the commit it was built from (see build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("SMPSITE_COMMIT"), ")");

/// The whole command line: the options every command takes, then the command.
#[derive(Debug, Parser)]
#[command(
    name = "smpsite",
    version = VERSION,
    about = "Builds a fast, accessible website for a scalp micropigmentation clinic from Markdown."
)]
pub struct Cli {
    /// The site folder: the one holding site.yaml [default: the current folder]
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,

    /// Print every finding; without it, the first few of each rule and a count of the rest
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a new site with the example clinic content
    Init(InitArgs),
    /// Build the site into public/ (or -o DIR)
    Build(BuildArgs),
    /// Preview the site: build, serve on this computer, rebuild and reload as you edit
    Serve(ServeArgs),
    /// Check the site for errors and warnings without writing anything
    Check(CheckArgs),
    /// Create a new Markdown file with the right front matter
    New(NewArgs),
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Folder to create the site in (must be empty or absent) [default: the current folder]
    pub(crate) dir: Option<PathBuf>,
    /// The example's language: `en` (the default) or `es`
    #[arg(long, value_name = "CODE")]
    pub(crate) language: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Output folder [default: public/ in the site folder]
    #[arg(short, long, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Use this base URL instead of site.yaml's base_url (e.g. for a staging host)
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Print only errors and warnings
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Port to serve on [default: 1111, or the next free one]; 0 picks any free port
    #[arg(short, long)]
    pub(crate) port: Option<u16>,
    /// Address to listen on; 0.0.0.0 lets phones on your network see the preview
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: std::net::IpAddr,
    /// Open the preview in the web browser
    #[arg(long)]
    pub(crate) open: bool,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub(crate) drafts: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Fail (exit 1) when there are warnings too, e.g. in CI
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// What to create
    #[arg(value_enum)]
    pub(crate) kind: NewKind,
    /// The page title, or for `faq` the question (quote it if it has spaces)
    #[arg(required = true, num_args = 1..)]
    pub(crate) title: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum NewKind {
    /// A session page in the `kind: sessions` section, with the next free stage
    Session,
    /// A plain page at the top of content/
    Page,
    /// A question (a `## ` heading) at the end of the FAQ page; a separate FAQ page is `new page` with `faq: true`
    Faq,
}
