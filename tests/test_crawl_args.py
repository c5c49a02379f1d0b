"""`scrapy crawl seeds` arguments and seeds: one line and exit status 2 for what the user
must fix, before anything is fetched; bad seed lines skipped, the first few shown."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.fixtures_crawl import BAD_ARGUMENTS, crawl_output, read_crawl, run_crawl

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("args, message", BAD_ARGUMENTS)
def test_bad_arguments_give_one_line_and_exit_2(tmp_path, args, message):
    proc = crawl_output(tmp_path, *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"scrapy crawl seeds: error: {message}")
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_a_seeds_file_without_a_valid_url_is_one_line_and_exit_2(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# nothing here\nftp://example.com/\nnot a url\n\n")
    proc = crawl_output(tmp_path, "-a", f"seeds={seeds}")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"scrapy crawl seeds: error: no valid http(s) seed URL in {seeds} (2 invalid)"
    )


def test_invalid_seed_lines_are_reported_with_their_line_number_and_skipped(
    tmp_path, sandbox_server, sandbox_env, sandbox_web
):
    seed = sandbox_web.default_seeds()[0]
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"# seeds\n{seed}\nwww.no-scheme.com\n\nmailto:me@example.com\n")
    proc = run_crawl(
        sandbox_env, tmp_path, "-a", f"seeds={seeds}", "-a", "crawl_id=some", "-a", "max_depth=0"
    )
    assert proc.returncode == 0
    log = (tmp_path / "crawl.log").read_text()
    assert f"skipped {seeds} line 3: not an http(s) URL: 'www.no-scheme.com'" in log
    assert f"skipped {seeds} line 5: not an http(s) URL: 'mailto:me@example.com'" in log
    pages, _ = read_crawl(tmp_path / "some")
    assert pages.column("url").to_pylist() == [seed]
    meta = json.loads((tmp_path / "some" / "crawl.json").read_text())
    assert meta["seeds"]["skipped"] == 2
    assert meta["seeds"]["skipped_examples"] == [
        f"{seeds} line 3: not an http(s) URL: 'www.no-scheme.com'",
        f"{seeds} line 5: not an http(s) URL: 'mailto:me@example.com'",
    ]


def test_a_large_seeds_file_with_many_bad_lines_shows_five_and_counts_the_rest(
    tmp_path, sandbox_server, sandbox_env, sandbox_web
):
    good = sandbox_web.default_seeds()
    seeds = tmp_path / "seeds.txt"
    bad = [f"www.site-{i}.com" for i in range(10_000 - len(good))]
    seeds.write_text("\n".join(good + bad) + "\n")
    run_crawl(
        sandbox_env, tmp_path, "-a", f"seeds={seeds}", "-a", "crawl_id=big", "-a", "max_depth=0"
    )
    log = (tmp_path / "crawl.log").read_text().splitlines()
    skipped = [line for line in log if line.startswith("scrapy crawl seeds: skipped")]
    first = len(good) + 1
    assert skipped == [
        *(
            f"scrapy crawl seeds: skipped {seeds} line {first + i}: not an http(s) URL: "
            f"'www.site-{i}.com'"
            for i in range(5)
        ),
        "scrapy crawl seeds: skipped 9,993 more lines that are not http(s) URLs "
        "(9,998 in all; counted in crawl.json)",
    ]
    text = (tmp_path / "big" / "crawl.json").read_text()
    assert len(text) < 10_000 and "www.site-9000.com" not in text
    assert json.loads(text)["seeds"] == {
        "count": 2,
        "sha256": hashlib.sha256("".join(f"{u}\n" for u in good).encode()).hexdigest(),
        "source": str(seeds),
        "skipped": 9_998,
        "skipped_examples": [
            f"{seeds} line {first + i}: not an http(s) URL: 'www.site-{i}.com'" for i in range(5)
        ],
    }
