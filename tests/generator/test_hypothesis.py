"""Random documents with hostile names and texts generate safe, importable packages.

Hypothesis builds valid OpenAPI documents (3.0 and 3.1) whose names are keywords,
builtins, digits, unicode, quotes, template syntax and control characters, whose
schemas nest objects, arrays, unions, enums, constants and references, and whose
descriptions, enum values, defaults and constants carry a payload that would run if
it ever became code. For each document the generated package must compile, import,
have a method for every operation, and hold only the statements the templates write:
every call and every name read in the generated modules is one the templates use,
and the payload appears only inside string constants.

The documents go through load, validation, build and render as `generate` runs them;
black is left out, as it only changes layout (and refuses text that is not Python,
which `compile` here checks first).
"""

from __future__ import annotations

import ast
import importlib
import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build_package
from generator.bundle import bundle
from generator.config import load_config
from generator.errors import Diagnostics
from generator.load import load_document
from generator.render import render_package
from generator.validate import validate

# The payload: if it ever became code, it would be a call, and `__import__` would
# be a name read from the module (converted to an identifier, a name of the spec
# loses its leading underscores: `__import__` becomes `import_`).
PAYLOAD = '__import__("os").system("PWNED")'
MARKER = "__import__"

TEXTS = [
    PAYLOAD,
    f'"""; {PAYLOAD}; """',
    f"'''; {PAYLOAD}; '''",
    f'\\"; {PAYLOAD} #',
    f"{{{{ {PAYLOAD} }}}} {{% raw %}} {{# x #}}",
    f"line\n{PAYLOAD}\r\nnext\u2028\x00\x1b end\\",
    f"café 名前 🎉 {PAYLOAD}",
]
NAMES = [
    *keyword.kwlist,
    *keyword.softkwlist,
    "list", "dict", "str", "int", "type", "id", "self", "cls", "datetime", "uuid",
    "to_dict", "model_extra", "NOT_GIVEN", "Query", "Model", "Any", "__init__",
    "_private", "2fa", "123", "a b", "a-b", "a.b", "userName", "user_name",
    "UserName", "名前", "café", '"""', "{{x}}", "\\", "x\x00y", "",
]  # fmt: skip
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
FORMATS = ("date-time", "date", "time", "uuid", "uri", "email", "byte", "int64")

texts = st.one_of(st.sampled_from(TEXTS), st.text(max_size=30))
names = st.one_of(st.sampled_from([*NAMES, *TEXTS]), st.text(min_size=1, max_size=12))
# OpenAPI allows only these characters in the names of components.
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9._-]+")
component_names = st.one_of(
    st.sampled_from([n for n in NAMES if _COMPONENT_NAME.fullmatch(n)]),
    st.from_regex(_COMPONENT_NAME, fullmatch=True).filter(lambda n: len(n) <= 12),
)


# ------------------------------------------------------------------- documents


def _scalars(dialect: str) -> st.SearchStrategy[dict[str, Any]]:
    string_formats = [f for f in FORMATS if f != "int64"]
    return st.one_of(
        st.sampled_from(
            [{"type": "string"}, {"type": "integer"}, {"type": "number"},
             {"type": "boolean"}, {"type": "integer", "format": "int64"}]
        ),
        st.sampled_from(string_formats).map(lambda f: {"type": "string", "format": f}),
        st.lists(texts, min_size=1, max_size=4, unique=True).map(
            lambda values: {"type": "string", "enum": values}
        ),
        st.lists(st.integers(-3, 3), min_size=1, max_size=4, unique=True).map(
            lambda values: {"type": "integer", "enum": values}
        ),
        st.tuples(texts, texts).map(
            lambda t: {"type": "string", "default": t[0], "description": t[1]}
        ),
        texts.map(lambda value: {"const": value})
        if dialect == "3.1.0"
        else st.nothing(),
    )  # fmt: skip


