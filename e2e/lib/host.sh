# shellcheck shell=bash
# Host preparation and its undoing: Debian packages, sysctls, the pod bridge,
# the safety route for the service CIDR and the FORWARD rules.
# Sourced by cluster-up.sh and cluster-down.sh after common.sh.

# Run directly rather than sourced: answer --help, refuse anything else.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
    -h|--help)
      echo "Usage: source e2e/lib/host.sh (from e2e/cluster-up.sh, e2e/cluster-down.sh)"
      echo "Host preparation and its undoing for the e2e cluster (packages, sysctls, bridge, routes, FORWARD rules); sourced by the e2e cluster scripts, not run."
      exit 0 ;;
    *)
      echo "e2e/lib/host.sh: sourced by the e2e cluster scripts, not run (see --help)" >&2
      exit 2 ;;
  esac
fi

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
  command -v nft >/dev/null || missing+=(nftables)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v gcc >/dev/null || missing+=(gcc libc6-dev)
  [[ -f /usr/lib/x86_64-linux-gnu/libc.a || -f /usr/lib/aarch64-linux-gnu/libc.a ]] || missing+=(libc6-dev)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  # a static busybox for the busybox image (if a dynamically linked one is
  # installed, images.sh unpacks busybox-static's .deb instead of replacing it)
  [[ -e /bin/busybox ]] || missing+=(busybox-static)
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}" >&2 || die "could not install ${missing[*]}"
  fi
}

