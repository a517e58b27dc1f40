"""Demo data: a realistic, reproducible sales history for trying out crmdesk."""

from __future__ import annotations

from crmdesk.demo.generator import DemoError, DemoSummary, build_demo

__all__ = ["DemoError", "DemoSummary", "build_demo"]
