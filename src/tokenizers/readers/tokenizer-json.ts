/**
 * Hugging Face `tokenizer.json`: `model` (BPE with merges as `"a b"` strings or `["a","b"]` pairs,
 * Unigram with `[piece, score]` pairs, WordPiece), `added_tokens` (with their `special` flag), and the
 * normalizer / pre_tokenizer / decoder that reveal the token convention (byte-level or metaspace).
 * An optional `tokenizer_config.json` beside it names the special tokens by role.
 */
import { FormatError } from "../../errors.js";
import { ASCII_AND_UNICODE_PUNCTUATION, GPT2 } from "../encode/pre-tokenizers.js";
import type {
  TokenConvention,
  TokenizerModelKind,
  TokenizerSettings,
  TokenKind,
  Vocabulary,
} from "../vocabulary.js";
import { MAX_MERGES, MAX_TOKENIZER_JSON_BYTES, MAX_VOCABULARY_TOKENS } from "./limits.js";
import { readCappedFile } from "./read-capped.js";
import { bytePieceValue, guessSpecialRoles } from "./special-tokens.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(file: string, field: string, message: string): never {
  throw new FormatError(message, { file, field });
}

/** Every `type` named in a normalizer / pre-tokenizer / decoder tree (Sequences included). */
function componentTypes(value: unknown, depth = 0): string[] {
  if (!isObject(value) || depth > 8) return [];
  const types = typeof value.type === "string" ? [value.type] : [];
  for (const key of ["pretokenizers", "decoders", "normalizers", "processors"]) {
    const children = value[key];
    if (Array.isArray(children))
      for (const child of children) types.push(...componentTypes(child, depth + 1));
  }
  return types;
}

/** Replace steps (`" "` ↔ `"▁"`) anywhere in a tree: Llama-2-style tokenizer.json files spell the
 * metaspace convention that way instead of with a Metaspace component. */
function mentionsMetaspaceReplace(value: unknown, depth = 0): boolean {
  if (!isObject(value) || depth > 8) return false;
  if (value.type === "Replace") {
    const pattern = isObject(value.pattern) ? value.pattern.String : undefined;
    if (pattern === "▁" || value.content === "▁") return true;
  }
  for (const key of ["pretokenizers", "decoders", "normalizers"]) {
    const children = value[key];
    if (Array.isArray(children) && children.some((child) => mentionsMetaspaceReplace(child, depth + 1))) {
      return true;
    }
  }
  return false;
}

function detectConvention(json: Json, model: TokenizerModelKind, tokens: readonly string[]): TokenConvention {
  if (model === "wordpiece") return "wordpiece";
  const types = [
    ...componentTypes(json.pre_tokenizer),
    ...componentTypes(json.decoder),
    ...componentTypes(json.normalizer),
  ];
  if (types.includes("ByteLevel")) return "byte-level";
  if (types.includes("Metaspace")) return "metaspace";
  if (mentionsMetaspaceReplace(json.normalizer) || mentionsMetaspaceReplace(json.decoder)) return "metaspace";
  // Nothing declared: look at the tokens themselves.
  let metaspace = 0;
  let byteLevel = 0;
  for (const token of tokens) {
    if (token.startsWith("▁")) metaspace++;
    else if (token.startsWith("Ġ")) byteLevel++;
  }
  if (metaspace > byteLevel && metaspace > tokens.length / 100) return "metaspace";
  if (byteLevel > tokens.length / 100) return "byte-level";
  return "raw";
}

function describePreTokenizer(value: unknown): string | undefined {
  const types = componentTypes(value);
  if (types.length === 0) return undefined;
  // The split pattern says most about a byte-level BPE (GPT-2's, cl100k's, …): keep the first one.
  const pattern = findPattern(value, 0);
  return pattern === undefined ? types.join("+") : `${types.join("+")}:${pattern}`;
}

