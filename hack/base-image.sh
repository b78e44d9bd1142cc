#!/usr/bin/env bash
# The base image (a Java 17 runtime) of the three container images Jib builds:
# the Greeter, the notifier and the operator. See docs/images.md.
#
# Usage: hack/base-image.sh [--force] [--load] [--output FILE] [CHOICE]
#        hack/base-image.sh --print-path | --help
#
#   hack/base-image.sh [CHOICE]         print the base image to use (what the Maven build does before
#                                       Jib runs), building the local base first when it is chosen:
#       auto    (default) the public eclipse-temurin:17-jre when its registry answers (the registry is
#               PUBLIC_BASE_REGISTRY, or the one the image's name starts with), else the local base
#               (below); where no registry is known to ask, the local base when it is cached or can be
#               built (root), else the public one;
#       public  eclipse-temurin:17-jre (the build pulls it, so it must reach its registry);
#       local   the local base, built here from Debian packages: tar://<cache>/jre17-bookworm.tar;
#       <ref>   any image Jib understands: registry/name:tag, docker://name:tag, tar:///path.tar
#   hack/base-image.sh --force [local]  rebuild the local base (e.g. for Debian's latest security updates)
#   hack/base-image.sh --output FILE [CHOICE]
#                                       write the image to FILE instead of stdout (the Maven build's way)
#   hack/base-image.sh --print-path     the local base's tar (built or not) and exit
#   hack/base-image.sh --load           also `docker load` the local base (interactiondemo/jre17-base:bookworm)
#
# The local base needs no registry at all: debootstrap --variant=minbase --include=openjdk-17-jre-headless
# (Debian 12 bookworm, with bookworm-updates and bookworm-security applied), trimmed of documentation,
# manual pages, locales and package caches, written as a `docker save`-format tar with one gzip layer and
# an image config carrying PATH and JAVA_HOME. Jib takes it as tar://..., `docker load` takes it as is.
# Building it needs root (debootstrap chroots) and a Debian mirror; debootstrap is installed with apt-get
# when it is missing. The result is cached in ${BASE_IMAGE_CACHE:-~/.cache/interaction-demo}/base-image/,
# so it is built once per machine (about a minute) and reused by every later build.
#
# Environment: BASE_IMAGE_CACHE (cache directory); DEBIAN_MIRROR (default: the machine's apt source for
# Debian; without either the local base is not built, saying so); DEBIAN_SECURITY_MIRROR (default: the
# machine's apt source for debian-security; without either, security updates are skipped with a warning);
# PUBLIC_BASE_IMAGE (default eclipse-temurin:17-jre); PUBLIC_BASE_REGISTRY (the URL of the registry, or
# mirror, that serves it, for auto to ask).
set -euo pipefail

# shellcheck source=lib/ensure.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ensure.sh"   # can_apt_install, apt_install

suite=bookworm
jre_package=openjdk-17-jre-headless
image_name="interactiondemo/jre17-base:$suite"
public_image="${PUBLIC_BASE_IMAGE:-eclipse-temurin:17-jre}"
cache_dir="${BASE_IMAGE_CACHE:-$HOME/.cache/interaction-demo}/base-image"
tar_file="$cache_dir/jre17-$suite.tar"
# Every file in the layer gets this modification time, so the layer doesn't depend on the day it was made.
epoch="${SOURCE_DATE_EPOCH:-946684800}" # 2000-01-01T00:00:00Z

