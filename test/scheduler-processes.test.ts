import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { SubscriptionRepository } from "../src/schedule/subscription-repository.ts";
import { keys } from "../src/store/keys.ts";
import { openStore } from "../src/store/open-store.ts";
import { contentDir } from "./helpers.ts";
import { channelSubscription, duplicates, localDate, scheduledDates, ticks } from "./schedule-sim.ts";
import { serviceAvailable } from "./services.ts";

/** A Redis database of its own: the subscription index is one key, and this test owns it. */
const storeUrl = "redis://127.0.0.1:6379/14";
const root = path.resolve(import.meta.dirname, "..");

class Instance {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  readonly posted: string[] = [];

  constructor(name: string) {
    this.child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(root, "test/fixtures/scheduler-instance.ts"), storeUrl, name, contentDir],
      { cwd: root },
    );
    this.child.stderr.on("data", (data) => process.stderr.write(data));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on("line", (line) => this.pending.shift()?.(line));
  }

  next(): Promise<string> {
    return new Promise((resolve) => this.pending.push(resolve));
  }

  async tick(at: Date): Promise<void> {
    const answer = this.next();
    this.child.stdin.write(`${at.toISOString()}\n`);
    this.posted.push(...(JSON.parse(await answer) as string[]));
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}

describe("three scheduler processes sharing Redis", async () => {
  const available = await serviceAvailable("Redis", 6379);

  it.skipIf(!available)(
    "GIVEN 30 days of hourly ticks in lockstep across a DST change THEN every scheduled post goes out exactly once",
    { timeout: 180_000 },
    async () => {
      const store = await openStore(storeUrl, silentLogger);
      const run = Date.now().toString(36);
      const subs = [
        channelSubscription({
          id: `${run}-ny`,
          channelId: "C-ny",
          zone: "America/New_York",
          time: { hour: 2, minute: 30 },
        }),
        channelSubscription({
          id: `${run}-berlin`,
          channelId: "C-berlin",
          zone: "Europe/Berlin",
          weekdays: [1, 2, 3, 4, 5, 6, 7],
        }),
        channelSubscription({ id: `${run}-utc`, channelId: "C-utc", time: { hour: 17, minute: 45 }, weekdays: [2, 4] }),
      ];
      try {
        await store.delete(keys.subscriptions());
        await new SubscriptionRepository(store, silentLogger).put(...subs);
      } finally {
        await store.close();
      }
      const instances = ["a", "b", "c"].map((name) => new Instance(name));
      try {
        await Promise.all(instances.map((instance) => instance.next()));
        for (const at of ticks("2027-03-01T00:00:00Z", "2027-03-31T23:00:00Z", 60)) {
          await Promise.all(instances.map((instance) => instance.tick(at)));
        }
      } finally {
        await Promise.all(instances.map((instance) => instance.stop()));
      }
      const posted = instances.flatMap((instance) => instance.posted);
      expect(duplicates(posted)).toEqual([]);
      // Every process took part: the work is shared, not done by one while the others idle.
      expect(instances.filter((instance) => instance.posted.length > 0).length).toBeGreaterThan(1);
      for (const sub of subs) {
        const lastDay = localDate(Date.parse("2027-03-30T23:00:00Z"), sub.zone);
        const expected = scheduledDates("2027-03-01", lastDay, sub.weekdays).map((date) => `${sub.id}@${date}`);
        expect(posted.filter((key) => key.startsWith(`${sub.id}@`) && key.slice(-10) <= lastDay).sort()).toEqual(
          expected,
        );
      }
    },
  );
});
