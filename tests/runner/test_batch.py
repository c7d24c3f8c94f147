"""The batch runner on tiny fixture notebooks (real kernels): parallelism, failure isolation,
timeouts, the cache, the batch lock, ad-hoc runs, the secret scan, and results through `results`."""

from __future__ import annotations

import csv
import json
import threading
import time

import pytest

from helpers.cli import main

pytestmark = pytest.mark.slow


def run_cli(project, *args):
    return main(["run", "--runs-file", str(project["runs"]), "--notebooks-dir", str(project["notebooks"]),
                 "--reports-dir", str(project["reports"]), "--no-progress", *args])


def manifest(project):
    return json.loads((project["reports"] / "manifest.json").read_text())


def test_batch_runs_in_parallel_and_writes_reports_index_and_results(tiny_project, capsys, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as a headless caller might have it
    assert run_cli(tiny_project, "-j", "2") == 0
    capsys.readouterr()
    reports = tiny_project["reports"]
    for nb, run in [("tiny", "default"), ("tiny", "three"), ("other", "default")]:
        for suffix in (".ipynb", ".html", ".nocode.html"):
            assert (reports / nb / f"{run}{suffix}").is_file()
    nocode = (reports / "tiny" / "three.nocode.html").read_text()
    assert "injected failure" not in nocode  # the code-hidden report really hides code
    assert "injected failure" in (reports / "tiny" / "three.html").read_text()
    # the header names the run and its changed parameter; the title names the run
    assert "<title>Tiny fixture tiny — three</title>" in nocode
    assert "<b>three</b>" in nocode and "<code>x</code> = <code>3.0</code>" in nocode
    # figures reach the reports with their title as alt text (inline backend in the kernel)
    for suffix in (".html", ".nocode.html"):
        assert 'alt="tiny figure"' in (reports / "tiny" / f"three{suffix}").read_text()
    spans = [(e["started"], e["started"] + e["duration"]) for e in manifest(tiny_project).values()]
    overlaps = [(a, b) for a in spans for b in spans if a is not b and a[0] < b[1] and b[0] < a[1]]
    assert overlaps, f"no two runs overlapped: {spans}"
    rows = list(csv.DictReader((reports / "results.csv").open()))
    doubles = {(r["notebook"], r["run"]): r["value"] for r in rows if r["key"] == "tiny.double"}
    assert doubles == {("tiny", "default"): "4.0", ("tiny", "three"): "6.0", ("other", "default"): "4.0"}
    index = (reports / "index.html").read_text()
    assert "Tiny fixture tiny" in index and "three" in index and "Tiny · double" in index
    assert "<code>x: 3.0</code>" in index  # the run's parameters, ints coerced to the declared float
    assert (reports / "tiny" / "compare.html").is_file()


def test_second_batch_reuses_every_run_and_an_input_change_reruns_exactly_its_readers(tiny_project, tmp_path, capsys):
    data = tmp_path / "input.csv"
    data.write_text("a\n1\n2\n")
    runs = tiny_project["runs"]
    runs.write_text(runs.read_text().replace("three: {x: 3}", f"three: {{x: 3, input_path: '{data}'}}"))
    assert run_cli(tiny_project, "tiny") == 0
    first = {k: v["finished_at"] for k, v in manifest(tiny_project).items()}
    assert run_cli(tiny_project, "tiny") == 0
    out = capsys.readouterr().out
    assert "cached   tiny/default" in out and "cached   tiny/three" in out
    assert all(v["status"] == "cached" for v in manifest(tiny_project).values())
    data.write_text("a\n1\n2\n3\n")  # the input of run 'three' only
    assert run_cli(tiny_project, "tiny") == 0
    m = manifest(tiny_project)
    assert m["tiny/three"]["status"] == "ok" and m["tiny/three"]["results"]["tiny.rows"] == 3
    assert m["tiny/default"]["status"] == "cached" and m["tiny/default"]["reused_from"] == first["tiny/default"]
    assert run_cli(tiny_project, "tiny", "--run", "default", "--force") == 0
    assert manifest(tiny_project)["tiny/default"]["status"] == "ok"
    assert "cached" in (tiny_project["reports"] / "index.html").read_text()


def test_override_without_run_makes_an_adhoc_run_and_leaves_named_reports_byte_identical(tiny_project, capsys):
    reports = tiny_project["reports"]
    assert run_cli(tiny_project, "tiny", "--run", "default") == 0
    before = (reports / "tiny" / "default.nocode.html").read_bytes()
    assert run_cli(tiny_project, "tiny", "-p", "x", "5") == 0
    assert (reports / "tiny" / "default.nocode.html").read_bytes() == before
    [name] = [k for k in manifest(tiny_project) if k.startswith("tiny/adhoc-x-5-")]
    assert manifest(tiny_project)[name]["results"]["tiny.double"] == 10.0
    index = (reports / "index.html").read_text()
    assert name.split("/")[1] in index and "ad-hoc" in index
    capsys.readouterr()
    assert run_cli(tiny_project, "tiny", "--run", "three", "-p", "x", "5") == 2  # a named run is not changed
    assert "named runs in runs.yaml; -p would change them" in capsys.readouterr().err


def test_failing_run_keeps_last_good_report_byte_identical(tiny_project):
    reports = tiny_project["reports"]
    assert run_cli(tiny_project, "tiny", "--run", "default") == 0
    good = {s: (reports / "tiny" / f"default{s}").read_bytes() for s in (".ipynb", ".html", ".nocode.html")}
    runs = tiny_project["runs"]
    runs.write_text(runs.read_text().replace("default: {}", "default: {fail: true}"))
    assert run_cli(tiny_project, "tiny", "other", "--run", "default") == 1
    for suffix, content in good.items():
        assert (reports / "tiny" / f"default{suffix}").read_bytes() == content
    failed_html = (reports / "tiny" / "default.failed.html").read_text()
    assert "injected failure" in failed_html and "This run failed" in failed_html
    assert (reports / "other" / "default.html").is_file()  # the other notebook still ran
    entry = manifest(tiny_project)["tiny/default"]
    assert entry["status"] == "failed" and entry["failed_cell"] == 2  # second code cell of the source
    assert entry["error"] == "ValueError: injected failure"
    assert entry["last_good"] is not None and entry["results"]["tiny.double"] == 4.0
    index = (reports / "index.html").read_text()
    assert "last good report" in index and "ValueError: injected failure" in index
    runs.write_text(runs.read_text().replace("default: {fail: true}", "default: {}"))
    assert run_cli(tiny_project, "tiny", "--run", "default") == 0
    assert not (reports / "tiny" / "default.failed.html").exists()


def test_planted_secret_fails_its_run_by_kind_and_keeps_the_last_good_report(tiny_project, capsys):
    reports = tiny_project["reports"]
    assert run_cli(tiny_project, "tiny", "--run", "leaky", "-p", "show", "hello") == 0
    good = (reports / "tiny" / "leaky.nocode.html").read_bytes()
    token = "AKIA" + "ABCDEFGHIJKLMNOP"  # printed by the kernel, not given as a value: no redaction knows it
    assert run_cli(tiny_project, "tiny", "--run", "leaky", "-p", "show", f"key={token.lower()}",
                   "-p", "show_upper", "true") == 1
    out = capsys.readouterr().out
    assert "api_token" in out and "code cell 2" in out and token not in out
    assert (reports / "tiny" / "leaky.nocode.html").read_bytes() == good
    failed = (reports / "tiny" / "leaky.failed.html").read_text()
    assert "api_token" in failed and token not in failed
    assert not (reports / "tiny" / "leaky.failed.ipynb").exists()


def test_personal_data_in_a_parameter_value_blocks_the_run(tiny_project, capsys):
    assert run_cli(tiny_project, "tiny", "--run", "mail", "-p", "label", "kim.jungmin@corp.co.kr") == 1
    out = capsys.readouterr().out
    assert "the parameters: email" in out and "kim.jungmin" not in out
    assert not (tiny_project["reports"] / "tiny" / "mail.html").exists()


def _all_text(folder):
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file()
                     and p.suffix != ".png")


