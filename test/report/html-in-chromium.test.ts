/**
 * The HTML report as a reader sees it: one real `lineage compare --json --html` run, the page opened in
 * headless Chromium, and every figure the page shows (headline, layer table, chart dots read back from
 * their drawn position against the axis ticks, vocabulary bar) compared with the JSON of the same run,
 * and with the terminal output of the same pair; likewise the probe page's tokenizer agreements and
 * translation badge against its report. Skips when Chromium is absent outside CI.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { chromiumAvailable, launchChromium } from "../../scripts/chromium.js";
import type { CompareResult } from "../../src/compare/result.js";
import { OpenAiClient } from "../../src/probe/client/openai.js";
import { runProbe } from "../../src/probe/run.js";
import { defaultReferenceTable } from "../../src/probe/tokenizer/default-table.js";
import { renderProbeHtml } from "../../src/report/html/probe-html.js";
import { renderProbeTerminal } from "../../src/report/probe-terminal.js";
import { fixture, runLineage } from "../helpers.js";
import { honestBrain } from "../probe/brains.js";
import { liveCounter } from "../probe/live.js";
import { startOpenAiServer } from "../probe/servers.js";

const available = chromiumAvailable();
if (!available && process.env.CI) throw new Error("CI must install chromium (.ci/run does)");
const skip = available ? false : "chromium is not installed (/usr/bin/chromium)";
let browser: Browser | undefined;
before(async () => {
  if (available) browser = await launchChromium();
});
after(() => browser?.close());

/** A displayed p-value read back: `< 1e-300` → bound, `3.2e-9` / `0.32` → value with its rounding. */
function readP(text: string): { upper: number; lower: number } {
  const bound = /^< (\S+)$/.exec(text);
  if (bound) return { upper: Number(bound[1]), lower: 0 };
  const value = Number(text);
  assert.ok(Number.isFinite(value), `a number: ${text}`);
  const [mantissa, exponent] = text.split("e");
  const decimals = (mantissa!.split(".")[1] ?? "").length;
  const half = 0.5 * 10 ** (-decimals + (exponent === undefined ? 0 : Number(exponent)));
  return { upper: value + half, lower: value - half };
}

function assertShows(text: string, value: number, what: string): void {
  const { lower, upper } = readP(text.trim());
  assert.ok(
    value >= lower - 1e-12 && value <= upper + 1e-12,
    `${what}: page shows ${text}, JSON has ${value}`,
  );
}

