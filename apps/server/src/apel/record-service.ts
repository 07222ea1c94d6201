import type { DataSource } from 'typeorm';
import { AppError } from '../errors.js';
import type { ApelArgoBridge } from './argo-bridge.js';
import { authorisePublisher, type PublisherDecision } from '../access/index.js';
import { cachedProviderHosts, type FetchLike } from './authorise.js';
import type { ApelRecord } from './parser.js';
import { ApelRecordRepository, dedupeRecords } from './record-repository.js';

export const SAVED_MESSAGE = 'Data successfully saved for future loading.';
export const SAVE_FAILED_MESSAGE = 'Data could not be saved to disk, please try again.';

export interface ApelRecordServiceOptions {
  db: DataSource;
  /** `ALLOWED_TO_POST`. */
  allowedDns: readonly string[];
  /** `BANNED_FROM_POST`. */
  bannedDns: readonly string[];
  /** `PROVIDERS_URL`. */
  providersUrl?: string;
  bridge?: ApelArgoBridge;
  log?: (message: string) => void;
  fetchImpl?: FetchLike;
}

/** Host of a provider's `website` (`https://cloud.example/x` → `cloud.example`), tolerating a missing scheme. */
export function websiteHost(website: string): string | undefined {
  const text = website.trim();
  if (text === '') return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** Publisher authorisation (§1.1) and storage (§1.5) of APEL records. */
export class ApelRecordService {
  private readonly listedHosts: () => Promise<readonly string[]>;
  private readonly log: (message: string) => void;

  constructor(private readonly opts: ApelRecordServiceOptions) {
    this.log = opts.log ?? (() => {});
    this.listedHosts = cachedProviderHosts(opts.providersUrl, 60_000, Date.now, {
      fetchImpl: opts.fetchImpl,
      onError: (message) => this.log(`APEL: ${message}; using an empty provider list`),
    });
  }

  authorise(dn: string): Promise<PublisherDecision> {
    return authorisePublisher(dn, {
      banned: this.opts.bannedDns,
      allowed: this.opts.allowedDns,
      providerHosts: () => this.providerHosts(),
    });
  }

  /**
   * The provider list's host names plus, as an extension to §1.1.3, the host of every provider
   * registered in this service with a `website`: a provider already known here need not also be in
   * the external list. Read from the database on each call (only reached when neither DN list
   * decides), so a newly registered provider counts at once.
   */
  private async providerHosts(): Promise<string[]> {
    const [listed, registered] = await Promise.all([this.listedHosts(), this.registeredHosts()]);
    return [...listed, ...registered];
  }

  private async registeredHosts(): Promise<string[]> {
    try {
      const rows = await this.opts.db.query<{ website: string }[]>(
        `SELECT DISTINCT website FROM providers WHERE website IS NOT NULL AND website <> ''`,
      );
      return rows.map((r) => websiteHost(r.website)).filter((h): h is string => h !== undefined);
    } catch (err) {
      // Same rule as an unreachable provider list: the DN lists and the external list still work.
      this.log(`APEL: reading registered providers failed: ${(err as Error).message}`);
      return [];
    }
  }

  /**
   * Stores every record of one message in one transaction (§1.5); duplicates of a key within the
   * message collapse to the last. Any storage failure is the spec's 500, with nothing stored.
   */
  async save(records: readonly ApelRecord[], publisherDn: string, empaId: string): Promise<void> {
    const unique = dedupeRecords(records);
    try {
      await this.opts.db.transaction((em) => new ApelRecordRepository(em).upsert(unique, publisherDn));
    } catch (err) {
      this.log(`APEL: storing a message of ${records.length} records from ${publisherDn} (empa-id ${empaId}) failed: ${(err as Error).message}`);
      throw new AppError(500, SAVE_FAILED_MESSAGE);
    }
    if (this.opts.bridge?.enabled) await this.opts.bridge.afterMessage(unique);
  }
}
