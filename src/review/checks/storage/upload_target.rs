//! Where a backup container uploads to, for D5: an upload to object storage that runs inside
//! the same cluster (a MinIO next to the database, the pod itself, an rclone remote of type
//! `local`) shares the database's fate and is no off-cluster backup.
//!
//! The endpoints a container names: `--endpoint-url`/`--s3-endpoint`/`--endpoint` and
//! `mc alias set NAME URL` in its script (with `$VAR` resolved from its environment), and the
//! variables S3_ENDPOINT, AWS_ENDPOINT_URL(_S3), AWS_S3_ENDPOINT, RCLONE_S3_ENDPOINT,
//! RCLONE_CONFIG_<REMOTE>_ENDPOINT (and _TYPE) and MC_HOST_<ALIAS> (literal in its `env`, or from
//! a ConfigMap of the repo). A host is inside the cluster when it is `localhost`/a loopback
//! address, ends in `.svc`, `.svc.cluster.local` or `.cluster.local`, or is a Service of the repo
//! (`minio`, `minio.<namespace>`). The platform's own object storage (`backup.endpoint`) is
//! outside by definition: the platform team chose it for that.

use super::*;
use crate::review::model::env::{EnvValue, container_env};

static FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        --(?:endpoint-url|s3-endpoint|endpoint)(?:=|\s+)['"]?([^\s'"]+)
        | \bmc\s+(?:alias\s+set|config\s+host\s+add)\s+\S+\s+['"]?([^\s'"]+)
        "#,
    )
    .unwrap()
});

static VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))").unwrap()
});

/// One place a container may upload to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    /// A URL or host the manifests spell out.
    Url(String),
    /// Named through a Secret or a variable the repo does not set: unknown.
    Unknown,
    /// An rclone remote with no endpoint of its own: its provider's public one.
    ProviderDefault,
    /// An rclone remote of type `local`: the pod's own filesystem.
    LocalRemote(String),
}

/// Why an upload does not leave the cluster, in words for the finding ("minio:9000's host minio,
/// a Service inside the cluster"); `None` when the container uploads off the cluster or vibe
/// cannot tell (an endpoint from a Secret counts as off-cluster: its value is not readable here,
/// and the platform's own generated job reads its credentials the same way).
pub fn inside_cluster(r: &Review, w: &Workload, c: &Container, script: &str) -> Option<String> {
    let env = container_env(r.repo, c);
    let mut endpoints = env_endpoints(c, &env);
    endpoints.extend(script_endpoints(script, &env));
    if script.contains(":local:") {
        endpoints.push(Endpoint::LocalRemote(":local:".into()));
    }
    let services = services(r);
    let platform_host = host_of(&r.ctx.platform.backup.endpoint);
    let ns = namespace_of(w.obj, r.ctx);
    let mut inside = None;
    for e in &endpoints {
        let words = match e {
            Endpoint::Unknown | Endpoint::ProviderDefault => return None,
            Endpoint::LocalRemote(name) => format!("the rclone remote {name}, of type local (the pod's own disk)"),
            Endpoint::Url(url) => {
                let host = host_of(url)?;
                if Some(&host) == platform_host.as_ref() {
                    return None;
                }
                match place(&host, &services, ns.as_deref()) {
                    Some(words) => format!("{host}, {words}"),
                    None => return None,
                }
            }
        };
        inside.get_or_insert(words);
    }
    inside
}

/// Endpoints the container's environment names.
fn env_endpoints(c: &Container, env: &[(String, EnvValue)]) -> Vec<Endpoint> {
    let mut out = Vec::new();
    let mut remotes: Vec<&str> = Vec::new();
    for (name, _) in env {
        // RCLONE_CONFIG_<REMOTE>_<OPTION>: a remote is known by its type or its endpoint.
        let option = name.strip_prefix("RCLONE_CONFIG_");
        let remote = option.and_then(|o| o.strip_suffix("_TYPE").or_else(|| o.strip_suffix("_ENDPOINT")));
        if let Some(r) = remote.filter(|r| !r.is_empty() && !remotes.contains(r)) {
            remotes.push(r);
        }
    }
    let get = |key: &str| env.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    for remote in remotes {
        let kind = get(&format!("RCLONE_CONFIG_{remote}_TYPE"));
        let endpoint = format!("RCLONE_CONFIG_{remote}_ENDPOINT");
        if kind == Some(&EnvValue::Plain("local".into())) {
            out.push(Endpoint::LocalRemote(remote.to_ascii_lowercase()));
        } else if get(&endpoint).is_some() {
            out.push(endpoint_value(c, env, &endpoint));
        } else if kind.is_some() {
            out.push(Endpoint::ProviderDefault);
        }
    }
    for (name, _) in env {
        let named = ["S3_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_S3_ENDPOINT", "RCLONE_S3_ENDPOINT"]
            .contains(&name.as_str())
            || name.starts_with("MC_HOST_");
        if named {
            out.push(endpoint_value(c, env, name));
        }
    }
    out
}