test("the compare page shows the figures of the JSON of the same run", { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-chromium-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const htmlPath = join(dir, "report.html");
  const pair = [fixture("zoo", "b-yi"), fixture("zoo", "base-a")];
  const [run, terminal] = await Promise.all([
    runLineage(["compare", ...pair, "--json", "--html", htmlPath]),
    runLineage(["compare", ...pair]),
  ]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as CompareResult;
  const page = await browser!.newPage({ viewport: { width: 1000, height: 1400 } });
  try {
    await page.goto(pathToFileURL(htmlPath).href);

    // Headline.
    assert.equal((await page.textContent('[data-figure="verdict"]'))?.trim(), result.verdict);
    const pText = (await page.textContent('[data-figure="pValue"]'))!.trim();
    assertShows(pText, result.pValue!, "headline p-value");
    assert.match(
      terminal.stdout,
      new RegExp(`p-value under independence ${pText.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
    if (result.zScore !== null) {
      const z = Number((await page.textContent('[data-figure="zScore"]'))!.trim());
      assert.ok(Math.abs(z - result.zScore) <= 0.05, `z ${z} vs ${result.zScore}`);
    }
    if (result.changes.unchangedShare !== null) {
      const shown = (await page.textContent('[data-figure="unchangedShare"]'))!.trim();
      const percent = Number(/[\d.]+/.exec(shown)![0]);
      const share = 100 * result.changes.unchangedShare;
      // "< 0.1%" and "> 99.9%" are bounds, the rest a figure to one decimal.
      if (shown.startsWith("<")) assert.ok(share > 0 && share < percent, shown);
      else if (shown.startsWith(">")) assert.ok(share < 100 && share > percent, shown);
      else assert.ok(Math.abs(percent - share) <= 0.05 + 1e-9, `${shown}`);
    }

    // Layer table: the JSON's per-layer evidence, value and p-value, row for row.
    const layers = result.evidence
      .filter((item) => /^layer \d+$/.test(item.component) && typeof item.value === "number")
      .map((item) => ({
        layer: Number(item.component.slice(6)),
        value: item.value as number,
        p: item.pValue,
      }));
    assert.ok(layers.length > 0, "the run has per-layer evidence");
    const rows = await page.$$eval("table.layers tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
    );
    assert.equal(rows.length, layers.length);
    rows.forEach((row, i) => {
      assert.equal(Number(row[0]), layers[i]!.layer);
      assert.ok(
        Math.abs(Number(row[2]) - layers[i]!.value) <= 0.0005 + 1e-12,
        `layer ${row[0]} value ${row[2]}`,
      );
      if (layers[i]!.p !== undefined) assertShows(row[3]!, layers[i]!.p!, `layer ${row[0]} p-value`);
      // The terminal's table row for this layer shows the same two strings.
      assert.match(
        terminal.stdout,
        new RegExp(
          `^\\s*${row[0]}\\s+\\S+\\s+${row[2]!.replace(".", "\\.")}\\s+${row[3]!.replace(/[.+]/g, "\\$&")}$`,
          "m",
        ),
      );
    });

    // Chart: read each dot's value back from its drawn position, against the drawn tick labels.
    const chart = page.locator("svg.chart").first();
    const ticks = await chart.locator("text.y-tick").evaluateAll((nodes) =>
      nodes.map((n) => {
        const box = (
          n as unknown as { getBoundingClientRect(): { top: number; height: number } }
        ).getBoundingClientRect();
        return { value: Number(n.textContent), y: box.top + box.height / 2 };
      }),
    );
    assert.ok(ticks.length >= 3);
    for (const t of ticks)
      assert.ok(
        Math.abs(t.value * 4 - Math.round(t.value * 4)) < 1e-9 ||
          Math.abs(t.value * 10 - Math.round(t.value * 10)) < 1e-9,
        `round tick ${t.value}`,
      );
    const [top, bottom] = [ticks.at(-1)!, ticks[0]!];
    const perPixel = (top.value - bottom.value) / (top.y - bottom.y);
    const dots = await chart.locator("circle.dot").evaluateAll((nodes) =>
      nodes.map((n) => {
        const box = (
          n as unknown as { getBoundingClientRect(): { top: number; height: number } }
        ).getBoundingClientRect();
        return box.top + box.height / 2;
      }),
    );
    assert.equal(dots.length, layers.length, "one dot per table row");
    dots.forEach((y, i) => {
      const drawn = bottom.value + (y - bottom.y) * perPixel;
      assert.ok(
        Math.abs(drawn - layers[i]!.value) <= Math.abs(perPixel) * 2,
        `dot ${i}: drawn ${drawn}, JSON ${layers[i]!.value}`,
      );
    });

    // Vocabulary: the legend's counts are the JSON's parts, and the bar is never wider than the union.
    const vocabulary = result.changes.vocabulary;
    if (vocabulary !== null) {
      const legend = await page.locator("text.legend").allTextContents();
      const count = (label: string) =>
        Number(
          legend
            .find((t) => t.startsWith(label))!
            .split(": ")[1]!
            .replace(/,/g, ""),
        );
      assert.equal(count("shared, same id"), vocabulary.kept - vocabulary.reordered);
      assert.equal(count("shared, other id"), vocabulary.reordered);
      assert.equal(count("only in the suspect"), vocabulary.added);
      assert.equal(count("only in the reference"), vocabulary.removed);
    }
  } finally {
    await page.close();
  }
});

test("the probe page shows the JSON's tokenizer agreements and translation status", { skip }, async () => {
  const server = await startOpenAiServer({
    counter: await liveCounter("o200k"),
    brain: honestBrain("I am Qwen, made by Alibaba Cloud.", "我是通义千问，由阿里云开发。"),
  });
  const dir = await mkdtemp(join(tmpdir(), "lineage-chromium-probe-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const htmlPath = join(dir, "probe.html");
  try {
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", timeoutMs: 5000, retries: 1 });
    const report = await runProbe({
      client,
      baseUrl: server.url,
      model: "m",
      reference: defaultReferenceTable(),
      probes: ["tokenizer", "translation"],
    });
    await writeFile(htmlPath, renderProbeHtml(report));
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    const page = await browser!.newPage();
    try {
      await page.goto(pathToFileURL(htmlPath).href);
      const bars = await page.locator("svg.chart").first().locator("text").allTextContents();
      const terminal = renderProbeTerminal(report).join("\n");
      for (const candidate of json.tokenizer!.candidates.slice(0, 14)) {
        const at = bars.indexOf(candidate.family);
        assert.ok(at >= 0, `${candidate.family} charted`);
        const shown = bars[at + 1]!;
        const [percent, matched, compared] = /^([\d.]+)% \((\d+)\/(\d+)\)$/.exec(shown)!.slice(1).map(Number);
        assert.ok(Math.abs(percent! / 100 - candidate.agreement) <= 0.0005, `${candidate.family}: ${shown}`);
        assert.deepEqual([matched, compared], [candidate.matchedUnits, candidate.comparedUnits]);
        assert.ok(terminal.includes(`${shown}`), `terminal shows ${shown} too`);
      }
      const badge = (
        await page.locator("h2:text('Hidden translation layer') + p .badge").textContent()
      )?.trim();
      assert.equal(badge, json.translationLayer!.status);
    } finally {
      await page.close();
    }
  } finally {
    await server.close();
  }
});
