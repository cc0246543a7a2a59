import type { Logger } from "pino";

/**
 * Runs a handler so that a malformed payload (a field GitHub always sends is missing) is logged and
 * answered 2xx instead of failing the delivery with a 500 and an exception in the server.
 */
export function safely<C extends { id: string; name: string; log: Logger }>(handler: (context: C) => void) {
  return async (context: C): Promise<void> => {
    try {
      handler(context);
    } catch (error) {
      context.log.warn({ delivery: context.id, event: context.name, err: error }, "malformed webhook payload ignored");
    }
  };
}
