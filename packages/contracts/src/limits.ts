/**
 * Page-size limits of every paged listing (§1.4), in one place: the contracts validate against them and
 * derive their messages from them, and the CLI checks its `--page-size` against them before calling.
 */
export const PAGE_SIZE = {
  /** Listings. */
  max: 100,
  /** Search endpoints, which return lighter projections. */
  maxSearch: 1000,
  /** When the caller asks for none. */
  default: 10,
} as const;
