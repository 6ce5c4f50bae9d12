"""Reading the council's configuration files, with errors a person can act on.

Every problem comes out as a `ConfigError` naming the file, the key and line where it can
be found, and what was expected; the CLI prints it without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from moderation.registers import Registers
from moderation.rules import HouseRules
from moderation.vocabulary import Vocabulary

DEFAULT_RULES_FILE = Path(__file__).with_name("rules.yaml")
DEMO_REGISTERS_DIR = Path(__file__).with_name("demo_data")
REGISTER_FILES = ("people.yaml", "facts.yaml", "contacts.yaml")
T = TypeVar("T")
BUNDLED_VOCABULARY = Path(__file__).with_name("vocabulary.yaml")
COUNCIL_VOCABULARY = "vocabulary.yaml"


class ConfigError(Exception):
    """A configuration file is missing or wrong. The message says where and what."""


def _line_of(node: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the YAML node at `path`, or of the deepest part of it found."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if str(k.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


# libyaml's safe loader where PyYAML was built with it (the wheels are): the registers are
# read on every start, and the pure-Python parser took half a second of a cold `classify`.
# Each file is parsed once: the data is built from the node tree kept for line numbers.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file, returning its data and node tree (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        raise ConfigError(f"{path}: {where}: not valid YAML: {exc.problem}") from None
    return data, node


# Parts of a key's name that mark its value as a secret (or as good as one: an incoming
# webhook's address is its own credential).
_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "credential",
    "auth",
    "apikey",
    "cookie",
    "signature",
    "webhook_url",
)


def looks_secret(key: str) -> bool:
    """Whether a setting called `key` (or any part of a dotted key) may hold a secret."""
    name = key.lower()
    return any(word in name for word in _SECRET_WORDS) or "key" in name.replace(".", "_").split("_")


def _fields_at(model: type[BaseModel] | None, path: Sequence[str | int]) -> list[str]:
    """The setting names a model accepts at `path` (for "did you mean"), if known."""
    for part in path:
        if model is None:
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        found = field.annotation
        candidates = [found, *getattr(found, "__args__", ())]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
    return list(model.model_fields) if model is not None else []


def _value_shown(err: Any, loc: Sequence[str | int]) -> str:
    """What of the value given is shown with a problem: nothing for an unknown key (a
    misspelt secret is still a secret) or for a key that looks secret; otherwise the value,
    so a person sees what was read."""
    got = err.get("input")
    if err["type"] == "missing":
        return ""
    if err["type"] == "extra_forbidden":
        return " (its value is not shown)"
    if isinstance(got, (dict, list)) or got is None:
        return ""
    if any(isinstance(p, str) and looks_secret(p) for p in loc):
        return " (the value is not shown: the key holds a secret)"
    return f" (got {got!r})"


def explain_validation_error(
    path: Path,
    exc: ValidationError,
    node: yaml.Node | None,
    skip: int = 0,
    model: type[BaseModel] | None = None,
) -> str:
    """One line per problem: where (line and key), what is wrong, and the value given
    unless it may be a secret. With `model`, an unknown key is answered with the closest
    known one."""
    lines = [f"{path}: {exc.error_count()} problem(s):"]
    for err in exc.errors():
        loc = [
            p for p in err["loc"][skip:] if not (isinstance(p, str) and p.startswith("function-"))
        ]
        key = ".".join(str(p) for p in loc) or "(top level)"
        line = _line_of(node, loc)
        where = f"line {line}, " if line else ""
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "not a known setting"
            known = _fields_at(model, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), known, n=1) if loc else []
            if close:
                message += f" (did you mean '{close[0]}'?)"
        lines.append(f"  {where}key '{key}': {message}{_value_shown(err, loc)}")
    return "\n".join(lines)


def _read_mapping(path: Path, build: Callable[[dict[str, Any]], T], expected: str) -> T:
    """A YAML file holding one mapping, checked by `build`; errors name file, key and line."""
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with {expected} at the top")
    try:
        return build(data)
    except ValidationError as exc:
        raise ConfigError(explain_validation_error(path, exc, node)) from None


def load_rules(path: Path | None = None) -> HouseRules:
    return _read_mapping(
        path or DEFAULT_RULES_FILE, HouseRules.from_mapping, "'version' and 'categories'"
    )


def load_vocabulary(path: Path) -> Vocabulary:
    """One vocabulary file (the bundled one or a council's additions), checked."""
    if read_yaml(path)[0] is None:
        return Vocabulary()
    sections = ", ".join(f"'{name}'" for name in Vocabulary.model_fields)
    return _read_mapping(path, Vocabulary.model_validate, f"any of {sections}")


def load_registers(folder: Path | None = None) -> Registers:
    """Read people.yaml, facts.yaml and contacts.yaml from `folder` (all three are needed),
    and the vocabulary: the bundled one plus the folder's own vocabulary.yaml, if any."""
    folder = folder or DEMO_REGISTERS_DIR
    if not folder.is_dir():
        raise ConfigError(
            f"{folder}: registers folder not found (expected {', '.join(REGISTER_FILES)})"
        )
    missing = [name for name in REGISTER_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(
            f"{folder}: registers folder lacks {', '.join(missing)} "
            f"(a register with no entries can be an empty list, [] or {{}})"
        )
    parsed: dict[str, tuple[Any, yaml.Node | None]] = {
        name: read_yaml(folder / name) for name in REGISTER_FILES
    }
    for name, shape in (("people.yaml", list), ("facts.yaml", list), ("contacts.yaml", dict)):
        data = parsed[name][0]
        if data is not None and not isinstance(data, shape):
            kind = "a list of entries" if shape is list else "a mapping"
            raise ConfigError(f"{folder / name}: expected {kind} at the top level")
    try:
        Registers.model_validate({"people": parsed["people.yaml"][0] or ()})
        Registers.model_validate({"facts": parsed["facts.yaml"][0] or ()})
        Registers.model_validate({"contacts": parsed["contacts.yaml"][0] or {}})
    except ValidationError as exc:
        first = str(exc.errors()[0]["loc"][0])
        file = folder / f"{first}.yaml"
        # The register name is the first part of the error path; the file's own keys follow.
        raise ConfigError(
            explain_validation_error(file, exc, parsed[f"{first}.yaml"][1], skip=1)
        ) from None
    vocabulary = load_vocabulary(BUNDLED_VOCABULARY)
    if (folder / COUNCIL_VOCABULARY).is_file():
        vocabulary = vocabulary.with_additions(load_vocabulary(folder / COUNCIL_VOCABULARY))
    registers = Registers.from_mappings(
        parsed["people.yaml"][0], parsed["facts.yaml"][0], parsed["contacts.yaml"][0]
    )
    return registers.model_copy(update={"vocabulary": vocabulary})
