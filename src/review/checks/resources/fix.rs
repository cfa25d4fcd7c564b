//! The fixers of F1, F2 (resources), declared with their checks in this family's `CHECKS`.

use super::STORES;
use crate::contract;
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y};
use crate::k8s::parse_quantity;
use crate::review::Finding;
use crate::review::fixers::{Fixed, Fx, container_path, containers_at, edit_at, workload_of};
use crate::review::workload::{Container, Workload, component_of_image};

/// The size a container should have: the app's (vibe.yaml; else the size its present values
/// already match; else the default), at least md for stores, the smallest for helpers.
fn size_for(fx: &Fx, w: &Workload, c: &Container) -> &'static contract::Size {
    let app_size = fx.ctx.size.as_deref().and_then(contract::size);
    let default = || contract::size(contract::DEFAULT_SIZE).unwrap_or(&contract::SIZES[0]);
    match c.image.and_then(component_of_image) {
        Some(id) if STORES.contains(&id) => contract::store_size(app_size.unwrap_or_else(default).id),
        Some(_) => &contract::SIZES[0],
        None if c.init || !w.is_app() => &contract::SIZES[0],
        None => app_size.unwrap_or_else(|| {
            let r = c.node.get("resources");
            let present: Vec<(&str, &str)> = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]
                .into_iter()
                .filter_map(|k| Some((k, r?.path(k)?.as_str()?)))
                .collect();
            let value = |s: &contract::Size, k: &str| match k {
                "requests.cpu" => s.cpu_request,
                "requests.memory" => s.memory_request,
                "limits.cpu" => s.cpu_limit,
                _ => s.memory_limit,
            };
            contract::SIZES
                .iter()
                .find(|s| {
                    !present.is_empty()
                        && present.iter().all(|(k, v)| {
                            parse_quantity(v).is_some() && parse_quantity(v) == parse_quantity(value(s, k))
                        })
                })
                .unwrap_or_else(default)
        }),
    }
}

/// F1/F2: the missing requests or limits, from the container's size.
fn resources(fx: &Fx, f: &Finding, files: &mut Files, section: &str) -> Fixed {
    let w = workload_of(fx, f)?;
    for c in containers_at(&w, f.line) {
        let s = size_for(fx, &w, &c);
        let (cpu, memory) =
            if section == "requests" { (s.cpu_request, s.memory_request) } else { (s.cpu_limit, s.memory_limit) };
        let want =
            Y::map([("resources", Y::map([(section, Y::map([("cpu", Y::str(cpu)), ("memory", Y::str(memory))]))]))]);
        let rel = container_path(&w, &c)?;
        edit_at(files, w.obj, &rel, |t, d, p| edit::merge(t, d, p, &want, false))?;
    }
    Ok(())
}

pub(super) fn f1(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    resources(fx, f, files, "requests")
}

pub(super) fn f2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    resources(fx, f, files, "limits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::fix;
    use crate::yaml;
    use crate::yaml::Node;

    #[test]
    fn limits_follow_the_size_the_requests_already_match_in_any_notation() {
        // Requests written as `1e-1` CPU (100m) and 128Mi are the sm size: the limits added are sm's,
        // not the default size's.
        let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/me/web:1\n          resources:\n            requests: {cpu: 1e-1, memory: 128Mi}\n";
        let out =
            fix(&[("web.yaml", web)], Finding::new(CheckId::F2, "web.yaml", Some(1)).object("Deployment/web")).unwrap();
        let doc = yaml::parse_one(&out["web.yaml"]).unwrap().unwrap();
        let limits = doc.path("spec.template.spec.containers").unwrap().items()[0].path("resources.limits").unwrap();
        let sm = contract::size("sm").unwrap();
        assert_eq!(limits.get("cpu").and_then(Node::as_str), Some(sm.cpu_limit), "{}", out["web.yaml"]);
        assert_eq!(limits.get("memory").and_then(Node::as_str), Some(sm.memory_limit), "{}", out["web.yaml"]);
    }
}
