/**
 * A separate process that downloads one file and is killed mid-way by the crash test
 * (`node --require tsx/cjs downloadChild.ts '<json>'`).
 */
import { downloadToFile } from '../../../src/core/mendix/transfer/download';

const job = JSON.parse(process.argv[2] ?? '{}') as { url: string; dest: string; connections: number; minRangeBytes: number };
downloadToFile({ url: job.url, dest: job.dest, connections: job.connections, minRangeBytes: job.minRangeBytes }).then(
  (r) => process.stdout.write(`${JSON.stringify({ sha256: r.sha256 })}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
