//! The fixers of B1–B5 (ports and probes), declared with their checks in this family's `CHECKS`.

use crate::contract::{self, PORT_HTTP, PORT_MGMT};
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y};
use crate::review::Finding;
use crate::review::fixers::{
    Fixed, Fx, app_container_of, container_path, containers_at, current, edit_at, workload_of,
};
use crate::yaml::Node;

/// B1/B2: declare a port on the app container (named, unless the name is taken).
fn add_port(fx: &Fx, f: &Finding, files: &mut Files, number: u16, name: &str) -> Fixed {
    let w = workload_of(fx, f)?;
    let c = app_container_of(&w)?;
    let rel = container_path(&w, &c)?;
    let ports: Vec<(Option<i64>, Option<String>)> = current(files, w.obj, &format!("{rel}.ports"))?
        .map(|p| {
            p.items()
                .iter()
                .map(|i| {
                    let n = i.get("containerPort").and_then(Node::as_i64);
                    (n, i.get("name").and_then(Node::as_str).map(str::to_string))
                })
                .collect()
        })
        .unwrap_or_default();
    if ports.iter().any(|(n, _)| *n == Some(i64::from(number))) {
        return Ok(());
    }
    let mut item = Vec::new();
    if !ports.iter().any(|(_, n)| n.as_deref() == Some(name)) {
        item.push(("name", Y::str(name)));
    }
    item.push(("containerPort", Y::int(i64::from(number))));
    item.push(("protocol", Y::str("TCP")));
    edit_at(files, w.obj, &rel, |t, d, p| edit::append(t, d, p, "ports", &Y::map(item)))
}

pub(super) fn b1(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    add_port(fx, f, files, PORT_HTTP, "http")
}

pub(super) fn b2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    add_port(fx, f, files, PORT_MGMT, "mgmt")
}

/// The shortest timeout a probe may have.
fn min_timeout(fx: &Fx, key: &str) -> i64 {
    let db = key == "readinessProbe" && fx.ctx.readiness_checks_database;
    i64::from(if db { contract::PROBE_TIMEOUT_DB_SECONDS } else { contract::PROBE_TIMEOUT_SECONDS })
}

/// B3/B4: the probe is an httpGet on the mgmt port and path, with a long enough timeout.
fn probe(fx: &Fx, f: &Finding, files: &mut Files, key: &str, probe_path: &str) -> Fixed {
    let w = workload_of(fx, f)?;
    let c = app_container_of(&w)?;
    let rel = container_path(&w, &c)?;
    let min = min_timeout(fx, key);
    let http = Y::map([("path", Y::str(probe_path)), ("port", Y::int(i64::from(PORT_MGMT)))]);
    let existing = current(files, w.obj, &format!("{rel}.{key}"))?.filter(|p| p.is_map());
    let Some(existing) = existing else {
        let want = Y::map([("httpGet", http), ("timeoutSeconds", Y::int(min))]);
        return edit_at(files, w.obj, &rel, |t, d, p| edit::set(t, d, p, key, &want));
    };
    let probe_rel = format!("{rel}.{key}");
    // A probe has one handler: the httpGet takes the place of any other.
    let others: Vec<&str> = ["exec", "tcpSocket", "grpc"].into_iter().filter(|o| existing.get(o).is_some()).collect();
    match (existing.get("httpGet"), others.first()) {
        (None, Some(first)) => {
            edit_at(files, w.obj, &probe_rel, |t, d, p| edit::replace_entry(t, d, p, first, "httpGet", &http))?
        }
        _ => {
            let want = Y::map([("httpGet", http)]);
            edit_at(files, w.obj, &probe_rel, |t, d, p| edit::merge(t, d, p, &want, true))?;
        }
    }
    for other in others {
        edit_at(files, w.obj, &probe_rel, |t, d, p| edit::remove(t, d, p, other))?;
    }
    if existing.get("timeoutSeconds").and_then(Node::as_i64).is_none_or(|t| t < min) {
        edit_at(files, w.obj, &probe_rel, |t, d, p| edit::set(t, d, p, "timeoutSeconds", &Y::int(min)))?;
    }
    Ok(())
}

pub(super) fn b3(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    probe(fx, f, files, "livenessProbe", "/liveness")
}

pub(super) fn b4(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    probe(fx, f, files, "readinessProbe", "/readiness")
}

