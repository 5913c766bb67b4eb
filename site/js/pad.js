// The drawing pad: pointer input (mouse, touch, pen) and round strokes. Drawing stays in JS
// because pointermove fires at input rate; Python hears one "stroke-end" event per stroke.
const BRUSH = 22; // px in the 280x280 backing store: ~2 px after MNIST's 20 px fit, like MNIST's pen

export function createPad(canvas) {
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  let strokes = [];
  const drawing = new Map(); // pointerId -> its stroke: two fingers draw two strokes, never one zig-zag
  let base = null; // a real MNIST digit put on the pad: strokes draw over it, Undo goes back to it

  function style() {
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = BRUSH;
    ctx.strokeStyle = "#000";
    ctx.fillStyle = "#000";
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) / box.width) * canvas.width,
      ((event.clientY - box.top) / box.height) * canvas.height,
    ];
  }

  function drawStroke(stroke) {
    style();
    const [x0, y0] = stroke[0];
    ctx.beginPath();
    ctx.arc(x0, y0, BRUSH / 2, 0, 2 * Math.PI);
    ctx.fill();
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    // Quadratic curves through midpoints smooth the polyline the pointer events give.
    for (let i = 1; i < stroke.length - 1; i++) {
      const [x, y] = stroke[i];
      const [nx, ny] = stroke[i + 1];
      ctx.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
    }
    const [xl, yl] = stroke[stroke.length - 1];
    ctx.lineTo(xl, yl);
    ctx.stroke();
  }

  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (base) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(base.image, 0, 0, canvas.width, canvas.height);
    }
    strokes.forEach(drawStroke);
  }

  // Every change of the drawing ends in one "stroke-end" event, timed from here to the verdict.
  // When the pad shows exactly a real MNIST test image, its detail carries that image's own 28x28
  // pixels: the model reads them, not the scaled-up copy on the pad.
  function emit() {
    performance.mark("stroke-end");
    const sample = base && strokes.length === 0 ? base.sample : null;
    canvas.dispatchEvent(new CustomEvent("stroke-end", { detail: { sample: !!sample, ...sample } }));
  }

  function end(event) {
    if (!drawing.has(event.pointerId)) return;
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    drawing.delete(event.pointerId);
    emit();
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button > 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    const stroke = [point(event)];
    drawing.set(event.pointerId, stroke);
    strokes.push(stroke);
    drawStroke(stroke);
  });
  canvas.addEventListener("pointermove", (event) => {
    const stroke = drawing.get(event.pointerId);
    if (!stroke) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) stroke.push(point(e));
    redraw();
  });
  // The system took the pointer away (a scroll or zoom gesture began, a palm was rejected): that stroke was not
  // meant, so it goes, and nothing is read.
  function cancel(event) {
    const stroke = drawing.get(event.pointerId);
    if (!stroke) return;
    drawing.delete(event.pointerId);
    strokes = strokes.filter((s) => s !== stroke);
    redraw();
  }

  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", cancel);
  canvas.addEventListener("lostpointercapture", end);

  return {
    clear() {
      strokes = [];
      drawing.clear();
      base = null;
      redraw();
      emit();
    },
    undo() {
      strokes.pop();
      redraw();
      emit();
    },
    // Show a 28x28 MNIST image (uint8, ink = 255) scaled up to the pad, replacing any strokes;
    // `sample` ({index, label}) travels with the stroke-end event, with the pixels themselves.
    showDigit(pixels, sample) {
      strokes = [];
      drawing.clear();
      const small = new ImageData(28, 28);
      for (let i = 0; i < 784; i++) small.data[i * 4 + 3] = pixels[i];
      const image = new OffscreenCanvas(28, 28);
      image.getContext("2d").putImageData(small, 0, 0);
      base = { image, sample: { index: sample.index, label: sample.label, pixels: Uint8Array.from(pixels) } };
      redraw();
      emit();
    },
  };
}
