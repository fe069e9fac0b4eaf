"""The served dashboards: app.py behind the middleware that serves each download once (dashboards.downloads).

`leerstroom dashboard` runs `streamlit run` on this file; Streamlit finds `app` below and
serves the entrypoint script through it, with every option given on its command line.
"""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from dashboards.downloads import OnceOnlyDownloads
from dashboards.routes import ENTRYPOINT

app = st.App(ENTRYPOINT, middleware=[Middleware(OnceOnlyDownloads)])
