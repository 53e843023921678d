/** Small zod building blocks shared by the response schemas. */
import * as z from '../../../shared/zod';

/** `schema`, then `fn` over what it parsed (classic zod's `.transform`). */
export function map<T extends z.ZodMiniType, R>(schema: T, fn: (value: z.output<T>) => R) {
  return z.pipe(schema, z.transform(fn));
}

/** A field the service may leave out or send as null; both read as undefined. */
export function opt<T extends z.ZodMiniType>(schema: T) {
  return map(z.nullish(schema), (v) => v ?? undefined);
}

/** A non-empty string (an id, a name the service must send). */
export const nonEmpty = () => z.string().check(z.minLength(1));

/** A number that some examples show as a numeric string (the contract notes a stray `S` on `Size`). */
export const looseNumber = z.union([
  z.number(),
  map(z.string().check(z.regex(/^\s*\d+(\.\d+)?\s*[A-Za-z]?\s*$/, 'a number')), (s) => Number(s.replace(/[^\d.]/g, ''))),
]);

/** A boolean that the v4 spec's examples sometimes send as `'true'`/`'false'`. */
export const looseBoolean = z.union([z.boolean(), map(z.enum(['true', 'false']), (s) => s === 'true')]);
