# shellcheck shell=bash
# What the scripts that make sure something is there share (sourced, not run; sources platform.sh too):
#
#   ensure_args NAME ARGS...    the one argument of hack/ensure-kube-binaries.sh and hack/ensure-helm.sh: the
#                               Kubernetes version the tests pin, X.Y.Z, by default the one hack/kube-binaries/go.mod
#                               pins (--help prints the script's usage and exits 0; anything else exits 2). Sets
#                               ensure_version, and ensure_dir to the directory of that version's binaries
#                               (hack/kube-binaries.sh --print-dir; exits 1 when go.mod pins another version)
#   ensure_built NAME [BINARY,...]
#                               the binaries (default: kube-api-test's kube-apiserver, kubectl and etcd) in that
#                               directory with the versions hack/'s go.mod files pin (hack/kube-binaries.sh
#                               --check): returns 0. Otherwise, with Go installed, builds them from source
#                               (hands over to hack/kube-binaries.sh: never returns); without Go, returns 1
#   can_apt_install             true when Debian packages can be installed here (root, apt-get)
#   apt_install PACKAGE...      apt-get install, without questions, waiting for another apt's lock; once more
#                               after apt-get update when that fails (stale package lists). Its output goes to
#                               stdout: callers redirect it
#
# The calling script defines usage() (printing its own help) before it calls ensure_args.

ensure_lib_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=platform.sh
source "${ensure_lib_dir}/platform.sh"
ensure_hack_dir="$(dirname "${ensure_lib_dir}")"

ensure_args() {
  local name="$1"
  shift
  ensure_version=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      -*) ensure_usage_error "${name}" "unknown argument: $1" ;;
      *) [[ -z "${ensure_version}" ]] || ensure_usage_error "${name}" "one version only, got '${ensure_version}' and '$1'"
        [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || ensure_usage_error "${name}" "not a Kubernetes version X.Y.Z: $1"
        ensure_version="$1" ;;
    esac
    shift
  done
  if [[ -z "${ensure_version}" ]]; then
    ensure_version="$(go_mod_version "${ensure_hack_dir}/kube-binaries/go.mod" k8s.io/kubernetes)" || exit 1
    ensure_version="${ensure_version#v}"
  fi
  # shellcheck disable=SC2034 # for the calling script
  ensure_dir="$("${ensure_hack_dir}/kube-binaries.sh" --print-dir --expect-version "${ensure_version}")" || exit 1
}

ensure_usage_error() {
  echo "$1: $2" >&2
  usage >&2
  exit 2
}

ensure_built() {
  local name="$1" only=()
  [[ -z "${2:-}" ]] || only=(--only "$2")
  if "${ensure_hack_dir}/kube-binaries.sh" --check ${only[@]+"${only[@]}"} --expect-version "${ensure_version}"; then
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    echo "${name}: building them from source with Go (once per machine; see docs/kube-binaries.md)"
    exec "${ensure_hack_dir}/kube-binaries.sh" ${only[@]+"${only[@]}"} --expect-version "${ensure_version}"
  fi
  return 1
}

can_apt_install() {
  [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
  local apt=(apt-get -o DPkg::Lock::Timeout=600)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "$@" ||
    { "${apt[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "$@"; }
}
