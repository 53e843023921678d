/**
 * A real propagation lab on loopback: nsd (authoritative for one or more zones) on 127.0.0.1 and
 * several unbound caching resolvers on 127.0.0.2, .3, ... pointed at it. With several zones it serves
 * a `cname.mendix.net`-style chain: the customer's zone, Mendix's zone and the environments' zone.
 * Everything lives in a temp folder; the processes run in the foreground as our children and are
 * stopped by their PIDs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryEndpoint } from '../../../src/core/dns/wire';

export const INSTALL_HINT = 'apt-get install -y nsd unbound';

export interface LabRecord {
  /** Relative owner name, e.g. "app", or "@" for the zone apex. */
  owner: string;
  type: 'CNAME' | 'A' | 'CAA';
  ttl: number;
  data: string;
  /** The zone the record lives in; the lab's first zone when absent. */
  zone?: string;
}

export interface LabOptions {
  /** Zone → "ip@port" the resolvers ask for it instead of nsd (e.g. a server that never answers). */
  stubOverride?: Record<string, string>;
}

interface Proc {
  name: string;
  child: ChildProcess;
  pidFile: string;
  log: string;
}

function findBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/local/sbin'])) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`"${name}" is not installed; the DNS integration tests need real servers. Install them with: ${INSTALL_HINT}`);
}

/** A port free for both UDP and TCP on every given address. */
async function freePort(hosts: string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (const host of hosts) {
      ok = (await canBind(host, port)) && ok;
      if (!ok) break;
    }
    if (ok) return port;
  }
  throw new Error('no free port for the DNS lab');
}

