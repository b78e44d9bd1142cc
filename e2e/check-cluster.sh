#!/usr/bin/env bash
# Checks that the cluster from e2e/cluster-up.sh (or any cluster given by
# KUBECONFIG, if it has the localhost/e2e/busybox image) works as a real
# one, in a namespace that enforces the restricted Pod Security Standard:
#
#  1. the node is Ready and CoreDNS is available;
#  2. a Deployment's pods are scheduled, start and become Ready (scheduler,
#     kubelet, containerd, CNI), and a Service routes to them (kube-proxy);
#  3. a pod resolves kubernetes.default.svc through CoreDNS, reaches the API
#     server through the Service IP with its service-account token (and is
#     told who it is), and reaches the Deployment through its Service name;
#  4. a restricted pod is admitted (2 and 3 are such pods); a privileged pod
#     is rejected by Pod Security admission;
#  5. deleting the Deployment garbage-collects its ReplicaSet and pods
#     (kube-controller-manager's garbage collector).
#
# Usage: e2e/check-cluster.sh [--help]
#
#   e2e/check-cluster.sh        prints one line per check; exit 0 if all pass
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    *) echo "check-cluster: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

KUBE_BIN="$("${REPO_DIR}/hack/kube-binaries.sh" --print-dir)"
export KUBECONFIG="${KUBECONFIG:-${ADMIN_KUBECONFIG}}"
k() { "${KUBE_BIN}/kubectl" "$@"; }
NS=e2e-check
passed=0 failed=0
start_time=${SECONDS}

pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

