#!/usr/bin/env bash
# Builds the agent jar and the bench, then measures the agent against the raw Docker engine in one run.
# Needs a running dockerd and the test images (scripts/setup-env.sh). Extra arguments go to the bench, e.g.
#   bench/run.sh --iterations=30 --rounds=5 --agent-jvm-opts="-Xmx256m"
# Results: stdout (Markdown) and bench/target/bench-run/results-<run>.md; agent logs next to them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
    [[ -x "$candidate/bin/java" ]] && export JAVA_HOME="$candidate" && break
  done
fi
: "${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}"
echo "[bench] building the agent jar and the bench (JAVA_HOME=$JAVA_HOME)" >&2
# package only: never install, the local repository may be shared.
./mvnw -B -q -Pbench -DskipTests -pl bench -am package
exec "$JAVA_HOME/bin/java" -jar bench/target/agent-bench.jar --jar=bootstrap/target/docker-agent.jar \
  --out=bench/target/bench-run "$@"
