/**
 * Discord's documented limits on slash command data; what registration rejects with 50035.
 * The combined-characters budget is the documented 4000 (names, descriptions and choice values
 * of the command, its subcommands, groups, options and choices, summed).
 */
export const commandDataLimits = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  stringLength: 6_000,
  combinedCharacters: 4_000,
} as const;

const nameRule = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

interface OptionData {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  options?: OptionData[];
  choices?: { name: string; value: string | number }[];
  max_length?: number;
  min_length?: number;
  autocomplete?: boolean;
}

const subcommand = 1;
const group = 2;
const string = 3;

/** Every way `data` breaks Discord's rules for a chat-input command, as short strings; empty when valid. */
export function commandDataViolations(data: { name: string; description: string; options?: unknown[] }): string[] {
  const problems: string[] = [];
  let combined = 0;

  const named = (path: string, item: { name: string; description?: string }) => {
    if (!nameRule.test(item.name)) problems.push(`${path}: name "${item.name}"`);
    const description = item.description ?? "";
    if (description.length < 1 || description.length > commandDataLimits.description)
      problems.push(`${path}: description length ${description.length}`);
    combined += item.name.length + description.length;
  };

  const level = (path: string, options: OptionData[], allowed: "top" | "group" | "leaf") => {
    if (options.length > commandDataLimits.options) problems.push(`${path}: ${options.length} options`);
    const names = new Set<string>();
    let optionalSeen = false;
    const nested = options.filter((option) => option.type === subcommand || option.type === group).length;
    if (allowed === "top" && nested > 0 && nested < options.length)
      problems.push(`${path}: subcommands mixed with plain options`);
    if (allowed === "group" && options.length === 0) problems.push(`${path}: empty group`);
    for (const option of options) {
      const here = `${path} ${option.name}`;
      named(here, option);
      if (names.has(option.name)) problems.push(`${here}: name used twice`);
      names.add(option.name);
      if (option.type === group) {
        if (allowed !== "top") problems.push(`${here}: a group inside ${allowed}`);
        level(here, option.options ?? [], "group");
        continue;
      }
      if (option.type === subcommand) {
        if (allowed === "leaf") problems.push(`${here}: a subcommand inside a subcommand`);
        level(here, option.options ?? [], "leaf");
        continue;
      }
      if (allowed === "group") problems.push(`${here}: a plain option directly in a group`);
      if (option.required) {
        if (optionalSeen) problems.push(`${here}: required after optional`);
      } else optionalSeen = true;
      const choices = option.choices ?? [];
      if (choices.length > commandDataLimits.choices) problems.push(`${here}: ${choices.length} choices`);
      if (choices.length > 0 && option.autocomplete) problems.push(`${here}: choices and autocomplete`);
      for (const choice of choices) {
        if (choice.name.length < 1 || choice.name.length > 100) problems.push(`${here}: choice "${choice.name}"`);
        combined += choice.name.length + String(choice.value).length;
      }
      if (option.type === string && option.max_length !== undefined) {
        if (option.max_length < 1 || option.max_length > commandDataLimits.stringLength)
          problems.push(`${here}: max_length ${option.max_length}`);
      }
    }
  };

  named("/", data);
  level(`/${data.name}`, (data.options ?? []) as OptionData[], "top");
  if (combined > commandDataLimits.combinedCharacters) problems.push(`combined characters ${combined}`);
  return problems;
}

/** The combined characters Discord counts against 4000, for a test to report how close the data is. */
export function combinedCharacters(data: unknown): number {
  let total = 0;
  const walk = (item: OptionData) => {
    total += item.name.length + (item.description?.length ?? 0);
    for (const choice of item.choices ?? []) total += choice.name.length + String(choice.value).length;
    for (const option of item.options ?? []) walk(option);
  };
  walk(data as OptionData);
  return total;
}
