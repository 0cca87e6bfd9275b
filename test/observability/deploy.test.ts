// Shows that deploy/docker-compose.yml, deploy/docker-compose.host.yml (the host network, as
// podman runs it here) and the Dockerfile fit the node's configuration: each Herald service's
// HERALD_* variables make a valid node config (the real loadConfig), its ports are published
// and scraped where the config says, the mounted files exist, and the compose files pass
// `docker compose config` (or Debian's docker-compose 1.29) where either client is installed.
// No engine is needed (scripts/container-check.sh runs the host file for real).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@herald/broker';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, findBinary, PROMETHEUS_DIR } from './prometheus.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  hostname?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  depends_on?: string[];
}

const composeFile = join(DEPLOY_DIR, 'docker-compose.yml');
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const heraldServices = Object.entries(compose.services).filter(([, s]) => s.environment?.HERALD_NODE_ID !== undefined);

/** `host:container[:mode]` volume entries as [host, container]; host paths resolved from deploy/. */
function mounts(service: Service): { source: string; target: string; bind: boolean }[] {
  return (service.volumes ?? []).map((v) => {
    const [source, target] = v.split(':') as [string, string];
    const bind = source.startsWith('.') || source.startsWith('/');
    return { source: bind ? resolve(DEPLOY_DIR, source) : source, target, bind };
  });
}

