"""Hidden temporary files left by a killed writer are removed at the next run that writes there."""

from __future__ import annotations

import os
import shutil
import time

from typer.testing import CliRunner

from conftest import DEMO
from qualikit.base.files import write_atomic
from qualikit.cli import app

HOURS_AGO = time.time() - 2 * 3600


def aged(path, stamp=HOURS_AGO):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a file")
    os.utime(path, (stamp, stamp))
    return path


def test_stale_tmp_files_go_fresh_ones_and_others_stay(tmp_path):
    stale = aged(tmp_path / ".attestation.pdf.3fa2b1c4.tmp")
    signing = aged(tmp_path / ".certificat.p12.k_9x2qab.tmp")
    fresh = aged(tmp_path / ".convocation.pdf.0badcafe.tmp", time.time())  # a writer running now
    mine = aged(tmp_path / "brouillon.tmp")  # the trainer's own files are never ours
    other = aged(tmp_path / ".notes.tmp")
    write_atomic(tmp_path / "sortie.txt", b"ok")
    assert not stale.exists() and not signing.exists()
    assert fresh.exists() and mine.exists() and other.exists()
    assert (tmp_path / "sortie.txt").read_bytes() == b"ok"


def test_the_spool_is_left_to_delivery(tmp_path):
    spool = tmp_path / ".qualikit" / "spool"
    stale = aged(spool / ".message.eml.3fa2b1c4.tmp")
    write_atomic(spool / "marqueur", b"x")
    assert stale.exists()


def test_a_command_cleans_where_it_writes(tmp_path):
    root = shutil.copytree(DEMO, tmp_path / "demo")
    stale = aged(root / ".journal-relances.xlsx.3fa2b1c4.tmp")
    result = CliRunner().invoke(app, ["journal", "export", "-p", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "journal-relances.xlsx").is_file() and not stale.exists()
