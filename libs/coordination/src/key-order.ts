/**
 * Orders keys by Unicode code point, which is the byte order of their UTF-8 encoding and so the
 * order Redis gives sorted-set members: both stores list keys identically. JavaScript's `<`
 * compares UTF-16 code units instead, which puts U+10000 and above before U+E000–U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** At the first differing code unit, surrogates (D800–DFFF) must rank above E000–FFFF. */
function codePointRank(codeUnit: number): number {
  if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) return codeUnit + 0x2000;
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  return codeUnit;
}
