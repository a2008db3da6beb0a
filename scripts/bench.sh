#!/usr/bin/env bash
# Runs every benchmark and fault drill on the local Docker engine and rewrites docs/benchmarks.md with the results
# (machine, versions, each figure's median and spread, its same-run baseline and whether its target holds).
#
#   scripts/bench.sh                     full run (about 30-40 min on 2 busy cores)
#   scripts/bench.sh --quick             fewer repetitions, under 5 minutes
#   scripts/bench.sh --only=storm,memory sections: storm, memory, startup, compose, codec, drills
#   scripts/bench.sh --doc=none          print and keep the results in bench/target/bench-run only
#   BENCH_REBUILD=1 scripts/bench.sh     rebuild the jars even when they are newer than every source
#   BENCH_SKIP_BUILD=1 scripts/bench.sh  never build (warns when sources are newer than the agent jar)
#
# It prepares the machine like scripts/test.sh (JDK, packages, dockerd, test images), builds the agent jar and the
# bench (package, never install), writes the class-data archive next to the jar as the image build does
# (bin/docker-agent --write-cds-archive), then runs bench/target/agent-bench.jar. Everything it creates on the
# engine is labelled with the run id and removed at the end.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_env
cd "$REPO_ROOT"
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
fi
# Sources (and their folders: a deleted file changes its folder) newer than a jar: the jar may not hold them.
changed_since() {
  find . \( -path ./.git -o -name target \) -prune -o \( -name pom.xml -o -path '*/src/main*' \) \
    -newer "$1" -print 2>/dev/null | head -3
}
agent_jar=bootstrap/target/docker-agent.jar
bench_jar=bench/target/agent-bench.jar
if [[ "${BENCH_SKIP_BUILD:-}" == "1" ]]; then
  if [[ ! -f $agent_jar || ! -f $bench_jar ]]; then
    die "BENCH_SKIP_BUILD=1 but $agent_jar or $bench_jar is missing: build them first"
  fi
  # measuring a jar that is older than the code it should hold would measure the wrong thing, silently
  newer=$(changed_since "$agent_jar")
  if [[ -n "$newer" ]]; then
    log "warning: BENCH_SKIP_BUILD=1 and sources changed since the agent jar was built (e.g. ${newer//$'\n'/, }):"
    log "warning: the results describe the jar, not the working tree"
  fi
elif [[ "${BENCH_REBUILD:-}" != "1" && -f $agent_jar && -f $bench_jar && $agent_jar -ot $bench_jar \
        && -z "$(changed_since "$agent_jar")" ]]; then
  log "the agent jar and the bench are newer than every source: not rebuilt (BENCH_REBUILD=1 rebuilds them)"
else
  log "building the agent jar and the bench"
  ./mvnw -B -q -Pbench -DskipTests -pl bench -am package
fi
# The archive only fits the jar, launcher flags and JDK it was written with: reuse it while all three are the same.
# The JVM also checks the jar's modification time (a rebuilt jar with the same bytes makes the archive unusable), so
# the stamp holds it too.
jar="$REPO_ROOT/bootstrap/target/docker-agent.jar"
stamp="$REPO_ROOT/bootstrap/target/docker-agent.archive-stamp"
want=$( { sha256sum "$jar" bin/docker-agent | cut -d' ' -f1; stat -c %Y "$jar"; "$JAVA_HOME/bin/java" -version 2>&1; } | sha256sum | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && [[ -f "${jar%.jar}.aot" || -f "${jar%.jar}.jsa" ]]; then
  log "the class-data archive next to the jar is up to date"
else
  log "writing the class-data archive (AOT cache on Java >= 25, else AppCDS) next to the jar"
  rm -f "$stamp"
  JAVA_HOME="$JAVA_HOME" DOCKER_AGENT_JAR="$jar" bin/docker-agent --write-cds-archive >&2
  echo "$want" > "$stamp"
fi
exec "$JAVA_HOME/bin/java" -jar bench/target/agent-bench.jar --jar=bootstrap/target/docker-agent.jar \
  --launcher=bin/docker-agent --out=bench/target/bench-run "$@"
