//! String literals per dialect: where they start and end, and the code inside them.

use super::Dialect;

/// A string literal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lit {
    /// First byte (prefix included).
    pub start: usize,
    /// One past the closing quote.
    pub end: usize,
    /// The content between the quotes.
    pub body: (usize, usize),
    /// Triple-quoted (Python, Java/Kotlin text blocks).
    pub triple: bool,
    /// A literal that can hold code (f-string, template literal, PHP/Kotlin `"$x"`, Rust `"{x}"`).
    pub interpolated: bool,
    /// Code inside the literal.
    pub holes: Vec<(usize, usize)>,
}

/// True for bytes of identifiers (non-ASCII bytes count, so UTF-8 names stay whole).
pub fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Holes {
    None,
    PyF,
    Template,
    Kotlin,
    Php,
    RustFmt,
}

/// The index of the `}` closing the `{` at `open` (or a bounded end).
fn close_brace(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let limit = (open + 4096).min(b.len());
    for (i, &c) in b.iter().enumerate().take(limit).skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    limit
}

fn ident_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ident(b[i]) {
        i += 1;
    }
    i
}

#[allow(clippy::too_many_arguments)]
fn body(
    b: &[u8],
    start: usize,
    open: usize,
    q: u8,
    qlen: usize,
    hashes: usize,
    multiline: bool,
    escapes: bool,
    holes_mode: Holes,
) -> Lit {
    let n = b.len();
    let mut k = open;
    let mut holes = Vec::new();
    let closes = |k: usize| {
        k + qlen + hashes <= n
            && b[k..k + qlen].iter().all(|&c| c == q)
            && b[k + qlen..k + qlen + hashes].iter().all(|&c| c == b'#')
    };
    let lit = |end: usize, body_end: usize, holes: Vec<(usize, usize)>| Lit {
        start,
        end,
        body: (open, body_end),
        triple: qlen == 3,
        interpolated: holes_mode != Holes::None,
        holes,
    };
    while k < n {
        let c = b[k];
        if !matches!(c, b'\\' | b'\n' | b'{' | b'}' | b'$') && c != q {
            k += 1;
            continue;
        }
        if escapes && c == b'\\' {
            k += 2;
            continue;
        }
        if c == b'\n' && !multiline {
            return lit(k, k, holes);
        }
        if c == q && closes(k) {
            return lit(k + qlen + hashes, k, holes);
        }
        if let Some((hole, next)) = hole_at(b, k, holes_mode) {
            holes.extend(hole);
            k = next;
            continue;
        }
        k += 1;
    }
    lit(n, n, holes)
}

/// An interpolation hole of `mode` at `k` inside a string body: the hole's code range (None for
/// an escaped brace) and where the body goes on. None when no hole starts at `k`.
fn hole_at(b: &[u8], k: usize, mode: Holes) -> Option<(Option<(usize, usize)>, usize)> {
    let n = b.len();
    let c = b[k];
    let next = b.get(k + 1).copied().unwrap_or(0);
    match mode {
        Holes::PyF | Holes::RustFmt if c == b'{' && next == b'{' => Some((None, k + 2)),
        Holes::PyF if c == b'{' => {
            let close = close_brace(b, k);
            Some((Some((k + 1, close.min(n))), close + 1))
        }
        Holes::RustFmt if c == b'{' => {
            let e = ident_end(b, k + 1);
            let named = e > k + 1 && matches!(b.get(e), Some(b'}') | Some(b':')) && !b[k + 1].is_ascii_digit();
            Some((named.then_some((k + 1, e)), e.max(k + 1)))
        }
        Holes::Template | Holes::Kotlin if c == b'$' && next == b'{' => {
            let close = close_brace(b, k + 1);
            Some((Some((k + 2, close.min(n))), close + 1))
        }
        Holes::Kotlin if c == b'$' && (next.is_ascii_alphabetic() || next == b'_') => {
            let e = ident_end(b, k + 1);
            Some((Some((k + 1, e)), e))
        }
        Holes::Php if c == b'{' && next == b'$' => {
            let close = close_brace(b, k);
            Some((Some((k + 1, close.min(n))), close + 1))
        }
        Holes::Php if c == b'$' && (next.is_ascii_alphabetic() || next == b'_') => {
            let mut e = ident_end(b, k + 1);
            while b.get(e) == Some(&b'-')
                && b.get(e + 1) == Some(&b'>')
                && b.get(e + 2).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            {
                e = ident_end(b, e + 2);
            }
            if b.get(e) == Some(&b'[')
                && let Some(close) = b[e..].iter().take(64).position(|&c| c == b']')
            {
                e += close + 1;
            }
            Some((Some((k, e)), e))
        }
        _ => None,
    }
}

