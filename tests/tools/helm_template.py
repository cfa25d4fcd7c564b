#!/usr/bin/env python3
"""A stand-in for `helm template` in the tests (the helm binary is not installable here).

usage: helm template RELEASE CHART [--namespace NS] [--values FILE]

Renders CHART with Helm's own engine (helm_python, Helm SDK v4, the engine tests/tools/helm_equal.py
uses) as `helm template` does (a client-only install dry run) and prints what `helm template`
prints: the rendered manifest, each document after a `---` line and a
`# Source: <chart>/templates/<file>` comment. On a render error it prints Helm's message on
stderr and exits 1, as helm does.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helm_equal import capture_fd2  # noqa: E402


def main(argv):
    if not argv or argv[0] != "template":
        print("Error: this stand-in only knows `helm template`", file=sys.stderr)
        return 1
    args, namespace, values_file = [], "default", None
    rest = iter(argv[1:])
    for a in rest:
        if a in ("--namespace", "-n"):
            namespace = next(rest, "default")
        elif a.startswith("--namespace="):
            namespace = a.split("=", 1)[1]
        elif a in ("--values", "-f"):
            values_file = next(rest, None)
        else:
            args.append(a)
    if len(args) != 2:
        print("Error: usage: helm template RELEASE CHART [--namespace NS]", file=sys.stderr)
        return 1
    release, chart = args
    import helm_python
    import yaml

    values = yaml.safe_load(Path(values_file).read_text()) or {} if values_file else None

    def go():
        with helm_python.Config(storage_driver="memory", namespace=namespace) as cfg:
            return cfg.install(str(Path(chart).resolve()), release, values, dry_run="client")

    rel, err, text = capture_fd2(go)
    if err is not None:
        print(f"Error: {err}", file=sys.stderr)
        if text.strip():
            print(text.strip(), file=sys.stderr)
        return 1
    manifest = rel["manifest"]
    sys.stdout.write(manifest if manifest.startswith("---") else "---\n" + manifest)
    if not manifest.endswith("\n"):
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
