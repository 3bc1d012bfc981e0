import { startAllInOne, tempDataDir } from '@spate/testing';
import { describeKdsSuite } from './kds-suite';

describeKdsSuite('all-in-one', async () => {
  const data = tempDataDir();
  const spate = await startAllInOne(data.dir);
  return {
    endpoint: spate.endpoint,
    stop: async () => {
      await spate.stop();
      data.remove();
    },
  };
});
