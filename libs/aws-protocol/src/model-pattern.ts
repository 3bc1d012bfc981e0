const compiledPatterns = new Map<string, RegExp | null>();

/**
 * Model patterns are Java regular expressions matched against the whole value. Most are valid
 * JavaScript with the `u` flag (needed for `\p{L}`); one that JavaScript cannot compile at all
 * is not enforced rather than failing every request. Compiled once per pattern; a model's
 * patterns are a fixed, finite set.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  let regex = compiledPatterns.get(pattern);
  if (regex === undefined) {
    regex = compile(pattern, 'u') ?? compile(pattern, '');
    compiledPatterns.set(pattern, regex);
  }
  return regex === null || regex.test(value);
}

function compile(pattern: string, flags: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, flags);
  } catch {
    return null;
  }
}
