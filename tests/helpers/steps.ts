/**
 * Step budgets for browser tests. Every wait that can hang runs inside a named step with a budget:
 *
 *   await step("viewer sees the creator's video", 20_000, async () => { ... });
 *
 * A step that runs out of budget fails with its name, well before the test's own timeout (which would
 * say nothing about where it hung). The budgets of one test must add up to less than its timeout, minus
 * a margin for the work between steps and for saving screenshots: a step whose budget does not fit is
 * refused before it runs, so budgets are checked on every run, not only when something hangs. At run
 * time a step also never gets more than what is left of the test's time.
 *
 * tests/helpers/e2e-setup.ts starts the steps of each test (its timeout, its start) and saves every
 * open page's screenshot and console when a step fails.
 */

export type StepFailure = { step: string; error: Error };

export type StepsOptions = {
  /** The test's timeout (Vitest's, per test). */
  timeoutMs: number;
  startedAt?: number;
  /** Kept out of the budgets: the work between steps and saving what a failure leaves. */
  marginMs?: number;
  now?: () => number;
  /** Saves what a failure leaves and returns where (shown in the failure message). */
  onFailure?: (failure: StepFailure) => Promise<string | undefined> | string | undefined;
};

export const DEFAULT_MARGIN_MS = 10_000;

const secs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${+(ms / 1000).toFixed(1)} s`);

export function createSteps(opts: StepsOptions) {
  const now = opts.now ?? Date.now;
  const startedAt = opts.startedAt ?? now();
  const margin = opts.marginMs ?? DEFAULT_MARGIN_MS;
  const available = opts.timeoutMs - margin;
  let allocated = 0;
  let running: string | null = null;
  const done: { name: string; ms: number; budgetMs: number }[] = [];
  const state = { failedStep: null as string | null, artifacts: null as string | null };

  async function fail(name: string, error: Error): Promise<never> {
    state.failedStep = name;
    const where = await Promise.resolve(opts.onFailure?.({ step: name, error })).catch(() => undefined);
    if (where) {
      state.artifacts = where;
      error.message += `\n  screenshots and console: ${where}`;
    }
    throw error;
  }

  async function step<T>(name: string, budgetMs: number, fn: () => Promise<T>): Promise<T> {
    if (running) throw new Error(`step "${name}" was started inside step "${running}": steps do not nest`);
    if (allocated + budgetMs > available)
      throw new Error(
        `step "${name}" asks for ${secs(budgetMs)}, but the steps before it already have ${secs(allocated)} of the ` +
          `${secs(available)} this test's ${secs(opts.timeoutMs)} timeout leaves for steps: lower the budgets or raise the timeout`,
      );
    allocated += budgetMs;
    const left = startedAt + available - now();
    const limit = Math.min(budgetMs, left);
    if (limit <= 0)
      return fail(name, new Error(`step "${name}" did not start: the test's ${secs(opts.timeoutMs)} are used up`));
    running = name;
    const began = now();
    const work = Promise.resolve().then(fn);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              limit < budgetMs
                ? `step "${name}" did not finish in the ${secs(limit)} left of the test's ${secs(opts.timeoutMs)} (its budget: ${secs(budgetMs)})`
                : `step "${name}" did not finish within its ${secs(budgetMs)} budget`,
            ),
          ),
        limit,
      );
    });
    try {
      const value = await Promise.race([work, timeout]);
      done.push({ name, ms: now() - began, budgetMs });
      return value;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      // An error from inside the step (an assertion, a Playwright timeout) keeps its details, named.
      if (!error.message.startsWith(`step "${name}"`)) error.message = `step "${name}" failed: ${error.message}`;
      return await fail(name, error);
    } finally {
      running = null;
      // An abandoned wait that rejects later (when the browser closes) is not a new failure: the race
      // above already handles its rejection.
      clearTimeout(timer);
    }
  }

  return {
    step,
    state,
    /** The steps that finished, with their times (written next to a failure's screenshots). */
    report: () => done.map((d) => `${d.name}: ${secs(d.ms)} of ${secs(d.budgetMs)}`),
    allocatedMs: () => allocated,
  };
}

export type Steps = ReturnType<typeof createSteps>;

let current: Steps | null = null;

/** Called before each test by tests/helpers/e2e-setup.ts. */
export function startSteps(opts: StepsOptions): Steps {
  current = createSteps(opts);
  return current;
}

export function currentSteps(): Steps | null {
  return current;
}

/** Runs `fn` as a named step of the current test, failing with its name after `budgetMs`. */
export function step<T>(name: string, budgetMs: number, fn: () => Promise<T>): Promise<T> {
  if (!current) throw new Error("step() needs tests/helpers/e2e-setup.ts in the project's setupFiles");
  return current.step(name, budgetMs, fn);
}
