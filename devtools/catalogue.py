"""The gettext catalogues: `update` (make messages) and `compile` (make run/test/package, devtools/package.py).

The texts are English in the code (`_("…")`, `tr.gettext("…")`, `N_("…")` in tables of codes) and the
templates (`{{ _("…") }}`, `{% trans %}`); babel.cfg says where to look. `update` extracts them and
merges them into chalicelib/locale/sv/LC_MESSAGES/messages.po: a new text arrives with an empty
Swedish, a changed one as fuzzy with the old Swedish as a suggestion, a text the code no longer uses
is dropped. tests/unit/test_catalogue.py fails until every text has its Swedish (not fuzzy).

The .po is sorted by msgid and names files without line numbers, and its dates are kept as they
were, so engineers adding texts in parallel rarely touch the same lines.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PROJECT = Path(__file__).resolve().parent.parent
LOCALE_DIR = PROJECT / "chalicelib" / "locale"
LANGUAGES = ("sv",)
# `Nn_(singular, plural)` and `Nc_(context, text)` mark a text with a count or a context in a table (i18n.py).
KEYWORDS = {**DEFAULT_KEYWORDS, "Nn_": (1, 2), "Nc_": ((1, "c"), 2)}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every text the code and the templates use, as a catalogue without translations."""
    with (PROJECT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="Signup", charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        str(PROJECT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, line, message, comments, context in found:
        catalog.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return catalog


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language)


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = read(language)
        created, revised = catalog.creation_date, catalog.revision_date
        catalog.update(template, update_header_comment=False)
        catalog.creation_date, catalog.revision_date = created, revised
        catalog.project, catalog.version = "Signup", "1"
        with po_path(language).open("wb") as out:
            write_po(out, catalog, ignore_obsolete=True, sort_output=True, include_lineno=False, width=100)
        missing = [m.id for m in catalog if m.id and (m.fuzzy or not _translated(m.string))]
        if missing:
            print(f"{po_path(language).relative_to(PROJECT)}: {len(missing)} text(s) to translate (empty or fuzzy)")


def compile_catalogues() -> None:
    for language in LANGUAGES:
        catalog = read(language)
        with po_path(language).with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.catalogue")
    parser.add_argument("action", choices=("update", "compile"))
    args = parser.parse_args(argv)
    if args.action == "update":
        update()
    compile_catalogues()
    return 0


if __name__ == "__main__":
    sys.exit(main())
