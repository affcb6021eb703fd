"""`chalice local` as `make run` starts it, answering TRACE and QUERY like any other undeclared method.

Chalice's local server hands GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS to the
app, which answers a method a route does not declare with 405 and an Allow header;
for TRACE and QUERY Python's http.server answers itself with a bare 501 HTML page.
No route declares them, so the local server refuses them like the other undeclared
methods, and API tools see one consistent answer.
"""

from __future__ import annotations

import sys

from chalice.cli import main
from chalice.local import ChaliceRequestHandler

for method in ("TRACE", "QUERY"):
    setattr(ChaliceRequestHandler, f"do_{method}", ChaliceRequestHandler._generic_handle)

if __name__ == "__main__":
    sys.argv[0] = "chalice"
    sys.exit(main())
