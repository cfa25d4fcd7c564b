//! The wizard's typed answers (text and hidden values), read in raw mode with the shell's
//! editing keys.
//!
//! inquire's text input writes a literal `u` or `w` for Ctrl-U and Ctrl-W (its key mapping
//! turns every `Char` key into a write, whatever the modifiers, and offers no hook to change
//! it), so these two prompts are drawn here, with [`LineBuffer`] doing the editing; the choice
//! prompts stay inquire's. Esc goes back one question, Ctrl-C stops.

use crate::line_edit::LineBuffer;
use crate::wrap::{columns, wrap};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::style::{Print, PrintStyledContent, Stylize};
use ratatui::crossterm::terminal::{self, Clear, ClearType};
use ratatui::crossterm::{cursor, queue};
use std::io::Write;

/// How a question ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Enter on a valid answer (the default when nothing was typed), trimmed.
    Answered(String),
    /// Esc: back to the question before.
    Back,
    /// Ctrl-C (or Ctrl-D on an empty line): stop the wizard.
    Interrupted,
}

/// One question being answered: what is typed, and the validator's last complaint.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    /// The question.
    pub prompt: &'a str,
    /// One line on why it matters (wrapped to the screen).
    pub help: &'a str,
    /// The answer when nothing is typed.
    pub default: &'a str,
    /// Nothing typed is shown (secret values).
    pub hidden: bool,
    line: LineBuffer,
    error: Option<String>,
}

/// What a key did to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Keep reading keys (and draw again).
    Continue,
    /// The question is over.
    Done(Ended),
}

impl<'a> Question<'a> {
    /// A question with nothing typed yet.
    pub fn new(prompt: &'a str, help: &'a str, default: &'a str, hidden: bool) -> Question<'a> {
        Question { prompt, help, default, hidden, line: LineBuffer::default(), error: None }
    }

    /// Applies a key; `check` validates an answer on Enter (`Err` is shown and the question stays).
    pub fn key(&mut self, key: KeyEvent, check: &dyn Fn(&str) -> Result<(), String>) -> Step {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c' | 'C') if ctrl => Step::Done(Ended::Interrupted),
            KeyCode::Char('d' | 'D') if ctrl && self.line.is_empty() => Step::Done(Ended::Interrupted),
            KeyCode::Esc => Step::Done(Ended::Back),
            KeyCode::Enter => {
                let typed = self.line.text();
                let answer = if typed.trim().is_empty() { self.default.to_string() } else { typed.trim().to_string() };
                match check(&answer) {
                    Ok(()) => Step::Done(Ended::Answered(answer)),
                    Err(why) => {
                        self.error = Some(why);
                        Step::Continue
                    }
                }
            }
            _ => {
                if self.line.apply(key) {
                    self.error = None;
                }
                Step::Continue
            }
        }
    }

    /// The text typed so far.
    #[cfg(test)]
    pub fn typed(&self) -> String {
        self.line.text()
    }

    /// The screen rows of the question at `width` columns, and where the cursor goes (row, column).
    fn layout(&self, width: usize) -> (Vec<Row>, (usize, usize)) {
        let width = width.max(10);
        let head = format!("? {} ", self.prompt);
        let hint = if self.line.is_empty() && !self.default.is_empty() && !self.hidden {
            format!("({}) ", self.default)
        } else {
            String::new()
        };
        let typed = if self.hidden { String::new() } else { self.line.text() };
        let before_cursor = columns(&head) + columns(&hint) + if self.hidden { 0 } else { self.line.cursor() };
        let first = columns(&head) + columns(&hint) + columns(&typed);
        // The answer line wraps where the terminal wraps it; it is one row per `width` columns.
        let answer_rows = first.max(before_cursor + 1).div_ceil(width);
        let mut rows = vec![Row::Answer { head, hint, typed }];
        rows.extend((1..answer_rows).map(|_| Row::Continued));
        if let Some(e) = &self.error {
            rows.extend(wrap(&format!("# {e}"), width - 1).into_iter().map(Row::Error));
        }
        if !self.help.is_empty() {
            rows.extend(wrap(&format!("[{}]", self.help), width - 1).into_iter().map(Row::Help));
        }
        (rows, (before_cursor / width, before_cursor % width))
    }
}

/// One screen row of a question.
#[derive(Debug, Clone)]
enum Row {
    /// `? prompt (default) typed`.
    Answer {
        head: String,
        hint: String,
        typed: String,
    },
    /// Where the answer row ran on (drawn by the terminal's own wrapping).
    Continued,
    Error(String),
    Help(String),
}

/// Puts the terminal in raw mode until dropped.
struct RawMode;