async function canBind(host: string, port: number): Promise<boolean> {
  const udpOk = await new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
  if (!udpOk) return false;
  return new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export class DnsLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'dns-lab-'));
  readonly zone: string;
  /** Every zone nsd serves; the first is `zone`. */
  readonly zones: string[];
  authPort = 0;
  resolverPort = 0;
  readonly resolverHosts: string[];
  private readonly procs: Proc[] = [];
  private serial = 2026010100;
  private records: LabRecord[] = [];
  private stubOverride: Record<string, string> = {};

  constructor(zone: string | string[], resolverCount: number) {
    this.zones = (Array.isArray(zone) ? zone : [zone]).map((z) => z.replace(/\.$/, ''));
    this.zone = this.zones[0];
    this.resolverHosts = Array.from({ length: resolverCount }, (_, i) => `127.0.0.${i + 2}`);
  }

  get authAddress(): string {
    return `127.0.0.1:${this.authPort}`;
  }

  resolverAddress(i: number): string {
    return `${this.resolverHosts[i]}:${this.resolverPort}`;
  }

  async start(records: LabRecord[], opts: LabOptions = {}): Promise<void> {
    const nsd = findBinary('nsd');
    const unbound = findBinary('unbound');
    this.authPort = await freePort(['127.0.0.1']);
    this.resolverPort = await freePort(this.resolverHosts);
    this.records = records;
    this.stubOverride = Object.fromEntries(Object.entries(opts.stubOverride ?? {}).map(([z, a]) => [z.replace(/\.$/, ''), a]));
    this.writeZones();
    writeFileSync(join(this.dir, 'nsd.conf'), this.nsdConf());
    this.spawn('nsd', nsd, ['-d', '-c', join(this.dir, 'nsd.conf')], join(this.dir, 'nsd.pid'), join(this.dir, 'nsd.log'));
    await this.waitUntilAnswering(this.authAddress, false, 'nsd');
    for (const host of this.resolverHosts) {
      const conf = join(this.dir, `unbound-${host}.conf`);
      writeFileSync(conf, this.unboundConf(host));
      this.spawn(`unbound ${host}`, unbound, ['-d', '-c', conf], join(this.dir, `unbound-${host}.pid`), join(this.dir, `unbound-${host}.log`));
    }
    for (let i = 0; i < this.resolverHosts.length; i++) await this.waitUntilAnswering(this.resolverAddress(i), true, `unbound ${this.resolverHosts[i]}`);
  }

  /** Replaces the records, bumps the SOA serial and has nsd reload the zone (SIGHUP re-reads changed files). */
  changeRecords(records: LabRecord[]): void {
    this.records = records;
    this.serial++;
    // nsd compares mtimes; make sure these are newer than the last even within one second.
    const later = new Date(Date.now() + 2000);
    for (const file of this.writeZones()) utimesSync(file, later, later);
    const nsd = this.procs.find((p) => p.name === 'nsd');
    if (!nsd?.child.pid) throw new Error('nsd is not running');
    process.kill(nsd.child.pid, 'SIGHUP');
  }

  /** Stops every server by its PID (SIGTERM, then SIGKILL) and removes the temp folder. */
  async stop(): Promise<void> {
    await Promise.all(
      this.procs.splice(0).map(async (p) => {
        const pid = p.child.pid;
        if (pid === undefined || p.child.exitCode !== null) return;
        const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
        p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }),
    );
    process.removeListener('exit', this.killOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  logs(): string {
    return this.procs.map((p) => `--- ${p.name}\n${existsSync(p.log) ? readFileSync(p.log, 'utf8').slice(-2000) : '(no log)'}`).join('\n');
  }

  /** Last resort if the test process exits without the after hook (e.g. mocha --bail on a crash). */
  private readonly killOnExit = (): void => {
    for (const p of this.procs) if (p.child.exitCode === null && p.child.pid !== undefined) p.child.kill('SIGKILL');
  };

  private spawn(name: string, bin: string, args: string[], pidFile: string, log: string): void {
    if (this.procs.length === 0) process.once('exit', this.killOnExit);
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) writeFileSync(`${log}.exit`, `${name} exited with ${code}: ${stderr}`);
    });
    this.procs.push({ name, child, pidFile, log });
  }

  private async waitUntilAnswering(address: string, recursion: boolean, name: string): Promise<void> {
    const [host, port] = address.split(':');
    const deadline = Date.now() + 8000;
    let last = '';
    while (Date.now() < deadline) {
      const dead = this.procs.find((p) => p.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited early (code ${dead.child.exitCode}):\n${this.logs()}\n${readIfExists(`${dead.log}.exit`)}`);
      try {
        const r = await queryEndpoint({ host, port: Number(port) }, { name: `${this.zone}.`, type: 'SOA', recursionDesired: recursion }, { timeoutMs: 300 });
        if (r.rcode === 'NOERROR') return;
        last = r.rcode;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} at ${address} did not answer (${last}):\n${this.logs()}`);
  }

  private writeZones(): string[] {
    for (const r of this.records) {
      if (r.zone !== undefined && !this.zones.includes(r.zone.replace(/\.$/, ''))) throw new Error(`record ${r.owner} is in ${r.zone}, which the lab does not serve`);
    }
    return this.zones.map((zone) => {
      const file = join(this.dir, `${zone}.zone`);
      const lines = [
        `$ORIGIN ${zone}.`,
        '$TTL 3600',
        `@ 3600 IN SOA ns1.${zone}. hostmaster.${zone}. ${this.serial} 3600 600 86400 5`,
        `@ 3600 IN NS ns1.${zone}.`,
        'ns1 3600 IN A 127.0.0.1',
        ...this.records.filter((r) => (r.zone?.replace(/\.$/, '') ?? this.zone) === zone).map((r) => `${r.owner} ${r.ttl} IN ${r.type} ${r.data}`),
      ];
      writeFileSync(file, lines.join('\n') + '\n');
      return file;
    });
  }

  private nsdConf(): string {
    return [
      'server:',
      `  ip-address: 127.0.0.1@${this.authPort}`,
      `  port: ${this.authPort}`,
      '  server-count: 1',
      '  do-ip6: no',
      '  username: ""',
      '  chroot: ""',
      '  database: ""',
      `  zonesdir: "${this.dir}"`,
      `  pidfile: "${join(this.dir, 'nsd.pid')}"`,
      `  xfrdfile: "${join(this.dir, 'xfrd.state')}"`,
      `  zonelistfile: "${join(this.dir, 'zone.list')}"`,
      `  logfile: "${join(this.dir, 'nsd.log')}"`,
      '  verbosity: 1',
      'remote-control:',
      '  control-enable: no',
      ...this.zones.flatMap((zone) => ['zone:', `  name: "${zone}"`, `  zonefile: "${zone}.zone"`]),
      '',
    ].join('\n');
  }

  private unboundConf(host: string): string {
    return [
      'server:',
      `  interface: ${host}@${this.resolverPort}`,
      `  port: ${this.resolverPort}`,
      '  interface-automatic: no',
      '  do-ip6: no',
      '  access-control: 127.0.0.0/8 allow',
      '  do-not-query-localhost: no',
      // unbound answers special-use TLDs such as test. itself unless told not to.
      ...[...new Set(this.zones.map((z) => z.split('.').pop() ?? ''))].filter((tld) => tld === 'test').map((tld) => `  local-zone: "${tld}." nodefault`),
      '  module-config: "iterator"',
      '  auto-trust-anchor-file: ""',
      '  root-hints: ""',
      '  trust-anchor-signaling: no',
      ...this.zones.map((zone) => `  domain-insecure: "${zone}"`),
      '  qname-minimisation: no',
      '  prefetch: no',
      '  serve-expired: no',
      '  num-threads: 1',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${this.dir}"`,
      `  pidfile: "${join(this.dir, `unbound-${host}.pid`)}"`,
      `  logfile: "${join(this.dir, `unbound-${host}.log`)}"`,
      '  use-syslog: no',
      '  verbosity: 1',
      'remote-control:',
      '  control-enable: no',
      ...this.zones.flatMap((zone) => ['stub-zone:', `  name: "${zone}"`, `  stub-addr: ${this.stubOverride[zone] ?? `127.0.0.1@${this.authPort}`}`]),
      '',
    ].join('\n');
  }
}

function readIfExists(p: string): string {
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

