#!/usr/bin/env python3
"""Prove a generated k8s/14-monitoring.yaml's alerts with Prometheus' own promtool.

usage: promtool_rules.py MONITORING_YAML WORK_DIR

1. `promtool check rules`: the PrometheusRule's groups, written as a rules file, are valid.
2. `promtool test rules`: on two hours of synthetic series shaped like what the app's skeleton,
   its stores' exporters, kube-state-metrics and the kubelet export (the labels Prometheus' pod
   discovery gives them), a healthy app fires no alert at all, and for every alert a broken app
   (down, restarting, failing, slow, a store down, a volume almost full, a business counter flat)
   fires exactly that alert with its labels and annotations.

Prints what it ran; exit status 0 when both pass, 1 otherwise.
"""
import copy
import subprocess
import sys
from pathlib import Path

import yaml

EVAL = "120m"
SAMPLES = "x120"


def series(name, labels, values):
    inner = ", ".join(f'{k}="{v}"' for k, v in labels.items())
    return {"series": f"{name}{{{inner}}}", "values": values}


def healthy(ns, slug, counters):
    app = {"namespace": ns, "app_kubernetes_io_name": slug, "app_kubernetes_io_component": "app"}
    req = dict(app, method="GET", route="/orders/:id")
    s = {
        "up": series("up", app, f"1+0{SAMPLES}"),
        "restarts": series("kube_pod_container_status_restarts_total",
                           {"namespace": ns, "container": "app", "pod": f"{slug}-app-1"}, f"0+0{SAMPLES}"),
        "ok": series("http_requests_total", dict(req, code="200"), f"0+60{SAMPLES}"),
        "errors": series("http_requests_total", dict(req, code="500"), f"0+0{SAMPLES}"),
        "fast": series("http_request_duration_seconds_bucket", dict(req, code="200", le="0.1"), f"0+60{SAMPLES}"),
        "slow": series("http_request_duration_seconds_bucket", dict(req, code="200", le="5"), f"0+60{SAMPLES}"),
        "inf": series("http_request_duration_seconds_bucket", dict(req, code="200", le="+Inf"), f"0+60{SAMPLES}"),
        "pg_up": series("pg_up", {"namespace": ns}, f"1+0{SAMPLES}"),
        "mongodb_up": series("mongodb_up", {"namespace": ns}, f"1+0{SAMPLES}"),
        "redis_up": series("redis_up", {"namespace": ns}, f"1+0{SAMPLES}"),
        "used": series("kubelet_volume_stats_used_bytes", {"namespace": ns, "persistentvolumeclaim": "data"}, f"10+0{SAMPLES}"),
        "capacity": series("kubelet_volume_stats_capacity_bytes", {"namespace": ns, "persistentvolumeclaim": "data"}, f"100+0{SAMPLES}"),
    }
    for c in counters:
        s[c] = series(c, dict(app, status="ok"), f"0+1{SAMPLES}")
    # The backup and restore-drill CronJobs (k8s/13-backup.yaml) of either database: each last succeeded
    # at t=6000s (20 minutes before the evaluation), and an older Job (started at t=5000s) failed before
    # that success, which must not alert any more.
    for store in ("postgres", "mongo"):
        for job in ("backup", "restore-drill"):
            cronjob = f"{slug}-{store}-{job}"
            key = f"{store}-{job}"
            s[f"{key}-success"] = series("kube_cronjob_status_last_successful_time",
                                         {"namespace": ns, "cronjob": cronjob}, f"6000+0{SAMPLES}")
            old = {"namespace": ns, "job_name": f"{cronjob}-29000001"}
            s[f"{key}-old-start"] = series("kube_job_status_start_time", old, f"5000+0{SAMPLES}")
            s[f"{key}-old-failed"] = series("kube_job_status_failed", old, f"1+0{SAMPLES}")
            # A newer Job: absent while healthy (`_` is a missing sample); a broken scenario fails it.
            new = {"namespace": ns, "job_name": f"{cronjob}-29000002"}
            s[f"{key}-new-start"] = series("kube_job_status_start_time", new, f"_{SAMPLES}")
            s[f"{key}-new-failed"] = series("kube_job_status_failed", new, f"_{SAMPLES}")
    return s


