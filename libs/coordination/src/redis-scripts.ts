import { defineScript } from 'redis';

/**
 * The Lua scripts that make each store operation atomic on Redis; see `RedisKeyLayout` for the
 * keys. `listEntries` reads the entries its index names without declaring them as keys, which
 * standalone Redis allows and Redis Cluster does not.
 */
export const redisScripts = {
  casEntry: defineScript({
    NUMBER_OF_KEYS: 2,
    SCRIPT: `
      local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
      if current ~= tonumber(ARGV[2]) then return false end
      redis.call('HSET', KEYS[1], 'value', ARGV[1], 'version', current + 1)
      if current == 0 then redis.call('ZADD', KEYS[2], 0, ARGV[3]) end
      return current + 1`,
    parseCommand(parser, entry: string, index: string, value: string, expectedVersion: number, key: string) {
      parser.pushKeys([entry, index]);
      parser.push(value, String(expectedVersion), key);
    },
    transformReply: (reply: number | null) => reply ?? undefined,
  }),

  cadEntry: defineScript({
    NUMBER_OF_KEYS: 2,
    SCRIPT: `
      local current = redis.call('HGET', KEYS[1], 'version')
      if not current or tonumber(current) ~= tonumber(ARGV[1]) then return 0 end
      redis.call('DEL', KEYS[1])
      redis.call('ZREM', KEYS[2], ARGV[2])
      return 1`,
    parseCommand(parser, entry: string, index: string, expectedVersion: number, key: string) {
      parser.pushKeys([entry, index]);
      parser.push(String(expectedVersion), key);
    },
    transformReply: (reply: number) => reply === 1,
  }),

  incrementEntry: defineScript({
    NUMBER_OF_KEYS: 2,
    SCRIPT: `
      local value = redis.call('HINCRBY', KEYS[1], 'value', 1)
      if redis.call('HINCRBY', KEYS[1], 'version', 1) == 1 then redis.call('ZADD', KEYS[2], 0, ARGV[1]) end
      return value`,
    parseCommand(parser, entry: string, index: string, key: string) {
      parser.pushKeys([entry, index]);
      parser.push(key);
    },
    transformReply: (reply: number) => reply,
  }),

  /** Keys are UTF-8, which never contains the byte 0xFF, so `(<prefix>\xFF` ends the prefix's range. */
  listEntries: defineScript({
    NUMBER_OF_KEYS: 1,
    SCRIPT: `
      local keys = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[1], '(' .. ARGV[1] .. '\\255')
      local result = {}
      for _, key in ipairs(keys) do
        local entry = redis.call('HMGET', ARGV[2] .. key, 'value', 'version')
        table.insert(result, key)
        table.insert(result, entry[1])
        table.insert(result, entry[2])
      end
      return result`,
    parseCommand(parser, index: string, prefix: string, entryPrefix: string) {
      parser.pushKey(index);
      parser.push(prefix, entryPrefix);
    },
    transformReply: (reply: string[]) => reply,
  }),

  acquireLease: defineScript({
    NUMBER_OF_KEYS: 2,
    SCRIPT: `
      if redis.call('EXISTS', KEYS[1]) == 1 then return false end
      local epoch = redis.call('INCR', KEYS[2])
      redis.call('SET', KEYS[1], epoch .. ':' .. ARGV[1], 'PX', ARGV[2])
      return epoch`,
    parseCommand(parser, lease: string, leaseEpoch: string, owner: string, ttlMs: number) {
      parser.pushKeys([lease, leaseEpoch]);
      parser.push(owner, String(ttlMs));
    },
    transformReply: (reply: number | null) => reply ?? undefined,
  }),

  renewLease: defineScript({
    NUMBER_OF_KEYS: 1,
    SCRIPT: `
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
      return redis.call('PEXPIRE', KEYS[1], ARGV[2])`,
    parseCommand(parser, lease: string, holder: string, ttlMs: number) {
      parser.pushKey(lease);
      parser.push(holder, String(ttlMs));
    },
    transformReply: (reply: number) => reply === 1,
  }),

  releaseLease: defineScript({
    NUMBER_OF_KEYS: 1,
    SCRIPT: `
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
      return redis.call('DEL', KEYS[1])`,
    parseCommand(parser, lease: string, holder: string) {
      parser.pushKey(lease);
      parser.push(holder);
    },
    transformReply: (reply: number) => reply === 1,
  }),

  /** The lease key's value (`<epoch>:<owner>`) and the milliseconds it has left; undefined when free. */
  readLease: defineScript({
    NUMBER_OF_KEYS: 1,
    SCRIPT: `
      local holder = redis.call('GET', KEYS[1])
      if not holder then return false end
      return { holder, redis.call('PTTL', KEYS[1]) }`,
    parseCommand(parser, lease: string) {
      parser.pushKey(lease);
    },
    transformReply: (reply: [string, number] | null) => reply ? { holder: reply[0], remainingMs: reply[1] } : undefined,
  }),
};