/// A Python string literal at `i`, prefixes (`f`, `rb`) included.
fn python_string(b: &[u8], i: usize) -> Option<Lit> {
    let c = *b.get(i)?;
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut j = i;
    let mut f = false;
    if c.is_ascii_alphabetic() {
        if i > 0 && is_ident(b[i - 1]) {
            return None;
        }
        while j < i + 2 && matches!(at(j), b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F') {
            f |= matches!(at(j), b'f' | b'F');
            j += 1;
        }
        if j == i || !matches!(at(j), b'"' | b'\'') {
            return None;
        }
    } else if !matches!(c, b'"' | b'\'') {
        return None;
    }
    let q = b[j];
    let triple = at(j + 1) == q && at(j + 2) == q;
    let holes = if f { Holes::PyF } else { Holes::None };
    Some(if triple {
        body(b, i, j + 3, q, 3, 0, true, true, holes)
    } else {
        body(b, i, j + 1, q, 1, 0, false, true, holes)
    })
}

/// A Rust string, byte string, raw string or char literal at `i` (not a lifetime).
fn rust_string(b: &[u8], i: usize) -> Option<Lit> {
    let c = *b.get(i)?;
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    match c {
        b'r' | b'b' => {
            if i > 0 && is_ident(b[i - 1]) {
                return None;
            }
            let mut j = i + 1;
            if c == b'b' && at(j) == b'r' {
                j += 1;
            }
            if c == b'b' && at(j) == b'"' && j == i + 1 {
                return Some(body(b, i, j + 1, b'"', 1, 0, true, true, Holes::None));
            }
            let raw = c == b'r' || at(i + 1) == b'r';
            if !raw {
                return None;
            }
            let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
            (at(j + hashes) == b'"').then(|| body(b, i, j + hashes + 1, b'"', 1, hashes, true, false, Holes::None))
        }
        b'"' => Some(body(b, i, i + 1, c, 1, 0, true, true, Holes::RustFmt)),
        b'\'' => {
            // A char literal ('x', '\n', 'é'), not a lifetime ('a).
            if at(i + 1) == b'\\' {
                return Some(body(b, i, i + 1, c, 1, 0, false, true, Holes::None));
            }
            let len = std::str::from_utf8(&b[i + 1..(i + 5).min(b.len())])
                .ok()
                .or_else(|| std::str::from_utf8(&b[i + 1..(i + 2).min(b.len())]).ok())
                .and_then(|s| s.chars().next())
                .map(char::len_utf8)
                .unwrap_or(1);
            (at(i + 1 + len) == b'\'').then(|| Lit {
                start: i,
                end: i + 2 + len,
                body: (i + 1, i + 1 + len),
                ..Lit::default()
            })
        }
        _ => None,
    }
}

