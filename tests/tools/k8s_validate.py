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
metadata.namespace since the CRD is namespaced), and PrometheusRules (monitoring.coreos.com/v1)
against the Prometheus operator's CRD schema, strict the same way, and ArgoCD's Application and
ApplicationSet (argoproj.io/v1alpha1) against the fields of ArgoCD's CRDs (manifests/crds/ of
argoproj/argo-cd) that vibe writes: the application spec (source with helm, destination, syncPolicy)
and the ApplicationSet's goTemplate options, the pull-request generator (github, filters,
requeueAfterSeconds), syncPolicy and template. Those parts are strict (an unknown field is an error);
ArgoCD's other generators, kustomize, directory and plugin sources are not written down here, so an
object using them fails as unknown rather than passing unchecked. Any other kind without a schema is
an ERROR.

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

# The PrometheusRule CRD of the Prometheus operator (monitoring.coreos.com_prometheusrules.yaml of
# prometheus-operator/prometheus-operator, v0.7x), made strict the same way: every field of
# spec.groups[] and of a rule, nothing else; a rule records or alerts, never both.
_rule = {
    "type": "object",
    "required": ["expr"],
    "additionalProperties": False,
    "properties": {
        "record": {"type": "string"},
        "alert": {"type": "string"},
        "expr": {"type": ["string", "integer"]},
        "for": {"type": "string", "pattern": "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"},
        "keep_firing_for": {"type": "string"},
        "labels": _string_map,
        "annotations": _string_map,
    },
    "oneOf": [{"required": ["alert"], "not": {"required": ["record"]}}, {"required": ["record"], "not": {"required": ["alert"]}}],
}
PROMETHEUS_RULE_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "monitoring.coreos.com/v1"},
        "kind": {"const": "PrometheusRule"},
        "metadata": SEALED_SECRET_SCHEMA["properties"]["metadata"],
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "groups": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "interval": {"type": "string"},
                            "limit": {"type": "integer"},
                            "partial_response_strategy": {"type": "string"},
                            "query_offset": {"type": "string"},
                            "labels": _string_map,
                            "rules": {"type": "array", "items": _rule},
                        },
                    },
                },
            },
        },
    },
}
# ArgoCD (argoproj.io/v1alpha1): the fields of the Application and ApplicationSet CRDs vibe uses,
# with their CRD types and required fields; additionalProperties false everywhere (see the docstring).
_str = {"type": "string"}
_strs = {"type": "array", "items": _str}
_bool = {"type": "boolean"}
_int = {"type": "integer"}


def _obj(props, required=()):
    return {"type": "object", "additionalProperties": False, "required": list(required), "properties": props}


_secret_ref = _obj({"secretName": _str, "key": _str}, ["secretName", "key"])
_helm = _obj({
    "apiVersions": _strs, "fileParameters": {"type": "array", "items": _obj({"name": _str, "path": _str})},
    "ignoreMissingValueFiles": _bool, "kubeVersion": _str, "namespace": _str,
    "parameters": {"type": "array", "items": _obj({"name": _str, "value": _str, "forceString": _bool})},
    "passCredentials": _bool, "releaseName": _str, "skipCrds": _bool, "skipSchemaValidation": _bool,
    "skipTests": _bool, "valueFiles": _strs, "values": _str,
    "valuesObject": {"type": "object"},  # x-kubernetes-preserve-unknown-fields in the CRD
    "version": _str,
})
_source = _obj({"repoURL": _str, "targetRevision": _str, "path": _str, "chart": _str, "ref": _str, "name": _str,
                "helm": _helm}, ["repoURL"])
_app_spec = _obj({
    "project": _str,
    "source": _source,
    "sources": {"type": "array", "items": _source},
    "destination": _obj({"server": _str, "namespace": _str, "name": _str}),
    "syncPolicy": _obj({
        "automated": _obj({"prune": _bool, "selfHeal": _bool, "allowEmpty": _bool, "enabled": _bool}),
        "syncOptions": _strs,
        "retry": _obj({"limit": _int, "backoff": _obj({"duration": _str, "factor": _int, "maxDuration": _str})}),
        "managedNamespaceMetadata": _obj({"labels": _string_map, "annotations": _string_map}),
    }),
    "revisionHistoryLimit": _int,
    "info": {"type": "array", "items": _obj({"name": _str, "value": _str}, ["name", "value"])},
}, ["destination", "project"])
_argo_metadata = SEALED_SECRET_SCHEMA["properties"]["metadata"]
APPLICATION_SCHEMA = _obj({
    "apiVersion": {"const": "argoproj.io/v1alpha1"},
    "kind": {"const": "Application"},
    "metadata": {**_argo_metadata, "properties": {**_argo_metadata["properties"], "finalizers": _strs}},
    "spec": _app_spec,
    "operation": {"type": "object"},
    "status": {"type": "object"},
}, ["apiVersion", "kind", "metadata", "spec"])
_pull_request = _obj({
    "github": _obj({"owner": _str, "repo": _str, "api": _str, "tokenRef": _secret_ref, "appSecretName": _str,
                    "labels": _strs}, ["owner", "repo"]),
    "filters": {"type": "array", "items": _obj({"branchMatch": _str, "targetBranchMatch": _str})},
    "requeueAfterSeconds": _int,
})
APPLICATION_SET_SCHEMA = _obj({
    "apiVersion": {"const": "argoproj.io/v1alpha1"},
    "kind": {"const": "ApplicationSet"},
    "metadata": _argo_metadata,
    "spec": _obj({
        "goTemplate": _bool,
        "goTemplateOptions": _strs,
        "generators": {"type": "array", "items": _obj({"pullRequest": _pull_request})},
        "syncPolicy": _obj({
            "preserveResourcesOnDeletion": _bool,
            "applicationsSync": {"enum": ["create-only", "create-update", "create-delete", "sync"]},
        }),
        "template": _obj({
            "metadata": _obj({"name": _str, "namespace": _str, "labels": _string_map, "annotations": _string_map,
                              "finalizers": _strs}),
            "spec": _app_spec,
        }, ["metadata", "spec"]),
    }, ["generators", "template"]),
    "status": {"type": "object"},
}, ["apiVersion", "kind", "metadata", "spec"])
# Custom resources checked against their CRD's schema: (apiVersion, kind) -> (schema, which CRD).
CRD_SCHEMAS = {
    ("bitnami.com/v1alpha1", "SealedSecret"): (SEALED_SECRET_SCHEMA, "sealed-secrets CRD schema"),
    ("monitoring.coreos.com/v1", "PrometheusRule"): (PROMETHEUS_RULE_SCHEMA, "prometheus-operator CRD schema"),
    ("argoproj.io/v1alpha1", "Application"): (APPLICATION_SCHEMA, "ArgoCD CRD schema (fields vibe writes)"),
    ("argoproj.io/v1alpha1", "ApplicationSet"): (APPLICATION_SET_SCHEMA, "ArgoCD CRD schema (fields vibe writes)"),
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
                crd = CRD_SCHEMAS.get((obj.get("apiVersion"), obj.get("kind")))
                if crd:
                    schema, which = crd
                    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(obj), key=str)
                    if errors:
                        for e in errors:
                            where = ".".join(str(p) for p in e.absolute_path) or "(object)"
                            print(f"ERROR {f} {name_of(obj)}: {where}: {e.message}")
                        bad += 1
                    else:
                        print(f"OK    {f} {name_of(obj)} ({which}, strict)")
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
