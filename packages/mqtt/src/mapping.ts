import { filterMayMatchPrefix } from './topics.js';

/** One rule: MQTT topics starting with `prefix` are stored in Herald topic `topic`. */
export interface MappingRule {
  readonly prefix: string;
  readonly topic: string;
}

/**
 * Where MQTT topics are stored: the Herald topic of the longest rule prefix a topic starts with,
 * else the default topic. A filter reads every Herald topic that may hold a topic it matches.
 */
export class TopicMapping {
  private readonly rules: readonly MappingRule[];

  constructor(
    rules: readonly MappingRule[],
    readonly defaultTopic: string,
  ) {
    this.rules = [...rules].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The Herald topic that stores an MQTT topic. */
  heraldTopic(mqttTopic: string): string {
    for (const rule of this.rules) if (mqttTopic.startsWith(rule.prefix)) return rule.topic;
    return this.defaultTopic;
  }

  /** Every Herald topic the mapping writes to. */
  heraldTopics(): string[] {
    return [...new Set([this.defaultTopic, ...this.rules.map((r) => r.topic)])];
  }

  /**
   * The Herald topics that may hold a topic the filter matches. The default topic is read unless
   * every topic the filter can match is taken by a rule, which is the case when the filter's
   * literal start already lies within a rule's prefix.
   */
  topicsFor(filter: string): string[] {
    const out = new Set<string>();
    for (const rule of this.rules) if (filterMayMatchPrefix(filter, rule.prefix)) out.add(rule.topic);
    const literal = literalStart(filter);
    const covered = this.rules.some((r) => literal.startsWith(r.prefix));
    if (!covered) out.add(this.defaultTopic);
    // An exact filter is one topic: exactly one Herald topic.
    if (!filter.includes('+') && !filter.includes('#')) return [this.heraldTopic(filter)];
    return [...out];
  }
}

/** The part of a filter before its first wildcard level. */
function literalStart(filter: string): string {
  const plus = filter.indexOf('+');
  const hash = filter.indexOf('#');
  const cut = Math.min(plus < 0 ? filter.length : plus, hash < 0 ? filter.length : hash);
  return filter.slice(0, cut);
}
