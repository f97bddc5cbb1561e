"""The web app: FastAPI routes over the same ``Interview`` API, the WebSocket protocol, identity and the page.

Start it with `dataready serve`; build it with :func:`interview_lib.app.server.create_app`.
"""
