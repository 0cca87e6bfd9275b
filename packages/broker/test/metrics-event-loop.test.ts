// The event-loop delay metrics are sampled once a second (issue #17: each sample wakes an idle
// node), and their help text says so: a dashboard reader must know what a p99 of a few samples
// is. The help is set on prom-client's own metrics, a field its typings leave out, so this test
// fails if a prom-client upgrade moves it.
import { describe, expect, it } from 'vitest';
import { NodeMetrics } from '../src/metrics/metrics.js';

describe('the event-loop delay metrics', () => {
  it('say in their help text that they are sampled once a second', async () => {
    const metrics = new NodeMetrics(1, '0.0.0', () => []);
    const help = (await metrics.registry.metrics()).split('\n').filter((line) => line.startsWith('# HELP herald_nodejs_eventloop_lag_'));
    expect(help).toHaveLength(8);
    for (const stat of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) {
      expect(help.find((line) => line.startsWith(`# HELP herald_nodejs_eventloop_lag_${stat}_seconds `))).toContain('Sampled once a second');
    }
    // The lag at the scrape is measured then, not sampled.
    expect(help.find((line) => line.startsWith('# HELP herald_nodejs_eventloop_lag_seconds '))).not.toContain('Sampled once a second');
  });
});
