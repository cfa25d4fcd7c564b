#!/usr/bin/env python3
"""Runs one `run:` step of a generated workflow locally with bash, for testing its shell logic.

Usage: workflow_run_step.py WORKFLOW_FILE STEP_NAME_PREFIX [KEY=VALUE ...]
The workflow's top-level and job env are exported (GitHub expressions are not evaluated);
KEY=VALUE arguments add or override variables. Runs in the current directory.
"""
import os
import subprocess
import sys

import yaml

wf = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
prefix = sys.argv[2]
env = dict(os.environ)
env.update({k: str(v) for k, v in (wf.get("env") or {}).items()})
for job in wf["jobs"].values():
    env.update({k: str(v) for k, v in (job.get("env") or {}).items()})
    for step in job["steps"]:
        if step.get("name", "").startswith(prefix) and "run" in step:
            env.update({k: str(v) for k, v in (step.get("env") or {}).items() if "${{" not in str(v)})
            for kv in sys.argv[3:]:
                k, _, v = kv.partition("=")
                env[k] = v
            sys.exit(subprocess.run(["bash", "-e", "-c", step["run"]], env=env).returncode)
sys.exit(f"no run step named {prefix!r}")
