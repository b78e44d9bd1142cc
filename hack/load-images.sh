#!/usr/bin/env bash
# Loads the three images that `./mvnw package` wrote as tars (greeter-image/target/greeter-image.tar,
# notifier-image/target/notifier-image.tar, operator/target/operator-image.tar) into where a cluster's nodes find
# them, so nothing is pulled (install the chart with demoImages.pullPolicy IfNotPresent or Never).
#
# Usage: hack/load-images.sh TARGET [NAME]
#
#   hack/load-images.sh kind [CLUSTER]       kind load image-archive (cluster name default: kind)
#   hack/load-images.sh k3d [CLUSTER]        k3d image import (default: k3s-default)
#   hack/load-images.sh minikube [PROFILE]   minikube image load (default: minikube)
#   hack/load-images.sh docker               docker load (e.g. Docker Desktop's Kubernetes)
#   hack/load-images.sh containerd           ctr -n k8s.io images import, on a node itself (root)
#   hack/load-images.sh --help               this help
#
# See docs/images.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tars=("$root/greeter-image/target/greeter-image.tar" "$root/notifier-image/target/notifier-image.tar"
  "$root/operator/target/operator-image.tar")

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
usage_error() { echo "load-images: $*" >&2; usage >&2; exit 2; }

target="" name=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -*) usage_error "unknown argument: $1" ;;
    *)
      if [[ -z "$target" ]]; then
        case "$1" in
          kind|k3d|minikube|docker|containerd) target="$1" ;;
          *) usage_error "unknown target '$1'" ;;
        esac
      elif [[ -z "$name" && "$target" != docker && "$target" != containerd ]]; then
        name="$1"
      else
        usage_error "unexpected argument: $1"
      fi ;;
  esac
  shift
done
[[ -n "$target" ]] || usage_error "no TARGET given"

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
esac
echo "load-images: loaded $(for t in "${tars[@]}"; do basename "$t" .tar; done | paste -sd' ') into $target"
