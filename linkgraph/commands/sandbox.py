"""``linkgraph sandbox``: serve the offline sandbox web, export its ground truth.

Thin layer over ``crawler.sandbox`` (see ``docs/sandbox.md``).
"""

from __future__ import annotations

import argparse
import json
import sys

from linkgraph.commands.common import UsageError

SERVE_EXAMPLE = """\
example:
  linkgraph sandbox serve --pages 300 --seed 1 --port 8899
  # in another shell: crawl it through the proxy
  http_proxy=http://127.0.0.1:8899 scrapy crawl seeds -a seeds=data/seeds.txt
"""
TRUTH_EXAMPLE = """\
example:
  linkgraph sandbox truth --pages 300 --seed 1 --out data/truth/demo
  # writes data/truth/demo/pages/, edges/ (Parquet) and truth.json
"""
FEATURES_EXAMPLE = """\
example:
  linkgraph sandbox features --pages 300 --seed 1 | python3 -m json.tool | less
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser(
        "sandbox",
        help="the offline sandbox web: serve it as a proxy, export its ground truth",
        description="An offline, deterministic multi-domain web for tests, demos and benchmarks.",
    )
    commands = group.add_subparsers(dest="sandbox_command", metavar="SUBCOMMAND")
    group.set_defaults(handler=lambda args: _usage(group))

    serve = commands.add_parser(
        "serve",
        help="serve the sandbox web as an HTTP proxy on loopback",
        description="Serve the sandbox web as an HTTP proxy: set http_proxy to the printed "
        "address and fetch its sites by their own URLs. Stop with Ctrl-C.",
        epilog=SERVE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _web_arguments(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port", type=int, default=8899, help="port (default: %(default)s; 0 picks a free one)"
    )
    serve.set_defaults(handler=_serve)

    truth = commands.add_parser(
        "truth",
        help="write the pages and links a polite crawl from the default seeds reaches",
        description="Simulate the crawl rules of docs/crawling.md on the sandbox web and write "
        "its pages and edges as Parquet in the crawler's columns, plus truth.json.",
        epilog=TRUTH_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _web_arguments(truth)
    truth.add_argument("--out", required=True, help="output directory")
    truth.add_argument(
        "--seeds", help="comma-separated seed URLs (default: the web's default seeds)"
    )
    truth.add_argument(
        "--max-pages-per-domain", type=int, default=1000, help="default: %(default)s"
    )
    truth.add_argument("--max-depth", type=int, default=10, help="default: %(default)s")
    truth.add_argument(
        "--no-follow-external", action="store_true", help="fetch only the seeds' registered domains"
    )
    truth.add_argument(
        "--follow-nofollow", action="store_true", help="also follow nofollow/ugc/sponsored links"
    )
    truth.add_argument("--crawl-id", default="truth", help="default: %(default)s")
    truth.set_defaults(handler=_truth)

    features = commands.add_parser(
        "features",
        help="print the special cases of the web and where they are, as JSON",
        epilog=FEATURES_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _web_arguments(features)
    features.set_defaults(handler=_features)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _web_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pages",
        type=int,
        default=300,
        help="number of regular pages, at least 20 (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: %(default)s)")
    parser.add_argument(
        "--revision",
        type=int,
        default=0,
        help="0 = the web; 1.. = the same web with a few changes (default: 0)",
    )


def _web(args: argparse.Namespace):
    from crawler.sandbox import SandboxWeb

    try:
        return SandboxWeb(pages=args.pages, seed=args.seed, revision=args.revision)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _serve(args: argparse.Namespace) -> int:
    from crawler.sandbox import serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"port must be between 0 and 65535, got {args.port}")
    web = _web(args)

    def ready(port: int) -> None:
        print(
            f"sandbox web: {args.pages} pages, seed {args.seed}, revision {args.revision}, "
            f"{len(web.domains())} domains, {len(web.hosts())} hosts",
            flush=True,
        )
        print(f"proxy: http://{args.host}:{port}", flush=True)
        print(f"seeds: {' '.join(web.default_seeds())}", flush=True)
        print("stop with Ctrl-C", flush=True)

    try:
        serve(web, args.host, args.port, ready=ready)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def _truth(args: argparse.Namespace) -> int:
    from crawler.sandbox import crawl_truth, write_truth

    web = _web(args)
    seeds = [s.strip() for s in args.seeds.split(",") if s.strip()] if args.seeds else None
    try:
        truth = crawl_truth(
            web,
            seeds,
            max_pages_per_domain=args.max_pages_per_domain,
            max_depth=args.max_depth,
            follow_external=not args.no_follow_external,
            follow_nofollow=args.follow_nofollow,
            crawl_id=args.crawl_id,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        out = write_truth(truth, args.out)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(
        f"{truth.pages.num_rows} pages, {truth.edges.num_rows} edges, "
        f"{len(set(truth.pages.column('domain').to_pylist()))} domains -> {out}"
    )
    if truth.capped_domains:
        print(f"capped by the budget: {', '.join(sorted(truth.capped_domains))}")
    if truth.depth_cut_domains:
        print(f"cut by max depth: {', '.join(sorted(truth.depth_cut_domains))}")
    return 0


def _features(args: argparse.Namespace) -> int:
    web = _web(args)
    out = {"niches": web.niches, "features": web.features, "seeds": web.default_seeds()}
    print(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False))
    return 0
