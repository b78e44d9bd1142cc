#!/usr/bin/env bash
# Makes sure the tests that start a real kube-apiserver (fabric8 kube-api-test) will find their binaries, with
# the versions hack/'s go.mod files pin. The Maven builds of operator/ and helm/ run it before their tests.
#
# Usage: hack/ensure-kube-binaries.sh [X.Y.Z]   (the Kubernetes version the tests pin, e.g. 1.34.4; by default
#                                the one hack/kube-binaries/go.mod pins)
#        hack/ensure-kube-binaries.sh --help
#
# 1. kube-apiserver, kubectl and etcd in kube-api-test's directory for that version (layout:
#    hack/lib/platform.sh), each printing its pinned version (hack/kube-binaries.sh --check) -> nothing to do;
# 2. Go installed -> build what is missing or not at its version from source (hack/kube-binaries.sh);
# 3. otherwise, when they are there at other versions, the tests use them as they are (a warning says so);
#    when they are missing, kube-api-test downloads them from its own site when the tests start; where that
#    site cannot be reached (machines without internet access) the tests fail, and this prints beforehand
#    what to do.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }

# shellcheck source=lib/ensure.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ensure.sh"
ensure_args ensure-kube-binaries "$@"
ensure_built ensure-kube-binaries && exit 0

if [[ -x "$ensure_dir/kube-apiserver" && -x "$ensure_dir/kubectl" && -x "$ensure_dir/etcd" ]]; then
  echo "ensure-kube-binaries: WARNING: the tests will use the binaries in $ensure_dir as they are;"
  echo "  install Go 1.24 or newer and run hack/kube-binaries.sh to build the pinned versions."
  exit 0
fi

cat <<MSG
ensure-kube-binaries: WARNING: the tests need kube-apiserver, kubectl and etcd $ensure_version in
  $ensure_dir
but they are not there and Go is not installed to build them: kube-api-test will
try to download them from its own site when the tests start. Where that site
cannot be reached (machines without internet access), install Go 1.24 or newer
and run
  hack/kube-binaries.sh
(it fetches sources through the Go module proxy that \`go env GOPROXY\` names),
or copy the three binaries there from a machine that has them.
Details: docs/kube-binaries.md
MSG
