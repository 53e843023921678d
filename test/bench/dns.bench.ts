/**
 * dns.wall_over_slowest: 30 in-process loopback resolvers answering after injected latencies spread
 * from 0 to 200 ms. One full propagation check should take about as long as the slowest resolver,
 * because every resolver is asked in parallel (goal: wall / slowest ≤ 1.2).
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
    const check = (): Promise<PropagationReport> => checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers, authoritative: [auth.address], timeoutMs: 2000 });
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
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    ctx.log(`${RESOLVERS} resolvers, latency 0–${MAX_LATENCY_MS} ms: wall ${walls.map((w) => w.toFixed(1)).join(', ')} ms; median ratio ${median(ratios).toFixed(3)}`);
    return { 'dns.wall_over_slowest': figure(median(ratios), 'ratio', '<= 1.2') };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
