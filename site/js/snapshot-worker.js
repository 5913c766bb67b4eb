// Fetch and inflate the runtime's memory snapshot off the main thread (31 MB of inflating would otherwise
// stall the page and PyScript's own loading), or read the inflated copy the page kept on an earlier visit
// and check its SHA-256. runtime.mjs starts it with {url, bytes, crc32, sha256, packed, kept: {cache, key}}
// and gets {received} for each compressed chunk (the page's progress bar), then {memory, kept} or {error};
// asked "how far?", it answers {pace: {local, arrived, ms}}: a copy on this device, or the bytes arrived in
// the ms since the first one (its own count and clock: a busy page hears of them late).
const state = { local: false, arrived: 0, first: 0 };

self.onmessage = async ({ data }) => {
  if (data === "how far?") {
    postMessage({ pace: { local: state.local, arrived: state.arrived, ms: state.first && performance.now() - state.first } });
    return;
  }
  try {
    const kept = await readKept(data);
    if (kept) {
      postMessage({ received: data.packed });
      postMessage({ memory: kept, kept: true }, [kept.buffer]); // handed over, not copied
    } else {
      const memory = await inflate(data.url, data.bytes, data.crc32);
      postMessage({ memory, kept: false }, [memory.buffer]);
    }
  } catch (error) {
    postMessage({ error: error.message });
  }
  close();
};

async function readKept({ kept, bytes, sha256 }) {
  try {
    const cache = await caches.open(kept.cache);
    const hit = await cache.match(kept.key);
    if (!hit) return null;
    state.local = true;
    const memory = new Uint8Array(await hit.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", memory));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    if (memory.length === bytes && hex === sha256) return memory;
    await cache.delete(kept.key); // damaged: download it again, as on a first visit
  } catch {
    // no Cache Storage here (an insecure origin, storage turned off): download it
  }
  state.local = false;
  return null;
}

// A download that stops arriving (the connection open, no byte for this long) is a failed one: the
// page then starts Python without the snapshot instead of waiting for ever.
const STALL_MS = 5000;

async function inflate(url, bytes, crc32) {
  const name = url.split("/").pop();
  const stop = new AbortController();
  let stalled = false;
  let timer;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ((stalled = true), stop.abort()), STALL_MS);
  };
  arm();
  try {
    return await inflateFrom(await fetch(url, { signal: stop.signal }), name, bytes, crc32, arm);
  } catch (error) {
    throw stalled ? new Error(`${name} stopped arriving for ${STALL_MS / 1000} s`) : error;
  } finally {
    clearTimeout(timer);
  }
}

async function inflateFrom(response, name, bytes, crc32, arrived) {
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  // The gzip trailer (CRC-32 and size of the contents, which inflating checks the bytes against)
  // must be this build's: the last eight bytes are kept to compare.
  let tail = new Uint8Array(0);
  const counted = new TransformStream({
    transform(chunk, controller) {
      arrived();
      state.first ||= performance.now();
      state.arrived += chunk.byteLength;
      postMessage({ received: chunk.byteLength });
      const joined = new Uint8Array(tail.length + Math.min(chunk.length, 8));
      joined.set(tail);
      joined.set(chunk.subarray(-8), tail.length);
      tail = joined.slice(-8);
      controller.enqueue(chunk);
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
