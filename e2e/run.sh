#!/usr/bin/env bash
# The end-to-end suite, from a fresh clone: builds what it needs (the modules and their image tars; the Kubernetes
# binaries with hack/kube-binaries.sh --full, through e2e/cluster-up.sh), brings up the local single-node cluster,
# runs the JUnit suite (e2e/src/test/java) and tears the cluster down, whatever the outcome.
#
# Usage: e2e/run.sh [--help]   (settings come from the environment)
#
#   e2e/run.sh                              # as root, on Linux: the local cluster
#   E2E_KUBECONFIG=~/.kube/config e2e/run.sh  # an existing cluster instead (images loaded by E2E_LOAD_IMAGES,
#                                           #   e.g. E2E_LOAD_IMAGES='kind load image-archive')
#   E2E_KEEP_CLUSTER=true e2e/run.sh        # leave the local cluster up afterwards (e2e/cluster-down.sh stops it)
#
# Where no cluster can be had (not root, no E2E_KUBECONFIG, no Docker engine with a rancher/k3s image or a registry to
# pull the one E2E_K3S_IMAGE names), the suite is reported as skipped, with the reason. See e2e/README.md.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    *) echo "e2e/run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

keep="${E2E_KEEP_CLUSTER:-false}"
if [[ -z "${E2E_KUBECONFIG:-}" && "${keep}" != true && "$(id -u)" == 0 ]]; then
  trap 'e2e/cluster-down.sh >&2 || true' EXIT
fi

./mvnw -q install -DskipTests
# The suite leaves tear-down to the trap above (E2E_KEEP_CLUSTER=true inside), so it happens even if the JVM dies.
E2E_KEEP_CLUSTER=true ./mvnw -Pe2e -pl e2e test
