//! Node.js: Express (`express()`), Fastify (`Fastify(`, `require('fastify')(`) and plain
//! `http.createServer(handler)` apps get the module's metrics handler, its management server, the
//! `PORT` it reads, and its JSON logger in place of `console.*`.

use super::{Edits, call, in_code, indent_at, line_end, line_of, npm_deps, port_literal};
use crate::edit::Files;
use crate::lang::{self, Dialect, re};
use crate::repo::{Repo, TextFile};
use regex::Regex;
use std::sync::LazyLock;

/// `const app = express()`: the Express app object and its name.
static EXPRESS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*express\s*\(\s*\)"));
/// `const app = Fastify({...})`, `require('fastify')(...)`, `fastify.default(...)`.
static FASTIFY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:require\s*\(\s*['"]fastify['"]\s*\)|[Ff]astify(?:\.default)?)\s*\("#,
    )
});
/// `http.createServer(` (node:http) with the request handler as its argument.
static CREATE_SERVER: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:https?\.)?createServer\s*\("));
/// A `.listen(` call.
static LISTEN: LazyLock<Regex> = LazyLock::new(|| re(r"\.listen\s*\("));
/// `console.log(` and its siblings.
static CONSOLE: LazyLock<Regex> = LazyLock::new(|| re(r"\bconsole\.(log|info|warn|error|debug|trace)\s*\("));
/// A top-level `require(...)` or `import` statement.
static IMPORT_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^(?:(?:const|let|var)\s+[^=\n]+=\s*require\s*\(|import\s)"#));
/// ES module syntax.
static ESM: LazyLock<Regex> = LazyLock::new(|| re(r#"(?m)^\s*(?:import\s+[\w{*][^\n]*\bfrom\s+['"]|export\s)"#));

/// The framework of the app object found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Framework {
    Express,
    Fastify,
    NodeHttp,
}

/// Where this language's app object is.
type AppObject<'a> = super::AppObject<'a, Framework>;

fn find_app<'a>(app: &[&'a TextFile]) -> Option<AppObject<'a>> {
    for (framework, pattern) in
        [(Framework::Express, &*EXPRESS), (Framework::Fastify, &*FASTIFY), (Framework::NodeHttp, &*CREATE_SERVER)]
    {
        for f in app.iter().filter(|f| lang::dialect(f) == Dialect::Js) {
            let masked = lang::mask(&f.text, Dialect::Js);
            if let Some(c) = pattern
                .captures_iter(&masked)
                .find(|c| in_code(&masked, c.get(0).map_or(0, |m| m.start()), Dialect::Js))
            {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                let name = c.get(1).map_or(String::new(), |m| m.as_str().to_string());
                return Some(AppObject { file: f, framework, name, at: whole.start });
            }
        }
    }
    None
}

/// The require path of the module from `file` (repo-relative).
fn module_path(file: &str, esm: bool) -> String {
    let depth = file.matches('/').count();
    let up = if depth == 0 { "./".to_string() } else { "../".repeat(depth) };
    format!("{up}observability/vibe-observability{}", if esm { ".js" } else { "" })
}

/// A name for the module not taken in the file.
fn module_name(masked: &str) -> &'static str {
    if re(r"\bobs\b").is_match(masked) { "vibeObs" } else { "obs" }
}

/// Where a new top-level import goes: after the last top-level require/import before `before`.
fn import_point(text: &str, masked: &str, before: usize) -> usize {
    let b = masked.as_bytes();
    let last = IMPORT_LINE.find_iter(masked).filter(|m| m.start() < before).last();
    match last {
        Some(m) => line_end(text, lang::statement_end(b, m.start(), Dialect::Js).min(text.len().saturating_sub(1))),
        None => {
            // After a shebang and a 'use strict' directive.
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                let t = line.trim();
                if t.starts_with("#!") || t.starts_with("'use strict'") || t.starts_with("\"use strict\"") {
                    at += line.len();
                } else {
                    break;
                }
            }
            at
        }
    }
}

