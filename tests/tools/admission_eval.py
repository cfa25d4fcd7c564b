#!/usr/bin/env python3
"""Evaluate vibe's admission policies with a real CEL implementation (cel-python).

usage:
  admission_eval.py objects DIR...         every Kubernetes object of each folder's YAML files, as JSON
  admission_eval.py evaluate POLICY CASES  what the policies do to each case, as JSON

`objects` prints {DIR: [{"file", "kind", "name", "object"}]}: for each YAML document with apiVersion and
kind (List items expanded) of each *.yaml/*.yml file under DIR, as the review reads them: files in
a chart's templates/ folder, files holding `{{` and .github/ are left out.

`evaluate` reads POLICY (the YAML `vibe admission` prints: ValidatingAdmissionPolicies and their
bindings) and CASES (a JSON list of {"object", "namespaceObject"}) and prints, for each case,
{"denied": [ids], "warned": [ids], "errors": [...], "matched": [policy names]}. It does what the
API server does, for a CREATE: a binding applies when its namespaceSelector selects the
namespaceObject's labels; its policy when a resourceRule matches the object's group, version and
resource and every matchCondition is true; then the variables are computed (in order, each seeing
the earlier ones) and every validation evaluated. A validation that is false, or fails to
evaluate (failurePolicy Fail), fails; its id is the message's prefix before the colon and goes to
`denied` or `warned` by the binding's validationActions. `params` is null.

Only standard CEL is available (cel-python has no Kubernetes extension libraries): a policy that
used one would fail here, as it should.
"""
import json
import re
import sys
from pathlib import Path

import yaml

# cel-python is imported by `evaluate` only: `objects` needs no CEL (and starts faster).
celpy = None
ENV = None
_programs = {}


def load_cel():
    global celpy, ENV
    import celpy as cel

    celpy = cel
    ENV = celpy.Environment()


def program(expr):
    if expr not in _programs:
        _programs[expr] = ENV.program(ENV.compile(expr))
    return _programs[expr]


def evaluate(expr, activation):
    """The value of expr, or an Exception when it fails to compile or evaluate."""
    try:
        value = program(expr).evaluate(activation)
    except Exception as e:  # noqa: BLE001 - every failure is a failed validation
        return e
    if isinstance(value, celpy.evaluation.CELEvalError):
        return value
    return value


def plural(kind):
    lower = kind.lower()
    return lower + "es" if lower.endswith("s") else lower + "s"


def selects(selector, labels):
    labels = labels or {}
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def namespace_labels(ns):
    labels = dict(((ns or {}).get("metadata") or {}).get("labels") or {})
    name = ((ns or {}).get("metadata") or {}).get("name")
    if name:
        # The API server sets this label on every namespace.
        labels["kubernetes.io/metadata.name"] = name
    return labels


def rule_matches(rules, obj):
    api = obj.get("apiVersion", "")
    group, _, version = api.rpartition("/")
    resource = plural(obj.get("kind", ""))
    for r in rules:
        if (
            group in r.get("apiGroups", [])
            and version in r.get("apiVersions", [])
            and resource in r.get("resources", [])
            and "CREATE" in r.get("operations", [])
        ):
            return True
    return False


def lazy_variables(declared, base):
    """`variables`: each computed on first use (seeing the earlier ones). A variable that fails
    to evaluate is an error value: it fails a validation only if that validation's result
    depends on it (CEL's `||` and `&&` absorb errors when the other side decides)."""

    class LazyVariables(celpy.celtypes.MapType):
        def __init__(self):
            super().__init__({})

        def _value(self, key):
            name = str(key)
            if name not in names:
                raise KeyError(key)
            k = celpy.celtypes.StringType(name)
            if not dict.__contains__(self, k):
                value = evaluate(names[name], dict(base, variables=self))
                if isinstance(value, Exception):
                    value = celpy.evaluation.CELEvalError(f"variable {name}: {value}")
                dict.__setitem__(self, k, value)
            return dict.__getitem__(self, k)

        def __getitem__(self, key):
            return self._value(key)

        def get(self, key, default=None):
            try:
                return self._value(key)
            except KeyError:
                return default

        def __contains__(self, key):
            return str(key) in names

    names = {v["name"]: v["expression"] for v in declared}
    return LazyVariables()


