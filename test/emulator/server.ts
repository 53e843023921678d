/**
 * The Mendix Cloud emulator: one origin serving Deploy API v1/v2/v4, the Build API, Backups API v2,
 * the Certificate API, signed download URLs and the `/_emulator` control surface.
 * See issue 3 and ../../../shared/mendix-api.md for the contract it follows.
 */
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../src/core/shared/redact';
import { BlobStore } from './blobs';
import type { CallRecord } from './callLog';
import { CallLog } from './callLog';
import { VirtualClock } from './clock';
import type { EmulatorContext, SeedName } from './context';
import { ApiError, defaultCodeFor, defaultMessageFor, familyOf, renderError, v4Error } from './errors';
import { FaultRegistry, type Fault } from './faults';
import { tick } from './lifecycle';
import type { EmulatorConfig, EmulatorState } from './model';
import { emptyState } from './model';
import { registerBackups } from './routes/backups';
import { registerBuild } from './routes/build';
import { registerCertificates } from './routes/certificates';
import { registerControl, registerControlUploads } from './routes/control';
import { registerDeployV1 } from './routes/deployV1';
import { registerDeployV1Settings } from './routes/deployV1Settings';
import { registerDeployV2 } from './routes/deployV2';
import { registerDeployV4 } from './routes/deployV4';
import { registerPortalPage } from './routes/portalPage';
import { registerAppHosts } from './appHosts';
import { registerDownloads } from './downloads';
import { buildDemo } from './seeds/demo';
import { parseLinkShape } from './linkShaping';
import { buildScale } from './seeds/scale';
import { buildTeam } from './seeds/team';
import { Store } from './store';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  seed?: SeedName;
  /** Virtual-clock speed-up; default 1 (real time). */
  timeScale?: number;
  /** Persist the model here (loaded at start, saved on change). */
  stateFile?: string;
  /** Approximate size of a generated backup archive. */
  archiveBytes?: number;
  /** Size of generated package (.mda) downloads. */
  packageBytes?: number;
  quiet?: boolean;
  /** Shapes archive and package downloads like a cloud store seen over a real link (off by default). */
  link?: { mbps?: number; latencyMs?: number };
  /** Where request-log lines go when not quiet (default stdout). Secrets are masked before this sees them. */
  logSink?: (line: string) => void;
}

export interface RunningEmulator {
  baseUrl: string;
  port: number;
  /** Folder holding uploaded packages and backups (for tests that check what is kept on disk). */
  uploadDir: string;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    call: CallRecord | null;
    fault: Fault | null;
  }
}

