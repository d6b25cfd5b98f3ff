/**
 * Guards for typed message channels (the worker's probe processes and scoring thread): a message
 * is one of a channel's kinds when it is an object whose `type` is one of the channel's types.
 * Anything else is rejected with an error that says which channel got what.
 */

/** A guard for the messages of union M; `types` names every one of M's types (the compiler checks none is missing). */
export function messageGuard<M extends { type: string }>(types: Record<M['type'], true>): (value: unknown) => value is M {
  const known = new Set<string>(Object.keys(types));
  return (value: unknown): value is M => typeof value === 'object' && value !== null && known.has((value as { type?: unknown }).type as string);
}

/** "the scoring thread got an unknown message: {"type":"nope"}" — the message abbreviated to 200 characters. */
export function unknownMessageError(channel: string, value: unknown): Error {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return new Error(`${channel} got an unknown message: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
}
