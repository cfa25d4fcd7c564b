//! What a start command means: the words of a Dockerfile's CMD/ENTRYPOINT (or a package.json
//! script) read as the program they run, the file or module they name, whether it is a
//! development server, and the ports written into it.

/// What a start command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A source file run by its interpreter (`node server.js`, `python main.py`), as written.
    File(String),
    /// A Python module (`python -m app`, `gunicorn app:app` -> `app`), dotted.
    PyModule(String),
    /// A package.json script (`npm start` -> `start`).
    Script(String),
    /// A program built by the image (`/app/server`, `java -jar app.jar`), as written.
    Built(String),
    /// Nothing the review can follow (a shell builtin, an unknown program).
    Unknown,
}

/// A start command, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The words, as run (a `sh -c` string split into its last command).
    pub words: Vec<String>,
    /// What it runs.
    pub target: Target,
    /// The production server it needs installed (`gunicorn`, `uvicorn`), when it names one.
    pub server: Option<&'static str>,
    /// Why this is a development server, in words, when it is one.
    pub dev: Option<&'static str>,
    /// Ports written into the command (`--port 8000`, `-b 0.0.0.0:8000`, `php -S :8000`), as written.
    pub ports: Vec<String>,
    /// The folder the command changes to first (`gunicorn --chdir src`, `--app-dir src`).
    pub chdir: Option<String>,
}

/// Python WSGI/ASGI servers whose command names `module:app`.
const PY_SERVERS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "daphne", "waitress-serve", "granian"];
/// Options of those servers (and node/python) that take a value as the next word.
const VALUE_OPTIONS: &[&str] = &[
    "-b",
    "--bind",
    "-w",
    "--workers",
    "-k",
    "--worker-class",
    "-c",
    "--config",
    "-t",
    "--timeout",
    "--threads",
    "--chdir",
    "--app-dir",
    "--host",
    "--port",
    "-p",
    "--log-level",
    "--log-config",
    "--access-logfile",
    "--error-logfile",
    "--graceful-timeout",
    "--keep-alive",
    "--max-requests",
    "--max-requests-jitter",
    "--forwarded-allow-ips",
    "--root-path",
    "--env-file",
    "--interface",
    "-r",
    "--require",
    "--listen",
    "--worker-tmp-dir",
    "--name",
    "-n",
    "--loop",
    "--http",
    "--ws",
    "--lifespan",
    "--limit-concurrency",
    "--backlog",
    "--timeout-keep-alive",
    "--ssl-keyfile",
    "--ssl-certfile",
    "--import",
    "--loader",
];

/// Splits a shell command line into words (quotes and backslashes as `sh` reads them; no expansion).
pub fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => cur.extend(chars.next()),
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, '\\') => cur.extend(chars.next()),
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The words of a Dockerfile CMD/ENTRYPOINT argument: exec form (a JSON array) or shell form.
pub fn instruction_words(args: &str) -> Vec<String> {
    let args = args.trim();
    if args.starts_with('[')
        && let Ok(words) = serde_json::from_str::<Vec<String>>(args)
    {
        return words;
    }
    let mut words = vec!["sh".to_string(), "-c".to_string()];
    words.push(args.to_string());
    words
}

/// The command a shell line finally runs: after `sh -c`, the last of `a && b; c` that is not a
/// setup step, without `exec` and leading `VAR=value` assignments.
fn last_command(words: Vec<String>) -> Vec<String> {
    let shell = words.first().is_some_and(|w| matches!(w.rsplit('/').next(), Some("sh" | "bash" | "ash")));
    let words = if shell && words.get(1).is_some_and(|w| w.starts_with('-') && w.contains('c')) {
        let script = words.get(2).cloned().unwrap_or_default();
        // `a && b`, `a; b` and `a & b` (a background helper): the last command is the app.
        let parts: Vec<&str> =
            script.split("&&").flat_map(|p| p.split(';')).flat_map(|p| p.split(" & ")).map(str::trim).collect();
        let last = parts.iter().rev().find(|p| !p.is_empty()).copied().unwrap_or("");
        shell_words(last)
    } else {
        words
    };
    words.into_iter().skip_while(|w| w == "exec" || (w.contains('=') && !w.starts_with('-'))).collect()
}

