#!/usr/bin/env python3
"""Cross-checks `vibe review` against checkov on the checks both tools have.

    checkov_compare.py DIR [--vibe BIN] [--checkov BIN] [--cases] [--include-platform] [--json OUT]

Runs `checkov --skip-download -d <absolute DIR> --framework kubernetes -o json --quiet` once and
`vibe review <repo> --format json` (on DIR, or with --cases on every folder under DIR that holds an
`expect.txt`, each reviewed as its own repo, the way the fixture test does), maps each checkov failure
to the vibe check that covers the same rule, and reports for every (file, Kind/name, vibe check) pair
checkov flags whether vibe reports that check on that object.

The mapping (tests/integration/checkov.rs states the same table and passes it with --map; the test
also asserts that this default equals it):

    checkov     checkov rule                        vibe
    CKV_K8S_8   liveness probe configured           B3
    CKV_K8S_9   readiness probe configured          B4
    CKV_K8S_10  cpu requests                        F1
    CKV_K8S_12  memory requests                     F1
    CKV_K8S_11  cpu limits                          F2
    CKV_K8S_13  memory limits                       F2
    CKV_K8S_14  image tag not latest / not blank    A1
    CKV_K8S_20  allowPrivilegeEscalation false      A4
    CKV_K8S_23  no root containers                  A3
    CKV_K8S_37  capabilities dropped (ALL)          A4

Scope (CONTRACT.md, "How checks apply"): only app workloads count. A workload is a platform component
when its first regular container's image is one of the contract's components (nginx, postgres, mongo,
redis, rabbitmq, the three exporters, busybox), recognised by image name as vibe does; the B checks are
app-only and long-running-only (not Job/CronJob: checkov skips those for probes too). With
--include-platform, the A and F checks are also compared on platform components (the contract gives
them the A, E and F checks).

Which objects are workloads, and which are the app, is decided here independently of vibe: every
.yaml/.yml/.json file is parsed with PyYAML.

Exit status: 0 when agreement >= --min-agreement (percent, default 0 = report only), else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

MAPPING = {
    "CKV_K8S_8": "B3",
    "CKV_K8S_9": "B4",
    "CKV_K8S_10": "F1",
    "CKV_K8S_12": "F1",
    "CKV_K8S_11": "F2",
    "CKV_K8S_13": "F2",
    "CKV_K8S_14": "A1",
    "CKV_K8S_20": "A4",
    "CKV_K8S_23": "A3",
    "CKV_K8S_37": "A4",
}

# Image names (last path component, no tag) of the contract's platform components
# (src/contract/mod.rs COMPONENTS: nginx, postgres, mongo, redis, rabbitmq, the exporters, the wait image).
PLATFORM_IMAGE_NAMES = {
    "nginx",
    "postgres",
    "mongo",
    "redis",
    "rabbitmq",
    "postgres-exporter",
    "mongodb_exporter",
    "redis_exporter",
    "busybox",
}
APP_ONLY_CHECKS = {"B3", "B4"}
NOT_LONG_RUNNING = {"Job", "CronJob"}
SKIPPED_DIRS = {".git", "target", "node_modules", "vendor", ".vibe", ".venv", "venv", "__pycache__"}


def image_name(image: str) -> str:
    """`registry/path/name:tag@digest` -> `name`."""
    image = image.strip().split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def pod_spec(doc: dict):
    kind = doc.get("kind")
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    try:
        if kind == "Pod":
            return spec
        if kind == "PodTemplate":
            return doc["template"]["spec"]
        if kind == "CronJob":
            return spec["jobTemplate"]["spec"]["template"]["spec"]
        return spec["template"]["spec"]
    except (KeyError, TypeError):
        return None


def docs_of(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [json.loads(text)]
    return list(yaml.safe_load_all(text))


def workloads(root: Path) -> dict:
    """(file, Kind/name) -> {"kind", "app", "component", "long_running"} for every workload under root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for fn in sorted(filenames):
            if not fn.endswith((".yaml", ".yml", ".json")):
                continue
            path = Path(dirpath, fn)
            rel = path.relative_to(root).as_posix()
            try:
                docs = docs_of(path)
            except Exception:  # not YAML/JSON (templates, empty JSON): no objects here
                continue
            stack = [d for d in docs if isinstance(d, dict)]
            while stack:
                doc = stack.pop(0)
                kind = doc.get("kind")
                if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
                    stack.extend(i for i in doc["items"] if isinstance(i, dict))
                    continue
                meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
                spec = pod_spec(doc)
                if not isinstance(kind, str) or not isinstance(spec, dict):
                    continue
                containers = spec.get("containers") if isinstance(spec.get("containers"), list) else []
                first = next((c.get("image") for c in containers if isinstance(c, dict)), None)
                name = image_name(first) if isinstance(first, str) else None
                component = name if name in PLATFORM_IMAGE_NAMES else None
                out[(rel, f"{kind}/{meta.get('name', '')}")] = {
                    "kind": kind,
                    "app": component is None,
                    "component": component,
                    "long_running": kind not in NOT_LONG_RUNNING,
                }
    return out


