"""Secrets never leave: credentials in parameter values are redacted everywhere, ``${NAME}`` is
expanded only inside the kernel, the scan reads the injected parameters, CLI messages are redacted."""

from __future__ import annotations

import pytest

from helpers.cli import main
from helpers.runner import adhoc_name
from helpers.runner.scan import scan_notebook
from helpers.runner.secrets import (
    RESTORE_LINE,
    clean_notebook,
    expand_env,
    kernel_only,
    redact_parameters,
    redact_text,
    secret_strings,
)

TOKEN = "AKIA" + "ABCDEFGHIJKLMNOP"


@pytest.mark.parametrize("text, shown", [
    ("postgres://analyst:hunter2@db/shop", "postgres://analyst:***@db/shop"),
    ("mysql+pymysql://u:p%40ss@h:3306/x?ssl=1", "mysql+pymysql://u:***@h:3306/x?ssl=1"),
    (f"key={TOKEN}", "key=***"),
    ("postgres://analyst:${PGPASSWORD}@db/shop", "postgres://analyst:${PGPASSWORD}@db/shop"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "***"),
    ("/data/orders.csv", "/data/orders.csv"),
])
def test_credentials_are_redacted_and_references_kept(text, shown):
    assert redact_text(text) == shown


def test_secret_strings_include_the_values_of_named_environment_variables():
    params = {"src": "postgres://a:${PW}@db/shop", "lit": "postgres://b:hunter2@db/x", "n": 3}
    assert secret_strings(params, {"PW": "s3cr3t"}) == {"s3cr3t", "hunter2"}
    assert redact_text("could not connect: password s3cr3t refused", {"s3cr3t"}) == (
        "could not connect: password *** refused")
    assert redact_parameters(params) == {"src": "postgres://a:${PW}@db/shop", "lit": "postgres://b:***@db/x", "n": 3}
    assert kernel_only(params) == {"src": params["src"], "lit": params["lit"]}  # n needs no restoring


def test_expand_env_names_the_parameter_and_the_missing_variable():
    assert expand_env(["x", "${A}/y"], {"A": "1"}) == ["x", "1/y"]
    with pytest.raises(ValueError, match=r"parameter 'src' names the environment variable \$\{PGPASSWORD\}"):
        expand_env("postgres://a:${PGPASSWORD}@db", {}, name="src")


def test_clean_notebook_redacts_sources_outputs_metadata_and_drops_the_restore_line():
    nb = {"metadata": {"papermill": {"parameters": {"src": "postgres://a:hunter2@db"}}}, "cells": [
        {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
         "source": f'src = "postgres://a:hunter2@db"\n{RESTORE_LINE}\n'},
        {"cell_type": "code", "metadata": {}, "source": "x", "outputs": [
            {"output_type": "error", "ename": "OperationalError", "evalue": "auth hunter2 failed",
             "traceback": ["... hunter2 ..."]},
            {"output_type": "display_data", "data": {"text/html": "<b>hunter2</b>", "image/png": "aGk="}}]}]}
    text = str(clean_notebook(nb, {"hunter2"}))
    assert "hunter2" not in text and RESTORE_LINE not in text
    assert "postgres://a:***@db" in text and "aGk=" in text  # images are left as they are


def test_scan_reads_the_injected_parameters_but_not_redacted_values_or_references():
    def nb(source):
        return {"cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
                           "source": source}]}
    [finding] = scan_notebook(nb('contact = "kim.jungmin@corp.co.kr"\n'))
    assert str(finding) == "the parameters: email"
    assert [f.kind for f in scan_notebook(nb('src = "postgres://a:hunter2@db/x"\n'))] == ["password_in_url"]
    assert scan_notebook(nb('src = "postgres://a:***@db/x"\n')) == []
    assert scan_notebook(nb('src = "postgres://a:${PGPASSWORD}@db/x"\n')) == []


def test_adhoc_names_are_unique_per_value_readable_and_never_hold_a_credential():
    a = adhoc_name({"orders_path": "/lake/2023/orders.csv"})
    b = adhoc_name({"orders_path": "/lake/2024/orders.csv"})
    assert a != b and a.startswith("adhoc-orders-path-2023-orders-") and b.startswith("adhoc-orders-path-2024-orders-")
    g1, g2 = adhoc_name({"orders_path": "/lake/2023/*.parquet"}), adhoc_name({"orders_path": "/lake/2024/*.parquet"})
    assert g1 != g2
    assert adhoc_name({"x": 5}) == adhoc_name({"x": 5}) and len(adhoc_name({f"p{i}": "x" * 30 for i in range(9)})) <= 55
    url = adhoc_name({"transactions_path": "postgres://analyst:hunter2@db/shop"})
    assert "hunter2" not in url and "analyst" not in url and url.startswith("adhoc-transactions-path-db-shop-")


def test_cli_error_messages_are_redacted(tiny_project, capsys):
    code = main(["run", "--runs-file", str(tiny_project["runs"]), "--notebooks-dir", str(tiny_project["notebooks"]),
                 "--reports-dir", str(tiny_project["reports"]), "--no-progress", "tiny",
                 "-p", "x", "postgres://analyst:hunter2@db/shop"])
    err = capsys.readouterr().err
    assert code == 2 and "hunter2" not in err and "'x'" in err


def test_outputs_lose_only_the_known_secrets_so_the_scan_still_blocks_any_other_token():
    other = "AKIA" + "QRSTUVWXYZ234567"
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "x", "outputs": [
        {"output_type": "stream", "name": "stdout", "text": f"hunter2 {other}"}]}]}
    clean_notebook(nb, {"hunter2"})
    assert nb["cells"][0]["outputs"][0]["text"] == f"*** {other}"
    assert [f.kind for f in scan_notebook(nb)] == ["api_token"]
