//! Where the app's entry code opens a server, and on which port: `app.listen(3000)`,
//! `app.run(port=5000)`, `uvicorn.run(app, port=8000)`, `http.ListenAndServe(":8080", ...)`,
//! `TcpListener::bind("0.0.0.0:3000")`. A port read from the environment (`PORT`, `MGMT_PORT`)
//! with any default is the platform's; a number, or a variable set to one in the same file, is
//! hard-coded at the line the number is on.

use crate::lang::{self, Dialect, Language, Lines, TextFile, re};
use regex::Regex;
use std::sync::LazyLock;

/// The environment variables the platform sets for the two ports.
pub const PORT_ENVS: &[&str] = &["PORT", "MGMT_PORT"];

/// What port a server opens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Port {
    /// A number written in the code: the port, and where the number is (byte range in the file).
    Literal(u16, (usize, usize)),
    /// Read from `PORT` or `MGMT_PORT`.
    Env(String),
    /// The server's own default, when the call names no port (Flask's 5000).
    Default(u16),
    /// Something the review cannot follow (a config object, another variable).
    Unknown,
}

/// One place a server is opened.
#[derive(Debug, Clone)]
pub struct Listen<'a> {
    /// The file.
    pub file: &'a TextFile,
    /// Byte offset of the call.
    pub at: usize,
    /// The port.
    pub port: Port,
}

static JS_LISTEN: LazyLock<Regex> = LazyLock::new(|| re(r"\.listen\s*\(|\bBun\.serve\s*\(|\bserve\s*\(\s*\{"));
static PY_RUN: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\w+)\.(run|run_app|serve)\s*\(|\bserve\s*\("));
static GO_LISTEN: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(?:ListenAndServe(?:TLS)?|\.Run|\.Start|\.Listen|\.Serve)\s*\(|\bAddr\s*:\s*"#));
static RS_BIND: LazyLock<Regex> = LazyLock::new(|| re(r"\.bind\s*\(|\bTcpListener::bind\s*\(|\bSocketAddr::from\s*\("));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r#"^["'`]?(?:[\w.\-\[\]]*:)?(\d{2,5})["'`]?$"#));
static IDENT: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z_][\w.]*"));
static PORT_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"\bport\s*[:=]\s*"));

/// A quoted `host:port` address.
fn is_address(arg: &str) -> bool {
    arg.contains('"') && arg.contains(':')
}

/// Smaller numbers passed to `Run`/`Start`-like calls are counts, not ports.
const MIN_PORT: u16 = 80;

/// Python receivers whose `run()` opens a server on the framework's default port.
const PY_DEFAULTS: &[(&str, &str, u16)] = &[
    ("app", "run", 5000),
    ("application", "run", 5000),
    ("socketio", "run", 5000),
    ("uvicorn", "run", 8000),
    ("web", "run_app", 8080),
    ("waitress", "serve", 8080),
];

/// Every server opened in `f`.
pub fn listens(f: &TextFile) -> Vec<Listen<'_>> {
    let Some(language) = f.lang.language() else { return vec![] };
    let masked = lang::masked(f);
    let d = lang::dialect(f);
    let b = masked.as_bytes();
    let mut out = Vec::new();
    let pattern: &Regex = match language {
        Language::Node => &JS_LISTEN,
        Language::Python => &PY_RUN,
        Language::Go => &GO_LISTEN,
        Language::Rust => &RS_BIND,
        _ => return out,
    };
    for m in pattern.find_iter(&masked) {
        let text = m.as_str();
        let port = if text.starts_with("Addr") {
            value(f, &masked, (m.end(), expr_end(b, m.end())), 0)
        } else {
            let open = m.end() - 1;
            let Some((_, args)) = lang::call_args(b, open, d) else { continue };
            match language {
                Language::Python => match python_port(f, &masked, text, &args) {
                    Some(p) => p,
                    None => continue,
                },
                Language::Go if text.contains("Listen") && !text.contains("ListenAndServe") && args.len() >= 2 => {
                    value(f, &masked, args[1], 0)
                }
                // sqlx's `.bind(value)` is no server: in Rust only an address string ("0.0.0.0:3000") is a port.
                Language::Rust if !args.first().is_some_and(|a| is_address(&masked[a.0..a.1])) => continue,
                _ => match args.first() {
                    Some(a) => first_arg_port(f, &masked, *a),
                    None => continue,
                },
            }
        };
        out.push(Listen { file: f, at: m.start(), port });
    }
    out
}

