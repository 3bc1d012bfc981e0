import { crc32c } from '@node-rs/crc32';

/**
 * One journal or snapshot line: the CRC-32C of the JSON as 8 hex digits, a tab, the JSON, `\n`.
 * JSON escapes every newline inside strings, so `\n` only ever ends a line.
 */
export function encodeLine(document: unknown): string {
  const json = JSON.stringify(document);
  return `${checksum(json)}\t${json}\n`;
}

/** The document of one line without its `\n`, or undefined when the line is damaged. */
export function decodeLine(line: string): unknown {
  const json = line.slice(9);
  if (line[8] !== '\t' || line.slice(0, 8) !== checksum(json)) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * The documents of a journal's intact lines, and the byte length they span. Reading stops at the
 * first damaged or unterminated line: every acknowledged write was fsynced whole before it was
 * acknowledged, so that line and whatever follows it belong to writes that never completed (a
 * crash may persist the pages of an unfinished write in any order).
 */
export function decodeLines(bytes: Buffer): { documents: unknown[]; intactBytes: number } {
  const documents: unknown[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a, start); end !== -1; end = bytes.indexOf(0x0a, start)) {
    const document = decodeLine(bytes.toString('utf8', start, end));
    if (document === undefined) break;
    documents.push(document);
    start = end + 1;
  }
  return { documents, intactBytes: start };
}

function checksum(json: string): string {
  return crc32c(json).toString(16).padStart(8, '0');
}