impl RawMode {
    fn on() -> std::io::Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Draws `q`, after clearing what was drawn before (`cursor_row`: the row of the drawing the
/// cursor was left on); returns the row the cursor is left on now.
fn draw(out: &mut impl Write, q: &Question, cursor_row: usize) -> std::io::Result<usize> {
    let width = terminal::size().map_or(80, |(w, _)| usize::from(w));
    let (rows, (row, col)) = q.layout(width);
    queue!(out, cursor::MoveToColumn(0))?;
    if cursor_row > 0 {
        queue!(out, cursor::MoveUp(cursor_row as u16))?;
    }
    queue!(out, Clear(ClearType::FromCursorDown))?;
    let mut first = true;
    for r in &rows {
        if matches!(r, Row::Continued) {
            continue;
        }
        if !first {
            queue!(out, Print("\r\n"))?;
        }
        first = false;
        match r {
            Row::Answer { head, hint, typed } => {
                queue!(
                    out,
                    PrintStyledContent("?".green()),
                    Print(&head[1..]),
                    PrintStyledContent(hint.as_str().dark_grey()),
                    Print(typed)
                )?;
            }
            Row::Error(t) => queue!(out, PrintStyledContent(t.as_str().red()))?,
            Row::Help(t) => queue!(out, PrintStyledContent(t.as_str().cyan()))?,
            Row::Continued => {}
        }
    }
    // The cursor ends on the last row drawn (the answer row's last screen row when it is alone).
    let last = rows.len() - 1;
    let up = last.saturating_sub(row);
    if up > 0 {
        queue!(out, cursor::MoveUp(up as u16))?;
    }
    queue!(out, cursor::MoveToColumn(col as u16), cursor::Show)?;
    out.flush()?;
    Ok(row)
}

/// Replaces the drawing with the answered line (`> prompt answer`), as the other prompts leave it.
fn finish(out: &mut impl Write, q: &Question, cursor_row: usize, ended: &Ended) -> std::io::Result<()> {
    queue!(out, cursor::MoveToColumn(0))?;
    if cursor_row > 0 {
        queue!(out, cursor::MoveUp(cursor_row as u16))?;
    }
    queue!(out, Clear(ClearType::FromCursorDown))?;
    if let Ended::Answered(answer) = ended {
        let shown = if q.hidden { if answer.is_empty() { "(none)" } else { "(hidden)" } } else { answer.as_str() };
        queue!(
            out,
            PrintStyledContent(">".green()),
            Print(format!(" {} ", q.prompt)),
            PrintStyledContent(shown.cyan())
        )?;
        queue!(out, Print("\r\n"))?;
    }
    out.flush()
}

/// Asks `q` on the terminal until it ends.
pub fn ask(mut q: Question, check: &dyn Fn(&str) -> Result<(), String>) -> std::io::Result<Ended> {
    let _raw = RawMode::on()?;
    let mut out = std::io::stdout();
    let mut row = draw(&mut out, &q, 0)?;
    loop {
        let step = match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => q.key(k, check),
            Event::Paste(text) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    q.key(KeyEvent::from(KeyCode::Char(c)), check);
                }
                Step::Continue
            }
            Event::Resize(..) => Step::Continue,
            _ => continue,
        };
        match step {
            Step::Continue => row = draw(&mut out, &q, row)?,
            Step::Done(ended) => {
                finish(&mut out, &q, row, &ended)?;
                return Ok(ended);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(q: &mut Question, keys: &[KeyEvent]) -> Step {
        let mut last = Step::Continue;
        for k in keys {
            last = q.key(*k, &|a: &str| if a == "bad" { Err("not that".into()) } else { Ok(()) });
        }
        last
    }

    fn chars(s: &str) -> Vec<KeyEvent> {
        s.chars().map(|c| KeyEvent::from(KeyCode::Char(c))).collect()
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn ctrl_u_and_ctrl_w_delete_instead_of_typing_letters() {
        let mut q = Question::new("What is the app called?", "", "", false);
        press(&mut q, &chars("Inventory Chekcer"));
        press(&mut q, &[ctrl('w')]);
        assert_eq!(q.typed(), "Inventory ");
        press(&mut q, &[ctrl('u')]);
        assert_eq!(q.typed(), "");
        let end = press(&mut q, &[&chars("Shop")[..], &[KeyEvent::from(KeyCode::Enter)]].concat());
        assert_eq!(end, Step::Done(Ended::Answered("Shop".into())));
    }

    #[test]
    fn enter_takes_the_default_esc_goes_back_ctrl_c_stops() {
        let enter = KeyEvent::from(KeyCode::Enter);
        let mut q = Question::new("Short name:", "", "shop", false);
        assert_eq!(press(&mut q, &[enter]), Step::Done(Ended::Answered("shop".into())));
        let mut q = Question::new("Short name:", "", "shop", false);
        assert_eq!(press(&mut q, &[KeyEvent::from(KeyCode::Esc)]), Step::Done(Ended::Back));
        assert_eq!(press(&mut q, &[ctrl('c')]), Step::Done(Ended::Interrupted));
        // A refused answer stays, with the reason, until it is changed.
        let mut q = Question::new("Short name:", "", "", false);
        assert_eq!(press(&mut q, &[&chars("bad")[..], &[enter]].concat()), Step::Continue);
        let (rows, _) = q.layout(80);
        assert!(rows.iter().any(|r| matches!(r, Row::Error(t) if t.contains("not that"))));
    }

    #[test]
    fn the_help_wraps_at_words_and_hidden_answers_show_nothing() {
        let help =
            "Lower-case letters, digits and '-'. It becomes the app's web address and its space on the platform.";
        let mut q = Question::new("Short name for addresses:", help, "", true);
        press(&mut q, &chars("s3cret"));
        let (rows, cursor) = q.layout(60);
        let helps: Vec<&String> =
            rows.iter().filter_map(|r| if let Row::Help(t) = r { Some(t) } else { None }).collect();
        assert!(helps.len() > 1 && helps.iter().all(|t| columns(t) < 60), "{helps:?}");
        let words: Vec<&str> = helps.iter().flat_map(|t| t.split(' ')).collect();
        assert!(words.contains(&"becomes") && words.contains(&"address"), "{words:?}");
        assert!(rows.iter().all(|r| !matches!(r, Row::Answer { typed, .. } if typed.contains("s3cret"))));
        assert_eq!(cursor, (0, columns("? Short name for addresses: ")));
    }
}
