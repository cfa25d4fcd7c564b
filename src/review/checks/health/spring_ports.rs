//! B7 for Spring Boot: the ports are settings, not code. `server.port` in
//! src/main/resources/application.properties (or .yml/.yaml) is the traffic port: `8081` or
//! `${PORT:...}` (any default) is the platform's, another number is a finding at its line, and
//! none at all means Spring's default 8080. `management.server.port` is the management port:
//! `8082` or `${MGMT_PORT:...}` serves the probes' endpoints there.

use super::*;
use crate::lang::{Language, TextFile};
use crate::repo::Repo;

/// Where Spring Boot reads its settings from the jar, relative to a module's folder.
const CONFIG_FILES: &[&str] = &[
    "src/main/resources/application.properties",
    "src/main/resources/application.yml",
    "src/main/resources/application.yaml",
];

/// Spring Boot's own port when `server.port` is not set.
const SPRING_DEFAULT_PORT: u16 = 8080;

/// One port setting: its value as written and the line it is on.
struct Setting<'a> {
    file: &'a TextFile,
    line: u32,
    value: String,
}

/// Judges a Spring Boot app's port settings (nothing for other repos); true when its settings
/// put the management endpoints on the management port.
pub(super) fn judge(repo: &Repo, out: &mut Vec<Finding>) -> bool {
    let is_spring = repo.sources.iter().any(|f| {
        f.lang.language() == Some(Language::Jvm)
            && !f.file.starts_with("observability/")
            && f.text.contains("@SpringBootApplication")
    });
    if !is_spring {
        return false;
    }
    let configs: Vec<&TextFile> = repo
        .sources
        .iter()
        .filter(|f| CONFIG_FILES.iter().any(|c| f.file == *c || f.file.ends_with(&format!("/{c}"))))
        .collect();
    // Set on the command line or in the image's environment instead (`--server.port=`, SERVER_PORT).
    let elsewhere = repo
        .dockerfiles
        .iter()
        .any(|d| d.instructions.iter().any(|i| i.args.contains("server.port") || i.args.contains("SERVER_PORT")));
    match find(&configs, "server.port") {
        Some(s) => match classify(&s.value, "PORT") {
            Some(port) if port != PORT_HTTP => out.push(hard_coded(&s, port, false)),
            _ => {}
        },
        None if !elsewhere => out.push(default_port(&configs)),
        None => {}
    }
    let Some(mgmt) = find(&configs, "management.server.port") else { return false };
    match classify(&mgmt.value, "MGMT_PORT") {
        Some(port) if port != PORT_MGMT => {
            // The finding says where to change it; the missing-endpoints finding would repeat it.
            out.push(hard_coded(&mgmt, port, true));
            true
        }
        _ => true,
    }
}

/// A literal port, or None when the value reads the platform's variable (or something not a number).
fn classify(value: &str, env: &str) -> Option<u16> {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.starts_with(&format!("${{{env}")) {
        return None;
    }
    v.parse().ok()
}

/// The first setting of `key` (dotted) in the config files: `key=value` / `key: value` in
/// properties, nested or dotted keys in YAML.
fn find<'a>(configs: &[&'a TextFile], key: &str) -> Option<Setting<'a>> {
    configs.iter().find_map(|f| if f.file.ends_with(".properties") { properties(f, key) } else { yaml(f, key) })
}

fn properties<'a>(f: &'a TextFile, key: &str) -> Option<Setting<'a>> {
    f.text.lines().enumerate().find_map(|(i, line)| {
        let t = line.trim_start();
        let rest = t.strip_prefix(key)?;
        let rest = rest.trim_start();
        let value = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))?;
        Some(Setting { file: f, line: i as u32 + 1, value: value.trim().to_string() })
    })
}

fn yaml<'a>(f: &'a TextFile, key: &str) -> Option<Setting<'a>> {
    let docs = crate::yaml::parse_documents(&f.text).ok()?;
    let parts: Vec<&str> = key.split('.').collect();
    for doc in &docs {
        // Nested (`server:` / `port:`), dotted (`server.port:`) or half of each.
        for split in 0..parts.len() {
            let head = parts[..split].join(".");
            let tail = parts[split..].join(".");
            let parent = if head.is_empty() { Some(&doc.root) } else { doc.root.path(&head) };
            let Some(node) = parent.and_then(|p| p.get(&tail)) else { continue };
            let value = node.as_str().map(str::to_string).or_else(|| node.as_i64().map(|n| n.to_string()))?;
            let line = node.pos.map_or(1, |p| p.line);
            return Some(Setting { file: f, line, value });
        }
    }
    None
}

fn hard_coded(s: &Setting, port: u16, mgmt: bool) -> Finding {
    let (key, env, target, what) = if mgmt {
        ("management.server.port", "MGMT_PORT", PORT_MGMT, "its probes")
    } else {
        ("server.port", "PORT", PORT_HTTP, "traffic")
    };
    let properties = s.file.file.ends_with(".properties");
    let new = if properties { format!("{key}=${{{env}:{target}}}") } else { format!("port: ${{{env}:{target}}}") };
    Finding::new(CheckId::B7, s.file.file.clone(), Some(s.line))
        .message(format!(
            "`{key}` is {port} in `{}`, but the platform sends {what} to port {target} (the `{env}` variable): \
             nothing answers there, and Kubernetes restarts the pod over and over",
            s.file.file
        ))
        .fix(format!("In `{}` line {}, set it to `{new}`.", s.file.file, s.line))
}

fn default_port(configs: &[&TextFile]) -> Finding {
    let file = configs.first().map_or(CONFIG_FILES[0].to_string(), |f| f.file.clone());
    let yaml = !file.ends_with(".properties");
    let add = if yaml {
        format!("server:\n  port: ${{PORT:{PORT_HTTP}}}")
    } else {
        format!("server.port=${{PORT:{PORT_HTTP}}}")
    };
    Finding::new(CheckId::B7, file.clone(), None)
        .message(format!(
            "Nothing sets `server.port`, so Spring Boot listens on its default {SPRING_DEFAULT_PORT}, but the platform \
             sends traffic to port {PORT_HTTP} (the `PORT` variable): nothing answers there, and Kubernetes restarts \
             the pod over and over"
        ))
        .fix(format!("Add `{add}` to `{file}`."))
}
