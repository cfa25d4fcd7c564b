//! Workloads, pod templates, containers and image references, as the checks see them.

use crate::contract;
use crate::repo::{Object, Repo};
use crate::yaml::Node;

/// Kinds whose pod template the checks read.
pub const WORKLOAD_KINDS: &[&str] =
    &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod"];

/// A workload and its pod template.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    /// The object.
    pub obj: &'a Object,
    /// The pod spec (`spec.template.spec`, or `spec` for a Pod).
    pub pod: &'a Node,
    /// The pod template's metadata (annotations live there), if any.
    pub pod_meta: Option<&'a Node>,
    /// The node findings about the pod template point at (the template, or the object).
    pub template: &'a Node,
    /// The platform component it is (by image), or `None` for an app workload.
    pub component: Option<&'static str>,
}

/// One container of a pod template.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    /// The container node.
    pub node: &'a Node,
    /// `name`.
    pub name: &'a str,
    /// True for initContainers.
    pub init: bool,
    /// `image`, if set.
    pub image: Option<&'a str>,
}

impl<'a> Workload<'a> {
    /// True for workloads vibe treats as the app (not a platform component).
    pub fn is_app(&self) -> bool {
        self.component.is_none()
    }

    /// True for workloads that keep running (not Jobs, CronJobs or bare Pods that complete).
    pub fn long_running(&self) -> bool {
        !matches!(self.obj.kind.as_str(), "Job" | "CronJob")
    }

    /// Init containers then containers.
    pub fn containers(&self) -> Vec<Container<'a>> {
        let mut out = Vec::new();
        for (key, init) in [("initContainers", true), ("containers", false)] {
            for c in self.pod.get(key).map(Node::items).unwrap_or_default() {
                out.push(Container {
                    node: c,
                    name: c.get("name").and_then(Node::as_str).unwrap_or(""),
                    init,
                    image: c.get("image").and_then(Node::as_str),
                });
            }
        }
        out
    }

    /// Regular containers only.
    pub fn main_containers(&self) -> Vec<Container<'a>> {
        self.containers().into_iter().filter(|c| !c.init).collect()
    }

    /// The container that runs the app: the one regular container that is not a platform
    /// component; among several, the one named like the workload, else the first.
    pub fn app_container(&self) -> Option<Container<'a>> {
        let candidates: Vec<Container<'a>> =
            self.main_containers().into_iter().filter(|c| c.image.and_then(component_of_image).is_none()).collect();
        if candidates.len() <= 1 {
            return candidates.into_iter().next();
        }
        let name = self.obj.name.as_str();
        let named = |c: &Container| {
            !c.name.is_empty()
                && (c.name == name
                    || name.strip_suffix("-app") == Some(c.name)
                    || name.ends_with(&format!("-{}", c.name))
                    || name.starts_with(&format!("{}-", c.name)))
        };
        candidates.iter().find(|c| named(c)).or_else(|| candidates.first()).copied()
    }

    /// The line of the pod template (where findings about a missing pod-level field point).
    pub fn line(&self) -> Option<u32> {
        self.template.line().or(self.obj.line())
    }

    /// A pod template annotation.
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.pod_meta.and_then(|m| m.get("annotations")).and_then(|a| a.get(key)).and_then(Node::as_str)
    }

    /// The pod template labels.
    pub fn labels(&self) -> Vec<(&'a str, &'a str)> {
        self.pod_meta
            .and_then(|m| m.get("labels"))
            .map(|l| l.entries().iter().filter_map(|e| Some((e.key.as_str(), e.value.as_str()?))).collect())
            .unwrap_or_default()
    }
}

impl<'a> Container<'a> {
    /// Line of the container (its first key).
    pub fn line(&self) -> Option<u32> {
        self.node.line()
    }

    /// Line of a field of the container, falling back to the container.
    pub fn line_of(&self, path: &str) -> Option<u32> {
        self.node.path(path).and_then(Node::line).or(self.line())
    }

    /// Declared container ports (number, name).
    pub fn ports(&self) -> Vec<(i64, Option<&'a str>)> {
        self.node
            .get("ports")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| Some((p.get("containerPort")?.as_i64()?, p.get("name").and_then(Node::as_str))))
            .collect()
    }
}

/// The pod spec, template and template metadata of an object, if it is a workload.
fn pod_of(obj: &Object) -> Option<(&Node, &Node, Option<&Node>)> {
    let n = &obj.node;
    let template = match obj.kind.as_str() {
        "Pod" => return n.get("spec").map(|s| (s, n, n.get("metadata"))),
        "CronJob" => n.path("spec.jobTemplate.spec.template")?,
        k if WORKLOAD_KINDS.contains(&k) => n.path("spec.template")?,
        _ => return None,
    };
    Some((template.get("spec")?, template, template.get("metadata")))
}