function findPattern(value: unknown, depth: number): string | undefined {
  if (!isObject(value) || depth > 8) return undefined;
  if (isObject(value.pattern)) {
    const regex = value.pattern.Regex ?? value.pattern.String;
    if (typeof regex === "string") return regex;
  }
  const children = value.pretokenizers;
  if (Array.isArray(children)) {
    for (const child of children) {
      const found = findPattern(child, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * The split patterns of a byte-level pre-tokenizer, in order, as Hugging Face applies them: `Split`
 * (behavior `Isolated`, not inverted), `Digits` (`\p{N}` one by one or in runs), `Punctuation`
 * (behavior `Contiguous`), `ByteLevel` with `use_regex` (GPT-2's pattern). Undefined when any step is
 * something else (the encoder then goes by the pre-tokenizer's name).
 */
function splitPatterns(value: unknown): string[] | undefined {
  const steps = isObject(value) && value.type === "Sequence" ? value.pretokenizers : [value];
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 16) return undefined;
  const patterns: string[] = [];
  for (const step of steps) {
    if (!isObject(step)) return undefined;
    if (step.type === "ByteLevel") {
      if (step.use_regex !== false) patterns.push(GPT2);
      continue;
    }
    if (step.type === "Digits") {
      patterns.push(step.individual_digits === true ? String.raw`\p{N}` : String.raw`\p{N}+`);
      continue;
    }
    if (step.type === "Punctuation" && (step.behavior ?? "Contiguous") === "Contiguous") {
      patterns.push(ASCII_AND_UNICODE_PUNCTUATION);
      continue;
    }
    if (step.type !== "Split" || step.behavior !== "Isolated" || step.invert === true) return undefined;
    const pattern = isObject(step.pattern) ? step.pattern : {};
    if (typeof pattern.Regex === "string") patterns.push(pattern.Regex);
    else if (typeof pattern.String === "string")
      patterns.push(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    else return undefined;
  }
  return patterns.length === 0 ? undefined : patterns;
}

interface ModelTable {
  kind: TokenizerModelKind;
  /** id → token */
  byId: Map<number, string>;
  /** How many tokens the model itself holds (HF `Model::get_vocab_size`): added tokens with new content
   * are numbered from here. */
  entries: number;
  scores: Map<number, number> | undefined;
  merges: string[] | undefined;
  unkToken: string | undefined;
  unkId: number | undefined;
  byteFallback: boolean;
  ignoreMerges: boolean;
}

function checkId(file: string, field: string, id: unknown): number {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= MAX_VOCABULARY_TOKENS) {
    fail(file, field, `id ${JSON.stringify(id)} is not an integer in 0..${MAX_VOCABULARY_TOKENS - 1}`);
  }
  return id;
}

function readVocabObject(file: string, vocab: unknown): Map<number, string> {
  if (!isObject(vocab)) fail(file, "model.vocab", "expected an object of token → id");
  const byId = new Map<number, string>();
  const entries = Object.entries(vocab);
  if (entries.length > MAX_VOCABULARY_TOKENS)
    fail(file, "model.vocab", `more than ${MAX_VOCABULARY_TOKENS} tokens`);
  for (const [token, id] of entries) {
    const checked = checkId(file, `model.vocab[${JSON.stringify(token)}]`, id);
    if (byId.has(checked)) fail(file, `model.vocab[${JSON.stringify(token)}]`, `id ${checked} is used twice`);
    byId.set(checked, token);
  }
  return byId;
}

function readMerges(file: string, merges: unknown): string[] {
  if (merges === undefined) return [];
  if (!Array.isArray(merges)) fail(file, "model.merges", "expected an array");
  if (merges.length > MAX_MERGES) fail(file, "model.merges", `more than ${MAX_MERGES} merges`);
  return merges.map((merge, index) => {
    if (typeof merge === "string") return merge;
    if (Array.isArray(merge) && merge.length === 2 && merge.every((part) => typeof part === "string")) {
      return `${merge[0]} ${merge[1]}`;
    }
    return fail(file, `model.merges[${index}]`, 'expected "left right" or ["left", "right"]');
  });
}

function readModel(file: string, model: unknown): ModelTable {
  if (!isObject(model)) fail(file, "model", "missing or not an object");
  const type = model.type;
  const byteFallback = model.byte_fallback === true;
  const unkToken = typeof model.unk_token === "string" ? model.unk_token : undefined;
  if (type === "BPE" || (type === undefined && model.merges !== undefined)) {
    const byId = readVocabObject(file, model.vocab);
    return {
      kind: "bpe",
      byId,
      entries: byId.size,
      scores: undefined,
      merges: readMerges(file, model.merges),
      unkToken,
      unkId: undefined,
      byteFallback,
      ignoreMerges: model.ignore_merges === true,
    };
  }
  if (type === "WordPiece" || type === "WordLevel") {
    const byId = readVocabObject(file, model.vocab);
    return {
      kind: "wordpiece",
      byId,
      entries: byId.size,
      scores: undefined,
      merges: undefined,
      unkToken,
      unkId: undefined,
      byteFallback: false,
      ignoreMerges: false,
    };
  }
  if (type === "Unigram") {
    const vocab = model.vocab;
    if (!Array.isArray(vocab)) fail(file, "model.vocab", "expected an array of [piece, score]");
    if (vocab.length > MAX_VOCABULARY_TOKENS)
      fail(file, "model.vocab", `more than ${MAX_VOCABULARY_TOKENS} tokens`);
    const byId = new Map<number, string>();
    const scores = new Map<number, number>();
    vocab.forEach((entry, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || typeof entry[1] !== "number") {
        fail(file, `model.vocab[${id}]`, "expected [piece, score]");
      }
      byId.set(id, entry[0]);
      scores.set(id, entry[1]);
    });
    const unkId =
      model.unk_id === null || model.unk_id === undefined
        ? undefined
        : checkId(file, "model.unk_id", model.unk_id);
    return {
      kind: "unigram",
      byId,
      entries: byId.size,
      scores,
      merges: undefined,
      unkToken: undefined,
      unkId,
      byteFallback,
      ignoreMerges: false,
    };
  }
  return fail(
    file,
    "model.type",
    `unsupported tokenizer model ${JSON.stringify(type)} (expected BPE, Unigram or WordPiece)`,
  );
}

/** Roles named in a tokenizer_config.json (`bos_token: "<s>"` or `{ content: "<s>" }`). */
function configRoles(config: unknown): Record<string, string> {
  const roles: Record<string, string> = {};
  if (!isObject(config)) return roles;
  for (const role of ["bos", "eos", "unk", "pad", "cls", "sep", "mask"]) {
    const value = config[`${role}_token`];
    const text = typeof value === "string" ? value : isObject(value) ? value.content : undefined;
    if (typeof text === "string") roles[role] = text;
  }
  return roles;
}

interface AddedToken {
  content: string;
  special: boolean;
  /** The id the file writes beside the token. */
  declared: number;
}

function readAddedTokens(file: string, added: unknown): AddedToken[] {
  if (added === undefined || added === null) return [];
  if (!Array.isArray(added)) fail(file, "added_tokens", "expected an array");
  if (added.length > MAX_VOCABULARY_TOKENS)
    fail(file, "added_tokens", `more than ${MAX_VOCABULARY_TOKENS} tokens`);
  return added.map((token, index) => {
    if (!isObject(token) || typeof token.content !== "string") {
      fail(file, `added_tokens[${index}]`, "expected { id, content, special }");
    }
    return {
      content: token.content,
      special: token.special === true,
      declared: checkId(file, `added_tokens[${index}].id`, token.id),
    };
  });
}

/**
 * Give the added tokens their ids the way Hugging Face tokenizers does when it loads a tokenizer.json
 * (`TokenizerImpl` deserialization → `AddedVocabulary::add_tokens`): the id follows from the content,
 * not from the `id` the file writes. Content the model vocabulary (or an earlier added token) already
 * holds keeps that id; new content takes the next id from the model's token count up. Where that id is
 * also a model id, the added token wins it (HF decodes the id as the added token). Every id that differs
 * from the declared one, and every model token displaced, is reported in `notes`.
 */
function placeAddedTokens(
  file: string,
  table: ModelTable,
  added: readonly AddedToken[],
  notes: string[],
): Map<number, TokenKind> {
  const modelIds = new Map<string, number>();
  for (const [id, token] of table.byId) if (!modelIds.has(token)) modelIds.set(token, id);
  const addedIds = new Map<string, number>();
  const kinds = new Map<number, TokenKind>();
  let nextId = table.entries;
  added.forEach((token, index) => {
    if (token.content === "") return;
    const known = addedIds.get(token.content) ?? modelIds.get(token.content);
    const id = known ?? nextId++;
    const where = `added_tokens[${index}] ${JSON.stringify(token.content)}`;
    if (id >= MAX_VOCABULARY_TOKENS)
      fail(file, `added_tokens[${index}]`, `id ${id} is past ${MAX_VOCABULARY_TOKENS - 1}`);
    if (id !== token.declared) {
      const holder = table.byId.get(token.declared);
      const held = holder === undefined ? "" : ` (the vocabulary's ${JSON.stringify(holder)})`;
      notes.push(
        known === undefined
          ? `${where} declares id ${token.declared}${held}; Hugging Face tokenizers gives it id ${id}, the next id after the model's ${table.entries} tokens (an added token's id follows from its content; the declared id is only checked)`
          : `${where} declares id ${token.declared}${held}; Hugging Face tokenizers gives it id ${id}, where the vocabulary already holds it`,
      );
    }
    const displaced = table.byId.get(id);
    if (displaced !== undefined && displaced !== token.content) {
      notes.push(
        `${where} takes id ${id} from the vocabulary's ${JSON.stringify(displaced)} (Hugging Face tokenizers decodes id ${id} as the added token)`,
      );
    }
    addedIds.set(token.content, id);
    table.byId.set(id, token.content);
    kinds.set(id, token.special ? "control" : "user-defined");
  });
  return kinds;
}

function patternSettings(value: unknown): Pick<TokenizerSettings, "splitPatterns"> {
  const patterns = splitPatterns(value);
  return patterns === undefined ? {} : { splitPatterns: patterns };
}

/** Dummy-prefix settings stated by a Prepend normalizer or a Metaspace pre-tokenizer. */
function prefixSettings(json: Json): Pick<TokenizerSettings, "addDummyPrefix" | "prefixScope"> {
  if (componentTypes(json.normalizer).includes("Prepend")) {
    // The normalizer runs on every segment the added tokens leave.
    return { addDummyPrefix: true, prefixScope: "segment" };
  }
  const metaspace = findComponent(json.pre_tokenizer, "Metaspace", 0);
  if (metaspace === undefined) return {};
  const scheme = metaspace.prepend_scheme;
  if (scheme === "never") return { addDummyPrefix: false };
  if (scheme === "first") return { addDummyPrefix: true, prefixScope: "text" };
  if (scheme === "always") return { addDummyPrefix: true, prefixScope: "segment" };
  // Files written before prepend_scheme existed say add_prefix_space (default true), on every segment.
  return { addDummyPrefix: metaspace.add_prefix_space !== false, prefixScope: "segment" };
}

function findComponent(value: unknown, type: string, depth: number): Json | undefined {
  if (!isObject(value) || depth > 8) return undefined;
  if (value.type === type) return value;
  for (const key of ["pretokenizers", "normalizers"]) {
    const children = value[key];
    if (!Array.isArray(children)) continue;
    for (const child of children) {
      const found = findComponent(child, type, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Build a Vocabulary from a parsed tokenizer.json (and optionally its tokenizer_config.json).
 * Ids no token claims (gaps) read as `""` of kind `unused`. Added tokens are placed by Hugging Face's
 * rule (see `placeAddedTokens`); what that changed is listed in `notes`.
 */
export function parseTokenizerJson(json: unknown, file: string, config?: unknown): Vocabulary {
  if (!isObject(json)) fail(file, "", "expected a JSON object");
  const table = readModel(file, json.model);
  const notes: string[] = [];
  const addedKinds = placeAddedTokens(file, table, readAddedTokens(file, json.added_tokens), notes);
  let size = 0;
  for (const id of table.byId.keys()) size = Math.max(size, id + 1);
  if (size === 0) fail(file, "model.vocab", "the vocabulary is empty");

  const tokens: string[] = new Array(size);
  const kinds: TokenKind[] = new Array(size);
  for (let id = 0; id < size; id++) {
    const token = table.byId.get(id);
    tokens[id] = token ?? "";
    const addedKind = addedKinds.get(id);
    if (token === undefined) kinds[id] = "unused";
    else if (addedKind !== undefined) kinds[id] = addedKind;
    else if (id === table.unkId || (table.unkToken !== undefined && token === table.unkToken))
      kinds[id] = "unknown";
    else if (table.byteFallback && bytePieceValue(token) !== undefined) kinds[id] = "byte";
    else kinds[id] = "normal";
  }
  let scores: Float32Array | undefined;
  if (table.scores !== undefined) {
    scores = new Float32Array(size);
    for (const [id, score] of table.scores) scores[id] = score;
  }

  const special: Record<string, number> = {};
  const idOf = new Map<string, number>();
  tokens.forEach((token, id) => {
    if (!idOf.has(token)) idOf.set(token, id);
  });
  for (const [role, text] of Object.entries(configRoles(config))) {
    const id = idOf.get(text);
    if (id !== undefined) special[role] = id;
  }
  const normalizerTypes = componentTypes(json.normalizer);
  const convention = detectConvention(json, table.kind, tokens);
  return {
    source: { file, format: "tokenizer.json" },
    model: table.kind,
    convention,
    tokens,
    scores,
    kinds,
    merges: table.merges,
    special: guessSpecialRoles(tokens, kinds, special),
    preTokenizer: describePreTokenizer(json.pre_tokenizer),
    settings: {
      byteFallback: table.byteFallback,
      ...(normalizerTypes.length === 0 ? {} : { normalizer: normalizerTypes.join("+") }),
      ...prefixSettings(json),
      ...(convention === "byte-level" ? patternSettings(json.pre_tokenizer) : {}),
      ...(table.kind === "bpe" ? { ignoreMerges: table.ignoreMerges } : {}),
    },
    ...(notes.length === 0 ? {} : { notes }),
  };
}

function parseJsonText(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new FormatError(`invalid JSON: ${(error as Error).message}`, { file, cause: error });
  }
}

/** Read a tokenizer.json, with the tokenizer_config.json at `configPath` when given. */
export async function readTokenizerJson(path: string, configPath?: string): Promise<Vocabulary> {
  const json = parseJsonText(await readCappedFile(path, MAX_TOKENIZER_JSON_BYTES, "tokenizer.json"), path);
  let config: unknown;
  if (configPath !== undefined) {
    const text = await readCappedFile(configPath, MAX_TOKENIZER_JSON_BYTES, "tokenizer_config.json");
    config = parseJsonText(text, configPath);
  }
  return parseTokenizerJson(json, path, config);
}
