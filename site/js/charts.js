// Small canvas charts instead of a vendored chart library (Chart.js alone is ~200 KB minified).
// Colours name CSS custom properties (palette.css, written by build.py from digitlab/render.py).
const cssColour = (canvas, name) => getComputedStyle(canvas).getPropertyValue(name).trim() || "#333";
const FONT = "12px system-ui, sans-serif"; // no smaller: readable on a projector
const OFF_SCALE = " (off the scale)";

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
  ctx.font = FONT;
  return { ctx, width, height };
}

// Every text on a chart goes through one of these: axis text is written where it must be; a label is
// put at the first of its candidate places where it overlaps no text already there and stays on the
// canvas. What was written is recorded on the canvas (data-labels: [text, left, top, right, bottom]),
// which the tests read to hold that no two overlap.
function texts(ctx, canvas, width, height) {
  const boxes = [];
  const boxOf = (text, x, y) => [x, y - 10, x + ctx.measureText(text).width, y + 3];
  const clear = ([l, t, r, b]) => l >= 0 && t >= 0 && r <= width && b <= height &&
    boxes.every(([, l2, t2, r2, b2]) => r <= l2 || r2 <= l || b <= t2 || b2 <= t);
  const write = (text, x, y) => {
    ctx.fillText(text, x, y);
    boxes.push([text, ...boxOf(text, x, y)]);
  };
  return {
    write,
    // candidates: [[x, y], ...] baselines to try in order; returns false when none is free
    place(text, candidates) {
      for (const [x, y] of candidates) {
        if (clear(boxOf(text, x, y))) return write(text, x, y), true;
      }
      return false;
    },
    done() {
      canvas.dataset.labels = JSON.stringify(boxes.map(([t, ...box]) => [t, ...box.map((v) => +v.toFixed(1))]));
    },
  };
}

// Places around a point (px, py) for a label of width w: right and above first, then the others.
const around = (px, py, w) => [
  [px + 7, py - 6], [px + 7, py + 15], [px - w - 7, py - 6], [px - w - 7, py + 15],
  [px + 7, py - 20], [px + 7, py + 29], [px - w - 7, py - 20], [px - w - 7, py + 29],
];

// A small triangle at (x, y) pointing up, down, left or right: a value drawn at the edge is beyond it.
function arrow(ctx, x, y, direction) {
  const [dx, dy] = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] }[direction];
  ctx.beginPath();
  ctx.moveTo(x + dx * 7, y + dy * 7);
  ctx.lineTo(x - dy * 5, y + dx * 5);
  ctx.lineTo(x + dy * 5, y - dx * 5);
  ctx.closePath();
  ctx.fill();
}

