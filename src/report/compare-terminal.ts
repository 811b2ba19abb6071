/** Terminal rendering of a CompareResult: verdict line, what changed, p-value, per-layer table. */
import pc from "picocolors";
import type { CompareResult, Verdict } from "../compare/result.js";
import {
  headlineFigures,
  layerRows,
  layerStatistic,
  pValueText,
  vocabularyLine,
  vocabularyParts,
} from "./compare-figures.js";
import { formatBytes, formatSeconds, formatSimilarity } from "./format.js";

const COLOURS: Partial<Record<Verdict, (text: string) => string>> = {
  identical: pc.red,
  "same-weights": pc.red,
  derived: pc.yellow,
  inconclusive: pc.cyan,
  "architecture-only": pc.green,
  unrelated: pc.green,
};

export function renderCompare(result: CompareResult): string[] {
  const lines: string[] = [];
  const head = headlineFigures(result);
  const colour = COLOURS[result.verdict] ?? ((text: string) => text);
  lines.push(
    `${pc.bold(result.suspect)} vs ${pc.bold(result.reference)}: ${pc.bold(colour(result.verdict))}${result.tags.length ? `  [${result.tags.join(", ")}]` : ""}`,
  );
  if (result.test.name === "none" || result.pValue === null)
    lines.push(`no p-value (${result.test.nullHypothesis})`);
  else
    lines.push(
      `p-value under independence ${head.pValue} (${result.test.name}${result.test.fittedOn === undefined ? "" : `, fitted null from ${result.test.fittedOn} pairs`})${result.zScore === null ? "" : `, ${head.zScore} SD from the null`}`,
    );
  const reason = (result as { reason?: unknown }).reason;
  if (typeof reason === "string" && reason !== "") lines.push(`why: ${reason}`);
  lines.push("");
  for (const sentence of result.summary) lines.push(sentence);
  const c = result.changes;
  const facts: string[] = [];
  if (head.unchanged !== null) facts.push(`unchanged parameters ${head.unchanged}`);
  const vocabulary = vocabularyParts(result);
  if (vocabulary !== null) facts.push(`vocabulary: ${vocabularyLine(vocabulary)}`);
  if (c.renamedTensors.length > 0)
    facts.push(
      `renamed tensors ${c.renamedTensors.length} (${c.renamedTensors[0]!.from} → ${c.renamedTensors[0]!.to}, …)`,
    );
  if (facts.length > 0) lines.push("", ...facts);
  const rows = layerRows(result);
  const layerComponents = new Set(rows.map((row) => `layer ${row.layer}`));
  if (rows.length > 0) {
    const statistic = layerStatistic(rows);
    const width = Math.max(11, statistic.length);
    lines.push("", pc.dim(`layer  ref  ${statistic.padStart(width)}   p-value`));
    for (const row of rows) {
      lines.push(
        `${String(row.layer).padStart(5)}  ${String(row.referenceLayer ?? "–").padStart(3)}  ${formatSimilarity(row.value).padStart(width)}  ${pValueText(row).padStart(8)}`,
      );
    }
  }
  const others = result.evidence.filter((item) => !layerComponents.has(item.component));
  lines.push("");
  for (const item of others) {
    const p = item.pValue === undefined ? "" : `, p ${pValueText(item)}`;
    lines.push(`${pc.dim(`${item.component}:`)} ${item.statistic} = ${item.value}${p} (${item.note})`);
  }
  for (const warning of result.warnings) lines.push(pc.yellow(`warning: ${warning}`));
  lines.push(pc.dim(`${formatSeconds(result.timing.seconds)}, ${formatBytes(result.timing.bytesRead)} read`));
  return lines;
}
