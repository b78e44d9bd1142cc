# shellcheck shell=bash disable=SC2034  # variables are for the scripts that source this
# Settings and helpers shared by the e2e cluster scripts. Sourced, not run.
#
# Every setting can be overridden from the environment; the defaults suit a
# single machine with no other Kubernetes node on it.

# Run directly rather than sourced: answer --help, refuse anything else.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
    -h|--help)
      echo "Usage: source e2e/lib/common.sh (from e2e/cluster-up.sh, e2e/cluster-down.sh)"
      echo "Settings and helpers shared by the e2e cluster scripts; sourced by the e2e cluster scripts, not run."
      exit 0 ;;
    *)
      echo "e2e/lib/common.sh: sourced by the e2e cluster scripts, not run (see --help)" >&2
      exit 2 ;;
  esac
fi

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "${E2E_DIR}/.." && pwd)"
# The platform's names, the binaries' layout and the pinned versions (platform.sh), apt_install.
# shellcheck source=../../hack/lib/ensure.sh
source "${REPO_DIR}/hack/lib/ensure.sh"

# Everything the cluster writes lives under one directory: certificates,
# kubeconfigs, etcd data, containerd's root and state, kubelet's root, logs.
# Default e2e/run in this clone; /tmp/e2e-cluster-run if this clone's path is
# too long for containerd's socket (a unix socket path must fit in 108 bytes).
if [[ -z "${E2E_RUN_DIR:-}" ]]; then
  E2E_RUN_DIR="${E2E_DIR}/run"
  ((${#E2E_RUN_DIR} <= 60)) || E2E_RUN_DIR=/tmp/e2e-cluster-run
fi
E2E_RUN_DIR="$(realpath -m "${E2E_RUN_DIR}")"
case "${E2E_RUN_DIR}" in
  /|/tmp|/var|/root|/home|"${HOME:-/}"|"${REPO_DIR}"|"${E2E_DIR}")
    echo "[e2e] ERROR: E2E_RUN_DIR=${E2E_RUN_DIR} is not a directory of its own; cluster-down.sh deletes it" >&2
    exit 2 ;;
esac
# cluster-down.sh deletes the run directory only if this marker is in it.
RUN_DIR_MARKER="${E2E_RUN_DIR}/.e2e-run-dir"

E2E_NODE_NAME="${E2E_NODE_NAME:-e2e-node}"
# The node's address is the gateway address of the pod bridge. The bridge is
# created by cluster-up.sh before anything else, so the API server, kubelet and
# pods all talk over addresses that exist only on this machine, whatever its
# other interfaces are.
E2E_BRIDGE="${E2E_BRIDGE:-e2e-br0}"
E2E_POD_CIDR="${E2E_POD_CIDR:-10.88.0.0/16}"        # cluster CIDR (kube-proxy)
E2E_NODE_POD_CIDR="${E2E_NODE_POD_CIDR:-10.88.0.0/24}" # this node's pods (CNI)
E2E_NODE_IP="${E2E_NODE_IP:-10.88.0.1}"              # bridge gateway = node IP
E2E_SERVICE_CIDR="${E2E_SERVICE_CIDR:-10.96.0.0/16}"
E2E_API_SERVICE_IP="${E2E_API_SERVICE_IP:-10.96.0.1}" # first address of the service CIDR
E2E_DNS_IP="${E2E_DNS_IP:-10.96.0.10}"
E2E_DNS_DOMAIN="${E2E_DNS_DOMAIN:-cluster.local}"

E2E_API_PORT="${E2E_API_PORT:-6443}"
E2E_ETCD_PORT="${E2E_ETCD_PORT:-12379}"
E2E_ETCD_PEER_PORT="${E2E_ETCD_PEER_PORT:-12380}"

# Kubernetes version of the binaries: the one hack/kube-binaries/go.mod pins (hack/kube-binaries.sh builds them).
E2E_KUBE_VERSION="${E2E_KUBE_VERSION:-$(go_mod_version "${REPO_DIR}/hack/kube-binaries/go.mod" k8s.io/kubernetes)}"
E2E_KUBE_VERSION="${E2E_KUBE_VERSION#v}"
E2E_PAUSE_VERSION="${E2E_PAUSE_VERSION:-3.10.1}"    # what Kubernetes 1.34 uses
E2E_COREDNS_VERSION="${E2E_COREDNS_VERSION:-1.12.1}"

# Images made locally; never pulled (the "localhost/" registry does not exist).
E2E_PAUSE_IMAGE="localhost/e2e/pause:${E2E_PAUSE_VERSION}"
E2E_COREDNS_IMAGE="localhost/e2e/coredns:${E2E_COREDNS_VERSION}"
E2E_BUSYBOX_IMAGE="localhost/e2e/busybox:1.35"

CNI_BIN_DIR="${CNI_BIN_DIR:-/usr/lib/cni}"   # Debian's containernetworking-plugins

# Layout of the run directory.
PKI_DIR="${E2E_RUN_DIR}/pki"
KUBECONFIG_DIR="${E2E_RUN_DIR}/kubeconfig"
ADMIN_KUBECONFIG="${E2E_RUN_DIR}/kubeconfig/admin.kubeconfig"
CONFIG_DIR="${E2E_RUN_DIR}/config"
LOG_DIR="${E2E_RUN_DIR}/logs"
PID_DIR="${E2E_RUN_DIR}/pids"
STATE_DIR="${E2E_RUN_DIR}/state"
IMAGE_DIR="${E2E_RUN_DIR}/images"
CONTAINERD_DIR="${E2E_RUN_DIR}/containerd"
CONTAINERD_SOCK="${E2E_RUN_DIR}/containerd/containerd.sock"
KUBELET_DIR="${E2E_RUN_DIR}/kubelet"
CNI_CONF_DIR="${E2E_RUN_DIR}/cni/net.d"
CNI_DATA_DIR="${E2E_RUN_DIR}/cni/ipam"

# The sysctls that kubelet, kube-proxy or the CNI bridge may change; saved
# before the first start and restored by cluster-down.sh.
SYSCTLS_TO_RESTORE=(
  net.ipv4.ip_forward
  net.bridge.bridge-nf-call-iptables
  net.bridge.bridge-nf-call-ip6tables
  net.ipv4.conf.all.route_localnet
  vm.overcommit_memory
  vm.panic_on_oom
  kernel.panic
  kernel.panic_on_oops
  kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes
)

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }

kube_bin_dir() { "${REPO_DIR}/hack/kube-binaries.sh" --print-dir; }

# kubectl against the cluster, as cluster admin.
kc() { "${KUBE_BIN}/kubectl" --kubeconfig "${ADMIN_KUBECONFIG}" "$@"; }

# ctr against this cluster's containerd, in the namespace the CRI uses.
ctr_k8s() { ctr --address "${CONTAINERD_SOCK}" --namespace k8s.io "$@"; }

# pid of a component started by these scripts if it still runs, else nothing.
# The recorded pid counts only if /proc/<pid>/exe is still the recorded
# binary, so a recycled pid is never mistaken for (or killed as) ours.
component_pid() {
  local name="$1" pid exe
  [[ -f "${PID_DIR}/${name}.pid" ]] || return 0
  read -r pid exe < "${PID_DIR}/${name}.pid" || return 0
  alive "${pid}" || return 0
  [[ "$(readlink "/proc/${pid}/exe" 2>/dev/null)" == "${exe}" ]] || return 0
  echo "${pid}"
}

# A process that exists and is not a zombie waiting to be reaped.
alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "${state}" && "${state}" != Z && "${state}" != X ]]
}

