/**
 * `lineage probe --html FILE`: one self-contained page for a probe report — summary first, then the
 * tokenizer families ranked by agreement with the server's usage counts, the translation-layer probes,
 * the identity claims (weak evidence, with the base rate of misnamed makers), whether the sources agree,
 * and the protocol tells. It reads the probe's own `ProbeReport`, so the page cannot drift from it.
 */
import type { ProbeReport } from "../../probe/report.js";
import { formatCount, formatPercent } from "../format.js";
import { html, type RawHtml, raw } from "./escape.js";
import { page } from "./page.js";
import { barList } from "./svg-charts.js";

export interface ProbeHtmlOptions {
  /** Identity answers quoted before "and N more". */
  maxAnswers?: number;
  /** Tokenizer families charted (the rest are in the JSON). */
  maxCandidates?: number;
}

function list(items: readonly string[]): RawHtml {
  return html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
}

function identitySection(identity: NonNullable<ProbeReport["identity"]>, maxAnswers: number): RawHtml {
  const claims = identity.claims.map((c) => ({
    label: c.family ? `${c.vendor} / ${c.family}` : c.vendor,
    value: c.count,
  }));
  const base = identity.baseRate;
  const shown = identity.transcript.slice(0, maxAnswers);
  const unanswered = [
    identity.failedRequests > 0 ? `${formatCount(identity.failedRequests)} requests failed` : "",
    identity.notSent > 0 ? `${formatCount(identity.notSent)} not sent` : "",
  ].filter(Boolean);
  return html`<h2>Who it says it is <span class="muted">(weak evidence)</span></h2>
<p>${formatCount(identity.answers)} answers; ${formatCount(identity.answersWithoutClaim)} named no maker${unanswered.length > 0 ? ` (${unanswered.join(", ")})` : ""}.
Models often misname their maker: in ${base.source}, ${base.modelsEverNamingAnotherVendor} of ${base.models} models named another vendor at least once, ${base.modelsMostlyNamingAnotherVendor} did so most of the time.</p>
${claims.length === 0 ? html`<p class="muted">No maker was named.</p>` : raw(barList(claims, Math.max(...claims.map((c) => c.value))))}
${
  shown.length === 0
    ? ""
    : html`<table><thead><tr><th>prompt</th><th>language</th><th>answer</th><th>makers named</th></tr></thead><tbody>
${shown.map((a) => html`<tr><td>${a.prompt}</td><td>${a.language}</td><td>${a.answer}</td><td>${a.claims.map((c) => c.vendor).join(", ")}</td></tr>`)}
</tbody></table>${identity.transcript.length > shown.length ? html`<p class="muted">… and ${formatCount(identity.transcript.length - shown.length)} more answers in the JSON report.</p>` : ""}`
}`;
}

function tokenizerSection(tokenizer: NonNullable<ProbeReport["tokenizer"]>, maxCandidates: number): RawHtml {
  const candidates = tokenizer.candidates.slice(0, maxCandidates);
  const best = tokenizer.best;
  return html`<h2>Tokenizer behind the usage counts</h2>
<p>${
    best === null
      ? "No reference tokenizer family was identified from the server's counts."
      : `Best match: ${best}${tokenizer.tiedWith.length > 0 ? ` (tied with ${tokenizer.tiedWith.join(", ")}: the units cannot tell them apart)` : ""}.`
  } ${formatCount(tokenizer.requests)} requests. ${candidates.length > 0 && !tokenizer.consistent ? "The counts did not grow linearly for every unit: treat them with care." : ""}</p>
${
  candidates.length === 0
    ? ""
    : raw(
        barList(
          candidates.map((c) => ({
            label: c.family,
            value: c.agreement,
            text: `${formatPercent(c.agreement)} (${c.matchedUnits}/${c.comparedUnits})`,
            highlight: c.family === best,
          })),
        ),
      )
}
${tokenizer.notes.length === 0 ? "" : list(tokenizer.notes)}`;
}

