import type { DataSource } from 'typeorm';
import {
  reportMessages,
  type AlertScope,
  type GenericProviderReport,
  type InstallationReport,
  type ProjectReport,
  type ProviderReport,
} from '@acc/contracts';
import type { InstallationRow, ProjectRow, ProviderRow } from '@acc/db';
import { assertHierarchy, Scope } from '../../access/index.js';
import type { Caller } from '../../auth/caller.js';
import type { Role } from '../../auth/entitlements.js';
import { AppError, notFound } from '../../errors.js';
import { dayStart } from '../metrics/instants.js';
import { providerOfProject } from '../metrics/project-provider.js';
import {
  aggregate,
  aggregatedWire,
  installationReports,
  installationWire,
  providerReport,
  providerWire,
  type ReportWindow,
} from './report-builder.js';
import { ReportRepository, type MetricOwnerFilter } from './report-repository.js';
import { toProjectHeader } from '../projects/project-wire.js';

const READERS: Role[] = ['admin', 'viewer'];

/** Validated `yyyy-MM-dd` bounds plus the optional group/user narrowing. */
export interface ReportRequest {
  start: string;
  end: string;
  owner?: MetricOwnerFilter;
}

export type ScopeReport = InstallationReport | ProviderReport | ProjectReport | GenericProviderReport;

const windowOf = (r: ReportRequest): ReportWindow => ({ from: dayStart(r.start), to: dayStart(r.end), owner: r.owner ?? {} });

/** The §5 reports: resolve and authorise the scope (404 before 403), then build. */
export class ReportService {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return new ReportRepository(this.db.manager);
  }

  private get scope() {
    return new Scope(this.db.manager);
  }

  async installation(caller: Caller, installationId: string, r: ReportRequest): Promise<InstallationReport> {
    return this.ofInstallation(await this.scope.authorizeInstallation(caller, READERS, installationId), r);
  }

  async installationByExternalId(caller: Caller, externalId: string, r: ReportRequest): Promise<InstallationReport> {
    return this.ofInstallation(await this.scope.authorizeInstallationByExternalId(caller, READERS, externalId), r);
  }

  async provider(caller: Caller, projectId: string, providerId: string, r: ReportRequest): Promise<ProviderReport> {
    const { provider } = await this.scope.authorizeAssociatedProvider(caller, READERS, projectId, providerId);
    return this.ofProvider(projectId, provider, r);
  }

  async providerByExternalId(caller: Caller, projectId: string, externalProviderId: string, r: ReportRequest): Promise<ProviderReport> {
    const scope = this.scope;
    const providerId = await providerOfProject(scope, projectId, externalProviderId);
    assertHierarchy(caller, { kind: 'provider', roles: READERS, projectId, providerId });
    return this.ofProvider(projectId, await scope.provider(providerId), r);
  }

  async project(caller: Caller, projectId: string, r: ReportRequest): Promise<ProjectReport> {
    return this.ofProject(await this.scope.authorizeProject(caller, READERS, projectId), r);
  }

  /**
   * The report of a scope whose access was decided elsewhere (a report schedule's, alerts.md §3): the
   * same answer as the scope's report endpoint, its entities still resolved (404 when gone).
   */
  async ofScope(scope: AlertScope, r: ReportRequest): Promise<ScopeReport> {
    const entities = this.scope;
    if ('installation_id' in scope) return this.ofInstallation(await entities.installation(scope.installation_id), r);
    if ('project_id' in scope && 'provider_id' in scope) return this.ofProvider(scope.project_id, await entities.provider(scope.provider_id), r);
    if ('project_id' in scope) return this.ofProject(await entities.project(scope.project_id), r);
    return this.acrossProjects(await entities.provider(scope.provider_id), r);
  }

  private async ofProject(project: ProjectRow, r: ReportRequest): Promise<ProjectReport> {
    const projectId = project.id;
    const repo = this.repo;
    const providers = await repo.providersOfProject(projectId);
    const installations = await repo.installationsOfProject(projectId);
    const reports = await installationReports(repo, installations, windowOf(r));
    const data = providers.map((pv) =>
      providerReport(
        pv,
        reports.filter((i) => i.provider === pv.id),
      ),
    );
    return {
      ...toProjectHeader(project),
      aggregated_metrics: aggregatedWire(aggregate(data.flatMap((d) => d.aggregated_metrics))),
      data: data.map(providerWire),
    };
  }

  async genericProvider(caller: Caller, providerId: string, r: ReportRequest): Promise<GenericProviderReport> {
    return this.acrossProjects(await this.scope.authorizeRepresentative(caller, providerId), r);
  }

  async genericProviderByExternalId(caller: Caller, externalId: string, r: ReportRequest): Promise<GenericProviderReport> {
    const scope = this.scope;
    // This endpoint's 404 text differs from the other external lookups (a space before the colon).
    const provider = await scope.providerByExternalId(externalId).catch((err: unknown) => {
      throw err instanceof AppError && err.status === 404 ? notFound(reportMessages.noProviderExternal(externalId)) : err;
    });
    return this.acrossProjects(await scope.authorizeRepresentative(caller, provider.id), r);
  }

  private async ofInstallation(installation: InstallationRow, r: ReportRequest): Promise<InstallationReport> {
    const [report] = await installationReports(this.repo, [installation], windowOf(r));
    return installationWire(report);
  }

  private async ofProvider(projectId: string, provider: ProviderRow, r: ReportRequest): Promise<ProviderReport> {
    const repo = this.repo;
    const installations = await repo.installationsOfProject(projectId, provider.id);
    return providerWire(providerReport(provider, await installationReports(repo, installations, windowOf(r))));
  }

  /** One ProviderReport per project where the provider has at least one installation (§5). */
  private async acrossProjects(provider: ProviderRow, r: ReportRequest): Promise<GenericProviderReport> {
    const repo = this.repo;
    const installations = await repo.installationsOfProvider(provider.id);
    const data = await installationReports(repo, installations, windowOf(r));
    const projects = [...new Set(installations.map((i) => i.projectId))];
    const reports = projects.map((projectId) =>
      providerReport(
        provider,
        data.filter((d) => d.project === projectId),
      ),
    );
    return { reports: reports.map(providerWire), aggregated_metrics: aggregatedWire(aggregate(reports.flatMap((p) => p.aggregated_metrics))) };
  }
}
