import { createHash, randomUUID } from 'node:crypto';

/** A fresh random UUID for entities created at run time. */
export function newId(): string {
  return randomUUID();
}

/**
 * A stable UUID derived from a name, so seeds give the same IDs on every run
 * (shaped like a version-5 UUID; only stability matters here).
 */
export function stableId(name: string): string {
  const h = createHash('sha1').update(`mendix-emulator:${name}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID_RE.test(text);
}
