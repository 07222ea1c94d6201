import type { ProjectProjection } from '@acc/contracts';
import type { ProjectRow } from '@acc/db';
import { toAssociatedInstallationWire } from '../providers/provider-wire.js';
import type { ProjectTree } from './project-tree.js';

/** The fields every project-shaped answer starts with. */
export const toProjectHeader = (project: ProjectRow) => ({
  id: project.id,
  acronym: project.acronym,
  title: project.title,
  start_date: project.startDate,
  end_date: project.endDate,
  call_identifier: project.callIdentifier,
});

export const toProjectProjection = ({ project, providers }: ProjectTree): ProjectProjection => ({
  ...toProjectHeader(project),
  providers: providers.map(({ provider, installations }) => ({
    id: provider.id,
    name: provider.name,
    external_id: provider.externalId,
    website: provider.website,
    abbreviation: provider.abbreviation,
    logo: provider.logo,
    installations: installations.map(toAssociatedInstallationWire),
  })),
});
