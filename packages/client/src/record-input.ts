// A producer's record fields as the batch codec takes them: shared by Producer.send and
// Transaction.send.

import type { RecordHeader } from '@herald/protocol';
import type { HeadersInput } from './types.js';

const utf8 = new TextEncoder();

/** A key, value or header value as bytes: strings as UTF-8. */
export function bytesOf(value: string | Uint8Array | null | undefined): Uint8Array | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? utf8.encode(value) : value;
}

/** A record's headers as the codec takes them. */
export function headersOf(headers: HeadersInput | undefined): RecordHeader[] {
  if (headers === undefined) return [];
  const list = Array.isArray(headers) ? (headers as readonly { key: string; value: string | Uint8Array }[]) : Object.entries(headers as Record<string, string | Uint8Array>).map(([key, value]) => ({ key, value }));
  return list.map((h) => ({ key: h.key, value: bytesOf(h.value)! }));
}
