"""Bundle a multi-file document into one, with only local references.

Later stages (the validator, the model builder, the published `openapi.json`) see one
document with one namespace: a schema that lives in another file is moved under
`components/schemas` with the name it has there, so it becomes a model of that name.
Path items referenced from `paths` are written in place. Every place in the bundle keeps
a record of where it came from, so that a message about the bundle still names the file
and line the author wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Location
from .load import _DATA_KEYS, _NAME_MAPS, Document, Pointer, pointer_str

# Where a reference stands decides what kind of component its target is.
_SCHEMA_SLOTS = frozenset(
    {
        "schema", "items", "not", "additionalProperties", "unevaluatedProperties",
        "propertyNames", "contains", "if", "then", "else", "additionalItems",
        "unevaluatedItems", "contentSchema",
    }
)  # fmt: skip
_SCHEMA_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
        "allOf", "anyOf", "oneOf", "prefixItems", "schemas",
    }
)  # fmt: skip
_COMPONENT_MAPS = {
    "parameters": "parameters",
    "responses": "responses",
    "headers": "headers",
    "examples": "examples",
    "links": "links",
    "securitySchemes": "securitySchemes",
    "requestBodies": "requestBodies",
    "callbacks": "callbacks",
    "pathItems": "pathItems",
}
_COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Bundle:
    """One self-contained document, and the origin of each of its places."""

    data: dict[str, Any]
    document: Document
    # Bundle pointer -> (file, pointer) of the source it was copied from.
    origins: dict[Pointer, tuple[Path, Pointer]] = field(default_factory=dict)

    def source(self, pointer: Pointer) -> tuple[Path, Pointer]:
        """The file and pointer an author wrote the bundle's `pointer` at."""
        for length in range(len(pointer), -1, -1):
            origin = self.origins.get(pointer[:length])
            if origin is not None:
                file, source_pointer = origin
                return file, source_pointer + pointer[length:]
        return self.document.root, pointer

    def location(self, pointer: Pointer) -> Location:
        file, source_pointer = self.source(pointer)
        return self.document.location(file, source_pointer)


def bundle(document: Document) -> Bundle:
    """Copy the root document, moving every other file's referenced parts into it."""
    return _Bundler(document).run()


