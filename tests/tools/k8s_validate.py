#!/usr/bin/env python3
"""Validate Kubernetes manifests against the API schemas, strictly.

usage: k8s_validate.py [--kubernetes-version 1.37.0] FILE_OR_DIR...

Each YAML document of each file (a directory means its *.yaml files) is validated with
kubernetes-validate's schemas in strict mode (unknown fields are errors), the same check as
`kubernetes-validate --strict`.

Custom resources: kubernetes-validate has no schema for them; for SealedSecret
(bitnami.com/v1alpha1) it only prints `WARN ... Couldn't find schema for kind SealedSecret` and
exits 0, i.e. the object is not checked at all. This script instead validates SealedSecrets against
the openAPIV3Schema of the sealed-secrets CRD (helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml
of bitnami-labs/sealed-secrets), made strict the same way (additionalProperties false where the CRD
does not preserve unknown fields), plus what the API server requires of any object (metadata.name;
metadata.namespace since the CRD is namespaced). Any other kind without a schema is an ERROR.

Prints one line per object and a summary; exit status 0 when every object is valid, 1 otherwise,
2 on unreadable input.
"""
import argparse
import sys
from pathlib import Path

import jsonschema
import yaml
from kubernetes_validate import utils as kv

_string_map = {"type": "object", "additionalProperties": {"type": "string"}}
SEALED_SECRET_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "bitnami.com/v1alpha1"},
        "kind": {"const": "SealedSecret"},
        "metadata": {
            "type": "object",
            "required": ["name", "namespace"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
                "namespace": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63},
                "labels": _string_map,
                "annotations": _string_map,
            },
        },
        "spec": {
            "type": "object",
            "required": ["encryptedData"],
            "additionalProperties": False,
            "properties": {
                "data": {"type": "string"},
                "encryptedData": {
                    "type": "object",
                    "propertyNames": {"pattern": "^[-._a-zA-Z0-9]+$"},
                    "additionalProperties": {"type": "string"},
                },
                "template": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "data": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
                        # x-kubernetes-preserve-unknown-fields in the CRD; ObjectMeta in practice.
                        "metadata": {"type": "object"},
                        "type": {"type": "string"},
                    },
                },
            },
        },
        "status": {"type": "object"},
    },
}


def files_of(args):
    for a in args:
        p = Path(a)
        if p.is_dir():
            yield from sorted(p.glob("*.yaml"))
        else:
            yield p


def name_of(obj):
    md = obj.get("metadata") or {}
    return f"{str(obj.get('kind', '?')).lower()}/{md.get('name', '?')}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--kubernetes-version", "-k", default=kv.latest_version())
    a = ap.parse_args()
    version = a.kubernetes_version
    ok = bad = 0
    for f in files_of(a.paths):
        try:
            docs = [d for d in yaml.safe_load_all(f.read_text()) if d is not None]
        except (OSError, yaml.YAMLError) as e:
            print(f"ERROR {f}: cannot read YAML: {e}")
            return 2
        for obj in docs:
            if not isinstance(obj, dict):
                print(f"ERROR {f}: a document is not a mapping")
                bad += 1
                continue
            try:
                kv.validate(obj, version, strict=True)
                print(f"OK    {f} {name_of(obj)} (Kubernetes {kv.major_minor(version)} schema, strict)")
                ok += 1
            except kv.SchemaNotFoundError:
                if obj.get("kind") == "SealedSecret" and obj.get("apiVersion") == "bitnami.com/v1alpha1":
                    errors = sorted(jsonschema.Draft7Validator(SEALED_SECRET_SCHEMA).iter_errors(obj), key=str)
                    if errors:
                        for e in errors:
                            where = ".".join(str(p) for p in e.absolute_path) or "(object)"
                            print(f"ERROR {f} {name_of(obj)}: {where}: {e.message}")
                        bad += 1
                    else:
                        print(f"OK    {f} {name_of(obj)} (sealed-secrets CRD schema, strict)")
                        ok += 1
                else:
                    print(f"ERROR {f} {name_of(obj)}: no schema for {obj.get('apiVersion')} {obj.get('kind')}")
                    bad += 1
            except kv.ValidationError as e:
                where = ".".join(str(p) for p in e.path) or "(object)"
                print(f"ERROR {f} {name_of(obj)}: {where}: {e.message}")
                bad += 1
    print(f"k8s_validate: {ok} valid, {bad} invalid (Kubernetes {kv.major_minor(version)})")
    return 1 if bad or not ok else 0


if __name__ == "__main__":
    sys.exit(main())
