# shellcheck shell=bash
# Shared helpers for the project's scripts. Source it; it defines functions and has no side effects.
# Everything it prints goes to stderr, so callers can keep stdout for machine-readable output.

# What the tests need on the machine (Debian package names).
# chromium + chromium-driver: the status panel's browser tests (Selenium uses the system chromedriver, never a download).
REQUIRED_PACKAGES=(docker.io redis-server busybox-static docker-registry docker-compose debootstrap systemd podman chromium
  chromium-driver)
# The JDK the build needs (language level 21, any JDK >= 21 builds it).
MIN_JAVA_FEATURE=21
JDK_SEARCH_DIR=/usr/lib/jvm
# Local test images: testkit-images/<name>/Dockerfile becomes streamspace-test/<name>:latest.
TEST_IMAGE_PREFIX=streamspace-test
TEST_IMAGE_HASH_LABEL=io.streamspace.testkit.context-hash
DOCKERD_START_TIMEOUT_S=60
# Podman's Docker-compatible API (the third test mode): `podman system service` on this socket.
PODMAN_SOCKET="${STREAMSPACE_PODMAN_SOCKET:-/run/podman/podman.sock}"
PODMAN_CONTAINERS_CONF=/etc/containers/containers.conf
PODMAN_START_TIMEOUT_S=30

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. JDK ---------------------------------------------------------------------------------------------

# Prints the feature version (21, 25, ...) of the JDK at $1, or nothing when it is not a JDK (javac missing).
jdk_feature_version() {
  local home="$1" version=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  if [[ -r "$home/release" ]]; then
    version="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
  fi
  if [[ -z "$version" ]]; then
    version="$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p')"
  fi
  version="${version#1.}"          # 1.8 -> 8
  version="${version%%[.+-]*}"     # 25.0.3 -> 25
  [[ "$version" =~ ^[0-9]+$ ]] && printf '%s\n' "$version"
  return 0
}