/// The value of an endpoint variable. A value built from a Secret (`MC_HOST_x:
/// http://$(KEY):$(SECRET)@minio:9000`) still names its host literally: the literal is read then.
fn endpoint_value(c: &Container, env: &[(String, EnvValue)], name: &str) -> Endpoint {
    match env.iter().find(|(k, _)| k == name).map(|(_, v)| v) {
        Some(EnvValue::Plain(v)) => Endpoint::Url(v.clone()),
        _ => {
            let literal = c
                .node
                .get("env")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .rev()
                .find(|e| e.get("name").and_then(Node::as_str) == Some(name))
                .and_then(|e| e.get("value"))
                .and_then(Node::as_str);
            match literal.and_then(host_of) {
                Some(host) if !host.contains('$') => Endpoint::Url(host),
                _ => Endpoint::Unknown,
            }
        }
    }
}

/// Endpoints the script names in flags, with `$VAR`, `${VAR}` and `$(VAR)` resolved.
fn script_endpoints(script: &str, env: &[(String, EnvValue)]) -> Vec<Endpoint> {
    FLAG.captures_iter(script)
        .filter_map(|caps| caps.get(1).or(caps.get(2)))
        .map(|m| {
            let mut unknown = false;
            let value = VAR.replace_all(m.as_str(), |v: &regex::Captures| {
                let name = v.get(1).or(v.get(2)).or(v.get(3)).map_or("", |n| n.as_str());
                match env.iter().find(|(k, _)| k == name).map(|(_, v)| v) {
                    Some(EnvValue::Plain(p)) => p.clone(),
                    _ => {
                        unknown = true;
                        String::new()
                    }
                }
            });
            if unknown { Endpoint::Unknown } else { Endpoint::Url(value.into_owned()) }
        })
        .collect()
}

/// The repo's Services: (name, namespace).
fn services(r: &Review) -> Vec<(String, Option<String>)> {
    r.repo.objects.iter().filter(|o| o.kind == "Service").map(|o| (o.name.clone(), namespace_of(o, r.ctx))).collect()
}

/// The host of a URL (`http://user:pw@minio.shop.svc:9000/bucket` -> `minio.shop.svc`), lowercase.
fn host_of(url: &str) -> Option<String> {
    let url = url.trim().trim_start_matches("s3:");
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => hostport.split(':').next()?,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Where inside the cluster `host` is, in words; `None` for a host outside it.
fn place(host: &str, services: &[(String, Option<String>)], ns: Option<&str>) -> Option<&'static str> {
    let loopback = host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "::1";
    if loopback || host == "0.0.0.0" {
        return Some("the backup pod itself");
    }
    if [".svc", ".svc.cluster.local", ".cluster.local"].iter().any(|s| host.ends_with(s)) {
        return Some("a Service inside the cluster");
    }
    let is_service = services.iter().any(|(name, service_ns)| {
        let ns = service_ns.as_deref().or(ns);
        host == name || ns.is_some_and(|ns| host == format!("{name}.{ns}"))
    });
    is_service.then_some("a Service inside the cluster")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_come_out_of_urls_with_credentials_ports_and_paths() {
        assert_eq!(
            host_of("http://minio.shop.svc.cluster.local:9000").as_deref(),
            Some("minio.shop.svc.cluster.local")
        );
        assert_eq!(host_of("https://KEY:SECRET@Minio:9000/bucket").as_deref(), Some("minio"));
        assert_eq!(host_of("s3:https://s3.example.com/b").as_deref(), Some("s3.example.com"));
        assert_eq!(host_of("http://[::1]:9000").as_deref(), Some("::1"));
        assert_eq!(host_of("objects.example.net").as_deref(), Some("objects.example.net"));
        assert_eq!(host_of("http://"), None);
    }

    #[test]
    fn cluster_names_loopback_and_repo_services_are_inside() {
        let services = vec![("minio".to_string(), Some("shop".to_string()))];
        for inside in ["minio.shop.svc.cluster.local", "minio.storage.svc", "x.cluster.local", "localhost", "127.0.0.1"]
        {
            assert!(place(inside, &[], Some("shop")).is_some(), "{inside}");
        }
        assert!(place("minio", &services, Some("shop")).is_some());
        assert!(place("minio.shop", &services, Some("shop")).is_some());
        for outside in ["minio", "s3.eu-central-1.amazonaws.com", "objects.example.net", "svc.example.com"] {
            assert!(place(outside, &[], Some("shop")).is_none(), "{outside}");
        }
    }

    #[test]
    fn script_flags_resolve_variables_and_leave_secrets_unknown() {
        let env = vec![
            ("S3_HOST".to_string(), EnvValue::Plain("http://minio:9000".into())),
            ("HIDDEN".to_string(), EnvValue::Secret),
        ];
        assert_eq!(
            script_endpoints("aws --endpoint-url \"$S3_HOST\" s3 cp a s3://b/a", &env),
            [Endpoint::Url("http://minio:9000".into())]
        );
        assert_eq!(script_endpoints("aws --endpoint-url=${HIDDEN} s3 cp a s3://b/a", &env), [Endpoint::Unknown]);
        assert_eq!(script_endpoints("aws --endpoint-url $UNSET s3 cp a s3://b/a", &env), [Endpoint::Unknown]);
        assert_eq!(
            script_endpoints("mc alias set store http://localhost:9000 \"$K\" \"$S\"\nmc cp x store/b/", &env),
            [Endpoint::Url("http://localhost:9000".into())]
        );
        assert!(script_endpoints("aws s3 cp a s3://b/a", &env).is_empty());
    }
}