def test_a_credential_in_a_value_is_redacted_in_every_artefact_and_env_refs_reach_only_the_kernel(
        tiny_project, capsys, monkeypatch):
    monkeypatch.setenv("TINY_PW", "hunter2")
    url = "postgres://analyst:hunter2@db/shop"
    assert run_cli(tiny_project, "tiny", "-p", "label", url, "-p", "show", "${TINY_PW}", "-p", "show_upper", "true") == 0
    # a failing run too: the error message names the URL
    assert run_cli(tiny_project, "tiny", "--run", "bad", "-p", "input_path", url) == 1
    printed = capsys.readouterr()
    reports = tiny_project["reports"]
    everything = _all_text(reports)
    assert "hunter2" not in everything and "hunter2" not in printed.out + printed.err
    [name] = [k.split("/")[1] for k in manifest(tiny_project) if k.startswith("tiny/adhoc-")]
    for f in (f"{name}.html", f"{name}.nocode.html", f"{name}.ipynb", "compare.html"):
        assert "analyst:***@db/shop" in (reports / "tiny" / f).read_text(), f
    assert "analyst:***@db/shop" in (reports / "index.html").read_text()
    assert "analyst:***@db/shop" in (reports / "results.csv").read_text()
    assert "HUNTER2" in (reports / "tiny" / f"{name}.nocode.html").read_text()  # the kernel expanded ${TINY_PW}
    assert "${TINY_PW}" in (reports / "tiny" / f"{name}.html").read_text()  # the report shows the reference
    assert (reports / "tiny" / "bad.failed.html").is_file()


