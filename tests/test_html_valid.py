"""The Nu HTML Checker (vnu, the W3C's validator) over every page and HTML email: 0 errors."""

from __future__ import annotations

from devtools import dynamodb_local, vnu
from tests.helpers import require

# Known bad, checked in the same run: proves vnu read the folder and reports errors.
CANARY = '<!doctype html><html lang="sv"><head><title>x</title></head><body><form action=""></form></body></html>'


def test_every_page_and_html_email_is_valid_html(rendered, tmp_path):
    if not (dynamodb_local.java_ok() and vnu.find_jar()):
        require("vnu needs Java 17 and the vnu-jar package (make test fetches it)")
    for document in rendered.documents:
        (tmp_path / f"{document.name}.html").write_text(document.html, encoding="utf-8")
    (tmp_path / "canary.html").write_text(CANARY, encoding="utf-8")

    messages = vnu.check(tmp_path)

    assert any(m.file == "canary.html" and m.kind == "error" and "action" in m.text for m in messages)
    problems = [str(m) for m in messages if m.file != "canary.html" and m.kind != "warning" and m.kind != "info"]
    warnings = [str(m) for m in messages if m.file != "canary.html" and m.kind == "warning"]
    pages = sum(not d.is_email for d in rendered.documents)
    print(f"vnu {vnu.version()}: {pages} pages, {len(rendered.documents) - pages} HTML emails")
    print("\n".join(["vnu warnings:", *warnings] if warnings else ["vnu warnings: none"]))
    assert problems == []
