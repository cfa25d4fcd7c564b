//! B7: the app listens where the platform sends traffic: its HTTP server on 8081 or `PORT`, its
//! management endpoints on 8082 or `MGMT_PORT` (or the generated observability module, imported).
//! Judged on the entry code (what the image starts and what it imports) and on the start
//! command's own port options (`--port 8000`, `-b 0.0.0.0:8000`).

use super::listen_sites::{self, Listen, Port};
use super::*;
use crate::lang::{Language, TextFile};
use crate::review::model::entry::{self, Entry};

/// Words in a line that say the server it opens is the management one.
const MGMT_WORDS: &[&str] = &["mgmt", "management", "health", "admin", "probe"];

/// B7: no hard-coded port other than 8081 (traffic) or 8082 (management), and something serves
/// the management endpoints.
pub fn b7(r: &Review, out: &mut Vec<Finding>) {
    let entry = &r.model.entry;
    command_ports(r.repo, entry, out);
    let spring_mgmt = super::spring_ports::judge(r.repo, out);
    if !entry.known() {
        return;
    }
    // Under gunicorn/uvicorn the module is imported, so its `if __name__ == "__main__": app.run(...)` never runs.
    let imported_by_server = entry.command.as_ref().is_some_and(|c| c.server.is_some());
    let mut mgmt = spring_mgmt || entry.files.iter().any(|f| f.file.starts_with("observability/"));
    for f in &entry.files {
        let python = f.lang.language() == Some(Language::Python);
        for l in listen_sites::listens(f) {
            if python && imported_by_server {
                continue;
            }
            match &l.port {
                Port::Env(name) => mgmt |= name == "MGMT_PORT",
                Port::Literal(p, _) if *p == PORT_MGMT => mgmt = true,
                Port::Literal(p, _) if *p == PORT_HTTP => {}
                Port::Literal(..) | Port::Default(_) => out.push(hard_coded(&l)),
                Port::Unknown => {}
            }
        }
    }
    if !mgmt && !mgmt_sidecar(r) {
        out.push(no_management(entry));
    }
}

/// A pod where another container (the nginx mgmt sidecar) declares 8082 serves the management port.
fn mgmt_sidecar(r: &Review) -> bool {
    r.model.long_running_apps().any(|w| {
        let app = w.app_container().map(|c| c.name);
        w.main_containers()
            .iter()
            .any(|c| Some(c.name) != app && c.ports().iter().any(|(n, _)| *n == i64::from(PORT_MGMT)))
    })
}

/// True when a line is about the management server.
fn is_mgmt(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    MGMT_WORDS.iter().any(|w| lower.contains(w))
}

/// The expression that reads the platform's port in `language`, with its default.
fn env_expr(language: Option<Language>, mgmt: bool) -> String {
    let (env, port) = if mgmt { ("MGMT_PORT", PORT_MGMT) } else { ("PORT", PORT_HTTP) };
    match language {
        Some(Language::Node) => format!("process.env.{env} || {port}"),
        Some(Language::Python) => format!("int(os.environ.get(\"{env}\", \"{port}\"))"),
        _ => port.to_string(),
    }
}

fn hard_coded(l: &Listen) -> Finding {
    let f: &TextFile = l.file;
    let (at, port) = match &l.port {
        Port::Literal(p, (s, _)) => (*s, *p),
        Port::Default(p) => (l.at, *p),
        _ => (l.at, 0),
    };
    let line = listen_sites::line_text(&f.text, at);
    let mgmt = is_mgmt(line);
    let (target, env) = if mgmt { (PORT_MGMT, "MGMT_PORT") } else { (PORT_HTTP, "PORT") };
    let what = if mgmt { "its probes" } else { "traffic" };
    let fix = match &l.port {
        Port::Literal(_, (s, e)) => {
            let in_string = f.text[..*s].ends_with(['"', '\'', '`', ':']);
            let new = if in_string { target.to_string() } else { env_expr(f.lang.language(), mgmt) };
            let start = f.text[..*s].rfind('\n').map_or(0, |i| i + 1);
            let end = f.text[*e..].find('\n').map_or(f.text.len(), |i| e + i);
            let changed = format!("{}{new}{}", &f.text[start..*s], &f.text[*e..end]);
            let import = if new.contains("os.environ") && !f.text.contains("import os") {
                " (and `import os` at the top)"
            } else {
                ""
            };
            format!(
                "In `{}` line {}, change `{line}` to `{}`{import}.",
                f.file,
                listen_sites::line_of(f, at),
                changed.trim()
            )
        }
        _ => format!(
            "In `{}` line {}, pass the port to that call: add `host=\"0.0.0.0\", port={}`.",
            f.file,
            listen_sites::line_of(f, at),
            env_expr(f.lang.language(), mgmt)
        ),
    };
    let how = if matches!(l.port, Port::Default(_)) { "listens on its default port" } else { "hard-codes port" };
    Finding::new(CheckId::B7, f.file.clone(), Some(listen_sites::line_of(f, at)))
        .message(format!(
            "`{line}` {how} {port}, but the platform sends {what} to port {target} (the `{env}` variable): nothing \
             answers there, and Kubernetes restarts the pod over and over"
        ))
        .fix(fix)
}

