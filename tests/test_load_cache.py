"""The load cache: data only (never code), outside the project, keyed by content."""

from __future__ import annotations

import os
import pickle
import shutil

from typer.testing import CliRunner

from conftest import DEMO, DEMO_XLSX
from qualikit.cli import app
from qualikit.project.load import cache, load_project


class _Payload:
    """What a hostile pickle does: call a function of its choosing while being read."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_a_crafted_cache_runs_nothing(tmp_path):
    project = shutil.copytree(DEMO, tmp_path / "recu")
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(marker))
    # where the old cache lived, inside the project folder, and where the cache lives now
    (project / ".qualikit" / "cache").mkdir(parents=True)
    (project / ".qualikit" / "cache" / "projet.pickle").write_bytes(evil)
    cache.cache_file(project).parent.mkdir(parents=True, exist_ok=True)
    cache.cache_file(project).write_bytes(evil)

    loaded = load_project(project)

    assert not marker.exists()
    assert loaded.report.ok and len(loaded.project.learners) > 0
    assert cache.cache_file(project).read_bytes().startswith(b'["qualikit-cache-1"')  # replaced by JSON


def test_a_cache_with_the_right_key_but_a_forged_body_is_a_miss(tmp_path):
    project = shutil.copytree(DEMO, tmp_path / "p")
    key = cache.fingerprint(project)
    cache.cache_file(project).parent.mkdir(parents=True, exist_ok=True)
    cache.cache_file(project).write_text(f'["qualikit-cache-1", "{key}"]\n[[1, 2], "x"]', encoding="utf-8")
    assert cache.read(project, key) is None
    assert load_project(project).project.organisation.name


def test_check_leaves_nothing_in_the_project_folder(tmp_path):
    for source in (DEMO, DEMO_XLSX):
        project = shutil.copytree(source, tmp_path / source.name)
        before = sorted(p.relative_to(project) for p in project.rglob("*"))
        result = CliRunner().invoke(app, ["check", "-p", str(project)], env={"COLUMNS": "120"})
        assert result.exit_code == 0, result.output
        assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
        assert not (project / ".qualikit").exists()
        assert cache.cache_file(project).is_file()  # the cache went to the user's cache folder


def test_cache_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_file(DEMO).parent == tmp_path / "xdg" / "qualikit"
    monkeypatch.setenv(cache.ENV, str(tmp_path / "ici"))
    assert cache.cache_file(DEMO).parent == tmp_path / "ici"


def test_the_key_is_the_content_not_the_dates(tmp_path):
    project = shutil.copytree(DEMO, tmp_path / "p")
    first = load_project(project)
    key = cache.fingerprint(project)
    hit = cache.read(project, key)
    assert hit is not None and hit.project == first.project
    assert [d.format() for d in hit.report.items] == [d.format() for d in first.report.items]
    assert hit.project.learners[0].loc == first.project.learners[0].loc

    learners = project / "apprenants.yaml"
    os.utime(learners, ns=(0, 0))  # a copy, a checkout, a sync: same content, other dates
    assert cache.fingerprint(project) == key
    assert cache.read(project, key) is not None

    learners.write_text(learners.read_text(encoding="utf-8").replace("Lefèvre", "Lefebvre"), encoding="utf-8")
    os.utime(learners, ns=(0, 0))
    assert cache.fingerprint(project) != key
    assert "Lefebvre" in {x.last_name for x in load_project(project).project.learners}


def test_every_kind_of_field_comes_back_the_same():
    import json
    from dataclasses import replace
    from datetime import date

    from qualikit.project.load import Loaded
    from qualikit.project.load.codec import decoder, encoder
    from qualikit.project.model import SmtpSettings

    loaded = load_project(DEMO, use_cache=False)
    settings = replace(loaded.project.settings, smtp=SmtpSettings("smtp.example.fr", 465, "ssl", "moi"),
                       closed_days=(date(2026, 12, 24), date(2026, 12, 31)), audit_date=date(2027, 1, 15))
    loaded = replace(loaded, project=replace(loaded.project, settings=settings))
    loaded.report.warning(loaded.project.learners[0].loc, "un point d'attention", "email", indicator=4)
    back = decoder(Loaded)(json.loads(json.dumps(encoder(Loaded)(loaded))))
    assert back == loaded
    assert [e.loc for s in back.project.sessions for e in s.enrolments] == \
        [e.loc for s in loaded.project.sessions for e in s.enrolments]
    assert any(e.schedule for s in back.project.sessions for e in s.enrolments)


def test_a_long_table_is_decoded_at_its_first_use_and_behaves_as_its_tuple():
    import json
    import pickle
    from dataclasses import replace

    from qualikit.project.load import Loaded
    from qualikit.project.load.codec import LAZY_FROM, Records, decoder, encoder

    loaded = load_project(DEMO, use_cache=False)
    first = loaded.project.learners[0]
    many = tuple(replace(first, id=f"a{n}") for n in range(LAZY_FROM + 4))
    loaded = replace(loaded, project=replace(loaded.project, learners=many))
    back = decoder(Loaded)(json.loads(json.dumps(encoder(Loaded)(loaded))))

    learners = back.project.learners
    assert isinstance(learners, Records) and learners._records is None and len(learners) == len(many)
    assert learners._records is None  # counting them decoded nothing
    assert back == loaded and loaded == back and hash(back.project.learners) == hash(many)
    assert learners[3].id == "a3" and learners[-1] == many[-1] and learners[:2] == many[:2]
    assert learners + (first,) == (*many, first) and (first,) + learners == (first, *many)  # noqa: RUF005 (concatenation is what is tested)
    assert pickle.loads(pickle.dumps(learners)) == many and type(pickle.loads(pickle.dumps(learners))) is tuple
    assert back.project.learner("a7").id == "a7"
    small = back.project.sessions  # under LAZY_FROM records: a plain tuple
    assert type(small) is tuple