def run_checkov(checkov: str, root: Path) -> list:
    cmd = [checkov, "--skip-download", "-d", str(root.resolve()), "--framework", "kubernetes", "-o", "json", "--quiet"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"checkov failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-3000:]}")
    data = json.loads(p.stdout)
    reports = data if isinstance(data, list) else [data]
    failed = []
    for r in reports:
        if r.get("check_type") == "kubernetes":
            failed.extend(r.get("results", {}).get("failed_checks", []))
    return failed


def run_vibe(vibe: str, repo: Path) -> dict:
    p = subprocess.run([vibe, "review", str(repo), "--format", "json"], capture_output=True, text=True)
    if p.returncode not in (0, 1) or "panicked" in p.stderr:
        sys.exit(f"vibe review {repo} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return json.loads(p.stdout)


def object_of(resource: str) -> str:
    """checkov's `Kind.namespace.name` -> `Kind/name` (kinds and namespaces have no dots; names may)."""
    parts = resource.split(".", 2)
    return f"{parts[0]}/{parts[2]}" if len(parts) == 3 else resource


def compare(root: Path, vibe: str, checkov: str, mapping: dict, cases: bool, include_platform: bool) -> dict:
    root = root.resolve()
    # vibe: one repo, or one repo per fixture case; file paths made relative to root.
    repos = sorted(p.parent for p in root.rglob("expect.txt")) if cases else [root]
    vibe_pairs = defaultdict(set)  # (file, object) -> vibe ids
    diagnostics = set()
    for repo in repos:
        prefix = repo.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        report = run_vibe(vibe, repo)
        for f in report["findings"] + report.get("suppressed", []):
            if f.get("object"):
                vibe_pairs[(prefix + f["file"], f["object"])].add(f["id"])
        diagnostics.update(prefix + d["file"] for d in report["diagnostics"])

    known = workloads(root)
    flagged = defaultdict(set)  # (file, object, vibe id) -> checkov ids
    out_of_scope = defaultdict(set)
    for f in run_checkov(checkov, root):
        vid = mapping.get(f["check_id"])
        if vid is None:
            continue
        key = (f["file_path"].lstrip("/"), object_of(f["resource"]))
        w = known.get(key)
        if w is None:
            reason = "no pod template here (not a workload, or not readable by PyYAML)"
        elif vid in APP_ONLY_CHECKS and not (w["app"] and w["long_running"]):
            reason = f"{vid} is for long-running app workloads ({w['kind']}, component {w['component']})"
        elif not w["app"] and not include_platform:
            reason = f"platform component {w['component']} (only app workloads count)"
        else:
            flagged[key + (vid,)].add(f["check_id"])
            continue
        out_of_scope[key + (vid,)].add((f["check_id"], reason))

    agreed, disagreements = [], []
    for (file, obj, vid), ckv in sorted(flagged.items()):
        got = vibe_pairs.get((file, obj), set())
        row = {"file": file, "object": obj, "check": vid, "checkov": sorted(ckv), "vibe_on_object": sorted(got)}
        if vid in got:
            agreed.append(row)
        else:
            row["vibe_diagnostic"] = file in diagnostics
            disagreements.append(row)
    # Pairs vibe reports on workloads checkov passed (vibe is stricter by design: it also checks values).
    checkov_objs = {(f, o, v) for (f, o, v) in flagged} | {(f, o, v) for (f, o, v) in out_of_scope}
    vibe_only = [
        {"file": f, "object": o, "check": v}
        for (f, o, v) in sorted(
            (f, o, v)
            for (f, o), ids in vibe_pairs.items()
            for v in ids
            if v in set(mapping.values()) and (f, o) in known and (f, o, v) not in checkov_objs
            and (include_platform or known[(f, o)]["app"])
        )
    ]
    n = len(flagged)
    return {
        "dir": str(root),
        "repos": len(repos),
        "flagged": n,
        "agreed": len(agreed),
        "agreement": 100.0 if n == 0 else round(100.0 * len(agreed) / n, 2),
        "disagreements": disagreements,
        "out_of_scope": [
            {"file": f, "object": o, "check": v, "checkov": sorted(c for c, _ in r), "reason": sorted({x for _, x in r})[0]}
            for (f, o, v), r in sorted(out_of_scope.items())
        ],
        "vibe_only": vibe_only,
        "by_check": {
            v: {
                "flagged": sum(1 for k in flagged if k[2] == v),
                "agreed": sum(1 for r in agreed if r["check"] == v),
            }
            for v in sorted(set(mapping.values()))
        },
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, nargs="?")
    ap.add_argument("--vibe", default="vibe")
    ap.add_argument("--checkov", default=str(Path(sys.executable).with_name("checkov")))
    ap.add_argument("--cases", action="store_true", help="review every folder holding expect.txt as its own repo")
    ap.add_argument("--include-platform", action="store_true", help="also compare A/F checks on platform components")
    ap.add_argument("--map", action="append", default=[], metavar="CKV=ID", help="the mapping (default: the table above)")
    ap.add_argument("--print-map", action="store_true", help="print the default mapping as JSON and exit")
    ap.add_argument("--min-agreement", type=float, default=0.0)
    ap.add_argument("--json", type=Path, help="write the full result as JSON here")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.print_map:
        print(json.dumps(MAPPING, sort_keys=True))
        return 0
    if a.dir is None:
        ap.error("DIR is required")
    mapping = dict(m.split("=", 1) for m in a.map) if a.map else MAPPING
    res = compare(a.dir, a.vibe, a.checkov, mapping, a.cases, a.include_platform)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1) + "\n")
    if not a.quiet:
        print(f"{res['dir']}: {res['repos']} repo(s); checkov flags {res['flagged']} (file, object, check) pairs "
              f"on app workloads{' and platform components' if a.include_platform else ''}; vibe agrees on "
              f"{res['agreed']} = {res['agreement']}%")
        for v, c in res["by_check"].items():
            print(f"  {v}: {c['agreed']}/{c['flagged']}")
        print(f"  out of scope: {len(res['out_of_scope'])} pairs; vibe-only (stricter) pairs: {len(res['vibe_only'])}")
        for d in res["disagreements"]:
            diag = " (vibe: file is a diagnostic)" if d["vibe_diagnostic"] else ""
            print(f"  DISAGREE {d['check']} {d['file']} {d['object']} checkov {','.join(d['checkov'])}; "
                  f"vibe on the object: {','.join(d['vibe_on_object']) or 'nothing'}{diag}")
    return 0 if res["agreement"] >= a.min_agreement else 1


if __name__ == "__main__":
    sys.exit(main())
