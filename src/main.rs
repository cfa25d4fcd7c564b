//! The `vibe` binary: parse arguments, run one command, map the outcome to an exit status.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = vibe::cli::Arguments::parse();
    match vibe::commands::execute(args) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(vibe::commands::EXIT_USAGE as u8)
        }
    }
}
