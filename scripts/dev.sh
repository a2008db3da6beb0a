#!/usr/bin/env bash
# Quick start: prepares the machine like the tests do (JDK >= 21, dockerd, ...), builds the jar when it is
# missing or older than the sources, and runs `docker-agent dev`: an embedded control-plane simulator on
# 127.0.0.1 plus the real agent connected to it, against the local Docker engine. Extra arguments go to `dev`,
# e.g. scripts/dev.sh --port 9000 --heartbeat-interval 5
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_env

cd "$REPO_ROOT"
jar=bootstrap/target/docker-agent.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./.git -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  log "building $jar (tests skipped; scripts/test.sh runs them)"
  ./mvnw -B -q -DskipTests -pl bootstrap -am package >&2
fi
exec "$JAVA_HOME/bin/java" -jar "$jar" dev "$@"