# Kernel modules the pod network and the overlay snapshotter need, where they
# are modules (they stay loaded afterwards).
load_modules() {
  command -v modprobe >/dev/null || return 0
  local m
  for m in br_netfilter overlay; do
    modprobe "${m}" 2>/dev/null || true
  done
  [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] ||
    die "bridge netfilter is not available (modprobe br_netfilter); Services cannot work without it"
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

# Records what existed before the first start: host paths that kubelet,
# containerd and libcni use whatever their configured directories, and the
# nftables tables (iptables-nft makes a table on first use of it).
save_host_state() {
  mkdir -p "${STATE_DIR}"
  [[ -f "${STATE_DIR}/host.orig" ]] && return 0
  {
    local p
    for p in /var/lib/kubelet /var/lib/cni /run/containerd /var/log/containers; do
      [[ -e "${p}" ]] && echo "path ${p}"
    done
    if command -v nft >/dev/null; then
      _nft_chains
    fi
    true
  } > "${STATE_DIR}/host.orig.tmp"
  mv "${STATE_DIR}/host.orig.tmp" "${STATE_DIR}/host.orig"
}

# "nft table FAMILY NAME" and "nft chain FAMILY TABLE NAME" lines.
_nft_chains() {
  local family table
  while read -r _ family table; do
    echo "nft table ${family} ${table}"
    nft list table "${family}" "${table}" 2>/dev/null |
      awk -v p="nft chain ${family} ${table}" '$1 == "chain" {print p, $2}'
  done < <(nft list tables 2>/dev/null)
}
# true if nft's listing on stdin holds no rule, only (base) chain declarations
_nft_no_rules() {
  ! grep -vE '^\s*(table .*\{|chain .*\{|type .* policy accept;|\}|)\s*$' | grep -q .
}

_preexisting() { grep -qxF "$1" "${STATE_DIR}/host.orig" 2>/dev/null; }

restore_host_state() {
  [[ -f "${STATE_DIR}/host.orig" ]] || return 0
  # kubelet's device-plugin socket is always under /var/lib/kubelet;
  # libcni caches results under /var/lib/cni (files named after the network);
  # containerd's shims put sockets under /run/containerd/s.
  _preexisting "path /var/lib/kubelet" || rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  rm -f /var/lib/cni/results/e2e-* 2>/dev/null
  local p
  for p in /var/lib/kubelet/device-plugins /var/lib/kubelet /var/lib/cni/results /var/lib/cni \
    /run/containerd/s /run/containerd /var/log/containers; do
    _preexisting "path ${p}" || rmdir "${p}" 2>/dev/null || true
  done
  # nftables tables and chains made while the cluster ran (iptables-nft makes
  # them on first use), if no rule is left in them
  local kind family table chain
  if command -v nft >/dev/null; then
    while read -r _ kind family table chain; do
      _preexisting "nft ${kind} ${family} ${table}${chain:+ ${chain}}" && continue
      if [[ "${kind}" == chain ]]; then
        if nft list chain "${family}" "${table}" "${chain}" 2>/dev/null | _nft_no_rules; then
          nft delete chain "${family}" "${table}" "${chain}" 2>/dev/null || true
        fi
      elif nft list table "${family}" "${table}" 2>/dev/null | _nft_no_rules; then
        nft delete table "${family}" "${table}" 2>/dev/null && log "deleted empty nftables table ${family} ${table}"
      fi
    done < <(_nft_chains | sort -k2,2)   # chains before their tables
  fi
  rm -f "${STATE_DIR}/host.orig"
}

# kube-proxy's rules (its own --cleanup), then the chains kubelet makes.
cleanup_iptables() {
  if [[ -x "${KUBE_BIN:-}/kube-proxy" ]]; then
    "${KUBE_BIN}/kube-proxy" --cleanup --v 0 >/dev/null 2>&1 || true
  fi
  local cmd table chain rule
  for cmd in iptables ip6tables; do
    command -v "${cmd}" >/dev/null || continue
    for table in filter nat mangle; do
      for chain in KUBE-KUBELET-CANARY KUBE-PROXY-CANARY KUBE-FIREWALL KUBE-IPTABLES-HINT; do
        "${cmd}" -w -t "${table}" -S "${chain}" >/dev/null 2>&1 || continue
        "${cmd}" -w -t "${table}" -S | grep -E -- "-j ${chain}( |\$)" | sed 's/^-A /-D /' |
          while read -r rule; do eval "\"${cmd}\" -w -t ${table} ${rule}" || true; done
        "${cmd}" -w -t "${table}" -F "${chain}" 2>/dev/null || true
        "${cmd}" -w -t "${table}" -X "${chain}" 2>/dev/null || true
      done
    done
  done
}

restore_sysctls() {
  [[ -f "${STATE_DIR}/sysctl.orig" ]] || return 0
  local line other_bridges
  # Forwarding settings stay if another bridge (docker0, say) came up meanwhile
  # and may rely on them.
  other_bridges="$(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | grep -vxF "${E2E_BRIDGE}" | tr '\n' ' ')"
  while IFS= read -r line; do
    [[ -n "${line}" ]] || continue
    if [[ -n "${other_bridges}" && "${line}" =~ ^net\.(ipv4\.ip_forward|bridge\.) ]]; then
      [[ "$(sysctl -n "${line%%=*}" 2>/dev/null)" == "${line#*=}" ]] ||
        log "leaving ${line%%=*}=$(sysctl -n "${line%%=*}") (was ${line#*=}): bridges ${other_bridges}exist"
      continue
    fi
    sysctl -q -w "${line}" >/dev/null 2>&1 || true
  done < "${STATE_DIR}/sysctl.orig"
  rm -f "${STATE_DIR}/sysctl.orig"
  log "restored sysctls"
}

_forward_rule() { # -C|-I|-D
  iptables -w "$1" FORWARD "${@:2}" -m comment --comment "${E2E_IPTABLES_COMMENT}" -j ACCEPT
}

# The run directory of the cluster that owns the bridge (kept in the bridge's
# alias: one cluster per machine, as the bridge, node IP and ports are fixed).
bridge_owner() { cat "/sys/class/net/${E2E_BRIDGE}/ifalias" 2>/dev/null || true; }

ensure_network() {
  local prefix="${E2E_NODE_POD_CIDR#*/}"
  if ! ip link show "${E2E_BRIDGE}" >/dev/null 2>&1; then
    log "creating bridge ${E2E_BRIDGE} with ${E2E_NODE_IP}/${prefix}"
    ip link add name "${E2E_BRIDGE}" type bridge
  fi
  ip link set "${E2E_BRIDGE}" alias "${E2E_RUN_DIR}"
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
