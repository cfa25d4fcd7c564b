//! Brackets of code: the arguments of a call, the end of a statement.

use super::{Dialect, lex_string};

/// How far a scan reads past where it starts: calls and statements people write are far shorter,
/// and a bound keeps a missing bracket in a large file from costing a pass over the rest of it.
const SCAN_LIMIT: usize = 20_000;

/// Walks the code of `b[from..limit]`, skipping string literals and whatever is nested in brackets,
/// and hands `visit` the offset of every byte outside them (a closing bracket without its opening
/// one included). The first `Some` it returns ends the walk; `Err(limit)` when none did.
fn top_level<T>(
    b: &[u8],
    from: usize,
    limit: usize,
    d: Dialect,
    mut visit: impl FnMut(usize) -> Option<T>,
) -> Result<T, usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < limit {
        if let Some(l) = lex_string(b, i, d) {
            i = l.end.max(i + 1);
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth > 0 => depth -= 1,
            _ if depth == 0 => {
                if let Some(found) = visit(i) {
                    return Ok(found);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(limit)
}

/// The arguments of the call whose `(` is at `open`: (one past the `)`, argument ranges).
pub fn call_args(b: &[u8], open: usize, d: Dialect) -> Option<(usize, Vec<(usize, usize)>)> {
    let mut start = open + 1;
    let mut args = Vec::new();
    let limit = (open + SCAN_LIMIT).min(b.len());
    let end = top_level(b, open + 1, limit, d, |i| match b[i] {
        b')' => {
            if i > start || !args.is_empty() {
                args.push((start, i));
            }
            Some(Some(i + 1))
        }
        // A `]` or `}` closes something this call is inside of: the `(` was not a call.
        b']' | b'}' => Some(None),
        b',' => {
            args.push((start, i));
            start = i + 1;
            None
        }
        _ => None,
    });
    end.ok().flatten().map(|end| (end, args))
}

/// Where the statement starting at `from` ends (a `;` or a line end outside brackets,
/// unless the line ends with or the next starts with an operator).
pub fn statement_end(b: &[u8], from: usize, d: Dialect) -> usize {
    let limit = (from + SCAN_LIMIT).min(b.len());
    let end = top_level(b, from, limit, d, |i| match b[i] {
        b')' | b']' | b'}' | b';' => Some(i),
        b'\n' => {
            let before = b[from..i].iter().rev().find(|c| !c.is_ascii_whitespace()).copied();
            let after = b[i..limit].iter().find(|c| !c.is_ascii_whitespace()).copied();
            let cont = matches!(before, Some(b'+' | b'%' | b'.' | b'\\' | b'=' | b','))
                || matches!(after, Some(b'+' | b'.' | b'%'));
            (!cont).then_some(i)
        }
        _ => None,
    });
    end.unwrap_or_else(|limit| limit)
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

    #[test]
    fn a_bracket_closing_something_else_is_no_call() {
        assert_eq!(call_args(b"[f(a, b]", 2, Dialect::Js), None);
        assert_eq!(call_args(b"f()", 1, Dialect::Js), Some((3, vec![])));
    }

    #[test]
    fn statements_end_at_a_semicolon_or_a_line_that_does_not_continue() {
        let b = b"q = \"a;\" +\n  f(x;\n y); z";
        assert_eq!(statement_end(b, 4, Dialect::Js), b.len() - 3);
        let b = b"q = 'a'\nz = 1";
        assert_eq!(statement_end(b, 4, Dialect::Python), 7);
        assert_eq!(statement_end(b"x = (a, b) ) c", 4, Dialect::Python), 11);
    }
}
