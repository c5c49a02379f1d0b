"""Scrapy settings of the linkgraph crawler: a polite search bot by default.

Every setting that changes which URLs are fetched or how politely is documented here and in
``docs/crawling.md``. Override any of them with ``-s NAME=VALUE``.
"""

BOT_NAME = "linkgraph"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# Our `crawl` command validates spider arguments before the reactor starts, so bad input
# is a one-line error instead of a traceback.
COMMANDS_MODULE = "crawler.commands"

# --- Where output goes -------------------------------------------------------------------
#: Crawls are written to DATA_DIR/<crawl_id>/{pages,edges}/*.parquet and crawl.json. A
#: relative path is relative to the current directory (where the command runs).
DATA_DIR = "data/crawls"
#: Seeds file used when `-a seeds=` is not given (relative to the current directory too).
LINKGRAPH_DEFAULT_SEEDS = "data/seeds.txt"
#: Set by the crawl commands when there is a JOBDIR: the command line that resumes the
#: crawl, recorded in crawl.json ("resume_command") and printed when a crawl is interrupted.
LINKGRAPH_RESUME_COMMAND = None

# --- What is fetched (docs/crawling.md) ---------------------------------------------------
#: Fetches per registered domain, whatever their status (robots.txt aside).
LINKGRAPH_MAX_PAGES_PER_DOMAIN = 1000
#: Link distance from the seeds; redirect targets keep the depth of the redirecting URL.
LINKGRAPH_MAX_DEPTH = 10
#: Media types whose links are read.
LINKGRAPH_HTML_TYPES = ["text/html", "application/xhtml+xml"]

# --- Sitemaps (docs/crawling.md, "Sitemaps") ----------------------------------------------
#: Read the sitemaps each site declares in robots.txt (/sitemap.xml when none) and
#: schedule the pages they list; `-a sitemaps=false` turns it off for one crawl.
LINKGRAPH_SITEMAPS = True
#: Bytes read of one sitemap file, after decompression (the protocol allows 50 MB).
LINKGRAPH_SITEMAP_MAX_BYTES = 50 * 1024 * 1024
#: URLs read of one sitemap file (the protocol's limit).
LINKGRAPH_SITEMAP_MAX_URLS = 50_000
#: Sitemap files read per site, indexes and their children together.
LINKGRAPH_SITEMAP_MAX_FILES = 100

# --- Rendering (docs/crawling.md, "Rendering") ---------------------------------------------
#: Registered domains (or hosts) whose HTML pages are rendered in headless Chromium, or
#: "all"; None: none. `-a render=DOMAIN[,DOMAIN...]|all` sets it for one crawl.
LINKGRAPH_RENDER = None
#: The Chromium binary Playwright drives (Debian's package; never a downloaded browser).
LINKGRAPH_RENDER_BROWSER = "/usr/bin/chromium"
#: Pages rendered at the same time (each a browser context; Chromium is heavy).
LINKGRAPH_RENDER_CONCURRENCY = 2
#: Seconds a page has to settle (its load event, then LINKGRAPH_RENDER_IDLE seconds with
#: no request open); past them it keeps its served HTML's links and `error` says
#: "render timeout".
LINKGRAPH_RENDER_TIMEOUT = 15.0
#: Seconds without an open request after the load event that make a page settled.
LINKGRAPH_RENDER_IDLE = 0.25
#: Other hosts a rendered page may request (through the crawl's downloader, robots.txt and
#: politeness included); every other host is blocked.
LINKGRAPH_RENDER_ALLOW_HOSTS: list[str] = []
#: Resource types a rendered page never fetches (links do not need them).
LINKGRAPH_RENDER_SKIP_TYPES = ["image", "media", "font"]

# --- Writing ------------------------------------------------------------------------------
#: A batch is written when it holds this many edges...
LINKGRAPH_BATCH_EDGES = 50_000
#: ...or this many pages...
LINKGRAPH_BATCH_PAGES = 5_000
#: ...or when this many seconds passed since the last write, checked on every page and by
#: a timer, so a crawl waiting on slow hosts writes too (what a kill can lose and what a
#: resume fetches again).
LINKGRAPH_FLUSH_SECONDS = 30.0

# --- robots.txt and politeness limits (docs/crawling.md, "robots.txt") ---------------------
#: How much of a robots.txt is read, decoded (RFC 9309: at least 500 KiB); the rest of a
#: larger file is ignored, the rules before it apply.
LINKGRAPH_ROBOTS_MAX_BYTES = 500 * 1024
#: Redirects followed to reach a robots.txt, to any host (RFC 9309: at least 5); past them
#: the file is unavailable and everything is allowed.
LINKGRAPH_ROBOTS_MAX_REDIRECTS = 5
#: Seconds a site stays disallowed after its robots.txt failed (5xx, 429, no answer)
#: before the next URL of the site fetches the file again.
LINKGRAPH_ROBOTS_RETRY_SECONDS = 600.0
#: Seconds a robots.txt that was read (or answered 4xx) is used before it is fetched again
#: (RFC 9309: at most 24 hours).
LINKGRAPH_ROBOTS_MAX_AGE = 86_400.0
#: The longest Crawl-delay obeyed, seconds: a host asking more is crawled at this delay
#: (and crawl.json says so), so one host cannot stop a crawl from ending.
LINKGRAPH_MAX_CRAWL_DELAY = 30.0

# --- Feedback -----------------------------------------------------------------------------
#: "auto": a live display when stderr is a terminal, plain periodic log lines otherwise;
#: "live" or "log" to choose; "print" writes the plain lines to stderr whatever LOG_LEVEL.
LINKGRAPH_PROGRESS = "auto"
#: Seconds between plain progress lines when not on a terminal.
LINKGRAPH_PROGRESS_INTERVAL = 10.0

