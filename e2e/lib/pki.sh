# shellcheck shell=bash
# Certificates and kubeconfigs for the e2e cluster, made with openssl.
# One CA signs every serving and client certificate; a separate key pair signs
# service-account tokens. ECDSA P-256 keys: quick to make, accepted everywhere.
# Sourced by cluster-up.sh after common.sh.

_pki_key() { # FILE
  [[ -f "$1" ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

# _pki_cert NAME SUBJECT EXT_USAGE [SAN]: ${PKI_DIR}/NAME.{key,crt} signed by the CA.
_pki_cert() {
  local name="$1" subject="$2" usage="$3" san="${4:-}"
  local key="${PKI_DIR}/${name}.key" crt="${PKI_DIR}/${name}.crt" ext
  [[ -f "${crt}" ]] && return 0
  _pki_key "${key}"
  ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=${usage}"
    echo "authorityKeyIdentifier=keyid"
    [[ -n "${san}" ]] && echo "subjectAltName=${san}"
  } > "${ext}"
  openssl req -new -key "${key}" -subj "${subject}" -out "${PKI_DIR}/${name}.csr" 2>/dev/null
  openssl x509 -req -in "${PKI_DIR}/${name}.csr" -CA "${PKI_DIR}/ca.crt" -CAkey "${PKI_DIR}/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 -extfile "${ext}" \
    -out "${crt}.tmp" 2>/dev/null
  mv "${crt}.tmp" "${crt}"
  rm -f "${ext}" "${PKI_DIR}/${name}.csr"
}

# _kubeconfig FILE CERT_NAME: a kubeconfig with the CA and the client
# certificate embedded, so it can be copied elsewhere on this machine.
_kubeconfig() {
  local file="$1" name="$2"
  [[ -f "${file}" ]] && return 0
  cat > "${file}.tmp" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://${E2E_NODE_IP}:${E2E_API_PORT}
    certificate-authority-data: $(base64 -w0 "${PKI_DIR}/ca.crt")
users:
- name: ${name}
  user:
    client-certificate-data: $(base64 -w0 "${PKI_DIR}/${name}.crt")
    client-key-data: $(base64 -w0 "${PKI_DIR}/${name}.key")
contexts:
- name: e2e
  context:
    cluster: e2e
    user: ${name}
current-context: e2e
KC
  chmod 600 "${file}.tmp"
  mv "${file}.tmp" "${file}"
}

ensure_pki() {
  mkdir -p "${PKI_DIR}" "${KUBECONFIG_DIR}"
  chmod 700 "${PKI_DIR}"
  if [[ ! -f "${PKI_DIR}/ca.crt" ]]; then
    log "generating certificates and kubeconfigs in ${PKI_DIR}"
    _pki_key "${PKI_DIR}/ca.key"
    openssl req -x509 -new -key "${PKI_DIR}/ca.key" -subj "/CN=e2e-cluster-ca" -days 365 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,digitalSignature,keyCertSign,cRLSign" \
      -out "${PKI_DIR}/ca.crt" 2>/dev/null
  fi
  _pki_key "${PKI_DIR}/sa.key"
  [[ -f "${PKI_DIR}/sa.pub" ]] || openssl pkey -in "${PKI_DIR}/sa.key" -pubout -out "${PKI_DIR}/sa.pub" 2>/dev/null

  local svc="kubernetes.default.svc"
  _pki_cert kube-apiserver "/CN=kube-apiserver" serverAuth \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:${svc},DNS:${svc}.${E2E_DNS_DOMAIN},DNS:localhost,DNS:${E2E_NODE_NAME},IP:${E2E_API_SERVICE_IP},IP:${E2E_NODE_IP},IP:127.0.0.1"
  _pki_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  _pki_cert admin "/O=system:masters/CN=e2e-admin" clientAuth
  _pki_cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  _pki_cert kube-scheduler "/CN=system:kube-scheduler" clientAuth
  _pki_cert kube-proxy "/CN=system:kube-proxy" clientAuth
  _pki_cert kubelet "/O=system:nodes/CN=system:node:${E2E_NODE_NAME}" clientAuth
  _pki_cert kubelet-serving "/CN=${E2E_NODE_NAME}" serverAuth "DNS:${E2E_NODE_NAME},IP:${E2E_NODE_IP}"

  _kubeconfig "${ADMIN_KUBECONFIG}" admin
  local c
  for c in kube-controller-manager kube-scheduler kube-proxy kubelet; do
    _kubeconfig "${KUBECONFIG_DIR}/${c}.kubeconfig" "${c}"
  done
}
