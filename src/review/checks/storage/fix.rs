//! The fixers of D2, D3 (storage), declared with their checks in this family's `CHECKS`.

use crate::contract;
use crate::edit::Files;
use crate::edit::yaml_edit::{self as edit, Y};
use crate::repo::Object;
use crate::review::fixers::{Fixed, Fx, NON_ROOT_UID, current, edit_at, object_of, pod_paths, workload_of};
use crate::review::{Finding, Remedy};
use crate::yaml::Node;

/// D2: stateful stores are replaced, not rolled (`strategy: Recreate`, no rollingUpdate).
pub(super) fn d2(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let obj = object_of(fx, f)?;
    let want = Y::map([("strategy", Y::map([("type", Y::str("Recreate"))]))]);
    edit_at(files, obj, "spec", |t, d, p| edit::merge(t, d, p, &want, true))?;
    edit_at(files, obj, "spec.strategy", |t, d, p| edit::remove(t, d, p, "rollingUpdate"))
}

/// The port of the Service `host` (in the workload's namespace) that reaches the store's
/// `store_port`, or why there is none.
fn service_port(fx: &Fx, workload: &Object, host: &str, store_port: &str) -> Result<String, String> {
    let namespace = |o: &Object| o.namespace.clone().or_else(|| fx.ctx.namespace.clone());
    let service = fx
        .repo
        .objects
        .iter()
        .find(|o| o.kind == "Service" && o.name == host && namespace(o) == namespace(workload))
        .ok_or_else(|| format!("no Service named {host} is in the repo, so `{host}` does not resolve"))?;
    let ports = service.node.path("spec.ports").map(Node::items).unwrap_or_default();
    let scalar = |p: &Node, key: &str| p.get(key).map(|n| n.to_json().to_string().trim_matches('"').to_string());
    ports
        .iter()
        .find(|p| ["targetPort", "port"].iter().any(|k| scalar(p, k).as_deref() == Some(store_port)))
        .and_then(|p| scalar(p, "port"))
        .ok_or_else(|| format!("Service {host} has no port that reaches port {store_port}"))
}

/// D3: an initContainer waits until the store's Service answers on its port.
pub(super) fn d3(fx: &Fx, f: &Finding, files: &mut Files) -> Fixed {
    let w = workload_of(fx, f)?;
    let Some(Remedy::AddWaitInit { store, host, port: store_port }) = &f.remedy else {
        return Err("cannot tell which store to wait for".into());
    };
    let store_port = store_port.to_string();
    // Only a Service name resolves in the cluster: waiting on anything else never ends.
    let port = service_port(fx, w.obj, host, &store_port).map_err(|why| {
        format!("{why}; add a Service for {store} (port {store_port}) that selects its pods, then wait on that Service")
    })?;
    let wait = contract::component("wait").ok_or("no wait image in the contract")?;
    let (pod_path, _) = pod_paths(&w.obj.kind);
    let pod = current(files, w.obj, pod_path)?.ok_or("the pod template vanished")?;
    let taken: Vec<&str> = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| pod.get(k).map(Node::items).unwrap_or_default())
        .filter_map(|c| c.get("name").and_then(Node::as_str))
        .collect();
    let base = format!("wait-for-{store}");
    let name = (1..)
        .map(|i| if i == 1 { base.clone() } else { format!("{base}-{i}") })
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap_or(base);
    let helper = &contract::SIZES[0];
    let mut sc = vec![
        ("allowPrivilegeEscalation", Y::bool(false)),
        ("readOnlyRootFilesystem", Y::bool(true)),
        ("capabilities", Y::map([("drop", Y::seq([Y::str("ALL")]))])),
    ];
    // Where the pod does not set a non-root user for every container, the helper says it itself.
    let pod_sc = pod.get("securityContext");
    if pod_sc.and_then(|s| s.get("runAsNonRoot")).and_then(Node::as_bool) != Some(true) {
        sc.push(("runAsNonRoot", Y::bool(true)));
    }
    if pod_sc.and_then(|s| s.get("runAsUser")).and_then(Node::as_i64).is_none_or(|u| u <= 0) {
        sc.push(("runAsUser", Y::int(NON_ROOT_UID)));
    }
    let container = Y::map([
        ("name", Y::str(&name)),
        ("image", Y::str(&fx.ctx.platform.mirrored(wait.image))),
        (
            "command",
            Y::seq([
                Y::str("sh"),
                Y::str("-c"),
                Y::str(&format!("until nc -z {host} {port}; do echo waiting for {host}:{port}; sleep 2; done")),
            ]),
        ),
        (
            "resources",
            Y::map([
                ("requests", Y::map([("cpu", Y::str(helper.cpu_request)), ("memory", Y::str(helper.memory_request))])),
                ("limits", Y::map([("cpu", Y::str(helper.cpu_limit)), ("memory", Y::str(helper.memory_limit))])),
            ]),
        ),
        ("securityContext", Y::Map(sc.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
    ]);
    match pod.get("initContainers").filter(|n| !n.is_null()) {
        Some(_) => edit_at(files, w.obj, pod_path, |t, d, p| edit::append(t, d, p, "initContainers", &container)),
        None => {
            let list = Y::seq([container]);
            edit_at(files, w.obj, pod_path, |t, d, p| {
                edit::set_before(t, d, p, "initContainers", &list, &["containers"])
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CheckId;
    use crate::review::fixers::testing::fix;

    #[test]
    fn rolling_updates_become_recreate_in_flow_style_too() {
        let db = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}\n  template:\n    spec:\n      containers: [{name: db, image: postgres:16}]\n";
        let out =
            fix(&[("db.yaml", db)], Finding::new(CheckId::D2, "db.yaml", Some(5)).object("Deployment/db")).unwrap();
        assert!(out["db.yaml"].contains("  strategy: {type: Recreate}\n"), "{}", out["db.yaml"]);
    }

    #[test]
    fn the_store_to_wait_for_comes_from_the_remedy_whatever_the_message_says() {
        let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: x/web:1\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports: [{port: 5432}]\n";
        let found = Finding::new(CheckId::D3, "app.yaml", Some(1)).object("Deployment/web").message("Reworded.");
        let err = fix(&[("app.yaml", app)], found.clone()).unwrap_err();
        assert!(err.contains("which store"), "{err}");
        let remedy = Remedy::AddWaitInit { store: "postgres".into(), host: "db".into(), port: 5432 };
        let out = fix(&[("app.yaml", app)], found.remedy(remedy)).unwrap();
        assert!(out["app.yaml"].contains("name: wait-for-postgres"), "{}", out["app.yaml"]);
        assert!(out["app.yaml"].contains("until nc -z db 5432;"), "{}", out["app.yaml"]);
    }
}
