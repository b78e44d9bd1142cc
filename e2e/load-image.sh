#!/usr/bin/env bash
# Imports image archives into the e2e cluster's containerd, in the k8s.io
# namespace that kubelet (the CRI) uses, so pods can run them with
# imagePullPolicy IfNotPresent or Never. Reads "docker save" archives (what
# Jib's jib:buildTar and `docker save` write) and OCI image layout tars.
#
#   e2e/load-image.sh IMAGE.tar [IMAGE.tar ...]
#
# Prints the names of the images now present. Needs the cluster up
# (e2e/cluster-up.sh) and root.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

if [[ $# -eq 0 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  [[ $# -gt 0 ]] && exit 0 || exit 2
fi
need_root
[[ -S "${CONTAINERD_SOCK}" ]] && ctr --address "${CONTAINERD_SOCK}" version >/dev/null 2>&1 ||
  die "containerd of the e2e cluster is not running (${CONTAINERD_SOCK}); run e2e/cluster-up.sh first"

for tar in "$@"; do
  [[ -f "${tar}" ]] || die "no such file: ${tar}"
  log "importing ${tar}"
  # --all-platforms: a multi-platform archive imports whole; ctr unpacks
  # what matches this machine into the overlayfs snapshotter kubelet uses.
  ctr_k8s images import --all-platforms "${tar}" >&2 ||
    die "ctr could not import ${tar}"
done
ctr_k8s images ls -q | grep -v '^sha256:'
