# shellcheck shell=bash
# The platform's names and the directory layout of fabric8 kube-api-test's binaries, written once for every
# script (sourced, not run):
#
#   platform_os                  linux, darwin, ...: uname -s lower-cased (kube-api-test: os.name lower-cased)
#   platform_arch                Go's name for the machine, mapped as kube-api-test maps os.arch:
#                                aarch64/arm64 -> arm64, ppc64le/ppc64 -> ppc64le, anything else -> amd64
#   kube_api_test_dir            ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}, kube-api-test's base directory
#   kube_binaries_dir X.Y.Z      <base>/k8s/<X.Y.Z>-<os>-<arch>: where kube-api-test looks for the binaries of
#                                Kubernetes X.Y.Z before it downloads anything, and where hack/kube-binaries.sh
#                                puts every binary it builds
#   go_mod_version GO.MOD MODULE the version of MODULE that the go.mod file GO.MOD requires (no Go needed)
#
# Java code that needs the directory asks `hack/kube-binaries.sh --print-dir` rather than computing it again.

platform_os() {
  local os
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "${os}" in
    darwin*) echo darwin ;;
    *) echo "${os}" ;;
  esac
}

platform_arch() {
  case "$(uname -m)" in
    aarch64|arm64) echo arm64 ;;
    ppc64le|ppc64) echo ppc64le ;;
    *) echo amd64 ;;
  esac
}

kube_api_test_dir() {
  echo "${KUBE_API_TEST_DIR:-${HOME}/.kubeapitest}"
}

kube_binaries_dir() {
  echo "$(kube_api_test_dir)/k8s/$1-$(platform_os)-$(platform_arch)"
}

go_mod_version() {
  local version
  version="$(sed -n "s|^[[:space:]]*\(require[[:space:]]\{1,\}\)\{0,1\}$2[[:space:]]\{1,\}\(v[^[:space:]]*\).*|\2|p" "$1" | head -n 1)"
  [[ -n "${version}" ]] || { echo "no version of $2 in $1" >&2; return 1; }
  echo "${version}"
}