# Sets and exports JAVA_HOME to a JDK >= MIN_JAVA_FEATURE: $JAVA_HOME when it qualifies, else the newest
# under /usr/lib/jvm.
ensure_jdk() {
  local v
  if [[ -n "${JAVA_HOME:-}" ]]; then
    v="$(jdk_feature_version "$JAVA_HOME")"
    if [[ -n "$v" && "$v" -ge "$MIN_JAVA_FEATURE" ]]; then
      export JAVA_HOME
      log "JDK $v at $JAVA_HOME (from JAVA_HOME)"
      return 0
    fi
    log "JAVA_HOME=$JAVA_HOME is not a JDK >= $MIN_JAVA_FEATURE (version: ${v:-none}); looking under $JDK_SEARCH_DIR"
  fi
  local best="" best_v=0 dir seen=()
  for dir in "$JDK_SEARCH_DIR"/*/; do
    dir="${dir%/}"
    [[ -d "$dir" ]] || continue
    v="$(jdk_feature_version "$dir")"
    [[ -n "$v" ]] || continue
    seen+=("$(basename "$dir")=$v")
    if [[ "$v" -ge "$MIN_JAVA_FEATURE" && "$v" -gt "$best_v" ]]; then
      best="$dir"; best_v="$v"
    fi
  done
  if [[ -z "$best" ]]; then
    die "No JDK >= $MIN_JAVA_FEATURE found (JAVA_HOME=${JAVA_HOME:-unset}; $JDK_SEARCH_DIR has: ${seen[*]:-nothing}).
  Install a JDK 21 or newer, e.g. Eclipse Temurin ('temurin-21-jdk' or 'temurin-25-jdk' from packages.adoptium.net)
  or 'openjdk-21-jdk-headless' (Debian trixie / Ubuntu 24.04), then re-run or set JAVA_HOME to it."
  fi
  export JAVA_HOME="$best"
  log "JDK $best_v at $JAVA_HOME"
}

# --- 2. packages ----------------------------------------------------------------------------------------

# The executable that proves a package is there on systems without dpkg.
package_command() {
  case "$1" in
    docker.io) echo dockerd ;;
    busybox-static) echo busybox ;;
    systemd) echo systemd-analyze ;;
    chromium-driver) echo chromedriver ;;
    *) echo "$1" ;;
  esac
}

package_installed() {
  if command -v dpkg-query >/dev/null 2>&1; then
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
  else
    command -v "$(package_command "$1")" >/dev/null 2>&1
  fi
}

# Installs missing REQUIRED_PACKAGES when root on Debian; otherwise names them and fails.
ensure_packages() {
  local missing=() p
  for p in "${REQUIRED_PACKAGES[@]}"; do
    package_installed "$p" || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "packages present: ${REQUIRED_PACKAGES[*]}"
    return 0
  fi
  if [[ -f /etc/debian_version && "$(id -u)" -eq 0 ]]; then
    log "installing missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || die "apt-get update failed"
    apt-get install -y -qq "${missing[@]}" >&2 \
      || die "apt-get install ${missing[*]} failed"
    return 0
  fi
  if [[ -f /etc/debian_version ]]; then
    die "missing packages: ${missing[*]}. Install them as root:
  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  die "missing: ${missing[*]} (Debian package names; commands not found: $(for p in "${missing[@]}"; do printf '%s ' "$(package_command "$p")"; done)).
  Install the equivalents with your package manager (Docker engine, Redis server, a static busybox, the distribution registry, docker-compose, debootstrap, systemd-analyze)."
}

# --- 3. dockerd -----------------------------------------------------------------------------------------

docker_ready() { docker info >/dev/null 2>&1; }

# Starts dockerd in the background when `docker info` fails, and waits for it with a deadline.
ensure_dockerd() {
  if docker_ready; then
    log "Docker engine is running ($(docker version --format '{{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null))"
    return 0
  fi
  local host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  if [[ "$host" != "unix:///var/run/docker.sock" ]]; then
    die "DOCKER_HOST=$host does not answer 'docker info'; start that engine (this script only starts the local dockerd)."
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    if pgrep -x dockerd >/dev/null 2>&1; then
      die "dockerd runs but 'docker info' fails for $(id -un): add the user to the 'docker' group (sudo usermod -aG docker $(id -un), then log in again)."
    fi
    die "dockerd is not running and only root can start it: sudo systemctl start docker (or: sudo dockerd &)."
  fi
  local log_file="${TMPDIR:-/tmp}/streamspace-dockerd.log"
  local pid=""
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    log "starting docker with systemctl"
    systemctl start docker >&2 || log "systemctl start docker failed; falling back to a background dockerd"
  fi
  if ! docker_ready && ! pgrep -x dockerd >/dev/null 2>&1; then
    log "starting dockerd in the background (log: $log_file)"
    # setsid: its own session, so it outlives this script and Ctrl-C of a test run.
    setsid dockerd >"$log_file" 2>&1 </dev/null &
    pid=$!
  fi
  local deadline=$((SECONDS + DOCKERD_START_TIMEOUT_S))
  until docker_ready; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd exited early; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      die "dockerd failed to start"
    fi
    if ((SECONDS >= deadline)); then
      log "dockerd did not answer within ${DOCKERD_START_TIMEOUT_S}s; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 2>/dev/null || true
      die "dockerd failed to start"
    fi
    sleep 0.5
  done
  log "Docker engine is up ($(docker version --format '{{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null))"
}

# --- 3b. podman ---------------------------------------------------------------------------------------------

podman_ready() {
  [[ -S "$PODMAN_SOCKET" ]] && DOCKER_HOST="unix://$PODMAN_SOCKET" docker version --format '{{.Server.Version}}' \
    >/dev/null 2>&1
}

# Podman's default containers get raised NOFILE/NPROC ulimits, which sandboxes (and some CI runners) refuse:
# every start fails with "setrlimit ... operation not permitted". `default_ulimits = []` keeps the limits the
# service inherits. Adds the key to containers.conf, keeping what is there.
ensure_podman_ulimits() {
  if [[ -f "$PODMAN_CONTAINERS_CONF" ]] && grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$PODMAN_CONTAINERS_CONF"; then
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    log "note: $PODMAN_CONTAINERS_CONF does not set default_ulimits; if podman containers fail with 'setrlimit',"
    log "      add as root:  [containers]  default_ulimits = []"
    return 0
  fi
  mkdir -p "$(dirname "$PODMAN_CONTAINERS_CONF")"
  if [[ -f "$PODMAN_CONTAINERS_CONF" ]] && grep -Eq '^[[:space:]]*\[containers\]' "$PODMAN_CONTAINERS_CONF"; then
    sed -i '0,/^[[:space:]]*\[containers\]/s//[containers]\ndefault_ulimits = []/' "$PODMAN_CONTAINERS_CONF"
  else
    printf '\n[containers]\ndefault_ulimits = []\n' >>"$PODMAN_CONTAINERS_CONF"
  fi
  log "set default_ulimits = [] in $PODMAN_CONTAINERS_CONF"
}

# Starts `podman system service` on $PODMAN_SOCKET when it does not answer, waits for it with a deadline, and
# checks that the shared dockerd still runs and networks containers afterwards (podman's netavark adds its own
# firewall rules next to Docker's).
ensure_podman() {
  ensure_podman_ulimits
  if podman_ready; then
    log "Podman API is up at unix://$PODMAN_SOCKET ($(DOCKER_HOST="unix://$PODMAN_SOCKET" docker version --format '{{.Server.Version}}, compat API {{.Server.APIVersion}}' 2>/dev/null))"
    return 0
  fi
  command -v podman >/dev/null 2>&1 || die "podman is not installed (Debian: apt-get install podman)"
  if [[ "$(id -u)" -ne 0 ]]; then
    die "the Podman API does not answer at $PODMAN_SOCKET and only root can start it there:
  sudo podman system service --time=0 unix://$PODMAN_SOCKET &
  (or set STREAMSPACE_PODMAN_SOCKET to the socket of your own 'podman system service')"
  fi
  mkdir -p "$(dirname "$PODMAN_SOCKET")"
  rm -f "$PODMAN_SOCKET"
  local log_file="${TMPDIR:-/tmp}/streamspace-podman.log" pid
  log "starting podman system service on unix://$PODMAN_SOCKET (log: $log_file)"
  setsid podman system service --time=0 "unix://$PODMAN_SOCKET" >"$log_file" 2>&1 </dev/null &
  pid=$!
  local deadline=$((SECONDS + PODMAN_START_TIMEOUT_S))
  until podman_ready; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log_file" >&2 || true
      die "podman system service exited early (output above)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$log_file" >&2 || true
      die "podman system service did not answer within ${PODMAN_START_TIMEOUT_S}s"
    fi
    sleep 0.5
  done
  log "Podman API is up at unix://$PODMAN_SOCKET (pid $pid)"
  docker_still_networks
}

# dockerd must still run containers and reach them on a published loopback port after podman set up networking.
docker_still_networks() {
  local name="streamspace-netcheck-$$-$RANDOM" port ok=""
  docker run -d --rm --name "$name" --label io.streamspace.test=true -p 127.0.0.1::5900 \
      "$TEST_IMAGE_PREFIX/vnc-echo:latest" >/dev/null 2>&1 \
    || die "dockerd cannot run a container any more after podman started (docker run failed)"
  port="$(docker port "$name" 5900/tcp 2>/dev/null | head -n1 | sed 's/.*://')"
  for _ in $(seq 1 20); do
    if [[ -n "$port" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ok=1; break; fi
    sleep 0.25
  done
  docker rm -f "$name" >/dev/null 2>&1 || true
  [[ -n "$ok" ]] || die "dockerd's published port 127.0.0.1:${port:-?} does not answer after podman started"
  log "dockerd still runs and publishes containers"
}

# Copies the streamspace-test/* images into podman's store when podman lacks them or has an older build (the same
# context-hash label as the Docker images). Podman stores them as localhost/streamspace-test/NAME.
load_test_images_into_podman() {
  local tag hash current
  for tag in $(docker image ls --format '{{.Repository}}:{{.Tag}}' "$TEST_IMAGE_PREFIX/*"); do
    hash="$(docker image inspect -f "{{ index .Config.Labels \"$TEST_IMAGE_HASH_LABEL\" }}" "$tag")"
    current="$(DOCKER_HOST="unix://$PODMAN_SOCKET" docker image inspect \
      -f "{{ index .Config.Labels \"$TEST_IMAGE_HASH_LABEL\" }}" "$tag" 2>/dev/null || true)"
    if [[ -n "$hash" && "$current" == "$hash" ]]; then
      continue
    fi
    log "loading test image $tag into podman ($hash)"
    docker save "$tag" | podman load -q >/dev/null || die "loading $tag into podman failed"
  done
  log "podman has the test images"
}

# --- 4. local test images -------------------------------------------------------------------------------

# The static busybox the test images are made of (from busybox-static).
static_busybox() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    [[ -x "$b" ]] || continue
    if command -v ldd >/dev/null 2>&1 && ldd "$b" >/dev/null 2>&1; then
      continue # dynamically linked: useless in a FROM scratch image
    fi
    printf '%s\n' "$b"
    return 0
  done
  die "no static busybox found; install busybox-static"
}

# Hash of an image's folder plus the busybox binary, so a changed Dockerfile or busybox triggers a rebuild.
context_hash() {
  local dir="$1" busybox="$2"
  {
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    sha256sum <"$busybox"
  } | sha256sum | cut -c1-16
}

# Builds testkit-images/<name> as streamspace-test/<name>:latest unless an image with the same context hash exists.
build_test_images() {
  local images_dir="$REPO_ROOT/testkit-images" busybox dir name tag hash current ctx old_id
  [[ -d "$images_dir" ]] || { log "no $images_dir; no test images to build"; return 0; }
  busybox="$(static_busybox)"
  for dir in "$images_dir"/*/; do
    dir="${dir%/}"
    [[ -f "$dir/Dockerfile" ]] || continue
    name="$(basename "$dir")"
    tag="$TEST_IMAGE_PREFIX/$name:latest"
    hash="$(context_hash "$dir" "$busybox")"
    current="$(docker image inspect -f "{{ index .Config.Labels \"$TEST_IMAGE_HASH_LABEL\" }}" "$tag" 2>/dev/null || true)"
    if [[ "$current" == "$hash" ]]; then
      log "test image $tag is up to date ($hash)"
      continue
    fi
    log "building test image $tag ($hash)"
    old_id="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
    ctx="$(mktemp -d "${TMPDIR:-/tmp}/streamspace-image-$name.XXXXXX")"
    cp -a "$dir/." "$ctx/"
    cp "$busybox" "$ctx/busybox"
    if ! DOCKER_BUILDKIT=0 docker build --label "$TEST_IMAGE_HASH_LABEL=$hash" -t "$tag" "$ctx" \
        >"$ctx.log" 2>&1; then
      tail -n 30 "$ctx.log" >&2
      rm -rf "$ctx" "$ctx.log"
      die "building $tag from $dir failed (output above)"
    fi
    rm -rf "$ctx" "$ctx.log"
    # Drop the image this build replaced (only succeeds when no container uses it and no other tag names it).
    if [[ -n "$old_id" && "$old_id" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]]; then
      docker image rm "$old_id" >/dev/null 2>&1 || true
    fi
  done
}

# --- for tests and dev scripts: processes on free loopback ports ------------------------------------------

# Prints a TCP port on 127.0.0.1 that is free right now.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free loopback port found"
}

# start_redis <dir>: starts a throwaway redis-server on 127.0.0.1:<free port> with its data in <dir>, waits
# until it answers, prints "<port> <pid>". Stop it with: kill <pid>.
start_redis() {
  local dir="$1" port pid deadline
  mkdir -p "$dir"
  port="$(free_port)"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
    --daemonize no --logfile "$dir/redis.log" >/dev/null 2>&1 </dev/null &
  pid=$!
  deadline=$((SECONDS + 20))
  until redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$dir/redis.log" >&2; die "redis-server exited"; }
    ((SECONDS < deadline)) || { kill "$pid"; die "redis-server did not answer on 127.0.0.1:$port"; }
    sleep 0.2
  done
  printf '%s %s\n' "$port" "$pid"
}

# --- everything -----------------------------------------------------------------------------------------

# Steps 1-4: JDK, packages, dockerd, test images, then Podman's API with the same images. Idempotent; fast when
# everything is in place.
setup_env() {
  ensure_jdk
  ensure_packages
  ensure_dockerd
  build_test_images
  ensure_podman
  load_test_images_into_podman
}
