/**
 * Regenerates docs/html-report-compare.png from real output: `lineage compare` on the committed zoo
 * pair b-yi vs base-a with --html, the page opened in headless Chromium, the top of the page captured.
 *
 *   npm run screenshot:report
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { launchChromium } from "./chromium.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "docs", "html-report-compare.png");
const dir = await mkdtemp(join(tmpdir(), "lineage-screenshot-"));
try {
  const html = join(dir, "report.html");
  await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "src", "cli", "main.ts"),
      "compare",
      "fixtures/zoo/b-yi",
      "fixtures/zoo/base-a",
      "--html",
      html,
    ],
    { cwd: root, env: { ...process.env, NO_COLOR: "1" } },
  );
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 960, height: 1300 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(html).href);
    await page.screenshot({ path: out, fullPage: false });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
