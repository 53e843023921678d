/**
 * The emulator answers for its environments' app URLs, as the Mendix Cloud's routers do: a request
 * whose Host is an environment's host (or a custom domain bound to it) gets a small page when the
 * environment runs and 503 otherwise; an unknown app host gets 404. Browsers, which cannot set the
 * Host header, use the same answer under `/_emulator/app/<host>/`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from './context';
import { environmentHost, type AppNode, type Environment, type EmulatorState } from './model';

export interface AppHostMatch {
  node: AppNode;
  env: Environment;
}

/** The environment serving `host` (its own host name or a bound custom domain), if any. */
export function environmentForHost(state: EmulatorState, host: string): AppHostMatch | undefined {
  const wanted = host.toLowerCase().replace(/\.$/, '');
  for (const env of Object.values(state.environments)) {
    const node = state.nodes[env.nodeId];
    if (!node) continue;
    if (environmentHost(node, env) === wanted || env.customDomains.some((d) => d.domain.toLowerCase() === wanted)) return { node, env };
  }
  return undefined;
}

/** Host names the emulator serves its API under; everything else is taken for an app host. */
function isApiHost(host: string): boolean {
  return host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[') || !host.includes('.');
}

function answer(reply: FastifyReply, ctx: EmulatorContext, host: string): FastifyReply {
  const m = environmentForHost(ctx.store.state, host);
  if (!m) return reply.code(404).type('text/plain; charset=utf-8').send(`No Mendix app is served at ${host}\n`);
  if (m.env.status !== 'Running') {
    return reply.code(503).type('text/plain; charset=utf-8').send(`${host}: the environment ${m.env.name} of node ${m.node.subdomain} is ${m.env.status}\n`);
  }
  const title = `${m.node.subdomain} (${m.env.name})`;
  return reply
    .code(200)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>The app runs on ${host}.</p></body></html>\n`);
}

export function registerAppHosts(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (req, reply) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (host === '' || isApiHost(host)) return;
    return answer(reply, ctx, host);
  });
  app.get<{ Params: { host: string; '*': string } }>('/_emulator/app/:host/*', (req, reply) => answer(reply, ctx, req.params.host));
  app.get<{ Params: { host: string } }>('/_emulator/app/:host', (req, reply) => answer(reply, ctx, req.params.host));
}
