"""digitlab: logistic regression from scratch that tells a handwritten 0 from a 1.

Pure standard-library Python, so the same code trains under CPython and in the
browser under Pyodide. Only `app.py` touches the page.
"""

IMAGE_SIDE = 28
IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE
