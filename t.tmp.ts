import { openCanonicalModel } from "./src/naming/open.js";
import { readVocabulary } from "./src/tokenizers/read.js";
for (const p of process.argv.slice(2)) {
  try {
  const m = await openCanonicalModel(p);
  console.log(p, m.source.format, JSON.stringify(m.architecture), m.tensors.length, m.unrecognised.length, m.notes);
  await m.close();
  const v = await readVocabulary(p);
  console.log("  vocab", v.source.format, v.model, v.tokens.length, JSON.stringify(v.special));
  } catch (e) { console.log(p, "ERR", (e as Error).message); }
}
