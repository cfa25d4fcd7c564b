//! Editing one line of typed text the way shells and readline do: Ctrl-U clears the line
//! before the cursor, Ctrl-W deletes the word before it, Ctrl-A/Ctrl-E and Home/End jump.
//! Shared by the wizard's text questions and the dashboard's filter, so the same keys do the
//! same thing everywhere.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A line being typed, with its cursor (in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineBuffer {
    chars: Vec<char>,
    cursor: usize,
}

impl LineBuffer {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: &str) -> LineBuffer {
        let chars: Vec<char> = text.chars().collect();
        LineBuffer { cursor: chars.len(), chars }
    }

    /// The text.
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The cursor's position, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Applies an editing key; returns false when the key is not an editing key (Enter, Esc,
    /// Ctrl-C... are the caller's).
    pub fn apply(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('u' | 'U') if ctrl => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            // Ctrl-W, and Alt-Backspace / Ctrl-Backspace as in most editors; terminals send
            // Ctrl-Backspace as Ctrl-H.
            KeyCode::Char('w' | 'W' | 'h') if ctrl => self.delete_word_before(),
            KeyCode::Backspace if ctrl || alt => self.delete_word_before(),
            KeyCode::Char('k' | 'K') if ctrl => self.chars.truncate(self.cursor),
            KeyCode::Char('a' | 'A') if ctrl => self.cursor = 0,
            KeyCode::Char('e' | 'E') if ctrl => self.cursor = self.chars.len(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.chars.len(),
            KeyCode::Left if ctrl || alt => self.cursor = self.word_start_before(),
            KeyCode::Right if ctrl || alt => self.cursor = self.word_end_after(),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    self.chars.remove(self.cursor);
                }
            }
            KeyCode::Delete => {
                if self.cursor < self.chars.len() {
                    self.chars.remove(self.cursor);
                }
            }
            KeyCode::Char(c) if !ctrl && !alt => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
            }
            _ => return false,
        }
        true
    }

    /// Where the word before the cursor starts (spaces before the cursor are skipped first).
    fn word_start_before(&self) -> usize {
        let mut i = self.cursor;
        while i > 0 && self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    fn word_end_after(&self) -> usize {
        let mut i = self.cursor;
        while i < self.chars.len() && self.chars[i].is_whitespace() {
            i += 1;
        }
        while i < self.chars.len() && !self.chars[i].is_whitespace() {
            i += 1;
        }
        i
    }

    fn delete_word_before(&mut self) {
        let start = self.word_start_before();
        self.chars.drain(start..self.cursor);
        self.cursor = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> LineBuffer {
        let mut b = LineBuffer::default();
        for c in text.chars() {
            assert!(b.apply(KeyEvent::from(KeyCode::Char(c))));
        }
        b
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor_and_ctrl_u_the_line() {
        let mut b = typed("Inventory Checker  ");
        b.apply(ctrl('w'));
        assert_eq!(b.text(), "Inventory ");
        b.apply(ctrl('w'));
        assert_eq!(b.text(), "");
        let mut b = typed("stripe key");
        b.apply(KeyEvent::from(KeyCode::Left));
        b.apply(KeyEvent::from(KeyCode::Left));
        b.apply(ctrl('u'));
        assert_eq!((b.text().as_str(), b.cursor()), ("ey", 0));
        b.apply(ctrl('e'));
        b.apply(KeyEvent::from(KeyCode::Char('s')));
        assert_eq!(b.text(), "eys");
    }

    #[test]
    fn other_control_keys_are_left_to_the_caller() {
        let mut b = typed("ab");
        assert!(!b.apply(ctrl('c')));
        assert!(!b.apply(KeyEvent::from(KeyCode::Enter)));
        assert!(!b.apply(KeyEvent::from(KeyCode::Esc)));
        assert_eq!(b.text(), "ab");
    }
}
