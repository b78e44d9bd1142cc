#!/usr/bin/env bash
# Makes sure the chart's tests (helm/: ChartTest and the Chart*Test beside it) and the operator's tests that render
# the chart (RbacTest, DashboardTest) find a real helm 3: they run `helm lint --strict` and `helm template` on
# helm/interaction-demo-operator. The Maven builds of operator/ and helm/ run it before their tests, after
# hack/ensure-kube-binaries.sh.
#
# Usage: hack/ensure-helm.sh [X.Y.Z]   (the Kubernetes version the tests pin, e.g. 1.34.4; by default
#                                the one hack/kube-binaries/go.mod pins)
#        hack/ensure-helm.sh --help
#
# 1. helm in kube-api-test's directory for that Kubernetes version (where hack/kube-binaries.sh --full puts
#    it), printing the version hack/helm/go.mod pins (hack/kube-binaries.sh --check) -> nothing to do;
# 2. Go installed -> build it there from source (hack/kube-binaries.sh --only helm, about a minute);
# 3. a helm 3 on the PATH (or $HELM) -> the tests use that one;
# 4. HELM_DOWNLOAD_URL set (where helm's release archives helm-<version>-<os>-<arch>.tar.gz and their
#    .sha256sum files are: helm's download site or a mirror of it) -> download the pinned release there,
#    checked against its published sha256;
# 5. otherwise fail, saying what to do.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }

hack_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/ensure.sh
source "$hack_dir/lib/ensure.sh"
ensure_args ensure-helm "$@"
ensure_built ensure-helm helm && exit 0

dir="$ensure_dir" os="$(platform_os)" arch="$(platform_arch)"
want="$(go_mod_version "$hack_dir/helm/go.mod" helm.sh/helm/v3)" || exit 1

other="${HELM:-$(command -v helm 2>/dev/null || true)}"
if [[ -n "$other" && -x "$other" ]]; then
  have="$("$other" version --template '{{.Version}}' 2>/dev/null || true)"
  if [[ "$have" == v3.* ]]; then
    echo "ensure-helm: using $other ($have); the pinned version is $want"
    exit 0
  fi
fi

url=""
[[ -z "${HELM_DOWNLOAD_URL:-}" ]] || url="${HELM_DOWNLOAD_URL%/}/helm-$want-$os-$arch.tar.gz"
fetch() { # url file
  if command -v curl >/dev/null 2>&1; then curl -fsSL --connect-timeout 10 --max-time 300 -o "$2" "$1"
  else wget -q --timeout=30 -O "$2" "$1"; fi
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [[ -n "$url" ]] && fetch "$url.sha256sum" "$tmp/sum" 2>/dev/null && fetch "$url" "$tmp/helm.tar.gz"; then
  expected="$(cut -d' ' -f1 "$tmp/sum")"
  actual="$(sha256sum "$tmp/helm.tar.gz" | cut -d' ' -f1)"
  [[ "$expected" == "$actual" ]] || { echo "ensure-helm: $url: sha256 $actual, published $expected" >&2; exit 1; }
  tar -C "$tmp" -xzf "$tmp/helm.tar.gz"
  mkdir -p "$dir"
  mv -f "$tmp/$os-$arch/helm" "$dir/helm.tmp.$$" && mv -f "$dir/helm.tmp.$$" "$dir/helm"
  echo "ensure-helm: downloaded helm $want to $dir"
  exit 0
fi

if [[ -n "$url" ]]; then
  why="and $url cannot be reached"
else
  why="and HELM_DOWNLOAD_URL is not set to download it"
fi
cat >&2 <<MSG
ensure-helm: the chart tests need helm 3 ($want), but it is not in
  $dir
nor on the PATH, Go is not installed to build it, $why.
Install Go 1.24 or newer and run
  hack/kube-binaries.sh --only helm
or put a helm 3 on the PATH (or in \$HELM), or set HELM_DOWNLOAD_URL to where helm's
release archives (helm-$want-$os-$arch.tar.gz and .sha256sum) can be downloaded.
Details: docs/chart.md
MSG
exit 1
