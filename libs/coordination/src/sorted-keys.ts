import { compareKeys } from './key-order';

/** The keys of the local store in `compareKeys` order, so a prefix is one contiguous run. */
export class SortedKeys {
  private readonly keys: string[] = [];

  add(key: string): void {
    const at = this.lowerBound(key);
    if (this.keys[at] !== key) this.keys.splice(at, 0, key);
  }

  delete(key: string): void {
    const at = this.lowerBound(key);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }

  withPrefix(prefix: string): string[] {
    const found: string[] = [];
    for (let at = this.lowerBound(prefix); at < this.keys.length && this.keys[at].startsWith(prefix); at++) {
      found.push(this.keys[at]);
    }
    return found;
  }

  private lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.keys[middle], key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
