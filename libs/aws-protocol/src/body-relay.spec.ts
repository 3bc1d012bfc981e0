import { BodyRelay, type BodySink } from './body-relay';

function recorder(): BodySink & { events: string[] } {
  const events: string[] = [];
  return { events, data: (chunk) => events.push(`data ${chunk.toString()}`), end: () => events.push('end'), abort: () => events.push('abort') };
}

describe('BodyRelay', () => {
  it('keeps what arrives before a sink is attached and hands it over in order', () => {
    const relay = new BodyRelay();
    relay.data(Buffer.from('a'));
    relay.data(Buffer.from('b'));
    const sink = recorder();
    relay.attach(sink);
    relay.data(Buffer.from('c'));
    relay.end();
    relay.abort();
    expect(sink.events).toEqual(['data a', 'data b', 'data c', 'end']);
    expect(relay.complete).toBe(true);
  });

  it('tells a sink attached after the client went away, and only once', () => {
    const relay = new BodyRelay();
    relay.data(Buffer.from('a'));
    relay.abort();
    relay.end();
    const sink = recorder();
    relay.attach(sink);
    expect(sink.events).toEqual(['data a', 'abort']);
    expect(relay.complete).toBe(false);
  });

  it('counts what arrives once dropped, and delivers none of it', () => {
    const relay = new BodyRelay();
    const sink = recorder();
    relay.attach(sink);
    relay.data(Buffer.from('kept'));
    relay.drop();
    relay.data(Buffer.from('12345'));
    relay.data(Buffer.from('678'));
    relay.end();
    expect(sink.events).toEqual(['data kept']);
    expect([relay.dropping, relay.dropped, relay.complete]).toEqual([true, 8, true]);
  });
});
