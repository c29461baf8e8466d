"""``handshake-conformance bench``: the handshake's cost and capacity, measured on a Temporal
server against the reference or any IUT.

One module per concern: ``config`` (options), ``stats`` (percentiles), ``procfs`` (memory,
CPU and load from /proc), ``deployment`` (the IUT with no proxy, and the bench's workers),
``driver`` (the bench's caller workflows and its plain activity), ``driver_process`` (them in
a process of their own), ``legs`` (timings read from histories), ``roundtrip``,
``capacity``, ``report`` (JSON and Markdown), ``plot`` (PNG) and ``cli`` (the command).
"""
