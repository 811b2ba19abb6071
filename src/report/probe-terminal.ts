/** `lineage probe` for a person: sections per probe, evidence for and against, weights stated. */
import pc from "picocolors";
import type { ProbeReport } from "../probe/report.js";
import { formatPercent } from "./format.js";

function heading(text: string): string {
  return pc.bold(pc.cyan(text));
}

export function renderProbeTerminal(report: ProbeReport): string[] {
  const lines: string[] = [];
  lines.push(
    pc.bold(`lineage probe: ${report.target.model} at ${report.target.baseUrl} (${report.target.api} API)`),
    "",
  );
  lines.push(heading("Summary"));
  for (const line of report.summary) lines.push(`  • ${line}`);

  const t = report.tokenizer;
  if (t !== null) {
    lines.push("", heading("Tokenizer (usage.prompt_tokens vs unit repeated k times)"));
    lines.push(
      `  best: ${t.best ?? "none"}${t.best !== null && t.tiedWith.length > 0 ? ` (tied: ${t.tiedWith.join(", ")})` : ""}; ${t.requests} requests, ${t.queries} queries; k = ${t.ks.join(", ")}`,
    );
    for (const c of t.candidates) {
      const bar = "█".repeat(Math.round(c.agreement * 20)).padEnd(20, "·");
      const against = c.mismatches.length > 0 ? pc.dim(` differs on ${c.mismatches.join(", ")}`) : "";
      lines.push(
        `  ${c.family.padEnd(14)} ${bar} ${formatPercent(c.agreement).padStart(6)} (${c.matchedUnits}/${c.comparedUnits})${against}`,
      );
    }
    for (const o of t.observations) {
      const slope = o.slope === undefined ? "—" : o.slope.toFixed(2);
      lines.push(
        pc.dim(
          `    ${o.unit.padEnd(20)} tokens ${o.promptTokens.map((n) => n ?? "?").join(" / ")}  slope ${slope}  R² ${o.r2?.toFixed(3) ?? "—"}`,
        ),
      );
    }
    for (const note of t.notes) lines.push(`  ${pc.yellow("note:")} ${note}`);
  }

  if (report.ollama !== null) {
    const o = report.ollama;
    lines.push("", heading("Ollama metadata (/api/show)"));
    lines.push(
      `  family ${o.family ?? "—"} (${o.families.join(", ") || "—"}), architecture ${o.architecture ?? "—"}, basename ${o.baseName ?? "—"}`,
    );
    lines.push(
      `  size ${o.parameterSize ?? "—"}, quantization ${o.quantization ?? "—"}, listed in /api/tags: ${o.listed ?? "unknown"}`,
    );
    if (o.template !== undefined)
      lines.push(pc.dim(`  template: ${JSON.stringify(o.template.slice(0, 160))}`));
  }

  const tr = report.translationLayer;
  if (tr !== null) {
    lines.push("", heading("Hidden translation layer (Chinese surface-form probes with controls)"));
    lines.push(`  [${tr.status}] ${tr.suspected ? pc.yellow(tr.verdict) : tr.verdict}`);
    lines.push(
      `  surface probes right ${tr.surfacePassed}/${tr.answered}, controls right ${tr.controlPassed}/${tr.answered}`,
    );
    for (const line of tr.evidence) lines.push(`  ${pc.yellow("for:")} ${line}`);
    for (const line of tr.against) lines.push(pc.dim(`  against: ${line}`));
  }

  const id = report.identity;
  if (id !== null) {
    lines.push("", heading("Self-identification (weak evidence)"));
    for (const c of id.claims)
      lines.push(`  ${String(c.count).padStart(3)} × ${c.vendor}${c.family ? ` / ${c.family}` : ""}`);
    lines.push(
      `  ${id.answersWithoutClaim} of ${id.answers} answers named no vendor; ${id.failedRequests} requests failed${id.notSent > 0 ? `; ${id.notSent} not sent` : ""}`,
    );
    const r = id.baseRate;
    lines.push(
      pc.dim(
        `  Base rate: in ${r.source}, ${r.answersNamingAnotherVendor}/${r.answers} answers named another vendor and ${r.modelsMostlyNamingAnotherVendor}/${r.models} models mostly did (${r.examples.slice(-3).join("; ")}).`,
      ),
    );
  }

  const p = report.protocol;
  if (p !== null) {
    lines.push("", heading("Protocol"));
    lines.push(`  id format: ${p.idFormat}${p.exampleId ? pc.dim(` (e.g. ${p.exampleId})`) : ""}`);
    lines.push(
      `  reported model: ${p.reportedModel ?? "—"}; object: ${p.object ?? "—"}; system_fingerprint: ${p.systemFingerprint ?? "—"}`,
    );
    lines.push(
      `  extra usage fields: ${p.extraUsageFields.join(", ") || "none"}; extra response fields: ${p.extraResponseFields.join(", ") || "none"}`,
    );
    lines.push(
      `  parameters: ${Object.entries(p.parameters)
        .map(([name, value]) => `${name} ${value}`)
        .join(", ")}`,
    );
    const s = p.streaming;
    lines.push(
      `  streaming: ${s.works ? "works" : "failed"}, usage in stream: ${s.usageInStream}, ${s.chunks ?? "?"} chunks for ${s.completionTokens ?? "?"} tokens`,
    );
    for (const note of p.notes) lines.push(`  ${pc.yellow("note:")} ${note}`);
  }

  const consistency = report.consistency;
  if (consistency.statements.length > 0) {
    lines.push("", heading(`Consistency of the evidence: ${consistency.status}`));
    for (const statement of consistency.statements) {
      const families = statement.families.length > 0 ? statement.families.join(" or ") : "family not known";
      lines.push(`  ${statement.source.padEnd(19)} ${statement.says} → ${families}`);
    }
    for (const line of consistency.contradictions) lines.push(`  ${pc.yellow("contradiction:")} ${line}`);
  }

  if (report.failures.length > 0) {
    lines.push("", heading(`Failed requests (${report.failures.length})`));
    for (const f of report.failures.slice(0, 10)) lines.push(`  ${pc.red("✗")} ${f.message}`);
    if (report.failures.length > 10) lines.push(`  … and ${report.failures.length - 10} more (see --json)`);
  }
  const c = report.cost;
  lines.push(
    "",
    pc.dim(
      `cost: ${c.requests} HTTP requests (${c.retries} retries, ${c.failures} failed), ${c.cacheHits} answers from cache${c.notSent > 0 ? `, ${c.notSent} not sent` : ""}`,
    ),
  );
  return lines;
}
