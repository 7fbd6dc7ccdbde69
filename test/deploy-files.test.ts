import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";

/**
 * The deploy files, parsed and checked for what roadmap-bot relies on. The zod schemas below cover
 * only the fields we use (a small stand-in for kubernetes-models / compose-spec / the workflow
 * schema); unknown fields pass through.
 */

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const k8sDir = "deploy/k8s";

// ---------------------------------------------------------------------------------------------
// Kubernetes

const name = z.string().min(1);
const labels = z.record(z.string(), z.string());
const port = z.union([z.number().int().positive(), z.string().min(1)]);

const objectMeta = z.object({
  name,
  // Namespace-agnostic manifests: the namespace comes from `kubectl -n` or an overlay.
  namespace: z.never({ message: "must not be set (the manifests are namespace-agnostic)" }).optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});

const k8sObject = z.object({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: objectMeta });

const probe = z.object({ httpGet: z.object({ path: z.string(), port }) });
const quantities = z.object({ cpu: z.union([z.string(), z.number()]), memory: z.string() });

const container = z.object({
  name,
  image: z.string().min(1),
  args: z.array(z.string()).optional(),
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number().int() })).min(1),
  env: z.array(z.object({ name, value: z.string().optional() })).default([]),
  envFrom: z
    .array(
      z.object({
        configMapRef: z.object({ name }).optional(),
        secretRef: z.object({ name }).optional(),
      }),
    )
    .default([]),
  livenessProbe: probe,
  readinessProbe: probe,
  resources: z.object({ requests: quantities, limits: quantities }),
  securityContext: z
    .object({ runAsNonRoot: z.boolean().optional(), readOnlyRootFilesystem: z.boolean().optional() })
    .optional(),
  volumeMounts: z.array(z.object({ name, mountPath: z.string() })).default([]),
});

const deployment = k8sObject.extend({
  apiVersion: z.literal("apps/v1"),
  kind: z.literal("Deployment"),
  spec: z.object({
    replicas: z.number().int(),
    selector: z.object({ matchLabels: labels }),
    strategy: z.object({ type: z.enum(["RollingUpdate", "Recreate"]) }).optional(),
    template: z.object({
      metadata: z.object({ labels, annotations: labels.optional() }),
      spec: z.object({
        securityContext: z
          .object({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().int().optional() })
          .optional(),
        containers: z.array(container).length(1),
        volumes: z.array(z.object({ name, emptyDir: z.looseObject({}).optional() })).default([]),
      }),
    }),
  }),
});
type Deployment = z.infer<typeof deployment>;

const service = k8sObject.extend({
  apiVersion: z.literal("v1"),
  kind: z.literal("Service"),
  spec: z.object({
    type: z.literal("ClusterIP").optional(),
    selector: labels,
    ports: z.array(z.object({ port: z.number().int(), targetPort: port })).min(1),
  }),
});

const pdb = k8sObject.extend({
  apiVersion: z.literal("policy/v1"),
  kind: z.literal("PodDisruptionBudget"),
  spec: z.object({ minAvailable: z.number().int(), selector: z.object({ matchLabels: labels }) }),
});

const configMap = k8sObject.extend({
  apiVersion: z.literal("v1"),
  kind: z.literal("ConfigMap"),
  data: z.record(z.string(), z.string()),
});

const secret = k8sObject.extend({
  apiVersion: z.literal("v1"),
  kind: z.literal("Secret"),
  stringData: z.record(z.string(), z.string()),
});

const kustomization = z.object({
  apiVersion: z.string().startsWith("kustomize.config.k8s.io/"),
  kind: z.literal("Kustomization"),
  namespace: z.never({ message: "must not be set (the manifests are namespace-agnostic)" }).optional(),
  resources: z.array(z.string()).min(1),
  images: z.array(z.object({ name, newName: z.string().optional(), newTag: z.string().optional() })).default([]),
});

interface K8sDocument {
  file: string;
  value: unknown;
}

