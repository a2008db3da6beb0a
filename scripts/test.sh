#!/usr/bin/env bash
# The project's one test command (also what .ci/run calls): prepares the machine (scripts/setup-env.sh)
# and runs the whole build with every test. Extra arguments go to Maven, e.g.
#   scripts/test.sh -pl adapters-docker -am
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_env

# JDK 24+ warns about sun.misc.Unsafe use in Maven's own libraries; silence it where the flag exists.
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
fi

cd "$REPO_ROOT"
log "running: ./mvnw -B verify${*:+ $*}"
exec ./mvnw -B verify "$@"
