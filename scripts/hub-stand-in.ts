/**
 * `npm run hub:stand-in -- [--port N] ORG/NAME=FOLDER ...`: serve local model folders as Hugging Face
 * Hub repositories on 127.0.0.1 (the stand-in the tests use: API, 302 to a CDN origin, 206 ranges),
 * so that the Hub commands can be tried without the network:
 *   npm run hub:stand-in -- --port 8377 zoo/base-a=fixtures/zoo/base-a zoo/a-sft=fixtures/zoo/a-sft
 *   HF_ENDPOINT=http://127.0.0.1:8377 lineage compare zoo/a-sft zoo/base-a
 * Weight files are served from disk. Stops on Ctrl-C.
 */
import { parseArgs } from "node:util";
import { folderFiles, repoOf, type StandInRepo, startStandIn } from "../test/hub/stand-in.js";

const { values, positionals } = parseArgs({ options: { port: { type: "string" } }, allowPositionals: true });
const repos: Record<string, StandInRepo> = {};
for (const spec of positionals) {
  const [repo, folder] = spec.split("=");
  if (repo === undefined || folder === undefined) throw new Error(`expected ORG/NAME=FOLDER, got ${spec}`);
  repos[repo] = repoOf(folderFiles(folder, 16 * 1024 * 1024));
}
const hub = await startStandIn(repos, values.port === undefined ? undefined : Number(values.port));
process.stdout.write(`HF_ENDPOINT=${hub.endpoint}\n`);
process.on("SIGINT", () => {
  hub.close().then(() => process.exit(0));
});
