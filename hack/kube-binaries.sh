#!/usr/bin/env bash
# Builds the Kubernetes binaries the tests need from source, through the Go
# module proxy, for machines that cannot download release binaries.
#
#   hack/kube-binaries.sh            kube-apiserver, kubectl, etcd
#                                    (what fabric8 kube-api-test runs)
#   hack/kube-binaries.sh --full     also kube-controller-manager,
#                                    kube-scheduler, kubelet, kube-proxy,
#                                    helm, coredns and kube-network-policies
#                                    (a single-node cluster)
#
# Output: ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/<X.Y.Z>-<os>-<arch>/
# (the layout is in hack/lib/platform.sh), the directory kube-api-test looks
# in before it downloads anything; all binaries of one Kubernetes version go
# there, so they are built once per machine and user. A binary that is
# present and prints the expected version is not built again. Versions are
# pinned by the go.mod files next to this script (hack/kube-binaries,
# hack/etcd, hack/helm, hack/coredns, hack/network-policies).
#
# Needs Go (>= 1.24) and the Go module proxy that `go env GOPROXY` names (or a
# filled module cache); --help, --print-dir and --check need neither.
# Measured cold build times and peak memory: docs/kube-binaries.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: hack/kube-binaries.sh [--full | --only NAME[,NAME...]] [--force] [--check] [--expect-version X.Y.Z] [--print-dir]

Builds kube-apiserver, kubectl and etcd from source into the directory that
fabric8 kube-api-test reads: ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<X.Y.Z>-<os>-<arch>/.

  --full                  also build kube-controller-manager, kube-scheduler,
                          kubelet, kube-proxy, helm, coredns and
                          kube-network-policies (same directory)
  --only NAME[,NAME...]   build only these of the binaries above (e.g. --only helm)
  --force                 rebuild even if a binary with the right version is there
  --check                 build nothing: run each requested binary's --version
                          and compare it with the version hack/'s go.mod files
                          pin; exit 0 if all match, 1 if one is missing or
                          prints another version (needs no Go)
  --expect-version X.Y.Z  fail unless hack/kube-binaries/go.mod pins this
                          Kubernetes version (the Maven build passes its own)
  --print-dir             print the output directory and exit (needs no Go)
  -h, --help              print this help and exit

Environment:
  KUBE_API_TEST_DIR       base directory (default ~/.kubeapitest), as in kube-api-test
  KUBE_BINARIES_JOBS      go build -p (default 2: linking kube-apiserver takes
                          about 1.5 GiB, compiling in parallel adds more)
EOF
}

usage_error() { echo "kube-binaries: $*" >&2; usage >&2; exit 2; }

full=false force=false check=false expect_version="" print_dir=false only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) full=true ;;
    --only) [[ $# -ge 2 && -n "$2" ]] || usage_error "--only needs a comma-separated list of binaries"
      only="$2"; shift ;;
    --only=*) only="${1#*=}" ;;
    --force) force=true ;;
    --check) check=true ;;
    --expect-version) [[ $# -ge 2 && -n "$2" ]] || usage_error "--expect-version needs a value"
      expect_version="$2"; shift ;;
    --expect-version=*) expect_version="${1#*=}" ;;
    --print-dir) print_dir=true ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
  shift
done

hack_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/platform.sh
source "$hack_dir/lib/platform.sh"

