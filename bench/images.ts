/**
 * Pictures under load, measured from outside: does drawing pictures stall the other commands?
 * Signed slash commands from `--connections` in flight on kept-alive connections, closed loop,
 * against the bot as users run it (`roadmap-bot start`, Slack HTTP mode, SQLite, PUBLIC_URL set
 * so a `progress` answer carries an image block linking to the bot's own /images route).
 *
 *   npx tsx bench/images.ts [--rounds 10] [--seconds 5] [--warmup 1] [--users 50] [--pool 400]
 *                           [--connections 32] [--sockets 4] [--samples 200]
 *                           [--bot-flags="--cpu-prof --cpu-prof-dir=/tmp/prof-images"]
 *
 * Two mixes alternate in rounds on the same bot, each first in half of them, each round a warm-up
 * and a measured window. Both send `/roadmap stage 17` (as bench/slack.ts) nine times in ten and
 * `/roadmap progress` every 10th time, so they differ only by the pictures: "none", that `progress`
 * from the next pool person's twin in a team with pictures off (the same marks, text only);
 * "pictures", from the next person of a picture pool, whose picture
 * the generator then fetches as Slack's image proxy would, on a few sockets of its own, while the
 * commands go on (bench/images-load.ts). The figure is commands answered per second (pictures
 * fetched are not commands); the ratio printed last is the median of the per-round ratios
 * pictures/none, and it is the point: rendering runs in a render process so that it does not stall
 * the commands, on a machine whose cores the generator, the bot and its render process share.
 * The gap it shows is all a picture costs the commands, the `progress` command's own work included:
 * that is what a team with pictures sends. The render process draws a map in 0.15 to 0.3 s, far fewer
 * a second than the pictures mix asks for, so it is busy all through those rounds: the links
 * queue in the generator, and the figures show how many were delivered and how long they waited.
 *
 * The pool's maps are all different and weigh more than the bot's picture cache (16 MiB), and the
 * pool is asked in a cycle, so every picture fetched in the rounds is a real render, the path a
 * new image takes: the generator fails any fetch the cache could still have held, and the pool's
 * bytes are measured before the rounds by fetching each of its pictures once. A bench that let
 * the cache answer would measure an easier case than Slack's proxy makes.
 *
 * After the rounds, unloaded, one request at a time: a text-only `progress` (a team that turned
 * pictures off) against a `progress` whose picture was fetched before, timed until its picture is
 * in too, as the person waits for both; the ratio of their medians is printed, with no target.
 *
 * Every answer is checked: `stage 17` and text-only `progress` are exactly the bodies the bot's
 * core and Slack renderer make from the seeded progress; a picture answer is that body plus one
 * image block whose link carries that person's map; every PNG is a 1200x675 PNG. After the run
 * the store is read back to show it still holds every person's progress. Prints figures only: it
 * never fails on speed, but exits 1 on any wrong answer or error.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultCacheBytes } from "../src/pictures/picture-renderer.ts";
import { FakeSlack } from "../test/e2e/fake-slack.ts";
import { ensureBuilt } from "./ensure-built.ts";
import { type Checked, ImagesLoad } from "./images-load.ts";
import { type Measured, mib, printReport } from "./images-report.ts";
import { seedImages } from "./images-seed.ts";
import { roundOptions, roundSettings } from "./round-options.ts";
import { startSlackBot, windowCpu } from "./slack-bot.ts";
import { peakRssMiB, type ServerProcess, treeRssMiB } from "./slack-processes.ts";
import { checkStore } from "./slack-seed.ts";

const { values } = parseArgs({
  options: {
    ...roundOptions,
    // More rounds than the other benches: this machine's speed drifts by a fifth from one 5 s
    // window to the next, more than the gap measured here, and the median needs the samples.
    rounds: { type: "string", default: "10" },
    pool: { type: "string", default: "400" },
    sockets: { type: "string", default: "4" },
    samples: { type: "string", default: "200" },
  },
});
const { rounds, seconds, warmup, users, connections, botFlags } = roundSettings(values, "mix");
/** Pool people whose pictures the latency samples take from the cache. */
const cachedPeople = 20;
// The team with pictures off has a twin of each pool person (the same marks): the "none" mix
// asks as many different people for `progress`, each as much work, as the pictures mix does.
const sizes = { users, pool: Number(values.pool), off: Number(values.pool) };
const sockets = Number(values.sockets);
const samples = Number(values.samples);
if (![sizes.pool, sockets, samples].every((n) => Number.isInteger(n) && n > 0))
  throw new Error("--pool, --sockets and --samples must be positive integers");

