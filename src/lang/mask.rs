//! Source with its comments blanked, so that patterns match code only.

use super::TextFile;
use super::{Dialect, dialect, is_ident, lex_string};
use regex::Regex;

fn blank(out: &mut [u8], from: usize, to: usize) {
    for c in &mut out[from..to] {
        if *c != b'\n' {
            *c = b' ';
        }
    }
}

fn regex_literal_end(b: &[u8], i: usize) -> Option<usize> {
    let mut k = i + 1;
    let mut class = false;
    while k < b.len() {
        match b[k] {
            b'\n' => return None,
            b'\\' => k += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                k += 1;
                while k < b.len() && b[k].is_ascii_alphabetic() {
                    k += 1;
                }
                return Some(k);
            }
            _ => {}
        }
        k += 1;
    }
    None
}

thread_local! {
    /// Masked texts by content: several checks read the same file, and repos often hold
    /// identical files. Keyed by a hash of the content and verified against the original.
    static MASKS: std::cell::RefCell<(MaskCache, usize)> = std::cell::RefCell::new((MaskCache::new(), 0));
}
/// (content hash, length, dialect) -> (original text, masked text).
type MaskCache = std::collections::HashMap<(u64, usize, Dialect), (std::rc::Rc<str>, std::rc::Rc<str>)>;
/// Text the mask cache may hold before it is emptied.
const MASK_CACHE_BYTES: usize = 256 << 20;

fn fingerprint(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = 0x243F_6A88_85A3_08D3u64 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 29;
    }
    for &x in chunks.remainder() {
        h = (h ^ u64::from(x)).wrapping_mul(K);
    }
    h
}

/// [`mask`] of a source file, computed once per content.
pub fn masked(f: &TextFile) -> std::rc::Rc<str> {
    let d = dialect(f);
    let key = (fingerprint(f.text.as_bytes()), f.text.len(), d);
    MASKS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((original, masked)) = cache.0.get(&key)
            && **original == *f.text
        {
            return masked.clone();
        }
        let masked: std::rc::Rc<str> = mask(&f.text, d).into();
        if cache.1 + 2 * f.text.len() > MASK_CACHE_BYTES {
            cache.0.clear();
            cache.1 = 0;
        }
        cache.1 += 2 * f.text.len();
        cache.0.insert(key, (f.text.as_str().into(), masked.clone()));
        masked
    })
}

/// The files whose dialect has a pattern in `patterns` that matches somewhere in them, each with
/// its dialect, that pattern and its [`masked`] text to search for code. The raw text is tried
/// first: masking costs more, and a file the pattern misses has no match in its code either.
pub fn files_matching<'f, 'p>(
    files: impl IntoIterator<Item = &'f TextFile>,
    patterns: &'p [(Dialect, Regex)],
) -> impl Iterator<Item = (&'f TextFile, Dialect, &'p Regex, std::rc::Rc<str>)> {
    files.into_iter().filter_map(move |f| {
        let d = dialect(f);
        let (_, pattern) = patterns.iter().find(|(pd, _)| *pd == d)?;
        pattern.is_match(&f.text).then(|| (f, d, pattern, masked(f)))
    })
}

/// The last byte before `i` that is not whitespace.
fn prev_sig(b: &[u8], i: usize) -> Option<u8> {
    b[..i].iter().rev().find(|c| !c.is_ascii_whitespace()).copied()
}

/// Where a literal whose quote is at `q` starts, prefixes included (`f"`, `rb'`, `r#"`, `b"`).
fn literal_start(b: &[u8], q: usize, d: Dialect) -> usize {
    let boundary = |k: usize| k == 0 || !is_ident(b[k - 1]);
    match d {
        Dialect::Python => {
            let mut k = q;
            while k > 0 && q - k < 2 && matches!(b[k - 1], b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F') {
                k -= 1;
            }
            if k < q && boundary(k) { k } else { q }
        }
        Dialect::Rust if b[q] == b'"' => {
            let mut k = q;
            while k > 0 && b[k - 1] == b'#' {
                k -= 1;
            }
            if k > 0 && b[k - 1] == b'r' {
                k -= 1;
                if k > 0 && b[k - 1] == b'b' {
                    k -= 1;
                }
                if boundary(k) {
                    return k;
                }
            } else if k == q && k > 0 && b[k - 1] == b'b' && boundary(k - 1) {
                return k - 1;
            }
            q
        }
        _ => q,
    }
}

