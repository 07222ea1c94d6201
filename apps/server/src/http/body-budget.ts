import type { ServerResponse } from 'node:http';

export const BODIES_BUSY_MESSAGE = 'The server is receiving too many request bodies at once; retry later.';

/** One request's share of the budget: bytes are taken as they are read and given back when its response closes. */
export interface BodyClaim {
  /** False when `bytes` more would overrun the budget while other requests hold some of it. */
  take(bytes: number): boolean;
}

/**
 * Bounds the bytes of request bodies held in memory at once, across every request. Each body limit bounds
 * one request; without this, many authenticated clients sending large bodies together would hold them all
 * (and their parsed forms, a few times larger) at once. A body is held until its response closes, because
 * the parsed records live that long. A request that holds everything there is may always continue, so a
 * body within its own limit is never refused on a quiet server, whatever the budget.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  claim(res: ServerResponse): BodyClaim {
    let mine = 0;
    let open = true;
    res.once('close', () => {
      open = false;
      this.held -= mine;
      mine = 0;
    });
    return {
      take: (bytes) => {
        // The response already closed: nothing is left to answer, and nothing may stay held.
        if (!open) return false;
        if (this.held + bytes > this.maxBytes && this.held > mine) return false;
        this.held += bytes;
        mine += bytes;
        return true;
      },
    };
  }
}
