#!/usr/bin/env bash
# A container engine from Debian's packages, for CI (.ci/run) and any Debian 12/13 machine:
# Docker Engine 26 (Debian 12's own docker.io is 20.10, too old for compose's volume subpath), the
# compose and buildx plugins, plus mmdebstrap (npm run images:offline) and docker-registry (the
# local stand-in for ECR in infra/test/buildspec-rehearsal.test.ts). On Debian 12 the packages come
# from trixie, added as an apt source at pin priority 100 so nothing else on the host upgrades.
# Idempotent: installs only what is missing, starts dockerd only when no engine answers.
set -euo pipefail

log() { echo "container-engine: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

engine_packages=(docker.io/trixie containerd/trixie docker-compose/trixie docker-buildx/trixie)
support_packages=(runc iptables tini mmdebstrap docker-registry)

needs_install() {
  command -v dockerd > /dev/null || return 0
  docker compose version > /dev/null 2>&1 || return 0
  docker buildx version > /dev/null 2>&1 || return 0
  for tool in mmdebstrap docker-registry tini; do command -v "$tool" > /dev/null || return 0; done
  return 1
}

if needs_install; then
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  if [ "$codename" != trixie ] && [ ! -f /etc/apt/sources.list.d/trixie.list ] && ! grep -rqs ' trixie ' /etc/apt/sources.list.d/ /etc/apt/sources.list; then
    log "adding Debian trixie as an apt source at pin priority 100"
    echo 'deb http://deb.debian.org/debian trixie main' | as_root tee /etc/apt/sources.list.d/trixie.list > /dev/null
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' | as_root tee /etc/apt/preferences.d/trixie-low > /dev/null
  fi
  log "installing ${engine_packages[*]} ${support_packages[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${engine_packages[@]}" "${support_packages[@]}" > /dev/null
else
  log "engine packages already installed"
fi

if docker info > /dev/null 2>&1; then
  log "an engine already answers ($(docker version --format '{{.Server.Version}}'))"
  exit 0
fi

log "starting dockerd (log: /var/log/agora-dockerd.log)"
as_root sh -c 'nohup dockerd > /var/log/agora-dockerd.log 2>&1 &'
# Bounded wait for the engine to answer: a positive barrier, not a fixed sleep.
for _ in $(seq 1 60); do
  if docker info > /dev/null 2>&1; then
    log "dockerd is up ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 30 s; its log:" >&2
tail -n 30 /var/log/agora-dockerd.log >&2
exit 1
