// fast-check arbitraries of Herald's protobuf messages, from the .proto files themselves
// (protobufjs reflection): every field of every request type gets values a careless or hostile
// client could send (empty and oversized strings, path-like names, negative and boundary
// numbers, unknown enum values, nested messages, repeated fields), and encodes to the bytes a
// gRPC call carries. The fuzz tests (test/fuzz) send them to every RPC.
import { API_PROTO_FILES, PEER_PROTO_FILES, protoDir } from '@herald/protocol';
import fc from 'fast-check';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/** Herald's public and peer .proto files, loaded for reflection. */
export function loadProtoRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoDir(), target);
  root.loadSync([...API_PROTO_FILES, ...PEER_PROTO_FILES], { keepCase: false });
  root.resolveAll();
  return root;
}

/** Names the fuzz tests create, so that some generated requests reach real topics and groups. */
export interface FuzzNames {
  readonly topics: readonly string[];
  readonly groups: readonly string[];
}

const MAX_DEPTH = 3;

function stringArbitrary(names: FuzzNames): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...names.topics, ...names.groups, '', ' ', '.', '..', '../etc/passwd', 'a'.repeat(300), 'x\u0000y', '*', '__consumer_offsets', 'meta'),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
}

const int32 = fc.oneof(fc.integer({ min: -2, max: 16 }), fc.constantFrom(-2147483648, 2147483647, 1 << 20));
const uint32 = fc.oneof(fc.integer({ min: 0, max: 16 }), fc.constantFrom(4294967295, 1 << 20));
// 64-bit fields: small values, the JavaScript boundary, and beyond it (protobufjs takes decimal
// strings for longs), and negatives.
const int64 = fc.oneof(fc.integer({ min: -2, max: 64 }), fc.constantFrom(-1, 2 ** 31, 2 ** 53 - 1, '9007199254740993', '9223372036854775807', '-9223372036854775808'));
const uint64 = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(2 ** 53 - 1, '18446744073709551615'));

function scalarArbitrary(type: string, names: FuzzNames): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArbitrary(names);
    case 'bytes':
      return fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 1024, maxLength: 8192 }));
    case 'bool':
      return fc.boolean();
    case 'double':
    case 'float':
      return fc.double();
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return int32;
    case 'uint32':
    case 'fixed32':
      return uint32;
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return int64;
    case 'uint64':
    case 'fixed64':
      return uint64;
    default:
      throw new Error(`no arbitrary for protobuf type ${type}`);
  }
}

function fieldArbitrary(field: protobuf.Field, names: FuzzNames, depth: number): fc.Arbitrary<unknown> {
  const resolved = field.resolvedType;
  let value: fc.Arbitrary<unknown>;
  if (resolved instanceof protobuf.Enum) {
    value = fc.oneof(fc.constantFrom(...Object.values(resolved.values)), fc.integer({ min: -1, max: 1000 }));
  } else if (resolved instanceof protobuf.Type) {
    value = depth >= MAX_DEPTH ? fc.constant({}) : messageArbitrary(resolved, names, depth + 1);
  } else {
    value = scalarArbitrary(field.type, names);
  }
  if (field.map) return fc.dictionary(stringArbitrary(names), value, { maxKeys: 3 });
  return field.repeated ? fc.array(value, { maxLength: 4 }) : value;
}

/** Plain objects of `type` (protobufjs fromObject's input), any subset of fields set. */
export function messageArbitrary(type: protobuf.Type, names: FuzzNames, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(type.fieldsArray.map((f) => [f.name, fieldArbitrary(f, names, depth)]));
  return fc.record(fields, { requiredKeys: [] });
}

/** The wire bytes of a generated message of `type`. */
export function encode(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** Request bodies for `type`: well-formed encodings of generated messages, and raw bytes that
 *  are likely not a valid encoding at all. */
export function requestBytes(type: protobuf.Type, names: FuzzNames): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 4, arbitrary: messageArbitrary(type, names).map((value) => encode(type, value)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)) },
  );
}
