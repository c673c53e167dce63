//! The `jobscout` command line: `serve` (the default), `migrate`, `check-config`,
//! `scrape`, and the plugin author tools under `plugin` (`cli_plugin`).

use std::net::IpAddr;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::{DatabaseTarget, LoadedSettings, Settings};
use crate::http::AppState;
use crate::plugins::PluginHost;
use crate::shutdown;
use crate::storage::{self, Database};
use crate::telemetry::{self, Telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "jobscout",
    version,
    about = "JobScout: job search backend and Apply Workspace"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default command).
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Print the resolved settings (secrets masked) and every problem; exit 1 on any.
    CheckConfig,
    /// Run one scrape now, with a progress bar, and print what each source did.
    Scrape(ScrapeArgs),
    /// Plugin author tools: new, build, check, run (see docs/plugins.md).
    Plugin(crate::cli_plugin::PluginArgs),
}

#[derive(Debug, clap::Args)]
pub struct ScrapeArgs {
    /// What to search for.
    #[arg(long)]
    pub query: String,
    /// Location filter [default: JOBSCOUT_DEFAULT_LOCATION; '' for none].
    #[arg(long)]
    pub location: Option<String>,
    /// Only these sources (plugin ids); repeat the flag for several.
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// Keep onsite jobs too.
    #[arg(long)]
    pub include_onsite: bool,
    /// Print the run report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [env: JOBSCOUT_HOST, default 0.0.0.0].
    #[arg(long)]
    pub host: Option<IpAddr>,
    /// Port to listen on [env: JOBSCOUT_PORT, default 8000].
    #[arg(long)]
    pub port: Option<u16>,
}

/// Runs the parsed command; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    if let Command::Plugin(args) = command {
        // Author tools need no server settings.
        return crate::cli_plugin::run(args).await;
    }
    let loaded = match Settings::load() {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("error: cannot read settings: {message}");
            return 2;
        }
    };
    match command {
        Command::Plugin(_) => unreachable!("plugin commands return above"),
        Command::CheckConfig => check_config(loaded),
        Command::Migrate => with_settings(loaded, |settings| Box::pin(migrate(settings))).await,
        Command::Scrape(args) => {
            with_settings(loaded, move |settings| {
                Box::pin(crate::cli_scrape::scrape(settings, args))
            })
            .await
        }
        Command::Serve(args) => {
            with_settings(loaded, move |mut settings| {
                if let Some(host) = args.host {
                    settings.host = host;
                }
                if let Some(port) = args.port {
                    settings.port = port;
                }
                Box::pin(serve(settings))
            })
            .await
        }
    }
}

type CommandFuture = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>>>>;

async fn with_settings(
    loaded: LoadedSettings,
    command: impl FnOnce(Settings) -> CommandFuture,
) -> i32 {
    let unknown = loaded.unknown_variables.clone();
    let settings = match loaded.into_result() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}\nsee env.sample for every setting and its accepted values");
            return 2;
        }
    };
    telemetry::init_tracing(&settings);
    for variable in unknown {
        tracing::warn!(variable, "unknown setting ignored (see env.sample)");
    }
    match command(settings).await {
        Ok(()) => 0,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "jobscout failed");
            eprintln!("error: {error:#}");
            1
        }
    }
}

fn check_config(loaded: LoadedSettings) -> i32 {
    println!("Resolved settings:");
    for (name, value) in loaded.settings.describe() {
        println!("  {name}={value}");
    }
    for variable in &loaded.unknown_variables {
        println!("warning: {variable} is not a JobScout setting (typo?); it is ignored");
    }
    if !loaded.settings.plugins_file.exists() {
        println!(
            "warning: plugins file {} does not exist; the server will start with no plugins",
            loaded.settings.plugins_file.display()
        );
    }
    if loaded.problems.is_empty() {
        println!("No problems found.");
        0
    } else {
        println!("{} problem(s):", loaded.problems.len());
        for problem in &loaded.problems {
            println!("  - {problem}");
        }
        1
    }
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let pool = storage::connect(
        &settings.database,
        settings.database_max_connections,
        settings.database_connect_timeout,
    )
    .await?;
    storage::migrate(&pool).await?;
    let place = match &settings.database {
        DatabaseTarget::Sqlite(path) => format!("SQLite file {}", path.display()),
        DatabaseTarget::Postgres(url) => crate::config::mask_url_password(url),
    };
    println!("migrations applied to {place}");
    pool.close().await;
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let settings = Arc::new(settings);
    let (trigger, signal) = shutdown::channel();
    tokio::spawn(async move {
        shutdown::os_signal().await;
        trigger.fire();
    });
    let telemetry = Telemetry::global();
    let db = Database::start(&settings, signal.clone());
    let plugins = PluginHost::start(&settings).await;
    let state = AppState::new(settings.clone(), db.clone(), plugins, telemetry);
    crate::scheduler::spawn(settings, db, state.scrapes.clone(), signal.clone());
    crate::http::serve(state, signal).await
}
