"""The web server (FastAPI): JSON API and pages over a store; see :func:`tidings.web.app.create_app`."""
