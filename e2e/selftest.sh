#!/usr/bin/env bash
# The cluster scripts' own test: notes the host's state, brings the cluster
# up (timed), runs check-cluster.sh, records resource use, tears the cluster
# down and checks that nothing of it is left: processes, mounts, network
# interfaces and routes, iptables and nftables rules and chains, sysctls,
# cgroups, files outside the run directory.
#
# Usage: e2e/selftest.sh [--help]
#
#   e2e/selftest.sh        exit 0 if every check passed; last line "N passed, N failed"
#
# Needs root, as e2e/cluster-up.sh does (it installs the Debian packages the node
# needs and builds the Kubernetes binaries when they are missing). Refuses to run
# while a cluster from these scripts is up (it would tear it down).
set -uo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    *) echo "selftest: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
need_root

[[ -f "${RUN_DIR_MARKER}" ]] &&
  die "a cluster run directory exists (${E2E_RUN_DIR}); run e2e/cluster-down.sh first"

passed=0 failed=0
pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

# What the cluster may touch outside its run directory, without counters.
snapshot() {
  echo "## links";     ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort
  echo "## routes";    ip route show; ip -6 route show | grep -v '^fe80' || true
  echo "## iptables";  iptables-save 2>/dev/null | grep -vE '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  echo "## ip6tables"; ip6tables-save 2>/dev/null | grep -vE '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
  if command -v nft >/dev/null; then
    echo "## nft"
    nft list ruleset 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
  fi
  echo "## sysctl"
  for k in "${SYSCTLS_TO_RESTORE[@]}" net.netfilter.nf_conntrack_max \
    net.netfilter.nf_conntrack_tcp_timeout_established net.netfilter.nf_conntrack_tcp_timeout_close_wait; do
    echo "${k}=$(sysctl -n "${k}" 2>/dev/null)"
  done
  echo "## cgroups";   find /sys/fs/cgroup -maxdepth 2 -type d -name kubepods | sort
  echo "## paths"
  for p in /var/lib/kubelet /var/lib/cni /run/containerd /var/log/containers /var/log/pods /var/run/netns /etc/cni; do
    [[ -e "${p}" ]] && find "${p}" | sort
  done
  true
}

# Lines of the snapshot that differ, minus those that name another engine
# (Docker may start or run containers while this test runs).
snapshot_diff() {
  diff "$1" "$2" | grep -E '^[<>]' | grep -viE 'docker|br-[0-9a-f]{12}|veth[0-9a-f]{7}' || true
}

before="$(mktemp)" after="$(mktemp)"
trap 'rm -f "${before}" "${after}"' EXIT
snapshot > "${before}"

# ------------------------------------------------------------------ bring-up
t0=${SECONDS}
if kubeconfig="$("${E2E_DIR}/cluster-up.sh" 2> >(sed 's/^/      | /' >&2))"; then
  up_seconds=$((SECONDS - t0))
  pass "cluster-up.sh in ${up_seconds}s, kubeconfig ${kubeconfig}"
else
  fail "cluster-up.sh failed after $((SECONDS - t0))s"
  "${E2E_DIR}/cluster-down.sh" --keep-logs
  echo "${passed} passed, ${failed} failed"
  exit 1
fi

t0=${SECONDS}
if again="$("${E2E_DIR}/cluster-up.sh" --no-smoke 2>/dev/null)" && [[ "${again}" == "${kubeconfig}" ]]; then
  pass "cluster-up.sh again (idempotent) in $((SECONDS - t0))s"
else
  fail "second cluster-up.sh failed"
fi

# -------------------------------------------------------------------- checks
if KUBECONFIG="${kubeconfig}" "${E2E_DIR}/check-cluster.sh" | sed 's/^/      | /'; then
  pass "check-cluster.sh"
else
  fail "check-cluster.sh"
fi

# ------------------------------------------------------------- resource use
echo "      resource use (RSS, CPU time since start):"
total_rss=0
for f in "${PID_DIR}"/*.pid; do
  name="$(basename "${f}" .pid)"
  pid="$(component_pid "${name}")"
  [[ -n "${pid}" ]] || continue
  read -r rss cpu < <(ps -o rss=,cputime= -p "${pid}")
  total_rss=$((total_rss + rss))
  printf '      | %-24s %5d MiB  %s\n' "${name}" $((rss / 1024)) "${cpu}"
done
shim_rss=0 shims=0
for p in /proc/[0-9]*; do
  cmd="$({ tr '\0' ' ' < "${p}/cmdline"; } 2>/dev/null)" || continue
  if [[ "${cmd}" == *containerd-shim* && "${cmd}" == *"-address ${CONTAINERD_SOCK} "* ]]; then
    shims=$((shims + 1))
    shim_rss=$((shim_rss + $(ps -o rss= -p "${p#/proc/}" || echo 0)))
  fi
done
printf '      | %-24s %5d MiB  (%d)\n' "containerd shims" $((shim_rss / 1024)) "${shims}"
printf '      | %-24s %5d MiB\n' "total" $(((total_rss + shim_rss) / 1024))
printf '      | run directory %s\n' "$(du -sh "${E2E_RUN_DIR}" 2>/dev/null | cut -f1)"

# ----------------------------------------------------------------- tear-down
t0=${SECONDS}
if "${E2E_DIR}/cluster-down.sh" 2> >(sed 's/^/      | /' >&2); then
  pass "cluster-down.sh in $((SECONDS - t0))s"
else
  fail "cluster-down.sh failed"
fi

# ---------------------------------------------------------------- leftovers
left=""
for p in /proc/[0-9]*; do
  exe="$(readlink "${p}/exe" 2>/dev/null)" || continue
  cmd="$({ tr '\0' ' ' < "${p}/cmdline"; } 2>/dev/null)" || continue
  # components and shims name the run directory; containers are in kubepods
  if [[ "${cmd}" == *"${E2E_RUN_DIR}"* ]] || grep -q ':/kubepods' "${p}/cgroup" 2>/dev/null; then
    left+=" ${p#/proc/}:${exe##*/}"
  fi
done
if [[ -z "${left}" ]]; then pass "no process of the cluster left"; else fail "processes left:${left}"; fi

mounts="$(awk -v d="${E2E_RUN_DIR}/" 'index($2, d) == 1' /proc/self/mounts | wc -l)"
if ((mounts == 0)); then pass "no mount under ${E2E_RUN_DIR} left"; else fail "${mounts} mounts left under ${E2E_RUN_DIR}"; fi

if [[ ! -e "${E2E_RUN_DIR}" ]]; then pass "run directory removed"; else fail "run directory still there: ${E2E_RUN_DIR}"; fi

snapshot > "${after}"
changes="$(snapshot_diff "${before}" "${after}")"
if [[ -z "${changes}" ]]; then
  pass "host as before: interfaces, routes, iptables, nftables, sysctls, cgroups, kubelet/CNI paths"
else
  fail "host changed:"
  printf '%s\n' "${changes}" | sed 's/^/      | /'
fi

echo "${passed} passed, ${failed} failed"
((failed == 0))