def run_policy(policy, case):
    """(failed [(id, message)], errors) of one policy on one case; None when it does not match."""
    spec = policy["spec"]
    obj = case["object"]
    if not rule_matches(spec["matchConstraints"]["resourceRules"], obj):
        return None
    ns = case.get("namespaceObject")
    request = {"operation": "CREATE", "namespace": ((obj.get("metadata") or {}).get("namespace") or "")}
    base = {
        "object": celpy.json_to_cel(obj),
        "oldObject": None,
        "namespaceObject": celpy.json_to_cel(ns) if ns is not None else None,
        "request": celpy.json_to_cel(request),
        "params": None,
    }
    errors = []
    for cond in spec.get("matchConditions") or []:
        value = evaluate(cond["expression"], base)
        if isinstance(value, Exception):
            errors.append(f"matchCondition {cond['name']}: {value}")
            return [("?", "matchCondition error")], errors
        if value is not True and value != celpy.celtypes.BoolType(True):
            return None
    # Variables are computed when first read, as the API server does: a variable that fails
    # fails only the validations that read it.
    variables = lazy_variables(spec.get("variables") or [], base)
    activation = dict(base, variables=variables)
    failed = []
    for v in spec["validations"]:
        m = re.match(r"([A-Z][0-9]+):", v.get("message", ""))
        vid = m.group(1) if m else "?"
        value = evaluate(v["expression"], activation)
        if isinstance(value, Exception):
            errors.append(f"{vid}: {value}")
            failed.append(vid)
        elif not (isinstance(value, celpy.celtypes.BoolType) and bool(value)):
            failed.append(vid)
    return failed, errors


def cmd_evaluate(policy_file, cases_file):
    load_cel()
    docs = [d for d in yaml.safe_load_all(Path(policy_file).read_text()) if d]
    policies = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ValidatingAdmissionPolicy"}
    bindings = [d for d in docs if d["kind"] == "ValidatingAdmissionPolicyBinding"]
    cases = json.loads(Path(cases_file).read_text())
    out = []
    for case in cases:
        result = {"denied": [], "warned": [], "errors": [], "matched": []}
        labels = namespace_labels(case.get("namespaceObject"))
        for b in bindings:
            selector = (b["spec"].get("matchResources") or {}).get("namespaceSelector") or {}
            if not selects(selector, labels):
                continue
            policy = policies[b["spec"]["policyName"]]
            ran = run_policy(policy, case)
            if ran is None:
                continue
            result["matched"].append(policy["metadata"]["name"])
            failed, errors = ran
            result["errors"].extend(errors)
            actions = b["spec"]["validationActions"]
            for vid in failed:
                if "Deny" in actions:
                    result["denied"].append(vid)
                if "Warn" in actions:
                    result["warned"].append(vid)
        out.append(result)
    json.dump(out, sys.stdout)


def cmd_objects(roots):
    json.dump({root: folder_objects(Path(root)) for root in roots}, sys.stdout, default=str)


def folder_objects(root):
    out = []
    for path in sorted(list(root.rglob("*.yaml")) + list(root.rglob("*.yml"))):
        rel = path.relative_to(root).as_posix()
        parts = rel.split("/")
        if "templates" in parts[:-1] or parts[0] == ".github":
            continue
        text = path.read_text(errors="replace")
        if "{{" in text:
            continue
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue
        for doc in docs:
            if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
                continue
            items = doc.get("items") if str(doc["kind"]).endswith("List") else None
            for o in items if isinstance(items, list) else [doc]:
                if isinstance(o, dict) and "kind" in o:
                    name = ((o.get("metadata") or {}).get("name")) or ""
                    out.append({"file": rel, "kind": o["kind"], "name": str(name), "object": o})
    return out


def main(argv):
    if len(argv) >= 3 and argv[1] == "objects":
        cmd_objects(argv[2:])
    elif len(argv) == 4 and argv[1] == "evaluate":
        cmd_evaluate(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
