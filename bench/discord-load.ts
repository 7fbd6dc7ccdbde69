/**
 * The load generator of bench/discord.ts, in a process of its own so its CPU is not the clients'
 * (it is forked there; it does nothing when run alone). It runs two fake Discords (gateway and
 * REST on 127.0.0.1, test/e2e/fake-discord.ts), one for the bot and one for the bare client, so
 * a dispatch reaches only the client it is meant for, and takes orders over the IPC channel:
 *
 *   round  closed loop against one target: `concurrency` interactions in flight, each worker
 *          dispatching the next member's `/roadmap stage 17` as soon as its callback arrives
 *
 * A callback is seen as it arrives at the fake, answered 204 as Discord answers a callback sent
 * without `with_response`, and checked: the bot's must be the stage reply with that member's
 * statuses (discord-expect.ts), the bare client's its constant. Latency runs from the dispatch
 * being written to the gateway socket to the callback's arrival.
 */
import { performance } from "node:perf_hooks";
import { type CallbackBody, chatInput, FakeDiscord, snowflake, user } from "../test/e2e/fake-discord.ts";
import { bareReply, type MemberPlan, stageAnswerProblem } from "./discord-expect.ts";
import { closedLoop } from "./stats.ts";

export type TargetName = "bot" | "bare";

export type LoadOrder =
  | { type: "setup"; members: MemberPlan[] }
  | { type: "round"; target: TargetName; seconds: number; concurrency: number }
  | { type: "stop" };

export interface RoundResult {
  /** Correct callbacks. */
  answered: number;
  /** Wall time until the last worker was done. */
  ms: number;
  /** Dispatch to callback, ms, of each correct answer. */
  latencies: number[];
  /** Wrong, unexpected or missing callbacks in this round. */
  failures: number;
  firstFailure: string | undefined;
  /** This process's CPU during the round, as a share of one core. */
  cpuShare: number;
}

export type LoadMessage =
  | { type: "listening"; apiUrls: Record<TargetName, string> }
  | { type: "round"; result: RoundResult }
  /** The fakes' own failures and requests no route knew, over the whole run. */
  | { type: "stopped"; problems: string[] };

/** Stand-ins for a dispatch's id and token in the payload templates. */
const idMark = "@bench-id@";
const tokenMark = "@bench-token@";

/** An interaction with no callback by then counts as unanswered (Discord allows 3 s). */
const callbackTimeoutMs = 5_000;

interface Waiting {
  since: number;
  member: number;
  settle: (body: CallbackBody | undefined) => void;
}

/** One client under test behind its own fake. */
class Target {
  readonly fake = new FakeDiscord({ record: false });
  /** Dispatched interactions waiting for their callback, oldest first. */
  private readonly pending = new Map<string, Waiting>();
  /** Per member, the INTERACTION_CREATE payload as JSON text cut around its id and its token. */
  private templates: string[][] = [];
  failures = 0;
  firstFailure: string | undefined;

  constructor(
    readonly name: TargetName,
    /** What is wrong with a callback for that member, or undefined if it is the right answer. */
    private readonly check: (body: CallbackBody, member: number) => string | undefined,
  ) {
    this.fake.override((request) => {
      if (request.method !== "POST" || !request.path.endsWith("/callback")) return undefined;
      const id = request.path.split("/")[2] ?? "";
      const waiting = this.pending.get(id);
      if (!waiting) this.fail(`a callback for interaction ${id}, which is unknown or already answered`);
      else {
        this.pending.delete(id);
        waiting.settle(request.body as CallbackBody);
      }
      return { status: 204 };
    });
  }

  /** One payload per member, serialized once: a dispatch only puts a fresh id and token in. */
  setMembers(members: readonly MemberPlan[]): void {
    this.templates = members.map((member, i) => {
      const payload = chatInput({
        subcommand: "stage",
        options: [{ name: "number", type: 4, value: 17 }],
        user: user({ id: member.userId, username: `bench${i}`, global_name: `Bench ${i}` }),
        id: idMark,
        token: tokenMark,
      });
      const json = JSON.stringify(payload);
      const parts = json.split(JSON.stringify(idMark)).flatMap((part) => part.split(JSON.stringify(tokenMark)));
      if (parts.length !== 3 || json.indexOf(idMark) > json.indexOf(tokenMark))
        throw new Error("the interaction payload should hold its id, then its token, once each");
      return parts;
    });
  }

