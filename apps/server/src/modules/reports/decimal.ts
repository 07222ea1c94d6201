/**
 * Exact addition of decimal text, as PostgreSQL's `numeric` prints it. Report sums leave SQL exact and
 * are added up across periods, installations and providers; doing that in binary floating point is what
 * turned 60308.4 into 60308.39999999999. They become JSON numbers only when the report is answered.
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

const parse = (text: string): Scaled => {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`Not a plain decimal: ${text}`);
  const fraction = m[3] ?? '';
  const units = BigInt(m[2] + fraction);
  return { units: m[1] ? -units : units, scale: fraction.length };
};

const format = ({ units, scale }: Scaled): string => {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
};

/** Σ of decimal texts, exactly; `'0'` for none. */
export function sumDecimals(values: Iterable<string>): string {
  let acc: Scaled = { units: 0n, scale: 0 };
  for (const value of values) {
    const v = parse(value);
    const scale = Math.max(acc.scale, v.scale);
    acc = { units: acc.units * 10n ** BigInt(scale - acc.scale) + v.units * 10n ** BigInt(scale - v.scale), scale };
  }
  return format(acc);
}
