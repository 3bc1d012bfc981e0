import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('leaves redis:// and rediss:// URLs to node-redis', () => {
    expect(parseRedisUrl('redis://user:secret@cache:6380/2')).toEqual({ url: 'redis://user:secret@cache:6380/2' });
    expect(parseRedisUrl('rediss://cache:6380')).toEqual({ url: 'rediss://cache:6380' });
  });

  it('turns both unix socket spellings into a path, decoding escapes', () => {
    expect(parseRedisUrl('unix:///run/redis/redis.sock')).toEqual({ path: '/run/redis/redis.sock' });
    expect(parseRedisUrl('redis+unix:///tmp/my%20dir/redis.sock')).toEqual({ path: '/tmp/my dir/redis.sock' });
  });

  it('rejects a socket URL with a host or a relative path, and other schemes', () => {
    expect(() => parseRedisUrl('unix://host/tmp/redis.sock')).toThrow(/unix:\/\/\/absolute\/path/);
    expect(() => parseRedisUrl('unix:redis.sock')).toThrow(/unix:\/\/\/absolute\/path/);
    expect(() => parseRedisUrl('http://cache:6379')).toThrow(/redis:\/\/, rediss:\/\/, unix:\/\/ or redis\+unix:\/\//);
  });
});
