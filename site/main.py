"""Entry point PyScript runs; all the page logic lives in digitlab/app.py."""

from digitlab import app

await app.start()  # noqa: F704 - PyScript runs this module with top-level await
