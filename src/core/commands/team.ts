import { canonicalZone } from "../../schedule/daily-args.ts";
import { requireChannelManager } from "../channel-permission.ts";
import type { Command, CommandContext } from "../command.ts";
import { quote, UserError } from "../errors.ts";
import { runMode } from "../modes.ts";
import { type Reply, reply } from "../reply.ts";

function requireTeam({ who, lookup }: CommandContext): string {
  if (who.teamId) return who.teamId;
  throw new UserError(
    "team.none",
    "Team settings belong to a Slack workspace or a Discord server, and this conversation has none.",
    `Type it in a channel of your team, or \`${lookup.command("help")}\` for what works here.`,
  );
}

async function show(context: CommandContext): Promise<Reply> {
  const { who, schedule, lookup } = context;
  const team = await schedule.teams.get(who.platform, who.teamId);
  return reply([
    { type: "header", text: "Team settings" },
    {
      type: "fields",
      fields: [
        { label: "Time zone", value: team.zone ?? `${schedule.defaultZone} (the bot's default)` },
        { label: "Pictures", value: team.pictures ?? "on" },
        {
          label: "Daily topics are changed by",
          value: team.dailyManagers === "anyone" ? "anyone" : (context.channelManagers?.description ?? "anyone here"),
        },
      ],
    },
    {
      type: "context",
      text: `Change them with \`${lookup.command("team zone Europe/Berlin")}\`, \`${lookup.command("team daily-managers anyone|admins")}\` or \`${lookup.command("team pictures on|off")}\`.`,
    },
  ]);
}

async function setZone(context: CommandContext, word: string | undefined): Promise<Reply> {
  const teamId = requireTeam(context);
  const zone = word ? canonicalZone(word) : undefined;
  if (!zone) {
    throw new UserError(
      "team.bad-zone",
      word ? `${quote(word, 40)} is not a time zone I know.` : "`team zone` needs a time zone.",
      `Use an IANA zone name, e.g. \`${context.lookup.command("team zone Europe/Berlin")}\`.`,
    );
  }
  await requireChannelManager(context, "change the team's time zone");
  await context.schedule.teams.update(context.who.platform, teamId, { zone });
  return reply(
    [
      {
        type: "text",
        text: `The team's time zone is now ${zone}. New daily topics and reminders use it unless they name another.`,
      },
    ],
    { private: false },
  );
}

async function setManagers(context: CommandContext, word: string | undefined): Promise<Reply> {
  const teamId = requireTeam(context);
  const choice = word?.toLowerCase();
  if (choice !== "anyone" && choice !== "admins") {
    throw new UserError(
      "team.bad-managers",
      "`team daily-managers` takes `anyone` or `admins`.",
      `For example \`${context.lookup.command("team daily-managers anyone")}\`.`,
    );
  }
  // Only channel managers may open this up or close it again, whatever it is set to now.
  if (context.channelManagers && !(await context.channelManagers.check())) {
    throw new UserError(
      "permission.channel-managers",
      `Only ${context.channelManagers.description} can change who manages daily topics.`,
      "Ask one of them.",
    );
  }
  await context.schedule.teams.update(context.who.platform, teamId, { dailyManagers: choice });
  const who = choice === "anyone" ? "anyone" : (context.channelManagers?.description ?? "channel managers");
  return reply([{ type: "text", text: `From now on ${who} can change a channel's daily topic.` }], {
    private: false,
  });
}

/** `team pictures on|off`: whether answers carry pictures next to their text, for the whole team. */
async function setPictures(context: CommandContext, word: string | undefined): Promise<Reply> {
  const teamId = requireTeam(context);
  const choice = word?.toLowerCase();
  if (choice !== "on" && choice !== "off") {
    throw new UserError(
      "team.bad-pictures",
      "`team pictures` takes `on` or `off`.",
      `For example \`${context.lookup.command("team pictures off")}\` for text-only answers.`,
    );
  }
  await requireChannelManager(context, "turn the team's pictures on or off");
  const before = await context.schedule.teams.get(context.who.platform, teamId);
  const unchanged = (before.pictures ?? "on") === choice;
  // Nothing changes, so nothing is written.
  if (!unchanged) await context.schedule.teams.update(context.who.platform, teamId, { pictures: choice });
  const what =
    choice === "on"
      ? "`progress` and `leaderboard` answers carry a picture next to their text"
      : "answers are text only, without pictures";
  return reply([{ type: "text", text: unchanged ? `Already so: ${what}.` : `From now on ${what}.` }], {
    private: unchanged,
  });
}

export default {
  name: "team",
  summary: "Team settings: the time zone, who may change daily topics, and pictures",
  argument: {
    name: "setting",
    description: "The setting and its new value",
    required: false,
    kind: "text",
    example: "team zone Europe/Berlin",
  },
  modes: [
    { name: "show", summary: "Show the team's settings" },
    {
      name: "zone",
      summary: "Set the team's time zone (channel managers only)",
      options: [{ name: "zone", description: "IANA time zone", example: "Europe/Berlin" }],
    },
    {
      name: "daily-managers",
      summary: "Who may change daily topics: admins or anyone (channel managers only)",
      options: [{ name: "who", description: "admins or anyone", example: "anyone" }],
    },
    {
      name: "pictures",
      summary: "Pictures next to progress and leaderboard answers: on or off (channel managers only)",
      options: [{ name: "state", description: "on or off", example: "off" }],
    },
  ],
  run: (context) =>
    runMode(
      context,
      {
        show,
        zone: (modeContext, [zone]) => setZone(modeContext, zone),
        "daily-managers": (modeContext, [who]) => setManagers(modeContext, who),
        pictures: (modeContext, [state]) => setPictures(modeContext, state),
      },
      "show",
      "team zone Europe/Berlin",
    ),
} satisfies Command;
