# shellcheck shell=bash
# The node's NetworkPolicy enforcer: kube-network-policies (built by
# hack/kube-binaries.sh --full) as a host process beside kube-proxy, since the
# CNI bridge plugin ignores NetworkPolicies. Sourced by cluster-up.sh and
# cluster-down.sh after common.sh and host.sh.
#
# kube-network-policies sends the first packet of every pod connection to an
# nfqueue and accepts or drops it in userspace, by the NetworkPolicies of the
# pods at either end. Its own nftables table needs nftables' queue expression
# (CONFIG_NFT_QUEUE). A kernel without it (some VM kernels) may still have
# iptables' NFQUEUE target through nft_compat: then the same queue is fed by an
# iptables chain (E2E-NETWORK-POLICIES in the mangle table, jumped to from
# POSTROUTING, after DNAT as kube-network-policies' own chain) that mirrors
# that chain's rules, for every pod rather than only the pods a policy selects.
# With neither, nothing enforces NetworkPolicies, and cluster-up.sh says so.
#
# What was found is written on the node, in the annotation
# e2e.interactiondemo.dev/network-policies: "enforced: ..." or "unenforced:
# <why>"; the e2e suite reads it.

# Run directly rather than sourced: answer --help, refuse anything else.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
    -h|--help)
      echo "Usage: source e2e/lib/netpol.sh (from e2e/cluster-up.sh, e2e/cluster-down.sh)"
      echo "The e2e node's NetworkPolicy enforcer (kube-network-policies as a host process); sourced by the e2e cluster scripts, not run."
      exit 0 ;;
    *)
      echo "e2e/lib/netpol.sh: sourced by the e2e cluster scripts, not run (see --help)" >&2
      exit 2 ;;
  esac
fi

NETPOL_QUEUE=100
NETPOL_CHAIN=E2E-NETWORK-POLICIES
NETPOL_TABLE=kube-network-policies   # kube-network-policies' own nftables table (inet)
NETPOL_ANNOTATION=e2e.interactiondemo.dev/network-policies
NETPOL_DIR="${E2E_RUN_DIR}/network-policies"
NETPOL_METRICS=127.0.0.1:9080

# Sets netpol_mode (nftables, iptables or none) and netpol_why (for none and
# iptables, what the kernel lacks).
netpol_probe() {
  netpol_mode=none netpol_why=""
  if command -v modprobe >/dev/null; then
    local m
    for m in nfnetlink_queue nft_queue xt_NFQUEUE; do modprobe "${m}" 2>/dev/null || true; done
  fi
  if [[ ! -e /proc/net/netfilter/nfnetlink_queue ]]; then
    netpol_why="the kernel has no nfqueue (CONFIG_NETFILTER_NETLINK_QUEUE)"
    return 0
  fi
  # nft -c checks the table against the kernel without changing anything.
  if command -v nft >/dev/null && nft -c -f - >/dev/null 2>&1 <<EOF
table inet e2e-queue-probe {
  chain postrouting {
    type filter hook postrouting priority srcnat - 5; policy accept;
    queue num ${NETPOL_QUEUE}
  }
}
EOF
  then
    netpol_mode=nftables
  elif grep -qx NFQUEUE /proc/net/ip_tables_targets 2>/dev/null; then
    netpol_mode=iptables
    netpol_why="the kernel lacks nftables' queue expression (CONFIG_NFT_QUEUE)"
  else
    netpol_why="the kernel has neither nftables' queue expression (CONFIG_NFT_QUEUE) nor iptables' NFQUEUE target"
  fi
}

# Kernels before 6.12 race DNS packets with conntrack (netfilter bug 1766):
# kube-network-policies then judges DNS on PREROUTING instead.
_netpol_dns_fix() {
  local major minor
  IFS=. read -r major minor _ <<<"$(uname -r)"
  if ((major > 6 || (major == 6 && ${minor%%[!0-9]*} >= 12))); then echo false; else echo true; fi
}

# A ServiceAccount of its own, with what upstream's install.yaml grants (and
# Events), and a token for it: kube-network-policies only knows the in-cluster
# configuration (a token file and the API server's address in the
# environment), not a kubeconfig.
netpol_credentials() {
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: kube-network-policies, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kube-network-policies}
rules:
- apiGroups: [""]
  resources: [pods, namespaces]
  verbs: [list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [list, watch]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create, patch, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kube-network-policies}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kube-network-policies}
subjects:
- {kind: ServiceAccount, name: kube-network-policies, namespace: kube-system}
EOF
  local sa="${NETPOL_DIR}/serviceaccount"
  mkdir -p "${sa}"
  chmod 0700 "${NETPOL_DIR}"
  cp "${PKI_DIR}/ca.crt" "${sa}/ca.crt"
  echo kube-system > "${sa}/namespace"
  if [[ ! -s "${sa}/token" ]]; then
    # as long as the cluster's certificates (1 year)
    kc -n kube-system create token kube-network-policies --duration 8760h > "${sa}/token.tmp" ||
      die "could not make a token for kube-network-policies"
    mv "${sa}/token.tmp" "${sa}/token"
  fi
}