/// The port of a Python `x.run(...)`/`serve(...)` call: its `port=` argument, else the framework's
/// default for the receivers that have one; None for calls that open no server.
fn python_port(f: &TextFile, masked: &str, call: &str, args: &[(usize, usize)]) -> Option<Port> {
    let receiver = call.split('.').next().unwrap_or("").trim();
    let method = call.split('.').nth(1).unwrap_or("serve").trim_end_matches(|c: char| c == '(' || c.is_whitespace());
    for a in args {
        let arg = &masked[a.0..a.1];
        if let Some(m) = PORT_KEY.find(arg).filter(|m| arg[..m.start()].trim().is_empty()) {
            return Some(value(f, masked, (a.0 + m.end(), a.1), 0));
        }
    }
    let default = PY_DEFAULTS.iter().find(|(r, m, _)| *r == receiver && *m == method);
    default.map(|(_, _, port)| Port::Default(*port))
}

/// The port of a first argument: a number, a variable, or an options object with `port:`.
fn first_arg_port(f: &TextFile, masked: &str, a: (usize, usize)) -> Port {
    let arg = masked[a.0..a.1].trim();
    if arg.starts_with('{') {
        return match PORT_KEY.find(arg) {
            Some(m) => {
                let start = a.0 + masked[a.0..a.1].find('{').unwrap_or(0) + m.end();
                value(f, masked, (start, expr_end(masked.as_bytes(), start)), 0)
            }
            None => Port::Unknown,
        };
    }
    value(f, masked, a, 0)
}

/// End of an expression starting at `from`: the next `,`, `}`, `)` or line end.
fn expr_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() && !matches!(b[i], b',' | b'}' | b')' | b'\n' | b';') {
        i += 1;
    }
    i
}

/// What an expression evaluates to as a port; variables are followed to their assignment in the
/// same file (twice at most).
fn value(f: &TextFile, masked: &str, (start, end): (usize, usize), depth: u8) -> Port {
    let raw = &masked[start..end];
    let expr = raw.trim();
    let support = f.lang.language().map(Language::support);
    if let Some(support) = support {
        for c in support.env_read_pattern.captures_iter(expr) {
            if let Some(name) = c.iter().skip(1).flatten().next()
                && PORT_ENVS.contains(&name.as_str())
            {
                return Port::Env(name.as_str().to_string());
            }
        }
    }
    let inner = strip_conversions(expr);
    if let Some(c) = NUMBER.captures(inner)
        && let Ok(port) = c[1].parse::<u16>()
        && port >= MIN_PORT
    {
        // `inner` is a slice of `masked`: its offset there, plus where the digits are in it.
        let digits = inner.as_ptr() as usize - masked.as_ptr() as usize + inner.find(&c[1] as &str).unwrap_or(0);
        return Port::Literal(port, (digits, digits + c[1].len()));
    }
    if depth >= 2 {
        return Port::Unknown;
    }
    for id in IDENT.find_iter(inner) {
        let name = id.as_str();
        if let Some((s, e)) = assignment(masked, name, lang::dialect(f)) {
            let p = value(f, masked, (s, e), depth + 1);
            if p != Port::Unknown {
                return p;
            }
        }
    }
    Port::Unknown
}

/// `int(5000)`, `Number(3000)`, `parseInt("3000", 10)` -> the number inside.
fn strip_conversions(expr: &str) -> &str {
    let mut e = expr;
    for wrapper in ["int(", "Number(", "parseInt(", "str("] {
        if let Some(rest) = e.strip_prefix(wrapper) {
            e = rest.trim_end_matches(')').split(',').next().unwrap_or(rest).trim();
        }
    }
    e
}

