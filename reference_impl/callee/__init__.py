"""The callee side: gRPC service, store, workflows and the system activity."""
