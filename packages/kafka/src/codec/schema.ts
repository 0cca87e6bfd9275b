// A table-driven codec for Kafka's messages. Each message is described once, as Kafka's own
// message definitions do (apache/kafka clients/src/main/resources/common/message/*.json): its
// fields in order, each with the versions it exists in, and encode/decode for every version
// follow from that description. A field absent from a version decodes to its default and is
// not written, so handlers see the same shape whatever version the client speaks.
//
// Flexible versions (KIP-482) use compact lengths and end every struct with tagged fields;
// unknown tags are skipped, known tagged fields are written only when they differ from their
// default.

import { KafkaDecodeError, KafkaReader } from './reader.js';
import { KafkaWriter } from './writer.js';

/** What a field's encoding depends on: the message version and whether it is flexible. */
export interface Ctx {
  readonly version: number;
  readonly flexible: boolean;
}

/** A Kafka type: how to read and write a value of it, and its default. */
export interface Type<T> {
  readonly name: string;
  /** The fewest bytes a value takes, to bound array counts before allocating. */
  readonly bytesMin: number;
  readonly empty: T;
  read(r: KafkaReader, ctx: Ctx): T;
  write(w: KafkaWriter, value: T, ctx: Ctx): void;
}

function primitive<T>(name: string, bytesMin: number, empty: T, read: (r: KafkaReader) => T, write: (w: KafkaWriter, v: T) => void): Type<T> {
  return { name, bytesMin, empty, read, write };
}

/** Kafka's fixed-size integers and booleans, big-endian; int64 as a safe-integer number. */
export const int8 = primitive('int8', 1, 0, (r) => r.int8(), (w, v) => w.int8(v));
export const int16 = primitive('int16', 2, 0, (r) => r.int16(), (w, v) => w.int16(v));
export const int32 = primitive('int32', 4, 0, (r) => r.int32(), (w, v) => w.int32(v));
export const int64 = primitive('int64', 8, 0, (r) => r.int64(), (w, v) => w.int64(v));
export const bool = primitive('bool', 1, false, (r) => r.bool(), (w, v) => w.bool(v));
/** A 16-byte UUID, as 8-4-4-4-12 hex text. */
export const uuid = primitive('uuid', 16, '00000000-0000-0000-0000-000000000000', (r) => r.uuid(), (w, v) => w.uuid(v));

/** A UTF-8 string: int16 length, or a compact length in flexible versions; never null. */
export const string: Type<string> = {
  name: 'string',
  bytesMin: 1,
  empty: '',
  read: (r, ctx) => r.string(ctx.flexible, false) as string,
  write: (w, v, ctx) => w.string(v, ctx.flexible),
};

/** A string that may be null (length -1, or compact 0). */
export const nullableString: Type<string | null> = {
  name: 'nullable string',
  bytesMin: 1,
  empty: null,
  read: (r, ctx) => r.string(ctx.flexible, true),
  write: (w, v, ctx) => w.string(v, ctx.flexible),
};

const NO_BYTES = new Uint8Array(0);

/** Bytes: int32 length, or a compact length; read as a view of the frame; never null. */
export const bytes: Type<Uint8Array> = {
  name: 'bytes',
  bytesMin: 1,
  empty: NO_BYTES,
  read: (r, ctx) => r.bytes(ctx.flexible, false) as Uint8Array,
  write: (w, v, ctx) => w.bytes(v, ctx.flexible),
};

/** Bytes that may be null. */
export const nullableBytes: Type<Uint8Array | null> = {
  name: 'nullable bytes',
  bytesMin: 1,
  empty: null,
  read: (r, ctx) => r.bytes(ctx.flexible, true),
  write: (w, v, ctx) => w.bytes(v, ctx.flexible),
};

/** Record batches: nullable bytes on the wire. Read as one view of the frame; written from a
 *  list of chunks (batch headers and stored payloads), which are not copied when large. */
export type Records = Uint8Array | readonly Uint8Array[] | null;

