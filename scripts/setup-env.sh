#!/usr/bin/env bash
# Prepares this machine for the tests: a JDK >= 21, the Debian packages the tests use (installed when root),
# a running dockerd, and the local test images from testkit-images/.
# Logs go to stderr; stdout gets only the environment to use, so this works:
#   eval "$(scripts/setup-env.sh)"
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_env
printf 'export JAVA_HOME=%q\n' "$JAVA_HOME"