# Version of a module as pinned by the go.mod in directory $1 (read from the file: --check needs no Go).
module_version() {
  go_mod_version "$1/go.mod" "$2"
}
# Publication time of that version (from the module proxy's metadata), as
# RFC 3339 UTC; used as the build date so the binaries don't depend on when
# they were built.
module_time() {
  (cd "$1" && go list -mod=readonly -m -f '{{with .Time}}{{.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$2")
}
# Git commit of that version, where the module proxy recorded one (it does
# for some modules); empty otherwise.
module_commit() {
  (cd "$1" && go mod download -json "$2@$3" 2>/dev/null |
    sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)".*/\1/p' | head -n 1) || true
}

kube_version="$(module_version "$hack_dir/kube-binaries" k8s.io/kubernetes)"          # v1.34.4
kube_version_num="${kube_version#v}"                                                   # 1.34.4
if [[ -n "$expect_version" && "$expect_version" != "$kube_version_num" ]]; then
  echo "kube-binaries: hack/kube-binaries/go.mod pins Kubernetes $kube_version_num, but $expect_version was expected; keep the two in step" >&2
  exit 1
fi

base_dir="$(kube_api_test_dir)"
out_dir="$(kube_binaries_dir "$kube_version_num")"
if $print_dir; then
  echo "$out_dir"
  exit 0
fi

if ! $check && ! command -v go >/dev/null 2>&1; then
  echo "kube-binaries: 'go' not found on PATH; install Go 1.24 or newer (your distribution's golang package, or Go's own release)" >&2
  exit 1
fi

jobs="${KUBE_BINARIES_JOBS:-2}"
# Upstream's release flags: static where upstream links statically, no symbol
# tables, no local paths, the build tags of kubernetes/hack/lib/golang.sh.
common_flags=(-mod=readonly -buildvcs=false -trimpath -p "$jobs")
kube_tags="selinux,notest,grpcnotrace"

# --- what to build -----------------------------------------------------------
# name | module dir | package | CGO_ENABLED (""=Go's default) | expected version text | version command
targets=(
  "kube-apiserver|kube-binaries|k8s.io/kubernetes/cmd/kube-apiserver|0"
  "kubectl|kube-binaries|k8s.io/kubernetes/cmd/kubectl|0"
  "etcd|etcd|go.etcd.io/etcd/server/v3|0"
)
if $full || [[ -n "$only" ]]; then
  targets+=(
    "kube-controller-manager|kube-binaries|k8s.io/kubernetes/cmd/kube-controller-manager|0"
    "kube-scheduler|kube-binaries|k8s.io/kubernetes/cmd/kube-scheduler|0"
    # Upstream links kubelet dynamically (it is not in KUBE_STATIC_BINARIES):
    # cgo where a C compiler exists, Go's default.
    "kubelet|kube-binaries|k8s.io/kubernetes/cmd/kubelet|"
    "kube-proxy|kube-binaries|k8s.io/kubernetes/cmd/kube-proxy|0"
    "helm|helm|helm.sh/helm/v3/cmd/helm|0"
    "coredns|coredns|github.com/coredns/coredns|0"
    # The e2e node's NetworkPolicy enforcer; static, as upstream's Makefile.
    "kube-network-policies|network-policies|sigs.k8s.io/kube-network-policies/cmd|0"
  )
fi
if [[ -n "$only" ]]; then
  selected=()
  for t in "${targets[@]}"; do
    [[ ",$only," == *",${t%%|*},"* ]] && selected+=("$t")
  done
  if [[ ${#selected[@]} -eq 0 ]]; then
    echo "kube-binaries: --only $only names none of the binaries this script builds" >&2
    exit 2
  fi
  targets=("${selected[@]}")
fi

# The version a binary prints, reduced to one comparable token.
printed_version() {
  local name="$1" bin="$2" out
  case "$name" in
    kubectl) out="$("$bin" version --client 2>/dev/null | sed -n 's/^Client Version: //p')" ;;
    etcd) out="$("$bin" --version 2>/dev/null | sed -n 's/^etcd Version: //p')" ;;
    helm) out="$("$bin" version --template '{{.Version}}' 2>/dev/null)" ;;
    coredns) out="$("$bin" -version 2>/dev/null | sed -n 's/^CoreDNS-//p')" ;;
    # No version flag: the module version Go records in the binary's build
    # information ("mod" line; -s -w keeps it), read without Go.
    kube-network-policies)
      out="$(LC_ALL=C grep -a -o -E $'^(mod|dep)\tsigs\\.k8s\\.io/kube-network-policies\tv[^\t]+' "$bin" 2>/dev/null |
        head -n 1 | cut -f3)" ;;
    *) out="$("$bin" --version 2>/dev/null | sed -n 's/^Kubernetes //p')" ;;
  esac
  echo "$out"
}

expected_version() {
  case "$1" in
    etcd) module_version "$hack_dir/etcd" go.etcd.io/etcd/server/v3 | sed 's/^v//' ;;
    helm) module_version "$hack_dir/helm" helm.sh/helm/v3 ;;
    coredns) module_version "$hack_dir/coredns" github.com/coredns/coredns | sed 's/^v//' ;;
    kube-network-policies) module_version "$hack_dir/network-policies" sigs.k8s.io/kube-network-policies ;;
    *) echo "$kube_version" ;;
  esac
}

