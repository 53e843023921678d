/**
 * Custom-domain validation: turns what a user typed into the ASCII (punycode) name we query,
 * or explains exactly what to type instead.
 */
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';

export type DomainErrorCode =
  | 'empty'
  | 'url'
  | 'ip'
  | 'wildcard'
  | 'invalid-characters'
  | 'too-long'
  | 'label-too-long'
  | 'empty-label'
  | 'bad-hyphen'
  | 'numeric-tld'
  | 'single-label'
  | 'apex';

export type DomainValidation =
  | { ok: true; domain: string; unicode: string; expectedTarget: string }
  | { ok: false; code: DomainErrorCode; message: string; suggestion?: string };

/** The CNAME target Mendix Cloud expects for a custom domain (mendix-api.md §12). */
export function mendixCnameTarget(asciiDomain: string): string {
  return `${asciiDomain.replace(/\.$/, '').toLowerCase()}.cname.mendix.net.`;
}

/**
 * Second-level public suffixes under which the third label is the registered (apex) name.
 * Without the full Public Suffix List this covers the common cases; the authoritative check
 * (zone apex == domain) catches the rest at query time.
 */
const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'ac.uk', 'gov.uk', 'net.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au',
  'co.nz', 'org.nz', 'net.nz', 'co.za', 'org.za', 'co.jp', 'ne.jp', 'or.jp', 'ac.jp',
  'com.br', 'net.br', 'org.br', 'com.mx', 'com.ar', 'com.cn', 'net.cn', 'org.cn', 'com.hk', 'com.sg', 'com.tw',
  'co.in', 'net.in', 'org.in', 'co.kr', 'or.kr', 'co.il', 'com.tr', 'com.pl', 'co.id', 'com.my', 'com.ph',
  'co.th', 'com.vn', 'com.sa', 'com.eg', 'com.ng', 'co.ke', 'com.pk', 'com.co', 'com.pe', 'com.ua', 'co.at',
]);

const MAX_NAME = 253;
const MAX_LABEL = 63;

export function validateCustomDomain(input: string): DomainValidation {
  const raw = input.trim();
  if (raw.length === 0) return fail('empty', 'Enter the custom domain, for example app.example.com.');

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || /[/?#@]/.test(raw)) {
    const host = hostFromUrlish(raw);
    return fail(
      'url',
      `"${raw}" looks like a URL. Enter only the host name${host ? `, here "${host}"` : ''}, without scheme, path or port.`,
      host,
    );
  }
  const unbracketed = raw.replace(/^\[(.*)\]$/, '$1');
  if (isIP(unbracketed) !== 0 || /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(raw)) {
    return fail('ip', `"${raw}" is an IP address. A custom domain must be a host name such as app.example.com that you can point to Mendix with a CNAME record.`);
  }
  if (/:\d+$/.test(raw)) {
    const host = raw.replace(/:\d+$/, '');
    return fail('url', `"${raw}" includes a port. Enter only the host name "${host}"; Mendix Cloud serves on 443 (and redirects 80).`, host);
  }
  if (raw.startsWith('*.')) {
    return fail('wildcard', `"${raw}" is a wildcard. Check one concrete name, for example "${raw.replace(/^\*\./, 'app.')}".`);
  }

  const noDot = raw.replace(/\.$/, '');
  // WHATWG URL rules read a numeric last label as an IPv4 part, so check it before domainToASCII.
  if (/(^|\.)\d+$/.test(noDot)) return fail('numeric-tld', `"${raw}" ends in a number; the last label must be a top-level domain such as com.`);
  // Check lengths on the punycode form; node's domainToASCII gives '' for names it cannot encode.
  const ascii = domainToASCII(noDot).toLowerCase();
  if (ascii === '') {
    const labels = noDot.split('.');
    if (labels.some((l) => l.length === 0)) return fail('empty-label', `"${raw}" has an empty label (two dots in a row or a leading dot).`);
    return fail('invalid-characters', `"${raw}" contains characters that cannot appear in a domain name. Use letters, digits and hyphens between the dots.`);
  }
  const labels = ascii.split('.');
  if (labels.some((l) => l.length === 0)) return fail('empty-label', `"${raw}" has an empty label (two dots in a row or a leading dot).`);
  const long = labels.find((l) => l.length > MAX_LABEL);
  if (long) return fail('label-too-long', `The label "${long}" is ${long.length} characters; each part between dots may have at most ${MAX_LABEL}.`);
  if (ascii.length > MAX_NAME) return fail('too-long', `The name is ${ascii.length} characters in ASCII form; at most ${MAX_NAME} are allowed.`);
  const badChar = labels.find((l) => !/^[a-z0-9-]+$/.test(l));
  if (badChar) return fail('invalid-characters', `The label "${badChar}" may contain only letters, digits and hyphens (underscores are not valid in host names).`);
  const hyphen = labels.find((l) => l.startsWith('-') || l.endsWith('-'));
  if (hyphen) return fail('bad-hyphen', `The label "${hyphen}" must not start or end with a hyphen.`);
  if (labels.length < 2) return fail('single-label', `"${raw}" is a single label. Enter a fully qualified name such as app.example.com.`);

  const registered = registeredLabelCount(labels);
  if (labels.length <= registered) {
    const suggestion = `app.${ascii}`;
    return fail(
      'apex',
      `"${ascii}" is an apex (naked) domain. A CNAME record cannot live at the apex, so Mendix cannot serve it. ` +
        `Use a sub-domain such as "www.${ascii}" or "${suggestion}" and redirect the apex to it at your DNS or web provider.`,
      suggestion,
    );
  }
  return { ok: true, domain: ascii, unicode: domainToUnicode(ascii), expectedTarget: mendixCnameTarget(ascii) };
}

/** Number of labels that make up the registered domain (2, or 3 under a known second-level suffix). */
function registeredLabelCount(labels: string[]): number {
  if (labels.length >= 3 && MULTI_LABEL_SUFFIXES.has(labels.slice(-2).join('.'))) return 3;
  return 2;
}

function hostFromUrlish(raw: string): string | undefined {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    return u.hostname || undefined;
  } catch {
    return undefined;
  }
}

function fail(code: DomainErrorCode, message: string, suggestion?: string): DomainValidation {
  return suggestion === undefined ? { ok: false, code, message } : { ok: false, code, message, suggestion };
}
