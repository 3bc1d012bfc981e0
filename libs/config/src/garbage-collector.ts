import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8 start old-generation marking only when the old generation nears its limit.
 *
 * By default V8 also starts it from a background task as soon as the room left below that limit
 * is no larger than the young generation. A Spate server is in that state most of the time under
 * load: its old generation is small (~20 MB of code and long-lived objects) and a steady stream of
 * requests grows the young generation to its maximum. Under PutRecords load it then ran a full
 * mark-compact every 100–200 ms, each freeing about 1 MB; bench phases that met 3–6 of them cost
 * 17–21 µs of server CPU per record, phases that met none 10–12. Without the task, marking starts
 * at the allocation limit (a few MB of room left) and such a phase meets at most one.
 *
 * The flag is read whenever V8 decides whether to start marking, so setting it at start-up works.
 */
export function tuneGarbageCollector(): void {
  setFlagsFromString('--no-incremental-marking-task');
}
