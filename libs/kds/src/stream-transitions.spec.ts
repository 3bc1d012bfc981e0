import { applyDueTransitions } from './stream-transitions';
import { aConsumerMeta, aStreamMeta } from './testing/stream-meta.fixture';

describe('applyDueTransitions', () => {
  it('returns the very same document when nothing is due', () => {
    const meta = aStreamMeta({ status: 'CREATING', pendingStatus: 'ACTIVE', statusChangeAtMs: 5_000 });
    expect(applyDueTransitions(meta, 4_999)).toBe(meta);
  });

  it('moves a stream to its pending status once the time has come, clearing the pending change', () => {
    const meta = aStreamMeta({ status: 'CREATING', pendingStatus: 'ACTIVE', statusChangeAtMs: 5_000 });
    const next = applyDueTransitions(meta, 5_000);
    expect(next).toEqual(aStreamMeta());
    expect(next).not.toHaveProperty('pendingStatus');
    expect(next).not.toHaveProperty('statusChangeAtMs');
    expect(meta.status).toBe('CREATING');
  });

  it('makes UPDATING ACTIVE when no pending status is recorded', () => {
    const next = applyDueTransitions(aStreamMeta({ status: 'UPDATING', statusChangeAtMs: 10 }), 11);
    expect(next?.status).toBe('ACTIVE');
  });

  it('brings the current warm throughput up to its target when the update ends', () => {
    const meta = aStreamMeta({
      mode: 'ON_DEMAND',
      status: 'UPDATING',
      statusChangeAtMs: 10,
      warmThroughput: { currentMiBps: 0, targetMiBps: 200 },
    });
    expect(applyDueTransitions(meta, 10)?.warmThroughput).toEqual({ currentMiBps: 200, targetMiBps: 200 });
  });

  it('reports a stream whose deletion is due as gone', () => {
    expect(applyDueTransitions(aStreamMeta({ status: 'DELETING', statusChangeAtMs: 10 }), 10)).toBeUndefined();
  });

  it('keeps a DELETING stream until its time', () => {
    const meta = aStreamMeta({ status: 'DELETING', statusChangeAtMs: 10 });
    expect(applyDueTransitions(meta, 9)).toBe(meta);
  });

  it('activates due consumers and drops consumers whose deregistration is due, leaving the others', () => {
    const stream = aStreamMeta();
    const creating = aConsumerMeta(stream, 'creating', { status: 'CREATING', statusChangeAtMs: 10 });
    const leaving = aConsumerMeta(stream, 'leaving', { status: 'DELETING', statusChangeAtMs: 10 });
    const later = aConsumerMeta(stream, 'later', { status: 'CREATING', statusChangeAtMs: 99 });
    const next = applyDueTransitions({ ...stream, consumers: [creating, leaving, later] }, 10);
    expect(next?.consumers.map((c) => [c.name, c.status, c.statusChangeAtMs])).toEqual([
      ['creating', 'ACTIVE', undefined],
      ['later', 'CREATING', 99],
    ]);
  });
});
