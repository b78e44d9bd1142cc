# shellcheck shell=bash
# The cluster's own images, made locally (nothing is ever pulled):
#   pause    Kubernetes' build/pause/linux/pause.c, compiled static with gcc
#   coredns  the coredns binary built by hack/kube-binaries.sh --full (static Go)
#   busybox  Debian's busybox-static, for checks and small test pods
# Each is a one-layer image with no base; the tars are kept in ${IMAGE_DIR}.
# Sourced by cluster-up.sh after common.sh and image.sh.

_kubernetes_module_dir() {
  local dir
  dir="$(cd /tmp && go mod download -json "k8s.io/kubernetes@v${E2E_KUBE_VERSION}" 2>/dev/null |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "${dir}" && -d "${dir}" ]] || die "cannot get k8s.io/kubernetes@v${E2E_KUBE_VERSION} from the Go module cache or proxy (needed for build/pause/linux/pause.c)"
  echo "${dir}"
}

build_pause_image() {
  local out="${IMAGE_DIR}/pause.tar"
  [[ -f "${out}" ]] && return 0
  log "building ${E2E_PAUSE_IMAGE} from Kubernetes' build/pause/linux/pause.c"
  local src work
  src="$(_kubernetes_module_dir)/build/pause/linux/pause.c"
  [[ -f "${src}" ]] || die "${src} not found"
  work="$(mktemp -d)"
  mkdir -p "${work}/rootfs"
  # Same flags as build/pause/Makefile (CFLAGS = -Os -Wall -Werror -static -DVERSION=...)
  gcc -Os -Wall -Werror -static -DVERSION="v${E2E_PAUSE_VERSION}-e2e" -o "${work}/rootfs/pause" "${src}" ||
    die "gcc could not build pause (needs gcc and libc6-dev)"
  make_image_tar "${E2E_PAUSE_IMAGE}" "${work}/rootfs" "${out}" '["/pause"]' null "65535:65535" '[]'
  rm -rf "${work}"
}

build_coredns_image() {
  local out="${IMAGE_DIR}/coredns.tar"
  [[ -f "${out}" ]] && return 0
  log "building ${E2E_COREDNS_IMAGE} from ${KUBE_BIN}/coredns"
  local work
  work="$(mktemp -d)"
  mkdir -p "${work}/rootfs/etc/coredns"
  cp "${KUBE_BIN}/coredns" "${work}/rootfs/coredns"
  make_image_tar "${E2E_COREDNS_IMAGE}" "${work}/rootfs" "${out}" '["/coredns"]' null "" '[]'
  rm -rf "${work}"
}

# A statically linked busybox: /bin/busybox if it is one (Debian's
# busybox-static installs it there), else busybox-static's .deb unpacked into
# the run directory, so a dynamically linked busybox stays as it is.
_static_busybox() {
  if [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1; then
    echo /bin/busybox
    return
  fi
  local dir="${IMAGE_DIR}/busybox-static"
  if [[ ! -x "${dir}/bin/busybox" ]]; then
    log "fetching Debian's busybox-static package (unpacked into ${dir}, not installed)"
    mkdir -p "${dir}"
    (cd "${dir}" && { apt-get download busybox-static >&2 || { apt-get update -q >&2 && apt-get download busybox-static >&2; }; } &&
      dpkg-deb -x busybox-static_*.deb . && rm -f busybox-static_*.deb) ||
      die "cannot get busybox-static (apt-get download busybox-static)"
  fi
  echo "${dir}/bin/busybox"
}

build_busybox_image() {
  local out="${IMAGE_DIR}/busybox.tar"
  [[ -f "${out}" ]] && return 0
  log "building ${E2E_BUSYBOX_IMAGE} from Debian's busybox-static"
  local bb work applet
  bb="$(_static_busybox)"
  work="$(mktemp -d)"
  mkdir -p "${work}/rootfs/bin" "${work}/rootfs/etc" "${work}/rootfs/tmp"
  chmod 1777 "${work}/rootfs/tmp"
  cp "${bb}" "${work}/rootfs/bin/busybox"
  for applet in $("${bb}" --list); do
    [[ "${applet}" == busybox ]] || ln -s busybox "${work}/rootfs/bin/${applet}"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "${work}/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "${work}/rootfs/etc/group"
  # Like Docker's busybox image: no entrypoint, "sh" by default, so a pod's
  # command or args run as given. Runs as nobody unless a pod says otherwise
  # (restricted pods need non-root).
  make_image_tar "${E2E_BUSYBOX_IMAGE}" "${work}/rootfs" "${out}" null '["sh"]' "65534:65534" '["PATH=/bin"]'
  rm -rf "${work}"
}
