//! B5: probe timeouts are at least 5 seconds (10 where readiness checks the database).

use super::*;

/// B5: every probe waits at least 5 s (10 s for readiness when it checks the database).
pub fn b5(r: &Review, out: &mut Vec<Finding>) {
    for w in app_workloads(r) {
        for c in w.main_containers() {
            for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(probe) = c.node.get(key) else { continue };
                let db = key == "readinessProbe" && r.ctx.readiness_checks_database;
                let min =
                    i64::from(if db { contract::PROBE_TIMEOUT_DB_SECONDS } else { contract::PROBE_TIMEOUT_SECONDS });
                let timeout = probe.get("timeoutSeconds");
                // Kubernetes' default when the field is absent.
                let got = timeout.map(|t| t.as_i64()).unwrap_or(Some(1));
                if got.is_some_and(|t| t >= min) {
                    continue;
                }
                let now = match (timeout, got) {
                    (None, _) => "1 second".to_string(),
                    (Some(_), Some(t)) => format!("{t} second{}", crate::words::plural(t)),
                    (Some(t), None) => format!("`{}` (not a number of seconds)", t.as_str().unwrap_or("?")),
                };
                let why = if db { " because /readiness checks the database" } else { "" };
                out.push(
                    Finding::new(
                        CheckId::B5,
                        &w.obj.file,
                        key_line(probe, "timeoutSeconds").or_else(|| key_line(c.node, key)),
                    )
                    .object(w.obj.id())
                    .message(format!(
                        "The {key} of {} waits only {now} for an answer{}: one slow moment looks like a dead app.",
                        container_words(&w, &c),
                        if timeout.is_none() { " (Kubernetes' default, as `timeoutSeconds` is not set)" } else { "" }
                    ))
                    .fix(format!("Set `timeoutSeconds: {min}` (or more) on that {key}{why}.")),
                );
            }
        }
    }
}
