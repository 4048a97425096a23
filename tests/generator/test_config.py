"""config: generator.yaml, --config and --package-name, and the names derived."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import Config, ConfigSource, load_config
from generator.errors import ConfigError, GeneratorError


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text("openapi: 3.1.0\n", encoding="utf-8")
    return path


def write_config(spec: Path, text: str, name: str = "generator.yaml") -> Path:
    path = spec.parent / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(
    spec: Path, config_file: Path | None = None, package_name: str | None = None
) -> str:
    """The message of the ConfigError that loading the config raises."""
    with pytest.raises(ConfigError) as error:
        load_config(spec, config_file, package_name)
    assert isinstance(error.value, GeneratorError)
    return str(error.value)


def test_default_config_beside_the_spec(spec: Path) -> None:
    write_config(spec, "package: demo\n")
    assert load_config(spec) == Config(
        package="demo", distribution="demo", client="Demo", env_prefix="DEMO"
    )


def test_names_derived_from_the_package(spec: Path) -> None:
    write_config(spec, "package: shop_api\nversion: 2.1.0\n")
    assert load_config(spec) == Config(
        package="shop_api",
        distribution="shop-api",
        client="ShopApi",
        env_prefix="SHOP_API",
        version="2.1.0",
    )


def test_every_name_can_be_given(spec: Path) -> None:
    write_config(
        spec,
        "package: shop\ndistribution: acme-shop\nclient: AcmeShop\n"
        "env_prefix: ACME\nversion: 0.1.0\n",
    )
    assert load_config(spec) == Config("shop", "acme-shop", "AcmeShop", "ACME", "0.1.0")


def test_explicit_config_file_wins_over_the_default(spec: Path) -> None:
    write_config(spec, "package: default_one\n")
    other = write_config(spec, "package: other\n", name="other.yaml")
    assert load_config(spec, other).package == "other"


def test_package_name_overrides_the_config(spec: Path) -> None:
    write_config(spec, "package: demo\nclient: DemoClient\n")
    config = load_config(spec, package_name="my_shop")
    assert config == Config("my_shop", "my-shop", "DemoClient", "MY_SHOP")


def test_package_name_without_any_config_file(spec: Path) -> None:
    assert load_config(spec, package_name="demo").client == "Demo"


def test_no_package_name_anywhere(spec: Path) -> None:
    default = spec.parent / "generator.yaml"
    assert config_error(spec) == (
        "No package name: give --package-name NAME, or `package: NAME` in "
        f"{str(default)!r}."
    )
    write_config(spec, "")
    assert config_error(spec).startswith("No package name: ")


def test_missing_explicit_config_file(spec: Path) -> None:
    missing = spec.parent / "missing.yaml"
    assert config_error(spec, missing) == (
        f"The config file {str(missing)!r} cannot be read: [Errno 2] No such file or "
        f"directory: {str(missing)!r}."
    )


def test_config_that_is_not_utf8(spec: Path) -> None:
    path = spec.parent / "generator.yaml"
    path.write_bytes(b"package: d\xe9mo\n")
    assert config_error(spec) == (
        f"The config file {str(path)!r} cannot be read: 'utf-8' codec can't decode "
        "byte 0xe9 in position 10: invalid continuation byte."
    )


def test_a_source_loads_the_config_with_the_fingerprint_of_what_it_read(
    spec: Path,
) -> None:
    # A run keeps its output under the fingerprint of the bytes it parsed; the next
    # run compares it with `fingerprint()`, which parses nothing.
    path = write_config(spec, "package: demo\n")
    source = ConfigSource(spec)
    config, read = source.load()
    assert config.package == "demo"
    assert read == source.fingerprint()
    path.write_text("package: other\n", encoding="utf-8")
    assert read != source.fingerprint()
    assert ConfigSource(spec, package_name="other").fingerprint() != read


def test_unknown_keys(spec: Path) -> None:
    path = write_config(spec, "package: demo\nname: Demo\ncolour: blue\n")
    assert config_error(spec) == (
        f"The config file {str(path)!r} has unknown keys ['colour', 'name']; the "
        "known ones are ['client', 'distribution', 'env_prefix', 'package', "
        "'version']."
    )


def test_config_that_is_not_a_mapping(spec: Path) -> None:
    path = write_config(spec, "- package\n- demo\n")
    assert config_error(spec) == (
        f"The config file {str(path)!r} must hold a mapping of names."
    )


def test_config_that_is_not_yaml(spec: Path) -> None:
    path = write_config(spec, "package: [demo\n")
    message = config_error(spec)
    assert message.startswith(f"The config file {str(path)!r} is not valid YAML: ")
    assert "line 2" in message


@pytest.mark.parametrize("package", ["My-Shop", "2shop", "shop api", "Shop", ""])
def test_bad_package_names(spec: Path, package: str) -> None:
    assert config_error(spec, package_name=package) == (
        f"The package name {package!r} is not a valid import name; use lowercase "
        "letters, digits and underscores, starting with a letter."
    )


def test_package_name_that_is_not_a_string(spec: Path) -> None:
    write_config(spec, "package: 42\n")
    assert config_error(spec).startswith("The package name 42 is not a valid import")


@pytest.mark.parametrize("package", ["class", "import", "lambda"])
def test_keyword_package_names(spec: Path, package: str) -> None:
    assert config_error(spec, package_name=package) == (
        f"The package name {package!r} is a Python keyword, so `import {package}` "
        "cannot work; choose another name."
    )


@pytest.mark.parametrize("client", ["Acme-Shop", "2Shop", "class", "None"])
def test_bad_client_names(spec: Path, client: str) -> None:
    write_config(spec, f"package: shop\nclient: '{client}'\n")
    assert config_error(spec) == (
        f"The client class name {client!r} cannot name a Python class; use letters, "
        "digits and underscores, not starting with a digit, and not a keyword."
    )


@pytest.mark.parametrize(
    ("line", "key", "shown"),
    [
        ("version: 1.0", "version", "1.0"),
        ("version: 2026-01-15", "version", "datetime.date(2026, 1, 15)"),
        ("client: [A]", "client", "['A']"),
        ("distribution: 3", "distribution", "3"),
        ("env_prefix: true", "env_prefix", "True"),
    ],
)
def test_names_must_be_strings(spec: Path, line: str, key: str, shown: str) -> None:
    path = write_config(spec, f"package: shop\n{line}\n")
    assert config_error(spec) == (
        f"`{key}` in {str(path)!r} must be a string, not {shown}."
    )
