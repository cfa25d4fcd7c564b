//! A4: every container drops ALL capabilities and forbids privilege escalation.

use super::*;

/// A4: every container drops ALL capabilities and sets allowPrivilegeEscalation false.
pub fn a4(r: &Review, out: &mut Vec<Finding>) {
    for &w in &r.model.workloads {
        for c in w.containers() {
            let sc = c.node.get("securityContext");
            let mut problems = Vec::new();
            let mut line = None;
            let drops_all = sc
                .and_then(|s| s.path("capabilities.drop"))
                .map(|d| d.items().iter().filter_map(Node::as_str).any(|x| x.eq_ignore_ascii_case("ALL")))
                .unwrap_or(false);
            if !drops_all {
                problems.push("does not drop ALL capabilities");
            }
            match sc.and_then(|s| s.get("allowPrivilegeEscalation")).map(Node::as_bool) {
                Some(Some(false)) => {}
                Some(_) => {
                    problems.push("allows privilege escalation");
                    line = sc.and_then(|s| key_line(s, "allowPrivilegeEscalation"));
                }
                None => problems.push("does not set `allowPrivilegeEscalation: false`"),
            }
            if sc.and_then(|s| s.get("privileged")).and_then(Node::as_bool) == Some(true) {
                problems.push("runs privileged (full access to the machine)");
                line = sc.and_then(|s| key_line(s, "privileged"));
            }
            if problems.is_empty() {
                continue;
            }
            let line = line.or_else(|| sc.and(key_line(c.node, "securityContext"))).or_else(|| c.line());
            out.push(
                Finding::new(CheckId::A4, &w.obj.file, line)
                    .object(w.obj.id())
                    .message(format!("The {} {}.", container_words(&w, &c), problems.join(" and ")))
                    .fix(format!(
                        "In the securityContext of {} set `allowPrivilegeEscalation: false` and `capabilities: {{drop: [\"ALL\"]}}`{}.",
                        container_words(&w, &c),
                        if problems.iter().any(|p| p.starts_with("runs privileged")) { ", and remove `privileged: true`" } else { "" }
                    )),
            );
        }
    }
}
