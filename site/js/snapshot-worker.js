// Fetch and inflate the runtime's memory snapshot off the main thread (31 MB of inflating would
// otherwise stall the page and PyScript's own loading). runtime.mjs starts it and gets, in order:
// {received} for each compressed chunk (the page's progress bar and its pace), {complete} when the
// last has arrived, then {memory} or {error}.
self.onmessage = async ({ data: { url, bytes, crc32 } }) => {
  try {
    const memory = await inflate(url, bytes, crc32);
    postMessage({ memory }, [memory.buffer]); // handed over, not copied
  } catch (error) {
    postMessage({ error: error.message });
  }
};

async function inflate(url, bytes, crc32) {
  const name = url.split("/").pop();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  // The gzip trailer (CRC-32 and size of the contents, which inflating checks the bytes against)
  // must be this build's: the last eight bytes are kept to compare.
  let tail = new Uint8Array(0);
  const counted = new TransformStream({
    transform(chunk, controller) {
      postMessage({ received: chunk.byteLength });
      const joined = new Uint8Array(tail.length + Math.min(chunk.length, 8));
      joined.set(tail);
      joined.set(chunk.subarray(-8), tail.length);
      tail = joined.slice(-8);
      controller.enqueue(chunk);
    },
    flush() {
      postMessage({ complete: true }); // every byte is here; what is left is inflating
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
