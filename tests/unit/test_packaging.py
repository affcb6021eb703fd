"""The zip's bytecode is for the Python its template declares, or the package is refused."""

import importlib.util
import marshal
import py_compile

import pytest

from chalicelib import config, pages
from chalicelib.forms import parse_answers
from chalicelib.mail import Links, Writing, registration_email
from chalicelib.registrations import Registration, Status
from devtools.package import check_bytecode_fits, compile_bytecode, compile_templates, runtime_python
from tests.helpers import answers, at, code_with_column_positions, example_event

NOW = at("2027-05-01T09:00:00+02:00")


def template(*runtimes):
    functions = {
        f"F{index}": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": runtime}}
        for index, runtime in enumerate(runtimes)
    }
    return {"Resources": {**functions, "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}}}}


def test_the_runtime_is_the_one_every_function_declares():
    assert runtime_python(template("python3.11", "python3.11")) == "python3.11"
    with pytest.raises(RuntimeError, match="one runtime"):
        runtime_python(template("python3.11", "python3.12"))


def test_a_python_other_than_the_runtimes_is_refused():
    check_bytecode_fits("python3.11", (3, 11, 7))
    with pytest.raises(RuntimeError, match="run python3.12 but this is python3.11"):
        check_bytecode_fits("python3.12", (3, 11, 7))
    with pytest.raises(RuntimeError, match="package with python3.11"):
        check_bytecode_fits("python3.11", (3, 13, 0))


MODULE = """
class Form:
    def fields(self, answers):
        return [name.strip() for name in answers if answers[name] is not None]
"""


def test_the_compiled_modules_are_unchecked_hash_bytecode_where_import_looks(tmp_path):
    source = tmp_path / "package" / "module.py"
    source.parent.mkdir()
    source.write_text(MODULE)
    compile_bytecode(tmp_path)
    data = open(importlib.util.cache_from_source(str(source)), "rb").read()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == 0b01  # hash-based; the source is never checked
    assert data[8:16] == importlib.util.source_hash(source.read_bytes())
    assert marshal.loads(data[16:]).co_filename == "package/module.py"  # noqa: S302 - compiled just above
    # Without the column tables (`-X no_debug_ranges`), in the module and every code object nested in it.
    assert code_with_column_positions(data) == []
    compiled_here = tmp_path / "with_columns.pyc"
    py_compile.compile(str(source), cfile=str(compiled_here), doraise=True)
    assert code_with_column_positions(compiled_here.read_bytes()) == [
        "<module>",
        "Form",
        "Form.fields",
        "Form.fields.<locals>.<listcomp>",
    ]


def test_a_module_that_does_not_compile_stops_the_package(tmp_path):
    (tmp_path / "broken.py").write_text("def (:\n")
    with pytest.raises(RuntimeError, match="does not compile"):
        compile_bytecode(tmp_path)


def samples(environment):
    """Pages and emails of both languages, rendered by `environment` from fixed inputs."""
    event = example_event()
    registration = Registration(event.id, "abc123", parse_answers(answers(), event), Status.CONFIRMED, NOW, NOW)
    rendered = []
    for language in ("sv", "en"):
        page_maker = pages.Pages(config, environment)
        rendered += [
            page_maker.form_page(event, language, NOW),
            page_maker.thanks_page(event, language, "confirmed"),
            page_maker.privacy_page(language),
        ]
    for kind in ("confirmation", "cancellation"):
        message = registration_email(
            kind,
            event,
            registration,
            links=Links(manage="u"),
            writing=Writing(sender="S <a@example.org>", templates=environment, now=NOW),
        )
        rendered += [part.get_content() for part in message.walk() if not part.is_multipart()]
    return rendered


def test_the_compiled_templates_render_exactly_what_the_sources_do(tmp_path, monkeypatch):
    """What the zip renders with (`make package` compiles the templates with the app's own environment)
    is what the checkout and its tests render from the sources."""
    from jinja2 import ModuleLoader, PackageLoader

    compile_templates(tmp_path)
    compiled = tmp_path / "chalicelib" / "templates_compiled"
    rendered = [name for name in pages.templates().list_templates() if not name.endswith(".js")]
    assert len(rendered) < len(pages.templates().list_templates()), "the folder's scripts are not compiled"
    assert sorted(path.name for path in compiled.glob("tmpl_*.pyc")) == sorted(
        ModuleLoader.get_module_filename(name) + "c" for name in rendered
    )
    assert not list(compiled.glob("*.py")), "bytecode alone"
    for module in compiled.glob("tmpl_*.pyc"):
        assert code_with_column_positions(module.read_bytes()) == [], module.name
    from_sources = samples(pages.templates())
    assert isinstance(pages.templates().loader, PackageLoader)
    monkeypatch.setattr(pages, "COMPILED_TEMPLATES", compiled)
    pages.templates.cache_clear()
    try:
        assert isinstance(pages.templates().loader, ModuleLoader)
        assert samples(pages.templates()) == from_sources
        assert "Åsa Öberg" in "".join(from_sources)  # the samples did render the person
    finally:
        pages.templates.cache_clear()
