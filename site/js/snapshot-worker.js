// Fetch and inflate the runtime's memory snapshot off the main thread (31 MB of inflating would
// otherwise stall the page and PyScript's own loading), and keep the inflated copy in Cache Storage:
// reading it back and checking its SHA-256 costs a fraction of inflating it again on the next visit.
// runtime.mjs starts it with the snapshot's {url, bytes, crc32, sha256, packed} and gets {received}
// for each compressed chunk (the page's progress bar), then {memory, kept} or {error}; asked {ask},
// it answers {pace}: its own count, which a busy page cannot hold back.
const download = { started: 0, arrived: 0, complete: false };

self.onmessage = async ({ data }) => {
  if (data.ask) {
    postMessage({ pace: { ...download, ms: performance.now() - download.started } });
    return;
  }
  try {
    const kept = await readKept(data);
    if (kept) {
      postMessage({ received: data.packed });
      postMessage({ memory: kept, kept: true }, [kept.buffer]); // handed over, not copied
    } else {
      const memory = await inflate(data.url, data.bytes, data.crc32);
      const copy = memory.slice(); // the page gets the original at once; the copy is kept for next time
      postMessage({ memory, kept: false }, [memory.buffer]);
      await keep(data, copy);
    }
  } catch (error) {
    postMessage({ error: error.message });
  }
  close();
};

// One cache per deployment (the snapshot's folder), one entry in it: this build's inflated snapshot.
const keptIn = (url) => `digitlab-snapshot:${new URL("./", url)}`;
const keyOf = ({ url, sha256 }) => `${url}?inflated=${sha256}`;

async function readKept(snapshot) {
  try {
    const cache = await caches.open(keptIn(snapshot.url));
    const hit = await cache.match(keyOf(snapshot));
    if (!hit) return null;
    download.started = performance.now();
    const memory = new Uint8Array(await hit.arrayBuffer());
    download.complete = true;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", memory));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    if (memory.length === snapshot.bytes && hex === snapshot.sha256) return memory;
    await cache.delete(keyOf(snapshot)); // damaged: download it again, as on a first visit
  } catch {
    // no Cache Storage here (an insecure origin, storage turned off): download it
  }
  download.complete = false;
  return null;
}

async function keep(snapshot, memory) {
  try {
    const cache = await caches.open(keptIn(snapshot.url));
    for (const old of await cache.keys()) await cache.delete(old); // another build's
    await cache.put(keyOf(snapshot), new Response(memory));
  } catch {
    // full or unavailable: the next visit inflates it again
  }
}

// A download that stops arriving (the connection open, no byte for this long) is a failed one: the
// page then starts Python without the snapshot instead of waiting for ever.
const STALL_MS = 5000;

async function inflate(url, bytes, crc32) {
  const name = url.split("/").pop();
  download.started = performance.now();
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
