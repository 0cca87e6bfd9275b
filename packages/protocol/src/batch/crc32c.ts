import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C (Castagnoli, as in iSCSI and Kafka's record batches) of `bytes`, as an unsigned
 *  32-bit number. Hardware-accelerated (SSE4.2 / ARMv8 CRC) through @node-rs/crc32.
 *  Test vector: crc32c("123456789") = 0xE3069283. */
export function crc32c(bytes: Uint8Array): number {
  return nativeCrc32c(bytes) >>> 0;
}
