/**
 * Hidden translation layer: ask the surface-form probes and their controls, then judge whether the
 * pattern (surface probes fail, controls pass, Chinese questions answered in English) is consistent
 * with a ZH→EN front end. Weak native models also miss some glyph questions, so one miss decides nothing.
 */
import type { FailureLog } from "../attempts.js";
import { answerText, type ChatClient } from "../client/types.js";
import { hasHan } from "./checks.js";
import { TRANSLATION_PAIRS, type TranslationPair } from "./pairs.js";

/** Surface probes that must fail (with their control passing) before a layer is suspected. */
export const MIN_TELLING_PAIRS = 3;
/** Longest answer quoted in a report. */
const MAX_QUOTE_CHARS = 200;

export interface TranslationPairResult {
  id: string;
  category: TranslationPair["category"];
  prompt: string;
  expected: string;
  answer: string | undefined;
  passed: boolean | undefined;
  controlAnswer: string | undefined;
  controlPassed: boolean | undefined;
  /** A Chinese answer was expected; the reply has Latin words and not a single Chinese character. */
  answeredInEnglish: boolean;
}

export type TranslationStatus = "suspected" | "not suspected" | "inconclusive";

export interface TranslationReport {
  /** The verdict in one word; the HTML badge and the terminal show it as it is. */
  status: TranslationStatus;
  suspected: boolean;
  /** One sentence: consistent with a translation layer, not consistent, or inconclusive. */
  verdict: string;
  /** Telling answers, quoted: surface probes that failed while their control passed. */
  evidence: string[];
  /** Evidence against: surface probes answered right (a translation layer would miss them). */
  against: string[];
  surfacePassed: number;
  controlPassed: number;
  answered: number;
  pairs: TranslationPairResult[];
}

export async function probeTranslation(
  client: ChatClient,
  log: FailureLog,
  pairs: readonly TranslationPair[] = TRANSLATION_PAIRS,
): Promise<TranslationReport> {
  const ask = (label: string, prompt: string) =>
    log.attempt("translation", label, async () =>
      answerText(
        await client.chat({ label, messages: [{ role: "user", content: prompt }], maxTokens: 200 }),
        label,
      ),
    );
  const results = await Promise.all(
    pairs.map(async (pair): Promise<TranslationPairResult> => {
      const [answer, controlAnswer] = await Promise.all([
        ask(`translation ${pair.id}`, pair.surface.prompt),
        ask(`translation ${pair.id} control`, pair.control.prompt),
      ]);
      return {
        id: pair.id,
        category: pair.category,
        prompt: pair.surface.prompt,
        expected: pair.surface.expected,
        answer: answer?.slice(0, MAX_QUOTE_CHARS),
        passed: answer === undefined ? undefined : pair.surface.check(answer),
        controlAnswer: controlAnswer?.slice(0, MAX_QUOTE_CHARS),
        controlPassed: controlAnswer === undefined ? undefined : pair.control.check(controlAnswer),
        answeredInEnglish: answer !== undefined && answeredInLatin(pair.surface.expected, answer),
      };
    }),
  );
  return judge(results);
}

export function judge(pairs: TranslationPairResult[]): TranslationReport {
  const answered = pairs.filter((p) => p.passed !== undefined && p.controlPassed !== undefined);
  const telling = answered.filter((p) => p.passed === false && p.controlPassed === true);
  const surfacePassed = answered.filter((p) => p.passed === true).length;
  const controlPassed = answered.filter((p) => p.controlPassed === true).length;
  const english = answered.filter((p) => p.answeredInEnglish);
  const evidence = telling.map(
    (p) =>
      `${p.id}: asked ${quote(p.prompt)}, expected ${quote(p.expected)}, got ${quote(p.answer ?? "")} (control passed)`,
  );
  if (english.length > 0) {
    evidence.push(
      `${english.length} Chinese question(s) answered without any Chinese character: ${english.map((p) => p.id).join(", ")}`,
    );
  }
  const against = answered
    .filter((p) => p.passed === true)
    .map((p) => `${p.id}: answered ${quote(p.answer ?? "")}`);
  let status: TranslationStatus = "not suspected";
  let verdict: string;
  if (answered.length < MIN_TELLING_PAIRS || controlPassed < answered.length / 2) {
    status = "inconclusive";
    verdict =
      "inconclusive: too few answered pairs, or the controls failed too (a weak model, not necessarily a translation layer)";
  } else if (telling.length >= MIN_TELLING_PAIRS && telling.length >= answered.length / 2) {
    status = "suspected";
    verdict = `consistent with a translation layer: ${telling.length} of ${answered.length} surface-form probes failed while their controls passed`;
  } else {
    verdict = `not consistent with a translation layer: ${surfacePassed} of ${answered.length} surface-form probes answered correctly`;
  }
  return {
    status,
    suspected: status === "suspected",
    verdict,
    evidence,
    against,
    surfacePassed,
    controlPassed,
    answered: answered.length,
    pairs,
  };
}

/** A Chinese answer was expected but the reply holds Latin words and no Chinese character. */
function answeredInLatin(expected: string, answer: string): boolean {
  return hasHan(expected) && !hasHan(answer) && /[A-Za-z]{2,}/.test(answer);
}

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTE_CHARS ? `${text.slice(0, MAX_QUOTE_CHARS)}…` : text);
}
