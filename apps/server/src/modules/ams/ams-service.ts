import type { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import { amsMessages as m, InstallationCreate, ProviderCreate, type AmsPush } from '@acc/contracts';
import type { ProviderRow } from '@acc/db';
import { AMS_CREATOR, amsPrincipal, Scope } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import type { Config } from '../../config.js';
import { AppError, badRequest } from '../../errors.js';
import { decodeServiceCatalogueMessage, type ServiceCatalogueMessage } from './ams-message.js';
import { AmsRepository } from './ams-repository.js';

/** What the listener creates through, so the §4.4 and §4.6 rules and messages stay in one place each. */
export interface AmsCatalogue {
  providers: {
    createIn(
      manager: EntityManager,
      creatorId: string,
      input: { name: string; externalId?: string; website?: string; abbreviation?: string; logo?: string },
    ): Promise<ProviderRow>;
  };
  installations: { create(caller: Caller, input: InstallationCreate): Promise<unknown> };
}

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Request validation with the contract's own schema, reporting its first violation like any request. */
const parse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(result.error.issues[0]?.message ?? 'The AMS message is invalid.');
  return result.data;
};

/**
 * The AMS push listener (§4.14): EOSC service-catalogue approvals become providers and installations of
 * the configured AMS project.
 */
export class AmsService {
  private readonly principal: Caller;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
  ) {
    this.principal = amsPrincipal(config.entitlements.parent);
  }

  /** Returns the reply message; failures are thrown as AppErrors. */
  /** The caller has passed the AMS secret check of its procedure's rule (`Access.amsSecret`). */
  async consume(push: AmsPush, catalogue: AmsCatalogue): Promise<string> {
    const project = this.config.ams.project;
    // A deployment without its AMS project is misconfigured: the sender cannot fix that (500).
    if (!(await new AmsRepository(this.db.manager).projectExists(project))) throw new AppError(500, m.noProject(project));
    const message = decodeServiceCatalogueMessage(push);
    const status = message.status;
    if (status === undefined || status === null || status === '') return m.statusEmpty;
    if (status === 'approved provider') await this.approveProvider(project, message.provider ?? {}, catalogue);
    else if (status === 'approved resource') await this.approveResource(project, message.service ?? {}, catalogue);
    else return m.unknownStatus(typeof status === 'string' ? status : JSON.stringify(status));
    return m.consumed;
  }

  /** A new provider (EOSC id as external id), associated with the AMS project in the same transaction. */
  private async approveProvider(project: string, provider: NonNullable<ServiceCatalogueMessage['provider']>, catalogue: AmsCatalogue) {
    const input = parse(ProviderCreate, {
      name: provider.name,
      external_id: provider.id,
      website: provider.website,
      abbreviation: provider.abbreviation,
      logo: provider.logo,
    });
    await this.db.transaction(async (tx) => {
      const created = await catalogue.providers.createIn(tx, AMS_CREATOR, {
        name: input.name,
        externalId: input.external_id,
        website: input.website,
        abbreviation: input.abbreviation,
        logo: input.logo,
      });
      await new AmsRepository(tx).associate(project, created.id);
    });
  }

  /** An installation of the provider whose external id is the service's organisation. */
  private async approveResource(project: string, service: NonNullable<ServiceCatalogueMessage['service']>, catalogue: AmsCatalogue) {
    const provider = await new Scope(this.db.manager).providerByExternalId(text(service.resourceOrganisation) ?? '');
    const input = parse(InstallationCreate, {
      project,
      organisation: provider.id,
      installation: service.id,
      infrastructure: service.name,
      external_id: service.id,
    });
    await catalogue.installations.create(this.principal, input);
  }
}
