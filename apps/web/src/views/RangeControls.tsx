import { useNavigate } from '@tanstack/react-router';
import { WINDOWS, type RangeSearch, type UsageWindow } from '../lib/search';

/** Range, window and time zone live in the URL: changing one replaces the query string, nothing else. */
export function RangeControls({
  search,
  resolved,
  showWindow = true,
}: {
  search: RangeSearch;
  resolved: { start: string; end: string; window: UsageWindow; tz: string };
  showWindow?: boolean;
}) {
  const navigate = useNavigate();
  const set = (patch: Partial<RangeSearch>) =>
    void navigate({ to: '.', search: (prev: RangeSearch) => ({ ...prev, ...patch, page: undefined }), replace: true });
  return (
    <fieldset className="toolbar">
      <legend>Range</legend>
      <label>
        From
        <input type="date" name="start" value={resolved.start} onChange={(e) => set({ start: e.target.value || undefined })} />
      </label>
      <label>
        To
        <input type="date" name="end" value={resolved.end} onChange={(e) => set({ end: e.target.value || undefined })} />
      </label>
      {showWindow && (
        <label>
          Window
          <select name="window" value={resolved.window} onChange={(e) => set({ window: e.target.value as UsageWindow })}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
      )}
      {showWindow && (
        <label>
          Time zone
          <input name="tz" value={search.tz ?? resolved.tz} onChange={(e) => set({ tz: e.target.value || undefined })} list="time-zones" />
        </label>
      )}
    </fieldset>
  );
}
