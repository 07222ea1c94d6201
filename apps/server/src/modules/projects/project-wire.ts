import type { ProjectProjection } from '@acc/contracts';
import { toAssociatedInstallationWire } from '../providers/provider-wire.js';
import type { ProjectTree } from './project-tree.js';

export const toProjectProjection = ({ project, providers }: ProjectTree): ProjectProjection => ({
  id: project.id,
  acronym: project.acronym,
  title: project.title,
  start_date: project.startDate,
  end_date: project.endDate,
  call_identifier: project.callIdentifier,
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
