"""Reference implementation of the Temporal token handshake (asynchronous activity completion)."""
