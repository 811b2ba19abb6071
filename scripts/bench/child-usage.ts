/**
 * Preloaded into a benchmarked CLI process (`node --import tsx --import THIS src/cli/main.ts …`): at
 * exit it writes the process's own resource usage to the file named by LINEAGE_BENCH_USAGE (CPU
 * seconds of every thread, peak RSS, and the bytes the kernel counted as read: `rchar` = all read
 * syscalls, page cache included; `read_bytes` = what came from the disk).
 */
import { readFileSync, writeFileSync } from "node:fs";

const target = process.env.LINEAGE_BENCH_USAGE;

function procIo(): Record<string, number> {
  try {
    const text = readFileSync("/proc/self/io", "utf8");
    return Object.fromEntries(
      text
        .trim()
        .split("\n")
        .map((line) => line.split(":").map((part) => part.trim()))
        .map(([key, value]) => [key!, Number(value)]),
    );
  } catch {
    return {};
  }
}

if (target !== undefined) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    const io = procIo();
    writeFileSync(
      target,
      JSON.stringify({
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        userSeconds: usage.userCPUTime / 1e6,
        systemSeconds: usage.systemCPUTime / 1e6,
        peakRssBytes: usage.maxRSS * 1024,
        rchar: io.rchar ?? null,
        readBytes: io.read_bytes ?? null,
      }),
    );
  });
}
