"""A stand-in for docker/podman in the `vibe probe --app --docker` tests (no engine runs here).

Each call appends its arguments (a JSON array) to $FAKE_ENGINE_LOG. `info` answers unless
FAKE_ENGINE_INFO=fail; `build` succeeds unless FAKE_ENGINE_BUILD=fail (then it prints a build
error holding a credential, which vibe must mask); `run` starts the app natively instead of a
container: `python3 $FAKE_ENGINE_APP $FAKE_ENGINE_MODE` with the `-e` variables, and PORT /
MGMT_PORT set to the host ports published for 8081 / 8082, so the probe has something to reach
(exec: the probe's signals reach the app, as the engine's signal proxy passes them on).
"""

import json
import os
import sys

args = sys.argv[1:]
with open(os.environ["FAKE_ENGINE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\n")

verb = args[0] if args else ""
if verb == "info":
    sys.exit(1 if os.environ.get("FAKE_ENGINE_INFO") == "fail" else 0)
if verb == "build":
    if os.environ.get("FAKE_ENGINE_BUILD") == "fail":
        print("#7 [build 3/5] RUN pip install -r requirements.txt")
        print("#7 ERROR: Could not fetch https://deploy:SuperSecretPw9@pypi.internal.example.com/simple/flask/")
        print("ERROR: failed to solve: process \"/bin/sh -c pip install -r requirements.txt\" did not complete successfully: exit code: 1", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)
if verb == "run":
    env = dict(os.environ)
    i = 1
    while i < len(args):
        a = args[i]
        if a in ("-e", "-p", "--name", "--tmpfs", "--cap-drop", "--security-opt", "--user"):
            value = args[i + 1]
            if a == "-e":
                key, _, val = value.partition("=")
                env[key] = val
            elif a == "-p":
                _, host, container = value.split(":")
                env["HOST_" + container] = host
            i += 2
        elif a.startswith("-"):
            i += 1
        else:
            break
    env["PORT"], env["MGMT_PORT"] = env["HOST_8081"], env["HOST_8082"]
    mode = os.environ.get("FAKE_ENGINE_MODE", "good")
    if mode == "exit":
        print("Error: cannot find module '/app/server.js'")
        sys.exit(3)
    os.execvpe("python3", ["python3", os.environ["FAKE_ENGINE_APP"], mode], env)
if verb == "rm":
    sys.exit(0)
sys.exit(2)
