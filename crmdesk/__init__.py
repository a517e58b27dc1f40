"""crmdesk: a desktop sales CRM for small teams."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "crmdesk"
