"""The generator config: the few names a document cannot say for itself.

A config is a small YAML file (by default `generator.yaml` beside the document):

```yaml
package: codefluss        # the import name
distribution: codefluss   # the name on PyPI; default: the package name with dashes
client: Codefluss         # the client class; default: the package name in PascalCase
env_prefix: CODEFLUSS     # CODEFLUSS_API_KEY, CODEFLUSS_BASE_URL, CODEFLUSS_LOG
version: 1.0.0            # the package version; default: the document's info.version
```

`--package-name` on the command line sets `package`; every name the config leaves out
is derived from it.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError

_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_KEYS = frozenset({"package", "distribution", "client", "env_prefix", "version"})
DEFAULT_CONFIG_NAME = "generator.yaml"


class Config(NamedTuple):
    package: str
    distribution: str
    client: str
    env_prefix: str
    version: str | None = None


class ConfigSource(NamedTuple):
    """Where the config of a run comes from, read only when the run needs it.

    A run that reuses the last run's output needs only to know that the config is
    the same, which `fingerprint` tells from the file's bytes without parsing YAML.
    """

    spec: Path
    file: Path | None = None
    package_name: str | None = None

    def path(self) -> Path:
        """The config file: the one named, else the default beside the spec."""
        return _config_path(self.spec, self.file)

    def fingerprint(self) -> bytes:
        """The same bytes for two sources only if they load the same config."""
        path = _config_path(self.spec, self.file)
        try:
            content: bytes | None = path.read_bytes()
        except OSError:
            content = None
        return self._fingerprint(path, content)

    def load(self) -> tuple[Config, bytes]:
        """The config, and the fingerprint of the very bytes it was read from."""
        path = _config_path(self.spec, self.file)
        content = None
        if self.file is not None or path.exists():
            try:
                content = path.read_bytes()
            except OSError as error:
                raise ConfigError(
                    f"The config file {str(path)!r} cannot be read: {error}."
                ) from None
        values = _values(path, content) if content is not None else {}
        if self.package_name is not None:
            values["package"] = self.package_name
        return _complete(values, path), self._fingerprint(path, content)

    def _fingerprint(self, path: Path, content: bytes | None) -> bytes:
        return repr((str(path.resolve()), content, self.package_name)).encode()


def load_config(
    spec: Path, config_file: Path | None = None, package_name: str | None = None
) -> Config:
    """The config for `spec`: the named file, else `generator.yaml` beside the spec."""
    config, _ = ConfigSource(spec, config_file, package_name).load()
    return config


def _config_path(spec: Path, config_file: Path | None) -> Path:
    return config_file or spec.parent / DEFAULT_CONFIG_NAME


def _values(path: Path, content: bytes) -> dict[str, Any]:
    import yaml  # noqa: PLC0415 - a run that reuses its output reads no YAML

    try:
        values = yaml.safe_load(content.decode("utf-8")) or {}
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"The config file {str(path)!r} cannot be read: {error}."
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(
            f"The config file {str(path)!r} is not valid YAML: {error}"
        ) from None
    if not isinstance(values, dict):
        raise ConfigError(
            f"The config file {str(path)!r} must hold a mapping of names."
        )
    unknown = sorted(set(values) - _KEYS)
    if unknown:
        raise ConfigError(
            f"The config file {str(path)!r} has unknown keys {unknown}; "
            f"the known ones are {sorted(_KEYS)}."
        )
    return values


def _complete(values: dict[str, Any], path: Path) -> Config:
    package = values.get("package")
    if package is None:
        raise ConfigError(
            "No package name: give --package-name NAME, or `package: NAME` in "
            f"{str(path)!r}."
        )
    if not isinstance(package, str) or not _PACKAGE.match(package):
        raise ConfigError(
            f"The package name {package!r} is not a valid import name; use lowercase "
            "letters, digits and underscores, starting with a letter."
        )
    if keyword.iskeyword(package):
        raise ConfigError(
            f"The package name {package!r} is a Python keyword, so `import {package}` "
            "cannot work; choose another name."
        )
    for key in ("distribution", "client", "env_prefix", "version"):
        if key in values and not isinstance(values[key], str):
            raise ConfigError(
                f"`{key}` in {str(path)!r} must be a string, not {values[key]!r}."
            )

    # Imported here: a run that reuses its output reads no config, and needs no names.
    from .names import pascal_case  # noqa: PLC0415

    client = values.get("client") or pascal_case(package)
    if not client.isidentifier() or keyword.iskeyword(client):
        raise ConfigError(
            f"The client class name {client!r} cannot name a Python class; use "
            "letters, digits and underscores, not starting with a digit, and not a "
            "keyword."
        )
    return Config(
        package=package,
        distribution=values.get("distribution") or package.replace("_", "-"),
        client=client,
        env_prefix=values.get("env_prefix") or package.upper(),
        version=values.get("version"),
    )
