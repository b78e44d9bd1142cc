#!/usr/bin/env bash
# Loads the three images that `./mvnw package` wrote as tars (greeter-image/target/greeter-image.tar,
# notifier-image/target/notifier-image.tar, operator/target/operator-image.tar) into where a cluster's nodes find
# them, so nothing is pulled (install the chart with demoImages.pullPolicy IfNotPresent or Never).
#
#   hack/load-images.sh kind [CLUSTER]       kind load image-archive (cluster name default: kind)
#   hack/load-images.sh k3d [CLUSTER]        k3d image import (default: k3s-default)
#   hack/load-images.sh minikube [PROFILE]   minikube image load (default: minikube)
#   hack/load-images.sh docker               docker load (e.g. Docker Desktop's Kubernetes)
#   hack/load-images.sh containerd           ctr -n k8s.io images import, on a node itself (root)
#
# See docs/images.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tars=("$root/greeter-image/target/greeter-image.tar" "$root/notifier-image/target/notifier-image.tar"
  "$root/operator/target/operator-image.tar")

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
[[ $# -ge 1 ]] || { usage >&2; exit 2; }
target="$1"
name="${2:-}"
[[ "$target" == -h || "$target" == --help ]] && { usage; exit 0; }

for tar in "${tars[@]}"; do
  [[ -s "$tar" ]] || { echo "load-images: $tar is missing: run ./mvnw package -DskipTests first" >&2; exit 1; }
done
need() { command -v "$1" >/dev/null 2>&1 || { echo "load-images: '$1' not found" >&2; exit 1; }; }

case "$target" in
  kind)
    need kind
    for tar in "${tars[@]}"; do kind load image-archive "$tar" --name "${name:-kind}"; done ;;
  k3d)
    need k3d
    k3d image import "${tars[@]}" -c "${name:-k3s-default}" ;;
  minikube)
    need minikube
    for tar in "${tars[@]}"; do minikube image load "$tar" -p "${name:-minikube}"; done ;;
  docker)
    need docker
    for tar in "${tars[@]}"; do docker load -i "$tar"; done ;;
  containerd)
    need ctr
    for tar in "${tars[@]}"; do ctr -n k8s.io images import "$tar"; done ;;
  *)
    echo "load-images: unknown target '$target'" >&2; usage >&2; exit 2 ;;
esac
echo "load-images: loaded $(for t in "${tars[@]}"; do basename "$t" .tar; done | paste -sd' ') into $target"
