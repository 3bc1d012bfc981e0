'use strict';

/** Nearest-rank percentiles of a list of numbers, plus max and mean; undefined fields when empty. */
function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (p) => (n ? sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] : undefined);
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: at(50), p90: at(90), p99: at(99), max: n ? sorted[n - 1] : undefined, mean: n ? sum / n : undefined };
}

const round = (v, digits = 2) => (v === undefined || v === null || Number.isNaN(v) ? v : Number(v.toFixed(digits)));

module.exports = { summarize, round };