# Starts kube-network-policies in a mount namespace of its own, where a tmpfs
# over /run holds the in-cluster token at the fixed path client-go reads
# (/var/run/secrets/kubernetes.io/serviceaccount): the host's /run is not
# touched, and the process needs nothing else under /run.
start_network_policies() {
  netpol_credentials
  # shellcheck disable=SC2016 # expanded by the inner shell
  start_component kube-network-policies --exe "${KUBE_BIN}/kube-network-policies" \
    env KUBERNETES_SERVICE_HOST="${E2E_NODE_IP}" KUBERNETES_SERVICE_PORT="${E2E_API_PORT}" \
    unshare --mount --propagation private -- \
    sh -c 'mount -t tmpfs -o mode=0755,size=1m e2e-network-policies /run &&
      mkdir -p /run/secrets/kubernetes.io/serviceaccount &&
      mount --bind "$1" /run/secrets/kubernetes.io/serviceaccount && shift && exec "$@"' \
    sh "${NETPOL_DIR}/serviceaccount" "${KUBE_BIN}/kube-network-policies" \
    --hostname-override "${E2E_NODE_NAME}" \
    --nfqueue-id "${NETPOL_QUEUE}" \
    --metrics-bind-address "${NETPOL_METRICS}" \
    --netfilter-bug-1766-fix="$(_netpol_dns_fix)" \
    --v 1
}

# true once kube-network-policies listens on its queue (it does once its
# caches have synced).
netpol_queue_bound() {
  awk -v q="${NETPOL_QUEUE}" '$1 == q {found = 1} END {exit !found}' /proc/net/netfilter/nfnetlink_queue
}

# The iptables chain that feeds the queue where nftables cannot: the rules of
# kube-network-policies' postrouting chain, in its order.
netpol_feed_queue() {
  iptables -w -t mangle -N "${NETPOL_CHAIN}" 2>/dev/null || iptables -w -t mangle -F "${NETPOL_CHAIN}"
  local c=(iptables -w -t mangle -A "${NETPOL_CHAIN}")
  if [[ "$(_netpol_dns_fix)" == true ]]; then
    "${c[@]}" -p udp --dport 53 -j RETURN   # (its DNS rules on PREROUTING are not mirrored)
  fi
  "${c[@]}" -m owner --uid-owner 0 -j RETURN        # the node's own traffic (kubelet's probes)
  "${c[@]}" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  "${c[@]}" -s "${E2E_POD_CIDR}" -j NFQUEUE --queue-num "${NETPOL_QUEUE}"
  "${c[@]}" -d "${E2E_POD_CIDR}" -j NFQUEUE --queue-num "${NETPOL_QUEUE}"
  iptables -w -t mangle -C POSTROUTING -j "${NETPOL_CHAIN}" 2>/dev/null ||
    iptables -w -t mangle -A POSTROUTING -j "${NETPOL_CHAIN}"
}

netpol_unfeed_queue() {
  command -v iptables >/dev/null || return 0
  while iptables -w -t mangle -D POSTROUTING -j "${NETPOL_CHAIN}" 2>/dev/null; do :; done
  iptables -w -t mangle -F "${NETPOL_CHAIN}" 2>/dev/null || true
  iptables -w -t mangle -X "${NETPOL_CHAIN}" 2>/dev/null || true
}

# Brings the enforcer up (or finds it up) and writes what it found on the
# node. Needs the API server and the node object.
ensure_network_policies() {
  local state
  netpol_probe
  if [[ "${netpol_mode}" == none ]]; then
    stop_component kube-network-policies
    netpol_unfeed_queue
    log "WARNING: NetworkPolicies are NOT enforced on this node: ${netpol_why}"
    state="unenforced: ${netpol_why}; kube-network-policies needs nfqueue and nftables' queue expression or iptables' NFQUEUE target"
  else
    start_network_policies
    wait_for 60 "kube-network-policies to listen on nfqueue ${NETPOL_QUEUE}" netpol_queue_bound ||
      die "kube-network-policies did not start; see ${LOG_DIR}/kube-network-policies.log"
    if [[ "${netpol_mode}" == iptables ]]; then
      netpol_feed_queue
      log "kube-network-policies enforces NetworkPolicies; ${netpol_why}, so an iptables NFQUEUE chain (mangle ${NETPOL_CHAIN}) feeds its queue"
      state="enforced: kube-network-policies, its queue fed by iptables' NFQUEUE (${netpol_why})"
    else
      netpol_unfeed_queue
      wait_for 30 "kube-network-policies' nftables table" nft list table inet "${NETPOL_TABLE}" ||
        die "kube-network-policies did not make its nftables table; see ${LOG_DIR}/kube-network-policies.log"
      log "kube-network-policies enforces NetworkPolicies (nftables table inet ${NETPOL_TABLE})"
      state="enforced: kube-network-policies, its own nftables rules"
    fi
  fi
  kc annotate node "${E2E_NODE_NAME}" --overwrite "${NETPOL_ANNOTATION}=${state}" >/dev/null
}

# cluster-down.sh: the iptables chain first (without a listener its packets
# would be dropped), then the process, then its nftables table (it removes
# the table itself only on SIGINT).
stop_network_policies() {
  netpol_unfeed_queue
  stop_component kube-network-policies
  if command -v nft >/dev/null && ! _preexisting "nft table inet ${NETPOL_TABLE}"; then
    nft delete table inet "${NETPOL_TABLE}" 2>/dev/null || true
  fi
}
