// The sandbox's synthetic tenants: enterprises, organizations, members and repositories, and the
// seeded chance every sandbox answer draws from, so that every run answers the same.

/** Two synthetic enterprises; one person belongs to two organizations, as happens in real tenants. */
export const sandboxEnterprises = [
  { slug: "octo-sandbox", orgs: ["octo-web", "octo-data"] },
  { slug: "acme-sandbox", orgs: ["acme-platform"] },
] as const;

export const members: Record<string, string[]> = {
  "octo-web": ["mona", "hubot", "octocat", "ada", "linus", "grace", "ken", "margaret"],
  "octo-data": ["ada", "alan", "barbara", "edsger", "frances", "john"],
  "acme-platform": ["wile", "road", "bugs", "daffy", "porky", "elmer", "tweety"],
};

/** The repositories of each sandbox organization, by name; their ids count up in this order. */
export const repositoryNames: Record<string, string[]> = {
  "octo-web": ["web-app", "design-system"],
  "octo-data": ["pipelines"],
  "acme-platform": ["rockets", "anvils"],
};

/** A sandbox repository's id, as the sandbox's repository routes number them. */
export function repositoryId(org: string, name: string): number {
  const all = sandboxEnterprises.flatMap((enterprise) =>
    enterprise.orgs.flatMap((o) => (repositoryNames[o] ?? []).map((n) => `${o}/${n}`)),
  );
  return all.indexOf(`${org}/${name}`) + 1;
}

/** Deterministic pseudo-random number in [0, 1) from a text seed (FNV-1a, then xorshift). */
export function chance(seed: string): number {
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  hash ^= hash << 13;
  hash ^= hash >>> 17;
  hash ^= hash << 5;
  return (hash >>> 0) / 4294967296;
}

/** The item at `index`, which the caller computed to be in range; out of range is a bug in the sandbox, never an answer. */
export function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`The sandbox asked for item ${index} of a list of ${items.length}.`);
  return item;
}

/** One of `items`, drawn by the seeded chance of `seed`. */
export function pick<T>(items: readonly T[], seed: string): T {
  return itemAt(items, Math.floor(chance(seed) * items.length));
}

export function userId(login: string): number {
  return 1000 + Math.floor(chance(`id:${login}`) * 900000);
}

export function isActive(login: string, day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const rate = weekday === 0 || weekday === 6 ? 0.15 : 0.75;
  return chance(`active:${login}:${day}`) < rate;
}
