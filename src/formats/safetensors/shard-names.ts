/**
 * Sharded safetensors checkpoints named as transformers' `save_pretrained` names them,
 * `<prefix>-NNNNN-of-MMMMM.safetensors` (five digits, 1-based), and what a set of such names lacks.
 * Without an index, the names are the only record of how many shards there are: every one of the M
 * must be present, else the model is incomplete (an interrupted download), never a smaller model.
 */
import { basename, dirname, join } from "node:path";

const SHARD = /^(?<prefix>.*)-(?<no>\d{5})-of-(?<count>\d{5})\.safetensors$/;

export interface ShardName {
  prefix: string;
  /** 1-based, as written. */
  number: number;
  count: number;
}

export function parseShardName(name: string): ShardName | undefined {
  const groups = SHARD.exec(name)?.groups;
  if (groups === undefined) return undefined;
  return { prefix: groups.prefix!, number: Number(groups.no), count: Number(groups.count) };
}

/** The file name of shard `number` (1-based) of `count`. */
export function shardName(prefix: string, number: number, count: number): string {
  const five = (n: number) => String(n).padStart(5, "0");
  return `${prefix}-${five(number)}-of-${five(count)}.safetensors`;
}

/** Names of the shards that `names` declares (through any `-of-MMMMM` name) but does not contain. */
export function missingShards(names: readonly string[]): string[] {
  const present = new Set(names);
  const sets = new Map<string, ShardName>();
  for (const name of names) {
    const shard = parseShardName(name);
    if (shard !== undefined) sets.set(`${shard.prefix}\u0000${shard.count}`, shard);
  }
  const missing: string[] = [];
  for (const { prefix, count } of sets.values()) {
    for (let number = 1; number <= count; number++) {
      const name = shardName(prefix, number, count);
      if (!present.has(name)) missing.push(name);
    }
  }
  return missing;
}

/** Every shard path of the set `path` belongs to (its folder, same prefix and count), in order. */
export function shardSetOf(path: string): string[] | undefined {
  const shard = parseShardName(basename(path));
  if (shard === undefined) return undefined;
  return Array.from({ length: shard.count }, (_, i) =>
    join(dirname(path), shardName(shard.prefix, i + 1, shard.count)),
  );
}
