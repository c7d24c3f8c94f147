"""Faults injected without a kernel: a corrupt manifest, a full disk, leftovers of a killed worker,
a process tree that escapes into its own session, commands that write reports/ without the lock."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
import time

import psutil
import pytest

from helpers.cli import main
from helpers.runner.batch import _update_manifest, load_manifest, remove_temporaries, run_batch
from helpers.runner.execute import Outcome, kill_tree
from helpers.runner.lock import ManifestError, batch_lock


def _outcome(run="default", status="ok"):
    return Outcome("tiny", run, status, {"x": 1.0}, 1.0, "2026-12-01T00:00:00+00:00", results={"tiny.double": 2.0})


def test_a_corrupt_manifest_stops_the_batch_naming_the_file_and_the_backup_and_wipes_nothing(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "tiny").mkdir()
    _update_manifest(reports, _outcome("default"))
    _update_manifest(reports, _outcome("three"))  # the second write keeps the first as manifest.json.bak
    assert set(json.loads((reports / "manifest.json.bak").read_text())) == {"tiny/default"}
    (reports / "manifest.json").write_text('{"tiny/default": {"status": "ok"')  # torn write
    before = (reports / "manifest.json").read_bytes()
    with pytest.raises(ManifestError) as err:
        load_manifest(reports)
    assert str(reports / "manifest.json") in str(err.value) and "manifest.json.bak" in str(err.value)
    with pytest.raises(ManifestError):
        run_batch([], reports, specs=None, progress=False)
    with pytest.raises(ManifestError):
        _update_manifest(reports, _outcome("three", "failed"))
    assert (reports / "manifest.json").read_bytes() == before  # nothing wiped, nothing rewritten
    assert main(["index", "--reports-dir", str(reports)]) == 2
    assert "is corrupt" in capsys.readouterr().err


def test_a_full_disk_leaves_the_manifest_whole_and_no_temporary_file(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    (reports / "tiny").mkdir(parents=True)
    _update_manifest(reports, _outcome("default"))
    before = (reports / "manifest.json").read_bytes()
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def write(self, _text):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    with pytest.raises(OSError, match="No space left"):
        _update_manifest(reports, _outcome("three"))
    monkeypatch.undo()
    assert (reports / "manifest.json").read_bytes() == before
    assert not [p for p in reports.iterdir() if p.name.endswith(".tmp")]


def test_leftovers_of_a_killed_worker_are_removed_and_reports_kept(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    keep = [folder / n for n in ("default.ipynb", "default.html", "default.nocode.html", "compare.html")]
    junk = [folder / n for n in (".default.abc.ipynb", ".default.abc.html.tmp", ".default.abc.stderr",
                                 ".default.abc.phases.json", ".default.x.job.yaml")]
    for p in keep + junk:
        p.write_text("x")
    assert sorted(remove_temporaries(tmp_path)) == sorted(junk)
    assert all(p.is_file() for p in keep)


ESCAPEE = """
import os, subprocess, sys, time
pid = os.fork()
if pid == 0:
    os.setsid()  # like the kernel: a session of its own, out of the parent's process group
    child = subprocess.Popen(["sleep", "300"])
    open(sys.argv[1], "w").write(str(child.pid))
    time.sleep(300)
