// kafkajs's own protocol code (its request encoders, response decoders and record-batch codec),
// reached by path: it is a Kafka client no one here wrote, so bytes it makes are a fair test of
// our decoders, and its decoders a fair test of our encoders.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A kafkajs protocol module, untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;

export const KafkajsEncoder: Untyped = require('kafkajs/src/protocol/encoder');
export const KafkajsDecoder: Untyped = require('kafkajs/src/protocol/decoder');
export const kafkajsRecordBatch: Untyped = require('kafkajs/src/protocol/recordBatch/v0');
export const kafkajsRecord: Untyped = require('kafkajs/src/protocol/recordBatch/record/v0');
export const kafkajsDecodeRecordBatch: Untyped = require('kafkajs/src/protocol/recordBatch/v0/decoder');
export const kafkajsAssignerProtocol: Untyped = require('kafkajs/src/consumer/assignerProtocol');

/** The request module of `api` (kafkajs's folder name) at `version`. */
export function kafkajsRequest(api: string, version: number): Untyped {
  return require(`kafkajs/src/protocol/requests/${api}/v${version}/request`);
}

/** The response module of `api` at `version`. */
export function kafkajsResponse(api: string, version: number): Untyped {
  return require(`kafkajs/src/protocol/requests/${api}/v${version}/response`);
}

/** Encodes a request with kafkajs: its body (after the request header) and its API key. */
export async function kafkajsRequestBody(api: string, version: number, args: object): Promise<{ apiKey: number; body: Buffer }> {
  const request = kafkajsRequest(api, version)(args);
  const encoder = await request.encode();
  return { apiKey: request.apiKey, body: encoder.buffer as Buffer };
}

/** A whole request frame as kafkajs sends it (size, header v1, body). */
export async function kafkajsFrame(api: string, version: number, args: object, correlationId = 1, clientId = 'kafkajs-test'): Promise<Buffer> {
  const request = kafkajsRequest(api, version)(args);
  const createRequest = require('kafkajs/src/protocol/request');
  const frame = await createRequest({ correlationId, clientId, request });
  return frame.buffer as Buffer;
}
