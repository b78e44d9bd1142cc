#!/usr/bin/env bash
# Makes sure the tests that start a real kube-apiserver (fabric8 kube-api-test)
# will find their binaries. The Maven build of operator/ runs it before tests.
#
#   hack/ensure-kube-binaries.sh 1.34.4
#
# 1. kube-apiserver, kubectl and etcd already in kube-api-test's directory
#    for that version -> nothing to do;
# 2. Go installed -> build them from source (hack/kube-binaries.sh);
# 3. kube-api-test's download site reachable -> let kube-api-test download
#    them when the tests start;
# 4. otherwise fail, saying what to do.
set -euo pipefail

version="${1:?usage: hack/ensure-kube-binaries.sh X.Y.Z (the Kubernetes version the tests pin)}"
hack_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# kube-api-test's naming: <dir>/k8s/<version>-<os>-<arch>, os.name lower-cased
# and os.arch mapped to Go's names (x86_64/amd64 -> amd64, aarch64 -> arm64).
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
  aarch64|arm64) arch=arm64 ;;
  ppc64le|ppc64) arch=ppc64le ;;
  *) arch=amd64 ;;
esac
dir="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/$version-$os-$arch"

if [[ -x "$dir/kube-apiserver" && -x "$dir/kubectl" && -x "$dir/etcd" ]]; then
  echo "kube-binaries: using Kubernetes $version test binaries in $dir"
  exit 0
fi

if command -v go >/dev/null 2>&1; then
  echo "kube-binaries: Kubernetes $version test binaries missing in $dir; building them from source with Go (once per machine; see docs/kube-binaries.md)"
  exec "$hack_dir/kube-binaries.sh" --expect-version "$version"
fi

# The release index that kube-api-test reads first.
index_url="https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml"
reachable=false
if command -v curl >/dev/null 2>&1; then
  curl -fsS -o /dev/null --connect-timeout 5 --max-time 15 "$index_url" 2>/dev/null && reachable=true
elif command -v wget >/dev/null 2>&1; then
  wget -q -O /dev/null --timeout=15 "$index_url" 2>/dev/null && reachable=true
fi
if $reachable; then
  echo "kube-binaries: Kubernetes $version test binaries missing in $dir; kube-api-test will download them"
  exit 0
fi

cat >&2 <<EOF
kube-binaries: the tests need kube-apiserver, kubectl and etcd $version in
  $dir
but they are not there, Go is not installed to build them, and kube-api-test's
download site cannot be reached. Install Go 1.24 or newer and run
  hack/kube-binaries.sh
(it fetches sources through the Go module proxy), or copy the three binaries
there from a machine that has them. Details: docs/kube-binaries.md
EOF
exit 1
