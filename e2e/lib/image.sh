# shellcheck shell=bash
# Writes a one-layer image as a "docker save" archive (manifest.json, config,
# layer tar), which `ctr images import` and `docker load` both read. No Docker
# engine or registry is involved: the layout is written by hand.
#
#   make_image_tar NAME:TAG ROOTFS_DIR OUT.tar ENTRYPOINT_JSON CMD_JSON [USER] [ENV_JSON]
#
# ENTRYPOINT_JSON and CMD_JSON are JSON arrays, e.g. '["/pause"]', or null;
# ENV_JSON a JSON array of "K=V" strings. Files are stored owned by root, with mtime 0, sorted, so the
# same input gives the same image digest. The architecture is this machine's (platform_arch, hack/lib/platform.sh).
make_image_tar() {
  local ref="$1" rootfs="$2" out="$3" entrypoint="$4" cmd="$5" user="${6:-}" env="${7:-[\"PATH=/bin:/usr/bin:/sbin:/usr/sbin\"]}"
  local work layer_digest config config_digest
  work="$(mktemp -d)"
  tar -C "${rootfs}" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "${work}/layer.tar" .
  layer_digest="$(sha256sum "${work}/layer.tar" | cut -d' ' -f1)"
  config="$(printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"%s","Env":%s,"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"e2e/lib/image.sh"}]}' \
    "$(platform_arch)" "${user}" "${env}" "${entrypoint}" "${cmd}" "${layer_digest}")"
  printf '%s' "${config}" > "${work}/config.json"
  config_digest="$(sha256sum "${work}/config.json" | cut -d' ' -f1)"
  mkdir -p "${work}/out/${layer_digest}"
  mv "${work}/layer.tar" "${work}/out/${layer_digest}/layer.tar"
  mv "${work}/config.json" "${work}/out/${config_digest}.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
    "${config_digest}" "${ref}" "${layer_digest}" > "${work}/out/manifest.json"
  mkdir -p "$(dirname "${out}")"
  tar -C "${work}/out" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -cf "${out}.tmp" .
  mv "${out}.tmp" "${out}"
  rm -rf "${work}"
}
