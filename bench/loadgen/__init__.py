"""The load generator: client processes, each one asyncio (uvloop) client over raw keep-alive HTTP/1.1 sockets.

Every request is built (signed, with its own nonce and a fresh timestamp) *before* the timed window, as the exact
bytes to write. In the window a connection only writes the next pre-built request, reads one response (status line,
``Content-Length`` or chunked framing) and records the latency: one request in flight per connection (closed loop),
``concurrency`` connections in all, split over the client processes.

The main process drives a :class:`LoadGen` pool: it sends every client process a :class:`Job`, waits until all have
built their requests and opened their connections, then says "go" to all of them and collects their counts.
"""

from loadgen.pool import LoadGen, LoadGenError, Measurement
from loadgen.wire import acs3_request, sigv4_request

__all__ = ["LoadGen", "LoadGenError", "Measurement", "acs3_request", "sigv4_request"]
