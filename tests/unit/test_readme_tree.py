"""The README's "How it is built" names every module that is deployed: a module added without a line
there is a part of the house a newcomer cannot find."""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def _how_it_is_built() -> str:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it is built", 1)[1]
    return section.split("```", 2)[1]


def _named_in(tree: str) -> set[str]:
    """chalicelib's modules the tree names: a file on a line indented by two spaces is chalicelib's own,
    by four it is in the folder line above it; a wrapped line continues the line it wraps, and a folder's
    own line may name its files."""
    named: set[str] = set()
    folder = context = ""
    for line in tree.splitlines():
        if line.startswith("chalicelib/"):
            folder = context = "chalicelib/"
        elif not line.startswith(" "):
            folder = context = ""  # the tree has left chalicelib
        elif re.match(r"^  \w+/", line):
            folder = context = f"chalicelib/{line.split()[0]}"
        elif re.match(r"^  \w", line):
            context = "chalicelib/"
        elif re.match(r"^    \w", line):
            context = folder
        if context:
            named.update(context + name for name in re.findall(r"\b(\w+\.py)\b", line))
    return named


def test_every_deployed_module_is_named_in_how_it_is_built():
    tree = _how_it_is_built()
    named = _named_in(tree)
    modules = {
        path.relative_to(PROJECT).as_posix()
        for path in (PROJECT / "chalicelib").rglob("*.py")
        if path.name != "__init__.py" and "templates_compiled" not in path.parts
    }
    missing = sorted(module for module in modules if module not in named)
    assert not missing, f"README 'How it is built' does not name: {missing}"
