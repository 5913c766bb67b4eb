// Wire the pad and chart helpers where the Python glue (digitlab/app.py) can find them.
import { createPad } from "./pad.js";
import { copyRegion, lineChart, putPixels } from "./charts.js";

const pad = createPad(document.querySelector('[data-testid="pad"]'));
window.digitlab = { pad, lineChart, putPixels, copyRegion };

// Boot progress from PyScript's lifecycle, shown until Python says it is ready.
const status = document.getElementById("boot-status");
addEventListener("py:ready", () => {
  if (document.body.dataset.ready !== "true") status.textContent = "Python is running: loading the model…";
});
