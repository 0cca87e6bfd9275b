// MQTT topic names and topic filters: validation and matching (MQTT 5.0 §4.7, 3.1.1 §4.7).
// Pure functions; the gateway refuses what fails here before anything reaches the log.

/** The most bytes a topic name or filter may have on the wire (a UTF-8 string's u16 length). */
export const TOPIC_BYTES_MAX = 65_535;

/** Why a topic name or filter was refused; undefined when it is valid. */
export type TopicProblem = string | undefined;

/**
 * Checks the text common to topic names and filters: not empty, at most 65,535 bytes of UTF-8,
 * no U+0000 (§1.5.4), and no U+FFFD. mqtt-packet decodes strings with replacement, so invalid
 * UTF-8 on the wire arrives as U+FFFD; a topic holding that character is refused as malformed
 * (MQTT-1.5.4-1: ill-formed UTF-8 is a protocol error), at the price of also refusing a
 * well-formed U+FFFD.
 */
function checkText(text: string, what: string): TopicProblem {
  if (text.length === 0) return `a ${what} must not be empty`;
  if (Buffer.byteLength(text) > TOPIC_BYTES_MAX) return `a ${what} is at most ${TOPIC_BYTES_MAX} bytes`;
  if (text.includes('\u0000')) return `a ${what} must not contain U+0000`;
  if (text.includes('\uFFFD')) return `a ${what} must be well-formed UTF-8`;
  return undefined;
}

/** Checks a topic name a client publishes to: no wildcards (MQTT-3.3.2-2). */
export function topicNameProblem(topic: string): TopicProblem {
  const problem = checkText(topic, 'topic name');
  if (problem !== undefined) return problem;
  if (topic.includes('+') || topic.includes('#')) return 'a topic name must not contain the wildcards + or #';
  return undefined;
}

/** Checks a topic filter: `#` only as the last whole level, `+` only as a whole level (§4.7.1). */
export function topicFilterProblem(filter: string): TopicProblem {
  const problem = checkText(filter, 'topic filter');
  if (problem !== undefined) return problem;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '# must be the last level of a filter, alone in it';
    if (level.includes('+') && level !== '+') return '+ must stand alone in its level';
  }
  return undefined;
}

/**
 * Whether a topic name matches a filter (§4.7). A filter starting with a wildcard does not match
 * a topic starting with `$` (MQTT-4.7.2-1), so `#` does not see `$SYS/...`.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  let f = 0;
  let t = 0;
  for (;;) {
    const fEnd = filter.indexOf('/', f);
    const fLevel = fEnd < 0 ? filter.slice(f) : filter.slice(f, fEnd);
    if (fLevel === '#') return true;
    if (t > topic.length) return false;
    const tEnd = topic.indexOf('/', t);
    const tLevel = tEnd < 0 ? topic.slice(t) : topic.slice(t, tEnd);
    if (fLevel !== '+' && fLevel !== tLevel) return false;
    if (fEnd < 0 || tEnd < 0) {
      // One side ended. They match when both did, or when the filter's remaining level is "#"
      // ("a/#" matches "a": the # covers the parent level too).
      if (fEnd < 0 && tEnd < 0) return true;
      return tEnd < 0 && filter.slice(fEnd + 1) === '#';
    }
    f = fEnd + 1;
    t = tEnd + 1;
  }
}

/**
 * Whether some topic that starts with `prefix` could match `filter`: used to pick the Herald
 * topics a subscription reads (a mapping rule sends topics with that prefix to its topic).
 */
export function filterMayMatchPrefix(filter: string, prefix: string): boolean {
  if (prefix.length === 0) return true;
  if (prefix.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const pLevels = prefix.split('/');
  const fLevels = filter.split('/');
  for (let i = 0; i < pLevels.length; i++) {
    const f = fLevels[i];
    if (f === undefined) return false;
    if (f === '#') return true;
    const p = pLevels[i]!;
    const last = i === pLevels.length - 1;
    // The prefix's last level may be a partial level ("home/liv" for "home/livingroom").
    if (f === '+') continue;
    if (last ? !f.startsWith(p) : f !== p) return false;
  }
  return true;
}

/** A shared subscription's parts: `$share/<group>/<filter>` (MQTT 5.0 §4.8.2). */
export interface SharedFilter {
  readonly group: string;
  readonly filter: string;
}

/** Splits `$share/<group>/<filter>`; undefined for an ordinary filter; a string for a bad one. */
export function parseSharedFilter(text: string): SharedFilter | string | undefined {
  if (!text.startsWith('$share/')) return undefined;
  const rest = text.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return 'a shared subscription is $share/<group>/<filter> with a non-empty group';
  const group = rest.slice(0, slash);
  if (group.includes('+') || group.includes('#')) return 'a share group name must not contain + or #';
  const filter = rest.slice(slash + 1);
  const problem = topicFilterProblem(filter);
  return problem ?? { group, filter };
}

/** Whether a filter has no wildcard (it names one topic, so one partition). */
export function isExactFilter(filter: string): boolean {
  return !filter.includes('+') && !filter.includes('#');
}
