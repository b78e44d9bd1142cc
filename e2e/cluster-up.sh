#!/usr/bin/env bash
# Brings up a single-node Kubernetes cluster on this machine, offline, from
# real components: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy and kube-network-policies (built by
# hack/kube-binaries.sh --full), containerd, runc and the CNI bridge plugin
# from Debian's packages, CoreDNS as a pod. Every image is made locally; none
# is ever pulled. Where the kernel cannot support kube-network-policies, it
# says so: NetworkPolicies are then not enforced (the node's annotation
# e2e.interactiondemo.dev/network-policies tells which).
#
# Usage: e2e/cluster-up.sh [--no-smoke]
#
#   e2e/cluster-up.sh            bring it up (or check that it is up); prints
#                                the admin kubeconfig's path on stdout
#   e2e/cluster-up.sh --no-smoke ... without the test pod at the end
#   e2e/cluster-up.sh --help     this help
#   KUBECONFIG=$(e2e/cluster-up.sh) kubectl get nodes
#
# Idempotent: a second run starts only what is not running, and checks again.
# Needs root. Everything is kept under ${E2E_RUN_DIR:-e2e/run}; e2e/cluster-down.sh
# stops it all and leaves the machine as it was. See docs/e2e-cluster.md.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
smoke=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-smoke) smoke=false ;;   # skip the test pod at the end
    -h|--help) usage; exit 0 ;;
    *) echo "cluster-up: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/host.sh
source "${E2E_DIR}/lib/host.sh"
# shellcheck source=lib/pki.sh
source "${E2E_DIR}/lib/pki.sh"
# shellcheck source=lib/image.sh
source "${E2E_DIR}/lib/image.sh"
# shellcheck source=lib/images.sh
source "${E2E_DIR}/lib/images.sh"
# shellcheck source=lib/netpol.sh
source "${E2E_DIR}/lib/netpol.sh"

need_root
start_time=${SECONDS}

