"""AppTest fixtures. The helpers that build and read an app are in tests/app/helpers.py."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Caches outlive AppTest instances within one pytest process."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