/// Replaces `console.*(...)` calls with the module's logger in `text`.
fn switch_console(text: &str, masked: &str, obs: &str, edits: &mut Edits) -> usize {
    let mut n = 0;
    for c in CONSOLE.captures_iter(masked) {
        let Some(whole) = c.get(0) else { continue };
        if !in_code(masked, whole.start(), Dialect::Js) {
            continue;
        }
        let level = match &c[1] {
            "log" | "info" => "info",
            "warn" => "warn",
            "error" => "error",
            "debug" => "debug",
            _ => "trace",
        };
        let open = whole.end() - 1;
        let Some((close, args)) = call(masked, open, Dialect::Js) else { continue };
        let args: Vec<&str> = args.iter().map(|(s, e)| text[*s..*e].trim()).filter(|a| !a.is_empty()).collect();
        let inner = match args.as_slice() {
            [] => continue,
            [one] => one.to_string(),
            [first, rest @ ..] => {
                // console.log joins its arguments with spaces; pino formats them into its message.
                let quoted = (first.starts_with('\'') || first.starts_with('"'))
                    && first.len() >= 2
                    && first.ends_with(&first[..1])
                    && !first.contains('%');
                if quoted {
                    let q = &first[..1];
                    let body = &first[1..first.len() - 1];
                    format!("{q}{body}{}{q}, {}", " %s".repeat(rest.len()), rest.join(", "))
                } else {
                    format!("'{}', {}", vec!["%s"; args.len()].join(" "), args.join(", "))
                }
            }
        };
        edits.replace(whole.start(), close, format!("{obs}.logger.{level}({inner})"));
        n += 1;
    }
    n
}

/// The port argument of `.listen(...)` calls: a literal becomes the module's `HTTP_PORT`, as
/// does a `const PORT = 3000` it names; `process.env.PORT` with any default stays.
fn switch_port(text: &str, masked: &str, obs: &str, framework: Framework, edits: &mut Edits) {
    let port = format!("{obs}.HTTP_PORT");
    for m in LISTEN.find_iter(masked) {
        if !in_code(masked, m.start(), Dialect::Js) {
            continue;
        }
        let Some((_, args)) = call(masked, m.end() - 1, Dialect::Js) else { continue };
        let Some(&(s, e)) = args.first() else {
            continue;
        };
        let arg = &text[s..e];
        let trimmed = arg.trim();
        let lead = arg.len() - arg.trim_start().len();
        if port_literal(trimmed).is_some() {
            edits.replace(s + lead, s + lead + trimmed.len(), port.clone());
        } else if trimmed.starts_with('{') {
            // Fastify: listen({ port: 3000, host: '0.0.0.0' }); without a host it listens on localhost only.
            let obj = &masked[s..e];
            if let Some(c) = re(r"\bport\s*:\s*([^,}\n]+)").captures(obj) {
                let v = c.get(1).map_or(0..0, |g| g.range());
                let value = obj[v.clone()].trim();
                if port_literal(value).is_some() {
                    edits.replace(s + v.start, s + v.start + value.len(), port.clone());
                } else if let Some(ident) = identifier(value) {
                    switch_constant(text, masked, ident, &port, edits);
                }
            } else if let Some(open) = obj.find('{') {
                edits.insert(s + open + 1, format!(" port: {port},"));
            }
            if framework == Framework::Fastify && !re(r"\bhost\s*:").is_match(obj) {
                let close = obj.rfind('}').unwrap_or(obj.len());
                let before = obj[..close].trim_end();
                let comma = if before.ends_with(',') || before.ends_with('{') { "" } else { "," };
                edits.insert(s + before.len(), format!("{comma} host: '0.0.0.0'"));
            }
        } else if let Some(ident) = identifier(trimmed) {
            switch_constant(text, masked, ident, &port, edits);
        }
    }
}

fn identifier(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
        && !s.as_bytes()[0].is_ascii_digit())
    .then_some(s)
}

