// Shows that deploy/helm/herald renders Kubernetes objects that pass the Kubernetes API schemas
// (kubernetes-models), that its StatefulSet, Services, PodDisruptionBudget, probes and preStop
// drain are what ECOSYSTEM.md asks for, that each pod's node configuration is valid for the node
// (the real loadConfig), secure, with its own certificate, and names every peer by its pod's DNS
// name, that the preStop drain and `kubectl exec herald` read a client config that logs in as the
// admin by the certificate of the Secret, and that the chart refuses to render without the
// certificates, naming the value. Method: test/support/helm.ts renders the chart (no helm binary
// here); the pod's commands run in sh with a stand-in `herald` that prints what it was asked; the
// Secret's files are written where the chart mounts them (tls.mountPath set to a temporary
// folder) and read by the node's and the client's own config loaders.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@herald/broker';
import { readClientConfig } from '@herald/client';
import * as apps from 'kubernetes-models/apps/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/herald-cli.js';
import { renderChart, type Manifest } from '../support/helm.js';

const CHART = join(ROOT, 'deploy/helm/herald');
const release = { name: 'herald', namespace: 'messaging' };
/** Certificate values (PEM stand-ins) for a three-node release. */
const certs = {
  ca: 'CA PEM',
  nodes: { '1': { cert: 'C1', key: 'K1' }, '2': { cert: 'C2', key: 'K2' }, '3': { cert: 'C3', key: 'K3' } },
  admin: { cert: 'ADMIN CERT', key: 'ADMIN KEY' },
};
const MODELS: Record<string, Record<string, new (data: object) => { validate(): void }>> = { v1: core, 'apps/v1': apps, 'policy/v1': policy } as never;

