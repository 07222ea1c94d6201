/**
 * The demo federation: what `npm start` (dev mode) seeds into an empty data folder so that reports,
 * listings and the dashboard have something realistic to show without any setup or network.
 *
 * - 3 providers, 3 projects (each with 2–3 providers), 7 installations, 5 metric definitions of different
 *   unit types, one year of daily metrics ending at today's 00:00Z (and one hourly series, up to the last
 *   full hour), with a weekly rhythm, growth over the year and noise;
 * - the installation `legacy-grid` stopped reporting 7 days ago;
 * - CPU capacities registered a year ago and changed half a year ago; `hpc-aris` is over 100% of its
 *   capacity in the latest period;
 * - `group_id`/`user_id` on every metric, a few per project;
 * - the actor `demo-viewer`, a viewer of `climate-lab` (so its token works in `database` entitlement mode).
 *
 * Values come from a seeded PRNG and depend only on "now" (rounded to the day, the hour for the hourly
 * series), so two seedings at the same instant are identical. Rows go through the product's
 * repositories (metrics through `MetricRepository.insertMany`, the push path's bulk insert), all in one
 * transaction: either the whole federation is there or none of it. A data folder that already holds a
 * project is left alone, so the demo is seeded once and never mixes with real data.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { newObjectId } from '@acc/db';
import { CapacityRepository } from '../modules/capacities/capacity-repository.js';
import { InstallationRepository } from '../modules/installations/installation-repository.js';
import { MetricDefinitionRepository } from '../modules/metric-definitions/metric-definition-repository.js';
import { MetricRepository, type MetricOwner } from '../modules/metrics/metric-repository.js';
import type { ValidMetric } from '../modules/metrics/metric-rules.js';
import { ProjectRepository } from '../modules/projects/project-repository.js';
import { ProviderRepository } from '../modules/providers/provider-repository.js';
import { DEV_ADMIN, projectEntitlement } from './dev-issuer.js';
import { grantDevActor } from './seed.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 365;
/** Capacities change this many days before today. */
const CAPACITY_CHANGE_DAYS = 182;
const QUIET_DAYS = 7;

/** The seeded viewer: `npm start` prints a token for it. */
export const DEMO_VIEWER = { actorId: '64e5d0000000000000000001', oidcId: 'demo-viewer', name: 'Demo Viewer', projectId: 'climate-lab' } as const;

type DefinitionKey = 'cpu' | 'storage' | 'api' | 'jobs' | 'gpu';

const DEFINITIONS: Record<DefinitionKey, { name: string; description: string; unitType: string; metricType: string }> = {
  cpu: { name: 'CPU hours', description: 'Core hours consumed by jobs and VMs', unitType: 'CPU Time', metricType: 'aggregated' },
  storage: { name: 'Storage used', description: 'Average storage occupied over the period', unitType: 'TB', metricType: 'averaged' },
  api: { name: 'API requests', description: 'Requests served by the object-store API', unitType: 'API reqs', metricType: 'count' },
  jobs: { name: 'Jobs completed', description: 'Batch jobs that finished', unitType: '#', metricType: 'count' },
  gpu: { name: 'GPU time', description: 'Seconds of GPU time', unitType: 's', metricType: 'aggregated' },
};

const PROVIDERS = [
  { id: 'grnet', name: 'GRNET', abbreviation: 'GRNET', website: 'https://grnet.gr' },
  { id: 'cesnet', name: 'CESNET', abbreviation: 'CESNET', website: 'https://www.cesnet.cz' },
  { id: 'ifca', name: 'IFCA-CSIC', abbreviation: 'IFCA', website: 'https://ifca.unican.es' },
];

const PROJECTS = [
  {
    id: 'climate-lab',
    acronym: 'CLIMLAB',
    title: 'Climate Modelling Laboratory',
    providers: ['grnet', 'cesnet'],
    groups: ['modelling', 'downscaling'],
    users: ['alice', 'bob', 'carol'],
  },
  {
    id: 'genomics-hub',
    acronym: 'GENHUB',
    title: 'Genomics Analysis Hub',
    providers: ['cesnet', 'ifca'],
    groups: ['ngs-pipeline', 'variant-calling'],
    users: ['dave', 'erin'],
  },
  {
    id: 'astro-survey',
    acronym: 'ASTRO',
    title: 'Sky Survey Data Processing',
    providers: ['ifca', 'grnet', 'cesnet'],
    groups: ['imaging', 'catalogue'],
    users: ['frank', 'grace', 'heidi'],
  },
];

