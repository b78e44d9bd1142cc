#!/usr/bin/env bash
# Makes sure the chart tests (operator module: ChartTest, RbacTest) find a real helm 3: they run
# `helm lint --strict` and `helm template` on helm/interaction-demo-operator. The Maven build of
# operator/ runs it before the tests, after hack/ensure-kube-binaries.sh.
#
#   hack/ensure-helm.sh 1.34.4
#
# 1. helm already in kube-api-test's directory for that Kubernetes version (where
#    hack/kube-binaries.sh --full puts it), printing the version hack/helm/go.mod pins -> nothing to do;
# 2. Go installed -> build it there from source (hack/kube-binaries.sh --only helm, about a minute);
# 3. a helm 3 on the PATH (or $HELM) -> the tests use that one;
# 4. get.helm.sh reachable -> download the pinned release there, checked against its published sha256;
# 5. otherwise fail, saying what to do.
set -euo pipefail

version="${1:?usage: hack/ensure-helm.sh X.Y.Z (the Kubernetes version the tests pin)}"
hack_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
  aarch64|arm64) arch=arm64 ;;
  ppc64le|ppc64) arch=ppc64le ;;
  *) arch=amd64 ;;
esac
dir="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/$version-$os-$arch"
want="$(sed -n 's/^[[:space:]]*helm\.sh\/helm\/v3 \(v[0-9.]*\).*/\1/p' "$hack_dir/helm/go.mod" | head -n 1)"
[[ -n "$want" ]] || { echo "ensure-helm: no helm.sh/helm/v3 version in $hack_dir/helm/go.mod" >&2; exit 1; }

if [[ -x "$dir/helm" && "$("$dir/helm" version --template '{{.Version}}' 2>/dev/null)" == "$want" ]]; then
  echo "ensure-helm: using helm $want in $dir"
  exit 0
fi

if command -v go >/dev/null 2>&1; then
  echo "ensure-helm: helm $want missing in $dir; building it from source with Go (once per machine)"
  exec "$hack_dir/kube-binaries.sh" --only helm --expect-version "$version"
fi

other="${HELM:-$(command -v helm 2>/dev/null || true)}"
if [[ -n "$other" && -x "$other" ]]; then
  have="$("$other" version --template '{{.Version}}' 2>/dev/null || true)"
  if [[ "$have" == v3.* ]]; then
    echo "ensure-helm: using $other ($have); the pinned version is $want"
    exit 0
  fi
fi

url="https://get.helm.sh/helm-$want-$os-$arch.tar.gz"
fetch() { # url file
  if command -v curl >/dev/null 2>&1; then curl -fsSL --connect-timeout 10 --max-time 300 -o "$2" "$1"
  else wget -q --timeout=30 -O "$2" "$1"; fi
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if fetch "$url.sha256sum" "$tmp/sum" 2>/dev/null && fetch "$url" "$tmp/helm.tar.gz"; then
  expected="$(cut -d' ' -f1 "$tmp/sum")"
  actual="$(sha256sum "$tmp/helm.tar.gz" | cut -d' ' -f1)"
  [[ "$expected" == "$actual" ]] || { echo "ensure-helm: $url: sha256 $actual, published $expected" >&2; exit 1; }
  tar -C "$tmp" -xzf "$tmp/helm.tar.gz"
  mkdir -p "$dir"
  mv -f "$tmp/$os-$arch/helm" "$dir/helm.tmp.$$" && mv -f "$dir/helm.tmp.$$" "$dir/helm"
  echo "ensure-helm: downloaded helm $want to $dir"
  exit 0
fi

cat >&2 <<MSG
ensure-helm: the chart tests need helm 3 ($want), but it is not in
  $dir
nor on the PATH, Go is not installed to build it, and $url cannot be reached.
Install Go 1.24 or newer and run
  hack/kube-binaries.sh --only helm
or put a helm 3 on the PATH (or in \$HELM). Details: docs/chart.md
MSG
exit 1