ldflags_for() {
  local name="$1" dir="$2" ver commit date
  local ld="-s -w"
  case "$dir" in
    kube-binaries)
      # As kubernetes/hack/lib/version.sh stamps them, for both packages.
      local minor; minor="$(echo "$kube_version_num" | cut -d. -f2)"
      date="$(module_time "$hack_dir/kube-binaries" k8s.io/kubernetes)"
      commit="${KUBE_GIT_COMMIT:-$(module_commit "$hack_dir/kube-binaries" k8s.io/kubernetes "$kube_version")}"
      local pkg
      for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=${kube_version_num%%.*} -X $pkg.gitMinor=$minor"
        ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${date:-1970-01-01T00:00:00Z}"
        # Empty rather than the source's "$Format:%H$" placeholder when unknown.
        ld+=" -X $pkg.gitCommit=$commit"
      done
      ;;
    etcd)
      # etcd's version is a constant in go.etcd.io/etcd/api/v3/version; only
      # the commit is stamped (scripts/build-binary.sh upstream).
      ver="$(module_version "$hack_dir/etcd" go.etcd.io/etcd/server/v3)"
      commit="$(module_commit "$hack_dir/etcd" go.etcd.io/etcd/server/v3 "$ver")"
      ld+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:-$ver}"
      ;;
    helm)
      # As helm's Makefile does: its version, and the Kubernetes version of the
      # client-go it is built with (for chart capabilities and lint rules).
      ver="$(module_version "$hack_dir/helm" helm.sh/helm/v3)"
      commit="$(module_commit "$hack_dir/helm" helm.sh/helm/v3 "$ver")"
      local cg; cg="$(module_version "$hack_dir/helm" k8s.io/client-go)"   # v0.34.x
      local cg_minor; cg_minor="$(echo "$cg" | cut -d. -f2)"
      ld+=" -X helm.sh/helm/v3/internal/version.version=$ver"
      ld+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
      [[ -n "$commit" ]] && ld+=" -X helm.sh/helm/v3/internal/version.gitCommit=$commit"
      local p
      for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
        ld+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$cg_minor"
      done
      ;;
    coredns)
      ver="$(module_version "$hack_dir/coredns" github.com/coredns/coredns)"
      commit="$(module_commit "$hack_dir/coredns" github.com/coredns/coredns "$ver")"
      [[ -n "$commit" ]] && ld+=" -X github.com/coredns/coredns/coremain.GitCommit=${commit:0:7}"
      ;;
  esac
  echo "$ld"
}

# Runs "$@", printing wall time and the peak RSS of the largest process
# (usually the linker) when GNU time is available.
timed() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "kube-binaries:   %es wall, %Us user, %MKiB peak RSS" "$@"
  else
    local start=$SECONDS
    "$@"
    echo "kube-binaries:   $((SECONDS - start))s wall" >&2
  fi
}

# One build at a time per directory (e.g. a Maven build and a manual run).
if ! $check && command -v flock >/dev/null 2>&1; then
  mkdir -p "$base_dir/k8s"
  exec 9>"$base_dir/k8s/.kube-binaries.lock"
  flock 9
fi

# kube-api-test uses the version directory as soon as it exists, so a first
# build goes to a side directory (its name lacks the platform suffix that
# kube-api-test looks for) that becomes the real one once complete.
if [[ -d "$out_dir" ]] || $check; then
  work_dir="$out_dir"
else
  work_dir="$out_dir.partial"
fi
# Once kube-api-test's three binaries are in the side directory, it becomes
# the real one (the --full extras keep building there).
publish_if_complete() {
  if [[ "$work_dir" != "$out_dir" && -x "$work_dir/kube-apiserver" && -x "$work_dir/kubectl" && -x "$work_dir/etcd" ]]; then
    mv "$work_dir" "$out_dir"
    work_dir="$out_dir"
  fi
}

missing=0
for t in "${targets[@]}"; do
  IFS='|' read -r name dir pkg cgo <<<"$t"
  publish_if_complete
  bin="$work_dir/$name"
  want="$(expected_version "$name")"
  if [[ -x "$bin" ]] && ! $force; then
    have="$(printed_version "$name" "$bin")"
    if [[ "$have" == "$want" ]]; then
      echo "kube-binaries: $name $want is up to date ($bin)"
      continue
    fi
    echo "kube-binaries: $name at $bin prints version '${have:-?}', want $want"
  fi
  if $check; then
    [[ -x "$bin" ]] || echo "kube-binaries: $name $want missing in $out_dir"
    missing=1
    continue
  fi

  echo "kube-binaries: building $name $want ($pkg) ..."
  mkdir -p "$work_dir"
  tags=()
  [[ "$dir" == kube-binaries ]] && tags=(-tags "$kube_tags")
  tmp="$work_dir/.$name.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  (
    cd "$hack_dir/$dir"
    if [[ -n "$cgo" ]]; then export CGO_ENABLED="$cgo"; fi
    timed go build "${common_flags[@]}" ${tags[@]+"${tags[@]}"} -ldflags "$(ldflags_for "$name" "$dir")" -o "$tmp" "$pkg"
  )
  have="$(printed_version "$name" "$tmp")"
  if [[ "$have" != "$want" ]]; then
    echo "kube-binaries: built $name prints version '${have:-?}', want $want" >&2
    exit 1
  fi
  mv -f "$tmp" "$bin"
  trap - EXIT
  echo "kube-binaries: built $name $want"
  publish_if_complete
done

if $check; then
  exit "$missing"
fi
publish_if_complete
echo "kube-binaries: done: $out_dir"
