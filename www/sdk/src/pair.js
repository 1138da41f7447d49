// www/sdk/src/pair.js: turns a candidate build and its base take in one page, so both are measured in
// the same stretches of one browser session. A side's turn ends where its engine yields (between timed
// batches, ~every 100 ms); the order of turns is the collector's (Rust's `scenarios::paired::abba`),
// passed in as a repeating pattern. Each turn's end is logged with the engine's own report (probe,
// phase, attempt, done), so the collector can pair the samples of adjacent turns.

/** @import { Phase, Probe } from './wire.js' */

import { yieldToEventLoop } from './pause.js';

/** @typedef {'base' | 'candidate'} Side */

/**
 * The end of one turn: the side, and where its engine was (its report at that yield).
 * @typedef {{ side: Side, probe?: Probe, phase?: Phase, attempt?: number, done: number, seed?: number }} TurnEnd
 */

/** Hands the page to one side at a time, in the pattern's order, skipping a side that finished. */
export class Turns {
  /** @type {Map<Side, () => void>} */
  #waiting = new Map();
  /** @type {Set<Side>} */
  #finished = new Set();
  #slot = 0;
  /** @type {TurnEnd[]} */
  log = [];

  /** @param {readonly Side[]} pattern e.g. base, candidate, candidate, base */
  constructor(pattern) {
    if (pattern.length === 0 || !pattern.includes('base') || !pattern.includes('candidate')) {
      throw new Error(`a pairing pattern needs both sides, got [${pattern.join(', ')}]`);
    }
    this.pattern = pattern;
  }

  /** Whose turn it is (a finished side's slots are skipped), or null when both finished. */
  #owner() {
    for (let k = 0; k < this.pattern.length; k++) {
      const side = /** @type {Side} */ (this.pattern[this.#slot % this.pattern.length]);
      if (!this.#finished.has(side)) return side;
      this.#slot += 1;
    }
    return null;
  }

  #wake() {
    const owner = this.#owner();
    const resume = owner && this.#waiting.get(owner);
    if (owner && resume) {
      this.#waiting.delete(owner);
      resume();
    }
  }

  /**
   * Resolves when it is `side`'s turn.
   * @param {Side} side
   * @returns {Promise<void>}
   */
  wait(side) {
    return new Promise((resolve) => {
      this.#waiting.set(side, resolve);
      this.#wake();
    });
  }

  /**
   * `side` ended its turn at a yield (`report` is its engine's progress there): logs it, lets the
   * event loop run, and resolves when it is `side`'s turn again.
   * @param {Side} side
   * @param {Omit<TurnEnd, 'side'>} report
   * @returns {Promise<void>}
   */
  async ended(side, report) {
    this.log.push({ side, ...report });
    this.#slot += 1;
    await yieldToEventLoop();
    await this.wait(side);
  }

  /** `side` has no more turns to take. @param {Side} side */
  finish(side) {
    this.#finished.add(side);
    this.#wake();
  }
}

/** The ABBA pattern's sides, checked (the collector sends it). @param {unknown} pattern @returns {Side[]} */
export function checkPattern(pattern) {
  if (!Array.isArray(pattern) || !pattern.every((s) => s === 'base' || s === 'candidate')) {
    throw new Error(`a pairing pattern is a list of "base" and "candidate", got ${JSON.stringify(pattern)}`);
  }
  return pattern;
}
