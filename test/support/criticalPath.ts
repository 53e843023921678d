import type { StepDefinition } from '../../src/core/migration/stepTypes';

/** Longest path through the dependency graph, weighting each step with its duration. */
export function criticalPathMs(steps: readonly StepDefinition[], durations: Readonly<Record<string, number>>): { ms: number; path: string[] } {
  const memo = new Map<string, { ms: number; path: string[] }>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visit = (id: string): { ms: number; path: string[] } => {
    const hit = memo.get(id);
    if (hit) return hit;
    const s = byId.get(id);
    let best = { ms: 0, path: [] as string[] };
    for (const d of s?.dependsOn ?? []) {
      const r = visit(d);
      if (r.ms > best.ms) best = r;
    }
    const r = { ms: best.ms + (durations[id] ?? 0), path: [...best.path, id] };
    memo.set(id, r);
    return r;
  };
  let out = { ms: 0, path: [] as string[] };
  for (const s of steps) {
    const r = visit(s.id);
    if (r.ms > out.ms) out = r;
  }
  return out;
}
