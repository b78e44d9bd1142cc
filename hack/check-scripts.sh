#!/usr/bin/env bash
# Checks the project's shell scripts (.ci/run runs it before the build):
#
#  1. shellcheck over every shell script in the repository: the files git knows (committed or new, not
#     ignored) that end in .sh, start with a #! line naming sh or bash, or carry a "# shellcheck shell="
#     directive. Needs shellcheck (Debian package shellcheck).
#  2. every script a person may run (hack/*.sh, e2e/*.sh, bench/run.sh, .ci/run) keeps the contract:
#     --help and -h exit 0, print the usage on stdout and change nothing; --bogus exits 2 with a message
#     naming it and changes nothing. Each runs in a sandbox: a copy of the scripts in a temporary directory
#     that is also HOME and TMPDIR; stubs ahead on the PATH, and in place of ./mvnw, record any call of a
#     command that installs, builds, downloads or needs root (apt-get, go, docker, curl, sudo, ...); when
#     this runs as root, the script runs as an unprivileged user (setpriv). Afterwards no stub may have
#     been called and nothing in the sandbox may have changed.
#
# Usage: hack/check-scripts.sh [--no-shellcheck] [--help]
#
#   --no-shellcheck   only the second check
#
# Prints one line per check and "N passed, N failed" last; exit 0 if all passed, 1 otherwise, 2 for a bad
# argument.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }

run_shellcheck=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-shellcheck) run_shellcheck=false ;;
    -h|--help) usage; exit 0 ;;
    *) echo "check-scripts: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

passed=0 failed=0
pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

# --- 1. shellcheck ---------------------------------------------------------------------------------------------
# Every shell script: the files git knows, else (no git, or not a clone) every file outside build output.
candidates() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard
  else
    find . \( -name .git -o -name target -o -name node_modules \) -prune -o -type f -printf '%P\0'
  fi
}
shell_scripts() {
  local f first shebang='^#!(.*/)?(env[[:space:]]+)?(ba|da|k)?sh([[:space:]]|$)'
  while IFS= read -r -d '' f; do
    [[ -f "$f" ]] || continue
    case "${f##*/}" in
      *.sh) echo "$f"; continue ;;
      ?*.*) continue ;;   # another extension: not a shell script
    esac
    first="$(head -c 200 "$f" | tr -d '\0' | head -n 1)"
    if [[ "$first" =~ $shebang || "$first" == "# shellcheck shell="* ]]; then
      echo "$f"
    fi
  done < <(candidates)
}

if $run_shellcheck; then
  command -v shellcheck >/dev/null 2>&1 ||
    { echo "check-scripts: shellcheck not found; install it (Debian package shellcheck) or pass --no-shellcheck" >&2; exit 1; }
  mapfile -t scripts < <(shell_scripts | LC_ALL=C sort)
  # -x -P SCRIPTDIR: follow the libraries a script sources, found next to it (# shellcheck source=lib/...).
  if out="$(shellcheck -x -P SCRIPTDIR "${scripts[@]}" 2>&1)"; then
    pass "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#scripts[@]} scripts clean (${scripts[*]})"
  else
    fail "shellcheck:"
    printf '%s\n' "$out" | sed 's/^/      | /'
  fi
fi

# --- 2. --help and unknown arguments -----------------------------------------------------------------------
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
box="$work/box"          # the sandbox: the scripts' copy, HOME and TMPDIR
calls="$work/calls"      # what the stubs record
mkdir -p "$box/repo" "$box/home" "$box/tmp" "$box/stubs"
tar -cf - hack e2e/*.sh e2e/lib e2e/manifests bench/run.sh .ci/run | tar -C "$box/repo" -xf -

# shellcheck disable=SC2016 # the stub's own $0 and $*, expanded when it runs
stub='#!/bin/sh
echo "${0##*/} $*" >>"$CHECK_SCRIPTS_CALLS"
exit 97
'
# Commands that install, build, download, start containers or clusters, or need root.
for cmd in apt-get apt apt-cache dpkg debootstrap go gcc make docker podman kind k3d minikube ctr containerd runc \
  kubectl helm kube-apiserver etcd kubelet curl wget sudo su mount umount chroot modprobe sysctl ip iptables \
  ip6tables nft conntrack openssl java javac jcmd mvn taskset ghz git systemctl setsid; do
  printf '%s' "$stub" >"$box/stubs/$cmd"
done
printf '%s' "$stub" >"$box/repo/mvnw"
chmod 755 "$box/stubs"/* "$box/repo/mvnw"
: >"$calls"

runner=()
if [[ "$(id -u)" == 0 ]]; then
  command -v setpriv >/dev/null 2>&1 ||
    { echo "check-scripts: running as root, setpriv (util-linux) is needed to run the scripts unprivileged" >&2; exit 1; }
  chown -R 65534:65534 "$box" "$calls"
  chmod 755 "$work"
  runner=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi

snapshot() { find "$box" -printf '%P\t%y\t%s\t%m\t%U\t%T@\n' | LC_ALL=C sort; }
# The paths (under the sandbox) whose lines differ between two snapshots.
changed_paths() {
  { diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") || true; } | sed -n 's/^[<>] //p' | cut -f1 | sort -u | paste -sd' '
}

# check SCRIPT ARG WANT_STATUS: runs SCRIPT ARG in the sandbox and checks what it did.
check() {
  local script="$1" arg="$2" want="$3" status=0 problems=() before after
  before="$(snapshot)"
  : >"$calls"
  (cd "$box/repo" && timeout 60 ${runner[@]+"${runner[@]}"} env -i \
    PATH="$box/stubs:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    HOME="$box/home" TMPDIR="$box/tmp" LANG=C.UTF-8 CHECK_SCRIPTS_CALLS="$calls" \
    "./$script" "$arg") >"$work/out" 2>"$work/err" </dev/null || status=$?
  after="$(snapshot)"
  [[ "$status" == "$want" ]] || problems+=("exit $status, want $want")
  if [[ "$want" == 0 ]]; then
    grep -qi usage "$work/out" || problems+=("no usage on stdout")
  else
    grep -qF -- "$arg" "$work/err" || problems+=("no message naming $arg on stderr")
  fi
  [[ ! -s "$calls" ]] || problems+=("called: $(paste -sd';' "$calls")")
  [[ "$before" == "$after" ]] || problems+=("changed: $(changed_paths "$before" "$after")")
  if ((${#problems[@]} == 0)); then
    pass "$script $arg: exit $status$([[ "$want" == 0 ]] && echo ", usage printed"), nothing called or changed"
  else
    fail "$script $arg: $(printf '%s; ' "${problems[@]}")"
    sed 's/^/      | /' "$work/err" | head -n 5
  fi
}

cd "$box/repo"
runnable=(hack/*.sh e2e/*.sh bench/run.sh .ci/run)
cd "$repo"
for script in "${runnable[@]}"; do
  check "$script" --help 0
  check "$script" -h 0
  check "$script" --bogus 2
done

echo "${passed} passed, ${failed} failed"
((failed == 0))
