#!/usr/bin/env python3
"""Lint the vibe-stack chart with Helm's own linter and prove its values schema refuses bad values.

usage: helm_lint.py CHART_DIR [--values FILE] [--no-probes]

1. `helm lint --strict` (helm_python.lint, Helm SDK v4): the chart with its own values.yaml (or
   --values). Fails on any message of severity warning or error, or any lint error. Severity
   info (e.g. "icon is recommended") is printed but accepted.
2. Schema: the values must pass values.schema.json (Chart.validate_schema, i.e. Helm's validator).
3. Probes (unless --no-probes): each mutation below of the same values must be REFUSED by the
   schema, as Helm would refuse it on install: image.tag "latest", "" and "a b"; image.tag removed (null);
   app.size not a t-shirt size; database.engine not a known database; database.user "postgres";
   an unknown top-level key; hpa.min 0; a sealed value that is not base64.
   (Helm's JSON-schema library uses Go's RE2 regular expressions: no look-ahead, so "not latest"
   is written as `not: {enum: [latest]}` in the schema rather than `(?!latest$)`.)

Exit status 0 when lint is clean, the values pass and every probe is refused; 1 otherwise;
2 when the chart cannot be loaded.
"""
import argparse
import copy
import os
import sys
import tempfile
from pathlib import Path

import yaml

SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def quiet(fn):
    """Run fn() with fd 2 captured (the Go library prints there); return (result, error, text)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        result = error = None
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 - reported
            error = e
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        return result, error, tmp.read().decode("utf-8", "replace")


def probes(values):
    def mut(label, fn):
        v = copy.deepcopy(values)
        fn(v)
        return label, v

    def set_(path, value):
        def f(v):
            node = v
            for p in path[:-1]:
                node = node[p]
            node[path[-1]] = value
        return f

    yield mut('image.tag "latest"', set_(["image", "tag"], "latest"))
    yield mut('image.tag ""', set_(["image", "tag"], ""))
    yield mut('image.tag "a b"', set_(["image", "tag"], "a b"))
    # null removes a key from the chart's defaults (as `--set image.tag=null` would): tag is required.
    yield mut("image.tag null (removed)", set_(["image", "tag"], None))
    yield mut('app.size "huge"', set_(["app", "size"], "huge"))
    yield mut('database.engine "mysql"', set_(["database", "engine"], "mysql"))
    yield mut('database.user "postgres"', set_(["database", "user"], "postgres"))
    yield mut("unknown top-level key", set_(["replicas"], 3))
    yield mut("hpa.min 0", set_(["hpa", "min"], 0))
    yield mut('sealed value "not base64!"', lambda v: v.setdefault("sealed", {}).update({"API_KEY": "not base64!"}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("chart")
    ap.add_argument("--values", help="values file (default: the chart's own values.yaml)")
    ap.add_argument("--no-probes", action="store_true")
    a = ap.parse_args()
    import helm_python

    chart = Path(a.chart)
    values_file = Path(a.values) if a.values else chart / "values.yaml"
    values = yaml.safe_load(values_file.read_text()) or {}
    failures = []

    report, err, text = quiet(lambda: helm_python.lint(str(chart), values, strict=True))
    if err is not None:
        print(f"ERROR: helm lint could not run on {chart}: {err}\n{text}")
        return 2
    msgs = report.get("messages") or []
    for m in msgs:
        sev = SEVERITY.get(m.get("severity"), str(m.get("severity")))
        print(f"lint {sev}: {m.get('path')}: {m.get('error')}")
        if m.get("severity", 0) >= 2:
            failures.append(f"lint {sev}: {m.get('path')}: {m.get('error')}")
    for e in report.get("errors") or []:
        print(f"lint ERROR: {e}")
        failures.append(f"lint error: {e}")
    print(f"helm lint --strict: {report.get('total_charts_linted')} chart(s), {len(msgs)} message(s), "
          f"{sum(1 for m in msgs if m.get('severity', 0) >= 2)} warning/error(s)")

    loaded, err, text = quiet(lambda: helm_python.Chart.load(str(chart)))
    if err is not None:
        print(f"ERROR: cannot load {chart}: {err}\n{text}")
        return 2
    with loaded:
        _, err, _ = quiet(lambda: loaded.validate_schema(values))
        if err is not None:
            failures.append(f"the values do not pass values.schema.json: {err}")
            print(f"schema: values REFUSED: {err}")
        else:
            print(f"schema: {values_file} passes values.schema.json")
        if not a.no_probes:
            refused = 0
            all_probes = list(probes(values))
            for label, bad in all_probes:
                _, err, _ = quiet(lambda: loaded.validate_schema(bad))
                if err is None:
                    failures.append(f"schema accepts {label}")
                    print(f"probe {label}: ACCEPTED (should be refused)")
                else:
                    refused += 1
                    first = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
                    print(f"probe {label}: refused ({first[:140]})")
            print(f"schema probes: {refused}/{len(all_probes)} refused")

    if failures:
        print(f"FAIL: {len(failures)} problem(s)")
        for f in failures:
            print("  - " + f)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
