"""Read a notebook's ``parameters`` cell and check overrides against it, before any kernel starts.

The parameters cell documents itself: one literal per line, ``name: type = default  # help``.
:func:`notebook_parameters` parses it with :mod:`ast` (never executes it); :func:`check_overrides`
refuses unknown names (listing the valid ones) and values whose type does not fit the
annotation (or, without one, the default's type).
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ParameterSpecError(ValueError):
    """A notebook's parameters cell is missing or not in the documented form."""


class OverrideError(ValueError):
    """A parameter override names an unknown parameter or has the wrong type."""


@dataclass(frozen=True)
class Parameter:
    """One documented notebook parameter."""

    name: str
    type: str
    default: Any
    help: str

    def describe(self) -> str:
        return f"{self.name}: {self.type} = {self.default!r}  # {self.help}"


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def parameters_cell(nb_path: str | Path) -> str:
    """Source of the single cell tagged ``parameters`` in a notebook file."""
    nb_path = Path(nb_path)
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterSpecError(f"notebook {nb_path} not found") from None
    except json.JSONDecodeError as exc:
        raise ParameterSpecError(f"{nb_path} is not a valid notebook: {exc}") from exc
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterSpecError(f"{nb_path.name}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    return _cell_source(cells[0])


def parse_parameters(source: str, where: str = "parameters cell") -> list[Parameter]:
    """Parse ``name: type = literal  # help`` lines into :class:`Parameter` objects.

    Examples
    --------
    >>> [p.describe() for p in parse_parameters('year: int = 2024  # focus year')]
    ["year: int = 2024  # focus year"]
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterSpecError(f"{where}: not valid Python ({exc.msg}, line {exc.lineno})") from exc
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    params: list[Parameter] = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation, value_node = node.target.id, ast.unparse(node.annotation), node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation, value_node = node.targets[0].id, None, node.value
        else:
            raise ParameterSpecError(f"{where}, line {node.lineno}: only `name: type = literal` lines are allowed")
        try:
            default = ast.literal_eval(value_node)
        except ValueError:
            raise ParameterSpecError(f"{where}, line {node.lineno}: the default of {name!r} must be a literal") from None
        if annotation is None:
            annotation = type(default).__name__
        end = getattr(node, "end_lineno", node.lineno)
        help_text = comments.get(node.lineno) or comments.get(end, "")
        params.append(Parameter(name, annotation, default, help_text))
    names = [p.name for p in params]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ParameterSpecError(f"{where}: parameter(s) {dups} defined twice")
    return params


def notebook_parameters(nb_path: str | Path) -> list[Parameter]:
    """The documented parameters of a notebook file."""
    return parse_parameters(parameters_cell(nb_path), where=f"{Path(nb_path).name} parameters cell")


# --- type checking -------------------------------------------------------------------------------


def _matches(value: Any, node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and node.value is None:
        return value is None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _matches(value, node.left) or _matches(value, node.right)
    if isinstance(node, ast.Name):
        simple = {
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "bool": lambda v: isinstance(v, bool),
            "NoneType": lambda v: v is None,
            "None": lambda v: v is None,
            "list": lambda v: isinstance(v, list),
            "dict": lambda v: isinstance(v, dict),
        }
        check = simple.get(node.id)
        return True if check is None else check(value)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        outer = node.value.id
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "list" and len(args) == 1:
            return isinstance(value, list) and all(_matches(v, args[0]) for v in value)
        if outer == "dict" and len(args) == 2:
            return isinstance(value, dict) and all(
                _matches(k, args[0]) and _matches(v, args[1]) for k, v in value.items())
        if outer == "Optional" and len(args) == 1:
            return value is None or _matches(value, args[0])
    return True  # an annotation we do not model is not checked


def fits(value: Any, annotation: str) -> bool:
    """Whether ``value`` fits a parameter annotation such as ``list[str]`` or ``float | None``.

    Examples
    --------
    >>> fits(3, "float"), fits("3", "float"), fits(["a"], "list[str]"), fits(None, "str | None")
    (True, False, True, True)
    """
    try:
        node = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return True
    return _matches(value, node)


def _accepts_plain_string(annotation: str) -> bool:
    return fits("x", annotation)


def parse_cli_value(param: Parameter, raw: str) -> Any:
    """Turn a ``-p NAME VALUE`` string into a typed value for ``param``.

    String parameters take the text as it is; other types are read as YAML (``2024``,
    ``0.25``, ``true``, ``[a, b]``, ``{S: 0.5, A: 0.5}``, ``null``).
    """
    if _accepts_plain_string(param.type):
        if raw in ("null", "None", "~") and fits(None, param.type):
            return None
        return raw
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise OverrideError(f"parameter {param.name!r}: cannot read {raw!r} as a {param.type} ({exc})") from exc


def check_overrides(params: list[Parameter], overrides: dict[str, Any], where: str) -> dict[str, Any]:
    """Check override names and types against the notebook's parameters.

    Raises
    ------
    OverrideError
        For an unknown name (listing the valid ones) or a value whose type does not fit.
    """
    by_name = {p.name: p for p in params}
    problems = []
    checked: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in by_name:
            problems.append(f"{where}: unknown parameter {name!r}; valid parameters are {sorted(by_name)}")
            continue
        p = by_name[name]
        if not fits(value, p.type):
            problems.append(f"{where}: parameter {name!r} must be {p.type} (default {p.default!r}), "
                            f"got {value!r} ({type(value).__name__})")
            continue
        # an int given where a float is declared becomes a float, so results keep their type
        if isinstance(value, int) and not isinstance(value, bool) and p.type == "float":
            value = float(value)
        checked[name] = value
    if problems:
        raise OverrideError("\n".join(problems))
    return checked
