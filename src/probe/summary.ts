/** Plain-language summary lines: each signal with its weight, never an accusation. */
import type { ProbeReport } from "./report.js";

export function summarise(report: Omit<ProbeReport, "summary">): string[] {
  const lines: string[] = [];
  if (report.stoppedEarly !== null) {
    lines.push(
      `The endpoint stopped answering: ${report.stoppedEarly}. ${report.notSent.length} request(s) were not sent; the probes below rest on what was answered before.`,
    );
  }
  if (report.consistency.sentence !== null) {
    lines.push(
      `Inconsistent evidence: ${report.consistency.sentence}. These cannot all be right; usage counts are the strongest of these signals, self-identification the weakest.`,
    );
  }
  const tokenizer = report.tokenizer;
  if (tokenizer !== null) {
    const top = tokenizer.candidates[0];
    if (tokenizer.best !== null && top !== undefined) {
      const ties = tokenizer.tiedWith.length > 0 ? ` (equally well: ${tokenizer.tiedWith.join(", ")})` : "";
      const runnerUp = tokenizer.candidates.find(
        (c) => c.family !== tokenizer.best && !tokenizer.tiedWith.includes(c.family),
      );
      const against =
        runnerUp === undefined
          ? ""
          : `; next best ${runnerUp.family} matches ${runnerUp.matchedUnits}/${runnerUp.comparedUnits}`;
      lines.push(
        `Tokenizer (${top.comparedUnits >= 6 ? "strong evidence" : "evidence from few units"}): usage counts match ${tokenizer.best} on ${top.matchedUnits}/${top.comparedUnits} probe units${ties}${against}; ${tokenizer.requests} requests. ` +
          "This is the tokenizer the server counts with: the model's own, unless a relay recounts.",
      );
    } else {
      lines.push(`Tokenizer: no reference family identified. ${tokenizer.notes.join("; ")}`.trim());
    }
    if (tokenizer.best !== null && !tokenizer.consistent) {
      lines.push(
        "Usage counts are not perfectly linear in the repeated text; treat the tokenizer match with care.",
      );
    }
  }
  if (report.ollama !== null) {
    const o = report.ollama;
    const parts = [
      o.family && `details.family=${o.family}`,
      o.architecture && `general.architecture=${o.architecture}`,
      o.baseName && `general.basename=${o.baseName}`,
    ].filter(Boolean);
    if (parts.length > 0)
      lines.push(
        `Ollama metadata names the base: ${parts.join(", ")} (as declared by whoever packaged the model).`,
      );
  }
  const translation = report.translationLayer;
  if (translation !== null) lines.push(`Translation layer: ${translation.verdict}.`);
  const identity = report.identity;
  if (identity !== null) {
    const claims = identity.claims
      .slice(0, 3)
      .map((c) => `${c.family ?? c.vendor}${c.family ? ` (${c.vendor})` : ""} ×${c.count}`);
    const rate = identity.baseRate;
    lines.push(
      `Self-identification (weak evidence): ${identity.answers === 0 ? "no answer" : claims.length > 0 ? claims.join(", ") : "no vendor named"} in ${identity.answers} answers. ` +
        `Real models misname their maker often: ${rate.modelsMostlyNamingAnotherVendor} of ${rate.models} models mostly named another vendor (${rate.examples.find((e) => e.startsWith("deepseek-V3")) ?? rate.examples[0] ?? ""}).`,
    );
  }
  const protocol = report.protocol;
  if (protocol !== null) {
    const ignored = Object.entries(protocol.parameters)
      .filter(([, behaviour]) => behaviour === "ignored")
      .map(([name]) => name);
    const ids = report.target.api === "ollama" ? "native Ollama API" : `ids ${protocol.idFormat}`;
    lines.push(
      `Protocol: ${ids}${protocol.systemFingerprint ? `, system_fingerprint ${protocol.systemFingerprint}` : ""}` +
        `${ignored.length > 0 ? `; silently ignored: ${ignored.join(", ")}` : ""}.`,
    );
  }
  if (report.failures.length > 0) {
    lines.push(
      `${report.failures.length} request(s) failed after retries; the affected probes rest on fewer answers.`,
    );
  }
  const budgetSkipped = report.notSent.filter((entry) => entry.reason === "request budget spent").length;
  if (budgetSkipped > 0) {
    lines.push(
      `${budgetSkipped} request(s) were not sent: the --max-requests budget was spent; the affected probes rest on fewer answers.`,
    );
  }
  return lines;
}
