"""`chalice local` as `make run` starts it: it takes a burst of connections, and answers TRACE and
QUERY like any other undeclared method.

Chalice's local server keeps socketserver's listen backlog of 5: in a burst (200 people pressing
"send" at once in a load test) the kernel drops the connections beyond it, and they wait or fail
before they reach the app, so the test measured the dev server, not Signup. A real front end
queues them; so does this one (the kernel caps it at net.core.somaxconn).

Chalice's local server hands GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS to the
app, which answers a method a route does not declare with 405 and an Allow header;
for TRACE and QUERY Python's http.server answers itself with a bare 501 HTML page.
No route declares them, so the local server refuses them like the other undeclared
methods, and API tools see one consistent answer.
"""

from __future__ import annotations

import sys

from chalice.cli import main
from chalice.local import ChaliceRequestHandler, ThreadedHTTPServer

LISTEN_BACKLOG = 1024
ThreadedHTTPServer.request_queue_size = LISTEN_BACKLOG

for method in ("TRACE", "QUERY"):
    setattr(ChaliceRequestHandler, f"do_{method}", ChaliceRequestHandler._generic_handle)

if __name__ == "__main__":
    sys.argv[0] = "chalice"
    sys.exit(main())
