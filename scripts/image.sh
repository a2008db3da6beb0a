#!/usr/bin/env bash
# Builds the agent's container image from the repository's Dockerfile on a machine that reaches no container
# registry: the base images are made locally (once, then cached) under names that cannot shadow an upstream image,
# and passed to the Dockerfile as build arguments. With a registry, build the ordinary way instead:
#   docker build -t streamspace/docker-agent .
#
#   scripts/image.sh [--tag TAG] [--jar FILE] [--docker-gid GID]
#   scripts/image.sh --redis          makes localhost/streamspace/redis:host (the base + the host's redis-server and
#                                     its libraries) for docker-compose.ha.yml's REDIS_IMAGE where no registry is
#
#   --tag TAG         the image to build (default streamspace/docker-agent:latest)
#   --jar FILE        the shaded jar to put in the image; without it the jar is (re)built from the sources first
#                     (./mvnw -DskipTests package -pl bootstrap -am), so the image never carries a stale jar
#   --docker-gid GID  build argument DOCKER_GID: the agent user joins this group (the host socket's group id)
#
# Local base images (made when missing; remove them to make them again):
#   localhost/streamspace/debian:bookworm-minbase   debootstrap --variant=minbase bookworm | docker import
#   localhost/streamspace/jdk:<feature>-host         that base + the host's JDK >= 21 (JAVA_HOME, /usr/lib/jvm)
# Nothing is rebuilt when the Dockerfile, the launcher, the jar and the bases are unchanged (content hash label).
# Prints the image's tag on stdout; everything else goes to stderr.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BASE_IMAGE_TAG=localhost/streamspace/debian:bookworm-minbase
JDK_IMAGE_REPO=localhost/streamspace/jdk
IMAGE_HASH_LABEL=io.streamspace.image.context-hash
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${DEBOOTSTRAP_MIRROR:-http://deb.debian.org/debian}

# Makes the Debian minbase image when it is missing.
ensure_base_image() {
  if docker image inspect "$BASE_IMAGE_TAG" >/dev/null 2>&1; then
    log "base image $BASE_IMAGE_TAG is present"
    return 0
  fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing (apt-get install debootstrap), needed to make $BASE_IMAGE_TAG"
  [[ "$(id -u)" -eq 0 ]] || die "making $BASE_IMAGE_TAG needs root (debootstrap); run this script as root once, or build with a registry: docker build -t streamspace/docker-agent ."
  local root
  root="$(mktemp -d "${TMPDIR:-/tmp}/streamspace-minbase.XXXXXX")"
  log "making $BASE_IMAGE_TAG: debootstrap --variant=minbase $DEBIAN_SUITE from $DEBIAN_MIRROR"
  if ! debootstrap --variant=minbase "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >"$root.log" 2>&1; then
    tail -n 30 "$root.log" >&2
    rm -rf "$root" "$root.log"
    die "debootstrap failed (output above)"
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/tmp/*
  tar -C "$root" --numeric-owner -c . \
    | docker import --change 'CMD ["bash"]' --message "debootstrap --variant=minbase $DEBIAN_SUITE" - "$BASE_IMAGE_TAG" >&2
  rm -rf "$root" "$root.log"
  log "made $BASE_IMAGE_TAG ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE_TAG") bytes)"
}

# Makes (when missing or changed) the JDK image: the base plus the host's JDK at /opt/java/openjdk, as the
# eclipse-temurin images lay it out. Prints its tag.
ensure_jdk_image() {
  local feature tag hash current ctx
  feature="$(jdk_feature_version "$JAVA_HOME")"
  tag="$JDK_IMAGE_REPO:$feature-host"
  hash="$({ docker image inspect -f '{{.Id}}' "$BASE_IMAGE_TAG"; echo "jdk-image-v2 $JAVA_HOME"; cat "$JAVA_HOME/release"; } | sha256sum | cut -c1-16)"
  current="$(docker image inspect -f "{{ index .Config.Labels \"$IMAGE_HASH_LABEL\" }}" "$tag" 2>/dev/null || true)"
  if [[ "$current" == "$hash" ]]; then
    log "JDK image $tag is up to date ($hash)"
    printf '%s\n' "$tag"
    return 0
  fi
  log "making JDK image $tag from $JAVA_HOME"
  ctx="$(mktemp -d "${TMPDIR:-/tmp}/streamspace-jdk.XXXXXX")"
  # -L: distribution JDKs link some files (lib/security/cacerts) to /etc, which the image does not have
  cp -aL "$JAVA_HOME" "$ctx/jdk"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE_TAG
COPY jdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DOCKERFILE
  if ! DOCKER_BUILDKIT=0 docker build --force-rm --label "$IMAGE_HASH_LABEL=$hash" -t "$tag" "$ctx" >"$ctx.log" 2>&1; then
    tail -n 30 "$ctx.log" >&2
    rm -rf "$ctx" "$ctx.log"
    die "building $tag failed (output above)"
  fi
  rm -rf "$ctx" "$ctx.log"
  printf '%s\n' "$tag"
}

# Builds the agent image from the Dockerfile with the local bases and a prebuilt jar, unless an image with the same
# content hash exists.
build_agent_image() {
  local tag="$1" jar="$2" docker_gid="$3" jdk_image="$4" hash current ctx old_id
  hash="$({
    cd "$REPO_ROOT" && sha256sum Dockerfile bin/docker-agent bin/docker-agent-healthcheck
    sha256sum <"$jar"
    docker image inspect -f '{{.Id}}' "$BASE_IMAGE_TAG" "$jdk_image"
    echo "gid=$docker_gid"
  } | sha256sum | cut -c1-16)"
  current="$(docker image inspect -f "{{ index .Config.Labels \"$IMAGE_HASH_LABEL\" }}" "$tag" 2>/dev/null || true)"
  if [[ "$current" == "$hash" ]]; then
    log "image $tag is up to date ($hash)"
    return 0
  fi
  log "building $tag ($hash) from $jar"
  old_id="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  ctx="$(mktemp -d "${TMPDIR:-/tmp}/streamspace-agent-image.XXXXXX")"
  mkdir -p "$ctx/bin" "$ctx/prebuilt"
  cp "$REPO_ROOT/Dockerfile" "$ctx/"
  cp "$REPO_ROOT/bin/docker-agent" "$REPO_ROOT/bin/docker-agent-healthcheck" "$ctx/bin/"
  cp "$jar" "$ctx/prebuilt/docker-agent.jar"
  if ! DOCKER_BUILDKIT=0 docker build --force-rm --label "$IMAGE_HASH_LABEL=$hash" \
      --build-arg "BASE_IMAGE=$BASE_IMAGE_TAG" --build-arg "JDK_IMAGE=$jdk_image" \
      --build-arg JAR_FROM=prebuilt --build-arg "DOCKER_GID=$docker_gid" \
      -t "$tag" "$ctx" >"$ctx.log" 2>&1; then
    tail -n 40 "$ctx.log" >&2
    rm -rf "$ctx" "$ctx.log"
    die "building $tag failed (output above)"
  fi
  rm -rf "$ctx" "$ctx.log"
  if [[ -n "$old_id" && "$old_id" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]]; then
    docker image rm "$old_id" >/dev/null 2>&1 || true
  fi
  # the untagged jar-stage image the classic builder leaves behind (a new one with every jar; the runtime stage's
  # stays: it is the cache that spares the next build its jlink)
  docker image prune --force --filter "label=io.streamspace.image.stage=jar" >/dev/null 2>&1 || true
}

# Makes (when missing or changed) a Redis image from the host's redis-server (Debian's redis-server package) and the
# libraries it links, on the local base. Prints its tag.
ensure_redis_image() {
  local tag=localhost/streamspace/redis:host binary hash current ctx lib target
  binary="$(readlink -f "$(command -v redis-server || die "redis-server is missing (apt-get install redis-server)")")"
  hash="$({ docker image inspect -f '{{.Id}}' "$BASE_IMAGE_TAG"; echo redis-image-v2; sha256sum <"$binary"; } | sha256sum | cut -c1-16)"
  current="$(docker image inspect -f "{{ index .Config.Labels \"$IMAGE_HASH_LABEL\" }}" "$tag" 2>/dev/null || true)"
  if [[ "$current" == "$hash" ]]; then
    log "Redis image $tag is up to date ($hash)"
    printf '%s\n' "$tag"
    return 0
  fi
  log "making Redis image $tag from $binary"
  ctx="$(mktemp -d "${TMPDIR:-/tmp}/streamspace-redis.XXXXXX")"
  mkdir -p "$ctx/root/usr/local/bin"
  cp "$binary" "$ctx/root/usr/local/bin/redis-server"
  # the shared libraries it links (the C library aside), at their real paths: /lib is a link to /usr/lib
  for lib in $(ldd "$binary" | awk '/=> \//{print $3}'); do
    case "$(basename "$lib")" in libc.so.*|libm.so.*|ld-linux*) continue ;; esac
    target="$(readlink -f "$(dirname "$lib")")/$(basename "$lib")"
    mkdir -p "$ctx/root$(dirname "$target")"
    cp -L "$lib" "$ctx/root$target"
  done
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE_TAG
COPY root/ /
RUN useradd --system --home-dir /data redis && mkdir -p /data && chown redis /data
USER redis
WORKDIR /data
EXPOSE 6379
# as the official image runs it without a configuration file: reachable on its network, no persistence needed here
CMD ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
DOCKERFILE
  if ! DOCKER_BUILDKIT=0 docker build --force-rm --label "$IMAGE_HASH_LABEL=$hash" -t "$tag" "$ctx" >"$ctx.log" 2>&1; then
    tail -n 30 "$ctx.log" >&2
    rm -rf "$ctx" "$ctx.log"
    die "building $tag failed (output above)"
  fi
  rm -rf "$ctx" "$ctx.log"
  printf '%s\n' "$tag"
}

# Logs the image's size beyond its base (docs/deploy.md records it).
report_size() {
  local tag="$1" size base
  size="$(docker image inspect -f '{{.Size}}' "$tag")"
  base="$(docker image inspect -f '{{.Size}}' "$BASE_IMAGE_TAG")"
  log "image $tag: $size bytes; base $base bytes; beyond the base $(( (size - base) / 1048576 )) MiB"
}

main() {
  local tag=streamspace/docker-agent:latest jar="" docker_gid="" redis=false
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --redis) redis=true; shift ;;
      --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
      --jar) jar="${2:?--jar needs a file}"; shift 2 ;;
      --docker-gid) docker_gid="${2:?--docker-gid needs a number}"; shift 2 ;;
      -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; return 0 ;;
      *) die "unknown argument: $1 (see --help)" ;;
    esac
  done
  [[ -z "$docker_gid" || "$docker_gid" =~ ^[0-9]+$ ]] || die "--docker-gid must be a number, not '$docker_gid'"
  ensure_jdk
  ensure_dockerd
  if [[ "$redis" == true ]]; then
    exec 9>"${TMPDIR:-/tmp}/streamspace-image.lock"
    flock 9
    ensure_base_image
    ensure_redis_image
    return 0
  fi
  if [[ -z "$jar" ]]; then
    log "building the jar: ./mvnw -B -q -DskipTests package -pl bootstrap -am"
    (cd "$REPO_ROOT" && ./mvnw -B -q -DskipTests package -pl bootstrap -am) >&2 || die "building the jar failed"
    jar="$REPO_ROOT/bootstrap/target/docker-agent.jar"
  fi
  [[ -f "$jar" ]] || die "no jar at $jar"
  # One build at a time on this machine (tests and people may run this script at once).
  exec 9>"${TMPDIR:-/tmp}/streamspace-image.lock"
  flock 9
  ensure_base_image
  local jdk_image
  jdk_image="$(ensure_jdk_image)"
  build_agent_image "$tag" "$jar" "$docker_gid" "$jdk_image"
  report_size "$tag"
  printf '%s\n' "$tag"
}

main "$@"
