import { describeStream, withTagsAdded, withTagsRemoved } from './tags';
import { failureOf, kinesisFailure } from './testing/kinesis-failure';

describe('tags', () => {
  const orders = describeStream({ name: 'orders', account: '123456789012' });
  const reserved = (key: string) =>
    kinesisFailure('InvalidArgumentException', `Tag key '${key}' is invalid: keys beginning with 'aws:' are reserved for AWS use.`);

  describe('withTagsAdded', () => {
    it.each(['aws:x', 'AWS:x', 'Aws:createdBy', 'aWs:', 'aws:cloudformation:stack-name'])(
      'refuses the reserved key %s in any letter case',
      async (key) => {
        expect(await failureOf(() => withTagsAdded({ team: 'a' }, { ok: 'v', [key]: 'v' }, orders))).toEqual(reserved(key));
      },
    );

    it.each(['aws', 'awsx:y', 'aws-x', 'aws.x', 'my:aws:x', ' aws:x'])(
      'accepts %s, which does not begin with the reserved prefix',
      (key) => {
        expect(withTagsAdded({}, { [key]: 'v' }, orders)).toEqual({ [key]: 'v' });
      },
    );

    it('lets values begin with aws:', () => {
      expect(withTagsAdded({}, { source: 'aws:managed' }, orders)).toEqual({ source: 'aws:managed' });
    });
  });

  describe('withTagsRemoved', () => {
    it('accepts reserved keys, which are simply absent', () => {
      expect(withTagsRemoved({ team: 'a' }, ['aws:x', 'AWS:y'], orders)).toEqual({ team: 'a' });
    });
  });
});
