"""Scan history: every scan saved to SQLite (the default, per user) or PostgreSQL via SQLAlchemy."""

from ringfence.store.engine import default_database_url
from ringfence.store.errors import StoreError
from ringfence.store.store import ScanStore
from ringfence.store.summary import ScanSummary

__all__ = ["ScanStore", "ScanSummary", "StoreError", "default_database_url"]
