/**
 * `lineage probe --html FILE`: one self-contained page for a probe report — summary first, then the
 * identity claims (weak evidence, with the base rate of misnamed makers), the tokenizer families ranked
 * by agreement with the server's usage counts, the translation-layer probes and the protocol tells.
 *
 * `ProbeHtmlInput` is the part of the probe's JSON report (issue 5, "Output") this page reads, typed
 * structurally so the probe's own report type is accepted as it is.
 */
import { formatNumber, html, type RawHtml, raw } from "./escape.js";
import { page } from "./page.js";
import { barList } from "./svg-charts.js";

export interface ProbeHtmlInput {
  target: { baseUrl: string; model: string; api: string };
  summary: string[];
  identity?: {
    claims: { vendor: string; family?: string | null; count: number }[];
    answers: number;
    answersWithoutClaim: number;
    transcript?: { prompt: string; language: string; answer: string; claims: { vendor: string }[] }[];
    baseRate?: {
      source: string;
      models: number;
      modelsMostlyNamingAnotherVendor: number;
      modelsEverNamingAnotherVendor: number;
    };
  } | null;
  tokenizer?: {
    best?: string | null;
    tiedWith: string[];
    candidates: { family: string; agreement: number; matchedUnits: number; comparedUnits: number }[];
    requests: number;
    consistent: boolean;
    notes: string[];
  } | null;
  translationLayer?: {
    suspected: boolean;
    verdict: string;
    evidence: string[];
    against: string[];
    surfacePassed: number;
    controlPassed: number;
    answered: number;
  } | null;
  protocol?: {
    idFormat: string;
    reportedModel?: string | null;
    systemFingerprint?: string | null;
    notes: string[];
  } | null;
  ollama?: {
    family?: string | null;
    architecture?: string | null;
    baseName?: string | null;
    parentModel?: string | null;
    quantization?: string | null;
  } | null;
  failures: { probe: string; request: string; message: string }[];
  cost: { requests: number; answers: number; cacheHits: number; retries: number; failures: number };
}

export interface ProbeHtmlOptions {
  /** Identity answers quoted before "and N more". */
  maxAnswers?: number;
  /** Tokenizer families charted (the rest are in the JSON). */
  maxCandidates?: number;
}

function list(items: readonly string[]): RawHtml {
  return html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
}

function identitySection(identity: NonNullable<ProbeHtmlInput["identity"]>, maxAnswers: number): RawHtml {
  const claims = identity.claims.map((c) => ({
    label: c.family ? `${c.vendor} / ${c.family}` : c.vendor,
    value: c.count,
  }));
  const base = identity.baseRate;
  const shown = (identity.transcript ?? []).slice(0, maxAnswers);
  return html`<h2>Who it says it is <span class="muted">(weak evidence)</span></h2>
<p>${formatNumber(identity.answers)} answers; ${formatNumber(identity.answersWithoutClaim)} named no maker.
${base ? `Models often misname their maker: in ${base.source}, ${base.modelsEverNamingAnotherVendor} of ${base.models} models named another vendor at least once, ${base.modelsMostlyNamingAnotherVendor} did so most of the time.` : ""}</p>
${claims.length === 0 ? html`<p class="muted">No maker was named.</p>` : raw(barList(claims, Math.max(...claims.map((c) => c.value))))}
${
  shown.length === 0
    ? ""
    : html`<table><thead><tr><th>prompt</th><th>language</th><th>answer</th><th>makers named</th></tr></thead><tbody>
${shown.map((a) => html`<tr><td>${a.prompt}</td><td>${a.language}</td><td>${a.answer}</td><td>${a.claims.map((c) => c.vendor).join(", ")}</td></tr>`)}
</tbody></table>${(identity.transcript?.length ?? 0) > shown.length ? html`<p class="muted">… and ${formatNumber((identity.transcript?.length ?? 0) - shown.length)} more answers in the JSON report.</p>` : ""}`
}`;
}

function tokenizerSection(
  tokenizer: NonNullable<ProbeHtmlInput["tokenizer"]>,
  maxCandidates: number,
): RawHtml {
  const candidates = tokenizer.candidates.slice(0, maxCandidates);
  const best = tokenizer.best;
  return html`<h2>Tokenizer behind the usage counts</h2>
<p>${
    best === undefined
      ? "No reference tokenizer family matches the server's counts on at least half of the units."
      : `Best match: ${best}${tokenizer.tiedWith.length > 0 ? ` (tied with ${tokenizer.tiedWith.join(", ")}: the units cannot tell them apart)` : ""}.`
  } ${formatNumber(tokenizer.requests)} requests. ${tokenizer.consistent ? "" : "The counts did not grow linearly for every unit: treat them with care."}</p>
${raw(barList(candidates.map((c) => ({ label: c.family, value: c.agreement, highlight: c.family === best }))))}
${tokenizer.notes.length === 0 ? "" : list(tokenizer.notes)}`;
}

function translationSection(t: NonNullable<ProbeHtmlInput["translationLayer"]>): RawHtml {
  return html`<h2>Hidden translation layer</h2>
<p><span class="badge ${t.suspected ? "v-derived" : "v-unrelated"}">${t.suspected ? "suspected" : "not suspected"}</span> ${t.verdict}</p>
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

function protocolSection(p: NonNullable<ProbeHtmlInput["protocol"]>, o: ProbeHtmlInput["ollama"]): RawHtml {
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

export function renderProbeHtml(report: ProbeHtmlInput, options: ProbeHtmlOptions = {}): string {
  const { target, cost } = report;
  const body = html`<h1>What is behind ${target.model}?</h1>
<p class="sub">lineage probe · <code>${target.baseUrl}</code> · ${target.api} API</p>
<section class="summary"><h2>In plain words</h2>${report.summary.map((line) => html`<p>${line}</p>`)}</section>
${report.failures.length === 0 ? "" : html`<div class="warn"><b>${report.failures.length} request${report.failures.length === 1 ? "" : "s"} failed after retries</b>${list(report.failures.slice(0, 20).map((f) => `${f.probe} · ${f.request}: ${f.message}`))}</div>`}
${report.tokenizer ? tokenizerSection(report.tokenizer, options.maxCandidates ?? 14) : ""}
${report.translationLayer ? translationSection(report.translationLayer) : ""}
${report.identity ? identitySection(report.identity, options.maxAnswers ?? 40) : ""}
${report.protocol ? protocolSection(report.protocol, report.ollama) : ""}
<footer>Generated by lineage · ${formatNumber(cost.requests)} HTTP requests, ${formatNumber(cost.cacheHits)} answers from cache, ${formatNumber(cost.retries)} retries. Identity claims are weak evidence; usage counts and surface-form probes carry more weight.</footer>`;
  return page(`lineage probe: ${target.model}`, body);
}
