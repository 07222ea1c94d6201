import type { DataSource } from 'typeorm';
import { projectMessages as msg, type ProjectRegistrationResult } from '@acc/contracts';
import { isUniqueViolation } from '../../db-errors.js';
import { extractProject, hasResults, type OpenAireClient } from './openaire-client.js';
import { ProjectRepository } from './project-repository.js';

/**
 * `POST /admin/register-projects` (§4.5): each id succeeds or fails on its own, and the answer is
 * always 200 with the failures listed. OpenAIRE is called outside any transaction: a slow answer
 * must not hold a database session.
 */
export class ProjectRegistration {
  constructor(
    private readonly db: DataSource,
    private readonly openaire: OpenAireClient,
  ) {}

  async register(creatorId: string, ids: string[]): Promise<ProjectRegistrationResult> {
    const registered: string[] = [];
    const errors: string[] = [];
    // In order, one at a time: a repeated id must meet its own earlier registration.
    for (const id of ids) {
      const error = await this.registerOne(creatorId, id);
      if (error === undefined) registered.push(id);
      else errors.push(error);
    }
    return { code: 200, message: registered.length > 0 ? msg.registered(registered) : msg.noRegistration, errors };
  }

  /** The error text for this id, or undefined once it is registered. */
  private async registerOne(creatorId: string, id: string): Promise<string | undefined> {
    const repo = new ProjectRepository(this.db.manager);
    if (await repo.exists(id)) return msg.registrationDuplicate(id);
    try {
      const body = await this.openaire.searchProject(id);
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
      return msg.registrationFailed(id);
    }
  }
}
