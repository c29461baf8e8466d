#!/usr/bin/env bash
# Builds the Go edition's two binaries, bin/callee and bin/caller.
# Needs only Go (see go.mod for the version) and a reachable Go module proxy;
# the generated stubs are committed in gen/ (regenerate with generate.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: 'go' is not on PATH; install Go $(sed -n 's/^go //p' "$here/go.mod") or newer (https://go.dev/dl/)" >&2
  exit 1
fi

cd "$here"
mkdir -p bin
go build -trimpath -o bin/ ./cmd/callee ./cmd/caller
echo "built: $here/bin/callee $here/bin/caller"
