"""The pre-imported (forked) kernel stands in for a fresh one only where nothing can tell them apart."""

from __future__ import annotations

import json
import sys
import textwrap

import nbformat
import pytest

from helpers.runner.warmkernel import IMPORT_TIME_ENV, ColdKernelSettingError, cold_kernel, usable

START = {k: None for k in IMPORT_TIME_ENV} | {"MPLBACKEND": "module://matplotlib_inline.backend_inline",
                                               "PYTHONHASHSEED": "0"}
ENV = {"PATH": "/usr/bin", "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0"}


def test_the_seed_serves_this_interpreter_running_ipykernel_launcher_and_passes_its_arguments():
    cmd = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "/tmp/k.json"]
    assert usable(cmd, ENV, START) == ["-f", "/tmp/k.json"]


@pytest.mark.parametrize("cmd", [
    ["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "k.json"],  # another interpreter
    [sys.executable, "-m", "other_kernel", "-f", "k.json"],  # another kernel
    [sys.executable, "-c", "print(1)"],  # not a module launch
    [sys.executable, "-O", "-m", "ipykernel_launcher", "-f", "k.json"],  # an interpreter flag the seed lacks
])
def test_any_other_command_starts_a_fresh_kernel(cmd):
    assert usable(cmd, ENV, START) is None


@pytest.mark.parametrize("key, value", [("PYTHONHASHSEED", "1"), ("OMP_NUM_THREADS", "1"),
                                        ("MPLBACKEND", "Agg"), ("PYTHONPATH", "/elsewhere")])
def test_an_import_time_variable_that_differs_from_the_servers_starts_a_fresh_kernel(key, value):
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    assert usable(cmd, {**ENV, key: value}, START) is None


@pytest.mark.parametrize("value, cold", [(None, False), ("", False), ("0", False), ("1", True), (" 1 ", True)])
def test_cold_kernel_reads_0_or_1(value, cold):
    assert cold_kernel({} if value is None else {"HELPERS_COLD_KERNEL": value}) is cold


@pytest.mark.parametrize("value", ["yes", "true", "2", "on"])
def test_any_other_cold_kernel_setting_is_named_before_any_run(value, tiny_project, monkeypatch):
    from helpers.cli import main

    with pytest.raises(ColdKernelSettingError, match="HELPERS_COLD_KERNEL"):
        cold_kernel({"HELPERS_COLD_KERNEL": value})
    monkeypatch.setenv("HELPERS_COLD_KERNEL", value)
    args = ["run", "--runs-file", str(tiny_project["runs"]), "--notebooks-dir", str(tiny_project["notebooks"]),
            "--reports-dir", str(tiny_project["reports"]), "--no-progress"]
    assert main(args) == 2
    assert not tiny_project["reports"].exists() or not any(tiny_project["reports"].iterdir())


FACTS = textwrap.dedent('''\
    import json, os, sys
    import matplotlib
    warm = "seaborn" in sys.modules
    facts = {"cwd": os.getcwd(), "path0": sys.path[0], "backend": matplotlib.get_backend(),
             "hash": hash("abc"), "hash_randomization": sys.flags.hash_randomization,
             "parent_is_jpy_parent": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
             "own_session": os.getsid(0) == os.getpid(), "stdin": sys.__stdin__.read() if sys.__stdin__ else "",
             "mark": os.environ.get("WARM_TEST_MARK"), "main": sys.modules["__main__"].__name__}
    print("FACTS" + json.dumps(facts) + "WARM" + json.dumps(warm))
    ''')


def _facts(path):
    text = "".join(o.get("text", "") for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    facts, warm = text.split("FACTS", 1)[1].split("WARM")
    figures = [(o.get("output_type"), sorted(o.get("data", {})), o.get("metadata", {}).get("image/png"))
               for c in nbformat.read(path, as_version=4).cells[2:] for o in c.get("outputs", [])]
    return json.loads(facts) | {"figures": figures}, json.loads(warm)


@pytest.mark.slow
def test_a_batch_kernel_is_warm_and_its_environment_equals_a_fresh_kernels(tiny_project, monkeypatch):
    import papermill as pm

    from helpers.cli import main
    from helpers.runner.execute import kernel_env

    nbdir = tiny_project["notebooks"]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("n: int = 1  # unused")
    params.metadata["tags"] = ["parameters"]
    figure = ("from helpers import plots\nimport matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4])\n"
              "plt.title('a figure never shown explicitly')")
    nb.cells = [params, nbformat.v4.new_code_cell(FACTS), nbformat.v4.new_code_cell(figure)]
    nbformat.write(nb, nbdir / "facts.ipynb")
    tiny_project["runs"].write_text("notebooks:\n  facts:\n    runs:\n      default: {}\n      other: {n: 2}\n")
    monkeypatch.setenv("WARM_TEST_MARK", "set after the server started")
    args = ["run", "--runs-file", str(tiny_project["runs"]), "--notebooks-dir", str(nbdir),
            "--reports-dir", str(tiny_project["reports"]), "--no-progress", "--force"]
    assert main(args) == 0
    warm_facts, warm = _facts(tiny_project["reports"] / "facts" / "default.ipynb")
    monkeypatch.chdir(nbdir)
    for key, value in kernel_env().items():
        monkeypatch.setenv(key, value)
    pm.execute_notebook(str(nbdir / "facts.ipynb"), str(nbdir / "cold.ipynb"), kernel_name="python3",
                        cwd=str(nbdir), progress_bar=False)
    cold_facts, cold = _facts(nbdir / "cold.ipynb")
    assert warm and not cold  # the batch kernel had seaborn imported before its first cell; a fresh one not
    assert warm_facts == cold_facts  # figures too: flushed at the cell's end, the title as alt text
    assert [f[2] for f in warm_facts["figures"] if "image/png" in f[1]] == [{"alt": "a figure never shown explicitly"}]
    assert warm_facts["mark"] == "set after the server started" and warm_facts["own_session"]
    assert warm_facts["cwd"] == str(nbdir) and warm_facts["stdin"] == ""

    # HELPERS_COLD_KERNEL=1 (make bench's "before"): every kernel from a fresh interpreter
    monkeypatch.setenv("HELPERS_COLD_KERNEL", "1")
    assert main(args) == 0
    assert _facts(tiny_project["reports"] / "facts" / "default.ipynb")[1] is False
    monkeypatch.delenv("HELPERS_COLD_KERNEL")

    # a variable fixed at import time that differs from the server's: the run gets a fresh kernel
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert main(args) == 0
    assert _facts(tiny_project["reports"] / "facts" / "default.ipynb")[1] is False
