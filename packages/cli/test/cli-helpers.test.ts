// Shows the CLI's parsing and formatting helpers on the inputs users type: integers in range,
// key=value settings, broker lists, TOPIC/PARTITION, and aligned tables.

import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { topicPartition } from '../src/commands/leader.js';
import { nodeSpec } from '../src/commands/node.js';
import { nodeList } from '../src/commands/partition.js';
import { brokerList, integer, keyValue } from '../src/options.js';
import { formatTable, ids, nodeId } from '../src/output.js';

describe('option parsers', () => {
  it.each([
    { value: '1', parsed: 1 },
    { value: '1024', parsed: 1024 },
    { value: ' 7 ', parsed: 7 },
  ])('integer(1, 1024) takes $value', ({ value, parsed }) => {
    expect(integer(1, 1024)(value)).toBe(parsed);
  });

  it.each(['0', '1025', '1.5', 'x', '', '1e3'])('integer(1, 1024) refuses %j', (value) => {
    expect(() => integer(1, 1024)(value)).toThrow(InvalidArgumentError);
  });

  it('collects repeated key=value options, keeping = in values', () => {
    expect(keyValue('b=x=y', keyValue('a=1'))).toEqual({ a: '1', b: 'x=y' });
    expect(() => keyValue('novalue')).toThrow('"novalue" is not key=value');
  });

  it('reads broker lists', () => {
    expect(brokerList('127.0.0.1:7401, node2:7402,')).toEqual(['127.0.0.1:7401', 'node2:7402']);
    expect(() => brokerList('127.0.0.1')).toThrow('"127.0.0.1" is not host:port');
    expect(() => brokerList('h:99999')).toThrow('"h:99999" is not host:port');
  });

  it('reads TOPIC/PARTITION, topics with dots and dashes included', () => {
    expect(topicPartition('orders/0')).toEqual({ topic: 'orders', partition: 0 });
    expect(topicPartition('a.b-c/12')).toEqual({ topic: 'a.b-c', partition: 12 });
    for (const bad of ['orders', '/1', 'orders/', 'orders/x']) expect(() => topicPartition(bad)).toThrow(InvalidArgumentError);
  });

  it('reads a node to add as --peers writes one, and lists of node ids', () => {
    expect(nodeSpec('4=10.0.0.4:7400:7500')).toEqual({ id: 4, host: '10.0.0.4', clientPort: 7400, peerPort: 7500 });
    expect(nodeSpec('5=node-5.herald:7400:7500:9092')).toEqual({ id: 5, host: 'node-5.herald', clientPort: 7400, peerPort: 7500, kafkaPort: 9092 });
    for (const bad of ['4=h:7400', '0=h:1:2', '4=h:0:2', '4=h:1:70000', 'h:1:2', '4=a b:1:2']) expect(() => nodeSpec(bad)).toThrow(InvalidArgumentError);
    expect(nodeList('2,3, 4')).toEqual([2, 3, 4]);
    for (const bad of ['', '2,,3', '0', 'a', '2;3']) expect(() => nodeList(bad)).toThrow(InvalidArgumentError);
  });
});

describe('output', () => {
  it('aligns columns and trims trailing blanks', () => {
    expect(formatTable(['NAME', 'N'], [['orders', 6], ['a', 12]])).toBe('NAME    N\norders  6\na       12');
  });

  it('shows empty id lists and unknown nodes as -', () => {
    expect(ids([])).toBe('-');
    expect(ids([1, 2, 3])).toBe('1,2,3');
    expect(nodeId(0)).toBe('-');
    expect(nodeId(2)).toBe('2');
  });
});
