#!/usr/bin/env bash
# Makes sure the tests that start a real kube-apiserver (fabric8 kube-api-test)
# will find their binaries. The Maven build of operator/ runs it before tests.
#
# Usage: hack/ensure-kube-binaries.sh X.Y.Z   (the Kubernetes version the tests pin, e.g. 1.34.4)
#        hack/ensure-kube-binaries.sh --help
#
# 1. kube-apiserver, kubectl and etcd already in kube-api-test's directory
#    for that version (layout: hack/lib/platform.sh) -> nothing to do;
# 2. Go installed -> build them from source (hack/kube-binaries.sh);
# 3. otherwise kube-api-test downloads them from its own site when the tests
#    start; where that site cannot be reached (machines without internet
#    access) the tests fail, and this prints beforehand what to do.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
usage_error() { echo "ensure-kube-binaries: $*" >&2; usage >&2; exit 2; }

version=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -*) usage_error "unknown argument: $1" ;;
    *) [[ -z "$version" ]] || usage_error "one version only, got '$version' and '$1'"
      [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || usage_error "not a Kubernetes version X.Y.Z: $1"
      version="$1" ;;
  esac
  shift
done
[[ -n "$version" ]] || usage_error "the Kubernetes version the tests pin is missing"

hack_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/platform.sh
source "$hack_dir/lib/platform.sh"
dir="$(kube_binaries_dir "$version")"

if [[ -x "$dir/kube-apiserver" && -x "$dir/kubectl" && -x "$dir/etcd" ]]; then
  echo "kube-binaries: using Kubernetes $version test binaries in $dir"
  exit 0
fi

if command -v go >/dev/null 2>&1; then
  echo "kube-binaries: Kubernetes $version test binaries missing in $dir; building them from source with Go (once per machine; see docs/kube-binaries.md)"
  exec "$hack_dir/kube-binaries.sh" --expect-version "$version"
fi

cat <<EOF
kube-binaries: WARNING: the tests need kube-apiserver, kubectl and etcd $version in
  $dir
but they are not there and Go is not installed to build them: kube-api-test will
try to download them from its own site when the tests start. Where that site
cannot be reached (machines without internet access), install Go 1.24 or newer
and run
  hack/kube-binaries.sh
(it fetches sources through the Go module proxy that \`go env GOPROXY\` names),
or copy the three binaries there from a machine that has them.
Details: docs/kube-binaries.md
EOF
