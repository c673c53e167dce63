//! `jobscout plugin …`: the plugin author's tools. `new` scaffolds a crate,
//! `build` compiles it for wasm32-wasip2, `check` says whether the host would
//! load a `.wasm` and why not, `run` calls it in the real sandbox (live, recording
//! or replaying fixtures). See docs/plugins.md, "Writing a plugin".

mod build;
mod check;
mod inspect;
mod output;
mod run;
mod scaffold;

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::plugins::PluginKind;

#[derive(Debug, Args)]
pub struct PluginArgs {
    #[command(subcommand)]
    pub command: PluginCommand,
}

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Create a plugin crate that builds and passes its tests at once.
    New(NewArgs),
    /// Build a plugin crate for wasm32-wasip2 (release) and print the .wasm path.
    Build(BuildArgs),
    /// Report a .wasm's world, WIT version, imports, exports and size; exit 1 when the host would refuse it.
    Check(CheckArgs),
    /// Run a plugin in the sandbox and print what it returns.
    Run(RunArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Source,
    Processor,
}

impl From<KindArg> for PluginKind {
    fn from(kind: KindArg) -> PluginKind {
        match kind {
            KindArg::Source => PluginKind::Source,
            KindArg::Processor => PluginKind::Processor,
        }
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The plugin id (lowercase letters, digits and '-'); also the crate and folder name.
    pub name: String,
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// Where to create the crate [default: ./<name>].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// The SDK crate (plugins/sdk of a JobScout checkout) [default: JOBSCOUT_SDK_PATH, else the checkout this binary was built from].
    #[arg(long)]
    pub sdk: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The plugin crate (a folder with Cargo.toml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The component to check.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The component to run.
    pub file: PathBuf,
    /// Search keywords (sources).
    #[arg(long, required_unless_present = "input")]
    pub query: Option<String>,
    /// Location filter (sources that honour it).
    #[arg(long)]
    pub location: Option<String>,
    /// Most postings to ask for.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// A file to hand to a processor as `payload.bytes`.
    #[arg(long, conflicts_with = "query")]
    pub input: Option<PathBuf>,
    /// The media type of --input [default: from its extension].
    #[arg(long, requires = "input")]
    pub media_type: Option<String>,
    /// `key=value` for the plugin's config table (repeatable; overrides --manifest's).
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// A host the plugin may fetch from (repeatable), when no --manifest is given.
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Take kind, allowed hosts, config, secrets and limits from this plugins.toml entry (with --id).
    #[arg(long, requires = "id")]
    pub manifest: Option<PathBuf>,
    /// The plugin id (the entry in --manifest) [default: the file name].
    #[arg(long)]
    pub id: Option<String>,
    /// Answer every fetch from this fixture directory instead of the network.
    #[arg(long, conflicts_with = "record")]
    pub fixtures: Option<PathBuf>,
    /// Fetch live and write every response into this fixture directory.
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `plugin` command; returns the process exit code. These commands need
/// no server settings, so a half-configured machine can still build plugins.
pub async fn run(args: PluginArgs) -> i32 {
    let result = match args.command {
        PluginCommand::New(args) => scaffold::new(args),
        PluginCommand::Build(args) => build::build(args).map(|_| ()),
        PluginCommand::Check(args) => check::check(args).await,
        PluginCommand::Run(args) => run::run(args).await,
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error:#}");
            1
        }
    }
}
