//! A3: the pod runs as a non-root, non-zero user.

use super::*;

/// A security-context field of a container, with its line.
fn sc_field<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get("securityContext").and_then(|s| s.get(key))
}

/// A3: the pod template runs as non-root (`runAsNonRoot: true`) with a non-zero runAsUser.
pub fn a3(r: &Review, out: &mut Vec<Finding>) {
    for &w in &r.model.workloads {
        let pod_sc = w.pod.get("securityContext");
        let pod_nonroot = pod_sc.and_then(|s| s.get("runAsNonRoot"));
        let pod_user = pod_sc.and_then(|s| s.get("runAsUser"));
        let mut problems: Vec<String> = Vec::new();
        let mut lines: Vec<Option<u32>> = Vec::new();
        // Pod level.
        match pod_nonroot.map(|n| n.as_bool()) {
            Some(Some(true)) => {}
            Some(_) => {
                problems.push("the pod sets `runAsNonRoot` to something other than `true`".into());
                lines.push(pod_sc.and_then(|s| key_line(s, "runAsNonRoot")));
            }
            None => {}
        }
        match pod_user.map(|n| n.as_i64()) {
            Some(Some(0)) => {
                problems.push("the pod sets `runAsUser: 0`, which is root".into());
                lines.push(pod_sc.and_then(|s| key_line(s, "runAsUser")));
            }
            Some(None) => {
                problems.push("the pod's `runAsUser` is not a number".into());
                lines.push(pod_sc.and_then(|s| key_line(s, "runAsUser")));
            }
            _ => {}
        }
        // Effective values per container (a container's own value overrides the pod's).
        let containers = w.containers();
        let mut nonroot_missing = Vec::new();
        let mut user_missing = Vec::new();
        let mut overrides: Vec<String> = Vec::new();
        for c in &containers {
            let own_nonroot = sc_field(c.node, "runAsNonRoot");
            let own_user = sc_field(c.node, "runAsUser");
            let sc = c.node.get("securityContext");
            match own_nonroot.map(|n| n.as_bool()) {
                Some(Some(true)) => {}
                Some(_) => {
                    problems.push(format!("{} overrides it with `runAsNonRoot: false`", container_words(&w, c)));
                    overrides.push(format!("container `{}`", c.name));
                    lines.push(sc.and_then(|s| key_line(s, "runAsNonRoot")));
                }
                None if pod_nonroot.and_then(Node::as_bool) == Some(true) => {}
                None => nonroot_missing.push(c.name),
            }
            match own_user.map(|n| n.as_i64()) {
                Some(Some(0)) => {
                    problems.push(format!("{} overrides it with `runAsUser: 0` (root)", container_words(&w, c)));
                    overrides.push(format!("container `{}`", c.name));
                    lines.push(sc.and_then(|s| key_line(s, "runAsUser")));
                }
                Some(Some(_)) => {}
                Some(None) => {
                    problems.push(format!("{} sets a `runAsUser` that is not a number", container_words(&w, c)));
                    lines.push(sc.and_then(|s| key_line(s, "runAsUser")));
                }
                None if pod_user.and_then(Node::as_i64).is_some() => {}
                None => user_missing.push(c.name),
            }
        }
        if !nonroot_missing.is_empty() && pod_nonroot.is_none() {
            if nonroot_missing.len() == containers.len() {
                problems.insert(0, "`runAsNonRoot: true` is not set".into());
            } else {
                let names: Vec<String> = nonroot_missing.iter().map(|n| format!("`{n}`")).collect();
                problems.insert(
                    0,
                    format!("`runAsNonRoot: true` is set neither on the pod nor on container {}", names.join(", ")),
                );
            }
        }
        if !user_missing.is_empty() && pod_user.is_none() {
            problems.push("no non-zero `runAsUser` is set, so the image decides and may run as root".into());
        }
        if problems.is_empty() {
            continue;
        }
        let line =
            lines.into_iter().flatten().next().or_else(|| key_line(w.pod, "securityContext")).or_else(|| w.line());
        let mut fix = CheckId::A3.info().fix.to_string();
        if !overrides.is_empty() {
            fix.push_str(&format!(" Remove the root overrides from {}.", overrides.join(", ")));
        }
        out.push(
            Finding::new(CheckId::A3, &w.obj.file, line)
                .object(w.obj.id())
                .message(format!("The pod of {} may run as root: {}.", w.obj.id(), problems.join("; ")))
                .fix(fix),
        );
    }
}
