/**
 * A signed `/roadmap` slash command as the load generators send it (one Buffer, for
 * KeepAliveClient), and how they say where an answer went wrong.
 */
import { slackSignature } from "../test/e2e/fake-slack.ts";

/** What goes in a request line and Host header for one server. */
export interface Endpoint {
  path: string;
  host: string;
}

/** The whole HTTP request for a slash command's form `body`, signed now with the app's secret. */
export function signedCommand(endpoint: Endpoint, secret: string, body: string): Buffer {
  const timestamp = Math.floor(Date.now() / 1000);
  return Buffer.from(
    `POST ${endpoint.path} HTTP/1.1\r\n` +
      `Host: ${endpoint.host}\r\n` +
      "Connection: keep-alive\r\n" +
      "content-type: application/x-www-form-urlencoded\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-slack-request-timestamp: ${timestamp}\r\n` +
      `x-slack-signature: ${slackSignature(secret, timestamp, body)}\r\n` +
      `\r\n${body}`,
  );
}

/** Where an answer first departs from the exact body expected, with a little of both around it. */
export function unlike(expected: string, got: string): string {
  let at = 0;
  while (at < expected.length && expected[at] === got[at]) at++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 80));
  return `answer differs from the expected body at character ${at} of ${expected.length}: expected ${around(expected)}, got ${around(got)} (${got.length} characters)`;
}
