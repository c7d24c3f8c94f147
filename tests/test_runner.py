"""The batch runner on tiny fixture notebooks: parallelism, failure isolation, timeouts,
parameter checks before any kernel starts, and results round-tripping through `results`."""

from __future__ import annotations

import csv
import json

import pytest

from helpers.__main__ import main
from helpers.runner import RunsFileError, load_runs


def run_cli(project, *args):
    return main(["run", "--runs-file", str(project["runs"]), "--notebooks-dir", str(project["notebooks"]),
                 "--reports-dir", str(project["reports"]), "--no-progress", *args])


def test_batch_runs_in_parallel_and_writes_reports_index_and_results(tiny_project, capsys, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as a headless caller might have it
    assert run_cli(tiny_project, "-j", "2") == 0
    capsys.readouterr()
    reports = tiny_project["reports"]
    for nb, run in [("tiny", "default"), ("tiny", "three"), ("other", "default")]:
        for suffix in (".ipynb", ".html", ".nocode.html"):
            assert (reports / nb / f"{run}{suffix}").is_file()
    # the code-hidden report really hides code
    assert "injected failure" not in (reports / "tiny" / "three.nocode.html").read_text()
    assert "injected failure" in (reports / "tiny" / "three.html").read_text()
    # figures reach the reports (inline backend in the kernel, whatever MPLBACKEND the caller set)
    for suffix in (".html", ".nocode.html"):
        assert "data:image/png;base64" in (reports / "tiny" / f"three{suffix}").read_text()
    # parallel: with two workers, the processes of at least two runs were alive at the same time
    manifest = json.loads((reports / "manifest.json").read_text())
    spans = [(e["started"], e["started"] + e["duration"]) for e in manifest.values()]
    overlaps = [(a, b) for a in spans for b in spans if a is not b and a[0] < b[1] and b[0] < a[1]]
    assert overlaps, f"no two runs overlapped: {spans}"
    # results.csv and the index name every run and its headline result
    rows = list(csv.DictReader((reports / "results.csv").open()))
    doubles = {(r["notebook"], r["run"]): r["value"] for r in rows if r["key"] == "tiny.double"}
    assert doubles == {("tiny", "default"): "4.0", ("tiny", "three"): "6.0", ("other", "default"): "4.0"}
    index = (reports / "index.html").read_text()
    assert "Tiny fixture tiny" in index and "three" in index and "tiny.double" in index
    assert "x = 3.0" in index  # the run's parameters, ints coerced to the declared float


def test_results_round_trip_through_cli(tiny_project, capsys):
    assert run_cli(tiny_project, "tiny", "--run", "three") == 0
    capsys.readouterr()
    assert main(["results", str(tiny_project["reports"] / "tiny" / "three.ipynb")]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["tiny.double"] == 6.0 and res["tiny.label"] == "a"
    assert res["tiny.table"] == {"columns": ["k", "v"], "data": [["a", 1.5], ["b", 2.5]]}


def test_failing_run_keeps_last_good_report_byte_identical(tiny_project):
    reports = tiny_project["reports"]
    assert run_cli(tiny_project, "tiny", "--run", "default") == 0
    good = {s: (reports / "tiny" / f"default{s}").read_bytes() for s in (".ipynb", ".html", ".nocode.html")}
    # inject a fault into the same run, beside a run that succeeds: the batch goes on, exits non-zero
    runs = tiny_project["runs"]
    runs.write_text(runs.read_text().replace("default: {}", "default: {fail: true}"))
    assert run_cli(tiny_project, "tiny", "other", "--run", "default") == 1
    for suffix, content in good.items():
        assert (reports / "tiny" / f"default{suffix}").read_bytes() == content
    failed_html = (reports / "tiny" / "default.failed.html").read_text()
    assert "injected failure" in failed_html and "This run failed" in failed_html
    assert (reports / "other" / "default.html").is_file()  # the other notebook still ran
    manifest = json.loads((reports / "manifest.json").read_text())
    entry = manifest["tiny/default"]
    assert entry["status"] == "failed" and entry["failed_cell"] == 2  # second code cell of the source
    assert entry["error"] == "ValueError: injected failure"
    assert entry["last_good"] is not None and entry["results"]["tiny.double"] == 4.0
    index = (reports / "index.html").read_text()
    assert "last good report from" in index and "ValueError: injected failure" in index
    # a later good run clears the failure files
    runs.write_text(runs.read_text().replace("default: {fail: true}", "default: {}"))
    assert run_cli(tiny_project, "tiny", "--run", "default") == 0
    assert not (reports / "tiny" / "default.failed.html").exists()


def test_run_past_its_timeout_is_killed_and_reported(tiny_project, capsys):
    code = run_cli(tiny_project, "tiny", "--run", "slow", "-p", "sleep", "120", "--timeout", "8")
    assert code == 1
    out = capsys.readouterr().out
    assert "timeout  tiny/slow" in out and "exceeded its timeout of 8 s" in out
    manifest = json.loads((tiny_project["reports"] / "manifest.json").read_text())
    assert manifest["tiny/slow"]["status"] == "timeout"
    assert not (tiny_project["reports"] / "tiny" / "slow.html").exists()


@pytest.mark.parametrize("args, message", [
    (["-p", "yyy", "1"], "unknown parameter 'yyy'; valid parameters are ['fail', 'label', 'sleep', 'x']"),
    (["tiny", "-p", "x", "abc"], "parameter 'x' must be float (default 2.0), got 'abc' (str)"),
    (["tiny", "-p", "fail", "[1]"], "parameter 'fail' must be bool"),
    (["tiny", "--run", "nosuchrun"], "tiny: unknown run 'nosuchrun'; runs are ['default', 'three']"),
    (["nosuchnotebook"], "unknown notebook 'nosuchnotebook'; known notebooks are ['other', 'tiny']"),
])
def test_bad_parameters_are_refused_before_any_kernel_starts(tiny_project, capsys, args, message):
    assert run_cli(tiny_project, *args) == 2
    assert message in capsys.readouterr().err
    assert not (tiny_project["reports"] / "manifest.json").exists()  # nothing ran


def test_runs_file_problems_are_named(tmp_path, tiny_project):
    bad = tmp_path / "runs.yaml"
    bad.write_text("notebooks:\n  tiny:\n    runs:\n      variant: {x: 1}\n")
    with pytest.raises(RunsFileError, match="'tiny' must list runs with a 'default' entry"):
        load_runs(bad, tiny_project["notebooks"])
    bad.write_text("notebooks:\n  ghost: {}\n")
    with pytest.raises(RunsFileError, match="notebook 'ghost' has no file"):
        load_runs(bad, tiny_project["notebooks"])


def test_params_command_lists_documented_parameters(tiny_project, capsys):
    assert main(["params", str(tiny_project["notebooks"] / "tiny.ipynb")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["x", "float", "2.0"] and out[0].endswith("a number to double")
    assert any(line.startswith("label") and "'a'" in line for line in out)


def test_strip_keeps_only_checked_outputs_with_their_counts(tmp_path):
    import nbformat

    from helpers.runner import strip

    nb = nbformat.v4.new_notebook()
    checked = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", execution_count=7,
                                        outputs=[nbformat.v4.new_output("stream", text="1\n")])
    other = nbformat.v4.new_code_cell("print(2)", execution_count=8,
                                      outputs=[nbformat.v4.new_output("stream", text="2\n")])
    other.metadata["keep_output"] = True  # stale metadata on an unchecked cell is removed
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), checked, other]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    assert strip(path) == 1
    out = nbformat.read(path, as_version=4)
    assert out.cells[1].outputs[0]["text"] == "1\n" and out.cells[1].execution_count == 1
    assert out.cells[1].metadata["keep_output"] is True
    assert out.cells[2].outputs == [] and out.cells[2].execution_count is None
    assert "keep_output" not in out.cells[2].metadata


def test_cli_override_goes_to_the_notebooks_that_declare_it(tiny_project):
    from helpers.params import OverrideError
    from helpers.runner import plan_jobs

    nbdir = tiny_project["notebooks"]
    # a third notebook without the parameter 'label'
    (nbdir / "bare.ipynb").write_text((nbdir / "tiny.ipynb").read_text().replace(
        'label: str = \\"a\\"  # a label to echo\\n', ""))
    runs = tiny_project["runs"]
    runs.write_text(runs.read_text() + "  bare:\n    runs:\n      default: {}\n")
    specs = load_runs(runs, nbdir)
    jobs = plan_jobs(specs, cli_overrides={"label": "b"})
    labels = {(j.notebook, j.run): j.parameters.get("label") for j in jobs}
    assert labels[("tiny", "three")] == "b" and labels[("other", "default")] == "b"
    assert labels[("bare", "default")] is None  # not declared there: not passed
    adhoc = plan_jobs(specs, ["tiny", "bare"], runs=["mine"], cli_overrides={"label": "b"})
    assert {(j.notebook, j.run, j.parameters.get("label")) for j in adhoc} == {
        ("tiny", "mine", "b"), ("bare", "mine", None)}  # an ad-hoc run name works across notebooks
    with pytest.raises(OverrideError, match=r"unknown parameter\(s\) \['nope'\]"):
        plan_jobs(specs, cli_overrides={"nope": 1})
    with pytest.raises(OverrideError, match="bare/default: unknown parameter 'label'"):
        plan_jobs(specs, ["bare"], cli_overrides={"label": "b"})  # one notebook named: strict
