type Handler = (message: string) => void;

/**
 * Channels within one process. Handlers run in a later microtask, never inside `publish`, as they
 * would with Redis; a handler must not throw.
 */
export class LocalPubSub {
  private readonly channels = new Map<string, Set<Handler>>();

  publish(channel: string, message: string): void {
    for (const handler of this.channels.get(channel) ?? []) queueMicrotask(() => handler(message));
  }

  /** Returns the unsubscribe function. Subscribing one function twice delivers to it twice. */
  subscribe(channel: string, handler: Handler): () => void {
    const subscription: Handler = (message) => handler(message);
    const handlers = this.channels.get(channel) ?? new Set<Handler>();
    this.channels.set(channel, handlers.add(subscription));
    return () => {
      handlers.delete(subscription);
      if (handlers.size === 0 && this.channels.get(channel) === handlers) this.channels.delete(channel);
    };
  }

  clear(): void {
    this.channels.clear();
  }
}
