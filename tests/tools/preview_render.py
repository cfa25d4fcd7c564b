#!/usr/bin/env python3
"""Render a generated repo's pull-request previews as ArgoCD would, then as Helm would.

usage: preview_render.py REPO OUT_DIR --pr NUMBER:HEAD_SHA[:BRANCH] [--pr ...]

1. Reads REPO/argocd/previews.yaml (an ApplicationSet with one pull-request generator, goTemplate: true,
   goTemplateOptions [missingkey=error]) and, for each --pr, makes the generator's parameters as ArgoCD's
   pull-request generator does (applicationset/generators/pull_request.go): number, branch, branch_slug,
   target_branch, target_branch_slug, head_sha, head_short_sha (8 characters), head_short_sha_7, labels.
2. Substitutes the template the way ArgoCD's goTemplate renderer does: every string of the template is
   a Go text/template executed with those parameters. Only field actions (`{{.name}}`, `{{ .name }}`)
   are emulated; any other action (a pipeline, a function, if/range) is refused as unsupported rather
   than guessed, and a field the generator does not give is an error (missingkey=error).
3. Turns the Application's helm source into Helm values as ArgoCD does: valueFiles, then parameters as
   `--set` (typed: true/false/integers/null) or `--set-string` (forceString), and renders the chart at
   source.path with Helm's own engine (helm_python, `helm install --dry-run=client`), release name
   helm.releaseName (else the Application's name), namespace destination.namespace.

Writes OUT_DIR/pr-NUMBER/application.yaml (the Application) and OUT_DIR/pr-NUMBER/k8s/<template file>
(the rendered objects, grouped by the chart template that made them), and prints one JSON line per
pull request: {"number", "application", "namespace", "files"}. Exit status 0, 1 on a template or
render error (printed), 2 on usage errors.
"""
import argparse
import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helm_equal import capture_fd2, split_manifest  # noqa: E402

ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
FIELD = re.compile(r"^-?\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*-?$")


class TemplateError(Exception):
    pass


def slug(text):
    # ArgoCD uses gosimple/slug: lower case, runs of other characters become one '-'.
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def params(number, head_sha, branch, target="main"):
    return {
        "number": str(number),
        "branch": branch,
        "branch_slug": slug(branch),
        "target_branch": target,
        "target_branch_slug": slug(target),
        "head_sha": head_sha,
        "head_short_sha": head_sha[:8],
        "head_short_sha_7": head_sha[:7],
        "labels": [],
    }


def execute(text, p, where):
    def one(m):
        f = FIELD.match(m.group(1))
        if not f:
            raise TemplateError(f"{where}: action {m.group(0)!r} is not a field; this emulation refuses it")
        name = f.group(1)
        if name not in p:
            raise TemplateError(f"{where}: map has no entry for key {name!r} (missingkey=error)")
        value = p[name]
        return value if isinstance(value, str) else json.dumps(value)

    return ACTION.sub(one, text)


def substitute(node, p, where="template"):
    if isinstance(node, str):
        return execute(node, p, where)
    if isinstance(node, list):
        return [substitute(v, p, f"{where}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, dict):
        # Keys are Go struct fields or map keys; ArgoCD renders map keys too (labels, annotations).
        return {execute(k, p, where) if isinstance(k, str) else k: substitute(v, p, f"{where}.{k}")
                for k, v in node.items()}
    return node


def typed(value):
    # Helm's strvals.typedVal for `--set`: true/false/null in any case, "0", and integers that do not
    # start with a zero are typed; the rest stays a string.
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value.lower() == "null":
        return None
    if value == "0":
        return 0
    if value and value[0] != "0" and re.fullmatch(r"[-+]?[0-9]+", value):
        return int(value)
    return value


def set_path(values, name, value):
    if "[" in name or "\\" in name or "," in name:
        raise TemplateError(f"parameter {name!r}: list indexes, escapes and commas are not emulated")
    keys = name.split(".")
    node = values
    for k in keys[:-1]:
        node = node.setdefault(k, {})
        if not isinstance(node, dict):
            raise TemplateError(f"parameter {name!r}: {k} is not a map")
    node[keys[-1]] = value


def render(repo, app):
    import helm_python

    src = app["spec"]["source"]
    chart = repo / src["path"]
    helm = src.get("helm") or {}
    values = {}
    for f in helm.get("valueFiles") or []:
        loaded = yaml.safe_load((chart / f).read_text()) or {}
        values = merge(values, loaded)
    for prm in helm.get("parameters") or []:
        v = prm.get("value", "")
        set_path(values, prm["name"], v if prm.get("forceString") else typed(v))
    release = helm.get("releaseName") or app["metadata"]["name"]
    namespace = app["spec"]["destination"]["namespace"]

    def go():
        with helm_python.Config(storage_driver="memory", namespace=namespace) as cfg:
            return cfg.install(str(chart), release, values, dry_run="client")

    rel, err, text = capture_fd2(go)
    if err is not None:
        raise TemplateError(f"Helm could not render {chart}: {type(err).__name__}: {err}\n{text.strip()}")
    return rel["manifest"]


def merge(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("repo")
    ap.add_argument("out")
    ap.add_argument("--pr", action="append", required=True, help="NUMBER:HEAD_SHA[:BRANCH]")
    a = ap.parse_args()
    repo, out = Path(a.repo), Path(a.out)
    docs = [d for d in yaml.safe_load_all((repo / "argocd" / "previews.yaml").read_text()) if d]
    sets = [d for d in docs if d.get("kind") == "ApplicationSet"]
    if len(sets) != 1:
        print(f"ERROR: argocd/previews.yaml holds {len(sets)} ApplicationSets, not one")
        return 1
    spec = sets[0]["spec"]
    if spec.get("goTemplate") is not True or "missingkey=error" not in (spec.get("goTemplateOptions") or []):
        print("ERROR: the ApplicationSet does not use goTemplate with missingkey=error")
        return 1
    for pr in a.pr:
        number, sha, *rest = pr.split(":")
        p = params(number, sha, rest[0] if rest else f"feature/pr-{number}")
        try:
            tmpl = substitute(spec["template"], p)
            app = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", **tmpl}
            manifest = render(repo, app)
        except TemplateError as e:
            print(f"ERROR: pull request {number}: {e}")
            return 1
        pr_dir = out / f"pr-{number}"
        (pr_dir / "k8s").mkdir(parents=True, exist_ok=True)
        (pr_dir / "application.yaml").write_text(yaml.safe_dump(app, sort_keys=False))
        by_file = {}
        for source, obj in split_manifest(manifest):
            by_file.setdefault(source or "unknown.yaml", []).append(obj)
        for name, objs in by_file.items():
            (pr_dir / "k8s" / name).write_text(yaml.safe_dump_all(objs, sort_keys=False))
        print(json.dumps({"number": number, "application": app["metadata"]["name"],
                          "namespace": app["spec"]["destination"]["namespace"], "files": sorted(by_file)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
