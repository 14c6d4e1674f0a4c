/**
 * The keys one load has written, remembered in a fixed 1 MiB (a Bloom filter: "maybe written" or
 * "certainly not"), so memory stays flat however long the file. The loader reads current counts
 * eventually consistently; a key it wrote itself moments ago may read as its older count, so a
 * row of such a key is never skipped as unchanged. A false "maybe" (about 2.5 % of keys at a
 * million distinct keys, far fewer below) only costs the write the loader would have made anyway.
 */
const bits = 2 ** 23;
const hashes = 3;

/** Two 32-bit FNV-1a hashes of the key (different offsets), combined as h1 + i × h2. */
function hashPair(key: string): [number, number] {
  let first = 0x811c9dc5;
  let second = 0x01000193;
  for (let index = 0; index < key.length; index++) {
    const code = key.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995);
  }
  return [first >>> 0, (second >>> 0) | 1];
}

export function writtenKeys() {
  const filter = new Uint8Array(bits / 8);
  return {
    add(key: string): void {
      const [first, second] = hashPair(key);
      for (let index = 0; index < hashes; index++) {
        const bit = (first + index * second) % bits;
        filter[bit >>> 3] = (filter[bit >>> 3] as number) | (1 << (bit & 7));
      }
    },
    mayHave(key: string): boolean {
      const [first, second] = hashPair(key);
      for (let index = 0; index < hashes; index++) {
        const bit = (first + index * second) % bits;
        if (((filter[bit >>> 3] as number) & (1 << (bit & 7))) === 0) return false;
      }
      return true;
    },
  };
}
