/** What every key the bot writes starts with, in every backend, so it never mixes with another app's keys. */
export const namespace = "roadmap-bot";