time.sleep(300)
"""


def _dead(pid):
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_kill_tree_reaches_a_grandchild_in_its_own_session(tmp_path):
    pidfile = tmp_path / "pid"
    proc = subprocess.Popen([sys.executable, "-c", ESCAPEE, str(pidfile)], start_new_session=True)
    for _ in range(100):
        if pidfile.is_file() and pidfile.read_text():
            break
        time.sleep(0.05)
    sleeper = int(pidfile.read_text())
    assert not _dead(sleeper)
    killed = kill_tree(proc.pid)
    proc.wait(5)
    assert sleeper in killed and proc.pid in killed
    for _ in range(40):
        if _dead(sleeper):
            break
        time.sleep(0.05)
    assert _dead(sleeper)


@pytest.mark.parametrize("command", [["index"], ["pdf"]])
def test_commands_that_write_reports_wait_for_the_batch_lock(tmp_path, command, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    monkeypatch.setattr("helpers.runner.pdf.print_reports", lambda d: [])
    done = threading.Event()
    with batch_lock(reports):
        t = threading.Thread(target=lambda: (main([*command, "--reports-dir", str(reports)]), done.set()))
        t.start()
        time.sleep(1.0)
        assert not done.is_set()  # waiting for the lock
    t.join(30)
    assert done.is_set()


def test_freeze_and_strip_take_the_lock(monkeypatch, tmp_path):
    taken = []
    monkeypatch.setattr("helpers.cli._locked", lambda d: (taken.append(d), batch_lock(tmp_path))[1])
    monkeypatch.setattr("helpers.runner.nbtools.strip", lambda p: 0)
    monkeypatch.setattr("helpers.runner.nbtools.freeze", lambda p: 0)
    assert main(["strip", "x.ipynb"]) == 0 and main(["freeze", "x.ipynb"]) == 0
    assert len(taken) == 2


def _stage(folder, generation):
    """Three finished temporary files whose content names their generation."""
    files = {}
    for suffix in (".ipynb", ".html", ".nocode.html"):
        tmp = folder / f".default.{generation}{suffix}.tmp"
        tmp.write_text(f"generation {generation} " + "x" * 50_000)
        files[suffix] = tmp
    return files


def test_a_runs_three_files_switch_together_for_a_reader_reading_all_the_time(tmp_path):
    """Issue 22: the three files were renamed one by one, so a reader could see a new .ipynb beside
    an old .html. A reader thread opens the three stable names again and again while 40
    publications happen: every read of the three through the ``current`` link is one generation."""
    from helpers.runner.execute import publish

    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "default.html").write_text("generation plain")  # a report from before: plain files
    publish(folder, "default", _stage(folder, 0))
    assert all((folder / f"default{s}").is_symlink() for s in (".ipynb", ".html", ".nocode.html"))
    stop, mixed, reads = threading.Event(), [], [0]

    def reader():
        while not stop.is_set():
            current = os.path.realpath(folder / ".runs" / "default" / "current")  # one generation resolved
            try:
                seen = {open(os.path.join(current, f"default{s}")).read(16) for s in (".ipynb", ".html", ".nocode.html")}
            except FileNotFoundError:  # that generation was pruned between resolving and opening: read again
                continue
            reads[0] += 1
            if len(seen) != 1:
                mixed.append(seen)

    thread = threading.Thread(target=reader)
    thread.start()
    for generation in range(1, 41):
        publish(folder, "default", _stage(folder, generation))
    stop.set()
    thread.join()
    assert reads[0] > 0 and mixed == []
    assert {(folder / f"default{s}").read_text()[:13] for s in (".ipynb", ".html", ".nocode.html")} == {"generation 40"}
    assert len(list((folder / ".runs" / "default").iterdir())) == 2  # current and the one generation it names


def test_a_publication_killed_before_its_switch_keeps_the_old_set_and_is_cleaned_up(tmp_path, monkeypatch):
    from helpers.runner import execute

    folder = tmp_path / "tiny"
    folder.mkdir()
    execute.publish(folder, "default", _stage(folder, 1))
    real_replace = os.replace

    def killed_at_the_switch(src, dst):
        if str(dst).endswith("current"):
            raise KeyboardInterrupt  # the worker dies between moving the files and switching
        return real_replace(src, dst)

    monkeypatch.setattr(execute.os, "replace", killed_at_the_switch)
    with pytest.raises(KeyboardInterrupt):
        execute.publish(folder, "default", _stage(folder, 2))
    monkeypatch.setattr(execute.os, "replace", real_replace)
    assert {(folder / f"default{s}").read_text()[:12] for s in (".ipynb", ".html", ".nocode.html")} == {"generation 1"}
    assert len(list((folder / ".runs" / "default").iterdir())) == 4  # current, gen 1, orphan gen 2, its pointer
    remove_temporaries(tmp_path)
    assert len(list((folder / ".runs" / "default").iterdir())) == 2
    assert (folder / "default.html").read_text()[:12] == "generation 1"