/// The string literal starting at `i`, if one does.
pub fn lex_string(b: &[u8], i: usize, d: Dialect) -> Option<Lit> {
    let c = *b.get(i)?;
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    match d {
        Dialect::Python => python_string(b, i),
        Dialect::Js => match c {
            b'"' | b'\'' => Some(body(b, i, i + 1, c, 1, 0, false, true, Holes::None)),
            b'`' => Some(body(b, i, i + 1, c, 1, 0, true, true, Holes::Template)),
            _ => None,
        },
        Dialect::Go => match c {
            b'"' | b'\'' => Some(body(b, i, i + 1, c, 1, 0, false, true, Holes::None)),
            b'`' => Some(body(b, i, i + 1, c, 1, 0, true, false, Holes::None)),
            _ => None,
        },
        Dialect::Java | Dialect::Kotlin => {
            let holes = if d == Dialect::Kotlin { Holes::Kotlin } else { Holes::None };
            match c {
                b'"' if at(i + 1) == b'"' && at(i + 2) == b'"' => {
                    Some(body(b, i, i + 3, c, 3, 0, true, d == Dialect::Java, holes))
                }
                b'"' => Some(body(b, i, i + 1, c, 1, 0, false, true, holes)),
                b'\'' => Some(body(b, i, i + 1, c, 1, 0, false, true, Holes::None)),
                _ => None,
            }
        }
        Dialect::Rust => rust_string(b, i),
        Dialect::Php => match c {
            b'\'' => Some(body(b, i, i + 1, c, 1, 0, true, true, Holes::None)),
            b'"' => Some(body(b, i, i + 1, c, 1, 0, true, true, Holes::Php)),
            _ => None,
        },
        Dialect::Config => match c {
            b'"' | b'\'' => Some(body(b, i, i + 1, c, 1, 0, false, true, Holes::None)),
            _ => None,
        },
    }
}

/// The string literals inside a range.
pub fn literals(b: &[u8], range: (usize, usize), d: Dialect) -> Vec<Lit> {
    let mut out = Vec::new();
    let mut i = range.0;
    while i < range.1 {
        if let Some(l) = lex_string(b, i, d) {
            i = l.end.max(i + 1);
            out.push(l);
            continue;
        }
        i += 1;
    }
    out
}

/// What [`without_literals`] puts where a literal was (never part of code).
pub const LIT_MARK: u8 = 0x01;

/// The code of a range with every literal replaced by [`LIT_MARK`].
pub fn without_literals(b: &[u8], range: (usize, usize), d: Dialect) -> String {
    let mut out = Vec::with_capacity(range.1.saturating_sub(range.0));
    let mut i = range.0;
    while i < range.1 {
        if let Some(l) = lex_string(b, i, d) {
            out.push(LIT_MARK);
            i = l.end.max(i + 1);
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The identifier a range consists of (`query`, `&sql`, `$sql`, `sql.as_str()`), if it is one.
pub fn bare_identifier(b: &[u8], range: (usize, usize)) -> Option<String> {
    let t = std::str::from_utf8(&b[range.0..range.1.min(b.len())]).ok()?.trim();
    let t = t.trim_start_matches(['&', '*']).trim_end_matches(".as_str()").trim_end_matches(".to_string()");
    let ok = !t.is_empty()
        && t.bytes().enumerate().all(|(i, c)| is_ident(c) || (i == 0 && c == b'$'))
        && !t.as_bytes()[t.starts_with('$') as usize..].first().is_some_and(|c| c.is_ascii_digit());
    ok.then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_know_their_holes() {
        let b = b"f\"SELECT {x} FROM t {{y}}\"";
        let l = lex_string(b, 0, Dialect::Python).unwrap();
        assert_eq!(l.holes.len(), 1);
        assert_eq!(&b[l.holes[0].0..l.holes[0].1], b"x");
        let b = b"\"id = $id and {$u->name}\"";
        let l = lex_string(b, 0, Dialect::Php).unwrap();
        assert_eq!(l.holes.len(), 2);
        let b = b"`a ${b + `c`} d`";
        let l = lex_string(b, 0, Dialect::Js).unwrap();
        assert_eq!(l.end, b.len());
    }
}
