"""The .proto sources of the handshake and their generated Python stubs."""
