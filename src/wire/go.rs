//! Go net/http: the generated module uses the standard library only, so wiring it is a text edit
//! like the other languages': go.mod requires it through a local `replace` (no go.sum line, nothing
//! to download), `main()` calls `observability.Setup()` first (JSON logs, also for the `log`
//! package, and the management server on MGMT_PORT), `http.ListenAndServe` serves the instrumented
//! handler (`GET /metrics` and request metrics) on PORT, and fmt's and log's printing goes through
//! the module's JSON logger.

use super::{Edits, call, in_code, line_end, line_of, line_start, put_edited};
use crate::edit::Files;
use crate::lang::{self, Dialect, re};
use crate::repo::TextFile;
use regex::Regex;
use std::sync::LazyLock;

/// `http.ListenAndServe(`.
static LISTEN: LazyLock<Regex> = LazyLock::new(|| re(r"\bhttp\.ListenAndServe\s*\("));
/// `func main() {`.
static MAIN: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^func[ \t]+main[ \t]*\([ \t]*\)[ \t]*\{"));
/// `package main`.
static PACKAGE_MAIN: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^package[ \t]+main\b"));
/// fmt's and log's printing to stdout/stderr: (package, function).
static PRINTING: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(fmt|log)\.(Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)[ \t]*\("));
/// The `module` line of a go.mod.
static MODULE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^module[ \t]+(\S+)"));

/// Wires the module into the Go net/http app among `app`.
pub(super) fn wire(app: &[&TextFile], files: &mut Files) -> Result<(), String> {
    let module_mod = files.text_or_empty(&format!("{}/go.mod", super::OBSERVABILITY_DIR));
    let module = MODULE.captures(&module_mod).map(|c| c[1].to_string()).ok_or_else(|| {
        format!("{}/go.mod names no module: run `vibe generate` to write it again", super::OBSERVABILITY_DIR)
    })?;
    let go: Vec<&TextFile> = app.iter().copied().filter(|f| lang::dialect(f) == Dialect::Go).collect();
    let masked = |f: &TextFile| lang::mask(&f.text, Dialect::Go);
    let is_main = |f: &&TextFile| {
        let m = masked(f);
        PACKAGE_MAIN.is_match(&m) && MAIN.is_match(&m)
    };
    let listen = go.iter().find_map(|f| {
        let m = masked(f);
        LISTEN.find_iter(&m).find(|x| in_code(&m, x.start(), Dialect::Go)).map(|x| (*f, x.start(), x.end() - 1))
    });
    let main = listen.map(|(f, _, _)| f).filter(is_main).or_else(|| go.iter().copied().find(is_main));
    let (Some((listen_file, at, open)), Some(main)) = (listen, main) else {
        return Err(by_hand(&module, listen.map(|(f, at, _)| (f, at))));
    };
    // `replace ... => ./observability` is relative to go.mod: the module must be the repo's.
    let go_mod = files.text_or_empty("go.mod");
    if go_mod.is_empty() {
        return Err(by_hand(&module, Some((listen_file, at))));
    }
    if go_mod.contains(&format!("replace {module} ")) {
        return Err(format!("{module} is already required in go.mod: the app is wired (see {})", main.file));
    }
    for f in &go {
        if files.text(&f.file)? != f.text {
            return Err(format!("{} changed since it was reviewed; run `vibe review --fix` again", f.file));
        }
    }

    // The server: PORT, and the handler wrapped so it serves GET /metrics and counts requests.
    let lm = masked(listen_file);
    let Some((_, args)) = call(&lm, open, Dialect::Go).filter(|(_, a)| a.len() == 2) else {
        return Err(by_hand(&module, Some((listen_file, at))));
    };
    let mut per_file: Vec<(&TextFile, Edits)> = go.iter().map(|f| (*f, Edits::default())).collect();
    let i = index(&per_file, listen_file);
    let text = &listen_file.text;
    let (addr, handler) = (trimmed(text, args[0]), trimmed(text, args[1]));
    let inner = match &text[handler.0..handler.1] {
        "nil" => "http.DefaultServeMux".to_string(),
        other => other.to_string(),
    };
    if !platform_addr(text, &lm, addr, &mut per_file[i].1) {
        return Err(by_hand(&module, Some((listen_file, at))));
    }
    per_file[i].1.replace(handler.0, handler.1, format!("observability.Instrument({inner})"));

    // Setup first in main: JSON logs (the log package too) and the management server.
    let i = index(&per_file, main);
    let mm = masked(main);
    if let Some(m) = MAIN.find(&mm) {
        let body = line_end(&main.text, m.end() - 1);
        per_file[i].1.insert(
            body,
            "\tobservability.Setup() // JSON logs (the log package's too) and /readiness, /liveness, /info on MGMT_PORT\n",
        );
    }

    // Printing becomes JSON log lines; the module is imported where it is now used.
    for (f, edits) in &mut per_file {
        let m = masked(f);
        switch_printing(f, &m, edits);
        if !edits.is_empty() {
            add_import(&m, &module, edits);
        }
    }
    for (f, edits) in per_file {
        put_edited(files, &f.file, edits)?;
    }
    files.put(
        "go.mod",
        format!(
            "{}\n\n// The generated observability module, a folder of this repo (nothing to download, no go.sum line).\n\
             require {module} v0.0.0\n\nreplace {module} => ./{}\n",
            go_mod.trim_end(),
            super::OBSERVABILITY_DIR
        ),
    );
    Ok(())
}

/// Where the edits of `f` are.
fn index(per_file: &[(&TextFile, Edits)], f: &TextFile) -> usize {
    per_file.iter().position(|(g, _)| g.file == f.file).unwrap_or(0)
}

/// Makes the listen address the platform's port: a literal (`":8080"`) becomes
/// `observability.HTTPAddr()`; a variable set to a port in the file (`port := "3000"` in
/// `":"+port`) gets the platform's port at its assignment instead, so it stays in use (Go refuses
/// an unused variable) and whatever else prints it tells the truth. An address already read from
/// `PORT` is left alone. False when the address is something the wiring cannot follow.
fn platform_addr(text: &str, masked: &str, (s, e): (usize, usize), edits: &mut Edits) -> bool {
    static READS_PORT: LazyLock<Regex> = LazyLock::new(|| re(r#"\bos\.(?:Getenv|LookupEnv)\(\s*"PORT"\s*\)"#));
    static ADDRESS: LazyLock<Regex> = LazyLock::new(|| re(r#"^"[\w.\-\[\]]*:\d{2,5}"$"#));
    static STRING: LazyLock<Regex> = LazyLock::new(|| re(r#""[^"\n]*"|`[^`]*`"#));
    static IDENT: LazyLock<Regex> = LazyLock::new(|| re(r"[A-Za-z_]\w*"));
    let expr = &masked[s..e];
    if READS_PORT.is_match(expr) {
        return true;
    }
    if ADDRESS.is_match(expr) {
        edits.replace(s, e, "observability.HTTPAddr()");
        return true;
    }
    let code = STRING.replace_all(expr, |c: &regex::Captures| " ".repeat(c[0].len()));
    let b = code.as_bytes();
    let mut followed = false;
    for id in IDENT.find_iter(&code) {
        let after = code[id.end()..].trim_start();
        let member = id.start() > 0 && b[id.start() - 1] == b'.';
        if member || after.starts_with('(') || after.starts_with('.') || id.as_str().starts_with(char::is_uppercase) {
            continue;
        }
        match assigned_port(masked, id.as_str()) {
            Some(Assigned::FromEnv) => followed = true,
            Some(Assigned::Constant) => {
                edits.replace(s, e, "observability.HTTPAddr()");
                return true;
            }
            Some(Assigned::Literal(vs, ve)) => {
                let literal = &text[vs..ve];
                let with = if literal.contains(':') {
                    "observability.HTTPAddr()"
                } else if literal.starts_with('"') {
                    "observability.HTTPPortText()"
                } else {
                    "observability.HTTPPort"
                };
                edits.replace(vs, ve, with);
                followed = true;
            }
            None => {}
        }
    }
    followed
}

/// What a variable of the listen address is set to.
enum Assigned {
    /// Read from `PORT`.
    FromEnv,
    /// A port literal (`"3000"`, `":3000"`, `3000`) at this range, in a local `:=`/`var` (a
    /// function call may replace it there; a `const` cannot hold one).
    Literal(usize, usize),
    /// A port constant: the address is replaced whole (an unused constant still builds).
    Constant,
}

/// The first assignment of `name` in the file, when it is a port literal or reads `PORT`.
fn assigned_port(masked: &str, name: &str) -> Option<Assigned> {
    let decl = re(&format!(
        r"(?m)^[ \t]*(const[ \t]+|var[ \t]+)?{}[ \t]*(?:[\w.]+[ \t]*)?(:=|=)[ \t]*([^\n;]*)",
        regex::escape(name)
    ));
    let c = decl.captures(masked)?;
    let value = c.get(3)?;
    if value.as_str().contains("os.Getenv(\"PORT\")") || value.as_str().contains("os.LookupEnv(\"PORT\")") {
        return Some(Assigned::FromEnv);
    }
    let v = value.as_str().trim_end();
    let port_literal = re(r#"^(?:"[\w.\-]*:?\d{2,5}"|\d{2,5})$"#);
    let constant = c.get(1).is_some_and(|k| k.as_str().starts_with("const"));
    match (port_literal.is_match(v), constant) {
        (true, false) => Some(Assigned::Literal(value.start(), value.start() + v.len())),
        (true, true) => Some(Assigned::Constant),
        _ => None,
    }
}

/// The range `(s, e)` without its surrounding whitespace.
fn trimmed(text: &str, (s, e): (usize, usize)) -> (usize, usize) {
    let inner = &text[s..e];
    let start = s + (inner.len() - inner.trim_start().len());
    (start, start + inner.trim().len())
}

/// fmt's and log's printing (where the file imports them unaliased) becomes the module's functions
/// of the same name; an import left unused is removed (Go refuses to build with one).
fn switch_printing(f: &TextFile, masked: &str, edits: &mut Edits) {
    for package in ["fmt", "log"] {
        let Some(import) = import_line(masked, package) else { continue };
        let mut switched = 0;
        for c in PRINTING.captures_iter(masked) {
            let (Some(pkg), Some(func)) = (c.get(1), c.get(2)) else { continue };
            // fmt's Fatal/Panic do not exist: those names are log's only.
            if pkg.as_str() != package
                || !in_code(masked, pkg.start(), Dialect::Go)
                || package == "fmt" && !func.as_str().starts_with("Print")
            {
                continue;
            }
            edits.replace(pkg.start(), pkg.end(), "observability");
            switched += 1;
        }
        let used = re(&format!(r"\b{package}\."));
        let uses = used.find_iter(masked).filter(|m| in_code(masked, m.start(), Dialect::Go)).count();
        if switched > 0 && uses == switched {
            edits.replace(line_start(&f.text, import), line_end(&f.text, import), "");
        }
    }
}

/// Offset of the line importing `package` without an alias (`"fmt"` in a block, `import "fmt"`).
fn import_line(masked: &str, package: &str) -> Option<usize> {
    let pattern = re(&format!(r#"(?m)^(?:import)?[ \t]*"{package}"[ \t]*$"#));
    pattern.find(masked).map(|m| m.start())
}

/// Adds `"<module>"` to the file's imports, as a group of its own (gofmt keeps it so).
fn add_import(masked: &str, module: &str, edits: &mut Edits) {
    let line = format!("\t\"{module}\"\n");
    if let Some(block) = re(r"(?m)^import[ \t]*\(").find(masked)
        && let Some(close) = re(r"(?m)^\)").find_at(masked, block.end())
    {
        edits.insert(close.start(), format!("\n{line}"));
        return;
    }
    if let Some(single) = re(r#"(?m)^import[ \t]+("[^"\n]*")[ \t]*$"#).captures(masked) {
        let (Some(all), Some(path)) = (single.get(0), single.get(1)) else { return };
        edits.replace(all.start(), all.end(), format!("import (\n\t{}\n\n{line})", path.as_str()));
        return;
    }
    if let Some(package) = re(r"(?m)^package[ \t]+\w+[ \t]*\n").find(masked) {
        edits.insert(package.end(), format!("\nimport \"{module}\"\n"));
    }
}

/// What to do by hand when the app's shape is not one the wiring knows.
fn by_hand(module: &str, listen: Option<(&TextFile, usize)>) -> String {
    let at = listen
        .map(|(f, at)| format!("{}:{}", f.file, line_of(&f.text, at)))
        .unwrap_or_else(|| "the file of `func main`".to_string());
    format!(
        "vibe wires Go apps that call `http.ListenAndServe(addr, handler)` from the main package at the repo root \
         (or cmd/<name>) with go.mod at the root. By hand: in go.mod add `require {module} v0.0.0` and `replace \
         {module} => ./observability` (a local module: no go.sum line); in {at} import \"{module}\", call \
         `observability.Setup()` first in main() (JSON logs, also for the `log` package, and the management server \
         on MGMT_PORT), and serve with `http.ListenAndServe(observability.HTTPAddr(), observability.Instrument(mux))` \
         (mux: your handler, `http.DefaultServeMux` when you passed nil)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The listen address of `src` made the platform's: the edited text, or None when refused.
    fn addr(src: &str) -> Option<String> {
        let masked = lang::mask(src, Dialect::Go);
        let m = LISTEN.find(&masked)?;
        let (_, args) = call(&masked, m.end() - 1, Dialect::Go)?;
        let mut edits = Edits::default();
        platform_addr(src, &masked, trimmed(src, args[0]), &mut edits).then(|| edits.apply(src))
    }

    #[test]
    fn the_listen_address_becomes_the_platform_port_where_it_is_set() {
        let literal = addr("func main() {\n\thttp.ListenAndServe(\":8080\", nil)\n}\n").unwrap();
        assert!(literal.contains("http.ListenAndServe(observability.HTTPAddr(), nil)"), "{literal}");
        let int =
            addr("func main() {\n\tport := 3000\n\thttp.ListenAndServe(fmt.Sprintf(\":%d\", port), nil)\n}\n").unwrap();
        assert!(int.contains("port := observability.HTTPPort\n"), "{int}");
        assert!(int.contains("fmt.Sprintf(\":%d\", port)"), "the variable stays in use: {int}");
        let text = addr("func main() {\n\tvar addr = \"0.0.0.0:3000\"\n\thttp.ListenAndServe(addr, mux)\n}\n").unwrap();
        assert!(text.contains("var addr = observability.HTTPAddr()"), "{text}");
        let constant =
            addr("const port = \"3000\"\n\nfunc main() {\n\thttp.ListenAndServe(\":\"+port, mux)\n}\n").unwrap();
        assert!(constant.contains("ListenAndServe(observability.HTTPAddr(), mux)"), "{constant}");
        let env = "func main() {\n\tport := os.Getenv(\"PORT\")\n\thttp.ListenAndServe(\":\"+port, mux)\n}\n";
        assert_eq!(addr(env).as_deref(), Some(env), "already the platform's");
        let direct = "func main() {\n\thttp.ListenAndServe(\":\"+os.Getenv(\"PORT\"), mux)\n}\n";
        assert_eq!(addr(direct).as_deref(), Some(direct), "already the platform's");
        // A flag or a config field: the wiring cannot tell what it is, so it edits nothing.
        assert_eq!(
            addr(
                "func main() {\n\taddr := flag.String(\"addr\", \":8080\", \"\")\n\thttp.ListenAndServe(*addr, nil)\n}\n"
            ),
            None
        );
    }

    #[test]
    fn printing_becomes_the_module_and_an_unused_import_goes() {
        let src = "package main\n\nimport (\n\t\"fmt\"\n\t\"log\"\n\t\"net/http\"\n)\n\nfunc h(w http.ResponseWriter) {\n\tfmt.Fprintln(w, \"ok\")\n\tfmt.Println(\"hi\")\n\tlog.Printf(\"x %d\", 1)\n\tlog.Fatal(\"y\")\n}\n";
        let f =
            TextFile { file: "main.go".into(), lang: crate::repo::Lang::Code(lang::Language::Go), text: src.into() };
        let masked = lang::mask(src, Dialect::Go);
        let mut edits = Edits::default();
        switch_printing(&f, &masked, &mut edits);
        add_import(&masked, "shop/observability", &mut edits);
        let out = edits.apply(src);
        assert!(out.contains("\t\"fmt\"\n"), "fmt.Fprintln still needs fmt: {out}");
        assert!(!out.contains("\"log\""), "log is no longer used: {out}");
        for line in ["observability.Println(\"hi\")", "observability.Printf(\"x %d\", 1)", "observability.Fatal(\"y\")"]
        {
            assert!(out.contains(line), "{line}: {out}");
        }
        assert!(out.contains("\t\"net/http\"\n\n\t\"shop/observability\"\n)"), "{out}");
        let single = "package main\n\nimport \"net/http\"\n";
        let mut edits = Edits::default();
        add_import(single, "shop/observability", &mut edits);
        assert_eq!(edits.apply(single), "package main\n\nimport (\n\t\"net/http\"\n\n\t\"shop/observability\"\n)\n");
    }
}
