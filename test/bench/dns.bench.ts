/**
 * dns.wall_over_slowest: 30 in-process loopback resolvers answering after injected latencies spread
 * from 0 to 200 ms. One full propagation check should take about as long as the slowest resolver,
 * because every resolver is asked in parallel (goal: wall / slowest ≤ 1.2).
 *
 * dns.chain_end_wall_over_slowest: the same with the target environment's host (mendix-api §14.13):
 * each resolver is asked two questions one after the other (the domain, then the target host), and
 * then the zones are asked for both chains, so the floor is two of the slowest resolver's round trips
 * (goal: wall / slowest single answer ≤ 2.4).
 */
import { checkPropagation, type PropagationReport } from '../../src/core/dns/propagation';
import type { ResolverDescriptor } from '../../src/core/dns/resolvers';
import { rr, startFakeDnsServer, type FakeDnsServer } from '../integration/dns/fakeDnsServer';
import { figure, type BenchContext, type Figure } from './run';

const RESOLVERS = 30;
const MAX_LATENCY_MS = 200;
const RUNS = 5;
const DOMAIN = 'app.example.test';
const EXPECTED = 'app.example.test.cname.mendix.net.';
const TARGET = 'myapp.us-east.mendixcloud.test.';
const SOURCE_IP = '192.0.2.10';
const TARGET_IP = '198.51.100.20';

export async function run(ctx: BenchContext): Promise<Record<string, Figure>> {
  const servers: FakeDnsServer[] = [];
  try {
    const auth = await startFakeDnsServer(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    servers.push(auth);
    const resolvers: ResolverDescriptor[] = [];
    for (let i = 0; i < RESOLVERS; i++) {
      const delayMs = Math.round((i * MAX_LATENCY_MS) / (RESOLVERS - 1));
      // Every third resolver still holds the old answer, so the check does its full classification work.
      const answers = i % 3 === 0 ? [rr.cname(DOMAIN, 'old.example.net', 120)] : [rr.cname(DOMAIN, EXPECTED, 250)];
      const s = await startFakeDnsServer(() => ({ delayMs, answers }));
      servers.push(s);
      resolvers.push({ name: `r${i}`, operator: 'bench', location: `${delayMs} ms`, addresses: [s.address] });
    }
    // One authoritative server for every zone of the chain; resolvers holding the source's or the target's addresses.
    const zones = await startFakeDnsServer((q) =>
      q.name === DOMAIN
        ? { authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300), rr.a(EXPECTED, TARGET_IP, 60)] }
        : q.name === TARGET
          ? { authoritative: true, answers: [rr.a(TARGET, TARGET_IP, 300)] }
          : { rcode: 'REFUSED' },
    );
    servers.push(zones);
    const targetResolvers: ResolverDescriptor[] = [];
    for (let i = 0; i < RESOLVERS; i++) {
      const delayMs = Math.round((i * MAX_LATENCY_MS) / (RESOLVERS - 1));
      const end = i % 3 === 0 ? SOURCE_IP : TARGET_IP;
      const s = await startFakeDnsServer((q) => ({ delayMs, answers: q.name === TARGET ? [rr.a(TARGET, TARGET_IP, 250)] : [rr.cname(DOMAIN, EXPECTED, 250), rr.a(EXPECTED, end, 40)] }));
      servers.push(s);
      targetResolvers.push({ name: `t${i}`, operator: 'bench', location: `${delayMs} ms`, addresses: [s.address] });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const measure = async (label: string, check: () => Promise<PropagationReport>): Promise<number> => {
      await check(); // warm-up: module loading and JIT are not what we measure
      const ratios: number[] = [];
      const walls: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const report = await check();
        const wall = performance.now() - started;
        const slowest = Math.max(...report.results.map((r) => r.latencyMs));
        if (report.results.some((r) => r.status === 'timeout' || r.status === 'unreachable')) throw new Error('a bench resolver did not answer');
        ratios.push(wall / slowest);
        walls.push(wall);
      }
      ctx.log(`${label}: ${RESOLVERS} resolvers, latency 0–${MAX_LATENCY_MS} ms: wall ${walls.map((w) => w.toFixed(1)).join(', ')} ms; median ratio ${median(ratios).toFixed(3)}`);
      return median(ratios);
    };
    const cnameOnly = await measure('CNAME', () => checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers, authoritative: [auth.address], timeoutMs: 2000 }));
    const chainEnd = await measure('chain end', () => checkPropagation({ domain: DOMAIN, expected: EXPECTED, targetHost: TARGET, resolvers: targetResolvers, authoritative: [zones.address], timeoutMs: 2000 }));
    return {
      'dns.wall_over_slowest': figure(cnameOnly, 'ratio', '<= 1.2'),
      'dns.chain_end_wall_over_slowest': figure(chainEnd, 'ratio', '<= 2.4'),
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
