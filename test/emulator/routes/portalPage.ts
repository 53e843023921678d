/**
 * `GET /_emulator/portal`: a small HTML stand-in for the Mendix portal so a person in the demo can do
 * the steps that have no API (link, upload a backup, change URL, bind a domain, offboard).
 * Every button calls the same `/_emulator/portal/...` endpoints the tests use.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import { environmentUrl } from '../model';
import { regionOf } from '../regions';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SCRIPT = `
async function call(path, body, raw) {
  const out = document.getElementById('out');
  out.textContent = 'Working…';
  const res = await fetch(path, raw ? { method: 'POST', body: raw, headers: { 'Content-Type': 'application/octet-stream' } }
    : { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  const text = await res.text();
  out.textContent = res.status + ' ' + text;
  if (res.ok) setTimeout(() => location.reload(), 800);
}
function v(id) { return document.getElementById(id).value; }
document.getElementById('link').onclick = () => call('/_emulator/portal/link', { projectId: v('linkProject'), nodeSubdomain: v('linkNode') });
document.getElementById('url').onclick = () => call('/_emulator/portal/change-url', { nodeSubdomain: v('urlNode'), newSubdomain: v('urlNew') });
document.getElementById('domain').onclick = () => call('/_emulator/portal/bind-custom-domain', { environmentId: v('domainEnv'), domain: v('domainName') });
document.getElementById('unbind').onclick = () => call('/_emulator/portal/unbind-custom-domain', { domain: v('unbindName') });
document.getElementById('offboard').onclick = () => { if (confirm('Offboard ' + v('offNode') + '? Its environments and backups disappear.')) call('/_emulator/portal/offboard', { nodeSubdomain: v('offNode') }); };
document.getElementById('advance').onclick = () => call('/_emulator/clock/advance', { seconds: Number(v('seconds')) });
document.getElementById('upload').onclick = () => {
  const f = document.getElementById('file').files[0];
  if (!f) { document.getElementById('out').textContent = 'Choose a file first'; return; }
  const [projectId, environmentId] = v('upEnv').split('|');
  call('/_emulator/portal/upload-backup?projectId=' + projectId + '&environmentId=' + environmentId, null, f);
};
`;

export function registerPortalPage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/_emulator/portal', (_req, reply) => {
    const { store } = ctx;
    const s = store.state;
    const projects = Object.values(s.projects).sort((a, b) => a.name.localeCompare(b.name));
    const nodes = Object.values(s.nodes)
      .filter((n) => n.generation !== 'free')
      .sort((a, b) => a.subdomain.localeCompare(b.subdomain));
    const rows = nodes
      .map((n) => {
        const p = store.projectOfNode(n);
        const envs = store
          .environmentsOf(n)
          .map((e) => `${esc(e.name)}: ${esc(e.status)} <a href="${esc(environmentUrl(n, e))}">${esc(environmentUrl(n, e))}</a>${e.customDomains.map((d) => ` · ${esc(d.domain)}`).join('')}`)
          .join('<br>');
        return `<tr><td>${esc(n.subdomain)}</td><td>${esc(regionOf(n.regionKey).name)} (${esc(n.generation)})</td><td>${p ? esc(p.name) : '<em>none</em>'}</td><td>${envs}</td></tr>`;
      })
      .join('');
    const projectOptions = projects.map((p) => `<option value="${esc(p.id)}">${esc(p.name)}</option>`).join('');
    const nodeOptions = nodes.map((n) => `<option>${esc(n.subdomain)}</option>`).join('');
    const envOptions = nodes
      .flatMap((n) => {
        const p = store.projectOfNode(n);
        return p ? store.environmentsOf(n).map((e) => `<option value="${esc(p.id)}|${esc(e.id)}">${esc(p.name)} – ${esc(e.name)} (${esc(n.subdomain)})</option>`) : [];
      })
      .join('');
    const envIdOptions = nodes.flatMap((n) => store.environmentsOf(n).map((e) => `<option value="${esc(e.id)}">${esc(n.subdomain)} – ${esc(e.name)}</option>`)).join('');
    const boundDomains = nodes.flatMap((n) => store.environmentsOf(n).flatMap((e) => e.customDomains.map((d) => ({ domain: d.domain, where: `${n.subdomain} – ${e.name}` }))));
    const domainOptions = boundDomains.map((d) => `<option value="${esc(d.domain)}">${esc(d.domain)} (${esc(d.where)})</option>`).join('');
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mendix Cloud emulator – portal</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
section{margin:1em 0;padding:.6em 1em;border:1px solid #ddd;border-radius:6px}pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap}</style></head>
<body><h1>Mendix Cloud emulator – portal</h1>
<p>Virtual time: ${esc(new Date(store.now()).toISOString())} (×${store.clock.timeScale})</p>
<table><tr><th>Node</th><th>Region</th><th>Linked app</th><th>Environments</th></tr>${rows}</table>
<section><h2>Link an app to a node</h2><select id="linkProject">${projectOptions}</select> → <select id="linkNode">${nodeOptions}</select> <button id="link">Use this Node</button>
<p><small>The node's previous app is unlinked and the node's permissions are reset.</small></p></section>
<section><h2>Upload a backup</h2><select id="upEnv">${envOptions}</select> <input type="file" id="file"> <button id="upload">Upload</button></section>
<section><h2>Support: change app URL</h2><select id="urlNode">${nodeOptions}</select> → <input id="urlNew" placeholder="new sub-domain"> <button id="url">Change</button></section>
<section><h2>Bind a custom domain</h2><select id="domainEnv">${envIdOptions}</select> <input id="domainName" placeholder="app.example.com"> <button id="domain">Bind</button></section>
<section><h2>Remove a custom domain</h2>${
      boundDomains.length ? `<select id="unbindName">${domainOptions}</select> <button id="unbind">Unbind</button>` : '<p>No custom domain is bound.</p><select id="unbindName" hidden></select><button id="unbind" hidden>Unbind</button>'
    }
<p><small>A domain can be bound to one environment at a time: remove it from the source before binding it to the target.</small></p></section>
<section><h2>Support: offboard a node</h2><select id="offNode">${nodeOptions}</select> <button id="offboard">Offboard</button></section>
<section><h2>Clock</h2><input id="seconds" type="number" value="3600"> seconds <button id="advance">Advance</button></section>
<pre id="out"></pre>
<script>${SCRIPT}</script></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
