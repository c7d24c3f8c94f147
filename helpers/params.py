"""One parameter model per notebook, declared once with pydantic, checked before any kernel starts.

A notebook's parameters live in ``helpers/<domain>/params.py`` as a subclass of
:class:`NotebookParams`: name, type, default, help (the field description), ranges, choices
(``Literal``) and cross-field rules (``model_validator``). From that one declaration:

* :meth:`NotebookParams.parameters_cell` writes the notebook's ``parameters`` cell
  (``name: type = default  # help``, in the form papermill's ``--help-notebook`` parses), and a
  test checks the committed cell equals it (``python -m helpers params NB --write`` rewrites it);
* :meth:`NotebookParams.check_overrides` validates ``-p`` overrides and ``runs.yaml`` runs in the
  batch runner, before any kernel starts;
* :meth:`NotebookParams.from_notebook` validates the same values in the notebook's first cell
  after the parameters, so an interactive user gets the same message.

Messages name the parameter, the value and what is allowed, and show how to write the value on
the command line. ``-p`` values are YAML literals: ``[Amazon, Coupang]``, ``{S+: 0.4, S: 0.6}``,
``0.25``, ``true``, ``null`` (``None`` too); a text parameter takes the text as written.

Notebooks without a registered model (test fixtures) fall back to :func:`parse_parameters`, which
reads the cell with :mod:`ast` and never executes it.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["NotebookParams", "ParameterError", "ParameterSpecError", "OverrideError", "Parameter",
           "data_path", "notebook_parameters", "parse_parameters", "parse_cli_value"]


class ParameterError(ValueError):
    """A parameter value breaks its rule (range, choice, type, a cross-field rule, a missing file)."""


class ParameterSpecError(ValueError):
    """A notebook's parameters cell is missing or not in the documented form."""


class OverrideError(ParameterError):
    """An override names an unknown parameter or has a value the notebook's model refuses."""


@dataclass(frozen=True)
class Parameter:
    """One documented notebook parameter (as listed by ``python -m helpers params``)."""

    name: str
    type: str
    default: Any
    help: str
    allowed: str = ""

    def describe(self) -> str:
        return f"{self.name}: {self.type} = {self.default!r}  # {self.help}"


def data_path(default: str | None, help: str, **kw: Any) -> Any:
    """A field holding a data file path (relative to the project root, or absolute).

    The runner checks that the file exists before any kernel starts; ``None`` or ``""`` means
    "no file" where the annotation allows it.
    """
    return Field(default, description=help, json_schema_extra={"path": True}, **kw)


# --- literals and annotations as the parameters cell writes them ----------------------------------


def _literal(value: Any) -> str:
    """A Python literal for ``value``, with double-quoted strings (papermill parses either)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _type_text(annotation: Any) -> str:
    """``str``, ``list[str]``, ``dict[str, float]`` or ``Optional[...]`` for a field annotation."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _type_text(get_args(annotation)[0])
    if origin is Literal:
        kinds = {type(a) for a in get_args(annotation)}
        return _type_text(kinds.pop()) if len(kinds) == 1 else "str"
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        inner = _type_text(args[0]) if len(args) == 1 else "str"
        return f"Optional[{inner}]" if len(args) < len(get_args(annotation)) else inner
    if origin in (list, tuple):
        return f"list[{_type_text(get_args(annotation)[0])}]"
    if origin is dict:
        k, v = get_args(annotation)
        return f"dict[{_type_text(k)}, {_type_text(v)}]"
    return getattr(annotation, "__name__", str(annotation))


def _choices(annotation: Any) -> tuple[Any, ...]:
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in get_args(annotation):
            found = _choices(arg)
            if found:
                return found
    return ()


def _accepts_text(annotation: Any) -> bool:
    """Whether a field takes free text (so a ``-p`` value is used as written)."""
    origin = get_origin(annotation)
    if annotation is str or origin is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        return True
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_accepts_text(a) for a in get_args(annotation) if a is not type(None))
    return False


def _accepts_none(annotation: Any) -> bool:
    return get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in get_args(annotation)


# --- the model ------------------------------------------------------------------------------------


