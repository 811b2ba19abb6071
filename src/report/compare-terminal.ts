/** Terminal rendering of a CompareResult: verdict line, p-value and its test, sentences, changes, evidence. */
import pc from "picocolors";
import { formatLog10P } from "../compare/p-value-text.js";
import type { CompareResult, EvidenceItem, Verdict } from "../compare/result.js";

const COLOURS: Record<Verdict, (text: string) => string> = {
  identical: pc.red,
  "same-weights": pc.red,
  derived: pc.yellow,
  inconclusive: pc.cyan,
  "architecture-only": pc.green,
  unrelated: pc.green,
};

const number = (x: number) =>
  Number.isInteger(x)
    ? x.toLocaleString("en-US")
    : Math.abs(x) >= 0.001 || x === 0
      ? x.toFixed(3)
      : x.toExponential(1);
const pText = (item: EvidenceItem) =>
  formatLog10P(item.pValueLog10 ?? Math.log10(Math.max(item.pValue ?? 1, Number.MIN_VALUE)));

export function renderCompare(result: CompareResult): string[] {
  const lines: string[] = [];
  lines.push(
    `${pc.bold(result.suspect)} vs ${pc.bold(result.reference)}: ${pc.bold(COLOURS[result.verdict](result.verdict))}${result.tags.length ? `  [${result.tags.join(", ")}]` : ""}`,
  );
  lines.push(
    `p-value ${formatLog10P(result.pValueLog10)} (${result.test.name}${result.test.fittedOn === undefined ? "" : `, fitted null from ${result.test.fittedOn} pairs`})${result.zScore === null ? "" : `, ${result.zScore.toFixed(1)} SD from the null`}`,
  );
  lines.push("");
  for (const sentence of result.summary) lines.push(sentence);
  const c = result.changes;
  const facts: string[] = [];
  if (c.unchangedShare !== null) {
    const parts = c.components.map((k) => `${k.component} ${(100 * k.unchangedShare).toFixed(1)}%`);
    facts.push(`unchanged parameters ${(100 * c.unchangedShare).toFixed(1)}% (${parts.join(", ")})`);
  }
  if (c.vocabulary !== null)
    facts.push(
      `vocabulary kept ${c.vocabulary.kept}, added ${c.vocabulary.added}, removed ${c.vocabulary.removed}, moved ${c.vocabulary.reordered}`,
    );
  if (c.renamedTensors.length > 0)
    facts.push(
      `renamed tensors ${c.renamedTensors.length} (${c.renamedTensors[0]!.from} → ${c.renamedTensors[0]!.to}, …)`,
    );
  if (facts.length > 0) lines.push("", ...facts);
  if (c.layerMapping.length > 0) {
    lines.push("", pc.dim("layer  ref  same-index units"));
    for (const m of c.layerMapping)
      lines.push(
        `${String(m.suspectLayer).padStart(5)}  ${String(m.referenceLayer ?? "–").padStart(3)}  ${(100 * m.similarity).toFixed(1).padStart(15)}%`,
      );
  }
  lines.push("");
  for (const item of result.evidence)
    lines.push(
      `${pc.dim(`${item.component}:`)} ${item.statistic} = ${typeof item.value === "number" ? number(item.value) : item.value}${item.pValue === undefined ? "" : ` (p ${pText(item)})`} — ${item.note}`,
    );
  for (const warning of result.warnings) lines.push(pc.yellow(`warning: ${warning}`));
  const share =
    result.timing.bytesTotal > 0
      ? ` (${((100 * result.timing.bytesRead) / result.timing.bytesTotal).toFixed(1)}% of both files)`
      : "";
  lines.push(
    pc.dim(
      `${result.timing.seconds.toFixed(2)} s, ${(result.timing.bytesRead / 1e6).toFixed(1)} MB read${share}`,
    ),
  );
  return lines;
}