describe('deploy/docker-compose.yml', () => {
  it('runs three Herald nodes, Prometheus and Grafana', () => {
    expect(heraldServices.map(([name]) => name).sort()).toEqual(['herald-1', 'herald-2', 'herald-3']);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
  });

  it.each(heraldServices)('%s: its HERALD_* variables make a valid node config that matches its ports, peers and volume', (name, service) => {
    const config = loadConfig({ env: service.environment });
    expect(service.hostname ?? name).toBe(name);
    expect(service.build?.context).toBe('..');
    expect(existsSync(resolve(DEPLOY_DIR, service.build!.context, service.build!.dockerfile))).toBe(true);
    // Every peer is a compose service, addressed by its name, with the ports it listens on.
    expect(config.peers).toHaveLength(3);
    for (const peer of config.peers) {
      const other = compose.services[peer.host];
      expect(other, `peer ${peer.id} host ${peer.host} is a service`).toBeDefined();
      const otherConfig = loadConfig({ env: other!.environment });
      expect(otherConfig.nodeId).toBe(peer.id);
      expect([otherConfig.clientPort, otherConfig.peerPort]).toEqual([peer.clientPort, peer.peerPort]);
    }
    expect(config.host).toBe('0.0.0.0');
    expect(service.ports).toEqual(expect.arrayContaining([`${config.clientPort}:${config.clientPort}`, `${config.metricsPort}:${config.metricsPort}`]));
    const data = mounts(service).find((m) => m.target === config.dataDir);
    expect(data, `a volume at ${config.dataDir}`).toBeDefined();
    expect(compose.volumes).toHaveProperty(data!.source);
  });

  it('makes the certificates once in a volume every node reads them from, where its config looks', () => {
    const certs = compose.services['herald-certs']!;
    const volume = mounts(certs).find((m) => m.target === '/var/lib/certs')!;
    expect(compose.volumes).toHaveProperty(volume.source);
    const script = (certs.command ?? []).join('\n');
    for (const [name, service] of heraldServices) {
      const config = loadConfig({ env: service.environment });
      expect(service.depends_on, name).toContain('herald-certs');
      expect(mounts(service).find((m) => m.source === volume.source)?.target).toBe('/var/lib/certs');
      expect([config.tls.ca, config.tls.cert, config.tls.key]).toEqual(['ca.crt', `node-${config.nodeId}.crt`, `node-${config.nodeId}.key`].map((f) => `/var/lib/certs/${f}`));
      expect(script).toContain(`--host "herald-$$n"`); // each node's certificate names its service
    }
    expect(mounts(compose.services.prometheus!).find((m) => m.source === volume.source)?.target).toBe('/etc/prometheus/certs');
  });

  it('Prometheus scrapes every node at its metrics port over TLS, with the rules mounted next to its config', () => {
    const prometheus = compose.services.prometheus!;
    const configPath = prometheus.command!.find((c) => c.startsWith('--config.file='))!.slice('--config.file='.length);
    const mount = mounts(prometheus).find((m) => m.bind && configPath.startsWith(`${m.target}/`))!;
    expect(mount.source).toBe(PROMETHEUS_DIR);
    const hostFile = join(mount.source, configPath.slice(mount.target.length + 1));
    const config = parse(readFileSync(hostFile, 'utf8')) as { rule_files: string[]; scrape_configs: { job_name: string; scheme: string; tls_config: { ca_file: string }; static_configs: { targets: string[]; labels: { node: string } }[] }[] };
    for (const rules of config.rule_files) expect(existsSync(join(mount.source, rules)), rules).toBe(true);
    const job = config.scrape_configs.find((j) => j.job_name === 'herald')!;
    expect(job.scheme).toBe('https');
    expect(job.tls_config.ca_file).toBe('/etc/prometheus/certs/ca.crt');
    const targets = job.static_configs.map((s) => ({ node: s.labels.node, targets: s.targets }));
    const expected = heraldServices.map(([name, service]) => {
      const c = loadConfig({ env: service.environment });
      return { node: String(c.nodeId), targets: [`${name}:${c.metricsPort}`] };
    });
    expect(targets.sort((a, b) => a.node.localeCompare(b.node))).toEqual(expected.sort((a, b) => a.node.localeCompare(b.node)));
  });

  it('Grafana gets the provisioning and the dashboards where the provider looks', () => {
    const grafana = compose.services.grafana!;
    const m = mounts(grafana);
    expect(m.find((x) => x.target === '/etc/grafana/provisioning')?.source).toBe(join(DEPLOY_DIR, 'grafana', 'provisioning'));
    const provider = parse(readFileSync(join(DEPLOY_DIR, 'grafana', 'provisioning', 'dashboards', 'herald.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const dashboards = m.find((x) => x.target === provider.providers[0]!.options.path);
    expect(dashboards?.source).toBe(join(DEPLOY_DIR, 'grafana', 'dashboards'));
    const home = grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(existsSync(join(dashboards!.source, home!.slice(dashboards!.target.length + 1)))).toBe(true);
  });

  const client = docker();
  it.skipIf(client === undefined)(`passes \`${client?.join(' ') ?? 'docker compose'} config\``, () => {
    const result = spawnSync(client![0]!, [...client!.slice(1), '-f', composeFile, 'config', '--quiet'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });
});

describe('deploy/docker-compose.host.yml', () => {
  const hostFile = join(DEPLOY_DIR, 'docker-compose.host.yml');
  const hostCompose = parse(readFileSync(hostFile, 'utf8'), { merge: true }) as { services: Record<string, Service & { network_mode?: string }>; volumes: Record<string, unknown> };
  const nodes = Object.entries(hostCompose.services)
    .filter(([, service]) => service.environment?.HERALD_NODE_ID !== undefined)
    .map(([name, service]) => ({ name, service, config: loadConfig({ env: service.environment }) }));

  it('runs three Herald nodes on the host network, on the local cluster ports, from the Dockerfile', () => {
    expect(nodes.map((n) => n.name).sort()).toEqual(['herald-1', 'herald-2', 'herald-3']);
    for (const { service, config } of nodes) {
      expect(service.network_mode).toBe('host');
      expect(service.build?.context).toBe('..');
      expect(existsSync(resolve(DEPLOY_DIR, service.build!.context, service.build!.dockerfile))).toBe(true);
      expect(config.host).toBe('127.0.0.1');
      expect([config.clientPort, config.peerPort, config.metricsPort]).toEqual([7400, 7500, 9400].map((base) => base + config.nodeId));
    }
  });

  it.each(nodes.map((n) => [n.name, n] as const))('%s: its peers are the other services at their ports, and its data a declared volume', (_name, { service, config }) => {
    expect(config.peers.map((p) => p.id).sort()).toEqual(nodes.map((n) => n.config.nodeId).sort());
    for (const peer of config.peers) {
      const other = nodes.find((n) => n.config.nodeId === peer.id)!.config;
      expect(peer).toEqual({ id: other.nodeId, host: '127.0.0.1', clientPort: other.clientPort, peerPort: other.peerPort });
    }
    const data = mounts(service).find((m) => m.target === config.dataDir);
    expect(hostCompose.volumes).toHaveProperty(data!.source);
  });

  it('the host-side Prometheus config (deploy/prometheus/prometheus.yml) scrapes its metrics ports', () => {
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const targets = config.scrape_configs.find((j) => j.job_name === 'herald')!.static_configs.flatMap((s) => s.targets);
    expect(targets.sort()).toEqual(nodes.map((n) => `127.0.0.1:${n.config.metricsPort}`).sort());
  });

  const client = docker();
  it.skipIf(client === undefined)(`passes \`${client?.join(' ') ?? 'docker compose'} config\``, () => {
    const result = spawnSync(client![0]!, [...client!.slice(1), '-f', hostFile, 'config', '--quiet'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
  const lines = dockerfile.split('\n').filter((l) => !l.startsWith('#'));

  it('builds in one stage and runs, unprivileged, in another', () => {
    const stages = lines.filter((l) => /^FROM\s/i.test(l));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = lines.slice(lines.lastIndexOf(stages[stages.length - 1]!));
    const user = runtime.filter((l) => /^USER\s/i.test(l)).pop();
    expect(user, 'a USER in the final stage').toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.some((l) => /^COPY --from=build/.test(l))).toBe(true);
    expect(runtime.join('\n')).toContain('packages/cli/dist/main.js');
    expect(runtime.join('\n')).not.toMatch(/pnpm install|tsc/);
  });

  it('leaves local builds and dependencies out of the context', () => {
    const ignored = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git', 'data']) expect(ignored).toContain(entry);
  });
});

/** The compose client available here: `docker compose` (v2 plugin) or Debian's docker-compose. */
function docker(): string[] | undefined {
  if (findBinary('docker') !== undefined && spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (findBinary('docker-compose') !== undefined) return ['docker-compose'];
  return undefined;
}