class NotebookParams(BaseModel):
    """Base of every notebook's parameter model.

    Subclasses set ``NOTEBOOK`` (the notebook's file stem) and declare one field per parameter:
    ``Field(default, description="help, unit", ge=..., le=...)``, ``Literal[...]`` for choices,
    :func:`data_path` for files, and ``model_validator(mode="after")`` for cross-field rules
    (raise ``ValueError`` with a message that names the parameters).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)

    NOTEBOOK: ClassVar[str] = ""

    # -- description -------------------------------------------------------------------------------

    @classmethod
    def parameters(cls) -> list[Parameter]:
        """Every parameter: name, type as written in the cell, default, help, what is allowed."""
        out = []
        for name, field in cls.model_fields.items():
            out.append(Parameter(name, _type_text(field.annotation), field.default,
                                 field.description or "", cls.allowed(name)))
        return out

    @classmethod
    def allowed(cls, name: str) -> str:
        """What a field allows, in words: choices, range, "a file path", "or null"."""
        field = cls.model_fields[name]
        parts: list[str] = []
        choices = _choices(field.annotation)
        if choices:
            parts.append("one of " + ", ".join(str(c) for c in choices))
        bounds = []
        for meta in field.metadata:
            for attr, sign in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
                if getattr(meta, attr, None) is not None:
                    bounds.append(f"{sign} {getattr(meta, attr)}")
        if bounds:
            parts.append("value " + " and ".join(bounds))
        for meta in field.metadata:
            if getattr(meta, "min_length", None):
                parts.append(f"at least {meta.min_length} item(s)")
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if extra.get("path"):
            parts.append("an existing file (relative to the project root, or absolute)")
        if _accepts_none(field.annotation):
            parts.append("or null")
        return "; ".join(parts) or _type_text(field.annotation)

    @classmethod
    def path_fields(cls) -> list[str]:
        return [n for n, f in cls.model_fields.items()
                if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("path")]

    @classmethod
    def parameters_cell(cls) -> str:
        """The notebook's ``parameters`` cell, generated from the model (one literal per line)."""
        lines = []
        for p in cls.parameters():
            if "=" in p.help or "\n" in p.help:
                raise ParameterSpecError(f"{cls.__name__}.{p.name}: help must not contain '=' or a "
                                         "newline (papermill's --help-notebook cannot parse it)")
            ann = f'"{p.type}"' if p.type.startswith("Optional[") else p.type
            lines.append(f"{p.name}: {ann} = {_literal(p.default)}  # {p.help}")
        return "\n".join(lines)

    # -- validation --------------------------------------------------------------------------------

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {n: f.default for n, f in cls.model_fields.items()}

    @classmethod
    def build(cls, values: dict[str, Any], *, where: str = "parameters") -> NotebookParams:
        """Validate ``values`` (defaults filled in) or raise :class:`ParameterError`."""
        unknown = sorted(set(values) - set(cls.model_fields))
        if unknown:
            raise OverrideError(f"{where}: unknown parameter(s) {unknown}; valid parameters are "
                                f"{sorted(cls.model_fields)}")
        merged = {**cls.defaults(), **values}
        for name, value in list(merged.items()):  # an int where a float is declared is a float
            if isinstance(value, int) and not isinstance(value, bool) and _type_text(
                    cls.model_fields[name].annotation).replace("Optional[", "").startswith("float"):
                merged[name] = float(value)
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            raise OverrideError(cls._explain(exc, merged, where)) from None

    @classmethod
    def from_notebook(cls, namespace: dict[str, Any]) -> NotebookParams:
        """Validate the parameters as a notebook's namespace holds them (``globals()``)."""
        missing = [n for n in cls.model_fields if n not in namespace]
        if missing:
            raise ParameterError(f"{cls.NOTEBOOK}: parameter(s) {missing} are not defined; run the "
                                 "parameters cell first")
        return cls.build({n: namespace[n] for n in cls.model_fields}, where=cls.NOTEBOOK or "parameters")

    @classmethod
    def check_overrides(cls, overrides: dict[str, Any], where: str) -> dict[str, Any]:
        """Validate overrides for the runner; return them as the model normalised them."""
        model = cls.build(overrides, where=where)
        return {n: getattr(model, n) for n in overrides}

    @classmethod
    def _explain(cls, exc: ValidationError, values: dict[str, Any], where: str) -> str:
        lines = []
        for err in exc.errors(include_url=False):
            loc = [str(x) for x in err.get("loc", ()) if not isinstance(x, int)]
            name = loc[0] if loc and loc[0] in cls.model_fields else None
            msg = re.sub(r"^(Value|Assertion) error, ", "", err.get("msg", ""))
            if name is None:  # a cross-field rule: its message names the parameters
                lines.append(f"{where}: {msg}")
                continue
            value = values.get(name)
            lines.append(f"{where}: parameter {name!r} = {value!r} is not allowed: {msg}; allowed: "
                         f"{cls.allowed(name)} (command line: -p {name} "
                         f"{cli_example(cls.model_fields[name].default)})")
        return "\n".join(dict.fromkeys(lines))

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


