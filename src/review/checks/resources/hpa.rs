//! F4: an HPA targets the app with 1 <= minReplicas <= maxReplicas.

use super::*;

/// F4: an HPA targets each long-running app Deployment/StatefulSet with 1 <= min <= max.
pub fn f4(r: &Review, out: &mut Vec<Finding>) {
    let hpas: Vec<_> = r.repo.objects.iter().filter(|o| o.kind == "HorizontalPodAutoscaler").collect();
    let target = |o: &crate::repo::Object| -> Option<(String, String)> {
        let t = o.node.path("spec.scaleTargetRef")?;
        Some((t.get("kind")?.as_str()?.to_string(), t.get("name")?.as_str()?.to_string()))
    };
    let mut targeted: HashSet<(String, String, Option<String>)> = HashSet::new();
    let mut targeted_any_ns: HashSet<(String, String)> = HashSet::new();
    for h in &hpas {
        if let Some((k, n)) = target(h) {
            targeted_any_ns.insert((k.clone(), n.clone()));
            targeted.insert((k, n, h.namespace.clone()));
        }
    }
    let mut apps: HashSet<(&str, &str)> = HashSet::new();
    for &w in &r.model.workloads {
        if !(w.is_app() && w.long_running() && matches!(w.obj.kind.as_str(), "Deployment" | "StatefulSet")) {
            continue;
        }
        if r.model.is_preview(namespace_of(w.obj, r.ctx).as_deref(), r.ctx) {
            continue;
        }
        apps.insert((w.obj.kind.as_str(), w.obj.name.as_str()));
        let key = |ns: Option<String>| (w.obj.kind.clone(), w.obj.name.clone(), ns);
        let found = targeted.contains(&key(w.obj.namespace.clone()))
            || targeted.contains(&key(None))
            || (w.obj.namespace.is_none() && targeted_any_ns.contains(&(w.obj.kind.clone(), w.obj.name.clone())));
        if found {
            continue;
        }
        let (min, max, cpu) = contract::HPA;
        out.push(
            Finding::new(CheckId::F4, HPA_FILE, None)
                .object(w.obj.id())
                .message(format!("No HorizontalPodAutoscaler targets {}: a rush of users slows it to a crawl.", w.obj.id()))
                .fix(format!(
                    "Add to {HPA_FILE} an `autoscaling/v2` HorizontalPodAutoscaler with `scaleTargetRef: {{apiVersion: apps/v1, kind: {}, name: {}}}`, `minReplicas: {min}`, `maxReplicas: {max}` and a CPU target of {cpu}%.",
                    w.obj.kind, w.obj.name
                )),
        );
    }
    for h in hpas {
        let Some((k, n)) = target(h) else { continue };
        if !apps.contains(&(k.as_str(), n.as_str())) {
            continue;
        }
        let spec = h.node.get("spec");
        let min_node = spec.and_then(|s| s.get("minReplicas"));
        let max_node = spec.and_then(|s| s.get("maxReplicas"));
        let min = min_node.map(|m| m.as_i64()).unwrap_or(Some(1));
        let max = max_node.and_then(Node::as_i64);
        let problem = match (min, max) {
            (None, _) => {
                Some(("minReplicas is not a number".to_string(), spec.and_then(|s| key_line(s, "minReplicas"))))
            }
            (Some(m), _) if m < 1 => {
                Some((format!("minReplicas is {m}, below 1"), spec.and_then(|s| key_line(s, "minReplicas"))))
            }
            (_, None) => Some((
                "maxReplicas is missing or not a number".to_string(),
                spec.and_then(|s| key_line(s, "maxReplicas")),
            )),
            (Some(m), Some(x)) if x < m => Some((
                format!("maxReplicas {x} is below minReplicas {m}"),
                spec.and_then(|s| key_line(s, "maxReplicas")),
            )),
            _ => None,
        };
        let Some((problem, line)) = problem else { continue };
        let (dmin, dmax, _) = contract::HPA;
        out.push(
            Finding::new(
                CheckId::F4,
                &h.file,
                line.or_else(|| spec.and_then(|_| key_line(&h.node, "spec"))).or(h.line()),
            )
            .object(h.id())
            .message(format!("The autoscaler {} for {k}/{n} cannot work: {problem}.", h.id()))
            .fix(format!(
                "Set `minReplicas` to at least 1 and `maxReplicas` not below it (vibe uses {dmin} and {dmax})."
            )),
        );
    }
}
