"""Paths a user can get wrong or that the file system cannot take: one process per
``JOBDIR`` (a second is refused in one line, a dead holder's lock is taken over), a
``crawl_id`` or directory name too long or holding a NUL byte (one line, exit 2), and
crawl directories read as named, never as glob patterns."""

from __future__ import annotations

import signal

import pytest

from crawler.options import CrawlArgError, parse_options
from graph import research
from linkgraph.cli import main
from tests.fixtures_crawl import crawl_output, read_crawl, run_crawl, start_crawl, wait_until
from tests.fixtures_research import (
    AUTHORITY,
    FEB,
    JAN,
    NEW_LINKS,
    NEW_PAGES,
    OLD_LINKS,
    OLD_PAGES,
    write_crawl,
)
from tests.hostile_server import HostileServer, links, page, robots

pytestmark = pytest.mark.slow


def test_a_second_crawl_on_a_jobdir_in_use_is_refused_and_a_dead_holders_lock_is_taken(
    tmp_path,
):
    job = tmp_path / "job"
    args = ["-a", "seeds=http://seed.test/", "-a", "crawl_id=locked", "-s", f"JOBDIR={job}"]
    with HostileServer() as server:
        server.route("http://seed.test/", links("http://slow.test/1", "http://slow.test/2"))
        server.route("http://slow.test/robots.txt", robots("User-agent: *\nCrawl-delay: 1000\n"))
        for url in ("http://slow.test/1", "http://slow.test/2"):
            server.route(url, page("<html></html>"))
        first = start_crawl(server.env, tmp_path, *args, "-s", "LINKGRAPH_MAX_CRAWL_DELAY=1000")
        try:
            # The first crawl waits on slow.test's delay, its JOBDIR locked.
            wait_until(lambda: server.requested("http://slow.test/robots.txt") == 1, 60)
            second = crawl_output(tmp_path, *args, timeout=60)
            assert second.returncode == 2
            assert second.stderr.splitlines() == [
                f"scrapy crawl seeds: error: JOBDIR {job} is in use by another crawl (process "
                f"{first.pid}); wait for it to end or stop it, or give this crawl another -s JOBDIR"
            ]
            assert server.requested("http://seed.test/") == 1, "the second crawl fetched nothing"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            first.kill()
        # The kernel let go of the dead crawl's lock: the next one takes it and resumes.
        run_crawl(server.env, tmp_path, *args, "-s", "LINKGRAPH_MAX_CRAWL_DELAY=0.1", timeout=120)
    urls = read_crawl(tmp_path / "locked")[0].column("url").to_pylist()
    assert sorted(urls) == ["http://seed.test/", "http://slow.test/1", "http://slow.test/2"]
    assert (job / "crawl.lock").read_text() != f"{first.pid}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-a", "crawl_id=" + "c" * 300],
            "-a crawl_id='" + "c" * 40 + "...' (300 characters): holds a name of 300 bytes; "
            "file systems take at most 255",
        ),
        (
            ["-s", "JOBDIR=jobs/" + "j" * 256],
            "-s JOBDIR='jobs/" + "j" * 35 + "...' (261 characters): holds a name of 256 "
            "bytes; file systems take at most 255",
        ),
    ],
    ids=["crawl_id", "JOBDIR"],
)
def test_a_name_the_file_system_cannot_take_is_one_line_and_exit_2(tmp_path, args, message):
    proc = crawl_output(tmp_path, "-a", "seeds=http://a.com/", *args)
    assert (proc.returncode, proc.stderr.splitlines()) == (
        2,
        [f"scrapy crawl seeds: error: {message}"],
    )


def test_a_data_dir_the_file_system_cannot_take_is_one_line_and_exit_2(tmp_path):
    proc = crawl_output(tmp_path / ("d" * 300), "-a", "seeds=http://a.com/")
    assert proc.returncode == 2
    assert proc.stderr.endswith("holds a name of 300 bytes; file systems take at most 255\n")
    assert len(proc.stderr.splitlines()) == 1


def test_a_crawl_id_with_a_nul_byte_or_a_control_character_is_refused():
    for crawl_id, problem in [
        ("a\0b", "holds a NUL byte"),
        ("a\nb", "must be a plain directory name"),
    ]:
        with pytest.raises(CrawlArgError) as info:
            parse_options({"seeds": "http://a.com/", "crawl_id": crawl_id})
        assert str(info.value) == f"-a crawl_id={crawl_id!r}: {problem}"


@pytest.fixture
def look_alike_crawls(tmp_path):
    """``c[x]`` holds January's crawl, ``cx`` February's: as a glob pattern, the first
    name matches the second. ``jan`` is January's crawl again, under a plain name."""
    write_crawl(tmp_path / "c[x]", "jan", JAN, OLD_LINKS, OLD_PAGES)
    write_crawl(tmp_path / "cx", "feb", FEB, NEW_LINKS, NEW_PAGES)
    write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES)
    return tmp_path / "c[x]"


def test_a_crawl_directory_with_glob_characters_is_read_as_named(look_alike_crawls):
    table = research.sql("SELECT DISTINCT crawl_id FROM pages", [look_alike_crawls])
    assert table.column("crawl_id").to_pylist() == ["jan"]
    profile = research.backlinks("target.com", [look_alike_crawls], authority=AUTHORITY)
    plain = research.backlinks(
        "target.com", [look_alike_crawls.parent / "jan"], authority=AUTHORITY
    )
    assert profile.links.equals(plain.links)
    assert profile.summary == plain.summary


def test_linkgraph_sql_reads_a_directory_with_glob_characters_as_named(look_alike_crawls, capsys):
    assert main(["sql", "SELECT count(*) AS n FROM edges", str(look_alike_crawls)]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", str(len(OLD_LINKS))]
