//! Brackets of code: the arguments of a call, the end of a statement.

use super::{Dialect, lex_string};

/// The arguments of the call whose `(` is at `open`: (one past the `)`, argument ranges).
pub fn call_args(b: &[u8], open: usize, d: Dialect) -> Option<(usize, Vec<(usize, usize)>)> {
    let mut depth = 0usize;
    let mut i = open + 1;
    let mut start = i;
    let mut args = Vec::new();
    let limit = (open + 20_000).min(b.len());
    while i < limit {
        if let Some(l) = lex_string(b, i, d) {
            i = l.end.max(i + 1);
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 0 {
                    if b[i] != b')' {
                        return None;
                    }
                    if i > start || !args.is_empty() {
                        args.push((start, i));
                    }
                    return Some((i + 1, args));
                }
                depth -= 1;
            }
            b',' if depth == 0 => {
                args.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Where the statement starting at `from` ends (a `;` or a line end outside brackets,
/// unless the line ends with or the next starts with an operator).
pub fn statement_end(b: &[u8], from: usize, d: Dialect) -> usize {
    let mut depth = 0i32;
    let mut i = from;
    let limit = (from + 20_000).min(b.len());
    while i < limit {
        if let Some(l) = lex_string(b, i, d) {
            i = l.end.max(i + 1);
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    return i;
                }
            }
            b';' if depth == 0 => return i,
            b'\n' if depth == 0 => {
                let before = b[from..i].iter().rev().find(|c| !c.is_ascii_whitespace()).copied();
                let after = b[i..limit].iter().find(|c| !c.is_ascii_whitespace()).copied();
                let cont = matches!(before, Some(b'+' | b'%' | b'.' | b'\\' | b'=' | b','))
                    || matches!(after, Some(b'+' | b'.' | b'%'));
                if !cont {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_split_their_arguments() {
        let b = b"execute(\"a, b\", (x, y))";
        let (end, args) = call_args(b, 7, Dialect::Python).unwrap();
        assert_eq!(end, b.len());
        assert_eq!(args.len(), 2);
        assert_eq!(&b[args[0].0..args[0].1], b"\"a, b\"");
    }
}
