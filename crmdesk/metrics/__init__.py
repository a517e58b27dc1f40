"""The one metrics service that every screen, printout and CLI report reads.

The definitions are in docs/metrics.md; nothing outside this package computes a
sales figure.
"""

from __future__ import annotations

from crmdesk.domain.reports import MetricsFilter
from crmdesk.metrics.context import local_timezone_name
from crmdesk.metrics.service import MetricsService

__all__ = ["MetricsFilter", "MetricsService", "local_timezone_name"]
