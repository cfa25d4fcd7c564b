#!/usr/bin/env python3
"""Build the recorded Kubernetes API answers of a namespace from a repo's k8s/ manifests.

usage: cluster_namespace.py --repo DIR --namespace NS --slug SLUG --tag TAG --scenario FILE --out ROUTES.json

The answers have the real API server's shapes, with what the server adds to what was applied:
List objects (kind/apiVersion/metadata.resourceVersion/items; items of built-in lists carry no
kind/apiVersion, custom resources' do), uid, resourceVersion, creationTimestamp, generation,
managedFields, the last-applied annotation, status, and defaulted fields (progressDeadlineSeconds,
revisionHistoryLimit, strategy, dnsPolicy, imagePullPolicy, terminationMessagePath, probes'
successThreshold/scheme, Service clusterIP/type/sessionAffinity, ...). Quantities are canonicalised
as the server does (1000m -> 1). The namespace also holds what Kubernetes creates on its own
(ConfigMap kube-root-ca.crt) and one Running pod per Deployment, with its logs and the app's
answers behind the pod proxy.

The scenario (JSON, paths relative to its file) changes that picture:
  patch:     [{kind, name, path: [..], value}]     a field changed by hand (kubectl edit)
  drop:      [{kind, name}]                        an object missing from the namespace
  extra:     [FILE.json]                           objects created by hand
  app_log:   FILE                                  the app container's log (default: clean JSON lines)
  pod:       {waiting, restarts, ready, lastTerminated}  the app pod's container status
  forbidden: [RESOURCE]                            403 for that resource (e.g. "pods/log")
  not_installed: [RESOURCE]                        404 for an add-on's resource (its CRD is not installed)
  namespace_missing: true                          404 for the namespace
  cronjobs:  {NAME: {status, suspend, creationTimestamp}}  a CronJob's last runs (default: last night's, fine)
  date:      RFC 3339 time                         the API server's clock (its Date header)

ROUTES.json is {date: the Date header, routes: {path (no query): {status, type, body}}}; anything else is a 404.
"""
import argparse
import copy
import datetime
import email.utils
import hashlib
import json
import sys
from pathlib import Path

import yaml

KINDS = [
    # (group/version, resource, kind, namespaced list path prefix)
    ("apps/v1", "deployments", "Deployment"),
    ("apps/v1", "statefulsets", "StatefulSet"),
    ("v1", "services", "Service"),
    ("networking.k8s.io/v1", "ingresses", "Ingress"),
    ("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy"),
    ("v1", "persistentvolumeclaims", "PersistentVolumeClaim"),
    ("autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"),
    ("v1", "configmaps", "ConfigMap"),
    ("batch/v1", "cronjobs", "CronJob"),
    ("bitnami.com/v1alpha1", "sealedsecrets", "SealedSecret"),
    ("monitoring.coreos.com/v1", "prometheusrules", "PrometheusRule"),
]
NOW = "2026-11-02T09:14:07Z"
# The API server's clock (its Date header): a week after the objects were created, a Monday.
SERVER_DATE = "2026-11-09T10:00:00Z"
# The CronJobs' last runs by default: for the generated schedules (backup daily at 02:17, drill
# Sundays at 04:47), the runs of the last night and of the last Sunday, both successful.
BACKUP_STATUS = {"lastScheduleTime": "2026-11-09T02:17:00Z", "lastSuccessfulTime": "2026-11-09T02:19:31Z"}
DRILL_STATUS = {"lastScheduleTime": "2026-11-08T04:47:00Z", "lastSuccessfulTime": "2026-11-08T04:52:10Z"}


def base(api_version):
    return f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"


