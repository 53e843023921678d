/**
 * Loaded before the journeys (mocharc `file`): after the last one, prints each journey's wall time,
 * how it ended and its screenshots, from test-results/journey/timings.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { journeyResults } from './world';

interface Timing {
  seconds: number;
  outcome: string;
  screenshots: string[];
}

after(function () {
  let all: Record<string, Timing>;
  try {
    all = JSON.parse(readFileSync(join(journeyResults, 'timings.json'), 'utf8')) as Record<string, Timing>;
  } catch {
    return;
  }
  console.log('\n  journey wall times (test-results/journey/timings.json):');
  for (const [name, t] of Object.entries(all)) {
    console.log(`    ${name.padEnd(18)} ${String(t.seconds).padStart(6)} s  ${t.outcome}  (${t.screenshots.length} screenshots: ${t.screenshots.join(', ')})`);
  }
});