interface Series {
  definition: DefinitionKey;
  cadence: 'day' | 'hour';
  /** Value per day (or hour) at the start of the year. */
  base: number;
  /** Relative growth over the year: 0.5 ends 50% higher. */
  growth: number;
  noise: number;
  /** Office-hours and weekday shape (usage); levels such as storage have none. */
  rhythm: boolean;
  integer?: boolean;
}

interface InstallationSpec {
  id: string;
  project: string;
  provider: string;
  name: string;
  infrastructure: string;
  series: Series[];
  /** Capacity of the CPU definition: the latest period's usage is about this share of it. */
  cpuLoad?: number;
  quiet?: boolean;
}

const INSTALLATIONS: InstallationSpec[] = [
  {
    id: '64e5d1000000000000000001',
    project: 'climate-lab',
    provider: 'grnet',
    name: 'hpc-aris',
    infrastructure: 'HPC',
    cpuLoad: 1.12,
    series: [
      { definition: 'cpu', cadence: 'day', base: 4200, growth: 0.6, noise: 0.12, rhythm: true },
      { definition: 'storage', cadence: 'day', base: 180, growth: 0.35, noise: 0.01, rhythm: false },
    ],
  },
  {
    id: '64e5d1000000000000000002',
    project: 'climate-lab',
    provider: 'cesnet',
    name: 'object-store',
    infrastructure: 'Cloud',
    series: [
      { definition: 'storage', cadence: 'day', base: 420, growth: 0.25, noise: 0.01, rhythm: false },
      { definition: 'api', cadence: 'hour', base: 900, growth: 0.8, noise: 0.25, rhythm: true, integer: true },
    ],
  },
  {
    id: '64e5d1000000000000000003',
    project: 'genomics-hub',
    provider: 'cesnet',
    name: 'metacentrum-batch',
    infrastructure: 'Grid',
    cpuLoad: 0.74,
    series: [
      { definition: 'cpu', cadence: 'day', base: 2600, growth: 0.3, noise: 0.15, rhythm: true },
      { definition: 'jobs', cadence: 'day', base: 340, growth: 0.3, noise: 0.2, rhythm: true, integer: true },
    ],
  },
  {
    id: '64e5d1000000000000000004',
    project: 'genomics-hub',
    provider: 'ifca',
    name: 'cloud-ifca',
    infrastructure: 'Cloud',
    cpuLoad: 0.58,
    series: [
      { definition: 'cpu', cadence: 'day', base: 1500, growth: 0.15, noise: 0.1, rhythm: true },
      { definition: 'storage', cadence: 'day', base: 60, growth: 0.5, noise: 0.01, rhythm: false },
    ],
  },
  {
    id: '64e5d1000000000000000005',
    project: 'astro-survey',
    provider: 'ifca',
    name: 'gpu-cluster',
    infrastructure: 'HPC',
    cpuLoad: 0.86,
    series: [
      { definition: 'cpu', cadence: 'day', base: 900, growth: 0.4, noise: 0.12, rhythm: true },
      { definition: 'gpu', cadence: 'day', base: 2.2e6, growth: 0.9, noise: 0.18, rhythm: true, integer: true },
    ],
  },
  {
    id: '64e5d1000000000000000006',
    project: 'astro-survey',
    provider: 'grnet',
    name: 'survey-archive',
    infrastructure: 'Storage',
    series: [{ definition: 'storage', cadence: 'day', base: 750, growth: 0.4, noise: 0.005, rhythm: false }],
  },
  {
    id: '64e5d1000000000000000007',
    project: 'astro-survey',
    provider: 'cesnet',
    name: 'legacy-grid',
    infrastructure: 'Grid',
    quiet: true,
    series: [
      { definition: 'cpu', cadence: 'day', base: 800, growth: -0.4, noise: 0.2, rhythm: true },
      { definition: 'jobs', cadence: 'day', base: 120, growth: -0.4, noise: 0.25, rhythm: true, integer: true },
    ],
  },
];

