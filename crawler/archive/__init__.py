"""Link data from web archives, into the same ``pages``/``edges`` datasets as a crawl.

- ``sources``: where an input file is (a local path or a URL, through fsspec), its
  identity (size and SHA-256) and how it is opened, resumed after a damaged record, and
  listed (``*.paths.gz``, folders of ``part-*`` files).
- ``warc``: WARC records -> page rows and links, through ``crawler.rows.page_record``
  (the crawler's own seam, so a record and a live response of the same bytes give the
  same rows); HTTP framing as real archives hold it.
- ``wat``: Common Crawl's WAT link metadata -> page rows and links (placement unknown).
- ``ingest``: one input file -> its Parquet parts (``crawler.writer.CrawlWriter``), and
  many files in parallel, idempotently, with ``crawl.json`` saying where the data came
  from.
- ``webgraph`` and ``ranks``: Common Crawl's published host- and domain-level graphs and
  their ranks files.

No Scrapy: ``linkgraph ingest`` and ``linkgraph ingest-webgraph`` are the commands
(``docs/archives.md``).
"""
