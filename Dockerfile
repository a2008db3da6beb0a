# The StreamSpace Docker agent's image: a jlinked Java runtime, the shaded jar and the launcher, run as a non-root
# user. One image for every role: `docker run IMAGE` runs the agent; `--help`, `run`, `compose-agent`, `stack ...`
# and `version` work as arguments. See README "Deploy" and docs/adr/0008-container-image-and-deploy-files.md.
#
#   docker build -t streamspace/docker-agent .     public base images, the jar built from these sources
#   scripts/image.sh                               no registry: local base images, the jar built on the host
#
# Build arguments:
#   JDK_IMAGE    a JDK >= 21 with jlink and JAVA_HOME set (builds the jar and the runtime)
#   BASE_IMAGE   a glibc Linux with bash (the HEALTHCHECK uses bash's /dev/tcp) and useradd
#   DOCKER_GID   optional: the group id of the host's /var/run/docker.sock; the agent user joins that group, so
#                the socket works without `--group-add` at run time
#   JAR_FROM     `source` (default: build the jar here) or `prebuilt` (scripts/image.sh only: a jar it just built,
#                passed in a context of its own; .dockerignore keeps prebuilt/ and target/ out of ordinary builds)
#
# Configure the agent with the environment variables of the README's configuration table (AGENT_ID,
# CONTROL_PLANE_URL, API_KEY, REGION, MAX_CPU, MAX_MEMORY, MAX_SESSIONS, ENABLE_HA, LEADER_ELECTION_BACKEND,
# REDIS_URL, COMPOSE_AGENT_ENABLED, ...); their defaults live in the code, once.
ARG JDK_IMAGE=eclipse-temurin:21-jdk
ARG BASE_IMAGE=debian:bookworm-slim

# --- the jar -------------------------------------------------------------------------------------------------
FROM ${JDK_IMAGE} AS jar
# the stages are labelled so scripts/image.sh can drop the untagged jar stage the classic builder leaves behind
LABEL io.streamspace.image.stage=jar
ARG JAR_FROM=source
WORKDIR /src
COPY . .
RUN set -eu; \
    case "$JAR_FROM" in \
      prebuilt) cp prebuilt/docker-agent.jar /docker-agent.jar ;; \
      source) ./mvnw -B -q -DskipTests package -pl bootstrap -am \
                && cp bootstrap/target/docker-agent.jar /docker-agent.jar ;; \
      *) echo "JAR_FROM must be source or prebuilt, not '$JAR_FROM'" >&2; exit 2 ;; \
    esac

# --- the Java runtime: only the modules the agent uses (ADR 0008 says why each) ----------------------------------
FROM ${JDK_IMAGE} AS runtime
LABEL io.streamspace.image.stage=runtime
RUN set -eu; \
    modules=java.base,java.logging,java.management,java.naming,java.net.http,java.xml,jdk.httpserver,jdk.unsupported; \
    # Java 21 keeps the elliptic-curve TLS ciphers in their own module (merged into java.base in 22).
    # --strip-java-debug-attributes, not --strip-debug: that one also runs objcopy, which JDK images lack.
    if "$JAVA_HOME/bin/java" --list-modules | grep -q '^jdk\.crypto\.ec@'; then modules="$modules,jdk.crypto.ec"; fi; \
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-java-debug-attributes --no-man-pages --no-header-files \
        --compress=zip-6 --output /runtime; \
    /runtime/bin/java --list-modules

# --- the image -------------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG DOCKER_GID=
# /opt/docker-agent/{bin,lib,runtime}: the launcher finds lib/docker-agent.jar and runtime/ beside itself.
RUN set -eu; \
    groupadd --system --gid 10001 streamspace; \
    useradd --system --uid 10001 --gid streamspace --home-dir /var/lib/streamspace --no-create-home \
        --shell /usr/sbin/nologin streamspace; \
    if [ -n "$DOCKER_GID" ]; then \
      getent group "$DOCKER_GID" >/dev/null || groupadd --gid "$DOCKER_GID" docker-socket; \
      usermod --append --groups "$DOCKER_GID" streamspace; \
    fi; \
    mkdir -p /opt/docker-agent/bin /opt/docker-agent/lib /var/lib/streamspace/outbox /var/lib/streamspace/cache \
        /run/streamspace; \
    chown -R streamspace:streamspace /var/lib/streamspace /run/streamspace
COPY --from=runtime /runtime /opt/docker-agent/runtime
COPY bin/docker-agent bin/docker-agent-healthcheck /opt/docker-agent/bin/
COPY --from=jar /docker-agent.jar /opt/docker-agent/lib/docker-agent.jar
# The class-data archive (an AOT cache on Java >= 25, AppCDS on 21) of a training run with this very runtime and jar
# (no engine or network needed), stored gzipped: ~13 MB instead of ~50. The launcher unpacks it once into
# DOCKER_AGENT_CACHE_DIR on the first start (~0.3 s of CPU); a volume there keeps it across container re-creation.
RUN /opt/docker-agent/bin/docker-agent --write-cds-archive --compress
ENV DOCKER_AGENT_CACHE_DIR=/var/lib/streamspace/cache
ENV PATH=/opt/docker-agent/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 10001
WORKDIR /var/lib/streamspace
# The status API (loopback inside the container; /health answers 200 while the agent serves).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["docker-agent-healthcheck"]
ENTRYPOINT ["docker-agent"]
CMD ["run"]
LABEL org.opencontainers.image.title="StreamSpace Docker agent" \
      org.opencontainers.image.source="https://github.com/streamspace-dev/streamspace"
