//! How the wizard asks: a small trait, so the flow runs against a real terminal (inquire)
//! or a script of answers in tests.

use crate::error::Error;

/// Validates a typed answer: `Err(message)` is shown under the prompt and the question stays.
pub type Check = fn(&str, &Draft) -> Result<(), String>;

/// What the wizard knows so far, for validators that depend on earlier answers.
pub type Draft = crate::spec::Answers;

/// One way of asking questions.
pub trait Prompter {
    /// Free text, with a default and a validator.
    fn text(
        &mut self,
        prompt: &str,
        help: &str,
        default: &str,
        check: Option<(Check, &Draft)>,
    ) -> Result<String, Error>;
    /// One of several options; returns the index.
    fn select(&mut self, prompt: &str, help: &str, options: &[String], start: usize) -> Result<usize, Error>;
    /// Any of several options; returns the indices.
    fn multi_select(
        &mut self,
        prompt: &str,
        help: &str,
        options: &[String],
        defaults: &[usize],
    ) -> Result<Vec<usize>, Error>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, help: &str, default: bool) -> Result<bool, Error>;
    /// A hidden value (never echoed).
    fn secret(&mut self, prompt: &str, help: &str) -> Result<String, Error>;
    /// Shows a line of information.
    fn say(&mut self, text: &str);
}

/// The real terminal: typed answers through [`line_prompt`](super::line_prompt), choices
/// through inquire. Explanations are wrapped at word boundaries to the terminal's width.
#[derive(Debug, Default)]
pub struct Terminal;

/// What to do instead when there is no terminal.
const NO_TERMINAL: &str = "there is no terminal to ask the questions in. Use `vibe init --yes` with flags (see \
                           `vibe init --help`) or `vibe generate`.";

/// Esc goes back one question, Ctrl-C stops the wizard.
fn cancelled(e: inquire::InquireError) -> Error {
    match e {
        inquire::InquireError::OperationCanceled => Error::Back,
        inquire::InquireError::OperationInterrupted => Error::Cancelled,
        inquire::InquireError::NotTTY => Error::Usage(NO_TERMINAL.into()),
        other => Error::Usage(format!("the terminal stopped answering: {other}")),
    }
}

/// The terminal's width in columns (80 when it cannot be told).
fn width() -> usize {
    ratatui::crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w)).max(20)
}

/// A help message wrapped to the terminal at word boundaries (inquire adds `[` `]`, and a
/// terminal left to wrap it breaks words in two).
fn fit_help(help: &str) -> String {
    crate::wrap::wrap(help, width() - 3).join("\n")
}

/// Options wrapped at word boundaries, continuation lines under the option's text (`indent`
/// columns: the cursor and checkbox inquire draws before it).
fn fit_options(options: &[String], indent: usize) -> Vec<String> {
    let pad = format!("\n{}", " ".repeat(indent));
    options.iter().map(|o| crate::wrap::wrap(o, width().saturating_sub(indent + 1)).join(&pad)).collect()
}

/// How a chosen option is repeated after the question: its words before the explanation
/// (`PostgreSQL` for `PostgreSQL: tables of records (...)`), so the line stays short.
fn short(option: &str) -> String {
    let first = option.split('\n').next().unwrap_or(option);
    first.split_once(": ").map_or(first, |(head, _)| head).trim().to_string()
}

/// inquire's look, with Esc shown as going back (inquire's own word is `<canceled>`).
fn look() -> inquire::ui::RenderConfig<'static> {
    inquire::ui::RenderConfig::default()
        .with_canceled_prompt_indicator(inquire::ui::Styled::new("<back>").with_fg(inquire::ui::Color::DarkGrey))
}

/// Asks a typed question on the terminal.
fn ask_line(q: super::line_prompt::Question, check: &dyn Fn(&str) -> Result<(), String>) -> Result<String, Error> {
    use super::line_prompt::{Ended, ask};
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(Error::Usage(NO_TERMINAL.into()));
    }
    match ask(q, check) {
        Ok(Ended::Answered(a)) => Ok(a),
        Ok(Ended::Back) => Err(Error::Back),
        Ok(Ended::Interrupted) => Err(Error::Cancelled),
        Err(e) => Err(Error::Usage(format!("the terminal stopped answering: {e}"))),
    }
}

impl Prompter for Terminal {
    fn text(
        &mut self,
        prompt: &str,
        help: &str,
        default: &str,
        check: Option<(Check, &Draft)>,
    ) -> Result<String, Error> {
        let q = super::line_prompt::Question::new(prompt, help, default, false);
        ask_line(q, &|s: &str| match check {
            Some((check, draft)) => check(s, draft),
            None => Ok(()),
        })
    }