const TRANSLATION_BADGE: Record<NonNullable<ProbeReport["translationLayer"]>["status"], string> = {
  suspected: "v-derived",
  "not suspected": "v-unrelated",
  inconclusive: "v-unknown",
};

function translationSection(t: NonNullable<ProbeReport["translationLayer"]>): RawHtml {
  return html`<h2>Hidden translation layer</h2>
<p><span class="badge ${TRANSLATION_BADGE[t.status]}">${t.status}</span> ${t.verdict}</p>
${raw(
  barList(
    [
      { label: "surface probes right", value: t.surfacePassed },
      { label: "controls right", value: t.controlPassed },
      { label: "pairs answered", value: t.answered, highlight: true },
    ],
    Math.max(1, t.answered),
  ),
)}
${t.evidence.length === 0 ? "" : html`<h3>Telling answers</h3>${list(t.evidence)}`}
${t.against.length === 0 ? "" : html`<h3>Evidence against</h3>${list(t.against)}`}`;
}

function consistencySection(c: ProbeReport["consistency"]): RawHtml {
  if (c.statements.length === 0) return html``;
  const badge =
    c.status === "inconsistent" ? "v-derived" : c.status === "consistent" ? "v-unrelated" : "v-unknown";
  return html`<h2>Do the sources agree?</h2>
<p><span class="badge ${badge}">${c.status}</span></p>
<table><thead><tr><th>source</th><th>says</th><th>compatible families</th></tr></thead><tbody>
${c.statements.map((s) => html`<tr><td>${s.source}</td><td>${s.says}</td><td>${s.families.length > 0 ? s.families.join(", ") : "not known"}</td></tr>`)}
</tbody></table>
${c.contradictions.length === 0 ? "" : list(c.contradictions)}`;
}

function protocolSection(p: NonNullable<ProbeReport["protocol"]>, o: ProbeReport["ollama"]): RawHtml {
  const rows: [string, string | null | undefined][] = [
    ["id format", p.idFormat],
    ["model the server reports", p.reportedModel],
    ["system fingerprint", p.systemFingerprint],
    ["Ollama family", o?.family],
    ["Ollama architecture", o?.architecture],
    ["GGUF base name", o?.baseName],
    ["parent model", o?.parentModel],
    ["quantization", o?.quantization],
  ];
  return html`<h2>Protocol tells</h2>
<table><tbody>${rows.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) => html`<tr><th>${k}</th><td><code>${v}</code></td></tr>`)}</tbody></table>
${p.notes.length === 0 ? "" : list(p.notes)}`;
}

export function renderProbeHtml(report: ProbeReport, options: ProbeHtmlOptions = {}): string {
  const { target, cost } = report;
  const body = html`<h1>What is behind ${target.model}?</h1>
<p class="sub">lineage probe · <code>${target.baseUrl}</code> · ${target.api} API</p>
<section class="summary"><h2>In plain words</h2>${report.summary.map((line) => html`<p>${line}</p>`)}</section>
${report.failures.length === 0 ? "" : html`<div class="warn"><b>${report.failures.length} request${report.failures.length === 1 ? "" : "s"} failed after retries</b>${list(report.failures.slice(0, 20).map((f) => `${f.probe} · ${f.request}: ${f.message}`))}</div>`}
${report.tokenizer ? tokenizerSection(report.tokenizer, options.maxCandidates ?? 14) : ""}
${report.translationLayer ? translationSection(report.translationLayer) : ""}
${report.identity ? identitySection(report.identity, options.maxAnswers ?? 40) : ""}
${consistencySection(report.consistency)}
${report.protocol ? protocolSection(report.protocol, report.ollama) : ""}
<footer>Generated by lineage · ${formatCount(cost.requests)} HTTP requests, ${formatCount(cost.cacheHits)} answers from cache, ${formatCount(cost.retries)} retries${cost.notSent > 0 ? `, ${formatCount(cost.notSent)} requests not sent` : ""}. Identity claims are weak evidence; usage counts and surface-form probes carry more weight.</footer>`;
  return page(`lineage probe: ${target.model}`, body);
}
