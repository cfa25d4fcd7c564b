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

/// The real terminal, through inquire.
#[derive(Debug, Default)]
pub struct Terminal;

fn cancelled(e: inquire::InquireError) -> Error {
    match e {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => Error::Cancelled,
        inquire::InquireError::NotTTY => Error::Usage(
            "there is no terminal to ask the questions in. Use `vibe init --yes` with flags (see `vibe init --help`) \
             or `vibe generate`."
                .into(),
        ),
        other => Error::Usage(format!("the terminal stopped answering: {other}")),
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
        let mut q = inquire::Text::new(prompt).with_help_message(help);
        if !default.is_empty() {
            q = q.with_default(default);
        }
        if let Some((check, draft)) = check {
            let draft = draft.clone();
            q = q.with_validator(move |s: &str| {
                Ok(match check(s, &draft) {
                    Ok(()) => inquire::validator::Validation::Valid,
                    Err(m) => inquire::validator::Validation::Invalid(m.into()),
                })
            });
        }
        q.prompt().map(|s| s.trim().to_string()).map_err(cancelled)
    }

    fn select(&mut self, prompt: &str, help: &str, options: &[String], start: usize) -> Result<usize, Error> {
        inquire::Select::new(prompt, options.to_vec())
            .with_help_message(help)
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
        inquire::MultiSelect::new(prompt, options.to_vec())
            .with_help_message(help)
            .with_default(defaults)
            .raw_prompt()
            .map(|v| v.into_iter().map(|o| o.index).collect())
            .map_err(cancelled)
    }

    fn confirm(&mut self, prompt: &str, help: &str, default: bool) -> Result<bool, Error> {
        inquire::Confirm::new(prompt).with_help_message(help).with_default(default).prompt().map_err(cancelled)
    }

    fn secret(&mut self, prompt: &str, help: &str) -> Result<String, Error> {
        inquire::Password::new(prompt)
            .with_help_message(help)
            .with_display_mode(inquire::PasswordDisplayMode::Hidden)
            .without_confirmation()
            .prompt()
            .map_err(cancelled)
    }

    fn say(&mut self, text: &str) {
        println!("{text}");
    }
}

/// Scripted answers for tests: each call takes the next answer (as text).
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
        // Running out of answers behaves like Esc: the flow must then write nothing.
        self.answers.pop_front().ok_or(Error::Cancelled)
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
        _help: &str,
        options: &[String],
        defaults: &[usize],
    ) -> Result<Vec<usize>, Error> {
        let a = self.next(prompt)?;
        self.transcript.push(format!("  options: {}", options.join(", ")));
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
