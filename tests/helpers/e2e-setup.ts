/**
 * Setup of the e2e project: each test's steps draw from its timeout (./steps), and any failure (a step,
 * an assertion between steps, Vitest's own timeout) leaves a screenshot of every open page and every
 * page's console in test-results/<file>--<test>/, named in the failure message.
 */
import { afterEach, beforeEach } from "vitest";
import { failureDir, forgetClosedPages, saveFailureArtifacts } from "./browser";
import { currentSteps, startSteps } from "./steps";

let dir = "";

beforeEach(({ task }) => {
  forgetClosedPages();
  dir = failureDir(task.file.name, task.name);
  const steps = startSteps({
    timeoutMs: task.timeout,
    onFailure: ({ step, error }) =>
      saveFailureArtifacts(dir, { test: task.fullName, step, error, steps: steps.report() }),
  });
});

afterEach(async ({ task }) => {
  const steps = currentSteps();
  const result = task.result;
  // BOOTH_STEP_TIMES=1 npm test -- --project e2e: each step's time against its budget, to tune budgets.
  if (process.env.BOOTH_STEP_TIMES && steps) console.log(`${task.name}\n  ${steps.report().join("\n  ")}`);
  if (result?.state !== "fail" || !steps || steps.state.artifacts) return;
  // A failure outside any step, or Vitest's timeout: the pages are still open (browsers close in afterAll).
  const error = result.errors?.[0];
  await saveFailureArtifacts(dir, {
    test: task.fullName,
    step: steps.state.failedStep,
    error: error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : undefined,
    steps: steps.report(),
  });
  if (error) error.message += `\n  screenshots and console: ${dir}`;
}, 30_000);
