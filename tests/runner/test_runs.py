"""Planning runs before any kernel starts: bad parameters, unknown runs, paths, ad-hoc names, CLI manners."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.cli import main
from helpers.config import PROJECT_ROOT
from helpers.params import OverrideError
from helpers.runner import RunsFileError, adhoc_name, load_runs, plan_jobs


def run_cli(project, *args):
    return main(["run", "--runs-file", str(project["runs"]), "--notebooks-dir", str(project["notebooks"]),
                 "--reports-dir", str(project["reports"]), "--no-progress", *args])


@pytest.mark.parametrize("args, message", [
    (["-p", "yyy", "1"], "unknown parameter 'yyy'; valid parameters are"),
    (["tiny", "-p", "x", "abc"], "parameter 'x' = 'abc' is not allowed: Input should be a valid number"),
    (["tiny", "-p", "fail", "[1]"], "parameter 'fail' = [1] is not allowed: Input should be a valid boolean"),
    (["tiny", "--run", "nosuchrun"], "tiny: unknown run 'nosuchrun'; runs are ['default', 'three']"),
    (["nosuchnotebook"], "unknown notebook 'nosuchnotebook'; known notebooks are ['other', 'tiny']"),
    (["tiny", "-p", "input_path", "no/such.csv"], "parameter 'input_path': input file 'no/such.csv' not found; looked in"),
])
def test_bad_parameters_are_refused_before_any_kernel_starts(tiny_project, capsys, args, message):
    assert run_cli(tiny_project, *args) == 2
    assert message in capsys.readouterr().err
    assert not (tiny_project["reports"] / "manifest.json").exists()  # nothing ran


def test_relative_cli_paths_read_from_the_current_directory_and_runs_yaml_paths_from_the_root(tiny_project, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    (here / "mine.csv").write_text("a\n1\n")
    monkeypatch.chdir(here)
    specs = load_runs(tiny_project["runs"], tiny_project["notebooks"])
    [job] = plan_jobs(specs, ["tiny"], cli_overrides={"input_path": "mine.csv"})
    assert job.parameters["input_path"] == str(here / "mine.csv") and job.inputs == (here / "mine.csv",)
    with pytest.raises(OverrideError) as err:  # in runs.yaml the same relative path means the project root
        runs = tiny_project["runs"]
        runs.write_text(runs.read_text().replace("three: {x: 3}", "three: {x: 3, input_path: mine.csv}"))
        plan_jobs(load_runs(runs, tiny_project["notebooks"]), ["tiny"], runs=["three"])
    assert str(PROJECT_ROOT / "mine.csv") in str(err.value) and str(here / "mine.csv") in str(err.value)
    assert "it exists at" in str(err.value)


def test_cli_override_goes_to_the_notebooks_that_declare_it(tiny_project):
    nbdir = tiny_project["notebooks"]
    (nbdir / "bare.ipynb").write_text((nbdir / "tiny.ipynb").read_text().replace(
        'label: str = \\"a\\"  # a label to echo\\n', ""))
    runs = tiny_project["runs"]
    runs.write_text(runs.read_text() + "  bare:\n    runs:\n      default: {}\n")
    specs = load_runs(runs, nbdir)
    jobs = plan_jobs(specs, cli_overrides={"label": "b"})
    assert {(j.notebook, j.run, j.parameters["label"]) for j in jobs} == {
        ("tiny", adhoc_name({"label": "b"}), "b"), ("other", adhoc_name({"label": "b"}), "b")}  # bare declares no 'label'
    assert all(j.adhoc for j in jobs)
    mine = plan_jobs(specs, ["tiny", "other"], runs=["mine"], cli_overrides={"label": "b"})
    assert {(j.notebook, j.run) for j in mine} == {("tiny", "mine"), ("other", "mine")}
    with pytest.raises(OverrideError, match=r"unknown parameter\(s\) \['nope'\]"):
        plan_jobs(specs, cli_overrides={"nope": 1})


def test_adhoc_names_are_stable_readable_and_bounded():
    assert adhoc_name({"year": 2023, "currency": "KRW"}).startswith("adhoc-currency-krw-year-2023-")
    assert adhoc_name({"companies": ["Amazon", "Coupang"]}).startswith("adhoc-companies-amazon-coupang-")
    assert adhoc_name({"panel_path": "/data/my panel.csv"}).startswith("adhoc-panel-path-data-my-panel-")
    long = adhoc_name({f"p{i}": "x" * 10 for i in range(9)})
    assert len(long) <= 60 and long == adhoc_name({f"p{i}": "x" * 10 for i in range(9)})


def test_runs_file_problems_are_named(tmp_path, tiny_project):
    bad = tmp_path / "runs.yaml"
    bad.write_text("notebooks:\n  tiny:\n    runs:\n      variant: {x: 1}\n")
    with pytest.raises(RunsFileError, match="'tiny' must list runs with a 'default' entry"):
        load_runs(bad, tiny_project["notebooks"])
    bad.write_text("notebooks:\n  ghost: {}\n")
    with pytest.raises(RunsFileError, match="notebook 'ghost' has no file"):
        load_runs(bad, tiny_project["notebooks"])


def test_params_command_has_a_header_and_aligned_columns(tiny_project, capsys):
    assert main(["params", str(tiny_project["notebooks"] / "tiny.ipynb")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["name", "type", "default"]
    x = next(line for line in out if line.startswith("x "))
    assert x.split()[:3] == ["x", "float", "2.0"] and x.endswith("a number to double")
    assert out[0].index("type") == x.index("float")


@pytest.mark.parametrize("argv", [["params", "nope_nb"], ["run", "nope_nb", "--no-progress"]])
def test_usage_errors_exit_2(argv):
    proc = subprocess.run([sys.executable, "-m", "helpers", *argv], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown notebook 'nope_nb'" in proc.stderr and "Traceback" not in proc.stderr


def test_a_closed_pipe_prints_no_traceback():
    proc = subprocess.run(f"{sys.executable} -m helpers params 01_revenue_mix | head -1", shell=True,
                          capture_output=True, text=True)
    assert proc.stdout.startswith("name") and "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_database_urls_are_left_to_the_loader_and_globs_and_folders_become_their_files(tiny_project, tmp_path):
    specs = load_runs(tiny_project["runs"], tiny_project["notebooks"])
    [job] = plan_jobs(specs, ["tiny"], cli_overrides={"input_path": "duckdb:///nowhere/shop.duckdb"})
    assert job.inputs == ()  # not a file: nothing to check or hash here
    lake = tmp_path / "lake"
    lake.mkdir()
    for name in ("a.parquet", "b.parquet"):
        (lake / name).write_bytes(b"x")
    [job] = plan_jobs(specs, ["tiny"], cli_overrides={"input_path": str(lake / "*.parquet")})
    assert job.inputs == (lake / "a.parquet", lake / "b.parquet")
    [job] = plan_jobs(specs, ["tiny"], cli_overrides={"input_path": str(lake)})
    assert job.inputs == (lake / "a.parquet", lake / "b.parquet")
    with pytest.raises(OverrideError, match="no file matches"):
        plan_jobs(specs, ["tiny"], cli_overrides={"input_path": str(lake / "*.csv")})
