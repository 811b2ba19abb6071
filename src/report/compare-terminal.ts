/** Terminal rendering of a CompareResult: verdict line, what changed, p-value, per-layer table. */
import pc from "picocolors";
import type { CompareResult, Verdict } from "../compare/result.js";

const COLOURS: Record<Verdict, (text: string) => string> = {
  identical: pc.red,
  "same-weights": pc.red,
  derived: pc.yellow,
  "architecture-only": pc.green,
  unrelated: pc.green,
};

const pText = (p: number, digits: number) => (p < 1e-290 ? "< 1e-290" : p.toExponential(digits));
const number = (x: number) => (Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : x.toExponential(1));

export function renderCompare(result: CompareResult): string[] {
  const lines: string[] = [];
  lines.push(
    `${pc.bold(result.suspect)} vs ${pc.bold(result.reference)}: ${pc.bold(COLOURS[result.verdict](result.verdict))}${result.tags.length ? `  [${result.tags.join(", ")}]` : ""}`,
  );
  lines.push(
    `p-value under independence ${pText(result.pValue, 2)}${result.zScore === null ? "" : `, ${result.zScore.toFixed(1)} SD from the null`}`,
  );
  lines.push("");
  for (const sentence of result.summary) lines.push(sentence);
  const c = result.changes;
  const facts: string[] = [];
  if (c.unchangedShare !== null) facts.push(`unchanged parameters ${(100 * c.unchangedShare).toFixed(1)}%`);
  if (c.vocabulary !== null)
    facts.push(
      `vocabulary kept ${c.vocabulary.kept}, added ${c.vocabulary.added}, removed ${c.vocabulary.removed}, moved ${c.vocabulary.reordered}`,
    );
  if (c.renamedTensors.length > 0)
    facts.push(
      `renamed tensors ${c.renamedTensors.length} (${c.renamedTensors[0]!.from} → ${c.renamedTensors[0]!.to}, …)`,
    );
  if (facts.length > 0) lines.push("", ...facts);
  const layers = result.evidence.filter((item) => item.component.startsWith("layer "));
  if (layers.length > 0) {
    lines.push("", pc.dim("layer  ref  aligned CKA   p-value"));
    for (const item of layers) {
      const ref = /reference layer (\d+)/.exec(item.note)?.[1] ?? "–";
      lines.push(
        `${item.component.slice(6).padStart(5)}  ${ref.padStart(3)}  ${number(Number(item.value)).padStart(11)}  ${pText(item.pValue ?? 1, 1).padStart(8)}`,
      );
    }
  }
  const others = result.evidence.filter((item) => !item.component.startsWith("layer "));
  lines.push("");
  for (const item of others)
    lines.push(`${pc.dim(`${item.component}:`)} ${item.statistic} = ${item.value} (${item.note})`);
  for (const warning of result.warnings) lines.push(pc.yellow(`warning: ${warning}`));
  lines.push(
    pc.dim(`${result.timing.seconds.toFixed(2)} s, ${(result.timing.bytesRead / 1e6).toFixed(1)} MB read`),
  );
  return lines;
}