/// Reads a start command from its words.
pub fn read(words: Vec<String>) -> Command {
    let words = last_command(words);
    let mut cmd =
        Command { words: words.clone(), target: Target::Unknown, server: None, dev: None, ports: vec![], chdir: None };
    let Some(program) = words.first().map(|w| w.rsplit('/').next().unwrap_or(w).to_string()) else {
        return cmd;
    };
    let rest = &words[1..];
    match program.as_str() {
        "node" | "nodejs" | "bun" | "ts-node" | "tsx" => node(&mut cmd, rest),
        "deno" => node(&mut cmd, rest.get(1..).unwrap_or_default()),
        "nodemon" => {
            cmd.dev = Some("nodemon restarts the app on every file change: a development tool");
            node(&mut cmd, rest);
        }
        "npm" | "yarn" | "pnpm" => package_script(&mut cmd, rest),
        "npx" => read_into(&mut cmd, rest.to_vec()),
        "next" => next(&mut cmd, rest),
        "vite" | "react-scripts" => cmd.dev = Some("a front-end development server"),
        p if p.starts_with("python") => python(&mut cmd, rest),
        "flask" => flask(&mut cmd, rest),
        "fastapi" => {
            if rest.first().is_some_and(|w| w == "dev") {
                cmd.dev = Some("`fastapi dev` is FastAPI's development server (it reloads on changes)");
            }
            cmd.server = Some("fastapi");
            if let Some(f) = rest.iter().skip(1).find(|w| w.ends_with(".py")) {
                cmd.target = Target::File(f.clone());
            }
            options(&mut cmd, rest);
        }
        p if PY_SERVERS.contains(&p) => py_server(&mut cmd, p, rest),
        "php" => php(&mut cmd, rest),
        "java" => {
            if let Some(i) = rest.iter().position(|w| w == "-jar") {
                cmd.target = Target::Built(rest.get(i + 1).cloned().unwrap_or_default());
            }
        }
        "apache2-foreground" | "php-fpm" | "nginx" | "caddy" | "frankenphp" => {
            cmd.target = Target::Built(program.clone());
        }
        p if !p.contains('.') || words[0].starts_with('/') || words[0].starts_with("./") => {
            cmd.target = Target::Built(words[0].clone());
        }
        _ => cmd.target = Target::File(words[0].clone()),
    }
    cmd
}

fn read_into(cmd: &mut Command, words: Vec<String>) {
    let inner = read(words);
    *cmd = inner;
}

fn node(cmd: &mut Command, rest: &[String]) {
    let mut skip = false;
    for w in rest {
        if skip {
            skip = false;
        } else if w == "-r" || w == "--require" || w == "--import" || w == "--loader" {
            skip = true;
        } else if w == "--watch" {
            cmd.dev = Some("`node --watch` restarts the app on every file change: a development mode");
        } else if !w.starts_with('-') {
            if w == "run" {
                continue;
            }
            cmd.target = Target::File(w.clone());
            return;
        }
    }
}

fn package_script(cmd: &mut Command, rest: &[String]) {
    let args: Vec<&String> = rest.iter().filter(|w| !w.starts_with('-')).collect();
    let name = match args.as_slice() {
        [] => return,
        [run, name, ..] if *run == "run" || *run == "run-script" => (*name).clone(),
        [first, ..] if matches!(first.as_str(), "start" | "dev" | "serve") => (*first).clone(),
        [first, ..] if matches!(first.as_str(), "ci" | "install" | "i") => return,
        [first, ..] => (*first).clone(),
    };
    cmd.target = Target::Script(name);
}

fn next(cmd: &mut Command, rest: &[String]) {
    match rest.first().map(String::as_str) {
        Some("dev") => cmd.dev = Some("`next dev` is Next.js' development server"),
        Some("start") => cmd.target = Target::Built(".next".into()),
        _ => {}
    }
    options(cmd, rest);
}

fn python(cmd: &mut Command, rest: &[String]) {
    let mut i = 0;
    while i < rest.len() {
        let w = &rest[i];
        if w == "-m" {
            let module = rest.get(i + 1).cloned().unwrap_or_default();
            let after = rest.get(i + 2..).unwrap_or_default();
            match module.as_str() {
                "flask" => flask(cmd, after),
                m if PY_SERVERS.contains(&m) => py_server(cmd, m, after),
                _ => cmd.target = Target::PyModule(module),
            }
            return;
        }
        if !w.starts_with('-') {
            cmd.target = Target::File(w.clone());
            if w.ends_with("manage.py") && rest.get(i + 1).is_some_and(|c| c == "runserver") {
                cmd.dev = Some("`manage.py runserver` is Django's development server");
                cmd.ports.extend(rest.get(i + 2).filter(|a| a.chars().any(|c| c.is_ascii_digit())).cloned());
            }
            return;
        }
        i += 1;
    }
}

fn flask(cmd: &mut Command, rest: &[String]) {
    if rest.first().is_some_and(|w| w == "run") {
        cmd.dev = Some("`flask run` is Flask's development server, with or without --debug");
    }
    options(cmd, rest);
    if let Some(i) = rest.iter().position(|w| w == "--app" || w == "-A") {
        cmd.target = Target::PyModule(module_of(rest.get(i + 1).map(String::as_str).unwrap_or("")));
    }
}

fn py_server(cmd: &mut Command, server: &str, rest: &[String]) {
    cmd.server = Some(match server {
        "gunicorn" => "gunicorn",
        "uvicorn" => "uvicorn",
        "hypercorn" => "hypercorn",
        "daphne" => "daphne",
        "granian" => "granian",
        _ => "waitress",
    });
    if rest.iter().any(|w| w == "--reload" || w.starts_with("--reload=")) {
        cmd.dev = Some("`--reload` restarts the server on every file change: a development mode");
    }
    options(cmd, rest);
    let mut skip = false;
    for w in rest {
        if skip {
            skip = false;
        } else if VALUE_OPTIONS.contains(&w.as_str()) {
            skip = true;
        } else if !w.starts_with('-')
            && w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && (w.contains(':') || w.chars().all(|c| c.is_alphanumeric() || "._".contains(c)))
        {
            cmd.target = Target::PyModule(module_of(w));
            return;
        }
    }
}

