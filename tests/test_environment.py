"""pyproject.toml, environment.yml and requirements.lock describe the same package set."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers.config import PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_packages() -> set[str]:
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs.extend(extra)
    return {_name(r) for r in reqs}


def environment_packages() -> set[str]:
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names.update(_name(d) for d in dep.get("pip", []))
        elif not dep.startswith(("python=", "pip")) or dep.startswith("pip-"):
            names.add(_name(dep))
    return names


def locked_versions() -> dict[str, str]:
    text = (PROJECT_ROOT / "requirements.lock").read_text()
    return {m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, re.M)}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    py, env = pyproject_packages(), environment_packages()
    assert py - env == set(), f"in pyproject.toml but not environment.yml: {sorted(py - env)}"
    assert env - py == set(), f"in environment.yml but not pyproject.toml: {sorted(env - py)}"


def test_every_declared_package_is_pinned_in_the_lock_file():
    locked = locked_versions()
    missing = sorted(p for p in pyproject_packages() if p not in locked)
    assert not missing, f"not pinned in requirements.lock (run uv pip compile): {missing}"
    assert "--hash=sha256:" in (PROJECT_ROOT / "requirements.lock").read_text()


def test_user_stack_is_declared():
    for pkg in ("jupyterlab", "pandas", "seaborn", "statsmodels", "papermill", "nbval", "pytest"):
        assert pkg in pyproject_packages()