def broken(alert, s, counters):
    """The healthy series with the one change that must fire `alert`, and the labels it fires with."""
    s = copy.deepcopy(s)
    extra = {}
    if alert == "AppDown":
        s["up"]["values"] = f"0+0{SAMPLES}"
    elif alert == "AppRestarting":
        s["restarts"]["values"] = f"0+1{SAMPLES}"
    elif alert == "AppErrors":
        s["errors"]["values"] = f"0+60{SAMPLES}"
    elif alert == "AppSlow":
        s["fast"]["values"] = f"0+0{SAMPLES}"
    elif alert.endswith("Down") and alert[:-4].lower() in ("postgres", "mongo", "redis"):
        key = {"postgres": "pg_up", "mongo": "mongodb_up", "redis": "redis_up"}[alert[:-4].lower()]
        s[key]["values"] = f"0+0{SAMPLES}"
    elif alert == "VolumeAlmostFull":
        s["used"]["values"] = f"90+0{SAMPLES}"
        extra = {"persistentvolumeclaim": "data"}
    elif alert in ("BackupFailed", "RestoreDrillFailed"):
        # A Job started after the last success (at t=6500s) failed.
        job = "backup" if alert == "BackupFailed" else "restore-drill"
        for store in ("postgres", "mongo"):
            s[f"{store}-{job}-new-start"]["values"] = f"6500+0{SAMPLES}"
            s[f"{store}-{job}-new-failed"]["values"] = f"1+0{SAMPLES}"
    elif alert.startswith("Stalled"):
        wanted = alert[len("Stalled"):]
        name = next((c for c in counters if "".join(w.capitalize() for w in c.split("_")) == wanted), None)
        if name is None:
            raise SystemExit(f"no business counter behind {alert}")
        s[name]["values"] = f"5+0{SAMPLES}"
    else:
        raise SystemExit(f"no broken scenario for alert {alert}: add one")
    return s, extra


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    source, work = Path(sys.argv[1]), Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    docs = [d for d in yaml.safe_load_all(source.read_text()) if d]
    rule = next(d for d in docs if d.get("kind") == "PrometheusRule")
    ns = rule["metadata"]["namespace"]
    slug = rule["metadata"]["labels"]["app.kubernetes.io/name"]
    groups = rule["spec"]["groups"]
    (work / "rules.yml").write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    alerts = [r for g in groups for r in g["rules"] if "alert" in r]
    counters = sorted({c for r in alerts if r["alert"].startswith("Stalled")
                       for c in [r["expr"].split("(increase(")[1].split("{")[0]]})
    base = healthy(ns, slug, counters)
    tests = [{
        "name": "a healthy app fires nothing",
        "interval": "1m",
        "input_series": list(base.values()),
        "alert_rule_test": [{"eval_time": EVAL, "alertname": r["alert"], "exp_alerts": []} for r in alerts],
    }]
    # Deployed 30 minutes ago, no order yet: not stalled, the window has not passed.
    fresh = copy.deepcopy(base)
    fresh["up"]["values"] = "_x90 1+0x30"
    for c in counters:
        fresh[c]["values"] = "_x90 0+0x30"
    tests.append({
        "name": "a counter that has not moved right after the first deploy is not stalled",
        "interval": "1m",
        "input_series": list(fresh.values()),
        "alert_rule_test": [{"eval_time": EVAL, "alertname": r["alert"], "exp_alerts": []}
                            for r in alerts if r["alert"].startswith("Stalled")],
    })
    for r in alerts:
        s, extra = broken(r["alert"], base, counters)
        tests.append({
            "name": f"{r['alert']} fires",
            "interval": "1m",
            "input_series": list(s.values()),
            "alert_rule_test": [{
                "eval_time": EVAL,
                "alertname": r["alert"],
                "exp_alerts": [{
                    "exp_labels": dict(r.get("labels", {}), **extra),
                    "exp_annotations": r.get("annotations", {}),
                }],
            }],
        })
    (work / "tests.yml").write_text(yaml.safe_dump({"rule_files": ["rules.yml"], "tests": tests}, sort_keys=False))
    ok = True
    for args in (["promtool", "check", "rules", "rules.yml"], ["promtool", "test", "rules", "tests.yml"]):
        print("==", " ".join(args), flush=True)
        done = subprocess.run(args, cwd=work, capture_output=True, text=True)
        print(done.stdout + done.stderr, flush=True)
        ok &= done.returncode == 0
    print(f"promtool_rules {source}: {len(alerts)} alerts, {len(tests)} scenarios: {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
