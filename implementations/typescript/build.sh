#!/usr/bin/env bash
# Builds the TypeScript edition: dist/callee-main.js, dist/caller-main.js and
# the workflow bundle dist/workflow-bundle.js. Needs Node.js (see package.json's
# engines) and npm with a reachable registry; installs exactly package-lock.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build.sh: '$tool' is not on PATH; install Node.js 20 or newer with npm (https://nodejs.org/)" >&2
    exit 1
  fi
done

cd "$here"
# --ignore-scripts: nothing here needs an install script (the SDK's native
# core ships prebuilt, and the store is plain files: no native build).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
rm -rf dist
npx --no-install tsc -p tsconfig.json
node dist/bundle.js >/dev/null
echo "built: $here/dist/callee-main.js $here/dist/caller-main.js $here/dist/workflow-bundle.js"
