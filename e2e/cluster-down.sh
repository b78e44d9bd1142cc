#!/usr/bin/env bash
# Stops the cluster started by e2e/cluster-up.sh and leaves the machine as it
# was: pods and their network namespaces, every component, containerd and its
# shims, mounts under the run directory, iptables rules of kube-proxy and
# kubelet, the pod bridge and its route, the sysctls that were changed, the
# cgroups kubelet made; then the run directory itself.
#
# Usage: e2e/cluster-down.sh [--keep-logs]
#
#   e2e/cluster-down.sh              stop everything, delete the run directory
#   e2e/cluster-down.sh --keep-logs  ... but keep ${E2E_RUN_DIR}/logs
#   e2e/cluster-down.sh --help       this help
#
# Safe to run when nothing (or only part) is running.
set -uo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
keep_logs=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep-logs) keep_logs=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "cluster-down: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/host.sh
source "${E2E_DIR}/lib/host.sh"
# shellcheck source=lib/netpol.sh
source "${E2E_DIR}/lib/netpol.sh"

need_root
start_time=${SECONDS}

# The bridge, iptables rules and sysctls are the machine's, not the run
# directory's: leave them to the cluster that owns the bridge, if another one.
owner="$(bridge_owner)"
foreign=false
if [[ -n "${owner}" && "${owner}" != "${E2E_RUN_DIR}" ]]; then
  foreign=true
  log "the pod bridge ${E2E_BRIDGE} belongs to the cluster from ${owner}: leaving network, iptables and sysctls alone"
fi
# used by cleanup_iptables (kube-proxy --cleanup)
KUBE_BIN="$("${REPO_DIR}/hack/kube-binaries.sh" --print-dir 2>/dev/null || true)"
export KUBE_BIN

# 1. With the API server and kubelet still up, let kubelet remove every pod
#    the normal way: containers stopped, CNI DEL run (addresses released, veth
#    removed), network namespaces unmounted. The controllers go first, so
#    nothing is recreated or rescheduled meanwhile.
stop_component kube-controller-manager
stop_component kube-scheduler
if [[ -n "$(component_pid kubelet)" && -n "$(component_pid kube-apiserver)" && -f "${ADMIN_KUBECONFIG}" ]] &&
  kc get --raw /readyz >/dev/null 2>&1; then
  log "deleting all pods"
  kc delete pods --all --all-namespaces --grace-period=2 --wait=false >/dev/null 2>&1 || true
  no_pods() { [[ -z "$(kc get pods --all-namespaces -o name 2>/dev/null)" ]]; }
  # pods already terminating keep their own (longer) grace period: after 15s
  # remove what is left from the API; kubelet then kills its containers
  if ! wait_for 15 "pods to terminate" no_pods; then
    kc delete pods --all --all-namespaces --force --grace-period=0 >/dev/null 2>&1 || true
  fi
  # the pods' sandboxes (pause containers) are stopped right after
  no_tasks() { [[ -z "$(ctr_k8s tasks ls -q 2>/dev/null)" ]]; }
  wait_for 30 "pod sandboxes to stop" no_tasks || true
fi

# 2. The node and control plane.
if [[ "${foreign}" == false ]]; then
  stop_network_policies
else
  stop_component kube-network-policies
fi
stop_component kube-proxy
stop_component kubelet
stop_component kube-apiserver
stop_component etcd

# 3. Containers kubelet did not get to: kill and delete them, then containerd.
if [[ -n "$(component_pid containerd)" ]]; then
  for id in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks kill -s SIGKILL "${id}" >/dev/null 2>&1 || true
  done
  sleep 0.5
  for id in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks rm -f "${id}" >/dev/null 2>&1 || true
  done
  for id in $(ctr_k8s containers ls -q 2>/dev/null); do
    ctr_k8s containers rm "${id}" >/dev/null 2>&1 || true
  done
fi
stop_component containerd 15
# runc's state for this containerd lives in the run directory: anything left
# there is a container of ours (found only if containerd could not end it).
if [[ -d "${CONTAINERD_DIR}/runc/k8s.io" ]] && command -v runc >/dev/null; then
  for id in $(runc --root "${CONTAINERD_DIR}/runc/k8s.io" list -q 2>/dev/null); do
    log "killing leftover container ${id}"
    runc --root "${CONTAINERD_DIR}/runc/k8s.io" delete --force "${id}" >/dev/null 2>&1 || true
  done
fi
# containerd's shims for this containerd carry its socket on their command line.
for p in /proc/[0-9]*; do
  cmd="$({ tr '\0' ' ' < "${p}/cmdline"; } 2>/dev/null)" || continue
  if [[ "${cmd}" == *containerd-shim* && "${cmd}" == *"-address ${CONTAINERD_SOCK} "* ]]; then
    log "killing leftover shim ${p#/proc/}"
    kill -KILL "${p#/proc/}" 2>/dev/null || true
  fi
