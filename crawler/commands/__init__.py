"""Scrapy commands of the linkgraph project (``COMMANDS_MODULE``): they override built-ins."""
