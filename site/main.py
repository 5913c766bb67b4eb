"""Entry point PyScript runs; the page layer lives in digitlab/page/."""

from digitlab.page import start

await start()  # noqa: F704 - PyScript runs this module with top-level await
