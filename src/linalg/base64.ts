/** Decodes base64 text to bytes with `atob` (browsers, Node ≥ 16) or Node's `Buffer`. */
export function decodeBase64(text: string): Uint8Array {
  if (typeof atob === "function") {
    const s = atob(text);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return Uint8Array.from(B.from(text, "base64"));
  throw new Error("no base64 decoder (atob or Buffer) available");
}
