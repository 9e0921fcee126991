/**
 * Where the browser tests find Chromium, and where they put their screenshots.
 *
 * The browser tests need Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it). Under CI
 * (`CI` set) a missing browser is a test failure; elsewhere the browser tests are skipped with a
 * loud notice so that `npm test` still runs everything else on a machine without Chromium.
 * Screenshots go to a temporary folder unless `KULLBACK_SCREENSHOTS=1`, which writes them to docs/
 * (that is how docs/playground.png and docs/compare-report.png are refreshed).
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";

/** Command-line flags of every headless Chromium the tests start (quiet, no network side jobs). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const hasChromium = existsSync(CHROMIUM);
export const browserRequired = Boolean(process.env.CI);

/** Under CI, one test that fails when the browser is missing; elsewhere a notice when it is. */
export function requireBrowser(what: string): void {
  if (!hasChromium && !browserRequired) {
    console.warn(
      `\n[${what}] NOTICE: ${CHROMIUM} not found: the browser tests are SKIPPED ` +
        `(install it with: apt-get install -y chromium; under CI they are required)\n`,
    );
  }
  if (browserRequired) {
    it(`headless Chromium is present at ${CHROMIUM} (required when CI is set)`, () => {
      expect(existsSync(CHROMIUM)).toBe(true);
    });
  }
}

/** Folder for screenshots: docs/ when KULLBACK_SCREENSHOTS=1, a fresh temporary folder otherwise. */
export function screenshotDir(): string {
  if (process.env.KULLBACK_SCREENSHOTS === "1") {
    const docs = fileURLToPath(new URL("../docs/", import.meta.url));
    mkdirSync(docs, { recursive: true });
    return docs;
  }
  return mkdtempSync(join(tmpdir(), "kullback-shots-"));
}