def _nullable(schema: dict[str, Any], dialect: str) -> dict[str, Any]:
    if dialect == "3.0.3":
        return {**schema, "nullable": True}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _object(props: dict[str, Any], required: list[str], text: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return {**schema, "description": text}


def _objects(
    children: st.SearchStrategy[dict[str, Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    properties = st.dictionaries(names, children, min_size=1, max_size=4)
    return properties.flatmap(
        lambda props: st.builds(
            _object,
            st.just(props),
            st.lists(st.sampled_from(sorted(props)), unique=True),
            texts,
        )
    )


def _schemas(dialect: str, refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    base = _scalars(dialect)
    if refs:
        base = st.one_of(
            base,
            st.sampled_from(refs).map(lambda r: {"$ref": f"#/components/schemas/{r}"}),
        )

    def extend(
        children: st.SearchStrategy[dict[str, Any]],
    ) -> st.SearchStrategy[dict[str, Any]]:
        return st.one_of(
            _objects(children),
            children.map(lambda items: {"type": "array", "items": items}),
            children.map(lambda v: {"type": "object", "additionalProperties": v}),
            children.map(lambda schema: _nullable(schema, dialect)),
            st.lists(children, min_size=2, max_size=3).map(lambda v: {"oneOf": v}),
            st.lists(children, min_size=2, max_size=3).map(lambda v: {"anyOf": v}),
            st.lists(_objects(children), min_size=2, max_size=2).map(
                lambda parts: {"allOf": parts}
            ),
        )

    return st.recursive(base, extend, max_leaves=6)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid OpenAPI document with hostile names and texts everywhere."""
    dialect = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    schema_names = draw(st.lists(component_names, max_size=4, unique=True))
    components = {}
    for index, name in enumerate(schema_names):
        # A schema refers only to the ones before it: a schema that is nothing but a
        # reference to itself sends openapi-spec-validator into endless recursion.
        components[name] = draw(_schemas(dialect, schema_names[:index]))

    paths: dict[str, Any] = {}
    operation_ids = draw(st.lists(names, max_size=6, unique=True))
    for index in range(draw(st.integers(1, 5))):
        # A path template cannot hold `{}/#?`; openapi-spec-validator also stops
        # with a ValueError on `[`, `!` and `:` in one, so they are left out here.
        parameter = draw(names.filter(lambda n: n and not set(n) & set("{}[]/#?!:")))
        path = f"/p{index}/{{{parameter}}}" if draw(st.booleans()) else f"/p{index}"
        methods = draw(st.lists(st.sampled_from(HTTP_METHODS), min_size=1, unique=True))
        paths[path] = {
            method: draw(_operations(dialect, schema_names, path, parameter, method))
            for method in methods
        }
        for method in methods:
            if operation_ids:
                paths[path][method]["operationId"] = operation_ids.pop()
    return {
        "openapi": dialect,
        "info": {"title": draw(texts), "version": "1", "description": draw(texts)},
        "tags": [{"name": draw(names), "description": draw(texts)}],
        "paths": paths,
        "components": {"schemas": components},
    }


@st.composite
def _operations(
    draw: st.DrawFn, dialect: str, refs: list[str], path: str, name: str, method: str
) -> dict[str, Any]:
    schemas = _schemas(dialect, refs)
    places = st.tuples(names, st.sampled_from(["query", "header", "cookie"]))
    parameters = [
        {"name": name, "in": location, "description": draw(texts),
         "deprecated": draw(st.booleans()), "schema": draw(_scalars(dialect))}
        for name, location in draw(st.lists(places, max_size=4, unique=True))
    ]  # fmt: skip
    if "{" in path:
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        )
    operation: dict[str, Any] = {
        "summary": draw(texts),
        "description": draw(texts),
        "tags": [draw(names)],
        "deprecated": draw(st.booleans()),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": draw(texts),
                "content": {"application/json": {"schema": draw(schemas)}},
            },
            "default": {"description": draw(texts)},
        },
    }
    if method in ("post", "put", "patch"):
        media_type = draw(st.sampled_from(["application/json", "multipart/form-data"]))
        body = draw(_objects(schemas)) if media_type != "application/json" else None
        operation["requestBody"] = {
            "required": draw(st.booleans()),
            "content": {media_type: {"schema": body or draw(schemas)}},
        }
    return operation


# ---------------------------------------------------------------------- checks

# What generated (not runtime) modules call, and the names they read.
ALLOWED_CALLS = frozenset(
    {
        "ResponseSpec", "CursorPagination", "APIConventions", "warnings.warn",
        "self._client._request", "self._client._request_page", "_path_param",
        "_comma_separated", "super", "super().__init__", "to_raw_response_wrapper",
        "async_to_raw_response_wrapper", "importlib.import_module", "getattr",
        "globals", "_MODULES.get", "AttributeError", "sorted", "float",
    }
)  # fmt: skip
ALLOWED_TOP_LEVEL = (
    ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef,
    ast.Assign, ast.AnnAssign, ast.Expr, ast.If,
)  # fmt: skip
ALLOWED_MODULES = frozenset(
    {"__future__", "typing", "datetime", "uuid", "builtins", "warnings", "functools",
     "collections.abc", "importlib", "httpx", "msgspec", "enum"}
)  # fmt: skip


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_dotted(node.func)}()"
    return type(node).__name__


def _identifier(node: ast.AST) -> str | None:
    """The name a node binds or reads, if it is one that names something."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.arg | ast.keyword):
        return node.arg
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.name
    if isinstance(node, ast.alias):
        return f"{node.name} {node.asname}"
    return None


def check_statements(path: str, tree: ast.Module, classes: set[str]) -> None:
    """Only the statements the templates write, and the payload only as data."""
    for statement in tree.body:
        assert isinstance(
            statement, ALLOWED_TOP_LEVEL
        ), f"{path}: {ast.dump(statement)}"
        if isinstance(statement, ast.Expr):
            value = statement.value
            assert isinstance(value, ast.Constant) and isinstance(
                value.value, str
            ), f"{path}: an expression that is not a docstring: {ast.unparse(value)}"
        if isinstance(statement, ast.If):
            assert ast.unparse(statement.test) == "TYPE_CHECKING", path
        if isinstance(statement, ast.Import | ast.ImportFrom):
            module = getattr(statement, "module", None) or statement.names[0].name
            relative = getattr(statement, "level", 0) > 0
            assert relative or module in ALLOWED_MODULES, f"{path}: imports {module}"

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = _dotted(node.func)
            assert (
                called in ALLOWED_CALLS or called in classes
            ), f"{path}: calls {ast.unparse(node)[:120]}"
        identifier = _identifier(node)
        assert (
            identifier is None or MARKER not in identifier
        ), f"{path}: the payload became code: {identifier}"


def _generate(
    document: dict[str, Any], root: Path, package: str
) -> tuple[dict[str, str], set[str]]:
    """The generated files (path -> text), and the resource classes they define."""
    spec = root / "openapi.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    bundled = bundle(load_document(spec))
    diagnostics = Diagnostics()
    validate(bundled, diagnostics)
    assert not diagnostics.errors, "\n".join(map(str, diagnostics.errors))
    config = load_config(spec, None, package)
    generated = build_package(bundled, config, diagnostics)
    assert not diagnostics.errors, "\n".join(map(str, diagnostics.errors))

    operations = sum(len(item) for item in document["paths"].values())
    methods = sum(len(resource.operations) for resource in generated.resources)
    assert methods == operations, "every operation has a method"
    classes = {
        f"{prefix}{resource.class_name}{suffix}"
        for resource in generated.resources
        for prefix in ("", "Async")
        for suffix in ("", "WithRawResponse")
    }
    files = {file.path: file.text for file in render_package(generated)}
    return files, classes


def _import_all(root: Path, package: str, modules: list[str]) -> None:
    sys.path.insert(0, str(root))
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            del sys.modules[name]


_COUNTER = iter(range(1_000_000))


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=documents())
def test_random_documents_generate_safe_importable_packages(
    document: dict[str, Any], tmp_path_factory: Any
) -> None:
    root = tmp_path_factory.mktemp("hypothesis")
    package = f"hypothesis_pkg_{next(_COUNTER)}"
    files, classes = _generate(document, root, package)

    modules = []
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        tree = ast.parse(compile(text, path, "exec", ast.PyCF_ONLY_AST))
        name = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        modules.append(name)
        file_name = path.rsplit("/", 1)[-1]
        if file_name in ("__init__.py", "_client.py") or file_name[0] != "_":
            check_statements(path, tree, classes)  # the runtime is the same for all
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    _import_all(root, package, sorted(modules))