export interface DemoSummary {
  projects: string[];
  providers: string[];
  installations: number;
  metricDefinitions: number;
  metrics: number;
  capacities: number;
  groups: string[];
  users: string[];
  /** The installation that stopped reporting and the day its last metric ended. */
  quiet: { installationId: string; lastMetricEnd: Date };
  /** Over 100% of its CPU capacity in the latest period. */
  overCapacity: { installationId: string; since: Date };
  viewer: { oidcId: string; projectId: string; entitlement: string };
  /** Time spent seeding. */
  ms: number;
}

export interface DemoOptions {
  namespace: string;
  parent: string;
  /** The end of the demo year; tests fix it for determinism. */
  now?: Date;
}

/** Seeds the demo federation unless the database already has a project; undefined when left alone. */
export async function seedDemoFederation(db: DataSource, options: DemoOptions): Promise<DemoSummary | undefined> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const summary = await db.transaction(async (m) => {
    const [{ any }]: { any: boolean }[] = await m.query('SELECT EXISTS (SELECT 1 FROM projects) AS any');
    if (any) return undefined;
    return seed(m, now, options);
  });
  return summary && { ...summary, ms: Math.round(performance.now() - started) };
}

async function seed(m: EntityManager, now: Date, options: DemoOptions): Promise<Omit<DemoSummary, 'ms'>> {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const yearStart = today - DAYS * DAY;
  const capacityChange = today - CAPACITY_CHANGE_DAYS * DAY;
  const creatorId = DEV_ADMIN.oidcId;

  const definitions = await seedDefinitions(m, creatorId);
  const providers = new ProviderRepository(m);
  for (const p of PROVIDERS) {
    // EOSC sync may already have brought a provider of that id: the demo uses it as it is.
    if (!(await providers.findById(p.id))) await providers.insert({ ...p, logo: null, externalId: null, creatorId });
  }
  const projects = new ProjectRepository(m);
  for (const p of PROJECTS) {
    await projects.insert({
      id: p.id,
      acronym: p.acronym,
      title: p.title,
      startDate: isoDay(yearStart - 200 * DAY),
      endDate: isoDay(today + 500 * DAY),
      callIdentifier: 'HORIZON-INFRA-2024-DEMO',
      creatorId,
    });
    for (const provider of p.providers) await projects.associate(p.id, provider);
  }

  const installations = new InstallationRepository(m);
  const metrics = new MetricRepository(m);
  const capacities = new CapacityRepository(m);
  let metricCount = 0;
  let capacityCount = 0;
  for (const spec of INSTALLATIONS) {
    const project = PROJECTS.find((p) => p.id === spec.project)!;
    await installations.insert({
      id: spec.id,
      projectId: spec.project,
      providerId: spec.provider,
      installation: spec.name,
      infrastructure: spec.infrastructure,
      resourceId: null,
      unitOfAccess: definitions[spec.series[0].definition],
      externalId: `${spec.provider}-${spec.name}`,
      creatorId,
    });
    const owner: MetricOwner = {
      installationId: spec.id,
      projectId: spec.project,
      providerId: spec.provider,
      projectAcronym: project.acronym,
      installationName: spec.name,
      infrastructure: spec.infrastructure,
      resource: null,
      resourceId: `${spec.project}.${spec.provider}.${spec.id}`,
      creatorId,
    };
    const end = spec.quiet ? today - QUIET_DAYS * DAY : spec.series.some((s) => s.cadence === 'hour') ? now.getTime() : today;
    const rows: (ValidMetric & { id: string })[] = [];
    for (const series of spec.series) {
      const random = mulberry32(hash(`${spec.id}/${series.definition}`));
      const step = series.cadence === 'day' ? DAY : HOUR;
      const last = series.cadence === 'day' ? Math.min(end, today) : Math.floor(end / HOUR) * HOUR;
      for (let t = yearStart; t + step <= last; t += step) {
        rows.push({
          id: newObjectId(),
          metricDefinitionId: definitions[series.definition],
          timePeriodStart: new Date(t),
          timePeriodEnd: new Date(t + step),
          value: valueAt(series, t, yearStart, random),
          groupId: pick(project.groups, random),
          userId: pick(project.users, random),
        });
      }
    }
    await metrics.insertMany(owner, rows);
    metricCount += rows.length;

    if (spec.cpuLoad !== undefined) {
      // Sized from the generated usage so the shares hold whatever the noise did.
      const cpu = rows.filter((r) => r.metricDefinitionId === definitions.cpu);
      const used = (from: number, to: number) =>
        cpu.filter((r) => r.timePeriodStart.getTime() >= from && r.timePeriodEnd.getTime() <= to).reduce((sum, r) => sum + r.value, 0);
      const before = roundTo2Significant(used(yearStart, capacityChange) / 0.8, 'up');
      const latest = roundTo2Significant(used(capacityChange, today) / spec.cpuLoad, spec.cpuLoad > 1 ? 'down' : 'up');
      for (const [registeredOn, value] of [
        [yearStart, before],
        [capacityChange, latest],
      ] as const) {
        await capacities.insert(
          {
            id: newObjectId(),
            installation_id: spec.id,
            metric_definition_id: definitions.cpu,
            value: String(value),
            registered_on: new Date(registeredOn),
          },
          creatorId,
        );
        capacityCount++;
      }
    }
  }

  const entitlement = projectEntitlement(options.namespace, options.parent, DEMO_VIEWER.projectId, 'viewer');
  await grantDevActor(m, DEMO_VIEWER, entitlement);

  const quiet = INSTALLATIONS.find((i) => i.quiet)!;
  const over = INSTALLATIONS.find((i) => (i.cpuLoad ?? 0) > 1)!;
  return {
    projects: PROJECTS.map((p) => p.id),
    providers: PROVIDERS.map((p) => p.id),
    installations: INSTALLATIONS.length,
    metricDefinitions: Object.keys(DEFINITIONS).length,
    metrics: metricCount,
    capacities: capacityCount,
    groups: PROJECTS.flatMap((p) => p.groups),
    users: PROJECTS.flatMap((p) => p.users),
    quiet: { installationId: quiet.id, lastMetricEnd: new Date(today - QUIET_DAYS * DAY) },
    overCapacity: { installationId: over.id, since: new Date(capacityChange) },
    viewer: { oidcId: DEMO_VIEWER.oidcId, projectId: DEMO_VIEWER.projectId, entitlement },
  };
}

