/**
 * Headless Chromium for the HTML report checks and screenshots (playwright-core driving Debian's
 * `chromium`; Playwright's own browser download is not used). Flags from
 * /work/.library/env/machines/node.md: no sandbox (root), no GPU, no background networking (the
 * machine's network is closed), a fresh profile (Playwright makes one per launch).
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.LINEAGE_CHROMIUM ?? "/usr/bin/chromium";

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
