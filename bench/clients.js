'use strict';
// Client variants by name: lean-h1, lean-h2, sdk-h1, sdk-h2, sdk-default.
const { LeanKinesisClient } = require('./lean-client');
const { SdkKinesisClient } = require('./sdk-client');

const VARIANTS = {
  'lean-h1': { protocol: 'h1', describe: 'lean JSON client, keep-alive HTTP/1.1 agent' },
  'lean-h2': { protocol: 'h2', describe: "lean JSON client, one cleartext HTTP/2 connection framed by the harness itself (bench/h2-session.js), not by Node's http2" },
  'sdk-h1': { protocol: 'h1', describe: 'AWS SDK v3, NodeHttpHandler with a keep-alive agent' },
  'sdk-h2': { protocol: 'h2', describe: 'AWS SDK v3, NodeHttp2Handler sharing one session' },
  'sdk-default': { protocol: 'h2', describe: "AWS SDK v3 Kinesis default handler (a new HTTP/2 connection per call)" },
};

function variantInfo(name) {
  const info = VARIANTS[name];
  if (!info) throw new Error(`unknown client variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
  return info;
}

/** Variants from `names` that `server` can speak, in order. */
function supportedVariants(names, server) {
  return names.filter((n) => server.protocols.includes(variantInfo(n).protocol));
}

function createClient(name, endpoint, { maxSockets = 64, timeoutMs = 30_000 } = {}) {
  const info = variantInfo(name);
  if (name.startsWith('lean-')) return new LeanKinesisClient(endpoint, { protocol: info.protocol, maxSockets, timeoutMs });
  return new SdkKinesisClient(endpoint, { mode: name.slice('sdk-'.length), maxSockets, timeoutMs });
}

module.exports = { VARIANTS, variantInfo, supportedVariants, createClient };
