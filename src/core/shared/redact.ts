/**
 * Masks secrets before text leaves the process (logs, error messages, files).
 * Known secret values are replaced wherever they appear; header-shaped secrets are masked by name.
 */
const SECRET_HEADER = /((?:Mendix-ApiKey|Authorization|X-Api-Key|Cookie)"?\s*[:=]\s*)("?)([^"\r\n,}]+)/gi;
const MASK = '***';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret value so every later `redact` call masks it. Values shorter than 4 chars are ignored. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  remove(secret: string | undefined): void {
    if (secret) this.secrets.delete(secret);
  }

  redact(text: string): string {
    let out = text.replace(SECRET_HEADER, (_m, name: string, quote: string) => `${name}${quote}${MASK}`);
    // Longest first so a secret that contains another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join(MASK);
    }
    return out;
  }
}