/// `const PORT = 3000;` becomes `const PORT = obs.HTTP_PORT;`.
fn switch_constant(text: &str, masked: &str, ident: &str, port: &str, edits: &mut Edits) {
    let decl = re(&format!(r"\b(?:const|let|var)\s+{}\s*=\s*(\d+)\b", regex::escape(ident)));
    if let Some(c) = decl.captures(masked)
        && let Some(v) = c.get(1)
        && port_literal(&text[v.range()]).is_some()
    {
        edits.replace(v.start(), v.end(), port.to_string());
    }
}

/// The app's other files: console.* becomes the module's logger there too, and a hard-coded port
/// the module's (an `export default app` in app.js, listened on in server.js).
fn switch_other_files(
    app: &[&TextFile],
    entry: &str,
    esm: bool,
    framework: Framework,
    files: &mut Files,
) -> Result<(), String> {
    for f in app.iter().filter(|f| lang::dialect(f) == Dialect::Js && f.file != entry) {
        let masked = lang::mask(&f.text, Dialect::Js);
        let obs = module_name(&masked);
        let mut edits = Edits::default();
        let logs = switch_console(&f.text, &masked, obs, &mut edits);
        let before = edits.0.len();
        switch_port(&f.text, &masked, obs, framework, &mut edits);
        if logs > 0 || edits.0.len() > before {
            let file_esm = esm || f.file.ends_with(".mjs") || ESM.is_match(&masked);
            let at = import_point(&f.text, &masked, f.text.len());
            edits.insert(at, import_line(obs, &module_path(&f.file, file_esm), file_esm));
            super::put_edited(files, &f.file, edits)?;
        }
    }
    Ok(())
}

/// Wires the module into the Node app among `app`.
pub(super) fn wire(repo: &Repo, app: &[&TextFile], files: &mut Files) -> Result<(), String> {
    let Some(found) = find_app(app) else {
        return Err(no_server(app, files));
    };
    let own_metrics = super::serves_own_metrics(app);
    let module_dir = package_dir(&found.file.file, files);
    let esm = found.file.file.ends_with(".mjs") || is_esm_package(files, &module_dir);

    switch_other_files(app, &found.file.file, esm, found.framework, files)?;

    let f = found.file;
    let text = files.text(&f.file)?;
    if text != f.text {
        return Err(format!("{} changed since it was reviewed; run `vibe review --fix` again", f.file));
    }
    let masked = lang::mask(&text, Dialect::Js);
    let obs = module_name(&masked);
    let file_esm = esm || ESM.is_match(&masked);
    let mut edits = Edits::default();
    let at = import_point(&text, &masked, found.at);
    edits.insert(
        at,
        format!(
            "{}{obs}.startManagementServer(); // /readiness, /liveness, /info, /shutdown on MGMT_PORT (8082)\n",
            import_line(obs, &module_path(&f.file, file_esm), file_esm)
        ),
    );
    let end = lang::statement_end(masked.as_bytes(), found.at, Dialect::Js);
    let after = line_end(&text, end.min(text.len().saturating_sub(1)));
    let indent = indent_at(&text, found.at);
    let app = &found.name;
    let hook = match found.framework {
        Framework::Express => format!(
            "{indent}{app}.use({obs}.metricsMiddleware()); // GET /metrics on the traffic port + request metrics\n"
        ),
        Framework::Fastify => format!(
            "{indent}// GET /metrics on the traffic port + request metrics\n\
             {indent}{app}.get('/metrics', async (request, reply) => {{\n\
             {indent}  reply.type({obs}.register.contentType);\n\
             {indent}  return {obs}.metricsText();\n\
             {indent}}});\n\
             {indent}{app}.addHook('onResponse', (request, reply, done) => {{\n\
             {indent}  // routeOptions (Fastify 4.10+): the deprecated routerPath prints a warning on stderr.\n\
             {indent}  const route = request.routeOptions ? request.routeOptions.url : request.routerPath;\n\
             {indent}  const ms = typeof reply.elapsedTime === 'number' ? reply.elapsedTime : reply.getResponseTime();\n\
             {indent}  {obs}.observeRequest(request.method, route || {obs}.normalizeRoute(request.url, reply.statusCode), reply.statusCode, ms / 1000);\n\
             {indent}  done();\n\
             {indent}}});\n"
        ),
        Framework::NodeHttp => String::new(),
    };
    if own_metrics {
        // The app's own /metrics route stays; the module adds the rest.
    } else if found.framework == Framework::NodeHttp {
        // http.createServer(handler) -> http.createServer(obs.instrument(handler))
        let open = masked[found.at..].find('(').map(|i| found.at + i);
        let args = open.and_then(|o| call(&masked, o, Dialect::Js));
        match args {
            Some((_, a)) if a.len() == 1 => {
                let (s, e) = a[0];
                let arg = text[s..e].trim();
                let lead = text[s..e].len() - text[s..e].trim_start().len();
                edits.replace(s + lead, s + lead + arg.len(), format!("{obs}.instrument({arg})"));
            }
            _ => {
                return Err(format!(
                    "{}:{}: wrap the request handler of `createServer` as `createServer({obs}.instrument(handler))`",
                    f.file,
                    line_of(&text, found.at)
                ));
            }
        }
    } else {
        edits.insert(after, hook);
    }
    switch_port(&text, &masked, obs, found.framework, &mut edits);
    switch_console(&text, &masked, obs, &mut edits);
    super::put_edited(files, &f.file, edits)?;

    // The module's dependencies, in the package.json nearest the app file.
    let module_pkg = files.text(&format!("{}/package.json", super::OBSERVABILITY_DIR))?;
    let deps = npm_deps::module_dependencies(&module_pkg)?;
    let module_lock = files.text_or_empty(&format!("{}/package-lock.json", super::OBSERVABILITY_DIR));
    if files.text_or_empty(&join(&module_dir, "package.json")).is_empty() {
        return Err(format!(
            "{} has no package.json beside it or above it; add one and run `{}`",
            f.file,
            npm_deps::install_command(&deps)
        ));
    }
    let _ = repo;
    npm_deps::add(files, &module_dir, &deps, &module_lock)
}

