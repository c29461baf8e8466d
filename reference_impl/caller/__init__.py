"""The caller side of the handshake: hands off its task token and goes pending."""
