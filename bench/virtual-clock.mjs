/**
 * Simulated time for a bench: while installed, performance.now(), setTimeout and clearTimeout are
 * the clock's, and time moves only when everything that can run at the present instant has run
 * (promise chains, async generators, callbacks). Then it jumps to the next timer. A minute of speech
 * with its modelled GPU work takes a fraction of a second, and every run gives the same figures.
 *
 * Code under test needs no change: it reads performance.now() and sets timers as usual. What it
 * must not do is wait on real I/O or on real macrotasks of its own (MessageChannel, setImmediate):
 * those still run, but on real time, and a wait on them never ends the clock's idle check.
 */

/** Real macrotask turns taken at each instant before time may move on. */
const SETTLE_TURNS = 3;

export class VirtualClock {
  /** Milliseconds, like performance.now(). Starts well above 0 so a stamp of 0 stands out as unset. */
  now = 100_000;
  #timers = [];
  #nextId = 1;
  #real;

  install() {
    if (this.#real) return this;
    this.#real = {
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setImmediate: globalThis.setImmediate,
      now: performance.now,
    };
    globalThis.setTimeout = (callback, ms = 0, ...args) => this.#schedule(() => callback(...args), ms);
    globalThis.clearTimeout = (id) => {
      this.#timers = this.#timers.filter((timer) => timer.id !== id);
    };
    performance.now = () => this.now;
    return this;
  }

  uninstall() {
    if (!this.#real) return;
    globalThis.setTimeout = this.#real.setTimeout;
    globalThis.clearTimeout = this.#real.clearTimeout;
    performance.now = this.#real.now;
    this.#real = undefined;
  }

  /** A promise that resolves `ms` of simulated time from now. */
  sleep(ms) {
    return new Promise((resolve) => this.#schedule(resolve, ms));
  }

  /** Call `callback` at simulated time `at` (or now, if that has passed). */
  at(at, callback) {
    return this.#schedule(callback, at - this.now);
  }

  /**
   * Run until nothing is left to do: no timer set, and nothing running. Returns the simulated time
   * it ended at. `limitMs` guards against a loop that keeps setting timers for ever.
   */
  async run({ limitMs = 24 * 3600_000 } = {}) {
    const stopAt = this.now + limitMs;
    for (;;) {
      await this.#settle();
      const next = this.#timers.reduce((soonest, timer) => (!soonest || timer.at < soonest.at || (timer.at === soonest.at && timer.id < soonest.id) ? timer : soonest), undefined);
      if (!next) return this.now;
      if (next.at > stopAt) throw new Error(`The simulation was still setting timers ${limitMs} ms in: a loop that never ends?`);
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.now = Math.max(this.now, next.at);
      next.callback();
    }
  }

  #schedule(callback, ms) {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.now + Math.max(0, Number(ms) || 0), callback });
    return id;
  }

  async #settle() {
    for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise((resolve) => this.#real.setImmediate(resolve));
  }
}
