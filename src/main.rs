//! The `vibe` binary: parse arguments, run one command, map the outcome to an exit status.

use clap::Parser;
use std::process::ExitCode;
use vibe::error::Exit;

fn main() -> ExitCode {
    // Behave like other Unix tools when the reader goes away (`vibe checks | head`):
    // end quietly instead of panicking on a closed stdout.
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread exists; SIG_DFL is always a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = vibe::cli::Arguments::parse();
    let exit = match vibe::commands::execute(args) {
        Ok(exit) => exit,
        Err(vibe::Error::Cancelled | vibe::Error::Back) => {
            eprintln!("vibe: stopped, nothing was written.");
            Exit::Interrupted
        }
        Err(err) => {
            // Errors quote file names and file content: no control character reaches the terminal.
            eprintln!("error: {}", vibe::report::escape::text(&err.to_string()));
            Exit::Usage
        }
    };
    ExitCode::from(exit.code())
}