const target = 0.9;
const secret = "images-bench-signing-secret";
const publicUrl = "https://roadmap-bot.example";

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-images-bench-"));
const storeUrl = `sqlite://${path.join(dir, "bench.sqlite")}`;
const fake = new FakeSlack();
const live: { bot: ServerProcess | undefined; generator: ImagesLoad | undefined; sampler?: NodeJS.Timeout } = {
  bot: undefined,
  generator: undefined,
};
let treePeak = 0;
let errors = 0;
const firstErrors: string[] = [];
const tally = (result: Checked, what: string) => {
  errors += result.errors;
  for (const problem of result.firstErrors) if (firstErrors.length < 5) firstErrors.push(`${what}: ${problem}`);
};
try {
  ensureBuilt();
  await fake.start();
  const { people, fixtures } = await seedImages(storeUrl, sizes);
  const bot = startSlackBot({
    flags: botFlags,
    secret,
    apiUrl: fake.apiUrl,
    storeUrl,
    env: { PUBLIC_URL: publicUrl },
  });
  live.bot = bot;
  // The bot's memory with its render processes': they come and go, so the sum is sampled.
  live.sampler = setInterval(() => {
    treePeak = Math.max(treePeak, treeRssMiB(bot.pid));
  }, 200);
  const generator = new ImagesLoad();
  live.generator = generator;
  await generator.run({
    type: "setup",
    fixtures: { ...fixtures, botUrl: `http://127.0.0.1:${await bot.port}`, secret, publicUrl },
  });

  const load = async (pictures: boolean, warmupSeconds: number, measuredSeconds: number): Promise<Measured> => {
    const cpu = windowCpu(bot.pid);
    const result = await generator.run(
      { type: "round", pictures, connections, sockets, warmupSeconds, seconds: measuredSeconds },
      cpu.onWindow,
    );
    tally(result, pictures ? "pictures mix" : "none mix");
    return { ...result, botCpuMs: cpu.ms() / result.commands, mainCpuMs: cpu.mainMs() / result.commands };
  };

  // Warm-up of the command path (JIT, connections), then what the bot holds before any map is drawn.
  await load(false, 0, Math.max(warmup, 1) * 2);
  const beforePictures = peakRssMiB(bot.pid);
  // Each pool picture once, as Slack's proxy fetches each new image: the pool's weight, and the picture path warm.
  const pool = await generator.run({ type: "pool", sockets });
  tally(pool, "pool");
  if (errors === 0 && pool.bytes <= defaultCacheBytes)
    throw new Error(
      `the pool's pictures weigh ${mib(pool.bytes).toFixed(1)} MiB, not more than the cache's ${mib(defaultCacheBytes)} MiB: a larger --pool`,
    );

  const mixes = { none: [] as Measured[], pictures: [] as Measured[] };
  for (let round = 0; round < rounds && errors === 0; round++) {
    for (const pictures of round % 2 === 0 ? [false, true] : [true, false])
      (pictures ? mixes.pictures : mixes.none).push(await load(pictures, warmup, seconds));
  }
  const latency = errors === 0 ? await generator.run({ type: "latency", samples, cached: cachedPeople }) : undefined;
  if (latency) tally(latency, "latency");
  const peak = peakRssMiB(bot.pid);
  clearInterval(live.sampler);
  const exit = await bot.stop();
  if (exit !== 0) {
    errors++;
    firstErrors.push(`roadmap-bot exited ${exit} on SIGTERM: ${bot.output.slice(-500)}`);
  }
  const marks = await checkStore(storeUrl, people);

  console.log(
    `roadmap-bot pictures bench: signed slash commands, ${connections} in flight on kept-alive connections, closed ` +
      `loop from a generator process of its own, against \`roadmap-bot start\` (Slack HTTP, SQLite, PUBLIC_URL, ` +
      `${marks} seeded marks read back after the run); mixes of \`/roadmap stage 17\` from ${sizes.users} people ` +
      `with every 10th command \`/roadmap progress\`: "none" from a team with pictures off, "pictures" from the next of ${sizes.pool} pool people, ` +
      `its picture then fetched on ${sockets} sockets of the generator's, as Slack's image proxy would) alternate ` +
      `in ${rounds} rounds of ${warmup}s warm-up + ${seconds}s measured`,
  );
  if (errors > 0 || !latency) {
    console.error(`bench failed: ${errors} bad answer(s) or error(s); first: ${firstErrors.join(" | ")}`);
    process.exitCode = 1;
  } else printReport({ mixes, pool, latency, rss: { beforePictures, peak, withRenderers: treePeak }, target });
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  clearInterval(live.sampler);
  live.generator?.kill();
  await live.bot?.stop().catch(() => null);
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
}
