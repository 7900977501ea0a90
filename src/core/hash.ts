// A tiny stable hash for identifiers (fingerprints, context keys). The core may not import
// Node's crypto module, and these keys need stability and spread, not secrecy: 64-bit FNV-1a over UTF-8.
const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/** FNV-1a, 64 bits, as 16 lowercase hex characters. */
export function fnv1a64(text: string): string {
  let h = FNV64_OFFSET;
  for (const byte of encoder.encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV64_PRIME) & MASK64;
  }
  return h.toString(16).padStart(16, '0');
}
