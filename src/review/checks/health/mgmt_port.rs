//! B2: the app container declares containerPort 8082.

use super::*;

/// B2: the app container (or its mgmt sidecar) declares containerPort 8082.
pub fn b2(r: &Review, out: &mut Vec<Finding>) {
    for w in app_workloads(r) {
        let Some(c) = w.app_container() else { continue };
        if w.main_containers().iter().any(|m| m.ports().iter().any(|(n, _)| *n == i64::from(PORT_MGMT))) {
            continue;
        }
        out.push(
            Finding::new(CheckId::B2, &w.obj.file, c.line())
                .object(w.obj.id())
                .message(format!(
                    "The app {} declares {} but not the management port {PORT_MGMT}, where Kubernetes checks its health.",
                    container_words(&w, &c),
                    declared(&c)
                ))
                .fix(format!(
                    "Under the ports of {} add `- name: {MGMT_PORT_NAME}` / `containerPort: {PORT_MGMT}` and serve {} there.",
                    container_words(&w, &c),
                    contract::MGMT_ENDPOINTS.iter().map(|e| e.path).collect::<Vec<_>>().join(", ")
                )),
        );
    }
}