def cli_example(value: Any) -> str:
    """How a value is written after ``-p NAME`` (a YAML literal, shell-quoted when needed).

    Examples
    --------
    >>> cli_example(["Amazon", "Coupang"]), cli_example({"S+": 0.4}), cli_example(None), cli_example(0.19)
    ("'[Amazon, Coupang]'", "'{S+: 0.4}'", 'null', '0.19')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
        return f"'{text}'"
    text = str(value)
    return f"'{text}'" if any(c in text for c in " *?[]{}|&;<>()$`\\\"'") or text == "" else text


def parse_cli_value(model: type[NotebookParams] | None, name: str, raw: str) -> Any:
    """Turn a ``-p NAME VALUE`` string into a value: a YAML literal, or the text for a text field.

    Examples
    --------
    >>> parse_cli_value(None, "x", "[a, b]"), parse_cli_value(None, "x", "None")
    (['a', 'b'], None)
    """
    if raw in ("null", "None", "~"):
        return None
    annotation = model.model_fields[name].annotation if model and name in model.model_fields else None
    if annotation is not None and _accepts_text(annotation):
        return raw
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise OverrideError(f"parameter {name!r}: cannot read {raw!r} as a YAML literal ({exc})") from exc


# --- the committed parameters cell ----------------------------------------------------------------


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
    """Parse ``name: type = literal  # help`` lines into :class:`Parameter` objects (no execution).

    Examples
    --------
    >>> [p.describe() for p in parse_parameters('year: int = 2024  # focus year')]
    ['year: int = 2024  # focus year']
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
            name, value_node = node.target.id, node.value
            ann = node.annotation
            annotation = ann.value if isinstance(ann, ast.Constant) and isinstance(ann.value, str) else ast.unparse(ann)
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
        params.append(Parameter(name, annotation, default, comments.get(node.lineno) or comments.get(end, "")))
    names = [p.name for p in params]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ParameterSpecError(f"{where}: parameter(s) {dups} defined twice")
    return params


def notebook_parameters(nb_path: str | Path) -> list[Parameter]:
    """The documented parameters of a notebook file, as its cell writes them."""
    return parse_parameters(parameters_cell(nb_path), where=f"{Path(nb_path).name} parameters cell")


_SAFE_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict,
               "Optional": typing.Optional, "None": None}


def model_from_cell(params: list[Parameter], notebook: str) -> type[NotebookParams]:
    """A model for a notebook without a declared one (e.g. a test fixture): types from its cell."""
    from pydantic import create_model

    fields: dict[str, Any] = {}
    for p in params:
        try:
            annotation = eval(p.type.replace(" | None", "").strip('"'), {"__builtins__": {}}, _SAFE_TYPES)  # noqa: S307
            if "None" in p.type:
                annotation = typing.Optional[annotation]  # noqa: UP045
        except Exception:  # an annotation we do not model is not checked
            annotation = Any
        extra = {"path": True} if p.name.endswith("_path") else None
        fields[p.name] = (annotation, Field(p.default, description=p.help, json_schema_extra=extra))
    model_name = "Params_" + re.sub(r"\W", "_", notebook)
    model = create_model(model_name, __base__=NotebookParams, **fields)
    model.NOTEBOOK = notebook
    return model