def test_a_run_reading_a_remote_url_is_never_served_from_the_cache(tiny_project):
    args = ("tiny", "--run", "remote", "-p", "label", "x", "-p", "input_path", "postgres://analyst@db/shop")
    run_cli(tiny_project, *args)
    first = manifest(tiny_project)["tiny/remote"]["finished_at"]
    run_cli(tiny_project, *args)
    entry = manifest(tiny_project)["tiny/remote"]
    assert entry["status"] != "cached" and entry["cache_key"]["key"] == "uncacheable"
    assert entry["finished_at"] >= first


def test_run_past_its_timeout_is_killed_and_reported(tiny_project, capsys):
    code = run_cli(tiny_project, "tiny", "--run", "slow", "-p", "sleep", "120", "--timeout", "8")
    assert code == 1
    out = capsys.readouterr().out
    assert "timeout  tiny/slow" in out and "exceeded its timeout of 8 s" in out
    assert manifest(tiny_project)["tiny/slow"]["status"] == "timeout"
    assert not (tiny_project["reports"] / "tiny" / "slow.html").exists()


def test_a_second_batch_waits_for_the_first_and_the_manifest_stays_whole(tiny_project, capsys):
    from helpers.runner.lock import BatchLockedError, batch_lock

    reports = tiny_project["reports"]
    with batch_lock(reports):
        assert run_cli(tiny_project, "tiny", "--run", "default", "--no-wait") == 2
        assert "in use by batch pid" in capsys.readouterr().err
        with pytest.raises(BatchLockedError):
            with batch_lock(reports, wait=False):
                pass
    results = []
    threads = [threading.Thread(target=lambda r=r: results.append(run_cli(tiny_project, "tiny", "--run", r)))
               for r in ("default", "three")]
    for t in threads:
        t.start()
        time.sleep(0.2)
    for t in threads:
        t.join()
    assert results == [0, 0]
    m = manifest(tiny_project)  # valid JSON with both runs: the writes did not interleave
    assert {"tiny/default", "tiny/three"} <= set(m)


def test_results_round_trip_through_cli(tiny_project, capsys):
    assert run_cli(tiny_project, "tiny", "--run", "three") == 0
    capsys.readouterr()
    assert main(["results", str(tiny_project["reports"] / "tiny" / "three.ipynb")]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["tiny.double"] == 6.0 and res["tiny.label"] == "a"
    assert res["tiny.table"] == {"columns": ["k", "v"], "data": [["a", 1.5], ["b", 2.5]]}


def _gone(pid):
    import psutil

    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for(path, seconds=120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.is_file() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.1)
    raise AssertionError(f"{path} never appeared")


def test_a_timeout_kills_the_kernel_and_the_child_it_started(tiny_project, tmp_path):
    pidfile = tmp_path / "child.pid"
    code = run_cli(tiny_project, "tiny", "--run", "hang", "-p", "sleep", "300", "-p", "child", str(pidfile),
                   "--timeout", "15")
    assert code == 1 and manifest(tiny_project)["tiny/hang"]["status"] == "timeout"
    child = int(pidfile.read_text())
    time.sleep(0.5)
    assert _gone(child), f"the kernel's child {child} survived the timeout"


def test_sigint_stops_a_batch_within_2_s_and_keeps_the_last_good_report(tiny_project, tmp_path):
    import signal
    import subprocess
    import sys

    from helpers.runner.lock import batch_lock

    reports = tiny_project["reports"]
    assert run_cli(tiny_project, "tiny", "--run", "default") == 0
    good = {s: (reports / "tiny" / f"default{s}").read_bytes() for s in (".ipynb", ".html", ".nocode.html")}
    pidfile = tmp_path / "child.pid"
    runs = tiny_project["runs"]
    runs.write_text(runs.read_text().replace("default: {}", f"default: {{sleep: 300, child: '{pidfile}'}}"))
    proc = subprocess.Popen([sys.executable, "-m", "helpers", "run", "--runs-file", str(runs), "--notebooks-dir",
                             str(tiny_project["notebooks"]), "--reports-dir", str(reports), "--no-progress",
                             "tiny", "--run", "default"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child = _wait_for(pidfile)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 2.0, f"the batch took {took:.2f} s to stop"
    time.sleep(0.3)
    assert _gone(child)
    for suffix, content in good.items():
        assert (reports / "tiny" / f"default{suffix}").read_bytes() == content
    # no temporary left: the only hidden entry is the published generations, one per run
    assert [p.name for p in (reports / "tiny").iterdir() if p.name.startswith(".")] == [".runs"]
    assert sorted(p.name for p in (reports / "tiny" / ".runs" / "default").iterdir())[-1] == "current"
    assert len(list((reports / "tiny" / ".runs" / "default").iterdir())) == 2
    assert manifest(tiny_project)["tiny/default"]["status"] == "interrupted"
    assert manifest(tiny_project)["tiny/default"]["last_good"] is not None
    with batch_lock(reports, wait=False):  # released
        pass
    print(f"SIGINT to exit: {took:.2f} s", file=sys.stderr)
