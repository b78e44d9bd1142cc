#!/usr/bin/env bash
# Imports image archives into the e2e cluster's containerd, in the k8s.io
# namespace that kubelet (the CRI) uses, so pods can run them with
# imagePullPolicy IfNotPresent or Never. Reads "docker save" archives (what
# Jib's jib:buildTar and `docker save` write) and OCI image layout tars.
#
# Usage: e2e/load-image.sh [--] IMAGE.tar [IMAGE.tar ...]
#        e2e/load-image.sh --help
#
# Prints the names of the images now present. Needs the cluster up
# (e2e/cluster-up.sh) and root.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
tars=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --) shift; tars+=("$@"); break ;;
    -*) echo "load-image: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    *) tars+=("$1") ;;
  esac
  shift
done
if [[ ${#tars[@]} -eq 0 ]]; then
  echo "load-image: no image archive given" >&2; usage >&2; exit 2
fi

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

need_root
if [[ ! -S "${CONTAINERD_SOCK}" ]] || ! ctr --address "${CONTAINERD_SOCK}" version >/dev/null 2>&1; then
  die "containerd of the e2e cluster is not running (${CONTAINERD_SOCK}); run e2e/cluster-up.sh first"
fi

for tar in "${tars[@]}"; do
  [[ -f "${tar}" ]] || die "no such file: ${tar}"
  log "importing ${tar}"
  # --all-platforms: a multi-platform archive imports whole; ctr unpacks
  # what matches this machine into the overlayfs snapshotter kubelet uses.
  ctr_k8s images import --all-platforms "${tar}" >&2 ||
    die "ctr could not import ${tar}"
done
ctr_k8s images ls -q | grep -v '^sha256:'
