import { DiscordAPIError } from "discord.js";
import { describe, expect, it } from "vitest";
import { deliveryError } from "../src/platforms/discord/discord-delivery.ts";

const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, "POST", "https://discord.test/api/v10/channels/1/messages", {});

describe("Discord delivery errors", () => {
  it("GIVEN a rejected token THEN the failure is the platform's, not the channel's", () => {
    const failure = deliveryError(apiError(401, 0, "401: Unauthorized"), "channel");
    expect(failure).toMatchObject({ code: "http_401", permanent: false, platformWide: true });
  });

  it("GIVEN missing permissions in one channel THEN the failure is that channel's and permanent", () => {
    const failure = deliveryError(apiError(403, 50013, "Missing Permissions"), "channel");
    expect(failure).toMatchObject({ code: "50013", permanent: true, platformWide: false });
    expect(failure.message).toContain("Send Messages");
  });
});
