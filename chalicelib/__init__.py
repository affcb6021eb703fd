"""Signup: registrations for municipal network meetings (deployed package)."""

import os
import sys

# The deployed zip carries tzdata as one archive beside app.py (devtools/package.py, `zones_archive`, says
# why): on sys.path, zipimport serves it to `zoneinfo` as the folder it replaces. A checkout has none and
# reads the installed tzdata.
_ZONES_ARCHIVE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tzdata.zip")
if os.path.isfile(_ZONES_ARCHIVE) and _ZONES_ARCHIVE not in sys.path:
    sys.path.append(_ZONES_ARCHIVE)
