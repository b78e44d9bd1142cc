# shellcheck shell=bash
# Host preparation and its undoing: Debian packages, sysctls, the pod bridge,
# the safety route for the service CIDR and the FORWARD rules.
# Sourced by cluster-up.sh and cluster-down.sh after common.sh.

E2E_IPTABLES_COMMENT="e2e-cluster ${E2E_BRIDGE}"

# Debian packages the node needs, installed only when missing.
ensure_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v ctr >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [[ -x "${CNI_BIN_DIR}/bridge" && -x "${CNI_BIN_DIR}/host-local" && -x "${CNI_BIN_DIR}/loopback" ]] ||
    missing+=(containernetworking-plugins)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v conntrack >/dev/null || missing+=(conntrack)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v gcc >/dev/null || missing+=(gcc libc6-dev)
  [[ -f /usr/lib/x86_64-linux-gnu/libc.a || -f /usr/lib/aarch64-linux-gnu/libc.a ]] || missing+=(libc6-dev)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >&2 ||
      { apt-get update -q >&2 && apt-get install -y -q "${missing[@]}" >&2; } ||
      die "could not install ${missing[*]}"
  fi
}

# Saves the sysctls kubelet, kube-proxy and the CNI bridge may change; only
# once per run directory, so a second cluster-up does not save changed values.
save_sysctls() {
  mkdir -p "${STATE_DIR}"
  [[ -f "${STATE_DIR}/sysctl.orig" ]] && return 0
  local k v
  for k in "${SYSCTLS_TO_RESTORE[@]}"; do
    v="$(sysctl -n "${k}" 2>/dev/null)" && printf '%s=%s\n' "${k}" "${v}"
  done > "${STATE_DIR}/sysctl.orig.tmp"
  mv "${STATE_DIR}/sysctl.orig.tmp" "${STATE_DIR}/sysctl.orig"
}

restore_sysctls() {
  [[ -f "${STATE_DIR}/sysctl.orig" ]] || return 0
  local line
  while IFS= read -r line; do
    [[ -n "${line}" ]] && sysctl -q -w "${line}" >/dev/null 2>&1 || true
  done < "${STATE_DIR}/sysctl.orig"
  rm -f "${STATE_DIR}/sysctl.orig"
  log "restored sysctls"
}

_forward_rule() { # -C|-I|-D
  iptables -w "$1" FORWARD "${@:2}" -m comment --comment "${E2E_IPTABLES_COMMENT}" -j ACCEPT
}

ensure_network() {
  local prefix="${E2E_NODE_POD_CIDR#*/}"
  if ! ip link show "${E2E_BRIDGE}" >/dev/null 2>&1; then
    log "creating bridge ${E2E_BRIDGE} with ${E2E_NODE_IP}/${prefix}"
    ip link add name "${E2E_BRIDGE}" type bridge
  fi
  # The CNI bridge plugin finds this bridge and keeps it (same gateway address).
  ip addr replace "${E2E_NODE_IP}/${prefix}" dev "${E2E_BRIDGE}"
  ip link set "${E2E_BRIDGE}" up
  # Service IPs are rewritten by kube-proxy's rules; this route sends whatever
  # is not (a Service without endpoints, or before kube-proxy runs) into the
  # bridge instead of out of the default route.
  ip route replace "${E2E_SERVICE_CIDR}" dev "${E2E_BRIDGE}" src "${E2E_NODE_IP}"
  # Bridged pod traffic must pass iptables for Service rules to apply to it.
  sysctl -q -w net.bridge.bridge-nf-call-iptables=1 >/dev/null
  sysctl -q -w net.ipv4.ip_forward=1 >/dev/null
  # A FORWARD policy of DROP (Docker sets one) would cut pods off.
  _forward_rule -C -i "${E2E_BRIDGE}" 2>/dev/null || _forward_rule -I -i "${E2E_BRIDGE}"
  _forward_rule -C -o "${E2E_BRIDGE}" 2>/dev/null || _forward_rule -I -o "${E2E_BRIDGE}"
}

teardown_network() {
  while _forward_rule -D -i "${E2E_BRIDGE}" 2>/dev/null; do :; done
  while _forward_rule -D -o "${E2E_BRIDGE}" 2>/dev/null; do :; done
  ip route del "${E2E_SERVICE_CIDR}" dev "${E2E_BRIDGE}" 2>/dev/null || true
  # veth ends of pods whose network namespace outlived the cluster
  local veth
  for veth in $(ip -o link show master "${E2E_BRIDGE}" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link del "${veth}" 2>/dev/null || true
  done
  if ip link show "${E2E_BRIDGE}" >/dev/null 2>&1; then
    ip link del "${E2E_BRIDGE}" && log "deleted bridge ${E2E_BRIDGE}"
  fi
}
