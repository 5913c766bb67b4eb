// Downloads with a deadline: a response that stops arriving (no byte for `stallMs`) counts as failed,
// like an error status or a dropped connection, and is tried again once. A caller's AbortSignal stops it.
export async function fetchBytes(url, { stallMs = 5000, tries = 2, signal } = {}) {
  const name = String(url).split("/").pop();
  let failure;
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (signal?.aborted) break;
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener("abort", stop);
    let stalled = false;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ((stalled = true), controller.abort()), stallMs);
    };
    try {
      arm();
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) throw new Error(`${name} answered ${response.status}`);
      const reader = response.body.getReader();
      const parts = [];
      for (let part = await reader.read(); !part.done; part = await reader.read()) {
        arm();
        parts.push(part.value);
      }
      const bytes = new Uint8Array(parts.reduce((total, p) => total + p.length, 0));
      parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
      return bytes;
    } catch (error) {
      failure = stalled ? new Error(`${name} stopped arriving for ${stallMs / 1000} s`) : error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
    }
  }
  throw signal?.aborted ? new Error(`${name}: no longer wanted`) : failure;
}