# A unix socket path must fit in 108 bytes; the shims' paths are longer still.
((${#CONTAINERD_SOCK} < 90)) ||
  die "run directory path too long for containerd's socket (${CONTAINERD_SOCK}); set E2E_RUN_DIR to a shorter path"

ensure_packages
log "making sure the Kubernetes binaries are built (hack/kube-binaries.sh --full)"
"${REPO_DIR}/hack/kube-binaries.sh" --full >&2
KUBE_BIN="$(kube_bin_dir)"
export PATH="${KUBE_BIN}:${PATH}"

# Another cluster from these scripts (another clone, another E2E_RUN_DIR)?
owner="$(bridge_owner)"
if [[ -n "${owner}" && "${owner}" != "${E2E_RUN_DIR}" ]]; then
  for f in "${owner}"/pids/*.pid; do
    [[ -f "${f}" ]] || continue
    read -r pid exe < "${f}" || continue
    if alive "${pid}" && [[ "$(readlink "/proc/${pid}/exe" 2>/dev/null)" == "${exe}" ]]; then
      die "an e2e cluster is running from ${owner}; stop it first: E2E_RUN_DIR=${owner} e2e/cluster-down.sh"
    fi
  done
  log "found what is left of a stopped cluster from ${owner}; tearing it down first"
  E2E_RUN_DIR="${owner}" "${E2E_DIR}/cluster-down.sh" || die "could not tear down the cluster from ${owner}"
fi

mkdir -p "${CONFIG_DIR}" "${LOG_DIR}" "${PID_DIR}" "${STATE_DIR}" "${IMAGE_DIR}"
touch "${RUN_DIR_MARKER}"
load_modules
save_sysctls
save_host_state
ensure_network
ensure_pki

build_pause_image
build_coredns_image
build_busybox_image

# --------------------------------------------------------------- containerd
# Root without CAP_SYS_RESOURCE (inside some containers and VMs) cannot lower
# an OOM score, and runc fails to start a pod sandbox (oom_score_adj -998)
# unless containerd keeps scores at or above its own.
restrict_oom_score_adj=false
cap_eff="$(awk '/^CapEff:/ {print $2}' /proc/self/status)"
(((0x${cap_eff} >> 24) & 1)) || restrict_oom_score_adj=true

write_containerd_config() {
  mkdir -p "${CONTAINERD_DIR}/root" "${CONTAINERD_DIR}/state" "${CONTAINERD_DIR}/certs.d" \
    "${CNI_CONF_DIR}" "${CNI_DATA_DIR}"
  write_if_changed "${CONFIG_DIR}/containerd.toml" <<EOF
# containerd for the e2e cluster: its own root, state and socket, so it runs
# beside any other containerd (Docker's) without touching it.
version = 2
root = "${CONTAINERD_DIR}/root"
state = "${CONTAINERD_DIR}/state"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "${CONTAINERD_SOCK}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${CONTAINERD_DIR}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  # built locally and imported: nothing is pulled
  sandbox_image = "${E2E_PAUSE_IMAGE}"
  # pod network namespaces under the run directory, not /var/run/netns
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  restrict_oom_score_adj = ${restrict_oom_score_adj}
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${CONTAINERD_DIR}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN_DIR}"
    conf_dir = "${CNI_CONF_DIR}"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${CONTAINERD_DIR}/certs.d"
EOF
  # The node's pod network: the bridge made by ensure_network, addresses from
  # host-local. No masquerading: pods reach the node and each other, nothing else.
  write_if_changed "${CNI_CONF_DIR}/10-e2e-bridge.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "e2e",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "${E2E_BRIDGE}",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "${CNI_DATA_DIR}",
        "ranges": [[{"subnet": "${E2E_NODE_POD_CIDR}", "gateway": "${E2E_NODE_IP}"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
}

image_present() { local images; images="$(ctr_k8s images ls -q 2>/dev/null || true)"; grep -qxF "$1" <<<"${images}"; }

import_image() { # REF TAR
  if ! image_present "$1"; then
    log "importing $1"
    ctr_k8s images import "$2" >&2
  fi
}

write_containerd_config
start_component containerd "$(command -v containerd)" --config "${CONFIG_DIR}/containerd.toml"
wait_for 30 "containerd" ctr --address "${CONTAINERD_SOCK}" version ||
  die "containerd did not start; see ${LOG_DIR}/containerd.log"
import_image "${E2E_PAUSE_IMAGE}" "${IMAGE_DIR}/pause.tar"
import_image "${E2E_COREDNS_IMAGE}" "${IMAGE_DIR}/coredns.tar"
import_image "${E2E_BUSYBOX_IMAGE}" "${IMAGE_DIR}/busybox.tar"

# --------------------------------------------------------------------- etcd
# --unsafe-no-fsync: a throwaway test cluster, and fsync-heavy etcd is the
# usual cause of slow API calls on shared disks.
start_component etcd "${KUBE_BIN}/etcd" \
  --name e2e \
  --data-dir "${E2E_RUN_DIR}/etcd" \
  --listen-client-urls "http://127.0.0.1:${E2E_ETCD_PORT}" \
  --advertise-client-urls "http://127.0.0.1:${E2E_ETCD_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${E2E_ETCD_PEER_PORT}" \
  --initial-advertise-peer-urls "http://127.0.0.1:${E2E_ETCD_PEER_PORT}" \
  --initial-cluster "e2e=http://127.0.0.1:${E2E_ETCD_PEER_PORT}" \
  --unsafe-no-fsync \
  --log-level warn
etcd_healthy() { curl -fsS "http://127.0.0.1:${E2E_ETCD_PORT}/health" | grep -q '"health":"true"'; }
wait_for 30 "etcd" etcd_healthy || die "etcd did not become healthy; see ${LOG_DIR}/etcd.log"

# ----------------------------------------------------------- kube-apiserver
start_component kube-apiserver "${KUBE_BIN}/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:${E2E_ETCD_PORT}" \
  --bind-address "${E2E_NODE_IP}" \
  --advertise-address "${E2E_NODE_IP}" \
  --secure-port "${E2E_API_PORT}" \
  --tls-cert-file "${PKI_DIR}/kube-apiserver.crt" \
  --tls-private-key-file "${PKI_DIR}/kube-apiserver.key" \
  --client-ca-file "${PKI_DIR}/ca.crt" \
  --kubelet-client-certificate "${PKI_DIR}/apiserver-kubelet-client.crt" \
  --kubelet-client-key "${PKI_DIR}/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "${PKI_DIR}/ca.crt" \
  --kubelet-preferred-address-types InternalIP,Hostname \
  --service-account-issuer "https://kubernetes.default.svc.${E2E_DNS_DOMAIN}" \
  --service-account-key-file "${PKI_DIR}/sa.pub" \
  --service-account-signing-key-file "${PKI_DIR}/sa.key" \
  --service-cluster-ip-range "${E2E_SERVICE_CIDR}" \
  --authorization-mode Node,RBAC \
  --enable-admission-plugins NodeRestriction \
  --allow-privileged=true \
  --cert-dir "${PKI_DIR}/apiserver-generated" \
  --profiling=false \
  --v 1
api_ready() { kc get --raw /readyz; }
wait_for 90 "kube-apiserver" api_ready || die "kube-apiserver did not become ready; see ${LOG_DIR}/kube-apiserver.log"

# ------------------------------------------- controller-manager and scheduler
start_component kube-controller-manager "${KUBE_BIN}/kube-controller-manager" \
  --kubeconfig "${KUBECONFIG_DIR}/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig "${KUBECONFIG_DIR}/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig "${KUBECONFIG_DIR}/kube-controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 \
  --leader-elect=false \
  --use-service-account-credentials \
  --service-account-private-key-file "${PKI_DIR}/sa.key" \
  --root-ca-file "${PKI_DIR}/ca.crt" \
  --cluster-signing-cert-file "${PKI_DIR}/ca.crt" \
  --cluster-signing-key-file "${PKI_DIR}/ca.key" \
  --service-cluster-ip-range "${E2E_SERVICE_CIDR}" \
  --cluster-cidr "${E2E_POD_CIDR}" \
  --allocate-node-cidrs=false \
  --profiling=false \
  --v 1
start_component kube-scheduler "${KUBE_BIN}/kube-scheduler" \
  --kubeconfig "${KUBECONFIG_DIR}/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig "${KUBECONFIG_DIR}/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig "${KUBECONFIG_DIR}/kube-scheduler.kubeconfig" \
  --bind-address 127.0.0.1 \
  --leader-elect=false \
  --profiling=false \
  --v 1

# ------------------------------------------------------------------ kubelet
resolv_conf=/etc/resolv.conf
[[ -f /run/systemd/resolve/resolv.conf ]] && resolv_conf=/run/systemd/resolve/resolv.conf
mkdir -p "${KUBELET_DIR}" "${LOG_DIR}/pods"
write_if_changed "${CONFIG_DIR}/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${E2E_NODE_IP}
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: ${PKI_DIR}/kubelet-serving.crt
tlsPrivateKeyFile: ${PKI_DIR}/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${PKI_DIR}/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://${CONTAINERD_SOCK}
imageServiceEndpoint: unix://${CONTAINERD_SOCK}
# cgroup v1 (and v2) without systemd managing the cgroups
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [${E2E_DNS_IP}]
clusterDomain: ${E2E_DNS_DOMAIN}
resolvConf: ${resolv_conf}
podLogsDir: ${LOG_DIR}/pods
# Images cannot be pulled again: never garbage-collect them, and do not evict
# pods because the shared disk is fuller than a dedicated node's would be.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
serializeImagePulls: false
maxPods: 110
EOF
start_component kubelet "${KUBE_BIN}/kubelet" \
  --config "${CONFIG_DIR}/kubelet.yaml" \
  --kubeconfig "${KUBECONFIG_DIR}/kubelet.kubeconfig" \
  --root-dir "${KUBELET_DIR}" \
  --hostname-override "${E2E_NODE_NAME}" \
  --node-ip "${E2E_NODE_IP}" \
  --v 1

# --------------------------------------------------------------- kube-proxy
# conntrack and localhost settings left as they are: kube-proxy would
# otherwise change host-wide sysctls (nf_conntrack_max, route_localnet).
write_if_changed "${CONFIG_DIR}/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${KUBECONFIG_DIR}/kube-proxy.kubeconfig
hostnameOverride: ${E2E_NODE_NAME}
mode: iptables
clusterCIDR: ${E2E_POD_CIDR}
bindAddress: ${E2E_NODE_IP}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
nodePortAddresses: [${E2E_NODE_IP}/32]
iptables:
  localhostNodePorts: false
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
start_component kube-proxy "${KUBE_BIN}/kube-proxy" \
  --config "${CONFIG_DIR}/kube-proxy.yaml" \
  --v 1

node_ready() {
  [[ "$(kc get node "${E2E_NODE_NAME}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}
wait_for 120 "node ${E2E_NODE_NAME} to be Ready" node_ready ||
  die "node did not become Ready; see ${LOG_DIR}/kubelet.log and ${LOG_DIR}/containerd.log"
log "node ${E2E_NODE_NAME} is Ready"

# ---------------------------------------------------- kube-network-policies
# The NetworkPolicy enforcer, a host process like kube-proxy (lib/netpol.sh);
# started before any pod but the smoke test's.
ensure_network_policies

# ------------------------------------------------------------------ CoreDNS
sed -e "s|__DNS_IP__|${E2E_DNS_IP}|g" -e "s|__DNS_DOMAIN__|${E2E_DNS_DOMAIN}|g" \
  -e "s|__COREDNS_IMAGE__|${E2E_COREDNS_IMAGE}|g" "${E2E_DIR}/manifests/coredns.yaml" |
  kc apply -f - >&2
kc -n kube-system rollout status deployment/coredns --timeout=120s >&2 ||
  die "CoreDNS did not become available; kubectl -n kube-system describe pods -l k8s-app=kube-dns"

# ----------------------------------------------------------------- smoke pod
# A pod that resolves the API server's Service name through CoreDNS (via the
# DNS Service IP, so kube-proxy's rules are in the path) and exits.
if [[ "${smoke}" == true ]]; then
  wait_for 60 "the default service account" kc -n default get serviceaccount default
  kc -n default delete pod e2e-smoke --ignore-not-found --wait=true >/dev/null 2>&1 || true
  kc -n default apply -f - >&2 <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: e2e-smoke
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: smoke
    image: ${E2E_BUSYBOX_IMAGE}
    imagePullPolicy: Never
    command: ["nslookup", "kubernetes.default.svc.${E2E_DNS_DOMAIN}", "${E2E_DNS_IP}"]
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
EOF
  pod_done() {
    local phase
    phase="$(kc -n default get pod e2e-smoke -o jsonpath='{.status.phase}')"
    [[ "${phase}" == Succeeded || "${phase}" == Failed ]]
  }
  wait_for 90 "the smoke pod" pod_done || true
  phase="$(kc -n default get pod e2e-smoke -o jsonpath='{.status.phase}' 2>/dev/null || true)"
  if [[ "${phase}" != Succeeded ]]; then
    kc -n default describe pod e2e-smoke >&2 || true
    kc -n default logs e2e-smoke >&2 || true
    die "smoke pod did not succeed (phase '${phase}')"
  fi
  # Read the logs first: with pipefail, grep -q quitting early would fail kubectl with SIGPIPE.
  smoke_logs=""
  smoke_logs="$(kc -n default logs e2e-smoke 2>/dev/null || true)"
  [[ "${smoke_logs}" == *"Address: ${E2E_API_SERVICE_IP}"* ]] ||
    { echo "${smoke_logs}" >&2; die "smoke pod did not resolve kubernetes.default.svc to ${E2E_API_SERVICE_IP}"; }
  kc -n default delete pod e2e-smoke --wait=false >/dev/null
  log "smoke pod resolved kubernetes.default.svc.${E2E_DNS_DOMAIN} -> ${E2E_API_SERVICE_IP}"
fi

touch "${STATE_DIR}/up"
log "cluster is up in $((SECONDS - start_time))s; kubectl --kubeconfig ${ADMIN_KUBECONFIG} get nodes"
echo "${ADMIN_KUBECONFIG}"