/// The text with comments (and Python docstrings) blanked to spaces; offsets and lines are kept.
pub fn mask(text: &str, d: Dialect) -> String {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = b.to_vec();
    let c_like =
        matches!(d, Dialect::Js | Dialect::Go | Dialect::Java | Dialect::Kotlin | Dialect::Rust | Dialect::Php);
    // The bytes where a string or a comment can start; everything else is skipped quickly.
    let mut special = [false; 256];
    special[b'"' as usize] = true;
    special[b'\'' as usize] = true;
    special[b'`' as usize] = matches!(d, Dialect::Js | Dialect::Go);
    special[b'#' as usize] = matches!(d, Dialect::Python | Dialect::Php | Dialect::Config);
    special[b'/' as usize] = c_like;
    let mut i = 0;
    while i < n {
        while i < n && !special[b[i] as usize] {
            i += 1;
        }
        if i >= n {
            break;
        }
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        let hash_comment = match d {
            Dialect::Python => c == b'#',
            Dialect::Php => c == b'#' && next != b'[',
            Dialect::Config => {
                c == b'#' && out[..i].iter().rev().take_while(|&&c| c != b'\n').all(|c| *c == b' ' || *c == b'\t')
            }
            _ => false,
        };
        if hash_comment || (c_like && c == b'/' && next == b'/') {
            let end = b[i..].iter().position(|&c| c == b'\n').map(|p| i + p).unwrap_or(n);
            blank(&mut out, i, end);
            i = end;
            continue;
        }
        if c_like && c == b'/' && next == b'*' {
            let end = text[i + 2..].find("*/").map(|p| i + 2 + p + 2).unwrap_or(n);
            blank(&mut out, i, end);
            i = end;
            continue;
        }
        if c == b'/' {
            if d == Dialect::Js
                && prev_sig(&out, i).is_none_or(|l| b"(,=:[!&|?{};+-*%<>~^".contains(&l))
                && let Some(end) = regex_literal_end(b, i)
            {
                i = end;
                continue;
            }
            i += 1;
            continue;
        }
        if c == b'#' {
            i += 1;
            continue;
        }
        let start = literal_start(b, i, d);
        if let Some(lit) = lex_string(b, start, d) {
            if d == Dialect::Python && lit.triple && prev_sig(&out, start).is_none_or(|l| l == b':') {
                blank(&mut out, lit.start, lit.end.min(n));
            }
            i = lit.end.max(i + 1);
            continue;
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    #[test]
    fn comments_are_blanked_and_strings_kept() {
        let py = "x = '# not a comment'  # a comment\ndef f():\n    \"\"\"doc\"\"\"\n    y = \"\"\"kept\"\"\"\n";
        let m = mask(py, Dialect::Python);
        assert!(m.contains("'# not a comment'"));
        assert!(!m.contains("a comment\n"));
        assert!(!m.contains("doc") && m.contains("kept"));
        assert_eq!(m.len(), py.len());
        let js = "const re = /\"/; // c\nconst s = `a ${b} // c`; /* x\ny */ z";
        let m = mask(js, Dialect::Js);
        assert!(m.contains("`a ${b} // c`") && !m.contains("x\ny") && m.ends_with(" z"));
        let rs = "fn f<'a>(x: &'a str) -> char { 'x' } // c\nlet s = r#\"a \"quoted\" // b\"#;";
        let m = mask(rs, Dialect::Rust);
        assert!(!m.contains("// c") && m.contains("// b"));
    }

    #[test]
    fn files_are_searched_with_their_own_dialects_pattern() {
        use crate::lang::Lang;
        let file = |name: &str, lang, text: &str| TextFile { file: name.into(), lang, text: text.into() };
        let files = [
            file("a.py", Lang::Code(Language::Python), "# execute(\nexecute(q)"),
            file("b.py", Lang::Code(Language::Python), "run(q)"),
            file("c.go", Lang::Code(Language::Go), "execute(q)"),
        ];
        let patterns = [(Dialect::Python, Regex::new(r"execute\(").unwrap())];
        let found: Vec<_> = files_matching(&files, &patterns).collect();
        assert_eq!(found.len(), 1);
        let (f, d, _, masked) = &found[0];
        assert_eq!((f.file.as_str(), *d), ("a.py", Dialect::Python));
        assert_eq!(&**masked, format!("{}\nexecute(q)", " ".repeat("# execute(".len())));
    }
}
