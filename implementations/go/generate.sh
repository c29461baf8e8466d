#!/usr/bin/env bash
# Regenerates the Go stubs in gen/ from the repository's protos.
#
# Needs Go (for the protoc plugins, installed into .bin/) and a protoc: either
# on PATH, or Python's grpc_tools (set PYTHON, default: python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
protos="$(cd "$here/../../protos" && pwd)"
module="github.com/stigmer/handshake-conformance/implementations/go"

# Keep in step with google.golang.org/protobuf in go.mod.
PROTOC_GEN_GO_VERSION="v1.36.12"
PROTOC_GEN_GO_GRPC_VERSION="v1.6.2"

command -v go >/dev/null || { echo "generate.sh: 'go' is not on PATH" >&2; exit 1; }

export GOBIN="$here/.bin"
go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"

if command -v protoc >/dev/null; then
  protoc=(protoc)
else
  protoc=("${PYTHON:-python3}" -m grpc_tools.protoc)
fi

rm -rf "$here/gen"
mkdir -p "$here/gen"
"${protoc[@]}" -I"$protos" \
  --plugin=protoc-gen-go="$GOBIN/protoc-gen-go" \
  --plugin=protoc-gen-go-grpc="$GOBIN/protoc-gen-go-grpc" \
  --go_out="$here/gen" --go_opt=module="$module/gen" \
  --go-grpc_out="$here/gen" --go-grpc_opt=module="$module/gen" \
  "$protos"/ai/stigmer/agentic/agentexecution/v1/agentexecution.proto \
  "$protos"/ai/stigmer/agentic/workflowexecution/v1/workflowexecution.proto
echo "generated: $(cd "$here" && find gen -name '*.go' | sort | tr '\n' ' ')"