# Starts a component in the background, in its own session, logging to
# ${LOG_DIR}/<name>.log; records "pid binary" in ${PID_DIR}/<name>.pid.
# start_component NAME [--exe BINARY] COMMAND ARGS...: --exe names the binary
# the process ends up running when COMMAND is a launcher that execs it (same
# pid), so that component_pid recognizes it.
start_component() {
  local name="$1"; shift
  local bin="$1"
  if [[ "$1" == --exe ]]; then
    bin="$2"; shift 2
  fi
  mkdir -p "${LOG_DIR}" "${PID_DIR}"
  if [[ -n "$(component_pid "${name}")" ]]; then
    log "${name} already running (pid $(component_pid "${name}"))"
    return 0
  fi
  log "starting ${name}"
  {
    echo "=== $(date -u +%FT%TZ) $*"
  } >> "${LOG_DIR}/${name}.log"
  setsid "$@" >> "${LOG_DIR}/${name}.log" 2>&1 < /dev/null &
  local pid=$!
  echo "${pid} $(readlink -f "${bin}")" > "${PID_DIR}/${name}.pid"
}

# Stops a component started by start_component: SIGTERM, then SIGKILL after
# $2 seconds (default 10).
stop_component() {
  local name="$1" grace="${2:-10}" pid i
  pid="$(component_pid "${name}")"
  if [[ -n "${pid}" ]]; then
    log "stopping ${name} (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      alive "${pid}" || break
      sleep 0.1
    done
    if alive "${pid}"; then
      log "${name} did not stop in ${grace}s; killing it"
      kill -KILL "${pid}" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "${PID_DIR}/${name}.pid"
}

# Waits up to $1 seconds for the command $2... to succeed.
wait_for() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for ${what}"
      return 1
    fi
    sleep 0.5
  done
}

# Writes stdin to FILE only if the content differs, so a running component
# that watches its file (kube-proxy exits when it changes) is left alone.
write_if_changed() {
  local file="$1" tmp
  tmp="$(mktemp "${file}.XXXXXX")"
  cat > "${tmp}"
  if cmp -s "${tmp}" "${file}"; then rm -f "${tmp}"; else mv "${tmp}" "${file}"; fi
}

need_root() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (kubelet, containerd and the pod network need it)"
}
