/**
 * Reads the error body of any family without trusting its shape: v1-family `{errorCode, errorMessage}`
 * (undocumented, so other spellings are accepted), v4 `{error:{code,message,invalid-params}}`,
 * Certificate API `{error:{message,code,detail}}`, or plain text.
 */
export interface ParsedErrorBody {
  errorCode?: string;
  message?: string;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A symbolic code (`APP_IS_RUNNING`, `NOT ALLOWED`), not an HTTP status echoed back as a number. */
function symbolic(v: unknown): string | undefined {
  const s = str(v);
  return s !== undefined && !/^\d+$/.test(s) ? s : undefined;
}

export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    // Not JSON: keep a short, single-line excerpt (HTML error pages can be long).
    return { message: trimmed.replace(/\s+/g, ' ').slice(0, 200) };
  }
  const body = rec(json);
  if (!body) return {};
  const nested = rec(body.error);
  if (nested) {
    const parts = [str(nested.message), str(nested.detail)].filter((p): p is string => p !== undefined);
    const invalid = Array.isArray(nested['invalid-params']) ? nested['invalid-params'] : [];
    for (const p of invalid) {
      const ip = rec(p);
      if (ip) parts.push(`${str(ip.name) ?? '?'}: ${str(ip.reason) ?? '?'}`);
    }
    return { errorCode: symbolic(nested.errorCode) ?? symbolic(nested.code), message: parts.length ? parts.join('; ') : undefined };
  }
  return {
    errorCode: symbolic(body.errorCode) ?? symbolic(body.ErrorCode) ?? symbolic(body.code) ?? symbolic(body.error),
    message: str(body.errorMessage) ?? str(body.ErrorMessage) ?? str(body.message) ?? str(body.Message) ?? str(body.detail),
  };
}
