import axe from "axe-core";
import type { Page } from "playwright-core";

export type A11yFinding = { page: string; rule: string; impact: string; help: string; nodes: string[] };

/**
 * Runs axe-core in the page (every rule axe runs by default: WCAG 2.x A and AA, and its best practices)
 * and returns what it found, each with the rule id and the nodes (selector and why), named after `label`.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function axeFindings(page: Page, label: string): Promise<A11yFinding[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!loaded) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const result = await a.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ") ?? ""}`),
    }));
  });
  return violations.map((v) => ({ page: label, rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes }));
}

/** Every finding in words, one block per page and rule: the message of a failing assertion. */
export function describeFindings(findings: A11yFinding[]) {
  return findings
    .map((f) => `${f.page}: ${f.rule} (${f.impact}) ${f.help}\n${f.nodes.map((n) => `    ${n}`).join("\n")}`)
    .join("\n");
}
