import type { DataSource } from 'typeorm';
import { projectMessages as msg, type ProjectRegistrationResult } from '@acc/contracts';
import { isUniqueViolation } from '../../db-errors.js';
import { badRequest } from '../../errors.js';
import { requestLogger, silentLogger, type Logger } from '../../telemetry/index.js';
import { extractProject, hasResults, logLookupFailure, OpenAireError, type OpenAireClient } from './openaire-client.js';
import { ProjectRepository } from './project-repository.js';

/**
 * `POST /admin/register-projects` (§4.5): each id succeeds or fails on its own, and the answer is
 * always 200 with the failures listed. OpenAIRE is called outside any transaction: a slow answer
 * must not hold a database session. Without an OpenAIRE client (ACC_OPENAIRE_URL=off) nothing can be
 * looked up, so the whole request is refused rather than failing every id.
 */
export class ProjectRegistration {
  constructor(
    private readonly db: DataSource,
    private readonly openaire: OpenAireClient | undefined,
    private readonly logger: Logger = silentLogger(),
  ) {}

  async register(creatorId: string, ids: string[]): Promise<ProjectRegistrationResult> {
    const openaire = this.openaire;
    if (openaire === undefined) throw badRequest(msg.openAireOff);
    const registered: string[] = [];
    const errors: string[] = [];
    // In order, one at a time: a repeated id must meet its own earlier registration.
    for (const id of ids) {
      const error = await this.registerOne(openaire, creatorId, id);
      if (error === undefined) registered.push(id);
      else errors.push(error);
    }
    return { code: 200, message: registered.length > 0 ? msg.registered(registered) : msg.noRegistration, errors };
  }

  /** The error text for this id, or undefined once it is registered. */
  private async registerOne(openaire: OpenAireClient, creatorId: string, id: string): Promise<string | undefined> {
    const repo = new ProjectRepository(this.db.manager);
    if (await repo.exists(id)) return msg.registrationDuplicate(id);
    try {
      const body = await openaire.searchProject(id);
      if (!hasResults(body)) return msg.registrationNotFound(id);
      const p = extractProject(body, id);
      await repo.insert({
        id: p.id,
        acronym: p.acronym,
        title: p.title,
        startDate: p.startDate,
        endDate: p.endDate,
        callIdentifier: p.callIdentifier,
        creatorId,
      });
      return undefined;
    } catch (err) {
      if (isUniqueViolation(err)) return msg.registrationDuplicate(id);
      // The caller only sees "please try again"; the reason goes to the operator.
      if (err instanceof OpenAireError) logLookupFailure(requestLogger(this.logger), openaire, id, err);
      else requestLogger(this.logger).error({ err, projectId: id }, `registering project ${id} failed`);
      return msg.registrationFailed(id);
    }
  }
}
