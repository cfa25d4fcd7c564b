//! B1: the app container declares containerPort 8081.

use super::*;

/// B1: the app container declares containerPort 8081.
pub fn b1(r: &Review, out: &mut Vec<Finding>) {
    for w in app_workloads(r) {
        let Some(c) = w.app_container() else { continue };
        if c.ports().iter().any(|(n, _)| *n == i64::from(PORT_HTTP)) {
            continue;
        }
        out.push(
            Finding::new(CheckId::B1, &w.obj.file, c.line())
                .object(w.obj.id())
                .message(format!(
                    "The app {} declares {} but not port {PORT_HTTP}, where the platform sends users and collects metrics.",
                    container_words(&w, &c),
                    declared(&c)
                ))
                .fix(format!(
                    "Under the ports of {} add `- name: http` / `containerPort: {PORT_HTTP}`, and make the app listen on 0.0.0.0:{PORT_HTTP}.",
                    container_words(&w, &c)
                )),
        );
    }
}