  fail(problem: string): void {
    this.failures++;
    this.firstFailure ??= `${this.name}: ${problem}`;
  }

  /** Dispatches member's `/roadmap stage 17`; resolves with the latency of a correct answer, else undefined. */
  async send(member: number): Promise<number | undefined> {
    const [beforeId, beforeToken, rest] = this.templates[member] as string[];
    const id = snowflake();
    const since = performance.now();
    const arrived = new Promise<CallbackBody | undefined>((settle) => this.pending.set(id, { since, member, settle }));
    await this.fake.dispatchJson("INTERACTION_CREATE", `${beforeId}"${id}"${beforeToken}"bench-token-${id}"${rest}`);
    const body = await arrived;
    if (!body) {
      this.fail(`no callback within ${callbackTimeoutMs} ms`);
      return undefined;
    }
    const at = performance.now();
    const problem = this.check(body, member);
    if (problem) {
      this.fail(problem);
      return undefined;
    }
    return at - since;
  }

  /** Gives up on interactions dispatched more than callbackTimeoutMs ago. */
  sweep(now: number): void {
    for (const [id, waiting] of this.pending) {
      if (now - waiting.since < callbackTimeoutMs) break;
      this.pending.delete(id);
      waiting.settle(undefined);
    }
  }
}

async function round(to: Target, seconds: number, concurrency: number, members: number): Promise<RoundResult> {
  const failuresBefore = to.failures;
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const ms = await closedLoop(concurrency, seconds, async () => {
    const latency = await to.send(next++ % members);
    if (latency !== undefined) latencies.push(latency);
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    answered: latencies.length,
    ms,
    latencies,
    failures: to.failures - failuresBefore,
    firstFailure: to.firstFailure,
    cpuShare: (cpu.user + cpu.system) / 1000 / ms,
  };
}

async function serve(send: (message: LoadMessage) => void): Promise<void> {
  let plans: MemberPlan[] = [];
  const targets: Record<TargetName, Target> = {
    bot: new Target("bot", (body, member) => stageAnswerProblem(body, plans[member] as MemberPlan)),
    bare: new Target("bare", (body) =>
      body.type === 4 && body.data?.content === bareReply
        ? undefined
        : `unexpected reply: ${JSON.stringify(body).slice(0, 200)}`,
    ),
  };
  await Promise.all(Object.values(targets).map((to) => to.fake.start()));
  const sweeper = setInterval(() => {
    for (const to of Object.values(targets)) to.sweep(performance.now());
  }, 250);
  process.on("message", (order: LoadOrder) => {
    if (order.type === "setup") {
      plans = order.members;
      for (const to of Object.values(targets)) to.setMembers(plans);
    } else if (order.type === "round") {
      const to = targets[order.target];
      void round(to, order.seconds, order.concurrency, plans.length).then((result) => send({ type: "round", result }));
    } else {
      clearInterval(sweeper);
      void Promise.all(Object.values(targets).map((to) => to.fake.stop())).then(() => {
        const problems = Object.values(targets).flatMap(({ name, fake }) => [
          ...fake.errors.map((error) => `${name} fake: ${error}`),
          ...fake.unknownRoutes.map((request) => `${name} fake: unknown route ${request.method} ${request.path}`),
        ]);
        send({ type: "stopped", problems });
        process.disconnect();
      });
    }
  });
  send({ type: "listening", apiUrls: { bot: targets.bot.fake.apiUrl, bare: targets.bare.fake.apiUrl } });
}

if (process.send) {
  // The parent gone (even killed), this process has nothing left to do.
  process.once("disconnect", () => process.exit());
  const send = process.send.bind(process);
  await serve((message) => send(message));
}
