"""Plan the Python snippet of an operation: the call, and what it needs first.

The call uses the method the SDK generator made for the operation, with its names
(resource attribute, method, snake_case arguments, path parameters positional) and
the values of the operation's request example, typed as the method's signature says.

A snippet runs as written against a fresh server: every id it uses belongs to an
object that the snippet creates first, in setup lines at its top. The rules, all read
from the document (see README.md):

- A path id names an object of a *kind* (see `examples.Kind`); the setup creates it
  with the kind's create method, with the required values of the object of that id in
  the response examples.
- An argument whose example value is the id of an object of a known kind (a `parentId`)
  is bound to an object the setup creates, with the values the examples give it.
- Objects that the list examples show under such a referenced object are created too,
  so that a position among them exists (an element inserted at position 1).
- An action on an object (a `POST` to `.../publish`) acts on an object with content:
  the first object the list examples show inside it is created first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostics
from ..model import Operation, Package, Parameter, Resource
from ..names import UniqueNames, snake_case, string_literal
from .examples import Examples, Kind
from .literals import Expression, Literals

BODY_LOCATIONS = ("body", "form", "file")
FILE_NAME = re.compile(r"[\w-]+\.[A-Za-z0-9]{2,5}\b")
# Names a snippet defines or imports itself; objects get other names.
_TAKEN = frozenset({"client", "Path", "datetime", "uuid", "print", "response", "os"})


@dataclass(frozen=True)
class Call:
    """A method call with the statements that create what it needs."""

    setup: tuple[str, ...]
    target: str  # "client.projects.create"
    arguments: tuple[str, ...]
    result: str | None  # the variable the result is bound to
    paginated: bool
    show: str | None  # what to print: "project.id"
    models: frozenset[str] = frozenset()  # imported from the package's models
    modules: frozenset[str] = frozenset()  # imported from the standard library
    files: tuple[str, ...] = ()  # local files the snippet reads

    @property
    def expression(self) -> str:
        return f"{self.target}({', '.join(self.arguments)})"


@dataclass
class _Plan:
    """One snippet while it is being planned."""

    operation: Operation
    needed: set[str]  # the ids the call names
    names: UniqueNames
    setup: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(
        default_factory=dict
    )  # id -> variable ("" unnamed)
    models: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def use(self, expression: Expression) -> str:
        self.models |= expression.models
        self.modules |= expression.modules
        return expression.text


class SnippetPlanner:
    """Plans the calls of one document's snippets."""

    def __init__(
        self, examples: Examples, package: Package, diagnostics: Diagnostics
    ) -> None:
        self.examples = examples
        self.package = package
        self.diagnostics = diagnostics
        definitions = {d.name: d for m in package.modules for d in m.definitions}
        self.literals = Literals(definitions)
        self.listed = self._listed_ids()

    def call(
        self,
        resource: Resource,
        operation: Operation,
        *,
        literal_ids: bool = False,
        taken: Iterable[str] = (),
    ) -> Call:
        """The call of `operation` with its example values, and its setup.

        With `literal_ids`, path ids are the document's example values and nothing
        is created first (for samples meant to fail, such as a 404).
        """
        arguments = self.arguments(operation)
        plan = _Plan(
            operation=operation,
            needed=self._needed(operation, arguments),
            names=UniqueNames(_TAKEN | set(taken)),
        )
        rendered = [
            self._path_argument(plan, parameter, literal_ids)
            for parameter in operation.path_parameters
        ]
        for parameter, value in arguments:
            text = self._argument(plan, operation, parameter, value)
            if text is not None:
                rendered.append(f"{parameter.name}={text}")
        if not literal_ids:
            self._siblings(plan, arguments)
            self._content(plan)

        result, show = self._result(plan)
        return Call(
            setup=tuple(plan.setup),
            target=f"client.{resource.name}.{operation.name}",
            arguments=tuple(rendered),
            result=result,
            paginated=operation.response.pagination is not None,
            show=show,
            models=frozenset(plan.models),
            modules=frozenset(plan.modules),
            files=tuple(plan.files),
        )

    def arguments(self, operation: Operation) -> list[tuple[Parameter, Any]]:
        """The keyword arguments a snippet passes, with their example values.

        The request example's properties, in its order; required query and header
        parameters (never the cursor of a list: the page object handles it).
        """
        pagination = operation.response.pagination
        cursor = pagination.cursor_param if pagination else None
        chosen: list[tuple[Parameter, Any]] = [
            (parameter, self.parameter_example(operation, parameter))
            for parameter in operation.keyword_parameters
            if parameter.location in ("query", "header", "cookie")
            and parameter.required
            and parameter.wire_name != cursor
        ]

        _, example = self.examples.request_example(operation)
        if operation.body_parameter is not None:
            if example is not ...:
                chosen.append((operation.body_parameter, example))
            return chosen
        body = [p for p in operation.parameters if p.location in BODY_LOCATIONS]
        by_wire = {p.wire_name: p for p in body}
        for key, value in example.items() if isinstance(example, dict) else ():
            if key in by_wire:
                chosen.append((by_wire[key], value))
            else:
                self._warn(
                    operation,
                    f"The request example sets {key!r}, which the method does not "
                    "take; the snippet leaves it out.",
                )
        given = {p.wire_name for p, _ in chosen}
        chosen += [
            (p, self.schema_value(operation, p))
            for p in body
            if p.required and p.wire_name not in given
        ]
        return chosen

    def parameter_example(self, operation: Operation, parameter: Parameter) -> Any:
        spec = self.examples.parameter(
            operation, parameter.wire_name, parameter.location
        )
        return self.examples.parameter_example(spec)

    def schema_value(self, operation: Operation, parameter: Parameter) -> Any:
        """The example a body property's schema gives, or `...`."""
        document = self.examples.operation(operation)
        body = self.examples.deref(document.get("requestBody")) or {}
        for media in (body.get("content") or {}).values():
            schema = self.examples.deref((media or {}).get("schema"))
            for name, prop in self.examples.properties(schema):
                if name == parameter.wire_name:
                    return self.examples.schema_example(prop)
        return ...

    def payload(self, operation: Operation, body: Any) -> Any:
        """The part of a response body the method returns (the envelope's payload)."""
        envelope = operation.response.envelope
        model = self.examples.models.get(operation.response.body_annotation)
        if envelope is None or model is None or not isinstance(body, dict):
            return body
        prop = next((p for p in model.properties if p.name == envelope), None)
        return body.get(prop.wire_name) if prop else body

    # ---------------------------------------------------------------- arguments

    def _needed(
        self, operation: Operation, arguments: list[tuple[Parameter, Any]]
    ) -> set[str]:
        """The ids the call names: its path ids and the ids among its arguments."""
        needed = {
            value
            for p in operation.path_parameters
            if isinstance(value := self.parameter_example(operation, p), str)
        }
        needed |= {
            value
            for _, value in arguments
            if self.examples.kind_of_value(value) is not None
        }
        return needed

    def _path_argument(self, plan: _Plan, parameter: Parameter, literal: bool) -> str:
        operation = plan.operation
        value = self.parameter_example(operation, parameter)
        kind = self.examples.kind_of_parameter(operation.path, parameter.wire_name)
        if kind is None or literal or not isinstance(value, str):
            found = self.literals.expression(value, parameter.annotation)
            if found is not None:
                return plan.use(found)
            self._warn(
                operation,
                f"The path parameter {parameter.wire_name!r} has no example; the "
                "snippet passes an empty string.",
            )
            return '""'
        return self._reference(plan, value, kind, snake_case(kind.model))

    def _argument(
        self, plan: _Plan, operation: Operation, parameter: Parameter, value: Any
    ) -> str | None:
        """One keyword argument's value as Python source (None: leave it out)."""
        if value is ...:
            self._warn(
                operation,
                f"The required parameter {parameter.wire_name!r} has no example "
                "value; the snippet leaves it out.",
            )
            return None
        if parameter.location == "file":
            return self._file(plan, value, parameter)
        kind = self.examples.kind_of_value(value)
        if kind is not None:
            return self._reference(plan, value, kind, _reference_name(parameter))
        found = self.literals.expression(value, parameter.annotation)
        if found is None:
            self._warn(
                operation,
                f"The example value {value!r} of {parameter.wire_name!r} does not fit "
                f"the type {parameter.annotation!r}; the snippet leaves it out.",
            )
            return None
        return plan.use(found)

    def _file(self, plan: _Plan, value: Any, parameter: Parameter) -> str:
        """A file argument: a local file named after the example, as a path."""
        plan.files.append(file_name(value, parameter.wire_name))
        plan.modules.add("pathlib.Path")
        return f"Path({string_literal(plan.files[-1])})"

    def _reference(self, plan: _Plan, object_id: str, kind: Kind, name: str) -> str:
        return f"{self._ensure(plan, object_id, kind, name)}.{kind.id_attribute}"

    # -------------------------------------------------------------------- setup

    def _ensure(self, plan: _Plan, object_id: str, kind: Kind, name: str | None) -> str:
        """The variable holding object `object_id`, created first if need be.

        The object gets the required values of its example, and the references to
        other objects the snippet needs anyway. With `name` None it is created
        without a variable, and the empty string is returned.
        """
        if object_id in plan.variables:
            return plan.variables[object_id]
        record = self._record(object_id)
        arguments = [
            self._owner(plan, kind, parameter, record)
            for parameter in kind.create.path_parameters
        ]
        for parameter in kind.create.parameters:
            if parameter.location not in BODY_LOCATIONS:
                continue
            value = record.get(parameter.wire_name, ...)
            if not (parameter.required or _is_needed(value, plan.needed)):
                continue
            if value is ...:
                value = self._create_value(kind, parameter)
            text = self._argument(plan, kind.create, parameter, value)
            if text is not None:
                arguments.append(f"{parameter.name}={text}")

        method = f"client.{kind.resource.name}.{kind.create.name}"
        statement = f"{method}({', '.join(arguments)})"
        variable = plan.names.claim(name) if name is not None else ""
        plan.variables[object_id] = variable
        plan.setup.append(f"{variable} = {statement}" if variable else statement)
        return variable

    def _owner(
        self, plan: _Plan, kind: Kind, parameter: Parameter, record: dict[str, Any]
    ) -> str:
        """A path argument of a create call: the object it creates the new one in."""
        owner = self.examples.kind_of_parameter(kind.create.path, parameter.wire_name)
        value = record.get(parameter.wire_name)
        if owner is not None and not isinstance(value, str):
            known = (
                v for v in plan.variables if plan.variables[v] and owner.matches(v)
            )
            value = next(known, self.parameter_example(kind.create, parameter))
        if owner is None or not isinstance(value, str):
            found = self.literals.expression(value, parameter.annotation)
            return plan.use(found) if found is not None else '""'
        return self._reference(plan, value, owner, snake_case(owner.model))

    def _siblings(self, plan: _Plan, arguments: list[tuple[Parameter, Any]]) -> None:
        """Create the objects a list example shows beside an object the call names.

        A call that puts something under a parent at a position needs the parent's
        other children to exist, as the examples show them.
        """
        subject = self._subject(plan.operation)
        for parameter, value in arguments:
            if self.examples.kind_of_value(value) is None:
                continue
            for object_id in self.listed:
                kind, record = self.examples.world[object_id]
                takes = any(
                    p.wire_name == parameter.wire_name for p in kind.create.parameters
                )
                beside = record.get(parameter.wire_name) == value
                if takes and beside and object_id != subject:
                    self._ensure(plan, object_id, kind, None)

    def _content(self, plan: _Plan) -> None:
        """Before an action on an object, put into it the first thing the examples show.

        Publishing a project whose examples have pages, say, creates a page first.
        """
        operation = plan.operation
        if operation.http_method != "POST" or not operation.path_parameters:
            return
        last = operation.path_parameters[-1]
        subject = self.examples.kind_of_parameter(operation.path, last.wire_name)
        if subject is None or operation.path.endswith("}"):
            return
        subject_id = self.parameter_example(operation, last)
        depth = subject.item_path.count("{") + 1
        for object_id in self.listed:
            kind, record = self.examples.world[object_id]
            inside = (
                kind.item_path.startswith(subject.item_path + "/")
                and kind.item_path.count("{") == depth
            )
            if inside and record.get(last.wire_name) == subject_id:
                self._ensure(plan, object_id, kind, None)
                return

    def _record(self, object_id: str) -> dict[str, Any]:
        found = self.examples.world.get(object_id)
        return found[1] if found else {}

    def _create_value(self, kind: Kind, parameter: Parameter) -> Any:
        _, example = self.examples.request_example(kind.create)
        if isinstance(example, dict) and parameter.wire_name in example:
            return example[parameter.wire_name]
        return self.schema_value(kind.create, parameter)

    def _subject(self, operation: Operation) -> Any:
        """The id of the object a call creates, as its response example shows it."""
        status, example = self.examples.response_example(operation)
        creates = any(kind.create == operation for kind in self.examples.kinds)
        payload = self.payload(operation, example)
        if not (status == "201" or creates) or not isinstance(payload, dict):
            return None
        kind = next(
            (k for k in self.examples.kinds if k.matches(payload.get(k.id_wire))), None
        )
        return payload.get(kind.id_wire) if kind else None

    def _listed_ids(self) -> list[str]:
        """Ids of the objects the examples of list operations show, in order."""
        listed: list[str] = []
        for resource in self.package.resources:
            for operation in resource.operations:
                if operation.response.pagination is None:
                    continue
                _, example = self.examples.response_example(operation)
                items = self.payload(operation, example)
                for item in items if isinstance(items, list) else ():
                    listed += [
                        object_id
                        for object_id, (kind, _) in self.examples.world.items()
                        if isinstance(item, dict)
                        and item.get(kind.id_wire) == object_id
                    ]
        return list(dict.fromkeys(listed))

    # ------------------------------------------------------------------- result

    def _result(self, plan: _Plan) -> tuple[str | None, str | None]:
        """The variable for the call's result, and what is worth printing of it.

        A create call names its object after the kind; a call returning an object
        the setup made (an update) rebinds that variable, unless it creates a new one
        (a copy: `new_page`).
        """
        response = plan.operation.response
        if response.pagination is not None:
            item = response.pagination.item_annotation
            name = plan.names.claim(snake_case(item))
            return name, self._shown(name, item)
        annotation = response.return_annotation
        if annotation == "None":
            return None, None

        status, _ = self.examples.response_example(plan.operation)
        created = next(
            (k for k in self.examples.kinds if k.create == plan.operation), None
        )
        same = [
            variable
            for object_id, variable in plan.variables.items()
            if variable and self._model_of(object_id) == annotation
        ]
        if created is not None:
            name = plan.names.claim(snake_case(created.model))
        elif same and status != "201":
            name = same[-1]
        elif same:
            name = plan.names.claim(f"new_{same[-1]}")
        else:
            name = plan.names.claim(snake_case(annotation.replace("builtins.", "")))
        return name, self._shown(name, annotation)

    def _model_of(self, object_id: str) -> str | None:
        found = self.examples.world.get(object_id)
        if found is not None:
            return found[0].model
        kind = self.examples.kind_of_value(object_id)
        return kind.model if kind else None

    def _shown(self, variable: str, annotation: str) -> str:
        """The id of a returned object, else its first required property."""
        model = self.examples.models.get(annotation)
        if model is None:
            return variable
        kind = next((k for k in self.examples.kinds if k.model == model.name), None)
        if kind is not None:
            return f"{variable}.{kind.id_attribute}"
        first = next((p for p in model.properties if p.default is None), None)
        return f"{variable}.{first.name}" if first else variable

    def _warn(self, operation: Operation, message: str) -> None:
        where = f"{operation.http_method} {operation.path}"
        self.diagnostics.warn(f"Code sample: {message}", None, where)


def file_name(value: Any, wire_name: str) -> str:
    """The local file a file argument reads: named in the example, else made up."""
    match = FILE_NAME.search(value) if isinstance(value, str) else None
    return match.group(0) if match else f"{wire_name}.bin"


def _is_needed(value: Any, needed: set[str]) -> bool:
    return isinstance(value, str) and value in needed


def _reference_name(parameter: Parameter) -> str:
    """`parent_id` -> `parent`: the variable for the object an argument names."""
    return parameter.name.removesuffix("_id") or parameter.name
