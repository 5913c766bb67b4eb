"""digitlab: logistic regression from scratch that reads handwritten digits (a pair, or all ten), and explains why.

Pure standard-library Python, so the same code trains under CPython and in the browser under
Pyodide. Only the page layer (digitlab/page/) touches the page; reference.py is the place to start.
"""

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
