/** Small zod building blocks shared by the response schemas. */
import { z } from 'zod';

/** A field the service may leave out or send as null; both read as undefined. */
export function opt<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v) => v ?? undefined);
}

/** A number that some examples show as a numeric string (the contract notes a stray `S` on `Size`). */
export const looseNumber = z.union([
  z.number(),
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*[A-Za-z]?\s*$/, 'a number')
    .transform((s) => Number(s.replace(/[^\d.]/g, ''))),
]);

/** A boolean that the v4 spec's examples sometimes send as `'true'`/`'false'`. */
export const looseBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);