export function buildSeed(seed: SeedName, now: number, secret: string, config: Partial<EmulatorConfig>): EmulatorState {
  switch (seed) {
    case 'demo':
      return buildDemo(now, secret, config);
    case 'scale':
      return buildScale(now, secret, config);
    case 'team':
      return buildTeam(now, secret, config);
    case 'empty':
      return emptyState(now, secret, config);
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = opts.seed ?? 'demo';
  const overrides: Partial<EmulatorConfig> = {};
  if (opts.archiveBytes !== undefined) overrides.archiveBytes = opts.archiveBytes;
  if (opts.packageBytes !== undefined) overrides.packageBytes = opts.packageBytes;

  const loaded = opts.stateFile ? Store.load(opts.stateFile) : undefined;
  const clock = new VirtualClock(loaded?.virtualNowMs ?? Date.now(), opts.timeScale ?? 1);
  const state = loaded ?? buildSeed(seed, clock.now(), randomBytes(32).toString('hex'), overrides);
  if (loaded) Object.assign(loaded.config, overrides);
  const store = new Store(state, clock, opts.stateFile);

  const workDir = mkdtempSync(join(tmpdir(), 'mendix-emulator-'));
  // A process that exits without close() (a test runner bailing out) still removes the cache.
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);
  const blobs = new BlobStore(join(workDir, 'cache'), opts.stateFile ? `${opts.stateFile}.blobs` : join(workDir, 'uploads'));
  const ctx: EmulatorContext = {
    store,
    blobs,
    faults: new FaultRegistry(),
    calls: new CallLog(),
    link: parseLinkShape(opts.link ?? {}),
    reseed: (name) => {
      const fresh = buildSeed(name, clock.now(), store.state.downloadSecret, store.state.config);
      store.replace(fresh);
    },
  };

  const redactor = new Redactor();
  const sink = opts.quiet ? undefined : (opts.logSink ?? ((line: string) => console.log(line)));
  const app = buildApp(ctx, (req, reply) => {
    if (!sink) return;
    const user = req.headers['mendix-username'];
    const who = typeof user === 'string' ? ` Mendix-Username: ${user}` : '';
    const key = req.headers['mendix-apikey'];
    const auth = req.headers.authorization;
    const secrets = `${typeof key === 'string' ? ` Mendix-ApiKey: ${key}` : ''}${auth ? ` Authorization: ${auth}` : ''}`;
    for (const s of [key, auth]) if (typeof s === 'string') redactor.add(s.replace(/^mxtoken\s+/i, ''));
    const status = reply.raw.headersSent ? String(reply.raw.statusCode) : 'reset';
    sink(redactor.redact(`${req.method} ${req.url} -> ${status} (${reply.elapsedTime.toFixed(1)} ms)${who}${secrets}`));
  });

  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator did not bind a TCP port');
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    baseUrl: `http://${urlHost}:${address.port}`,
    port: address.port,
    uploadDir: blobs.uploadDir,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      store.saveNow();
      await blobs.close(!opts.stateFile);
      process.removeListener('exit', removeWorkDir);
      removeWorkDir();
    },
  };
}