class _Bundler:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.homes: dict[tuple[Path, Pointer], Pointer] = {}
        self.result: dict[str, Any] = {}
        self.moved: dict[str, dict[str, Any]] = {}  # kind -> name -> moved component
        self.origins: dict[Pointer, tuple[Path, Pointer]] = {}
        self.taken: set[Pointer] = set()

    def run(self) -> Bundle:
        root = self.document.root
        data = self.document.data
        self.origins[()] = (root, ())
        if isinstance(data, dict):
            # Claim the root's own component names first: they keep their names.
            # A root component that is only a reference to another file is that
            # target's home, wherever the target is referenced from.
            root_components = data.get("components")
            if not isinstance(root_components, dict):
                root_components = {}  # wrong or empty: the validator says which
            for kind, entries in root_components.items():
                if not isinstance(entries, dict):
                    continue
                for name, entry in entries.items():
                    slot = ("components", kind, name)
                    self.taken.add(slot)
                    if isinstance(entry, dict) and isinstance(entry.get("$ref"), str):
                        target = self.document.resolve(entry["$ref"], root)
                        if target.file != root:
                            self.homes.setdefault((target.file, target.pointer), slot)
            self.result = self._copy(data, root, (), (), False)
            # Components moved in from other files join the root's own. An empty
            # `components:` or `schemas:` line reads as null and counts as an empty
            # map; any other value that is not a map is left for the validator.
            if self.result.get("components") is None:
                self.result["components"] = {}
            components = self.result["components"]
            for kind, entries in self.moved.items():
                if not isinstance(components, dict):
                    break
                if components.get(kind) is None:
                    components[kind] = {}
                if isinstance(components[kind], dict):
                    components[kind].update(entries)
        return Bundle(self.result, self.document, self.origins)

    def _copy(
        self, value: Any, file: Path, source: Pointer, here: Pointer, named: bool
    ) -> Any:
        if isinstance(value, list):
            return [
                self._copy(item, file, (*source, str(i)), (*here, str(i)), False)
                for i, item in enumerate(value)
            ]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str) and not named:
            return self._reference(value, ref, file, here)

        copied: dict[str, Any] = {}
        for key, item in value.items():
            data_key = not named and (
                key in _DATA_KEYS
                or key.startswith("x-")
                or (key == "examples" and isinstance(item, list))
            )
            if data_key:
                copied[key] = item  # data: no references to rewrite inside
            elif not named and key == "discriminator" and isinstance(item, dict):
                copied[key] = self._discriminator(
                    item, file, (*source, key), (*here, key)
                )
            else:
                child_named = not named and key in _NAME_MAPS
                copied[key] = self._copy(
                    item, file, (*source, key), (*here, key), child_named
                )
        return copied

    def _discriminator(
        self, value: dict[str, Any], file: Path, source: Pointer, here: Pointer
    ) -> dict[str, Any]:
        """A discriminator, its mapping pointed at the schemas' places in the bundle.

        A mapping value is a schema name or a reference written as a plain string, so
        it is not rewritten with the `$ref`s; left as written, a value that names
        another file would match none of the union's members, and the variant would
        get the wrong tag.
        """
        copied: dict[str, Any] = self._copy(value, file, source, here, False)
        mapping = copied.get("mapping")
        if not isinstance(mapping, dict):
            return copied
        for tag, ref in mapping.items():
            if not isinstance(ref, str):
                continue
            try:
                self.document.resolve(ref, file)
            except (LookupError, ValueError):
                continue  # a schema name, or a file nothing refers to: as written
            where = ("mapping", tag)
            rewritten = self._reference(
                {"$ref": ref}, ref, file, here + where, kind="schemas"
            )
            mapping[tag] = rewritten["$ref"]
        return copied

    def _reference(
        self,
        value: dict[str, Any],
        ref: str,
        file: Path,
        here: Pointer,
        *,
        kind: str | None = None,
    ) -> Any:
        target = self.document.resolve(ref, file)
        if target.file == self.document.root:
            siblings = {k: v for k, v in value.items() if k != "$ref"}
            return {"$ref": "#" + pointer_str(target.pointer), **siblings}

        key = (target.file, target.pointer)
        home = self.homes.get(key)
        if home == here:
            # The component slot that was chosen as this target's home: fill it.
            self.origins[here] = key
            return self._copy(target.value, target.file, target.pointer, here, False)
        if home is None:
            kind = kind or _component_kind(here)
            if kind is None or _is_component_slot(here):
                # A path item, or the body of a component slot: write it in place, and
                # let later references to the same target point at this slot.
                if kind is not None:
                    self.homes[key] = here
                self.origins[here] = key
                return self._copy(
                    target.value, target.file, target.pointer, here, False
                )
            home = self._claim(kind, target.pointer, target.file)
            self.homes[key] = home
            self.origins[home] = key
            content = self._copy(target.value, target.file, target.pointer, home, False)
            self.moved.setdefault(home[1], {})[home[2]] = content

        siblings = {k: v for k, v in value.items() if k != "$ref"}
        return {"$ref": "#" + pointer_str(home), **siblings}

    def _claim(self, kind: str, pointer: Pointer, file: Path) -> Pointer:
        base = pointer[-1] if pointer else file.stem
        base = _COMPONENT_NAME.sub("_", base) or "component"
        name, number = base, 2
        while ("components", kind, name) in self.taken:
            name = f"{base}_{number}"
            number += 1
        home = ("components", kind, name)
        self.taken.add(home)
        return home


def _is_component_slot(here: Pointer) -> bool:
    return len(here) == 3 and here[0] == "components"


def _component_kind(here: Pointer) -> str | None:
    """The kind of component a reference at `here` names, or None to inline it."""
    if not here:
        return None
    last = here[-1]
    parent = here[-2] if len(here) > 1 else ""
    if last in _SCHEMA_SLOTS or parent in _SCHEMA_MAPS:
        return "schemas"
    if parent in _COMPONENT_MAPS:
        return _COMPONENT_MAPS[parent]
    if last == "requestBody":
        return "requestBodies"
    return None
