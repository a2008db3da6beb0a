#!/usr/bin/env bash
# Failover benchmark of the Redis leader-election backend (issue 5, point 9).
# Usage: bench/failover/run.sh [trials per kind] [lease] [renew deadline] [retry]   (defaults: 20 3s 2s 500ms)
# Needs redis-server at /usr/bin/redis-server and a JDK 21+ (JAVA_HOME). Builds the agent jar first unless
# SKIP_BUILD=1. The standbys and leaders use the local Docker engine (default DOCKER_HOST).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -o -q -pl bootstrap -am package -DskipTests
fi
exec "$JAVA" -cp bootstrap/target/docker-agent.jar -Dagent.jar=bootstrap/target/docker-agent.jar \
  bench/failover/FailoverBench.java "${1:-20}" "${2:-3s}" "${3:-2s}" "${4:-500ms}"
