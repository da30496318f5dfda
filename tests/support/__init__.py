"""Helpers the tests share: builders of tenants and meetings, mail and link readers, samples.

Fixtures stay in tests/support/env.py (and tests/browser/conftest.py); a test imports helpers from here, never
from another test module.
"""