/** The records field of Produce and Fetch. */
export const records: Type<Records> = {
  name: 'records',
  bytesMin: 1,
  empty: null,
  read: (r, ctx) => r.bytes(ctx.flexible, true),
  write: (w, v, ctx) => {
    if (v === null || v instanceof Uint8Array) {
      w.bytes(v, ctx.flexible);
      return;
    }
    let total = 0;
    for (const chunk of v) total += chunk.length;
    w.length(total, ctx.flexible, false);
    for (const chunk of v) w.raw(chunk);
  },
};

const FROZEN_EMPTY: readonly never[] = Object.freeze([]);

function arrayType<T>(element: Type<T>, nullable: boolean): Type<T[] | null> {
  return {
    name: `[]${element.name}`,
    bytesMin: 1,
    empty: nullable ? null : (FROZEN_EMPTY as unknown as T[]),
    read(r, ctx) {
      const count = r.count(ctx.flexible, nullable, element.bytesMin);
      if (count === -1) return null;
      const out = new Array<T>(count);
      for (let i = 0; i < count; i++) out[i] = element.read(r, ctx);
      return out;
    },
    write(w, v, ctx) {
      if (v === null) {
        w.length(-1, ctx.flexible, false);
        return;
      }
      w.length(v.length, ctx.flexible, false);
      for (const item of v) element.write(w, item, ctx);
    },
  };
}

/** An array of `element`. */
export function array<T>(element: Type<T>): Type<T[]> {
  return arrayType(element, false) as Type<T[]>;
}

/** An array of `element` that may be null. */
export function nullableArray<T>(element: Type<T>): Type<T[] | null> {
  return arrayType(element, true);
}

/** A version range, inclusive; `max` is Infinity for "N+". */
interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Parses Kafka's version notation: "3+", "0-2", "4", "none". */
function parseVersions(text: string): VersionRange {
  if (text === 'none') return { min: Infinity, max: -Infinity };
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`not a version range: ${JSON.stringify(text)}`);
}

/** A field of a struct: its type, the versions it exists in, and its default. */
export interface Field<T> {
  readonly type: Type<T>;
  readonly versions: VersionRange;
  /** Versions in which null is allowed, for fields that became nullable later. */
  readonly nullableVersions: VersionRange | null;
  /** The tag of a tagged field (flexible versions only); null for a regular field. */
  readonly tag: number | null;
  readonly default: T;
}

/** Options of field(). */
export interface FieldOptions<T> {
  /** The value when the field is absent from a version; the type's empty value otherwise. */
  readonly default?: T;
  /** For a nullable type: the versions that allow null, when fewer than the field's. */
  readonly nullable?: string;
  /** Makes it a tagged field with this tag. */
  readonly tag?: number;
}

/** A field of `type` present in `versions` ("0+", "3+", "1-4"). */
export function field<T>(type: Type<T>, versions: string, options: FieldOptions<T> = {}): Field<T> {
  return {
    type,
    versions: parseVersions(versions),
    nullableVersions: options.nullable === undefined ? null : parseVersions(options.nullable),
    tag: options.tag ?? null,
    default: options.default ?? type.empty,
  };
}

type Fields = { readonly [name: string]: Field<never> | Field<unknown> };

/** The value of a struct with fields `F`. */
export type StructValue<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

interface Plan {
  readonly regular: readonly (readonly [string, Field<unknown>])[];
  readonly tagged: ReadonlyMap<number, readonly [string, Field<unknown>]>;
  /** Fields absent from the version, with their defaults. */
  readonly absent: readonly (readonly [string, unknown])[];
}

