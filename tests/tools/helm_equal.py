#!/usr/bin/env python3
"""Render the vibe-stack chart with Helm's own engine and compare its objects with k8s/.

usage: helm_equal.py CHART_DIR K8S_DIR [--values FILE] [--release NAME] [--namespace NS]

The chart is rendered as `helm install --dry-run=client` would (helm_python, Helm SDK v4), with
the chart's own values.yaml (the generated one) unless --values names another file. Every object
of the rendered manifest and of K8S_DIR/*.yaml is parsed and keyed by
(apiVersion, kind, metadata.namespace, metadata.name). The check fails when:
  - an object is in one set and not the other, or appears twice;
  - the same object differs anywhere after parsing (the full object is compared: every field);
  - an object comes from a chart template whose name differs from its k8s/ file
    (templates/05-db.yaml must render exactly the objects of k8s/05-db.yaml).

What Helm adds, and why nothing is ignored: for a client dry run Helm adds only a `# Source:
<chart>/templates/<file>` comment before each document (a comment: gone after parsing; this
script reads it to check the file correspondence) and it orders documents by kind (Helm's install
order), which is why objects are matched by identity and not by position. Helm does not add
labels or annotations to the rendered manifest (ownership metadata is written at apply time,
which a dry run never reaches), so the comparison ignores no field.

A `fail`/`required` message from a template goes to file descriptor 2 in the Go library; it is
captured and printed with the error. Exit status: 0 equal, 1 different, 2 render/usage error.
"""
import argparse
import difflib
import os
import re
import sys
import tempfile
from pathlib import Path

import yaml


def capture_fd2(fn):
    """Run fn() with fd 2 redirected to a temp file; return (result, exception, stderr text)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        result, error = None, None
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 - reported to the user
            error = e
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode("utf-8", "replace")
    return result, error, text


def render(chart: Path, values_file, release: str, namespace: str) -> str:
    import helm_python

    values = None
    if values_file:
        values = yaml.safe_load(Path(values_file).read_text()) or {}

    def go():
        with helm_python.Config(storage_driver="memory", namespace=namespace) as cfg:
            return cfg.install(str(chart), release, values, dry_run="client")

    rel, err, text = capture_fd2(go)
    if err is not None:
        print(f"ERROR: Helm could not render {chart}: {type(err).__name__}: {err}")
        if text.strip():
            print("Helm said:\n" + text.strip())
        sys.exit(2)
    return rel["manifest"]


def key(obj):
    md = obj.get("metadata") or {}
    return (obj.get("apiVersion"), obj.get("kind"), md.get("namespace"), md.get("name"))


def fmt(k):
    api, kind, ns, name = k
    return f"{kind} {ns + '/' if ns else ''}{name} ({api})"


def split_manifest(manifest: str):
    """Yield (source template basename, object) for each document of a Helm manifest."""
    for doc in re.split(r"(?m)^---[ \t]*$", manifest):
        source = None
        for line in doc.splitlines():
            if line.startswith("# Source: "):
                source = Path(line[len("# Source: "):].strip()).name
                break
        for obj in yaml.safe_load_all(doc):
            if obj is not None:
                yield source, obj


def diff(a, b, path="", out=None, limit=25):
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            p = f"{path}.{k}" if path else str(k)
            if k not in a:
                out.append(f"{p}: only in chart: {b[k]!r:.120}")
            elif k not in b:
                out.append(f"{p}: only in k8s/: {a[k]!r:.120}")
            else:
                diff(a[k], b[k], p, out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: k8s/ has {len(a)} items, chart has {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out, limit)
    elif isinstance(a, str) and isinstance(b, str) and a != b and "\n" in a + b:
        lines = difflib.unified_diff(a.splitlines(), b.splitlines(), "k8s/", "chart", n=0, lineterm="")
        out.append(f"{path}: text differs:\n      " + "\n      ".join(list(lines)[:12]))
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: k8s/ {a!r:.120} ({type(a).__name__}) != chart {b!r:.120} ({type(b).__name__})")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("chart")
    ap.add_argument("k8s_dir")
    ap.add_argument("--values", help="values file (default: the chart's own values.yaml)")
    ap.add_argument("--release", default="vibe")
    ap.add_argument("--namespace", default="default", help="release namespace (objects set their own)")
    a = ap.parse_args()
    chart, k8s = Path(a.chart), Path(a.k8s_dir)
    if not (chart / "Chart.yaml").is_file() or not k8s.is_dir():
        print(f"usage error: {chart} is not a chart or {k8s} is not a directory")
        return 2

    problems = []
    want = {}
    files = sorted(k8s.glob("*.yaml"))
    for f in files:
        for obj in yaml.safe_load_all(f.read_text()):
            if obj is None:
                continue
            k = key(obj)
            if k in want:
                problems.append(f"{fmt(k)} appears twice in k8s/ ({want[k][0]} and {f.name})")
            want[k] = (f.name, obj)

    got = {}
    for source, obj in split_manifest(render(chart, a.values, a.release, a.namespace)):
        k = key(obj)
        if k in got:
            problems.append(f"{fmt(k)} rendered twice by the chart")
        got[k] = (source, obj)

    for k in sorted(set(want) - set(got), key=str):
        problems.append(f"{fmt(k)} is in k8s/{want[k][0]} but the chart does not render it")
    for k in sorted(set(got) - set(want), key=str):
        problems.append(f"{fmt(k)} is rendered by templates/{got[k][0]} but is not in k8s/")
    same = 0
    for k in sorted(set(want) & set(got), key=str):
        (wf, wo), (gf, go) = want[k], got[k]
        if wf != gf:
            problems.append(f"{fmt(k)}: in k8s/{wf} but rendered by templates/{gf} (file names must match)")
        d = diff(wo, go)
        if d:
            problems.append(f"{fmt(k)} differs ({len(d)} difference(s) shown):\n    " + "\n    ".join(d))
        elif wf == gf:
            same += 1

    print(f"helm_equal: {len(files)} k8s/ files, {len(want)} objects in k8s/, {len(got)} rendered by the chart, "
          f"{same} identical")
    if problems:
        print(f"FAIL: {len(problems)} problem(s)")
        for p in problems:
            print("  - " + p)
        return 1
    print("OK: the chart renders exactly the objects of k8s/ (same identity, same file, same content)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
