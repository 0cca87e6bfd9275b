// Moving a CRC-32C from one header to another without reading the payload again.
//
// A CRC is linear over GF(2): for the CRC of a concatenation, crc(A‖B) = crc(A)·x^(8|B|) ⊕ crc(B)
// (mod the polynomial), the identity zlib's crc32_combine() rests on; the initial value and the
// final xor cancel out. Kafka's record batch and Herald's batch hold the same payload P after
// different headers K and H, so
//
//   crc(H‖P) = crc(K‖P) ⊕ (crc(K) ⊕ crc(H))·x^(8|P|)
//
// costs O(log |P|) instead of a pass over P. It also keeps corruption visible: if P was damaged
// after its CRC was computed, the rebased CRC is wrong too, and the reader notices, where a CRC
// computed afresh over the damaged payload would vouch for it.

/** The reflected Castagnoli polynomial (CRC-32C, RFC 3720 §12.1). */
const POLY = 0x82f63b78;

/** a·b modulo the polynomial, in the reflected bit order (zlib's multmodp). */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  let m = 0x8000_0000;
  for (;;) {
    if ((a & m) !== 0) {
      product ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the polynomial, by repeated squaring (zlib's x2n_table, but not relying on
 *  the polynomial's order to wrap k at 32). Payloads stay below 2^53 bytes, so k < 56 + 3. */
const X_TO_2_TO_K: readonly number[] = (() => {
  const table = [0x4000_0000]; // x^1
  for (let k = 1; k < 64; k++) table.push(multiplyModP(table[k - 1]!, table[k - 1]!));
  return table;
})();

/** x^(8n) modulo the polynomial: the factor that moves a CRC past n bytes. */
function xToEightN(n: number): number {
  let p = 0x8000_0000; // x^0
  let k = 3; // 8n = n·2^3
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2), k++) {
    if (rest % 2 === 1) p = multiplyModP(X_TO_2_TO_K[k]!, p);
  }
  return p;
}

/** crc(A‖B) from crc(A), crc(B) and |B|. */
export function crc32cCombine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(xToEightN(lengthB), crcA) ^ crcB) >>> 0;
}

/**
 * The CRC of `newHeader‖payload` from the CRC of `oldHeader‖payload`, given the CRCs of the two
 * headers alone and the payload's length. The payload is not read.
 */
export function rebaseCrc(crc: number, oldHeaderCrc: number, newHeaderCrc: number, payloadLength: number): number {
  return (crc ^ multiplyModP(xToEightN(payloadLength), (oldHeaderCrc ^ newHeaderCrc) >>> 0)) >>> 0;
}
