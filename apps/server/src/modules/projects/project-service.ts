import type { DataSource } from 'typeorm';
import { endsBeforeStart, projectMessages as msg, type PageQuery, type ProjectCreate, type ProjectProjection } from '@acc/contracts';
import type { ProjectRow } from '@acc/db';
import { assertHierarchy, Scope, type SqlFragment, visibleProjectsSql, visibleTreeView } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import type { Role } from '../../auth/entitlements.js';
import { isUniqueViolation } from '../../db-errors.js';
import { AppError, badRequest, conflict } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { criterionToSql, searchFields, type Criterion } from '../../search/index.js';
import { InstallationRepository } from '../installations/installation-repository.js';
import type { InstallationPage, InstallationService } from '../installations/installation-service.js';
import { requestLogger, silentLogger, type Logger } from '../../telemetry/index.js';
import { hasResults, logLookupFailure, OpenAireError, type OpenAireClient } from './openaire-client.js';
import { ProjectRepository, type ProjectPatch } from './project-repository.js';
import { loadTrees, restrictTree, type TreeView } from './project-tree.js';
import { toProjectProjection } from './project-wire.js';

const READERS: Role[] = ['admin', 'viewer'];
const WRITERS: Role[] = ['admin'];
const ALL: SqlFragment = { sql: 'TRUE', params: [] };

export interface ProjectPage {
  content: ProjectProjection[];
  total: number;
}

/** Projects (§4.5): custom registration, updates, the cascade delete, associations and the read views. */
export class ProjectService {
  constructor(
    private readonly db: DataSource,
    /** Undefined when lookups are off (ACC_OPENAIRE_URL=off): custom ids are then accepted unchecked. */
    private readonly openaire: OpenAireClient | undefined,
    private readonly installationService: InstallationService,
    private readonly logger: Logger = silentLogger(),
  ) {}

  private repo(m = this.db.manager) {
    return new ProjectRepository(m);
  }

  async create(creatorId: string, input: ProjectCreate): Promise<ProjectProjection> {
    if (input.id.includes('.')) throw badRequest(msg.dotInId);
    await this.assertUnknownToOpenAire(input.id);
    const row = {
      id: input.id,
      acronym: input.acronym,
      title: input.title,
      startDate: input.start_date,
      endDate: input.end_date,
      callIdentifier: input.call_identifier,
      creatorId,
    };
    try {
      const project = await this.db.transaction(async (m) => {
        const repo = this.repo(m);
        if (await repo.exists(input.id)) throw conflict(msg.alreadyRegistered(input.id));
        return repo.insert(row);
      });
      return toProjectProjection({ project, providers: [] });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(msg.alreadyRegistered(input.id));
      throw err;
    }
  }

  /** A custom id must be unknown to OpenAIRE; if OpenAIRE cannot say, refuse rather than guess. */
  private async assertUnknownToOpenAire(id: string): Promise<void> {
    const openaire = this.openaire;
    if (openaire === undefined) return;
    let known: boolean;
    try {
      known = hasResults(await openaire.searchProject(id));
    } catch (err) {
      if (err instanceof OpenAireError) {
        logLookupFailure(requestLogger(this.logger), openaire, id, err);
        throw new AppError(502, msg.openAireUnavailable(id));
      }
      throw err;
    }
    if (known) throw conflict(msg.existsInOpenAire(id));
  }

  async update(id: string, patch: ProjectPatch): Promise<ProjectProjection> {
    const project = await this.db.transaction(async (m) => {
      const stored = await new Scope(m).project(id);
      if (endsBeforeStart(patch.startDate ?? stored.startDate, patch.endDate ?? stored.endDate)) throw badRequest(msg.endBeforeStart);
      return this.repo(m).update(id, patch);
    });
    return this.projection(project);
  }

  /** §2.3: metrics, capacities, installations, associations and the project, all or nothing. */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await new Scope(m).project(id);
      await this.repo(m).deleteCascade(id);
    });
  }

  listAll(q: PageQuery): Promise<ProjectPage> {
    return this.page(ALL, q);
  }

  search(criterion: Criterion, q: PageQuery): Promise<ProjectPage> {
    return this.page(criterionToSql(criterion, searchFields.projects), q);
  }

  /** `GET /projects`: what the caller may see, each project cut down to the part it may see. */
  visible(caller: Caller, q: PageQuery): Promise<ProjectPage> {
    const v = caller.policy.visibility();
    return this.page(visibleProjectsSql(v), q, visibleTreeView(v));
  }

  async get(caller: Caller, id: string): Promise<ProjectProjection> {
    return this.projection(await new Scope(this.db.manager).authorizeProject(caller, READERS, id));
  }

  async associate(caller: Caller, id: string, providerId: string): Promise<string> {
    await this.db.transaction(async (m) => {
      await this.authorizeAssociation(new Scope(m), caller, id, providerId);
      if (!(await this.repo(m).associate(id, providerId))) throw conflict(msg.alreadyAssociated(id));
    });
    return msg.associated(providerId, id);
  }

  async dissociate(caller: Caller, id: string, providerId: string): Promise<string> {
    await this.db.transaction(async (m) => {
      await this.authorizeAssociation(new Scope(m), caller, id, providerId);
      const repo = this.repo(m);
      if (await repo.hasInstallations(id, providerId)) throw conflict(msg.dissociationBlocked(id, providerId));
      await repo.dissociate(id, providerId);
    });
    return msg.dissociated(providerId, id);
  }

  /** Both path entities exist (404s) before PRJ[admin] is checked (403), as §1.3 orders. */
  private async authorizeAssociation(scope: Scope, caller: Caller, id: string, providerId: string): Promise<void> {
    await scope.project(id);
    await scope.provider(providerId);
    assertHierarchy(caller, { kind: 'project', roles: WRITERS, projectId: id });
  }

  async installations(caller: Caller, projectId: string, providerId: string | undefined, q: PageQuery): Promise<InstallationPage> {
    await this.authorizeScope(caller, projectId, providerId);
    return this.installationService.inScope(projectId, providerId, q);
  }

  /** The distinct definitions used by the metrics under the project (or one of its providers). */
  async metricDefinitions(caller: Caller, projectId: string, providerId: string | undefined, q: PageQuery) {
    await this.authorizeScope(caller, projectId, providerId);
    const metrics =
      providerId === undefined
        ? { sql: 'm.project_id = $1', params: [projectId] }
        : { sql: 'm.project_id = $1 AND m.provider_id = $2', params: [projectId, providerId] };
    const [rows, total] = await new InstallationRepository(this.db.manager).usedDefinitions(metrics, offsetOf(q), q.size);
    return { rows, total };
  }

  /** PRJ[admin,viewer] on the project, or PRV[admin,viewer] when a provider is named. */
  private async authorizeScope(caller: Caller, projectId: string, providerId: string | undefined): Promise<void> {
    const scope = new Scope(this.db.manager);
    if (providerId === undefined) await scope.authorizeProject(caller, READERS, projectId);
    else await scope.authorizeProvider(caller, READERS, projectId, providerId);
  }

  private async projection(project: ProjectRow): Promise<ProjectProjection> {
    const [tree] = await loadTrees(this.repo(), [project]);
    return toProjectProjection(tree);
  }

  private async page(where: SqlFragment, q: PageQuery, view?: TreeView): Promise<ProjectPage> {
    const repo = this.repo();
    const [rows, total] = await repo.page(where, offsetOf(q), q.size);
    const trees = await loadTrees(repo, rows);
    return { content: trees.map((t) => toProjectProjection(view ? restrictTree(t, view) : t)), total };
  }
}
