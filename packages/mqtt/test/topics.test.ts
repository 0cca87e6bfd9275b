// Shows that topic names and filters are validated and matched as MQTT 5 §4.7 says, and that the
// mapping picks the Herald topics a filter may need.
import { describe, expect, it } from 'vitest';
import { TopicMapping } from '../src/mapping.js';
import { filterMayMatchPrefix, parseSharedFilter, topicFilterProblem, topicMatches, topicNameProblem } from '../src/topics.js';

describe('topicMatches', () => {
  it.each([
    { filter: 'home/+/temperature', topic: 'home/kitchen/temperature', matches: true },
    { filter: 'home/+/temperature', topic: 'home/kitchen/humidity', matches: false },
    { filter: 'home/+/temperature', topic: 'home/a/b/temperature', matches: false },
    { filter: 'home/#', topic: 'home', matches: true },
    { filter: 'home/#', topic: 'home/a/b/c', matches: true },
    { filter: 'home/+', topic: 'home', matches: false },
    { filter: '#', topic: 'anything/at/all', matches: true },
    { filter: '#', topic: '$SYS/broker/load', matches: false },
    { filter: '+/broker/load', topic: '$SYS/broker/load', matches: false },
    { filter: '$SYS/#', topic: '$SYS/broker/load', matches: true },
    { filter: '+/+', topic: '/finance', matches: true },
    { filter: '/+', topic: '/finance', matches: true },
    { filter: '+', topic: '/finance', matches: false },
    { filter: 'a/b', topic: 'a/b', matches: true },
    { filter: 'a/b', topic: 'a/b/', matches: false },
    { filter: 'a//b', topic: 'a//b', matches: true },
  ])('$filter against $topic: $matches', ({ filter, topic, matches }) => {
    expect(topicMatches(filter, topic)).toBe(matches);
  });
});

describe('validation', () => {
  it.each([
    ['', 'must not be empty'],
    ['a/+/b', 'wildcards'],
    ['a/#', 'wildcards'],
    ['a\u0000b', 'U+0000'],
    ['bad\uFFFDutf8', 'well-formed UTF-8'],
    ['x'.repeat(70_000), 'at most 65535 bytes'],
  ])('refuses the topic name %j', (topic, why) => {
    expect(topicNameProblem(topic)).toContain(why);
  });

  it.each(['a/b', 'home/kitchen/temperature', '/', ' spaced /level'])('accepts the topic name %j', (topic) => {
    expect(topicNameProblem(topic)).toBeUndefined();
  });

  it.each([
    ['a/#/b', '# must be the last level'],
    ['a/b#', '# must be the last level'],
    ['a/b+/c', '+ must stand alone'],
    ['', 'must not be empty'],
  ])('refuses the filter %j', (filter, why) => {
    expect(topicFilterProblem(filter)).toContain(why);
  });

  it.each(['#', '+', 'a/+/b/#', '+/+/+', 'a/b'])('accepts the filter %j', (filter) => {
    expect(topicFilterProblem(filter)).toBeUndefined();
  });

  it('parses shared subscriptions', () => {
    expect(parseSharedFilter('home/#')).toBeUndefined();
    expect(parseSharedFilter('$share/workers/jobs/+')).toEqual({ group: 'workers', filter: 'jobs/+' });
    expect(parseSharedFilter('$share//jobs')).toMatch(/non-empty group/);
    expect(parseSharedFilter('$share/g+/jobs')).toMatch(/must not contain/);
    expect(parseSharedFilter('$share/g/jobs/#/x')).toMatch(/last level/);
  });
});

describe('mapping', () => {
  const mapping = new TopicMapping(
    [
      { prefix: 'home/', topic: 'telemetry' },
      { prefix: 'home/alarm/', topic: 'alarms' },
      { prefix: 'chat/', topic: 'chat' },
    ],
    'mqtt',
  );

  it('stores a topic in the topic of its longest rule prefix, else the default', () => {
    expect(mapping.heraldTopic('home/kitchen/temperature')).toBe('telemetry');
    expect(mapping.heraldTopic('home/alarm/door')).toBe('alarms');
    expect(mapping.heraldTopic('factory/line1')).toBe('mqtt');
    expect(mapping.heraldTopics().sort()).toEqual(['alarms', 'chat', 'mqtt', 'telemetry']);
  });

  it.each([
    { filter: 'home/+/temperature', topics: ['alarms', 'telemetry'] },
    { filter: 'home/kitchen/#', topics: ['telemetry'] },
    { filter: 'home/alarm/#', topics: ['alarms', 'telemetry'] },
    { filter: 'chat/room1', topics: ['chat'] },
    { filter: '#', topics: ['alarms', 'chat', 'mqtt', 'telemetry'] },
    { filter: '+/kitchen', topics: ['chat', 'mqtt', 'telemetry'] },
    { filter: 'factory/+', topics: ['mqtt'] },
  ])('reads $topics for $filter', ({ filter, topics }) => {
    expect(mapping.topicsFor(filter).sort()).toEqual(topics);
  });

  it.each([
    { filter: 'home/#', prefix: 'home/', may: true },
    { filter: 'home/liv+', prefix: 'home/', may: true },
    { filter: 'office/#', prefix: 'home/', may: false },
    { filter: '+/x', prefix: 'home/', may: true },
    { filter: 'ho', prefix: 'home/', may: false },
    { filter: 'home/livingroom/x', prefix: 'home/liv', may: true },
  ])('filter $filter may match prefix $prefix: $may', ({ filter, prefix, may }) => {
    expect(filterMayMatchPrefix(filter, prefix)).toBe(may);
  });
});
