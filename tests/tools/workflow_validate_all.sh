#!/usr/bin/env bash
# Renders the demo app for every runtime with `vibe init --yes` and runs the real validators on the
# Dockerfile, workflows and ArgoCD Application: hadolint, actionlint (+shellcheck), yamllint -d relaxed.
# Usage: tests/tools/workflow_validate_all.sh [OUT_DIR]   (default /tmp/vibe-validate)
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/vibe-validate}"
export PATH="${repo}/target/venv/bin:${PATH}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${repo}/target/h2}"
(cd "${repo}" && cargo build -q) || exit 2
vibe="${CARGO_TARGET_DIR}/debug/vibe"
status=0
for rt in node22 node20 python3.12 python3.11 go1.23 jvm21 jvm17 rust1.78 php8.3; do
  for variant in full mongo bare; do
    dir="${out}/${rt}-${variant}"
    rm -rf "${dir}"
    case "${variant}" in
      full) extra=(--db postgres --redis --nginx --ingress --secret API_KEY) ;;
      mongo) extra=(--db mongo --rabbitmq) ;;
      bare) extra=(--db none) ;;
    esac
    if ! "${vibe}" init --yes --dir "${dir}" --name "Inventory Checker" --runtime "${rt}" "${extra[@]}" \
        --size md --metric orders_processed_total:counter:status --tag a1b2c3d >/dev/null 2>"${dir}.err"; then
      echo "${rt}-${variant}: vibe init failed: $(cat "${dir}.err")"; status=1; continue
    fi
    h="$(hadolint --no-fail -f tty "${dir}/Dockerfile")"
    a="$(cd "${dir}" && actionlint -oneline .github/workflows/ci.yml .github/workflows/cd-argocd.yml 2>&1 | grep -v "is deprecated in GitHub Actions")"
    y="$(yamllint -f parsable -d "{extends: relaxed, rules: {line-length: {max: 160}}}" "${dir}/.github/workflows/ci.yml" "${dir}/.github/workflows/cd-argocd.yml" "${dir}/argocd/application.yaml" 2>&1)"
    printf '%-18s hadolint:%s actionlint:%s yamllint:%s\n' "${rt}-${variant}" \
      "$(printf '%s' "${h}" | grep -c .)" "$(printf '%s' "${a}" | grep -c .)" "$(printf '%s' "${y}" | grep -c .)"
    for r in "${h}" "${a}" "${y}"; do
      if [[ -n "${r}" ]]; then printf '%s\n' "${r}" | sed 's/^/    /'; status=1; fi
    done
  done
done
exit "${status}"