/// What to do by hand when no server the wiring knows is found.
fn no_server(app: &[&TextFile], files: &mut Files) -> String {
    if let Some(how) = next_by_hand(files) {
        return how;
    }
    let entry = app.first().map_or("the file that starts the server".to_string(), |f| f.file.clone());
    format!(
        "no Express, Fastify or node:http server was found to wire the module into; in {entry}, add \
         `const obs = require('./observability/vibe-observability'); obs.startManagementServer();`, serve \
         `GET /metrics` with `obs.metricsText()`, listen on `obs.HTTP_PORT` and log with `obs.logger`"
    )
}

/// Next.js serves the app itself (`next start`): wiring means a small custom server, written by
/// the creator; the instructions name package.json's `start` line.
fn next_by_hand(files: &mut Files) -> Option<String> {
    let text = files.text_or_empty("package.json");
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let start = json["scripts"]["start"].as_str()?;
    if !start.split_whitespace().collect::<Vec<_>>().windows(2).any(|w| w == ["next", "start"]) {
        return None;
    }
    let line = line_of(&text, text.find("\"start\"")?);
    Some(format!(
        "Next.js serves this app itself (`next start`), and vibe wires only Express, Fastify and node:http servers. \
         By hand: add `server.js` with `const next = require('next'); const http = require('node:http'); const obs = \
         require('./observability/vibe-observability'); obs.startManagementServer(); const app = next({{ dev: false }}); \
         const handle = app.getRequestHandler(); app.prepare().then(() => http.createServer(obs.instrument((req, res) => \
         handle(req, res))).listen(obs.HTTP_PORT));`, then in package.json:{line} change `\"start\": \"{start}\"` to \
         `\"start\": \"node server.js\"` and log with `obs.logger`"
    ))
}