done

# 4. iptables: kube-proxy's chains and rules, kubelet's; conntrack entries.
if [[ "${foreign}" == false ]]; then
  cleanup_iptables
fi
if [[ "${foreign}" == false ]] && command -v conntrack >/dev/null; then
  conntrack -D -s "${E2E_POD_CIDR}" >/dev/null 2>&1 || true
  conntrack -D -d "${E2E_SERVICE_CIDR}" >/dev/null 2>&1 || true
fi

# 5. Mounts under the run directory (pod volumes, overlay root filesystems,
#    network namespaces, shm), deepest first.
if [[ -d "${E2E_RUN_DIR}" ]]; then
  for _ in 1 2 3; do
    mapfile -t mounts < <(awk -v d="${E2E_RUN_DIR}/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r)
    ((${#mounts[@]})) || break
    for m in "${mounts[@]}"; do
      umount "${m}" 2>/dev/null || umount -l "${m}" 2>/dev/null || true
    done
  done
  left="$(awk -v d="${E2E_RUN_DIR}/" 'index($2, d) == 1' /proc/self/mounts | wc -l)"
  ((left == 0)) || log "WARNING: ${left} mounts under ${E2E_RUN_DIR} could not be unmounted"
fi

# 6. Network: FORWARD rules, the service route, veths, the bridge; sysctls.
if [[ "${foreign}" == false ]]; then
  teardown_network
  restore_sysctls
fi

# 7. Cgroups kubelet made (cgroupfs driver: "kubepods" under each controller),
#    once empty; and kubelet's links to container logs.
for hierarchy in /sys/fs/cgroup/*/; do
  [[ "${foreign}" == false && -d "${hierarchy}kubepods" ]] || continue
  find "${hierarchy}kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done
if [[ -d /var/log/containers ]]; then
  find /var/log/containers -maxdepth 1 -type l -lname "${E2E_RUN_DIR}/*" -delete 2>/dev/null || true
fi
# Files outside the run directory named after our sandboxes and containers,
# left when containerd or its shims were killed rather than stopped: libcni's
# cached results and the shims' sockets (named by the sha256 of
# "<containerd socket>/<namespace>/<id>", as containerd 1.6 does).
for dir in "${CONTAINERD_DIR}/root/io.containerd.grpc.v1.cri/sandboxes" \
  "${CONTAINERD_DIR}/root/io.containerd.grpc.v1.cri/containers" \
  "${CONTAINERD_DIR}"/state/io.containerd.runtime.v2.task/*; do
  [[ -d "${dir}" ]] || continue
  ns="${dir##*/}"
  [[ "${dir}" == */io.containerd.grpc.v1.cri/* ]] && ns=k8s.io
  for entry in "${dir}"/*; do
    [[ -e "${entry}" ]] || continue
    id="${entry##*/}"
    [[ "${id}" =~ ^[0-9a-f]{64}$ || "${dir}" == */io.containerd.runtime.v2.task/* ]] || continue
    rm -f /var/lib/cni/results/*-"${id}"-* 2>/dev/null
    rm -f "/run/containerd/s/$(printf '%s' "${CONTAINERD_SOCK}/${ns}/${id}" | sha256sum | cut -c1-64)"
  done
done
[[ "${foreign}" == true ]] || restore_host_state

# 8. The run directory.
if [[ -d "${E2E_RUN_DIR}" && ! -f "${RUN_DIR_MARKER}" ]]; then
  rmdir "${E2E_RUN_DIR}" 2>/dev/null || log "not deleting ${E2E_RUN_DIR}: no ${RUN_DIR_MARKER##*/} in it, so not made by cluster-up.sh"
elif [[ -d "${E2E_RUN_DIR}" ]]; then
  if [[ "${keep_logs}" == true && -d "${LOG_DIR}" ]]; then
    find "${E2E_RUN_DIR}" -mindepth 1 -maxdepth 1 ! -name logs ! -name "${RUN_DIR_MARKER##*/}" -exec rm -rf {} + 2>/dev/null
    log "kept logs in ${LOG_DIR}"
  elif [[ -z "$(awk -v d="${E2E_RUN_DIR}/" 'index($2, d) == 1' /proc/self/mounts)" ]]; then
    rm -rf "${E2E_RUN_DIR}"
  else
    log "WARNING: not deleting ${E2E_RUN_DIR}: something is still mounted there"
  fi
fi
log "cluster is down ($((SECONDS - start_time))s)"
