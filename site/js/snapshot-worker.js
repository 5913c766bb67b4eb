// Fetch and inflate the runtime's memory snapshot off the main thread (31 MB of inflating would
// otherwise stall the page and PyScript's own loading). runtime.mjs starts it with {url, bytes, crc32}
// and gets {received} for each compressed chunk (the page's progress bar), then {memory} or {error};
// asked {ask}, it answers {pace}: its own count, which a busy page cannot hold back.
const download = { started: 0, arrived: 0, complete: false };

self.onmessage = async ({ data }) => {
  if (data.ask) {
    postMessage({ pace: { ...download, ms: performance.now() - download.started } });
    return;
  }
  try {
    const memory = await inflate(data.url, data.bytes, data.crc32);
    postMessage({ memory }, [memory.buffer]); // handed over, not copied
  } catch (error) {
    postMessage({ error: error.message });
  }
};

async function inflate(url, bytes, crc32) {
  const name = url.split("/").pop();
  download.started = performance.now();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  // The gzip trailer (CRC-32 and size of the contents, which inflating checks the bytes against)
  // must be this build's: the last eight bytes are kept to compare.
  let tail = new Uint8Array(0);
  const counted = new TransformStream({
    transform(chunk, controller) {
      download.arrived += chunk.byteLength;
      postMessage({ received: chunk.byteLength });
      const joined = new Uint8Array(tail.length + Math.min(chunk.length, 8));
      joined.set(tail);
      joined.set(chunk.subarray(-8), tail.length);
      tail = joined.slice(-8);
      controller.enqueue(chunk);
    },
    flush() {
      download.complete = true; // every byte is here; what is left is inflating
    },
  });
  const reader = response.body.pipeThrough(counted).pipeThrough(new DecompressionStream("gzip")).getReader();
  const memory = new Uint8Array(bytes);
  let filled = 0;
  for (;;) {
    let part;
    try {
      part = await reader.read();
    } catch {
      throw new Error(`${name} is damaged: it does not inflate`);
    }
    if (part.done) break;
    if (filled + part.value.length > bytes) throw new Error(`${name} is larger than this build's`);
    memory.set(part.value, filled);
    filled += part.value.length;
  }
  const trailer = new DataView(tail.buffer);
  if (filled !== bytes || tail.length < 8 || trailer.getUint32(0, true) !== crc32) {
    throw new Error(`${name} is not the one this build made`);
  }
  return memory;
}