fn import_line(obs: &str, path: &str, esm: bool) -> String {
    if esm {
        format!("import {obs} from '{path}'; // metrics, JSON logs, management endpoints (observability/README.md)\n")
    } else {
        format!(
            "const {obs} = require('{path}'); // metrics, JSON logs, management endpoints (observability/README.md)\n"
        )
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

/// The folder of the package.json nearest to `file` ("" for the repo root).
fn package_dir(file: &str, files: &mut Files) -> String {
    let mut dir = file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    loop {
        if !files.text_or_empty(&join(&dir, "package.json")).is_empty() {
            return dir;
        }
        match dir.rsplit_once('/') {
            Some((up, _)) => dir = up.to_string(),
            None if !dir.is_empty() => dir.clear(),
            None => return dir,
        }
    }
}

fn is_esm_package(files: &mut Files, dir: &str) -> bool {
    let text = files.text_or_empty(&join(dir, "package.json"));
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(|t| t == "module"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console(src: &str) -> String {
        let masked = lang::mask(src, Dialect::Js);
        let mut e = Edits::default();
        switch_console(src, &masked, "obs", &mut e);
        e.apply(src)
    }

    #[test]
    fn console_calls_become_logger_calls_that_keep_their_words() {
        assert_eq!(
            console("console.log('Created todo:', todo.title);"),
            "obs.logger.info('Created todo: %s', todo.title);"
        );
        assert_eq!(console("console.error(`bad ${x}`);"), "obs.logger.error(`bad ${x}`);");
        assert_eq!(console("console.warn(a, b);"), "obs.logger.warn('%s %s', a, b);");
        assert_eq!(
            console("// console.log('x')\nlog('console.log(1)');"),
            "// console.log('x')\nlog('console.log(1)');"
        );
    }

    fn ports(src: &str, fw: Framework) -> String {
        let masked = lang::mask(src, Dialect::Js);
        let mut e = Edits::default();
        switch_port(src, &masked, "obs", fw, &mut e);
        e.apply(src)
    }

    #[test]
    fn hard_coded_ports_become_the_platform_port() {
        assert_eq!(ports("app.listen(3000, () => {});", Framework::Express), "app.listen(obs.HTTP_PORT, () => {});");
        assert_eq!(
            ports("const PORT = 3000;\napp.listen(PORT);", Framework::Express),
            "const PORT = obs.HTTP_PORT;\napp.listen(PORT);"
        );
        let env = "const PORT = process.env.PORT || 3000;\napp.listen(PORT);";
        assert_eq!(ports(env, Framework::Express), env);
        assert_eq!(
            ports("await fastify.listen({ port: 3000 });", Framework::Fastify),
            "await fastify.listen({ port: obs.HTTP_PORT, host: '0.0.0.0' });"
        );
        assert_eq!(
            ports("fastify.listen({ port: 3000, host: '0.0.0.0' })", Framework::Fastify),
            "fastify.listen({ port: obs.HTTP_PORT, host: '0.0.0.0' })"
        );
    }

    #[test]
    fn a_port_hard_coded_where_the_exported_app_listens_becomes_the_platform_port() {
        let server = "import app from './app.js';\n\nconst PORT = 3000;\n\napp.listen(PORT, () => {});\n";
        let repo = Repo::from_files(
            std::path::Path::new("/nonexistent"),
            &[
                ("app.js", "import express from 'express';\nconst app = express();\nexport default app;\n"),
                ("server.js", server),
            ],
        );
        let app: Vec<&TextFile> = repo.sources.iter().collect();
        let mut files = Files::new(std::path::Path::new("/nonexistent"));
        files.put("server.js", server.to_string());
        switch_other_files(&app, "app.js", true, Framework::Express, &mut files).unwrap();
        assert_eq!(
            files.text("server.js").unwrap(),
            "import app from './app.js';\nimport obs from './observability/vibe-observability.js'; // metrics, JSON \
             logs, management endpoints (observability/README.md)\n\nconst PORT = obs.HTTP_PORT;\n\napp.listen(PORT, () => {});\n"
        );
    }

    #[test]
    fn the_module_is_required_relative_to_the_app_file() {
        assert_eq!(module_path("server.js", false), "./observability/vibe-observability");
        assert_eq!(module_path("src/index.js", false), "../observability/vibe-observability");
        assert_eq!(module_path("src/index.mjs", true), "../observability/vibe-observability.js");
    }
}
