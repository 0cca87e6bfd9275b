// Shows that every metric of the gateway is listed in docs/metrics.md, and that each follows the
// naming rules (herald_mqtt_ prefix, _total on counters).
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { MqttMetrics } from '../src/metrics.js';

it('documents every metric, named by the rules', async () => {
  const registry = new Registry();
  new MqttMetrics(registry, () => 0, () => 0);
  const docs = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
  const metrics = await registry.getMetricsAsJSON();
  expect(metrics.length).toBeGreaterThan(5);
  expect(metrics.map((m) => m.name).filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  for (const m of metrics) {
    expect(m.name).toMatch(/^herald_mqtt_/);
    if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
  }
});
