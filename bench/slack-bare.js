/**
 * bench/slack.ts's baseline: a bare Bolt 5 app in HTTP mode whose `/roadmap` handler acks a
 * constant. Its own process, plain JavaScript run by plain `node` as the bot's dist/ is, so
 * neither a TypeScript loader's start-up nor its memory counts against the baseline.
 *
 *   node bench/slack-bare.js SLACK_API_URL SIGNING_SECRET
 *
 * Prints `{"port":N,"msg":"listening"}` once it serves on 127.0.0.1.
 */
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

const [slackApiUrl, signingSecret] = process.argv.slice(2);
if (!slackApiUrl || !signingSecret) throw new Error("usage: node bench/slack-bare.js SLACK_API_URL SIGNING_SECRET");

const receiver = new HTTPReceiver({ signingSecret, logLevel: LogLevel.ERROR });
const app = new App({ token: "xoxb-bench-bare", receiver, clientOptions: { slackApiUrl }, logLevel: LogLevel.ERROR });
app.command("/roadmap", async ({ ack }) => ack("ok"));
const server = await app.start({ port: 0, host: "127.0.0.1" });
console.log(JSON.stringify({ port: server.address().port, msg: "listening" }));
process.on("SIGTERM", () => app.stop().then(() => process.exit(0)));