/// The right-hand side of `name = ...` / `const name = ...` / `name := ...` in the file.
fn assignment(masked: &str, name: &str, d: Dialect) -> Option<(usize, usize)> {
    let name = name.rsplit('.').next().unwrap_or(name);
    let decl = match d {
        Dialect::Js => r"(?:const|let|var)\s+",
        Dialect::Go => r"(?:const\s+|var\s+)?",
        Dialect::Rust => r"(?:let|const|static)\s+(?:mut\s+)?",
        _ => "",
    };
    let ty = if d == Dialect::Rust { r"(?::\s*[\w<>&]+)?" } else { "" };
    let pattern = re(&format!(r"(?m)^[ \t]*{decl}{}\s*{ty}\s*(?::=|=)\s*", regex::escape(name)));
    let m = pattern.find(masked)?;
    let b = masked.as_bytes();
    let mut end = m.end();
    while end < b.len() && !matches!(b[end], b'\n' | b';') {
        end += 1;
    }
    Some((m.end(), end))
}

/// Flask-style `app.run(` calls in masked Python source: (offset of the call, offset of its `(`).
pub fn run_calls(masked: &str) -> Vec<(usize, usize)> {
    PY_RUN
        .captures_iter(masked)
        .filter(|c| c.get(2).is_some_and(|m| m.as_str() == "run") && c.get(1).is_some_and(|r| r.as_str() != "asyncio"))
        .filter_map(|c| c.get(0).map(|m| (m.start(), m.end() - 1)))
        .collect()
}

/// The 1-based line of a byte offset in `f`.
pub fn line_of(f: &TextFile, at: usize) -> u32 {
    Lines::new(&f.text).line(at)
}

/// The text of the line holding byte offset `at`, trimmed.
pub fn line_text(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[start..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn ports(name: &str, language: Language, text: &str) -> Vec<Port> {
        let f = TextFile { file: name.into(), lang: Lang::Code(language), text: text.into() };
        listens(&f)
            .into_iter()
            .map(|l| match l.port {
                Port::Literal(p, _) => Port::Literal(p, (0, 0)),
                p => p,
            })
            .collect()
    }

    #[test]
    fn tells_hard_coded_ports_from_the_environment() {
        let lit = |p| Port::Literal(p, (0, 0));
        let js = "const PORT = 3000;\napp.listen(PORT, () => console.log('up'));\nserver.listen(process.env.PORT || 3000);\napp.listen({ port: 8082, host: '0.0.0.0' });\nconst port = Number(process.env.MGMT_PORT ?? 9000);\nmgmt.listen(port);\n";
        assert_eq!(
            ports("server.js", Language::Node, js),
            [lit(3000), Port::Env("PORT".into()), lit(8082), Port::Env("MGMT_PORT".into())]
        );
        let py = "if __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000, debug=True)\n    uvicorn.run(app, port=int(os.environ.get('PORT', 8000)))\n    app.run()\n    asyncio.run(main())\n";
        assert_eq!(ports("app.py", Language::Python, py), [lit(5000), Port::Env("PORT".into()), Port::Default(5000)]);
        let go = "func main() {\n\taddr := \":8080\"\n\thttp.ListenAndServe(addr, mux)\n\tsrv := &http.Server{Addr: \":\" + os.Getenv(\"PORT\")}\n\tr.Run(\":3000\")\n}\n";
        assert_eq!(ports("main.go", Language::Go, go), [lit(8080), Port::Env("PORT".into()), lit(3000)]);
        let rs = "let q = sqlx::query(\"x\").bind(1000);\nlet l = TcpListener::bind(\"0.0.0.0:3000\").await?;\nworkers.Start(4);\n";
        assert_eq!(ports("main.rs", Language::Rust, rs), [lit(3000)]);
    }
}
