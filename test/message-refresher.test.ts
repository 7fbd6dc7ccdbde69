import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { MessageRefresher } from "../src/platforms/message-refresher.ts";

describe("MessageRefresher", () => {
  it("GIVEN 500 clicks on one message within the delay THEN the message is edited once, after them", async () => {
    const refresher = new MessageRefresher(silentLogger, 30);
    const edits: string[] = [];
    let count = 0;
    for (let click = 0; click < 500; click++) {
      count++;
      refresher.schedule("C1/100", async () => {
        edits.push(`${count} answered`);
      });
    }
    refresher.schedule("C1/200", async () => {
      edits.push("other message");
    });
    expect(edits).toEqual([]);
    await sleep(80);
    expect(edits.sort()).toEqual(["500 answered", "other message"]);
  });

  it("GIVEN an edit waiting and one that fails WHEN the adapter stops THEN flush makes the waiting one at once and a failure is only logged", async () => {
    const warnings: string[] = [];
    const refresher = new MessageRefresher({ ...silentLogger, warn: (_, message) => warnings.push(message) }, 60_000);
    const edits: string[] = [];
    refresher.schedule("C1/100", async () => {
      edits.push("edited");
    });
    refresher.schedule("C1/300", async () => {
      throw new Error("message deleted");
    });
    await refresher.flush();
    expect(edits).toEqual(["edited"]);
    expect(warnings).toEqual(["could not refresh a message"]);
  });
});