def uid(text):
    h = hashlib.sha256(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def canonical_quantity(q):
    """What the API server reads back: millicores that are whole cores lose their `m`."""
    if isinstance(q, str) and q.endswith("m") and q[:-1].isdigit() and int(q[:-1]) % 1000 == 0:
        return str(int(q[:-1]) // 1000)
    return q


def canonical_resources(res):
    for part in ("requests", "limits"):
        for k, v in (res or {}).get(part, {}).items():
            res[part][k] = canonical_quantity(v)


def default_container(c):
    c.setdefault("imagePullPolicy", "IfNotPresent")
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    canonical_resources(c.get("resources"))
    for p in c.get("ports", []):
        p.setdefault("protocol", "TCP")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        if probe in c:
            c[probe].setdefault("successThreshold", 1)
            if "httpGet" in c[probe]:
                c[probe]["httpGet"].setdefault("scheme", "HTTP")


def default_pod_spec(spec):
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    for c in spec.get("initContainers", []) + spec.get("containers", []):
        default_container(c)


def server_side(obj, ns, n):
    """What the API server adds to an applied object."""
    applied = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    obj = copy.deepcopy(obj)
    kind, meta = obj["kind"], obj.setdefault("metadata", {})
    if kind != "Namespace":
        meta.setdefault("namespace", ns)
    meta["uid"] = uid(f"{kind}/{meta['name']}")
    meta["resourceVersion"] = str(1000 + n)
    meta["creationTimestamp"] = NOW
    meta["managedFields"] = [{"manager": "argocd-controller", "operation": "Update", "apiVersion": obj["apiVersion"],
                              "time": NOW, "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}]
    meta.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = applied + "\n"
    meta.setdefault("labels", {})["app.kubernetes.io/instance"] = "argocd-app"
    spec = obj.get("spec", {})
    if kind in ("Deployment", "StatefulSet"):
        meta["generation"] = 3
        meta["annotations"]["deployment.kubernetes.io/revision"] = "3"
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Deployment":
            spec.setdefault("progressDeadlineSeconds", 600)
            spec.setdefault("strategy", {"type": "RollingUpdate",
                                         "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
        default_pod_spec(spec["template"]["spec"])
        spec["template"].setdefault("metadata", {}).setdefault("creationTimestamp", None)
        obj["status"] = {"observedGeneration": 3, "replicas": spec["replicas"], "readyReplicas": spec["replicas"],
                         "availableReplicas": spec["replicas"], "updatedReplicas": spec["replicas"]}
    elif kind == "CronJob":
        meta["generation"] = 1
        spec.setdefault("suspend", False)
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job = spec["jobTemplate"]
        job.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        job["spec"]["template"].setdefault("metadata", {}).setdefault("creationTimestamp", None)
        default_pod_spec(job["spec"]["template"]["spec"])
        obj["status"] = dict(DRILL_STATUS if "drill" in meta["name"] else BACKUP_STATUS)
    elif kind == "Service":
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        spec["clusterIP"] = "10.96.%d.%d" % (n // 200, n % 200 + 10)
        spec["clusterIPs"] = [spec["clusterIP"]]
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        obj["status"] = {"loadBalancer": {}}
    elif kind == "PersistentVolumeClaim":
        spec.setdefault("volumeMode", "Filesystem")
        spec.setdefault("storageClassName", "standard")
        spec["volumeName"] = "pvc-" + meta["uid"]
        obj["status"] = {"phase": "Bound", "accessModes": spec.get("accessModes", []),
                         "capacity": spec.get("resources", {}).get("requests", {})}
    elif kind == "Ingress":
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}}
    elif kind == "HorizontalPodAutoscaler":
        obj["status"] = {"currentReplicas": spec.get("minReplicas", 1), "desiredReplicas": spec.get("minReplicas", 1)}
    elif kind == "SealedSecret":
        obj["status"] = {"observedGeneration": 1, "conditions": [{"type": "Synced", "status": "True",
                                                                   "lastUpdateTime": NOW}]}
    elif kind == "Namespace":
        meta["labels"]["kubernetes.io/metadata.name"] = meta["name"]
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}
    return obj


def set_path(obj, path, value):
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def status(code, reason, message, kind=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}
    if kind:
        body["details"] = {"kind": kind}
    return {"status": code, "type": "application/json", "body": json.dumps(body)}


def main():
    ap = argparse.ArgumentParser()
    for a in ("--repo", "--namespace", "--slug", "--tag", "--scenario", "--out"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    ns, slug = args.namespace, args.slug
    scenario_file = Path(args.scenario)
    scenario = json.loads(scenario_file.read_text()) if scenario_file.exists() else {}
    here = scenario_file.parent

    def sub(v):
        return json.loads(json.dumps(v).replace("{slug}", slug).replace("{namespace}", ns).replace("{tag}", args.tag))

    objects = []
    for f in sorted(Path(args.repo, "k8s").glob("*.yaml")):
        objects += [d for d in yaml.safe_load_all(f.read_text()) if d]
    for d in sub(scenario.get("drop", [])):
        objects = [o for o in objects if not (o["kind"] == d["kind"] and o["metadata"]["name"] == d["name"])]
    for e in scenario.get("extra", []):
        objects.append(sub(json.loads((here / e).read_text())))
    live = [server_side(o, ns, n) for n, o in enumerate(objects)]
    for p in sub(scenario.get("patch", [])):
        target = next(o for o in live if o["kind"] == p["kind"] and o["metadata"]["name"] == p["name"])
        set_path(target, p["path"], p["value"])
    for name, state in sub(scenario.get("cronjobs", {})).items():
        target = next(o for o in live if o["kind"] == "CronJob" and o["metadata"]["name"] == name)
        target["status"] = state.get("status", {})
        if "suspend" in state:
            target["spec"]["suspend"] = state["suspend"]
        if "creationTimestamp" in state:
            target["metadata"]["creationTimestamp"] = state["creationTimestamp"]
    live.append({"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": uid("root-ca"),
                              "resourceVersion": "7", "creationTimestamp": NOW,
                              "annotations": {"kubernetes.io/description": "Contains a CA bundle."}},
                 "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEw\n-----END CERTIFICATE-----\n"}})

    routes = {}
    forbidden = set(scenario.get("forbidden", []))
    not_installed = set(scenario.get("not_installed", []))
    namespace_obj = next((o for o in live if o["kind"] == "Namespace"), None)
    if namespace_obj and not scenario.get("namespace_missing"):
        routes[f"/api/v1/namespaces/{ns}"] = {"status": 200, "type": "application/json",
                                               "body": json.dumps(namespace_obj)}
    for api_version, resource, kind in KINDS:
        path = f"{base(api_version)}/namespaces/{ns}/{resource}"
        custom = "." in api_version.split("/")[0] and not api_version.startswith("networking.k8s.io")
        items = []
        for o in live:
            if o["kind"] == kind:
                item = copy.deepcopy(o)
                if not custom:  # typed lists leave TypeMeta out of their items
                    item.pop("kind")
                    item.pop("apiVersion")
                items.append(item)
        if resource in not_installed:
            continue  # no route: the API server answers 404 for a resource it does not serve
        if resource in forbidden:
            routes[path] = status(403, "Forbidden", f'{resource} is forbidden: User "tester" cannot list resource '
                                                    f'"{resource}" in API group "" in the namespace "{ns}"', resource)
        else:
            routes[path] = {"status": 200, "type": "application/json", "body": json.dumps(
                {"kind": kind + "List", "apiVersion": api_version, "metadata": {"resourceVersion": "54321"},
                 "items": items})}

    # One pod per Deployment, as its ReplicaSet made it.
    pods = []
    pod_override = scenario.get("pod", {})
    app_log = (here / scenario["app_log"]).read_text() if "app_log" in scenario else "".join(
        json.dumps({"time": f"2026-11-02T09:15:{i:02d}.123Z", "level": "info", "msg": "request handled",
                    "path": "/items", "status": 200}) + "\n" for i in range(12))
    metric_lines = (here / scenario["metrics"]).read_text() if "metrics" in scenario else None
    for o in live:
        if o["kind"] != "Deployment":
            continue
        tmpl = o["spec"]["template"]
        pod_hash = uid(o["metadata"]["name"])[:10].replace("-", "")
        name = f"{o['metadata']['name']}-{pod_hash}-x7k2q"
        is_app = o["metadata"]["name"] == f"{slug}-app"
        statuses = []
        for c in tmpl["spec"]["containers"]:
            s = {"name": c["name"], "ready": True, "restartCount": 0, "started": True, "image": c["image"],
                 "imageID": c["image"].split(":")[0] + "@sha256:" + hashlib.sha256(c["image"].encode()).hexdigest(),
                 "containerID": "containerd://" + hashlib.sha256(name.encode()).hexdigest(),
                 "state": {"running": {"startedAt": NOW}}, "lastState": {}}
            if is_app and c["name"] == "app" and pod_override:
                s["restartCount"] = pod_override.get("restarts", 0)
                s["ready"] = pod_override.get("ready", True)
                if "waiting" in pod_override:
                    s["state"] = {"waiting": {"reason": pod_override["waiting"], "message": "back-off restarting"}}
                    s["started"] = False
                if "lastTerminated" in pod_override:
                    s["lastState"] = {"terminated": {"reason": pod_override["lastTerminated"], "exitCode": 1,
                                                     "startedAt": NOW, "finishedAt": NOW}}
            statuses.append(s)
        labels = dict(tmpl["metadata"].get("labels", {}), **{"pod-template-hash": pod_hash})
        pods.append({"metadata": {"name": name, "generateName": name[:-5], "namespace": ns, "uid": uid(name),
                                  "resourceVersion": "2000", "creationTimestamp": NOW, "labels": labels,
                                  "annotations": tmpl["metadata"].get("annotations", {}),
                                  "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                       "name": name[:-6], "uid": uid(name[:-6]),
                                                       "controller": True, "blockOwnerDeletion": True}]},
                     "spec": dict(tmpl["spec"], nodeName="worker-1", serviceAccountName="default"),
                     "status": {"phase": "Running", "podIP": "10.244.1.17", "startTime": NOW,
                                "conditions": [{"type": "Ready", "status": "True"}],
                                "containerStatuses": statuses}})
        if not is_app:
            continue
        pod_base = f"/api/v1/namespaces/{ns}/pods/{name}"
        if "pods/log" in forbidden:
            routes[pod_base + "/log"] = status(
                403, "Forbidden", f'pods "{name}" is forbidden: User "tester" cannot get resource "pods/log" in API '
                                  f'group "" in the namespace "{ns}"', "pods")
        else:
            routes[pod_base + "/log"] = {"status": 200, "type": "text/plain", "body": app_log}
        if metric_lines is None:
            import re
            app_yaml = yaml.safe_load(Path(args.repo, "vibe.yaml").read_text())
            metric_lines = "".join(
                f"# HELP {m['name']} {m['name']}\n# TYPE {m['name']} {m['type']}\n"
                + (f'{m["name"]}{{{m["labels"][0]}="ok"}} 3\n' if m.get("labels") else f"{m['name']} 3\n")
                for m in app_yaml.get("metrics", []))
            metric_lines += "# HELP process_cpu_seconds_total CPU.\n# TYPE process_cpu_seconds_total counter\n" \
                            "process_cpu_seconds_total 1.5\n"
        routes[pod_base + ":8081/proxy/metrics"] = {"status": 200, "type": "text/plain; version=0.0.4",
                                                    "body": metric_lines}
        routes[pod_base + ":8082/proxy/readiness"] = {"status": 200, "type": "application/json",
                                                      "body": '{"status":"UP"}'}
        routes[pod_base + ":8082/proxy/liveness"] = {"status": 200, "type": "application/json",
                                                     "body": '{"status":"UP"}'}
        routes[pod_base + ":8082/proxy/info"] = {"status": 200, "type": "application/json",
                                                 "body": json.dumps({"app": slug, "version": args.tag})}
    routes[f"/api/v1/namespaces/{ns}/pods"] = {"status": 200, "type": "application/json", "body": json.dumps(
        {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "54322"}, "items": pods})}
    date = datetime.datetime.fromisoformat(scenario.get("date", SERVER_DATE).replace("Z", "+00:00"))
    Path(args.out).write_text(json.dumps({"date": email.utils.format_datetime(date, usegmt=True), "routes": routes},
                                         indent=1))
    print(f"{len(routes)} routes, {len(live)} objects, {len(pods)} pods")


if __name__ == "__main__":
    sys.exit(main())
