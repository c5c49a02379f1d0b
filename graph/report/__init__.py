"""The self-contained HTML report (``linkgraph report``): see ``graph.report.builder``."""

from graph.report.builder import build_report, render_report

__all__ = ["build_report", "render_report"]
