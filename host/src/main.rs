//! `jobscout`: a thin shell over the `jobscout` library crate.

use clap::Parser as _;

#[tokio::main]
async fn main() {
    let cli = jobscout::cli::Cli::parse();
    let code = jobscout::cli::run(cli).await;
    std::process::exit(code);
}