// A line chart of series of [x, y] points. `log` plots y on a log10 scale (yMin must then be > 0);
// `marker` ({x, y, label}) marks one point, e.g. where training diverged; `starts` ([{x, label}]) marks
// where each run began with a dashed line. Values beyond [yMin, yMax] are drawn at the edge, arrowed.
export function lineChart(canvas, { series, yMin, yMax, xMax, log = false, xTitle = "", yTitle = "", marker = null, starts = [] }) {
  const { ctx, width, height } = prepare(canvas, 320, 180);
  const text = texts(ctx, canvas, width, height);
  const pad = { left: 52, right: 12, top: 28, bottom: 30 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const scale = log ? Math.log10 : (v) => v;
  const [low, high] = [scale(yMin), scale(yMax)];
  const x = (i) => pad.left + (xMax > 0 ? (i / xMax) * plotW : 0);
  const y = (v) => pad.top + plotH - ((Math.min(Math.max(scale(v), low), high) - low) / (high - low || 1)) * plotH;

  ctx.fillStyle = "#555";
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  text.write(yTitle, 4, 12);
  for (let k = 0; k <= 4; k++) {
    const v = log ? 10 ** (low + ((high - low) * k) / 4) : yMin + ((yMax - yMin) * k) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(v));
    ctx.lineTo(pad.left + plotW, y(v));
    ctx.stroke();
    text.write(log ? v.toPrecision(2) : v.toFixed(2), 4, y(v) + 4);
  }
  text.write("0", pad.left - 3, height - 16);
  text.write(String(xMax), pad.left + plotW - ctx.measureText(String(xMax)).width, height - 16);
  text.write(xTitle, pad.left + plotW / 2 - ctx.measureText(xTitle).width / 2, height - 4);

  ctx.setLineDash([3, 3]);
  for (const { x: at, label } of starts) {
    ctx.strokeStyle = ctx.fillStyle = "#888";
    ctx.beginPath();
    ctx.moveTo(x(at), pad.top);
    ctx.lineTo(x(at), pad.top + plotH);
    ctx.stroke();
    const w = ctx.measureText(label).width;
    text.place(label, [[x(at) + 3, pad.top + plotH - 4], [x(at) + 3, pad.top + plotH - 18], [x(at) - w - 3, pad.top + plotH - 4]]);
  }
  ctx.setLineDash([]);

  let legendX = pad.left + plotW - 10;
  for (const { name, colour, points } of [...series].reverse()) {
    ctx.strokeStyle = ctx.fillStyle = cssColour(canvas, colour);
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach(([px, py], i) => (i ? ctx.lineTo(x(px), y(py)) : ctx.moveTo(x(px), y(py))));
    ctx.stroke();
    for (const [px, py] of points) {
      if (py > yMax) arrow(ctx, x(px), pad.top - 2, "up");
      else if (py < yMin) arrow(ctx, x(px), pad.top + plotH + 2, "down");
    }
    legendX -= ctx.measureText(name).width + 18;
    ctx.fillRect(legendX, pad.top - 14, 10, 3);
    text.write(name, legendX + 13, pad.top - 9);
  }
  if (marker) {
    ctx.fillStyle = "#b91c1c";
    ctx.beginPath();
    ctx.arc(x(marker.x), y(marker.y), 5, 0, 2 * Math.PI);
    ctx.fill();
    const label = marker.y > yMax ? marker.label + OFF_SCALE : marker.label;
    const w = ctx.measureText(label).width;
    text.place(label, [...around(x(marker.x), Math.max(y(marker.y), pad.top + 12), w), [pad.left + 4, pad.top + 12]]);
  }
  text.done();
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
export function placeholder(canvas, message) {
  const { ctx, width, height } = prepare(canvas, 320, 180);
  ctx.save(); // the centring must not outlive the placeholder: lineChart's labels are left-aligned
  ctx.font = "13px system-ui, sans-serif";
  ctx.fillStyle = "#666";
  ctx.textAlign = "center";
  ctx.fillText(message, width / 2, height / 2);
  ctx.restore();
  canvas.dataset.labels = "[]";
}

// An x-y plot of lines and marked points, e.g. sigmoid(z) with the current z, or a ROC curve.
// spec: {lines: [{colour, points: [[x, y], ...], dashed}], marks: [{x, y, label, colour}],
//        xMin, xMax, yMin, yMax, xTitle, yTitle}; colours name CSS custom properties. A mark beyond
// the axes is drawn at the edge with an arrow, and its label says it is off the scale.
export function plot(canvas, { lines, marks = [], xMin, xMax, yMin, yMax, xTitle = "", yTitle = "" }) {
  const { ctx, width, height } = prepare(canvas, 240, 170);
  const text = texts(ctx, canvas, width, height);
  const pad = { left: 36, right: 8, top: 22, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
  const x = (v) => pad.left + ((clamp(v, xMin, xMax) - xMin) / (xMax - xMin)) * plotW;
  const y = (v) => pad.top + plotH - ((clamp(v, yMin, yMax) - yMin) / (yMax - yMin)) * plotH;
  ctx.fillStyle = "#555";
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, plotW, plotH);
  text.write(yTitle, 4, 11);
  for (const v of [yMin, yMax]) text.write(String(+v.toFixed(2)), 4, y(v) + 4);
  text.write(String(+xMin.toFixed(2)), pad.left, height - 16);
  const right = String(+xMax.toFixed(2));
  text.write(right, pad.left + plotW - ctx.measureText(right).width, height - 16);
  text.write(xTitle, pad.left + plotW / 2 - ctx.measureText(xTitle).width / 2, height - 4);
  for (const { colour, points, dashed } of lines) {
    ctx.strokeStyle = cssColour(canvas, colour);
    ctx.lineWidth = 2;
    ctx.setLineDash(dashed ? [4, 4] : []);
    ctx.beginPath();
    points.forEach(([px, py], i) => (i ? ctx.lineTo(x(px), y(py)) : ctx.moveTo(x(px), y(py))));
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const labels = [];
  for (const { x: mx, y: my, label, colour } of marks) {
    ctx.fillStyle = cssColour(canvas, colour || "--mark");
    const beyond = mx > xMax ? "right" : mx < xMin ? "left" : my > yMax ? "up" : my < yMin ? "down" : null;
    if (beyond) arrow(ctx, x(mx), y(my), beyond);
    else {
      ctx.beginPath();
      ctx.arc(x(mx), y(my), 4.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    if (label) labels.push({ text: beyond ? label + OFF_SCALE : label, px: x(mx), py: y(my), fill: ctx.fillStyle });
  }
  // Labels of marks: the one nearest the top first, each where it overlaps nothing written already.
  labels.sort((a, b) => a.py - b.py);
  for (const { text: label, px, py, fill } of labels) {
    ctx.fillStyle = fill;
    const stacked = [0, 1, 2, 3].map((k) => [pad.left + 4, pad.top + 12 + 13 * k]);
    text.place(label, [...around(px, py, ctx.measureText(label).width), ...stacked]);
  }
  text.done();
}