# --- Politeness ---------------------------------------------------------------------------
USER_AGENT = "linkgraphbot/0.1 (+https://github.com/linkgraph/linkgraph/blob/main/docs/crawling.md)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "linkgraphbot"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
# Only transient failures are retried; a 500 is usually a bug that stays, and 4xx is an answer.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [502, 503, 504, 408, 429]
# Every answer reaches the spider: 4xx/5xx pages are recorded (broken-link research), and
# redirects are followed by the spider itself so each hop is a page and an edge, and a
# meta-refresh page keeps its links (Scrapy's MetaRefreshMiddleware would drop them).
HTTPERROR_ALLOW_ALL = True
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False
COOKIES_ENABLED = False
# No control ports on the crawling machine: Scrapy's telnet console and its remote-control
# HTTP server (Scrapy 2.19+) would each listen on one.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

SCHEDULER = "crawler.frontier.FrontierScheduler"
# --- The frontier (docs/crawling.md, "Per-host queues" and "Shared crawls") ----------------
#: Where the frontier lives: "sqlite" (one process; in JOBDIR when given) or "redis"
#: (shared by every process with the same crawl_id and REDIS_URL). Default: redis when
#: REDIS_URL is set, else sqlite.
LINKGRAPH_FRONTIER = ""
#: The Redis of a shared crawl, redis://HOST:PORT/DB. Default: none (not shared).
REDIS_URL = None
#: This process's name in a shared crawl (its part files and crawl.json entry carry it);
#: restart a worker with the same id to take back its leases at once. Default: host-pid.
LINKGRAPH_WORKER_ID = None
#: Seconds a URL handed to a worker stays its own without a heartbeat; a dead worker's
#: URLs go back to the queue after this. The heartbeat renews every quarter of it.
LINKGRAPH_LEASE_SECONDS = 120.0
#: A host answering 429/503 or timing out gets nothing for Retry-After seconds, else for
#: this many, doubled at each failure in a row (0 turns backoff off)...
LINKGRAPH_BACKOFF_SECONDS = 5.0
#: ...up to this many.
LINKGRAPH_BACKOFF_MAX_SECONDS = 300.0

DOWNLOADER_MIDDLEWARES = {
    # robots.txt as RFC 9309 says (crawler/robots.py), in place of Scrapy's.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtMiddleware": 100,
    # Nothing is sent once the crawl stops; then Crawl-delay from robots.txt, then the
    # per-domain budget: all after robots (100), so a disallowed URL never takes budget.
    "crawler.middlewares.PromptStopMiddleware": 105,
    "crawler.middlewares.CrawlDelayMiddleware": 110,
    "crawler.middlewares.DomainBudgetMiddleware": 120,
    # The frontier hears when each fetch is over (outermost) and which hosts ask for a
    # pause (before Scrapy's retries).
    "crawler.frontier.politeness.FrontierReleaseMiddleware": 50,
    "crawler.frontier.politeness.HostBackoffMiddleware": 560,
    # Scrapy's decompression, except for robots.txt, which is decoded only as far as read.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.robots.RobotsCompressionMiddleware": 590,
}
SPIDER_MIDDLEWARES = {
    # The spider sets depth itself (redirect targets keep their depth).
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ParquetPipeline": 300,
}
# --- WARC output (docs/archives.md) ---------------------------------------------------------
#: Also keep what is fetched as WARC files in DATA_DIR/<crawl_id>/warc/, each committed
#: with the Parquet batch of its pages (crawler/warcout.py). Default off.
WARC_OUTPUT = False
#: A WARC file is rolled over once it holds this many (gzipped) bytes; default 1 GB.
WARC_MAX_SIZE = 1_000_000_000
#: gzip level of WARC records: 1 is fastest (the crawl is CPU-bound), 9 smallest; default 1.
WARC_GZIP_LEVEL = 1
# Both components are inert (NotConfigured) unless WARC_OUTPUT is on.
DOWNLOADER_MIDDLEWARES["crawler.warcout.WarcCaptureMiddleware"] = 595
ITEM_PIPELINES["crawler.warcout.WarcPipeline"] = 290

EXTENSIONS = {
    # Counts each body's bytes (the bytes of a "too large" row) and cuts robots.txt.
    "crawler.bodysize.BodySize": 0,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.PoliteAutoThrottle": 0,
    "crawler.extensions.CrawlProgress": 500,
    "scrapy.extensions.logstats.LogStats": None,
}

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# --- Parsing in bounded time (docs/crawling.md, "Parsing in bounded time") -----------------
#: Where pages are parsed: "process" (a pool of worker processes, so parsing uses another
#: core and fetching goes on), "thread" (a thread pool), or "inline" (on the event loop).
LINKGRAPH_PARSE_POOL = "process"
#: Workers of the parse pool.
LINKGRAPH_PARSE_WORKERS = 1
#: Seconds of parsing a page may take; past them the page keeps the links read so far and
#: its error says so. A worker stuck past twice this (inside the HTML parser) is abandoned:
#: the page is recorded without links.
LINKGRAPH_PARSE_TIMEOUT = 10.0
#: Links recorded per page; the rest are counted in the page's links_dropped.
LINKGRAPH_MAX_LINKS = 10_000
#: Characters kept of an anchor and of a title (counted: anchors_truncated, title_length).
LINKGRAPH_MAX_ANCHOR_CHARS = 1_000
LINKGRAPH_MAX_TITLE_CHARS = 1_000