/** The definitions by key; one with the same unit type and name (created by hand earlier) is reused. */
async function seedDefinitions(m: EntityManager, creatorId: string): Promise<Record<DefinitionKey, string>> {
  const repo = new MetricDefinitionRepository(m);
  const ids = {} as Record<DefinitionKey, string>;
  for (const [key, d] of Object.entries(DEFINITIONS) as [DefinitionKey, (typeof DEFINITIONS)[DefinitionKey]][]) {
    const existing = await repo.findByUnitAndName(d.unitType, d.name);
    ids[key] =
      existing?.id ??
      (
        await repo.insert({
          id: newObjectId(),
          metricName: d.name,
          metricDescription: d.description,
          unitType: d.unitType,
          metricType: d.metricType,
          creatorId,
        })
      ).id;
  }
  return ids;
}

/** Weekday factors, Sunday first: quiet weekends. */
const WEEK = [0.45, 1.0, 1.05, 1.05, 1.0, 0.9, 0.55];

function valueAt(s: Series, t: number, yearStart: number, random: () => number): number {
  const trend = 1 + s.growth * ((t - yearStart) / (DAYS * DAY));
  const date = new Date(t);
  let shape = 1;
  if (s.rhythm) {
    shape = WEEK[date.getUTCDay()];
    // Hourly series: busy 08–18 UTC, a night-time floor.
    if (s.cadence === 'hour') shape *= 0.25 + 0.75 * Math.max(0, Math.sin(((date.getUTCHours() - 6) / 14) * Math.PI));
  }
  const value = Math.max(0, s.base * trend * shape * (1 + s.noise * (2 * random() - 1)));
  return s.integer ? Math.round(value) : Math.round(value * 100) / 100;
}

function roundTo2Significant(value: number, direction: 'up' | 'down'): number {
  if (value <= 0) return 1;
  const scale = 10 ** (Math.floor(Math.log10(value)) - 1);
  return (direction === 'up' ? Math.ceil(value / scale) : Math.floor(value / scale)) * scale;
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)];

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** FNV-1a: a stable 32-bit seed per series. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small, fast, seedable PRNG (uniform in [0, 1)); Math.random cannot be seeded. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
