"""The zip's bytecode is for the Python its template declares, or the package is refused."""

import importlib.util

import pytest

from devtools.package import check_bytecode_fits, compile_bytecode, runtime_python


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


def test_the_compiled_modules_are_unchecked_hash_bytecode_where_import_looks(tmp_path):
    source = tmp_path / "package" / "module.py"
    source.parent.mkdir()
    source.write_text("ANSWER = 42\n")
    compile_bytecode(tmp_path)
    data = open(importlib.util.cache_from_source(str(source)), "rb").read()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == 0b01  # hash-based; the source is never checked
    assert data[8:16] == importlib.util.source_hash(source.read_bytes())


def test_a_module_that_does_not_compile_stops_the_package(tmp_path):
    (tmp_path / "broken.py").write_text("def (:\n")
    with pytest.raises(RuntimeError, match="does not compile"):
        compile_bytecode(tmp_path)
