// Small canvas charts instead of a vendored chart library (Chart.js alone is ~200 KB minified).
// Colours name CSS custom properties (palette.css, written by build.py from digitlab/render.py).
const cssColour = (canvas, name) => getComputedStyle(canvas).getPropertyValue(name).trim() || "#333";

// Size the backing store to the CSS box at the device's pixel ratio, clear it, and hand back the
// context in CSS pixels with left-aligned text.
function prepare(canvas, fallbackWidth, fallbackHeight) {
  const ctx = canvas.getContext("2d");
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || fallbackWidth;
  const height = canvas.clientHeight || fallbackHeight;
  if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
  if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  return { ctx, width, height };
}

// A line chart. `log` plots y on a log10 scale (yMin must then be > 0); `marker` ({x, y, label})
// marks one point, e.g. where training diverged. Labels are always drawn left-aligned from x = 4.
export function lineChart(canvas, { series, yMin, yMax, xMax, log = false, xTitle = "", yTitle = "", marker = null }) {
  const { ctx, width, height } = prepare(canvas, 320, 180);
  const pad = { left: 52, right: 10, top: 20, bottom: 30 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const scale = log ? Math.log10 : (v) => v;
  const [low, high] = [scale(yMin), scale(yMax)];
  const x = (i) => pad.left + (xMax > 0 ? (i / xMax) * plotW : 0);
  const y = (v) => pad.top + plotH - ((Math.min(Math.max(scale(v), low), high) - low) / (high - low || 1)) * plotH;

  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#555";
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  for (let k = 0; k <= 4; k++) {
    const v = log ? 10 ** (low + ((high - low) * k) / 4) : yMin + ((yMax - yMin) * k) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(v));
    ctx.lineTo(pad.left + plotW, y(v));
    ctx.stroke();
    ctx.fillText(log ? v.toPrecision(2) : v.toFixed(2), 4, y(v) + 4);
  }
  ctx.fillText("0", pad.left - 3, height - 16);
  ctx.fillText(String(xMax), pad.left + plotW - ctx.measureText(String(xMax)).width, height - 16);
  ctx.fillText(xTitle, pad.left + plotW / 2 - ctx.measureText(xTitle).width / 2, height - 4);
  ctx.fillText(yTitle, 4, 12);

  let legendX = pad.left + plotW - 10;
  for (const { name, colour, values } of [...series].reverse()) {
    ctx.strokeStyle = ctx.fillStyle = cssColour(canvas, colour);
    ctx.lineWidth = 2;
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke();
    legendX -= ctx.measureText(name).width + 18;
    ctx.fillRect(legendX, pad.top - 10, 10, 3);
    ctx.fillText(name, legendX + 13, pad.top - 5);
  }
  if (marker) {
    ctx.fillStyle = "#b91c1c";
    ctx.beginPath();
    ctx.arc(x(marker.x), y(marker.y), 5, 0, 2 * Math.PI);
    ctx.fill();
    const text = marker.label;
    ctx.fillText(text, Math.min(x(marker.x) + 8, width - ctx.measureText(text).width - 2), pad.top + 12);
  }
}

// Put RGBA bytes (from Python) on a canvas whose backing store is the image's size.
export function putPixels(canvas, rgba, width, height) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const image = new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height);
  canvas.getContext("2d").putImageData(image, 0, 0);
}

// Copy a region of one canvas onto another, sized to the region (the "crop" stage).
export function copyRegion(source, target, left, top, width, height) {
  target.width = width;
  target.height = height;
  const ctx = target.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(source, left, top, width, height, 0, 0, width, height);
}

// What an empty chart says before the first run.
export function placeholder(canvas, text) {
  const { ctx, width, height } = prepare(canvas, 320, 180);
  ctx.save(); // the centring must not outlive the placeholder: lineChart's labels are left-aligned
  ctx.font = "13px system-ui, sans-serif";
  ctx.fillStyle = "#666";
  ctx.textAlign = "center";
  ctx.fillText(text, width / 2, height / 2);
  ctx.restore();
}

// An x-y plot of lines and marked points, e.g. sigmoid(z) with the current z, or a ROC curve.
// spec: {lines: [{name, colour, points: [[x, y], ...], dashed}], marks: [{x, y, label, colour}],
//        xMin, xMax, yMin, yMax, xTitle, yTitle}; colours name CSS custom properties.
export function plot(canvas, { lines, marks = [], xMin, xMax, yMin, yMax, xTitle = "", yTitle = "" }) {
  const { ctx, width, height } = prepare(canvas, 240, 170);
  const pad = { left: 36, right: 8, top: 16, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
  const x = (v) => pad.left + ((clamp(v, xMin, xMax) - xMin) / (xMax - xMin)) * plotW;
  const y = (v) => pad.top + plotH - ((clamp(v, yMin, yMax) - yMin) / (yMax - yMin)) * plotH;
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#555";
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, plotW, plotH);
  for (const v of [yMin, yMax]) ctx.fillText(String(+v.toFixed(2)), 4, y(v) + 4);
  ctx.fillText(String(+xMin.toFixed(2)), pad.left, height - 16);
  const right = String(+xMax.toFixed(2));
  ctx.fillText(right, pad.left + plotW - ctx.measureText(right).width, height - 16);
  ctx.fillText(xTitle, pad.left + plotW / 2 - ctx.measureText(xTitle).width / 2, height - 4);
  ctx.fillText(yTitle, 4, 11);
  for (const { colour, points, dashed } of lines) {
    ctx.strokeStyle = cssColour(canvas, colour);
    ctx.lineWidth = 2;
    ctx.setLineDash(dashed ? [4, 4] : []);
    ctx.beginPath();
    points.forEach(([px, py], i) => (i ? ctx.lineTo(x(px), y(py)) : ctx.moveTo(x(px), y(py))));
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const { x: mx, y: my, label, colour } of marks) {
    ctx.fillStyle = cssColour(canvas, colour || "--mark");
    ctx.beginPath();
    ctx.arc(x(mx), y(my), 4.5, 0, 2 * Math.PI);
    ctx.fill();
    if (!label) continue;
    // Above the point, or below it where above would run into the y-axis title over the plot.
    const labelY = y(my) - 6 < pad.top + 10 ? y(my) + 15 : y(my) - 6;
    ctx.fillText(label, Math.min(x(mx) + 7, width - ctx.measureText(label).width - 2), labelY);
  }
}