/// Every workload of the repo, with its role.
pub fn workloads(repo: &Repo) -> Vec<Workload<'_>> {
    let index = repo.workload_index.get_or_init(|| {
        repo.objects.iter().enumerate().filter_map(|(i, o)| workload(o).map(|w| (i, w.component))).collect()
    });
    index
        .iter()
        .filter_map(|&(i, component)| {
            let obj = &repo.objects[i];
            let (pod, template, pod_meta) = pod_of(obj)?;
            Some(Workload { obj, pod, pod_meta, template, component })
        })
        .collect()
}

/// The workload view of one object, if it is a workload.
pub fn workload(obj: &Object) -> Option<Workload<'_>> {
    let (pod, template, pod_meta) = pod_of(obj)?;
    let mut w = Workload { obj, pod, pod_meta, template, component: None };
    // The role is decided by the first regular container's image: a store's pod may carry
    // helper sidecars, but its main container is the store.
    w.component = w.main_containers().first().and_then(|c| c.image).and_then(component_of_image);
    Some(w)
}

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry host, when the reference names one (`harbor.example.com`, `docker.io`).
    pub registry: Option<&'a str>,
    /// Path without registry and tag (`library/nginx`, `dockerhub-proxy/postgres`).
    pub path: &'a str,
    /// Last path component (`nginx`).
    pub name: &'a str,
    /// Tag, if any.
    pub tag: Option<&'a str>,
    /// Digest, if any.
    pub digest: Option<&'a str>,
}

/// Parses `registry/path/name:tag@digest` the way Docker does (the first component is a
/// registry only when it has a `.` or `:` or is `localhost`).
pub fn parse_image(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let (registry, path_tag) = match rest.split_once('/') {
        Some((first, tail)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            (Some(first), tail)
        }
        _ => (None, rest),
    };
    let last_slash = path_tag.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (path, tag) = match path_tag[last_slash..].rfind(':') {
        Some(i) => (&path_tag[..last_slash + i], Some(&path_tag[last_slash + i + 1..])),
        None => (path_tag, None),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    ImageRef { registry, path, name, tag, digest }
}

/// The same Docker Hub image through the platform's mirror (`docker.io/library/x:1` -> `<mirror>/x:1`).
pub fn through_mirror(platform: &crate::platform::Platform, image: &str) -> String {
    let r = parse_image(image);
    let mut s = r.path.strip_prefix("library/").unwrap_or(r.path).to_string();
    if let Some(t) = r.tag {
        s.push(':');
        s.push_str(t);
    }
    if let Some(d) = r.digest {
        s.push('@');
        s.push_str(d);
    }
    platform.mirrored(&s)
}

/// The platform component an image is, by its name (`postgres`, `redis_exporter`, ...).
pub fn component_of_image(image: &str) -> Option<&'static str> {
    // Called for every container of every workload: the component names are parsed once.
    static NAMES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
        std::sync::LazyLock::new(|| contract::COMPONENTS.iter().map(|c| (parse_image(c.image).name, c.id)).collect());
    let name = parse_image(image).name;
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

/// Every workload object's pod template found, with the containers' images (for A-checks).
pub fn images(repo: &Repo) -> Vec<(&Object, Container<'_>)> {
    workloads(repo).into_iter().flat_map(|w| w.containers().into_iter().map(move |c| (w.obj, c))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_parse_like_docker() {
        let r = parse_image("harbor.internal.example.com/dockerhub-proxy/postgres:16");
        assert_eq!(
            (r.registry, r.path, r.name, r.tag),
            (Some("harbor.internal.example.com"), "dockerhub-proxy/postgres", "postgres", Some("16"))
        );
        let r = parse_image("nginx");
        assert_eq!((r.registry, r.name, r.tag), (None, "nginx", None));
        let r = parse_image("localhost:5000/a/b@sha256:abc");
        assert_eq!((r.registry, r.path, r.tag, r.digest), (Some("localhost:5000"), "a/b", None, Some("sha256:abc")));
        let r = parse_image("oliver006/redis_exporter:v1.63.0");
        assert_eq!((r.registry, r.name), (None, "redis_exporter"));
    }

    #[test]
    fn components_are_recognised_by_image_name() {
        assert_eq!(component_of_image("x.io/mirror/postgres:16"), Some("postgres"));
        assert_eq!(component_of_image("percona/mongodb_exporter:0.40"), Some("mongodb-exporter"));
        assert_eq!(component_of_image("harbor/vibe/shop:abc1234"), None);
    }
}