function buildApp(ctx: EmulatorContext, logLine: (req: FastifyRequest, reply: FastifyReply) => void): FastifyInstance {
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // URLs the router rejects (bad percent-escapes, over-long segments) answer in the family's error shape.
    frameworkErrors: (err, req, rawReply) => {
      const reply = rawReply as unknown as FastifyReply; // the option's generics do not narrow to a plain reply
      const status = typeof err.statusCode === 'number' ? err.statusCode : 400;
      const body = renderError(familyOf((req.url ?? '').split('?')[0]), status, 'INVALID_PARAMETERS', err.message);
      void reply.code(status).type(body.contentType).send(body.body);
    },
  });
  app.decorateRequest('call', null);
  app.decorateRequest('fault', null);

  // A tolerant JSON parser: clients often send `Content-Type: application/json` with an empty body on POSTs.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = withoutBom(typeof body === 'string' ? body : body.toString('utf8'));
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new ApiError(400, 'INVALID_PARAMETERS', 'Request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    if (tick(ctx.store)) ctx.store.changed();
    // 'close' also fires for hijacked downloads and reset connections, unlike fastify's onResponse.
    reply.raw.once('close', () => {
      if (req.call) {
        req.call.status = reply.raw.headersSent ? reply.raw.statusCode : 0;
        req.call.durationMs = Math.round(reply.elapsedTime * 10) / 10;
      }
      logLine(req, reply);
    });
    const path = req.url.split('?')[0];
    if (path.startsWith('/_emulator')) return;
    req.call = ctx.calls.start(req.method, path, req.query as Record<string, string>, ctx.store.now());
    const fault = ctx.faults.take(req.method, path);
    if (!fault) return;
    req.call.fault = fault.kind;
    const family = familyOf(path);
    switch (fault.kind) {
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms ?? 0));
        return;
      case 'status': {
        const status = fault.status ?? 500;
        const body = renderError(family, status, fault.errorCode ?? defaultCodeFor(status), fault.errorMessage ?? defaultMessageFor(status));
        return reply
          .code(status)
          .headers(fault.headers ?? {})
          .type(body.contentType)
          .send(body.body);
      }
      case 'drop':
        req.fault = fault; // handled normally; the answer is dropped in onSend
        return;
      case 'malformed':
        return reply
          .code(200)
          .headers(fault.headers ?? {})
          .type('application/json; charset=utf-8')
          .send(fault.body ?? '{"unexpected": [1, 2, ');
      case 'reset':
        if (family === 'downloads' && (fault.afterBytes ?? 0) > 0) {
          req.fault = fault; // the download route cuts the body after `afterBytes`
          return;
        }
        reply.hijack();
        req.raw.socket.destroy();
        return reply;
    }
  });
  // After the hook above, so the virtual clock has moved environments on before an app host answers.
  registerAppHosts(app, ctx);

  // Every API query parameter is single-valued: one given twice (`?sort=a&sort=b`) is a bad request
  // in the family's shape, not an array that a handler would trip over.
  app.addHook('preValidation', (req, _reply, done) => {
    const family = familyOf(req.url.split('?')[0]);
    const repeated = Object.entries(req.query as Record<string, unknown>)
      .filter(([, v]) => Array.isArray(v))
      .map(([name]) => name);
    if (family === 'control' || family === 'downloads' || repeated.length === 0) return done();
    if (family === 'v4') return done(v4Error(400, 'Bad Request', repeated.map((name) => ({ name, reason: 'must be given once' }))));
    done(new ApiError(400, 'INVALID_PARAMETERS', `Query parameter ${repeated.join(', ')} must be given once`));
  });

  // "Act, then drop the answer": the handler ran (the model changed), the client sees a reset.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.fault?.kind !== 'drop') return payload;
    reply.hijack();
    req.raw.socket.destroy();
    return null;
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    const path = req.url.split('?')[0];
    const family = familyOf(path);
    if (err instanceof ApiError) {
      const body = renderError(family, err.status, err.code, err.message, err.extra);
      return reply
        .code(err.status)
        .headers(err.extra.headers ?? {})
        .type(body.contentType)
        .send(body.body);
    }
    const e = err as { statusCode?: number; message?: string; code?: string };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) console.error(`emulator: unhandled error on ${req.method} ${path}:`, err);
    // Package uploads raise their own 413 PACKAGE_TOO_LARGE; this one is a JSON body over `bodyLimit`.
    const code = status === 413 ? 'REQUEST_TOO_LARGE' : status === 500 ? 'INTERNAL_ERROR' : 'INVALID_PARAMETERS';
    const body = renderError(family, status, code, status === 500 ? 'Internal system error' : (e.message ?? 'Bad Request'));
    return reply.code(status).type(body.contentType).send(body.body);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const body = renderError(familyOf(path), 404, 'NOT_FOUND', `No route for ${req.method} ${path}`);
    return reply.code(404).type(body.contentType).send(body.body);
  });

  void app.register(fastifyMultipart, { limits: { files: 1, fields: 10 } });
  void app.register((api, _opts, done) => {
    // Any other content type (text/plain too: Postman's raw "Text"): JSON when it parses, otherwise
    // ignored (v1 asks for JSON but clients vary).
    api.removeContentTypeParser('text/plain');
    api.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, parsed) => {
      const text = withoutBom(typeof body === 'string' ? body : body.toString('utf8'));
      try {
        parsed(null, text.trim() === '' ? undefined : (JSON.parse(text) as unknown));
      } catch {
        parsed(null, undefined);
      }
    });
    registerDeployV1(api, ctx);
    registerDeployV1Settings(api, ctx);
    registerBuild(api, ctx);
    registerDeployV2(api, ctx);
    registerBackups(api, ctx);
    registerDeployV4(api, ctx);
    registerCertificates(api, ctx);
    registerControl(api, ctx);
    registerPortalPage(api, ctx);
    done();
  });
  void app.register((raw, _opts, done) => {
    // Byte bodies are streamed by the handlers themselves.
    raw.addContentTypeParser('*', (_req, _payload, parsed) => parsed(null, undefined));
    registerControlUploads(raw, ctx);
    done();
  });
  registerDownloads(app, ctx);
  return app;
}

/** JSON parsers may ignore a leading UTF-8 byte-order mark (RFC 8259 §8.1); files saved by PowerShell 5 carry one. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
