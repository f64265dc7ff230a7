"""Serving one room from N Streamlit replicas behind HAProxy: `python -m deploy.serve`."""
