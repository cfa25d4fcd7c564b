//! H3: /metrics is not reachable through the external route.

use super::*;

/// H3: /metrics is not reachable through the external route.
pub fn h3(r: &Review, out: &mut Vec<Finding>) {
    let routes = &r.model.routes;
    if !routes.has_ingress() {
        return;
    }
    let http = i64::from(PORT_HTTP);
    for b in routes.backends() {
        if !b.covers_metrics() {
            continue;
        }
        let t = routes.resolve(&b);
        let nginx: Vec<&Workload> = t.pods.iter().filter(|w| w.component == Some("nginx")).collect();
        let problem = if !nginx.is_empty() {
            let unprotected = nginx.iter().find(|w| {
                !routes.mounted_configmaps(w).iter().any(|cm| {
                    cm.node
                        .get("data")
                        .map(Node::entries)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|e| e.value.as_str())
                        .any(refuses_metrics)
                })
            });
            match unprotected {
                None => continue,
                Some(w) => Some((
                    format!(
                        "The Ingress `{}` sends {} to the nginx front {}, whose config has no `location` answering 404 for {METRICS_PATH}, so the app's internal numbers are public.",
                        b.ingress.name,
                        b.describe_path(),
                        w.obj.id()
                    ),
                    {
                        let cms: Vec<String> =
                            routes.mounted_configmaps(w).iter().map(|c| format!("`{}`", c.name)).collect();
                        let place = if cms.is_empty() {
                            format!("the nginx config of {} (mount it from a ConfigMap)", w.obj.id())
                        } else {
                            format!("the nginx config of {} (ConfigMap {})", w.obj.id(), cms.join(", "))
                        };
                        format!(
                            "In {place}, add `location = {METRICS_PATH} {{ return 404; }}` and `location ^~ {METRICS_PATH}/ {{ return 404; }}` before `location /` (the generated nginx front has them)."
                        )
                    },
                )),
            }
        } else {
            let reaches_app = t.container_ports.contains(&http)
                || (t.pods.is_empty() && t.target == Some(PortRef::Number(http)))
                || (t.service.is_none() && b.port == Some(PortRef::Number(http)));
            reaches_app.then(|| {
                (
                    format!(
                        "The Ingress `{}` sends {} straight to port {PORT_HTTP}, which also serves {METRICS_PATH}: anyone outside can read the app's internal numbers.",
                        b.ingress.name,
                        b.describe_path()
                    ),
                    r.ctx
                        .slug
                        .as_deref()
                        .map(|s| format!("Route the Ingress to the nginx front `{s}-nginx`, which answers 404 for {METRICS_PATH}: set `nginx: true` under components in vibe.yaml and run `vibe generate`."))
                        .unwrap_or_else(|| CheckId::H3.info().fix.to_string()),
                )
            })
        };
        if let Some((message, fix)) = problem {
            out.push(
                Finding::new(CheckId::H3, &b.ingress.file, b.line.or(b.ingress.line()))
                    .object(b.ingress.id())
                    .message(message)
                    .fix(fix),
            );
        }
    }
}
