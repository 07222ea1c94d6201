/**
 * Distinguished names in the slash form the spec uses everywhere (§1.1):
 * `/C=XX/O=XX/OU=XX/L=XX/CN=host.example`, RDNs in certificate order. The members of a
 * multi-valued RDN become separate `/` components, as OpenSSL's `X509_NAME_oneline` (the classic
 * grid rendering) prints them, and because Node's subject object cannot express them otherwise.
 */

type Ava = [type: string, value: string];

// RFC 4514 attribute types are case-insensitive and may be OIDs; the slash form uses OpenSSL's
// short names, which is also what Node reports for a certificate.
const TYPE_NAMES = new Map<string, string>(
  Object.entries({
    c: 'C',
    '2.5.4.6': 'C',
    st: 'ST',
    s: 'ST',
    '2.5.4.8': 'ST',
    l: 'L',
    '2.5.4.7': 'L',
    o: 'O',
    '2.5.4.10': 'O',
    ou: 'OU',
    '2.5.4.11': 'OU',
    cn: 'CN',
    '2.5.4.3': 'CN',
    dc: 'DC',
    '0.9.2342.19200300.100.1.25': 'DC',
    uid: 'UID',
    '0.9.2342.19200300.100.1.1': 'UID',
    emailaddress: 'emailAddress',
    email: 'emailAddress',
    e: 'emailAddress',
    '1.2.840.113549.1.9.1': 'emailAddress',
    serialnumber: 'serialNumber',
    '2.5.4.5': 'serialNumber',
    street: 'street',
    '2.5.4.9': 'street',
    title: 'title',
    '2.5.4.12': 'title',
    sn: 'SN',
    surname: 'SN',
    '2.5.4.4': 'SN',
    gn: 'GN',
    givenname: 'GN',
    '2.5.4.42': 'GN',
    initials: 'initials',
    pseudonym: 'pseudonym',
    generationqualifier: 'generationQualifier',
    dnqualifier: 'dnQualifier',
    name: 'name',
    postalcode: 'postalCode',
    businesscategory: 'businessCategory',
    description: 'description',
  }),
);

const canonicalType = (type: string) => TYPE_NAMES.get(type.toLowerCase()) ?? type;

const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/**
 * Parses RFC 4514 syntax (escapes `\,` `\+` `\\` …, hex escapes `\C3\A9`, quoted values) into
 * RDNs in textual order. `rdnSeparator` is `,` for RFC 4514 and `\n` for Node's multi-line subject
 * string. Returns undefined for text that is not a DN.
 */
function parseRdns(text: string, rdnSeparator: ',' | '\n'): Ava[][] | undefined {
  const rdns: Ava[][] = [];
  let rdn: Ava[] = [];
  let i = 0;
  const n = text.length;
  const skipSpaces = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  };

  while (true) {
    skipSpaces();
    const eq = text.indexOf('=', i);
    if (eq === -1) return undefined;
    const type = text.slice(i, eq).trim();
    if (type.length === 0 || /[,+\n\\"]/.test(type)) return undefined;
    i = eq + 1;
    skipSpaces();

    let value = '';
    let keep = 0; // length of `value` up to its last character that is not an unescaped space
    let bytes: number[] = [];
    const flushBytes = () => {
      if (bytes.length === 0) return;
      value += Buffer.from(bytes).toString('utf8');
      bytes = [];
      keep = value.length;
    };
    const append = (s: string, significant: boolean) => {
      flushBytes();
      value += s;
      if (significant) keep = value.length;
    };

    if (text[i] === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) {
          append(text[i + 1], true);
          i += 2;
        } else append(text[i++], true);
      }
      if (i >= n) return undefined;
      i++;
      skipSpaces();
      if (i < n && text[i] !== rdnSeparator && text[i] !== '+') return undefined;
    } else {
      while (i < n && text[i] !== rdnSeparator && text[i] !== '+') {
        const c = text[i];
        if (c === '\\') {
          if (i + 1 >= n) return undefined;
          if (isHex(text[i + 1]) && isHex(text[i + 2])) {
            bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
            i += 3;
          } else {
            append(text[i + 1], true);
            i += 2;
          }
        } else {
          append(c, c !== ' ' && c !== '\t' && c !== '\r');
          i++;
        }
      }
    }
    flushBytes();
    rdn.push([canonicalType(type), value.slice(0, keep)]);

    if (i >= n) break;
    if (text[i] === rdnSeparator) {
      rdns.push(rdn);
      rdn = [];
    }
    i++;
  }
  rdns.push(rdn);
  return rdns;
}

const slashForm = (rdns: Ava[][]) => rdns.flatMap((rdn) => rdn.map(([t, v]) => `/${t}=${v}`)).join('');

/**
 * Canonical slash form of a DN given as slash form (returned as is, apart from surrounding
 * whitespace), RFC 4514 (`CN=host,O=XX,C=XX`, whose RDNs are in reverse order) or Node's
 * multi-line subject string (`C=XX\nO=XX\nCN=host`). Text that parses as none of these is
 * returned trimmed, so it can only ever match itself.
 */
export function normaliseDn(dn: string): string {
  const text = dn.trim();
  if (text === '' || text.startsWith('/')) return text;
  if (text.includes('\n')) return fromSubjectString(text) ?? text;
  const rdns = parseRdns(text, ',');
  return rdns ? slashForm(rdns.reverse()) : text;
}

function fromSubjectString(subject: string): string | undefined {
  const rdns = parseRdns(subject.trim(), '\n');
  return rdns && slashForm(rdns);
}

export type CertSubject = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Slash-form DN of a client certificate subject: either `tls.PeerCertificate.subject` (an object
 * whose keys are in certificate order; a repeated attribute is one key with an array value, so
 * its values are kept together at the first occurrence) or `X509Certificate.subject`, the
 * newline-separated string that preserves the exact order. Returns '' when there is no subject.
 */
export function dnFromCertSubject(subject: CertSubject | string | null | undefined): string {
  if (subject == null) return '';
  if (typeof subject === 'string') {
    const text = subject.trim();
    if (text === '' || text.startsWith('/')) return text;
    return fromSubjectString(text) ?? '';
  }
  let dn = '';
  for (const [type, value] of Object.entries(subject)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) dn += `/${type}=${v}`;
  }
  return dn;
}

/** The signer host (§1.1): the text after the last `=`, i.e. the CN when CN comes last. */
export function signerHost(dn: string): string {
  return dn.slice(dn.lastIndexOf('=') + 1);
}