cleanup() { k delete namespace "${NS}" --ignore-not-found --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

# 1 ------------------------------------------------------------------------
if k wait --for=condition=Ready node --all --timeout=60s >/dev/null; then
  pass "node Ready: $(k get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.nodeInfo.kubeletVersion} {.status.nodeInfo.containerRuntimeVersion}{end}')"
else
  fail "node not Ready"
fi
if k -n kube-system wait --for=condition=Available deployment/coredns --timeout=60s >/dev/null; then
  pass "CoreDNS available"
else
  fail "CoreDNS not available"
fi

# A fresh namespace that enforces the restricted profile.
if k get namespace "${NS}" >/dev/null 2>&1; then
  k delete namespace "${NS}" --timeout=120s >/dev/null
fi
k create namespace "${NS}" >/dev/null
k label namespace "${NS}" pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/enforce-version=latest >/dev/null
wait_for 60 "service account ${NS}/default" k -n "${NS}" get serviceaccount default

# what the restricted profile asks of each container
restricted='securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}'

# 2 ------------------------------------------------------------------------
k -n "${NS}" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 2   # httpd as PID 1 ignores SIGTERM
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: httpd
        image: ${E2E_BUSYBOX_IMAGE}
        imagePullPolicy: IfNotPresent
        command: ["sh", "-c", "echo \"hello from \$(hostname)\" > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe:
          httpGet: {path: /index.html, port: http}
          periodSeconds: 1
        resources:
          requests: {cpu: 10m, memory: 16Mi}
          limits: {memory: 32Mi}
        volumeMounts: [{name: www, mountPath: /www}]
        ${restricted}
      volumes: [{name: www, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
EOF
if k -n "${NS}" rollout status deployment/web --timeout=120s >/dev/null; then
  pass "Deployment web: $(k -n "${NS}" get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} on {.spec.nodeName} ({.status.podIP}) Ready={.status.conditions[?(@.type=="Ready")].status}; {end}')"
else
  fail "Deployment web did not become available"
  k -n "${NS}" describe pods -l app=web | tail -20
fi

# 3 ------------------------------------------------------------------------
k -n "${NS}" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: probe
spec:
  restartPolicy: Never
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: probe
    image: ${E2E_BUSYBOX_IMAGE}
    imagePullPolicy: IfNotPresent
    command:
    - sh
    - -c
    - |
      set -e
      echo "--- nslookup kubernetes.default.svc.${E2E_DNS_DOMAIN}"
      nslookup kubernetes.default.svc.${E2E_DNS_DOMAIN}
      echo "--- API server through https://kubernetes.default.svc (Service IP), as the pod's service account"
      token=\$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)
      wget -qO- --no-check-certificate --header "Authorization: Bearer \${token}" \\
        --header "Content-Type: application/json" \\
        --post-data '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' \\
        https://kubernetes.default.svc/apis/authentication.k8s.io/v1/selfsubjectreviews | grep '"username"'
      echo "--- http://web (Service name in the same namespace)"
      for i in 1 2 3 4; do wget -qO- http://web/index.html; done
    resources:
      requests: {cpu: 10m, memory: 16Mi}
      limits: {memory: 32Mi}
    ${restricted}
EOF
probe_done() {
  local phase
  phase="$(k -n "${NS}" get pod probe -o jsonpath='{.status.phase}')"
  [[ "${phase}" == Succeeded || "${phase}" == Failed ]]
}
wait_for 90 "pod probe" probe_done || true
probe_log="$(k -n "${NS}" logs probe 2>&1 || true)"
phase="$(k -n "${NS}" get pod probe -o jsonpath='{.status.phase}' 2>/dev/null || true)"
if [[ "${phase}" == Succeeded ]] && grep -q "Address: ${E2E_API_SERVICE_IP}" <<<"${probe_log}"; then
  pass "pod resolves kubernetes.default.svc.${E2E_DNS_DOMAIN} -> ${E2E_API_SERVICE_IP} (CoreDNS at ${E2E_DNS_IP})"
else
  fail "pod DNS lookup (phase ${phase})"
fi
if grep -q "\"system:serviceaccount:${NS}:default\"" <<<"${probe_log}"; then
  pass "pod reaches the API server at https://kubernetes.default.svc with its token: system:serviceaccount:${NS}:default"
else
  fail "pod did not reach the API server through the Service"
fi
if grep -q '^hello from web-' <<<"${probe_log}"; then
  pass "pod reaches Deployment web through Service http://web: $(grep '^hello from' <<<"${probe_log}" | sort | uniq -c | awk '{printf "%s x%s; ", $4, $1}')"
else
  fail "pod did not reach http://web"
fi
((failed == 0)) || printf '%s\n' "${probe_log}" | sed 's/^/      | /'

# 4 ------------------------------------------------------------------------
pass "restricted pods admitted in namespace ${NS} (pod-security.kubernetes.io/enforce=restricted)"
if out="$(k -n "${NS}" apply -f - 2>&1 <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: privileged
spec:
  containers:
  - name: c
    image: ${E2E_BUSYBOX_IMAGE}
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
    securityContext:
      privileged: true
EOF
)"; then
  fail "privileged pod was admitted: ${out}"
  k -n "${NS}" delete pod privileged --wait=false >/dev/null 2>&1 || true
elif grep -q 'violates PodSecurity "restricted' <<<"${out}"; then
  pass "privileged pod rejected: $(sed -n 's/.*\(violates PodSecurity "[^"]*"\): \([^,]*\),.*/\1: \2, .../p' <<<"${out}")"
else
  fail "privileged pod rejected, but not by Pod Security: ${out}"
fi

# 5 ------------------------------------------------------------------------
k -n "${NS}" delete deployment web --wait=false >/dev/null
gc_start=${SECONDS}
# the garbage collector deletes the ReplicaSet, then its pods (which get a
# deletion timestamp at once and are gone once kubelet has stopped them)
collected() {
  [[ -z "$(k -n "${NS}" get replicasets -l app=web -o name 2>/dev/null)" ]] &&
    [[ -z "$(k -n "${NS}" get pods -l app=web -o jsonpath='{range .items[?(!@.metadata.deletionTimestamp)]}{.metadata.name}{end}' 2>/dev/null)" ]]
}
gone() { [[ -z "$(k -n "${NS}" get replicasets,pods -l app=web -o name 2>/dev/null)" ]]; }
if wait_for 60 "the ReplicaSet and pods of web to be deleted" collected; then
  collected_after=$((SECONDS - gc_start))
  if wait_for 60 "pods of web to terminate" gone; then
    pass "Deployment deleted: ReplicaSet and pods garbage-collected (${collected_after}s), pods gone ($((SECONDS - gc_start))s)"
  else
    fail "pods of web deleted but not terminated: $(k -n "${NS}" get pods -l app=web -o name | tr '\n' ' ')"
  fi
else
  fail "ReplicaSet or pods of web not deleted after the Deployment was: $(k -n "${NS}" get replicasets,pods -l app=web -o name | tr '\n' ' ')"
fi

echo "${passed} passed, ${failed} failed ($((SECONDS - start_time))s)"
((failed == 0))