interface Container {
  command: string[];
  env: { name: string; value: string }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
  lifecycle: { preStop: { exec: { command: string[] } } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface StatefulSetSpec {
  serviceName: string;
  replicas: number;
  podManagementPolicy: string;
  template: { spec: { terminationGracePeriodSeconds: number; containers: Container[]; volumes: { name: string; secret?: { secretName: string } }[] } };
}

function find(manifests: readonly Manifest[], kind: string, name: string): Manifest['object'] & { spec: never; data: Record<string, string> } {
  const found = manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found!.object as never;
}

const fakeBin = mkdtempSync(join(tmpdir(), 'herald-chart-'));
writeFileSync(join(fakeBin, 'herald'), '#!/bin/sh\necho "HERALD_NODE_ID=${HERALD_NODE_ID:-} HERALD_TLS_CERT=${HERALD_TLS_CERT:-} HERALD_TLS_KEY=${HERALD_TLS_KEY:-} herald $*"\n');
chmodSync(join(fakeBin, 'herald'), 0o755);
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

/** The ConfigMap's file as the pod sees it (mounted at /etc/herald/herald.yaml). */
function mounted(text: string): string {
  const file = join(fakeBin, 'herald.yaml');
  writeFileSync(file, text);
  return file;
}

/** Runs a container command (sh -c ...) as pod `pod` would, with the stand-in herald. */
function runInPod(command: readonly string[], pod: string): string {
  const result = spawnSync(command[0]!, command.slice(1), { env: { PATH: `${fakeBin}:/usr/bin:/bin`, HOSTNAME: pod }, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

describe('deploy/helm/herald with its default values and the certificates', () => {
  const manifests = renderChart(CHART, release, { tls: certs });

  it('renders a ConfigMap, a Secret, two Services, a StatefulSet and a PodDisruptionBudget, all valid against the Kubernetes schemas', () => {
    expect(manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort()).toEqual(
      ['ConfigMap/herald', 'PodDisruptionBudget/herald', 'Secret/herald-tls', 'Service/herald', 'Service/herald-headless', 'StatefulSet/herald'].sort(),
    );
    for (const { object } of manifests) {
      const Model = MODELS[object.apiVersion]?.[object.kind];
      expect(Model, `a model for ${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => new Model!(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('the schema check can fail: a wrong field is refused', () => {
    const statefulSet = structuredClone(find(manifests, 'StatefulSet', 'herald')) as { spec: { replicas: unknown } };
    statefulSet.spec.replicas = 'three';
    expect(() => new apps.StatefulSet(statefulSet as never).validate()).toThrow(/replicas must be integer/);
  });

  it('runs a StatefulSet that starts every pod at once and gives each time to hand its work over', () => {
    const spec = find(manifests, 'StatefulSet', 'herald').spec as StatefulSetSpec;
    expect(spec).toMatchObject({ serviceName: 'herald-headless', replicas: 3, podManagementPolicy: 'Parallel' });
    // The preStop drain (its deadline) and the node's own stop (15 s at most) fit in the grace period.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30 + 15);
  });

  it('publishes not-ready pods on the headless Service; the client Service offers no peer port', () => {
    const headless = find(manifests, 'Service', 'herald-headless').spec as { clusterIP: string; publishNotReadyAddresses: boolean; ports: { name: string }[] };
    expect(headless).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    const client = find(manifests, 'Service', 'herald').spec as { ports: { name: string }[] };
    expect(client.ports.map((p) => p.name)).toEqual(['client', 'metrics']);
  });

  it('lets one pod at a time be disrupted', () => {
    expect(find(manifests, 'PodDisruptionBudget', 'herald').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'herald' } } });
  });

  it('probes readiness on /readyz and liveness on /healthz, both over HTTPS on the metrics port', () => {
    const [container] = (find(manifests, 'StatefulSet', 'herald').spec as StatefulSetSpec).template.spec.containers;
    expect(container!.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'metrics', scheme: 'HTTPS' } });
    expect(container!.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'metrics', scheme: 'HTTPS' } });
    expect(container!.ports).toEqual([
      { name: 'client', containerPort: 7400 },
      { name: 'peer', containerPort: 7500 },
      { name: 'metrics', containerPort: 9400 },
    ]);
  });

  it.each([
    ['herald-0', 1],
    ['herald-2', 3],
  ])('pod %s runs node %i with its own certificate, and drains it before stopping', (pod, id) => {
    const [container] = (find(manifests, 'StatefulSet', 'herald').spec as StatefulSetSpec).template.spec.containers;
    expect(runInPod(container!.command, pod)).toBe(`HERALD_NODE_ID=${id} HERALD_TLS_CERT=/etc/herald/tls/node-${id}.crt HERALD_TLS_KEY=/etc/herald/tls/node-${id}.key herald node start --config /etc/herald/herald.yaml`);
    expect(runInPod(container!.lifecycle.preStop.exec.command, pod)).toBe(`HERALD_NODE_ID= HERALD_TLS_CERT= HERALD_TLS_KEY= herald node drain --node ${id} --deadline-ms 30000`);
    expect(container!.env).toEqual([{ name: 'HERALD_CLIENT_CONFIG', value: '/etc/herald/client.json' }]);
    expect(container!.volumeMounts.map((m) => m.mountPath)).toEqual(['/var/lib/herald', '/etc/herald', '/tmp', '/etc/herald/tls']);
  });

  it('makes the Secret from the values: the CA, each node certificate and the admin client certificate, mounted', () => {
    const secret = find(manifests, 'Secret', 'herald-tls');
    expect(Object.keys(secret.data).sort()).toEqual(['admin.crt', 'admin.key', 'ca.crt', 'node-1.crt', 'node-1.key', 'node-2.crt', 'node-2.key', 'node-3.crt', 'node-3.key']);
    expect(Buffer.from(secret.data['node-2.key']!, 'base64').toString()).toBe('K2');
    const spec = (find(manifests, 'StatefulSet', 'herald').spec as StatefulSetSpec).template.spec;
    expect(spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'herald-tls' } });
    expect(spec.containers[0]!.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/herald/tls', readOnly: true });
  });

  it.each([1, 2, 3])("node %i's configuration is valid, secure, and names every peer by its pod's DNS name", (id) => {
    const tls = { HERALD_TLS_CERT: `/etc/herald/tls/node-${id}.crt`, HERALD_TLS_KEY: `/etc/herald/tls/node-${id}.key` };
    const config = loadConfig({ env: { HERALD_NODE_ID: String(id), ...tls }, file: mounted(find(manifests, 'ConfigMap', 'herald').data['herald.yaml']!) });
    expect(config).toMatchObject({ nodeId: id, dataDir: '/var/lib/herald', host: '0.0.0.0', clientPort: 7400, peerPort: 7500, metricsPort: 9400 });
    expect(config.tls).toEqual({ ca: '/etc/herald/tls/ca.crt', cert: tls.HERALD_TLS_CERT, key: tls.HERALD_TLS_KEY });
    expect(config.security.mode).toBe('secure');
    expect(config.peers).toEqual([0, 1, 2].map((ordinal) => ({ id: ordinal + 1, host: `herald-${ordinal}.herald-headless.messaging.svc.cluster.local`, clientPort: 7400, peerPort: 7500 })));
  });
});

describe('deploy/helm/herald with other values', () => {
  it("gives the pods' herald a client config that reaches the pod's node as the admin, by the Secret's certificate", () => {
    const mountPath = mkdtempSync(join(tmpdir(), 'herald-chart-tls-'));
    try {
      const manifests = renderChart(CHART, release, { tls: { ...certs, mountPath } });
      for (const [file, base64] of Object.entries(find(manifests, 'Secret', 'herald-tls').data)) writeFileSync(join(mountPath, file), Buffer.from(base64, 'base64'));
      writeFileSync(join(mountPath, 'client.json'), find(manifests, 'ConfigMap', 'herald').data['client.json']!);
      expect(readClientConfig(join(mountPath, 'client.json'))).toMatchObject({ brokers: ['127.0.0.1:7400'], tls: { ca: 'CA PEM', cert: 'ADMIN CERT', key: 'ADMIN KEY' } });
    } finally {
      rmSync(mountPath, { recursive: true, force: true });
    }
  });

  it('takes more node settings, another size, ports and release name', () => {
    const nodes = { ...certs.nodes, '4': { cert: 'C4', key: 'K4' }, '5': { cert: 'C5', key: 'K5' } };
    const manifests = renderChart(CHART, { name: 'prod', namespace: 'mq' }, { replicas: 5, ports: { client: 8400 }, tls: { ...certs, nodes }, config: { raft: { electionTimeoutMinMs: 500, electionTimeoutMaxMs: 900 } } });
    for (const { object } of manifests) expect(() => new MODELS[object.apiVersion]![object.kind]!(object).validate()).not.toThrow();
    const config = loadConfig({ env: { HERALD_NODE_ID: '5' }, file: mounted(find(manifests, 'ConfigMap', 'prod-herald').data['herald.yaml']!) });
    expect(config.peers.map((p) => `${p.host}:${p.clientPort}`)).toContain('prod-herald-4.prod-herald-headless.mq.svc.cluster.local:8400');
    expect(config.raft).toMatchObject({ electionTimeoutMinMs: 500, electionTimeoutMaxMs: 900 });
    expect(JSON.parse(find(manifests, 'ConfigMap', 'prod-herald').data['client.json']!)).toMatchObject({ brokers: ['127.0.0.1:8400'] });
    expect(Object.keys(find(manifests, 'Secret', 'prod-herald-tls').data)).toContain('node-5.key');
  });

  it('with an existing Secret: mounts it and makes none', () => {
    const manifests = renderChart(CHART, release, { tls: { existingSecret: 'herald-certs' } });
    for (const { object } of manifests) expect(() => new MODELS[object.apiVersion]![object.kind]!(object).validate()).not.toThrow();
    expect(manifests.some((m) => m.object.kind === 'Secret')).toBe(false);
    expect((find(manifests, 'StatefulSet', 'herald').spec as StatefulSetSpec).template.spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'herald-certs' } });
  });

  it('with bootstrap users from a Secret: mounts it and passes its file to the node', () => {
    const manifests = renderChart(CHART, release, { tls: { existingSecret: 'herald-certs' }, security: { bootstrapSecret: 'herald-users' } });
    for (const { object } of manifests) expect(() => new MODELS[object.apiVersion]![object.kind]!(object).validate()).not.toThrow();
    const spec = (find(manifests, 'StatefulSet', 'herald').spec as StatefulSetSpec).template.spec;
    expect(spec.volumes).toContainEqual({ name: 'bootstrap', secret: { secretName: 'herald-users' } });
    expect(spec.containers[0]!.volumeMounts).toContainEqual({ name: 'bootstrap', mountPath: '/etc/herald/bootstrap', readOnly: true });
    expect(runInPod(spec.containers[0]!.command, 'herald-1')).toMatch(/herald node start --config \/etc\/herald\/herald.yaml --bootstrap-file \/etc\/herald\/bootstrap\/bootstrap.json$/);
  });

  it.each([
    { what: 'the CA', tls: {}, message: 'tls.ca: the cluster CA certificate (PEM) is needed, or tls.existingSecret naming a Secret that holds it (values.yaml)' },
    { what: "a node's certificate", tls: { ...certs, nodes: { '1': certs.nodes['1'], '3': certs.nodes['3'] } }, message: "tls.nodes.2.cert: node 2's certificate (PEM) is needed" },
    { what: "a node's key", tls: { ...certs, nodes: { ...certs.nodes, '3': { cert: 'C3' } } }, message: "tls.nodes.3.key: node 3's key (PEM) is needed" },
    { what: "the admin's certificate", tls: { ...certs, admin: { cert: '', key: 'K' } }, message: "tls.admin.cert: the admin user's client certificate (PEM) is needed" },
  ])('refuses to render without $what, naming the value', ({ tls, message }) => {
    expect(() => renderChart(CHART, release, { tls })).toThrow(message);
  });
});