log_fd=2
log() { echo "base-image: $*" >&"$log_fd"; }
die() { log "$*"; exit 1; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

usage_error() { log "$*"; usage >&2; exit 2; }

force=false load=false print_path=false output="" choice=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) force=true ;;
    --load) load=true ;;
    --print-path) print_path=true ;;
    --output) [[ $# -ge 2 && -n "$2" ]] || usage_error "--output needs a file"
      output="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage_error "unknown argument: $1" ;;
    *) [[ -z "$choice" ]] || usage_error "only one CHOICE, got '$choice' and '$1'"; choice="$1" ;;
  esac
  shift
done
choice="${choice:-auto}"
# With --output the image goes to that file and the messages to stdout (the Maven build logs them).
[[ -z "$output" ]] || log_fd=1
if $print_path; then
  echo "$tar_file"
  exit 0
fi

# --- the public base -----------------------------------------------------------------------------------------
# The URL of the registry that serves the public base: PUBLIC_BASE_REGISTRY, else the registry its name starts
# with (registry.example.com/java:17); nothing for a name without one (a Docker Hub short name).
public_registry() {
  local url="${PUBLIC_BASE_REGISTRY:-}" first="${public_image%%/*}"
  if [[ -z "$url" && "$public_image" == */* && ( "$first" == *.* || "$first" == *:* || "$first" == localhost ) ]]; then
    url="$first"
  fi
  [[ -z "$url" || "$url" == http://* || "$url" == https://* ]] || url="https://$url"
  echo "${url%/}"
}

# A registry answers /v2/ with 401 (or 200) to anyone who reaches it.
registry_reachable() { # URL
  local code=""
  if command -v curl >/dev/null 2>&1; then
    code="$(curl -sS -o /dev/null -w '%{http_code}' --connect-timeout 3 --max-time 8 "$1/v2/" 2>/dev/null)" || true
  elif command -v wget >/dev/null 2>&1; then
    code="$(wget -S -O /dev/null --timeout=8 --tries=1 "$1/v2/" 2>&1 | sed -n 's/^ *HTTP\/[0-9.]* \([0-9]*\).*/\1/p' | tail -n 1)" || true
  fi
  [[ "$code" == 401 || "$code" == 200 ]]
}

# --- the local base ------------------------------------------------------------------------------------------
# The machine's apt sources (one-line and deb822 formats), without comments.
apt_sources() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -v '^[[:space:]]*#' || true
}

# The Debian mirror: DEBIAN_MIRROR, else the machine's apt source for Debian; nothing if neither.
debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  apt_sources | grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -n 1 | tr -d ' '
}

security_mirror() {
  if [[ -n "${DEBIAN_SECURITY_MIRROR:-}" ]]; then echo "$DEBIAN_SECURITY_MIRROR"; return; fi
  apt_sources | grep -oE 'https?://[^ ]*debian-security/?( |$)' | head -n 1 | tr -d ' '
}

build_local() {
  [[ "$(id -u)" == 0 ]] || die "building the local base image needs root (debootstrap chroots): run
  sudo hack/base-image.sh
once (it is cached in $cache_dir), or build on a public base: -Dbase.image=public (needs Docker Hub),
or name any base you have: -Dbase.image=<registry/name:tag | docker://name:tag | tar:///path.tar>"
  for tool in sha256sum gzip tar chroot; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found"
  done
  local arch mirror security work rootfs start=$SECONDS
  mirror="$(debian_mirror)"
  [[ -n "$mirror" ]] || die "building the local base image needs a Debian mirror, and this machine's apt sources
(/etc/apt/sources.list, /etc/apt/sources.list.d/) name none: set DEBIAN_MIRROR to the URL of one (and
DEBIAN_SECURITY_MIRROR to its debian-security archive), or build on a public base: -Dbase.image=public"
  security="$(security_mirror)"
  [[ -n "$security" ]] ||
    log "warning: no debian-security archive in this machine's apt sources nor in DEBIAN_SECURITY_MIRROR: $suite-security will not be applied"
  if ! command -v debootstrap >/dev/null 2>&1; then
    can_apt_install || die "debootstrap is needed to build the local base image (and apt-get to install it)"
    log "installing debootstrap with apt-get"
    apt_install debootstrap >&"$log_fd" || die "could not install debootstrap with apt-get"
  fi

  arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
  mkdir -p "$cache_dir"
  work="$(mktemp -d "$cache_dir/.build.XXXXXX")"
  rootfs="$work/rootfs"
  # shellcheck disable=SC2064
  trap "umount '$rootfs/proc' 2>/dev/null || true; rm -rf '$work'" EXIT

  log "debootstrap --variant=minbase --include=$jre_package $suite from $mirror (about a minute)"
  debootstrap --variant=minbase --arch="$arch" --include="$jre_package" "$suite" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&"$log_fd"; die "debootstrap failed (log above)"; }

  # Debian's point-release updates and security fixes (the JRE gets most of them).
  {
    echo "deb $mirror $suite main"
    echo "deb $mirror $suite-updates main"
    [[ -z "$security" ]] || echo "deb $security $suite-security main"
  } >"$rootfs/etc/apt/sources.list"
  log "applying $suite-updates${security:+ and $suite-security}"
  # The JVM finds its libraries through /proc/self/exe ($ORIGIN): chrooted commands need /proc.
  mount -t proc proc "$rootfs/proc"
  if ! chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c 'apt-get update -qq && apt-get -y -qq -o Dpkg::Options::=--force-confold upgrade' >"$work/upgrade.log" 2>&1; then
    tail -n 20 "$work/upgrade.log" >&"$log_fd"
    log "warning: could not apply updates (kept the $suite release packages)"
  fi
  local java_home java_version packages
  java_home="$(cd "$rootfs" && for d in usr/lib/jvm/java-17-openjdk-*; do echo "$d"; break; done)"
  java_version="$(chroot "$rootfs" "/$java_home/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.runtime.version = //p')" || true
  # shellcheck disable=SC2016 # ${Package} is dpkg-query's field, not the shell's
  packages="$(chroot "$rootfs" dpkg-query -W -f '${Package}\n' | wc -l)"
  umount "$rootfs/proc"
  [[ -n "$java_version" ]] || die "java does not run in the root filesystem ($java_home)"
  [[ -s "$rootfs/etc/ssl/certs/java/cacerts" ]] || die "no Java CA certificates (/etc/ssl/certs/java/cacerts)"

  # Trim: what a JVM in a container never reads (ct.sym is for javac). The dpkg database stays (image
  # scanners read it), and so do the packages' copyright files.
  (
    cd "$rootfs"
    find usr/share/doc -mindepth 1 ! -name copyright ! -type d -delete
    find usr/share/doc -mindepth 1 -type d -empty -delete
    rm -rf usr/share/man/* usr/share/info/* usr/share/lintian usr/share/linda usr/share/locale/* \
      usr/share/i18n/locales usr/share/bug usr/share/menu \
      var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/cache/apt/archives/partial/* \
      var/cache/debconf/*-old var/cache/ldconfig/aux-cache var/lib/dpkg/*-old var/log/* tmp/* var/tmp/* \
      root/.bash_history dev/* \
      "$java_home/man" "$java_home/lib/ct.sym"
    # The container runtime provides these.
    : > etc/machine-id; : > etc/hostname; : > etc/resolv.conf
    # uid and gid 1000: the user the images run as (Kubernetes pods run as it too).
    grep -q '^app:' etc/group || echo 'app:x:1000:' >> etc/group
    grep -q '^app:' etc/passwd || echo 'app:x:1000:1000:app:/tmp:/usr/sbin/nologin' >> etc/passwd
    grep -q '^app:' etc/shadow || echo 'app:!:19000::::::' >> etc/shadow
  )

  # The layer, gzip-compressed, reproducible for the same packages.
  local layer="$work/layer.tar.gz" diff_id layer_digest config_file config_digest
  tar --sort=name --numeric-owner --mtime="@$epoch" --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$rootfs" -cf "$work/layer.tar" .
  diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  gzip -n -6 <"$work/layer.tar" >"$layer"
  rm -f "$work/layer.tar"
  layer_digest="$(sha256sum "$layer" | cut -d' ' -f1)"
  local created
  created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
  config_file="$work/config.json"
  cat >"$config_file" <<EOF
{"architecture":"$arch","os":"linux","created":"$created","config":{"Env":["PATH=/$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/$java_home","LANG=C.UTF-8"],"Cmd":["/bin/bash"],"Labels":{"org.opencontainers.image.title":"JRE 17 base (Debian $suite)","org.opencontainers.image.description":"debootstrap --variant=minbase --include=$jre_package $suite, trimmed; made by hack/base-image.sh","org.opencontainers.image.base.name":"debian:$suite","org.opencontainers.image.version":"$java_version"}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"$created","created_by":"hack/base-image.sh: debootstrap --variant=minbase --include=$jre_package $suite ($packages packages), trimmed"}]}
EOF
  config_digest="$(sha256sum "$config_file" | cut -d' ' -f1)"
  mkdir -p "$work/image"
  mv "$layer" "$work/image/$layer_digest.tar.gz"
  mv "$config_file" "$work/image/$config_digest.json"
  cat >"$work/image/manifest.json" <<EOF
[{"Config":"$config_digest.json","RepoTags":["$image_name"],"Layers":["$layer_digest.tar.gz"]}]
EOF
  # Named members only (no "./" entry: Jib refuses one).
  tar --numeric-owner --owner=0 --group=0 --mtime="@$epoch" -C "$work/image" -cf "$work/image.tar" \
    manifest.json "$config_digest.json" "$layer_digest.tar.gz"
  mv -f "$work/image.tar" "$tar_file"
  log "built $tar_file: Java $java_version, $packages Debian packages, $(du -m "$tar_file" | cut -f1) MiB compressed, $(du -sm "$rootfs" | cut -f1) MiB unpacked, in $((SECONDS - start)) s"
  rm -rf "$work"
  trap - EXIT
}

ensure_local() {
  mkdir -p "$cache_dir"
  # One build at a time (e.g. three Maven modules, or Maven and a manual run).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache_dir/.lock"
    flock 9
  fi
  if [[ -s "$tar_file" ]] && ! $force; then
    log "using the local base $tar_file"
  else
    build_local
  fi
  if $load; then
    command -v docker >/dev/null 2>&1 || die "--load: docker not found"
    docker load -i "$tar_file" >&"$log_fd"
  fi
}

# --- choose ----------------------------------------------------------------------------------------------------
case "$choice" in
  auto)
    registry="$(public_registry)"
    if $force || $load; then
      ensure_local; image="tar://$tar_file"
    elif [[ -z "$registry" ]]; then
      # Nothing to ask whether the public base can be pulled: the local base when that needs no new root build.
      why="no registry is known for $public_image (PUBLIC_BASE_REGISTRY names the registry or mirror serving it)"
      if [[ -s "$tar_file" || "$(id -u)" == 0 ]]; then
        log "$why: building on the local Debian base (-Dbase.image=public for $public_image)"
        ensure_local; image="tar://$tar_file"
      else
        log "$why, and the local Debian base needs root to be built once (sudo hack/base-image.sh local): building on $public_image, which Jib pulls"
        image="$public_image"
      fi
    elif registry_reachable "$registry"; then
      log "$registry answers: building on $public_image (-Dbase.image=local for the Debian base built here)"
      image="$public_image"
    else
      log "$registry does not answer: building on the local Debian base"
      ensure_local; image="tar://$tar_file"
    fi
    ;;
  public) image="$public_image" ;;
  local) ensure_local; image="tar://$tar_file" ;;
  *) image="$choice" ;;
esac

if [[ -n "$output" ]]; then
  mkdir -p "$(dirname "$output")"
  echo "$image" >"$output"
  log "base image: $image"
else
  echo "$image"
fi
