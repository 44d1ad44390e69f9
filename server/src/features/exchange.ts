/**
 * What every feature layer (strategy.ts) does to the exchange it gets back from the answer
 * inside it, kept in one place: wait for it only if it is not already there, add a line the
 * trace prints, add or replace reply fields. Exchanges and replies are values: a layer makes
 * new ones, never changes what it was given (the fast path hands out prepared ones).
 */
import type { Answer, Exchange } from '../handle-request';
import type { FieldList, Reply } from '../http/message';

export type Answered = ReturnType<Answer>;

/**
 * `then` applied to the exchange when it comes: at once if it is already there, so that a
 * reply the fast path has ready is still written in the same turn of the event loop (a promise
 * would cost a trip through the microtask queue: fast/answer-at-once.ts).
 */
export function after(answered: Answered, then: (exchange: Exchange) => Answered): Answered {
  return answered instanceof Promise ? answered.then(then) : then(answered);
}

/** The same exchange, with one more line for the trace. */
export function noted(exchange: Exchange, note: string): Exchange {
  const { steps } = exchange;
  return { ...exchange, steps: { ...steps, notes: [...(steps.notes ?? []), note] } };
}

/** The reply with `fields` added after its own. */
export function withFields(reply: Reply, fields: FieldList): Reply {
  return { ...reply, fields: [...reply.fields, ...fields] };
}

/** The reply with its fields named in `names` (lower case) taken out, and `fields` added after the rest. */
export function replacingFields(reply: Reply, names: ReadonlySet<string>, fields: FieldList): Reply {
  return {
    ...reply,
    fields: [...reply.fields.filter(([name]) => !names.has(name.toLowerCase())), ...fields],
  };
}
