//! Every `--help` prints its examples as written: one command per line, pasteable into a shell.

use crate::common::vibe;
use clap::{CommandFactory, Parser};
use vibe::cli::Arguments;

/// The command paths of vibe and of every subcommand (`[]`, `["init"]`, ...).
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    walk(&Arguments::command(), Vec::new(), &mut out);
    out
}

/// Splits a command line like a POSIX shell does for plain words and quotes (enough for examples).
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let (mut words, mut word, mut quote, mut in_word) = (Vec::new(), String::new(), None, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                word.push(chars.next().ok_or("a `\\` at the end of the line continues nowhere")?);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unclosed quote".into());
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Checks that an example command parses as vibe's arguments.
fn parses(help_of: &str, example: &str) -> Result<(), String> {
    // What a shell does before vibe sees it: pipes into vibe, redirections, comments.
    let command = example.rsplit(" | ").next().unwrap_or(example);
    let command = command.split(" # ").next().unwrap_or(command);
    let command = command.split(" > ").next().unwrap_or(command);
    let words = shell_words(command).map_err(|e| format!("{help_of}: `{example}`: {e}"))?;
    Arguments::try_parse_from(&words).map(|_| ()).map_err(|e| {
        let first = e.to_string().lines().next().unwrap_or_default().to_string();
        format!("{help_of}: the example `{example}` does not run as written: {first}")
    })
}

#[test]
fn every_example_in_every_help_is_one_pasteable_command_per_line() {
    let mut problems = Vec::new();
    let mut examples = 0;
    let subcommands: Vec<String> = command_paths().into_iter().filter_map(|p| p.first().cloned()).collect();
    for path in command_paths() {
        let help_of = format!("vibe {} --help", path.join(" ")).replace("  ", " ");
        let out = vibe().args(&path).arg("--help").env("COLUMNS", "100").output().unwrap();
        assert!(out.status.success(), "{help_of} failed");
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i].trim();
            i += 1;
            // Commands in the prose are quoted in backticks: each must run as written too.
            for quoted in line.split('`').skip(1).step_by(2).filter(|q| q.starts_with("vibe ")) {
                if !quoted.contains("...") {
                    examples += 1;
                    problems.extend(parses(&help_of, quoted).err());
                }
            }
            let unquoted: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
            // An example stands alone on its line (after a pipe at most): "vibe" mid-sentence means
            // two commands, or a command and prose, were run together.
            let is_command = |text: &str| subcommands.iter().any(|sub| text.starts_with(&format!("vibe {sub}")));
            let starts = is_command(&unquoted) || unquoted.split(" | ").skip(1).any(is_command);
            if unquoted.starts_with("Usage: ") {
                continue;
            }
            if !starts {
                if subcommands.iter().any(|sub| unquoted.contains(&format!(" vibe {sub}"))) {
                    problems.push(format!("{help_of}: an example is glued to other text: {line:?}"));
                }
                continue;
            }
            // Join `\` continuations, as the shell does when the lines are pasted.
            let mut example = line.to_string();
            while example.ends_with('\\') && i < lines.len() {
                example.pop();
                example.push(' ');
                example.push_str(lines[i].trim());
                i += 1;
            }
            examples += 1;
            problems.extend(parses(&help_of, &example).err());
        }
    }
    assert!(examples >= 12, "only {examples} examples were found in the help texts: is the walk broken?");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_start_here_lines_of_vibe_help_are_one_command_each() {
    let out = vibe().arg("--help").env("COLUMNS", "100").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = text.lines().map(str::trim).filter(|l| l.starts_with("vibe init")).collect();
    assert_eq!(commands.len(), 2, "{text}");
    assert!(commands[0].starts_with("vibe init ") && !commands[0].contains("--demo"), "{text}");
    assert!(commands[1].starts_with("vibe init --demo"), "{text}");
}
