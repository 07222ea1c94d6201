/** Query-string validators for the routes: every view is a URL, and a hand-edited URL must not break it. */

const text = (v: unknown, max = 200): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : typeof v === 'number' ? String(v) : undefined;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = (v: unknown): string | undefined =>
  typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined;

export const WINDOWS = ['hour', 'day', 'week', 'month'] as const;
export type UsageWindow = (typeof WINDOWS)[number];

export interface OverviewSearch {
  q?: string;
}
export const overviewSearch = (s: Record<string, unknown>): OverviewSearch => ({ q: text(s.q) });

export interface SignInSearch {
  redirect?: string;
}
export const signInSearch = (s: Record<string, unknown>): SignInSearch => ({ redirect: text(s.redirect, 2000) });

export interface RangeSearch {
  start?: string;
  end?: string;
  window?: UsageWindow;
  tz?: string;
  page?: number;
}
export const rangeSearch = (s: Record<string, unknown>): RangeSearch => {
  const page = Number(s.page);
  return {
    start: date(s.start),
    end: date(s.end),
    window: WINDOWS.includes(s.window as UsageWindow) ? (s.window as UsageWindow) : undefined,
    tz: text(s.tz, 64),
    page: Number.isInteger(page) && page > 1 && page < 100_000 ? page : undefined,
  };
};

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The range a view shows when the URL names none: the last 30 days, ending today (inclusive). */
export function resolveRange(s: RangeSearch, today = new Date()): { start: string; end: string; window: UsageWindow; tz: string } {
  const end = s.end ?? iso(today);
  const start = s.start ?? iso(new Date(Date.parse(`${end}T00:00:00Z`) - 29 * 86_400_000));
  return { start, end, window: s.window ?? 'day', tz: s.tz ?? 'UTC' };
}

/** The usage API's `end` is exclusive; the range's `end` date is shown inclusive. */
export const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The alerts view's scope: at most the ids of one of the four scope shapes (alerts.md §1). */
export interface AlertsSearch {
  installation_id?: string;
  project_id?: string;
  provider_id?: string;
}
export const alertsSearch = (s: Record<string, unknown>): AlertsSearch => ({
  installation_id: text(s.installation_id),
  project_id: text(s.project_id),
  provider_id: text(s.provider_id),
});