/// B5: every probe of the container waits long enough.
pub(super) fn b5(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    for c in containers_at(&w, f.line).into_iter().filter(|c| !c.init) {
        let rel = container_path(&w, &c)?;
        for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let Some(p) = current(files, w.obj, &format!("{rel}.{key}"))?.filter(|p| p.is_map()) else { continue };
            let min = min_timeout(fx, key);
            if p.get("timeoutSeconds").and_then(Node::as_i64).is_some_and(|t| t >= min) {
                continue;
            }
            edit_at(files, w.obj, &format!("{rel}.{key}"), |t, d, p| {
                edit::set(t, d, p, "timeoutSeconds", &Y::int(min))
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::{POD, fix};

    #[test]
    fn a_flow_probe_of_another_kind_becomes_an_http_get() {
        let app = POD.replace("image: redis", "image: harbor.internal.example.com/vibe/tool:abc1234");
        let out =
            fix(&[("pod.yaml", &app)], Finding::new(CheckId::B4, "pod.yaml", Some(7)).object("Pod/tool")).unwrap();
        assert!(
            out["pod.yaml"].contains("readinessProbe: {httpGet: {path: /readiness, port: 8082}, timeoutSeconds: 5}"),
            "{}",
            out["pod.yaml"]
        );
    }
}

/// B7: the generated observability module wired into the app's own code ([`crate::wire`], G2's
/// fix too): the traffic port read from `PORT`, the management endpoints on `MGMT_PORT`, and an
/// app that serves its own /metrics keeps its route.
pub(super) fn b7(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    // A hard-coded port alone (the app serves its management endpoints itself) is one line to
    // change, as the finding says: wiring the module in would start a second management server.
    if f.line.is_some() && !b7_management_missing(fx) {
        return Err("the port is the one line the finding names".into());
    }
    crate::wire::wire(fx.repo, files)
}

/// True when B7 finds nothing serving the management endpoints (the finding without a line).
fn b7_management_missing(fx: &Fx) -> bool {
    let mut found = Vec::new();
    let model = crate::review::model::Model::new(fx.repo);
    super::b7(&crate::review::Review { repo: fx.repo, ctx: fx.ctx, model: &model }, &mut found);
    found.iter().any(|g| g.line.is_none())
}

/// B8: adds the production server the start command needs to the dependency file, pinned.
pub(super) fn b8(_: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let (manifest, requirement) = match &f.remedy {
        Some(crate::review::Remedy::ReplaceStart { instruction, dependency }) => {
            replace_start(f, instruction, files)?;
            match dependency {
                Some((manifest, requirement)) => (manifest, requirement),
                None => return Ok(()),
            }
        }
        Some(crate::review::Remedy::AddDependency { manifest, requirement }) => (manifest, requirement),
        _ => return Err("the start command needs no dependency vibe can add".into()),
    };
    let text = files.text(manifest)?;
    let name = requirement.split(['=', '<', '>', '[', ' ']).next().unwrap_or(requirement);
    let new = if manifest.ends_with("pyproject.toml") {
        add_to_pyproject(&text, requirement)?
    } else {
        if text.lines().any(|l| crate::lang::python::pep508(l).is_some_and(|(n, _)| n == name)) {
            return Ok(());
        }
        let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
        format!("{text}{sep}{requirement}\n")
    };
    files.put(manifest, new);
    Ok(())
}

/// B8: the development server's CMD line of the creator's Dockerfile becomes the production
/// server's (the rest of the file stays as written).
fn replace_start(f: &Finding, instruction: &str, files: &mut Files) -> Fixed {
    let text = files.text(&f.file)?;
    let line = f.line.ok_or("the finding names no line")? as usize;
    let mut out = String::with_capacity(text.len());
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']);
            if !body.trim_start().to_ascii_uppercase().starts_with("CMD") || body.trim_end().ends_with('\\') {
                return Err(format!("{}:{line} is not a one-line CMD", f.file));
            }
            let indent = &body[..body.len() - body.trim_start().len()];
            out.push_str(&format!("{indent}{instruction}{}", &l[body.len()..]));
        } else {
            out.push_str(l);
        }
    }
    files.put(&f.file, out);
    Ok(())
}

/// Adds a requirement to `[project] dependencies = [...]` of a pyproject.toml.
fn add_to_pyproject(text: &str, requirement: &str) -> Result<String, String> {
    let project = text.find("[project]").ok_or("pyproject.toml has no [project] table")?;
    let key =
        text[project..].find("\ndependencies").map(|i| project + i + 1).ok_or("[project] has no dependencies list")?;
    let open = key + text[key..].find('[').ok_or("dependencies is not a list")?;
    let close = open + text[open..].find(']').ok_or("dependencies list is not closed")?;
    let inside = &text[open + 1..close];
    let item = format!("\"{requirement}\"");
    if !inside.contains('\n') {
        let sep = if inside.trim().is_empty() { "" } else { ", " };
        return Ok(format!("{}{}{sep}{item}{}", &text[..open + 1], inside.trim_end(), &text[close..]));
    }
    let last_line_start = text[..close].rfind('\n').unwrap_or(open) + 1;
    let body = text[open + 1..last_line_start].trim_end();
    let comma = if body.trim().is_empty() || body.ends_with(',') { "" } else { "," };
    let indent =
        inside.lines().find(|l| !l.trim().is_empty()).map(|l| &l[..l.len() - l.trim_start().len()]).unwrap_or("    ");
    Ok(format!("{}{}{comma}\n{indent}{item},\n{}", &text[..open + 1], body, &text[last_line_start..]))
}

#[cfg(test)]
mod pyproject_tests {
    use super::add_to_pyproject;

    #[test]
    fn a_pinned_server_joins_the_project_dependencies() {
        let multi = "[project]\nname = \"shop\"\ndependencies = [\n    \"fastapi==0.115.6\"\n]\n\n[tool.x]\ny = 1\n";
        assert_eq!(
            add_to_pyproject(multi, "uvicorn==0.55.0").unwrap(),
            "[project]\nname = \"shop\"\ndependencies = [\n    \"fastapi==0.115.6\",\n    \"uvicorn==0.55.0\",\n]\n\n[tool.x]\ny = 1\n"
        );
        let one = "[project]\ndependencies = [\"flask==3.0.3\"]\n";
        assert_eq!(
            add_to_pyproject(one, "gunicorn==27.0.1").unwrap(),
            "[project]\ndependencies = [\"flask==3.0.3\", \"gunicorn==27.0.1\"]\n"
        );
        assert!(add_to_pyproject("[tool.poetry]\n", "gunicorn==27.0.1").is_err());
    }
}