/// True when the command is `flask ...` or `python -m flask ...`.
pub fn runs_flask(words: &[String]) -> bool {
    let program = words.first().map(|w| w.rsplit('/').next().unwrap_or(w)).unwrap_or("");
    program == "flask" || (program.starts_with("python") && words.windows(2).any(|w| w[0] == "-m" && w[1] == "flask"))
}

/// `pkg.mod:app` / `pkg.mod:create_app()` -> `pkg.mod`.
pub fn module_of(spec: &str) -> String {
    spec.split(':').next().unwrap_or(spec).trim_end_matches(".py").replace('/', ".")
}

fn php(cmd: &mut Command, rest: &[String]) {
    // `php -S` is PHP's built-in server; vibe's own PHP image serves with it, so it is no B8 finding.
    if let Some(i) = rest.iter().position(|w| w == "-S") {
        cmd.ports.extend(rest.get(i + 1).cloned());
        let root = rest.iter().position(|w| w == "-t").and_then(|t| rest.get(t + 1));
        let router = rest.iter().skip(i + 2).find(|w| w.ends_with(".php"));
        cmd.target = match (router, root) {
            (Some(r), _) => Target::File(r.clone()),
            (None, Some(root)) => Target::File(format!("{}/index.php", root.trim_end_matches('/'))),
            (None, None) => Target::File("index.php".into()),
        };
    } else if let Some(f) = rest.iter().find(|w| w.ends_with(".php")) {
        cmd.target = Target::File(f.clone());
    }
}

/// Reads the options every server shares: ports (`--port N`, `-p N`, `-b host:N`, `--bind=...`)
/// and the folder it changes to.
fn options(cmd: &mut Command, rest: &[String]) {
    for (i, w) in rest.iter().enumerate() {
        let (name, value) = match w.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v.to_string())),
            _ => (w.as_str(), rest.get(i + 1).cloned()),
        };
        let Some(value) = value else { continue };
        match name {
            "--port" | "-p" | "--listen" => cmd.ports.push(value),
            "-b" | "--bind" | "-h" | "--host" if value.contains(':') => cmd.ports.push(value),
            "--chdir" | "--app-dir" => cmd.chdir = Some(value),
            _ => {}
        }
    }
}

/// The port number a written port names (`0.0.0.0:8000` -> 8000), when it is a number, not a variable.
pub fn literal_port(written: &str) -> Option<u16> {
    let p = written.rsplit(':').next().unwrap_or(written);
    p.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(line: &str) -> Command {
        read(instruction_words(line))
    }

    #[test]
    fn reads_what_creators_write_in_cmd() {
        assert_eq!(cmd(r#"["node", "server.js"]"#).target, Target::File("server.js".into()));
        assert_eq!(cmd("npm start").target, Target::Script("start".into()));
        assert_eq!(cmd(r#"["npm", "run", "dev"]"#).target, Target::Script("dev".into()));
        assert_eq!(cmd(r#"["python", "-m", "app"]"#).target, Target::PyModule("app".into()));
        let g = cmd(r#"["gunicorn", "-b", "0.0.0.0:8000", "-w", "2", "shop.wsgi:application"]"#);
        assert_eq!(
            (g.target, g.server, g.ports),
            (Target::PyModule("shop.wsgi".into()), Some("gunicorn"), vec!["0.0.0.0:8000".to_string()])
        );
        let u = cmd("uvicorn main:app --host 0.0.0.0 --port ${PORT:-8081} --reload");
        assert_eq!(u.target, Target::PyModule("main".into()));
        assert!(u.dev.is_some());
        assert_eq!(literal_port(&u.ports[0]), None);
        let f = cmd("flask run --host=0.0.0.0 --port=5000");
        assert!(f.dev.is_some());
        assert_eq!(f.ports, ["5000"]);
        assert_eq!(cmd("python manage.py migrate && python manage.py runserver 0.0.0.0:8000").ports, ["0.0.0.0:8000"]);
        assert_eq!(cmd(r#"["/app/server"]"#).target, Target::Built("/app/server".into()));
        assert_eq!(cmd(r#"["java", "-jar", "app.jar"]"#).target, Target::Built("app.jar".into()));
        assert_eq!(cmd("exec NODE_ENV=production node dist/index.js").target, Target::File("dist/index.js".into()));
        assert_eq!(cmd(r#"["python", "-m", "uvicorn", "app.main:app"]"#).server, Some("uvicorn"));
        assert!(cmd(r#"["npx", "nodemon", "index.js"]"#).dev.is_some());
        // vibe's PHP image: a management router in the background, the app's server last.
        let php = cmd(r#"["sh", "-c", "php -S 0.0.0.0:8082 router.php & exec php -S 0.0.0.0:8081 -t public"]"#);
        assert_eq!((php.target, php.dev), (Target::File("public/index.php".into()), None));
        assert_eq!(cmd("node server.js 2>&1").target, Target::File("server.js".into()));
    }
}