/** A struct of named fields, encoded in declaration order. */
export function struct<F extends Fields>(fields: F): Type<StructValue<F>> {
  const entries = Object.entries(fields) as [string, Field<unknown>][];
  const plans: Plan[] = [];
  const planOf = (version: number): Plan => {
    let plan = plans[version];
    if (plan === undefined) {
      const has = (f: Field<unknown>) => version >= f.versions.min && version <= f.versions.max;
      plan = {
        regular: entries.filter(([, f]) => f.tag === null && has(f)),
        tagged: new Map(entries.filter(([, f]) => f.tag !== null && has(f)).map(([name, f]) => [f.tag!, [name, f] as const])),
        absent: entries.filter(([, f]) => !has(f)).map(([name, f]) => [name, f.default] as const),
      };
      plans[version] = plan;
    }
    return plan;
  };
  const empty = Object.fromEntries(entries.map(([name, f]) => [name, f.default])) as StructValue<F>;
  const checkNull = (name: string, f: Field<unknown>, version: number) => {
    const allowed = f.nullableVersions;
    if (allowed !== null && (version < allowed.min || version > allowed.max)) {
      throw new KafkaDecodeError(`${name} is null, which version ${version} does not allow`);
    }
  };
  return {
    name: 'struct',
    bytesMin: 1,
    empty,
    read(r, ctx) {
      const plan = planOf(ctx.version);
      const out: Record<string, unknown> = {};
      for (const [name, f] of plan.regular) {
        try {
          const value = f.type.read(r, ctx);
          if (value === null) checkNull(name, f, ctx.version);
          out[name] = value;
        } catch (err) {
          throw err instanceof KafkaDecodeError ? new KafkaDecodeError(`${name}: ${err.message}`) : err;
        }
      }
      if (ctx.flexible) readTaggedFields(r, ctx, plan, out);
      for (const [name, value] of plan.absent) out[name] = value;
      return out as StructValue<F>;
    },
    write(w, value, ctx) {
      const plan = planOf(ctx.version);
      const v = value as Record<string, unknown>;
      for (const [name, f] of plan.regular) f.type.write(w, v[name] === undefined ? f.default : v[name], ctx);
      if (ctx.flexible) writeTaggedFields(w, ctx, plan, v);
    },
  };
}

function readTaggedFields(r: KafkaReader, ctx: Ctx, plan: Plan, out: Record<string, unknown>): void {
  const count = r.uvarint();
  let previous = -1;
  for (const [name, f] of plan.tagged.values()) out[name] = f.default;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    if (tag <= previous) throw new KafkaDecodeError(`tagged field ${tag} after ${previous}: tags must ascend`);
    previous = tag;
    const size = r.uvarint();
    r.need(size, `tagged field ${tag}`);
    const known = plan.tagged.get(tag);
    if (known === undefined) {
      r.pos += size;
      continue;
    }
    const [name, f] = known;
    const end = r.pos + size;
    const sub = new KafkaReader(r.buf, r.pos, end);
    out[name] = f.type.read(sub, ctx);
    if (sub.pos !== end) throw new KafkaDecodeError(`tagged field ${name}: ${end - sub.pos} bytes after its value`);
    r.pos = end;
  }
}

function writeTaggedFields(w: KafkaWriter, ctx: Ctx, plan: Plan, v: Record<string, unknown>): void {
  const present: [number, Uint8Array][] = [];
  for (const [tag, [name, f]] of plan.tagged) {
    const value = v[name];
    if (value === undefined || isDefault(value, f.default)) continue;
    const sub = new KafkaWriter();
    f.type.write(sub, value, ctx);
    present.push([tag, sub.toBuffer()]);
  }
  present.sort((a, b) => a[0] - b[0]);
  w.uvarint(present.length);
  for (const [tag, bytes] of present) {
    w.uvarint(tag);
    w.uvarint(bytes.length);
    w.raw(bytes);
  }
}

function isDefault(value: unknown, fallback: unknown): boolean {
  if (value === fallback) return true;
  return Array.isArray(value) && Array.isArray(fallback) && value.length === 0 && fallback.length === 0;
}

/** Decodes a whole message body; trailing bytes are refused. */
export function decode<T>(type: Type<T>, r: KafkaReader, ctx: Ctx): T {
  const value = type.read(r, ctx);
  if (r.pos !== r.end) throw new KafkaDecodeError(`${r.end - r.pos} bytes after the end of the message`);
  return value;
}
