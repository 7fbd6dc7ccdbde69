/**
 * Slack reads `<...>` as links and mentions (`<!channel>`, `<@U123>`) and `&` as the start of an
 * entity. Every piece of text that came from a person or a content file passes through here, so
 * nothing typed can ping a channel.
 */
export const escapeMrkdwn = (text: string): string =>
  // Most text has nothing to escape: one scan instead of three replaces.
  /[&<>]/.test(text) ? text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") : text;

/** Slack delivers typed `&`, `<` and `>` as entities; the core wants what the person typed. */
export const unescapeMrkdwn = (text: string): string =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** A cut may land inside an entity made by escaping ("&am"); drop such a tail. */
export const withoutBrokenEntity = (text: string): string => text.replace(/&[a-z]{0,4}(…?)$/, "$1");