fn no_management(entry: &Entry) -> Finding {
    let root = entry.root_files().first().or(entry.files.first()).map(|f| f.file.clone()).unwrap_or_default();
    let endpoints = contract::MGMT_ENDPOINTS.iter().map(|e| e.path).collect::<Vec<_>>().join(", ");
    let imported = match entry.files.len().saturating_sub(1) {
        0 => String::new(),
        1 => " and the local file it imports".to_string(),
        n => format!(" and the {n} local files it imports"),
    };
    Finding::new(CheckId::B7, root.clone(), None)
        .message(format!(
            "Nothing in the code the image starts (`{root}`{imported}) serves the management endpoints on port \
             {PORT_MGMT}: Kubernetes' probes get no answer there and restart the app"
        ))
        .fix(format!(
            "Import the generated observability module from `{root}` and start its management server (\
             observability/README.md, \"Wire it in\"), or serve {endpoints} on the port in `MGMT_PORT` (default \
             {PORT_MGMT})."
        ))
}

/// Ports written into the start command: in the Dockerfile's CMD, or in the package.json script it runs.
fn command_ports(repo: &crate::repo::Repo, entry: &Entry, out: &mut Vec<Finding>) {
    let (Some(image), Some(cmd)) = (&entry.image, &entry.command) else { return };
    let (file, line, text) = match entry.scripts.last() {
        Some(s) => {
            let Some(pkg) = repo.dependency_files.iter().find(|f| f.file == s.file) else { return };
            let at = pkg.text.find(&format!("\"{}\"", s.name)).unwrap_or(0);
            (s.file.clone(), listen_sites::line_of(pkg, at), s.command.clone().unwrap_or_default())
        }
        None => {
            let Some(line) = image.line else { return };
            let ins = image.dockerfile.instructions.iter().find(|i| i.line == line);
            (image.dockerfile.file.clone(), line, ins.map(|i| format!("{} {}", i.keyword, i.args)).unwrap_or_default())
        }
    };
    let mut ports: Vec<(String, u16)> =
        cmd.ports.iter().filter_map(|p| entry::literal_port(p).map(|n| (p.clone(), n))).collect();
    // uvicorn's default port only when no port is given at all: `--port $PORT` is the platform's.
    if cmd.ports.is_empty() && cmd.dev.is_none() && matches!(cmd.server, Some("uvicorn" | "hypercorn")) {
        ports.push((String::new(), 8000));
    }
    for (written, port) in ports.into_iter().filter(|(_, p)| *p != PORT_HTTP && *p != PORT_MGMT) {
        let server = cmd.words.first().map(|w| w.rsplit('/').next().unwrap_or(w)).unwrap_or("the server");
        let (message, fix) = if written.is_empty() {
            (
                format!(
                    "`{server}` is started without `--port`, so it listens on 127.0.0.1:{port}, not on 0.0.0.0:{PORT_HTTP} where the platform sends traffic"
                ),
                format!("In `{file}` line {line}, add `--host 0.0.0.0 --port {PORT_HTTP}` to `{}`.", text.trim()),
            )
        } else {
            let new = written.replace(&port.to_string(), &PORT_HTTP.to_string());
            (
                format!(
                    "`{}` makes `{server}` listen on port {port}, but the platform sends traffic to port {PORT_HTTP}: nothing answers there, and Kubernetes restarts the pod over and over",
                    text.trim()
                ),
                format!(
                    "In `{file}` line {line}, change `{written}` to `{new}`: `{}`.",
                    text.trim().replacen(&written, &new, 1)
                ),
            )
        };
        out.push(Finding::new(CheckId::B7, file.clone(), Some(line)).message(message).fix(fix));
    }
}
