// Writes to a file-backed store from several concurrent workers and reports every acknowledged
// write (and every delete before it is sent) on stdout until the spec kills it with SIGKILL.
// Arguments: journal file, compaction size.
import { LocalCoordinationStore } from './local-coordination-store';

const [file, compactAfterBytes] = process.argv.slice(2);

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function work(store: LocalCoordinationStore, worker: number): Promise<never> {
  const lease = await store.acquireLease(`lease/w${worker}`, `owner ${worker}`, 600_000);
  report(`lease lease/w${worker} ${lease?.epoch}`);
  for (let i = 0; ; i++) {
    const key = `w${worker}/${i}`;
    await store.compareAndSet(key, `value ${i}`, 0);
    report(`set ${key} value ${i}`);
    const count = await store.increment(`count/w${worker}`);
    report(`inc count/w${worker} ${count}`);
    if (i % 3 === 2) {
      const victim = `w${worker}/${i - 1}`;
      report(`deleting ${victim}`);
      await store.compareAndDelete(victim, 1);
      report(`deleted ${victim}`);
    }
  }
}

async function main(): Promise<void> {
  const store = await LocalCoordinationStore.open({ file, compactAfterBytes: Number(compactAfterBytes) });
  await Promise.all([0, 1, 2, 3].map((worker) => work(store, worker)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