/** Every YAML document of every manifest in deploy/k8s except the kustomization itself. */
function k8sDocuments(): K8sDocument[] {
  const files = readdirSync(path.join(root, k8sDir)).filter(
    (file) => file.endsWith(".yaml") && file !== "kustomization.yaml",
  );
  return files.flatMap((file) =>
    parseAllDocuments(read(`${k8sDir}/${file}`)).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map(String).join("; ")}`);
      return { file, value: document.toJS() as unknown };
    }),
  );
}

const documents = k8sDocuments();
const one = <T>(file: string, schema: z.ZodType<T>): T => {
  const matches = documents.filter((document) => document.file === file);
  if (matches.length !== 1) throw new Error(`${k8sDir}/${file} should hold one document, not ${matches.length}`);
  return schema.parse(matches[0]?.value);
};

const slack = one("deployment.yaml", deployment);
const discord = one("discord-gateway.yaml", deployment);
const containerOf = (d: Deployment) => {
  const first = d.spec.template.spec.containers[0];
  if (!first) throw new Error(`${d.metadata.name} has no container`);
  return first;
};
const envValue = (d: Deployment, variable: string) =>
  containerOf(d).env.find((entry) => entry.name === variable)?.value;

/** A selector matches a pod when every one of its labels is on the pod with the same value. */
const selects = (selector: Record<string, string>, podLabels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => podLabels[key] === value);

/** A probe or Service port names the container's port, by name or by number. */
const isContainerPort = (d: Deployment, target: string | number) =>
  containerOf(d).ports.some((p) => p.containerPort === target || (p.name !== undefined && p.name === target));

const podLabels = (d: Deployment) => d.spec.template.metadata.labels;

// ---------------------------------------------------------------------------------------------
// Dockerfile: a line parser (comments dropped, `\` continuations joined), grouped into stages.

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  alias: string | undefined;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let buffer = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // Docker drops comment lines and empty lines, also inside a continued instruction.
    if (line === "" || line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      buffer += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const match = /^(\S+)\s*(.*)$/s.exec(`${buffer}${line}`.trim());
    buffer = "";
    if (match?.[1] !== undefined) instructions.push({ keyword: match[1].toUpperCase(), args: match[2] ?? "" });
  }
  if (buffer.trim() !== "") throw new Error(`Dockerfile ends inside a continued instruction: ${buffer}`);
  return instructions;
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith("--"));
      const alias = words[1]?.toLowerCase() === "as" ? words[2] : undefined;
      stages.push({ image: words[0] ?? "", alias, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** Splits flags (`--from=build`) from the sources and destination of a COPY or ADD. */
function copyArgs(args: string): { flags: string[]; sources: string[]; destination: string } {
  const words = args.trim().startsWith("[")
    ? z.array(z.string()).parse(JSON.parse(args))
    : args.split(/\s+/).filter((word) => word !== "");
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  return { flags, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
}

/** `ENV A=1 B=2` or the legacy `ENV A 1`. */
function envArgs(args: string): Record<string, string> {
  const unquote = (value: string) => value.replace(/^"(.*)"$/, "$1");
  if (!/^\S+=/.test(args)) {
    const [key = "", ...rest] = args.split(/\s+/);
    return { [key]: unquote(rest.join(" ")) };
  }
  return Object.fromEntries(
    args
      .split(/\s+/)
      .filter((word) => word.includes("="))
      .map((word) => {
        const index = word.indexOf("=");
        return [word.slice(0, index), unquote(word.slice(index + 1))];
      }),
  );
}

const dockerInstructions = parseDockerfile(read("deploy/Dockerfile"));
const stages = stagesOf(dockerInstructions);
const finalStage = stages.at(-1);
const final = (keyword: string) => finalStage?.instructions.filter((i) => i.keyword === keyword) ?? [];
const dockerEnv: Record<string, string> = Object.assign({}, ...final("ENV").map((i) => envArgs(i.args)));

// ---------------------------------------------------------------------------------------------
// Compose

const keyValues = z
  .union([z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), z.array(z.string())])
  .transform((value) =>
    Array.isArray(value)
      ? Object.fromEntries(value.map((entry) => [entry.split("=")[0] ?? "", entry.split("=").slice(1).join("=")]))
      : Object.fromEntries(Object.entries(value).map(([key, v]) => [key, v === null ? "" : String(v)])),
  );
const envFile = z
  .union([z.string(), z.array(z.union([z.string(), z.object({ path: z.string() })]))])
  .transform((value) =>
    (Array.isArray(value) ? value : [value]).map((entry) => (typeof entry === "string" ? entry : entry.path)),
  );
const composeService = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  env_file: envFile.optional(),
  environment: keyValues.optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  ports: z.array(z.union([z.string(), z.number(), z.object({ target: z.number() })])).optional(),
  volumes: z.array(z.string()).default([]),
  healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]) }).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
});
const compose = z
  .object({
    services: z.object({ bot: composeService, redis: composeService }).catchall(composeService),
    volumes: z.record(z.string(), z.unknown().nullable()).default({}),
  })
  .parse(parse(read("deploy/compose.yaml")));
const composeDir = path.join(root, "deploy");

// ---------------------------------------------------------------------------------------------
// GitHub workflows

const step = z.object({
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.unknown()).optional(),
});
const permissions = z.record(z.string(), z.string()).optional();
const job = z.object({
  "runs-on": z.string(),
  permissions,
  env: z.record(z.string(), z.unknown()).optional(),
  strategy: z.object({ matrix: z.record(z.string(), z.unknown()) }).optional(),
  services: z.record(z.string(), z.looseObject({ image: z.string() })).optional(),
  steps: z.array(step).min(1),
});
const workflow = z.object({
  name: z.string(),
  on: z.record(z.string(), z.unknown()),
  permissions,
  env: z.record(z.string(), z.unknown()).optional(),
  jobs: z.record(z.string(), job),
});
type Workflow = z.infer<typeof workflow>;
const ci = workflow.parse(parse(read(".github/workflows/ci.yml")));
const release = workflow.parse(parse(read(".github/workflows/release.yml")));
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const usesOf = (w: Workflow, action: string) => steps(w).filter((s) => s.uses?.split("@")[0] === action);

// ---------------------------------------------------------------------------------------------
// Environment variables

/** Names the deploy files may set though config.ts does not read them yet (being added now). */
const pendingConfigNames = new Set(["ROADMAP_PLATFORMS"]);
/** Read by Node and libraries, not by config.ts. */
const runtimeNames = new Set(["NODE_ENV"]);
const configSource = read("src/config.ts");
const envExampleNames = new Set([...read(".env.example").matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
const readByConfig = (variable: string) => new RegExp(`\\b${variable}\\b`).test(configSource);

describe("deploy/k8s", () => {
  it("GIVEN every manifest in deploy/k8s THEN each document has apiVersion, kind and metadata.name and no namespace", () => {
    expect(documents.length).toBeGreaterThanOrEqual(6);
    for (const document of documents) {
      const result = k8sObject.safeParse(document.value);
      expect(result.success, `${document.file}: ${result.error?.message}`).toBe(true);
    }
  });

  it("GIVEN the Slack Deployment THEN it runs 2+ replicas of Slack only, probes /healthz and /readyz on its port", () => {
    expect(slack.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(envValue(slack, "ROADMAP_PLATFORMS")).toBe("slack");
    const c = containerOf(slack);
    expect(c.ports.map((p) => p.containerPort)).toContain(3000);
    expect(c.livenessProbe.httpGet.path).toBe("/healthz");
    expect(c.readinessProbe.httpGet.path).toBe("/readyz");
    expect(isContainerPort(slack, c.livenessProbe.httpGet.port)).toBe(true);
    expect(isContainerPort(slack, c.readinessProbe.httpGet.port)).toBe(true);
    expect(selects(slack.spec.selector.matchLabels, podLabels(slack))).toBe(true);
  });

  it("GIVEN the Slack Deployment THEN its pods run the image's command with single-threaded GC, the flag bench/replicas.ts measures", () => {
    const cmd = z.array(z.string()).parse(JSON.parse(final("CMD").at(-1)?.args ?? "[]"));
    const args = containerOf(slack).args ?? [];
    expect(args).toContain("--single-threaded-gc");
    // Only Node flags are added: what runs is still the image's own command.
    expect(args.filter((arg) => !arg.startsWith("--"))).toEqual(cmd);
  });

  it("GIVEN the Discord gateway Deployment THEN it runs exactly one replica of Discord only, with Recreate and the same probes", () => {
    expect(discord.spec.replicas).toBe(1);
    expect(discord.spec.strategy?.type).toBe("Recreate");
    expect(envValue(discord, "ROADMAP_PLATFORMS")).toBe("discord");
    const c = containerOf(discord);
    expect(c.livenessProbe.httpGet.path).toBe("/healthz");
    expect(c.readinessProbe.httpGet.path).toBe("/readyz");
    expect(isContainerPort(discord, c.livenessProbe.httpGet.port)).toBe(true);
    expect(isContainerPort(discord, c.readinessProbe.httpGet.port)).toBe(true);
    expect(selects(discord.spec.selector.matchLabels, podLabels(discord))).toBe(true);
    // The two Deployments must not adopt each other's pods.
    expect(selects(discord.spec.selector.matchLabels, podLabels(slack))).toBe(false);
    expect(selects(slack.spec.selector.matchLabels, podLabels(discord))).toBe(false);
  });

  it.each([
    ["Slack", slack],
    ["Discord", discord],
  ])(
    "GIVEN the %s Deployment THEN it runs as non-root on a read-only root filesystem with resources and Prometheus annotations",
    (_, d) => {
      const c = containerOf(d);
      for (const kind of ["requests", "limits"] as const) {
        expect(c.resources[kind].cpu, `${kind}.cpu`).toBeTruthy();
        expect(c.resources[kind].memory, `${kind}.memory`).toBeTruthy();
      }
      const pod = d.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot === true || c.securityContext?.runAsNonRoot === true).toBe(true);
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      // A read-only root needs a writable /tmp from an emptyDir.
      const tmp = c.volumeMounts.find((mount) => mount.mountPath === "/tmp");
      expect(tmp).toBeDefined();
      expect(pod.volumes.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      const annotations = d.spec.template.metadata.annotations ?? {};
      expect(annotations["prometheus.io/scrape"]).toBe("true");
      expect(annotations["prometheus.io/path"]).toBe("/metrics");
      expect(c.ports.map((p) => String(p.containerPort))).toContain(annotations["prometheus.io/port"]);
    },
  );

  it("GIVEN runAsNonRoot THEN the kubelet can verify the user: the image's USER is numeric or the pod sets runAsUser", () => {
    const imageUser = final("USER").at(-1)?.args.split(":")[0] ?? "";
    for (const d of [slack, discord]) {
      const runAsUser = d.spec.template.spec.securityContext?.runAsUser;
      expect(/^\d+$/.test(imageUser) || (runAsUser !== undefined && runAsUser > 0), d.metadata.name).toBe(true);
    }
  });

  it("GIVEN both Deployments THEN envFrom names the ConfigMap and the Secret that deploy/k8s defines", () => {
    const configMapNames = documents
      .filter((d) => configMap.safeParse(d.value).success)
      .map((d) => configMap.parse(d.value).metadata.name);
    const secretNames = documents
      .filter((d) => secret.safeParse(d.value).success)
      .map((d) => secret.parse(d.value).metadata.name);
    expect(configMapNames).toEqual(["roadmap-bot-config"]);
    expect(secretNames).toEqual(["roadmap-bot-secrets"]);
    for (const d of [slack, discord]) {
      const envFrom = containerOf(d).envFrom;
      expect(envFrom.flatMap((source) => source.configMapRef?.name ?? [])).toEqual(configMapNames);
      expect(envFrom.flatMap((source) => source.secretRef?.name ?? [])).toEqual(secretNames);
    }
  });

  it("GIVEN the ConfigMap and the example Secret THEN they hold the expected keys, the store is Redis, and the Secret is clearly an example", () => {
    const config = one("configmap.yaml", configMap);
    expect(Object.keys(config.data)).toEqual(
      expect.arrayContaining(["STORE_URL", "DEFAULT_TIMEZONE", "LOG_LEVEL", "CONTENT_DIR"]),
    );
    // Several processes share the store: SQLite would give each pod its own file.
    expect(config.data.STORE_URL).toMatch(/^(rediss?|postgres(ql)?):\/\//);
    const example = one("secret.example.yaml", secret);
    expect(Object.keys(example.stringData).sort()).toEqual(
      ["DISCORD_APPLICATION_ID", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"].sort(),
    );
    expect(read(`${k8sDir}/secret.example.yaml`)).toMatch(/EXAMPLE ONLY/);
    for (const [key, value] of Object.entries(example.stringData)) {
      expect(value, key).toMatch(/REPLACE|^0+$/);
    }
  });

  it("GIVEN the PodDisruptionBudget THEN it keeps one Slack pod and selects the Slack pods only", () => {
    const budget = one("pdb.yaml", pdb);
    expect(budget.spec.minAvailable).toBe(1);
    expect(selects(budget.spec.selector.matchLabels, podLabels(slack))).toBe(true);
    expect(selects(budget.spec.selector.matchLabels, podLabels(discord))).toBe(false);
  });

  it("GIVEN the Service THEN it is a ClusterIP on port 80 that selects only the Slack pods and targets their container port", () => {
    const svc = one("service.yaml", service);
    expect(svc.spec.type ?? "ClusterIP").toBe("ClusterIP");
    expect(selects(svc.spec.selector, podLabels(slack))).toBe(true);
    expect(selects(svc.spec.selector, podLabels(discord))).toBe(false);
    expect(svc.spec.ports.map((p) => p.port)).toContain(80);
    for (const p of svc.spec.ports) expect(isContainerPort(slack, p.targetPort), String(p.targetPort)).toBe(true);
  });

  it("GIVEN kustomization.yaml THEN it lists every manifest that exists, leaves out the example Secret, and names the Deployments' image", () => {
    const k = kustomization.parse(parse(read(`${k8sDir}/kustomization.yaml`)));
    for (const resource of k.resources) expect(existsSync(path.join(root, k8sDir, resource)), resource).toBe(true);
    expect(k.resources).not.toContain("secret.example.yaml");
    const manifests = [...new Set(documents.map((d) => d.file))].filter((file) => file !== "secret.example.yaml");
    expect([...k.resources].sort()).toEqual(manifests.sort());
    for (const d of [slack, discord]) {
      const image = containerOf(d).image.split(":")[0];
      expect(k.images.map((entry) => entry.name)).toContain(image);
    }
  });
});

describe("deploy/Dockerfile", () => {
  it("GIVEN the Dockerfile THEN it has a build stage and a final stage on node:24 slim", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(finalStage?.image).toMatch(/^node:24[^\s@]*slim[^\s@]*(@sha256:[0-9a-f]{64})?$/);
    const runs = stages.slice(0, -1).flatMap((stage) => stage.instructions.filter((i) => i.keyword === "RUN"));
    expect(runs.some((i) => /\bnpm ci\b/.test(i.args))).toBe(true);
    expect(runs.some((i) => /\bnpm run build\b/.test(i.args))).toBe(true);
    expect(runs.some((i) => /--omit=dev\b/.test(i.args))).toBe(true);
  });

  it("GIVEN the final stage THEN it runs as a non-root USER with NODE_ENV=production, a /data store, port 3000, a /healthz HEALTHCHECK and `start`", () => {
    const user = final("USER").at(-1)?.args.trim() ?? "";
    expect(user).not.toBe("");
    expect(["root", "0"]).not.toContain(user.split(":")[0]);
    expect(dockerEnv.NODE_ENV).toBe("production");
    expect(dockerEnv.STORE_URL).toMatch(/^sqlite:\/\/\/data\//);
    expect(final("EXPOSE").map((i) => i.args.trim())).toContain("3000");
    const healthcheck = final("HEALTHCHECK").at(-1)?.args ?? "";
    expect(healthcheck).toMatch(/\bCMD\b/);
    expect(healthcheck).toContain("/healthz");
    const cmd = final("CMD").at(-1)?.args ?? "";
    expect(z.array(z.string()).parse(JSON.parse(cmd))).toEqual(["node", "bin/roadmap-bot.js", "start"]);
  });

  it("GIVEN the final stage THEN it copies only package.json, bin/, dist/, content/ and node_modules/, never the whole context", () => {
    const allowed = new Set(["package.json", "bin", "dist", "content", "node_modules"]);
    const copies = [...final("COPY"), ...final("ADD")];
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const { sources } = copyArgs(copy.args);
      for (const source of sources) {
        const entry = source
          .replace(/^\/app\//, "")
          .replace(/^\.\//, "")
          .replace(/\/$/, "");
        expect(allowed.has(entry), `COPY ${copy.args}`).toBe(true);
      }
    }
  });

  it("GIVEN .dockerignore THEN the build context leaves out node_modules, dist, data, .git and .env", () => {
    const ignored = read(".dockerignore")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "dist", "data", ".git", ".env"]));
  });
});

describe("deploy/compose.yaml", () => {
  it("GIVEN the compose file THEN bot waits for a healthy redis and stores progress in it", () => {
    const { bot, redis } = compose.services;
    expect(redis.image).toMatch(/^redis:7/);
    expect(redis.healthcheck).toBeDefined();
    expect(String(redis.command)).toMatch(/appendonly/);
    expect(bot.depends_on?.redis?.condition).toBe("service_healthy");
    const storeUrl = new URL(bot.environment?.STORE_URL ?? "");
    expect(storeUrl.protocol).toBe("redis:");
    expect(storeUrl.hostname).toBe("redis");
    expect(bot.ports?.map(String).some((p) => p.endsWith("3000"))).toBe(true);
  });

  it("GIVEN the compose file THEN the bot builds from deploy/Dockerfile and reads the repository's .env", () => {
    const { bot } = compose.services;
    const context = path.resolve(composeDir, bot.build?.context ?? "");
    expect(context).toBe(root);
    expect(path.resolve(context, bot.build?.dockerfile ?? "")).toBe(path.join(root, "deploy/Dockerfile"));
    // `cp .env.example .env` at the root, and compose resolves env_file against deploy/.
    expect(bot.env_file?.map((file) => path.resolve(composeDir, file))).toContain(path.join(root, ".env"));
  });

  it("GIVEN the compose file THEN every named volume is declared, for redis data and for /data", () => {
    const named = Object.values(compose.services)
      .flatMap((s) => s.volumes)
      .map((v) => v.split(":"))
      .filter(([source]) => source !== undefined && !/^[./~]/.test(source));
    for (const [source] of named) expect(Object.keys(compose.volumes), source).toContain(source);
    expect(compose.services.redis.volumes.some((v) => v.endsWith(":/data"))).toBe(true);
    expect(compose.services.bot.volumes.some((v) => v.endsWith(":/data"))).toBe(true);
  });
});

describe("environment variables in the deploy files", () => {
  it("GIVEN every variable k8s, compose and the Dockerfile set THEN config.ts reads it and .env.example lists it", () => {
    const k8sNames = [
      ...[slack, discord].flatMap((d) => containerOf(d).env.map((entry) => entry.name)),
      ...Object.keys(one("configmap.yaml", configMap).data),
      ...Object.keys(one("secret.example.yaml", secret).stringData),
    ];
    const composeNames = Object.values(compose.services).flatMap((s) => Object.keys(s.environment ?? {}));
    const dockerNames = Object.keys(dockerEnv).filter((variable) => !runtimeNames.has(variable));
    const names = new Set([...k8sNames, ...composeNames, ...dockerNames]);
    expect(names.size).toBeGreaterThan(5);
    for (const variable of names) {
      if (pendingConfigNames.has(variable) && !envExampleNames.has(variable)) continue;
      expect(readByConfig(variable), `${variable} is read by src/config.ts`).toBe(true);
      expect(envExampleNames.has(variable), `${variable} is listed in .env.example`).toBe(true);
    }
  });
});

describe(".github/workflows", () => {
  it("GIVEN ci.yml THEN pushes and pull requests run .ci/run with CI=true on Node 20 and 24 beside Redis and Postgres", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    const jobs = Object.values(ci.jobs);
    const runJob = jobs.find((j) => j.steps.some((s) => s.run?.includes(".ci/run")));
    const runStep = runJob?.steps.find((s) => s.run?.includes(".ci/run"));
    expect(runStep).toBeDefined();
    const ciEnv = { ...ci.env, ...runJob?.env, ...runStep?.env };
    expect(String(ciEnv.CI)).toBe("true");
    const versions = new Set<string>();
    for (const j of jobs) {
      for (const value of Object.values(j.strategy?.matrix ?? {})) {
        if (Array.isArray(value)) for (const v of value) versions.add(String(v));
      }
    }
    for (const s of usesOf(ci, "actions/setup-node")) {
      const version = String(s.with?.["node-version"] ?? "");
      if (!version.includes("${{")) versions.add(version);
      expect(s.with?.cache).toBe("npm");
    }
    expect([...versions]).toEqual(expect.arrayContaining(["20", "24"]));
    const images = jobs.flatMap((j) => Object.values(j.services ?? {}).map((s) => s.image));
    expect(images).toEqual(expect.arrayContaining(["redis:7", "postgres:16"]));
  });

  it("GIVEN release.yml THEN a v* tag builds deploy/Dockerfile with SBOM and provenance, signs it with cosign and produces an SBOM", () => {
    const push = z.object({ push: z.object({ tags: z.array(z.string()) }) }).parse(release.on);
    expect(push.push.tags.some((tag) => tag.startsWith("v"))).toBe(true);
    const build = usesOf(release, "docker/build-push-action")[0];
    expect(build?.with).toMatchObject({ file: "deploy/Dockerfile", push: true, sbom: true, provenance: true });
    expect(usesOf(release, "sigstore/cosign-installer")).toHaveLength(1);
    expect(steps(release).some((s) => /\bcosign sign\b.*--yes/.test(s.run ?? ""))).toBe(true);
    expect(usesOf(release, "anchore/sbom-action")[0]?.with?.format).toBe("spdx-json");
    const granted = { ...release.permissions, ...Object.values(release.jobs)[0]?.permissions };
    expect(granted).toMatchObject({ "id-token": "write", packages: "write" });
  });

  it("GIVEN both workflows THEN every action is pinned to a major version tag", () => {
    for (const s of [...steps(ci), ...steps(release)]) {
      if (s.uses !== undefined) expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
    }
  });
});