    fn select(&mut self, prompt: &str, help: &str, options: &[String], start: usize) -> Result<usize, Error> {
        inquire::Select::new(prompt, fit_options(options, 2))
            .with_help_message(&fit_help(help))
            .with_render_config(look())
            .with_formatter(&|o| short(o.value))
            .with_starting_cursor(start.min(options.len().saturating_sub(1)))
            .with_page_size(10)
            .raw_prompt()
            .map(|o| o.index)
            .map_err(cancelled)
    }

    fn multi_select(
        &mut self,
        prompt: &str,
        help: &str,
        options: &[String],
        defaults: &[usize],
    ) -> Result<Vec<usize>, Error> {
        inquire::MultiSelect::new(prompt, fit_options(options, 6))
            .with_help_message(&fit_help(help))
            .with_render_config(look())
            .with_formatter(&|os| os.iter().map(|o| short(o.value)).collect::<Vec<_>>().join(", "))
            .with_default(defaults)
            .raw_prompt()
            .map(|v| v.into_iter().map(|o| o.index).collect())
            .map_err(cancelled)
    }

    fn confirm(&mut self, prompt: &str, help: &str, default: bool) -> Result<bool, Error> {
        inquire::Confirm::new(prompt)
            .with_help_message(&fit_help(help))
            .with_render_config(look())
            .with_default(default)
            .prompt()
            .map_err(cancelled)
    }

    fn secret(&mut self, prompt: &str, help: &str) -> Result<String, Error> {
        ask_line(super::line_prompt::Question::new(prompt, help, "", true), &|_| Ok(()))
    }

    fn say(&mut self, text: &str) {
        println!("{}", crate::wrap::wrap(text, width() - 1).join("\n"));
    }
}

/// The scripted answer that stands for Esc (go back one question).
pub const ESC: &str = "<esc>";

/// Scripted answers for tests: each call takes the next answer (as text); [`ESC`] presses Esc.
#[derive(Debug, Default)]
pub struct Script {
    /// Answers in order; select answers are option indices, multi-select comma-separated indices.
    pub answers: std::collections::VecDeque<String>,
    /// Everything said and asked, for assertions.
    pub transcript: Vec<String>,
}

impl Script {
    /// A script from a list of answers.
    pub fn new(answers: &[&str]) -> Script {
        Script { answers: answers.iter().map(|s| s.to_string()).collect(), transcript: Vec::new() }
    }

    fn next(&mut self, prompt: &str) -> Result<String, Error> {
        self.transcript.push(format!("? {prompt}"));
        // Running out of answers behaves like Ctrl-C: the flow must then write nothing.
        match self.answers.pop_front() {
            Some(a) if a == ESC => Err(Error::Back),
            Some(a) => Ok(a),
            None => Err(Error::Cancelled),
        }
    }
}

impl Prompter for Script {
    fn text(
        &mut self,
        prompt: &str,
        _help: &str,
        default: &str,
        check: Option<(Check, &Draft)>,
    ) -> Result<String, Error> {
        let a = self.next(prompt)?;
        let a = if a.is_empty() { default.to_string() } else { a };
        if let Some((check, draft)) = check {
            check(&a, draft).map_err(|m| Error::Usage(format!("scripted answer {a:?} refused: {m}")))?;
        }
        Ok(a)
    }
    fn select(&mut self, prompt: &str, _help: &str, options: &[String], start: usize) -> Result<usize, Error> {
        let a = self.next(prompt)?;
        let i = if a.is_empty() { start } else { a.parse().map_err(|_| Error::Usage(format!("bad index {a}")))? };
        if i >= options.len() {
            return Err(Error::Usage(format!("index {i} out of {} options", options.len())));
        }
        Ok(i)
    }
    fn multi_select(
        &mut self,
        prompt: &str,
        help: &str,
        options: &[String],
        defaults: &[usize],
    ) -> Result<Vec<usize>, Error> {
        self.transcript.push(format!("[{help}]"));
        self.transcript.extend(options.iter().map(|o| format!("  - {o}")));
        let a = self.next(prompt)?;
        if a == "default" {
            return Ok(defaults.to_vec());
        }
        Ok(a.split(',').filter_map(|s| s.trim().parse().ok()).collect())
    }
    fn confirm(&mut self, prompt: &str, _help: &str, default: bool) -> Result<bool, Error> {
        let a = self.next(prompt)?;
        Ok(match a.as_str() {
            "" => default,
            a => a.starts_with('y'),
        })
    }
    fn secret(&mut self, prompt: &str, _help: &str) -> Result<String, Error> {
        self.next(prompt)
    }
    fn say(&mut self, text: &str) {
        self.transcript.push(text.to_string());
    }
}
